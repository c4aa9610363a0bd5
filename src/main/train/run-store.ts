// Run folders: one per training job, under <dataDir>/runs/<runId>/ (or a folder the CLI is given).
//
//   config.json        the job spec, as started (never rewritten)
//   status.json        state, phase, progress, completed phases, error: rewritten atomically
//   metrics.jsonl      one JSON line per step / epoch record (append-only)
//   log.txt            the run's log (append-only)
//   checkpoints/<phase>-step-000120.hmck   the last few checkpoints per phase (atomic writes)
//   artifacts/         finished products: encoders, embeddings, the evaluation report, the final model
//   plots/*.svg        loss curves, ROC curves, confusion matrices
//
// Every write of a whole file goes to a temporary name and is renamed into place, so a crash leaves
// either the old file or the new one, never half of one. A run whose config or status cannot be read
// is listed with the problem instead of breaking the list; its files are left untouched.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { readFileBytes } from '../core/read-bytes';
import { CHECKPOINT_EXT, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../../shared/train/checkpoint';
import type { JobSpec, RunResultSummary, RunStatus, RunSummary } from '../../shared/train/job.types';
import { TrainError, TrainErrorCode, type MetricRecord } from '../../shared/train/train.types';
import { latestMetrics } from '../../shared/train/metric-records';

export const RUN_FILES = {
  config: 'config.json',
  status: 'status.json',
  metrics: 'metrics.jsonl',
  log: 'log.txt',
  checkpoints: 'checkpoints',
  artifacts: 'artifacts',
  plots: 'plots',
} as const;

/** Checkpoints kept per phase (older ones are deleted after a newer one is safely written). */
export const KEEP_CHECKPOINTS = 3;
export const RUN_ID_RE = /^[a-z0-9][a-z0-9._-]{0,80}$/;

/**
 * Why a write failed, in words, with the errno for a search ('the disk is full (ENOSPC)'): Node's own
 * message ('ENOSPC: no space left on device, write') names neither the file nor what to do.
 */
export function ioProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EROFS: 'it is on a read-only file system',
    EACCES: 'no permission to write there',
    EPERM: 'no permission to write there',
    ENOTDIR: 'a folder on its path is a file',
    EEXIST: 'a file stands where a folder should be',
    EISDIR: 'a folder stands where the file should be',
    ENOENT: 'its folder is gone',
    EIO: 'the disk reported an input/output error',
  };
  return code && why[code] ? `${why[code]} (${code})` : (e as Error).message;
}

/** A failed write of `path` as the run's TrainError (code Io). */
export function writeError(path: string, e: unknown): TrainError {
  return e instanceof TrainError ? e : new TrainError(TrainErrorCode.Io, `could not write ${path}: ${ioProblem(e)}`);
}

let tmpCounter = 0;
/** Writes a file atomically: a temporary sibling, then rename. */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${++tmpCounter}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(path, e);
  }
}

/** Appends to a run file; a failure is the run's TrainError naming the file (writeError). */
async function append(path: string, text: string): Promise<void> {
  try {
    await appendFile(path, text);
  } catch (e) {
    throw writeError(path, e);
  }
}

function appendSync(path: string, text: string): void {
  try {
    appendFileSync(path, text);
  } catch (e) {
    throw writeError(path, e);
  }
}

/**
 * mkdir -p, failing with the real reason: Node 20's recursive mkdir reports a read-only file system
 * as ENOENT ('its folder is gone'), so on ENOENT a plain mkdir of the first folder missing on the
 * path (below the last one there) is asked why.
 */
async function mkdirs(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    let first = path;
    while (dirname(first) !== first && !existsSync(dirname(first))) first = dirname(first);
    const real = await mkdir(first).then(
      () => e,
      (e2: unknown) => e2,
    );
    throw real;
  }
}

/** Makes a run's subfolder; a failure is the run's TrainError naming it (writeError). */
async function ensureDir(path: string): Promise<void> {
  try {
    await mkdirs(path);
  } catch (e) {
    throw writeError(path, e);
  }
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** A new run id: date, time and a slug of the name ('2026-11-25-1804-eegmat-default'). */
export function newRunId(name: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40).replace(/^-|-$/g, '') || 'run';
  return `${stamp}-${slug}`;
}

