// A training job as plain data: what the CLI and the Training view start, what a run folder's
// config.json holds, and the status the runner keeps. A job runs in phases (build datasets →
// pretrain ECG → pretrain EEG → evaluate → final fit → export); each finished phase is recorded,
// so a resumed job skips it.
import type { TaskSpec } from '../model/model.types';
import type { LabelSource, WindowingOptions } from '../datasets/windows.types';
import type { DreamerDimension } from '../datasets/datasets.types';
import type { EvaluationConfig, EvaluationReport, FinetuneConfig, PretrainConfig, RunKind, RunProgress, RunState } from './train.types';

/** Per-recording exceptions to the dataset's windowing. */
export interface SourceOverrides {
  /** The country's mains where the recording was made (US 60 Hz, Europe 50 Hz). */
  mainsHz?: number;
  /** Channels (and order) of this recording's ECG / EEG blocks, e.g. the 12 standard leads of a 15-lead file. */
  ecgMontage?: string[];
  eegMontage?: string[];
}

/**
 * Where a dataset's recordings come from. Paths are on the machine that runs the job. `mainsHz`
 * overrides the dataset's notch for a recording made where the mains differ (US 60 Hz, Europe 50 Hz).
 */
export type SourceSpec =
  /** One recording file (EDF/BDF, WFDB .hea, XDF). Subject: given, else the file's patient code, else its name. */
  | ({ kind: 'file'; path: string; subject?: string; label?: string } & SourceOverrides)
  /** Every recording in a folder (EDF/BDF/XDF/WFDB headers), one subject per file unless given. */
  | ({ kind: 'folder'; dir: string; subject?: string; label?: string } & SourceOverrides)
  /** The PhysioNet EEGMAT files in a folder (SubjectNN_1/2.edf), labelled rest / arithmetic. */
  | { kind: 'eegmat'; dir: string; subjects?: string[] }
  /** A recorded session from the app's database. */
  | { kind: 'session'; id: number; subject?: string }
  /** DREAMER.mat (users bring their own): one recording per subject × clip, labelled by the clip's rating. */
  | { kind: 'dreamer'; path: string; dimension: DreamerDimension; threshold?: number; lastSeconds?: number };

export interface DatasetSpec {
  name: string;
  sources: SourceSpec[];
  /** The task labels refer to; null for an unlabelled (pretraining) corpus. */
  task: TaskSpec | null;
  labels: LabelSource;
  windowing: WindowingOptions;
}

/** Where an encoder's starting weights come from. */
export type EncoderSource =
  /** Pretrained by this job (its pretrain phase). */
  | { kind: 'pretrain' }
  /** The pretrained encoder of an earlier run. */
  | { kind: 'run'; runId: string }
  /** An imported CBraMod checkpoint (pretrained_weights.pth, read by the .pth importer). */
  | { kind: 'pth'; path: string }
  /** The seeded random initialisation (no pretraining). */
  | { kind: 'random' };

export interface ExportSpec {
  /** Registry id (folder name): lowercase letters, digits, '-', '_'. */
  modelId: string;
  name: string;
  version: string;
  /** Where to write: the user's models folder (appears in the live list at once) or a given folder (e.g. the repo's models/). */
  target: { kind: 'user' } | { kind: 'dir'; dir: string };
  /** Extra lines for the card's limitations. */
  limitations?: string[];
  /** How to reproduce (the card's provenance). */
  provenance?: string;
}

export interface JobSpec {
  kind: RunKind;
  name: string;
  /** One seed for everything not seeded separately. */
  seed: number;
  /** The labelled dataset (fine-tuning, evaluation). */
  dataset: DatasetSpec | null;
  /** Unlabelled corpora for pretraining each encoder. */
  corpora: { eeg?: DatasetSpec; ecg?: DatasetSpec };
  pretrain: { eeg?: PretrainConfig; ecg?: PretrainConfig };
  encoders: { eeg?: EncoderSource; ecg?: EncoderSource };
  /** Architecture of encoders that are not pretrained here (random init, imported); default CBraMod's. */
  encoderConfig?: import('../model/model.types').EncoderConfig;
  finetune: FinetuneConfig | null;
  /** Subject-wise evaluation (null: none). */
  evaluation: EvaluationConfig | null;
  /** Fit the model on every subject after the evaluation (the model that ships). */
  finalFit: boolean;
  export: ExportSpec | null;
  /** Recipe this job was made from, with its flags (for the card and the log). */
  recipe?: { name: string; command: string };
}

/** Phases of a job, in order. */
export const JOB_PHASES = ['datasets', 'pretrain-ecg', 'pretrain-eeg', 'evaluate', 'final-fit', 'export'] as const;
export type JobPhase = (typeof JOB_PHASES)[number];

/** What a finished run reports in its status and in the comparison table. */
export interface RunResultSummary {
  task: string | null;
  protocol: string | null;
  /** Per arm: pooled and mean ± sd AUROC, balanced accuracy, F1, κ. */
  arms: {
    arm: string;
    auroc: number | null;
    aurocSd: number | null;
    /** Folds the AUROC mean is over, when fewer than the evaluation made (a test fold of one class): [n, of]. */
    aurocFolds?: [number, number];
    aucPr: number | null;
    balancedAccuracy: number | null;
    f1: number | null;
    kappa: number | null;
  }[];
  /** Final pretraining losses. */
  pretrainLoss: { eeg?: number; ecg?: number };
  /** The registry id it was exported as. */
  exportedAs: string | null;
}

export interface RunStatus {
  id: string;
  name: string;
  kind: RunKind;
  state: RunState;
  /** Unix seconds. */
  createdAt: number;
  updatedAt: number;
  progress: RunProgress;
  completedPhases: JobPhase[];
  error: { code: string; message: string } | null;
  summary: RunResultSummary | null;
  /**
   * The process that set it 'running' (the app, or a `heartmind train` on the command line), so
   * another process can tell a live run from one whose process died. Absent in older runs.
   */
  pid?: number;
  /**
   * When that process started (clock ticks after boot, Linux's /proc/PID/stat; absent elsewhere and
   * in older runs): with the pid it tells the run's process from another one given the same pid later
   * (after a reboot or power cut).
   */
  pidStart?: number;
}

export interface RunSummary extends RunStatus {
  /** Why the folder cannot be used (damaged); null when it is fine. */
  problem: string | null;
  dataset: string | null;
  /**
   * The arms its evaluation reports, from its config ('fused/random', then 'baseline/fused'); empty
   * when it evaluates none. Before its summary has any, the runs table gives them columns (it showed
   * 'fused/pretrained' and 'baseline/fused' while a fused/random run ran).
   */
  plannedArms: string[];
  /**
   * The model id it was exported as now holds another run's model in the user's models folder (each
   * quick run replaces 'quick-try'): every quick run read 'quick-try' in the runs table, Use ran the last.
   */
  exportReplaced?: boolean;
}

/** Everything the Training view shows of one run. */
export interface RunDetail {
  status: RunSummary;
  config: JobSpec | null;
  metrics: import('./train.types').MetricRecord[];
  report: EvaluationReport | null;
  log: string;
  /** Plot file names under the run's plots/ folder. */
  plots: string[];
  notes: string[];
}
