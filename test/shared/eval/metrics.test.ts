// Every metric against scikit-learn (Debian python3-sklearn) on the same predictions, to 1e-9:
// ties, imbalanced classes, perfect and inverted rankings, multiclass, seeded random cases.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accuracy, averagePrecision, balancedAccuracy, cohenKappa, confusionMatrix, EvalError, EvalErrorCode,
  evaluateBinary, f1Score, prCurve, rocAuc, rocCurve, seededRandom, thresholdScores,
} from '../../../src/shared/eval';
import { hasPython, runPython } from './python-reference';

const TOL = 1e-9;

interface BinaryCase { name: string; y: number[]; s: number[] }
interface MultiCase { name: string; y: number[]; p: number[]; k: number }

function binaryCases(): BinaryCase[] {
  const r = seededRandom(42);
  const cases: BinaryCase[] = [
    { name: 'hand, ties across classes', y: [0, 0, 1, 1, 0, 1, 1, 0], s: [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.9, 0.2] },
    { name: 'all scores tied', y: [0, 1, 1, 0, 1], s: [0.5, 0.5, 0.5, 0.5, 0.5] },
    { name: 'perfect', y: [0, 0, 0, 1, 1], s: [0.1, 0.2, 0.3, 0.7, 0.9] },
    { name: 'inverted', y: [1, 1, 0, 0, 0], s: [0.1, 0.2, 0.3, 0.7, 0.9] },
    { name: 'one positive', y: [0, 0, 0, 0, 1, 0], s: [0.3, 0.6, 0.2, 0.6, 0.6, 0.1] },
    { name: 'logits, negative scores', y: [1, 0, 1, 0, 1, 1, 0], s: [-2.5, -0.1, 3.2, -4, 0.0, 0.0, 0.0] },
  ];
  for (let c = 0; c < 6; c++) {
    const n = 20 + Math.floor(r() * 300);
    const pPos = c < 2 ? 0.03 + 0.05 * r() : 0.2 + 0.6 * r(); // two strongly imbalanced cases
    const y: number[] = [];
    const s: number[] = [];
    for (let i = 0; i < n; i++) {
      let label = r() < pPos ? 1 : 0;
      if (i === 0) label = 1;
      if (i === 1) label = 0;
      y.push(label);
      const raw = 1 / (1 + Math.exp(-(label * 1.2 + (r() - 0.5) * 3)));
      // Round some cases to 1–2 decimals so that many scores tie.
      s.push(c % 3 === 0 ? Math.round(raw * 10) / 10 : c % 3 === 1 ? Math.round(raw * 100) / 100 : raw);
    }
    cases.push({ name: `seeded random #${c} (n=${n})`, y, s });
  }
  return cases;
}

function multiCases(): MultiCase[] {
  const r = seededRandom(7);
  const cases: MultiCase[] = [
    { name: 'binary hand', y: [0, 1, 1, 0, 1, 0, 0], p: [0, 1, 0, 0, 1, 1, 0], k: 2 },
    { name: 'binary, predicts one class', y: [0, 1, 1, 0, 1], p: [1, 1, 1, 1, 1], k: 2 },
    { name: 'three classes, class 2 never predicted', y: [0, 1, 2, 2, 1, 0, 2, 1], p: [0, 1, 1, 0, 1, 0, 1, 1], k: 3 },
    { name: 'four classes, class 3 only predicted', y: [0, 1, 2, 0, 1, 2, 0], p: [0, 3, 2, 0, 1, 2, 3], k: 4 },
  ];
  for (let c = 0; c < 4; c++) {
    const k = 2 + (c % 3);
    const n = 30 + Math.floor(r() * 200);
    const y: number[] = [];
    const p: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = i < k ? i : Math.floor(r() ** (c === 0 ? 3 : 1) * k); // c = 0: skewed towards class 0
      y.push(t);
      p.push(r() < 0.6 ? t : Math.floor(r() * k));
    }
    cases.push({ name: `seeded random #${c} (k=${k}, n=${n})`, y, p, k });
  }
  return cases;
}

