// Pure decoders for Polar PMD frames, control-point replies and the standard Heart Rate
// Measurement. They take bytes (and, for data frames, the previous timestamp and the rate) and read
// no clock. Layouts: ../shared/DEVICES.md §1, checked against polar-ble-sdk's own unit-test vectors.
import { DeviceError } from '../device-error';
import { plural } from '../../plural';
import { hexPreview, readInt24LE, readUint16LE, readUint24LE, readUint64LE } from '../bytes';
import {
  PMD_CP_MEASUREMENT_STOPPED,
  PMD_CP_RESPONSE_CODE,
  PMD_EPOCH_UNIX_S,
  PmdMeasurementType,
  PmdResponseStatus,
  PmdSettingType,
  type HeartRateMeasurement,
  type PmdControlPointNotification,
  type PmdControlPointResponse,
  type PmdEcgFrame,
  type PmdEcgSampleExtras,
  type PmdFeatures,
  type PmdFrameContext,
  type PmdFrameHeader,
  type PmdSettings,
} from './polar.types';

const PMD_HEADER_BYTES = 10;
/** A frame whose timestamps say more than this × the nominal span passed is missing samples. */
const GAP_TOLERANCE = 1.5;

function bad(what: string, bytes: Uint8Array): DeviceError {
  return new DeviceError('bad-frame', `Polar: ${what} [${hexPreview(bytes)}]`);
}

export function parsePmdFrameHeader(bytes: Uint8Array): PmdFrameHeader {
  if (bytes.length < PMD_HEADER_BYTES) throw bad(`PMD data frame too short (${plural(bytes.length, 'byte')}, header needs ${PMD_HEADER_BYTES})`, bytes);
  return {
    measurementType: bytes[0] & 0x3f,
    timestampNs: readUint64LE(bytes, 1),
    frameType: bytes[9] & 0x7f,
    compressed: (bytes[9] & 0x80) !== 0,
  };
}

/** Bytes per sample of the uncompressed ECG frame types the SDK knows. */
const ECG_SAMPLE_BYTES: Record<number, number> = { 0: 3, 1: 3, 2: 3, 3: 7 };

/**
 * An ECG data frame → µV samples with device times. Type 0 is the H10's (3-byte signed LE µV);
 * types 1–3 are other Polar ECG devices' layouts, decoded as the SDK does. Compressed ECG frames
 * are refused (the SDK refuses them too).
 */
export function parsePmdEcgFrame(bytes: Uint8Array, ctx: PmdFrameContext): PmdEcgFrame {
  const h = parsePmdFrameHeader(bytes);
  if (h.measurementType !== PmdMeasurementType.ECG) throw bad(`not an ECG frame (measurement type ${h.measurementType})`, bytes);
  if (h.compressed) throw bad(`compressed ECG frame type ${h.frameType} is not supported`, bytes);
  const width = ECG_SAMPLE_BYTES[h.frameType];
  if (width === undefined) throw bad(`unknown ECG frame type ${h.frameType}`, bytes);
  const body = bytes.length - PMD_HEADER_BYTES;
  if (body === 0 || body % width !== 0) throw bad(`ECG frame type ${h.frameType} body of ${body} bytes is not a whole number of ${width}-byte samples`, bytes);
  const n = body / width;
  const samplesUv = new Float32Array(n);
  let extras: PmdEcgSampleExtras[] | undefined;
  let o = PMD_HEADER_BYTES;
  switch (h.frameType) {
    case 0:
      for (let i = 0; i < n; i++, o += 3) samplesUv[i] = readInt24LE(bytes, o);
      break;
    case 1:
      extras = [];
      for (let i = 0; i < n; i++, o += 3) {
        samplesUv[i] = bytes[o] | ((bytes[o + 1] & 0x3f) << 8);
        const s = bytes[o + 2];
        extras.push({ overSampling: (s & 0x01) !== 0, skinContactBit: (s & 0x06) >> 1, contactImpedance: (s & 0x18) >> 3 });
      }
      break;
    case 2:
      extras = [];
      for (let i = 0; i < n; i++, o += 3) {
        samplesUv[i] = bytes[o] | (bytes[o + 1] << 8) | ((bytes[o + 2] & 0x03) << 16);
        const t = bytes[o + 2];
        extras.push({ ecgDataTag: (t & 0x1c) >> 2, paceDataTag: (t & 0xe0) >> 5 });
      }
      break;
    case 3:
      extras = [];
      for (let i = 0; i < n; i++, o += 7) {
        samplesUv[i] = readInt24LE(bytes, o);
        extras.push({ data1: readUint24LE(bytes, o + 3), status: bytes[o + 6] });
      }
      break;
  }
  const timing = pmdSampleTiming(h.timestampNs, n, ctx);
  return { ...h, sampleCount: n, samplesUv, ...timing, ...(extras ? { extras } : {}) };
}

