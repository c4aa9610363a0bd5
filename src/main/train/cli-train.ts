// The shared part of `heartmind train | pretrain | evaluate`: dataset flags, the progress display
// (a redrawn bar on a terminal, plain lines otherwise), running a job in this process with Ctrl+C
// as "pause" (the run resumes with --resume), and the final report.
import { resolve } from 'node:path';
import { CliUsageError, type CliIo } from '../core/cli-command';
import { defaultDataDir } from '../core/data-dir';
import { TASK_MENTAL_ARITHMETIC, TASKS_AFFECT } from '../../shared/model/config';
import type { TaskSpec } from '../../shared/model/model.types';
import type { LabelSource, WindowingOptions } from '../../shared/datasets/windows.types';
import type { DatasetSpec, RunResultSummary, SourceSpec } from '../../shared/train/job.types';
import type { RunProgress } from '../../shared/train/train.types';
import { formatMeanSd } from '../../shared/eval';
import { selectTrainingBackend } from './backend';
import { runJob } from './job';
import { RunStore, type RunFolder } from './run-store';
import { DatabaseSession } from './cli-db';

export function runsRoot(out: string | undefined): string {
  return resolve(out ?? process.env.HEARTMIND_RUNS_DIR ?? resolve(defaultDataDir(), 'runs'));
}

export const DATASET_FLAGS = {
  eegmat: { type: 'string' },
  file: { type: 'string', multiple: true },
  folder: { type: 'string', multiple: true },
  session: { type: 'string', multiple: true },
  dreamer: { type: 'string' },
  dimension: { type: 'string' },
  threshold: { type: 'string' },
  task: { type: 'string' },
  labels: { type: 'string' },
  window: { type: 'string' },
  hop: { type: 'string' },
  mains: { type: 'string' },
  montage: { type: 'string' },
  subject: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

export const DATASET_USAGE = [
  'dataset (one or more sources):',
  '  --eegmat DIR            PhysioNet EEGMAT files (SubjectNN_1/2.edf), labelled rest / arithmetic',
  '  --file PATH             a recording (EDF/BDF, WFDB .hea, XDF); repeat for more',
  '  --folder DIR            every recording in a folder',
  '  --session ID            a recorded session of the app (repeat); --data-dir DIR picks the app data folder',
  '  --dreamer FILE          your DREAMER.mat, with --dimension valence|arousal|dominance [--threshold 4]',
  '  --subject NAME          subject of --file/--folder recordings (default: the file\'s patient code or name)',
  '  --task NAME:NEG,POS     the binary task (default: arithmetic:rest,arithmetic for EEGMAT)',
  '  --labels SPEC           file | annotations:TEXT=CLASS,... | self-report:DIMENSION:THRESHOLD | none',
  '  --window S --hop S      window length and hop in seconds (default 5 and 5)',
  '  --mains 50|60           notch frequency (default 50)',
  '  --montage auto|device|A,B,C   EEG channels and order (default auto: the 19 10-20 channels when present)',
].join('\n');

function num(v: string | undefined, name: string, dflt: number, check: (x: number) => boolean = (x) => x > 0): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || !check(n)) throw new CliUsageError(`--${name} must be a valid number, got '${v}'`);
  return n;
}

export function parseTask(v: string | undefined, dflt: TaskSpec): TaskSpec {
  if (!v) return dflt;
  const m = /^([a-z][a-z0-9_]*):([^,]+),([^,]+)$/.exec(v);
  if (!m) throw new CliUsageError(`--task must look like NAME:NEGATIVE,POSITIVE (e.g. arousal:low,high), got '${v}'`);
  return { name: m[1], kind: 'binary', classes: [m[2], m[3]] };
}

export function parseLabels(v: string | undefined, dflt: LabelSource): LabelSource {
  if (!v) return dflt;
  if (v === 'file' || v === 'none') return { kind: v };
  if (v.startsWith('annotations:')) {
    const classes: Record<string, string> = {};
    for (const pair of v.slice(12).split(',')) {
      const [k, c] = pair.split('=');
      if (!k || !c) throw new CliUsageError(`--labels annotations: expects TEXT=CLASS pairs, got '${pair}'`);
      classes[k] = c;
    }
    return { kind: 'annotations', classes };
  }
  const sr = /^self-report:(valence|arousal|dominance):([0-9.]+)$/.exec(v);
  if (sr) return { kind: 'self-report', dimension: sr[1] as 'valence', threshold: Number(sr[2]) };
  throw new CliUsageError(`--labels must be file, none, annotations:TEXT=CLASS,… or self-report:DIMENSION:THRESHOLD, got '${v}'`);
}

