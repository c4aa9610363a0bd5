import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../../src/main/db/open-database';
import { LATEST_SCHEMA_VERSION } from '../../../src/main/db/migrations/index';
import { DbError } from '../../../src/main/db/db-error';
import { tempDir } from './db-test-util';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

test('creates the database in a new profile folder: WAL, foreign keys, latest schema; reopening is a no-op', (t) => {
  const path = join(tempDir(t), 'profile', 'nested', 'recordings.sqlite');
  const a = openDatabase(path);
  assert.equal(a.readonly, false);
  assert.equal(a.schemaVersion, LATEST_SCHEMA_VERSION);
  assert.equal(a.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(a.db.pragma('foreign_keys', { simple: true }), 1);
  a.db.close();
  const b = openDatabase(path);
  assert.equal(b.schemaVersion, LATEST_SCHEMA_VERSION);
  b.db.close();
});

test('a database from a newer HeartMind is refused with a clear message and left byte for byte unchanged', (t) => {
  const path = join(tempDir(t), 'recordings.sqlite');
  openDatabase(path).db.close();
  const raw = new Database(path);
  raw.pragma('journal_mode = DELETE');
  raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 10}`);
  raw.close();
  const before = sha(path);
  assert.throws(
    () => openDatabase(path),
    (err: unknown) =>
      err instanceof DbError && err.kind === 'NewerSchema' && /newer HeartMind/.test(err.message) && /nothing in it was changed/.test(err.message),
  );
  assert.equal(sha(path), before);
  const check = new Database(path, { readonly: true });
  assert.equal(check.pragma('journal_mode', { simple: true }), 'delete', 'not even switched to WAL');
  check.close();
});

test("another program's SQLite file is refused untouched", (t) => {
  const path = join(tempDir(t), 'other.sqlite');
  const raw = new Database(path);
  raw.exec('CREATE TABLE contacts (name TEXT)');
  raw.close();
  const before = sha(path);
  assert.throws(() => openDatabase(path), (err: unknown) => err instanceof DbError && err.kind === 'Corrupted' && /not a HeartMind database/.test(err.message));
  assert.equal(sha(path), before);
});

test('a file that is not a database gives Corrupted', (t) => {
  const path = join(tempDir(t), 'garbage.sqlite');
  writeFileSync(path, Buffer.alloc(8192, 0x5a));
  assert.throws(() => openDatabase(path), (err: unknown) => err instanceof DbError && err.kind === 'Corrupted' && err.message.includes(path));
});

test('readonly option opens an existing database without writing', (t) => {
  const path = join(tempDir(t), 'recordings.sqlite');
  openDatabase(path).db.close();
  const ro = openDatabase(path, { readonly: true });
  assert.equal(ro.readonly, true);
  assert.equal(ro.writable, null);
  assert.throws(() => ro.db.exec('DELETE FROM sessions'), /readonly|query_only/i);
  ro.db.close();
});
