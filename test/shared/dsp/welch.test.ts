// FFT and Welch PSD checked against numpy/scipy.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FftPlan } from '../../../src/shared/dsp/fft';
import { Welch, bandPower } from '../../../src/shared/dsp/welch';
import { hasPython, runPython } from '../eval/python-reference';

function signal(n: number, fs: number): number[] {
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  return Array.from({ length: n }, (_, i) => 30 * Math.sin((2 * Math.PI * 10 * i) / fs) + 8 * Math.sin((2 * Math.PI * 50 * i) / fs) + 20 * rnd() + 100);
}

describe('FFT', () => {
  test('matches a direct DFT', () => {
    const n = 64;
    const x = signal(n, 200);
    const re = Float64Array.from(x);
    const im = new Float64Array(n);
    new FftPlan(n).transform(re, im);
    for (let k = 0; k < n; k++) {
      let dr = 0;
      let di = 0;
      for (let t = 0; t < n; t++) {
        dr += x[t] * Math.cos((2 * Math.PI * k * t) / n);
        di -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
      }
      assert.ok(Math.abs(re[k] - dr) < 1e-9 && Math.abs(im[k] - di) < 1e-9, `bin ${k}`);
    }
  });
  test('rejects sizes that are not powers of two', () => {
    assert.throws(() => new FftPlan(100), /power of two/);
  });
});

describe('Welch.segmentPair', () => {
  test('two channels from one complex FFT equal two single-channel periodograms', () => {
    const w = new Welch(200, 256);
    const a = signal(256, 200);
    const b = signal(300, 200).slice(44).map((v, i) => v * 0.5 + i);
    const pa = new Float64Array(129);
    const pb = new Float64Array(129);
    w.segmentPair(a, 0, pa, b, 0, pb);
    const ra = new Float64Array(129);
    const rb = new Float64Array(129);
    w.accumulate(a, 0, 256, ra);
    w.accumulate(b, 0, 256, rb);
    for (let k = 0; k < 129; k++) {
      assert.ok(Math.abs(pa[k] - ra[k]) <= 1e-9 * Math.max(1, ra[k]), `a bin ${k}`);
      assert.ok(Math.abs(pb[k] - rb[k]) <= 1e-9 * Math.max(1, rb[k]), `b bin ${k}`);
    }
    const single = new Float64Array(129);
    w.segmentPair(a, 0, single, null, 0, null);
    for (let k = 0; k < 129; k++) assert.ok(Math.abs(single[k] - ra[k]) <= 1e-9 * Math.max(1, ra[k]), `bin ${k}: ${single[k]} vs ${ra[k]}`);
  });
});

describe('Welch PSD vs scipy.signal.welch', { skip: !hasPython && 'needs /usr/bin/python3 with scipy' }, () => {
  test('nperseg 256, 50 % overlap, Hann, constant detrend, density', () => {
    const fs = 200;
    const x = signal(800, fs);
    const ref = runPython<{ f: number[]; p: number[] }>(
      `
import json, sys
import numpy as np
from scipy import signal
d = json.load(sys.stdin)
f, p = signal.welch(np.array(d['x']), fs=d['fs'], nperseg=256)
print(json.dumps({'f': f.tolist(), 'p': p.tolist()}))
`,
      { x, fs },
    );
    const w = new Welch(fs, 256);
    const { freqHz, psd } = w.psd(x);
    assert.equal(psd.length, ref.p.length);
    for (let k = 0; k < psd.length; k++) {
      assert.ok(Math.abs(freqHz[k] - ref.f[k]) < 1e-12, `expected: Math.abs(freqHz[k] - ref.f[k]) < 1e-12`);
      assert.ok(Math.abs(psd[k] - ref.p[k]) <= 1e-9 * Math.max(1, ref.p[k]), `bin ${k}: ${psd[k]} vs ${ref.p[k]}`);
    }
  });

  test('band power of a pure tone is its variance', () => {
    const fs = 200;
    const a = 10;
    const x = Array.from({ length: 2000 }, (_, i) => a * Math.sin((2 * Math.PI * 10.2 * i) / fs));
    const { freqHz, psd } = new Welch(fs, 256).psd(x);
    const p = bandPower(freqHz, psd, 8, 13);
    // Hann leakage keeps a little outside the band; variance is a²/2 = 50.
    assert.ok(Math.abs(p - 50) < 1.5, `alpha band power ${p}`);
  });
});
