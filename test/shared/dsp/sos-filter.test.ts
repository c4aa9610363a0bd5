// Filter designs and filtering checked against scipy.signal (Debian's python3-scipy).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { designButterworth, designNotch, concatSos, sosZi, sosGainAt, FilterDesignError } from '../../../src/shared/dsp/sos-design';
import { SosFilterBank, sosfilt } from '../../../src/shared/dsp/sos-filter';
import type { BandType, Sos } from '../../../src/shared/dsp/dsp.types';
import { hasPython, runPython } from '../eval/python-reference';

interface Case {
  name: string;
  order?: number;
  edges?: number | [number, number];
  type?: BandType;
  notch?: { f0: number; q: number };
  fs: number;
}

const CASES: Case[] = [
  { name: 'EEG band-pass 0.3–75 Hz @200', order: 2, edges: [0.3, 75], type: 'bandpass', fs: 200 },
  { name: 'EEG band-pass order 4 @200', order: 4, edges: [0.3, 75], type: 'bandpass', fs: 200 },
  { name: 'ECG band-pass 0.5–40 Hz @200', order: 2, edges: [0.5, 40], type: 'bandpass', fs: 200 },
  { name: 'low-pass order 5 (odd) @500', order: 5, edges: 40, type: 'lowpass', fs: 500 },
  { name: 'high-pass order 3 @256', order: 3, edges: 1, type: 'highpass', fs: 256 },
  { name: 'band-stop order 2 @1000', order: 2, edges: [45, 55], type: 'bandstop', fs: 1000 },
  { name: 'R-peak band 5–15 Hz @200', order: 2, edges: [5, 15], type: 'bandpass', fs: 200 },
  { name: 'notch 50 Hz Q30 @200', notch: { f0: 50, q: 30 }, fs: 200 },
  { name: 'notch 60 Hz Q30 @200', notch: { f0: 60, q: 30 }, fs: 200 },
  { name: 'notch 60 Hz Q35 @250', notch: { f0: 60, q: 35 }, fs: 250 },
];

function design(c: Case): Sos {
  return c.notch ? designNotch(c.notch.f0, c.notch.q, c.fs) : designButterworth(c.order!, c.edges!, c.type!, c.fs);
}

/** A deterministic test input with DC, drift, several tones and a step. */
function testSignal(n: number, fs: number): number[] {
  const x: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = i / fs;
    x.push(40 + 3 * t + 20 * Math.sin(2 * Math.PI * 10 * t) + 5 * Math.sin(2 * Math.PI * 50 * t + 0.3) + 8 * Math.sin(2 * Math.PI * 0.2 * t) + (i > n / 2 ? 30 : 0));
  }
  return x;
}

const PY = `
import json, sys
import numpy as np
from scipy import signal
data = json.load(sys.stdin)
out = []
for c in data['cases']:
    if 'notch' in c:
        b, a = signal.iirnotch(c['notch']['f0'], c['notch']['q'], fs=c['fs'])
        sos = signal.tf2sos(b, a)
    else:
        sos = signal.butter(c['order'], c['edges'], btype=c['type'], fs=c['fs'], output='sos')
    x = np.array(data['x'][str(c['fs'])])
    y = signal.sosfilt(sos, x)
    zi = signal.sosfilt_zi(sos)
    yzi, _ = signal.sosfilt(sos, x, zi=zi * x[0])
    freqs = np.array([0.1, 1, 5, 10, 30, 49, 50, 60, 70]) * c['fs'] / 200
    _, h = signal.sosfreqz(sos, worN=freqs, fs=c['fs'])
    out.append({'sos': sos.tolist(), 'y': y.tolist(), 'yzi': yzi.tolist(), 'zi': zi.tolist(), 'freqs': freqs.tolist(), 'gain': np.abs(h).tolist()})
print(json.dumps(out))
`;

interface PyOut {
  sos: number[][];
  y: number[];
  yzi: number[];
  zi: number[][];
  freqs: number[];
  gain: number[];
}

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let peak = 0;
  let err = 0;
  for (let i = 0; i < a.length; i++) {
    peak = Math.max(peak, Math.abs(b[i]));
    err = Math.max(err, Math.abs(a[i] - b[i]));
  }
  return err / Math.max(peak, 1e-300);
}

