import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chanceLevels, EvalError, EvalErrorCode, evaluateBinary, foldMetricTable, formatMeanSd, meanSd, meanSdText, seededRandom } from '../../../src/shared/eval';
import { hasPython, runPython } from './python-reference';

const TOL = 1e-9;

describe('meanSd', () => {
  test('sample sd (ddof = 1) equals numpy', { skip: !hasPython && 'needs /usr/bin/python3' }, () => {
    const r = seededRandom(3);
    const sets = [[0.81, 0.79, 0.84, 0.77], [1, 2, 3, 4, 5, 6, 7], Array.from({ length: 23 }, () => 0.7 + r() * 0.2), [0.5, 0.5]];
    const ref = runPython<{ mean: number; sd: number }[]>(
      'import json,sys\nimport numpy as np\nprint(json.dumps([{"mean": float(np.mean(x)), "sd": float(np.std(x, ddof=1))} for x in json.load(sys.stdin)]))',
      sets,
    );
    sets.forEach((xs, i) => {
      const m = meanSd(xs);
      assert.ok(Math.abs(m.mean - ref[i].mean) <= TOL && Math.abs(m.sd - ref[i].sd) <= TOL, `${m.mean}±${m.sd} vs ${ref[i].mean}±${ref[i].sd}`);
      assert.equal(m.n, xs.length, `set ${i}: n`);
    });
  });
  test('skips undefined folds; sd needs two values', () => {
    const two = meanSd([0.5, null, NaN, 0.7]);
    assert.equal(two.n, 2);
    assert.ok(Math.abs(two.mean - 0.6) < 1e-15 && Math.abs(two.sd - Math.sqrt(0.02)) < 1e-15, `mean ${two.mean} (want 0.6), sd ${two.sd} (want sqrt(0.02))`);
    const one = meanSd([0.8]);
    assert.equal(one.mean, 0.8);
    assert.ok(Number.isNaN(one.sd), `one value's sd is NaN, got ${one.sd}`);
    assert.ok(Number.isNaN(meanSd([]).mean), "no values' mean is NaN");
    // Written by the one formatter of the report, the views and the card (report-text.test.ts has its cases).
    assert.equal(meanSdText(meanSd([0.8, 0.85, 0.79, 0.77, 0.85]), 5), '0.812 ± 0.036');
    assert.equal(meanSdText(one, 1), '0.800 (1 fold)');
    assert.equal(meanSdText(meanSd([]), 3), '–');
    assert.equal(formatMeanSd({ mean: 0.81234, sd: 0.0456, n: 5 }), '0.812 ± 0.046 (n=5)');
    assert.equal(formatMeanSd(one), '0.800 ± n/a (n=1)');
  });
});

