// Dashboard features from the conditioned 200 Hz streams: heart rate, RR intervals, RMSSD and
// R-peak times from ECG; absolute band power per EEG channel and the channel-averaged spectrum.
// Emitted each time a stream's conditioned data crosses a multiple of `everySec` on the host
// grid — data-driven, so replay emits the same features at the same points.
import type { StreamInfo } from '../stream.types';
import type { EegFeatures, HeartFeatures } from '../features.types';
import { EEG_BANDS, HR_BEATS } from '../features.types';
import { MODEL_RATE_HZ } from '../window.types';
import type { PipelineConfig } from './pipeline.types';
import { RPeakDetector } from '../dsp/r-peak';
import { nnFigures, normalRrMask } from '../dsp/rr-intervals';
import { Welch, bandPower } from '../dsp/welch';
import { rPeakLead } from './montage';

export interface FeatureSink {
  heart?(f: HeartFeatures): void;
  /** Each R peak when it is decided (host s); the next heart features list it again in rPeakTimes. */
  rPeak?(streamId: string, time: number): void;
  /** Without it, EEG streams are not analysed at all (dataset building: the spectra were a fifth of its time). */
  eeg?(f: EegFeatures): void;
}

/**
 * Across a gap up to this long the R-peak detector keeps its learned thresholds (same person, same
 * electrodes); after a longer one (a reconnect, electrodes moved) it learns them again.
 */
const KEEP_THRESHOLDS_GAP_SEC = 2;
interface Beat {
  k: number;
  segment: number;
}

class HeartState {
  readonly info: StreamInfo;
  readonly lead: number;
  readonly detector = new RPeakDetector(MODEL_RATE_HZ);
  segment = 0;
  k0 = 0;
  /** End (grid index) of the segment before this one; NaN before the first. */
  lastEndK = NaN;
  beats: Beat[] = [];
  /** R peaks decided since the last emission (host s). */
  fresh: number[] = [];
  nextEmitK = NaN;

  constructor(info: StreamInfo) {
    this.info = info;
    this.lead = rPeakLead(info.channels.map((c) => c.label));
  }
}

class EegState {
  readonly info: StreamInfo;
  readonly C: number;
  /** Ring of the last samples (enough for one Welch segment). */
  readonly cap: number;
  readonly ring: Float64Array;
  /** Samples held since the segment started. */
  held = 0;
  nextEmitK = NaN;
  /**
   * Periodograms of complete Welch segments by global segment index g (the segment covers grid
   * samples [g·step, g·step + nperseg)): each segment is transformed once, then shared by every
   * emission whose span contains it.
   */
  readonly segments = new Map<number, Float64Array>();

  constructor(info: StreamInfo, nperseg: number) {
    this.info = info;
    this.C = info.channels.length;
    this.cap = 2 * nperseg;
    this.ring = new Float64Array(this.C * this.cap);
  }
}

export class FeatureExtractor {
  private readonly cfg: PipelineConfig;
  private readonly sink: FeatureSink;
  private readonly everyK: number;
  private readonly welch: Welch;
  private readonly heart = new Map<string, HeartState>();
  private readonly eegs = new Map<string, EegState>();
  private scratch = new Float64Array(0);

  constructor(cfg: PipelineConfig, sink: FeatureSink) {
    this.cfg = cfg;
    this.sink = sink;
    this.everyK = Math.max(1, Math.round(cfg.features.everySec * MODEL_RATE_HZ));
    this.welch = new Welch(MODEL_RATE_HZ, cfg.features.eegNperseg);
  }

  setStreams(infos: StreamInfo[]): void {
    const ids = new Set(infos.map((i) => i.id));
    for (const id of [...this.heart.keys()]) if (!ids.has(id) || this.heart.get(id)!.info !== infos.find((i) => i.id === id)) this.heart.delete(id);
    for (const id of [...this.eegs.keys()]) if (!ids.has(id) || this.eegs.get(id)!.info !== infos.find((i) => i.id === id)) this.eegs.delete(id);
    for (const info of infos) {
      if (info.modality === 'ecg' && this.sink.heart && !this.heart.has(info.id)) this.heart.set(info.id, new HeartState(info));
      if (info.modality === 'eeg' && this.sink.eeg && !this.eegs.has(info.id)) this.eegs.set(info.id, new EegState(info, this.cfg.features.eegNperseg));
    }
  }

