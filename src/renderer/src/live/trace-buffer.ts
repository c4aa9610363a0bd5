// The last N seconds of one conditioned stream, planar, in a ring: what the traces draw from.
// Blocks are appended as they arrive; a hole in time is filled with NaN (drawn as a break, never
// bridged), and a block that overlaps what is already held keeps only its new part.
import type { ConditionedBlock } from '../../../shared/window.types';

/** A channel's samples in a time range, as positions in the ring (see TraceBuffer.span). */
export interface TraceSpan {
  data: Float32Array;
  capacity: number;
  base: number;
  first: number;
  count: number;
  time0: number;
  /** Absolute index (samples appended since the buffer began, holes included) of sample k = 0. */
  index0: number;
}

export function emptySpan(): TraceSpan {
  return { data: new Float32Array(0), capacity: 1, base: 0, first: 0, count: 0, time0: 0, index0: 0 };
}

export class TraceBuffer {
  readonly channels: string[];
  readonly rateHz: number;
  readonly capacity: number;
  private readonly data: Float32Array;
  /** Samples held (≤ capacity). */
  private held = 0;
  /**
   * Samples appended since the buffer began, holes (NaN) included: sample i (absolute) sits at ring
   * position i % capacity while held. Data at an absolute index never changes once written.
   */
  private total = 0;

  /** Ring position where the next sample goes. */
  private get head(): number {
    return this.total % this.capacity;
  }
  private scratch = new Float32Array(0);
  /** Host time (s) just after the newest sample; NaN while empty. */
  endTime = NaN;

  constructor(channels: string[], rateHz: number, seconds: number) {
    this.channels = channels.slice();
    this.rateHz = rateHz;
    this.capacity = Math.max(1, Math.ceil(seconds * rateHz));
    this.data = new Float32Array(this.capacity * channels.length);
  }

  /** Whether a block fits this buffer's shape (else the stream changed: make a new buffer). */
  accepts(block: ConditionedBlock): boolean {
    return block.rateHz === this.rateHz && block.channels.length === this.channels.length && block.channels.every((c, i) => c === this.channels[i]);
  }

  get size(): number {
    return this.held;
  }

  /** Host time of the oldest sample held. */
  get startTime(): number {
    return this.endTime - this.held / this.rateHz;
  }

  append(block: ConditionedBlock): void {
    const n = block.count;
    if (n <= 0) return;
    let skip = 0;
    if (!Number.isNaN(this.endTime)) {
      const offset = Math.round((block.startTime - this.endTime) * this.rateHz);
      if (offset > 0) {
        this.fillNaN(Math.min(offset, this.capacity));
        this.endTime = block.startTime;
      }
      else if (offset < 0) skip = Math.min(n, -offset); // overlap (or time went backwards): keep only the new part
    }
    const take = n - skip;
    if (take > 0) {
      const nc = this.channels.length;
      const cap = this.capacity;
      const from = skip + Math.max(0, take - cap);
      const count = n - from;
      const head = this.head;
      for (let c = 0; c < nc; c++) {
        const src = block.data.subarray(c * n + from, c * n + n);
        const base = c * cap;
        const first = Math.min(count, cap - head);
        this.data.set(src.subarray(0, first), base + head);
        if (first < count) this.data.set(src.subarray(first), base);
      }
      this.held = Math.min(cap, this.held + count);
      this.total += count;
    }
    const end = block.startTime + n / this.rateHz;
    this.endTime = Number.isNaN(this.endTime) ? end : Math.max(this.endTime, end);
  }

  private fillNaN(count: number): void {
    const cap = this.capacity;
    const head = this.head;
    for (let c = 0; c < this.channels.length; c++) {
      const base = c * cap;
      for (let i = 0; i < count; i++) this.data[base + ((head + i) % cap)] = NaN;
    }
    this.held = Math.min(cap, this.held + count);
    this.total += count;
  }

