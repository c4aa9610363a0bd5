// From predictions to the figures a paper reports: all binary metrics at once, per-fold tables,
// mean ± sd over folds, and the pooled metrics of every test window.
import { EvalError, EvalErrorCode, BINARY_METRIC_NAMES, type BinaryLabels, type BinaryMetricName, type BinaryMetrics, type FoldMetricTable, type FoldMetricsRow, type FoldPredictions, type MeanSd } from './eval.types';
import { accuracy, averagePrecision, balancedAccuracy, cohenKappa, confusionMatrix, f1Score, rocAuc, thresholdScores } from './metrics';

/**
 * Mean ± sample standard deviation (n − 1 denominator, numpy `std(ddof=1)`), the usual
 * "mean ± sd over folds": folds are a sample of possible subject splits, not the population.
 * NaN and null values are skipped (a fold where the metric is undefined); sd is NaN for n < 2
 * and the mean is NaN for n = 0.
 */
export function meanSd(values: ArrayLike<number | null>): MeanSd {
  const xs: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && Number.isFinite(v)) xs.push(v);
  }
  const n = xs.length;
  if (n === 0) return { mean: NaN, sd: NaN, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sd: NaN, n };
  // Two-pass sum of squared deviations: stable for values close together (AUROCs of 0.80 ± 0.01).
  const ss = xs.reduce((a, x) => a + (x - mean) * (x - mean), 0);
  return { mean, sd: Math.sqrt(ss / (n - 1)), n };
}

/**
 * All binary metrics of one set of predictions. `scores` is the positive-class probability (or
 * any score whose threshold is `threshold`); the class prediction is score > threshold (default
 * 0.5). Throws EvalError on degenerate input (one class only, empty, NaN scores).
 */
export function evaluateBinary(yTrue: BinaryLabels, scores: ArrayLike<number>, opts: { threshold?: number } = {}): BinaryMetrics {
  const threshold = opts.threshold ?? 0.5;
  const yPred = thresholdScores(scores, threshold);
  const auroc = rocAuc(yTrue, scores); // validates labels, lengths, both classes
  let positives = 0;
  for (let i = 0; i < yTrue.length; i++) positives += yTrue[i];
  return {
    n: yTrue.length,
    positives,
    negatives: yTrue.length - positives,
    auroc,
    aucPr: averagePrecision(yTrue, scores),
    f1: f1Score(yTrue, yPred, 'binary'),
    f1Weighted: f1Score(yTrue, yPred, 'weighted'),
    balancedAccuracy: balancedAccuracy(yTrue, yPred),
    cohenKappa: cohenKappa(yTrue, yPred),
    accuracy: accuracy(yTrue, yPred),
    confusion: confusionMatrix(yTrue, yPred, 2),
    threshold,
  };
}

function metricsOrNull(yTrue: BinaryLabels, scores: ArrayLike<number>, threshold: number, notes: string[]): Record<BinaryMetricName, number | null> {
  try {
    const m = evaluateBinary(yTrue, scores, { threshold });
    return Object.fromEntries(BINARY_METRIC_NAMES.map((k) => [k, m[k]])) as Record<BinaryMetricName, number>;
  } catch (e) {
    // A fold whose test windows hold one class (a LOSO subject who rated every clip "high")
    // still has an accuracy; the class-comparing metrics are left out of its mean, with a note.
    if (!(e instanceof EvalError) || e.code !== EvalErrorCode.SingleClass) throw e;
    // Every class-comparing metric is left out, not only the one whose check threw first: say so.
    notes.push(`one class only in the test labels (${yTrue.length} windows, all ${yTrue[0] === 1 ? 'positive' : 'negative'}): AUROC, AUC-PR, F1 (binary and weighted), balanced accuracy and κ are undefined; accuracy is kept`);
    const yPred = thresholdScores(scores, threshold);
    const out = Object.fromEntries(BINARY_METRIC_NAMES.map((k) => [k, null])) as Record<BinaryMetricName, number | null>;
    out.accuracy = accuracy(yTrue, yPred);
    return out;
  }
}

/**
 * Turns per-window test predictions of each fold into a per-fold metric table, the mean ± sample
 * sd over folds, and the pooled metrics over all folds' windows. A fold with one class in its
 * test labels keeps its accuracy and gets null (with a note) for the metrics that need both
 * classes; summaries count only folds where a metric is defined (`n` says how many).
 */
