// Exact seeks: a session recorded through the real hub and recorder (two simulated devices with
// drifting clocks, jitter, packet loss and injected faults; recording started while they were
// already streaming) replays in the same hub at 4×, seeking forward and back: after every seek the
// replay restores the newest pipeline snapshot before the target, and every window it emits equals
// the live window with the same start time, byte for byte (data, quality, presence, absent
// reasons). A damaged snapshot makes the seek fall back to the pre-roll, with a log line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { SNAPSHOT_SCHEDULE } from '../../../src/main/recorder/recorder';
import type { SyncWindow } from '../../../src/shared/window.types';
import { startServiceRig } from './service-rig';

const RECORD_S = 74;

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Everything a window carries except its sequence number (the hub counts on across replays). */
function assertSameWindow(r: SyncWindow, w: SyncWindow, what: string): void {
  assert.equal(r.samples, w.samples);
  for (const m of ['eeg', 'ecg'] as const) {
    assert.equal(r[m].present, w[m].present, `${what}: ${m} present`);
    assert.equal(r[m].absentReason, w[m].absentReason, `${what}: ${m} absent reason`);
    assert.deepEqual(r[m].channels, w[m].channels, `${what}: ${m} channels`);
    assert.ok(bytes(r[m].data).equals(bytes(w[m].data)), `${what}: ${m} data differs`);
    assert.deepEqual(r[m].quality, w[m].quality, `${what}: ${m} quality`);
    assert.deepEqual(r[m].streamIds, w[m].streamIds.map((id) => `replay:${id}`), `${what}: ${m} streams`);
  }
}

const wallMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('seeks restore pipeline snapshots: at 4×, forward and back, every window equals live byte for byte', async (t) => {
  const { path, db, scheduler, hub, service, logs, windows, headset, strap } = await startServiceRig(t, { seed: 5 });
  await headset.configure({ lossPercent: 1, driftPpm: 100 });
  await strap.configure({ jitterMs: 30 });
  await hub.addSource(headset);
  await hub.addSource(strap);
  scheduler.advance(7); // the devices stream a while before the recording starts

  // Live, recorded: faults on both devices, some between snapshots and seek targets.
  const { sessionId } = await service.startRecording({ name: 'exact seeks' });
  const faults: Record<number, () => void> = {
    6: () => headset.injectFault('nan-samples'),
    11: () => headset.injectFault('dropout'),
    19: () => strap.injectFault('stall'),
    37: () => strap.injectFault('clock-reset'),
    46: () => headset.injectFault('time-jump'),
    53: () => strap.injectFault('dropout'),
    61: () => headset.injectFault('time-backwards'),
    67: () => strap.injectFault('time-jump'),
  };
  for (let s = 0; s < RECORD_S; s++) {
    faults[s]?.();
    scheduler.advance(1);
    await service.recorder.flush();
  }
  await service.stopRecording();
  const session = await service.get(sessionId!);
  const liveAt = new Map(windows.map((w) => [w.startTime, w]));
  const gaps = await db.api.listGaps(sessionId!);
  assert.ok(gaps.length >= 4, `${gaps.length} gaps recorded`);

  // The recorder stored a snapshot at the start, then every 10–120 s, about 4 % of the recording.
  const snaps = await db.api.listSnapshots(sessionId!);
  assert.equal(snaps[0].afterSeq, -1);
  assert.ok(snaps.length >= 3, JSON.stringify(snaps.map((s) => s.afterSeq)));
  for (let i = 1; i < snaps.length; i++) {
    assert.ok(snaps[i].afterSeq > snaps[i - 1].afterSeq, `snapshot ${i}'s afterSeq ${snaps[i].afterSeq} follows ${snaps[i - 1].afterSeq}`);
    const dt = snaps[i].hostTime - snaps[i - 1].hostTime;
    assert.ok(dt > SNAPSHOT_SCHEDULE.minIntervalS - 1 && dt < SNAPSHOT_SCHEDULE.maxIntervalS + 1, `${dt} s between snapshots`);
  }
  for (const s of snaps) assert.ok(s.bytes > 1000 && s.bytes < 20_000, `${s.bytes} bytes`);
  const snapshotBytes = snaps.reduce((a, s) => a + s.bytes, 0);
  assert.ok(snapshotBytes < 0.06 * session.diskBytes, `snapshots ${snapshotBytes} of ${session.diskBytes} bytes`);
  /** The snapshot a seek to `target` restores: the newest whose windows start early enough to reach the target. */
  const expectedSnapshot = (target: number) => [...snaps].reverse().find((s) => s.windowsFrom <= target - 5) ?? snaps[0];

  // Replay in the same hub, 4×. After each seek, every window is the live one.
  windows.length = 0;
  await service.openReplay({ sessionId: sessionId!, speed: 4, play: false });
  const replay = service.currentReplay()!;
  const t0 = session.startTime;
  let compared = 0;
  const checkAfterSeek = async (offset: number, wallPlayMs: number) => {
    windows.length = 0;
    const target = t0 + offset;
    await service.seek(target);
    assert.equal(replay.seekInfo().mode, 'snapshot', `seek to +${offset} s restored a snapshot`);
    assert.equal(replay.seekInfo().snapshotAfterSeq, expectedSnapshot(target).afterSeq);
    service.play();
    await wallMs(wallPlayMs);
    service.pause();
    assert.ok(windows.length >= 2, `seek to +${offset} s: ${windows.length} windows in ${wallPlayMs} ms at 4×`);
    for (const w of windows) {
      assert.ok(w.startTime + 5 >= target, `seek to +${offset} s: window at +${(w.startTime - t0).toFixed(0)} s ends before the target`);
      const live = liveAt.get(w.startTime);
      assert.ok(live, `seek to +${offset} s: no live window at +${w.startTime - t0} s`);
      assertSameWindow(w, live, `seek to +${offset} s, window at +${(w.startTime - t0).toFixed(0)} s`);
      compared++;
    }
    // …and none is missing in between.
    const live = [...liveAt.values()].filter((w) => w.startTime >= windows[0].startTime && w.startTime <= windows.at(-1)!.startTime);
    assert.deepEqual(windows.map((w) => w.startTime), live.map((w) => w.startTime), `seek to +${offset} s: the live windows in that span`);
    return windows.map((w) => w.startTime - t0);
  };
  // Forward from the second snapshot, 18 s on (across the faults of that stretch).
  const second = snaps[1].hostTime - t0;
  const forward = await checkAfterSeek(second + 18, 1500);
  assert.ok(forward[0] < second + 18, `the first window covers the target (starts at +${forward[0]} s)`);
  await checkAfterSeek(14.3, 900); // back: the snapshot taken when the recording started
  const late = snaps.filter((x) => x.hostTime - t0 < RECORD_S - 15).at(-1)!;
  await checkAfterSeek(late.hostTime - t0 + 6.5, 900); // forward, just past a later snapshot
  await checkAfterSeek(40, 900); // back, across the strap's clock reset
  assert.ok(compared >= 9, `${compared} windows compared`);

  // From the start at full speed: the whole session, window for window.
  windows.length = 0;
  await service.seek(t0);
  service.setSpeed('max');
  service.play();
  await replay.whenEnded();
  const expected = [...liveAt.values()].filter((w) => w.startTime >= windows[0]?.startTime && w.startTime <= windows.at(-1)!.startTime);
  assert.equal(windows.length, expected.length);
  windows.forEach((w, i) => assertSameWindow(w, expected[i], `full replay, window ${i}`));
  assert.ok(windows[0].startTime - t0 < 2, 'windows from the recording start on');
  assert.ok(windows.length >= RECORD_S - 30, `${windows.length} windows`);
  assert.ok(windows.some((w) => !w.eeg.present) && windows.some((w) => !w.ecg.present), 'the faults show in the windows');

  // A damaged snapshot: the seek falls back to the pre-roll, says so, and windows still flow.
  const raw = new Database(path);
  raw.prepare('UPDATE pipeline_snapshots SET data = substr(data, 1, 200) WHERE session_id = ? AND after_seq = ?').run(sessionId!, expectedSnapshot(t0 + 50).afterSeq);
  raw.close();
  windows.length = 0;
  await service.seek(t0 + 50);
  assert.equal(replay.seekInfo().mode, 'pre-roll');
  assert.ok(logs.some((l) => /^warn .*pipeline snapshot after seq \d+ not restored \(pipeline snapshot: 200 of its \d+ bytes \(truncated\)\); seeking with a 10-s pre-roll/.test(l)), logs.join('\n'));
  service.setSpeed('max');
  service.play();
  await replay.whenEnded();
  const after = windows.filter((w) => w.startTime >= t0 + 50);
  assert.ok(after.length >= 5 && after.every((w) => liveAt.has(w.startTime)), 'pre-roll windows on the live grid');
  await service.closeReplay();
});

