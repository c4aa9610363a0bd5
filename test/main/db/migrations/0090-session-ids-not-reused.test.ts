import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dbAtVersion, tempDir } from '../db-test-util';
import { migrate, readableWithoutUpgrade, schemaVersion } from '../../../../src/main/db/migrations/index';
import { createSession, deleteSession } from '../../../../src/main/db/server';
import type { WritableDb } from '../../../../src/main/db/db.types';

const session = (db: WritableDb, name: string) =>
  createSession(db, { name, startTime: 1, endTime: 2, state: 'complete', origin: 'imported', appVersion: '0.1.0' });

test('0090: a deleted session\'s number is never given again, also one deleted before the upgrade was the newest', (t) => {
  const db = dbAtVersion(join(tempDir(t), 'a.sqlite'), 80);
  t.after(() => db.close());
  // Before: SQLite numbers max(id) + 1, so the newest session's number came back after a delete.
  const raw = (name: string) => Number(db.prepare("INSERT INTO sessions (name, start_time, state, origin, app_version, created_at) VALUES (?, 1, 'complete', 'imported', '0.1.0', 1)").run(name).lastInsertRowid);
  const [a, b] = [raw('a'), raw('b')];
  db.prepare('DELETE FROM sessions WHERE id = ?').run(b);
  assert.equal(raw('c'), b, 'schema 80 reused the number');

  migrate(db, 90);
  assert.equal(schemaVersion(db), 90);
  assert.ok(readableWithoutUpgrade(80), 'a read-only schema-80 copy still opens');
  const d = session(db, 'd');
  assert.equal(d, b + 1, 'numbered after the sessions there are');
  deleteSession(db, d);
  const e = session(db, 'e');
  assert.equal(e, d + 1, `the deleted newest number ${d} is not given again`);
  deleteSession(db, e);
  deleteSession(db, b);
  deleteSession(db, a);
  assert.equal(session(db, 'f'), e + 1, 'nor once every session is deleted');
});
