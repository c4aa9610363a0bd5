// Offline training (issue 6): configurations of pretraining, fine-tuning and evaluation jobs, the
// metrics they report, run status, and the one error class of the training layer. Everything is
// plain data: a configuration is written to a run folder as JSON and read back to resume.
import type { EncoderConfig, ModelModality, TaskSpec } from '../model/model.types';
import type { BinaryMetricName, BinaryMetrics, FoldMetricTable } from '../eval/eval.types';
import { CodedError } from '../coded-error';

export enum TrainErrorCode {
  /** A configuration value is out of range or inconsistent. */
  BadConfig = 'bad-config',
  /** The dataset cannot be trained on (no windows, one class only, missing labels everywhere…). */
  BadDataset = 'bad-dataset',
  /** The loss became NaN or infinite. */
  NanLoss = 'nan-loss',
  /** A checkpoint file is damaged or is not a HeartMind checkpoint. */
  CorruptCheckpoint = 'corrupt-checkpoint',
  /** A run folder is damaged (config or status unreadable). */
  CorruptRun = 'corrupt-run',
  /** The user cancelled the job. */
  Cancelled = 'cancelled',
  /** The user paused the job (it stops at a checkpoint and resumes later). */
  Paused = 'paused',
  /** No such run, dataset file or checkpoint. */
  NotFound = 'not-found',
  /** Reading or writing files failed. */
  Io = 'io',
}

export class TrainError extends CodedError<TrainErrorCode> {
  override readonly name = 'TrainError';
  constructor(
    code: TrainErrorCode,
    message: string,
    /** Itemised problems, when there are several. */
    readonly details: string[] = [],
  ) {
    super(code, message);
  }
}

/** AdamW with decoupled weight decay (Loshchilov & Hutter), cosine schedule, global-norm clipping. */
export interface OptimizerConfig {
  /** Peak learning rate. */
  lr: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Global gradient-norm clip (0 = none). */
  clipNorm: number;
  /** Cosine annealing floor (eta_min). */
  etaMin: number;
  /** Linear warm-up steps before the cosine (0 = none, as CBraMod). */
  warmupSteps: number;
}

/** Masked patch reconstruction of EEG (CBraMod): each patch masked independently. */
export interface EegMaskConfig {
  kind: 'eeg';
  /** Bernoulli probability of masking a patch (CBraMod: 0.5). */
  patchRatio: number;
}

/**
 * Dual masking of ECG (arXiv 2512.15250; ratios unpublished, these are ours): first whole leads
 * (about leadRatio × leads, never all of them), then time patches of the leads left visible.
 */
export interface EcgMaskConfig {
  kind: 'ecg';
  /** Expected fraction of leads masked whole (stochastic rounding of ratio × leads, ≤ leads − 1). */
  leadRatio: number;
  /** Bernoulli probability of masking a time patch of the visible leads. */
  patchRatio: number;
  /** 'shared': the same time patches in every visible lead (intra-lead context only); 'per-lead': independent. */
  temporal: 'shared' | 'per-lead';
}

export type MaskConfig = EegMaskConfig | EcgMaskConfig;

export interface PretrainConfig {
  modality: ModelModality;
  encoder: EncoderConfig;
  mask: MaskConfig;
  optimizer: OptimizerConfig;
  epochs: number;
  batchSize: number;
  /** Stop after this many optimiser steps (null = all epochs). The cosine spans the planned steps. */
  maxSteps: number | null;
  /** Write a checkpoint every this many steps (and at the end). */
  checkpointEverySteps: number;
  seed: number;
}

/** Which encoders feed the head: the ablation of arXiv 2512.15250 in one flag. */
export type ModalitySet = 'fused' | 'eeg' | 'ecg';
/** Where the encoder weights start: pretrained (ours or an imported CBraMod) or the seeded random init. */
export type EncoderInit = 'pretrained' | 'random';
/** 'none': everything trains; 'encoders': head only, on cached embeddings of the frozen encoders. */
export type FreezeMode = 'none' | 'encoders';