  segmentStart(id: string, k0: number): void {
    const h = this.heart.get(id);
    if (h) {
      if (k0 - h.lastEndK <= KEEP_THRESHOLDS_GAP_SEC * MODEL_RATE_HZ) h.detector.restart();
      else h.detector.reset();
      h.segment++;
      h.k0 = k0;
      h.nextEmitK = this.nextBoundary(h.nextEmitK, k0);
    }
    const e = this.eegs.get(id);
    if (e) {
      e.held = 0;
      e.segments.clear();
      e.nextEmitK = this.nextBoundary(e.nextEmitK, k0);
    }
  }

  /** The first emission boundary after a segment starting at k0 (boundaries passed during a gap are skipped). */
  private nextBoundary(current: number, k0: number): number {
    const first = Math.ceil((k0 + 1) / this.everyK) * this.everyK;
    return Number.isNaN(current) || current < first ? first : current;
  }

  segmentEnd(id: string, kEnd: number): void {
    // No signal carries over a gap (the next segmentStart restarts the detector and the EEG
    // history), but a beat just before it is still decided and counted.
    const h = this.heart.get(id);
    if (!h || Number.isNaN(h.nextEmitK)) return;
    for (const p of h.detector.finish()) this.addBeat(h, h.k0 + p);
    h.lastEndK = kEnd;
  }

  samples(id: string, k0: number, n: number, cond: Float64Array, stride: number): void {
    const h = this.heart.get(id);
    const e = this.eegs.get(id);
    // State created while its stream was mid-segment (a stream re-announced with new settings)
    // has seen no segment start: give it one here, or the emission loops below would never end.
    if ((h && Number.isNaN(h.nextEmitK)) || (e && Number.isNaN(e.nextEmitK))) this.segmentStart(id, k0);
    if (h) this.heartSamples(h, k0, n, cond, stride);
    if (e) this.eegSamples(e, k0, n, cond, stride);
  }

  private heartSamples(h: HeartState, k0: number, n: number, cond: Float64Array, stride: number): void {
    // Feed up to each emission boundary, emit, continue: features at a boundary see exactly the
    // samples before it, whatever the chunking.
    let i = 0;
    while (i < n) {
      const upto = Math.min(n, h.nextEmitK - k0);
      const take = upto - i;
      if (take > 0) {
        const peaks = h.detector.push(cond, h.lead * stride + i, take);
        for (const p of peaks) this.addBeat(h, h.k0 + p);
        i += take;
      }
      if (k0 + i === h.nextEmitK) {
        this.emitHeart(h, h.nextEmitK);
        h.nextEmitK += this.everyK;
      }
      if (take <= 0 && k0 + i !== h.nextEmitK) break;
    }
  }

  private addBeat(h: HeartState, k: number): void {
    h.beats.push({ k, segment: h.segment });
    h.fresh.push(k / MODEL_RATE_HZ);
    this.sink.rPeak?.(h.info.id, k / MODEL_RATE_HZ);
  }

  private emitHeart(h: HeartState, k: number): void {
    const oldest = k - this.cfg.features.hrvSpanSec * MODEL_RATE_HZ;
    while (h.beats.length > 0 && h.beats[0].k < oldest) h.beats.shift();
    // The span's successive RR intervals, NaN across a gap (a new segment): NN intervals only
    // count, by the baseline's rule (dsp/rr-intervals.ts), RMSSD over successive NN pairs.
    const series: number[] = [];
    for (let i = 1; i < h.beats.length; i++) {
      const a = h.beats[i - 1];
      const b = h.beats[i];
      series.push(a.segment === b.segment ? ((b.k - a.k) * 1000) / MODEL_RATE_HZ : NaN);
    }
    const normal = normalRrMask(series);
    const rr = series.filter((_, i) => normal[i]);
    const rrLeftOut = series.filter((v, i) => !normal[i] && !Number.isNaN(v)).length;
    const last = rr.slice(-HR_BEATS);
    const heartRateBpm = last.length >= 2 ? 60000 / (last.reduce((s, v) => s + v, 0) / last.length) : NaN;
    const f = nnFigures(series, normal);
    const rmssdMs = f.pairs >= 2 ? f.rmssdMs : NaN;
    this.sink.heart!({ streamId: h.info.id, time: k / MODEL_RATE_HZ, heartRateBpm, rrMs: rr, rrLeftOut, rmssdMs, rPeakTimes: h.fresh });
    h.fresh = [];
  }

