// The clock model under offset, drift, positive jittery delays, loss, timestamp noise and resets.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClockModel } from '../../../src/shared/pipeline/clock-model';
import { mulberry32 } from '../../../src/shared/seeded-random';


interface Scenario {
  packetHz: number;
  driftPpm: number;
  offsetSec: number;
  jitterMeanMs: number;
  loss?: number;
  tsNoiseMs?: number;
  seconds: number;
  /** Drift change per hour (ppm), e.g. warming up. */
  driftRampPpmPerHour?: number;
  seed?: number;
}

/** Runs a scenario; returns the worst |model − truth| (ms) after `settleSec`, sampled every packet. */
function run(s: Scenario, settleSec = 30) {
  const r = mulberry32(s.seed ?? 1);
  const m = new ClockModel();
  const H0 = 1.7e9; // host epoch (Unix seconds)
  let worst = 0;
  let worstAt = 0;
  // device(t) = offset + ∫(1 + drift(t))dt; here integrated per packet step.
  let d = 5e8 + s.offsetSec;
  let t = 0;
  const dt = 1 / s.packetHz;
  while (t < s.seconds) {
    const drift = (s.driftPpm + ((s.driftRampPpmPerHour ?? 0) * t) / 3600) * 1e-6;
    t += dt;
    d += dt * (1 + drift);
    if (r() < (s.loss ?? 0)) continue;
    const delay = -Math.log(1 - r()) * (s.jitterMeanMs / 1000);
    const stamp = d + (s.tsNoiseMs ? (r() - 0.5) * 2 * (s.tsNoiseMs / 1000) : 0);
    m.observe(stamp, H0 + t + delay);
    if (t > settleSec) {
      const err = Math.abs(m.toHost(d) - (H0 + t)) * 1000;
      if (err > worst) {
        worst = err;
        worstAt = t;
      }
    }
  }
  return { worst, worstAt, model: m };
}

