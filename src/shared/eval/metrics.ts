// Classification metrics as the field reports them, computed exactly as scikit-learn does
// (checked against Debian's python3-sklearn to 1e-9 in test/shared/eval/metrics.test.ts).
//
// Ranking metrics (AUROC, average precision, ROC/PR curves) take a score per sample: a
// probability or any monotone transform of it (logits give the same values). Threshold metrics
// (F1, balanced accuracy, κ, accuracy, confusion matrix) take predicted class labels.
//
// Degenerate input throws an EvalError instead of returning NaN or a warning-and-zero as
// scikit-learn does: a metric that compares classes is meaningless when the truth holds one
// class, and a silent 0 in a fold table is how wrong papers get written.
import { EvalError, EvalErrorCode, type BinaryLabels, type ConfusionMatrix, type PrCurve, type RocCurve } from './eval.types';

// ---------------------------------------------------------------------------------------------
// Input checks

function checkLength(n: number, m: number, what: string, other: 'scores' | 'predictions'): void {
  if (n !== m) throw new EvalError(EvalErrorCode.LengthMismatch, `${what}: ${n} labels but ${m} ${other}`);
  if (n === 0) throw new EvalError(EvalErrorCode.Empty, `${what}: no samples`);
}

/** Checks 0/1 labels; returns the number of positives. */
function countBinary(y: BinaryLabels, what: string): number {
  let pos = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (v === 1) pos++;
    else if (v !== 0) throw new EvalError(EvalErrorCode.BadLabel, `${what}: label ${String(v)} at index ${i} is not 0 or 1`);
  }
  return pos;
}

function checkScores(s: ArrayLike<number>, what: string): void {
  for (let i = 0; i < s.length; i++) {
    if (!Number.isFinite(s[i])) throw new EvalError(EvalErrorCode.NonFiniteScore, `${what}: score ${String(s[i])} at index ${i} is not a finite number`);
  }
}

function requireBothClasses(pos: number, n: number, what: string): void {
  if (pos === 0 || pos === n) {
    throw new EvalError(
      EvalErrorCode.SingleClass,
      `${what} is undefined: the true labels hold only ${pos === 0 ? 'negatives (0)' : 'positives (1)'} (${n} samples); it needs both classes`,
    );
  }
}

/** Checks non-negative integer class labels; returns max label + 1. */
function classCount(y: ArrayLike<number>, what: string): number {
  let max = -1;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0) throw new EvalError(EvalErrorCode.BadLabel, `${what}: label ${String(v)} at index ${i} is not a non-negative integer class`);
    if (v > max) max = v;
  }
  return max + 1;
}

function distinctCount(y: ArrayLike<number>): number {
  const seen = new Set<number>();
  for (let i = 0; i < y.length; i++) seen.add(y[i]);
  return seen.size;
}

// ---------------------------------------------------------------------------------------------
// Ranking metrics

/**
 * Cumulative true/false positives at each distinct score, scores descending: scikit-learn's
 * `_binary_clf_curve`. Tied scores form one threshold, which is what makes ties count one half
 * in AUROC.
 */
function binaryClfCurve(yTrue: BinaryLabels, scores: ArrayLike<number>, what: string): { tps: Float64Array; fps: Float64Array; thresholds: Float64Array; pos: number; neg: number } {
  checkLength(yTrue.length, scores.length, what, 'scores');
  const pos = countBinary(yTrue, what);
  checkScores(scores, what);
  const n = yTrue.length;
  requireBothClasses(pos, n, what);
  // Positive and negative scores sorted apart (native typed-array sorts, no comparator), then
  // merged from the top: one threshold per distinct score, with the tp/fp counts reaching it.
  const P = new Float64Array(pos);
  const N = new Float64Array(n - pos);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (yTrue[i] === 1) P[a++] = scores[i];
    else N[b++] = scores[i];
  }
  P.sort();
  N.sort();
  const tps = new Float64Array(n);
  const fps = new Float64Array(n);
  const thr = new Float64Array(n);
  let m = 0;
  let i = P.length - 1;
  let j = N.length - 1;
  let tp = 0;
  let fp = 0;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? N[j] : j < 0 ? P[i] : Math.max(P[i], N[j]);
    while (i >= 0 && P[i] === v) {
      tp++;
      i--;
    }
    while (j >= 0 && N[j] === v) {
      fp++;
      j--;
    }
    tps[m] = tp;
    fps[m] = fp;
    thr[m] = v;
    m++;
  }
  return { tps: tps.subarray(0, m), fps: fps.subarray(0, m), thresholds: thr.subarray(0, m), pos, neg: n - pos };
}

/**
 * Area under the ROC curve = scikit-learn `roc_auc_score` for binary labels. Trapezoids over the
 * distinct-score thresholds, so a tied positive/negative pair counts one half (the Mann–Whitney
 * U statistic / (P·N)). Summed in integer counts and divided once, which keeps it exact.
 */
