// The one error class of the database boundary. SQLite result codes and file-system errors are
// mapped to a kind (the user sees a message written for that kind); across the worker boundary an
// error travels as a WireError and is rebuilt with the method name as a prefix (Signal's pattern).
import type { WireError } from '../../shared/ipc-schema';
import type { DbErrorKind } from '../../shared/session.types';

export type { DbErrorKind };

export class DbError extends Error {
  override name = 'DbError';
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

  /** Rebuilds an error that crossed from the worker, prefixed with the call that failed. */
  static fromWire(wire: WireError, method: string): DbError {
    const kind = (KINDS as readonly string[]).includes(wire.kind) ? (wire.kind as DbErrorKind) : 'Unknown';
    const err = new DbError(kind, `${method}: ${wire.message}`);
    if (wire.stack) err.stack = `${err.name}: ${err.message}\n    [worker] ${wire.stack.split('\n').slice(1).join('\n')}`;
    return err;
  }
}

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

/** What a user should read for each kind; `path` is the database file. */
export function describeDbProblem(kind: DbErrorKind, path: string, detail: string): string {
  switch (kind) {
    case 'DiskFull':
      return `The disk holding the recordings database is full (${path}). Recording stopped; everything committed so far is kept and readable. Free some space, or raise the database size limit (${detail}).`;
    case 'Locked':
      return `The recordings database is locked by another process (${path}); is another HeartMind using the same profile? (${detail})`;
    case 'Readonly':
      return `The recordings database cannot be written (${path}): the file or its folder is read-only. Sessions can still be listed, replayed and exported (${detail}).`;
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

/**
 * Turns anything thrown by better-sqlite3 or fs into a DbError. `path` goes into user-facing
 * messages for the kinds a user can act on.
 */
export function toDbError(err: unknown, path: string): DbError {
  if (err instanceof DbError) return err;
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  let detail = typeof e?.message === 'string' ? e.message : String(err);
  if (code === 'SQLITE_READONLY_DBMOVED') detail = `the database file was moved or deleted while open (${detail})`;
  const kind = kindOfCode(code);
  const message = describeDbProblem(kind, path, code ? `${code}: ${detail}` : detail);
  return new DbError(kind, message, { cause: err });
}
