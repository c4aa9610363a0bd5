// Every simulated fault through the hub: a named device problem and a log line (or a quality
// flag), while windows keep flowing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_HEADSET_ID, DEMO_STRAP_ID, SIM_FAULTS } from '../../../src/main/sources';
import type { DeviceStatus, Source, SourceSink } from '../../../src/shared/device.types';
import type { StreamInfo } from '../../../src/shared/stream.types';
import { rig, streamingRig } from './hub-rig';
import { clockTimeS } from '../../../src/shared/clock-time';

describe('every fault becomes a named device problem and a log line; the pipeline keeps running', () => {
  const expected: Record<string, { code?: string; quality?: { channel: number; flag: string } }> = {
    'nan-samples': { code: 'non-finite-samples' },
    'wrong-channels': { code: 'channel-mismatch' },
    'time-backwards': { code: 'time-backwards' },
    'time-jump': { code: 'time-jump' },
    'clock-reset': { code: 'time-backwards' },
    'stop-mid-packet': { code: 'truncated' },
    stall: { code: 'stalled' },
    dropout: { code: 'stalled' },
    'flat-channel': { quality: { channel: 0, flag: 'flat' } },
    'railed-channel': { quality: { channel: 1, flag: 'railed' } },
    'line-noise': { quality: { channel: 2, flag: 'line-noise' } },
    artifact: { quality: { channel: 0, flag: 'implausible' } },
  };
  test('the fault list is covered', () => assert.deepEqual(Object.keys(expected).sort(), SIM_FAULTS.map((f) => f.id).sort()));

  for (const [fault, want] of Object.entries(expected)) {
    test(fault, async () => {
      const { r, headset } = await streamingRig();
      r.sched.advance(15);
      const tFault = r.clock.now();
      headset.injectFault(fault);
      r.sched.advance(25);
      const after = r.statuses.filter((s) => s.deviceId === DEMO_HEADSET_ID && s.problem && s.problem.time >= tFault - 0.1);
      if (want.code) {
        assert.ok(after.some((s) => s.problem!.code === want.code), `status problems: ${[...new Set(after.map((s) => s.problem!.code))].join(', ')}`);
        assert.ok(r.logs.some((l) => l.source === `device:${DEMO_HEADSET_ID}` && l.level !== 'debug' && l.time >= tFault - 0.1), 'a log line');
      }
      if (want.quality) {
        const qs = r.quality.filter((q) => q.streamId === `${DEMO_HEADSET_ID}/eeg` && q.time > tFault + 6 && q.time < tFault + 10);
        assert.ok(qs.length > 0, `expected: qs.length > 0`);
        for (const q of qs) assert.ok(q.channels[want.quality.channel].flags.includes(want.quality.flag as never), JSON.stringify(q.channels.map((c) => c.flags)));
        const clean = r.quality.filter((q) => q.streamId === `${DEMO_HEADSET_ID}/eeg` && q.time > tFault + 17).at(-1)!;
        assert.deepEqual(clean.channels[want.quality.channel].flags, [], 'clean again after the condition ends');
      }
      // Windows keep coming, and the headset is back in them by the end.
      const late = r.windows.filter((w) => w.startTime > tFault + 12);
      assert.ok(late.length >= 5, `${late.length} windows after the fault`);
      assert.ok(late.at(-1)!.eeg.present, `EEG present at the end (${late.at(-1)!.eeg.absentReason})`);
      assert.deepEqual(r.sched.errors, []);
      await r.hub.close();
    });
  }

  // The dashboard's quality report judges the newest second: a fault is flagged within about a hop of
  // its onset and cleared within about a hop of its end (judged over the whole 5-s window, a flat
  // electrode was flagged 5.7 s late and a railed one cleared 5.7 s late). The line-noise ratio stays
  // a window's (a ratio of powers from one second wanders across the threshold on clean channels).
  for (const [fault, lag] of Object.entries({ 'flat-channel': [2.2, 2.2], 'railed-channel': [2.2, 2.2], artifact: [2.2, 2.2], 'line-noise': [2.2, 5.2] })) {
    const { channel, flag } = expected[fault].quality!;
    test(`${fault}: the quality report flags it within a hop of its onset and clears it within a hop of its end`, async () => {
      const { r, headset } = await streamingRig();
      r.sched.advance(15.3);
      const tFault = r.clock.now();
      headset.injectFault(fault);
      r.sched.advance(25);
      const reports = r.quality.filter((q) => q.streamId === `${DEMO_HEADSET_ID}/eeg` && q.time > tFault - 1);
      const flagged = (q: (typeof reports)[number]) => q.channels[channel].flags.includes(flag as never);
      const on = reports.find(flagged);
      assert.ok(on, 'flagged');
      assert.ok(on.time - tFault <= lag[0], `flagged in the report ending ${(on.time - tFault).toFixed(2)} s after the onset`);
      const off = reports.find((q) => q.time > on.time && !flagged(q));
      assert.ok(off, 'cleared');
      assert.ok(off.time - (tFault + 10) <= lag[1], `cleared in the report ending ${(off.time - tFault - 10).toFixed(2)} s after the fault's end`);
      assert.ok(off.time - (tFault + 10) > 0, 'not cleared while the fault lasts');
      for (const q of reports.filter((q) => q.time > tFault + lag[0] && q.time <= tFault + 10)) assert.ok(flagged(q), `flagged throughout (report at +${(q.time - tFault).toFixed(2)} s)`);
      // The window's own quality still judges the whole window: a window with a second of the fault is not flat.
      if (fault === 'flat-channel') {
        const partly = r.windows.find((w) => w.startTime + 5 === on.time)!;
        assert.ok(partly.eeg.quality[channel].score > 0, 'a window flat for its last second only is not flat');
      }
      await r.hub.close();
    });
  }

  // The strap offers the same fault list with one lead: each fault must still happen there (the
  // railed and wrong-channel faults once did nothing on a one-channel device).
  for (const [fault, want] of Object.entries(expected)) {
    test(`${fault} on the one-lead strap`, async () => {
      const { r, strap } = await streamingRig();
      r.sched.advance(15);
      const tFault = r.clock.now();
      strap.injectFault(fault);
      r.sched.advance(25);
      if (want.code) {
        const after = r.statuses.filter((s) => s.deviceId === DEMO_STRAP_ID && s.problem && s.problem.time >= tFault - 0.1);
        assert.ok(after.some((s) => s.problem!.code === want.code), `status problems: ${[...new Set(after.map((s) => s.problem!.code))].join(', ')}`);
      }
      if (want.quality) {
        const qs = r.quality.filter((q) => q.streamId === `${DEMO_STRAP_ID}/ecg` && q.time > tFault + 6 && q.time < tFault + 10);
        assert.ok(qs.length > 0, `expected: qs.length > 0`);
        for (const q of qs) assert.ok(q.channels[0].flags.includes(want.quality.flag as never), JSON.stringify(q.channels.map((c) => c.flags)));
      }
      assert.ok(r.windows.filter((w) => w.startTime > tFault + 12).at(-1)!.ecg.present, 'ECG present at the end');
      await r.hub.close();
    });
  }

  test('the loss a dropped chunk leaves is a note in the log, not the row: the row keeps naming the wrong channel count', async () => {
    for (const which of ['headset', 'strap'] as const) {
      const started = await streamingRig();
      const { r } = started;
      const id = which === 'headset' ? DEMO_HEADSET_ID : DEMO_STRAP_ID;
      r.sched.advance(10);
      started[which].injectFault('wrong-channels');
      r.sched.advance(2);
      const p = r.hub.devices().find((d) => d.deviceId === id)!.problem;
      assert.equal(p?.code, 'channel-mismatch', `${which}: the row says ${p?.code}: ${p?.message}`);
      assert.ok(r.logs.some((l) => l.source === `device:${id}` && l.level === 'info' && /missing: a gap is marked/.test(l.message)), `${which}: the gap it left is said in the log`);
      await r.hub.close();
    }
  });

  test('a problem clears once the device streams cleanly again', async () => {
    const { r, headset } = await streamingRig();
    r.sched.advance(10);
    headset.injectFault('nan-samples');
    r.sched.advance(2);
    assert.equal(r.hub.devices().find((d) => d.deviceId === DEMO_HEADSET_ID)!.problem?.code, 'non-finite-samples');
    r.sched.advance(8);
    assert.equal(r.hub.devices().find((d) => d.deviceId === DEMO_HEADSET_ID)!.problem, undefined);
    assert.ok(r.logs.some((l) => /streams cleanly again/.test(l.message)), `expected: r.logs.some((l) => /streams cleanly again/.test(l.message))`);
    await r.hub.close();
  });

  test('a lost packet is one info line, with no all-clear line after it', async () => {
    const { r, headset } = await streamingRig();
    await headset.configure({ lossPercent: 1 });
    r.sched.advance(60);
    const lost = r.logs.filter((l) => /missing: a gap is marked/.test(l.message));
    assert.ok(lost.length > 0 && lost.every((l) => l.level === 'info' && l.message.startsWith('Simulated headset, sim-eeg-1/eeg: ')), lost.map((l) => l.message).join(' | '));
    assert.ok(r.statuses.some((s) => s.problem?.code === 'packet-loss'), 'the device panel still shows it for a while');
    // As a note, as the log says it (it showed in the warning's orange).
    assert.ok(r.statuses.filter((s) => s.problem?.code === 'packet-loss').every((s) => s.problem?.level === 'info'), 'the row shows it as a note');
    assert.deepEqual(r.logs.filter((l) => /streams cleanly again/.test(l.message)).map((l) => l.message), []);
    await r.hub.close();
  });

  test('repeated problems are logged once per interval, with a count', async () => {
    const { r, headset } = await streamingRig();
    r.sched.advance(5);
    for (let i = 0; i < 5; i++) {
      headset.injectFault('nan-samples');
      r.sched.advance(1);
    }
    r.sched.advance(10);
    headset.injectFault('nan-samples');
    r.sched.advance(1);
    const lines = r.logs.filter((l) => /NaN\/Inf/.test(l.message));
    assert.equal(lines.length, 2);
    assert.match(lines[1].message, /4 more like it/);
    await r.hub.close();
  });

  test('a stall is said once, naming the device: the hub for a source that does not watch its own silence', async () => {
    const { r, headset } = await streamingRig();
    r.sched.advance(10);
    const t = r.clock.now();
    headset.injectFault('stall');
    r.sched.advance(10);
    const lines = r.logs.filter((l) => l.time >= t && l.level === 'warn');
    assert.equal(lines.length, 1, lines.map((l) => l.message).join(' | '));
    // Since when the stream is quiet (its last chunk came within a chunk's interval of t),
    // not for how long: the problem stays on the card while the silence goes on.
    const since = new Set([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3].map((d) => `no data since ${clockTimeS(t - d)}`));
    const said = /^Simulated headset, sim-eeg-1\/eeg: (no data since \d\d:\d\d:\d\d)$/.exec(lines[0].message);
    assert.ok(said && since.has(said[1]), `the line says since when: ${lines[0].message} (expected one of ${[...since].join(', ')})`);
    const stalled = r.statuses.find((s) => s.deviceId === DEMO_HEADSET_ID && s.problem?.code === 'stalled')!;
    assert.equal(stalled.problem!.message, `sim-eeg-1/eeg: ${said[1]}`, 'the status says the same');
    assert.ok(stalled.problem!.time - t > 1, 'found once the silence is past the limit');
    assert.ok(r.logs.some((l) => l.time >= t && /^Simulated headset, sim-eeg-1\/eeg: data again after \d\.\d s$/.test(l.message)), 'the resume is said too');
    await r.hub.close();
  });

  test('a stall is said once, naming the device: the source itself when it watches its own silence', async () => {
    const r = rig();
    const id = 'cyton';
    const info: StreamInfo = { id: `${id}/eeg`, deviceId: id, deviceName: 'Lab Cyton', deviceModel: 'cyton', modality: 'eeg', nominalRateHz: 200, channels: [{ label: 'Cz', unit: 'uV', resolution: 0 }] };
    let status: DeviceStatus = { deviceId: id, name: 'Lab Cyton', model: 'cyton', transport: 'serial', state: 'idle', streamIds: [info.id] };
    let sink: SourceSink | null = null;
    let sent = 0;
    let quietSince = Infinity;
    // Like ManagedSource: 10 samples every 50 ms; after 3 s without data it says so and reconnects.
    const source: Source = {
      deviceId: id,
      watchesStalls: true,
      status: () => status,
      stop: async () => undefined,
      start: async (s) => {
        sink = s;
        s.streams(id, [info]);
        status = { ...status, state: 'streaming' };
        s.status(status);
      },
    };
    const cancel = r.sched.every(0.05, () => {
      const now = r.clock.now();
      if (now < quietSince) {
        sink!.chunk({ streamId: info.id, deviceTime: sent / 200, hostTime: now, count: 10, data: new Float32Array(10).map((_, i) => 20 * Math.sin(sent + i)) });
        sent += 10;
      } else if (status.state === 'streaming' && now - quietSince > 3) {
        status = { ...status, state: 'reconnecting', problem: { code: 'stalled', message: 'no data for 3.0 s', time: now } };
        sink!.status(status);
      }
    });
    await r.hub.addSource(source);
    r.sched.advance(5);
    const t = r.clock.now();
    quietSince = t;
    r.sched.advance(6);
    const lines = r.logs.filter((l) => l.time >= t && l.level !== 'debug' && l.level !== 'info');
    assert.deepEqual(lines.map((l) => `${l.level} ${l.message}`), ['warn Lab Cyton: streaming → reconnecting (no data for 3.0 s)']);
    assert.ok(!r.statuses.some((s) => s.problem?.message.startsWith(`${info.id}:`)), 'no stall problem of the hub beside the source\'s own');
    cancel();
    await r.hub.close();
  });
});
