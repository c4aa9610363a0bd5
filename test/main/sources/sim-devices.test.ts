// Simulated devices behave like hardware: own clock with drift, packets with latency, jitter and
// loss, realistic signals (alpha with eyes closed, blinks, mains; PQRST with HRV), settings and
// timers that behave.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock, VirtualScheduler, RealScheduler, SimEegHeadset, SimEcgStrap, EEG_PRESETS, ECG_PRESETS, createDemoSources, createSystemClock, type SimDevice } from '../../../src/main/sources';
import type { DeviceStatus, SourceSink } from '../../../src/shared/device.types';
import type { Gap, SampleChunk, StreamInfo } from '../../../src/shared/stream.types';
import { Welch, bandPower } from '../../../src/shared/dsp/welch';
import { detectRPeaks } from '../../../src/shared/dsp/r-peak';
import { matchBeats } from '../../shared/pipeline/chunk-gen';

interface Captured {
  chunks: SampleChunk[];
  streams: StreamInfo[][];
  statuses: DeviceStatus[];
  gaps: Gap[];
}

function capture(): { sink: SourceSink; got: Captured } {
  const got: Captured = { chunks: [], streams: [], statuses: [], gaps: [] };
  return {
    got,
    sink: {
      streams: (_d, s) => got.streams.push(s),
      chunk: (c) => got.chunks.push(c),
      gap: (g) => got.gaps.push(g),
      status: (s) => got.statuses.push(s),
    },
  };
}

async function runSim(make: (clock: VirtualClock, sched: VirtualScheduler) => SimDevice, seconds: number) {
  const clock = new VirtualClock(1_750_000_000);
  const sched = new VirtualScheduler(clock);
  const dev = make(clock, sched);
  const { sink, got } = capture();
  const t0 = clock.now();
  await dev.start(sink);
  sched.advance(seconds);
  await dev.stop();
  return { dev, got, t0, clock, sched };
}

/** One channel of the delivered chunks, concatenated. */
function channel(chunks: SampleChunk[], c: number): Float64Array {
  const out: number[] = [];
  for (const ch of chunks) for (let i = 0; i < ch.count; i++) out.push(ch.data[c * ch.count + i]);
  return Float64Array.from(out);
}

