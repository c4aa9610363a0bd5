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
});
