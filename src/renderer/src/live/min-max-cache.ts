// Min-max decimation of one trace channel for drawing, remembered between frames.
//
// Buckets are fixed in sample time, not on screen: bucket b holds absolute samples
// [b·size, (b+1)·size) of a TraceBuffer (see TraceSpan.index0), whose values never change once
// written. So a bucket wholly inside the visible span is measured once and then read back on
// every later frame; only the two edge buckets, partly visible, are measured each time. With a
// 30-s span of 32 channels at 250 Hz that is a few hundred samples per frame instead of 240,000.
//
// Each bucket yields its minimum and maximum in time order (spikes survive) and, where it holds a
// NaN (a hole), one NaN point placed before or after them as it lies, so the line breaks there.
import type { TraceSpan } from './trace-buffer';

/** Called for each point to draw: k = sample index within the span, v = value (NaN: a break). */
export type PutPoint = (k: number, v: number) => void;

// Per bucket: the bucket number it describes, then min index, min value, max index, max value,
// NaN index (indices absolute; -1: none).
const FIELDS = 6;

export class MinMaxCache {
  private readonly slots: number;
  private readonly memo: Float64Array;
  /** Scratch entry for an edge bucket (measured every time, never remembered). */
  private readonly edge = new Float64Array(FIELDS);

  /**
   * @param size samples per bucket (≥ 1)
   * @param capacity the buffer's capacity in samples (how many buckets can be visible at once)
   */
  constructor(
    readonly size: number,
    capacity: number,
  ) {
    this.slots = Math.ceil(capacity / size) + 2;
    this.memo = new Float64Array(this.slots * FIELDS).fill(-1);
  }

  /** Emits the decimated points of span `s`, oldest first. */
  emit(s: TraceSpan, put: PutPoint): void {
    if (s.count <= 0) return;
    const size = this.size;
    const a0 = s.index0;
    const a1 = a0 + s.count;
    const memo = this.memo;
    for (let b = Math.floor(a0 / size); b * size < a1; b++) {
      const from = b * size;
      const to = from + size;
      if (from < a0 || to > a1) {
        // An edge bucket, partly visible: measure only what is visible, remember nothing.
        this.measure(s, Math.max(from, a0), Math.min(to, a1), this.edge, 0);
        this.put(this.edge, 0, a0, put);
        continue;
      }
      const at = (b % this.slots) * FIELDS;
      if (memo[at] !== b) {
        this.measure(s, from, to, memo, at);
        memo[at] = b;
      }
      this.put(memo, at, a0, put);
    }
  }

  private measure(s: TraceSpan, from: number, to: number, m: Float64Array, o: number): void {
    const { data, capacity, base } = s;
    let minI = -1;
    let maxI = -1;
    let nanI = -1;
    let minV = 0;
    let maxV = 0;
    let pos = base + (from % capacity);
    const end = base + capacity;
    for (let i = from; i < to; i++) {
      const v = data[pos];
      if (++pos === end) pos = base;
      if (v !== v) {
        if (nanI < 0) nanI = i;
      } else if (minI < 0) {
        minI = maxI = i;
        minV = maxV = v;
      } else if (v < minV) {
        minV = v;
        minI = i;
      } else if (v > maxV) {
        maxV = v;
        maxI = i;
      }
    }
    m[o + 1] = minI;
    m[o + 2] = minV;
    m[o + 3] = maxI;
    m[o + 4] = maxV;
    m[o + 5] = nanI;
  }

  private put(m: Float64Array, o: number, a0: number, put: PutPoint): void {
    const minI = m[o + 1];
    const maxI = m[o + 3];
    const nanI = m[o + 5];
    const first = minI < maxI ? minI : maxI;
    const second = minI < maxI ? maxI : minI;
    const hasSecond = second >= 0 && second !== first;
    // In time order: the NaN goes before, between or after the extremes, where it lies.
    if (nanI >= 0 && (first < 0 || nanI < first)) put(nanI - a0, NaN);
    if (first >= 0) put(first - a0, first === minI ? m[o + 2] : m[o + 4]);
    if (nanI > first && first >= 0 && (!hasSecond || nanI < second)) put(nanI - a0, NaN);
    if (hasSecond) put(second - a0, second === minI ? m[o + 2] : m[o + 4]);
    if (hasSecond && nanI > second) put(nanI - a0, NaN);
  }
}