describe('device clock and radio', () => {
  test('Muse-like packets: 12 samples, device time from its own drifting clock, late and jittery arrival, in order', async () => {
    const { got, t0 } = await runSim((clock, scheduler) => new SimEegHeadset({ deviceId: 'h', name: 'H', clock, scheduler, seed: 5, settings: { preset: 'muse', driftPpm: 80, jitterMs: 8, latencyMs: 15, lossPercent: 0 } }), 120);
    const info = got.streams[0][0];
    assert.equal(info.nominalRateHz, 256);
    assert.deepEqual(info.channels.map((c) => c.label), ['TP9', 'AF7', 'AF8', 'TP10']);
    assert.equal(info.channels[0].resolution, 0.48828125);
    assert.equal(info.channels[0].rangeUv, 1000);
    assert.equal(info.latencySec, 0.015);
    const cs = got.chunks;
    assert.ok(Math.abs(cs.length - (120 * 256) / 12) < 30, `expected: Math.abs(cs.length - (120 * 256) / 12) < 30`);
    for (let i = 1; i < cs.length; i++) {
      assert.equal(cs[i].count, 12, `chunk ${i}: 12 samples`);
      assert.ok(Math.abs(cs[i].deviceTime - cs[i - 1].deviceTime - 12 / 256) < 1e-9, 'device time advances one packet at the nominal rate on its own clock');
      assert.ok(cs[i].hostTime >= cs[i - 1].hostTime, 'arrivals in order');
    }
    // Every arrival is at least latency after the packet's last sample was taken (true time).
    // True time of a device time: t0 + (d − d0)/(1 + drift).
    const d0 = cs[0].deviceTime;
    const delays = cs.map((c) => c.hostTime - (t0 + (c.deviceTime + 11 / 256 - d0) / (1 + 80e-6)));
    assert.ok(Math.min(...delays) >= 0.015 - 1e-6, `min delay ${Math.min(...delays)}`);
    const mean = delays.reduce((s, v) => s + v, 0) / delays.length;
    assert.ok(Math.abs(mean - 0.023) < 0.003, `mean delay ${mean}`);
    // Drift seen from the host: least-squares slope of device time on arrival time.
    const xs = cs.map((c) => c.hostTime - cs[0].hostTime);
    const ys = cs.map((c) => c.deviceTime - cs[0].deviceTime);
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    let sxy = 0;
    let sxx = 0;
    xs.forEach((x, i) => {
      sxy += (x - mx) * (ys[i] - my);
      sxx += (x - mx) ** 2;
    });
    const rate = sxy / sxx;
    assert.ok(Math.abs(rate - (1 + 80e-6)) < 5e-6, `device/host rate ${rate}`);
  });

  test('Stopped and Started again, the device clock has run on: its offset from the host is what it was', async () => {
    // It was set back to its power-on reading at every start: the strap's offset grew by the time the
    // app had run (the dashboard's 'ECG clock: offset +16.017 s' after a Stop and Start).
    for (const make of [
      (clock: VirtualClock, scheduler: VirtualScheduler) => new SimEcgStrap({ deviceId: 's', name: 'S', clock, scheduler, seed: 3, settings: { lossPercent: 0, driftPpm: 0, jitterMs: 0, latencyMs: 0 } }),
      (clock: VirtualClock, scheduler: VirtualScheduler) => new SimEegHeadset({ deviceId: 'h', name: 'H', clock, scheduler, seed: 5, settings: { preset: 'muse', lossPercent: 0, driftPpm: 0, jitterMs: 0, latencyMs: 0 } }),
    ]) {
      const clock = new VirtualClock(1_750_000_000);
      const sched = new VirtualScheduler(clock);
      const dev = make(clock, sched);
      sched.advance(7); // the app ran a while before the device was started
      const { sink, got } = capture();
      await dev.start(sink);
      sched.advance(5);
      await dev.stop();
      const first = got.chunks.length;
      sched.advance(30);
      await dev.start(sink);
      sched.advance(5);
      await dev.stop();
      // Samples are taken on the device's crystal (a rate error on the strap): host − device time, per packet, moves by ms only.
      const offsets = got.chunks.map((c) => c.hostTime - c.deviceTime);
      const before = offsets[first - 1];
      const after = offsets[first];
      assert.ok(first > 0 && got.chunks.length > first, `${dev.name}: packets in both runs`);
      assert.ok(Math.abs(after - before) < 0.05, `${dev.name}: host − device time ${before.toFixed(3)} s before the Stop, ${after.toFixed(3)} s after the Start`);
    }
  });

  test('a new clock drift mid-stream: nothing lost, the device clock continuous, then running at the new rate', async () => {
    // Before, a drift change restarted the stream: the packet being filled and those in the air were
    // dropped (a Polar-like strap lost a quarter of a second, a gap and five windows without ECG).
    for (const make of [
      (clock: VirtualClock, scheduler: VirtualScheduler) => new SimEcgStrap({ deviceId: 's', name: 'S', clock, scheduler, seed: 3, settings: { lossPercent: 0, driftPpm: -30, jitterMs: 0, latencyMs: 0 } }),
      (clock: VirtualClock, scheduler: VirtualScheduler) => new SimEegHeadset({ deviceId: 'h', name: 'H', clock, scheduler, seed: 5, settings: { preset: 'muse', lossPercent: 0, driftPpm: -30, jitterMs: 0, latencyMs: 15 } }),
    ]) {
      const clock = new VirtualClock(1_750_000_000);
      const sched = new VirtualScheduler(clock);
      const dev = make(clock, sched);
      const { sink, got } = capture();
      await dev.start(sink);
      sched.advance(20.27);
      const at = clock.now();
      await dev.configure({ driftPpm: 100 });
      sched.advance(40);
      await dev.stop();
      const cs = got.chunks;
      const P = cs[0].count;
      const spacing = (cs.at(-1)!.deviceTime - cs[0].deviceTime) / (cs.length - 1);
      for (let i = 1; i < cs.length; i++) assert.ok(Math.abs(cs[i].deviceTime - cs[i - 1].deviceTime - spacing) < 1e-6, `${dev.name}: packet ${i} follows the one before (${cs[i].deviceTime - cs[i - 1].deviceTime} s)`);
      assert.ok(Math.abs(spacing - P / got.streams[0][0].nominalRateHz) < 0.01 * spacing, `${dev.name}: one packet apart`);
      assert.equal(got.streams.length, 1, `${dev.name}: the stream is not announced anew`);
      // The device clock's rate changed at once (no jitter here: a packet arrives as its last sample
      // is taken): device time against arrival has slope 1 − 30 ppm before, 1 + 100 ppm after.
      const slope = (xs: typeof cs) => (xs.at(-1)!.deviceTime - xs[0].deviceTime) / (xs.at(-1)!.hostTime - xs[0].hostTime);
      const before = cs.filter((c) => c.hostTime < at - 0.1);
      const after = cs.filter((c) => c.hostTime > at + 1);
      assert.ok(Math.abs(slope(before) - (1 - 30e-6)) < 1e-6 && Math.abs(slope(after) - (1 + 100e-6)) < 1e-6, `${dev.name}: rates ${slope(before)} then ${slope(after)}`);
    }
  });

  test('packet loss at the configured rate, seen as device-time jumps', async () => {
    const { got } = await runSim((clock, scheduler) => new SimEegHeadset({ deviceId: 'h', name: 'H', clock, scheduler, seed: 9, settings: { preset: 'muse', lossPercent: 5 } }), 120);
    const cs = got.chunks;
    let lost = 0;
    for (let i = 1; i < cs.length; i++) lost += Math.round((cs[i].deviceTime - cs[i - 1].deviceTime) / (12 / 256)) - 1;
    const frac = lost / (lost + cs.length);
    assert.ok(frac > 0.035 && frac < 0.065, `lost ${(frac * 100).toFixed(1)} %`);
  });

  test('Polar-like strap: 73-sample frames at 130 Hz, its PMD clock on the Unix epoch as the Polar driver hands it on, sampling slightly off nominal', async () => {
    const { got } = await runSim((clock, scheduler) => new SimEcgStrap({ deviceId: 's', name: 'S', clock, scheduler, seed: 3, settings: { lossPercent: 0, driftPpm: 0 } }), 60);
    const cs = got.chunks;
    assert.equal(got.streams[0][0].nominalRateHz, 130);
    assert.ok(cs.every((c) => c.count === 73), 'frames of 73');
    // A real H10's ECG reaches the hub on the Unix epoch (pmdTimeUnixS): seconds since 2000 were the sim's alone.
    assert.ok(Math.abs(cs[0].deviceTime - cs[0].hostTime) < 3, `device time ${cs[0].deviceTime} on the host's epoch (host ${cs[0].hostTime})`);
    // Device times near 1.75e9 s carry ~2.4e-7 s of float64 resolution, over ~100 frames here.
    const dd = (cs.at(-1)!.deviceTime - cs[0].deviceTime) / (cs.length - 1);
    const want = 73 / (130 * (1 + ECG_PRESETS['polar-h10'].rateErrorPpm * 1e-6));
    assert.ok(Math.abs(dd - want) < 1e-7, `frame spacing ${dd} vs ${want}`);
  });

  test('runtime settings: a new preset re-announces the stream; bad settings are refused by name', async () => {
    const clock = new VirtualClock();
    const sched = new VirtualScheduler(clock);
    const dev = new SimEegHeadset({ deviceId: 'h', name: 'Headset', clock, scheduler: sched, settings: { preset: 'muse' } });
    const { sink, got } = capture();
    await dev.start(sink);
    sched.advance(2);
    await dev.configure({ preset: '64ch' });
    sched.advance(2);
    assert.equal(got.streams.length, 2);
    assert.equal(got.streams[1][0].channels.length, 64);
    assert.equal(got.streams[1][0].nominalRateHz, 1000);
    assert.equal(got.chunks.at(-1)!.count, 50);
    assert.equal(got.chunks.at(-1)!.data.length, 64 * 50);
    // A new radio latency is stated with the stream (the clock model subtracts it).
    await dev.configure({ latencyMs: 45 });
    sched.advance(1);
    assert.equal(got.streams.length, 3);
    assert.equal(got.streams[2][0].latencySec, 0.045);
    await assert.rejects(dev.configure({ preset: 'hd-1024' }), /not a valid Montage/);
    await assert.rejects(dev.configure({ driftPpm: 'fast' as unknown as number }), /must be a number/);
    await assert.rejects(dev.configure({ wobble: 1 }), /no setting 'wobble'/);
    assert.throws(() => dev.injectFault('meteor'), /cannot simulate 'meteor'/);
    assert.equal(dev.status().settings?.preset, '64ch');
    await dev.stop();
    assert.equal(dev.status().state, 'stopped');
    assert.equal(sched.pending, 0);
  });

  test('every preset streams its channels at its rate', async () => {
    for (const [name, p] of Object.entries(EEG_PRESETS)) {
      const { got } = await runSim((clock, scheduler) => new SimEegHeadset({ deviceId: 'h', name: 'H', clock, scheduler, settings: { preset: name, lossPercent: 0 } }), 3);
      const n = got.chunks.reduce((s, c) => s + c.count, 0);
      assert.ok(Math.abs(n - 3 * p.rateHz) <= 2 * p.packet + p.rateHz * 0.1, `${name}: ${n} samples`);
      assert.ok(got.chunks.every((c) => c.data.length === c.count * p.labels.length && c.data.every(Number.isFinite)), `${name}: chunk shapes`);
    }
  });
});

