// The clock model's fit pinned to the bit where ties and other quantiles decide it. Its refit now
// orders only the lowest residuals of each drift-search step (a cut list whose running sums are
// the full sort's) instead of insertion-sorting all of them; these figures are the old code's.
// Times quantised to the millisecond make many bucket minima tie (ties go by index), a new time
// base splits the points in two, and τ = 0.5 and τ = 1 reach deep into the order (τ = 1: the
// running sum may never reach the target, and the largest residual is the answer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClockModel } from '../../../src/shared/pipeline/clock-model';
import { mulberry32 } from '../../../src/shared/seeded-random';

function feed(quantile: number): { hosts: number[]; driftPpm: number } {
  const m = new ClockModel({ quantile });
  const r = mulberry32(11);
  let d = 5e8;
  const hosts: number[] = [];
  for (let i = 0; i < 10 * 400; i++) {
    d += 0.1 * (1 + 200e-6);
    const h = Math.round((1.7e9 + i * 0.1 - Math.log(1 - r()) * 0.004) * 1000) / 1000;
    if (i === 2500) m.newTimeBase();
    m.observe(Math.round(d * 1000) / 1000, h);
    if (i % 500 === 499) hosts.push(m.toHost(d));
  }
  return { hosts, driftPpm: m.estimate().driftPpm };
}

const PINNED: Record<string, { hosts: number[]; driftPpm: number }> = {
  '0.05': { hosts: [1700000049.899511, 1700000099.8995314, 1700000149.899553, 1700000199.8995407, 1700000249.8995278, 1700000299.8995807, 1700000349.8995337, 1700000399.8995376], driftPpm: -200.24855635280463 },
  '0.5': { hosts: [1700000049.9000025, 1700000099.9003549, 1700000149.900284, 1700000199.9002016, 1700000249.9003975, 1700000299.9001675, 1700000349.9002273, 1700000399.9001882], driftPpm: -199.2665491331242 },
  '1': { hosts: [1700000049.8990958, 1700000099.9010913, 1700000149.900087, 1700000199.9020827, 1700000249.9000785, 1700000299.902074, 1700000349.9040701, 1700000399.9040656], driftPpm: -999.9999946250936 },
};

test('the clock model fits tied, quantised times at τ = 0.05, 0.5 and 1 across a new time base as it always did, to the bit', () => {
  for (const q of [0.05, 0.5, 1]) {
    assert.deepEqual(feed(q), PINNED[String(q)], `τ = ${q}: the mapped host times every 50 s and the drift (a changed fit needs PLACEMENT_VERSION bumped in export-session.ts)`);
  }
});
