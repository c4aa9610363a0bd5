// Per-channel quality verdicts on synthetic 200 Hz signals, one per flag: each provoked alone, and
// a railed channel named railed (not also flat and implausible, which the rail itself causes); the
// block statistics behind them against numpy/scipy.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BLOCK_FIELDS,
  BlockAnalyzer,
  F_BAND,
  F_LINE,
  F_LINE_OTHER,
  F_MAX,
  F_MIN,
  F_N,
  F_SLOPE_MED,
  F_SLOPE_PEAK,
  F_SLOPE_PEAK2,
  F_SUMSQ,
  QRS_RATIO_NONE,
  QRS_RATIO_WEAK,
  QRS_SMALL_RMS_UV,
  addBlockStats,
  channelQuality,
  clearBlockStats,
  medianOf,
  type QualityThresholds,
} from '../../../src/shared/dsp/quality';
import { mulberry32 } from '../../../src/shared/seeded-random';
import { hasPython, runPython } from '../eval/python-reference';
import { DEFAULT_PIPELINE_CONFIG } from '../../../src/shared/pipeline';

const RATE_HZ = 200;
const N = RATE_HZ; // one 1 s block
const q = DEFAULT_PIPELINE_CONFIG.quality;
const EEG: QualityThresholds = { flatRmsUv: q.flatRmsUv.eeg, maxRmsUv: q.maxRmsUv.eeg, maxAbsUv: q.maxAbsUv.eeg, railedFraction: q.railedFraction, lineNoiseRatio: q.lineNoiseRatio };

/** Verdict on one channel whose raw and conditioned samples are both `x` (range ±rangeUv; the conditioned without `dc`). */
function verdict(x: (i: number) => number, rangeUv = 5000, mainsHz = 50, dc = 0) {
  const sig = Float64Array.from({ length: N }, (_, i) => x(i));
  const out = new Float64Array(BLOCK_FIELDS);
  new BlockAnalyzer(RATE_HZ, mainsHz).analyze(sig, dc ? sig.map((v) => v - dc) : sig, 1, N, 0, N, [rangeUv], out, 0);
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

  test('a channel held at one value for more than half the span is flat, wherever the value sits; for less it is not', () => {
    const held = (share: number, x: (i: number) => number) => (i: number) => x(Math.min(i, Math.round(N * (1 - share)) - 1));
    assert.deepEqual(verdict(held(0.6, alpha)).flags, ['flat'], 'held for 60 %');
    assert.equal(verdict(held(0.6, alpha)).score, 0, 'held for 60 %: score');
    assert.deepEqual(verdict(held(0.4, alpha)).flags, [], 'held for 40 %: EEG for most of it');
    // A DC-coupled amplifier 175 mV off zero, its held value wavering in the last bits (as resampled).
    const dc = (i: number) => 175_000 + alpha(i);
    assert.deepEqual(verdict((i) => held(0.6, dc)(i) + (i % 3) * 1e-4, 1_000_000, 50, 175_000).flags, ['flat'], 'held with a DC offset');
    assert.deepEqual(verdict(dc, 1_000_000, 50, 175_000).flags, [], 'moving with a DC offset');
    // A moving signal repeats values only briefly, even quantised to 0.5 µV.
    assert.deepEqual(verdict((i) => Math.round(alpha(i) / 0.5) * 0.5).flags, [], 'quantised EEG');
    assert.deepEqual(verdict((i) => (i < N / 4 ? alpha(i) : 0)).flags, ['flat'], 'zeros for 75 %');
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
      assert.equal(v.lineNoiseHz, at, `${at} Hz hum, mains set to ${set}: named by its frequency`);
      assert.ok(v.lineNoiseRatio > q.lineNoiseRatio, `ratio ${v.lineNoiseRatio}`);
      assert.equal(v.score, 0.5, `${at} Hz hum, mains set to ${set}: score`);
      // At the frequency set, the same hum is plain line noise.
      const same = verdict(hum(at), 5000, at);
      assert.equal(same.lineNoiseHz, undefined, `${at} Hz hum with mains set to ${at}: no other frequency named`);
      assert.ok(Math.abs(same.lineNoiseRatio - v.lineNoiseRatio) < 1e-9 * v.lineNoiseRatio, `${same.lineNoiseRatio} vs ${v.lineNoiseRatio}`);
    }
    // A clean channel says nothing of either mains.
    assert.equal(verdict(alpha, 5000, 50).lineNoiseHz, undefined);
    assert.ok(!('lineNoiseHz' in verdict(alpha, 5000, 60)), 'no field on a clean channel');
  });
});

