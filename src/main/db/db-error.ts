// The one error class of the database boundary. SQLite result codes and file-system errors are
// mapped to a kind (the user sees a message written for that kind); across the worker boundary an
// error travels as a WireError and is rebuilt knowing the call that failed (Signal's pattern): in
// its stack always, in its message only for internal errors (the rest are written for users).
import type { WireError } from '../../shared/ipc-schema';
import type { DbErrorKind } from '../../shared/session.types';
import type { writeMethods } from './db-methods';

export type { DbErrorKind };

export class DbError extends Error {
  override name = 'DbError';
  /** The database call that failed, when the error crossed from the worker. */
  method?: string;
  constructor(
    readonly kind: DbErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toWire(): WireError {
    return { name: this.name, message: this.message, kind: this.kind, stack: this.stack };
  }

  /**
   * Rebuilds an error that crossed from the worker. Its message is what people read (the Sessions
   * view, the CLI, the record bar), written for them: 'no session 9', 'a marker needs a label'.
   * Only an internal error (kind Logic or Unknown: SQL misuse, a bug) has the call that failed in
   * front ('getSummary: SQLITE_ERROR: …'), for the bug report; `method` and the stack always have it.
   */
  static fromWire(wire: WireError, method: string): DbError {
    const kind = (KINDS as readonly string[]).includes(wire.kind) ? (wire.kind as DbErrorKind) : 'Unknown';
    const err = new DbError(kind, INTERNAL_KINDS.has(kind) ? `${method}: ${wire.message}` : wire.message);
    err.method = method;
    if (wire.stack) err.stack = `${err.name} in ${method}: ${err.message}\n    [worker] ${wire.stack.split('\n').slice(1).join('\n')}`;
    return err;
  }
}

/** Kinds of a bug rather than of the request or the file: their messages (SQLite's, ours) name the call that failed. */
const INTERNAL_KINDS: ReadonlySet<DbErrorKind> = new Set<DbErrorKind>(['Logic', 'Unknown']);

/** Kinds about the database file, whose messages (describeDbProblem and the like) stand alone. */
export const FILE_KINDS: ReadonlySet<DbErrorKind> = new Set<DbErrorKind>(['Corrupted', 'Readonly', 'Locked', 'DiskFull', 'NewerSchema', 'CantOpen', 'Io']);

const KINDS: readonly DbErrorKind[] = [
  'Corrupted',
  'Readonly',
  'Locked',
  'DiskFull',
  'NewerSchema',
  'CantOpen',
  'Io',
  'NotFound',
  'Invalid',
  'Closed',
  'Logic',
  'Unknown',
];

/** Maps an SQLite extended result code ('SQLITE_READONLY_DIRECTORY') or errno ('EROFS') to a kind. */
export function kindOfCode(code: string | undefined): DbErrorKind {
  if (!code) return 'Unknown';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'Corrupted';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'Readonly';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'Locked';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'DiskFull';
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOENT' || code === 'ENOTDIR') return 'CantOpen';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return 'Io';
  if (
    code.startsWith('SQLITE_CONSTRAINT') ||
    code === 'SQLITE_ERROR' ||
    code === 'SQLITE_MISUSE' ||
    code === 'SQLITE_RANGE' ||
    code === 'SQLITE_MISMATCH' ||
    code === 'SQLITE_TOOBIG'
  )
    return 'Logic';
  return 'Unknown';
}

/**
 * What a user should read for each kind; `path` is the database file, `method` the write that
 * failed where known (a full disk said 'Recording stopped' to an import, which stops nothing).
 */
export function describeDbProblem(kind: DbErrorKind, path: string, detail: string, method?: string): string {
  switch (kind) {
    case 'DiskFull': {
      const action = method === undefined ? undefined : (WRITE_ACTIONS as Record<string, string>)[method];
      const what =
        action === 'recording'
          ? '. Recording stopped; everything committed so far is kept and readable.'
          : action
            ? `, so ${action} failed and changed nothing; everything stored before is kept and readable.`
            : '; everything stored in it is kept and readable.';
      return `The disk holding the recordings database is full (${path})${what} Free some space (${detail}).`;
    }
    case 'Locked':
      return `The recordings database is locked by another process (${path}); is another HeartMind using the same profile? (${detail})`;
    case 'Readonly':
      // No promise of what still works: this kind also covers a database that could not be created
      // or upgraded, where nothing does. The caller that knows says it (describeReadonlyRefusal).
      return `The recordings database cannot be written (${path}): the file or its folder is read-only (${detail}).`;
    case 'Corrupted':
      return `The recordings database is damaged or is not a HeartMind database (${path}): ${detail}`;
    case 'Io':
      return `The operating system failed to read or write the recordings database (${path}): ${detail}`;
    case 'CantOpen':
      return `The recordings database cannot be opened (${path}): ${detail}`;
    default:
      return detail;
  }
}

/** What the user was doing when a write method was refused, in words. */
const WRITE_ACTIONS: Record<keyof typeof writeMethods, string> = {
  createSession: 'recording',
  finishSession: 'recording',
  addStream: 'recording',
  setClockModel: 'recording',
  appendBatch: 'recording',
  addFilterSettings: 'recording',
  updateSession: 'editing a session',
  deleteSession: 'deleting a session',
  addMarker: 'adding a marker',
  addMarkers: 'adding a marker',
  deleteMarker: 'deleting a marker',
  addSelfReport: 'adding a self-report',
  addPredictions: 'storing model predictions',
  removePredictionsExcept: 'storing model predictions',
  importSession: 'importing a recording',
  checkpoint: 'saving to disk',
};

/** Why the database is read-only: `requested` when opened read-only on purpose, else the file or its folder cannot be written. */
export function readonlyReason(requested: boolean): string {
  return requested ? 'it was opened read-only' : 'the file or its folder cannot be written';
}

/** What still works with a read-only database (said wherever it is read-only). */
export const READONLY_STILL_WORKS = 'Sessions can still be listed, replayed and exported.';

/** A write refused because the database is open read-only: what is refused, why, and what still works. */
export function describeReadonlyRefusal(path: string, method: string, requested: boolean): string {
  const action = (WRITE_ACTIONS as Record<string, string>)[method] ?? 'changing it';
  return `The recordings database ${path} is read-only (${readonlyReason(requested)}), so ${action} is not possible. ${READONLY_STILL_WORKS}`;
}

/**
 * Turns anything thrown by better-sqlite3 or fs into a DbError. `path` goes into user-facing
 * messages for the kinds a user can act on; `method`, the call that failed, says what stopped.
 */
export function toDbError(err: unknown, path: string, method?: string): DbError {
  if (err instanceof DbError) return err;
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  let detail = typeof e?.message === 'string' ? e.message : String(err);
  if (code === 'SQLITE_READONLY_DBMOVED') detail = `the database file was moved or deleted while open (${detail})`;
  const kind = kindOfCode(code);
  const message = describeDbProblem(kind, path, code ? `${code}: ${detail}` : detail, method);
  return new DbError(kind, message, { cause: err });
}
