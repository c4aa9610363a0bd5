// Band-limited interpolation at arbitrary fractional input positions: a Kaiser-windowed sinc
// (Smith's "bandlimited interpolation" scheme, as in libsamplerate/resampy), tabulated at
// `phases` points per input sample and linearly interpolated between them.
//
// The caller (the stream conditioner) decides where each output sample lies in the input: with a
// drifting device clock that position advances by a slightly varying step, so a fixed polyphase
// ratio would not do. The low-pass cut-off is set by the slower of the two rates, so the same
// kernel interpolates when the device is slower than 200 Hz and anti-aliases when it is faster.
// Weights are computed once per output sample and shared by all channels; no allocation per call.
import type { ResamplerState } from './dsp.types';

export interface ResampleKernelOptions {
  /** Zero crossings of the sinc on each side (kernel half-length, in units of the cut-off period). */
  zeroCrossings?: number;
  /** Cut-off as a fraction of the lower Nyquist frequency (0 < cutoff ≤ 1). */
  cutoff?: number;
  /** Kaiser β: 7 gives about −70 dB stop band. */
  kaiserBeta?: number;
  /** Table points per input sample. */
  phases?: number;
}

export const RESAMPLE_DEFAULTS: Required<ResampleKernelOptions> = { zeroCrossings: 10, cutoff: 0.95, kaiserBeta: 7, phases: 256 };

export interface ResampleKernel {
  inRateHz: number;
  outRateHz: number;
  /** Cut-off (Hz). */
  cutoffHz: number;
  /** Half-width in input samples: an output at position u reads inputs floor(u)-H+1 … floor(u)+H. */
  halfWidth: number;
  phases: number;
  /** h(x) for x = m / phases, m = 0 … halfWidth·phases (+1 guard zero). */
  table: Float64Array;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for β ≤ 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 60; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

export function designResampleKernel(inRateHz: number, outRateHz: number, opts: ResampleKernelOptions = {}): ResampleKernel {
  const o = { ...RESAMPLE_DEFAULTS, ...opts };
  if (!(inRateHz > 0 && outRateHz > 0)) throw new RangeError('rates must be positive');
  if (!(o.cutoff > 0 && o.cutoff <= 1)) throw new RangeError('cutoff must be in (0, 1]');
  const cutoffHz = (o.cutoff * Math.min(inRateHz, outRateHz)) / 2;
  const fcn = (2 * cutoffHz) / inRateHz; // normalised to the input rate, ≤ 1
  const halfWidth = Math.ceil(o.zeroCrossings / fcn);
  const n = halfWidth * o.phases;
  const table = new Float64Array(n + 2);
  const i0b = besselI0(o.kaiserBeta);
  for (let m = 0; m <= n; m++) {
    const x = m / o.phases;
    const t = x / halfWidth;
    const w = besselI0(o.kaiserBeta * Math.sqrt(Math.max(0, 1 - t * t))) / i0b;
    const arg = Math.PI * fcn * x;
    const sinc = m === 0 ? 1 : Math.sin(arg) / arg;
    table[m] = fcn * sinc * w;
  }
  table[n] = 0; // the window's end is the kernel's edge
  return { inRateHz, outRateHz, cutoffHz, halfWidth, phases: o.phases, table };
}

/**
 * Holds one contiguous segment of planar multichannel input and evaluates it at fractional
 * positions. `reset()` starts a new segment (after a gap): nothing of the old one is ever mixed
 * with the new one. At a segment's edges the missing neighbours are the edge sample repeated.
 *
 * The FLOOR is the lowest segment index the output may still read: 0 at a segment's start, then
 * raised by the owner's `keepFrom` on each append (never lowered). A read below it repeats the
 * floor sample, exactly like a read below the segment's start. So the output is a function of the
 * samples from the floor on, however much older input happens to be still in the buffer; that is
 * what lets a pipeline snapshot hold only those samples and still reproduce every later output bit
 * for bit (exportState / importState).
 */
export class Resampler {
  readonly channels: number;
  readonly kernel: ResampleKernel;
  private buf: Float64Array;
  private cap: number;
  /** Segment index of buf[0]. */
  private bufStart = 0;
  /** Samples held. */
  private len = 0;
  /** Segment index below which reads repeat the sample at it (see the class comment). */
  private floor = 0;
  private wm = new Float64Array(0);
  private firsts = new Int32Array(0);
  private invs = new Float64Array(0);
  private readonly positions = new Float64Array(1);

  constructor(channels: number, kernel: ResampleKernel, initialCapacity = 4096) {
    this.channels = channels;
    this.kernel = kernel;
    this.cap = Math.max(initialCapacity, 4 * kernel.halfWidth + 64);
    this.buf = new Float64Array(channels * this.cap);
  }

