// IIR filter design in second-order sections, following scipy.signal step by step so that the
// designs can be checked against it: butter() = buttap → lp2{lp,hp,bp,bs}_zpk on the pre-warped
// edges → bilinear_zpk → zpk2sos; iirnotch() is scipy's closed form; sosfilt_zi() is the
// steady state for a constant input. Pure maths, no allocation after design.
import type { BandType, Sos } from './dsp.types';

/** A complex number as [re, im]; design-time only, so clarity beats speed here. */
type C = [number, number];

const add = (a: C, b: C): C => [a[0] + b[0], a[1] + b[1]];
const sub = (a: C, b: C): C => [a[0] - b[0], a[1] - b[1]];
const mul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const scale = (a: C, s: number): C => [a[0] * s, a[1] * s];
function div(a: C, b: C): C {
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
}
function csqrt(a: C): C {
  const r = Math.hypot(a[0], a[1]);
  const re = Math.sqrt((r + a[0]) / 2);
  const im = Math.sqrt(Math.max(0, (r - a[0]) / 2));
  return [re, a[1] < 0 ? -im : im];
}
function prod(xs: C[]): C {
  let p: C = [1, 0];
  for (const x of xs) p = mul(p, x);
  return p;
}

interface Zpk {
  z: C[];
  p: C[];
  k: number;
}

/** Thrown for a design that cannot exist (edge at or above Nyquist, order < 1, …). */
export class FilterDesignError extends Error {
  override name = 'FilterDesignError';
}

/** Analog Butterworth prototype (scipy.signal.buttap): poles on the left unit half-circle. */
function buttap(order: number): Zpk {
  const p: C[] = [];
  for (let m = -order + 1; m < order; m += 2) {
    const theta = (Math.PI * m) / (2 * order);
    p.push([-Math.cos(theta), -Math.sin(theta)]);
  }
  return { z: [], p, k: 1 };
}

function lp2lp(f: Zpk, wo: number): Zpk {
  const degree = f.p.length - f.z.length;
  return { z: f.z.map((z) => scale(z, wo)), p: f.p.map((p) => scale(p, wo)), k: f.k * wo ** degree };
}

function lp2hp(f: Zpk, wo: number): Zpk {
  const degree = f.p.length - f.z.length;
  const z = f.z.map((x) => div([wo, 0], x));
  const p = f.p.map((x) => div([wo, 0], x));
  for (let i = 0; i < degree; i++) z.push([0, 0]);
  const g = div(prod(f.z.map((x) => scale(x, -1))), prod(f.p.map((x) => scale(x, -1))));
  return { z, p, k: f.k * g[0] };
}

function lp2bp(f: Zpk, wo: number, bw: number): Zpk {
  const degree = f.p.length - f.z.length;
  const split = (xs: C[]): C[] => {
    const lp = xs.map((x) => scale(x, bw / 2));
    const out: C[] = [];
    for (const x of lp) out.push(add(x, csqrt(sub(mul(x, x), [wo * wo, 0]))));
    for (const x of lp) out.push(sub(x, csqrt(sub(mul(x, x), [wo * wo, 0]))));
    return out;
  };
  const z = split(f.z);
  for (let i = 0; i < degree; i++) z.push([0, 0]);
  return { z, p: split(f.p), k: f.k * bw ** degree };
}

function lp2bs(f: Zpk, wo: number, bw: number): Zpk {
  const degree = f.p.length - f.z.length;
  const split = (xs: C[]): C[] => {
    const hp = xs.map((x) => div([bw / 2, 0], x));
    const out: C[] = [];
    for (const x of hp) out.push(add(x, csqrt(sub(mul(x, x), [wo * wo, 0]))));
    for (const x of hp) out.push(sub(x, csqrt(sub(mul(x, x), [wo * wo, 0]))));
    return out;
  };
  const z = split(f.z);
  for (let i = 0; i < degree; i++) z.push([0, wo]);
  for (let i = 0; i < degree; i++) z.push([0, -wo]);
  const g = div(prod(f.z.map((x) => scale(x, -1))), prod(f.p.map((x) => scale(x, -1))));
  return { z, p: split(f.p), k: f.k * g[0] };
}

/** Bilinear transform at sample rate fs (scipy.signal.bilinear_zpk). */
function bilinear(f: Zpk, fs: number): Zpk {
  const fs2: C = [2 * fs, 0];
  const degree = f.p.length - f.z.length;
  const z = f.z.map((x) => div(add(fs2, x), sub(fs2, x)));
  const p = f.p.map((x) => div(add(fs2, x), sub(fs2, x)));
  for (let i = 0; i < degree; i++) z.push([-1, 0]);
  const g = div(prod(f.z.map((x) => sub(fs2, x))), prod(f.p.map((x) => sub(fs2, x))));
  return { z, p, k: f.k * g[0] };
}