describe('EEG signal', () => {
  const o1Alpha = async (eyesClosed: boolean) => {
    const { got } = await runSim((clock, scheduler) => new SimEegHeadset({ deviceId: 'h', name: 'H', clock, scheduler, seed: 21, settings: { preset: '10-20', eyesClosed, lossPercent: 0 } }), 40);
    const labels = got.streams[0][0].channels.map((c) => c.label);
    const w = new Welch(500, 1024);
    const bp = (label: string, lo: number, hi: number) => {
      const x = channel(got.chunks, labels.indexOf(label));
      const { freqHz, psd } = w.psd(x);
      return bandPower(freqHz, psd, lo, hi);
    };
    return { o1: bp('O1', 8, 13), fp1: bp('Fp1', 8, 13), fp1Delta: bp('Fp1', 0.5, 4), mains: bp('Cz', 49, 51), mains60: bp('Cz', 59, 61), broad: bp('Cz', 1, 45) };
  };

  test('alpha is posterior and rises with the eyes closed; blinks load the front with the eyes open', async () => {
    const open = await o1Alpha(false);
    const closed = await o1Alpha(true);
    assert.ok(closed.o1 > 4 * open.o1, `O1 alpha closed ${closed.o1.toFixed(0)} vs open ${open.o1.toFixed(0)} µV²`);
    assert.ok(open.o1 > 2 * open.fp1, `alpha is posterior (O1 ${open.o1.toFixed(0)}, Fp1 ${open.fp1.toFixed(0)})`);
    assert.ok(open.fp1Delta > 3 * closed.fp1Delta, `blinks: Fp1 delta open ${open.fp1Delta.toFixed(0)} vs closed ${closed.fp1Delta.toFixed(0)}`);
    assert.ok(open.mains > 3 * open.mains60, `mains hum at 50 Hz (${open.mains.toFixed(3)} µV²), not 60 (${open.mains60.toFixed(3)})`);
    assert.ok(open.broad > 20 && open.broad < 2000, `1–45 Hz power ${open.broad.toFixed(0)} µV²`);
  });

  test('samples are quantised to the amplifier resolution and clipped at its range', async () => {
    const { got } = await runSim((clock, scheduler) => new SimEegHeadset({ deviceId: 'h', name: 'H', clock, scheduler, settings: { preset: 'muse' } }), 5);
    const res = EEG_PRESETS.muse.resolutionUv;
    const bad = got.chunks.flatMap((c) => [...c.data]).filter((v) => !(Math.abs(v / res - Math.round(v / res)) < 1e-3 && Math.abs(v) <= 1000));
    assert.deepEqual(bad, []);
  });
});

