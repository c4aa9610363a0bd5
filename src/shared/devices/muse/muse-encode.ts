// The headset's side of the Muse protocol: EEG packets, control replies, telemetry. Used by the
// BLE emulator and the fuzzer. Pure.
import { asciiBytes } from '../bytes';
import { MUSE_EEG_OFFSET, MUSE_EEG_SAMPLES_PER_PACKET, MUSE_EEG_UV_PER_LSB } from './muse.types';

/** 12 µV samples → a 20-byte EEG notification (values clamp to the 12-bit range). */
export function encodeMuseEegPacket(sequence: number, samplesUv: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(20);
  out[0] = (sequence >> 8) & 0xff;
  out[1] = sequence & 0xff;
  const raw = (i: number) => Math.max(0, Math.min(4095, Math.round(samplesUv[i] / MUSE_EEG_UV_PER_LSB + MUSE_EEG_OFFSET)));
  for (let k = 0, o = 2; k < MUSE_EEG_SAMPLES_PER_PACKET; k += 2, o += 3) {
    const a = raw(k);
    const b = raw(k + 1);
    out[o] = a >> 4;
    out[o + 1] = ((a & 0x0f) << 4) | (b >> 8);
    out[o + 2] = b & 0xff;
  }
  return out;
}

/** A JSON reply split into 20-byte control notifications `[n][n text bytes][padding]`. */
export function encodeMuseControlReply(json: string): Uint8Array[] {
  const text = asciiBytes(json);
  const out: Uint8Array[] = [];
  for (let o = 0; o < text.length; o += 19) {
    const part = text.subarray(o, o + 19);
    const n = new Uint8Array(20);
    n[0] = part.length;
    n.set(part, 1);
    out.push(n);
  }
  return out;
}

export function encodeMuseTelemetry(sequence: number, batteryPercent: number, fuelGaugeMv = 3900, temperature = 28): Uint8Array {
  const out = new Uint8Array(20);
  const put = (i: number, v: number) => {
    out[i] = (v >> 8) & 0xff;
    out[i + 1] = v & 0xff;
  };
  put(0, sequence & 0xffff);
  put(2, Math.round(batteryPercent * 512));
  put(4, Math.round(fuelGaugeMv / 2.2));
  put(8, temperature);
  return out;
}
