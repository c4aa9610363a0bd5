// Follows the runs another process trains (a `heartmind train` started on the command line beside
// the app, writing into the same runs folder): their status.json, metrics.jsonl and log.txt change
// on disk, and the Training view gets the same status / progress / metric / log pushes it gets for
// the app's own job. Without this a CLI run showed a snapshot, frozen until the list was re-read.
//
// fs.watch (inotify on Linux: reliable on a local disk, nothing to do while nothing changes) on the
// runs root (folders appearing and going) and on each run folder, not recursive: checkpoints/,
// plots/ and artifacts/ need no watch. Changes of one run are coalesced (one read per COALESCE_MS
// however fast the job writes). A CLI run killed without a word (SIGKILL) writes nothing more:
// while such a run reads 'running', its pid is checked every LIVENESS_MS, and a dead one is marked
// 'interrupted' as the runs list would mark it.
import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunStatus } from '../../shared/train/job.types';
import type { MetricRecord, RunProgress } from '../../shared/train/train.types';
import { parseLogLine, parseMetricLine, processGone, RUN_FILES, RUN_ID_RE, type RunStore } from './run-store';

export interface RunWatchEvents {
  status(status: RunStatus): void;
  progress(runId: string, progress: RunProgress): void;
  metric(runId: string, record: MetricRecord): void;
  log(runId: string, level: 'info' | 'warn' | 'error', message: string): void;
}

export interface RunWatchOptions {
  /** Runs this process trains (queued or active in its runner): their pushes come from the runner. */
  isOwn(id: string): boolean;
  coalesceMs?: number;
  livenessMs?: number;
}

const COALESCE_MS = 250;
const LIVENESS_MS = 5000;
const WATCHED = new Set<string>([RUN_FILES.status, RUN_FILES.metrics, RUN_FILES.log]);

interface Followed {
  watcher: FSWatcher | null;
  /** status.json as last read (a push only when its text changes). */
  statusText: string;
  status: RunStatus | null;
  /** Bytes of metrics.jsonl and log.txt already read (pushed, or there when the watch began). */
  metricsAt: number;
  logAt: number;
  timer: ReturnType<typeof setTimeout> | null;
  busy: Promise<void>;
}

export class RunWatcher {
  private readonly runs = new Map<string, Followed>();
  private root: FSWatcher | null = null;
  private scanTimer: ReturnType<typeof setTimeout> | null = null;
  private liveness: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private readonly coalesceMs: number;
  private readonly livenessMs: number;

  constructor(
    private readonly store: RunStore,
    private readonly events: RunWatchEvents,
    private readonly opts: RunWatchOptions,
  ) {
    this.coalesceMs = opts.coalesceMs ?? COALESCE_MS;
    this.livenessMs = opts.livenessMs ?? LIVENESS_MS;
  }

  /** Starts watching; what the runs folder holds now is the baseline (nothing is pushed for it). */
  async start(): Promise<void> {
    try {
      mkdirSync(this.store.root, { recursive: true });
      this.root = watch(this.store.root, () => this.scheduleScan());
    } catch {
      // A data folder that cannot hold a runs folder (a file in its place, a read-only disk): there is
      // no CLI run to follow, and training says why itself when a run is started. Following is an
      // extra: it must not take the Training area down with it.
      return;
    }
    this.root.on('error', () => undefined); // the runs root removed: nothing left to follow
    await this.scan(true);
  }

  close(): void {
    this.closed = true;
    this.root?.close();
    this.root = null;
    if (this.scanTimer) clearTimeout(this.scanTimer);
    if (this.liveness) clearInterval(this.liveness);
    this.liveness = null;
    for (const f of this.runs.values()) this.unfollow(f);
    this.runs.clear();
  }

  private scheduleScan(): void {
    if (this.closed || this.scanTimer) return;
    this.scanTimer = setTimeout(() => {
      this.scanTimer = null;
      void this.scan(false);
    }, this.coalesceMs);
  }

  /** Follows new run folders and drops removed ones. */
  private async scan(initial: boolean): Promise<void> {
    const names = await readdir(this.store.root, { withFileTypes: true }).then(
      (d) => d.filter((e) => e.isDirectory() && RUN_ID_RE.test(e.name)).map((e) => e.name),
      () => [] as string[],
    );
    if (this.closed) return;
    const present = new Set(names);
    for (const [id, f] of this.runs) {
      if (present.has(id)) continue;
      this.unfollow(f);
      this.runs.delete(id);
    }
    for (const id of names) {
      if (this.runs.has(id)) continue;
      const f: Followed = { watcher: null, statusText: '', status: null, metricsAt: 0, logAt: 0, timer: null, busy: Promise.resolve() };
      this.runs.set(id, f);
      const dir = this.store.folder(id).dir;
      try {
        f.watcher = watch(dir, (_event, name) => {
          if (name && WATCHED.has(String(name))) this.schedule(id);
        });
        f.watcher.on('error', () => undefined);
      } catch {
        // removed between readdir and watch: the next scan drops it
        continue;
      }
      if (initial) {
        // The baseline: what is there already is in the list and in each run's record.
        f.statusText = await readFile(join(dir, RUN_FILES.status), 'utf8').catch(() => '');
        f.status = parseStatus(f.statusText);
        f.metricsAt = await sizeOf(join(dir, RUN_FILES.metrics));
        f.logAt = await sizeOf(join(dir, RUN_FILES.log));
      } else {
        this.schedule(id); // a run that appeared: its status and all its lines are news
      }
    }
    this.checkLiveness();
  }

