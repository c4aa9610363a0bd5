// The hub with simulated devices in accelerated virtual time: windows flow, clocks align over an
// hour of drift, every fault becomes a named device problem and a log line, nothing escapes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HubListener } from '../../../src/main/hub/hub.types';
import { createDemoSources, SimEegHeadset, SimEcgStrap, DEMO_HEADSET_ID, DEMO_STRAP_ID } from '../../../src/main/sources';
import type { DeviceStatus, Source, SourceSink } from '../../../src/shared/device.types';
import type { Gap, SampleChunk, StreamInfo } from '../../../src/shared/stream.types';
import type { SyncWindow } from '../../../src/shared/window.types';
import { SAME_FILTERS } from '../../shared/pipeline/chunk-gen';
import type { PipelineSnapshotError } from '../../../src/shared/pipeline';
import { rig, streamingRig } from './hub-rig';

describe('demo sources through the hub', () => {
  test('60 s of the built-in demo: synchronised windows, features, statuses', async () => {
    const r = rig();
    const [headset, strap] = createDemoSources({ clock: r.clock, scheduler: r.sched });
    await r.hub.addSource(headset);
    await r.hub.addSource(strap);
    r.sched.advance(60);
    assert.ok(r.windows.length >= 50, `${r.windows.length} windows`);
    const full = r.windows.filter((w) => w.eeg.present && w.ecg.present);
    assert.ok(full.length >= 40, `${full.length} windows with both modalities`);
    assert.equal(full[0].eeg.channels.length, 19);
    assert.equal(full[0].eeg.channels[0], 'Fp1');
    assert.deepEqual(full[0].ecg.channels, ['ECG']);
    const devs = r.hub.devices();
    assert.deepEqual(devs.map((d) => d.state).sort(), ['streaming', 'streaming']);
    assert.equal(r.hub.streams().length, 2);
    // Heart rate near the strap's 68 bpm setting, EEG features with 5 bands per channel.
    const hr = r.hearts.filter((h) => Number.isFinite(h.heartRateBpm)).at(-1)!;
    assert.ok(Math.abs(hr.heartRateBpm - 68) < 8, `HR ${hr.heartRateBpm}`);
    assert.ok(r.eegs.at(-1)!.bandPower.every((b) => b.length === 5), `expected: r.eegs.at(-1)!.bandPower.every((b) => b.length === 5)`);
    const q = r.quality.filter((x) => x.streamId === `${DEMO_HEADSET_ID}/eeg`).at(-1)!;
    assert.ok(q.channels.filter((c) => c.score === 1).length >= 15, JSON.stringify(q.channels.map((c) => c.flags)));
    assert.ok(r.logs.some((l) => /starting Simulated headset/.test(l.message)), `expected: r.logs.some((l) => /starting Simulated headset/.test(l.message))`);
    await r.hub.close();
    assert.equal(r.sched.pending, 0, 'no timers left');
  });
});

describe('heart features on a lossy strap', () => {
  // 3-lead @ 500 Hz in 50-ms packets, 5 % lost: a gap every second or so. Every beat that was
  // delivered (not within 0.1 s of a gap) is found, none is invented, and HR stays on the truth.
  test('beats between frequent gaps are still detected', async () => {
    const r = rig();
    const strap = new SimEcgStrap({ deviceId: DEMO_STRAP_ID, name: 'Strap', clock: r.clock, scheduler: r.sched, seed: 3, settings: { preset: '3-lead', heartRateBpm: 68, hrvMs: 40, lossPercent: 5 } });
    await r.hub.addSource(strap);
    r.sched.advance(120);
    const found = r.hearts.flatMap((h) => h.rPeakTimes);
    const truth = strap.recentBeats().filter((t) => t > r.clock.now() - 110 && t < r.clock.now() - 3);
    const delivered = truth.filter((t) => !r.gaps.some((g) => t > g.startTime - 0.1 && t < g.endTime + 0.1));
    assert.ok(r.gaps.length > 50, `${r.gaps.length} gaps`);
    const hit = delivered.filter((t) => found.some((f) => Math.abs(f - t) < 0.05));
    assert.ok(hit.length >= 0.97 * delivered.length, `${hit.length} of ${delivered.length} delivered beats found`);
    const invented = found.filter((f) => f > truth[0] && f < truth.at(-1)! && !truth.some((t) => Math.abs(f - t) < 0.05));
    assert.deepEqual(invented, []);
    const hr = r.hearts.filter((h) => Number.isFinite(h.heartRateBpm)).at(-1)!;
    assert.ok(Math.abs(hr.heartRateBpm - 68) < 5, `HR ${hr.heartRateBpm}`);
    await r.hub.close();
  });
});