  private eegSamples(e: EegState, k0: number, n: number, cond: Float64Array, stride: number): void {
    const L = this.welch.nperseg;
    const step = L - this.welch.noverlap;
    let i = 0;
    while (i < n) {
      const k = k0 + i;
      const segEnd = (Math.floor(k / step) + 1) * step;
      const stop = Math.min(segEnd, e.nextEmitK, k0 + n);
      for (; k0 + i < stop; i++) {
        const at = (k0 + i) % e.cap;
        for (let c = 0; c < e.C; c++) e.ring[c * e.cap + at] = cond[c * stride + i];
      }
      e.held += stop - k;
      if (stop === segEnd && e.held >= L) this.eegSegment(e, segEnd);
      if (stop === e.nextEmitK) {
        this.emitEeg(e, e.nextEmitK);
        e.nextEmitK += this.everyK;
      }
    }
  }

  /** Periodograms of every channel over grid samples [end − nperseg, end), two channels per FFT. */
  private eegSegment(e: EegState, end: number): void {
    const L = this.welch.nperseg;
    const nf = this.welch.freqHz.length;
    if (this.scratch.length < 2 * L) this.scratch = new Float64Array(2 * L);
    const x = this.scratch;
    const out = new Float64Array(e.C * nf);
    const load = (c: number, dst: number) => {
      for (let j = 0; j < L; j++) x[dst + j] = e.ring[c * e.cap + ((end - L + j) % e.cap)];
    };
    for (let c = 0; c < e.C; c += 2) {
      load(c, 0);
      const pair = c + 1 < e.C;
      if (pair) load(c + 1, L);
      this.welch.segmentPair(x, 0, out.subarray(c * nf, (c + 1) * nf), pair ? x : null, L, pair ? out.subarray((c + 1) * nf, (c + 2) * nf) : null);
    }
    const step = L - this.welch.noverlap;
    e.segments.set((end - L) / step, out);
  }

  private emitEeg(e: EegState, k: number): void {
    const L = this.welch.nperseg;
    const step = L - this.welch.noverlap;
    const spanK = Math.max(L, Math.round(this.cfg.features.eegSpanSec * MODEL_RATE_HZ));
    const nf = this.welch.freqHz.length;
    const use: Float64Array[] = [];
    for (const [g, p] of e.segments) {
      const start = g * step;
      if (start < k - spanK) e.segments.delete(g);
      else if (start + L <= k) use.push(p);
    }
    if (use.length === 0) return;
    const mean = new Float64Array(nf);
    const one = new Float64Array(nf);
    const bandPowerOut: number[][] = [];
    for (let c = 0; c < e.C; c++) {
      one.fill(0);
      for (const p of use) for (let f = 0; f < nf; f++) one[f] += p[c * nf + f];
      for (let f = 0; f < nf; f++) {
        one[f] /= use.length;
        mean[f] += one[f] / e.C;
      }
      bandPowerOut.push(EEG_BANDS.map((b) => bandPower(this.welch.freqHz, one, b.lowHz, b.highHz)));
    }
    this.sink.eeg!({
      streamId: e.info.id,
      time: k / MODEL_RATE_HZ,
      channels: e.info.channels.map((c) => c.label),
      bandPower: bandPowerOut,
      spectrum: { freqHz: Float32Array.from(this.welch.freqHz), psd: Float32Array.from(mean) },
    });
  }
}
