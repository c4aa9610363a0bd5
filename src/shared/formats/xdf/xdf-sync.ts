// Time stamps of an XDF stream onto the recording computer's clock, the way the reference
// importers do it (MATLAB load_xdf, pyxdf's load_xdf): a robust (Huber, ADMM) linear fit of the
// ClockOffset measurements, fitted separately between detected clock resets; then, for regular
// streams, a least-squares line through the time stamps of each unbroken segment (dejitter).
//
// Two places differ from pyxdf 1.16 on purpose, where its port of the MATLAB code is wrong:
//  - the [begin, end] ranges between resets are [0, k] and [k+1, last] (pyxdf's row-major reshape
//    gives overlapping ranges, and drops the last measurement);
//  - with resets, each sample gets the fit of the range its time stamp falls in, walking samples
//    in file order (pyxdf slices the sample array with clock-offset indices).
// Without resets, both give the same numbers as pyxdf.
import { XDF_SYNC_DEFAULTS, type XdfClockOffset, type XdfStream, type XdfSyncOptions, type XdfSyncedStream } from './xdf.types';

function median(values: Float64Array | number[]): number {
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Huber-loss linear fit y ≈ a + b·t by ADMM (Boyd et al.; pyxdf _robust_fit, rho 1, 1000
 * iterations), on values scaled by 1/winsor so residuals above `winsor` seconds count linearly.
 * t is centred first: the iterates depend only on the fitted values, so this changes nothing
 * but the conditioning of the 2×2 normal equations.
 */
export function robustLinearFit(t: ArrayLike<number>, y: ArrayLike<number>, winsor: number, iters = 1000): [number, number] {
  const n = t.length;
  let tm = 0;
  for (let i = 0; i < n; i++) tm += t[i];
  tm /= n;
  // A = [1, t - tm] / w ; target y / w
  const w = winsor;
  const a1 = new Float64Array(n);
  const yy = new Float64Array(n);
  let s00 = 0;
  let s01 = 0;
  let s11 = 0;
  for (let i = 0; i < n; i++) {
    a1[i] = (t[i] - tm) / w;
    yy[i] = y[i] / w;
    s00 += 1 / (w * w);
    s01 += a1[i] / w;
    s11 += a1[i] * a1[i];
  }
  const det = s00 * s11 - s01 * s01;
  if (!(Math.abs(det) > 0)) return [median(Array.from(y)), 0]; // all measurements at one time
  const z = new Float64Array(n);
  const u = new Float64Array(n);
  let x0 = 0;
  let x1 = 0;
  const rho = 1;
  for (let k = 0; k < iters; k++) {
    // x = (AᵀA)⁻¹ Aᵀ(y + z − u)
    let r0 = 0;
    let r1 = 0;
    for (let i = 0; i < n; i++) {
      const v = yy[i] + z[i] - u[i];
      r0 += v / w;
      r1 += a1[i] * v;
    }
    x0 = (s11 * r0 - s01 * r1) / det;
    x1 = (s00 * r1 - s01 * r0) / det;
    for (let i = 0; i < n; i++) {
      const d = x0 / w + a1[i] * x1 - yy[i] + u[i];
      const tmp = Math.max(0, 1 - (1 + 1 / rho) / Math.abs(d));
      z[i] = (rho / (1 + rho)) * d + (1 / (1 + rho)) * tmp * d;
      u[i] = d - z[i];
    }
  }
  // back from the centred parametrisation: a + b·t with b = x1, a = x0 − x1·tm
  return [x0 - x1 * tm, x1];
}

/** Index ranges [first, last] (inclusive) of clock offsets between detected resets. */
export function clockResetRanges(offsets: XdfClockOffset[], o: XdfSyncOptions): [number, number][] {
  const L = offsets.length;
  if (L < 3 || !o.handleClockResets) return [[0, L - 1]];
  const td = new Float64Array(L - 1);
  const vd = new Float64Array(L - 1);
  for (let i = 0; i < L - 1; i++) {
    td[i] = offsets[i + 1].time - offsets[i].time;
    vd[i] = Math.abs(offsets[i + 1].value - offsets[i].value);
  }
  const mi = median(td);
  const ms = median(vd);
  const eps = 2 ** -52;
  const madT = median(td.map((d) => Math.abs(d - mi))) + eps;
  const madV = median(vd.map((d) => Math.abs(d - ms))) + eps;
  const ranges: [number, number][] = [];
  let from = 0;
  for (let i = 0; i < L - 1; i++) {
    const timeGlitch = td[i] < 0 || ((td[i] - mi) / madT > o.clockResetThresholdStds && td[i] - mi > o.clockResetThresholdSeconds);
    const valueGlitch = (vd[i] - ms) / madV > o.clockResetThresholdOffsetStds && vd[i] - ms > o.clockResetThresholdOffsetSeconds;
    if (timeGlitch && valueGlitch) {
      ranges.push([from, i]);
      from = i + 1;
    }
  }
  ranges.push([from, L - 1]);
  return ranges;
}

export function syncXdfStream(stream: XdfStream, options: Partial<XdfSyncOptions> = {}): XdfSyncedStream {
  const o = { ...XDF_SYNC_DEFAULTS, ...options };
  const ts = Float64Array.from(stream.timestamps);
  const n = ts.length;
  let clockResets = 0;

  const offs = stream.clockOffsets;
  if (o.synchronizeClocks && offs.length > 0 && n > 0) {
    const ranges = clockResetRanges(offs, o);
    clockResets = ranges.length - 1;
    const coef = ranges.map(([a, b]): [number, number] => {
      if (a === b) return [offs[a].value, 0];
      const t = offs.slice(a, b + 1).map((c) => c.time);
      const v = offs.slice(a, b + 1).map((c) => c.value);
      return robustLinearFit(t, v, o.winsorThreshold);
    });
    if (ranges.length === 1) {
      for (let i = 0; i < n; i++) ts[i] += coef[0][0] + coef[0][1] * ts[i];
    } else {
      // Samples in file order move through the ranges: a sample leaves the current range when its
      // stamp is outside that range's span and inside the next one's, or when the clock jumped back.
      const span = ranges.map(([a, b]) => [offs[a].time, offs[b].time]);
      const margin = Math.max(o.clockResetThresholdSeconds, 2 * median(offs.slice(1).map((c, i) => c.time - offs[i].time)));
      const inSpan = (k: number, t: number) => t >= span[k][0] - margin && t <= span[k][1] + margin;
      let r = 0;
      for (let i = 0; i < n; i++) {
        const t = stream.timestamps[i];
        const jumpedBack = i > 0 && t < stream.timestamps[i - 1];
        if (r + 1 < ranges.length && !inSpan(r, t) && (inSpan(r + 1, t) || jumpedBack)) {
          r++;
          while (r + 1 < ranges.length && !inSpan(r, t) && inSpan(r + 1, t)) r++;
        }
        ts[i] += coef[r][0] + coef[r][1] * t;
      }
    }
  }

  const segments: [number, number][] = [];
  let effectiveSrate = 0;
  const srate = stream.info.nominalSrate;
  if (n > 0 && srate > 0) {
    const tdiff = 1 / srate;
    const breakAt = Math.max(o.jitterBreakThresholdSeconds, o.jitterBreakThresholdSamples * tdiff);
    let from = 0;
    for (let i = 1; i <= n; i++) {
      // a break: a long pause, or time running backwards (a reset the offsets did not show)
      if (i === n || ts[i] - ts[i - 1] > breakAt || ts[i] < ts[i - 1]) {
        segments.push([from, i]);
        from = i;
      }
    }
    let samples = 0;
    let duration = 0;
    for (const [a, b] of segments) {
      const m = b - a;
      if (m < 2) continue;
      if (o.dejitter) {
        // least squares t ≈ c0 + c1·(index − mean index)
        const im = (a + b - 1) / 2;
        let tm = 0;
        for (let i = a; i < b; i++) tm += ts[i];
        tm /= m;
        let sxy = 0;
        let sxx = 0;
        for (let i = a; i < b; i++) {
          sxy += (i - im) * (ts[i] - tm);
          sxx += (i - im) * (i - im);
        }
        const slope = sxy / sxx;
        for (let i = a; i < b; i++) ts[i] = tm + slope * (i - im);
      }
      samples += m;
      duration += ts[b - 1] - ts[a] + tdiff;
    }
    if (samples > 0) effectiveSrate = samples / duration;
  } else if (n > 0) {
    segments.push([0, n]);
  }
  return { timestamps: ts, segments, effectiveSrate, clockResets };
}