  /** Starts a new segment: the next appended sample has index 0. */
  reset(): void {
    this.bufStart = 0;
    this.len = 0;
    this.floor = 0;
  }

  /** Samples appended to this segment so far (the index the next one will get). */
  get count(): number {
    return this.bufStart + this.len;
  }

  /** Lowest segment index future outputs read (reads below it repeat it). */
  get floorIndex(): number {
    return this.floor;
  }

  /** Value of channel c at segment index `index` as an output would read it (clamped to the held range). */
  sample(c: number, index: number): number {
    const i = Math.min(Math.max(index, this.floor), this.bufStart + this.len - 1) - this.bufStart;
    return this.buf[c * this.cap + i];
  }

  /**
   * Appends `count` samples per channel from planar `data` (channel c at data[c·stride + offset …]).
   * `keepFrom` is the lowest index future outputs may still read (floor(u) - halfWidth + 1 for the
   * next u, less any margin the owner wants for positions that move back): it raises the floor,
   * and older samples may be dropped to make room.
   */
  append(data: ArrayLike<number>, count: number, stride: number, offset: number, keepFrom: number): void {
    // The floor never passes the last sample held after this append (something must remain readable).
    const top = this.bufStart + this.len + count - 1;
    if (keepFrom > this.floor) this.floor = Math.min(keepFrom, Math.max(this.floor, top));
    if (this.len + count > this.cap) {
      const drop = Math.max(0, Math.min(this.len, this.floor - this.bufStart));
      if (drop > 0) {
        const C = this.channels;
        for (let c = 0; c < C; c++) this.buf.copyWithin(c * this.cap, c * this.cap + drop, c * this.cap + this.len);
        this.bufStart += drop;
        this.len -= drop;
      }
      if (this.len + count > this.cap) this.grow(this.len + count);
    }
    const C = this.channels;
    for (let c = 0; c < C; c++) {
      const dst = c * this.cap + this.len;
      const src = c * stride + offset;
      for (let i = 0; i < count; i++) this.buf[dst + i] = data[src + i];
    }
    this.len += count;
  }

  /** A copy of what decides future output: count, floor and the samples from the floor on. */
  exportState(): ResamplerState {
    const C = this.channels;
    const n = this.bufStart + this.len - this.floor;
    const samples = new Float64Array(C * n);
    const from = this.floor - this.bufStart;
    for (let c = 0; c < C; c++) samples.set(this.buf.subarray(c * this.cap + from, c * this.cap + from + n), c * n);
    return { count: this.bufStart + this.len, floor: this.floor, samples };
  }

  /** Puts back a state from exportState (of a resampler with the same channels and kernel). */
  importState(s: ResamplerState): void {
    const C = this.channels;
    const n = s.count - s.floor;
    if (!(Number.isInteger(s.count) && Number.isInteger(s.floor) && s.floor >= 0 && n >= 0 && s.samples.length === C * n)) {
      throw new RangeError(`resampler state does not fit: ${s.samples.length} values for ${C} channels × ${n} samples`);
    }
    if (n > this.cap) this.grow(n);
    for (let c = 0; c < C; c++) this.buf.set(s.samples.subarray(c * n, (c + 1) * n), c * this.cap);
    this.bufStart = s.floor;
    this.floor = s.floor;
    this.len = n;
  }

  private grow(need: number): void {
    let cap = this.cap;
    while (cap < need) cap *= 2;
    const nb = new Float64Array(this.channels * cap);
    for (let c = 0; c < this.channels; c++) nb.set(this.buf.subarray(c * this.cap, c * this.cap + this.len), c * cap);
    this.buf = nb;
    this.cap = cap;
  }

  /** Highest position that can be evaluated without the right edge: last index − halfWidth. */
  get readyUpTo(): number {
    return this.count - 1 - this.kernel.halfWidth;
  }

  /**
   * Writes the value at fractional position u (segment index units) of every channel into
   * out[outOffset + c·outStride]. Positions beyond the held samples repeat the edge sample, so call
   * with u ≤ readyUpTo except when flushing the end of a segment.
   */
  evaluate(u: number, out: Float64Array, outOffset: number, outStride: number): void {
    this.positions[0] = u;
    this.evaluateBatch(this.positions, 1, out, outStride, outOffset);
  }

