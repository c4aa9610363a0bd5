// The worker threads that read, hash and decode ONNX files for the registry (onnx-worker.node.ts): a
// small pool, started when the first file needs a thread and reused for every file after it, so a
// scan of many models pays one thread start, not one per file (a 4-MB file cost ~0.2–0.4 s of thread
// start in the built app for ~5 ms of work; under tsx each start also compiles the worker). A thread
// left idle ends after ONNX_WORKER_IDLE_MS, and an idle one does not keep the process alive (the CLI
// exits as soon as it has printed).
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { errorFromWorker, findWorkerEntry, startWorker, type WorkerEntry } from '../core/worker-entry';
import { ModelError, type ModelErrorCode } from '../../shared/model/model-error';
import type { OnnxRead } from './registry';

/** File name of the ONNX worker's bundle in the built app (its own entry in electron.vite.config.ts). */
export const ONNX_WORKER_BUNDLE = 'onnx-worker.js';
const ONNX_WORKER_SOURCE = 'onnx-worker.node.ts';

/** How long a thread with no file to check waits for the next one before it ends. */
export const ONNX_WORKER_IDLE_MS = 5000;

/** Threads at most: one core left to the main thread, and no more than 4 (the disk is shared). */
export function onnxPoolSize(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, cores - 1));
}

/** A file to read, or bytes already read (moved to the worker and back, not copied). */
export type OnnxWorkerData = { path: string } | { bytes: Uint8Array };

/** What the pool posts to a thread: one file or one set of bytes, numbered. */
export type OnnxWorkerRequest = { id: number } & OnnxWorkerData;

export type OnnxWorkerReply = { id: number } & (
  | { type: 'read'; facts: Omit<OnnxRead, 'error'> & { error: { code: ModelErrorCode; message: string; details: string[] } | null }; bytes?: Uint8Array }
  | { type: 'failed'; error: { name: string; message: string; code?: string } }
);

/** What the registry asks of its threads (OnnxCheckPool; the bench's peer starts a thread per file). */
export interface OnnxChecks {
  /** readOnnxFacts of the file at `path`, read in a thread; the same facts, its ModelError rebuilt. */
  read(path: string): Promise<OnnxRead>;
  /** readOnnxFacts of `bytes` in a thread: they are moved there and back (the array given is emptied; use the one returned). */
  check(bytes: Uint8Array): Promise<{ read: OnnxRead; bytes: Uint8Array }>;
}

interface Job {
  id: number;
  data: OnnxWorkerData;
  /** What a failure names: 'the check of /path/model.onnx'. */
  what: string;
  resolve: (r: { read: OnnxRead; bytes?: Uint8Array }) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  idle: ReturnType<typeof setTimeout> | null;
}

export interface OnnxPoolOptions {
  /** Threads at most (onnxPoolSize()). */
  size?: number;
  /** An idle thread ends after this long (ONNX_WORKER_IDLE_MS). */
  idleMs?: number;
  /** Where the worker's code is (the tests give one that fails); default: onnx-worker beside this module. */
  entry?: WorkerEntry;
}

export class OnnxCheckPool implements OnnxChecks {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private readonly size: number;
  private readonly idleMs: number;
  /** Threads started so far (the bench and the tests count them). */
  started = 0;

  constructor(private readonly opts: OnnxPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? onnxPoolSize());
    this.idleMs = opts.idleMs ?? ONNX_WORKER_IDLE_MS;
  }

  /** Threads running now (busy or idle). */
  get threads(): number {
    return this.slots.size;
  }

  async read(path: string): Promise<OnnxRead> {
    return (await this.ask({ path }, `the check of ${path}`)).read;
  }

  async check(bytes: Uint8Array): Promise<{ read: OnnxRead; bytes: Uint8Array }> {
    const { read, bytes: back } = await this.ask({ bytes }, 'the check of the ONNX file');
    return { read, bytes: back! };
  }

  /** Ends every thread; checks queued or under way are refused. */
  async close(): Promise<void> {
    const closed = new Error('the ONNX check was stopped (the registry closed)');
    for (const job of this.queue.splice(0)) job.reject(closed);
    await Promise.all(
      [...this.slots].map((slot) => {
        this.drop(slot, closed);
        return slot.worker.terminate();
      }),
    );
  }

  private ask(data: OnnxWorkerData, what: string): Promise<{ read: OnnxRead; bytes?: Uint8Array }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, data, what, resolve, reject });
      this.pump();
    });
  }

  /** Gives the queued jobs to idle threads, starting threads up to the pool's size. */
  private pump(): void {
    while (this.queue.length) {
      let slot = [...this.slots].find((s) => !s.job);
      if (!slot && this.slots.size < this.size) {
        try {
          slot = this.start();
        } catch (e) {
          this.queue.shift()!.reject(e as Error);
          continue;
        }
      }
      if (!slot) return;
      const job = this.queue.shift()!;
      if (slot.idle) clearTimeout(slot.idle);
      slot.idle = null;
      slot.job = job;
      slot.worker.ref();
      const request: OnnxWorkerRequest = { id: job.id, ...job.data };
      slot.worker.postMessage(request, 'bytes' in job.data ? [job.data.bytes.buffer as ArrayBuffer] : []);
    }
  }

  private start(): Slot {
    const entry = this.opts.entry ?? findWorkerEntry(import.meta.url, ONNX_WORKER_SOURCE, ONNX_WORKER_BUNDLE);
    if (!entry) throw new Error(`cannot find the ONNX worker ${ONNX_WORKER_BUNDLE} near ${dirname(fileURLToPath(import.meta.url))}`);
    const slot: Slot = { worker: startWorker(entry, { name: 'heartmind-onnx' }), job: null, idle: null };
    this.started++;
    this.slots.add(slot);
    slot.worker.on('message', (m: OnnxWorkerReply) => this.answered(slot, m));
    slot.worker.on('error', (err) => this.lost(slot, err));
    slot.worker.on('exit', (code) => this.lost(slot, new Error(`${slot.job?.what ?? 'the ONNX check'} stopped before it finished (worker exit code ${code})`)));
    return slot;
  }

  private answered(slot: Slot, m: OnnxWorkerReply): void {
    const job = slot.job;
    if (!job || m.id !== job.id) return;
    slot.job = null;
    if (m.type === 'failed') job.reject(errorFromWorker(m.error));
    else {
      const { error, ...facts } = m.facts;
      job.resolve({ read: { ...facts, error: error && new ModelError(error.code, error.message, error.details) }, bytes: m.bytes });
    }
    this.pump();
    if (!slot.job && this.slots.has(slot)) {
      // Idle: it does not hold the process open, and ends unless another file comes soon.
      slot.worker.unref();
      slot.idle = setTimeout(() => {
        this.slots.delete(slot);
        void slot.worker.terminate();
      }, this.idleMs);
      slot.idle.unref();
    }
  }

  /** A thread that failed or ended: its job (if any) is refused with why, and the others go on. */
  private lost(slot: Slot, err: Error): void {
    if (!this.slots.has(slot)) return;
    this.drop(slot, err);
    this.pump();
  }

  private drop(slot: Slot, err: Error): void {
    this.slots.delete(slot);
    if (slot.idle) clearTimeout(slot.idle);
    const job = slot.job;
    slot.job = null;
    job?.reject(err);
  }
}

let shared: OnnxCheckPool | null = null;

/** The pool every registry of this process uses unless given its own. */
export function sharedOnnxPool(): OnnxCheckPool {
  return (shared ??= new OnnxCheckPool());
}
