// Welch power spectral density (scipy.signal.welch defaults: Hann window, 50 % overlap, constant
// detrend, one-sided 'density' scaling) and band power from it. Used for the dashboard's band
// power and spectrum. A Welch object keeps its window and scratch buffers, so repeated calls on
// live data allocate only their output.
import type { Psd } from './dsp.types';
import { fftPlan, type FftPlan } from './fft';

export class Welch {
  readonly nperseg: number;
  readonly noverlap: number;
  readonly fs: number;
  private readonly plan: FftPlan;
  private readonly win: Float64Array;
  private readonly winScale: number;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  readonly freqHz: Float64Array;

  /** nperseg must be a power of two (the FFT size); noverlap defaults to nperseg / 2. */
  constructor(fs: number, nperseg: number, noverlap = nperseg >> 1) {
    this.fs = fs;
    this.nperseg = nperseg;
    this.noverlap = noverlap;
    this.plan = fftPlan(nperseg);
    // scipy's get_window('hann', n) is periodic (fftbins=True).
    this.win = new Float64Array(nperseg);
    let s2 = 0;
    for (let i = 0; i < nperseg; i++) {
      this.win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / nperseg);
      s2 += this.win[i] * this.win[i];
    }
    this.winScale = 1 / (fs * s2);
    this.re = new Float64Array(nperseg);
    this.im = new Float64Array(nperseg);
    this.freqHz = new Float64Array(nperseg / 2 + 1);
    for (let k = 0; k <= nperseg / 2; k++) this.freqHz[k] = (k * fs) / nperseg;
  }

  /** Number of segments a signal of length n yields (0 when n < nperseg). */
  segments(n: number): number {
    return n < this.nperseg ? 0 : Math.floor((n - this.nperseg) / (this.nperseg - this.noverlap)) + 1;
  }

  /**
   * Adds the one-sided PSD of x[offset, offset + n) into `acc` (length nperseg/2 + 1), averaged over
   * segments; returns the number of segments used (0 leaves acc untouched).
   */
  accumulate(x: ArrayLike<number>, offset: number, n: number, acc: Float64Array, weight = 1): number {
    const nseg = this.segments(n);
    if (nseg === 0) return 0;
    const L = this.nperseg;
    const step = L - this.noverlap;
    const { re, im, win } = this;
    const half = L / 2;
    const scale = (this.winScale * weight) / nseg;
    for (let s = 0; s < nseg; s++) {
      const o = offset + s * step;
      let mean = 0;
      for (let i = 0; i < L; i++) mean += x[o + i];
      mean /= L;
      for (let i = 0; i < L; i++) {
        re[i] = (x[o + i] - mean) * win[i];
        im[i] = 0;
      }
      this.plan.transform(re, im);
      for (let k = 0; k <= half; k++) {
        const p = (re[k] * re[k] + im[k] * im[k]) * scale;
        acc[k] += k === 0 || k === half ? p : 2 * p;
      }
    }
    return nseg;
  }

  /**
   * One-sided periodogram (one Welch segment, same scaling) of a[ao, ao + nperseg) into outA and,
   * when b is given, of b[bo, …) into outB — both from one complex FFT of (a + i·b).
   */
  segmentPair(a: ArrayLike<number>, ao: number, outA: Float64Array, b: ArrayLike<number> | null, bo: number, outB: Float64Array | null): void {
    const L = this.nperseg;
    const { re, im, win } = this;
    let ma = 0;
    let mb = 0;
    for (let i = 0; i < L; i++) ma += a[ao + i];
    ma /= L;
    if (b) {
      for (let i = 0; i < L; i++) mb += b[bo + i];
      mb /= L;
    }
    for (let i = 0; i < L; i++) {
      re[i] = (a[ao + i] - ma) * win[i];
      im[i] = b ? (b[bo + i] - mb) * win[i] : 0;
    }
    this.plan.transform(re, im);
    const half = L / 2;
    const scale = this.winScale / 4; // |(Z[k] ± conj Z[L−k]) / 2|² carries a factor 1/4
    for (let k = 0; k <= half; k++) {
      const zr = re[k];
      const zi = im[k];
      const j = (L - k) % L;
      const wr = re[j];
      const wi = im[j];
      const f = k === 0 || k === half ? scale : 2 * scale;
      const ar = zr + wr;
      const ai = zi - wi;
      outA[k] = (ar * ar + ai * ai) * f;
      if (outB) {
        const br = zi + wi;
        const bi = zr - wr;
        outB[k] = (br * br + bi * bi) * f;
      }
    }
  }

  /** PSD of x (signal unit²/Hz). */
  psd(x: ArrayLike<number>): Psd {
    const acc = new Float64Array(this.freqHz.length);
    this.accumulate(x, 0, x.length, acc);
    return { freqHz: this.freqHz.slice(), psd: acc };
  }
}

/**
 * Power in [lowHz, highHz) from a PSD: the sum of the bins in that range times the bin width
 * (rectangle rule, as MNE's and YASA's band power do), in signal unit².
 */
export function bandPower(freqHz: ArrayLike<number>, psd: ArrayLike<number>, lowHz: number, highHz: number): number {
  const df = freqHz.length > 1 ? freqHz[1] - freqHz[0] : 0;
  let p = 0;
  for (let k = 0; k < freqHz.length; k++) if (freqHz[k] >= lowHz && freqHz[k] < highHz) p += psd[k];
  return p * df;
}
