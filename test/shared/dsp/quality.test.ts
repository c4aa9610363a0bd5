// Per-channel quality verdicts on synthetic 200 Hz signals, one per flag: each provoked alone, and
// a railed channel named railed (not also flat and implausible, which the rail itself causes); the
// block statistics behind them against numpy/scipy.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_FIELDS, BlockAnalyzer, F_BAND, F_LINE, F_LINE_OTHER, F_MAX, F_MIN, F_SUMSQ, channelQuality, type QualityThresholds } from '../../../src/shared/dsp/quality';
import { hasPython, runPython } from '../eval/python-reference';
import { DEFAULT_PIPELINE_CONFIG } from '../../../src/shared/pipeline';

const RATE_HZ = 200;
const N = RATE_HZ; // one 1 s block
const q = DEFAULT_PIPELINE_CONFIG.quality;
const EEG: QualityThresholds = { flatRmsUv: q.flatRmsUv.eeg, maxRmsUv: q.maxRmsUv.eeg, maxAbsUv: q.maxAbsUv.eeg, railedFraction: q.railedFraction, lineNoiseRatio: q.lineNoiseRatio };

/** Verdict on one channel whose raw and conditioned samples are both `x` (range ±rangeUv). */
function verdict(x: (i: number) => number, rangeUv = 5000, mainsHz = 50) {
  const sig = Float64Array.from({ length: N }, (_, i) => x(i));
  const out = new Float64Array(BLOCK_FIELDS);
  new BlockAnalyzer(RATE_HZ, mainsHz).analyze(sig, sig, 1, N, 0, N, [rangeUv], out, 0);
  return channelQuality('Cz', out, 0, N, EEG, mainsHz);
}

const alpha = (i: number) => 20 * Math.sin((2 * Math.PI * 10 * i) / RATE_HZ) + 5 * Math.sin((2 * Math.PI * 3.3 * i) / RATE_HZ);

describe('channelQuality', () => {
  test('a clean EEG-like channel has no flag and full score', () => {
    const v = verdict(alpha);
    assert.deepEqual(v.flags, []);
    assert.equal(v.score, 1);
  });

  test('a constant channel is flat', () => {
    const v = verdict(() => 37);
    assert.deepEqual(v.flags, ['flat']);
    assert.equal(v.score, 0);
  });

  test('a channel pinned at the amplifier rail is railed only', () => {
    const v = verdict(() => 5000);
    assert.deepEqual(v.flags, ['railed']);
    assert.equal(v.score, 0);
  });

  test('a signal clipped in plateaus at its extremes is railed', () => {
    const v = verdict((i) => Math.max(-150, Math.min(150, 400 * Math.sin((2 * Math.PI * 2 * i) / RATE_HZ))), 100_000);
    assert.ok(v.flags.includes('railed'), v.flags.join());
    assert.equal(v.score, 0);
  });

  test('an amplitude no scalp produces is implausible', () => {
    const v = verdict((i) => 40 * alpha(i), 100_000);
    assert.deepEqual(v.flags, ['implausible']);
    assert.ok(Math.abs(v.score - 0.2) < 1e-12, `score ${v.score}`);
  });

  test('strong mains hum is line noise', () => {
    const v = verdict((i) => alpha(i) + 60 * Math.sin((2 * Math.PI * 50 * i) / RATE_HZ));
    assert.deepEqual(v.flags, ['line-noise']);
    assert.ok(v.lineNoiseRatio > q.lineNoiseRatio, `ratio ${v.lineNoiseRatio}`);
    assert.equal(v.score, 0.5);
    assert.equal(v.lineNoiseHz, undefined, 'at the mains set');
  });

  test('hum at the other mains frequency than the one set (60 Hz with 50 set, and the reverse) is line noise too, named by its frequency', () => {
    const hum = (f: number) => (i: number) => alpha(i) + 60 * Math.sin((2 * Math.PI * f * i) / RATE_HZ);
    for (const [set, at] of [[50, 60], [60, 50]]) {
      const v = verdict(hum(at), 5000, set);
      assert.deepEqual(v.flags, ['line-noise'], `${at} Hz hum, mains set to ${set}`);
      assert.equal(v.lineNoiseHz, at);
      assert.ok(v.lineNoiseRatio > q.lineNoiseRatio, `ratio ${v.lineNoiseRatio}`);
      assert.equal(v.score, 0.5);
      // At the frequency set, the same hum is plain line noise.
      const same = verdict(hum(at), 5000, at);
      assert.equal(same.lineNoiseHz, undefined);
      assert.ok(Math.abs(same.lineNoiseRatio - v.lineNoiseRatio) < 1e-9 * v.lineNoiseRatio, `${same.lineNoiseRatio} vs ${v.lineNoiseRatio}`);
    }
    // A clean channel says nothing of either mains.
    assert.equal(verdict(alpha, 5000, 50).lineNoiseHz, undefined);
    assert.ok(!('lineNoiseHz' in verdict(alpha, 5000, 60)), 'no field on a clean channel');
  });
});

