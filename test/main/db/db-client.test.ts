import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DbClient } from '../../../src/main/db/db-client';
import { DbError } from '../../../src/main/db/db-error';
import { LATEST_SCHEMA_VERSION } from '../../../src/main/db/migrations/index';
import { openDatabase } from '../../../src/main/db/open-database';
import { packChunks } from '../../../src/main/db/sample-codec';
import * as server from '../../../src/main/db/server';
import type { LogEntry } from '../../../src/shared/log.types';
import { seededRandom } from '../../../src/shared/seeded-random';
import { dbAtVersion, tempDir } from './db-test-util';

test('the worker opens the database and answers typed requests; errors come back as DbError with the method name; slow requests are logged; closed means closed', async (t) => {
  const path = join(tempDir(t), 'recordings.sqlite');
  const logs: LogEntry[] = [];
  // slowQueryMs -1: every request counts as slow, so the log line can be checked.
  const db = await DbClient.open({ path, slowQueryMs: -1, onLog: (e) => logs.push(e) });
  assert.equal(db.info.schemaVersion, LATEST_SCHEMA_VERSION);
  assert.equal(db.info.path, path);
  const id = await db.api.createSession({ name: 'first', startTime: 100, appVersion: 'test', origin: 'recorded', state: 'recording' });
  const s = await db.api.getSummary(id);
  assert.equal(s.name, 'first');
  assert.equal(s.state, 'recording');
  assert.ok(logs.some((l) => l.source === 'db' && /slow query: getSummary took/.test(l.message)), JSON.stringify(logs));
  // A request's own problem is said to people as it is (they do not know our method names); the
  // call that failed stays in err.method and the stack. A bug (kind Logic/Unknown) names it in front.
  await assert.rejects(db.api.getSummary(9999), (err: unknown) => err instanceof DbError && err.kind === 'NotFound' && err.message === 'no session 9999' && err.method === 'getSummary' && /getSummary/.test(err.stack ?? ''));
  await assert.rejects(db.api.addSelfReport(id, { time: 1, valence: 10, arousal: 5, dominance: 5 }), (err: unknown) => err instanceof DbError && err.kind === 'Invalid' && /^valence must be a whole number from 1 to 9, got 10$/.test(err.message));
  await assert.rejects((db.call as unknown as (m: string) => Promise<unknown>)('noSuchMethod'), (err: unknown) => err instanceof DbError && err.kind === 'Logic' && err.message === 'noSuchMethod: unknown database method noSuchMethod');
  await db.close();
  await assert.rejects(db.api.listSessions({}), (err: unknown) => err instanceof DbError && err.kind === 'Closed' && err.message === 'the database is closed' && err.method === 'listSessions');
});

test('a newer database is refused through the client too', async (t) => {
  const path = join(tempDir(t), 'recordings.sqlite');
  openDatabase(path).db.close();
  const raw = new Database(path);
  raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
  raw.close();
  // The message is the user's (no internal call name in front); the call is kept for the stack.
  await assert.rejects(DbClient.open({ path }), (err: unknown) => err instanceof DbError && err.kind === 'NewerSchema' && err.method === 'open' && /^The recordings database .* was written by a newer HeartMind/.test(err.message));
});

test('a write to a database opened read-only is refused in words: what, why, and what still works', async (t) => {
  const path = join(tempDir(t), 'recordings.sqlite');
  openDatabase(path).db.close();
  const ro = await DbClient.open({ path, readonly: true });
  t.after(() => ro.close());
  const refused = (action: string) => (err: unknown) =>
    err instanceof DbError &&
    err.kind === 'Readonly' &&
    err.message === `The recordings database ${path} is read-only (it was opened read-only), so ${action} is not possible. Sessions can still be listed, replayed and exported.`;
  await assert.rejects(ro.api.createSession({ name: 'x', startTime: 1.7e9, appVersion: 'test' } as never), refused('recording'));
  await assert.rejects(ro.api.deleteSession(1), refused('deleting a session'));
  assert.deepEqual(await ro.api.listSessions({}), []);
  // A request's own problem is said without the call's name (it is in err.method).
  await assert.rejects(ro.api.getSummary(-1), (err: unknown) => err instanceof DbError && err.kind === 'Invalid' && err.method === 'getSummary' && err.message === 'session id must be a positive integer');
});

/** A database file at `path` holding one complete session of about 6 MB of samples (random, so they do not compress). */
function fillSession(path: string, dbPath = path): number {
  const o = openDatabase(dbPath);
  const db = o.writable!;
  const info = {
    id: 'cap/eeg', deviceId: 'cap', deviceName: 'cap', deviceModel: 'sim-eeg', modality: 'eeg' as const, nominalRateHz: 1000,
    channels: Array.from({ length: 32 }, (_, c) => ({ label: `E${c}`, unit: 'uV', resolution: 1 })),
  };
  const sid = server.createSession(db, { name: 'big', startTime: 1000, appVersion: 't', origin: 'recorded', state: 'recording' });
  const stream = server.addStream(db, sid, { device: { deviceKey: 'cap', name: 'cap', model: 'sim-eeg', serial: '', transport: 'sim' }, info });
  const random = seededRandom(7);
  for (let b = 0; b < 60; b++) {
    const data = new Float32Array(32 * 1000);
    for (let i = 0; i < data.length; i++) data[i] = Math.round((random() - 0.5) * 2e5);
    server.appendBatch(db, { sessionId: sid, blocks: [{ streamId: stream, chunks: packChunks([{ seq: b, deviceTime: 1000 + b, hostTime: 1000 + b, count: 1000, data }]) }], gaps: [] });
  }
  server.finishSession(db, sid);
  o.db.close();
  return sid;
}

test("deleting a session gives its space back to the disk, in steps, while other requests go on; a database made before that keeps its size and says so", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'recordings.sqlite');
  const sid = fillSession(path);
  const db = await DbClient.open({ path });
  t.after(() => db.close());
  const before = (await db.api.dbInfo()).sizeBytes;
  assert.ok(before > 5e6, `${before} bytes recorded`);
  const res = await db.api.deleteSession(sid);
  assert.equal(res.returnedToDisk, true);
  assert.ok(res.freedBytes > 5e6, `freed ${res.freedBytes} bytes, expected over 5 MB`);
  // Requests still answer while the steps run (each step queues behind them).
  const kept = await db.api.createSession({ name: 'next', startTime: 2000, appVersion: 't', origin: 'recorded', state: 'complete', endTime: 2001 });
  let after = before;
  for (let i = 0; i < 100 && after > before - 5e6; i++) {
    await new Promise((r) => setTimeout(r, 50));
    after = (await db.api.dbInfo()).sizeBytes;
  }
  assert.ok(after < before - 5e6, `the file shrank from ${before} to ${after} bytes`);
  assert.deepEqual((await db.api.listSessions({})).map((s) => s.id), [kept]);

  // A file made before auto_vacuum was set (its tables already there): freed pages stay inside.
  const legacy = join(dir, 'legacy.sqlite');
  dbAtVersion(legacy, LATEST_SCHEMA_VERSION).close();
  const old = fillSession(legacy);
  const ldb = await DbClient.open({ path: legacy });
  t.after(() => ldb.close());
  const lbefore = statSync(legacy).size;
  assert.equal((await ldb.api.deleteSession(old)).returnedToDisk, false);
  await new Promise((r) => setTimeout(r, 200));
  await ldb.api.checkpoint();
  assert.ok(statSync(legacy).size >= lbefore, 'the legacy file keeps its size');
});