describe('SOS designs and filtering vs scipy.signal', { skip: !hasPython && 'needs /usr/bin/python3 with scipy' }, () => {
  const rates = [...new Set(CASES.map((c) => c.fs))];
  const xs: Record<string, number[]> = {};
  for (const fs of rates) xs[String(fs)] = testSignal(4 * fs, fs);
  const ref = hasPython ? runPython<PyOut[]>(PY, { cases: CASES, x: xs }) : [];

  CASES.forEach((c, i) => {
    test(c.name, () => {
      const sos = design(c);
      const r = ref[i];
      assert.equal(sos.sections, r.sos.length, 'section count');
      // Section pairing may differ from scipy's; the cascade's response and output may not.
      r.freqs.forEach((f, j) => {
        const g = sosGainAt(sos, f, c.fs);
        assert.ok(Math.abs(g - r.gain[j]) <= 1e-9 * Math.max(1, r.gain[j]), `gain at ${f} Hz: ${g} vs scipy ${r.gain[j]}`);
      });
      const x = xs[String(c.fs)];
      const y = sosfilt(sos, x);
      assert.ok(maxRelErr(y, r.y) < 1e-9, `sosfilt output differs from scipy: rel err ${maxRelErr(y, r.y)}`);
      // Steady-state start (sosfilt_zi · x0)
      const bank = new SosFilterBank(sos, 1);
      bank.resetSteady([x[0]]);
      const yzi = Float64Array.from(x);
      bank.processPlanar(yzi, yzi.length);
      assert.ok(maxRelErr(yzi, r.yzi) < 1e-9, `zi-started output differs from scipy: rel err ${maxRelErr(yzi, r.yzi)}`);
    });
  });

  test('sosZi equals scipy.signal.sosfilt_zi where the sections agree (notch)', () => {
    const i = CASES.findIndex((c) => c.notch);
    const zi = sosZi(design(CASES[i]));
    const r = ref[i].zi.flat();
    for (let k = 0; k < zi.length; k++) assert.ok(Math.abs(zi[k] - r[k]) < 1e-12, `zi[${k}] ${zi[k]} vs ${r[k]}`);
  });
});

describe('SosFilterBank', () => {
  test('filtering in chunks equals filtering at once, bit for bit, per channel', () => {
    const sos = concatSos(designButterworth(2, [0.3, 75], 'bandpass', 200), designNotch(50, 30, 200));
    const n = 1000;
    const x0 = testSignal(n, 200);
    const x1 = x0.map((v, i) => -2 * v + (i % 7));
    const whole = new Float64Array(2 * n);
    whole.set(x0, 0);
    whole.set(x1, n);
    const once = new SosFilterBank(sos, 2);
    once.processPlanar(whole, n);

    const chunked = new SosFilterBank(sos, 2);
    const out = new Float64Array(2 * n);
    const sizes = [1, 7, 64, 3, 200, 125, 600];
    let at = 0;
    for (const s of sizes) {
      const buf = new Float64Array(2 * s);
      buf.set(x0.slice(at, at + s), 0);
      buf.set(x1.slice(at, at + s), s);
      chunked.processPlanar(buf, s);
      out.set(buf.subarray(0, s), at);
      out.set(buf.subarray(s, 2 * s), n + at);
      at += s;
    }
    assert.equal(at, n);
    assert.deepEqual(out, whole);
  });

  test('a steady start removes the DC transient of a band-pass', () => {
    const sos = designButterworth(2, [0.3, 75], 'bandpass', 200);
    const bank = new SosFilterBank(sos, 1);
    const buf = new Float64Array(400).fill(5000); // 5 mV electrode offset
    bank.resetSteady([5000]);
    bank.processPlanar(buf, buf.length);
    assert.ok(Math.max(...buf.map(Math.abs)) < 1e-6, `expected: Math.max(...buf.map(Math.abs)) < 1e-6`);
    const cold = sosfilt(sos, new Float64Array(400).fill(5000));
    assert.ok(Math.max(...cold.map(Math.abs)) > 1000, 'a cold start rings');
  });

  test('processPlanar honours stride and offset', () => {
    const sos = designButterworth(2, 10, 'lowpass', 200);
    const x = testSignal(50, 200);
    const buf = new Float64Array(3 + 2 * 80);
    buf.set(x, 3);
    buf.set(x, 3 + 80);
    const bank = new SosFilterBank(sos, 2);
    bank.processPlanar(buf, 50, 80, 3);
    const ref = sosfilt(sos, x);
    assert.deepEqual(buf.subarray(3, 53), ref);
    assert.deepEqual(buf.subarray(83, 133), ref);
    assert.equal(buf[0], 0);
  });
});

describe('design errors name the problem', () => {
  test('edges outside (0, Nyquist) and bad orders are refused', () => {
    assert.throws(() => designButterworth(2, [0.3, 100], 'bandpass', 200), FilterDesignError);
    assert.throws(() => designButterworth(0, 10, 'lowpass', 200), /order/);
    assert.throws(() => designButterworth(2, [40, 10], 'bandpass', 200), /increasing/);
    assert.throws(() => designNotch(60, 30, 100), /Nyquist/);
  });
});