describe('foldMetricTable', () => {
  const folds = [
    { fold: 'S1', yTrue: [0, 0, 1, 1, 1], scores: [0.2, 0.6, 0.7, 0.4, 0.9], subjects: ['S1', 'S1', 'S1', 'S1', 'S1'] },
    { fold: 'S2', yTrue: [1, 0, 1, 0], scores: [0.8, 0.3, 0.55, 0.5] },
    // A subject who rated every clip high: AUROC and the other class-comparing metrics are undefined.
    { fold: 'S3', yTrue: [1, 1, 1], scores: [0.9, 0.4, 0.7] },
  ];
  test('per-fold rows equal evaluateBinary; single-class fold keeps accuracy only, with a note', () => {
    const t = foldMetricTable(folds);
    assert.equal(t.rows.length, 3);
    const m1 = evaluateBinary(folds[0].yTrue, folds[0].scores);
    assert.equal(t.rows[0].metrics.auroc, m1.auroc);
    assert.equal(t.rows[0].metrics.cohenKappa, m1.cohenKappa);
    assert.deepEqual(t.rows[0].subjects, ['S1']);
    assert.equal(t.rows[2].metrics.auroc, null);
    assert.equal(t.rows[2].metrics.accuracy, 2 / 3);
    assert.deepEqual(t.rows[2].notes, ['one class only in the test labels (3 windows, all positive): AUROC, AUC-PR, F1 (binary and weighted), balanced accuracy and κ are undefined; accuracy is kept']);
    assert.equal(t.summary.auroc.n, 2);
    assert.equal(t.summary.accuracy.n, 3);
    assert.ok(Math.abs(t.summary.auroc.mean - (m1.auroc + evaluateBinary(folds[1].yTrue, folds[1].scores).auroc) / 2) < 1e-15, `summary AUROC mean ${t.summary.auroc.mean} is the mean of the two folds' AUROCs`);
    assert.deepEqual(Array.from(t.rows[1].confusion.counts), [2, 0, 0, 2]); // 0.5 is not > 0.5
  });
  test('pooled metrics over all windows equal scikit-learn', { skip: !hasPython && 'needs /usr/bin/python3' }, () => {
    const t = foldMetricTable(folds);
    const y = folds.flatMap((f) => f.yTrue);
    const s = folds.flatMap((f) => f.scores);
    const ref = runPython<number[]>(
      'import json,sys\nfrom sklearn import metrics as M\nd=json.load(sys.stdin); y=d["y"]; s=d["s"]; p=[int(v>0.5) for v in s]\nprint(json.dumps([M.roc_auc_score(y,s), M.average_precision_score(y,s), M.f1_score(y,p), M.cohen_kappa_score(y,p)]))',
      { y, s },
    );
    const p = t.pooled!;
    [p.auroc, p.aucPr, p.f1, p.cohenKappa].forEach((v, i) => assert.ok(Math.abs(v - ref[i]) <= TOL, `${v} vs ${ref[i]}`));
    assert.equal(p.n, 12);
  });
  test('bad input', () => {
    const code = (c: EvalErrorCode) => (e: unknown) => e instanceof EvalError && e.code === c;
    assert.throws(() => foldMetricTable([]), code(EvalErrorCode.Empty));
    assert.throws(() => foldMetricTable([{ fold: 'x', yTrue: [0, 1], scores: [0.1] }]), code(EvalErrorCode.LengthMismatch));
    assert.throws(() => foldMetricTable([{ fold: 'x', yTrue: [0, 1], scores: [0.1, NaN] }]), code(EvalErrorCode.NonFiniteScore));
    assert.throws(() => foldMetricTable([{ fold: 'x', yTrue: [], scores: [] }]), code(EvalErrorCode.Empty));
  });
});

describe('chanceLevels', () => {
  test('a guess that ignores the window (one score for every window) scores the chance level of AUROC, AUC-PR, balanced accuracy and κ', () => {
    const folds = [
      { fold: 'S1', yTrue: [0, 0, 1, 1, 1, 0, 0, 0] },
      { fold: 'S2', yTrue: [1, 0, 0, 0, 0] },
      { fold: 'S3', yTrue: [1, 1, 1] }, // one class: left out, as the summary leaves it out
    ];
    const chance = chanceLevels(foldMetricTable(folds.map((f) => ({ ...f, scores: f.yTrue.map(() => 0.3) }))).rows);
    assert.deepEqual(chance, { auroc: 0.5, aucPr: (3 / 8 + 1 / 5) / 2, f1: null, f1Weighted: null, balancedAccuracy: 0.5, cohenKappa: 0, accuracy: null });
    // Any constant score, on either side of the threshold: the means of the table are the chance levels.
    for (const score of [0.3, 0.7]) {
      const guess = foldMetricTable(folds.map((f) => ({ ...f, scores: f.yTrue.map(() => score) })));
      for (const m of ['auroc', 'aucPr', 'balancedAccuracy', 'cohenKappa'] as const) {
        assert.ok(Math.abs(guess.summary[m].mean - chance[m]!) < 1e-15, `${m} of a constant ${score}: ${guess.summary[m].mean}, chance ${chance[m]}`);
      }
    }
  });
  test('no fold with both classes: no chance level', () => {
    assert.deepEqual(Object.values(chanceLevels([{ n: 3, positives: 3 }, { n: 2, positives: 0 }])), [null, null, null, null, null, null, null]);
  });
});