test('settings changed while recording: seeks on either side restore under the right settings; closing the replay brings back the live ones', async (t) => {
  const { db, scheduler, hub, service, windows, headset, strap } = await startServiceRig(t, { seed: 9 });
  await hub.addSource(headset);
  await hub.addSource(strap);
  scheduler.advance(3);
  const { sessionId } = await service.startRecording({ name: 'settings change' });
  for (let s = 0; s < 40; s++) {
    if (s === 15) hub.setPipelineConfig({ filters: { eeg: { lowpassHz: 40, notchHz: [60] }, ecg: { highpassHz: 1 } } });
    scheduler.advance(1);
    await service.recorder.flush();
  }
  await service.stopRecording();
  const session = await service.get(sessionId!);
  assert.equal(session.filterSettings.length, 2);
  const liveAt = new Map(windows.map((w) => [w.startTime, w]));
  hub.setPipelineConfig({ filters: { eeg: { lowpassHz: 70 } } }); // the user's live settings now

  await service.openReplay({ sessionId: sessionId!, speed: 'max', play: false });
  const replay = service.currentReplay()!;
  const t0 = session.startTime;
  for (const offset of [30, 8, 17]) {
    windows.length = 0;
    await service.seek(t0 + offset);
    assert.equal(replay.seekInfo().mode, 'snapshot', `seek to +${offset} s restored a snapshot`);
    service.play();
    await replay.whenEnded();
    assert.ok(windows.length >= 40 - offset - 6, `seek to +${offset} s: ${windows.length} windows`);
    for (const w of windows) assertSameWindow(w, liveAt.get(w.startTime)!, `seek to +${offset} s, window at +${(w.startTime - t0).toFixed(0)} s`);
  }
  await service.closeReplay();
  assert.equal(hub.pipelineConfig().filters.eeg.lowpassHz, 70, 'the live settings are back');
});
