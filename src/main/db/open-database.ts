// Opens (or creates) the recordings database. Called only inside the DB worker (worker.node.ts)
// and by migration tests; nothing else holds a connection.
//
// Order matters: the schema version is read before anything is written, so a database from a
// newer HeartMind, or a file that is not ours, is refused untouched (not even switched to WAL).
import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DbError, describeDbProblem, toDbError } from './db-error';
import { DEFAULT_BUSY_TIMEOUT_MS, type DbOpenOptions, type ReadableDb, type WritableDb } from './db.types';
import { HEARTMIND_APPLICATION_ID } from './migrations/0010-create-sessions';
import { LATEST_SCHEMA_VERSION, migrate, readableWithoutUpgrade, schemaVersion } from './migrations/index';

export interface OpenedDatabase {
  db: ReadableDb;
  /** The same connection as `db` when writable, else null. */
  writable: WritableDb | null;
  readonly: boolean;
  schemaVersion: number;
  path: string;
}

function canWrite(path: string): boolean {
  try {
    // access(W_OK) reports EROFS on a read-only file system even for root.
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function openDatabase(path: string, options: DbOpenOptions = {}): OpenedDatabase {
  const dir = dirname(path);
  const exists = existsSync(path);
  if (!exists && !options.readonly) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw toDbError(err, path);
    }
  }
  const writable = !options.readonly && canWrite(dir) && (!exists || canWrite(path));
  if (!exists && !writable) {
    throw new DbError('Readonly', describeDbProblem('Readonly', path, `cannot create ${path}: its folder is read-only`));
  }

  let db: Database.Database;
  try {
    db = new Database(path, { readonly: !writable, fileMustExist: !writable, nativeBinding: options.nativeBinding });
  } catch (err) {
    throw toDbError(err, path);
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
    const version = schemaVersion(db);
    if (version > LATEST_SCHEMA_VERSION) {
      throw new DbError(
        'NewerSchema',
        `The recordings database ${path} was written by a newer HeartMind (schema ${version}; this version knows up to ${LATEST_SCHEMA_VERSION}). It was not opened and nothing in it was changed: update HeartMind, or choose another profile.`,
      );
    }
    const appId = Number(db.pragma('application_id', { simple: true }));
    const tableCount = Number(db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").pluck().get());
    if ((version > 0 || tableCount > 0) && appId !== HEARTMIND_APPLICATION_ID) {
      throw new DbError(
        'Corrupted',
        describeDbProblem('Corrupted', path, `it holds ${tableCount} tables but no HeartMind application id; it was left untouched`),
      );
    }
    if (!writable) {
      // A version short of only a cache reads as it is (the stream placement of schema 80).
      if (!readableWithoutUpgrade(version)) {
        throw new DbError(
          'Readonly',
          describeDbProblem('Readonly', path, `schema ${version} needs upgrading to ${LATEST_SCHEMA_VERSION}, which needs write access`),
        );
      }
      db.pragma('query_only = ON');
      return { db: db as ReadableDb, writable: null, readonly: true, schemaVersion: version, path };
    }
    // A new file gives the pages of a deleted session back to the disk (the DB worker runs
    // incremental_vacuum after a delete: reclaimFreePages). SQLite fixes this mode when the file's
    // first page is written (the switch to WAL below does it), so a file made before keeps
    // reusing freed pages inside itself instead.
    if (version === 0 && tableCount === 0) db.pragma('auto_vacuum = INCREMENTAL');
    const mode = String(db.pragma('journal_mode = WAL', { simple: true }));
    if (mode !== 'wal') throw new DbError('Io', describeDbProblem('Io', path, `cannot switch to WAL (journal_mode is ${mode})`));
    // NORMAL in WAL mode: a commit survives the app being killed (it is in the OS's cache); only an
    // OS crash or power cut can lose the last commits, never corrupt the file.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (options.maxSizeBytes) {
      const pageSize = Number(db.pragma('page_size', { simple: true }));
      db.pragma(`max_page_count = ${Math.max(1, Math.floor(options.maxSizeBytes / pageSize))}`);
    }
    const w = db as WritableDb;
    migrate(w);
    return { db: w, writable: w, readonly: false, schemaVersion: schemaVersion(w), path };
  } catch (err) {
    db.close();
    throw toDbError(err, path);
  }
}
