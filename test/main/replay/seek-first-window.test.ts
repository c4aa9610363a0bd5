// Where a seek lands, and how fast a replay plays, as a researcher clicking the timeline sees it:
// after a seek to any time (on the window grid or between), the first window the hub emits is the
// first one that ends at or after the target: none of the windows before it (an imported file has
// no pipeline snapshots, so its seeks use a pre-roll, whose windows came out too), none skipped. And
// at 0.25×, 1×, 4× and 16× the playhead moves at that multiple of the wall clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SyncWindow } from '../../../src/shared/window.types';
import { startServiceRig } from './service-rig';

const EDF = resolve('..', 'shared', 'data', 'edf-eegmat', 'Subject00_1.edf');
const end = (w: SyncWindow) => w.startTime + w.samples / w.rateHz;

/** Seeks to `target` (session-relative s) at 'max' and returns the windows that come out before the replay ends. */
async function windowsAfterSeek(rig: Awaited<ReturnType<typeof startServiceRig>>, t0: number, target: number): Promise<SyncWindow[]> {
  rig.windows.length = 0;
  await rig.service.seek(t0 + target);
  rig.service.play();
  await rig.service.currentReplay()!.whenEnded();
  return [...rig.windows];
}

test('after a seek the first window is the first that ends at or after the target, in a recorded session (snapshots) and an imported one (pre-roll)', { skip: !existsSync(EDF) && 'needs ../shared/data' }, async (t) => {
  const rig = await startServiceRig(t, { seed: 8 });
  await rig.hub.addSource(rig.headset);
  await rig.hub.addSource(rig.strap);
  rig.scheduler.advance(4);
  const { sessionId } = await rig.service.startRecording({ name: 'seek targets' });
  for (let s = 0; s < 40; s++) {
    rig.scheduler.advance(1);
    await rig.service.recorder.flush();
  }
  await rig.service.stopRecording();
  await rig.hub.removeSource(rig.headset.deviceId);
  await rig.hub.removeSource(rig.strap.deviceId);
  const imported = await rig.service.importFile({ path: EDF });

  for (const [id, targets, mode] of [
    [sessionId!, [13, 21.37, 30.5], 'snapshot'],
    [imported.id, [60, 100.3, 150.75], 'pre-roll'],
  ] as const) {
    const s = await rig.service.get(id);
    // Every window of an uninterrupted replay from the start: the grid the seeks must land on.
    await rig.service.openReplay({ sessionId: id, speed: 'max', play: false });
    const all = await windowsAfterSeek(rig, s.startTime, 0);
    assert.ok(all.length > 20, `${s.name}: ${all.length} windows`);
    for (const target of targets) {
      const ws = await windowsAfterSeek(rig, s.startTime, target);
      assert.equal(rig.service.currentReplay()!.seekInfo().mode, mode, `${s.name}: the seek to +${target} s`);
      const expected = all.find((w) => end(w) >= s.startTime + target)!;
      const rel = (w: SyncWindow) => `+${(w.startTime - s.startTime).toFixed(2)}..+${(end(w) - s.startTime).toFixed(2)} s`;
      assert.equal(rel(ws[0]), rel(expected), `${s.name}: the first window after a seek to +${target} s`);
      // Then every window on, none skipped (the grid of the uninterrupted replay).
      assert.deepEqual(
        ws.map((w) => w.startTime),
        all.filter((w) => w.startTime >= expected.startTime).map((w) => w.startTime),
        `${s.name}: the windows after a seek to +${target} s`,
      );
    }
    await rig.service.closeReplay();
  }
});

test('the playhead moves at 0.25×, 1×, 4× and 16× the wall clock', async (t) => {
  const rig = await startServiceRig(t, { seed: 9 });
  await rig.hub.addSource(rig.headset);
  await rig.hub.addSource(rig.strap);
  rig.scheduler.advance(2);
  const { sessionId } = await rig.service.startRecording({ name: 'pace' });
  for (let s = 0; s < 40; s++) {
    rig.scheduler.advance(1);
    await rig.service.recorder.flush();
  }
  await rig.service.stopRecording();
  const s = await rig.service.get(sessionId!);
  await rig.service.openReplay({ sessionId: sessionId!, speed: 1, play: false });
  for (const [speed, wallS] of [
    [0.25, 4],
    [1, 2],
    [4, 1.5],
    [16, 1.5],
  ] as const) {
    await rig.service.seek(s.startTime);
    rig.service.setSpeed(speed);
    const samples: [number, number][] = [];
    const w0 = performance.now();
    rig.service.play();
    while (performance.now() - w0 < wallS * 1000) {
      await new Promise((r) => setTimeout(r, 100));
      samples.push([(performance.now() - w0) / 1000, rig.service.replayStatus().position! - s.startTime]);
    }
    rig.service.pause();
    // The slope of session time over wall time, past the first half second (least squares): the
    // playhead moves by chunks (about 40 ms of session), so one reading says little at 0.25×.
    const xs = samples.filter(([w]) => w >= 0.5);
    const mx = xs.reduce((a, [w]) => a + w, 0) / xs.length;
    const my = xs.reduce((a, [, p]) => a + p, 0) / xs.length;
    const slope = xs.reduce((a, [w, p]) => a + (w - mx) * (p - my), 0) / xs.reduce((a, [w]) => a + (w - mx) ** 2, 0);
    assert.ok(Math.abs(slope / speed - 1) < 0.08, `at ${speed}×: ${slope.toFixed(3)} s of session per s of wall clock`);
    // Never ahead of the wall clock: a chunk is delivered when it is due, not before.
    for (const [w, p] of samples) assert.ok(p <= speed * w + 0.05, `at ${speed}×: +${p.toFixed(3)} s of session after ${w.toFixed(3)} s`);
    t.diagnostic(`${speed}×: ${(slope / speed).toFixed(4)} of the wall clock's rate`);
  }
  await rig.service.closeReplay();
});
