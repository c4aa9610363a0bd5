// Builds Cyton packets: the board's side of the protocol. Used by the serial device emulator (a
// pseudo-terminal that behaves like the dongle), by fixtures that re-encode real recordings, and
// by the fuzzer. Pure.
import { DeviceError } from '../device-error';
import { CYTON_CHANNELS, CYTON_PACKET_BYTES, CYTON_START_BYTE, CytonFooter, cytonUvPerCount } from './cyton.types';

const INT24_MAX = 0x7fffff;
const INT24_MIN = -0x800000;

export interface CytonEncodeOptions {
  footer?: number;
  /** Accelerometer counts for footer 0xC0. */
  accelCounts?: [number, number, number];
  /** Board milliseconds for footers 0xC3–0xC6. */
  boardTimeMs?: number;
}

/** One 33-byte packet from eight signed 24-bit counts. */
export function encodeCytonPacket(sampleNumber: number, counts: ArrayLike<number>, opts: CytonEncodeOptions = {}, out = new Uint8Array(CYTON_PACKET_BYTES)): Uint8Array {
  if (counts.length < CYTON_CHANNELS) throw new DeviceError('invalid-config', `Cyton encoder needs ${CYTON_CHANNELS} counts, got ${counts.length}`);
  const footer = opts.footer ?? CytonFooter.STANDARD_ACCEL;
  out[0] = CYTON_START_BYTE;
  out[1] = sampleNumber & 0xff;
  for (let c = 0; c < CYTON_CHANNELS; c++) {
    const v = Math.max(INT24_MIN, Math.min(INT24_MAX, Math.round(counts[c]))) & 0xffffff;
    out[2 + 3 * c] = v >> 16;
    out[3 + 3 * c] = (v >> 8) & 0xff;
    out[4 + 3 * c] = v & 0xff;
  }
  out.fill(0, 26, 32);
  if (footer === CytonFooter.STANDARD_ACCEL && opts.accelCounts) {
    for (let k = 0; k < 3; k++) {
      const a = opts.accelCounts[k] & 0xffff;
      out[26 + 2 * k] = a >> 8;
      out[27 + 2 * k] = a & 0xff;
    }
  }
  if (footer >= CytonFooter.TIMESTAMP_ACCEL_SET && opts.boardTimeMs !== undefined) {
    const t = opts.boardTimeMs >>> 0;
    out[28] = t >>> 24;
    out[29] = (t >> 16) & 0xff;
    out[30] = (t >> 8) & 0xff;
    out[31] = t & 0xff;
  }
  out[32] = footer;
  return out;
}

/** µV → counts at a gain, rounded to the nearest count and clamped to 24 bits. */
export function cytonCountsFromUv(uv: ArrayLike<number>, gain?: number, out = new Int32Array(uv.length)): Int32Array {
  const s = cytonUvPerCount(gain);
  for (let i = 0; i < uv.length; i++) out[i] = Math.max(INT24_MIN, Math.min(INT24_MAX, Math.round(uv[i] / s)));
  return out;
}