export function rocAuc(yTrue: BinaryLabels, scores: ArrayLike<number>): number {
  const { tps, fps, pos, neg } = binaryClfCurve(yTrue, scores, 'AUROC');
  let twiceArea = 0;
  let prevTp = 0;
  let prevFp = 0;
  for (let i = 0; i < tps.length; i++) {
    twiceArea += (fps[i] - prevFp) * (tps[i] + prevTp);
    prevTp = tps[i];
    prevFp = fps[i];
  }
  return twiceArea / (2 * pos * neg);
}

/**
 * Area under the precision–recall curve as average precision = scikit-learn
 * `average_precision_score`: AP = Σₙ (Rₙ − Rₙ₋₁)·Pₙ over the distinct-score thresholds, a step
 * function with no interpolation. We report this, not the trapezoidal area `auc(recall,
 * precision)`: linear interpolation between PR points is not achievable by any classifier and
 * overstates the area (Davis & Goadrich, ICML 2006), and CBraMod's evaluator reports
 * average_precision_score as its "AUC-PR".
 */
export function averagePrecision(yTrue: BinaryLabels, scores: ArrayLike<number>): number {
  const { tps, fps, pos } = binaryClfCurve(yTrue, scores, 'AUC-PR');
  let ap = 0;
  let prevTp = 0;
  for (let i = 0; i < tps.length; i++) {
    if (tps[i] !== prevTp) ap += ((tps[i] - prevTp) / pos) * (tps[i] / (tps[i] + fps[i]));
    prevTp = tps[i];
  }
  return ap;
}

/**
 * ROC curve points for plots, as scikit-learn `roc_curve` returns them (with its default
 * `drop_intermediate=true`: points on a straight segment are dropped; the area is unchanged).
 * The first point is (0, 0) at threshold +Infinity, as in scikit-learn ≥ 1.3 (1.2 used max + 1).
 */
export function rocCurve(yTrue: BinaryLabels, scores: ArrayLike<number>, opts: { dropIntermediate?: boolean } = {}): RocCurve {
  const { tps, fps, thresholds, pos, neg } = binaryClfCurve(yTrue, scores, 'ROC curve');
  let keep = Array.from({ length: tps.length }, (_, i) => i);
  if ((opts.dropIntermediate ?? true) && tps.length > 2) {
    // Keep a point where the second difference of fps or tps is non-zero (a corner), plus both ends.
    keep = keep.filter((i) => i === 0 || i === tps.length - 1 || fps[i + 1] - 2 * fps[i] + fps[i - 1] !== 0 || tps[i + 1] - 2 * tps[i] + tps[i - 1] !== 0);
  }
  const m = keep.length + 1;
  const fpr = new Float64Array(m);
  const tpr = new Float64Array(m);
  const thr = new Float64Array(m);
  thr[0] = Infinity;
  keep.forEach((i, k) => {
    fpr[k + 1] = fps[i] / neg;
    tpr[k + 1] = tps[i] / pos;
    thr[k + 1] = thresholds[i];
  });
  return { fpr, tpr, thresholds: thr };
}

/** Precision–recall curve points = scikit-learn `precision_recall_curve` (thresholds ascending, final point (recall 0, precision 1)). */
export function prCurve(yTrue: BinaryLabels, scores: ArrayLike<number>): PrCurve {
  const { tps, fps, thresholds, pos } = binaryClfCurve(yTrue, scores, 'PR curve');
  const m = tps.length;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const thr = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const i = m - 1 - k; // reversed: thresholds ascending
    const predicted = tps[i] + fps[i];
    precision[k] = predicted === 0 ? 0 : tps[i] / predicted;
    recall[k] = tps[i] / pos;
    thr[k] = thresholds[i];
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: thr };
}

// ---------------------------------------------------------------------------------------------
// Threshold metrics

/**
 * Confusion matrix, rows = true class, columns = predicted (scikit-learn `confusion_matrix`
 * layout). `numClasses` defaults to max label + 1 over both arrays (2 at least).
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses?: number): ConfusionMatrix {
  checkLength(yTrue.length, yPred.length, 'confusion matrix', 'predictions');
  const k = Math.max(2, classCount(yTrue, 'confusion matrix (true)'), classCount(yPred, 'confusion matrix (predicted)'));
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < k)) {
    throw new EvalError(EvalErrorCode.BadLabel, `confusion matrix: numClasses ${numClasses} but labels go up to ${k - 1}`);
  }
  const K = numClasses ?? k;
  // A plain array, so that report.json holds [TN, FP, FN, TP] (an Int32Array serialises as {"0": TN, …}).
  const counts = new Array<number>(K * K).fill(0);
  for (let i = 0; i < yTrue.length; i++) counts[yTrue[i] * K + yPred[i]]++;
  return { numClasses: K, counts };
}

/** Fraction of samples whose predicted class equals the true class (defined for one class too). */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const { numClasses: K, counts } = confusionMatrix(yTrue, yPred);
  let hit = 0;
  for (let c = 0; c < K; c++) hit += counts[c * K + c];
  return hit / yTrue.length;
}

