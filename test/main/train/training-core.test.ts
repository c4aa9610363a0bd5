// The core's training area as the Training view uses it: a run that cannot work (a folder that is
// not there, epochs 0, a recording without its class) is refused when started, naming why, and
// leaves no failed run behind; an export from the view is noted in the run, so the runs table shows
// the model and the view does not offer the export again.
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { TrainingArea } from '../../../src/main/train/training.core';
import { TASKS_AFFECT } from '../../../src/shared/model/config';
import type { CoreContext } from '../../../src/main/core/core.types';
import type { PushMessage } from '../../../src/shared/ipc-schema';
import { quickRecipe } from '../../../src/shared/train/recipes';
import type { JobSpec } from '../../../src/shared/train/job.types';
import { TrainError } from '../../../src/shared/train/train.types';
import { addSession } from './cli-test-util';

const DATA = resolve('..', 'shared', 'data');

describe('training area (the Training view\'s requests)', () => {
  let dir: string;
  let area: TrainingArea;
  const pushes: PushMessage[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hm-training-core-'));
    // The two things the area asks of its core: pushes to the pages and log lines.
    const ctx = { push: (m: PushMessage) => pushes.push(m), log: () => undefined } as unknown as CoreContext;
    area = new TrainingArea(ctx, { runsDir: join(dir, 'runs'), userModelsDir: join(dir, 'models'), recordingsDir: DATA, dbPath: join(dir, 'recordings.sqlite') });
  });
  after(async () => {
    await area.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a missing folder, epochs 0 and a file without its class are refused at start; no run folder is made', async () => {
    const missing: JobSpec = { ...quickRecipe(join(dir, 'no-data')) };
    await assert.rejects(area.startJob(missing), (e: TrainError) => e.code === 'bad-config' && /EEGMAT folder: no such folder .*no-data/.test(e.message));
    const quick = quickRecipe(DATA);
    const zeroEpochs: JobSpec = { ...quick, finetune: { ...quick.finetune!, epochs: 0 } };
    await assert.rejects(area.startJob(zeroEpochs), (e: TrainError) => e.code === 'bad-config' && /epochs must be an integer ≥ 1/.test(e.message));
    const bareFile: JobSpec = { ...quick, dataset: { ...quick.dataset!, sources: [...quick.dataset!.sources, { kind: 'file', path: join(DATA, 'edf-eegmat', 'Subject00_1.edf') }] } };
    await assert.rejects(area.startJob(bareFile), (e: TrainError) => /Subject00_1\.edf has none: give it one/.test(e.message));
    assert.deepEqual((await area.overview()).runs, [], 'no failed run left behind');
  });

  test("a montage channel no recording has ('Cx') is refused at start from the EEGMAT files' headers, naming the electrodes a letter away; no run folder", async () => {
    const quick = quickRecipe(DATA);
    const spec: JobSpec = { ...quick, dataset: { ...quick.dataset!, windowing: { ...quick.dataset!.windowing, eegMontage: ['Fp1', 'Cx'] } } };
    await assert.rejects(area.startJob(spec), (e: TrainError) => {
      assert.equal(e.code, 'bad-config', e.message);
      assert.match(e.message, /^this run cannot start: EEG montage: the montage's EEG channel Cx \(did you mean C3, C4 or Cz\?\) is in none of the 8 recordings, so its row would be zeros in every window/, e.message);
      return true;
    });
    assert.deepEqual((await area.overview()).runs, [], 'no failed run left behind');
  });

  test('paths are read as typed, as the Sessions view reads its fields: pasted with quotes, relative to the core\'s folder; the message names the folder looked in', async () => {
    const quick = quickRecipe(DATA);
    const quoted: JobSpec = { ...quick, corpora: {}, dataset: { ...quick.dataset!, sources: [{ kind: 'eegmat', dir: `"${join(dir, 'no-data')}"` }] } };
    await assert.rejects(area.startJob(quoted), (e: TrainError) => {
      assert.match(e.message, new RegExp(`EEGMAT folder: no such folder ${join(dir, 'no-data').replace(/[.\\/]/g, '\\$&')}(;|$)`), e.message);
      assert.ok(!e.message.includes('"'), `no quote left in the path: ${e.message}`);
      return true;
    });
    await assert.rejects(area.startJob(quickRecipe('elsewhere')), (e: TrainError) => e.message.includes(`no such folder ${join(process.cwd(), 'elsewhere', 'edf-eegmat')}`));
    assert.deepEqual((await area.overview()).runs, [], 'no failed run left behind');
  });

  test('a dataset of one class (every file \'rest\', an EEGMAT folder of rest files) is refused at start naming the missing class; no run folder', async () => {
    const quick = quickRecipe(DATA);
    const restFiles: JobSpec = { ...quick, dataset: { ...quick.dataset!, sources: [0, 1].map((k) => ({ kind: 'file' as const, path: join(DATA, 'edf-eegmat', `Subject0${k}_1.edf`), label: 'rest' })) } };
    await assert.rejects(area.startJob(restFiles), (e: TrainError) => e.code === 'bad-config' && /labels: one class only: no recording gives class 'arithmetic'/.test(e.message));
    const restOnly = join(dir, 'rest-only');
    mkdirSync(restOnly, { recursive: true });
    for (const n of ['Subject00_1.edf', 'Subject01_1.edf', 'Subject02_1.edf', 'Subject03_1.edf']) writeFileSync(join(restOnly, n), '');
    const restFolder: JobSpec = { ...quick, dataset: { ...quick.dataset!, sources: [{ kind: 'eegmat', dir: restOnly }] }, corpora: {} };
    await assert.rejects(area.startJob(restFolder), (e: TrainError) => e.code === 'bad-config' && /^this run cannot start: labels: one class only: no recording gives class 'arithmetic' \(every labelled recording is 'rest'\)/.test(e.message));
    assert.deepEqual((await area.overview()).runs, [], 'no failed run left behind');
  });

  test('a session dataset labelled by self-reports whose session holds none is refused at start, naming the session; no run folder', async () => {
    const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
    const id = await addSession(db, 'unrated', { modalities: ['eeg', 'ecg'] });
    await db.close();
    const quick = quickRecipe(DATA);
    const spec: JobSpec = { ...quick, corpora: {}, dataset: { ...quick.dataset!, sources: [{ kind: 'session', id }], task: TASKS_AFFECT[1], labels: { kind: 'self-report', dimension: 'arousal', threshold: 5 } } };
    await assert.rejects(area.startJob(spec), (e: TrainError) => e.code === 'bad-config' && new RegExp(`^this run cannot start: labels: session ${id} \\('unrated'\\) holds no self-report`).test(e.message));
    assert.deepEqual((await area.overview()).runs, [], 'no failed run left behind');
  });

  test('a session deleted since the view listed it, or one that holds no EEG or ECG, is refused at start naming it; no run folder (it made one that failed with \'no usable windows\')', async () => {
    const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
    const session = (name: string) => addSession(db, name, { markers: ['rest', 'arithmetic'] });
    const markersOnly = await session('markers only');
    const gone = await session('deleted');
    await db.api.deleteSession(gone);
    await db.close();
    const quick = quickRecipe(DATA);
    const spec: JobSpec = { ...quick, corpora: {}, dataset: { ...quick.dataset!, sources: [markersOnly, gone].map((id) => ({ kind: 'session' as const, id })), labels: { kind: 'annotations', classes: { rest: 'rest', arithmetic: 'arithmetic' } } } };
    await assert.rejects(area.startJob(spec), (e: TrainError) => {
      assert.equal(e.code, 'bad-config', e.message);
      assert.equal(
        e.message,
        `this run cannot start: session: no session ${gone} in the recordings database (the Sessions view, or heartmind sessions list, lists the sessions it holds); session ${markersOnly} ('markers only') holds no EEG or ECG to cut windows from (it holds no samples at all): leave it out`,
      );
      return true;
    });
    assert.deepEqual((await area.overview()).runs, [], 'no failed run left behind');
  });

  test('a CLI run killed with SIGKILL reads \'interrupted\' (resumable) in the runs list at once, not \'running\' until the app restarts', async () => {
    // A real process stands for the `heartmind train` that recorded its pid in status.json (job.ts).
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      const f = await area.store.create({ ...quickRecipe(DATA), name: 'cli run' });
      const s = await f.readStatus();
      await f.writeStatus({ ...s, state: 'running', pid: child.pid });
      const own = await area.store.create({ ...quickRecipe(DATA), name: 'this app\'s run' });
      await own.writeStatus({ ...(await own.readStatus()), state: 'running', pid: process.pid });
      const state = async (id: string) => (await area.overview()).runs.find((r) => r.id === id)!.state;
      assert.equal(await state(f.id), 'running', 'its process is alive');
      child.kill('SIGKILL');
      await exited;
      assert.equal(await state(f.id), 'interrupted');
      assert.match((await f.readStatus()).progress.message, new RegExp(`^interrupted \\(its process ${child.pid} ended without stopping it: killed, crashed or out of memory\\); resume continues from the last checkpoint$`));
      assert.equal((await area.detail(f.id)).status.state, 'interrupted');
      assert.equal(await state(own.id), 'running', 'a run of this process is its own job');
      for (const id of [f.id, own.id]) rmSync(area.store.folder(id).dir, { recursive: true });
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('preview (built in a worker thread): windows, classes, readiness; a dataset problem keeps its name and code across the thread', { skip: !existsSync(join(DATA, 'edf-eegmat')) && 'needs ../shared/data' }, async () => {
    const quick = quickRecipe(DATA);
    const p = await area.preview(quick.dataset!, { modalities: 'fused', evaluation: quick.evaluation! });
    assert.equal(p.subjects.length, 4);
    assert.deepEqual(p.classes, ['rest', 'arithmetic']);
    assert.equal(p.perClass.reduce((a, b) => a + b, 0), p.windows);
    assert.ok(p.windows > 50, `${p.windows} windows`);
    assert.equal(p.readiness?.ok, true, JSON.stringify(p.readiness));
    const noEcg = { ...quick.dataset!, windowing: { ...quick.dataset!.windowing, windowSec: 0.3 } };
    await assert.rejects(area.preview(noEcg), (e: Error & { code?: string }) => e.name === 'DatasetError' && e.code === 'bad-option' && /window/.test(e.message));
  });

  test('a damaged folder the list shows (no config.json, a torn status.json) opens with its problem', async () => {
    const broken = join(dir, 'runs', '2026-01-01-000000-broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'status.json'), '{"id": "x", "sta');
    const listed = (await area.overview()).runs.find((r) => r.id === '2026-01-01-000000-broken');
    assert.match(listed?.problem ?? '', /status\.json cannot be read/);
    const d = await area.detail('2026-01-01-000000-broken');
    assert.equal(d.status.problem, listed!.problem);
    assert.equal(d.config, null);
    assert.ok(d.notes.some((n) => /config\.json cannot be read/.test(n)), `a note says config.json cannot be read: ${JSON.stringify(d.notes)}`);
    await assert.rejects(area.detail('2026-01-01-000000-nothing'), (e: TrainError) => e.code === 'not-found');
    rmSync(broken, { recursive: true });
  });

  test('export under the id of a model already in your models is refused; that model is left as it was', async () => {
    const f = await area.store.create(quickRecipe(DATA));
    const taken = join(dir, 'models', 'taken');
    mkdirSync(taken, { recursive: true });
    writeFileSync(join(taken, 'card.json'), '{"id":"taken"}');
    await assert.rejects(area.export(f.id, 'taken', 'mine'), (e: TrainError) => e.code === 'bad-config' && /your models already hold a model 'taken'/.test(e.message));
    assert.equal(readFileSync(join(taken, 'card.json'), 'utf8'), '{"id":"taken"}');
  });

  test('an export is noted in the run: the runs table names the model and the run logs it', async () => {
    const f = await area.store.create(quickRecipe(DATA));
    const { status, logProblem } = await f.recordExport('my-model', join(dir, 'models', 'my-model'));
    assert.equal(status.summary?.exportedAs, 'my-model');
    assert.equal(logProblem, null, 'the log took the line');
    const listed = (await area.overview()).runs.find((r) => r.id === f.id);
    assert.equal(listed?.summary?.exportedAs, 'my-model');
    assert.match(await f.readLog(), /exported as model 'my-model' to .*my-model/);
  });
});
