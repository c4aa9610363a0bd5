// Baseline features of one window: EEG band power per channel and heart-rate figures from RR
// intervals. Band power comes from the pipeline's Welch PSD and band integration
// (src/shared/dsp/welch.ts), so the baseline sees the same spectra as the live dashboard.
//
// Per channel and band (EEG_BANDS: delta 1–4, theta 4–8, alpha 8–13, beta 13–30, gamma 30–45 Hz)
// two features:
// - log absolute power, log10(µV²): band power spans orders of magnitude between people and
//   channels, and the log makes it roughly Gaussian, which a linear model needs;
// - relative power, band / sum of the five bands (1–45 Hz): cancels overall amplitude (electrode
//   impedance, skull thickness), leaving the spectral shape.
// Heart: mean HR (60 000 / mean RR), RMSSD and SDNN (ms). EEG-only and ECG-only ablations take the
// corresponding subset, so the baseline is compared modality by modality with the fused model.
import { EEG_BANDS } from '../../features.types';
import { NN_NEIGHBOURS, nnFigures, normalRrMask } from '../../dsp/rr-intervals';
import { Welch, bandPower } from '../../dsp/welch';
import { detectRPeaks } from '../../dsp/r-peak';
import type { SyncWindow } from '../../window.types';
import { BaselineError, BaselineErrorCode, type BaselineModality, type FeatureMatrix, type HeartRateFeatures } from './baseline.types';

/** Absolute band power below this (µV²) is floored before the log: a flat (disconnected) channel stays finite. */
export const MIN_BAND_POWER_UV2 = 1e-12;
/** Welch segment length target: 2 s, the usual choice for 1 Hz resolution of the delta band edge. */
export const WELCH_SEGMENT_S = 2;

/** Welch segment length: the largest power of two (our FFT's size) ≤ 2 s of samples and ≤ the window. */
export function welchSegmentLength(sampleRateHz: number, samples: number): number {
  const target = Math.min(samples, Math.round(WELCH_SEGMENT_S * sampleRateHz));
  if (target < 8) throw new BaselineError(BaselineErrorCode.BadSignal, `a ${samples}-sample window at ${sampleRateHz} Hz is too short for band power`);
  return 2 ** Math.floor(Math.log2(target));
}

/**
 * Band power features of a multichannel EEG window: for each channel, the five log10 absolute
 * band powers then the five relative powers. `channels` are planar, in µV.
 */
export function eegBandFeatures(channels: ArrayLike<number>[], sampleRateHz: number): Float64Array {
  if (channels.length === 0) throw new BaselineError(BaselineErrorCode.BadSignal, 'no EEG channels');
  const n = channels[0].length;
  if (channels.some((c) => c.length !== n)) throw new BaselineError(BaselineErrorCode.BadSignal, 'EEG channels of different lengths');
  if (!(sampleRateHz > 2 * EEG_BANDS[EEG_BANDS.length - 1].highHz)) {
    throw new BaselineError(BaselineErrorCode.BadSignal, `${sampleRateHz} Hz cannot resolve the ${EEG_BANDS[EEG_BANDS.length - 1].highHz} Hz band edge`);
  }
  const welch = new Welch(sampleRateHz, welchSegmentLength(sampleRateHz, n));
  const B = EEG_BANDS.length;
  const out = new Float64Array(channels.length * 2 * B);
  channels.forEach((x, c) => {
    for (let i = 0; i < n; i++) if (!Number.isFinite(x[i])) throw new BaselineError(BaselineErrorCode.BadSignal, `EEG channel ${c} sample ${i} is ${x[i]}`);
    const { freqHz, psd } = welch.psd(x);
    const powers = EEG_BANDS.map((b) => bandPower(freqHz, psd, b.lowHz, b.highHz));
    const total = powers.reduce((a, p) => a + p, 0);
    powers.forEach((p, k) => {
      out[c * 2 * B + k] = Math.log10(Math.max(p, MIN_BAND_POWER_UV2));
      out[c * 2 * B + B + k] = total > 0 ? p / total : 0;
    });
  });
  return out;
}

