// The clock model under a lasting step of the transport delay floor (a Bluetooth link moved to a
// longer connection interval, a USB hub under load: every packet from then on arrives X ms later or
// earlier). One line through both levels read the step as drift for the two minutes the old points
// stayed in the window; the model now starts a new time base at the step (ClockModel, 6.).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline, type PipelineProblem } from '../../../src/shared/pipeline';
import { ClockModel } from '../../../src/shared/pipeline/clock-model';
import { mulberry32 } from '../../../src/shared/seeded-random';
import type { Gap } from '../../../src/shared/stream.types';
import type { SyncWindow } from '../../../src/shared/window.types';
import { generate, infoOf, interleave, pulse, T0, type DeviceSpec, withHeartbeat } from './chunk-gen';

const H0 = 1.7e9;

/** Delay (s) of a packet sent at true time t, from the seeded generator r. */
type Delay = (r: () => number, t: number) => number;

const exponential = (meanMs: number): Delay => (r) => -Math.log(1 - r()) * (meanMs / 1000);

/**
 * A BLE-like link: a packet waits for the next 7.5-ms connection event, a retransmission (10 %)
 * costs another, and every ~20 s a burst holds up to 20 packets 50–200 ms.
 */
function bleDelay(): Delay {
  let held = 0;
  return (r) => {
    let d = r() * 0.0075;
    while (r() < 0.1) d += 0.0075;
    if (held > 0) {
      held--;
      d += 0.05 + r() * 0.15;
    } else if (r() < 1 / (20 * 21)) held = Math.floor(r() * 20);
    return d - Math.log(1 - r()) * 0.0005;
  };
}

/** A busy host: every 10–50 s a stretch of 1–9 s with the floor raised 1–20 ms (shorter than a step needs). */
function busyHost(base: Delay): Delay {
  let until = -1;
  let raise = 0;
  let next = 20;
  return (r, t) => {
    if (t > next) {
      until = t + 1 + r() * 8;
      raise = 0.001 + r() * 0.019;
      next = t + 10 + r() * 40;
    }
    return base(r, t) + (t < until ? raise : 0);
  };
}

interface Link {
  packetHz: number;
  driftPpm: number;
  delay: () => Delay;
  loss: number;
  /** Device timestamp noise, ± ms (uniform). */
  tsNoiseMs?: number;
}

const MUSE: Link = { packetHz: 21.33, driftPpm: 45, delay: () => exponential(8), loss: 0.01 };
const USB: Link = { packetHz: 31.25, driftPpm: -20, delay: () => exponential(2), loss: 0 };
const BLE: Link = { packetHz: 21.33, driftPpm: 30, delay: bleDelay, loss: 0.01 };

interface Sample {
  t: number;
  /** toHost(d) − true host time, ms. */
  errMs: number;
  /** Estimated − true drift, ppm. */
  driftErrPpm: number;
}

interface Packet {
  /** True time (s from the start), the device's true time, its stamp and the arrival (host) time. */
  t: number;
  d: number;
  stamp: number;
  h: number;
}

/** A link's packets for `seconds`, the delay raised by `stepMs` from `stepAt` on (for `stepFor` s). */
function packets(link: Link, seed: number, seconds: number, stepMs = 0, stepAt = 60, stepFor = Infinity): Packet[] {
  const r = mulberry32(seed);
  const delay = link.delay();
  const out: Packet[] = [];
  let d = 5e8;
  let t = 0;
  while (t < seconds) {
    const dt = 1 / link.packetHz;
    t += dt;
    d += dt * (1 + link.driftPpm * 1e-6);
    if (r() < link.loss) continue;
    const stamp = d + (link.tsNoiseMs ? (r() - 0.5) * 2 * (link.tsNoiseMs / 1000) : 0);
    const raised = t >= stepAt && t < stepAt + stepFor ? stepMs / 1000 : 0;
    out.push({ t, d, stamp, h: H0 + t + delay(r, t) + raised });
  }
  return out;
}

