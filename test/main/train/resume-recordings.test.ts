// A resumed run trains on the recordings it started with. Its datasets are rebuilt on resume (windows
// are not stored), and a folder is listed again: a recording deleted or moved since was left out in
// silence. The run records what each dataset was first built from (artifacts/recordings.json); a
// resume checks it: a recording gone or changed (its size, the windows it gives) stops it naming each one (resumable once it is back),
// a recording added since is left out with a warning; a deleted session, or another session given
// its number, is named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runJob, type JobEvent } from '../../../src/main/train/job';
import { RunStore, type RunFolder } from '../../../src/main/train/run-store';
import { RECORDINGS_ARTIFACT, matchRecord, recordProblems, type RecordingsRecord } from '../../../src/main/train/dataset-record';
import type { SessionFeed } from '../../../src/main/train/dataset-loader';
import { readJobSessions } from '../../../src/main/train/session-feed';
import { DbError } from '../../../src/main/db/db-error';
import type { DbClient } from '../../../src/main/db/db-client';
import { resumeRefusal } from '../../../src/shared/train/resume-policy';
import { TrainError } from '../../../src/shared/train/train.types';
import { dataPath } from '../../fixtures/shared-data';
import { tempDir } from '../db/db-test-util';
import { ecgPretrainSpec, NEED_LUDB } from './ecg-pretrain-spec';

/** LUDB record 1 under another record name (its header names the record and its signal file). */
function copyLudb(dir: string, name: string): void {
  const hea = readFileSync(dataPath('wfdb-ludb', '1.hea'), 'utf8').replace(/^1 /, `${name} `).replace(/^1\.dat /gm, `${name}.dat `);
  writeFileSync(join(dir, `${name}.hea`), hea);
  copyFileSync(dataPath('wfdb-ludb', '1.dat'), join(dir, `${name}.dat`));
}

class Stop extends Error {}

/**
 * Runs the job of `folder` until `until` says an event is far enough, then stops it there (as a kill
 * would: status.json as written so far). Resolves with the log lines; rejects with the job's error.
 */