export type LogLevel = 'info' | 'warn' | 'error';

/** A log.txt line: '2026-…Z message', 'WARN ' or 'ERROR ' before the message of those levels. */
export function logLine(message: string, level: LogLevel = 'info', at = new Date()): string {
  return `${at.toISOString()} ${level === 'info' ? '' : `${level.toUpperCase()} `}${message}\n`;
}

/** A log.txt line (logLine) as level and message. */
export function parseLogLine(line: string): { level: LogLevel; message: string } {
  const rest = line.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /, '');
  const m = /^(WARN|ERROR) (.*)$/s.exec(rest);
  return m ? { level: m[1] === 'WARN' ? 'warn' : 'error', message: m[2] } : { level: 'info', message: rest };
}

/** A metrics.jsonl line as its record; null for a blank or damaged one (a crash mid-append). */
export function parseMetricLine(line: string): MetricRecord | null {
  if (!line.trim()) return null;
  try {
    return JSON.parse(line) as MetricRecord;
  } catch {
    return null;
  }
}

export class RunFolder {
  constructor(
    readonly id: string,
    readonly dir: string,
  ) {}

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  async readConfig(): Promise<JobSpec> {
    try {
      return await readJson<JobSpec>(this.path(RUN_FILES.config));
    } catch (e) {
      throw new TrainError(TrainErrorCode.CorruptRun, `run ${this.id}: config.json cannot be read (${(e as Error).message}); the run folder is damaged`);
    }
  }

  async readStatus(): Promise<RunStatus> {
    try {
      return await readJson<RunStatus>(this.path(RUN_FILES.status));
    } catch (e) {
      throw new TrainError(TrainErrorCode.CorruptRun, `run ${this.id}: status.json cannot be read (${(e as Error).message}); the run folder is damaged`);
    }
  }

  async writeStatus(s: RunStatus): Promise<void> {
    await writeAtomic(this.path(RUN_FILES.status), JSON.stringify(s, null, 2) + '\n');
  }

  /**
   * Marks a 'running' (or still 'queued') run interrupted — or cancelled, when the user asked for
   * that — synchronously: for a signal handler that exits right after (an awaited write would never
   * finish). Returns whether it did; a run that already ended keeps its state.
   */
  markStoppedSync(message: string, state: 'interrupted' | 'cancelled' = 'interrupted'): boolean {
    let s: RunStatus;
    try {
      s = JSON.parse(readFileSync(this.path(RUN_FILES.status), 'utf8')) as RunStatus;
    } catch {
      return false;
    }
    if (s.state !== 'running' && s.state !== 'queued') return false;
    const next: RunStatus = { ...s, state, updatedAt: Date.now() / 1000, progress: { ...s.progress, message } };
    this.writeStatusSync(next);
    this.appendLogSync(message);
    return true;
  }

  /** writeStatus, synchronously (a signal handler; a job that computes without turning the event loop). */
  writeStatusSync(s: RunStatus): void {
    const tmp = `${this.path(RUN_FILES.status)}.tmp-${process.pid}-sync`;
    writeFileSync(tmp, JSON.stringify(s, null, 2) + '\n');
    renameSync(tmp, this.path(RUN_FILES.status));
  }

  appendMetricSync(r: MetricRecord): void {
    appendSync(this.path(RUN_FILES.metrics), JSON.stringify(r) + '\n');
  }

  appendLogSync(message: string, level: LogLevel = 'info'): void {
    appendSync(this.path(RUN_FILES.log), logLine(message, level));
  }

  /**
   * Notes in the run that its final model was exported as `modelId` (the runs table's model column;
   * the view then shows the export instead of offering it again) and logs where to. Returns the new
   * status. Throws when status.json will not take the note (nothing is recorded); a log line that
   * will not go in after it is returned as `logProblem` (the export is recorded: the status says so,
   * and a throw then read as if it were not).
   */
  async recordExport(modelId: string, dir: string): Promise<{ status: RunStatus; logProblem: string | null }> {
    const s = await this.readStatus();
    const summary: RunResultSummary = { ...(s.summary ?? { task: null, protocol: null, arms: [], pretrainLoss: {} }), exportedAs: modelId };
    const next: RunStatus = { ...s, summary, updatedAt: Date.now() / 1000 };
    await this.writeStatus(next);
    try {
      await this.appendLog(`exported as model '${modelId}' to ${dir}`);
    } catch (e) {
      return { status: next, logProblem: e instanceof Error ? e.message : String(e) };
    }
    return { status: next, logProblem: null };
  }