  /**
   * evaluate() for positions us[0 … m): channel c of output i goes to out[outOffset + c·outStride + i].
   * The kernel weights of all m outputs are computed first (they are shared by every channel), then
   * each channel is swept once, which keeps its input in cache.
   */
  evaluateBatch(us: Float64Array, m: number, out: Float64Array, outStride: number, outOffset = 0): void {
    const H2 = 2 * this.kernel.halfWidth;
    if (this.wm.length < m * H2) {
      this.wm = new Float64Array(2 * m * H2);
      this.firsts = new Int32Array(2 * m);
      this.invs = new Float64Array(2 * m);
    }
    const wm = this.wm;
    const firsts = this.firsts;
    const invs = this.invs;
    const table = this.kernel.table;
    const P = this.kernel.phases;
    const tmax = table.length - 1;
    let edge = false;
    const last = this.len - 1;
    // Buffer position of the floor: reads below it repeat it (at a segment's start it is 0).
    const lo = this.floor - this.bufStart;
    for (let i = 0; i < m; i++) {
      const u = us[i];
      const j0 = Math.floor(u) - this.kernel.halfWidth + 1;
      // x = (j0 + t) − u runs over (−H, H]; |x|·P indexes the half-kernel table.
      let sum = 0;
      const base = i * H2;
      const x0 = (j0 - u) * P;
      for (let t = 0; t < H2; t++) {
        const xs = x0 + t * P;
        const x = xs < 0 ? -xs : xs;
        const mi = x | 0;
        const v = mi >= tmax ? 0 : table[mi] + (x - mi) * (table[mi + 1] - table[mi]);
        wm[base + t] = v;
        sum += v;
      }
      invs[i] = 1 / sum;
      const first = j0 - this.bufStart;
      firsts[i] = first;
      if (first < lo || first + H2 - 1 > last) edge = true;
    }
    const C = this.channels;
    const cap = this.cap;
    const buf = this.buf;
    let c = 0;
    if (!edge) {
      // Two channels per sweep, four accumulators each: the weights are loaded once for both, and
      // eight independent add chains keep the FPU busy (one chain would wait on every add).
      for (; c + 1 < C; c += 2) {
        const ob = outOffset + c * outStride;
        for (let i = 0; i < m; i++) {
          const wb = i * H2;
          const ib = c * cap + firsts[i];
          const jb = ib + cap;
          let a0 = 0;
          let a1 = 0;
          let a2 = 0;
          let a3 = 0;
          let b0 = 0;
          let b1 = 0;
          let b2 = 0;
          let b3 = 0;
          let t = 0;
          for (; t + 3 < H2; t += 4) {
            const w0 = wm[wb + t];
            const w1 = wm[wb + t + 1];
            const w2 = wm[wb + t + 2];
            const w3 = wm[wb + t + 3];
            a0 += w0 * buf[ib + t];
            a1 += w1 * buf[ib + t + 1];
            a2 += w2 * buf[ib + t + 2];
            a3 += w3 * buf[ib + t + 3];
            b0 += w0 * buf[jb + t];
            b1 += w1 * buf[jb + t + 1];
            b2 += w2 * buf[jb + t + 2];
            b3 += w3 * buf[jb + t + 3];
          }
          for (; t < H2; t++) {
            a0 += wm[wb + t] * buf[ib + t];
            b0 += wm[wb + t] * buf[jb + t];
          }
          out[ob + i] = (a0 + a1 + (a2 + a3)) * invs[i];
          out[ob + outStride + i] = (b0 + b1 + (b2 + b3)) * invs[i];
        }
      }
    }
    for (; c < C; c++) {
      const cb = c * cap;
      const ob = outOffset + c * outStride;
      for (let i = 0; i < m; i++) {
        const wb = i * H2;
        const first = firsts[i];
        let acc = 0;
        if (first >= lo && first + H2 - 1 <= last) {
          const ib = cb + first;
          let a0 = 0;
          let a1 = 0;
          let a2 = 0;
          let a3 = 0;
          let t = 0;
          for (; t + 3 < H2; t += 4) {
            a0 += wm[wb + t] * buf[ib + t];
            a1 += wm[wb + t + 1] * buf[ib + t + 1];
            a2 += wm[wb + t + 2] * buf[ib + t + 2];
            a3 += wm[wb + t + 3] * buf[ib + t + 3];
          }
          for (; t < H2; t++) a0 += wm[wb + t] * buf[ib + t];
          acc = a0 + a1 + (a2 + a3);
        } else {
          // Segment edge (or the floor): repeat the floor / last held sample.
          for (let t = 0; t < H2; t++) {
            let j = first + t;
            if (j < lo) j = lo;
            else if (j > last) j = last;
            acc += wm[wb + t] * buf[cb + j];
          }
        }
        out[ob + i] = acc * invs[i];
      }
    }
  }
}
