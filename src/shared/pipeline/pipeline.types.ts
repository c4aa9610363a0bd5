// Configuration and events of the live/replay pipeline (src/shared/pipeline/pipeline.ts).
// Everything here is plain data, so a configuration can be stored with a recording and restored
// for replay ("the filter settings in force").
import type { DeviceProblemCode } from '../device.types';
import type { EegFeatures, HeartFeatures, QualityReport } from '../features.types';
import type { Gap, Modality, SampleChunk, StreamInfo } from '../stream.types';
import type { ConditionedBlock, SyncWindow } from '../window.types';
import type { ClockModelOptions, ClockEstimate } from './clock-model';
import type { ResampleKernelOptions } from '../dsp/resampler';
import type { ResamplerState } from '../dsp/dsp.types';

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
  /**
   * Packet losses of at most this long (s of missing samples on the device clock) are bridged: the
   * missing samples are filled by linear interpolation on the device's sample grid and the segment
   * goes on (no filter restart, no warm-up). The gap is still detected and reported. 0: never
   * bridged (every loss starts a new segment). A configuration stored before bridging existed reads
   * as 0 (`recordedPipelineConfig`).
   */
  bridgeMaxSec: number;
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
  /** Heart and EEG features are computed only for the listeners given here (see makeFeatures). */
  heart?(features: HeartFeatures): void;
  /**
   * Each R peak as soon as the detector decides it (host s), for the ECG trace's markers: ~0.2 s
   * after the beat instead of waiting up to `everySec` for the next heart features, which carry it
   * too. Needs `heart`.
   */
  rPeak?(streamId: string, time: number): void;
  eeg?(features: EegFeatures): void;
  quality?(report: QualityReport): void;
}

// ── Pipeline snapshots (pipeline-snapshot.ts) ─────────────────────────────────────────────────

/**
 * A pipeline's state captured between two calls (`Pipeline.snapshot()`), as stored with a
 * recording so that a replay can seek without replaying the whole session: `bytes` restore into a
 * pipeline (`Pipeline.restore`) whose output for the calls that follow is the original's, bit for
 * bit, for every window starting at or after `windowsFrom`.
 */
export interface PipelineSnapshot {
  /** The encoded snapshot (binary, versioned, checksummed). */
  bytes: Uint8Array;
  /** Host-time frontier when it was taken (the latest chunk arrival seen, s; -Infinity before any). */
  hostTime: number;
  /**
   * Windows starting at or after this host time (s) come out identical after a restore; earlier
   * ones needed samples from before the snapshot and are not emitted by a restored pipeline.
   * -Infinity when no stream had delivered anything yet (every window is reproducible).
   */
  windowsFrom: number;
  /** The streams it holds, in the pipeline's order. */
  streamIds: string[];
}

export interface RestoreOptions {
  /**
   * The id this pipeline gives a stream the snapshot holds under `snapshotId` (a replay prefixes
   * the recorded ids). Default: the same id.
   */
  streamId?(snapshotId: string): string;
  /**
   * Host time (s) from which the caller wants output (a replay's seek target). Windows ending before
   * it are not cut, nor their quality statistics gathered, and features start FEATURE_LEAD_SEC
   * before it: re-feeding from the snapshot to the target then costs about half as much. What comes
   * out from it on is unchanged. Default: everything from the snapshot on.
   */
  outputFrom?: number;
}

export type PipelineSnapshotErrorCode =
  /** Fewer bytes than the layout needs. */
  | 'truncated'
  /** Not a pipeline snapshot at all. */
  | 'bad-magic'
  /** Written by another snapshot version. */
  | 'unsupported-version'
  /** Checksum or contents inconsistent. */
  | 'corrupt'
  /** Taken under another pipeline configuration. */
  | 'config-mismatch'
  /** A stream of the snapshot is missing here or has another layout (channels, rate, modality). */
  | 'stream-mismatch'
  /** snapshot()/restore() called from inside a pipeline callback (mid-chunk, not between calls). */
  | 'busy';

/** The state of one ClockModel. */
export interface ClockModelState {
  xRef: number;
  yRef: number;
  anchored: boolean;
  a: number;
  c: number;
  xA: number;
  driftEstimated: boolean;
  bx: Float64Array;
  bz: Float64Array;
  /** Bucket indices where a new device time base begins (ClockModel.newTimeBase); empty: one. */
  segStarts: number[];
  curBucket: number;
  curX: number;
  curZ: number;
  lastX: number;
  nObs: number;
  nResets: number;
  /** The first min(recentN, ring size) entries of the residual ring. */
  recent: Float64Array;
  recentN: number;
  sinceDriftFit: number;
}

/** The state of one StreamConditioner: device time-base, continuity, clock model, resampler, filters. */
export interface ConditionerState {
  period: number;
  sumDd: number;
  sumDj: number;
  d0Sum: number;
  d0W: number;
  d0: number;
  segActive: boolean;
  segIndex: number;
  lastStart: number;
  lastCount: number;
  lastDevEnd: number;
  lastHost: number;
  filterPrimed: boolean;
  nextK: number;
  lastK: number;
  nSegments: number;
  nGaps: number;
  /** Last finite value per channel (NaN repair). */
  hold: Float64Array;
  clock: ClockModelState;
  resampler: ResamplerState;
  /** Filter bank state ([channel][section][2]); null when the modality is not filtered. */
  filter: Float64Array | null;
}

/** The windower's scalar state for one stream (its sample ring and block statistics are not kept). */
export interface WindowerStreamState {
  nextK: number;
  segments: { k0: number; kEnd: number; warmEnd: number }[];
  /** Bridged stretches (fractional grid indices, [from, to)) that future windows may still overlap. */
  bridges: { from: number; to: number }[];
}

/** A decoded snapshot. */
export interface PipelineState {
  configHash: number;
  frontier: number;
  windowsFromK: number;
  windower: { nextStartK: number; frontierK: number };
  streams: {
    id: string;
    layoutHash: number;
    channels: number;
    conditioner: ConditionerState;
    /** Null when the windower had no buffer for it. */
    windower: WindowerStreamState | null;
  }[];
}
