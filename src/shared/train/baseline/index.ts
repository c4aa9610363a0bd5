// The baseline every model must beat: band power + heart features, training-fold standardiser, L2 logistic regression.
export * from './baseline.types';
export { BASELINE_C_GRID, evaluateBaseline, predictBaseline, selectBaselineC, trainBaseline, type BaselineEvaluation } from './baseline';
export {
  baselineFeatureMatrix, baselineFeatureNames, eegBandFeatureNames, eegBandFeatures, heartRateFeatures, rrIntervalsMs,
  welchSegmentLength, rrIntervalsFromEcg, rrIntervalsInSpan, baselineWindowFromSync, HEART_FEATURE_NAMES, MIN_BAND_POWER_UV2, WELCH_SEGMENT_S, type BaselineWindow,
} from './features';
export { fitLogisticRegression, predictLogisticRegression, sigmoid } from './logistic-regression';
export { applyStandardizer, fitStandardizer } from './standardizer';
