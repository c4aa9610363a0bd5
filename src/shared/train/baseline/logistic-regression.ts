// L2-regularised binary logistic regression, fitted by Newton's method (IRLS) with a backtracking
// line search: the objective is smooth and strictly convex, so Newton reaches the unique optimum
// to machine precision in a handful of iterations, deterministically (no random init, no
// tolerance-dependent early stop like L-BFGS). A Hessian's factor is reused for further steps
// while they still converge fast, since forming it is the O(n·d²) bulk of a fit. Same objective
// as scikit-learn's LogisticRegression(penalty='l2', C, fit_intercept=True) — intercept not
// penalised — checked against solver='lbfgs' in test/shared/train/baseline/logistic-regression.test.ts.
import { BaselineError, BaselineErrorCode, type FeatureMatrix, type LogisticRegressionModel, type LogisticRegressionOptions } from './baseline.types';

/** log(1 + e^z) without overflow. */
function log1pExp(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Per-sample weights: sample weights × class weights ('balanced' = n / (2·n_c)). */
function sampleWeights(y: ArrayLike<number>, opts: LogisticRegressionOptions): Float64Array {
  const n = y.length;
  const w = new Float64Array(n).fill(1);
  if (opts.sampleWeight) {
    if (opts.sampleWeight.length !== n) throw new BaselineError(BaselineErrorCode.BadShape, `${opts.sampleWeight.length} sample weights for ${n} samples`);
    for (let i = 0; i < n; i++) {
      const s = opts.sampleWeight[i];
      if (!(s >= 0) || !Number.isFinite(s)) throw new BaselineError(BaselineErrorCode.BadOption, `sample weight ${s} at ${i} is not a non-negative number`);
      w[i] = s;
    }
  }
  if (opts.classWeight === 'balanced') {
    let pos = 0;
    for (let i = 0; i < n; i++) pos += y[i];
    const wPos = n / (2 * pos);
    const wNeg = n / (2 * (n - pos));
    for (let i = 0; i < n; i++) w[i] *= y[i] === 1 ? wPos : wNeg;
  }
  return w;
}

/** Cholesky factor L (lower, row-major) of a symmetric positive definite k×k A into `L`; false if A is not PD. */
function choleskyFactor(A: Float64Array, L: Float64Array, k: number): boolean {
  L.fill(0);
  for (let i = 0; i < k; i++) {
    const ri = i * k;
    for (let j = 0; j <= i; j++) {
      const rj = j * k;
      let s = A[ri + j];
      for (let m = 0; m < j; m++) s -= L[ri + m] * L[rj + m];
      if (i === j) {
        if (!(s > 0)) return false;
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j];
      }
    }
  }
  return true;
}

/** Solves L·Lᵀ·x = b into x, given the factor from choleskyFactor. */
function choleskySolve(L: Float64Array, b: Float64Array, x: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) {
    let s = b[i];
    const ri = i * k;
    for (let m = 0; m < i; m++) s -= L[ri + m] * x[m];
    x[i] = s / L[ri + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = x[i];
    for (let m = i + 1; m < k; m++) s -= L[m * k + i] * x[m];
    x[i] = s / L[i * k + i];
  }
}

/**
 * Lower triangle and intercept row/column of H = I′ + Xᵀ·diag(hw)·X over [X, 1] (k = d + 1,
 * row-major, I′ the identity on the coefficients only), then mirrored to the upper triangle.
 * Accumulated four samples at a time: each H entry is loaded and stored once per four products,
 * which is what bounds this loop's speed in JS (the O(n·d²) part of a fit).
 */
