// The windows a replay cuts, for a consumer in the core (replayWindows): those of the app's replay,
// hence the live ones, byte for byte, on a session recorded in the app with all that a replay
// reproduces (the pipeline restored at Record, a dropout, a settings change, a device leaving and
// joining again, a montage change); a model run over a session in the core (`sessions predict`)
// answers the windows the page's model answered live (a plain recording, a device removed, a device
// joined, a montage change) and during the replay, the same numbers; and a consumer
// slower than the replay holds it back (the session is not read ahead into memory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replayWindows, MAX_QUEUED_WINDOWS } from '../../../src/main/replay/replay-windows';
import type { DbClient } from '../../../src/main/db/db-client';
import { predictSession, readForPredict } from '../../../src/main/sessions/predict-session';
import { toSessionImport, transferablesOf } from '../../../src/main/sessions/import-recording';
import { predictionRow } from '../../../src/main/model/models.core';
import { importEdf } from '../../../src/shared/formats/edf';
import { anyChannels } from '../../../src/shared/model/config';
import type { ModelCard } from '../../../src/shared/model/model.types';
import type { ImportedRecording } from '../../../src/shared/formats/recording.types';
import { answerWindow } from '../../../src/shared/model/window-answer';
import type { ModelTensor } from '../../../src/shared/model/window-input';
import type { SyncWindow } from '../../../src/shared/window.types';
import { EEGMAT_DIR, noEegmat } from '../../shared/model/eegmat-windows';
import { assertSameWindow, recordSteps, startServiceRig } from './service-rig';

/** The first `seconds` of an imported recording, with its annotations in them. */
function firstSeconds(rec: ImportedRecording, seconds: number): ImportedRecording {
  const streams = rec.streams.map((s) => {
    const seg = s.segments[0];
    const n = Math.min(seg.count, Math.round(seconds * s.rateHz));
    const data = new Float32Array(s.channels.length * n);
    for (let c = 0; c < s.channels.length; c++) data.set(seg.data.subarray(c * seg.count, c * seg.count + n), c * n);
    return { ...s, segments: [{ ...seg, count: n, data }] };
  });
  return { ...rec, streams, annotations: rec.annotations.filter((a) => a.onset < seconds) };
}

const input = { rateHz: 200, windowSeconds: 5, eeg: anyChannels(1, 32), ecg: anyChannels(1, 12) };
const tasks = [{ name: 'probe', kind: 'binary' as const, classes: ['a', 'b'] }];
const card = { input, config: { tasks } } as unknown as ModelCard;
/** A "model" whose answer is a hash of every byte it is fed: equal answers, equal inputs. */
const run = async (feeds: Record<string, ModelTensor>) => {
  let h = 0x811c9dc5;
  for (const k of Object.keys(feeds).sort()) {
    const b = new Uint8Array(feeds[k].data.buffer, feeds[k].data.byteOffset, feeds[k].data.byteLength);
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 16777619) >>> 0;
  }
  return { probe: [h / 2 ** 32] };
};
/** A window as the page's worker answers it and the core stores the answer (less its latency). */
const answer = async (w: SyncWindow) => {
  const a = await answerWindow(w, input, tasks, run, () => 0);
  const { outputs } = predictionRow({ modelId: 'probe', windowTime: w.startTime, seq: w.seq, probabilities: a.probabilities, fed: a.fed, absent: a.absent, unusable: a.unusable, backend: 'wasm', latencyMs: 0, reads: ['eeg', 'ecg'] });
  delete outputs.latency_ms;
  return [w.startTime, outputs] as const;
};
/** The probe's rows stored for a session, as `answer` gives them. */
async function storedProbe(db: DbClient, sessionId: number) {
  return (await db.api.listPredictions(sessionId, 'probe')).map((p) => {
    const { latency_ms: _, ...outputs } = p.outputs;
    return [p.windowTime, outputs] as const;
  });
}

