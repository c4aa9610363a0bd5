// Live and replay of the same raw data give identical windows, byte for byte: the simulated
// headset and strap stream (drifting clocks, jitter, packet loss) through the real hub while the
// recorder writes them to a real database; the session then replays through a fresh hub. Settings
// changed while recording are replayed at the same point.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { StreamHub } from '../../../src/main/hub/hub';
import { Recorder } from '../../../src/main/recorder/recorder';
import { ReplaySource } from '../../../src/main/replay/replay-source';
import { createDemoSources, VirtualClock, VirtualScheduler } from '../../../src/main/sources';
import type { SyncWindow } from '../../../src/shared/window.types';
import type { Pipeline, PipelineConfig, PipelineConfigPatch } from '../../../src/shared/pipeline';
import { tempDir } from '../db/db-test-util';

const SIM_SECONDS = 24;

function bytes(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function assertSameWindow(r: SyncWindow, w: SyncWindow, i: number): void {
  assert.equal(r.seq, w.seq, `window ${i} seq`);
  assert.equal(r.startTime, w.startTime, `window ${i} start`);
  assert.equal(r.samples, w.samples);
  for (const m of ['eeg', 'ecg'] as const) {
    assert.equal(r[m].present, w[m].present, `window ${i} ${m} present`);
    assert.equal(r[m].absentReason, w[m].absentReason, `window ${i} ${m} absent reason`);
    assert.deepEqual(r[m].channels, w[m].channels, `window ${i} ${m} channels`);
    assert.ok(bytes(r[m].data).equals(bytes(w[m].data)), `window ${i} ${m} data differs`);
    assert.deepEqual(r[m].quality, w[m].quality, `window ${i} ${m} quality`);
    assert.deepEqual(r[m].streamIds, w[m].streamIds.map((id) => `replay:${id}`), `window ${i} ${m} stream ids, each as replay:`);
  }
}

/**
 * Makes `hub` change settings as versions before 4cd0ade did: every stream's clock model started
 * afresh (today only new clock settings do that, and a change of filters keeps them). Clock
 * settings changed and changed back: the hub, the recorder and the stored settings see one change.
 */
function restartClocksOnChange(hub: StreamHub): void {
  const pipeline = (hub as unknown as { pipeline: Pipeline }).pipeline;
  const reconfigure = pipeline.reconfigure.bind(pipeline);
  pipeline.reconfigure = (patch) => {
    const clock = pipeline.config.clock;
    reconfigure({ ...patch, clock: { ...clock, windowSec: clock.windowSec + 1 } });
    reconfigure({ ...patch, clock });
  };
}

/** Records SIM_SECONDS of the demo devices with faults (and, at `change`, new settings), then replays through a fresh hub. */
async function recordAndReplay(t: TestContext, change?: { at: number; patch: PipelineConfigPatch; restartClocks?: boolean }, radio: { lossPercent?: number; pipelineConfig?: PipelineConfigPatch } = {}) {
  const db = await DbClient.open({ path: join(tempDir(t), 'recordings.sqlite') });
  t.after(() => db.close());

  // Live: accelerated time, real hub, real recorder, real database.
  const clock = new VirtualClock(1_790_000_000);
  const scheduler = new VirtualScheduler(clock);
  const hub = new StreamHub({ clock, scheduler, pipelineConfig: radio.pipelineConfig });
  if (change?.restartClocks) restartClocksOnChange(hub);
  const live: SyncWindow[] = [];
  hub.subscribe({ window: (w) => live.push(w) });
  const recorder = new Recorder({ db, hub, clock, appVersion: 'test', flushIntervalMs: 60_000 });
  const { sessionId } = await recorder.start({ name: 'determinism' });
  const [headset, strap] = createDemoSources({ clock, scheduler, seed: 7 });
  if (radio.lossPercent !== undefined) await headset.configure({ lossPercent: radio.lossPercent });
  await hub.addSource(headset);
  await hub.addSource(strap);
  // Faults the recording must carry over: repaired samples, lost packets, a clock reset.
  const faults: Record<number, () => void> = {
    4: () => headset.injectFault('nan-samples'),
    8: () => headset.injectFault('dropout'),
    14: () => strap.injectFault('clock-reset'),
    17: () => strap.injectFault('time-jump'),
  };
  for (let s = 0; s < SIM_SECONDS; s++) {
    faults[s]?.();
    if (change?.at === s) hub.setPipelineConfig(change.patch);
    scheduler.advance(1);
    await recorder.flush();
  }
  await hub.close();
  const stopped = await recorder.stop();
  assert.equal(stopped.state, 'idle');
  assert.ok(live.some((w) => w.eeg.present && w.ecg.present), 'windows carry both modalities');

  // Replay: a fresh hub under the default settings, as fast as it goes.
  const replayClock = new VirtualClock(1_800_000_000);
  const hub2 = new StreamHub({ clock: replayClock, scheduler: new VirtualScheduler(replayClock) });
  const replayed: SyncWindow[] = [];
  hub2.subscribe({ window: (w) => replayed.push(w) });
  const replay = new ReplaySource({ db, sessionId: sessionId!, speed: 'max', hub: hub2 });
  await hub2.addSource(replay);
  replay.play();
  await replay.whenEnded();
  await hub2.close();

  assert.equal(replayed.length, live.length);
  live.forEach((w, i) => assertSameWindow(replayed[i], w, i));
  return { db, sessionId: sessionId!, live, hub2, replayed };
}

test('a recorded session replays through a fresh hub into the same windows, byte for byte', async (t) => {
  const { db, sessionId, live } = await recordAndReplay(t);
  assert.ok(live.length >= 10, `${live.length} live windows`);
  const gaps = await db.api.listGaps(sessionId);
  assert.ok(gaps.length >= 3, `the dropout, clock reset and jump were recorded as gaps (${gaps.length})`);
  assert.ok(live.some((w) => !w.eeg.present) && live.some((w) => !w.ecg.present), 'some windows lack a modality');
});

test('settings changed while recording are stored and replayed at the same point, byte for byte', async (t) => {
  const patch: PipelineConfigPatch = { filters: { eeg: { lowpassHz: 40, notchHz: [60] } }, window: { hopSec: 2 } };
  const { db, sessionId, live, hub2 } = await recordAndReplay(t, { at: 11, patch });
  const { filterSettings } = await db.api.getSession(sessionId);
  assert.equal(filterSettings.length, 2, 'the settings at the start and the change');
  const changed = filterSettings[1].settings as unknown as PipelineConfig;
  assert.equal(changed.filters.eeg.lowpassHz, 40);
  assert.deepEqual(changed.window.hopSec, 2);
  // Window starts: every second before the change, every two seconds after it.
  const hops = live.slice(1).map((w, i) => Math.round(w.startTime - live[i].startTime));
  assert.ok(hops.includes(1) && hops.includes(2), `hops ${hops.join(',')}`);
  assert.equal(hub2.pipelineConfig().window.hopSec, 2, 'the replay hub ends under the changed settings');
});

test('short packet losses bridged live are bridged again on replay, byte for byte', async (t) => {
  const { db, sessionId, live } = await recordAndReplay(t, undefined, { lossPercent: 5 });
  const bridged = live.filter((w) => w.eeg.present && w.eeg.quality.every((q) => (q.bridgedMs ?? 0) > 0));
  assert.ok(bridged.length >= 5, `${bridged.length} windows with EEG present over bridged losses`);
  const gaps = await db.api.listGaps(sessionId);
  assert.ok(gaps.filter((g) => g.reason === 'packet-loss').length >= 10, 'the bridged losses are recorded as gaps all the same');
});

test('a session recorded with bridging off replays without it, though the replaying hub bridges by default', async (t) => {
  const { live, hub2 } = await recordAndReplay(t, undefined, { lossPercent: 1, pipelineConfig: { bridgeMaxSec: 0 } });
  assert.ok(live.every((w) => w.eeg.quality.every((q) => q.bridgedMs === undefined)), 'nothing bridged');
  assert.equal(hub2.pipelineConfig().bridgeMaxSec, 0);
});

test('a session recorded when a settings change restarted the clock models (before 4cd0ade) replays as it ran live, straight through and seeking across the change', async (t) => {
  const patch: PipelineConfigPatch = { filters: { eeg: { lowpassHz: 40, notchHz: [60] } } };
  const at = 11;
  const { db, sessionId, live } = await recordAndReplay(t, { at, patch, restartClocks: true });
  const t0 = (await db.api.getSession(sessionId)).startTime;
  // The restart mattered: the same recording under today's settings change (clocks kept) gives other windows after it.
  const kept = await recordAndReplay(t, { at, patch });
  const differs = (a: SyncWindow, b: SyncWindow) => !bytes(a.ecg.data).equals(bytes(b.ecg.data)) || !bytes(a.eeg.data).equals(bytes(b.eeg.data));
  assert.ok(live.some((w, i) => w.startTime > t0 + at && differs(w, kept.live[i])), 'the restart changed windows after it');

  // A seek to just after the change restores a snapshot from before it and plays through the change.
  const replayClock = new VirtualClock(1_800_000_000);
  const hub3 = new StreamHub({ clock: replayClock, scheduler: new VirtualScheduler(replayClock) });
  const windows: SyncWindow[] = [];
  hub3.subscribe({ window: (w) => windows.push(w) });
  const replay = new ReplaySource({ db, sessionId, speed: 'max', hub: hub3 });
  await hub3.addSource(replay);
  await replay.seek(t0 + at + 2);
  assert.ok((replay.seekInfo().from ?? Infinity) < t0 + at, `the seek restored from before the change (${JSON.stringify(replay.seekInfo())})`);
  replay.play();
  await replay.whenEnded();
  await hub3.close();
  const liveAt = new Map(live.map((w) => [w.startTime, w]));
  assert.ok(windows.length >= SIM_SECONDS - at - 8, `${windows.length} windows after the seek`);
  // (Window numbers are the replaying hub's own sequence.)
  windows.forEach((w, i) => assertSameWindow({ ...w, seq: liveAt.get(w.startTime)!.seq }, liveAt.get(w.startTime)!, i));
});
