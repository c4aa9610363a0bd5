// Per-channel signal quality. Statistics are gathered per short block of 200 Hz samples (one hop,
// typically 1 s) and summed over the blocks of a window, so overlapping windows share the work:
// each block's spectrum is computed once, not once per window that contains it.
//
// A block's statistics per channel (BLOCK_FIELDS values):
//   n, Σ conditioned, Σ conditioned², max |conditioned|, samples at the rails, samples in plateaus at
//   the block's extreme, power at mains ± 1 Hz, power 1–45 Hz (both from the raw — resampled but not
//   filtered — signal, linearly detrended, Hann-windowed), raw min, raw max, power at the other
//   mains frequency ± 1 Hz (60 Hz where the mains is set to 50, and the reverse), samples in stuck
//   stretches (raw held at one value, anywhere in the block); and, for ECG only
//   (zero otherwise), the QRS statistics: the median |slope| of the conditioned signal and the two
//   largest of its per-second peak |slopes| (slope: Pan–Tompkins' five-point derivative, µV/sample).
import type { ChannelQuality, QualityFlag } from '../window.types';
import { fftPlan, nextPow2 } from './fft';

export const BLOCK_FIELDS = 15;
export const F_N = 0;
export const F_SUM = 1;
export const F_SUMSQ = 2;
export const F_MAXABS = 3;
export const F_RAIL = 4;
export const F_PINNED = 5;
export const F_LINE = 6;
export const F_BAND = 7;
export const F_MIN = 8;
export const F_MAX = 9;
export const F_LINE_OTHER = 10;
export const F_SLOPE_MED = 11;
export const F_SLOPE_PEAK = 12;
export const F_SLOPE_PEAK2 = 13;
export const F_STUCK = 14;

export const LINE_HALF_WIDTH_HZ = 1;

/**
 * The other of the two mains frequencies (60 for 50, 50 for 60; NaN for anything else). Hum there
 * means the mains setting is wrong for where the recording is made: the notch misses it, and the
 * EEG's 75 Hz low-pass keeps it in what the model reads.
 */
export function otherMainsHz(mainsHz: number): number {
  return mainsHz === 50 ? 60 : mainsHz === 60 ? 50 : NaN;
}
export const PHYSIO_BAND_HZ: readonly [number, number] = [1, 45];
/** |raw| at or beyond this fraction of ChannelInfo.rangeUv counts as railed. */
export const RAIL_FRACTION_OF_RANGE = 0.98;
/** How far from symmetric about zero (a share of its span) a file's physical range may be to be rails. */
export const RANGE_SYMMETRY = 0.01;
/**
 * A file's declared physical range [lo, hi] (EDF/BDF physical min and max, µV) as the amplifier's
 * rails (± this, ChannelInfo.rangeUv), or undefined where it is not an amplifier's span. An
 * amplifier's range is symmetric about zero (±3276.8 µV over 16 bits, BDF's ±262 mV); a writer
 * that fits the range to the data (many exporters; EEGMAT's [−45.2, 59.4]; MNE's DC-coupled test
 * EDF, [175 921, 175 946] µV) declares no rails: its extremes are where the signal went, and a DC
 * offset put every sample within 2 % of the larger bound, so all 19 of that file's EEG channels read
 * railed. Symmetric to within RANGE_SYMMETRY of the span.
 */
export function railsOfPhysicalRange(lo: number, hi: number): number | undefined {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < 0 && hi > 0)) return undefined;
  return Math.abs(lo + hi) <= RANGE_SYMMETRY * (hi - lo) ? Math.max(-lo, hi) : undefined;
}
/**
 * An imported file's channel's rails (ChannelInfo.rangeUv) from its unit and declared physical
 * range: railsOfPhysicalRange for a µV channel, none otherwise. What an import stores, and what
 * schema 100 puts back in the sessions imported before the symmetry rule.
 */
export function railsOfFileChannel(unit: string, physicalRange: readonly [number, number] | null | undefined): number | undefined {
  return physicalRange && unit === 'uV' ? railsOfPhysicalRange(physicalRange[0], physicalRange[1]) : undefined;
}
/** A channel whose unfiltered signal spans less than this (µV) over the span is flat, whatever its filters still ring with. */
export const FLAT_P2P_UV = 1;
/** Consecutive samples at an extreme that make a plateau (20 ms at 200 Hz). */
export const PLATEAU_MIN = 4;
/**
 * Consecutive raw samples at one value that make a stuck stretch (0.1 s at 200 Hz), anywhere in
 * the signal: a source that holds its last value (an EDF padded past the end of its data, an outlet
 * repeating a sample while its amplifier is gone) draws a straight line no EEG or ECG draws (a
 * moving signal resampled to 200 Hz repeats no value for 20 samples, even from 16-bit integers).
 */