  async appendMetric(r: MetricRecord): Promise<void> {
    await append(this.path(RUN_FILES.metrics), JSON.stringify(r) + '\n');
  }

  async appendLog(message: string, level: LogLevel = 'info'): Promise<void> {
    await append(this.path(RUN_FILES.log), logLine(message, level));
  }

  /** Every metric record, each step and epoch once (its latest: a resumed run appends what it redoes); a damaged line (a crash mid-append) is skipped. */
  async readMetrics(): Promise<MetricRecord[]> {
    let text = '';
    try {
      text = await readFile(this.path(RUN_FILES.metrics), 'utf8');
    } catch {
      return [];
    }
    return latestMetrics(text.split('\n').flatMap((line) => parseMetricLine(line) ?? []));
  }

  async readLog(maxBytes = 256 * 1024): Promise<string> {
    try {
      const text = await readFile(this.path(RUN_FILES.log), 'utf8');
      return text.length > maxBytes ? text.slice(text.length - maxBytes) : text;
    } catch {
      return '';
    }
  }

  /**
   * Removes the half-written files (writeAtomic's `*.tmp-PID-N`) another process left when it was
   * stopped mid-write (SIGTERM, a crash): one process trains a run at a time, so they are nobody's.
   * Returns their names.
   */
  async removeStaleTemp(): Promise<string[]> {
    const removed: string[] = [];
    for (const sub of ['', RUN_FILES.checkpoints, RUN_FILES.artifacts]) {
      const names = await readdir(this.path(sub)).catch(() => [] as string[]);
      for (const n of names) {
        const m = /\.tmp-(\d+)-/.exec(n);
        if (!m || Number(m[1]) === process.pid) continue;
        await rm(this.path(sub, n), { force: true });
        removed.push(sub ? `${sub}/${n}` : n);
      }
    }
    return removed;
  }

  /** Writes a checkpoint of a phase atomically and prunes the phase's older ones. */
  async writeCheckpoint(phase: string, step: number, ck: Checkpoint<unknown>): Promise<string> {
    const dir = this.path(RUN_FILES.checkpoints);
    await ensureDir(dir);
    const name = `${phase}-step-${String(step).padStart(7, '0')}${CHECKPOINT_EXT}`;
    await writeAtomic(join(dir, name), encodeCheckpoint(ck));
    const mine = (await this.checkpointNames(phase)).slice(0, -KEEP_CHECKPOINTS);
    for (const old of mine) await rm(join(dir, old), { force: true });
    return name;
  }

  private async checkpointNames(phase: string): Promise<string[]> {
    try {
      return (await readdir(this.path(RUN_FILES.checkpoints))).filter((n) => n.startsWith(`${phase}-step-`) && n.endsWith(CHECKPOINT_EXT)).sort();
    } catch {
      return [];
    }
  }

  /**
   * The newest readable checkpoint of a phase, or null. A damaged one (cut short by a crash) is
   * reported through `onSkip` and the one before it is used.
   */
  async latestCheckpoint<M>(phase: string, onSkip?: (message: string) => void): Promise<Checkpoint<M> | null> {
    const names = await this.checkpointNames(phase);
    for (let i = names.length - 1; i >= 0; i--) {
      try {
        return decodeCheckpoint<M>(await readFileBytes(join(this.path(RUN_FILES.checkpoints), names[i])), names[i]);
      } catch (e) {
        onSkip?.((e as Error).message);
      }
    }
    return null;
  }

  async writeArtifact(name: string, data: string | Uint8Array): Promise<void> {
    await ensureDir(this.path(RUN_FILES.artifacts));
    await writeAtomic(this.path(RUN_FILES.artifacts, name), data);
  }

  async readArtifact(name: string): Promise<Uint8Array | null> {
    try {
      return await readFileBytes(this.path(RUN_FILES.artifacts, name));
    } catch {
      return null;
    }
  }