const ECG: QualityThresholds = { flatRmsUv: q.flatRmsUv.ecg, maxRmsUv: q.maxRmsUv.ecg, maxAbsUv: q.maxAbsUv.ecg, railedFraction: q.railedFraction, lineNoiseRatio: q.lineNoiseRatio, qrs: true };

/** Verdict on a 5-s ECG lead (five 1-s blocks gathered as the windower does: the blocks' median |slope|). */
function ecgVerdict(x: (i: number) => number) {
  const n = 5 * RATE_HZ;
  const sig = Float64Array.from({ length: n }, (_, i) => x(i));
  const an = new BlockAnalyzer(RATE_HZ, 50);
  const acc = new Float64Array(BLOCK_FIELDS);
  clearBlockStats(acc, 0);
  const meds = new Float64Array(5);
  for (let b = 0; b < 5; b++) {
    const st = new Float64Array(BLOCK_FIELDS);
    an.analyze(sig, sig, 1, n, b * RATE_HZ, RATE_HZ, [20000], st, 0, true);
    addBlockStats(acc, 0, st, 0);
    meds[b] = st[F_SLOPE_MED];
  }
  acc[F_SLOPE_MED] = medianOf(meds, 5);
  return channelQuality('ECG', acc, 0, n, ECG, 50);
}

/** A QRS-like spike (σ 10 ms) every `rrSec`, amplitude `amp` µV, on `noise` µV of Gaussian noise. */
function ecgLike(amp: number, rrSec: number, noise: number, seed = 1) {
  const r = mulberry32(seed);
  const g = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return (i: number) => {
    const t = i / RATE_HZ;
    const d = ((t - 0.3) % rrSec + rrSec) % rrSec;
    const x = d > rrSec / 2 ? d - rrSec : d;
    return amp * Math.exp(-0.5 * (x / 0.01) ** 2) + noise * g();
  };
}

