// Baseline features against scipy.signal.welch / numpy, the standardiser against scikit-learn's
// StandardScaler, and the subject-wise baseline end to end against a scikit-learn pipeline.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eegBandFeatures, eegBandFeatureNames, heartRateFeatures, rrIntervalsFromEcg, rrIntervalsInSpan, rrIntervalsMs, welchSegmentLength, baselineFeatureMatrix, baselineFeatureNames } from '../../../../src/shared/train/baseline/features';
import { applyStandardizer, fitStandardizer } from '../../../../src/shared/train/baseline/standardizer';
import { BASELINE_C_GRID, evaluateBaseline, predictBaseline, selectBaselineC, trainBaseline } from '../../../../src/shared/train/baseline/baseline';
import { fitLogisticRegression } from '../../../../src/shared/train/baseline/logistic-regression';
import { BaselineError, BaselineErrorCode, type FeatureMatrix } from '../../../../src/shared/train/baseline/baseline.types';
import { EvalError, EvalErrorCode, leaveOneSubjectOut, seededRandom, subjectKFold, type SubjectFold } from '../../../../src/shared/eval';
import { hasPython, runPython } from '../../eval/python-reference';

const gaussian = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

function eegWindow(seed: number, nCh: number, fs: number, seconds: number): Float64Array[] {
  const r = seededRandom(seed);
  return Array.from({ length: nCh }, (_, c) => {
    const x = new Float64Array(Math.round(fs * seconds));
    for (let i = 0; i < x.length; i++) {
      const t = i / fs;
      x[i] = 20 * Math.sin(2 * Math.PI * (10 + c) * t) + 8 * Math.sin(2 * Math.PI * 2.5 * t + c) + 3 * Math.sin(2 * Math.PI * 21 * t) + 5 * gaussian(r);
    }
    return x;
  });
}

const near = (a: number, b: number, rel: number, what: string) => assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

