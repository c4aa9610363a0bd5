// Our Newton-fitted L2 logistic regression against scikit-learn LogisticRegression on the same data
// and objective. solver='lbfgs' (scikit-learn's default) stops after its own criterion, ~1e-5 from
// the optimum whatever `tol` says (its relative-reduction test fires first), so it is checked to
// that accuracy and our objective must not be worse; solver='newton-cg' gets closer (its gradient
// ~1e-7), and there the coefficients agree to 1e-6 and the probabilities to 1e-8; the objective's
// gradient at our coefficients, computed in numpy, is checked to be at rounding level.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLogisticRegression, predictLogisticRegression } from '../../../../src/shared/train/baseline/logistic-regression';
import { BaselineError, BaselineErrorCode, type FeatureMatrix } from '../../../../src/shared/train/baseline/baseline.types';
import { seededRandom } from '../../../../src/shared/eval';
import { hasPython, runPython } from '../../eval/python-reference';

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

function dataset(seed: number, n: number, d: number, separation: number, posRate = 0.5): { X: FeatureMatrix; y: number[] } {
  const r = seededRandom(seed);
  const data = new Float64Array(n * d);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = r() < posRate ? 1 : 0;
    y.push(label);
    for (let j = 0; j < d; j++) data[i * d + j] = gaussian(r) * (1 + j * 0.3) + (label ? separation * ((j % 3) - 1) : 0) + (j === 1 ? data[i * d] * 0.5 : 0);
  }
  y[0] = 1;
  y[1] = 0;
  return { X: { rows: n, cols: d, data, names: Array.from({ length: d }, (_, j) => `f${j}`) }, y };
}

const CASES = [
  { name: 'C = 1, overlapping classes', seed: 1, n: 300, d: 6, sep: 0.8, C: 1, balanced: false, posRate: 0.5 },
  { name: 'C = 0.01 (strong penalty)', seed: 2, n: 200, d: 10, sep: 1.0, C: 0.01, balanced: false, posRate: 0.5 },
  { name: 'C = 100 (weak penalty)', seed: 3, n: 400, d: 4, sep: 0.6, C: 100, balanced: false, posRate: 0.5 },
  { name: 'imbalanced, class_weight balanced', seed: 4, n: 300, d: 5, sep: 1.2, C: 0.5, balanced: true, posRate: 0.15 },
  { name: 'separable data, C = 1', seed: 5, n: 120, d: 3, sep: 6, C: 1, balanced: false, posRate: 0.5 },
  // The baseline's shape (many band-power features, weak signal, strong penalty as C: 'auto'
  // picks on EEGMAT), where steps reuse a Hessian's factor. (At C = 1 lbfgs itself stops 1e-4 off.)
  { name: 'many features, weak signal, C = 0.001', seed: 7, n: 600, d: 40, sep: 0.15, C: 0.001, balanced: false, posRate: 0.5 },
];

const PY = `
import json, sys
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.utils.class_weight import compute_sample_weight
import warnings
warnings.simplefilter('ignore')
out = []
for c in json.load(sys.stdin):
    X = np.array(c['X']).reshape(c['n'], c['d']); y = np.array(c['y'])
    cw = 'balanced' if c['balanced'] else None
    sw = compute_sample_weight(cw, y) if cw else np.ones(len(y))
    def objective(w, b):
        z = X @ w + b
        return 0.5 * w @ w + c['C'] * np.sum(sw * (np.logaddexp(0, z) - y * z))
    def gradient(w, b):
        p = 1 / (1 + np.exp(-(X @ w + b))); r = c['C'] * sw * (p - y)
        return np.r_[X.T @ r + w, r.sum()]
    res = {}
    for solver in ('lbfgs', 'newton-cg'):
        m = LogisticRegression(C=c['C'], solver=solver, tol=1e-8, max_iter=100, class_weight=cw).fit(X, y)
        res[solver] = {'coef': m.coef_[0].tolist(), 'intercept': float(m.intercept_[0]), 'proba': m.predict_proba(X)[:, 1].tolist(),
                       'objective': float(objective(m.coef_[0], m.intercept_[0]))}
    ours = np.array(c['ours'])
    res['ours'] = {'objective': float(objective(ours[:-1], ours[-1])), 'gradient': float(np.abs(gradient(ours[:-1], ours[-1])).max())}
    out.append(res)
print(json.dumps(out))
`;