/**
 * Per-sample times of a PMD frame (PmdTimeStampUtils in the SDK): the timestamp belongs to the last
 * sample; samples are spaced (ts − previous ts)/n apart, or 1e9/rate for the first frame. We add one
 * guard the SDK lacks: when the span between frames is far longer than n samples at the nominal
 * rate (frames were lost on the radio), spreading the samples over it would stretch the signal, so
 * the nominal spacing is used and the shortfall is reported as missing samples.
 */
export function pmdSampleTiming(
  timestampNs: bigint,
  n: number,
  ctx: PmdFrameContext,
): { firstSampleNs: bigint; sampleIntervalNs: number; missingBefore: number; timestampBackwards: boolean } {
  const nominal = ctx.sampleRateHz > 0 ? 1e9 / ctx.sampleRateHz : 0;
  const prev = ctx.previousTimestampNs ?? 0n;
  let interval = nominal;
  let missingBefore = 0;
  let timestampBackwards = false;
  if (prev > 0n) {
    // Spans between frames are milliseconds to minutes: exact as a double (below 2^53 ns = 104 days).
    const span = Number(timestampNs - prev);
    if (span <= 0) {
      timestampBackwards = true;
    } else {
      const measured = span / n;
      if (nominal === 0 || measured <= nominal * GAP_TOLERANCE) interval = measured;
      else missingBefore = Math.max(0, Math.round(span / nominal) - n);
    }
  }
  const firstSampleNs = timestampNs - BigInt(Math.round(interval * (n - 1)));
  return { firstSampleNs, sampleIntervalNs: interval, missingBefore, timestampBackwards };
}

/**
 * A PMD time (ns since 2000-01-01 UTC, the strap's clock) in Unix seconds, as the Polar SDK says to
 * read it (TimeSystemExplained.md): the driver hands ECG on so, and the simulated strap its clock.
 */
export function pmdTimeUnixS(ns: bigint): number {
  return Number(ns) / 1e9 + PMD_EPOCH_UNIX_S;
}

export function pmdStatusName(status: number): string {
  return PmdResponseStatus[status] ?? `UNKNOWN_STATUS_${status}`;
}

/** Human text for a PMD status, for messages shown to the user. */
export function describePmdStatus(status: number): string {
  const text: Record<number, string> = {
    [PmdResponseStatus.SUCCESS]: 'success',
    [PmdResponseStatus.ERROR_INVALID_OP_CODE]: 'invalid op code',
    [PmdResponseStatus.ERROR_INVALID_MEASUREMENT_TYPE]: 'invalid measurement type',
    [PmdResponseStatus.ERROR_NOT_SUPPORTED]: 'not supported',
    [PmdResponseStatus.ERROR_INVALID_LENGTH]: 'invalid length',
    [PmdResponseStatus.ERROR_INVALID_PARAMETER]: 'invalid parameter',
    [PmdResponseStatus.ERROR_ALREADY_IN_STATE]: 'already in that state',
    [PmdResponseStatus.ERROR_INVALID_RESOLUTION]: 'invalid resolution',
    [PmdResponseStatus.ERROR_INVALID_SAMPLE_RATE]: 'invalid sample rate',
    [PmdResponseStatus.ERROR_INVALID_RANGE]: 'invalid range',
    [PmdResponseStatus.ERROR_INVALID_MTU]: 'invalid MTU',
    [PmdResponseStatus.ERROR_INVALID_NUMBER_OF_CHANNELS]: 'invalid number of channels',
    [PmdResponseStatus.ERROR_INVALID_STATE]: 'invalid state',
    [PmdResponseStatus.ERROR_DEVICE_IN_CHARGER]: 'the strap is in its charger',
    [PmdResponseStatus.ERROR_DISK_FULL]: 'disk full',
  };
  return `${text[status] ?? 'unknown status'} (${pmdStatusName(status)} = ${status})`;
}

/** A control-point reply: `F0 op type status [more params…]` (more and params only on success). */
export function parsePmdControlPointResponse(bytes: Uint8Array): PmdControlPointResponse {
  if (bytes.length < 4) throw bad(`control-point response too short (${plural(bytes.length, 'byte')})`, bytes);
  if (bytes[0] !== PMD_CP_RESPONSE_CODE) throw bad(`control-point response must start with F0`, bytes);
  const status = bytes[3];
  const ok = status === PmdResponseStatus.SUCCESS;
  return {
    opCode: bytes[1],
    measurementType: bytes[2],
    status,
    statusName: pmdStatusName(status),
    more: ok && bytes.length > 4 ? bytes[4] !== 0 : false,
    parameters: ok && bytes.length > 5 ? bytes.slice(5) : new Uint8Array(0),
  };
}