describe('two drifting devices over one simulated hour', () => {
  test('events injected at the same true time land within one 200 Hz sample of each other in the windows', async () => {
    const r = rig(SAME_FILTERS);
    // Opposite drifts: the two clocks separate by 0.54 s over the hour.
    const headset = new SimEegHeadset({ deviceId: 'h', name: 'H', clock: r.clock, scheduler: r.sched, seed: 1, settings: { preset: 'muse', driftPpm: 100, jitterMs: 8, latencyMs: 15, lossPercent: 0.2, blinks: false } });
    const strap = new SimEcgStrap({ deviceId: 's', name: 'S', clock: r.clock, scheduler: r.sched, seed: 2, settings: { preset: 'polar-h10', driftPpm: -50, jitterMs: 12, latencyMs: 7.5, lossPercent: 0.2 } });
    await r.hub.addSource(headset);
    await r.hub.addSource(strap);
    const t0 = r.clock.now();
    // A sync event every 5 minutes, seen by both devices (between heart beats does not matter:
    // the pulse is 3 mV, far above the ECG).
    const events: number[] = [];
    for (let m = 1; m <= 12; m++) events.push(t0 + m * 300 - 2.37);
    for (const e of events) {
      headset.injectPulse(e, 400); // the Muse-like range is ±1000 µV
      strap.injectPulse(e, 3000);
    }
    // Keep only windows around the events (an hour of windows would be 300 MB).
    const keep: SyncWindow[] = [];
    r.hub.subscribe({ window: (w) => events.some((e) => w.startTime < e - 0.3 && w.startTime + 5 > e + 0.3) && keep.push(w) });
    r.windows.length = 0;
    const sub = r.hub.subscribe({ window: () => void (r.windows.length = 0) });
    for (let i = 0; i < 3600; i += 60) r.sched.advance(60);
    sub();
    const peak = (w: SyncWindow, m: 'eeg' | 'ecg') => {
      const d = m === 'eeg' ? w.eeg.data : w.ecg.data;
      let bi = 1;
      for (let i = 1; i < w.samples - 1; i++) if (d[i] > d[bi]) bi = i;
      const off = (d[bi - 1] - d[bi + 1]) / (2 * (d[bi - 1] - 2 * d[bi] + d[bi + 1]));
      return w.startTime + (bi + off) / w.rateHz;
    };
    let checked = 0;
    let worst = 0;
    let eventsSeen = 0;
    for (const e of events) {
      // A lost packet near an event leaves no complete window around it (the modality is then
      // honestly absent); most events must be checkable, the last one included.
      const ws = keep.filter((w) => w.startTime < e - 0.3 && w.startTime + 5 > e + 0.3 && w.eeg.present && w.ecg.present);
      if (ws.length > 0) eventsSeen++;
      else assert.notEqual(e, events.at(-1), 'a complete window around the last event');
      for (const w of ws) {
        const skew = Math.abs(peak(w, 'eeg') - peak(w, 'ecg'));
        worst = Math.max(worst, skew);
        assert.ok(skew < 0.005, `event at +${(e - t0).toFixed(0)} s: EEG and ECG ${(skew * 1000).toFixed(2)} ms apart`);
        checked++;
      }
    }
    assert.ok(eventsSeen >= 10, `${eventsSeen} of ${events.length} events checked`);
    const states = r.hub.clockStates();
    const h = states.find((s) => s.streamId === 'h/eeg')!;
    const s = states.find((x) => x.streamId === 's/ecg')!;
    // The model sees the host advance 1/(1+drift) per device second.
    assert.ok(Math.abs(h.clock.driftPpm + 100) < 3, `headset drift ${h.clock.driftPpm}`);
    // Sparse frames (1.8/s) with 12 ms jitter: the drift is known to a few ppm (0.3 ms over the 2-min window).
    assert.ok(Math.abs(s.clock.driftPpm - 50) < 6, `strap drift ${s.clock.driftPpm}`);
    await r.hub.close();
    console.log(`# hour of drift: ${checked} event windows checked, worst EEG–ECG skew ${(worst * 1000).toFixed(2)} ms`);
  });
});