const PY = `
import json, sys
import numpy as np
from sklearn import metrics as M
d = json.load(sys.stdin)
out = {'binary': [], 'multi': []}
for c in d['binary']:
    y = np.array(c['y']); s = np.array(c['s'])
    p = (s > 0.5).astype(int)
    fpr, tpr, thr = M.roc_curve(y, s)
    pr, rc, pthr = M.precision_recall_curve(y, s)
    out['binary'].append(dict(
        auroc=M.roc_auc_score(y, s), ap=M.average_precision_score(y, s),
        fpr=fpr.tolist(), tpr=tpr.tolist(), thr=thr[1:].tolist(),
        fpr_all=M.roc_curve(y, s, drop_intermediate=False)[0].tolist(),
        precision=pr.tolist(), recall=rc.tolist(), pthr=pthr.tolist(),
        f1=M.f1_score(y, p, zero_division=0), f1w=M.f1_score(y, p, average='weighted', zero_division=0),
        bacc=M.balanced_accuracy_score(y, p), kappa=M.cohen_kappa_score(y, p), acc=M.accuracy_score(y, p),
        cm=M.confusion_matrix(y, p, labels=[0, 1]).ravel().tolist()))
for c in d['multi']:
    y = np.array(c['y']); p = np.array(c['p'])
    out['multi'].append(dict(
        f1w=M.f1_score(y, p, average='weighted', zero_division=0), f1m=M.f1_score(y, p, average='macro', zero_division=0),
        f1b=M.f1_score(y, p, zero_division=0) if c['k'] == 2 else None,
        bacc=M.balanced_accuracy_score(y, p), kappa=M.cohen_kappa_score(y, p), acc=M.accuracy_score(y, p),
        cm=M.confusion_matrix(y, p, labels=list(range(c['k']))).ravel().tolist()))
print(json.dumps(out))
`;

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= TOL, `${what}: ${actual} vs scikit-learn ${expected}`);
}
function closeArray(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs scikit-learn ${expected.length}`);
  for (let i = 0; i < expected.length; i++) close(actual[i], expected[i], `${what}[${i}]`);
}

describe('metrics against scikit-learn', { skip: !hasPython && 'needs /usr/bin/python3 with python3-sklearn' }, () => {
  const bc = binaryCases();
  const mc = multiCases();
  type BinRef = { auroc: number; ap: number; fpr: number[]; tpr: number[]; thr: number[]; fpr_all: number[]; precision: number[]; recall: number[]; pthr: number[]; f1: number; f1w: number; bacc: number; kappa: number; acc: number; cm: number[] };
  type MultiRef = { f1w: number; f1m: number; f1b: number | null; bacc: number; kappa: number; acc: number; cm: number[] };
  const ref = hasPython ? runPython<{ binary: BinRef[]; multi: MultiRef[] }>(PY, { binary: bc, multi: mc }) : { binary: [], multi: [] };

  bc.forEach((c, i) => {
    test(`binary: ${c.name}`, () => {
      const r = ref.binary[i];
      close(rocAuc(c.y, c.s), r.auroc, 'AUROC');
      close(averagePrecision(c.y, c.s), r.ap, 'AP');
      const roc = rocCurve(c.y, c.s);
      closeArray(roc.fpr, r.fpr, 'fpr');
      closeArray(roc.tpr, r.tpr, 'tpr');
      assert.equal(roc.thresholds[0], Infinity, 'the first ROC threshold is Infinity (as scikit-learn)');
      closeArray(roc.thresholds.subarray(1), r.thr, 'roc thresholds');
      closeArray(rocCurve(c.y, c.s, { dropIntermediate: false }).fpr, r.fpr_all, 'fpr (all points)');
      const pr = prCurve(c.y, c.s);
      closeArray(pr.precision, r.precision, 'precision');
      closeArray(pr.recall, r.recall, 'recall');
      closeArray(pr.thresholds, r.pthr, 'pr thresholds');
      const m = evaluateBinary(c.y, c.s);
      close(m.auroc, r.auroc, 'evaluateBinary AUROC');
      close(m.aucPr, r.ap, 'evaluateBinary AUC-PR');
      close(m.f1, r.f1, 'F1');
      close(m.f1Weighted, r.f1w, 'F1 weighted');
      close(m.balancedAccuracy, r.bacc, 'balanced accuracy');
      close(m.cohenKappa, r.kappa, 'kappa');
      close(m.accuracy, r.acc, 'accuracy');
      assert.deepEqual(Array.from(m.confusion.counts), r.cm, 'confusion counts as scikit-learn');
    });
  });

  mc.forEach((c, i) => {
    test(`labels: ${c.name}`, () => {
      const r = ref.multi[i];
      close(f1Score(c.y, c.p, 'weighted'), r.f1w, 'F1 weighted');
      close(f1Score(c.y, c.p, 'macro'), r.f1m, 'F1 macro');
      if (r.f1b !== null) close(f1Score(c.y, c.p, 'binary'), r.f1b, 'F1 binary');
      close(balancedAccuracy(c.y, c.p), r.bacc, 'balanced accuracy');
      close(cohenKappa(c.y, c.p), r.kappa, 'kappa');
      close(accuracy(c.y, c.p), r.acc, 'accuracy');
      assert.deepEqual(Array.from(confusionMatrix(c.y, c.p, c.k).counts), r.cm, 'confusion counts as scikit-learn');
    });
  });
});

describe('metrics: known values', () => {
  test('AUROC counts a tied positive/negative pair as one half', () => {
    assert.equal(rocAuc([0, 1], [0.5, 0.5]), 0.5);
    assert.equal(rocAuc([0, 1, 0, 1], [0.1, 0.5, 0.5, 0.9]), 0.875); // (1 + 1 + 0.5 + 1) / 4
  });
  test('AUROC is invariant to a monotone transform of the scores', () => {
    const y = [0, 1, 1, 0, 1, 0];
    const p = [0.2, 0.7, 0.4, 0.4, 0.9, 0.1];
    assert.equal(rocAuc(y, p), rocAuc(y, p.map((v) => Math.log(v / (1 - v)))));
  });
  test('threshold is strict: a score equal to it is predicted negative', () => {
    assert.deepEqual(Array.from(thresholdScores([0.5, 0.50001, 0.2], 0.5)), [0, 1, 0]);
  });
  test('confusion matrix layout is rows = truth, columns = prediction', () => {
    // truth 1 predicted 0 twice → row 1, column 0.
    assert.deepEqual(Array.from(confusionMatrix([1, 1, 0], [0, 0, 0]).counts), [1, 0, 2, 0]);
  });
});

describe('metrics: degenerate input is a clear EvalError', () => {
  const code = (c: EvalErrorCode) => (e: unknown) => e instanceof EvalError && e.code === c;
  test('one class only', () => {
    assert.throws(() => rocAuc([1, 1, 1], [0.2, 0.3, 0.9]), code(EvalErrorCode.SingleClass));
    assert.throws(() => averagePrecision([0, 0], [0.2, 0.3]), /only negatives/);
    assert.throws(() => f1Score([0, 0, 0], [0, 1, 0]), code(EvalErrorCode.SingleClass));
    assert.throws(() => balancedAccuracy([1, 1], [0, 1]), code(EvalErrorCode.SingleClass));
    assert.throws(() => cohenKappa([2, 2], [2, 2]), code(EvalErrorCode.SingleClass));
    assert.throws(() => evaluateBinary([1, 1], [0.2, 0.9]), code(EvalErrorCode.SingleClass));
    // Accuracy and the confusion matrix stay defined for one class.
    assert.equal(accuracy([1, 1], [1, 0]), 0.5);
  });
  test('empty', () => {
    assert.throws(() => rocAuc([], []), code(EvalErrorCode.Empty));
    assert.throws(() => accuracy([], []), code(EvalErrorCode.Empty));
  });
  test('NaN or infinite scores', () => {
    assert.throws(() => rocAuc([0, 1], [0.2, NaN]), code(EvalErrorCode.NonFiniteScore));
    assert.throws(() => evaluateBinary([0, 1], [Infinity, 0.2]), code(EvalErrorCode.NonFiniteScore));
    assert.throws(() => thresholdScores([0.2], NaN), code(EvalErrorCode.BadOption));
  });
  test('lengths that do not pair up', () => {
    assert.throws(() => rocAuc([0, 1, 1], [0.2, 0.3]), code(EvalErrorCode.LengthMismatch));
    assert.throws(() => f1Score([0, 1], [0, 1, 1], 'weighted'), code(EvalErrorCode.LengthMismatch));
  });
  test('labels that are not classes', () => {
    assert.throws(() => rocAuc([0, 2], [0.1, 0.2]), code(EvalErrorCode.BadLabel));
    assert.throws(() => f1Score([0, 1, 2], [0, 1, 2], 'binary'), code(EvalErrorCode.BadLabel));
    assert.throws(() => accuracy([0, 1.5], [0, 1]), code(EvalErrorCode.BadLabel));
    assert.throws(() => confusionMatrix([0, -1], [0, 1]), code(EvalErrorCode.BadLabel));
    assert.throws(() => confusionMatrix([0, 3], [0, 1], 2), code(EvalErrorCode.BadLabel));
  });
});
