// The Sessions library's Run model inside the real core (as serve mode and Electron run it): the
// models offered for a session and why one is refused, a run started by request with its progress
// pushed and its rows stored (pushed to an open Predictions detail), a second run and a delete of
// the session refused meanwhile, Stop keeping what was stored, a session being recorded refused, a
// read-only library refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCore } from '../../../src/main/core/start-core';
import type { RequestContext } from '../../../src/main/core/handler-registry';
import { startSessionsArea } from '../../../src/main/sessions/sessions.core';
import type { PushMessage } from '../../../src/shared/ipc-schema';
import type { PredictJobStatus, PredictModelChoice } from '../../../src/shared/ipc/sessions.schema';
import type { Prediction } from '../../../src/shared/session.types';
import { tempDir } from '../db/db-test-util';
import { DbClient, databasePathFor } from '../../../src/main/db/db-client';
import { PredictJob } from '../../../src/main/sessions/predict-job';
import { noEegmat } from '../../shared/model/eegmat-windows';
import { PREDICT_MODEL, WRONG_MONTAGE_MODEL, predictFixture } from './predict-fixture';
import { coreCaller } from '../core/core-call';

const ctx: RequestContext = { transport: 'local', clientId: 'test' };

test('Run model from the app: choices, progress pushes, refusals, Stop, a session being recorded', { skip: noEegmat }, async (t) => {
  const dataDir = tempDir(t, 'hm-predict-job-');
  // No shipped model in this profile: only the two the fixture installs are offered.
  const builtin = join(dataDir, 'no-builtin');
  mkdirSync(builtin);
  const envBefore = process.env.HEARTMIND_MODELS_DIR;
  process.env.HEARTMIND_MODELS_DIR = builtin;
  t.after(() => (envBefore === undefined ? delete process.env.HEARTMIND_MODELS_DIR : (process.env.HEARTMIND_MODELS_DIR = envBefore)));
  const { sessionId } = await predictFixture(dataDir);
  const core = await startCore({
    runtime: 'serve',
    dataDir,
    demo: { eegPreset: 'muse' },
    modules: [{ name: 'sessions', load: async () => ({ start: async (c) => void (await startSessionsArea(c, { markerPort: null })) }) }],
  });
  t.after(() => core.stop());
  const pushes: PushMessage[] = [];
  core.subscribePushes((m) => pushes.push(m));
  const call = coreCaller(core, ctx);
  const statuses = () => pushes.flatMap((p) => (p.type === 'sessions:predict' ? [p.status] : []));
  /** Resolves with the first pushed status (from `from` on) that `ok` accepts. */
  const pushed = (ok: (s: PredictJobStatus) => boolean, from = 0): Promise<PredictJobStatus> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such push; pushed: ${JSON.stringify(statuses().map((s) => [s.state, s.windows]))}`)), 20_000);
      const look = () => {
        const s = statuses().slice(from).find(ok);
        if (!s) return false;
        clearTimeout(timer);
        off();
        resolve(s);
        return true;
      };
      const off = core.subscribePushes(() => void look());
      look();
    });

  const choices = (await call('hm:sessions:predict-models', { sessionId })) as PredictModelChoice[];
  assert.deepEqual(choices.map((c) => c.id).sort(), [PREDICT_MODEL, WRONG_MONTAGE_MODEL], 'the installed models are offered');
  assert.equal(choices.find((c) => c.id === PREDICT_MODEL)?.refusal, null, 'the model that fits is not refused');
  assert.match(choices.find((c) => c.id === WRONG_MONTAGE_MODEL)?.refusal ?? '', new RegExp(`^model 'wrong-montage' does not fit session ${sessionId}: EEG: .*AF7`), 'the other montage is refused, naming the channel');
  await assert.rejects(call('hm:sessions:predict-start', { sessionId, modelId: WRONG_MONTAGE_MODEL }), /does not fit session .*AF7/);
  await assert.rejects(call('hm:sessions:predict-start', { sessionId, modelId: 'nope' }), /no model 'nope' is installed/);
  await assert.rejects(call('hm:sessions:predict-start', { sessionId }), (e: { kind?: string; message: string }) => e.kind === 'bad-request' && /modelId/.test(e.message));
  assert.equal((await call('hm:sessions:predict-status')).state, 'idle', 'a refused start leaves no run behind');

  const started = (await call('hm:sessions:predict-start', { sessionId, modelId: PREDICT_MODEL })) as PredictJobStatus;
  assert.deepEqual([started.state, started.sessionId, started.modelId, started.expectedWindows], ['loading', sessionId, PREDICT_MODEL, 12], 'started at once; about 12 windows of 5 s every 1 s in 16 s');
  await assert.rejects(call('hm:sessions:predict-start', { sessionId, modelId: PREDICT_MODEL }), /a model is already running over a session \(predict-test over session \d+.*\): stop it, or wait for it to finish/);
  await assert.rejects(call('hm:sessions:delete', { sessionId }), /predict-test is running over session \d+: stop it first/);
  const running = await pushed((s) => s.state === 'running' && s.windows > 0);
  assert.ok(running.etaS !== null && running.etaS >= 0 && running.expectedWindows === 12, `progress has an ETA: ${JSON.stringify(running)}`);
  const done = await pushed((s) => s.state === 'done');
  // The session's windows (the one cut first falls on the 1-s grid after the placed start): 11.
  const n = done.result!.windows;
  assert.deepEqual([n >= 10 && n <= 12, done.result?.stored, done.result?.stopped, done.windows, done.answered, done.etaS], [true, n, false, n, n, null], JSON.stringify(done));
  const progress = statuses().filter((s) => s.state === 'running');
  assert.ok(progress.length >= 1 && progress.length < n, `progress pushed at most every 250 ms (${progress.length} pushes for ${n} windows)`);
  const rows = (await call('hm:sessions:predictions', { sessionId, modelId: PREDICT_MODEL })) as Prediction[];
  assert.equal(rows.length, n, 'a row per window stored');
  const rowPushes = pushes.flatMap((p) => (p.type === 'sessions:predictions' && p.sessionId === sessionId ? p.predictions : []));
  assert.deepEqual(rowPushes.map((p) => p.windowTime), rows.map((p) => p.windowTime), 'the stored rows were pushed to an open detail');
  assert.deepEqual(await call('hm:sessions:predict-status'), done, 'the status stays done until the next run');
  await assert.rejects(call('hm:sessions:predict-start', { sessionId, modelId: WRONG_MONTAGE_MODEL }), /does not fit/);
  assert.deepEqual(await call('hm:sessions:predict-status'), done, 'a refused start leaves the last outcome standing');

  // Stop once the run is under way: what was stored is kept (and the older rows after it).
  const from = statuses().length;
  await call('hm:sessions:predict-start', { sessionId, modelId: PREDICT_MODEL });
  await pushed((s) => s.state === 'running' && s.windows > 0, from);
  assert.equal((await call('hm:sessions:predict-stop')).state, 'stopping');
  const stopped = await pushed((s) => s.state === 'stopped', from);
  assert.ok(stopped.result!.stopped && stopped.result!.stored === stopped.result!.windows && stopped.result!.windows < n, `stopped part-way, its answers stored: ${JSON.stringify(stopped.result)}`);
  assert.equal(((await call('hm:sessions:predictions', { sessionId, modelId: PREDICT_MODEL })) as Prediction[]).length, n, 'the rows after the stop are the older ones, kept');

  // Stop while the model is loading: no window is answered, nothing is changed.
  const before = statuses().length;
  assert.equal((await call('hm:sessions:predict-start', { sessionId, modelId: PREDICT_MODEL })).state, 'loading');
  assert.equal((await call('hm:sessions:predict-stop')).state, 'stopping');
  const early = await pushed((s) => s.state === 'stopped', before);
  assert.deepEqual([early.result?.windows, early.result?.stored, early.result?.stopped], [0, 0, true], JSON.stringify(early));

  // A session being recorded (the demo devices) is refused: its windows are still coming.
  const rec = await call('hm:sessions:record-start', { name: 'being recorded' });
  try {
    await assert.rejects(call('hm:sessions:predict-start', { sessionId: rec.sessionId, modelId: PREDICT_MODEL }), /is being recorded: run the model over it once the recording has stopped/);
  } finally {
    await call('hm:sessions:record-stop');
  }
});

test('Run model in a read-only library is refused before the model loads, saying what still works', async (t) => {
  const dataDir = tempDir(t, 'hm-predict-ro-');
  const db = await DbClient.open({ path: databasePathFor(dataDir) });
  await db.close();
  const ro = await DbClient.open({ path: databasePathFor(dataDir), readonly: true });
  t.after(() => ro.close());
  const pushed: PredictJobStatus[] = [];
  const job = new PredictJob({ db: ro, dataDir, push: (s) => pushed.push(s) });
  await assert.rejects(job.start(1, PREDICT_MODEL), /recordings database .* is read-only, so a model's predictions cannot be stored in it\. Sessions can still be listed, replayed and exported\./);
  assert.deepEqual([job.status().state, pushed.length], ['idle', 0], 'nothing started');
});