function requireTwoTrueClasses(yTrue: ArrayLike<number>, what: string): void {
  if (distinctCount(yTrue) < 2) {
    throw new EvalError(EvalErrorCode.SingleClass, `${what} is undefined: the true labels hold one class only (${String(yTrue[0])}, ${yTrue.length} samples)`);
  }
}

/**
 * Balanced accuracy = mean recall over the classes present in the truth (scikit-learn
 * `balanced_accuracy_score`, adjusted = false).
 */
export function balancedAccuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const { numClasses: K, counts } = confusionMatrix(yTrue, yPred);
  requireTwoTrueClasses(yTrue, 'balanced accuracy');
  let sum = 0;
  let present = 0;
  for (let t = 0; t < K; t++) {
    let support = 0;
    for (let p = 0; p < K; p++) support += counts[t * K + p];
    if (support === 0) continue;
    sum += counts[t * K + t] / support;
    present++;
  }
  return sum / present;
}

/** Cohen's κ between truth and prediction, unweighted (scikit-learn `cohen_kappa_score`). */
export function cohenKappa(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const { numClasses: K, counts } = confusionMatrix(yTrue, yPred);
  requireTwoTrueClasses(yTrue, "Cohen's kappa");
  const n = yTrue.length;
  const rowSum = new Float64Array(K);
  const colSum = new Float64Array(K);
  for (let t = 0; t < K; t++) {
    for (let p = 0; p < K; p++) {
      rowSum[t] += counts[t * K + p];
      colSum[p] += counts[t * K + p];
    }
  }
  // κ = 1 − observed disagreement / disagreement expected by chance, as scikit-learn writes it.
  let observed = 0;
  let expected = 0;
  for (let t = 0; t < K; t++) {
    for (let p = 0; p < K; p++) {
      if (t === p) continue;
      observed += counts[t * K + p];
      expected += (colSum[t] * rowSum[p]) / n;
    }
  }
  return 1 - observed / expected;
}

export type F1Average = 'binary' | 'weighted' | 'macro';

/**
 * F1 score (scikit-learn `f1_score`). 'binary': F1 of class 1 (labels must be 0/1). 'weighted':
 * per-class F1 averaged with the true support as weights. 'macro': plain mean over the classes
 * present in truth or prediction. A class with no predicted and no true samples, or no true
 * positives, has F1 = 0, as scikit-learn's zero_division default gives.
 */
export function f1Score(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, average: F1Average = 'binary'): number {
  if (average === 'binary') {
    checkLength(yTrue.length, yPred.length, 'F1', 'predictions');
    const pos = countBinary(yTrue, 'F1 (true)');
    countBinary(yPred, 'F1 (predicted)');
    if (pos === 0) throw new EvalError(EvalErrorCode.SingleClass, `F1 is undefined: the true labels hold no positives (${yTrue.length} samples)`);
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < yTrue.length; i++) {
      if (yPred[i] === 1) {
        if (yTrue[i] === 1) tp++;
        else fp++;
      }
    }
    return perClassF1(tp, fp, pos - tp);
  }
  const { numClasses: K, counts } = confusionMatrix(yTrue, yPred);
  requireTwoTrueClasses(yTrue, `F1 (${average})`);
  let sum = 0;
  let weight = 0;
  for (let c = 0; c < K; c++) {
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < K; j++) {
      support += counts[c * K + j];
      predicted += counts[j * K + c];
    }
    if (support === 0 && predicted === 0) continue; // label absent from both: not in scikit-learn's label set
    const tp = counts[c * K + c];
    const f1 = perClassF1(tp, predicted - tp, support - tp);
    const w = average === 'weighted' ? support : 1;
    sum += w * f1;
    weight += w;
  }
  return sum / weight;
}

/** F1 from counts as scikit-learn computes it: 2·P·R / (P + R), 0 where P + R = 0. */
function perClassF1(tp: number, fp: number, fn: number): number {
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/**
 * Predicted class from a positive-class score: 1 where score > threshold. Strict, as CBraMod's
 * evaluator (sigmoid > 0.5) and scikit-learn's `predict` (decision function > 0) do.
 */
export function thresholdScores(scores: ArrayLike<number>, threshold = 0.5): Uint8Array {
  if (!Number.isFinite(threshold)) throw new EvalError(EvalErrorCode.BadOption, `threshold ${threshold} is not a finite number`);
  checkScores(scores, 'threshold');
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = scores[i] > threshold ? 1 : 0;
  return out;
}