describe('BlockAnalyzer statistics vs numpy/scipy', { skip: !hasPython && 'needs /usr/bin/python3 with scipy' }, () => {
  test('line and 1–45 Hz power (linear detrend, Hann, zero-padded FFT), RMS, extremes: three channels, paired and alone', () => {
    // Three channels (the analyzer transforms two per complex FFT, the third alone), 60 Hz mains, a
    // block shorter than its FFT (170 samples padded to 256), with drift, hum and noise.
    let s = 7;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    const n = 170;
    const chans = [0, 1, 2].map((c) => Array.from({ length: n }, (_, i) => 3 * c + 0.2 * i * (c - 1) + (10 + 5 * c) * Math.sin((2 * Math.PI * (8 + 3 * c) * i) / RATE_HZ) + [2, 30, 0][c] * Math.sin((2 * Math.PI * 60 * i) / RATE_HZ + c) + 8 * rnd()));
    const raw = Float64Array.from(chans.flat());
    const cond = raw.map((v) => v * 0.5 - 1);
    const out = new Float64Array(3 * BLOCK_FIELDS);
    new BlockAnalyzer(RATE_HZ, 60).analyze(raw, cond, 3, n, 0, n, [0, 0, 0], out, 0);
    const ref = runPython<{ line: number[]; band: number[]; other: number[]; sumsq: number[]; min: number[]; max: number[] }>(
      `
import json, sys
import numpy as np
from scipy import signal
d = json.load(sys.stdin)
fs, mains = 200, 60
out = {'line': [], 'band': [], 'other': [], 'sumsq': [], 'min': [], 'max': []}
for x, y in zip(d['raw'], d['cond']):
    x = np.array(x); y = np.array(y); n = len(x)
    w = signal.get_window('hann', n)  # periodic, as the analyzer's 0.5 - 0.5 cos(2 pi i / n)
    X = np.fft.rfft(signal.detrend(x, type='linear') * w, 256)
    f = np.fft.rfftfreq(256, 1 / fs)
    p = np.abs(X) ** 2
    k = (f > 0) & (f < fs / 2)
    out['line'].append(float(p[k & (f >= mains - 1) & (f <= mains + 1)].sum()))
    out['band'].append(float(p[k & (f >= 1) & (f <= 45)].sum()))
    out['other'].append(float(p[k & (f >= 50 - 1) & (f <= 50 + 1)].sum()))
    out['sumsq'].append(float((y ** 2).sum())); out['min'].append(float(x.min())); out['max'].append(float(x.max()))
print(json.dumps(out))
`,
      { raw: chans, cond: chans.map((x) => x.map((v) => v * 0.5 - 1)) },
    );
    const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
    for (let c = 0; c < 3; c++) {
      const o = c * BLOCK_FIELDS;
      close(out[o + F_LINE], ref.line[c], `channel ${c} line power`);
      close(out[o + F_BAND], ref.band[c], `channel ${c} 1–45 Hz power`);
      close(out[o + F_LINE_OTHER], ref.other[c], `channel ${c} power at the other mains (50 Hz)`);
      close(out[o + F_SUMSQ], ref.sumsq[c], `channel ${c} Σx²`);
      close(out[o + F_MIN], ref.min[c], `channel ${c} min`);
      close(out[o + F_MAX], ref.max[c], `channel ${c} max`);
    }
    // The hum on channel 1 makes it line noise, and the verdict's ratio is numpy's.
    const v = channelQuality('Cz', out, BLOCK_FIELDS, n, EEG);
    close(v.lineNoiseRatio, ref.line[1] / ref.band[1], 'line-noise ratio');
    assert.ok(v.flags.includes('line-noise'), v.flags.join());
  });
});
