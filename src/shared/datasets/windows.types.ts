// Windowed datasets for offline training: where the samples come from (a recording fed through
// the live pipeline), how windows get labels, and what a built dataset holds.
import type { Gap, SampleChunk, StreamInfo } from '../stream.types';
import type { MontageSpec } from '../pipeline/pipeline.types';
import type { ModelModality, TaskSpec } from '../model/model.types';
import type { ImportedRecording } from '../formats/recording.types';

/** What a recording hands the pipeline, in arrival order (as a device or a replay would). */
export type FeedEvent =
  | { kind: 'streams'; deviceId: string; streams: StreamInfo[] }
  | { kind: 'chunk'; chunk: SampleChunk }
  | { kind: 'gap'; gap: Gap }
  /** The device has delivered everything it has (removed, or the recording's end): the pipeline flushes its streams (endOfData). */
  | { kind: 'end'; deviceId: string };

/** A labelled span: an EDF+ annotation, a session marker. Times on the same clock as the feed. */
export interface TimedLabel {
  /** Host time (s). */
  onset: number;
  /** Seconds; 0 = an instant (a marker that starts a condition lasting until the next one). */
  duration: number;
  label: string;
}

/** A Self-Assessment Manikin report (SAM 1–9 in sessions, 1–5 in DREAMER). */
export interface TimedSelfReport {
  time: number;
  valence: number;
  arousal: number;
  dominance: number;
}

/**
 * One recording as a dataset source: an imported file (replayed through the pipeline by
 * recording-windows.ts) or a recorded session (its stored chunks fed in their recorded order).
 */
export interface RecordingSource {
  /** Unique within the dataset: file name or 'session:<id>'. */
  id: string;
  /** Whose recording it is: splits never put one subject in train and test. */
  subject: string;
  input:
    | { kind: 'file'; recording: ImportedRecording }
    | {
        kind: 'feed';
        events(): Iterable<FeedEvent> | AsyncIterable<FeedEvent>;
        /** Host time (s) window start times are reported from (the session's start). */
        zeroTime: number;
      };
  /** Annotations/markers; onsets on the file's time axis (file) or host times (feed). */
  annotations: TimedLabel[];
  /** Self-reports; times as for annotations. */
  selfReports: TimedSelfReport[];
  /** A label for the whole recording (EEGMAT: 'rest' / 'arithmetic'), a class name of the task. */
  fileLabel: string | null;
}

/** How windows get their class. Class names must be the task's. */
export type LabelSource =
  /** Every window takes the recording's fileLabel (EEGMAT rest/arithmetic, DREAMER clip ratings). */
  | { kind: 'file' }
  /**
   * Annotations or markers: `classes` maps an annotation text (case-insensitive) to a class name. A
   * window takes a class when spans of that class cover at least `minCoverage` of it (default 0.5).
   */
  | { kind: 'annotations'; classes: Record<string, string>; minCoverage?: number }
  /**
   * Self-reports: a report rates the `horizonSec` before it (default 120 s, never past the previous
   * report); score ≥ threshold is the task's positive class.
   */
  | { kind: 'self-report'; dimension: 'valence' | 'arousal' | 'dominance'; threshold: number; horizonSec?: number }
  /** Unlabelled (pretraining corpora). */
  | { kind: 'none' };

export interface WindowingOptions {
  /** Window length and hop (s); CBraMod's EEGMAT windows are 5 s, non-overlapping. */
  windowSec: number;
  hopSec: number;
  eegMontage: MontageSpec;
  ecgMontage: MontageSpec;
  /** Mains frequency for the notch (Hz). */
  mainsHz: number;
  /** Modalities whose blocks are kept. */
  modalities: ModelModality[];
  /** 'all': a window needs every modality above present; 'any': at least one. */
  require: 'all' | 'any';
}

export interface LabelledWindow {
  recording: string;
  subject: string;
  /** Seconds from the recording's start (file: its time zero; session: its start time). */
  start: number;
  /** Class index in the dataset's task; null when the label source gives none for this window. */
  label: number | null;
  /** Planar [channels × samples] in µV at 200 Hz, montage order; null when absent. */
  eeg: Float32Array | null;
  ecg: Float32Array | null;
  eegChannels: string[];
  ecgChannels: string[];
  /** Successive RR intervals (ms) between R peaks the pipeline found inside the window; NaN where one is not normal-to-normal (`rrIntervalsInSpan`). */
  rrMs: Float64Array;
}

export interface RecordingReport {
  id: string;
  subject: string;
  windows: number;
  /** Windows not kept, by reason ('eeg:bad-quality', 'ecg:gap', …). */
  dropped: Record<string, number>;
  /** Kept windows without a label. */
  unlabelled: number;
  /** Pipeline problems and anything else worth reading. */
  warnings: string[];
  /** Channels of a montage given by name that this recording lacks (zeros in its windows; also in warnings). */
  montageMissing?: string[];
}

export interface WindowDataset {
  name: string;
  /** The task labels refer to; null for an unlabelled corpus. */
  task: TaskSpec | null;
  rateHz: number;
  windowSec: number;
  hopSec: number;
  windows: LabelledWindow[];
  recordings: RecordingReport[];
}