describe('baseline features against scipy / numpy', { skip: !hasPython && 'needs /usr/bin/python3 with python3-scipy' }, () => {
  // Inputs of all three checks, and one Python run for them (importing scikit-learn is the slow part).
  const cases = [
    { fs: 200, ch: eegWindow(1, 3, 200, 5) },
    { fs: 128, ch: eegWindow(2, 2, 128, 4) },
    { fs: 500, ch: eegWindow(3, 1, 500, 1.5) },
  ];
  const r = seededRandom(4);
  const rr = Array.from({ length: 40 }, () => 800 + 60 * gaussian(r));
  const rows = 30;
  const cols = 4;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    data[i * cols] = 3 + 2 * gaussian(r);
    data[i * cols + 1] = 7; // constant
    data[i * cols + 2] = i === 4 ? NaN : 1e3 * gaussian(r);
    data[i * cols + 3] = 1e-3 * gaussian(r) - 5;
  }
  const train = Array.from({ length: 20 }, (_, i) => i);
  const ref = hasPython
    ? runPython<{ welch: number[][]; heart: number[]; scaler: { mean: number[]; scale: number[] } }>(
        `
import json, sys
import numpy as np
from scipy.signal import welch
from sklearn.preprocessing import StandardScaler
d = json.load(sys.stdin)
bands = [(1, 4), (4, 8), (8, 13), (13, 30), (30, 45)]
out = {'welch': []}
for c in d['eeg']:
    feats = []
    for x in c['ch']:
        f, p = welch(np.array(x), fs=c['fs'], nperseg=c['nperseg'])
        bp = [p[(f >= lo) & (f < hi)].sum() * (f[1] - f[0]) for lo, hi in bands]
        feats += [float(np.log10(b)) for b in bp] + [float(b / sum(bp)) for b in bp]
    out['welch'].append(feats)
rr = np.array(d['rr'])
out['heart'] = [60000 / rr.mean(), float(np.sqrt(np.mean(np.diff(rr) ** 2))), float(np.std(rr, ddof=1))]
X = np.array([[np.nan if v is None else v for v in row] for row in d['X']])
s = StandardScaler().fit(X)
out['scaler'] = {'mean': s.mean_.tolist(), 'scale': s.scale_.tolist()}
print(json.dumps(out))
`,
        {
          eeg: cases.map((c) => ({ fs: c.fs, nperseg: welchSegmentLength(c.fs, c.ch[0].length), ch: c.ch.map((x) => Array.from(x)) })),
          rr,
          X: train.map((i) => Array.from(data.subarray(i * cols, (i + 1) * cols), (v) => (Number.isNaN(v) ? null : v))),
        },
      )
    : (null as never);

  test('EEG band features = scipy.signal.welch + band sums, log10 absolute and relative', () => {
    cases.forEach((c, i) => {
      const f = eegBandFeatures(c.ch, c.fs);
      assert.equal(f.length, c.ch.length * 10, `case ${i}: 10 features a channel`);
      f.forEach((v, k) => near(v, ref.welch[i][k], 1e-9, `case ${i} feature ${k}`));
    });
    assert.equal(welchSegmentLength(200, 1000), 256);
    assert.equal(welchSegmentLength(128, 512), 256);
    assert.equal(welchSegmentLength(500, 750), 512);
  });

  test('heart features = numpy (mean HR from mean RR, RMSSD, SDNN with ddof = 1)', () => {
    const h = heartRateFeatures(rr);
    near(h.meanHrBpm, ref.heart[0], 1e-12, 'mean HR');
    near(h.rmssdMs, ref.heart[1], 1e-12, 'RMSSD');
    near(h.sdnnMs, ref.heart[2], 1e-12, 'SDNN');
  });

  test('standardiser = StandardScaler (population sd, constant feature scale 1, NaN ignored in fit)', () => {
    const X: FeatureMatrix = { rows, cols, data, names: ['a', 'b', 'c', 'd'] };
    const s = fitStandardizer(X, train);
    s.mean.forEach((v, j) => near(v, ref.scaler.mean[j], 1e-12, `mean ${j}`));
    s.scale.forEach((v, j) => near(v, ref.scaler.scale[j], 1e-12, `scale ${j}`));
    const Z = applyStandardizer(s, X, [4, 25]);
    assert.equal(Z.data[2], 0, 'NaN imputed with the training mean');
    near(Z.data[cols], (data[25 * cols] - s.mean[0]) / s.scale[0], 1e-15, 'test row standardised with training figures');
  });
});

