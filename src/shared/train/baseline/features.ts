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
import { EEG_BANDS, RR_MAX_MS, RR_MIN_MS } from '../../features.types';
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
 * Heart figures from RR intervals (ms). Mean HR is 60 000 / mean RR — the rate of the beats
 * counted, not the mean of instantaneous rates. RMSSD and SDNN (sample sd, n − 1) need two
 * intervals; with fewer they are NaN (imputed later by the standardiser from the training fold).
 */
export function heartRateFeatures(rrMs: ArrayLike<number>): HeartRateFeatures {
  const n = rrMs.length;
  for (let i = 0; i < n; i++) if (!(rrMs[i] > 0) || !Number.isFinite(rrMs[i])) throw new BaselineError(BaselineErrorCode.BadSignal, `RR interval ${i} is ${rrMs[i]} ms`);
  if (n === 0) return { meanHrBpm: NaN, rmssdMs: NaN, sdnnMs: NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += rrMs[i];
  const mean = sum / n;
  if (n < 2) return { meanHrBpm: 60000 / mean, rmssdMs: NaN, sdnnMs: NaN };
  let sq = 0;
  let dev = 0;
  for (let i = 0; i < n; i++) {
    dev += (rrMs[i] - mean) ** 2;
    if (i > 0) sq += (rrMs[i] - rrMs[i - 1]) ** 2;
  }
  return { meanHrBpm: 60000 / mean, rmssdMs: Math.sqrt(sq / (n - 1)), sdnnMs: Math.sqrt(dev / (n - 1)) };
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

/**
 * RR intervals (ms) of an ECG lead, R peaks found by the pipeline's detector (src/shared/dsp/r-peak,
 * Pan–Tompkins); intervals outside [RR_MIN_MS, RR_MAX_MS] are dropped, as the live pipeline does.
 */
export function rrIntervalsFromEcg(ecg: ArrayLike<number>, sampleRateHz: number): Float64Array {
  const rr = rrIntervalsMs(detectRPeaks(ecg, sampleRateHz), sampleRateHz);
  return rr.filter((v) => v >= RR_MIN_MS && v <= RR_MAX_MS);
}

/** RR intervals (ms) between consecutive R peaks (times in s, ascending) that both fall in [start, end); outside [RR_MIN_MS, RR_MAX_MS] dropped. */
export function rrIntervalsInSpan(rPeakTimes: ArrayLike<number>, start: number, end: number): Float64Array {
  const out: number[] = [];
  let prev = NaN;
  for (let i = 0; i < rPeakTimes.length; i++) {
    const t = rPeakTimes[i];
    if (t < start) continue;
    if (t >= end) break;
    const rr = (t - prev) * 1000;
    if (rr >= RR_MIN_MS && rr <= RR_MAX_MS) out.push(rr);
    prev = t;
  }
  return Float64Array.from(out);
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