describe('ECG signal', () => {
  test('PQRST beats at the set heart rate with HRV; the detector finds every true beat', async () => {
    const { dev, got } = await runSim((clock, scheduler) => new SimEcgStrap({ deviceId: 's', name: 'S', clock, scheduler, seed: 4, settings: { preset: '3-lead', heartRateBpm: 90, hrvMs: 40, lossPercent: 0, driftPpm: 0, latencyMs: 0, jitterMs: 0 } }), 60);
    const strap = dev as SimEcgStrap;
    const cs = got.chunks;
    const ii = channel(cs, 1);
    // Sample k of the stream is at true time t(first chunk) + k / rate (no drift, no latency here).
    const tFirst = cs[0].hostTime - (cs[0].count - 1) / 500;
    const peaks = detectRPeaks(ii, 500).map((k) => tFirst + k / 500);
    const all = strap.recentBeats();
    const tEnd = cs.at(-1)!.hostTime;
    // No detection away from a true beat; no true beat (away from the ends) without a detection.
    const falsePos = peaks.filter((p) => !all.some((t) => Math.abs(p - t) < 0.05));
    const truth = all.filter((t) => t > tFirst + 0.5 && t < tEnd - 1);
    const missed = truth.filter((t) => !peaks.some((p) => Math.abs(p - t) < 0.05));
    assert.deepEqual(falsePos, []);
    assert.deepEqual(missed, []);
    assert.ok(truth.length > 80, `${truth.length} beats`);
    assert.equal(matchBeats(truth, peaks.filter((p) => p > tFirst + 0.45 && p < tEnd - 0.95), 0.05).se, 1);
    const rr = truth.slice(1).map((t, i) => t - truth[i]);
    const hr = 60 / (rr.reduce((s, v) => s + v, 0) / rr.length);
    assert.ok(Math.abs(hr - 90) < 3, `HR ${hr}`);
    const sd = Math.sqrt(rr.reduce((s, v) => s + (v - 60 / hr) ** 2, 0) / rr.length);
    assert.ok(sd > 0.01 && sd < 0.06, `RR SD ${sd}`);
    // Einthoven: the cardiac part of II is I + III (each lead has its own noise).
    const i1 = channel(cs, 0);
    const i3 = channel(cs, 2);
    let num = 0;
    let da = 0;
    let db = 0;
    for (let k = 0; k < ii.length; k++) {
      const a = ii[k] - (i1[k] + i3[k]);
      num += a * a;
      da += ii[k] * ii[k];
      db += 1;
    }
    void db;
    assert.ok(num / da < 0.02, `residual of II − (I + III): ${(num / da).toFixed(3)}`);
  });
});

