// The DB worker: the only code that opens the recordings database. It answers typed requests
// (method name + arguments, see server.ts) one at a time on its own thread, so the main thread
// (hub, transports, UI requests) never waits on disk. Slow requests are logged.
import { parentPort, workerData } from 'node:worker_threads';
import type { LogEntry } from '../../shared/log.types';
import type { WireError } from '../../shared/ipc-schema';
import { FormatError } from '../../shared/formats/format-error';
import { DbError, describeReadonlyRefusal, toDbError } from './db-error';
import { DEFAULT_SLOW_QUERY_MS } from './db.types';
import type { WorkerInit, WorkerReply, WorkerRequest } from './db-protocol';
import { openDatabase, type OpenedDatabase } from './open-database';
import { SampleCodecError } from './sample-codec';
import { dbMethods, writeMethods } from './db-methods';
import { checkpoint, dbInfo, reclaimFreePages } from './server';

const port = parentPort;
if (!port) throw new Error('worker.node.ts must run as a worker thread');
const init = workerData as WorkerInit;
const slowMs = init.options.slowQueryMs ?? DEFAULT_SLOW_QUERY_MS;

function post(msg: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

function wire(err: unknown, method?: string): WireError {
  // A file problem (export) keeps its own class and code: it is about the file, not the database.
  if (err instanceof FormatError) return { name: err.name, message: err.message, kind: err.code, stack: err.stack };
  if (err instanceof SampleCodecError) return new DbError('Corrupted', `stored sample data is damaged: ${err.message}`).toWire();
  return toDbError(err, init.path, method).toWire();
}

/** Typed-array buffers in a result, moved to the main thread instead of copied. */
function transferables(value: unknown, out = new Set<ArrayBuffer>(), depth = 0): Set<ArrayBuffer> {
  if (depth > 4 || value === null || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && value.byteLength === value.buffer.byteLength) out.add(value.buffer);
    return out;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) transferables(v, out, depth + 1);
  return out;
}

let opened: OpenedDatabase | null = null;
try {
  opened = openDatabase(init.path, init.options);
  post({ type: 'ready', info: dbInfo(opened.db) });
} catch (err) {
  post({ type: 'failed', error: wire(err) });
}

const writeNames = new Set(Object.keys(writeMethods));
/**
 * Free pages given back to the disk per step after a delete (16 MiB at 4 KiB pages, some tens of
 * ms): the steps queue behind whatever arrived meanwhile, so a recording's commits never wait for
 * a whole multi-GB session to be reclaimed.
 */
const RECLAIM_STEP_PAGES = 4096;

// One request at a time, in arrival order (an export awaiting its writers' first load holds the
// queue, so a later write or close never runs in between).
let queue: Promise<void> = Promise.resolve();
port.on('message', (msg: WorkerRequest) => {
  queue = queue.then(() => handle(msg));
});

/** One step of giving a delete's pages back to the disk; queues the next after what is waiting. */
function reclaimStep(): void {
  if (!opened?.writable) return;
  let left = 0;
  try {
    left = reclaimFreePages(opened.writable, RECLAIM_STEP_PAGES);
  } catch (err) {
    // Locked by another process, or the disk failed: the pages stay free inside the file, where
    // new recordings reuse them; nothing is lost.
    const entry: LogEntry = { time: Date.now() / 1000, level: 'warn', source: 'db', message: `could not give a deleted session's space back to the disk: ${toDbError(err, init.path).message}` };
    post({ type: 'log', entry });
    return;
  }
  if (left > 0) setImmediate(() => (queue = queue.then(reclaimStep)));
}

/**
 * A finished recording's streams placed on the shared clock and the placement cached (schema 80,
 * export-session.ts) in the background, a step per turn of the queue behind whatever arrived
 * meanwhile: the first `sessions show` or export then reads it instead of re-fitting the clock
 * model over every chunk (about a second per recorded hour). Quietly: where it cannot (the
 * database closed, read-only, locked), the first reader computes it.
 */
function cachePlacementOf(sessionId: number): void {
  import('../sessions/export-session').then(
    ({ sampleSpansSteps }) => {
      if (!opened?.writable) return;
      const steps: Generator<void, unknown> = sampleSpansSteps(opened.writable, sessionId);
      const step = (): void => {
        if (!opened) return;
        try {
          if (steps.next().done) return;
        } catch {
          return;
        }
        setImmediate(() => (queue = queue.then(step)));
      };
      queue = queue.then(step);
    },
    () => {},
  );
}

