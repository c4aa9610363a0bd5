// Starts, queues, pauses, resumes and cancels training jobs, each in its own worker thread
// (train-worker.node.ts), one at a time. Runs left running or queued by a process that is gone (the app or a CLI) are marked
// interrupted at start-up and resume from their last checkpoint on request. A worker that dies
// leaves its run 'failed' with the reason; the app and earlier runs are untouched.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { findWorkerEntry, startWorker, type WorkerEntry } from '../core/worker-entry';
import type { JobSpec, RunResultSummary, RunStatus } from '../../shared/train/job.types';
import { TrainError, TrainErrorCode, type RunProgress } from '../../shared/train/train.types';
import type { DbClient } from '../db/db-client';
import { sessionIdsOf, type SessionFeed } from './dataset-loader';
import type { JobEvent } from './job';
import { feedTransferables, readJobSessions } from './session-feed';
import type { TrainWorkerData, TrainWorkerReply } from './train-worker.node';
import { RunStore, runningElsewhere, type RunFolder } from './run-store';
import { SharedJobControl, type JobAction } from './job-control';
import { resumeRefusal } from '../../shared/train/resume-policy';
import { plural } from '../../shared/plural';

/** File name of the worker's bundle in the built app (its own entry in electron.vite.config.ts). */
export const TRAIN_WORKER_BUNDLE = 'train-worker.js';
const TRAIN_WORKER_SOURCE = 'train-worker.node.ts';

/** The training worker's entry (core/worker-entry.ts): its source under tsx, out/main/train-worker.js built. */
export function trainWorkerEntry(): WorkerEntry {
  const entry = findWorkerEntry(import.meta.url, TRAIN_WORKER_SOURCE, TRAIN_WORKER_BUNDLE);
  if (!entry) throw new TrainError(TrainErrorCode.NotFound, `cannot find the training worker ${TRAIN_WORKER_BUNDLE} near ${dirname(fileURLToPath(import.meta.url))}`);
  return entry;
}

/** How a job in a worker ended: its result, the stop it reported (paused, cancelled, a failure), or the thread died first. */
export type TrainRunEnd =
  | { kind: 'done'; summary: RunResultSummary }
  | { kind: 'stopped'; error: { code: string; message: string }; progress: RunProgress | null }
  | { kind: 'died'; error: Error };

/**
 * One run's job in a training worker thread, as the app's runner and the CLI start it. The thread
 * computes; the starter's event loop stays free, so it answers at once (the view, a signal):
 * pause and cancel reach the job at its next step through shared memory, and terminate() ends the
 * thread even mid-step (V8 stops JS and WASM alike). Every whole-file write of a job is atomic
 * (run-store.ts), so a thread ended mid-write leaves the last whole checkpoint and status.
 */
export class TrainRun {
  private readonly worker: Worker;
  private readonly control = new SharedJobControl();
  /** Settles when the job's end is known: its report, or the thread's error or exit without one. Never rejects. */
  readonly end: Promise<TrainRunEnd>;
  /** Settles when the thread has exited. */
  readonly exited: Promise<void>;

  constructor(data: Omit<Extract<TrainWorkerData, { task: 'run' }>, 'task' | 'control'>, on: { event?(ev: JobEvent): void; backend?(name: string): void } = {}) {
    const workerData: TrainWorkerData = { ...data, task: 'run', control: this.control.buffer };
    // The sessions' samples are moved to the thread, not copied (the CLI held its copy for the whole run).
    this.worker = startWorker(trainWorkerEntry(), { workerData, name: 'heartmind-train', transferList: feedTransferables(data.sessions) });
    let settle!: (end: TrainRunEnd) => void;
    this.end = new Promise<TrainRunEnd>((r) => (settle = r));
    this.exited = new Promise<void>((r) => this.worker.once('exit', () => r()));
    // The job's progress as last pushed: a job of the app writes it into status.json only when a
    // phase ends, so a pause mid-phase would read back the bar of the phase before.
    let progress: RunProgress | null = null;
    this.worker.on('message', (m: TrainWorkerReply) => {
      if (m.type === 'event') {
        if (m.event.type === 'progress') progress = m.event.progress;
        else if (m.event.type === 'status') progress = m.event.status.progress;
        on.event?.(m.event);
      } else if (m.type === 'backend') on.backend?.(m.backend);
      else if (m.type === 'done') settle({ kind: 'done', summary: m.summary as RunResultSummary });
      else if (m.type === 'failed') settle({ kind: 'stopped', error: m.error, progress });
    });
    // A settled promise ignores later calls: the first of report, error and exit is the end.
    this.worker.on('error', (error) => settle({ kind: 'died', error }));
    this.worker.on('exit', (code) => settle({ kind: 'died', error: new Error(`the training worker exited (code ${code}) before the job finished`) }));
  }

