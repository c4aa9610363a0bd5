// The baseline every model must beat: EEG band power + heart-rate features, standardised on the
// training fold, L2 logistic regression. Types and the one error class of this layer.
import { CodedError } from '../../coded-error';


export enum BaselineErrorCode {
  /** Matrix shapes, label counts or feature names do not agree. */
  BadShape = 'bad-shape',
  /** Labels are not 0/1, or the training labels hold one class only. */
  BadLabels = 'bad-labels',
  /** An option is out of range (C ≤ 0, negative weights, …). */
  BadOption = 'bad-option',
  /** A signal is too short or not finite for the feature asked for. */
  BadSignal = 'bad-signal',
  /** Newton's method did not converge (reported, never silently used). */
  NotConverged = 'not-converged',
}

export class BaselineError extends CodedError<BaselineErrorCode> {
  override readonly name = 'BaselineError';
}

/** Samples × features, row-major: value (i, j) at data[i * cols + j]. NaN marks a missing feature. */
export interface FeatureMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
  /** One name per column. */
  names: string[];
}

/** Per-feature centring and scaling learnt on a training fold (scikit-learn StandardScaler). */
export interface Standardizer {
  mean: Float64Array;
  /** Population sd (n denominator, as StandardScaler); 1 where the feature is constant. */
  scale: Float64Array;
}

export interface LogisticRegressionOptions {
  /** Inverse L2 strength, scikit-learn's C: minimises ½‖w‖² + C·Σ weightᵢ·logloss(i). Default 1. */
  C?: number;
  /** 'balanced' weighs class c by n / (2·n_c), as scikit-learn does. Default: none. */
  classWeight?: 'balanced' | null;
  /** Per-sample weights, multiplied with the class weights. */
  sampleWeight?: ArrayLike<number>;
  /** Steps at most (each a Newton step or one with a kept Hessian factor). Default 100. */
  maxIter?: number;
  /**
   * Stop when ‖gradient‖∞ ≤ tolerance × C·n·max|x| (the gradient's own scale). Default 1e-11: the
   * optimum to rounding. Model selection, which only ranks held-out windows, can use 1e-6.
   */
  tolerance?: number;
  /** Starting point (warm start, e.g. the solution at a neighbouring C); the optimum does not depend on it. */
  initial?: { coef: ArrayLike<number>; intercept: number };
}

export interface LogisticRegressionModel {
  coef: Float64Array;
  intercept: number;
  /** Newton steps taken (each with a freshly formed Hessian or the last one's factor). */
  iterations: number;
  /** Hessians formed and factorised, O(n·d²) each: the rest of a fit is O(n·d) per step. */
  hessians: number;
  /** Final ‖gradient‖∞ of the objective. */
  gradientNorm: number;
}

/** Which signals the baseline looks at: both (fused), or one alone (the ablations). */
export type BaselineModality = 'fused' | 'eeg' | 'ecg';

export interface BaselineOptions extends Omit<LogisticRegressionOptions, 'C' | 'initial' | 'tolerance'> {
  /**
   * Inverse L2 strength. 'auto' (the default of evaluateBaseline) picks it from BASELINE_C_GRID by
   * subject-wise cross-validation inside the training subjects (nested: test subjects never seen).
   */
  C?: number | 'auto';
  /** Candidates for C: 'auto'. Default BASELINE_C_GRID. */
  cGrid?: readonly number[];
  /** Inner folds (by subject) for C: 'auto'. Default 5 (fewer when there are fewer training subjects). */
  innerFolds?: number;
  /** Decision threshold on the probability for the threshold metrics. Default 0.5. */
  threshold?: number;
}

/** How C was chosen: each candidate's mean inner-fold AUROC (NaN where no inner fold had both classes). */
export interface CSelection {
  C: number;
  candidates: { C: number; auroc: number; folds: number }[];
  /** Why C fell back to 1 (too few training subjects, or no inner fold with both classes). */
  note?: string;
}

export interface BaselineModel {
  featureNames: string[];
  standardizer: Standardizer;
  logistic: LogisticRegressionModel;
  /** The C the model was fitted with. */
  C: number;
  /** Present when C was selected by inner cross-validation. */
  selection?: CSelection;
}

/** Heart features from RR intervals. NaN where too few intervals. */
export interface HeartRateFeatures {
  /** 60 000 / mean RR (ms): beats per minute over the span. */
  meanHrBpm: number;
  /** Root mean square of successive RR differences, ms (needs ≥ 2 intervals). */
  rmssdMs: number;
  /** Sample standard deviation of RR intervals (n − 1), ms (needs ≥ 2 intervals). */
  sdnnMs: number;
}
