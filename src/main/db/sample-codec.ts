// The on-disk encoding of sample data: one BLOB holds a run of consecutive chunks of one stream.
//
// Why this shape:
// - Replay must hand the pipeline exactly the chunk sequence it saw live (chunk boundaries,
//   deviceTime and hostTime as float64, global arrival order), so each chunk's header is kept.
// - Samples are stored exactly. A channel with a resolution (ChannelInfo.resolution > 0) is stored
//   as integer device counts (value = count × resolution + offset; the offset is 0 for live devices
//   and the file's physical/digital offset for imported EDF/BDF/WFDB), predicted from the previous one or two samples, zig-zag mapped and
//   written as LEB128 varints: 1–2 bytes per sample for EEG/ECG instead of 4. A sample whose count
//   does not reproduce the float32 value bit for bit (-0, a value off the device's grid) is kept
//   as an exception with its exact float32. A channel with too many exceptions, or with
//   resolution 0, is stored as raw float32.
// - Chunk times are float64 XOR-ed with the previous one (Gorilla-style): only the bytes that
//   change are written.
//
// Layout (all integers LEB128 varints unless marked):
//   u8 version (=1) | firstSeq | chunkCount | channelCount
//   per chunk: seqDelta (from the previous chunk, first = 0) | count | deviceTime (xor f64) | hostTime (xor f64)
//   per channel, over the concatenated samples of all chunks:
//     u8 mode: 0 = float32 LE × N; 1/2 = integer, predictor order 1 or 2:
//       exceptionCount | exceptions: (indexDelta, f32 LE) … | residuals × N (zig-zag varints)

import { ByteWriter } from '../../shared/byte-writer';

export const SAMPLE_CODEC_VERSION = 1;

const MODE_FLOAT32 = 0;
const MODE_INT_ORDER1 = 1;
const MODE_INT_ORDER2 = 2;

/** Counts beyond ±2^29 would overflow the 32-bit varint fast path; such channels go float32. */
const MAX_ABS_COUNT = 2 ** 29;
/** More exceptions than 1 in 16 samples and float32 is smaller anyway. */
const MAX_EXCEPTION_FRACTION = 1 / 16;

export interface StoredChunk {
  /** Global arrival order within the session (chunks and gaps of all streams share it). */
  seq: number;
  deviceTime: number;
  hostTime: number;
  count: number;
  /** Planar [channels × count]. */
  data: Float32Array;
}

/**
 * Consecutive chunks of one stream in a few flat arrays: what the recorder hands the DB worker
 * (a handful of transferable buffers instead of thousands of small objects to clone).
 * Chunk k's planar data sits at data[Σ_{j<k} counts[j]·channels, …).
 */
export interface PackedChunks {
  seqs: Float64Array;
  deviceTimes: Float64Array;
  hostTimes: Float64Array;
  counts: Uint32Array;
  data: Float32Array;
}

export function packChunks(chunks: readonly StoredChunk[]): PackedChunks {
  const n = chunks.length;
  const p: PackedChunks = {
    seqs: new Float64Array(n),
    deviceTimes: new Float64Array(n),
    hostTimes: new Float64Array(n),
    counts: new Uint32Array(n),
    data: new Float32Array(chunks.reduce((a, c) => a + c.data.length, 0)),
  };
  let off = 0;
  chunks.forEach((c, k) => {
    p.seqs[k] = c.seq;
    p.deviceTimes[k] = c.deviceTime;
    p.hostTimes[k] = c.hostTime;
    p.counts[k] = c.count;
    p.data.set(c.data, off);
    off += c.data.length;
  });
  return p;
}

/** Views (no copies) of packed chunks as StoredChunks. */
export function unpackChunks(p: PackedChunks, channels: number): StoredChunk[] {
  const out: StoredChunk[] = [];
  let off = 0;
  for (let k = 0; k < p.counts.length; k++) {
    const len = p.counts[k] * channels;
    if (off + len > p.data.length) throw new SampleCodecError(`packed chunks hold ${p.data.length} values, chunk ${k} needs up to ${off + len}`);
    out.push({ seq: p.seqs[k], deviceTime: p.deviceTimes[k], hostTime: p.hostTimes[k], count: p.counts[k], data: p.data.subarray(off, off + len) });
    off += len;
  }
  if (off !== p.data.length) throw new SampleCodecError(`packed chunks hold ${p.data.length} values, their counts say ${off}`);
  return out;
}