  /**
   * The sample of `channel` at host time t (nearest), or NaN when t is outside what is held.
   */
  valueAt(channel: number, t: number): number {
    const back = Math.round((this.endTime - t) * this.rateHz) - 1; // 0 = newest sample
    if (back < 0 || back >= this.held) return NaN;
    const cap = this.capacity;
    return this.data[channel * cap + ((this.head - 1 - back + cap * 2) % cap)];
  }

  /**
   * Calls fn(time, value) for each sample of `channel` in [t0, t1], oldest first, with no
   * allocation (the trace charts call this every frame).
   */
  forEachInRange(channel: number, t0: number, t1: number, fn: (time: number, value: number, index: number) => void): number {
    if (this.held === 0) return 0;
    const rate = this.rateHz;
    const oldest = this.startTime;
    const i0 = Math.max(0, Math.ceil((t0 - oldest) * rate - 1e-6));
    const i1 = Math.min(this.held - 1, Math.floor((t1 - oldest) * rate + 1e-6));
    const cap = this.capacity;
    const base = channel * cap;
    const ringStart = (this.head - this.held + cap) % cap;
    let k = 0;
    for (let i = i0; i <= i1; i++) fn(oldest + i / rate, this.data[base + ((ringStart + i) % cap)], k++);
    return k;
  }

  /**
   * Where the samples of `channel` in [t0, t1] sit, for loops that read the ring directly (the
   * trace charts, every frame): sample k (0 ≤ k < count) is data[base + (first + k) % capacity],
   * at host time time0 + k / rateHz. Fills and returns `out` (no allocation).
   */
  span(channel: number, t0: number, t1: number, out: TraceSpan): TraceSpan {
    out.data = this.data;
    out.capacity = this.capacity;
    out.base = channel * this.capacity;
    if (this.held === 0) {
      out.count = 0;
      return out;
    }
    const rate = this.rateHz;
    const oldest = this.startTime;
    const i0 = Math.max(0, Math.ceil((t0 - oldest) * rate - 1e-6));
    const i1 = Math.min(this.held - 1, Math.floor((t1 - oldest) * rate + 1e-6));
    out.first = (this.head - this.held + i0 + this.capacity) % this.capacity;
    out.count = Math.max(0, i1 - i0 + 1);
    out.time0 = oldest + i0 / rate;
    out.index0 = this.total - this.held + i0;
    return out;
  }

  /** Robust amplitude of a channel over the last `seconds`: half the 2nd–98th percentile range. */
  amplitude(channel: number, seconds: number): number {
    const n = Math.min(this.held, Math.round(seconds * this.rateHz));
    if (n < 4) return NaN;
    // Reused between calls (the traces measure a channel or two on every frame): no garbage.
    if (this.scratch.length < n) this.scratch = new Float32Array(this.capacity);
    const tmp = this.scratch;
    const cap = this.capacity;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const v = this.data[channel * cap + ((this.head - 1 - i + cap * 2) % cap)];
      if (Number.isFinite(v)) tmp[m++] = v;
    }
    if (m < 4) return NaN;
    // The two order statistics by selection, not a full sort: O(n) instead of O(n log n), the
    // same values (the traces measure a channel or two on every frame).
    const lo = Math.floor(m * 0.02);
    const hi = Math.floor(m * 0.98) - 1;
    selectKth(tmp, lo, 0, m - 1);
    selectKth(tmp, hi, lo, m - 1);
    return (tmp[hi] - tmp[lo]) / 2;
  }
}

/**
 * Reorders a[left..right] so that a[k] holds the value a sorted copy would hold there, with
 * nothing larger before it and nothing smaller after (Hoare's selection, median-of-three pivot).
 * No NaN in a[left..right].
 */
function selectKth(a: Float32Array, k: number, left: number, right: number): void {
  while (right > left) {
    const mid = (left + right) >> 1;
    // Median of three as the pivot: sorted input (a flat or slowly varying trace) stays O(n).
    if (a[mid] < a[left]) swap(a, mid, left);
    if (a[right] < a[left]) swap(a, right, left);
    if (a[right] < a[mid]) swap(a, right, mid);
    const pivot = a[mid];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function swap(a: Float32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