function formHessian(H: Float64Array, data: Float64Array, hw: Float64Array, n: number, d: number): void {
  const k = d + 1;
  H.fill(0);
  let i0 = 0;
  for (; i0 + 4 <= n; i0 += 4) {
    const o0 = i0 * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    const h0 = hw[i0];
    const h1 = hw[i0 + 1];
    const h2 = hw[i0 + 2];
    const h3 = hw[i0 + 3];
    // Two rows of H at a time: the four samples' entries loaded once serve both rows.
    let a = 0;
    for (; a + 2 <= d; a += 2) {
      const a0 = h0 * data[o0 + a];
      const a1 = h1 * data[o1 + a];
      const a2 = h2 * data[o2 + a];
      const a3 = h3 * data[o3 + a];
      const x0 = data[o0 + a + 1];
      const x1 = data[o1 + a + 1];
      const x2 = data[o2 + a + 1];
      const x3 = data[o3 + a + 1];
      const c0 = h0 * x0;
      const c1 = h1 * x1;
      const c2 = h2 * x2;
      const c3 = h3 * x3;
      const row = a * k;
      const row1 = row + k;
      for (let b = 0; b <= a; b++) {
        const y0 = data[o0 + b];
        const y1 = data[o1 + b];
        const y2 = data[o2 + b];
        const y3 = data[o3 + b];
        H[row + b] += a0 * y0 + a1 * y1 + a2 * y2 + a3 * y3;
        H[row1 + b] += c0 * y0 + c1 * y1 + c2 * y2 + c3 * y3;
      }
      H[row1 + a + 1] += c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3;
      H[d * k + a] += a0 + a1 + a2 + a3;
      H[d * k + a + 1] += c0 + c1 + c2 + c3;
    }
    for (; a < d; a++) {
      const a0 = h0 * data[o0 + a];
      const a1 = h1 * data[o1 + a];
      const a2 = h2 * data[o2 + a];
      const a3 = h3 * data[o3 + a];
      const row = a * k;
      for (let b = 0; b <= a; b++) H[row + b] += a0 * data[o0 + b] + a1 * data[o1 + b] + a2 * data[o2 + b] + a3 * data[o3 + b];
      H[d * k + a] += a0 + a1 + a2 + a3;
    }
  }
  for (; i0 < n; i0++) {
    const o = i0 * d;
    const h = hw[i0];
    for (let a = 0; a < d; a++) {
      const ha = h * data[o + a];
      const row = a * k;
      for (let b = 0; b <= a; b++) H[row + b] += ha * data[o + b];
      H[d * k + a] += ha;
    }
  }
  for (let i = 0; i < n; i++) H[d * k + d] += hw[i];
  for (let a = 0; a < d; a++) H[a * k + a] += 1;
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) H[a * k + b] = H[b * k + a];
}

/**
 * Fits P(y = 1 | x) = σ(x·coef + intercept) minimising ½‖coef‖² + C·Σᵢ wᵢ·[log(1 + e^{zᵢ}) − yᵢ·zᵢ].
 * X must be finite (standardise and impute first); y holds 0/1 with both classes present.
 */