/** Feature names in eegBandFeatures' order: "<channel>:<band>:log" and "<channel>:<band>:rel". */
export function eegBandFeatureNames(channelLabels: readonly string[]): string[] {
  return channelLabels.flatMap((ch) => [...EEG_BANDS.map((b) => `${ch}:${b.name}:log`), ...EEG_BANDS.map((b) => `${ch}:${b.name}:rel`)]);
}

export const HEART_FEATURE_NAMES = ['heart:mean_hr_bpm', 'heart:rmssd_ms', 'heart:sdnn_ms'] as const;

/**
 * Heart figures from a window's successive normal-to-normal (NN) RR intervals (ms), NaN where an
 * interval is not normal (as `rrIntervalsInSpan` and `rrIntervalsFromEcg` mark them, by the
 * dashboard's rule: dsp/rr-intervals.ts). Mean HR is 60 000 / mean NN — the rate of the beats
 * counted, not the mean of instantaneous rates. RMSSD is over successive NN pairs (a NaN between
 * two intervals breaks their pair), SDNN the sample sd (n − 1) of the NN intervals; without a
 * pair, or with fewer than two intervals, they are NaN (imputed later by the standardiser from the
 * training fold).
 */
export function heartRateFeatures(rrMs: ArrayLike<number>): HeartRateFeatures {
  const n = rrMs.length;
  const normal = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(rrMs[i])) continue;
    if (!(rrMs[i] > 0) || !Number.isFinite(rrMs[i])) throw new BaselineError(BaselineErrorCode.BadSignal, `RR interval ${i} is ${rrMs[i]} ms`);
    normal[i] = 1;
  }
  const f = nnFigures(rrMs, normal);
  return { meanHrBpm: 60000 / f.meanNnMs, rmssdMs: f.rmssdMs, sdnnMs: f.sdnnMs };
}

/** RR intervals (ms) from R-peak sample indices at `sampleRateHz`. */
export function rrIntervalsMs(peakSamples: ArrayLike<number>, sampleRateHz: number): Float64Array {
  const out = new Float64Array(Math.max(0, peakSamples.length - 1));
  for (let i = 1; i < peakSamples.length; i++) out[i - 1] = ((peakSamples[i] - peakSamples[i - 1]) * 1000) / sampleRateHz;
  return out;
}

/** What one window offers the baseline: EEG (planar µV) and/or the RR intervals inside it. */
export interface BaselineWindow {
  eeg?: { channels: ArrayLike<number>[]; sampleRateHz: number };
  /** Successive RR intervals (ms) inside the window, NaN where one is not normal-to-normal (`heartRateFeatures`). */
  rrMs?: ArrayLike<number>;
}

/** Column names of the baseline feature matrix for a modality. */
export function baselineFeatureNames(modality: BaselineModality, eegChannelLabels: readonly string[]): string[] {
  return [...(modality === 'ecg' ? [] : eegBandFeatureNames(eegChannelLabels)), ...(modality === 'eeg' ? [] : HEART_FEATURE_NAMES)];
}

/**
 * Builds the feature matrix of many windows for one modality: EEG band features (fused, eeg)
 * then heart features (fused, ecg). Every window must carry what the modality needs.
 */
export function baselineFeatureMatrix(windows: readonly BaselineWindow[], modality: BaselineModality, eegChannelLabels: readonly string[]): FeatureMatrix {
  const names = baselineFeatureNames(modality, eegChannelLabels);
  const d = names.length;
  const data = new Float64Array(windows.length * d);
  windows.forEach((w, i) => {
    let o = i * d;
    if (modality !== 'ecg') {
      if (!w.eeg) throw new BaselineError(BaselineErrorCode.BadShape, `window ${i} has no EEG for the ${modality} baseline`);
      if (w.eeg.channels.length !== eegChannelLabels.length) throw new BaselineError(BaselineErrorCode.BadShape, `window ${i} has ${w.eeg.channels.length} EEG channels, expected ${eegChannelLabels.length}`);
      const f = eegBandFeatures(w.eeg.channels, w.eeg.sampleRateHz);
      data.set(f, o);
      o += f.length;
    }
    if (modality !== 'eeg') {
      if (!w.rrMs) throw new BaselineError(BaselineErrorCode.BadShape, `window ${i} has no RR intervals for the ${modality} baseline`);
      const h = heartRateFeatures(w.rrMs);
      data[o] = h.meanHrBpm;
      data[o + 1] = h.rmssdMs;
      data[o + 2] = h.sdnnMs;
    }
  });
  return { rows: windows.length, cols: d, data, names };
}