  async readArtifactCheckpoint<M>(name: string): Promise<Checkpoint<M> | null> {
    const b = await this.readArtifact(name);
    return b ? decodeCheckpoint<M>(b, `${this.id}/${name}`) : null;
  }

  async writePlot(name: string, svg: string): Promise<void> {
    await ensureDir(this.path(RUN_FILES.plots));
    await writeAtomic(this.path(RUN_FILES.plots, name), svg);
  }
}

export class RunStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  folder(id: string): RunFolder {
    if (!RUN_ID_RE.test(id)) throw new TrainError(TrainErrorCode.NotFound, `'${id}' is not a run id`);
    return new RunFolder(id, join(this.root, id));
  }

  /** Creates a run folder with its config and a queued status. */
  async create(spec: JobSpec, id = newRunId(spec.name)): Promise<RunFolder> {
    let runId = id;
    for (let k = 2; existsSync(join(this.root, runId)); k++) runId = `${id}-${k}`;
    const f = this.folder(runId);
    try {
      await mkdirs(f.dir);
    } catch (e) {
      // The runs folder given (--out, the Training view's) is a file, or not writable: said of that folder, not as a bare errno.
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'it, or a folder above it, is a file' : ioProblem(e);
      throw new TrainError(TrainErrorCode.Io, `cannot make a run folder in the runs folder ${this.root}: ${why}`);
    }
    try {
      await writeAtomic(f.path(RUN_FILES.config), JSON.stringify(spec, null, 2) + '\n');
      const now = Date.now() / 1000;
      await f.writeStatus({ id: runId, name: spec.name, kind: spec.kind, state: 'queued', createdAt: now, updatedAt: now, progress: { phase: 'queued', fraction: 0, done: 0, total: 0, etaSec: null, message: 'waiting to start' }, completedPhases: [], error: null, summary: null });
    } catch (e) {
      // A full disk took the folder but not its config: left there, the app would list it as damaged.
      await rm(f.dir, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    }
    return f;
  }

  async exists(id: string): Promise<boolean> {
    return RUN_ID_RE.test(id) && existsSync(join(this.root, id, RUN_FILES.config));
  }

  /** A folder the list shows, damaged or not (a folder without its config.json is listed as damaged, so its record must open). */
  async listed(id: string): Promise<boolean> {
    return RUN_ID_RE.test(id) && (await stat(join(this.root, id)).then((s) => s.isDirectory(), () => false));
  }

  /** Every run, newest first. A damaged folder is listed with its problem. */
  async list(): Promise<RunSummary[]> {
    let names: string[] = [];
    try {
      names = (await readdir(this.root, { withFileTypes: true })).filter((d) => d.isDirectory() && RUN_ID_RE.test(d.name)).map((d) => d.name);
    } catch {
      return [];
    }
    const out: RunSummary[] = [];
    for (const name of names) {
      const f = this.folder(name);
      try {
        const status = await f.readStatus();
        const spec = await f.readConfig();
        out.push({ ...status, id: name, problem: null, dataset: spec.dataset?.name ?? null, plannedArms: plannedArms(spec) });
      } catch (e) {
        const mtime = await stat(f.dir).then((s) => s.mtimeMs / 1000).catch(() => 0);
        out.push({
          id: name,
          name,
          kind: 'recipe',
          state: 'failed',
          createdAt: mtime,
          updatedAt: mtime,
          progress: { phase: 'damaged', fraction: 0, done: 0, total: 0, etaSec: null, message: '' },
          completedPhases: [],
          error: null,
          summary: null,
          problem: (e as Error).message,
          dataset: null,
          plannedArms: [],
        });
      }
    }
    return out.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  }

  /**
   * Every run as list() reads it, with a 'running' run whose process is gone (a CLI run killed with
   * SIGKILL while the app is open) marked 'interrupted' first, so that it reads as resumable rather
   * than 'running' until the app restarts. Runs this process trains are left alone.
   */
  async listLive(): Promise<RunSummary[]> {
    const runs = await this.list();
    for (let i = 0; i < runs.length; i++) {
      const r = runs[i];
      if (r.problem || !processGone(r)) continue;
      const next = await this.markGone(r.id);
      if (next) runs[i] = { ...r, ...next };
    }
    return runs;
  }

  /**
   * Marks a run 'interrupted' when it reads 'running' and its process is gone (processGone);
   * returns the new status, or null when it was not so (read afresh: it may have changed).
   */
  async markGone(id: string): Promise<RunStatus | null> {
    const f = this.folder(id);
    const s = await f.readStatus();
    if (!processGone(s)) return null;
    const next = goneStatus(s);
    await f.writeStatus(next);
    return next;
  }

  /**
   * After a restart: runs left 'running' or 'queued' by a process that is gone become
   * 'interrupted' (resumable from their last checkpoint), saying why in goneStatus's words.
   * Returns their ids.
   */
  async markInterrupted(): Promise<string[]> {
    const ids: string[] = [];
    for (const r of await this.list()) {
      if (r.problem || (r.state !== 'running' && r.state !== 'queued')) continue;
      // A run another live process is training (a `heartmind train` beside the app) is not interrupted.
      if (runningElsewhere(r)) continue;
      const f = this.folder(r.id);
      await f.writeStatus(goneStatus(await f.readStatus()));
      ids.push(r.id);
    }
    return ids;
  }
}

