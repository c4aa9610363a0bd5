import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DbClient } from '../../../src/main/db/db-client';
import { DbError } from '../../../src/main/db/db-error';
import { LATEST_SCHEMA_VERSION } from '../../../src/main/db/migrations/index';
import { openDatabase } from '../../../src/main/db/open-database';
import type { LogEntry } from '../../../src/shared/log.types';
import { tempDir } from './db-test-util';

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
  await assert.rejects(db.api.getSummary(9999), (err: unknown) => err instanceof DbError && err.kind === 'NotFound' && err.message.startsWith('getSummary: '));
  await assert.rejects(db.api.addSelfReport(id, { time: 1, valence: 10, arousal: 5, dominance: 5 }), (err: unknown) => err instanceof DbError && err.kind === 'Invalid');
  await assert.rejects((db.call as unknown as (m: string) => Promise<unknown>)('noSuchMethod'), (err: unknown) => err instanceof DbError && err.kind === 'Logic');
  await db.close();
  await assert.rejects(db.api.listSessions({}), (err: unknown) => err instanceof DbError && err.kind === 'Closed');
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
  // A request's own problem keeps the call's name in front.
  await assert.rejects(ro.api.getSummary(-1), (err: unknown) => err instanceof DbError && err.kind === 'Invalid' && /^getSummary: session id must be a positive integer/.test(err.message));
});