  private unfollow(f: Followed): void {
    f.watcher?.close();
    if (f.timer) clearTimeout(f.timer);
    f.timer = null;
  }

  private schedule(id: string): void {
    const f = this.runs.get(id);
    if (this.closed || !f || f.timer) return;
    f.timer = setTimeout(() => {
      f.timer = null;
      f.busy = f.busy.then(() => this.flush(id, f)).catch(() => undefined);
    }, this.coalesceMs);
  }

  /** Reads what changed in one run and pushes it: new metric and log lines, then progress and status. */
  private async flush(id: string, f: Followed): Promise<void> {
    if (this.closed || this.runs.get(id) !== f) return;
    const dir = this.store.folder(id).dir;
    const statusText = await readFile(join(dir, RUN_FILES.status), 'utf8').catch(() => null);
    const status = statusText === null ? null : parseStatus(statusText);
    const own = this.opts.isOwn(id) || status?.pid === process.pid;
    const metrics = await readNew(join(dir, RUN_FILES.metrics), f.metricsAt);
    const log = await readNew(join(dir, RUN_FILES.log), f.logAt);
    if (this.closed) return;
    f.metricsAt = metrics.at;
    f.logAt = log.at;
    if (!own) {
      for (const line of metrics.lines) {
        const record = parseMetricLine(line);
        if (record) this.events.metric(id, record);
      }
      for (const line of log.lines) {
        const { level, message } = parseLogLine(line);
        this.events.log(id, level, message);
      }
    }
    // status.json is replaced by rename, never half-written; unreadable = not there yet (a folder being made).
    if (statusText === null || !status || statusText === f.statusText) return;
    const before = f.status;
    f.statusText = statusText;
    f.status = status;
    if (own) return;
    if (JSON.stringify(before?.progress) !== JSON.stringify(status.progress)) this.events.progress(id, status.progress);
    if (!before || before.state !== status.state || JSON.stringify({ ...before, progress: null, updatedAt: 0 }) !== JSON.stringify({ ...status, progress: null, updatedAt: 0 })) {
      this.events.status({ ...status, id });
    }
    this.checkLiveness();
  }

  /** Polls pids only while a run of another process reads 'running' (none: no timer). */
  private checkLiveness(): void {
    if (this.closed) return;
    const foreignRunning = [...this.runs.entries()].some(([id, f]) => f.status?.state === 'running' && f.status.pid !== process.pid && !this.opts.isOwn(id));
    if (foreignRunning && !this.liveness) {
      this.liveness = setInterval(() => void this.markDead(), this.livenessMs);
      this.liveness.unref();
    } else if (!foreignRunning && this.liveness) {
      clearInterval(this.liveness);
      this.liveness = null;
    }
  }

  private async markDead(): Promise<void> {
    for (const [id, f] of this.runs) {
      if (!f.status || this.opts.isOwn(id) || !processGone(f.status)) continue;
      // Its write of status.json comes back through the watch as a status push.
      await this.store.markGone(id).catch(() => null);
    }
  }
}

function parseStatus(text: string): RunStatus | null {
  try {
    return JSON.parse(text) as RunStatus;
  } catch {
    return null;
  }
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then((st) => st.size, () => 0);
}

/** Whole lines appended to a file since byte `at` (a torn last line waits for its newline). */
async function readNew(path: string, at: number): Promise<{ lines: string[]; at: number }> {
  const h = await open(path, 'r').catch(() => null);
  if (!h) return { lines: [], at };
  try {
    const size = (await h.stat()).size;
    if (size < at) return { lines: [], at: size }; // replaced by a shorter file: start over from its end
    if (size === at) return { lines: [], at };
    const buf = Buffer.alloc(size - at);
    const { bytesRead } = await h.read(buf, 0, buf.length, at);
    const end = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (end < 0) return { lines: [], at };
    const text = buf.subarray(0, end).toString('utf8');
    return { lines: text.split('\n').filter((l) => l.trim()), at: at + end + 1 };
  } finally {
    await h.close();
  }
}
