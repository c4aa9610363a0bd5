// The baseline classifier end to end: standardise on the training fold, fit L2 logistic
// regression (C chosen inside the training subjects unless given), predict the test subjects,
// report per-fold metrics with the same evaluation code (src/shared/eval) every model in
// HeartMind is scored with.
import { assertSubjectDisjoint, foldLabel, foldMetricTable, rocAuc, subjectKFold, EvalError, EvalErrorCode, type FoldMetricTable, type FoldPredictions, type SubjectFold, type SubjectId } from '../../eval';
import { BaselineError, BaselineErrorCode, type BaselineModel, type BaselineOptions, type CSelection, type FeatureMatrix, type LogisticRegressionModel } from './baseline.types';
import { fitLogisticRegression, predictLogisticRegression } from './logistic-regression';
import { applyStandardizer, fitStandardizer } from './standardizer';

/**
 * Candidate inverse regularisation strengths for C: 'auto', strong to weak. Band-power features
 * outnumber training subjects, so strong penalties are often best (on EEGMAT, 190 EEG features:
 * C = 1e-3 beats C = 1 by about 0.2 AUROC across subjects).
 */
export const BASELINE_C_GRID: readonly number[] = [1e-4, 1e-3, 1e-2, 1e-1, 1];

/**
 * Inner fits only rank held-out windows: a gradient 1e-6 of its scale moves probabilities by
 * ~1e-6 relative, far below any AUROC difference that matters, and saves half the Newton steps.
 */
const SELECTION_TOLERANCE = 1e-6;

