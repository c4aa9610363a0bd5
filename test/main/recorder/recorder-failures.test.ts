// Disk full, a database locked by another process, a read-only folder: each gives a clear message,
// the recording stops cleanly, and what was written stays readable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { DbError } from '../../../src/main/db/db-error';
import { tempDir } from '../db/db-test-util';
import { isRoot, remountReadOnly, tmpfsDir } from '../../fixtures/tmpfs';
import { startSimRecording } from './record-util';


/** Reads every page of a session back (decoding every block): proves the data is intact. */
async function readAll(db: DbClient, sessionId: number): Promise<number> {
  let values = 0;
  let from: number | null = 0;
  while (from !== null) {
    const page = await db.api.readReplayPage(sessionId, from, 64);
    for (const c of page.chunks) values += c.data.length;
    from = page.nextSeq;
  }
  return values;
}

test('database size limit reached: DiskFull, the recording stops, the hub keeps running, committed data reads back', async (t) => {
  const path = join(tempDir(t), 'recordings.sqlite');
  const db = await DbClient.open({ path, maxSizeBytes: 250_000 });
  const sim = await startSimRecording(db, 'fills the disk');
  let windowsAfter = 0;
  await sim.run(60);
  const status = sim.recorder.status();
  assert.equal(status.state, 'failed', 'the 250 kB limit is reached within 60 s of 19-channel EEG');
  assert.equal(status.error?.kind, 'DiskFull');
  assert.match(status.error!.message, /full.*Recording stopped; everything committed so far is kept/);
  // The pipeline is untouched: windows keep coming.
  sim.hub.subscribe({ window: () => windowsAfter++ });
  await sim.run(2, true);
  assert.ok(windowsAfter >= 1, `${windowsAfter} windows after the failure, expected at least 1`);
  await sim.close();
  await db.close();

  const reopened = await DbClient.open({ path });
  t.after(() => reopened.close());
  const [s] = await reopened.api.listSessions({});
  assert.equal(s.state, 'interrupted');
  assert.equal(s.sampleCount, status.committedSamples);
  assert.ok(s.sampleCount > 50_000, `${s.sampleCount} samples stored, expected over 50000`);
  assert.equal(await readAll(reopened, s.id), s.sampleCount);
});

test('a real full disk (tiny tmpfs): DiskFull, committed data reads back', { skip: !isRoot && 'needs root to mount a tmpfs' }, async (t) => {
  const dir = tmpfsDir(t, 320);
  if (!dir) return t.skip('mount -t tmpfs is not permitted here');
  const path = join(dir, 'recordings.sqlite');
  const db = await DbClient.open({ path });
  const sim = await startSimRecording(db);
  await sim.run(90);
  const status = sim.recorder.status();
  await sim.close();
  assert.equal(status.state, 'failed');
  assert.equal(status.error?.kind, 'DiskFull', status.error?.message);
  const [s] = await db.api.listSessions({});
  assert.equal(s.sampleCount, status.committedSamples);
  assert.equal(await readAll(db, s.id), s.sampleCount);
  await db.close();
});

/** Another process that opens the database and holds an exclusive write lock until killed. */
async function lockFromAnotherProcess(path: string) {
  const child = spawn(process.execPath, [
    '-e',
    `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(path)}); db.exec('BEGIN EXCLUSIVE'); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`,
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`locker exited ${code}`)));
  });
  return () => new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

test('database locked by another process: Locked, the recording stops cleanly, a new one is refused until the lock goes', async (t) => {
  const path = join(tempDir(t), 'recordings.sqlite');
  const db = await DbClient.open({ path, busyTimeoutMs: 200 });
  t.after(() => db.close());
  const sim = await startSimRecording(db, 'locked out', 'muse');
  await sim.run(2);
  const committed = sim.recorder.status().committedSamples;
  assert.ok(committed > 0, `${committed} samples committed, expected > 0`);
  const release = await lockFromAnotherProcess(path);
  await sim.run(1);
  const status = sim.recorder.status();
  assert.equal(status.state, 'failed');
  assert.equal(status.error?.kind, 'Locked');
  assert.match(status.error!.message, /locked by another process/);
  await assert.rejects(sim.recorder.start({ name: 'again' }), (err: unknown) => err instanceof DbError && err.kind === 'Locked');
  await release();
  await sim.close();
  const sessions = await db.api.listSessions({});
  const s = sessions.find((x) => x.name === 'locked out')!;
  assert.equal(s.state, 'interrupted');
  assert.equal(s.sampleCount, committed);
  assert.equal(await readAll(db, s.id), committed);
  // With the lock gone, recording works again.
  const again = await startSimRecording(db, 'after the lock', 'muse');
  await again.run(1);
  assert.equal(again.recorder.status().state, 'recording');
  await again.close();
});

test('a read-only folder: the library opens read-only, recording is refused with a clear message', async (t) => {
  // As root, permissions do not stop writes: a tmpfs remounted read-only does.
  const dir = isRoot ? tmpfsDir(t, 4096) : join(tempDir(t), 'profile');
  if (!dir) return t.skip('running as root without permission to mount: cannot make a folder read-only');
  if (!isRoot) mkdirSync(dir);
  const path = join(dir, 'recordings.sqlite');
  const db = await DbClient.open({ path });
  const sim = await startSimRecording(db, 'before read-only', 'muse');
  await sim.run(1);
  await sim.close();
  await db.close();
  if (isRoot) assert.ok(remountReadOnly(dir), 'remount read-only');
  else {
    chmodSync(path, 0o444);
    chmodSync(dir, 0o555);
    t.after(() => chmodSync(dir, 0o755));
  }
  const ro = await DbClient.open({ path });
  t.after(() => ro.close());
  assert.equal(ro.info.readonly, true);
  const [s] = await ro.api.listSessions({});
  assert.equal(s.name, 'before read-only');
  assert.equal(await readAll(ro, s.id), s.sampleCount);
  const sim2 = await startSimRecording(ro, 'refused', 'muse').catch((err: unknown) => err);
  assert.ok(sim2 instanceof DbError && sim2.kind === 'Readonly', String(sim2));
  assert.match((sim2 as DbError).message, /read-only/);
  // Creating a new database there is refused too.
  await assert.rejects(DbClient.open({ path: join(dir, 'other.sqlite') }), (err: unknown) => err instanceof DbError && err.kind === 'Readonly');
});