  /** Pause (a checkpoint first) or cancel at the job's next step. */
  request(action: Exclude<JobAction, 'run'>): void {
    this.control.set(action);
  }

  /** Ends the thread now, mid-step if need be; resolves once it has exited. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
  }
}

/** How a job's stop was recorded: the run's new status, and why status.json could not take it (else null). */
export interface JobStopRecord {
  status: RunStatus;
  writeProblem: string | null;
}

/**
 * Writes how a job stopped into its run folder (status and log), for the app's runner and the CLI
 * alike: paused and cancelled are states, any other code a failure. `progress`: the job's last, when
 * known (else the one in status.json). Returns the new status, or null when status.json cannot be
 * read. Never throws: a folder that refuses the write (the full disk that stopped the job) leaves
 * status.json as it was and the caller says the stop where it is seen (the view, the terminal).
 */
export async function recordJobStop(f: RunFolder, error: { code: string; message: string }, progress?: RunProgress | null): Promise<JobStopRecord | null> {
  const s = await f.readStatus().catch(() => null);
  if (!s) return null;
  const state = error.code === TrainErrorCode.Paused ? 'paused' : error.code === TrainErrorCode.Cancelled ? 'cancelled' : 'failed';
  const next: RunStatus = { ...s, state, error: state === 'failed' ? error : null, updatedAt: Date.now() / 1000, progress: { ...(progress ?? s.progress), message: error.message } };
  let writeProblem: string | null = null;
  try {
    await f.writeStatus(next);
  } catch (e) {
    writeProblem = (e as Error).message;
  }
  await f.appendLog(error.message, state === 'failed' ? 'error' : 'info').catch(() => undefined);
  return { status: next, writeProblem };
}

/** The state message of a run the app's closing caught before its worker started. */
const NOT_STARTED = 'interrupted: the app closed before the run started; resume starts it';

export interface RunnerEvents {
  /** Every event of the running job, with its run id. */
  event?(runId: string, ev: JobEvent): void;
  /** A run's state changed (started, paused, done, failed…). */
  state?(status: RunStatus): void;
  /** The job finished and exported a model (the registry should rescan). */
  exported?(runId: string, modelId: string): void;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
}

export interface JobRunnerOptions {
  userModelsDir?: string;
  /** The recordings database, for datasets built from sessions. */
  db?: () => DbClient | null;
  /** How long stop() waits for the job to pause at a step before ending its thread (default 20 s). */
  stopTimeoutMs?: number;
  events?: RunnerEvents;
}

interface Active {
  runId: string;
  run: TrainRun;
  done: Promise<void>;
  backend: string | null;
  /** The worker has reported the job over (done, paused, cancelled, failed) and is exiting. */
  ending: boolean;
  /** stop() ended the thread (a step outlasted its wait) and marks the run itself. */
  cutOff: boolean;
}

export class JobRunner {
  private active: Active | null = null;
  /**
   * How runs of this runner stopped when their status.json could not take it (a full disk): the
   * file still reads 'running' with this process's id, which nothing would ever correct while the
   * app runs. overview() and resume read these instead.
   */
  private readonly unrecorded = new Map<string, RunStatus>();
  private readonly queue: string[] = [];
  private stopped = false;
  /** A queued run is being prepared (sessions read) before its worker starts. */
  private starting = false;

  constructor(
    readonly store: RunStore,
    private readonly opts: JobRunnerOptions = {},
  ) {}

  /** Marks runs a dead process left 'running' as interrupted. Call once at start-up. */
  async recover(): Promise<string[]> {
    const ids = await this.store.markInterrupted();
    if (ids.length) this.opts.events?.log?.('info', `training: ${plural(ids.length, 'run')} left running or queued by a process that ended without stopping ${ids.length === 1 ? 'it' : 'them'} (the app, or heartmind train) now ${ids.length === 1 ? 'reads' : 'read'} interrupted (${ids.join(', ')}); resume ${ids.length === 1 ? 'it' : 'them'} from the Training view or with heartmind train --resume`);
    return ids;
  }

  get activeRunId(): string | null {
    return this.active?.runId ?? null;
  }

  get backend(): string | null {
    return this.active?.backend ?? null;
  }

  queued(): string[] {
    return [...this.queue];
  }

  /** The stop of a run whose status.json could not be written (see `unrecorded`), or null. */
  unrecordedStatus(runId: string): RunStatus | null {
    return this.unrecorded.get(runId) ?? null;
  }

  /** Creates a run and starts it (or queues it behind the running one). */
  async start(spec: JobSpec): Promise<RunStatus> {
    const folder = await this.store.create(spec);
    this.queue.push(folder.id);
    await this.pump();
    return folder.readStatus();
  }