export function fitLogisticRegression(X: FeatureMatrix, y: ArrayLike<number>, opts: LogisticRegressionOptions = {}): LogisticRegressionModel {
  const { rows: n, cols: d, data } = X;
  const C = opts.C ?? 1;
  const maxIter = opts.maxIter ?? 100;
  if (!(C > 0) || !Number.isFinite(C)) throw new BaselineError(BaselineErrorCode.BadOption, `C must be a positive number, got ${C}`);
  if (y.length !== n) throw new BaselineError(BaselineErrorCode.BadShape, `${n} samples but ${y.length} labels`);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new BaselineError(BaselineErrorCode.BadLabels, `label ${y[i]} at ${i} is not 0 or 1`);
    pos += y[i];
  }
  if (pos === 0 || pos === n) throw new BaselineError(BaselineErrorCode.BadLabels, `the training labels hold one class only (${n} samples, ${pos} positive); logistic regression needs both`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new BaselineError(BaselineErrorCode.BadShape, `feature ${X.names[i % d] ?? i % d} of sample ${Math.floor(i / d)} is ${data[i]}; standardise and impute before fitting`);
  }
  const w = sampleWeights(y, opts);
  const k = d + 1; // parameters: coef[0..d), intercept at d
  const theta = new Float64Array(k);
  if (opts.initial) {
    if (opts.initial.coef.length !== d) throw new BaselineError(BaselineErrorCode.BadShape, `initial coefficients have ${opts.initial.coef.length} features, matrix ${d}`);
    for (let j = 0; j < d; j++) theta[j] = Number.isFinite(opts.initial.coef[j]) ? opts.initial.coef[j] : 0;
    theta[d] = Number.isFinite(opts.initial.intercept) ? opts.initial.intercept : 0;
  }
  const z = new Float64Array(n);

  const margins = (t: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = t[d];
      const o = i * d;
      for (let j = 0; j < d; j++) s += data[o + j] * t[j];
      out[i] = s;
    }
  };
  const objective = (t: Float64Array, zz: Float64Array) => {
    let f = 0;
    for (let j = 0; j < d; j++) f += 0.5 * t[j] * t[j];
    let loss = 0;
    for (let i = 0; i < n; i++) loss += w[i] * (log1pExp(zz[i]) - y[i] * zz[i]);
    return f + C * loss;
  };

  margins(theta, z);
  let f = objective(theta, z);
  let gNorm = Infinity;
  let lastLocalGNorm = Infinity;
  let iter = 0;
  let hessians = 0;
  // Gradient entries are sums of n terms of size up to C·w·|x|: tolerances scale with that.
  let maxAbsX = 0;
  for (let i = 0; i < data.length; i++) maxAbsX = Math.max(maxAbsX, Math.abs(data[i]));
  let wMax = 0;
  for (let i = 0; i < n; i++) wMax = Math.max(wMax, w[i]);
  const gScale = Math.max(1, C * n * wMax * Math.max(1, maxAbsX));
  const gTol = (opts.tolerance ?? 1e-11) * gScale;
  const g = new Float64Array(k);
  const H = new Float64Array(k * k);
  const L = new Float64Array(k * k);
  const step = new Float64Array(k);
  const r = new Float64Array(n);
  const hw = new Float64Array(n);
  const trial = new Float64Array(k);
  const zTrial = new Float64Array(n);
  // Forming the Hessian costs O(n·d²), a gradient O(n·d): with ~150 features one Hessian costs as
  // much as ~75 gradients. So the last Hessian's Cholesky factor is kept while the steps it gives
  // still cut the gradient at least fourfold (a chord step, as in Shamanskii's Newton variant: near
  // the optimum the Hessian hardly moves), and the Hessian is formed afresh otherwise. The fixed
  // point is the same (gradient 0), only the path differs; the line search still guards every
  // step, as a kept factor is positive definite and its step a descent direction.
  let haveFactor = false;
  let factorAtTheta = false; // the factor was formed at the current theta (a true Newton step)
  let gNormBeforeStep = Infinity;
  let lastStepFresh = false; // the last step was taken with a factor formed where it started
  for (; iter < maxIter; iter++) {
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const p = sigmoid(z[i]);
      const cw = C * w[i];
      r[i] = cw * (p - y[i]);
      hw[i] = cw * p * (1 - p);
    }
    for (let i = 0; i < n; i++) {
      const o = i * d;
      const ri = r[i];
      for (let a = 0; a < d; a++) g[a] += ri * data[o + a];
      g[d] += ri;
    }
    for (let a = 0; a < d; a++) g[a] += theta[a];
    gNorm = 0;
    for (let a = 0; a < k; a++) gNorm = Math.max(gNorm, Math.abs(g[a]));
    // Converged when the gradient is at rounding level relative to the loss's scale.
    if (gNorm <= gTol) break;
    if (!haveFactor || gNorm > 0.25 * gNormBeforeStep) {
      formHessian(H, data, hw, n, d);
      hessians++;
      if (!choleskyFactor(H, L, k)) {
        // Only the intercept block can lose definiteness (all probabilities saturated): nudge it.
        for (let a = 0; a < k; a++) H[a * k + a] += 1e-10 * Math.max(1, C * n);
        if (!choleskyFactor(H, L, k)) throw new BaselineError(BaselineErrorCode.NotConverged, `logistic regression: Hessian not positive definite at iteration ${iter}`);
      }
      haveFactor = true;
      factorAtTheta = true;
    }
    choleskySolve(L, g, step, k);
    gNormBeforeStep = gNorm;
    let decrement = 0;
    for (let a = 0; a < k; a++) decrement += g[a] * step[a];
    if (decrement <= 1e-10 * Math.max(1, Math.abs(f))) {
      // Close to the optimum the decrease a step buys (≈ decrement / 2) is below the rounding of
      // the objective itself, so a line search can no longer see it: take full steps, which
      // converge quadratically here (linearly, fast, with a kept factor), and judge progress by
      // the gradient instead. A true Newton step that did not shrink it: the rounding floor.
      if (gNorm >= lastLocalGNorm && lastStepFresh) break;
      lastLocalGNorm = gNorm;
      lastStepFresh = factorAtTheta;
      for (let a = 0; a < k; a++) theta[a] -= step[a];
      margins(theta, z);
      f = objective(theta, z);
      factorAtTheta = false;
      continue;
    }
    // Backtracking (Armijo) line search on the exact objective.
    let t = 1;
    let fTrial = Infinity;
    for (let ls = 0; ls < 60; ls++) {
      for (let a = 0; a < k; a++) trial[a] = theta[a] - t * step[a];
      margins(trial, zTrial);
      fTrial = objective(trial, zTrial);
      if (fTrial <= f - 1e-4 * t * decrement) break;
      t *= 0.5;
    }
    if (!(fTrial <= f)) {
      if (factorAtTheta) break; // no decrease possible along a Newton step: at the optimum to rounding
      gNormBeforeStep = 0; // a kept factor's step failed: form the Hessian here and retry
      continue;
    }
    theta.set(trial);
    z.set(zTrial);
    f = fTrial;
    lastStepFresh = factorAtTheta;
    factorAtTheta = false;
  }
  if (gNorm > 1e-6 * gScale) {
    throw new BaselineError(BaselineErrorCode.NotConverged, `logistic regression did not converge: gradient ${gNorm.toExponential(2)} after ${iter} steps and ${hessians} Hessians (limit ${maxIter} steps)`);
  }
  return { coef: theta.slice(0, d), intercept: theta[d], iterations: iter, hessians, gradientNorm: gNorm };
}

/** P(y = 1) per row of X. */
export function predictLogisticRegression(model: LogisticRegressionModel, X: FeatureMatrix): Float64Array {
  if (X.cols !== model.coef.length) throw new BaselineError(BaselineErrorCode.BadShape, `model has ${model.coef.length} features, matrix ${X.cols}`);
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let s = model.intercept;
    for (let j = 0; j < X.cols; j++) s += X.data[i * X.cols + j] * model.coef[j];
    out[i] = sigmoid(s);
  }
  return out;
}
