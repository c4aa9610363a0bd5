// What the dashboard shows beside the traces: heart, EEG bands, spectra, signal quality.
import type { ChannelQuality } from './window.types';

/** Heart rate is 60 000 / the mean of this many latest NN intervals (pipeline/features.ts). */
export const HR_BEATS = 8;

export interface HeartFeatures {
  streamId: string;
  /** Host time (s) the figures refer to (end of the analysed span). */
  time: number;
  /** Beats per minute over the last HR_BEATS normal-to-normal (NN) RR intervals; NaN until enough beats. */
  heartRateBpm: number;
  /**
   * Recent NN intervals, ms, oldest first: the RR intervals `normalRrMask` (dsp/rr-intervals.ts)
   * keeps, the baseline's rule too; an interval off the range or off its neighbours' median
   * (a false, missed or ectopic beat) is left out.
   */
  rrMs: number[];
  /**
   * RR intervals of the same span left out of `rrMs` as not normal (off 250–2500 ms, or more than
   * 20 % off their neighbours' median: a false, missed or ectopic beat). An interval across a gap
   * (a new segment) is not known, not counted here.
   */
  rrLeftOut: number;
  /** Root mean square of the differences of successive NN intervals, ms (short-term HRV). */
  rmssdMs: number;
  /** Host times (s) of R peaks detected in the latest span, for marking the ECG trace. */
  rPeakTimes: number[];
}

export const EEG_BANDS = [
  { name: 'delta', lowHz: 1, highHz: 4 },
  { name: 'theta', lowHz: 4, highHz: 8 },
  { name: 'alpha', lowHz: 8, highHz: 13 },
  { name: 'beta', lowHz: 13, highHz: 30 },
  { name: 'gamma', lowHz: 30, highHz: 45 },
] as const;

export interface EegFeatures {
  streamId: string;
  time: number;
  channels: string[];
  /** Absolute band power per channel, µV², indexed [channel][band] in EEG_BANDS order. */
  bandPower: number[][];
  /** Power spectral density averaged over channels: frequencies (Hz) and µV²/Hz. */
  spectrum: { freqHz: Float32Array; psd: Float32Array };
}

/**
 * A stream's signal quality now, one per window (the dashboard's indicators). Flat, railed,
 * implausible, missing and rmsUv judge the window's newest hop (at least 1 s: the data new since the
 * previous report); the line-noise ratio the whole window. A window's own quality judges all of it.
 */
export interface QualityReport {
  streamId: string;
  /** Host time (s) of the end of the window it came with. */
  time: number;
  channels: ChannelQuality[];
}
