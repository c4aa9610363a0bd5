// Helpers for database tests: a fresh folder per test, removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DbClient } from '../../../src/main/db/db-client';
import type { WritableDb } from '../../../src/main/db/db.types';
import { migrate } from '../../../src/main/db/migrations/index';

export function tempDir(t: { after(fn: () => void): void }, prefix = 'hm-db-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A raw connection migrated up to `version` (for migration tests, which stand in for the worker). */
export function dbAtVersion(path: string, version: number): WritableDb {
  const db = new Database(path) as WritableDb;
  db.pragma('foreign_keys = ON');
  migrate(db, version);
  return db;
}

/** A database client whose replay page reads are counted (a session read page by page, not whole). */
export function countingPages(db: DbClient): { db: DbClient; pages: () => number } {
  let pages = 0;
  const api = new Proxy(db.api, {
    get: (target, key, receiver) => (key === 'readReplayPage' ? (...args: Parameters<DbClient['api']['readReplayPage']>) => (pages++, target.readReplayPage(...args)) : Reflect.get(target, key, receiver)),
  });
  return { db: Object.defineProperty(Object.create(db) as DbClient, 'api', { value: api }), pages: () => pages };
}