function allRows(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The training rows standardised on themselves, with their labels and weights: one per fold, for every C. */
function trainingSet(X: FeatureMatrix, y: ArrayLike<number>, idx: ArrayLike<number>, opts: BaselineOptions) {
  const standardizer = fitStandardizer(X, idx);
  const Z = applyStandardizer(standardizer, X, idx);
  const yTrain = Array.from(idx, (i) => y[i]);
  const sampleWeight = opts.sampleWeight ? Array.from(idx, (i) => opts.sampleWeight![i]) : undefined;
  return { standardizer, Z, yTrain, sampleWeight };
}

function fitOn(set: ReturnType<typeof trainingSet>, C: number, opts: BaselineOptions, initial?: LogisticRegressionModel, tolerance?: number) {
  const logistic = fitLogisticRegression(set.Z, set.yTrain, { classWeight: opts.classWeight, maxIter: opts.maxIter, sampleWeight: set.sampleWeight, C, initial, tolerance });
  return { standardizer: set.standardizer, logistic };
}

/**
 * Picks C from the grid by subject-wise k-fold inside `rows` (never looking outside them): the C
 * with the best mean AUROC over inner folds (folds whose held-out subjects have one class are
 * skipped); ties go to the stronger penalty. Each C warm-starts from the previous C's solution.
 */
export function selectBaselineC(X: FeatureMatrix, y: ArrayLike<number>, subjects: ArrayLike<SubjectId | number>, rows: ArrayLike<number>, opts: BaselineOptions = {}): CSelection {
  const grid = [...(opts.cGrid ?? BASELINE_C_GRID)].sort((a, b) => a - b);
  if (grid.length === 0 || grid.some((c) => !(c > 0) || !Number.isFinite(c))) throw new BaselineError(BaselineErrorCode.BadOption, `cGrid must hold positive numbers, got ${grid.join(', ')}`);
  const idx = Array.from(rows);
  const subj = idx.map((i) => String(subjects[i]));
  const nSubjects = new Set(subj).size;
  const innerFolds = opts.innerFolds ?? 5;
  if (!Number.isInteger(innerFolds) || innerFolds < 2) throw new BaselineError(BaselineErrorCode.BadOption, `innerFolds must be an integer ≥ 2, got ${innerFolds}`);
  const k = Math.min(innerFolds, nSubjects);
  if (k < 2) return { C: 1, candidates: [], note: `one training subject: C = 1 (scikit-learn's default), nothing to cross-validate on` };
  const inner = subjectKFold(subj, k, { labels: idx.map((i) => y[i]), seed: 0 });
  const sums = new Float64Array(grid.length);
  const counts = new Int32Array(grid.length);
  for (const f of inner) {
    const train = Array.from(f.train, (j) => idx[j]);
    const test = Array.from(f.test, (j) => idx[j]);
    let prev: LogisticRegressionModel | undefined;
    // Standardised once per inner fold: every C is fitted on the same training rows.
    const set = trainingSet(X, y, train, opts);
    const testZ = applyStandardizer(set.standardizer, X, test);
    for (let c = 0; c < grid.length; c++) {
      let fit;
      try {
        fit = fitOn(set, grid[c], opts, prev, SELECTION_TOLERANCE);
      } catch (e) {
        if (e instanceof BaselineError && e.code === BaselineErrorCode.BadLabels) break; // inner training subjects hold one class
        throw e;
      }
      prev = fit.logistic;
      const scores = predictLogisticRegression(fit.logistic, testZ);
      try {
        sums[c] += rocAuc(Array.from(test, (i) => y[i]), scores);
        counts[c]++;
      } catch (e) {
        if (!(e instanceof EvalError && e.code === EvalErrorCode.SingleClass)) throw e;
        break; // held-out subjects of one class: this inner fold says nothing about ranking
      }
    }
  }
  const candidates = grid.map((C, c) => ({ C, auroc: counts[c] > 0 ? sums[c] / counts[c] : NaN, folds: counts[c] }));
  let best = 0;
  candidates.forEach((cand, c) => {
    if (cand.auroc > candidates[best].auroc + 1e-12 || Number.isNaN(candidates[best].auroc)) best = c;
  });
  if (candidates.every((c) => Number.isNaN(c.auroc))) return { C: 1, candidates, note: 'no inner fold had both classes in its held-out subjects: C = 1 (scikit-learn default)' };
  return { C: grid[best], candidates };
}

/**
 * Fits the baseline on the given rows of X (all rows by default). With C: 'auto', `subjects`
 * is needed to choose C by subject-wise cross-validation inside those rows.
 */
export function trainBaseline(X: FeatureMatrix, y: ArrayLike<number>, opts: BaselineOptions = {}, rows?: ArrayLike<number>, subjects?: ArrayLike<SubjectId | number>): BaselineModel {
  if (y.length !== X.rows) throw new BaselineError(BaselineErrorCode.BadShape, `${X.rows} feature rows but ${y.length} labels`);
  const idx = rows ?? allRows(X.rows);
  let C = opts.C ?? 1;
  let selection: CSelection | undefined;
  if (C === 'auto') {
    if (!subjects) throw new BaselineError(BaselineErrorCode.BadOption, "C: 'auto' needs the subject of each row");
    selection = selectBaselineC(X, y, subjects, idx, opts);
    C = selection.C;
  }
  const { standardizer, logistic } = fitOn(trainingSet(X, y, idx, opts), C, opts);
  return selection ? { featureNames: X.names.slice(), standardizer, logistic, C, selection } : { featureNames: X.names.slice(), standardizer, logistic, C };
}

/** P(positive) for the given rows of X (all by default). */
export function predictBaseline(model: BaselineModel, X: FeatureMatrix, rows?: ArrayLike<number>): Float64Array {
  if (X.cols !== model.featureNames.length || X.names.some((n, j) => n !== model.featureNames[j])) {
    throw new BaselineError(BaselineErrorCode.BadShape, 'feature columns differ from those the baseline was trained on');
  }
  return predictLogisticRegression(model.logistic, applyStandardizer(model.standardizer, X, rows));
}

export interface BaselineEvaluation {
  table: FoldMetricTable;
  /** Test predictions of each fold (window indices into X and their probabilities). */
  predictions: { fold: number; test: Int32Array; scores: Float64Array }[];
  models: BaselineModel[];
}

/**
 * Subject-wise evaluation of the baseline: for each fold, fit on its train windows only (C
 * chosen inside them by default; the fold's validation windows are not needed and left unused),
 * predict its test windows, and tabulate the metrics. Every fold passes the leakage guard first.
 * `beforeFold` is called before each fold (folds done, of how many): with C chosen by nested
 * cross-validation a fold takes seconds to tens of seconds on EEGMAT, so the caller reports progress
 * there and may throw to stop (a cancel or pause of the job) without waiting for the last fold.
 */
export function evaluateBaseline(X: FeatureMatrix, y: ArrayLike<number>, subjects: ArrayLike<SubjectId | number>, folds: readonly SubjectFold[], opts: BaselineOptions = {}, beforeFold?: (done: number, total: number) => void): BaselineEvaluation {
  if (subjects.length !== X.rows) throw new BaselineError(BaselineErrorCode.BadShape, `${X.rows} feature rows but ${subjects.length} subjects`);
  const o: BaselineOptions = { ...opts, C: opts.C ?? 'auto' };
  const predictions: BaselineEvaluation['predictions'] = [];
  const models: BaselineModel[] = [];
  const foldPreds: FoldPredictions[] = folds.map((f, i) => {
    beforeFold?.(i, folds.length);
    assertSubjectDisjoint(subjects, f);
    const model = trainBaseline(X, y, o, f.train, subjects);
    const scores = predictBaseline(model, X, f.test);
    predictions.push({ fold: f.index, test: f.test, scores });
    models.push(model);
    return {
      fold: foldLabel(f),
      yTrue: Array.from(f.test, (i) => y[i]),
      scores,
      subjects: Array.from(f.test, (i) => String(subjects[i])),
    };
  });
  return { table: foldMetricTable(foldPreds, { threshold: opts.threshold }), predictions, models };
}