describe('errors are contained', () => {
  function fakeSource(deviceId: string, over: Partial<Source>): Source {
    return {
      deviceId,
      start: async () => undefined,
      stop: async () => undefined,
      status: () => ({ deviceId, name: deviceId, model: 'fake', transport: 'ble', state: 'idle', streamIds: [] }),
      ...over,
    };
  }

  test('a source that fails to start becomes an error status and a log line', async () => {
    const r = rig();
    const err = Object.assign(new Error('Bluetooth is off'), { problemCode: 'unavailable' });
    await r.hub.addSource(fakeSource('dead', { start: async () => Promise.reject(err) }));
    await r.hub.addSource(fakeSource('sync-throw', { start: () => { throw new Error('boom'); } }));
    const dead = r.hub.devices().find((d) => d.deviceId === 'dead')!;
    assert.equal(dead.state, 'error');
    assert.equal(dead.problem?.code, 'unavailable');
    assert.match(dead.problem!.message, /Bluetooth is off/);
    assert.equal(r.hub.devices().find((d) => d.deviceId === 'sync-throw')!.problem?.code, 'device-error');
    assert.ok(r.logs.some((l) => l.level === 'error' && /could not start: Bluetooth is off/.test(l.message)), `expected: r.logs.some((l) => l.level === 'error' && /could not start: Bluetooth is off/.test(l.me...`);
    await r.hub.close();
  });

  test('a source that gave up with an error status, then rejects its start, is said failing once', async () => {
    const r = rig();
    const problem = 'cannot open /dev/ttyUSB9: port not found (unplugged?) (gave up after 3 attempts)';
    let state: DeviceStatus['state'] = 'idle';
    const src = fakeSource('cyton', {
      status: () => ({ deviceId: 'cyton', name: 'Lab Cyton', model: 'fake', transport: 'serial', state, streamIds: [], ...(state === 'error' ? { problem: { code: 'unavailable', message: problem, time: 0 } } : {}) }),
      start: async (sink) => {
        for (const next of ['connecting', 'error'] as const) {
          state = next;
          sink.status(src.status());
        }
        throw Object.assign(new Error(problem), { problemCode: 'unavailable' });
      },
    });
    await r.hub.addSource(src);
    const errors = r.logs.filter((l) => l.level === 'error').map((l) => l.message);
    assert.deepEqual(errors, [`Lab Cyton: connecting → error (${problem})`], 'the state change says it; "could not start" with the same words is debug');
    assert.ok(r.logs.some((l) => l.level === 'debug' && l.message === `Lab Cyton could not start: ${problem}`), r.logs.map((l) => `${l.level} ${l.message}`).join('\n'));
    assert.equal(r.hub.devices()[0].state, 'error');
    await r.hub.close();
  });

  test('garbage from a source is logged and dropped; a throwing status() or stop() is survived', async () => {
    const r = rig();
    let sink: SourceSink | null = null;
    const info: StreamInfo = { id: 'g/eeg', deviceId: 'g', deviceName: 'g', deviceModel: 'fake', modality: 'eeg', nominalRateHz: 100, channels: [{ label: 'Cz', unit: 'uV', resolution: 0 }] };
    await r.hub.addSource(
      fakeSource('g', {
        start: async (s) => {
          sink = s;
          s.streams('g', [info]);
        },
        status: () => {
          throw new Error('status exploded');
        },
        stop: async () => {
          throw new Error('stop exploded');
        },
      }),
    );
    const s = sink as unknown as SourceSink;
    s.chunk(null as unknown as SampleChunk);
    s.chunk({ streamId: 'other/eeg', deviceTime: 0, hostTime: r.clock.now(), count: 1, data: new Float32Array(1) });
    s.chunk({ streamId: 'g/eeg', deviceTime: 0, hostTime: r.clock.now(), count: 2, data: [1, 2] as unknown as Float32Array });
    s.streams('someone-else', [info]);
    s.gap(undefined as unknown as Gap);
    assert.ok(r.logs.some((l) => /chunk failed and was skipped/.test(l.message)), `expected: r.logs.some((l) => /chunk failed and was skipped/.test(l.message))`);
    assert.ok(r.logs.some((l) => /has not announced/.test(l.message)), `expected: r.logs.some((l) => /has not announced/.test(l.message))`);
    // (Its log line is folded into the previous 'bad-frame' line by the repeat throttle.)
    assert.match(r.hub.devices().find((d) => d.deviceId === 'g')!.problem!.message, /not a Float32Array/);
    assert.ok(r.logs.some((l) => /announced streams for device 'someone-else'/.test(l.message)), `expected: r.logs.some((l) => /announced streams for device 'someone-else'/.test(l.message))`);
    await r.hub.removeSource('g');
    assert.ok(r.logs.some((l) => /stop exploded/.test(l.message)), `expected: r.logs.some((l) => /stop exploded/.test(l.message))`);
    await r.hub.close();
  });

  test('a listener that throws is unsubscribed and logged; the others carry on', async () => {
    const { r } = await streamingRig();
    let calls = 0;
    r.hub.subscribe({
      window: () => {
        calls++;
        throw new Error('listener bug');
      },
    } as HubListener);
    r.sched.advance(15);
    assert.equal(calls, 1);
    assert.ok(r.logs.some((l) => l.level === 'error' && /window listener threw and was unsubscribed: listener bug/.test(l.message)), `expected: r.logs.some((l) => l.level === 'error' && /window listener threw and was unsubscribed: ...`);
    assert.ok(r.windows.length > 5, `expected: r.windows.length > 5`);
    await r.hub.close();
  });
});