test('a session recorded in the app: replayWindows gives the live windows, from the pipeline restored at Record through a dropout, a settings change, a device leaving and coming back and a montage change', async (t) => {
  const rig = await startServiceRig(t, { seed: 11 });
  await rig.hub.addSource(rig.headset);
  await rig.hub.addSource(rig.strap);
  const { sessionId, live } = await recordSteps(rig, 'everything a replay reproduces', 34, async (s) => {
    if (s === 4) rig.headset.injectFault('dropout');
    // A replay without onMarker/onSelfReport spun at the first of these for good.
    if (s === 6) await rig.service.marker({ label: 'stimulus' });
    if (s === 7) await rig.service.selfReport({ valence: 5, arousal: 5, dominance: 5 });
    if (s === 9) rig.hub.setPipelineConfig({ filters: { eeg: { lowpassHz: 40 } } });
    if (s === 13) await rig.hub.removeSource(rig.strap.deviceId);
    if (s === 18) await rig.hub.addSource(rig.strap);
    if (s === 24) await rig.hub.configureSource(rig.headset.deviceId, { preset: 'muse' });
  });
  await rig.hub.removeSource(rig.headset.deviceId);
  await rig.hub.removeSource(rig.strap.deviceId);
  const reasons = live.map((w) => (w.ecg.present ? 'ok' : w.ecg.absentReason));
  assert.ok(reasons.includes('no-device') && reasons.lastIndexOf('ok') > reasons.indexOf('no-device'), `the strap left and came back: ${reasons.join(' ')}`);
  assert.ok(new Set(live.filter((w) => w.eeg.present).map((w) => w.eeg.channels.length)).size === 2, 'EEG windows in both montages');

  const cut: SyncWindow[] = [];
  const result = await replayWindows(rig.db, sessionId, (w) => void cut.push(w));
  assert.equal(result.start, 'snapshot', 'the pipeline as it was at Record is restored');
  const t0 = (await rig.service.get(sessionId)).startTime;
  const rel = (w: SyncWindow) => `+${(w.startTime - t0).toFixed(1)} s`;
  // Live windows that began before Record (their data partly before it) are not in the recording.
  assert.deepEqual(cut.map(rel), live.filter((w) => w.startTime >= t0).map(rel), 'the same windows');
  const liveAt = new Map(live.map((w) => [w.startTime, w]));
  for (const w of cut) assertSameWindow(w, liveAt.get(w.startTime)!, `window at ${rel(w)}`);
  assert.equal(result.windows, cut.length);
});

test('`sessions predict` over a session recorded in the app answers its live windows, with the same numbers', async (t) => {
  const rig = await startServiceRig(t, { seed: 5 });
  await rig.hub.addSource(rig.headset);
  await rig.hub.addSource(rig.strap);
  /** Records `at`'s steps; the model run over the session in the core must answer every live window from Record on as the page's worker did. */
  const check = async (name: string, at: (s: number) => Promise<void> | void, expect: (live: SyncWindow[]) => void) => {
    const { sessionId, live } = await recordSteps(rig, name, 14, at);
    const t0 = (await rig.service.get(sessionId)).startTime;
    const recorded = live.filter((w) => w.startTime >= t0);
    expect(recorded);
    const res = await predictSession(rig.db, { sessionId, modelId: 'probe', card, ...(await readForPredict(rig.db, sessionId)) }, { run });
    const rel = ([time]: readonly [number, unknown]) => `+${(time - t0).toFixed(1)} s`;
    const stored = await storedProbe(rig.db, sessionId);
    const liveAnswers = await Promise.all(recorded.map(answer));
    assert.deepEqual(stored.map(rel), liveAnswers.map(rel), `${name}: a row at each live window's time`);
    assert.deepEqual(stored, liveAnswers, `${name}: each answered as the live window was`);
    assert.deepEqual([res.windows, res.stored], [recorded.length, recorded.length], `${name}: every window cut and stored`);
  };
  const ecgWhy = (ws: SyncWindow[]) => ws.map((w) => (w.ecg.present ? 'ok' : w.ecg.absentReason));
  // The pipeline restored as the recorder snapshotted it at Record: a fresh one differed in every window and lacked the first.
  await t.test('a plain recording', () => check('plain', () => {}, (ws) => assert.ok(ws.length >= 9, `${ws.length} windows`)));
  // Its stream ended where the recording ended it: not a 'gap' for good, and the windows the end flushes.
  await t.test('a device removed part-way', () =>
    check('strap removed', async (s) => void (s === 6 && (await rig.hub.removeSource(rig.strap.deviceId))), (ws) => assert.ok(ecgWhy(ws).includes('no-device'), ecgWhy(ws).join(' '))),
  );
  // Announced where it joined, not at the start.
  await t.test('a device joined part-way', () =>
    check('strap joined', async (s) => void (s === 5 && (await rig.hub.addSource(rig.strap))), (ws) => {
      const why = ecgWhy(ws);
      assert.ok(why[0] !== 'ok' && why.includes('ok'), why.join(' '));
    }),
  );
  // The second layout's chunks under the second layout's stream (one stream id, two stream rows).
  await t.test('a montage change', () =>
    check('montage', async (s) => void (s === 6 && (await rig.hub.configureSource(rig.headset.deviceId, { preset: 'muse' }))), (ws) =>
      assert.equal(new Set(ws.filter((w) => w.eeg.present).map((w) => w.eeg.channels.length)).size, 2, 'EEG windows in both montages'),
    ),
  );
  await rig.hub.removeSource(rig.headset.deviceId);
  await rig.hub.removeSource(rig.strap.deviceId);
});