const IMAG_EPS = 1e-12;

/** Splits roots into conjugate pairs (upper member kept) and real roots, sorted for stable pairing. */
function splitRoots(xs: C[]): { pairs: C[]; reals: number[] } {
  const pairs = xs.filter((x) => x[1] > IMAG_EPS);
  const reals = xs.filter((x) => Math.abs(x[1]) <= IMAG_EPS).map((x) => x[0]);
  return { pairs, reals: reals.sort((a, b) => a - b) };
}

/**
 * zpk → second-order sections. Poles are paired as conjugates; each section takes the conjugate
 * zero pair (or two real zeros) nearest to its poles. The cascade's transfer function is the
 * product of the sections, so a different pairing from scipy's changes only rounding.
 */
function zpk2sos(f: Zpk): Sos {
  const poles = splitRoots(f.p);
  const zeros = splitRoots(f.z);
  // Quadratics as [c1, c2] of 1 + c1 z^-1 + c2 z^-2, or [c1, 0] for a first-order factor.
  const poleQuads: [number, number][] = poles.pairs.map((p) => [-2 * p[0], p[0] * p[0] + p[1] * p[1]]);
  const poleReal = [...poles.reals];
  while (poleReal.length >= 2) {
    const a = poleReal.shift() as number;
    const b = poleReal.pop() as number;
    poleQuads.push([-(a + b), a * b]);
  }
  const oddPole = poleReal.length === 1 ? poleReal[0] : undefined;

  // Zero quadratics: conjugate pairs first, then real zeros paired lowest-with-highest so that a
  // band-pass gets (1 - z^-2) sections rather than (1 - z^-1)² next to (1 + z^-1)².
  const zeroPairs = [...zeros.pairs];
  const zeroReal = [...zeros.reals];
  const zeroQuads: [number, number][] = [];
  const nSections = poleQuads.length + (oddPole === undefined ? 0 : 1);
  for (let i = 0; i < poleQuads.length; i++) {
    const [pc1, pc2] = poleQuads[i];
    // nearest conjugate zero pair to this pole pair (by the pole's angle)
    if (zeroPairs.length > 0) {
      const pr = -pc1 / 2;
      const pi = Math.sqrt(Math.max(0, pc2 - pr * pr));
      let best = 0;
      let bestD = Infinity;
      zeroPairs.forEach((z, j) => {
        const d = Math.hypot(z[0] - pr, z[1] - pi);
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      });
      const z = zeroPairs.splice(best, 1)[0];
      zeroQuads.push([-2 * z[0], z[0] * z[0] + z[1] * z[1]]);
    } else if (zeroReal.length >= 2) {
      const a = zeroReal.shift() as number;
      const b = zeroReal.pop() as number;
      zeroQuads.push([-(a + b), a * b]);
    } else if (zeroReal.length === 1) {
      zeroQuads.push([-(zeroReal.pop() as number), 0]);
    } else {
      zeroQuads.push([0, 0]);
    }
  }
  const c = new Float64Array(6 * nSections);
  let s = 0;
  if (oddPole !== undefined) {
    const zc1 = zeroReal.length > 0 ? -(zeroReal.pop() as number) : 0;
    c.set([1, zc1, 0, 1, -oddPole, 0], 0);
    s = 1;
  }
  for (let i = 0; i < poleQuads.length; i++, s++) {
    c.set([1, zeroQuads[i][0], zeroQuads[i][1], 1, poleQuads[i][0], poleQuads[i][1]], 6 * s);
  }
  // The overall gain goes into the first section, as scipy does.
  c[0] *= f.k;
  c[1] *= f.k;
  c[2] *= f.k;
  return { sections: nSections, coefficients: c };
}

/**
 * Digital Butterworth filter as SOS, scipy.signal.butter(order, edges, btype, fs=fs, output='sos').
 * `edgesHz` is one cut-off for low/high-pass and [low, high] for band-pass/stop; a band design has
 * 2·order poles, as in scipy.
 */