export const STUCK_MIN = 20;
/**
 * A channel stuck for more than this share of a span is flat: more line than signal. Less is not:
 * an electrode that goes flat in a window's last second is flagged by the quality report, which
 * judges the newest second, while the window still holds four seconds of EEG.
 */
export const STUCK_SHARE = 0.5;

/** Samples over which one peak |slope| is taken: a second (the analyzer runs at 200 Hz). */
export const QRS_PIECE = 200;
/**
 * The QRS is judged over spans of at least this many pieces (4 s): any such span holds two beats
 * down to 30 bpm (a 5-s window, down to 24 bpm: RR_MAX_MS). A shorter window may hold one beat
 * or none, which is no evidence of a dead lead: its QRS is not judged.
 */
export const QRS_MIN_PIECES = 4;
/**
 * QRS ratio: the second-largest per-second peak |slope| over the median |slope| (the second, so
 * that one artefact does not pass for a QRS; two peaks, so that a 24-bpm heart still counts). A
 * QRS is the steepest thing on an ECG: on every real lead measured (EEGMAT, MIT-BIH 100, PTB
 * s0010_re's 15 leads, LUDB 1's 12, macecgdb, the simulated straps at 50–160 bpm) the ratio of a
 * 5-s window is ≥ 9.9; noise without QRS (Gaussian: ≈ 4.4; EEGMAT Subject02_1's dead lead) is ≤ 7.2.
 * Below QRS_RATIO_NONE a lead shows no QRS at any amplitude.
 */
export const QRS_RATIO_NONE = 6;
/**
 * Below this ratio and QRS_SMALL_RMS_UV together a lead shows no QRS either: an ECG lead that small
 * (conditioned RMS; a 0.2-mV QRS, under half the clinical low-voltage limit, still gives ~35 µV)
 * without a prominent QRS is noise. Real leads: ≥ 51 µV RMS (EEGMAT Subject01_2) or a ratio ≥ 12;
 * Subject02_1's dead lead: 11–25 µV RMS, ratio ≤ 7.2.
 */
export const QRS_RATIO_WEAK = 12;
export const QRS_SMALL_RMS_UV = 30;

export interface QualityThresholds {
  flatRmsUv: number;
  maxRmsUv: number;
  maxAbsUv: number;
  railedFraction: number;
  lineNoiseRatio: number;
  /** Judge the QRS (ECG; the block statistics must have been analysed with `qrs`). */
  qrs?: boolean;
}

/** Computes block statistics; holds FFT scratch so that analysing allocates nothing. */
export class BlockAnalyzer {
  readonly rateHz: number;
  readonly mainsHz: number;
  readonly otherMainsHz: number;
  private n = 0;
  private nfft = 0;
  private re = new Float64Array(0);
  private im = new Float64Array(0);
  private win = new Float64Array(0);
  private slope = new Float64Array(0);

  constructor(rateHz: number, mainsHz: number) {
    this.rateHz = rateHz;
    this.mainsHz = mainsHz;
    this.otherMainsHz = otherMainsHz(mainsHz);
  }

  private prepare(n: number): void {
    if (n === this.n) return;
    this.n = n;
    this.nfft = nextPow2(Math.max(n, 16));
    this.re = new Float64Array(this.nfft);
    this.im = new Float64Array(this.nfft);
    this.win = new Float64Array(n);
    for (let i = 0; i < n; i++) this.win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  }