  /** Resumes a paused, interrupted or failed run from its last checkpoint (not one that failed on its input or settings: resumeRefusal). */
  async resume(runId: string): Promise<RunStatus> {
    const f = this.store.folder(runId);
    let s = this.unrecorded.get(runId) ?? (await f.readStatus());
    const a = this.active;
    if (a?.runId === runId) {
      // Paused a moment ago: the view shows 'paused' as soon as the worker says so, while the worker
      // is still exiting. Wait for it rather than ignore the click.
      if (!a.ending) return s;
      await a.done;
      s = this.unrecorded.get(runId) ?? (await f.readStatus());
    }
    if (this.active?.runId === runId || this.queue.includes(runId)) return s;
    if (s.state === 'done') throw new TrainError(TrainErrorCode.BadConfig, `run ${runId} is finished; start a new run to train again`);
    if (s.state === 'running') throw new TrainError(TrainErrorCode.BadConfig, `run ${runId} is running`);
    // Failed on its input or settings: a resume would fail again the same way (the view offers no Resume there).
    const refusal = resumeRefusal(s);
    if (refusal) throw new TrainError(TrainErrorCode.BadConfig, `run ${runId}: ${refusal}`);
    await f.writeStatus({ ...s, state: 'queued', error: null, updatedAt: Date.now() / 1000 });
    this.unrecorded.delete(runId);
    this.queue.push(runId);
    await this.pump();
    return f.readStatus();
  }

  /** Pauses the running job at its next step (it writes a checkpoint first), or unqueues a queued one. */
  async pause(runId: string): Promise<void> {
    if (this.active?.runId === runId) {
      this.active.run.request('pause');
      return;
    }
    await this.unqueue(runId, 'paused', 'paused before it started');
  }

  /** Cancels the running job at its next step (checkpoints already written stay), or unqueues one. */
  async cancel(runId: string): Promise<void> {
    if (this.active?.runId === runId) {
      this.active.run.request('cancel');
      return;
    }
    await this.unqueue(runId, 'cancelled', 'cancelled before it started');
  }

  private async unqueue(runId: string, state: 'paused' | 'cancelled', message: string): Promise<void> {
    const i = this.queue.indexOf(runId);
    if (i < 0) {
      // A run the command line trains (the view follows it live) is that process's to stop.
      const status = await this.store.folder(runId).readStatus().catch(() => null);
      const pid = status && runningElsewhere(status);
      if (pid) {
        throw new TrainError(TrainErrorCode.BadConfig, `run ${runId} is trained by another process (${pid}, e.g. heartmind train on the command line): Ctrl+C there pauses it with a checkpoint, kill -TERM ${pid} stops it; heartmind train --resume ${runId}, or Resume here, continues it`);
      }
      throw new TrainError(TrainErrorCode.NotFound, `run ${runId} is neither running nor queued`);
    }
    this.queue.splice(i, 1);
    const f = this.store.folder(runId);
    const s = await f.readStatus();
    const next: RunStatus = { ...s, state, updatedAt: Date.now() / 1000, progress: { ...s.progress, message } };
    await f.writeStatus(next);
    this.opts.events?.state?.(next);
  }

  /** Waits for the running job (tests). */
  async idle(): Promise<void> {
    while (this.active || this.starting || (this.queue.length && !this.stopped)) await (this.active?.done ?? new Promise((r) => setTimeout(r, 20)));
  }