/** A DatasetSpec from the dataset flags, or null when none was given. */
export function datasetFromFlags(v: Record<string, string | string[] | boolean | undefined>, opts: { modalities?: ('eeg' | 'ecg')[]; unlabelled?: boolean } = {}): DatasetSpec | null {
  const sources: SourceSpec[] = [];
  const subject = v.subject as string | undefined;
  const mains = num(v.mains as string | undefined, 'mains', 50, (x) => x === 50 || x === 60);
  if (v.eegmat) sources.push({ kind: 'eegmat', dir: resolve(v.eegmat as string) });
  for (const p of (v.file as string[] | undefined) ?? []) sources.push({ kind: 'file', path: resolve(p), ...(subject ? { subject } : {}) });
  for (const d of (v.folder as string[] | undefined) ?? []) sources.push({ kind: 'folder', dir: resolve(d), ...(subject ? { subject } : {}) });
  for (const s of (v.session as string[] | undefined) ?? []) {
    const id = Number(s);
    if (!Number.isInteger(id) || id < 1) throw new CliUsageError(`--session must be a session id, got '${s}'`);
    sources.push({ kind: 'session', id });
  }
  let task: TaskSpec | null = null;
  let labels: LabelSource = { kind: 'none' };
  if (v.dreamer) {
    const dim = (v.dimension as string | undefined) ?? 'arousal';
    if (!['valence', 'arousal', 'dominance'].includes(dim)) throw new CliUsageError(`--dimension must be valence, arousal or dominance, got '${dim}'`);
    sources.push({ kind: 'dreamer', path: resolve(v.dreamer as string), dimension: dim as 'arousal', threshold: num(v.threshold as string | undefined, 'threshold', 4) });
    task = TASKS_AFFECT.find((t) => t.name === dim)!;
    labels = { kind: 'file' };
  }
  if (sources.length === 0) return null;
  if (!opts.unlabelled) {
    if (v.eegmat && !task) {
      task = TASK_MENTAL_ARITHMETIC;
      labels = { kind: 'file' };
    }
    task = v.task ? parseTask(v.task as string, TASK_MENTAL_ARITHMETIC) : task;
    labels = parseLabels(v.labels as string | undefined, labels);
    if (!task) throw new CliUsageError('a labelled dataset needs --task NAME:NEG,POS and --labels');
  }
  const montageFlag = v.montage as string | undefined;
  const windowing: WindowingOptions = {
    windowSec: num(v.window as string | undefined, 'window', 5, (x) => Number.isInteger(x) && x >= 1),
    hopSec: num(v.hop as string | undefined, 'hop', num(v.window as string | undefined, 'window', 5)),
    eegMontage: !montageFlag || montageFlag === 'auto' ? 'auto' : montageFlag === 'device' ? 'device' : montageFlag.split(','),
    ecgMontage: 'device',
    mainsHz: mains,
    modalities: opts.modalities ?? ['eeg', 'ecg'],
    require: opts.unlabelled ? 'any' : 'all',
  };
  const name = sources.map((s) => (s.kind === 'eegmat' ? 'EEGMAT' : s.kind === 'session' ? `session ${s.id}` : s.kind === 'dreamer' ? `DREAMER ${s.dimension}` : s.kind === 'file' ? s.path.split(/[\\/]/).pop() : s.dir.split(/[\\/]/).pop())).join(' + ');
  return { name, sources, task: opts.unlabelled ? null : task, labels: opts.unlabelled ? { kind: 'none' } : labels, windowing };
}

function fmtDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

/** The progress display: a redrawn bar on a TTY, a plain line every 10 s (and on each new phase) otherwise. */
export class ProgressDisplay {
  private lastLine = 0;
  private lastPhase = '';
  private drawn = false;
  constructor(
    private readonly io: CliIo,
    private readonly tty = !!process.stdout.isTTY,
  ) {}