/** Feeds a link's packets (see packets); samples the mapping and the drift once per second, when `onSecond` sees the model too. */
function feed(link: Link, seed: number, seconds: number, stepMs = 0, stepAt = 60, stepFor = Infinity, onSecond?: (m: ClockModel, t: number) => void) {
  const m = new ClockModel();
  const trueDrift = (1 / (1 + link.driftPpm * 1e-6) - 1) * 1e6; // host/device rate − 1
  const samples: Sample[] = [];
  let next = 1;
  for (const p of packets(link, seed, seconds, stepMs, stepAt, stepFor)) {
    m.observe(p.stamp, p.h);
    if (p.t >= next) {
      next += 1;
      samples.push({ t: p.t, errMs: (m.toHost(p.d) - (H0 + p.t)) * 1000, driftErrPpm: m.estimate().driftPpm - trueDrift });
      onSecond?.(m, p.t);
    }
  }
  return { model: m, samples };
}

const worst = (samples: Sample[], from: number, to: number, f: (s: Sample) => number) => Math.max(...samples.filter((s) => s.t >= from && s.t < to).map(f));

describe('ClockModel: a lasting step of the delay floor', () => {
  test('a rise of 5, 15 or 40 ms 60 s into 5 min: the drift as without it, the mapping on the new floor from 25 s after', () => {
    // Before: one line through both levels, the drift off by 115–340–910 ppm (5/15/40 ms) for the
    // two minutes the old floor stayed in the window, the mapping ramping to the new floor 30–50 s
    // after the step and ~1 ms past it. Now the step is split off 20 s after it (a raised stretch
    // must last that long: a busy host's are shorter) and the drift keeps one line through both.
    // Bounds, against the same packets without the step (the link's own jitter sets those): the
    // drift within 5 ppm of that run's worst over the whole run (measured ≤ 3.6: the tilt of the
    // 20 s before the split) and within 4 from 25 s after (≤ 2.8); the mapping, which follows the
    // new floor as the old code did after two minutes (one-way arrivals cannot tell a later delay
    // from a moved clock), as close to it as the steady run to the truth, within 0.15 ms (≤ 0.05),
    // and on the old floor until the split, within 0.5 ms of the steady run (≤ 0.4).
    for (const [name, link] of [['Muse-like', MUSE], ['USB-like', USB], ['BLE-like', BLE]] as const) {
      for (let seed = 1; seed <= 3; seed++) {
        const steady = feed(link, seed, 300).samples;
        for (const stepMs of [5, 15, 40]) {
          const { samples } = feed(link, seed, 300, stepMs);
          const what = `${name}, +${stepMs} ms, seed ${seed}`;
          const drift = (x: Sample[], from: number) => worst(x, from, 300, (s) => Math.abs(s.driftErrPpm));
          assert.ok(drift(samples, 30) < drift(steady, 30) + 5, `${what}: drift off by up to ${drift(samples, 30).toFixed(1)} ppm, ${drift(steady, 30).toFixed(1)} without the step`);
          assert.ok(drift(samples, 85) < drift(steady, 85) + 4, `${what}: drift off by up to ${drift(samples, 85).toFixed(1)} ppm from 25 s after the step, ${drift(steady, 85).toFixed(1)} without it`);
          const onFloor = worst(samples, 85, 300, (s) => Math.abs(s.errMs - stepMs));
          const steadyErr = worst(steady, 85, 300, (s) => Math.abs(s.errMs));
          assert.ok(onFloor < steadyErr + 0.15, `${what}: mapping up to ${onFloor.toFixed(2)} ms off the new floor from 25 s after the step, ${steadyErr.toFixed(2)} ms off the truth without it`);
          const before = worst(samples, 30, 80, (s) => Math.abs(s.errMs));
          const steadyBefore = worst(steady, 30, 80, (s) => Math.abs(s.errMs));
          assert.ok(before < steadyBefore + 0.5, `${what}: mapping up to ${before.toFixed(2)} ms off the old floor in the 20 s the rise takes to count, ${steadyBefore.toFixed(2)} without the step`);
        }
      }
    }
  });

  test('a drop of 15 ms: split off within 3 s; from 5 s after, the drift and the mapping on the new floor as without it', () => {
    // Before: the τ-quantile followed the drop within a bucket or two and tilted the line as fast
    // (−250 ppm), the mapping running 8–10 ms below the new floor for 40 s. Bounds as for a rise:
    // 4 ppm (measured ≤ 3.2) and 0.15 ms (≤ 0.05) over the same packets without the drop.
    for (const [name, link] of [['Muse-like', MUSE], ['USB-like', USB], ['BLE-like', BLE]] as const) {
      for (let seed = 1; seed <= 3; seed++) {
        const steady = feed(link, seed, 200).samples;
        const { samples } = feed(link, seed, 200, -15);
        const what = `${name}, −15 ms, seed ${seed}`;
        const drift = (x: Sample[]) => worst(x, 65, 200, (s) => Math.abs(s.driftErrPpm));
        assert.ok(drift(samples) < drift(steady) + 4, `${what}: drift off by up to ${drift(samples).toFixed(1)} ppm from 5 s after the drop, ${drift(steady).toFixed(1)} without it`);
        const onFloor = worst(samples, 65, 200, (s) => Math.abs(s.errMs + 15));
        const steadyErr = worst(steady, 65, 200, (s) => Math.abs(s.errMs));
        assert.ok(onFloor < steadyErr + 0.15, `${what}: mapping up to ${onFloor.toFixed(2)} ms off the new floor from 5 s after the drop, ${steadyErr.toFixed(2)} ms off the truth without it`);
      }
    }
  });

  test('a raised stretch shorter than 20 s (a busy host) is ridden out as before: no split, on the old floor', () => {
    for (const stretch of [5, 12, 18]) {
      for (let seed = 1; seed <= 3; seed++) {
        let split = false;
        const { samples } = feed(MUSE, seed, 200, 15, 60, stretch, (m) => {
          split ||= m.exportState().segStarts.length > 0;
        });
        const what = `+15 ms for ${stretch} s, seed ${seed}`;
        assert.equal(split, false, `${what}: a new time base was started`);
        const err = worst(samples, 30, 200, (s) => Math.abs(s.errMs));
        assert.ok(err < 0.5, `${what}: mapping up to ${err.toFixed(2)} ms off the true time`);
      }
    }
  });

  test('no split in an hour of each steady link: demo settings, bursty BLE, a busy host, timestamp noise, heavy jitter', () => {
    // Where it does not fire the fit is the one without the test, to the bit (the pinned fits in
    // clock-model-pinned.test.ts). At half the threshold (2 spreads, 0.2 ms) the bursty link and
    // the noisy timestamps split once each in 33 hours; at 3 spreads none did.
    const links: [string, Link][] = [
      ['Muse-like', MUSE],
      ['demo headset (250 Hz in 12-sample packets, 8 ms jitter, +30 ppm)', { packetHz: 250 / 12, driftPpm: 30, delay: () => exponential(8), loss: 0 }],
      ['demo strap (130 Hz in 73-sample frames, 8 ms jitter, −30 ppm)', { packetHz: 130 / 73, driftPpm: -30, delay: () => exponential(8), loss: 0 }],
      ['Polar-like, 15 ms jitter, 2 % loss', { packetHz: 130 / 73, driftPpm: -30, delay: () => exponential(15), loss: 0.02 }],
      ['BLE-like with bursts', BLE],
      ['busy host over USB', { ...USB, delay: () => busyHost(exponential(2)) }],
      ['busy host over a Muse-like link', { ...MUSE, delay: () => busyHost(exponential(8)) }],
      ['±1 ms timestamp noise', { packetHz: 20, driftPpm: 25, delay: () => exponential(10), loss: 0, tsNoiseMs: 1 }],
      ['30 ms jitter', { ...MUSE, delay: () => exponential(30) }],
    ];
    for (const [name, link] of links) {
      let splits = 0;
      // A split stays in the state while its buckets are in the 2-min window: a look every 10 s sees each.
      let lastStart = -1;
      feed(link, 7, 3600, 0, Infinity, 0, (m, t) => {
        if (Math.round(t) % 10 !== 0) return;
        const s = m.exportState();
        const at = s.segStarts.length > 0 ? s.bx[s.segStarts[s.segStarts.length - 1]] : -1;
        if (at !== -1 && at !== lastStart) splits++;
        lastStart = at;
      });
      assert.equal(splits, 0, `${name}: ${splits} splits in an hour`);
    }
  });

  test('deterministic: the same run twice, and a snapshot taken around the split, decide the same to the bit', () => {
    const a = feed(MUSE, 3, 150, 15);
    const b = feed(MUSE, 3, 150, 15);
    assert.deepEqual(a.model.exportState(), b.model.exportState(), 'two runs of the same packets');
    assert.ok(a.model.exportState().segStarts.length === 1, 'the run has its split');
    // Snapshots taken before the split (75 s), just after it (81 s) and later (100 s), restored
    // into a fresh model that is fed the rest.
    const all = packets(MUSE, 3, 150, 15);
    for (const at of [75, 81, 100]) {
      const k = all.findIndex((p) => p.t >= at);
      const live = new ClockModel();
      for (const p of all.slice(0, k)) live.observe(p.stamp, p.h);
      const restored = new ClockModel();
      restored.importState(live.exportState());
      for (const p of all.slice(k)) restored.observe(p.stamp, p.h);
      assert.deepEqual(restored.exportState(), a.model.exportState(), `restored at ${at} s`);
    }
  });

  test('through the pipeline: the windows flow on, the move marked once, and a headset\'s events sit 15 ms later from 20 s after its floor rose 15 ms', () => {
    // The headset's packets arrive 15 ms later from 60 s on; the strap's do not. Events (pulses on
    // every channel) are found in the windows and compared with the same chunks without the step.
    const headset: DeviceSpec = { id: 'hs', modality: 'eeg', rateHz: 256, labels: ['TP9', 'AF7'], packet: 12, driftPpm: 40, latencySec: 0.012, jitterMeanSec: 0.006, deviceEpoch: 77 };
    const strap: DeviceSpec = { id: 'st', modality: 'ecg', rateHz: 130, labels: ['ECG'], packet: 73, driftPpm: -30, latencySec: 0.02, jitterMeanSec: 0.01, deviceEpoch: 7.5e8, seed: 3 };
    const events = [50.5, 70.3, 79.5, 81.2, 90.7, 110.4, 150.6, 190.2];
    const sig = (c: number, t: number) => 15 * Math.sin(2 * Math.PI * 10 * t + c) + 2500 + events.reduce((v, e) => v + pulse(e, 400)(t), 0);
    const strapChunks = generate(strap, 0, 200, withHeartbeat(sig));
    const placed = (stepSec: number) => {
      const eeg = generate(headset, 0, 200, sig).map((c) => (c.hostTime - T0 > 60 ? { ...c, hostTime: c.hostTime + stepSec } : c));
      const windows: SyncWindow[] = [];
      const problems: PipelineProblem[] = [];
      const gaps: Gap[] = [];
      const p = new Pipeline({}, { window: (w) => windows.push(w), problem: (x) => problems.push(x), gap: (g) => gaps.push(g) });
      for (const d of [headset, strap]) p.setStreams(d.id, [infoOf(d)]);
      for (const c of interleave(eeg, strapChunks)) p.push(c);
      const what = `a ${stepSec * 1000}-ms step`;
      // The split moves the headset's mapping at once: marked (a 'time-base' gap and a problem
      // line; time-base-move.test.ts), never silent; nothing else.
      const moves = stepSec === 0 ? 0 : 1;
      assert.equal(problems.length, moves, `problems with ${what}: ${problems.map((x) => x.message).join('; ')}`);
      assert.deepEqual(gaps.map((g) => `${g.streamId} ${g.reason}`), moves ? ['hs/eeg time-base'] : [], `gaps with ${what}`);
      assert.ok(windows.length > 190 && windows.every((w) => w.eeg.present && w.ecg.present), `${windows.length} windows, all with both modalities, with ${what}`);
      return events.map((e) => {
        const w = windows.find((x) => x.startTime - T0 <= e - 1 && x.startTime - T0 + 5 >= e + 1)!;
        const N = w.samples;
        let bi = 1;
        for (let i = 1; i < N - 1; i++) if (w.eeg.data[i] > w.eeg.data[bi]) bi = i;
        const [a, b, c] = [w.eeg.data[bi - 1], w.eeg.data[bi], w.eeg.data[bi + 1]];
        return w.startTime - T0 + (bi + (a - c) / (2 * (a - 2 * b + c))) / w.rateHz;
      });
    };
    const steady = placed(0);
    const stepped = placed(0.015);
    events.forEach((e, i) => {
      const moved = (stepped[i] - steady[i]) * 1000;
      // Before the split (20 s after the rise) on the old floor, the line tilting a little (measured
      // ≤ 0.11 ms); after it on the new one (15.01 ms), where the old code ramped over 30–50 s after
      // the step and overshot by ~1 ms.
      if (e < 80) assert.ok(Math.abs(moved) < 0.3, `event at ${e} s moved ${moved.toFixed(2)} ms by the step`);
      else assert.ok(Math.abs(moved - 15) < 0.1, `event at ${e} s moved ${moved.toFixed(2)} ms by the 15-ms step`);
    });
  });
});
