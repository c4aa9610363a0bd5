// Types and the one error class of the evaluation layer (metrics, subject-wise splits, fold tables).
import { CodedError } from '../coded-error';

/** Why an evaluation refused its input. Each code names one problem a caller can act on. */
export enum EvalErrorCode {
  /** No samples at all. */
  Empty = 'empty',
  /** Two arrays that must pair up element by element have different lengths. */
  LengthMismatch = 'length-mismatch',
  /** A label is not an allowed class (0/1 for binary metrics, a non-negative integer otherwise). */
  BadLabel = 'bad-label',
  /** A score is NaN or ±Infinity (scikit-learn rejects these too). */
  NonFiniteScore = 'non-finite-score',
  /** The true labels hold one class only, so the metric is undefined (e.g. AUROC with no negatives). */
  SingleClass = 'single-class',
  /** A subject appears in more than one of train / validation / test. */
  SubjectLeakage = 'subject-leakage',
  /** A split cannot be made as asked (too few subjects for k folds, bad k, bad validation size). */
  BadSplit = 'bad-split',
  /** An option is out of range (threshold, k, seed). */
  BadOption = 'bad-option',
}

export class EvalError extends CodedError<EvalErrorCode> {
  override readonly name = 'EvalError';
}

/** Binary labels: 0 = negative, 1 = positive. */
export type BinaryLabels = ArrayLike<number>;

/** Points of a ROC curve, in the order scikit-learn's `roc_curve` returns them (thresholds descending). */
export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** Score thresholds; the first is +Infinity (the "predict nothing positive" corner). */
  thresholds: Float64Array;
}

/** Points of a precision–recall curve, in scikit-learn's `precision_recall_curve` order (thresholds ascending). */
export interface PrCurve {
  /** One longer than `thresholds`; ends with 1. */
  precision: Float64Array;
  /** One longer than `thresholds`; ends with 0. */
  recall: Float64Array;
  thresholds: Float64Array;
}

/** Confusion matrix, rows = true class, columns = predicted class (scikit-learn's layout). */
export interface ConfusionMatrix {
  numClasses: number;
  /** Row-major counts: counts[t * numClasses + p] (a plain array: it goes into report.json as one). */
  counts: number[];
}

/** Mean ± sample standard deviation over folds. */
export interface MeanSd {
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); NaN when n < 2. */
  sd: number;
  /** How many finite values went in. */
  n: number;
}

/** Everything a binary evaluation reports for one set of predictions. */
export interface BinaryMetrics {
  n: number;
  positives: number;
  negatives: number;
  /** Area under the ROC curve (= scikit-learn roc_auc_score). */
  auroc: number;
  /** Area under the precision–recall curve as average precision (= scikit-learn average_precision_score). */
  aucPr: number;
  /** F1 of the positive class at the decision threshold. */
  f1: number;
  /** Support-weighted F1 over both classes. */
  f1Weighted: number;
  balancedAccuracy: number;
  cohenKappa: number;
  accuracy: number;
  /** 2×2 confusion matrix at the decision threshold. */
  confusion: ConfusionMatrix;
  /** Decision threshold used: predicted positive when score > threshold. */
  threshold: number;
}

/** Names of the scalar metrics in BinaryMetrics, in the order tables show them. */
export const BINARY_METRIC_NAMES = ['auroc', 'aucPr', 'f1', 'f1Weighted', 'balancedAccuracy', 'cohenKappa', 'accuracy'] as const;
export type BinaryMetricName = (typeof BINARY_METRIC_NAMES)[number];

/** Subject identifier of a window (numbers are turned into strings). */
export type SubjectId = string;

/** One subject-wise fold: which subjects and which windows (indices into the dataset) go where. */
export interface SubjectFold {
  /** 0-based fold number. */
  index: number;
  trainSubjects: SubjectId[];
  /** Held out of training for model selection (early stopping, best epoch); empty unless asked for. */
  validationSubjects: SubjectId[];
  testSubjects: SubjectId[];
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/** Predictions of one fold's test windows. */
export interface FoldPredictions {
  /** Fold label shown in tables (fold number, or the held-out subject for LOSO). */
  fold: string;
  yTrue: BinaryLabels;
  /** Probability (or any monotone score) of the positive class per window. */
  scores: ArrayLike<number>;
  /** Subject of each window; optional, used only to list the fold's subjects. */
  subjects?: ArrayLike<SubjectId>;
}

/** One row of a per-fold metric table. A metric that is undefined for the fold is null, with the reason. */
export interface FoldMetricsRow {
  fold: string;
  subjects: SubjectId[];
  n: number;
  positives: number;
  metrics: Record<BinaryMetricName, number | null>;
  /** Why a metric is null (e.g. the fold's test windows hold one class only). */
  notes: string[];
  confusion: ConfusionMatrix;
}

/** Per-fold rows, their mean ± sd, and the metrics of all folds' predictions pooled. */
export interface FoldMetricTable {
  rows: FoldMetricsRow[];
  /** Mean ± sample sd over the folds where the metric is defined. */
  summary: Record<BinaryMetricName, MeanSd>;
  /** Metrics over all test predictions concatenated (every window counted once); null if undefined. */
  pooled: BinaryMetrics | null;
  threshold: number;
}