describe('devices come and go', () => {
  test('strap removed: ECG absent (no-device); added back: ECG returns', async () => {
    const { r, strap } = await streamingRig();
    r.sched.advance(15);
    await r.hub.removeSource(DEMO_STRAP_ID);
    assert.equal(r.hub.streams().length, 1);
    assert.deepEqual(r.streams.at(-1)!.map((s) => s.id), [`${DEMO_HEADSET_ID}/eeg`]);
    const tOff = r.clock.now();
    r.sched.advance(15);
    const off = r.windows.filter((w) => w.startTime > tOff);
    assert.ok(off.length > 8 && off.every((w) => w.eeg.present && w.ecg.absentReason === 'no-device'), `expected: off.length > 8 && off.every((w) => w.eeg.present && w.ecg.absentReason === 'no-device')`);
    await r.hub.addSource(strap);
    const tOn = r.clock.now();
    r.sched.advance(20);
    const on = r.windows.filter((w) => w.startTime > tOn + 2);
    assert.ok(on.length > 5 && on.every((w) => w.ecg.present), on.map((w) => w.ecg.absentReason).join(','));
    await r.hub.close();
  });

  test("a device taken off the hub is said to be removed, after its 'stopped' status; one that failed to start stays listed", async () => {
    const { r } = await streamingRig();
    const seen: string[] = [];
    r.hub.subscribe({ deviceStatus: (s) => seen.push(`${s.deviceId}:${s.state}`), deviceRemoved: (id) => seen.push(`removed ${id}`) });
    r.sched.advance(2);
    seen.length = 0;
    const logged = r.logs.length;
    await r.hub.removeSource(DEMO_STRAP_ID);
    // The strap said its stop as a state change; the hub's 'stopped' with the same news is debug (a
    // closed replay read as 'Replay: X: streaming → stopped', then 'Replay: X stopped').
    const stops = r.logs.slice(logged).filter((l) => l.level !== 'debug' && /stopped/.test(l.message));
    assert.deepEqual(stops.map((l) => l.message), ['Simulated chest strap: streaming → stopped'], 'the stop is said once');
    // (The simulated strap says 'stopped' itself as it stops; the hub says it again.)
    assert.deepEqual(new Set(seen.slice(0, -1)), new Set([`${DEMO_STRAP_ID}:stopped`]), `statuses before the removal: ${seen.join(', ')}`);
    assert.equal(seen.at(-1), `removed ${DEMO_STRAP_ID}`, 'the removal comes last');
    assert.ok(!r.hub.devices().some((d) => d.deviceId === DEMO_STRAP_ID), 'no longer listed');
    const said = seen.length;
    await r.hub.removeSource(DEMO_STRAP_ID);
    assert.equal(seen.length, said, 'removing it again says nothing');
    const failing: Source = { deviceId: 'broken:1', start: () => Promise.reject(new Error('no port')), stop: async () => {}, status: () => ({ deviceId: 'broken:1', name: 'Broken', model: 'x', transport: 'serial', state: 'connecting', streamIds: [] }) };
    await r.hub.addSource(failing);
    assert.ok(!seen.includes('removed broken:1'), 'a device that failed to start is not removed: its error shows');
    assert.equal(r.hub.devices().find((d) => d.deviceId === 'broken:1')?.state, 'error');
    // Taken off, it did not say its stop itself: the hub does.
    const before = r.logs.length;
    await r.hub.removeSource('broken:1');
    assert.deepEqual(r.logs.slice(before).filter((l) => l.level === 'info').map((l) => l.message), ['Broken stopped'], 'a source that did not say its stop is said stopped by the hub');
    await r.hub.close();
  });

  test('while a replay is in the hub no live device is started (it would stream into the replay); after it, one is', async () => {
    const r = rig();
    const replay: Source = { deviceId: 'replay-1', start: async () => {}, stop: async () => {}, status: () => ({ deviceId: 'replay-1', name: 'Replay: lab.csv', model: 'replay', transport: 'replay', state: 'streaming', streamIds: [] }) };
    await r.hub.addSource(replay);
    const strap = new SimEcgStrap({ deviceId: DEMO_STRAP_ID, name: 'Simulated chest strap', clock: r.clock, scheduler: r.sched, seed: 12, settings: { lossPercent: 0 } });
    await assert.rejects(r.hub.addSource(strap), (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'unavailable' && /^Simulated chest strap is not started while a session replays \(Replay: lab\.csv\): close the replay in Sessions/.test(e.message));
    assert.deepEqual(r.hub.sources().map((s) => s.deviceId), ['replay-1'], 'the strap is not in the hub');
    const another: Source = { ...replay, deviceId: 'replay-2', status: () => ({ ...replay.status(), deviceId: 'replay-2' }) };
    await r.hub.addSource(another);
    assert.equal(r.hub.sources().length, 2, 'a replay is not refused');
    await r.hub.removeSource('replay-1');
    await r.hub.removeSource('replay-2');
    await r.hub.addSource(strap);
    assert.deepEqual(r.hub.sources().map((s) => s.deviceId), [DEMO_STRAP_ID], 'started once the replay is gone');
    await r.hub.close();
  });

  test("a strap switched on while the headset streams: ECG 'starting' until a whole window of it exists, never a gap", async () => {
    const r = rig();
    const [headset, strap] = createDemoSources({ clock: r.clock, scheduler: r.sched });
    await r.hub.addSource(headset);
    r.sched.advance(10.3);
    await r.hub.addSource(strap);
    r.sched.advance(15);
    const ecg = r.windows.map((w) => (w.ecg.present ? 'present' : w.ecg.absentReason!));
    const runs = ecg.filter((x, i) => x !== ecg[i - 1]);
    // The demo loses 0.1 % of its packets: a strap frame lost here would be a (true) gap after it started.
    assert.ok(r.gaps.every((g) => !g.streamId.endsWith('/ecg')), 'the strap lost no frame');
    assert.deepEqual(runs, ['no-device', 'starting', 'warming-up', 'present'], ecg.join(','));
    assert.ok(ecg.filter((x) => x === 'starting').length >= 4, ecg.join(','));
    await r.hub.close();
  });

  test('a new clock drift mid-stream loses nothing: no gap, both modalities present throughout, the clock model follows', async () => {
    const { r, headset, strap } = await streamingRig();
    r.sched.advance(20);
    const t = r.clock.now();
    await headset.configure({ driftPpm: 100 });
    await strap.configure({ driftPpm: -100 });
    r.sched.advance(60);
    assert.deepEqual(r.gaps, [], 'no gap');
    const after = r.windows.filter((w) => w.startTime > t - 10);
    assert.ok(after.length > 60, `${after.length} windows`);
    for (const w of after) assert.ok(w.eeg.present && w.ecg.present, `window at ${(w.startTime - t).toFixed(0)} s: EEG ${w.eeg.absentReason ?? 'present'}, ECG ${w.ecg.absentReason ?? 'present'}`);
    // Drift from the host's side: positive for a slow device clock (the strap's −100 ppm).
    const ecgClock = r.hub.clockStates().find((c) => c.streamId.endsWith('/ecg'))!.clock;
    assert.ok(Math.abs(ecgClock.driftPpm - 100) < 15, `strap drift estimated at ${ecgClock.driftPpm.toFixed(1)} ppm`);
    await r.hub.close();
  });

  test('changing the montage at runtime re-announces the stream; windows continue with the new channels', async () => {
    const { r, headset } = await streamingRig();
    r.sched.advance(10);
    await r.hub.configureSource(DEMO_HEADSET_ID, { preset: '10-20', eyesClosed: true });
    const t = r.clock.now();
    r.sched.advance(15);
    assert.equal(r.streams.at(-1)!.find((s) => s.modality === 'eeg')!.channels.length, 19);
    const later = r.windows.filter((w) => w.startTime > t + 2 && w.eeg.present);
    assert.ok(later.length > 5, `expected: later.length > 5`);
    assert.equal(later[0].eeg.channels.length, 19);
    assert.equal(headset.status().settings?.preset, '10-20');
    await assert.rejects(r.hub.configureSource(DEMO_HEADSET_ID, { preset: 'nonsense' }), /not a valid/);
    await assert.rejects(r.hub.configureSource(DEMO_HEADSET_ID, { colour: 'red' }), /no setting 'colour'/);
    await r.hub.close();
  });
});

describe('mains hum at the frequency not set', () => {
  test('one warning naming the frequency and the setting to change, not one per report; none at the frequency set', async () => {
    const { r, headset } = await streamingRig();
    r.sched.advance(10);
    await headset.configure({ lineNoiseUv: 40, mainsHz: 60 });
    r.sched.advance(30);
    const warned = r.logs.filter((l) => /line noise at/.test(l.message));
    assert.deepEqual(
      warned.map((l) => [l.level, l.source, l.message]),
      [['warn', `device:${DEMO_HEADSET_ID}`, `Simulated headset, ${DEMO_HEADSET_ID}/eeg: line noise at 60 Hz on 4 channels, but the mains is set to 50 Hz: set it to 60 Hz in Signal settings`]],
    );
    // Set right, the same hum is plain line noise: flagged, and no further warning.
    r.hub.setPipelineConfig({ quality: { mainsHz: 60 }, filters: { eeg: { notchHz: [60] }, ecg: { notchHz: [60] } } });
    const t = r.clock.now();
    r.sched.advance(20);
    const late = r.quality.filter((q) => q.streamId.endsWith('/eeg') && q.time > t + 8);
    assert.ok(late.length > 5 && late.every((q) => q.channels.every((c) => c.flags.includes('line-noise') && c.lineNoiseHz === undefined)), 'line noise at the mains set');
    assert.equal(r.logs.filter((l) => /line noise at/.test(l.message)).length, 1);
    await r.hub.close();
  });
});

describe('replay through the hub', () => {
  test('a source replaying the recorded raw chunks and gaps reproduces the live windows byte for byte', async () => {
    const { r, headset, strap } = await streamingRig();
    await strap.configure({ lossPercent: 1 });
    r.sched.advance(10);
    headset.injectFault('nan-samples');
    headset.injectFault('time-jump');
    r.sched.advance(30);
    const infos = r.hub.streams();
    const live = r.windows.slice();
    await r.hub.close();
    assert.ok(r.raw.some((x) => 'gap' in x), `expected: r.raw.some((x) => 'gap' in x)`);

    const r2 = rig();
    const replay: Source = {
      deviceId: 'replay',
      start: async (sink) => {
        // A replay announces the recorded streams under its own device (ids unchanged).
        for (const dev of new Set(infos.map((i) => i.deviceId))) sink.streams('replay', infos.filter((i) => i.deviceId === dev).map((i) => ({ ...i, deviceId: 'replay' })));
        sink.streams('replay', infos.map((i) => ({ ...i, deviceId: 'replay' })));
        for (const x of r.raw) {
          if ('gap' in x) sink.gap(x.gap);
          else sink.chunk(x.chunk);
        }
      },
      stop: async () => undefined,
      status: () => ({ deviceId: 'replay', name: 'Replay', model: 'replay', transport: 'replay', state: 'streaming', streamIds: infos.map((i) => i.id) }),
    };
    await r2.hub.addSource(replay);
    assert.equal(r2.windows.length, live.length);
    live.forEach((w, i) => {
      const x = r2.windows[i];
      assert.equal(x.startTime, w.startTime, `replayed window ${i}'s start time`);
      assert.equal(x.eeg.absentReason, w.eeg.absentReason, `replayed window ${i}'s EEG absentReason`);
      assert.equal(x.ecg.absentReason, w.ecg.absentReason, `replayed window ${i}'s ECG absentReason`);
      assert.deepEqual(Buffer.from(x.eeg.data.buffer), Buffer.from(w.eeg.data.buffer), `replayed window ${i}'s EEG samples, bit for bit`);
      assert.deepEqual(Buffer.from(x.ecg.data.buffer), Buffer.from(w.ecg.data.buffer), `replayed window ${i}'s ECG samples, bit for bit`);
    });
    await r2.hub.close();
  });
});

describe('pipeline snapshots through the hub', () => {
  test('restored for a replay device, the windows after it are the live ones; output before the target is withheld', async () => {
    const { r, headset } = await streamingRig();
    r.sched.advance(12);
    headset.injectFault('dropout');
    r.sched.advance(3);
    // Between chunks (here, from the test's own turn) a snapshot can be taken; from inside a listener it cannot.
    let insideError: unknown = null;
    const off = r.hub.subscribe({
      rawChunk: () => {
        try {
          r.hub.pipelineSnapshot();
        } catch (err) {
          insideError ??= err;
        }
      },
    });
    r.sched.advance(0.5);
    off();
    assert.equal((insideError as PipelineSnapshotError)?.code, 'busy');
    const snap = r.hub.pipelineSnapshot();
    const rawAt = r.raw.length;
    r.sched.advance(25);
    const infos = r.hub.streams();
    const live = new Map(r.windows.map((w) => [w.startTime, w]));
    // Not while other devices stream into the pipeline.
    assert.throws(() => r.hub.restorePipeline('sim-eeg-1', snap.bytes), (e: PipelineSnapshotError) => e.code === 'stream-mismatch' && /sim-ecg-1 also stream/.test(e.message));
    await r.hub.close();

    const r2 = rig();
    const replayInfos = infos.map((i) => ({ ...i, id: `replay:${i.id}`, deviceId: 'replay' }));
    let sink: SourceSink | null = null;
    await r2.hub.addSource({
      deviceId: 'replay',
      start: async (s) => {
        sink = s;
        s.streams('replay', replayInfos);
      },
      stop: async () => undefined,
      status: () => ({ deviceId: 'replay', name: 'Replay', model: 'replay', transport: 'replay', state: 'streaming', streamIds: replayInfos.map((i) => i.id) }),
    });
    const target = snap.hostTime + 9;
    const head = r2.hub.restorePipeline('replay', snap.bytes, { streamId: (id) => `replay:${id}`, emitFrom: target });
    assert.equal(head.windowsFrom, snap.windowsFrom);
    for (const x of r.raw.slice(rawAt)) {
      if ('gap' in x) sink!.gap({ ...x.gap, streamId: `replay:${x.gap.streamId}` });
      else sink!.chunk({ ...x.chunk, streamId: `replay:${x.chunk.streamId}` });
    }
    assert.ok(r2.windows.length >= 10, `${r2.windows.length} windows`);
    for (const w of r2.windows) {
      assert.ok(w.startTime + 5 >= target, 'no window ending before the target');
      const l = live.get(w.startTime)!;
      assert.ok(l, `a live window at ${w.startTime}`);
      assert.deepEqual(Buffer.from(w.eeg.data.buffer), Buffer.from(l.eeg.data.buffer), `the window at ${w.startTime}: EEG samples as live, bit for bit`);
      assert.deepEqual(Buffer.from(w.ecg.data.buffer), Buffer.from(l.ecg.data.buffer), `the window at ${w.startTime}: ECG samples as live, bit for bit`);
      assert.deepEqual([w.eeg.quality, w.ecg.quality, w.eeg.absentReason, w.ecg.absentReason], [l.eeg.quality, l.ecg.quality, l.eeg.absentReason, l.ecg.absentReason], `the window at ${w.startTime}: quality and absentReasons as live`);
    }
    assert.ok(r2.quality.every((q) => q.time >= target) && r2.quality.length > 0, `quality after the seek starts at ${target} and is not empty (${r2.quality.length})`);
    assert.ok(r2.hearts.every((f) => f.time >= target) && r2.hearts.length > 0, `hearts after the seek start at ${target} and are not empty (${r2.hearts.length})`);
    assert.ok(r2.raw.every((x) => ('gap' in x ? x.gap.endTime : x.chunk.hostTime) >= target), `raw blocks after the seek start at ${target}`);
    // A stream set it does not fit (the strap missing): refused, nothing changed.
    sink!.streams('replay', replayInfos.slice(0, 1));
    const before = r2.hub.pipelineSnapshot().bytes;
    assert.throws(() => r2.hub.restorePipeline('replay', snap.bytes, { streamId: (id) => `replay:${id}` }), (e: PipelineSnapshotError) => e.code === 'stream-mismatch' && /sim-ecg-1\/ecg/.test(e.message));
    assert.deepEqual(Buffer.from(r2.hub.pipelineSnapshot().bytes), Buffer.from(before));
    await r2.hub.close();
  });
});