  /**
   * Stops the running job at its next step with a checkpoint (app shutdown); it resumes next time.
   * A step that outlasts the wait is cut off: the run is marked interrupted, as a run the app's exit
   * kills is, and resumes from its last checkpoint (its thread's exit is not a failure).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    // Runs waiting their turn would read 'queued' until the next start-up's recover().
    for (const id of this.queue.splice(0)) this.markNotStarted(id);
    const a = this.active;
    if (!a) return;
    a.run.request('pause');
    const timeout = new Promise<void>((r) => setTimeout(r, this.opts.stopTimeoutMs ?? 20_000).unref());
    await Promise.race([a.done, timeout]);
    if (this.active !== a) return;
    a.cutOff = true;
    await a.run.terminate();
    this.store.folder(a.runId).markStoppedSync('interrupted: the app closed during a step; resume continues from the last checkpoint');
  }

  private async pump(): Promise<void> {
    if (this.active || this.stopped || this.starting) return;
    const runId = this.queue.shift();
    if (!runId) return;
    this.starting = true;
    try {
      await this.launch(runId);
    } finally {
      this.starting = false;
    }
  }

  private async launch(runId: string): Promise<void> {
    const f = this.store.folder(runId);
    let sessions: SessionFeed[] = [];
    try {
      const spec = await f.readConfig();
      const ids = sessionIdsOf([spec.dataset, spec.corpora.eeg, spec.corpora.ecg]);
      if (ids.length) {
        const db = this.opts.db?.();
        if (!db) throw new TrainError(TrainErrorCode.NotFound, 'the dataset uses recorded sessions but the recordings database is not open');
        sessions = [...(await readJobSessions(db, spec)).values()];
      }
    } catch (e) {
      // The app closing meanwhile (the core closes the database after stopping the runner) is not the run's failure.
      if (this.stopped) this.markNotStarted(runId);
      else await this.fail(runId, e as Error);
      setTimeout(() => void this.pump(), 0);
      return;
    }
    // stop() came while the sessions were read: a worker started now would train on through the shutdown.
    if (this.stopped) {
      this.markNotStarted(runId);
      return;
    }
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const run = new TrainRun(
      { storeRoot: this.store.root, runId, userModelsDir: this.opts.userModelsDir, sessions },
      {
        event: (ev) => {
          this.opts.events?.event?.(runId, ev);
          if (ev.type === 'status') this.opts.events?.state?.(ev.status);
        },
        backend: (name) => {
          active.backend = name;
          this.opts.events?.log?.('info', `training run ${runId} on jax-js ${name}`);
        },
      },
    );
    sessions = [];
    const active: Active = { runId, run, done, backend: null, ending: false, cutOff: false };
    this.active = active;
    void run.end.then(async (end) => {
      active.ending = true;
      // Whatever recording the end meets (a folder that refuses writes), the runner moves on: the
      // run is no longer active and the next queued one starts.
      try {
        if (end.kind === 'done') {
          if (end.summary.exportedAs) this.opts.events?.exported?.(runId, end.summary.exportedAs);
        } else if (end.kind === 'stopped') await this.stopped_(runId, end.error, end.progress);
        else if (!this.stopped) await this.fail(runId, end.error);
        else if (!active.cutOff) this.diedWhileStopping(runId, end.error);
        // else stop() ended the thread and marks the run
        await run.terminate();
      } catch (e) {
        this.opts.events?.log?.('error', `training run ${runId}: ${(e as Error).message}`);
      } finally {
        if (this.active === active) this.active = null;
      }
      // The run's last status was pushed while its worker was still the active job: push it again
      // now that it is not, so a view that reads the runner on a status push sees it idle.
      const last = this.unrecorded.get(runId) ?? (await f.readStatus().catch(() => null));
      if (last) this.opts.events?.state?.(last);
      resolveDone();
      await this.pump();
    });
    this.opts.events?.log?.('info', `training run ${runId} started`);
  }

  /** A run the app's closing caught before its worker started: interrupted, and Resume starts it. */
  private markNotStarted(runId: string): void {
    try {
      this.store.folder(runId).markStoppedSync(NOT_STARTED);
    } catch (e) {
      this.opts.events?.log?.('warn', `training run ${runId}: ${NOT_STARTED}, but its status could not be written (${(e as Error).message})`);
    }
  }

  /**
   * The thread died on its own while the app was closing (stop() waits for it to pause): the run is
   * marked interrupted here, as stop() marks one it cuts off, rather than left 'running' until the
   * next start-up's recover(). Interrupted, not failed: what ended it may be the shutdown, and it
   * resumes from its last checkpoint either way; the reason goes into its log. Synchronous, as the
   * process may exit as soon as stop() returns.
   */
  private diedWhileStopping(runId: string, err: Error): void {
    const message = `interrupted: the training worker stopped while the app was closing (${err.message}); resume continues from the last checkpoint`;
    let marked = false;
    try {
      marked = this.store.folder(runId).markStoppedSync(message);
    } catch (e) {
      this.opts.events?.log?.('error', `training run ${runId}: ${message}, and its status could not be written (${(e as Error).message})`);
      return;
    }
    if (marked) this.opts.events?.log?.('warn', `training run ${runId} ${message}`);
  }

  /** A job that stopped: paused and cancelled are states, anything else a failure. */
  private async stopped_(runId: string, error: { code: string; message: string }, progress?: RunProgress | null): Promise<void> {
    const rec = await recordJobStop(this.store.folder(runId), error, progress);
    if (!rec) return;
    const next = rec.status;
    if (rec.writeProblem) this.unrecorded.set(runId, next);
    this.opts.events?.state?.(next);
    this.opts.events?.log?.(next.state === 'failed' ? 'error' : 'info', `training run ${runId} ${next.state}: ${error.message}`);
    if (rec.writeProblem) this.opts.events?.log?.('warn', `training run ${runId}: its status could not be recorded (${rec.writeProblem}); until the app restarts it reads ${next.state} here`);
  }

  private async fail(runId: string, err: Error): Promise<void> {
    await this.stopped_(runId, { code: err instanceof TrainError ? err.code : 'error', message: err.message });
  }
}