describe('baseline features: shapes and bad signals', () => {
  test('names, modalities, NaN heart features for too few beats', () => {
    assert.deepEqual(eegBandFeatureNames(['Fz']).slice(0, 6), ['Fz:delta:log', 'Fz:theta:log', 'Fz:alpha:log', 'Fz:beta:log', 'Fz:gamma:log', 'Fz:delta:rel']);
    assert.equal(baselineFeatureNames('fused', ['Fz', 'Cz']).length, 23);
    assert.equal(baselineFeatureNames('eeg', ['Fz', 'Cz']).length, 20);
    assert.deepEqual(baselineFeatureNames('ecg', ['Fz']), ['heart:mean_hr_bpm', 'heart:rmssd_ms', 'heart:sdnn_ms']);
    const one = heartRateFeatures([750]);
    assert.equal(one.meanHrBpm, 80);
    assert.ok(Number.isNaN(one.rmssdMs) && Number.isNaN(one.sdnnMs), `one beat's RMSSD and SDNN are NaN, got ${one.rmssdMs} and ${one.sdnnMs}`);
    assert.deepEqual(Array.from(rrIntervalsMs([100, 300, 550], 250)), [800, 1000]);
    const eeg = { channels: eegWindow(6, 2, 200, 2), sampleRateHz: 200 };
    const X = baselineFeatureMatrix([{ eeg, rrMs: [800, 810, 790] }, { eeg, rrMs: [] }], 'fused', ['Fz', 'Cz']);
    assert.equal(X.cols, 23);
    assert.ok(Number.isNaN(X.data[23 + 20]), `the beatless row's mean heart rate is NaN, got ${X.data[23 + 20]}`);
    const relSum = Array.from(X.data.subarray(5, 10)).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(relSum - 1) < 1e-12, 'relative powers sum to 1');
  });
  test('bad signals and missing modalities are BaselineErrors', () => {
    const code = (c: BaselineErrorCode) => (e: unknown) => e instanceof BaselineError && e.code === c;
    assert.throws(() => eegBandFeatures([Float64Array.of(1, 2, 3)], 200), code(BaselineErrorCode.BadSignal));
    assert.throws(() => eegBandFeatures([new Float64Array(400), new Float64Array(300)], 200), code(BaselineErrorCode.BadSignal));
    const nan = new Float64Array(400);
    nan[7] = NaN;
    assert.throws(() => eegBandFeatures([nan], 200), code(BaselineErrorCode.BadSignal));
    assert.throws(() => eegBandFeatures([new Float64Array(400)], 64), code(BaselineErrorCode.BadSignal));
    assert.throws(() => heartRateFeatures([800, -1]), code(BaselineErrorCode.BadSignal));
    assert.throws(() => baselineFeatureMatrix([{ rrMs: [800] }], 'fused', ['Fz']), code(BaselineErrorCode.BadShape));
    assert.throws(() => baselineFeatureMatrix([{ eeg: { channels: eegWindow(1, 1, 200, 2), sampleRateHz: 200 } }], 'ecg', ['Fz']), code(BaselineErrorCode.BadShape));
    // A flat channel has finite features (power floored before the log).
    const flat = eegBandFeatures([new Float64Array(400)], 200);
    assert.ok(flat.every(Number.isFinite), 'every feature of the flat signal is finite');
  });
});

