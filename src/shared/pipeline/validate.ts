// Shape and value checks on one chunk, before any timing logic. Pure: the verdict depends on the
// chunk, its StreamInfo and the channel hold values only.
import type { DeviceProblemCode } from '../device.types';
import type { SampleChunk, StreamInfo } from '../stream.types';

export interface ShapeVerdict {
  code: DeviceProblemCode;
  message: string;
}

/**
 * Checks that a chunk can be read at all: finite timestamps, a positive whole sample count, and a
 * data length equal to count × channels. Returns null when it can.
 */
export function checkChunkShape(chunk: SampleChunk, info: StreamInfo): ShapeVerdict | null {
  const nch = info.channels.length;
  if (!Number.isFinite(chunk.deviceTime) || !Number.isFinite(chunk.hostTime)) {
    return { code: 'bad-frame', message: `chunk timestamps are not finite (device ${chunk.deviceTime}, host ${chunk.hostTime})` };
  }
  if (!Number.isInteger(chunk.count) || chunk.count <= 0) {
    return { code: 'bad-frame', message: `chunk sample count ${chunk.count} is not a positive integer` };
  }
  if (!(chunk.data instanceof Float32Array)) {
    return { code: 'bad-frame', message: 'chunk data is not a Float32Array' };
  }
  const len = chunk.data.length;
  if (len === chunk.count * nch) return null;
  if (len % chunk.count === 0) {
    return { code: 'channel-mismatch', message: `chunk carries ${len / chunk.count} channels, the stream has ${nch}` };
  }
  if (len < chunk.count * nch) {
    return { code: 'truncated', message: `chunk holds ${len} values, ${chunk.count} samples × ${nch} channels need ${chunk.count * nch}: the device stopped mid-packet` };
  }
  return { code: 'channel-mismatch', message: `chunk holds ${len} values, not a multiple of its ${chunk.count} samples (stream has ${nch} channels)` };
}

/**
 * Replaces NaN/±Inf samples with the channel's last finite value (0 before any), updating `hold`
 * (one value per channel) to each channel's last finite sample. Returns the chunk unchanged (same
 * object) when every sample is finite, else a repaired copy and the count replaced: the repaired
 * copy is what goes on (and is recorded), so replay sees exactly what live processing saw.
 */
export function repairNonFinite(chunk: SampleChunk, hold: Float64Array): { chunk: SampleChunk; replaced: number } {
  const { count, data } = chunk;
  const nch = hold.length;
  let replaced = 0;
  let out: Float32Array | null = null;
  for (let c = 0; c < nch; c++) {
    let h = hold[c];
    const base = c * count;
    for (let i = base, end = base + count; i < end; i++) {
      const v = data[i];
      if (v - v === 0) h = v; // finite (NaN - NaN and Inf - Inf are NaN)
      else {
        if (out === null) out = data.slice();
        out[i] = h;
        replaced++;
      }
    }
    hold[c] = h;
  }
  return out === null ? { chunk, replaced: 0 } : { chunk: { ...chunk, data: out }, replaced };
}