  /**
   * Statistics of samples [offset, offset + n) of each channel of planar `raw` / `cond` (channel c
   * at c·stride), written to out[outOffset + c·BLOCK_FIELDS …]. `qrs`: gather the QRS statistics
   * (ECG); without, they are zero.
   */
  analyze(raw: Float64Array, cond: Float64Array, channels: number, stride: number, offset: number, n: number, rangeUv: ArrayLike<number>, out: Float64Array, outOffset: number, qrs = false): void {
    this.prepare(n);
    for (let c = 0; c < channels; c++) {
      const o = outOffset + c * BLOCK_FIELDS;
      const b = c * stride + offset;
      let sum = 0;
      let sumsq = 0;
      let maxAbs = 0;
      let mn = Infinity;
      let mx = -Infinity;
      let rail = 0;
      const rl = rangeUv[c] > 0 ? rangeUv[c] * RAIL_FRACTION_OF_RANGE : Infinity;
      for (let i = b; i < b + n; i++) {
        const x = cond[i];
        sum += x;
        sumsq += x * x;
        const ax = x < 0 ? -x : x;
        if (ax > maxAbs) maxAbs = ax;
        const r = raw[i];
        if (r < mn) mn = r;
        if (r > mx) mx = r;
        if (r >= rl || r <= -rl) rail++;
      }
      // Pinned: samples in plateaus of ≥ PLATEAU_MIN consecutive samples at the block's max or min.
      // A moving signal touches its extremes in isolated samples; a saturated amplifier sits there.
      let pinned = 0;
      if (mx - mn > 1) {
        const eMax = 1e-6 * Math.max(1, Math.abs(mx));
        const eMin = 1e-6 * Math.max(1, Math.abs(mn));
        let run = 0;
        for (let i = b; i <= b + n; i++) {
          const at = i < b + n && (mx - raw[i] <= eMax || raw[i] - mn <= eMin);
          if (at) run++;
          else {
            if (run >= PLATEAU_MIN) pinned += run;
            run = 0;
          }
        }
      }
      // Stuck: samples in runs of ≥ STUCK_MIN at one value (to a millionth: a resampled constant wavers
      // in its last bits).
      let stuck = 0;
      let runFrom = b;
      for (let i = b + 1; i <= b + n; i++) {
        const v = raw[runFrom];
        if (i < b + n && Math.abs(raw[i] - v) <= 1e-6 * Math.max(1, Math.abs(v))) continue;
        if (i - runFrom >= STUCK_MIN) stuck += i - runFrom;
        runFrom = i;
      }
      out[o + F_N] = n;
      out[o + F_SUM] = sum;
      out[o + F_SUMSQ] = sumsq;
      out[o + F_MAXABS] = maxAbs;
      out[o + F_RAIL] = rail;
      out[o + F_PINNED] = pinned;
      out[o + F_STUCK] = stuck;
      out[o + F_MIN] = mn;
      out[o + F_MAX] = mx;
      out[o + F_SLOPE_MED] = 0;
      out[o + F_SLOPE_PEAK] = 0;
      out[o + F_SLOPE_PEAK2] = 0;
      if (qrs) this.slopes(cond, b, n, out, o);
    }
    // Spectra two channels at a time: one complex FFT of (a + i·b) gives both real transforms.
    for (let c = 0; c < channels; c += 2) {
      const pair = c + 1 < channels;
      this.loadDetrended(raw, c * stride + offset, n, this.re);
      if (pair) this.loadDetrended(raw, (c + 1) * stride + offset, n, this.im);
      else this.im.fill(0);
      fftPlan(this.nfft).transform(this.re, this.im);
      const [la, ba, lb, bb, oa, ob] = this.powers(pair);
      out[outOffset + c * BLOCK_FIELDS + F_LINE] = la;
      out[outOffset + c * BLOCK_FIELDS + F_BAND] = ba;
      out[outOffset + c * BLOCK_FIELDS + F_LINE_OTHER] = oa;
      if (pair) {
        out[outOffset + (c + 1) * BLOCK_FIELDS + F_LINE] = lb;
        out[outOffset + (c + 1) * BLOCK_FIELDS + F_BAND] = bb;
        out[outOffset + (c + 1) * BLOCK_FIELDS + F_LINE_OTHER] = ob;
      }
    }
  }

  /**
   * QRS statistics of x[b, b+n): |five-point derivative| (Pan–Tompkins, as dsp/r-peak), its median
   * and the two largest of its per-QRS_PIECE peaks. Within the block only (its first 4 samples have
   * no derivative): a block is a second or more, a QRS 0.1 s.
   */
  private slopes(x: Float64Array, b: number, n: number, out: Float64Array, o: number): void {
    if (n < 5) return;
    if (this.slope.length < n) this.slope = new Float64Array(n);
    const d = this.slope;
    let p1 = 0;
    let p2 = 0;
    let piece = 0;
    for (let i = 4; i < n; i++) {
      const j = b + i;
      const v = Math.abs(2 * x[j] + x[j - 1] - x[j - 3] - 2 * x[j - 4]) / 8;
      d[i - 4] = v;
      if (v > piece) piece = v;
      if ((i + 1) % QRS_PIECE === 0 || i === n - 1) {
        if (piece > p1) [p1, p2] = [piece, p1];
        else if (piece > p2) p2 = piece;
        piece = 0;
      }
    }
    const m = n - 4;
    const sorted = d.subarray(0, m).sort();
    out[o + F_SLOPE_MED] = m % 2 ? sorted[m >> 1] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
    out[o + F_SLOPE_PEAK] = p1;
    out[o + F_SLOPE_PEAK2] = p2;
  }

