// A device whose layout changes while recording (the headset switched from 19 channels at 500 Hz
// to a Muse's 4 at 256 Hz: a montage or rate change gives the stream a second row). The replay
// announced both rows at once under the one stream id: the hub kept one, the other's chunks were
// refused, and the windows before the change replayed without their EEG ('gap'). Now each row is
// announced when its first chunk comes, as the device announced it live: every window equals live,
// from the start and after seeks on either side of the change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SyncWindow } from '../../../src/shared/window.types';
import { startServiceRig } from './service-rig';

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function assertSame(r: SyncWindow, w: SyncWindow, what: string): void {
  assert.equal(r.startTime, w.startTime, `${what}: start`);
  for (const m of ['eeg', 'ecg'] as const) {
    assert.equal(r[m].absentReason, w[m].absentReason, `${what}: ${m} absent reason`);
    assert.deepEqual(r[m].channels, w[m].channels, `${what}: ${m} channels`);
    assert.ok(bytes(r[m].data).equals(bytes(w[m].data)), `${what}: ${m} data differs`);
  }
}

test('a stream whose layout changed mid-recording replays into the live windows on both sides of the change, from the start and after seeks', async (t) => {
  const rig = await startServiceRig(t, { seed: 5 });
  await rig.hub.addSource(rig.headset);
  await rig.hub.addSource(rig.strap);
  rig.scheduler.advance(2);
  const { sessionId } = await rig.service.startRecording({ name: 'montage change' });
  rig.windows.length = 0;
  for (let s = 0; s < 30; s++) {
    if (s === 12) await rig.hub.configureSource(rig.headset.deviceId, { preset: 'muse' });
    rig.scheduler.advance(1);
    await rig.service.recorder.flush();
  }
  await rig.service.stopRecording();
  const live = rig.windows.splice(0);
  await rig.hub.removeSource(rig.headset.deviceId);
  await rig.hub.removeSource(rig.strap.deviceId);
  rig.windows.length = 0;

  const detail = await rig.service.get(sessionId!);
  const eegRows = detail.streams.filter((s) => s.info.modality === 'eeg');
  assert.deepEqual(eegRows.map((s) => s.info.channels.length), [19, 4], 'the EEG stream has a row per layout');
  const t0 = detail.startTime;
  const liveAt = new Map(live.map((w) => [w.startTime, w]));
  const rel = (w: SyncWindow) => `+${(w.startTime - t0).toFixed(0)} s`;
  // Both layouts made EEG windows live: the comparison covers each.
  assert.ok(live.some((w) => w.eeg.present && w.eeg.channels.length === 19) && live.some((w) => w.eeg.present && w.eeg.channels.length === 4), 'live EEG windows in both layouts');

  await rig.service.openReplay({ sessionId: sessionId!, speed: 'max', play: true });
  const replay = rig.service.currentReplay()!;
  await replay.whenEnded();
  const all = rig.windows.splice(0);
  // The replay starts with the recording (the live windows from before it cannot come back).
  const expected = live.filter((w) => w.startTime >= all[0].startTime);
  assert.deepEqual(all.map(rel), expected.map(rel), 'the same windows');
  all.forEach((w, i) => assertSame(w, expected[i], `from the start, window at ${rel(w)}`));
  assert.ok(all.filter((w) => w.eeg.present && w.eeg.channels.length === 19).length >= 5, 'the EEG before the change is replayed');

  for (const target of [6.5, 20.5]) {
    await rig.service.seek(t0 + target);
    rig.service.play();
    await replay.whenEnded();
    const after = rig.windows.splice(0);
    assert.ok(after.length >= 5, `seek to +${target} s: ${after.length} windows`);
    for (const w of after) {
      const l = liveAt.get(w.startTime);
      assert.ok(l, `seek to +${target} s: a live window at ${rel(w)}`);
      assertSame(w, l, `seek to +${target} s, window at ${rel(w)}`);
    }
  }
  assert.ok(!rig.logs.some((l) => /refused|not restored|failed/.test(l)), rig.logs.filter((l) => /refused|not restored|failed/.test(l)).join('\n'));
  await rig.service.closeReplay();
});
