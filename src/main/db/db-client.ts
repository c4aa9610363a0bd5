// The typed request client of the recordings database. It starts the DB worker (the only owner of
// the file) and turns `client.api.listSessions(query)` into a request to the worker's
// `listSessions(db, query)`: the server's method names and signatures are the protocol.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { findWorkerEntry, startWorker, type WorkerEntry } from '../core/worker-entry';
import type { LogEntry } from '../../shared/log.types';
import { FormatError, type FormatErrorCode } from '../../shared/formats/format-error';
import type { DbInfo } from '../../shared/session.types';
import { DbError } from './db-error';
import type { WorkerInit, WorkerReply, WorkerRequest } from './db-protocol';
import type { DbOpenOptions } from './db.types';
import type { DbMethodName, DbMethods } from './db-methods';

/** File name of the worker's bundle in the built app (its own entry in electron.vite.config.ts). */
export const DB_WORKER_BUNDLE = 'db-worker.js';
const DB_WORKER_SOURCE = 'worker.node.ts';

type DropFirst<T extends unknown[]> = T extends [unknown, ...infer R] ? R : never;
/** What a request answers: the method's value, or the final value of a method answered in steps (worker.node.ts). */
type Result<M extends DbMethodName> = Awaited<ReturnType<DbMethods[M]>> extends Generator<void, infer R> ? R : Awaited<ReturnType<DbMethods[M]>>;
export type DbApi = {
  [M in DbMethodName]: (...args: DropFirst<Parameters<DbMethods[M]>>) => Promise<Result<M>>;
};

export interface DbClientOptions extends DbOpenOptions {
  /** Database file (one per user profile; see databasePathFor). */
  path: string;
  /** Slow queries and worker trouble. */
  onLog?: (entry: LogEntry) => void;
  /** Where the worker script is; found automatically next to this module or the bundle. */
  workerUrl?: URL;
}

/** The database worker's entry (core/worker-entry.ts): its source under tsx, out/main/db-worker.js built. */
function dbWorkerEntry(): WorkerEntry {
  const entry = findWorkerEntry(import.meta.url, DB_WORKER_SOURCE, DB_WORKER_BUNDLE);
  if (!entry) throw new DbError('CantOpen', `cannot find the database worker ${DB_WORKER_BUNDLE} near ${dirname(fileURLToPath(import.meta.url))}`);
  return entry;
}

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export class DbClient {
  readonly api: DbApi;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private closed = false;
  private closing: Promise<void> | null = null;
  private closedResolve: (() => void) | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly info: DbInfo,
    private readonly onLog: ((entry: LogEntry) => void) | undefined,
  ) {
    this.api = new Proxy({} as DbApi, {
      get: (_t, method: string) =>
        (...args: unknown[]) =>
          this.call(method as DbMethodName, ...(args as never)),
    });
    worker.on('message', (msg: WorkerReply) => this.onMessage(msg));
    worker.on('error', (err) => this.failAll(new DbError('Closed', `the database worker crashed: ${err.message}`)));
    worker.on('exit', (code) => {
      this.closed = true;
      this.failAll(new DbError('Closed', `the database worker exited (code ${code})`));
      this.closedResolve?.();
    });
  }

  /** Starts the worker and opens the database; rejects with a DbError (NewerSchema, Locked, Readonly…). */
  static open(options: DbClientOptions): Promise<DbClient> {
    const { path, onLog, workerUrl, ...openOptions } = options;
    const init: WorkerInit = { path, options: openOptions };
    const worker = startWorker(workerUrl ? { url: workerUrl } : dbWorkerEntry(), { workerData: init, name: 'heartmind-db' });
    return new Promise((resolve, reject) => {
      const onFirst = (msg: WorkerReply) => {
        if (msg.type === 'log') {
          onLog?.(msg.entry);
          return;
        }
        worker.off('message', onFirst);
        worker.off('error', onError);
        if (msg.type === 'ready') resolve(new DbClient(worker, msg.info, onLog));
        else if (msg.type === 'failed') {
          void worker.terminate();
          reject(DbError.fromWire(msg.error, 'open'));
        } else reject(new DbError('Logic', `unexpected first message ${msg.type} from the database worker`));
      };
      const onError = (err: Error) => {
        worker.off('message', onFirst);
        reject(new DbError('Closed', `the database worker failed to start: ${err.message}`, { cause: err }));
      };
      worker.on('message', onFirst);
      worker.once('error', onError);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  call<M extends DbMethodName>(method: M, ...args: DropFirst<Parameters<DbMethods[M]>>): Promise<Result<M>> {
    return this.callTransferring(method, [], ...args);
  }

  /**
   * Like call, but moves `transfer` (buffers inside the arguments) to the worker instead of copying
   * them; the caller must not use them afterwards.
   */
  callTransferring<M extends DbMethodName>(method: M, transfer: ArrayBuffer[], ...args: DropFirst<Parameters<DbMethods[M]>>): Promise<Result<M>> {
    if (this.closed || this.closing) {
      // Said as fromWire says a request's problem: in words, the call in err.method.
      const err = new DbError('Closed', 'the database is closed');
      err.method = method;
      return Promise.reject(err);
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
      const req: WorkerRequest = { type: 'call', id, method, args };
      try {
        this.worker.postMessage(req, transfer);
      } catch (err) {
        this.pending.delete(id);
        reject(new DbError('Invalid', `${method}: arguments cannot be sent to the database worker: ${(err as Error).message}`));
      }
    });
  }

  /** Finishes the requests in flight, checkpoints the WAL and stops the worker. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!this.closing) {
      this.closing = new Promise<void>((resolve) => {
        this.closedResolve = resolve;
        this.worker.postMessage({ type: 'close' } satisfies WorkerRequest);
      });
    }
    return this.closing;
  }

  private onMessage(msg: WorkerReply): void {
    if (msg.type === 'log') {
      this.onLog?.(msg.entry);
    } else if (msg.type === 'result') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else if (msg.error.name === 'FormatError') {
        // An export's file problem: rebuilt as the format writers' own error ('<file>: <problem>').
        const m = /^([^:]*): ([\s\S]*)$/.exec(msg.error.message);
        p.reject(new FormatError(msg.error.kind as FormatErrorCode, m?.[1] ?? '', m?.[2] ?? msg.error.message));
      } else p.reject(DbError.fromWire(msg.error, p.method));
    } else if (msg.type === 'closed') {
      this.closed = true;
      void this.worker.terminate();
    }
  }

  private failAll(err: DbError): void {
    for (const p of this.pending.values()) p.reject(new DbError(err.kind, `${p.method}: ${err.message}`));
    this.pending.clear();
  }
}

/** The recordings database of a user profile. */
export function databasePathFor(profileDir: string): string {
  return join(profileDir, 'recordings.sqlite');
}