test('replayWindows refuses a session it cannot replay, in words', async (t) => {
  const rig = await startServiceRig(t, { seed: 3 });
  await rig.hub.addSource(rig.headset);
  rig.scheduler.advance(2);
  const { sessionId } = await rig.service.startRecording({ name: 'still going' });
  rig.scheduler.advance(1);
  await rig.service.recorder.flush();
  await assert.rejects(replayWindows(rig.db, sessionId!, () => {}), /session \d+ is still being recorded/);
  await rig.service.stopRecording();
  await assert.rejects(replayWindows(rig.db, 9999, () => {}), /no session 9999/);
});

test('an imported EEGMAT file (19 EEG + ECG at 500 Hz)', { skip: noEegmat }, async (t) => {
  const rig = await startServiceRig(t, { seed: 1 });
  const file = join(EEGMAT_DIR, 'Subject00_1.edf');
  const imp = toSessionImport(firstSeconds(importEdf(new Uint8Array(readFileSync(file)), 'Subject00_1.edf'), 64), { name: 'Subject00_1' }, { appVersion: 'test', now: 1_800_000_000, sourcePath: file });
  const sessionId = (await rig.db.callTransferring('importSession', transferablesOf(imp), imp)).id;

  await t.test('`sessions predict` answers the windows the page’s model answered during the replay, with the same numbers', async () => {
    // The app's replay, each window as the page's worker answers it (answerWindow).
    rig.windows.length = 0;
    await rig.service.openReplay({ sessionId, speed: 'max', play: true });
    await rig.service.currentReplay()!.whenEnded();
    await rig.service.closeReplay();
    const duringReplay = await Promise.all(rig.windows.splice(0).map(answer));
    assert.ok(duringReplay.length >= 55, `${duringReplay.length} windows replayed`);
    // The run in the core, stored as `heartmind sessions predict` stores it.
    const res = await predictSession(rig.db, { sessionId, modelId: 'probe', card, ...(await readForPredict(rig.db, sessionId)) }, { run });
    assert.equal(res.stored, duringReplay.length, 'a row per replayed window');
    assert.deepEqual(await storedProbe(rig.db, sessionId), duringReplay, 'the same window times and answers');
    // And replayWindows, which a run in the core can cut its windows with.
    const cut: (readonly [number, Record<string, number>])[] = [];
    await replayWindows(rig.db, sessionId, async (w) => void cut.push(await answer(w)));
    assert.deepEqual(cut, duringReplay, 'replayWindows: the same windows');
  });

  await t.test('a consumer slower than the replay holds it back: the session is not read ahead while it waits; stopRequested ends the run', async () => {
    let reads = 0;
    const api = new Proxy(rig.db.api, {
      get: (target, key, receiver) => (key === 'readReplayPage' ? (...a: Parameters<typeof target.readReplayPage>) => (reads++, target.readReplayPage(...a)) : Reflect.get(target, key, receiver)),
    });
    const db = { api } as unknown as DbClient;
    const all = await replayWindows(db, sessionId, () => {});
    const pages = reads;
    assert.ok(pages >= 4 && all.windows >= 55, `${pages} pages, ${all.windows} windows`);
    // Held at the first window until the replay has stopped reading (the count still for 300 ms).
    reads = 0;
    let held = 0;
    let release!: () => void;
    const waiting = new Promise<void>((r) => (release = r));
    const run = replayWindows(db, sessionId, async () => {
      if (++held === 1) await waiting;
    });
    for (let last = -1, since = Date.now(); Date.now() - since < 300; ) {
      await new Promise((r) => setTimeout(r, 20));
      if (reads !== last) [last, since] = [reads, Date.now()];
    }
    const readWhileHeld = reads;
    release();
    assert.equal((await run).windows, all.windows, 'every window once released');
    assert.ok(readWhileHeld <= 2 && readWhileHeld < pages, `${readWhileHeld} of ${pages} pages read while the consumer held its first window (at most ${MAX_QUEUED_WINDOWS} windows are cut ahead)`);
    // A run stopped after 5 windows gives no more.
    let n = 0;
    const stopped = await replayWindows(db, sessionId, () => void n++, { stopRequested: () => n >= 5 });
    assert.deepEqual([stopped.windows, stopped.stopped, n], [5, true, 5]);
  });
});