describe('channelQuality: an ECG lead without a QRS', () => {
  test('a lead with QRS complexes has none of it, down to 24 bpm (two beats in the window), and says its QRS ratio', () => {
    for (const rr of [0.4, 1, 2.4]) {
      const v = ecgVerdict(ecgLike(1000, rr, 10));
      assert.deepEqual(v.flags, [], `RR ${rr} s: ${v.flags.join()}`);
      assert.ok(v.qrsRatio! > 3 * QRS_RATIO_WEAK, `RR ${rr} s: ratio ${v.qrsRatio}`);
      assert.equal(v.score, 1, `RR ${rr} s: score`);
    }
  });

  test('noise alone is no-qrs at any amplitude, and scores 0 as a flat lead does', () => {
    for (const noise of [5, 50, 500]) {
      const v = ecgVerdict(ecgLike(0, 1, noise));
      assert.deepEqual(v.flags, ['no-qrs'], `${noise} µV of noise`);
      assert.equal(v.score, 0, `${noise} µV of noise: score`);
      // Gaussian noise: the second-largest per-second peak of |slope| is ~4.4 medians.
      assert.ok(v.qrsRatio! > 3.5 && v.qrsRatio! < 5.5, `ratio ${v.qrsRatio}`);
    }
  });

  test('one artefact in noise is not a QRS: the second-largest per-second peak is judged', () => {
    const noise = ecgLike(0, 1, 20);
    const v = ecgVerdict((i) => noise(i) + (i >= 300 && i < 310 ? 2000 : 0));
    assert.ok(v.flags.includes('no-qrs'), `${v.flags.join()} (ratio ${v.qrsRatio})`);
  });

  test('a flat or railed lead is named so, not no-qrs; EEG is not judged for a QRS', () => {
    assert.deepEqual(ecgVerdict(() => 12).flags, ['flat']);
    assert.deepEqual(ecgVerdict(() => 20000).flags, ['railed']);
    const eeg = verdict(alpha);
    assert.equal(eeg.qrsRatio, undefined);
    assert.ok(!eeg.flags.includes('no-qrs'), 'no QRS asked of EEG');
  });

  test('the rule at its thresholds: below QRS_RATIO_NONE at any size, below QRS_RATIO_WEAK only when small', () => {
    // Statistics set directly: 5 s of the given RMS, median |slope| 1, second peak `ratio`.
    const judge = (ratio: number, rmsUv: number) => {
      const acc = new Float64Array(BLOCK_FIELDS);
      acc[F_N] = 1000;
      acc[F_SUMSQ] = 1000 * rmsUv * rmsUv;
      acc[F_MIN] = -3 * rmsUv;
      acc[F_MAX] = 3 * rmsUv;
      acc[F_SLOPE_MED] = 1;
      acc[F_SLOPE_PEAK] = 2 * ratio;
      acc[F_SLOPE_PEAK2] = ratio;
      return channelQuality('ECG', acc, 0, 1000, ECG).flags.includes('no-qrs');
    };
    const big = 10 * QRS_SMALL_RMS_UV;
    const small = 0.9 * QRS_SMALL_RMS_UV;
    assert.equal(judge(0.99 * QRS_RATIO_NONE, big), true, 'a large lead below the none ratio');
    assert.equal(judge(1.01 * QRS_RATIO_NONE, big), false, 'a large lead above it');
    assert.equal(judge(0.99 * QRS_RATIO_WEAK, small), true, 'a small lead below the weak ratio');
    assert.equal(judge(0.99 * QRS_RATIO_WEAK, 1.1 * QRS_SMALL_RMS_UV), false, 'the same ratio on a lead above the small RMS');
    assert.equal(judge(1.01 * QRS_RATIO_WEAK, small), false, 'a small lead above the weak ratio');
  });

  test('a span under 4 s (it may hold one beat or none) is not judged: noise over 3.99 s says nothing', () => {
    const x = ecgLike(0, 1, 20);
    for (const [n, judged] of [[RATE_HZ, false], [798, false], [800, true]] as const) {
      const sig = Float64Array.from({ length: n }, (_, i) => x(i));
      const st = new Float64Array(BLOCK_FIELDS);
      new BlockAnalyzer(RATE_HZ, 50).analyze(sig, sig, 1, n, 0, n, [20000], st, 0, true);
      const v = channelQuality('ECG', st, 0, n, ECG);
      assert.equal(v.qrsRatio !== undefined, judged, `${n} samples: ratio ${v.qrsRatio}`);
      assert.deepEqual(v.flags, judged ? ['no-qrs'] : [], `${n} samples`);
    }
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
    // Without `qrs` the QRS statistics are zero.
    for (let c = 0; c < 3; c++) assert.deepEqual([out[c * BLOCK_FIELDS + F_SLOPE_MED], out[c * BLOCK_FIELDS + F_SLOPE_PEAK], out[c * BLOCK_FIELDS + F_SLOPE_PEAK2]], [0, 0, 0], `channel ${c}`);
    // The hum on channel 1 makes it line noise, and the verdict's ratio is numpy's.
    const v = channelQuality('Cz', out, BLOCK_FIELDS, n, EEG);
    close(v.lineNoiseRatio, ref.line[1] / ref.band[1], 'line-noise ratio');
    assert.ok(v.flags.includes('line-noise'), v.flags.join());
  });

  test('QRS statistics: median |five-point derivative| and the two largest per-second peaks, within the block', { skip: !hasPython && 'needs /usr/bin/python3' }, () => {
    // 2.6 s in one block (three pieces: 200, 200, 120 samples), conditioned ≠ raw: taken from the conditioned.
    let s = 11;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    const n = 520;
    const cond = Array.from({ length: n }, (_, i) => 30 * rnd() + (i % 170 === 60 ? 400 : 0) + 20 * Math.sin(i / 9));
    const out = new Float64Array(BLOCK_FIELDS);
    new BlockAnalyzer(RATE_HZ, 50).analyze(Float64Array.from(cond, (v) => v + 1000), Float64Array.from(cond), 1, n, 0, n, [0], out, 0, true);
    const ref = runPython<{ med: number; peaks: number[] }>(
      `
import json, sys
import numpy as np
x = np.array(json.load(sys.stdin))
d = np.abs(2 * x[4:] + x[3:-1] - x[1:-3] - 2 * x[:-4]) / 8   # d[k] is the derivative at sample k + 4
at = np.arange(4, len(x))
peaks = sorted((float(d[(at >= a) & (at < a + 200)].max()) for a in range(0, len(x), 200)), reverse=True)
print(json.dumps({'med': float(np.median(d)), 'peaks': peaks[:2]}))
`,
      cond,
    );
    const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
    close(out[F_SLOPE_MED], ref.med, 'median |slope|');
    close(out[F_SLOPE_PEAK], ref.peaks[0], 'largest per-second peak');
    close(out[F_SLOPE_PEAK2], ref.peaks[1], 'second-largest per-second peak');
  });
});