export class SampleCodecError extends Error {
  override name = 'SampleCodecError';
}

class ByteReader {
  pos = 0;
  private view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new SampleCodecError(`sample block truncated at byte ${this.pos}`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 0x80;
    }
    throw new SampleCodecError(`varint too long at byte ${this.pos}`);
  }
  f32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }
}

// Float64 ⇄ bytes (big-endian, so "leading" bytes are sign, exponent and high mantissa).
const f64Scratch = new DataView(new ArrayBuffer(8));

/** Writes `value` XOR `prev` (both float64): one header byte (lead << 4 | trail), then the middle bytes. */
function writeXorF64(w: ByteWriter, value: number, prev: Uint8Array): void {
  f64Scratch.setFloat64(0, value, false);
  const x = new Uint8Array(8);
  for (let i = 0; i < 8; i++) {
    const b = f64Scratch.getUint8(i);
    x[i] = b ^ prev[i];
    prev[i] = b;
  }
  let lead = 0;
  while (lead < 8 && x[lead] === 0) lead++;
  if (lead === 8) {
    w.u8(0x80);
    return;
  }
  let trail = 0;
  while (x[7 - trail] === 0) trail++;
  w.u8((lead << 4) | trail);
  w.bytes(x.subarray(lead, 8 - trail));
}

function readXorF64(r: ByteReader, prev: Uint8Array): number {
  const head = r.u8();
  if (head !== 0x80) {
    const lead = head >> 4;
    const trail = head & 0x0f;
    if (lead + trail >= 8) throw new SampleCodecError(`bad time header 0x${head.toString(16)} at byte ${r.pos - 1}`);
    for (let i = lead; i < 8 - trail; i++) prev[i] ^= r.u8();
  }
  for (let i = 0; i < 8; i++) f64Scratch.setUint8(i, prev[i]);
  return f64Scratch.getFloat64(0, false);
}

// Scratch buffers reused between calls (encoding is synchronous, one block at a time).
let countScratch = new Float64Array(4096);
let valueScratch = new Float32Array(4096);

/**
 * Encodes consecutive chunks of one stream into a block. `resolutions[c]` is channel c's size of
 * one device count (0 = not quantised) and `offsets[c]` the value of count 0 (default 0). All
 * chunks must have `resolutions.length` channels.
 */
export function encodeSampleBlock(chunks: readonly StoredChunk[], resolutions: readonly number[], offsets?: readonly number[]): Uint8Array {
  if (chunks.length === 0) throw new SampleCodecError('cannot encode an empty block');
  const channels = resolutions.length;
  let total = 0;
  for (const c of chunks) {
    if (c.data.length !== c.count * channels) {
      throw new SampleCodecError(`chunk of ${c.data.length} values is not ${channels} channels × ${c.count} samples`);
    }
    total += c.count;
  }
  const w = new ByteWriter(32 + chunks.length * 24 + channels * total * 2);
  w.u8(SAMPLE_CODEC_VERSION);
  const firstSeq = chunks[0].seq;
  w.varint(firstSeq);
  w.varint(chunks.length);
  w.varint(channels);
  const prevDev = new Uint8Array(8);
  const prevHost = new Uint8Array(8);
  let prevSeq = firstSeq;
  for (const c of chunks) {
    if (c.seq < prevSeq) throw new SampleCodecError(`chunk seq ${c.seq} after ${prevSeq}`);
    w.varint(c.seq - prevSeq);
    prevSeq = c.seq;
    w.varint(c.count);
    writeXorF64(w, c.deviceTime, prevDev);
    writeXorF64(w, c.hostTime, prevHost);
  }
  if (countScratch.length < total) {
    countScratch = new Float64Array(total);
    valueScratch = new Float32Array(total);
  }
  const counts = countScratch;
  const values = valueScratch;
  for (let ch = 0; ch < channels; ch++) {
    // Gather this channel's samples across chunks (plain loops: devices send small chunks, and a
    // subarray per chunk and channel would cost more than the copy).
    let n = 0;
    for (const c of chunks) {
      const d = c.data;
      const count = c.count;
      for (let i = 0, j = ch * count; i < count; i++, j++) values[n++] = d[j];
    }
    const res = resolutions[ch];
    if (!(res > 0) || !encodeIntChannel(w, values, counts, total, res, offsets?.[ch] ?? 0)) {
      w.u8(MODE_FLOAT32);
      w.ensure(total * 4);
      new Uint8Array(w.buf.buffer, w.pos, total * 4).set(new Uint8Array(values.buffer, 0, total * 4));
      // Float32Array bytes are platform-endian; every platform Node/Electron runs on is little-endian.
      w.pos += total * 4;
    }
  }
  return w.result();
}

