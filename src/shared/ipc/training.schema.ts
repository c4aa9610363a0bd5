// Channels and pushes of offline training jobs (issue 6): the run list and each run's record,
// starting jobs (recipes, pretraining, fine-tuning, evaluation), pause / resume / cancel, export to
// the model registry, and live progress, metrics and log lines while a job runs.
import type { DatasetSpec, JobSpec, RunDetail, RunStatus, RunSummary } from '../train/job.types';
import type { EvaluationConfig, MetricRecord, ModalitySet, RunProgress } from '../train/train.types';
import type { WindowDataset } from '../datasets/windows.types';
import type { TrainingReadiness } from '../train/trainable';

export interface TrainingOverview {
  runs: RunSummary[];
  /** The run in progress, if any, and the runs waiting behind it. */
  active: string | null;
  queued: string[];
  /** jax-js backend of the running job, then a colon and why ('webgpu: NVIDIA …', 'wasm: one core; …'); null when idle. */
  backend: string | null;
  /** Where run folders live. */
  runsDir: string;
}

/** What the dataset builder offers before anything is chosen. */
export interface TrainingPresets {
  /** The recordings folder shipped beside the app (../shared/data in a checkout), if found. */
  dataDir: string | null;
  /** The default recipe (EEGMAT, 12 subjects) as a job spec over dataDir; null without the data. */
  defaultRecipe: JobSpec | null;
  /** A quick recipe over the same data for trying the app (tiny encoders, few steps). */
  quickRecipe: JobSpec | null;
}

/** A dataset built without training: how many windows, per recording and class (the builder's preview). */
export interface DatasetPreview {
  name: string;
  windows: number;
  perClass: number[];
  classes: string[];
  subjects: string[];
  recordings: WindowDataset['recordings'];
  /** Asked with `check`: whether fine-tuning and its subject-wise evaluation can run on it (the checks a run makes when it starts). */
  readiness?: TrainingReadiness;
}

export interface TrainingRequests {
  'hm:training:list': { req: void; res: TrainingOverview };
  'hm:training:get': { req: { id: string }; res: RunDetail };
  'hm:training:presets': { req: void; res: TrainingPresets };
  /** Builds a dataset through the pipeline and reports its windows (no training). */
  'hm:training:preview': { req: { dataset: DatasetSpec; check?: { modalities: ModalitySet; evaluation: EvaluationConfig } }; res: DatasetPreview };
  /** Starts a job (queued behind a running one). */
  'hm:training:start': { req: { spec: JobSpec }; res: RunStatus };
  'hm:training:pause': { req: { id: string }; res: void };
  'hm:training:resume': { req: { id: string }; res: RunStatus };
  'hm:training:cancel': { req: { id: string }; res: void };
  /**
   * Exports a finished run to the user's models folder; the live model list shows it at once. Again
   * under the id of this run's own model, it only records the export in the run. notRecorded: the
   * model is exported but the run folder would not take the note (which file, why), or took it in
   * status.json but not the log line (the text says which). recorded: whether the run's status now
   * names the model (false: the view offers Export again, which records it).
   */
  'hm:training:export': { req: { id: string; modelId: string; name: string }; res: { modelId: string; dir: string; recorded: boolean; notRecorded?: string } };
  /** One of the run's SVG plots. */
  'hm:training:plot': { req: { id: string; name: string }; res: { svg: string } };
}

export type TrainingPush =
  | { type: 'training:status'; status: RunStatus }
  | { type: 'training:progress'; runId: string; progress: RunProgress }
  | { type: 'training:metric'; runId: string; record: MetricRecord }
  | { type: 'training:log'; runId: string; level: 'info' | 'warn' | 'error'; message: string };