/**
 * The arms a job's evaluation reports, named and ordered as crossValidate writes them: each model arm
 * as configured ('fused/pretrained'), then the baseline of each modality set they use ('baseline/fused').
 * Empty when it evaluates none (pretraining, a fit without evaluation) or its config is not a job's.
 */
export function plannedArms(spec: JobSpec): string[] {
  const arms = Array.isArray(spec.evaluation?.arms) ? spec.evaluation.arms : [];
  const sets = [...new Set(arms.map((a) => a.modalities))];
  return [...new Set(arms.map((a) => `${a.modalities}/${a.init}`)), ...sets.map((m) => `baseline/${m}`)];
}

/**
 * A run left 'running' or 'queued' by a process that is gone, marked interrupted with why. Only the app
 * queues runs; a running one's process may be the app or a `heartmind train` killed without a word
 * (SIGKILL, out of memory, a power cut), which a stop, a pause or a signal the CLI catches would
 * have recorded: the app said 'the app stopped' of a CLI run killed while it was closed.
 */
function goneStatus(s: RunStatus): RunStatus {
  const message =
    s.state === 'queued'
      ? 'interrupted (the app stopped while it waited its turn); resume starts it'
      : `interrupted (${s.pid ? `its process ${s.pid}` : 'the process training it'} ended without stopping it: killed, crashed or out of memory); resume continues from the last checkpoint`;
  return { ...s, state: 'interrupted', updatedAt: Date.now() / 1000, progress: { ...s.progress, message } };
}

/**
 * A 'running' run whose recorded process — another one than this — no longer exists: it was
 * killed without a word (SIGKILL, out of memory, a power cut) and will never write its status again.
 */
export function processGone(s: RunStatus): boolean {
  return s.state === 'running' && !!s.pid && s.pid !== process.pid && runningElsewhere(s) === null;
}

/**
 * The pid of the other live process that is training this run (status 'running' with the pid of a
 * process that exists and is not this one), or null. Where the status records when its process
 * started (pidStart, Linux) a process of that pid that started at another time is another process:
 * after a reboot or a power cut the pid of a run's dead process is often some other program's, and
 * the run read 'running' for good, its Resume refused and its Pause naming `kill -TERM <pid>` of
 * that program. Elsewhere a reused pid still reads as live; the callers' messages name the pid.
 */
export function runningElsewhere(s: RunStatus): number | null {
  if (s.state !== 'running' || !s.pid || s.pid === process.pid) return null;
  try {
    process.kill(s.pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to another user; ESRCH: gone.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  if (s.pidStart !== undefined) {
    const started = processStartTicks(s.pid);
    if (started !== null && started !== s.pidStart) return null;
  }
  return s.pid;
}

/**
 * When process `pid` started, in clock ticks after boot (field 22 of /proc/PID/stat), or null
 * where there is no /proc (macOS, Windows) or the process is gone. With the pid, it names one
 * process: a pid reused later comes with a later start.
 */
export function processStartTicks(pid: number): number | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // 'PID (COMM) STATE PPID …': the command name may hold spaces and ')', so fields count from its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  return Number.isSafeInteger(ticks) ? ticks : null;
}
