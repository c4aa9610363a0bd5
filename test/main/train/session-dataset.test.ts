// Datasets from recorded sessions: sessions in a real SQLite database (imported EEGMAT recordings,
// with markers and SAM self-reports added), read back through the DB worker and fed to the live
// pipeline in their recorded order; windows labelled by markers and by self-reports.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { importRecordingFile } from '../../../src/main/sessions/import-recording';
import { loadDataset, type SessionFeed } from '../../../src/main/train/dataset-loader';
import { readSessionFeed } from '../../../src/main/train/session-feed';
import { TASK_MENTAL_ARITHMETIC, TASKS_AFFECT } from '../../../src/shared/model/config';
import type { DatasetSpec } from '../../../src/shared/train/job.types';

const DIR = resolve('..', 'shared', 'data', 'edf-eegmat');
const have = existsSync(DIR);

describe('datasets from recorded sessions', { skip: !have && 'needs ../shared/data/edf-eegmat' }, () => {
  let root: string;
  let db: DbClient;
  let rest: number;
  let task: number;
  let feeds: Map<number, SessionFeed>;
  let start1 = 0;
  let start2 = 0;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hm-sessds-'));
    db = await DbClient.open({ path: join(root, 'recordings.sqlite') });
    const a = await importRecordingFile(db, { path: join(DIR, 'Subject03_1.edf'), subjectId: 'S03' }, { appVersion: 'test', now: 0 });
    const b = await importRecordingFile(db, { path: join(DIR, 'Subject03_2.edf'), subjectId: 'S03' }, { appVersion: 'test', now: 0 });
    rest = a.id;
    task = b.id;
    start1 = a.startTime;
    start2 = b.startTime;
    await db.api.addMarker(rest, { time: start1 + 20, label: 'eyes-closed', source: 'api' });
    await db.api.addMarker(rest, { time: start1 + 100, label: 'counting', source: 'api' });
    await db.api.addSelfReport(task, { time: start2 + 30, valence: 5, arousal: 8, dominance: 5 });
    await db.api.addSelfReport(task, { time: start2 + 60, valence: 5, arousal: 2, dominance: 5 });
    feeds = new Map([
      [rest, await readSessionFeed(db, rest)],
      [task, await readSessionFeed(db, task)],
    ]);
  });
  after(async () => {
    await db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const windowing = { windowSec: 5, hopSec: 5, eegMontage: 'auto' as const, ecgMontage: 'device' as const, mainsHz: 50, modalities: ['eeg' as const, 'ecg' as const], require: 'all' as const };

  test('markers label the windows they cover; windows before the first marker have none', async () => {
    assert.equal(feeds.get(rest)!.subject, 'S03');
    assert.ok(feeds.get(rest)!.events.filter((e) => e.kind === 'chunk').length > 1000, 'the stored chunks, in order');
    const spec: DatasetSpec = { name: 'markers', sources: [{ kind: 'session', id: rest }], task: TASK_MENTAL_ARITHMETIC, labels: { kind: 'annotations', classes: { 'eyes-closed': 'rest', counting: 'arithmetic' } }, windowing };
    const ds = await loadDataset(spec, feeds);
    assert.ok(ds.windows.length >= 34, `${ds.windows.length} windows`);
    for (const w of ds.windows) {
      const s = w.start;
      const expected = s + 5 <= 20 ? null : s >= 20 && s + 5 <= 100 ? 0 : s >= 100 ? 1 : 'mixed';
      if (expected !== 'mixed') assert.equal(w.label, expected, `window at ${s} s`);
      assert.equal(w.subject, 'S03', `window at ${s} s: subject`);
      assert.equal(w.eegChannels.length, 19, `window at ${s} s: 19 EEG channels`);
      assert.ok(w.rrMs.length >= 3, 'R peaks from the pipeline');
    }
    assert.ok(ds.recordings[0].unlabelled >= 3, `${ds.recordings[0]?.unlabelled} unlabelled windows, expected at least 3`);
  });

  test('self-reports label the span before them (score ≥ threshold is high)', async () => {
    const spec: DatasetSpec = { name: 'sam', sources: [{ kind: 'session', id: task, subject: 'someone' }], task: TASKS_AFFECT[1], labels: { kind: 'self-report', dimension: 'arousal', threshold: 5, horizonSec: 120 }, windowing };
    const ds = await loadDataset(spec, feeds);
    assert.ok(ds.windows.every((w) => w.subject === 'someone'), "every window's subject is 'someone'");
    for (const w of ds.windows) {
      const e = w.start + 5;
      if (e <= 30) assert.equal(w.label, 1, `window ending ${e} s: before the arousal-8 report`);
      else if (w.start >= 30 && e <= 60) assert.equal(w.label, 0, `window ${w.start}–${e} s: label 0`);
      else if (e > 60) assert.equal(w.label, null, 'after the last report');
    }
  });
});