async function runUntil(folder: RunFolder, until: (ev: JobEvent) => boolean): Promise<string[]> {
  const lines: string[] = [];
  try {
    await runJob({
      folder,
      emit: (ev) => {
        if (ev.type === 'log') lines.push(`${ev.level} ${ev.message}`);
        if (until(ev)) throw new Stop();
      },
    });
    assert.fail('the job ran to its end');
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  return lines;
}

const datasetsDone = (ev: JobEvent) => ev.type === 'status' && ev.status.completedPhases.includes('datasets');
const corpusBuilt = (ev: JobEvent) => ev.type === 'log' && /^ECG corpus: \d+ windows from/.test(ev.message);

test('a resume whose folder lost a recording stops naming it; one added since is left out; the record is the first build\'s', { skip: NEED_LUDB }, async (t) => {
  const dir = tempDir(t, 'hm-resume-recs-');
  const recs = join(dir, 'recordings');
  mkdirSync(recs);
  for (const n of ['a', 'b', 'c']) copyLudb(recs, n);
  const store = new RunStore(join(dir, 'runs'));
  const folder = await store.create(ecgPretrainSpec('folder', 2, { name: 'my ECG', sources: [{ kind: 'folder', dir: recs, subject: 'ludb' }] }), 'run-1');

  const first = await runUntil(folder, datasetsDone);
  assert.ok(first.some((l) => /^info ECG corpus: 3 windows from 3 recordings in/.test(l)), first.join('\n'));
  const record = JSON.parse(readFileSync(folder.path('artifacts', RECORDINGS_ARTIFACT), 'utf8')) as RecordingsRecord;
  assert.deepEqual(
    record.datasets['ecg-corpus']!.recordings.map((r) => r.file),
    ['a', 'b', 'c'].map((n) => join(recs, `${n}.hea`)),
  );
  assert.equal(record.datasets['ecg-corpus']!.bytes[join(recs, 'b.hea')], readFileSync(join(recs, 'b.hea')).length);
  assert.deepEqual(record.datasets['ecg-corpus']!.recordings.map((r) => r.windows), [1, 1, 1], 'the windows each gave');

  // b moved away: the resume stops before building, naming it; the run stays resumable.
  renameSync(join(recs, 'b.hea'), join(dir, 'b.hea'));
  await assert.rejects(runJob({ folder }), (e: TrainError) => {
    assert.equal(e.code, 'not-found');
    assert.equal(
      e.message,
      `the ECG corpus 'my ECG' was built from 3 recordings when the run started, and one is not as it was: ${join(recs, 'b.hea')} is gone. A resumed run trains on the recordings it started with: put it back as it was and resume, or start a new run on the recordings there are now`,
    );
    assert.equal(resumeRefusal({ state: 'failed', error: { code: e.code, message: e.message } }), null, 'Resume stays offered: putting the recording back helps');
    return true;
  });

  // Back, but another file under its name (a different size): stopped too, saying both sizes.
  copyFileSync(join(dir, 'b.hea'), join(recs, 'b.hea'));
  appendFileSync(join(recs, 'b.hea'), '# edited\n');
  const size = readFileSync(join(recs, 'b.hea')).length;
  await assert.rejects(runJob({ folder }), (e: TrainError) => e.code === 'not-found' && e.message.includes(`${join(recs, 'b.hea')} has changed (${size} bytes, ${size - 9} when the run started)`));

  // Back as it was, but its signal file (b.dat) gone: the header is the same, the windows are not.
  copyFileSync(join(dir, 'b.hea'), join(recs, 'b.hea'));
  renameSync(join(recs, 'b.dat'), join(dir, 'b.dat'));
  await assert.rejects(runJob({ folder }), (e: TrainError) => e.code === 'not-found' && e.message.includes(`: ${join(recs, 'b.hea')} gave 0 windows, 1 when the run started (the recording, or the pipeline that cuts it, changed since). A resumed run`));
  renameSync(join(dir, 'b.dat'), join(recs, 'b.dat'));

  // Back as it was, and d added to the folder: the resume builds from a, b, c and says d is left out.
  copyFileSync(join(dir, 'b.hea'), join(recs, 'b.hea'));
  copyLudb(recs, 'd');
  const resumed = await runUntil(folder, corpusBuilt);
  assert.ok(resumed.includes(`warn ECG corpus: 1 recording added since the run started is left out (a resumed run trains on the recordings it started with): ${join(recs, 'd.hea')}`), resumed.join('\n'));
  assert.ok(resumed.some((l) => /^info ECG corpus: 3 windows from 3 recordings in/.test(l)), resumed.join('\n'));
  assert.deepEqual(JSON.parse(readFileSync(folder.path('artifacts', RECORDINGS_ARTIFACT), 'utf8')), record, 'the record is not rewritten on resume');
});

test('a resume of a run with no record of its recordings (started before it was kept) says so as it rebuilds, and records them', { skip: NEED_LUDB }, async (t) => {
  const dir = tempDir(t, 'hm-resume-unrecorded-');
  const recs = join(dir, 'recordings');
  mkdirSync(recs);
  for (const n of ['a', 'b']) copyLudb(recs, n);
  const store = new RunStore(join(dir, 'runs'));
  const folder = await store.create(ecgPretrainSpec('folder', 2, { name: 'old ECG', sources: [{ kind: 'folder', dir: recs, subject: 'ludb' }] }), 'run-old');
  const first = await runUntil(folder, datasetsDone);
  assert.ok(!first.some((l) => /holds no record/.test(l)), `a first build says nothing of a record: ${first.join('\n')}`);
  // As a run made before artifacts/recordings.json was kept leaves its folder.
  rmSync(folder.path('artifacts', RECORDINGS_ARTIFACT));
  // Stopped once the pretraining reports progress: the datasets are built and their record written.
  const resumed = await runUntil(folder, (ev) => ev.type === 'progress' && ev.progress.phase === 'pretrain-ecg');
  assert.ok(
    resumed.includes(
      "warn this run holds no record of the recordings its ECG corpus 'old ECG' was first built from (artifacts/recordings.json: a run started before HeartMind kept one, or the file was removed): it is rebuilt from the recordings there are now, which cannot be checked against those the run started with, and recorded as it is built",
    ),
    resumed.join('\n'),
  );
  const record = JSON.parse(readFileSync(folder.path('artifacts', RECORDINGS_ARTIFACT), 'utf8')) as RecordingsRecord;
  assert.deepEqual(record.datasets['ecg-corpus']!.recordings.map((r) => r.file), ['a', 'b'].map((n) => join(recs, `${n}.hea`)), 'recorded as rebuilt: the next resume checks it');
});

/** A session feed of `samples` samples starting at `startTime` (what recordProblems compares). */
function feed(sessionId: number, startTime: number, samples: number): SessionFeed {
  return { sessionId, subject: 's', name: 'n', startTime, events: [{ kind: 'chunk', chunk: { streamId: 'x', deviceTime: 0, hostTime: startTime, count: samples, data: new Float32Array(samples) } }], markers: [], selfReports: [] };
}

test('recorded sessions: one no longer in the database, and one whose number went to another recording, are named', async () => {
  const record = {
    name: 'sessions',
    recordings: [
      { id: 'session:3', session: { startTime: 1_700_000_000, samples: 1000 } },
      { id: 'session:4', session: { startTime: 1_700_000_600, samples: 500 } },
      { id: 'session:5', session: { startTime: 1_700_001_200, samples: 700 } },
    ],
    bytes: {},
  };
  const now = new Map([
    [3, feed(3, 1_700_000_000, 1000)],
    [4, feed(4, 1_700_009_000, 500)],
  ]);
  assert.deepEqual(await recordProblems(record, now), [
    'session 4 is another recording now (started 2023-11-15 00:43:20 UTC, 500 samples; the run\'s started 2023-11-14 22:23:20 UTC, 500 samples): not the one the run started with (deleted, its number given to a newer one, or another recordings database)',
    'session 5 is not in the recordings database',
  ]);
  // Sources the record names are kept in its order; others are 'added'; recorded ones not there are lost.
  const src = (id: string, file?: string) => ({ id, file, subject: 's', load: () => Promise.reject(new Error('not loaded')) });
  const m = matchRecord({ name: 'd', recordings: [{ id: 'x.edf', file: '/r/x.edf' }, { id: 'S01-clip2', file: '/r/DREAMER.mat' }], bytes: {} }, [src('S01-clip2', '/r/DREAMER.mat'), src('y.edf', '/r/y.edf')]);
  assert.deepEqual(m.kept.map((s) => s.id), ['S01-clip2']);
  assert.deepEqual(m.added.map((s) => s.id), ['y.edf']);
  assert.deepEqual(m.lost, ['/r/x.edf is not among the recordings there now']);
});

test('a run whose session is gone from the database: the error names the dataset and what to do', async () => {
  const db = { api: { getSession: async (id: number) => Promise.reject(new DbError('NotFound', `no session ${id}`)) } } as unknown as DbClient;
  const spec = ecgPretrainSpec('sessions', 2, { name: 'my sessions', sources: [{ kind: 'session', id: 7 }] });
  await assert.rejects(readJobSessions(db, spec), (e: TrainError) => {
    assert.equal(e.code, 'not-found');
    assert.equal(
      e.message,
      "no session 7 in the recordings database (the Sessions view, or heartmind sessions list, lists the sessions it holds), and this run's ECG corpus 'my sessions' names it. A run trains on the recordings it was started with: resume it with the data folder whose database holds that session (--data-dir), or start a new run without it",
    );
    return true;
  });
});