  /** Linear detrend (least squares) and Hann window of x[b, b+n) into dst, zero-padded to nfft. */
  private loadDetrended(x: Float64Array, b: number, n: number, dst: Float64Array): void {
    let sx = 0;
    let sxt = 0;
    const tMean = (n - 1) / 2;
    for (let i = 0; i < n; i++) {
      sx += x[b + i];
      sxt += (i - tMean) * x[b + i];
    }
    const mean = sx / n;
    const varT = (n * (n * n - 1)) / 12;
    const slope = varT > 0 ? sxt / varT : 0;
    for (let i = 0; i < n; i++) dst[i] = (x[b + i] - mean - slope * (i - tMean)) * this.win[i];
    dst.fill(0, n);
  }

  /** Line, band and other-mains power of the one or two channels packed in re/im. */
  private powers(pair: boolean): [number, number, number, number, number, number] {
    const N = this.nfft;
    const df = this.rateHz / N;
    let la = 0;
    let ba = 0;
    let lb = 0;
    let bb = 0;
    let oa = 0;
    let ob = 0;
    const lineLo = this.mainsHz - LINE_HALF_WIDTH_HZ;
    const lineHi = this.mainsHz + LINE_HALF_WIDTH_HZ;
    const otherLo = this.otherMainsHz - LINE_HALF_WIDTH_HZ;
    const otherHi = this.otherMainsHz + LINE_HALF_WIDTH_HZ;
    for (let k = 1; k < N / 2; k++) {
      const f = k * df;
      const inLine = f >= lineLo && f <= lineHi;
      const inBand = f >= PHYSIO_BAND_HZ[0] && f <= PHYSIO_BAND_HZ[1];
      const inOther = f >= otherLo && f <= otherHi;
      if (!inLine && !inBand && !inOther) continue;
      const zr = this.re[k];
      const zi = this.im[k];
      const wr = this.re[N - k];
      const wi = this.im[N - k];
      // A = (Z[k] + conj Z[N-k]) / 2, B = (Z[k] − conj Z[N-k]) / 2i
      const ar = (zr + wr) / 2;
      const ai = (zi - wi) / 2;
      const pa = ar * ar + ai * ai;
      let pb = 0;
      if (pair) {
        const br = (zi + wi) / 2;
        const bi = -(zr - wr) / 2;
        pb = br * br + bi * bi;
      }
      if (inLine) {
        la += pa;
        lb += pb;
      }
      if (inBand) {
        ba += pa;
        bb += pb;
      }
      if (inOther) {
        oa += pa;
        ob += pb;
      }
    }
    return [la, ba, lb, bb, oa, ob];
  }
}

/** Adds block statistics `src` (one channel) into the aggregate `acc` (one channel). */
export function addBlockStats(acc: Float64Array, accOffset: number, src: Float64Array, srcOffset: number): void {
  acc[accOffset + F_N] += src[srcOffset + F_N];
  acc[accOffset + F_SUM] += src[srcOffset + F_SUM];
  acc[accOffset + F_SUMSQ] += src[srcOffset + F_SUMSQ];
  acc[accOffset + F_MAXABS] = Math.max(acc[accOffset + F_MAXABS], src[srcOffset + F_MAXABS]);
  acc[accOffset + F_RAIL] += src[srcOffset + F_RAIL];
  acc[accOffset + F_PINNED] += src[srcOffset + F_PINNED];
  acc[accOffset + F_STUCK] += src[srcOffset + F_STUCK];
  acc[accOffset + F_LINE] += src[srcOffset + F_LINE];
  acc[accOffset + F_BAND] += src[srcOffset + F_BAND];
  acc[accOffset + F_MIN] = Math.min(acc[accOffset + F_MIN], src[srcOffset + F_MIN]);
  acc[accOffset + F_MAX] = Math.max(acc[accOffset + F_MAX], src[srcOffset + F_MAX]);
  acc[accOffset + F_LINE_OTHER] += src[srcOffset + F_LINE_OTHER];
  // The median |slope| of two spans together: their medians weighted by their samples (the window
  // takes the median over its blocks instead: medianOf in windower.ts).
  const na = acc[accOffset + F_N] - src[srcOffset + F_N];
  const ns = src[srcOffset + F_N];
  acc[accOffset + F_SLOPE_MED] = na + ns > 0 ? (na * acc[accOffset + F_SLOPE_MED] + ns * src[srcOffset + F_SLOPE_MED]) / (na + ns) : 0;
  // The two largest peaks of both.
  for (const p of [src[srcOffset + F_SLOPE_PEAK], src[srcOffset + F_SLOPE_PEAK2]]) {
    if (p > acc[accOffset + F_SLOPE_PEAK]) {
      acc[accOffset + F_SLOPE_PEAK2] = acc[accOffset + F_SLOPE_PEAK];
      acc[accOffset + F_SLOPE_PEAK] = p;
    } else if (p > acc[accOffset + F_SLOPE_PEAK2]) acc[accOffset + F_SLOPE_PEAK2] = p;
  }
}

