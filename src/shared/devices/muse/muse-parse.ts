// Pure decoders for Muse notifications (muse-js's muse-parse.ts is the reference; its unit-test
// vectors are in ../shared/data/device-frames/muse.json). No clock: times come from sequences.
import { DeviceError } from '../device-error';
import { asciiText, hexPreview, readInt16BE, readUint16BE, readUint24BE } from '../bytes';
import { plural } from '../../plural';
import {
  MUSE_ACCEL_G_PER_LSB,
  MUSE_EEG_OFFSET,
  MUSE_EEG_SAMPLES_PER_PACKET,
  MUSE_EEG_UV_PER_LSB,
  MUSE_GYRO_DPS_PER_LSB,
  MUSE_PPG_SAMPLES_PER_PACKET,
  type MuseControlReply,
  type MuseEegPacket,
  type MuseImuPacket,
  type MusePpgPacket,
  type MuseTelemetry,
} from './muse.types';

const EEG_PACKET_BYTES = 2 + (MUSE_EEG_SAMPLES_PER_PACKET * 3) / 2; // 20
const PPG_PACKET_BYTES = 2 + MUSE_PPG_SAMPLES_PER_PACKET * 3; // 20
const IMU_PACKET_BYTES = 20;

function bad(what: string, bytes: Uint8Array): DeviceError {
  return new DeviceError('bad-frame', `Muse: ${what} [${hexPreview(bytes)}]`);
}

/** 12-bit unsigned values packed big-endian, two per three bytes. */
export function decodeUnsigned12BitData(bytes: Uint8Array, out = new Uint16Array(Math.floor((bytes.length * 2) / 3))): Uint16Array {
  const n = out.length;
  for (let o = 0, i = 0; o < n; o += 2, i += 3) {
    out[o] = (bytes[i] << 4) | (bytes[i + 1] >> 4);
    if (o + 1 < n) out[o + 1] = ((bytes[i + 1] & 0x0f) << 8) | bytes[i + 2];
  }
  return out;
}

/** 24-bit unsigned big-endian values (PPG). */
export function decodeUnsigned24BitData(bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array(Math.floor(bytes.length / 3));
  for (let k = 0; k < out.length; k++) out[k] = readUint24BE(bytes, k * 3);
  return out;
}

/** One EEG notification: u16 BE sequence, 12 samples → µV = 0.48828125 × (raw − 2048). */
export function parseMuseEegPacket(bytes: Uint8Array): MuseEegPacket {
  if (bytes.length !== EEG_PACKET_BYTES) throw bad(`EEG packet must be ${EEG_PACKET_BYTES} bytes, got ${bytes.length}`, bytes);
  const raw = decodeUnsigned12BitData(bytes.subarray(2), new Uint16Array(MUSE_EEG_SAMPLES_PER_PACKET));
  const samplesUv = new Float32Array(MUSE_EEG_SAMPLES_PER_PACKET);
  for (let i = 0; i < raw.length; i++) samplesUv[i] = MUSE_EEG_UV_PER_LSB * (raw[i] - MUSE_EEG_OFFSET);
  return { sequence: readUint16BE(bytes, 0), samplesUv };
}

export function parseMusePpgPacket(bytes: Uint8Array): MusePpgPacket {
  if (bytes.length !== PPG_PACKET_BYTES) throw bad(`PPG packet must be ${PPG_PACKET_BYTES} bytes, got ${bytes.length}`, bytes);
  return { sequence: readUint16BE(bytes, 0), samples: decodeUnsigned24BitData(bytes.subarray(2)) };
}

/** Telemetry: u16 BE sequence, battery/512 %, fuel gauge ×2.2 mV, temperature. */
export function parseMuseTelemetry(bytes: Uint8Array): MuseTelemetry {
  if (bytes.length < 10) throw bad(`telemetry packet too short (${plural(bytes.length, 'byte')})`, bytes);
  return {
    sequenceId: readUint16BE(bytes, 0),
    batteryLevel: readUint16BE(bytes, 2) / 512,
    fuelGaugeVoltage: readUint16BE(bytes, 4) * 2.2,
    temperature: readUint16BE(bytes, 8),
  };
}

function parseImu(bytes: Uint8Array, scale: number, what: string): MuseImuPacket {
  if (bytes.length !== IMU_PACKET_BYTES) throw bad(`${what} packet must be ${IMU_PACKET_BYTES} bytes, got ${bytes.length}`, bytes);
  const samples = [];
  for (let k = 0; k < 3; k++) {
    const o = 2 + k * 6;
    samples.push({ x: scale * readInt16BE(bytes, o), y: scale * readInt16BE(bytes, o + 2), z: scale * readInt16BE(bytes, o + 4) });
  }
  return { sequenceId: readUint16BE(bytes, 0), samples };
}

export function parseMuseAccelerometer(bytes: Uint8Array): MuseImuPacket {
  return parseImu(bytes, MUSE_ACCEL_G_PER_LSB, 'accelerometer');
}

export function parseMuseGyroscope(bytes: Uint8Array): MuseImuPacket {
  return parseImu(bytes, MUSE_GYRO_DPS_PER_LSB, 'gyroscope');
}

/** The text a control notification carries: byte 0 = number of valid bytes; the rest is stale padding. */
export function parseMuseControlNotification(bytes: Uint8Array): string {
  if (bytes.length === 0) throw bad('empty control notification', bytes);
  const n = bytes[0];
  if (n > bytes.length - 1) throw bad(`control notification says ${n} bytes but carries ${bytes.length - 1}`, bytes);
  return asciiText(bytes, 1, 1 + n);
}

/** Largest reply we buffer while waiting for `}`; a real one is a few hundred bytes. */
const MAX_CONTROL_BUFFER = 4096;

/**
 * Joins control-notification text into JSON objects: a reply can span notifications and two can
 * share one (muse-js parseControl). Text that is not valid JSON is reported and dropped, never
 * passed on.
 */
export class MuseControlAssembler {
  private buf = '';

  /** Feed text; returns the complete replies and any unparsable fragments' errors. */
  push(text: string): { replies: MuseControlReply[]; errors: DeviceError[] } {
    this.buf += text;
    const replies: MuseControlReply[] = [];
    const errors: DeviceError[] = [];
    let end: number;
    while ((end = this.buf.indexOf('}')) >= 0) {
      const start = this.buf.indexOf('{');
      const piece = start >= 0 && start < end ? this.buf.slice(start, end + 1) : '';
      this.buf = this.buf.slice(end + 1);
      if (!piece) {
        errors.push(new DeviceError('bad-frame', 'Muse: control reply without an opening brace'));
        continue;
      }
      try {
        const v = JSON.parse(piece) as unknown;
        if (v && typeof v === 'object' && !Array.isArray(v)) replies.push(v as MuseControlReply);
        else errors.push(new DeviceError('bad-frame', `Muse: control reply is not an object: ${piece.slice(0, 60)}`));
      } catch {
        errors.push(new DeviceError('bad-frame', `Muse: control reply is not JSON: ${piece.slice(0, 60)}`));
      }
    }
    if (this.buf.length > MAX_CONTROL_BUFFER) {
      errors.push(new DeviceError('bad-frame', `Muse: ${this.buf.length} bytes of control text without a closing brace; dropped`));
      this.buf = '';
    }
    return { replies, errors };
  }

  reset(): void {
    this.buf = '';
  }
}
