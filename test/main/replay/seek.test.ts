// Replay through the same hub that ran the live devices (as the app does): windows flow, live
// devices pause and come back, seeking back replays the same windows again, seeking forward gives
// the live windows, and speed paces playback. (Seeks at 4× across faults, and the pre-roll used
// when a session has no usable snapshot: seek-snapshots.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SyncWindow } from '../../../src/shared/window.types';
import { startServiceRig } from './service-rig';

const same = (a: SyncWindow, b: SyncWindow) =>
  Buffer.from(a.eeg.data.buffer).equals(Buffer.from(b.eeg.data.buffer)) && Buffer.from(a.ecg.data.buffer).equals(Buffer.from(b.ecg.data.buffer));

/** Largest |replay − live| over the EEG of windows present in both (µV). */
function maxEegError(ws: SyncWindow[], liveAt: Map<number, SyncWindow>): number {
  let maxErr = 0;
  let compared = 0;
  for (const w of ws) {
    const l = liveAt.get(w.startTime);
    if (!l || !w.eeg.present || !l.eeg.present) continue;
    compared++;
    for (let i = 0; i < w.eeg.data.length; i++) maxErr = Math.max(maxErr, Math.abs(w.eeg.data[i] - l.eeg.data[i]));
  }
  assert.ok(compared > 0, 'some windows to compare');
  return maxErr;
}

test('replay in the live hub: windows, seek back and forth, speed', async (t) => {
  const { db, scheduler, hub, service, windows, headset, strap } = await startServiceRig(t, { seed: 11, seekPreRollS: 8 });
  await hub.addSource(headset);
  await hub.addSource(strap);
  scheduler.advance(5); // the devices run a while before the recording starts
  const { sessionId } = await service.startRecording({ name: 'seek' });
  for (let s = 0; s < 30; s++) {
    scheduler.advance(1);
    await service.recorder.flush();
  }
  await service.stopRecording();
  const session = await service.get(sessionId!);
  const live = windows.filter((w) => w.startTime >= session.startTime + 6);
  const liveAt = new Map(live.map((w) => [w.startTime, w]));
  assert.ok(live.length >= 15, `${live.length} live items, expected at least 15`);

  // Replay in the same hub, as fast as it goes: the live devices step aside.
  windows.length = 0;
  await service.openReplay({ sessionId: sessionId!, speed: 'max' });
  assert.deepEqual(hub.sources().map((s) => s.deviceId), [`replay-${sessionId}`]);
  await service.currentReplay()!.whenEnded();
  const first = windows.filter((w) => liveAt.has(w.startTime));
  assert.ok(first.length >= 10, `${first.length} replayed windows on the live grid`);
  // The recording started while the devices were already streaming: the replay starts from the
  // pipeline snapshot the recorder took then, so even the first windows are the live ones.
  first.forEach((w) => assert.ok(same(w, liveAt.get(w.startTime)!), `window at +${(w.startTime - session.startTime).toFixed(0)} s equals live`));
  assert.equal(maxEegError(first, liveAt), 0);

  // Seek back to the start: the same windows again, byte for byte.
  windows.length = 0;
  await service.seek(session.startTime);
  service.play();
  await service.currentReplay()!.whenEnded();
  assert.equal(windows.length, first.length + windows.filter((w) => !liveAt.has(w.startTime)).length);
  const again = windows.filter((w) => liveAt.has(w.startTime));
  assert.deepEqual(again.map((w) => w.startTime), first.map((w) => w.startTime));
  again.forEach((w, i) => assert.ok(same(w, first[i]), `window at +${(w.startTime - session.startTime).toFixed(0)} s differs after seeking back`));
  assert.ok(again[again.length - 1].seq > first[first.length - 1].seq, 'window numbers keep counting up');

  // Seek forward into the middle: windows resume on the live grid at the target, equal to live.
  windows.length = 0;
  const target = session.startTime + 22;
  await service.seek(target);
  service.play();
  await service.currentReplay()!.whenEnded();
  const after = windows.filter((w) => w.startTime >= target);
  assert.ok(after.length >= 3, `${after.length} items after the seek, expected at least 3`);
  assert.ok(after.every((w) => liveAt.has(w.startTime)), 'on the live window grid');
  after.forEach((w) => assert.ok(same(w, liveAt.get(w.startTime)!), `window at +${(w.startTime - session.startTime).toFixed(0)} s after the seek equals live`));

  // Speed: 8× plays about 8 s of session per second of wall clock.
  await service.seek(session.startTime);
  service.setSpeed(8);
  const wall0 = Date.now();
  service.play();
  await new Promise((r) => setTimeout(r, 800));
  const played = service.replayStatus().position! - session.startTime;
  const wallS = (Date.now() - wall0) / 1000;
  service.pause();
  assert.ok(played > 2 && played <= 8 * wallS + 0.5, `played ${played.toFixed(2)} s of session in ${wallS.toFixed(2)} s at 8×`);
  const paused = service.replayStatus().position;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(service.replayStatus().position, paused, 'pause holds the playhead');

  await service.closeReplay();
  assert.deepEqual(hub.sources().map((s) => s.deviceId).sort(), ['sim-ecg-1', 'sim-eeg-1']);
});