/** `rr` with each interval that `normalRrMask` does not keep set to NaN. */
function markNonNormal(rr: Float64Array, normal: Uint8Array): Float64Array {
  for (let i = 0; i < rr.length; i++) if (!normal[i]) rr[i] = NaN;
  return rr;
}

/**
 * Successive RR intervals (ms) of an ECG lead, R peaks found by the pipeline's detector
 * (src/shared/dsp/r-peak, Pan–Tompkins); NaN where an interval is not normal-to-normal
 * (`normalRrMask`, as the live pipeline judges them).
 */
export function rrIntervalsFromEcg(ecg: ArrayLike<number>, sampleRateHz: number): Float64Array {
  const rr = rrIntervalsMs(detectRPeaks(ecg, sampleRateHz), sampleRateHz);
  return markNonNormal(rr, normalRrMask(rr));
}

/** Index of the first time in `t` (ascending) that is ≥ x. */
function lowerBound(t: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Successive RR intervals (ms) between consecutive R peaks (times in s, ascending) that both fall
 * in [start, end); NaN where an interval is not normal-to-normal (`normalRrMask`), judged, as the
 * live pipeline judges it, against its neighbours in the whole recording (up to NN_NEIGHBOURS
 * beyond the window on each side), not the window's few alone.
 */
export function rrIntervalsInSpan(rPeakTimes: ArrayLike<number>, start: number, end: number): Float64Array {
  const first = lowerBound(rPeakTimes, start);
  const last = lowerBound(rPeakTimes, end); // one past the window's last peak
  if (last - first < 2) return new Float64Array(0);
  const from = Math.max(0, first - NN_NEIGHBOURS);
  const to = Math.min(rPeakTimes.length, last + NN_NEIGHBOURS);
  const rr = new Float64Array(to - from - 1);
  for (let i = from + 1; i < to; i++) rr[i - from - 1] = (rPeakTimes[i] - rPeakTimes[i - 1]) * 1000;
  const normal = normalRrMask(rr);
  // Interval j of `rr` ends at peak from + 1 + j: the window's run from first + 1 to last − 1.
  return markNonNormal(rr, normal).slice(first - from, last - 1 - from);
}

/**
 * A pipeline window (SyncWindow) as baseline input: its EEG block as planar channels and its RR
 * intervals. Pass `rPeakTimes` (host s, from the continuous recording: RecordingWindows.rPeakTimes,
 * or the live HeartFeatures) to take the beats inside the window; without them the window's own
 * ECG lead `ecgLead` is searched, which misses or doubles beats while the detector learns its
 * thresholds (its first 2 s). Absent modalities are left out.
 */
export function baselineWindowFromSync(w: SyncWindow, opts: { rPeakTimes?: ArrayLike<number>; ecgLead?: number } = {}): BaselineWindow {
  const out: BaselineWindow = {};
  const n = w.samples;
  if (w.eeg.present) out.eeg = { channels: w.eeg.channels.map((_, c) => w.eeg.data.subarray(c * n, (c + 1) * n)), sampleRateHz: w.rateHz };
  if (w.ecg.present) {
    if (opts.rPeakTimes) {
      out.rrMs = rrIntervalsInSpan(opts.rPeakTimes, w.startTime, w.startTime + n / w.rateHz);
    } else {
      const lead = opts.ecgLead ?? 0;
      if (lead < 0 || lead >= w.ecg.channels.length) throw new BaselineError(BaselineErrorCode.BadShape, `ECG lead ${lead} of a window with ${w.ecg.channels.length} leads`);
      out.rrMs = rrIntervalsFromEcg(w.ecg.data.subarray(lead * n, (lead + 1) * n), w.rateHz);
    }
  }
  return out;
}
