// Evaluation: metrics (scikit-learn-equivalent), subject-wise splits, fold tables.
export * from './eval.types';
export { accuracy, averagePrecision, balancedAccuracy, cohenKappa, confusionMatrix, f1Score, prCurve, rocAuc, rocCurve, thresholdScores, type F1Average } from './metrics';
export { chanceLevels, evaluateBinary, foldMetricTable, formatMeanSd, meanSd, meanSdText, partialMark } from './report';
export { assertSubjectDisjoint, foldLabel, leaveOneSubjectOut, subjectKFold, type SplitOptions } from './splits';
export { seededRandom, shuffled } from '../seeded-random';