  update(p: RunProgress): void {
    const pct = `${(p.fraction * 100).toFixed(1).padStart(5)}%`;
    const eta = p.etaSec === null ? '' : ` ETA ${fmtDuration(p.etaSec)}`;
    if (this.tty) {
      const width = 28;
      const fill = Math.round(p.fraction * width);
      const cols = process.stdout.columns ?? 100;
      const line = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${pct}${eta}  ${p.message}`;
      process.stdout.write(`\r${line.slice(0, cols - 1).padEnd(cols - 1)}`);
      this.drawn = true;
      return;
    }
    const now = Date.now();
    if (p.phase !== this.lastPhase || now - this.lastLine > 10_000) {
      this.lastLine = now;
      this.lastPhase = p.phase;
      this.io.out(`${pct}${eta}  ${p.message}`);
    }
  }

  /** A log line: printed above the bar. */
  line(text: string): void {
    if (this.tty && this.drawn) process.stdout.write(`\r${' '.repeat((process.stdout.columns ?? 100) - 1)}\r`);
    this.io.out(text);
  }

  done(): void {
    if (this.tty && this.drawn) process.stdout.write('\n');
    this.drawn = false;
  }
}

/** Runs (or resumes) a run folder's job here, with Ctrl+C pausing at the next step. */
export async function runInProcess(folder: RunFolder, io: CliIo, opts: { userModelsDir?: string; verbose?: boolean } = {}): Promise<number> {
  const display = new ProgressDisplay(io);
  let action: 'run' | 'pause' | 'cancel' = 'run';
  const onSigint = () => {
    if (action === 'pause') {
      action = 'cancel';
      display.line('cancelling (checkpoints already written stay)…');
    } else {
      action = 'pause';
      display.line('pausing at the next step (a checkpoint is written); Ctrl+C again cancels…');
    }
  };
  process.on('SIGINT', onSigint);
  const db = new DatabaseSession();
  try {
    const backend = await selectTrainingBackend();
    const spec = await folder.readConfig();
    const sessions = await db.feedsFor(spec);
    display.line(`run ${folder.id} in ${folder.dir}, on jax-js ${backend}`);
    const summary = await runJob({
      folder,
      sessions,
      control: () => action,
      userModelsDir: opts.userModelsDir,
      emit: (ev) => {
        if (ev.type === 'progress') display.update(ev.progress);
        else if (ev.type === 'log' && (opts.verbose || !/^ {2}|epoch \d+:/.test(ev.message) || ev.level === 'warn')) display.line(`${ev.level === 'warn' ? 'warning: ' : ''}${ev.message}`);
      },
    });
    display.done();
    printSummary(io, summary, folder);
    return 0;
  } catch (e) {
    display.done();
    const err = e as Error & { code?: string };
    const s = await folder.readStatus().catch(() => null);
    const state = err.code === 'paused' ? 'paused' : err.code === 'cancelled' ? 'cancelled' : 'failed';
    if (s) await folder.writeStatus({ ...s, state, error: state === 'failed' ? { code: err.code ?? 'error', message: err.message } : null, updatedAt: Date.now() / 1000, progress: { ...s.progress, message: err.message } });
    await folder.appendLog(`${new Date().toISOString()} ${state === 'failed' ? 'ERROR ' : ''}${err.message}`).catch(() => undefined);
    if (state === 'paused') {
      io.out(`paused: ${err.message}. Resume with: heartmind train --resume ${folder.id}${folder.dir.includes(runsRoot(undefined)) ? '' : ` --out ${resolve(folder.dir, '..')}`}`);
      return 130;
    }
    io.err(`${state}: ${err.message}`);
    return state === 'cancelled' ? 130 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    await db.close();
  }
}

export function printSummary(io: CliIo, s: RunResultSummary, folder: RunFolder): void {
  if (s.arms.length) {
    io.out(`\n${s.task}: ${s.protocol}`);
    io.out(`${'arm'.padEnd(20)} ${'AUROC'.padEnd(16)} ${'AUC-PR'.padEnd(7)} ${'bal.acc'.padEnd(7)} ${'F1'.padEnd(7)} κ`);
    const f = (v: number | null) => (v === null ? '–' : v.toFixed(3)).padEnd(7);
    for (const a of s.arms) io.out(`${a.arm.padEnd(20)} ${(a.auroc === null ? '–' : formatMeanSd({ mean: a.auroc, sd: a.aurocSd ?? NaN, n: 2 }).replace(/ \(n=\d+\)/, '')).padEnd(16)} ${f(a.aucPr)} ${f(a.balancedAccuracy)} ${f(a.f1)} ${a.kappa === null ? '–' : a.kappa.toFixed(3)}`);
  }
  if (s.exportedAs) io.out(`\nexported as model '${s.exportedAs}'`);
  io.out(`\nrun folder: ${folder.dir} (config.json, metrics.jsonl, log.txt, plots/, checkpoints/, artifacts/)`);
}

export { RunStore };
