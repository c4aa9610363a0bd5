// A session recorded in the app, built into a dataset (readSessionFeed → sourceWindows), gives the
// windows its replay cuts through a pipeline with the dataset's settings: a stream's second layout
// (a montage change: two stream rows under one stream id) under its own channels, a device removed
// part-way ended there (flushed, then 'no-device', not 'gap' for good), and one that joined
// part-way announced where it joined, not from the start; a dropout's gaps where they were. The
// reference is the app's ReplaySource from the session's start, its stream announcements, chunks,
// gaps and ends fed to a bare Pipeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DbClient } from '../../../src/main/db/db-client';
import { ReplaySource } from '../../../src/main/replay/replay-source';
import { readSessionFeed } from '../../../src/main/train/session-feed';
import { DEFAULT_WINDOWING, offlinePipelineConfig, sourceWindows } from '../../../src/shared/datasets/build-windows';
import type { WindowingOptions } from '../../../src/shared/datasets/windows.types';
import { Pipeline } from '../../../src/shared/pipeline/pipeline';
import type { SyncWindow } from '../../../src/shared/window.types';
import { recordSteps, startServiceRig } from '../replay/service-rig';

const o: WindowingOptions = { ...DEFAULT_WINDOWING, require: 'any' };
const bytes = (a: Float32Array | null) => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength) : null);

/** The windows the app's replay of the session cuts from its start, through a fresh pipeline with the dataset's settings. */
async function replayedWindows(db: DbClient, sessionId: number): Promise<SyncWindow[]> {
  const out: SyncWindow[] = [];
  const pipeline = new Pipeline(offlinePipelineConfig(o), { window: (w) => out.push(w) });
  const replay = new ReplaySource({ db, sessionId, speed: 'max', streamIdPrefix: '' });
  await replay.start({
    streams: (deviceId, infos) => pipeline.setStreams(deviceId, infos),
    chunk: (c) => pipeline.push(c),
    gap: (g) => pipeline.sourceGap(g),
    status: () => {},
    endOfData: (deviceId) => pipeline.endOfData(deviceId),
  });
  replay.play();
  await replay.whenEnded();
  return out;
}

test('a session recorded in the app builds into the windows its replay cuts, through a montage change, a device removed, a device joined, a dropout and a device back', async (t) => {
  const rig = await startServiceRig(t, { seed: 7 });
  await rig.hub.addSource(rig.headset);
  await rig.hub.addSource(rig.strap);
  const why = (ws: { present: boolean; absentReason?: string | null }[]) => ws.map((m) => (m.present ? 'ok' : m.absentReason)).join(' ');
  const check = async (name: string, at: (s: number) => Promise<void> | void, expect: (ref: SyncWindow[]) => void) => {
    const { sessionId } = await recordSteps(rig, name, 26, at);
    const ref = (await replayedWindows(rig.db, sessionId)).filter((w) => w.eeg.present || w.ecg.present);
    expect(ref);
    const feed = await readSessionFeed(rig.db, sessionId);
    const rec = { id: `session:${sessionId}`, subject: 's', input: { kind: 'feed' as const, zeroTime: feed.startTime, events: () => feed.events }, annotations: [], selfReports: [], fileLabel: null };
    const { windows } = await sourceWindows(rec, null, { kind: 'none' }, o);
    const rel = (s: number) => `+${s.toFixed(1)} s`;
    assert.deepEqual(windows.map((w) => rel(w.start)), ref.map((w) => rel(w.startTime - feed.startTime)), `${name}: the replay's windows (EEG ${why(ref.map((w) => w.eeg))}; ECG ${why(ref.map((w) => w.ecg))})`);
    windows.forEach((w, i) => {
      const r = ref[i];
      const at = `${name}, window at ${rel(w.start)}`;
      assert.deepEqual([w.eegChannels, w.ecgChannels], [r.eeg.channels, r.ecg.channels], `${at}: channels`);
      assert.deepEqual([bytes(w.eeg), bytes(w.ecg)], [r.eeg.present ? bytes(r.eeg.data) : null, r.ecg.present ? bytes(r.ecg.data) : null], `${at}: samples`);
    });
    // Both modalities required: the windows left out, by why, are the replay's ('ecg:no-device', 'ecg:starting'; not 'ecg:gap').
    const { report } = await sourceWindows(rec, null, { kind: 'none' }, { ...o, require: 'all' });
    const dropped: Record<string, number> = {};
    for (const r of ref) for (const m of ['eeg', 'ecg'] as const) if (!r.eeg.present || !r.ecg.present) if (!r[m].present) dropped[`${m}:${r[m].absentReason}`] = (dropped[`${m}:${r[m].absentReason}`] ?? 0) + 1;
    assert.deepEqual(report.dropped, dropped, `${name}: windows left out, by why`);
  };
  // The second layout's chunks under the second layout's channels (one stream id, two stream rows).
  await t.test('a montage change', () =>
    check('montage', async (s) => void (s === 12 && (await rig.hub.configureSource(rig.headset.deviceId, { preset: 'muse' }))), (ref) =>
      assert.equal(new Set(ref.filter((w) => w.eeg.present).map((w) => w.eeg.channels.length)).size, 2, `EEG windows in both montages: ${why(ref.map((w) => w.eeg))}`),
    ),
  );
  // Ended where the recording ended it: flushed, then no device.
  await t.test('a device removed part-way', () =>
    check('strap removed', async (s) => void (s === 12 && (await rig.hub.removeSource(rig.strap.deviceId))), (ref) => assert.ok(why(ref.map((w) => w.ecg)).includes('no-device'), why(ref.map((w) => w.ecg)))),
  );
  // Announced where it joined.
  await t.test('a device joined part-way', () =>
    check('strap joined', async (s) => void (s === 12 && (await rig.hub.addSource(rig.strap))), (ref) => {
      const ecg = ref.map((w) => w.ecg);
      assert.ok(!ecg[0].present && ecg.some((m) => m.present), why(ecg));
    }),
  );
  // Every recorded gap back at its place; the strap ended and announced again (ends told first: not a reconnect).
  await t.test('a dropout, and the strap leaving and coming back', () =>
    check('dropout, strap back', async (s) => {
      if (s === 3) rig.headset.injectFault('dropout');
      if (s === 10) await rig.hub.removeSource(rig.strap.deviceId);
      if (s === 16) await rig.hub.addSource(rig.strap);
    }, (ref) => {
      const ecg = why(ref.map((w) => w.ecg));
      assert.ok(ecg.includes('no-device') && ecg.lastIndexOf('ok') > ecg.indexOf('no-device'), ecg);
    }),
  );
  await rig.hub.removeSource(rig.headset.deviceId);
  await rig.hub.removeSource(rig.strap.deviceId);
});