describe('timers', () => {
  test('the virtual scheduler fires in time order, ties in creation order, and stops when cancelled', () => {
    const clock = new VirtualClock(100);
    const s = new VirtualScheduler(clock);
    const seen: string[] = [];
    const c1 = s.every(0.5, () => seen.push(`a@${(clock.now() - 100).toFixed(1)}`));
    s.every(1, () => seen.push(`b@${(clock.now() - 100).toFixed(1)}`));
    s.after(0.75, () => seen.push(`c@${(clock.now() - 100).toFixed(2)}`));
    s.advance(1);
    c1();
    s.advance(1);
    assert.deepEqual(seen, ['a@0.5', 'c@0.75', 'a@1.0', 'b@1.0', 'b@2.0']);
    assert.equal(clock.now(), 102);
  });

  test('the system clock follows the wall clock across a suspend, never goes back, and ignores small differences', () => {
    let wall = 1_700_000_000;
    let mono = 50;
    const clock = createSystemClock({ wallS: () => wall, monoS: () => mono });
    assert.equal(clock.now(), 1_700_000_000);
    mono += 10;
    wall += 10.5; // NTP's slewing: the host clock keeps to the monotonic one
    assert.equal(clock.now(), 1_700_000_010);
    mono += 1;
    wall += 3600; // an hour's suspend: the monotonic clock stood still
    assert.equal(clock.now(), wall);
    mono += 1;
    assert.equal(clock.now(), wall + 1, 'runs on from there on the monotonic clock');
    const before = clock.now();
    wall -= 7200; // the wall clock set back two hours
    mono += 1;
    assert.equal(clock.now(), before + 1, 'never back');
  });

  test('real timers drive the demo at real rate (0.6 s of wall time)', async () => {
    const clock = createSystemClock();
    const sched = new RealScheduler(clock);
    const devs = createDemoSources({ clock, scheduler: sched });
    const counts = devs.map(() => 0);
    await Promise.all(devs.map((d, i) => d.start({ streams: () => undefined, chunk: () => void counts[i]++, gap: () => undefined, status: () => undefined })));
    await new Promise((r) => setTimeout(r, 600));
    await Promise.all(devs.map((d) => d.stop()));
    // 19 ch @ 500 Hz in 25-sample packets (20/s); 130 Hz in 73-sample frames (1.8/s).
    assert.ok(counts[0] >= 8, `headset packets ${counts[0]}`);
    assert.ok(counts[1] >= 0, `expected: counts[1] >= 0`);
  });
});
