// Normal-to-normal RR intervals: the rule the dashboard and the baseline share, on synthetic series
// with a false, a missed and an ectopic beat, and the figures over the intervals it keeps.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normalRrMask, nnFigures, RR_MAX_MS, RR_MIN_MS } from '../../../src/shared/dsp/rr-intervals';

/** A steady rhythm around 800 ms with a small beat-to-beat variation (±15 ms). */
const steady = (n: number): number[] => Array.from({ length: n }, (_, i) => 800 + 15 * Math.sin(i * 1.7));
const rmssd = (rr: number[]): number => Math.sqrt(rr.slice(1).reduce((s, v, i) => s + (v - rr[i]) ** 2, 0) / (rr.length - 1));
const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

describe('normalRrMask', () => {
  test('a false beat (800 → 300 + 500 ms) rejects both halves; the rest are kept', () => {
    const rr = steady(20);
    const clean = rmssd(rr);
    rr.splice(10, 1, 300, 500);
    const m = normalRrMask(rr);
    assert.deepEqual([...m].map((v, i) => (v ? -1 : i)).filter((i) => i >= 0), [10, 11], 'only the two halves are not normal');
    const f = nnFigures(rr, m);
    assert.equal(f.count, 19, 'every other interval counts');
    // Range-only, the two halves count and RMSSD is many times the rhythm's.
    const rangeOnly = nnFigures(rr, rr.map((v) => (v >= RR_MIN_MS && v <= RR_MAX_MS ? 1 : 0)));
    assert.ok(rangeOnly.rmssdMs > 5 * clean, `range-only RMSSD ${rangeOnly.rmssdMs.toFixed(1)} ms vs ${clean.toFixed(1)} ms clean`);
    // Over NN pairs: the same order as the clean series (the pairs around the false beat are gone).
    near(f.rmssdMs, clean, 0.25 * clean, 'NN RMSSD');
    assert.equal(f.pairs, 17, 'pairs: 19 intervals less the two broken on each side of the gap');
  });

  test('a missed beat (800 → 1600 ms) and an ectopic beat with its compensatory pause (560 + 1040 ms)', () => {
    const missed = steady(20);
    missed.splice(8, 2, missed[8] + missed[9]);
    assert.deepEqual([...normalRrMask(missed)].map((v, i) => (v ? -1 : i)).filter((i) => i >= 0), [8], 'the doubled interval alone');
    const ectopic = steady(20);
    ectopic.splice(12, 2, 560, 1040);
    assert.deepEqual([...normalRrMask(ectopic)].map((v, i) => (v ? -1 : i)).filter((i) => i >= 0), [12, 13], 'the premature interval and the pause');
    const f = nnFigures(ectopic);
    assert.ok(f.rmssdMs < 30, `NN RMSSD with an ectopic beat ${f.rmssdMs.toFixed(1)} ms`);
    near(60000 / f.meanNnMs, 75, 0.5, 'heart rate over NN intervals');
  });

  test('the tolerance is ±20 % of the neighbours median; the rate may drift; out of range is never normal', () => {
    const base = Array(11).fill(800) as number[];
    const at = (v: number) => normalRrMask([...base.slice(0, 5), v, ...base.slice(5)])[5];
    assert.equal(at(960), 1, '+20 % is kept');
    assert.equal(at(961), 0, 'beyond +20 % is not');
    assert.equal(at(640), 1, '−20 % is kept');
    assert.equal(at(639), 0, 'beyond −20 % is not');
    // A rate rising from 60 to 120 bpm over 30 beats: every interval is normal.
    const ramp = Array.from({ length: 30 }, (_, i) => 1000 - (500 * i) / 29);
    assert.ok(normalRrMask(ramp).every((v) => v === 1), 'a steady acceleration is all normal');
    assert.deepEqual([...normalRrMask([200, 2600, NaN, Infinity])], [0, 0, 0, 0], 'out of range, a gap, infinite');
  });

  test('judged only with ≥ 3 in-range neighbours within 5 on each side; a gap is no neighbour and breaks pairs', () => {
    // Two intervals: nothing to judge against, both kept.
    assert.deepEqual([...normalRrMask([800, 1500])], [1, 1], 'two intervals, unjudged');
    // Four: each has three neighbours, the outlier goes.
    assert.deepEqual([...normalRrMask([800, 810, 1500, 790])], [1, 1, 0, 1], 'four intervals, judged');
    // Out-of-range neighbours do not count: 1500 has two in-range neighbours here.
    assert.deepEqual([...normalRrMask([100, 800, 1500, 120, 810])], [0, 1, 1, 0, 1], 'out-of-range neighbours are not neighbours');
    // Neighbours beyond 5 on a side are not used: 1500 ms at index 6 sees two 800s (indices 1, 2),
    // too few to judge; one place nearer, it sees three and goes.
    assert.equal(normalRrMask([800, 800, 800, NaN, NaN, NaN, 1500])[6], 1, 'the 800 at distance 6 is no neighbour');
    assert.equal(normalRrMask([800, 800, 800, NaN, NaN, 1500])[5], 0, 'three 800s within 5: judged and rejected');
    // A gap (NaN) between two normal intervals: no RMSSD pair spans it.
    const f = nnFigures([800, 820, NaN, 780, 800]);
    assert.equal(f.pairs, 2, 'pairs 800–820 and 780–800 only');
    near(f.rmssdMs, 20, 1e-12, 'RMSSD over the two pairs');
    near(f.sdnnMs, Math.sqrt(((800 - 800) ** 2 + 20 ** 2 + 20 ** 2 + 0) / 3), 1e-12, 'SDNN of the four NN intervals');
    const none = nnFigures([]);
    assert.ok(none.count === 0 && Number.isNaN(none.meanNnMs) && Number.isNaN(none.rmssdMs) && Number.isNaN(none.sdnnMs), 'no intervals: NaN figures');
  });
});
