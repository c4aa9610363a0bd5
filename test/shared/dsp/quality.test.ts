// Per-channel quality verdicts on synthetic 200 Hz signals, one per flag: each provoked alone, and
// a railed channel named railed (not also flat and implausible, which the rail itself causes).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCK_FIELDS, BlockAnalyzer, channelQuality, type QualityThresholds } from '../../../src/shared/dsp/quality';
import { DEFAULT_PIPELINE_CONFIG } from '../../../src/shared/pipeline';

const RATE_HZ = 200;
const N = RATE_HZ; // one 1 s block
const q = DEFAULT_PIPELINE_CONFIG.quality;
const EEG: QualityThresholds = { flatRmsUv: q.flatRmsUv.eeg, maxRmsUv: q.maxRmsUv.eeg, maxAbsUv: q.maxAbsUv.eeg, railedFraction: q.railedFraction, lineNoiseRatio: q.lineNoiseRatio };

/** Verdict on one channel whose raw and conditioned samples are both `x` (range ±rangeUv). */
function verdict(x: (i: number) => number, rangeUv = 5000) {
  const sig = Float64Array.from({ length: N }, (_, i) => x(i));
  const out = new Float64Array(BLOCK_FIELDS);
  new BlockAnalyzer(RATE_HZ, 50).analyze(sig, sig, 1, N, 0, N, [rangeUv], out, 0);
  return channelQuality('Cz', out, 0, N, EEG);
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
  });
});