/** Tries the integer modes; returns false (writing nothing) when float32 would be as small. */
function encodeIntChannel(w: ByteWriter, values: Float32Array, counts: Float64Array, n: number, res: number, off: number): boolean {
  const maxExceptions = Math.floor(n * MAX_EXCEPTION_FRACTION);
  const inv = 1 / res;
  let exceptions = 0;
  // One pass: device counts, exceptions, and the bytes each predictor (previous sample, or linear
  // from the previous two) would take.
  let size1 = 0;
  let size2 = 0;
  let k1 = 0;
  let k2 = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // `+ 0` turns -0 into 0: the decoder can only rebuild +0, so a -0 sample becomes an exception.
    // Multiplying by the reciprocal may round differently from dividing; the check below catches it.
    let k = Math.round((v - off) * inv) + 0;
    if (!(k <= MAX_ABS_COUNT && k >= -MAX_ABS_COUNT)) k = 0; // NaN, ±Inf, off the scale: exception, predicted through with 0
    if (Math.fround(k * res + off) !== v || (v === 0 && 1 / v < 0)) {
      if (++exceptions > maxExceptions) return false;
    }
    counts[i] = k;
    const d1 = k - k1;
    const d2 = i > 1 ? k - 2 * k1 + k2 : d1;
    const z1 = d1 >= 0 ? 2 * d1 : -2 * d1 - 1;
    const z2 = d2 >= 0 ? 2 * d2 : -2 * d2 - 1;
    size1 += z1 < 0x80 ? 1 : z1 < 0x4000 ? 2 : z1 < 0x200000 ? 3 : z1 < 0x10000000 ? 4 : 5;
    size2 += z2 < 0x80 ? 1 : z2 < 0x4000 ? 2 : z2 < 0x200000 ? 3 : z2 < 0x10000000 ? 4 : 5;
    k2 = k1;
    k1 = k;
  }
  const order = size2 < size1 ? 2 : 1;
  if (Math.min(size1, size2) + exceptions * 6 >= n * 4) return false;
  w.u8(order === 1 ? MODE_INT_ORDER1 : MODE_INT_ORDER2);
  w.varint(exceptions);
  if (exceptions > 0) {
    let last = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (Math.fround(counts[i] * res + off) !== v || (v === 0 && 1 / v < 0)) {
        w.varint(i - last);
        last = i;
        w.f32(v);
      }
    }
  }
  w.ensure(n * 5);
  const buf = w.buf;
  let pos = w.pos;
  k1 = 0;
  k2 = 0;
  for (let i = 0; i < n; i++) {
    const k = counts[i];
    const d = order === 1 || i < 2 ? k - k1 : k - 2 * k1 + k2;
    let z = d >= 0 ? 2 * d : -2 * d - 1; // < 2^32 since |counts| ≤ 2^29
    while (z >= 0x80) {
      buf[pos++] = (z & 0x7f) | 0x80;
      z = z >>> 7;
    }
    buf[pos++] = z;
    k2 = k1;
    k1 = k;
  }
  w.pos = pos;
  return true;
}

/** Number of chunks and samples per channel in a block, read from its header only. */
export function peekSampleBlock(bytes: Uint8Array): { firstSeq: number; chunkCount: number; channelCount: number } {
  const r = new ByteReader(bytes);
  const version = r.u8();
  if (version !== SAMPLE_CODEC_VERSION) throw new SampleCodecError(`unknown sample block version ${version}`);
  return { firstSeq: r.varint(), chunkCount: r.varint(), channelCount: r.varint() };
}

/** What a chunk header holds: where the chunk lies in time and in the arrival order, without its samples. */
export type ChunkTimes = Omit<StoredChunk, 'data'>;

/**
 * Reads a block's header and its chunk headers, which come before any sample; returns the channel
 * count and the chunks' times with the reader on the first channel's samples.
 */
