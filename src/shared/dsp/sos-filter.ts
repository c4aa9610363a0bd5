// A causal, stateful SOS cascade applied to many channels at once: transposed direct form II
// (scipy.signal.sosfilt's structure), float64 state, no allocation per call. The same object
// filters live chunks and replayed ones, so equal input sequences give bit-identical output.
import type { Sos } from './dsp.types';
import { sosZi } from './sos-design';

export class SosFilterBank {
  readonly channels: number;
  readonly sos: Sos;
  /** [channel][section][2] state, float64. */
  private readonly state: Float64Array;
  private readonly zi: Float64Array;

  constructor(sos: Sos, channels: number) {
    this.sos = sos;
    this.channels = channels;
    this.state = new Float64Array(channels * sos.sections * 2);
    this.zi = sosZi(sos);
  }

  /** Zero state: the filter starts as if the input had been 0 forever. */
  resetZero(): void {
    this.state.fill(0);
  }

  /**
   * Steady state for a constant input equal to each channel's first sample (scipy sosfilt_zi · x0),
   * so a restart after a gap does not ring on the channel's DC offset.
   * `first[c]` is channel c's first upcoming input sample.
   */
  resetSteady(first: ArrayLike<number>): void {
    const n2 = this.sos.sections * 2;
    for (let c = 0; c < this.channels; c++) {
      const x0 = first[c];
      for (let i = 0; i < n2; i++) this.state[c * n2 + i] = this.zi[i] * x0;
    }
  }

  /** A copy of the filter state ([channel][section][2], float64): with the same input after it, the same output. */
  exportState(): Float64Array {
    return this.state.slice();
  }

  /** Puts back a state from exportState (of a bank with the same sections and channels). */
  importState(state: ArrayLike<number>): void {
    if (state.length !== this.state.length) throw new RangeError(`filter state has ${state.length} values; ${this.channels} channels × ${this.sos.sections} sections need ${this.state.length}`);
    this.state.set(state);
  }

  /**
   * Filters planar data in place: channel c occupies buf[offset + c·stride, … + count).
   * `stride` lets callers filter the first `count` samples of a larger planar buffer.
   */
  processPlanar(buf: Float64Array, count: number, stride: number = count, offset = 0): void {
    const nSec = this.sos.sections;
    const co = this.sos.coefficients;
    const st = this.state;
    for (let c = 0; c < this.channels; c++) {
      const base = offset + c * stride;
      for (let s = 0; s < nSec; s++) {
        const b0 = co[6 * s];
        const b1 = co[6 * s + 1];
        const b2 = co[6 * s + 2];
        const a1 = co[6 * s + 4];
        const a2 = co[6 * s + 5];
        const si = (c * nSec + s) * 2;
        let z0 = st[si];
        let z1 = st[si + 1];
        for (let i = base, end = base + count; i < end; i++) {
          const x = buf[i];
          const y = b0 * x + z0;
          z0 = b1 * x - a1 * y + z1;
          z1 = b2 * x - a2 * y;
          buf[i] = y;
        }
        st[si] = z0;
        st[si + 1] = z1;
      }
    }
  }
}

/** One-shot filtering of a single signal from zero state (scipy.signal.sosfilt); for tests and offline use. */
export function sosfilt(sos: Sos, x: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(x);
  new SosFilterBank(sos, 1).processPlanar(out, out.length);
  return out;
}