export function designButterworth(order: number, edgesHz: number | [number, number], type: BandType, fs: number): Sos {
  if (!Number.isInteger(order) || order < 1) throw new FilterDesignError(`order must be a positive integer, got ${order}`);
  const edges = typeof edgesHz === 'number' ? [edgesHz] : edgesHz;
  const nyq = fs / 2;
  for (const e of edges) {
    if (!(e > 0 && e < nyq)) throw new FilterDesignError(`edge ${e} Hz must lie strictly between 0 and Nyquist (${nyq} Hz)`);
  }
  const band = type === 'bandpass' || type === 'bandstop';
  if (band && (edges.length !== 2 || !(edges[0] < edges[1]))) throw new FilterDesignError(`a ${type} needs two increasing edges`);
  if (!band && edges.length !== 1) throw new FilterDesignError(`a ${type} needs one edge`);
  // Pre-warp at the normalised rate scipy uses (fs = 2).
  const warped = edges.map((e) => 4 * Math.tan((Math.PI * (e / nyq)) / 2));
  const proto = buttap(order);
  let analog: Zpk;
  if (type === 'lowpass') analog = lp2lp(proto, warped[0]);
  else if (type === 'highpass') analog = lp2hp(proto, warped[0]);
  else {
    const bw = warped[1] - warped[0];
    const wo = Math.sqrt(warped[0] * warped[1]);
    analog = type === 'bandpass' ? lp2bp(proto, wo, bw) : lp2bs(proto, wo, bw);
  }
  return zpk2sos(bilinear(analog, 2));
}

/**
 * Second-order IIR notch, scipy.signal.iirnotch(f0, Q, fs): -3 dB bandwidth f0/Q, unity gain away
 * from f0.
 */
export function designNotch(f0Hz: number, q: number, fs: number): Sos {
  if (!(f0Hz > 0 && f0Hz < fs / 2)) throw new FilterDesignError(`notch at ${f0Hz} Hz must lie strictly between 0 and Nyquist (${fs / 2} Hz)`);
  if (!(q > 0)) throw new FilterDesignError(`notch Q must be positive, got ${q}`);
  const w0 = (2 * f0Hz) / fs;
  const bw = (w0 / q) * Math.PI;
  const beta = Math.tan(bw / 2); // sqrt(1 - gb²)/gb with gb = 1/√2
  const gain = 1 / (1 + beta);
  const cw = Math.cos(w0 * Math.PI);
  return { sections: 1, coefficients: Float64Array.of(gain, -2 * gain * cw, gain, 1, -2 * gain * cw, 2 * gain - 1) };
}

/** Joins cascades: the output of `a` feeds `b`. */
export function concatSos(...parts: Sos[]): Sos {
  const n = parts.reduce((s, p) => s + p.sections, 0);
  const c = new Float64Array(6 * n);
  let o = 0;
  for (const p of parts) {
    c.set(p.coefficients, o);
    o += p.coefficients.length;
  }
  return { sections: n, coefficients: c };
}

/**
 * Initial transposed-direct-form-II state for a unit step already in steady state
 * (scipy.signal.sosfilt_zi): 2 values per section. Multiply by the first input sample to start a
 * filter without the transient a DC offset would cause.
 */
export function sosZi(sos: Sos): Float64Array {
  const zi = new Float64Array(2 * sos.sections);
  let scaleIn = 1; // DC gain of the sections before this one
  for (let s = 0; s < sos.sections; s++) {
    const [b0, b1, b2, , a1, a2] = sos.coefficients.subarray(6 * s, 6 * s + 6);
    const g = (b0 + b1 + b2) / (1 + a1 + a2); // this section's DC gain
    // Steady state of y = b0 x + z0; z0' = b1 x - a1 y + z1; z1' = b2 x - a2 y with x = 1, y = g.
    const z1 = b2 - a2 * g;
    const z0 = b1 - a1 * g + z1;
    zi[2 * s] = z0 * scaleIn;
    zi[2 * s + 1] = z1 * scaleIn;
    scaleIn *= g;
  }
  return zi;
}

/** Complex frequency response magnitude |H(e^{jω})| at `freqHz` (for tests and docs). */
export function sosGainAt(sos: Sos, freqHz: number, fs: number): number {
  const w = (2 * Math.PI * freqHz) / fs;
  const e1: C = [Math.cos(w), -Math.sin(w)];
  const e2 = mul(e1, e1);
  let h: C = [1, 0];
  for (let s = 0; s < sos.sections; s++) {
    const c = sos.coefficients.subarray(6 * s, 6 * s + 6);
    const num = add(add([c[0], 0], scale(e1, c[1])), scale(e2, c[2]));
    const den = add(add([c[3], 0], scale(e1, c[4])), scale(e2, c[5]));
    h = mul(h, div(num, den));
  }
  return Math.hypot(h[0], h[1]);
}
