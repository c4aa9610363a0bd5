// Feature standardisation learnt on the training fold only (fitting it on all data would leak the
// test subjects' feature distribution into training). Same figures as scikit-learn's
// StandardScaler: mean and population sd per feature, scale 1 for a constant feature.
// Missing features (NaN, e.g. heart rate where a window had too few beats) are left out of the
// fit and become 0 after transform, i.e. they are imputed with the training mean.
import { BaselineError, BaselineErrorCode, type FeatureMatrix, type Standardizer } from './baseline.types';

export function fitStandardizer(X: FeatureMatrix, rows?: ArrayLike<number>): Standardizer {
  const { cols: d, data } = X;
  const idx = rows ?? Array.from({ length: X.rows }, (_, i) => i);
  if (idx.length === 0) throw new BaselineError(BaselineErrorCode.BadShape, 'cannot fit a standardiser on no samples');
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let n = 0;
    let s = 0;
    for (let k = 0; k < idx.length; k++) {
      const v = data[idx[k] * d + j];
      if (Number.isFinite(v)) {
        s += v;
        n++;
      }
    }
    const m = n > 0 ? s / n : 0;
    let ss = 0;
    for (let k = 0; k < idx.length; k++) {
      const v = data[idx[k] * d + j];
      if (Number.isFinite(v)) ss += (v - m) * (v - m);
    }
    const sd = n > 0 ? Math.sqrt(ss / n) : 0;
    mean[j] = m;
    // A feature constant to rounding gets scale 1, as StandardScaler does (its test differs in detail).
    scale[j] = sd < 10 * Number.EPSILON * Math.max(1, Math.abs(m)) ? 1 : sd;
  }
  return { mean, scale };
}

/** (x − mean) / scale for the chosen rows (all by default); NaN → 0 (the training mean). */
export function applyStandardizer(s: Standardizer, X: FeatureMatrix, rows?: ArrayLike<number>): FeatureMatrix {
  const d = X.cols;
  if (s.mean.length !== d) throw new BaselineError(BaselineErrorCode.BadShape, `standardiser has ${s.mean.length} features, matrix ${d}`);
  const idx = rows ?? Array.from({ length: X.rows }, (_, i) => i);
  const out = new Float64Array(idx.length * d);
  for (let k = 0; k < idx.length; k++) {
    const o = idx[k] * d;
    if (!(o >= 0 && o + d <= X.data.length)) throw new BaselineError(BaselineErrorCode.BadShape, `row ${idx[k]} is outside the ${X.rows}-row matrix`);
    for (let j = 0; j < d; j++) {
      const v = X.data[o + j];
      out[k * d + j] = Number.isFinite(v) ? (v - s.mean[j]) / s.scale[j] : 0;
    }
  }
  return { rows: idx.length, cols: d, data: out, names: X.names };
}
