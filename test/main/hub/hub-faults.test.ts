// Every simulated fault through the hub: a named device problem and a log line (or a quality
// flag), while windows keep flowing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_HEADSET_ID, DEMO_STRAP_ID, SIM_FAULTS } from '../../../src/main/sources';
import { streamingRig } from './hub-rig';

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
});