/** Any control-point notification: a reply, or the device announcing it stopped measurements. */
export function parsePmdControlPointNotification(bytes: Uint8Array): PmdControlPointNotification {
  if (bytes.length === 0) throw bad('empty control-point notification', bytes);
  if (bytes[0] === PMD_CP_RESPONSE_CODE) return { kind: 'response', ...parsePmdControlPointResponse(bytes) };
  if (bytes[0] === PMD_CP_MEASUREMENT_STOPPED) return { kind: 'measurement-stopped', measurementTypes: Array.from(bytes.subarray(1)) };
  throw bad(`unknown control-point notification 0x${bytes[0].toString(16)}`, bytes);
}

const SETTING_WIDTH: Record<number, number> = {
  [PmdSettingType.SAMPLE_RATE]: 2,
  [PmdSettingType.RESOLUTION]: 2,
  [PmdSettingType.RANGE]: 2,
  [PmdSettingType.RANGE_MILLIUNIT]: 4,
  [PmdSettingType.CHANNELS]: 1,
  [PmdSettingType.FACTOR]: 4,
  [PmdSettingType.SECURITY]: 16,
};

/** A settings block (`[type][count][count × value]…`, values LE) from a settings reply. */
export function parsePmdSettings(bytes: Uint8Array): PmdSettings {
  const out: PmdSettings = {};
  let o = 0;
  while (o < bytes.length) {
    if (o + 2 > bytes.length) throw bad(`settings block truncated at byte ${o}`, bytes);
    const type = bytes[o];
    const count = bytes[o + 1];
    const width = SETTING_WIDTH[type];
    if (width === undefined) throw bad(`unknown PMD setting type ${type}`, bytes);
    o += 2;
    if (o + count * width > bytes.length) throw bad(`settings block truncated: setting ${type} needs ${count * width} bytes`, bytes);
    for (let k = 0; k < count; k++, o += width) {
      switch (type) {
        case PmdSettingType.SAMPLE_RATE:
          (out.sampleRate ??= []).push(readUint16LE(bytes, o));
          break;
        case PmdSettingType.RESOLUTION:
          (out.resolution ??= []).push(readUint16LE(bytes, o));
          break;
        case PmdSettingType.RANGE:
          (out.range ??= []).push(readUint16LE(bytes, o));
          break;
        case PmdSettingType.RANGE_MILLIUNIT:
          // Signed, as Polar's Android SDK reads it.
          (out.rangeMilliunit ??= []).push(bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24));
          break;
        case PmdSettingType.CHANNELS:
          (out.channels ??= []).push(bytes[o]);
          break;
        case PmdSettingType.FACTOR: {
          const f = new DataView(bytes.buffer, bytes.byteOffset + o, 4).getFloat32(0, true);
          (out.factor ??= []).push(f);
          break;
        }
        case PmdSettingType.SECURITY:
          (out.security ??= []).push(bytes.slice(o, o + 16));
          break;
      }
    }
  }
  return out;
}

/** The feature map read from the control point (byte 0 = 0x0F, byte 1 = bitmap). */
export function parsePmdFeatures(bytes: Uint8Array): PmdFeatures {
  if (bytes.length < 2) throw bad(`PMD feature map too short (${plural(bytes.length, 'byte')})`, bytes);
  const m = bytes[1];
  return {
    ecg: (m & 0x01) !== 0,
    ppg: (m & 0x02) !== 0,
    acc: (m & 0x04) !== 0,
    ppi: (m & 0x08) !== 0,
    gyro: (m & 0x20) !== 0,
    magnetometer: (m & 0x40) !== 0,
  };
}

/** Heart Rate Measurement 0x2A37 (Bluetooth SIG): flags, HR, optional energy, then RR values. */
export function parseHeartRateMeasurement(bytes: Uint8Array): HeartRateMeasurement {
  if (bytes.length < 2) throw bad(`heart-rate measurement too short (${plural(bytes.length, 'byte')})`, bytes);
  const flags = bytes[0];
  const hr16 = (flags & 0x01) !== 0;
  let o = 1;
  if (o + (hr16 ? 2 : 1) > bytes.length) throw bad('heart-rate value truncated', bytes);
  const heartRateBpm = hr16 ? readUint16LE(bytes, o) : bytes[o];
  o += hr16 ? 2 : 1;
  const sensorContactSupported = (flags & 0x04) !== 0;
  const sensorContact = sensorContactSupported && (flags & 0x02) !== 0;
  let energyKj: number | undefined;
  if (flags & 0x08) {
    if (o + 2 > bytes.length) throw bad('energy-expended field truncated', bytes);
    energyKj = readUint16LE(bytes, o);
    o += 2;
  }
  const rrRaw: number[] = [];
  if (flags & 0x10) {
    if ((bytes.length - o) % 2 !== 0) throw bad('RR intervals are not whole 16-bit values', bytes);
    for (; o + 1 < bytes.length; o += 2) rrRaw.push(readUint16LE(bytes, o));
  }
  return {
    heartRateBpm,
    sensorContactSupported,
    sensorContact,
    ...(energyKj !== undefined ? { energyKj } : {}),
    rrRaw,
    rrMs: rrRaw.map((r) => Math.round((r * 1000) / 1024)),
  };
}