/**
 * The median of `n` values (NaN for none). The window's median |slope| is the median of its
 * blocks' medians: one second of artefact (a movement: EEGMAT Subject11_1, 1.2 mV RMS over its
 * window) or of silence leaves it where the other seconds put it.
 */
export function medianOf(values: Float64Array, n: number): number {
  if (n === 0) return NaN;
  const s = values.subarray(0, n).sort();
  return n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** An empty aggregate (min/max at their identities). */
export function clearBlockStats(acc: Float64Array, offset: number): void {
  acc.fill(0, offset, offset + BLOCK_FIELDS);
  acc[offset + F_MIN] = Infinity;
  acc[offset + F_MAX] = -Infinity;
}

/**
 * Verdict on one channel from aggregated statistics. `expected` samples the span should hold.
 * `mainsHz`: the configured mains, named by `lineNoiseHz` when the hum is at the other one.
 */
export function channelQuality(label: string, acc: Float64Array, o: number, expected: number, t: QualityThresholds | null, mainsHz = NaN): ChannelQuality {
  const n = acc[o + F_N];
  if (n === 0) return { label, score: 0, flags: ['missing'], rmsUv: 0, lineNoiseRatio: 0 };
  const rms = Math.sqrt(acc[o + F_SUMSQ] / n);
  const band = acc[o + F_BAND];
  const line = acc[o + F_LINE];
  const ratio = (p: number) => (band > 0 ? p / band : p > 0 ? Infinity : 0);
  let lineNoiseRatio = ratio(line);
  // Hum at the other mains frequency (the setting is wrong for where this is recorded) is line noise
  // too: reported at its frequency. Only then, so that a channel's quality is otherwise unchanged.
  let lineNoiseHz: number | undefined;
  const other = ratio(acc[o + F_LINE_OTHER]);
  if (t && lineNoiseRatio <= t.lineNoiseRatio && other > t.lineNoiseRatio && Number.isFinite(otherMainsHz(mainsHz))) {
    lineNoiseRatio = other;
    lineNoiseHz = otherMainsHz(mainsHz);
  }
  const flags: QualityFlag[] = [];
  let score = 1;
  if (n < expected) {
    flags.push('missing');
    score *= n / expected;
  }
  if (t) {
    // A channel at the rail is named railed alone: the rail also makes it flat (pinned) and its
    // amplitude implausible (the rail's value, or the step onto it), which would only blur the cause.
    const railed = (acc[o + F_RAIL] + acc[o + F_PINNED]) / n >= t.railedFraction;
    if (railed) flags.push('railed');
    else if (rms < t.flatRmsUv || acc[o + F_MAX] - acc[o + F_MIN] < FLAT_P2P_UV || acc[o + F_STUCK] > STUCK_SHARE * n) flags.push('flat');
    if (!railed && (rms > t.maxRmsUv || acc[o + F_MAXABS] > t.maxAbsUv)) {
      flags.push('implausible');
      score *= 0.2;
    }
    if (lineNoiseRatio > t.lineNoiseRatio) {
      flags.push('line-noise');
      score *= 0.5;
    }
    if (flags.includes('flat') || flags.includes('railed')) score = 0;
  }
  const q: ChannelQuality = { label, score, flags, rmsUv: rms, lineNoiseRatio };
  if (lineNoiseHz !== undefined) q.lineNoiseHz = lineNoiseHz;
  if (t?.qrs) {
    const typ = acc[o + F_SLOPE_MED];
    const peak = acc[o + F_SLOPE_PEAK2];
    // Judged over spans long enough to hold two beats (QRS_MIN_PIECES); a flat or railed lead has
    // no QRS either, but that flag names the cause.
    if (peak > 0 && n >= QRS_MIN_PIECES * QRS_PIECE) {
      const qrsRatio = typ > 0 ? peak / typ : Infinity;
      q.qrsRatio = qrsRatio;
      if (!flags.includes('flat') && !flags.includes('railed') && (qrsRatio < QRS_RATIO_NONE || (qrsRatio < QRS_RATIO_WEAK && rms < QRS_SMALL_RMS_UV))) {
        flags.push('no-qrs');
        q.score = 0;
      }
    }
  }
  return q;
}