function readChunkHeads(r: ByteReader): { channels: number; heads: ChunkTimes[]; total: number } {
  const version = r.u8();
  if (version !== SAMPLE_CODEC_VERSION) throw new SampleCodecError(`unknown sample block version ${version}`);
  let seq = r.varint();
  const chunkCount = r.varint();
  const channels = r.varint();
  const prevDev = new Uint8Array(8);
  const prevHost = new Uint8Array(8);
  const heads: ChunkTimes[] = [];
  let total = 0;
  for (let i = 0; i < chunkCount; i++) {
    seq += r.varint();
    const count = r.varint();
    const deviceTime = readXorF64(r, prevDev);
    const hostTime = readXorF64(r, prevHost);
    total += count;
    if (total * channels > r.buf.length * 8) throw new SampleCodecError('sample block claims more samples than it holds');
    heads.push({ seq, count, deviceTime, hostTime });
  }
  return { channels, heads, total };
}

/**
 * A block's chunks without their samples (nothing of the channels is decoded): what placing a
 * stream on the shared clock needs (`heartmind sessions show`'s first and last sample times).
 */
export function decodeSampleBlockTimes(bytes: Uint8Array): ChunkTimes[] {
  return readChunkHeads(new ByteReader(bytes)).heads;
}

/** Decodes a block written by encodeSampleBlock with the same resolutions and offsets. */
export function decodeSampleBlock(bytes: Uint8Array, resolutions: readonly number[], offsets?: readonly number[]): StoredChunk[] {
  const r = new ByteReader(bytes);
  const { channels, heads, total } = readChunkHeads(r);
  if (channels !== resolutions.length) {
    throw new SampleCodecError(`block has ${channels} channels, stream has ${resolutions.length}`);
  }
  const chunks: StoredChunk[] = heads.map((h) => ({ ...h, data: new Float32Array(h.count * channels) }));
  const column = new Float32Array(total);
  for (let ch = 0; ch < channels; ch++) {
    const mode = r.u8();
    if (mode === MODE_FLOAT32) {
      r.need(total * 4);
      new Uint8Array(column.buffer).set(bytes.subarray(r.pos, r.pos + total * 4));
      r.pos += total * 4;
    } else if (mode === MODE_INT_ORDER1 || mode === MODE_INT_ORDER2) {
      decodeIntChannel(r, column, total, resolutions[ch], offsets?.[ch] ?? 0, mode === MODE_INT_ORDER2 ? 2 : 1);
    } else {
      throw new SampleCodecError(`unknown channel mode ${mode} at byte ${r.pos - 1}`);
    }
    let off = 0;
    for (const c of chunks) {
      c.data.set(column.subarray(off, off + c.count), ch * c.count);
      off += c.count;
    }
  }
  return chunks;
}

function decodeIntChannel(r: ByteReader, out: Float32Array, n: number, res: number, off: number, order: 1 | 2): void {
  const exceptionCount = r.varint();
  if (exceptionCount > n) throw new SampleCodecError(`${exceptionCount} exceptions in ${n} samples`);
  const excIndex = new Uint32Array(exceptionCount);
  const excValue = new Float32Array(exceptionCount);
  let idx = 0;
  for (let e = 0; e < exceptionCount; e++) {
    idx += r.varint();
    if (idx >= n) throw new SampleCodecError(`exception index ${idx} beyond ${n} samples`);
    excIndex[e] = idx;
    excValue[e] = r.f32();
  }
  const buf = r.buf;
  let pos = r.pos;
  let prev1 = 0;
  let prev2 = 0;
  for (let i = 0; i < n; i++) {
    // Unrolled LEB128 (at most 5 bytes: residuals stay below 2^32). Reading past the end yields
    // undefined, which ends the loop; the bound is checked once after it.
    let b = buf[pos++];
    let z = b & 0x7f;
    if (b >= 0x80) {
      b = buf[pos++];
      z |= (b & 0x7f) << 7;
      if (b >= 0x80) {
        b = buf[pos++];
        z |= (b & 0x7f) << 14;
        if (b >= 0x80) {
          b = buf[pos++];
          z |= (b & 0x7f) << 21;
          if (b >= 0x80) {
            b = buf[pos++];
            z += (b & 0x7f) * 0x10000000;
            if (b >= 0x80) throw new SampleCodecError(`varint too long at byte ${pos - 1}`);
          }
        }
      }
    }
    const d = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    const k = (order === 1 || i < 2 ? prev1 : 2 * prev1 - prev2) + d;
    out[i] = k * res + off;
    prev2 = prev1;
    prev1 = k;
  }
  if (pos > buf.length) throw new SampleCodecError(`sample block truncated at byte ${buf.length}`);
  r.pos = pos;
  for (let e = 0; e < exceptionCount; e++) out[excIndex[e]] = excValue[e];
}