async function handle(msg: WorkerRequest): Promise<void> {
  if (msg.type === 'close') {
    if (opened) {
      try {
        if (opened.writable) {
          checkpoint(opened.writable);
          // Leave a self-contained file (no -wal/-shm needed): it can then be opened read-only,
          // e.g. from a read-only share or a copy on a DVD. The next open switches back to WAL.
          opened.writable.pragma('journal_mode = DELETE');
        }
      } catch {
        // Locked or full: the WAL stays and is replayed at next open; nothing is lost.
      }
      opened.db.close();
      opened = null;
    }
    post({ type: 'closed' });
    port!.close();
    return;
  }
  const started = performance.now();
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    if (!opened) throw new DbError('Closed', 'the database is not open');
    const fn = (dbMethods as Record<string, (db: unknown, ...args: unknown[]) => unknown>)[msg.method];
    if (typeof fn !== 'function') throw new DbError('Logic', `unknown database method ${msg.method}`);
    if (writeNames.has(msg.method) && !opened.writable) {
      throw new DbError('Readonly', describeReadonlyRefusal(init.path, msg.method, init.options.readonly === true));
    }
    // Queries are synchronous; an export (which loads its writers on first use) returns a promise
    // of its steps.
    const value = await fn(opened.writable ?? opened.db, ...msg.args);
    if (isSteps(value)) {
      logIfSlow(msg.method, performance.now() - started);
      runSteps(msg.id, msg.method, value);
      return;
    }
    reply = { type: 'result', id: msg.id, ok: true, value };
    transfer = [...transferables(value)];
    if (msg.method === 'deleteSession') setImmediate(() => (queue = queue.then(reclaimStep)));
    if (msg.method === 'finishSession') setImmediate(() => cachePlacementOf(msg.args[0] as number));
  } catch (err) {
    reply = { type: 'result', id: msg.id, ok: false, error: wire(err, msg.method) };
  }
  // Logged before the reply, so whoever awaits the request sees the log line first.
  logIfSlow(msg.method, performance.now() - started);
  post(reply, transfer);
}

/**
 * A step of a request answered in steps is slow at this many times a query's threshold: steps are
 * sized to hold the worker for tens of ms (an export's reads, pieces and clock-model runs), so at
 * the query threshold an hour's export logged some 30 warnings of 41–60 ms, hiding a real one.
 */
const SLOW_STEP_FACTOR = 5;

function logIfSlow(what: string, ms: number, limitMs = slowMs): void {
  if (ms <= limitMs) return;
  const entry: LogEntry = { time: Date.now() / 1000, level: 'warn', source: 'db', message: `slow query: ${what} took ${ms.toFixed(1)} ms` };
  post({ type: 'log', entry });
}

function isSteps(v: unknown): v is Generator<void, unknown> {
  return typeof v === 'object' && v !== null && typeof (v as Generator).next === 'function' && typeof (v as Generator)[Symbol.iterator] === 'function';
}

/**
 * A request answered in steps (an export reading a long session): one step per turn of the queue,
 * each behind whatever arrived meanwhile, as reclaimStep does — so a recording's commits never wait
 * for a whole export, and a kill -9 during one still loses at most the last second.
 */
function runSteps(id: number, method: string, steps: Generator<void, unknown>): void {
  const step = (): void => {
    const started = performance.now();
    let r: IteratorResult<void, unknown>;
    try {
      if (!opened) {
        // Ended here: its cleanup runs (an export removes its half-written file).
        steps.return(undefined);
        throw new DbError('Closed', 'the database closed before the request finished');
      }
      r = steps.next();
    } catch (err) {
      post({ type: 'result', id, ok: false, error: wire(err) });
      return;
    }
    logIfSlow(`${method} (one step)`, performance.now() - started, slowMs * SLOW_STEP_FACTOR);
    if (r.done) post({ type: 'result', id, ok: true, value: r.value }, [...transferables(r.value)]);
    else setImmediate(() => (queue = queue.then(step)));
  };
  step();
}
