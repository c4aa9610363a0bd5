// The baseline classifier end to end: standardise on the training fold, fit L2 logistic
// regression, predict the test subjects, report per-fold metrics with the same evaluation code
// (src/shared/eval) every model in HeartMind is scored with.
import { assertSubjectDisjoint, foldMetricTable, type FoldMetricTable, type FoldPredictions, type SubjectFold, type SubjectId } from '../../eval';
import { BaselineError, BaselineErrorCode, type BaselineModel, type BaselineOptions, type FeatureMatrix } from './baseline.types';
import { fitLogisticRegression, predictLogisticRegression } from './logistic-regression';
import { applyStandardizer, fitStandardizer } from './standardizer';

/** Fits the baseline on the given rows of X (all rows by default). */
export function trainBaseline(X: FeatureMatrix, y: ArrayLike<number>, opts: BaselineOptions = {}, rows?: ArrayLike<number>): BaselineModel {
  if (y.length !== X.rows) throw new BaselineError(BaselineErrorCode.BadShape, `${X.rows} feature rows but ${y.length} labels`);
  const idx = rows ?? Array.from({ length: X.rows }, (_, i) => i);
  const standardizer = fitStandardizer(X, idx);
  const Z = applyStandardizer(standardizer, X, idx);
  const yTrain = Array.from(idx, (i) => y[i]);
  const sampleWeight = opts.sampleWeight ? Array.from(idx, (i) => opts.sampleWeight![i]) : undefined;
  const logistic = fitLogisticRegression(Z, yTrain, { ...opts, sampleWeight });
  return { featureNames: X.names.slice(), standardizer, logistic };
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
 * Subject-wise evaluation of the baseline: for each fold, fit on its train windows only (the
 * validation windows are not needed by a convex model and are left unused), predict its test
 * windows, and tabulate the metrics. Every fold passes the leakage guard first.
 */
export function evaluateBaseline(X: FeatureMatrix, y: ArrayLike<number>, subjects: ArrayLike<SubjectId | number>, folds: readonly SubjectFold[], opts: BaselineOptions = {}): BaselineEvaluation {
  if (subjects.length !== X.rows) throw new BaselineError(BaselineErrorCode.BadShape, `${X.rows} feature rows but ${subjects.length} subjects`);
  const predictions: BaselineEvaluation['predictions'] = [];
  const models: BaselineModel[] = [];
  const foldPreds: FoldPredictions[] = folds.map((f) => {
    assertSubjectDisjoint(subjects, f);
    const model = trainBaseline(X, y, opts, f.train);
    const scores = predictBaseline(model, X, f.test);
    predictions.push({ fold: f.index, test: f.test, scores });
    models.push(model);
    return {
      fold: f.testSubjects.length === 1 ? f.testSubjects[0] : String(f.index + 1),
      yTrue: Array.from(f.test, (i) => y[i]),
      scores,
      subjects: Array.from(f.test, (i) => String(subjects[i])),
    };
  });
  return { table: foldMetricTable(foldPreds, { threshold: opts.threshold }), predictions, models };
}