export interface FinetuneConfig {
  task: TaskSpec;
  modalities: ModalitySet;
  init: EncoderInit;
  freeze: FreezeMode;
  epochs: number;
  batchSize: number;
  /** Learning rate of the encoders at the reference batch (CBraMod: 1e-4 at 64). */
  backboneLr: number;
  /** Learning rate of the head at the reference batch (CBraMod: 0.001·√(64/256) = 5e-4). */
  headLr: number;
  /** Both learning rates scale by √(batchSize / referenceBatch) (CBraMod's rule). */
  referenceBatch: number;
  weightDecay: number;
  etaMin: number;
  clipNorm: number;
  /** 'balanced': each class weighs n / (K·n_c) in the loss. */
  classWeight: 'balanced' | 'none';
  /**
   * Probability that a training window of a fused model has one modality replaced by its learned
   * "absent" embedding (which one at random), so the live model can answer when a device is missing.
   */
  modalityDropout: number;
  /** Hidden width of the head MLP (0 = linear). */
  headHidden: number;
  headDropout: number;
  seed: number;
}

export type SplitSpec = { kind: 'loso' } | { kind: 'kfold'; k: number };

export interface EvaluationConfig {
  split: SplitSpec;
  /** Subjects of each fold's training part held out to pick the best epoch (0 = use the last epoch). */
  validationSubjects: number;
  /** Ablation arms to run; each gets the same folds. */
  arms: { modalities: ModalitySet; init: EncoderInit }[];
  /** Decision threshold on P(positive). */
  threshold: number;
  /** Subject-shuffling seed of the k-fold split. */
  seed: number;
}

/** One optimiser step's figures (a line of metrics.jsonl). */
export interface StepRecord {
  kind: 'step';
  phase: string;
  step: number;
  /** Steps the phase plans (for progress), when known. */
  total?: number;
  epoch: number;
  loss: number;
  lr: number;
  gradNorm: number;
  /** Wall-clock ms of the step. */
  ms: number;
}

/** One epoch's figures: mean training loss and, when a validation set exists, its metrics. */
export interface EpochRecord {
  kind: 'epoch';
  phase: string;
  epoch: number;
  trainLoss: number;
  validation: Pick<BinaryMetrics, 'auroc' | 'aucPr' | 'balancedAccuracy' | 'f1' | 'cohenKappa'> | null;
  /** Fold index, for per-fold fine-tuning. */
  fold?: number;
  arm?: string;
}

export type MetricRecord = StepRecord | EpochRecord;

/** A curve for the plots (ROC of the pooled test predictions). */
export interface CurvePoints {
  x: number[];
  y: number[];
}

/** What one ablation arm achieved under the subject-wise evaluation. */
export interface ArmResult {
  /** 'fused/pretrained', 'eeg/random', 'baseline/fused' … */
  arm: string;
  modalities: ModalitySet;
  init: EncoderInit | 'baseline';
  table: FoldMetricTable;
  roc: CurvePoints;
  /** Pooled confusion matrix at the threshold, row-major [[TN, FP], [FN, TP]]. */
  confusion: number[];
  /** Best epoch chosen per fold (null for the baseline). */
  bestEpochs: (number | null)[];
  /** The baseline's C per fold, chosen inside that fold's training subjects (baseline arms only; absent in reports before it). */
  baselineC?: number[];
  /** Test predictions per fold (labels, P(positive), subjects), for plots and independent checks. */
  predictions: { fold: string; yTrue: number[]; scores: number[]; subjects: string[] }[];
}

export interface EvaluationReport {
  task: TaskSpec;
  protocol: string;
  subjects: string[];
  windows: number;
  positives: number;
  folds: { index: number; trainSubjects: string[]; validationSubjects: string[]; testSubjects: string[] }[];
  arms: ArmResult[];
  /**
   * Each metric's chance level on these test folds (chanceLevels: AUROC 0.5, AUC-PR the positive
   * share, balanced accuracy 0.5, κ 0; null for F1 and accuracy). Absent in reports before it.
   */
  chance?: Record<BinaryMetricName, number | null>;
}

export type RunKind = 'pretrain' | 'finetune' | 'evaluate' | 'recipe';
export type RunState = 'queued' | 'running' | 'paused' | 'interrupted' | 'failed' | 'cancelled' | 'done';

/** Progress of a run: the phase, steps done of steps planned, and an ETA from the recent step rate. */
export interface RunProgress {
  phase: string;
  /** 0…1 over the whole job. */
  fraction: number;
  done: number;
  total: number;
  etaSec: number | null;
  message: string;
}
