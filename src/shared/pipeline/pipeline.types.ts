// Configuration and events of the live/replay pipeline (src/shared/pipeline/pipeline.ts).
// Everything here is plain data, so a configuration can be stored with a recording and restored
// for replay ("the filter settings in force").
import type { DeviceProblemCode } from '../device.types';
import type { EegFeatures, HeartFeatures, QualityReport } from '../features.types';
import type { Gap, Modality, SampleChunk, StreamInfo } from '../stream.types';
import type { ConditionedBlock, SyncWindow } from '../window.types';
import type { ClockModelOptions, ClockEstimate } from './clock-model';
import type { ResampleKernelOptions } from '../dsp/resampler';

/** Causal conditioning of one modality at the model rate (after resampling). */
export interface FilterConfig {
  /** High-pass edge (Hz); null for none. */
  highpassHz: number | null;
  /** Low-pass edge (Hz); null for none. Must stay below 100 Hz (Nyquist at 200 Hz). */
  lowpassHz: number | null;
  /** Butterworth order per edge (a band-pass of order n has 2n poles, as in scipy). */
  order: number;
  /** Mains notches (Hz), e.g. [50] or [60]; [] for none. */
  notchHz: number[];
  notchQ: number;
}

export type MontageSpec =
  /** 19-channel 10-20 order of MODEL.md when every one of the 19 is present, else 'device'. */
  | 'auto'
  /** Every channel of every stream of the modality, streams in id order, channels as delivered. */
  | 'device'
  /** Exactly these labels in this order (matched case-insensitively, with 10-20 aliases). */
  | string[];

export interface WindowConfig {
  /** Window length (s); length × 200 must be a whole number of samples. */
  lengthSec: number;
  /** Hop between window starts (s); starts are multiples of it on the host clock. */
  hopSec: number;
  /**
   * How long past a window's end the host-time frontier may run before the window is emitted
   * without a modality that has not delivered (marked absent, reason 'gap').
   */
  allowanceSec: number;
  eegMontage: MontageSpec;
  ecgMontage: MontageSpec;
}

export interface QualityConfig {
  /** Mains frequency for the line-noise ratio (Hz). */
  mainsHz: number;
  /** Conditioned RMS below this (µV) is a flat line. */
  flatRmsUv: { eeg: number; ecg: number };
  /** Conditioned RMS or peak above these (µV) is implausible for a body. */
  maxRmsUv: { eeg: number; ecg: number };
  maxAbsUv: { eeg: number; ecg: number };
  /** Fraction of samples at the rails (|x| ≥ 0.98 · ChannelInfo.rangeUv, or pinned at the extreme) that makes a channel railed. */
  railedFraction: number;
  /** Line-noise ratio above which the channel is flagged. */
  lineNoiseRatio: number;
}

export interface FeatureConfig {
  enabled: boolean;
  /** Span of conditioned EEG for band power and spectrum (s). */
  eegSpanSec: number;
  /** Welch segment length (samples at 200 Hz, power of two). */
  eegNperseg: number;
  /** RR intervals kept for heart rate and RMSSD (s of history). */
  hrvSpanSec: number;
  /** Feature cadence (s): features are emitted each time the conditioned frontier crosses a multiple of it. */
  everySec: number;
}

export interface PipelineConfig {
  filters: Record<Modality, FilterConfig>;
  window: WindowConfig;
  quality: QualityConfig;
  features: FeatureConfig;
  clock: ClockModelOptions;
  resampler: Required<ResampleKernelOptions>;
  /** After each segment start (first data, or after a gap), this long is marked 'warming-up' (filters settling). */
  warmUpSec: number;
  /** A device-time discontinuity larger than this many sample periods is a gap. */
  gapToleranceSamples: number;
  /** Relative tolerance on the sample period when checking chunk continuity (real devices are off nominal by up to ~2 %). */
  rateTolerance: number;
  /** Gaps longer than this (s) are reported as 'time-jump' rather than 'packet-loss'. */
  maxPacketLossSec: number;
  /** A chunk arriving this much EARLIER (s) than the clock model allows means the device clock jumped ahead. */
  clockJumpToleranceSec: number;
  /** A chunk starting this far (s) before the previous one ended is a device clock reset, not an overlap. */
  clockResetBackwardsSec: number;
  /** After a gap, a chunk arriving this much LATER (s) than its device time implies means the device clock paused. */
  maxDelaySec: number;
}

/** A problem the pipeline found in a stream's data; the hub turns it into a DeviceProblem and a log line. */
export interface PipelineProblem {
  streamId: string;
  deviceId: string;
  code: DeviceProblemCode;
  message: string;
  /** Host time (s): the arrival time of the chunk that showed it. */
  time: number;
  /** Whether the chunk was dropped (true) or passed on after repair (false). */
  dropped: boolean;
}

/** Per-stream state for the device panel and the recorder's stream table. */
export interface StreamClockState {
  streamId: string;
  clock: ClockEstimate;
  /** Effective sample rate on the device clock (Hz), estimated from chunk timestamps. */
  deviceRateHz: number;
  /** Host time of the last conditioned sample (s), NaN before any. */
  conditionedUpTo: number;
  segments: number;
  gaps: number;
}

/** Everything the pipeline emits. All callbacks are synchronous and optional. */
export interface PipelineEvents {
  /** A chunk after validation (repaired or unchanged), in arrival order: the recorder's feed. */
  accepted?(chunk: SampleChunk, info: StreamInfo): void;
  problem?(problem: PipelineProblem): void;
  /** A gap detected in the data (lost packets, clock jump). Gaps a source announces are not echoed. */
  gap?(gap: Gap): void;
  conditioned?(block: ConditionedBlock): void;
  /** Asked before each conditioned block is built; false skips building it (nobody is drawing traces). */
  wantsConditioned?(): boolean;
  window?(window: SyncWindow): void;
  heart?(features: HeartFeatures): void;
  eeg?(features: EegFeatures): void;
  quality?(report: QualityReport): void;
}