describe('baseline heart features over normal-to-normal intervals (the dashboard\'s rule)', () => {
  /** R-peak times (s) of a steady 75-bpm rhythm (800 ± 15 ms) from 0 s, with extra peaks at `extra`. */
  const peaks = (n: number, extra: number[] = []): number[] => {
    const t = [0];
    for (let i = 1; i < n; i++) t.push(t[i - 1] + 0.8 + 0.015 * Math.sin(i * 1.7));
    return [...t, ...extra].sort((a, b) => a - b);
  };

  test('a false beat inside a 5-s window is judged against the beats around the window: both halves NaN, RMSSD unmoved', () => {
    const t = peaks(40);
    // The 5-s window [10.3, 15.3) holds six or seven peaks; a false peak 0.3 s after the one at ~12 s.
    const k = t.findIndex((v) => v > 12);
    const noisy = peaks(40, [t[k] + 0.3]);
    const clean = rrIntervalsInSpan(t, 10.3, 15.3);
    const rr = rrIntervalsInSpan(noisy, 10.3, 15.3);
    assert.equal(rr.length, clean.length + 1, 'one interval more: the split one is two');
    assert.equal(rr.filter(Number.isNaN).length, 2, `both halves of the split interval are not normal: ${Array.from(rr, (v) => v.toFixed(0)).join(' ')}`);
    const h = heartRateFeatures(rr);
    const c = heartRateFeatures(clean);
    assert.ok(Math.abs(h.meanHrBpm - c.meanHrBpm) < 1, `mean HR ${h.meanHrBpm.toFixed(2)} vs ${c.meanHrBpm.toFixed(2)} bpm`);
    assert.ok(h.rmssdMs < 2 * c.rmssdMs, `RMSSD ${h.rmssdMs.toFixed(1)} ms vs ${c.rmssdMs.toFixed(1)} ms clean (range-only it counted 300 and 500 ms)`);
    // The windows' intervals are those between peaks both inside it, the window's edges as before.
    assert.deepEqual(Array.from(rrIntervalsInSpan(t, 0, 100), (v) => Math.round(v)), t.slice(1).map((v, i) => Math.round((v - t[i]) * 1000)), 'a span over the whole recording: every interval');
    assert.equal(rrIntervalsInSpan(t, 5, 5.5).length, 0, 'a span with one peak has no interval');
  });

  test("a window's own ECG lead (no R-peak times given): the false beat's two intervals NaN, the others as detected", () => {
    // 20 s at 200 Hz: Gaussian R waves (σ 12 ms) and T waves 0.25 s after, on the peaks() rhythm.
    const fs = 200;
    const beats = peaks(24).map((t) => t + 0.5);
    const ecg = (extra: number[]) => {
      const x = new Float64Array(20 * fs);
      for (const b of [...beats, ...extra]) for (let i = 0; i < x.length; i++) {
        const t = i / fs - b;
        x[i] += 1000 * Math.exp(-(t * t) / (2 * 0.012 ** 2)) + 150 * Math.exp(-((t - 0.25) ** 2) / (2 * 0.04 ** 2));
      }
      return x;
    };
    const clean = rrIntervalsFromEcg(ecg([]), fs);
    const noisy = rrIntervalsFromEcg(ecg([beats[12] + 0.33]), fs);
    assert.ok(clean.length >= 20 && clean.every((v) => Math.abs(v - 800) < 30), `every beat found, all normal: ${Array.from(clean, (v) => v.toFixed(0)).join(' ')}`);
    const nan = Array.from(noisy).flatMap((v, i) => (Number.isNaN(v) ? [i] : []));
    assert.equal(noisy.length, clean.length + 1, 'the false beat found: one interval more');
    assert.deepEqual(nan, [nan[0], nan[0] + 1], `two successive intervals NaN: ${Array.from(noisy, (v) => v.toFixed(0)).join(' ')}`);
    assert.deepEqual([...noisy.slice(0, nan[0]), ...noisy.slice(nan[0] + 2)], [...clean.slice(0, nan[0]), ...clean.slice(nan[0] + 1)], 'the other intervals as on the clean lead');
  });

  test('RMSSD pairs only successive normal intervals: a dropped one between two breaks their pair', () => {
    // 800, [2700 out of range], 900: range-only dropping without a gap paired 800 with 900 (100 ms).
    const h = heartRateFeatures([800, 810, NaN, 900, 905]);
    assert.ok(Math.abs(h.rmssdMs - Math.sqrt((10 ** 2 + 5 ** 2) / 2)) < 1e-12, `RMSSD over 800–810 and 900–905 only, got ${h.rmssdMs}`);
    assert.ok(Math.abs(h.meanHrBpm - 60000 / 853.75) < 1e-9, `mean HR over the four normal intervals, got ${h.meanHrBpm}`);
    assert.ok(Number.isNaN(heartRateFeatures([800, NaN, 810]).rmssdMs), 'no successive pair: RMSSD NaN');
    assert.ok(Number.isNaN(heartRateFeatures([NaN, NaN]).meanHrBpm), 'no normal interval: HR NaN');
    // The recording-level series marks an out-of-range interval NaN instead of dropping it.
    const t = peaks(12);
    const gap = [...t.slice(0, 6), ...t.slice(6).map((v) => v + 2)];
    const rr = rrIntervalsInSpan(gap, 0, 100);
    assert.equal(rr.length, 11, 'every interval kept in place');
    assert.ok(Number.isNaN(rr[5]) && rr.filter(Number.isNaN).length === 1, `the 2.8-s interval is NaN in place: ${Array.from(rr, (v) => v.toFixed(0)).join(' ')}`);
  });
});

