// Synchronised EEG+ECG windows: the unit the models consume.
import type { Modality } from './stream.types';

/** Model rate for both modalities (CBraMod: 1-second patches of 200 samples). */
export const MODEL_RATE_HZ = 200;

export type QualityFlag =
  | 'flat' // no variation: electrode off or a dead channel
  | 'railed' // samples pinned at the amplifier's limit
  | 'line-noise' // 50/60 Hz power dominates
  | 'implausible' // amplitude outside what a body produces
  | 'no-qrs' // ECG without a QRS to be seen: noise on a dead or unattached lead (dsp/quality.ts)
  | 'missing'; // samples lost in this span

export interface ChannelQuality {
  label: string;
  /** 0 (unusable) … 1 (clean). */
  score: number;
  flags: QualityFlag[];
  /** RMS of the conditioned signal, µV. */
  rmsUv: number;
  /** Power at the mains frequency ±1 Hz over power 1–45 Hz (at `lineNoiseHz` when that is given). */
  lineNoiseRatio: number;
  /**
   * Set when the hum is at the other mains frequency than the one configured (60 Hz while the
   * mains is set to 50, or the reverse): flagged 'line-noise', the ratio is the power there. The
   * notch misses such hum; the mains setting is wrong for where this is recorded. Absent otherwise.
   */
  lineNoiseHz?: number;
  /**
   * ECG only: the steepest slopes over the typical one (second-largest per-second peak |slope| over
   * the median |slope|, the whole window's), the evidence of a QRS; below the thresholds of
   * dsp/quality.ts the lead is flagged 'no-qrs'. Absent for EEG and for windows under 4 s.
   */
  qrsRatio?: number;
  /**
   * Milliseconds of the span judged (the window, or a quality report's newest hop) that a short
   * packet loss left to linear interpolation (PipelineConfig.bridgeMaxSec); absent when none.
   */
  bridgedMs?: number;
}

/**
 * 'no-device': no stream of the modality. 'gap': a feeding stream lacks samples of the window (lost,
 * stalled, late). 'starting': a feeding stream began after the window's start (app start, a device
 * connecting, a stream announced anew): nothing lost, the stream had not begun. 'warming-up': the
 * window overlaps the first second of a segment (filters settling). 'bad-quality': every channel
 * flat, railed or missing, or an ECG lead without a QRS ('no-qrs').
 */
export type AbsentReason = 'no-device' | 'gap' | 'starting' | 'warming-up' | 'bad-quality';

export interface ModalityBlock {
  modality: Exclude<Modality, 'other'>;
  present: boolean;
  /** Why the modality is absent (only when present is false). */
  absentReason?: AbsentReason;
  /** Channel labels in montage order. */
  channels: string[];
  /** Planar [channels × samples] in µV at MODEL_RATE_HZ; empty when absent. */
  data: Float32Array;
  quality: ChannelQuality[];
  /** Streams that fed this block. */
  streamIds: string[];
}

export interface SyncWindow {
  /** Increments by one per emitted window. */
  seq: number;
  /** Host time (s) of the first sample; a multiple of the hop. */
  startTime: number;
  rateHz: number;
  /** Samples per channel = length × rate. */
  samples: number;
  eeg: ModalityBlock;
  ecg: ModalityBlock;
}

/**
 * One stream after clock alignment, filtering and resampling: MODEL_RATE_HZ samples on the host
 * clock grid (sample k is at startTime + k / rateHz, and startTime is a multiple of 1 / rateHz).
 * This is what the live traces draw and what windows are cut from.
 */
export interface ConditionedBlock {
  streamId: string;
  modality: Modality;
  channels: string[];
  startTime: number;
  rateHz: number;
  count: number;
  /** Planar [channels × count], µV. */
  data: Float32Array;
}