export function foldMetricTable(folds: FoldPredictions[], opts: { threshold?: number } = {}): FoldMetricTable {
  const threshold = opts.threshold ?? 0.5;
  if (folds.length === 0) throw new EvalError(EvalErrorCode.Empty, 'fold metric table: no folds');
  const rows: FoldMetricsRow[] = folds.map((f) => {
    if (f.yTrue.length !== f.scores.length) throw new EvalError(EvalErrorCode.LengthMismatch, `fold ${f.fold}: ${f.yTrue.length} labels but ${f.scores.length} scores`);
    if (f.subjects && f.subjects.length !== f.yTrue.length) throw new EvalError(EvalErrorCode.LengthMismatch, `fold ${f.fold}: ${f.yTrue.length} labels but ${f.subjects.length} subjects`);
    if (f.yTrue.length === 0) throw new EvalError(EvalErrorCode.Empty, `fold ${f.fold}: no test windows`);
    const notes: string[] = [];
    const metrics = metricsOrNull(f.yTrue, f.scores, threshold, notes);
    let positives = 0;
    for (let i = 0; i < f.yTrue.length; i++) positives += f.yTrue[i];
    return {
      fold: f.fold,
      subjects: f.subjects ? [...new Set(Array.from(f.subjects))].sort() : [],
      n: f.yTrue.length,
      positives,
      metrics,
      notes,
      confusion: confusionMatrix(f.yTrue, thresholdScores(f.scores, threshold), 2),
    };
  });
  const summary = Object.fromEntries(BINARY_METRIC_NAMES.map((k) => [k, meanSd(rows.map((r) => r.metrics[k]))])) as Record<BinaryMetricName, MeanSd>;
  const yAll = folds.flatMap((f) => Array.from(f.yTrue));
  const sAll = folds.flatMap((f) => Array.from(f.scores));
  let pooled: BinaryMetrics | null = null;
  try {
    pooled = evaluateBinary(yAll, sAll, { threshold });
  } catch (e) {
    if (!(e instanceof EvalError) || e.code !== EvalErrorCode.SingleClass) throw e;
  }
  return { rows, summary, pooled, threshold };
}

/**
 * Chance level of each metric on these folds' test windows: what a guess that ignores the window
 * scores, as the fold table's means would hold it. AUROC 0.5, balanced accuracy 0.5 and κ 0 are
 * the expected values of any such guess. AUC-PR's is the positive share of the test windows (the
 * average precision random scores tend to), averaged over the folds where it is defined (both
 * classes), as the summary averages the metric. F1 (binary and weighted) and accuracy have none:
 * they depend on how often the guess says positive (always positive: F1 = 2p / (1 + p)), so null.
 * Null throughout where no fold holds both classes.
 */
export function chanceLevels(rows: readonly Pick<FoldMetricsRow, 'n' | 'positives'>[]): Record<BinaryMetricName, number | null> {
  const both = rows.filter((r) => r.positives > 0 && r.positives < r.n);
  const none = Object.fromEntries(BINARY_METRIC_NAMES.map((k) => [k, null])) as Record<BinaryMetricName, number | null>;
  if (both.length === 0) return none;
  return { ...none, auroc: 0.5, aucPr: both.reduce((s, r) => s + r.positives / r.n, 0) / both.length, balancedAccuracy: 0.5, cohenKappa: 0 };
}

/** '*' when a metric's mean ± sd leaves out folds where it is undefined (a test fold of one class), else ''. */
export function partialMark(s: MeanSd, folds: number): string {
  return s.n > 0 && s.n < folds ? '*' : '';
}

/**
 * A metric's mean ± sd over the folds, the one way every place writes it — the CLI's report, the
 * job's log, the Training view's arm and runs tables, the model card: '–' where it is undefined in
 * every fold, '0.643 (1 fold)' for a mean over one fold (it has no sd), '*' where some folds are
 * left out (partialMark); `spellFolds` writes how many after the '*' ('0.700 ± 0.050* (2 of 3
 * folds)') where no footnote explains it. Never 'NaN'.
 */
export function meanSdText(s: MeanSd, folds: number, opts: { spellFolds?: boolean; digits?: number } = {}): string {
  if (!s.n || !Number.isFinite(s.mean)) return '–';
  const d = opts.digits ?? 3;
  const mark = partialMark(s, folds);
  const spread = s.n > 1 && Number.isFinite(s.sd) ? ` ± ${s.sd.toFixed(d)}` : '';
  const count = opts.spellFolds && mark ? ` (${s.n} of ${folds} folds)` : s.n === 1 ? ' (1 fold)' : '';
  return `${s.mean.toFixed(d)}${spread}${mark}${count}`;
}

/** A MeanSd as a paper's table prints it, with its n: "0.812 ± 0.034 (n=10)" (the benchmarks' tables; the app, the CLI and the cards write meanSdText). */
export function formatMeanSd(m: MeanSd, digits = 3): string {
  if (m.n === 0) return 'n/a';
  const sd = Number.isNaN(m.sd) ? 'n/a' : m.sd.toFixed(digits);
  return `${m.mean.toFixed(digits)} ± ${sd} (n=${m.n})`;
}