describe('evaluateBaseline: subject-wise, against a scikit-learn pipeline', () => {
  /** 6 subjects × 20 windows; each subject has its own offset (what subject-wise evaluation must not learn). */
  function subjectData() {
    const r = seededRandom(8);
    const d = 5;
    const subjects: string[] = [];
    const y: number[] = [];
    const rows: number[] = [];
    for (let s = 0; s < 6; s++) {
      const offset = Array.from({ length: d }, () => 2 * gaussian(r));
      for (let k = 0; k < 20; k++) {
        const label = k % 2;
        subjects.push(`P${s}`);
        y.push(label);
        for (let j = 0; j < d; j++) rows.push(offset[j] + gaussian(r) + (label ? 0.9 * (j === 0 ? 1 : j === 2 ? -1 : 0) : 0));
      }
    }
    const X: FeatureMatrix = { rows: subjects.length, cols: d, data: Float64Array.from(rows), names: ['a', 'b', 'c', 'd', 'e'] };
    return { X, y, subjects };
  }

  test('per-fold probabilities and metrics, and the inner-fold AUROC behind C: auto, equal StandardScaler + LogisticRegression', { skip: !hasPython && 'needs /usr/bin/python3 with python3-sklearn' }, () => {
    const { X, y, subjects } = subjectData();
    const folds = leaveOneSubjectOut(subjects);
    const ev = evaluateBaseline(X, y, subjects, folds, { C: 0.5 });
    // C chosen inside fold 0's training subjects, and the inner folds it used, for GridSearchCV.
    const rows0 = Array.from(folds[0].train);
    const sel = selectBaselineC(X, y, subjects, rows0);
    const inner = subjectKFold(rows0.map((i) => subjects[i]), 5, { labels: rows0.map((i) => y[i]), seed: 0 });
    const both = runPython<{ outer: { proba: number[]; auroc: number; ap: number; bacc: number }[]; grid: number[] }>(
      `
import json, sys, warnings
import numpy as np
from sklearn.preprocessing import StandardScaler
from sklearn.linear_model import LogisticRegression
from sklearn import metrics as M
warnings.simplefilter('ignore')
d = json.load(sys.stdin)
X = np.array(d['X']).reshape(-1, 5); y = np.array(d['y'])
def fit_predict(tr, te, C):
    sc = StandardScaler().fit(X[tr])
    m = LogisticRegression(C=C, solver='newton-cg', tol=1e-8, max_iter=100).fit(sc.transform(X[tr]), y[tr])
    return m.predict_proba(sc.transform(X[te]))[:, 1]
out = {'outer': [], 'grid': []}
for f in d['folds']:
    tr, te = np.array(f['train']), np.array(f['test'])
    p = fit_predict(tr, te, 0.5)
    out['outer'].append({'proba': p.tolist(), 'auroc': M.roc_auc_score(y[te], p), 'ap': M.average_precision_score(y[te], p),
                         'bacc': M.balanced_accuracy_score(y[te], (p > 0.5).astype(int))})
# What GridSearchCV(scoring='roc_auc') computes over the same inner folds of fold 0's training rows.
rows0 = np.array(d['rows0'])
for C in d['grid']:
    scores = [M.roc_auc_score(y[rows0[f['test']]], fit_predict(rows0[f['train']], rows0[f['test']], C)) for f in d['inner']]
    out['grid'].append(float(np.mean(scores)))
print(json.dumps(out))
`,
      {
        X: Array.from(X.data),
        y,
        folds: folds.map((f: SubjectFold) => ({ train: Array.from(f.train), test: Array.from(f.test) })),
        rows0,
        inner: inner.map((f) => ({ train: Array.from(f.train), test: Array.from(f.test) })),
        grid: [...BASELINE_C_GRID],
      },
    );
    const ref = both.outer;
    sel.candidates.forEach((c, k) => {
      assert.equal(c.C, BASELINE_C_GRID[k], `candidate ${k}'s C`);
      assert.equal(c.folds, 5, `candidate ${k}: 5 inner folds`);
      assert.ok(Math.abs(c.auroc - both.grid[k]) <= 1e-9, `C ${c.C}: mean inner AUROC ${c.auroc} vs scikit-learn ${both.grid[k]}`);
    });
    assert.equal(ev.table.rows.length, 6);
    ev.predictions.forEach((p, i) => {
      p.scores.forEach((v, k) => assert.ok(Math.abs(v - ref[i].proba[k]) <= 1e-7, `fold ${i} window ${k}: ${v} vs ${ref[i].proba[k]}`));
      const row = ev.table.rows[i];
      assert.equal(row.fold, `P${i}`, `prediction ${i} belongs to row P${i}`);
      assert.ok(Math.abs(row.metrics.auroc! - ref[i].auroc) <= 1e-9, `fold ${i} AUROC`);
      assert.ok(Math.abs(row.metrics.aucPr! - ref[i].ap) <= 1e-9, `fold ${i} AP`);
      assert.ok(Math.abs(row.metrics.balancedAccuracy! - ref[i].bacc) <= 1e-9, `fold ${i} balanced accuracy`);
    });
    assert.ok(ev.table.summary.auroc.mean > 0.6, `the planted effect is found (AUROC ${ev.table.summary.auroc.mean})`);
  });

  test('C: auto looks only at the training rows, warm starts reach the same optimum, one subject falls back to C = 1', () => {
    const { X, y, subjects } = subjectData();
    const folds = leaveOneSubjectOut(subjects, { labels: y });
    const rows = folds[2].train;
    const a = trainBaseline(X, y, { C: 'auto' }, rows, subjects);
    // Scramble everything outside the training rows: the chosen C and the model must not move.
    const data = X.data.slice();
    const y2 = y.slice();
    for (const i of folds[2].test) {
      y2[i] = 1 - y2[i];
      for (let j = 0; j < X.cols; j++) data[i * X.cols + j] = 100 * Math.sin(i + j);
    }
    const b = trainBaseline({ ...X, data }, y2, { C: 'auto' }, rows, subjects);
    assert.deepEqual(b.selection, a.selection);
    assert.deepEqual(b.logistic, a.logistic);
    assert.ok(BASELINE_C_GRID.includes(a.C), `C ${a.C} is on BASELINE_C_GRID`);
    assert.equal(a.selection!.candidates.length, BASELINE_C_GRID.length);
    // Warm start: same optimum from another starting point.
    const Z = { ...X, rows: 40, data: X.data.slice(0, 40 * X.cols) };
    const cold = fitLogisticRegression(Z, y.slice(0, 40), { C: 0.3 });
    const warm = fitLogisticRegression(Z, y.slice(0, 40), { C: 0.3, initial: { coef: [5, -5, 5, -5, 5], intercept: 3 } });
    cold.coef.forEach((v, j) => assert.ok(Math.abs(v - warm.coef[j]) < 1e-9, `coef ${j}: ${v} vs the warm start's ${warm.coef[j]}`));
    const one = trainBaseline(X, y, { C: 'auto' }, folds[0].test, subjects);
    assert.equal(one.C, 1);
    assert.match(one.selection!.note!, /one training subject/);
    assert.throws(() => trainBaseline(X, y, { C: 'auto' }), /needs the subject of each row/);
    assert.throws(() => selectBaselineC(X, y, subjects, rows, { innerFolds: 1 }), /innerFolds/);
  });

  test('trained model predicts the same as its fold; leaky folds and mismatched columns are refused', () => {
    const { X, y, subjects } = subjectData();
    const folds = leaveOneSubjectOut(subjects);
    const ev = evaluateBaseline(X, y, subjects, folds.slice(0, 1), { C: 1 });
    assert.deepEqual(predictBaseline(ev.models[0], X, folds[0].test), ev.predictions[0].scores);
    const leaky: SubjectFold = { ...folds[0], train: Int32Array.from([...folds[0].train, folds[0].test[0]]), test: folds[0].test.subarray(1) };
    assert.throws(() => evaluateBaseline(X, y, subjects, [leaky]), (e: unknown) => e instanceof EvalError && e.code === EvalErrorCode.SubjectLeakage);
    const model = trainBaseline(X, y);
    assert.throws(() => predictBaseline(model, { ...X, names: ['x', 'b', 'c', 'd', 'e'] }), (e: unknown) => e instanceof BaselineError && e.code === BaselineErrorCode.BadShape);
    assert.throws(() => trainBaseline(X, y, {}, Array.from({ length: 10 }, (_, i) => i * 2)), (e: unknown) => e instanceof BaselineError && e.code === BaselineErrorCode.BadLabels);
  });
});