describe('ClockModel', () => {
  test('Muse-like: 21 packets/s, +45 ppm, 8 ms mean jitter, 1 % loss: within 1 ms over an hour', () => {
    const { worst, model } = run({ packetHz: 21.33, driftPpm: 45, offsetSec: -3.2, jitterMeanMs: 8, loss: 0.01, seconds: 3600 });
    assert.ok(worst < 1, `worst error ${worst.toFixed(3)} ms`);
    const e = model.estimate();
    assert.ok(Math.abs(e.driftPpm + 45 / (1 + 45e-6)) < 2, `drift ${e.driftPpm}`); // host/device rate = 1/(1+drift)
    assert.ok(e.driftEstimated, `expected: e.driftEstimated`);
  });

  test('Polar-like: one frame per 0.56 s, −30 ppm, 15 ms mean jitter, 2 % loss: within 3 ms (of a 5 ms sample)', () => {
    // Sparse frames with a pessimistic jitter: ~2 frames per bucket, so the envelope is noisier
    // (median error ≈ 0.5 ms, worst ≈ 2.5 ms over the hour).
    const { worst } = run({ packetHz: 130 / 73, driftPpm: -30, offsetSec: 1234.5, jitterMeanMs: 15, loss: 0.02, seconds: 3600 });
    assert.ok(worst < 3, `worst error ${worst.toFixed(3)} ms`);
  });

  test('a drift that changes (warming crystal, 20 ppm per hour) is tracked', () => {
    const { worst } = run({ packetHz: 20, driftPpm: 10, offsetSec: 0, jitterMeanMs: 5, seconds: 3600, driftRampPpmPerHour: 20 });
    assert.ok(worst < 1, `worst error ${worst.toFixed(3)} ms`);
  });

  test('device timestamp noise (±1 ms) below the envelope does not pull the fit down far', () => {
    const { worst } = run({ packetHz: 20, driftPpm: 25, offsetSec: 0, jitterMeanMs: 10, tsNoiseMs: 1, seconds: 1800 });
    assert.ok(worst < 2, `worst error ${worst.toFixed(3)} ms`);
  });

  test('start-up: the first observation anchors the model; offset settles within seconds', () => {
    const m = new ClockModel();
    assert.equal(m.ready, false);
    m.observe(100, 1000.010);
    assert.equal(m.ready, true);
    assert.ok(Math.abs(m.toHost(100) - 1000.010) < 1e-9, `expected: Math.abs(m.toHost(100) - 1000.010) < 1e-9`);
    // a later, less delayed observation lowers the envelope
    m.observe(100.5, 1000.502);
    assert.ok(Math.abs(m.toHost(100.5) - 1000.502) < 1e-9, `expected: Math.abs(m.toHost(100.5) - 1000.502) < 1e-9`);
    assert.ok(Math.abs(m.toDevice(m.toHost(123.456)) - 123.456) < 1e-9, `expected: Math.abs(m.toDevice(m.toHost(123.456)) - 123.456) < 1e-9`);
  });

  test('toDevice inverts toHost with drift', () => {
    const { model } = run({ packetHz: 20, driftPpm: 500, offsetSec: 7, jitterMeanMs: 3, seconds: 120 });
    for (const d of [5e8, 5e8 + 60.123, 5e8 + 1e4]) assert.ok(Math.abs(model.toDevice(model.toHost(d)) - d) < 1e-6, `device time ${d} survives toHost then toDevice`);
  });

  test('reanchor keeps the drift, restarts the offset', () => {
    const { model } = run({ packetHz: 20, driftPpm: 80, offsetSec: 0, jitterMeanMs: 3, seconds: 300 });
    const before = model.estimate();
    model.reanchor(0, 2e9);
    const after = model.estimate();
    assert.equal(after.driftPpm, before.driftPpm);
    assert.equal(after.resets, 1);
    assert.ok(Math.abs(model.toHost(0) - 2e9) < 1e-9, `expected: Math.abs(model.toHost(0) - 2e9) < 1e-9`);
  });

  test('robust to a radio stall: a burst of packets delayed by 2 s does not move the envelope', () => {
    const m = new ClockModel();
    let worst = 0;
    for (let i = 0; i < 20 * 600; i++) {
      const t = i / 20;
      const stall = t > 300 && t < 305 ? 305 - t : 0; // packets held back, then released together
      m.observe(t, 1e9 + t + 0.004 + stall);
      if (t > 30) worst = Math.max(worst, Math.abs(m.toHost(t) - (1e9 + t)));
    }
    assert.ok(worst < 0.005, `worst ${worst}`);
  });

  test('a busy host (the delay floor raised from 5 s on) tilts the early fit, and the drift\'s standard error says so', () => {
    // A 250-Hz device, +400 ppm, read every 4 ms plus 2 ms of exponential jitter; from 5 s on every
    // arrival is 1 ms later (another process took the cores). A lower-envelope fit tilts up toward
    // the raised stretch: the drift is off by ~160 ppm at 15 s and ~60 at 25 s. The buckets'
    // residuals, counted as independent, gave ±54 and ±12 (the error outside 3 sd in 58 and 100 of
    // 100 seeds); their lag-1 correlation widens it to ±112 and ±33, which covers it. A device on a
    // quiet host keeps its narrow figure.
    const trueDrift = (1 / 1.0004 - 1) * 1e6;
    for (let seed = 1; seed <= 8; seed++) {
      for (const [raised, at, maxSd] of [[0.001, 25, Infinity], [0, 25, 3]] as const) {
        const r = mulberry32(seed);
        const m = new ClockModel();
        let t = 0;
        while (t < at) {
          t += 0.004 + (-Math.log(1 - r()) * 2) / 1000;
          const last = Math.floor(t * 250 * 1.0004) - 1;
          m.observe(last / 250, 1.7e9 + t + (t > 5 ? raised : 0) + 0.0002);
        }
        const e = m.estimate();
        const err = e.driftPpm - trueDrift;
        const what = `seed ${seed}, floor +${raised * 1000} ms: drift error ${err.toFixed(1)} ± ${e.driftSdPpm.toFixed(1)} ppm at ${at} s`;
        if (raised > 0) assert.ok(err > 30, `the tilt this test is about: ${what}`);
        assert.ok(Math.abs(err) < 3 * e.driftSdPpm, what);
        assert.ok(e.driftSdPpm < maxSd, what);
      }
    }
  });

  // The bucket minima of a logged three-devices-drift run at load 11 (the Cyton emulated at 400
  // ppm fast: a drift of −399.84): device time (s) and arrival above the lowest (ms, the drift
  // included). Stalls left some seconds without a bucket; the floor sat 1–2 ms up for the first 6 s
  // and 6–8 ms up in 4 of the last 6 buckets. A low-quantile line is pinned by its two lowest
  // buckets: at 20 s those at 0 and 13 s gave −490 ± 52; at 25 s, with one bucket now allowed below
  // the line, those at 12 and 19.6 s give −246. The loss is flat between: the residuals' scatter
  // said ±35 (4.4 sd off); leaving out each fifth of the buckets in turn moves the drift by hundreds.
  const RAISED_END: [number, number][] = [
    [0, 7.72], [1.792, 7.84], [2.38, 7.85], [3.604, 5.99], [4.968, 6.91], [5.46, 6.22], [6.94, 19.15], [7.764, 4.23], [8.948, 3.49],
    [9.472, 4.03], [10.668, 4.51], [11.852, 2.83], [12.164, 1.99], [13.04, 1.33], [14.708, 1.95], [15.896, 1.17], [16.2, 1.37],
    [17.972, 1.79], [18.052, 1.4], [19.56, 0.17], [20.212, 8.07], [21.864, 0], [22.66, 4.14], [23.676, 6.93], [24.248, 0.08], [25.1, 6.24],
  ];

  test('a fit that rests on one stretch of buckets says so: the drift\'s ± covers its error after a raised stretch', () => {
    const m = new ClockModel();
    for (const [d, ms] of RAISED_END) m.observe(d, 1.7e9 + d + ms / 1000);
    const e = m.estimate();
    const err = e.driftPpm - (1 / 1.0004 - 1) * 1e6;
    const what = `drift error ${err.toFixed(0)} ± ${e.driftSdPpm.toFixed(0)} ppm at 25 s`;
    assert.ok(err > 100, `the jump this test is about: ${what}`);
    assert.ok(err < 2 * e.driftSdPpm, what);
    assert.ok(e.driftSdPpm < 500, `a figure still (not the crystal range): ${what}`);
  });

  test('the drift\'s ± (a jackknife cached until a bucket closes) moves no fit, and a model put back from its state states the same', () => {
    // A 250-Hz device read every 16 ms on a busy host, a reconnect (new time base) at 40 s and a
    // reset at 70 s: one model asked for its estimate after every observation, one only every 10 s.
    const r = mulberry32(5);
    const asked = new ClockModel();
    const quiet = new ClockModel();
    let t = 0;
    let next = 10;
    for (let k = 1; t < 100; k++) {
      t = k * 0.016;
      const d = (t < 70 ? t : t - 70) * (1 - 120e-6);
      const h = 1.7e9 + t + 0.002 + -Math.log(1 - r()) * 0.003 + (t % 17 < 3 ? 0.004 : 0);
      if (Math.abs(t - 40) < 0.008) [asked, quiet].forEach((m) => m.newTimeBase());
      if (Math.abs(t - 70) < 0.008) [asked, quiet].forEach((m) => m.reanchor(d, h));
      else [asked, quiet].forEach((m) => m.observe(d, h));
      const e = asked.estimate();
      assert.equal(asked.toHost(d), quiet.toHost(d), `mapping at ${t.toFixed(3)} s`);
      if (t >= next) {
        next += 10;
        const copy = new ClockModel();
        copy.importState(asked.exportState());
        const what = `estimate at ${t.toFixed(1)} s (drift ${e.driftPpm.toFixed(1)} ± ${e.driftSdPpm.toFixed(1)} ppm)`;
        assert.deepEqual(quiet.estimate(), e, `${what}: as a model not asked before`);
        assert.deepEqual(copy.estimate(), e, `${what}: as a model put back from its state`);
      }
    }
    assert.deepEqual(asked.exportState(), quiet.exportState(), 'state after 100 s');
  });

  // A crystal's device (±400 ppm, a counter clock's 4-sample chunks every 16 ms, as a Cyton or a
  // text device on a pty) on a busy host: a backlog draining at start-up (up to 0.6 s over 1–5 s),
  // delay floors raised by up to 80 ms for up to 6 s, the reader stalled for up to 0.4 s. A drift
  // beyond a crystal's is taken only when the buckets show a rate off nominal over each third of
  // them (clock-model.ts 3.): every mapping here is the one a crystal-only model (maxRateError 0)
  // gives, to the bit. Taken from a line through 3 s of buckets, or from two halves agreeing, such
  // stretches were taken for drifts of 0.4–10 % in 40 of 200 runs, placing samples up to 190 ms off.
  test('a busy host does not make a crystal\'s drift a rate off nominal: the mappings are the crystal-only model\'s, to the bit', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = mulberry32(seed);
      const load = seed % 2 ? 1 : 2;
      const c = 1 / (1 + (seed % 4 < 2 ? 400 : -400) * 1e-6) - 1;
      const raised: { from: number; to: number; add: number }[] = [];
      for (let t = r() * 3; t < 25; t += -Math.log(1 - r()) / (0.3 * load)) raised.push({ from: t, to: t + 0.2 + r() * 3 * load, add: (2 + r() * 40) * load * 1e-3 });
      const stalls: { from: number; to: number }[] = [];
      for (let t = r(); t < 25; t += -Math.log(1 - r()) / (0.5 * load)) stalls.push({ from: t, to: t + r() * 0.2 * load });
      const backlog = { amount: r() * 0.3 * load, over: 1 + r() * 4 };
      const wide = new ClockModel();
      const crystal = new ClockModel({ maxRateError: 0 });
      let last = -Infinity;
      for (let k = 1; k * 4 < 25 * 250; k++) {
        const d = (k * 4 - 1) / 250;
        const t = d * (1 + c);
        let h = t + 0.001 - Math.log(1 - r()) * 0.0015 + (t < backlog.over ? backlog.amount * (1 - t / backlog.over) : 0);
        for (const e of raised) if (t >= e.from && t < e.to) h += e.add;
        for (const s of stalls) if (h >= s.from && h < s.to) h = s.to;
        h = last = Math.max(last, h);
        const moved = [wide, crystal].map((m) => (m.ready ? m.observe(d, 1.7e9 + h) : (m.reanchor(d, 1.7e9 + h), false)));
        if (moved[0] !== moved[1] || wide.toHost(d) !== crystal.toHost(d)) {
          assert.fail(`seed ${seed} (load ${load}) at ${t.toFixed(2)} s: moved ${moved.join('/')}, mapped ${((wide.toHost(d) - crystal.toHost(d)) * 1000).toFixed(3)} ms apart (drift ${wide.estimate().driftPpm.toFixed(0)} ppm, crystal-only ${crystal.estimate().driftPpm.toFixed(0)})`);
        }
      }
    }
  });
});