describe('fitLogisticRegression against scikit-learn', { skip: !hasPython && 'needs /usr/bin/python3 with python3-sklearn' }, () => {
  const data = CASES.map((c) => {
    const d = dataset(c.seed, c.n, c.d, c.sep, c.posRate);
    const model = fitLogisticRegression(d.X, d.y, { C: c.C, classWeight: c.balanced ? 'balanced' : null });
    return { ...c, ...d, model };
  });
  type Fit = { coef: number[]; intercept: number; proba: number[]; objective: number };
  const ref = hasPython
    ? runPython<{ lbfgs: Fit; 'newton-cg': Fit; ours: { objective: number; gradient: number } }[]>(
        PY,
        data.map((c) => ({ X: Array.from(c.X.data), y: c.y, n: c.n, d: c.d, C: c.C, balanced: c.balanced, ours: [...c.model.coef, c.model.intercept] })),
      )
    : [];
  data.forEach((c, i) => {
    test(c.name, () => {
      const m = c.model;
      const p = predictLogisticRegression(m, c.X);
      const check = (r: Fit, coefTol: number, probaTol: number, solver: string) => {
        const scale = Math.max(1, ...r.coef.map(Math.abs));
        m.coef.forEach((v, j) => assert.ok(Math.abs(v - r.coef[j]) <= coefTol * scale, `${solver} coef ${j}: ${v} vs ${r.coef[j]}`));
        assert.ok(Math.abs(m.intercept - r.intercept) <= coefTol * scale, `${solver} intercept ${m.intercept} vs ${r.intercept}`);
        p.forEach((v, k) => assert.ok(Math.abs(v - r.proba[k]) <= probaTol, `${solver} proba ${k}: ${v} vs ${r.proba[k]}`));
      };
      check(ref[i]['newton-cg'], 1e-6, 1e-8, 'newton-cg');
      check(ref[i].lbfgs, 1e-4, 1e-4, 'lbfgs');
      const ours = ref[i].ours;
      assert.ok(ours.objective <= ref[i].lbfgs.objective + 1e-12 * Math.abs(ours.objective), `objective ${ours.objective} vs lbfgs ${ref[i].lbfgs.objective}`);
      assert.ok(ours.objective <= ref[i]['newton-cg'].objective + 1e-12 * Math.abs(ours.objective), `objective ${ours.objective} vs newton-cg ${ref[i]['newton-cg'].objective}`);
      assert.ok(ours.gradient <= 1e-9 * Math.max(1, c.C * c.n), `gradient at our optimum ${ours.gradient}`);
      assert.ok(m.iterations < 30, `Newton took ${m.iterations} iterations`);
    });
  });
});

describe('fitLogisticRegression: Hessian reuse', () => {
  test('forms fewer Hessians than it takes steps, and a warm start from the optimum forms one at most', () => {
    const { X, y } = dataset(6, 600, 40, 0.15, 0.5);
    const m = fitLogisticRegression(X, y, { C: 1 });
    assert.ok(m.hessians >= 1 && m.hessians < m.iterations, `${m.hessians} Hessians for ${m.iterations} steps`);
    const again = fitLogisticRegression(X, y, { C: 1, initial: m });
    assert.ok(again.hessians <= 1, `warm start at the optimum formed ${again.hessians} Hessians`);
    again.coef.forEach((v, j) => assert.ok(Math.abs(v - m.coef[j]) <= 1e-9, `coef ${j}: ${v} vs ${m.coef[j]}`));
  });
});

describe('fitLogisticRegression: determinism and bad input', () => {
  test('same data, same coefficients bit for bit', () => {
    const { X, y } = dataset(9, 100, 4, 1, 0.5);
    assert.deepEqual(fitLogisticRegression(X, y), fitLogisticRegression(X, y));
  });
  test('refuses one class, bad labels, NaN features, bad C', () => {
    const { X, y } = dataset(9, 20, 2, 1, 0.5);
    const code = (c: BaselineErrorCode) => (e: unknown) => e instanceof BaselineError && e.code === c;
    assert.throws(() => fitLogisticRegression(X, y.map(() => 1)), code(BaselineErrorCode.BadLabels));
    assert.throws(() => fitLogisticRegression(X, y.map((v) => v * 2)), code(BaselineErrorCode.BadLabels));
    assert.throws(() => fitLogisticRegression(X, y.slice(1)), code(BaselineErrorCode.BadShape));
    const nan = { ...X, data: X.data.slice() };
    nan.data[5] = NaN;
    assert.throws(() => fitLogisticRegression(nan, y), code(BaselineErrorCode.BadShape));
    assert.throws(() => fitLogisticRegression(X, y, { C: 0 }), code(BaselineErrorCode.BadOption));
    assert.throws(() => fitLogisticRegression(X, y, { sampleWeight: [1] }), code(BaselineErrorCode.BadShape));
  });
});
