// Signals to a `heartmind pretrain` / `train --resume` child process while its job computes: the job
// runs in a worker thread, so the process answers at once. Here the pretraining writes no checkpoint
// until its end (--checkpoint-every 1000) and so never turns an event loop: a handler on the thread
// that computes (as it was) ran only when the phase ended, about 100 s later. Ctrl+C pauses at the
// next step with a checkpoint; `train --resume` continues from it; SIGTERM mid-step ends the process
// within a moment, the run marked interrupted, its checkpoint intact and the resume command printed.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RunStore } from '../../../src/main/train/run-store';
import { decodeCheckpoint } from '../../../src/shared/train/checkpoint';

const DATA = resolve('..', 'shared', 'data');
const ECG = join(DATA, 'wfdb-ludb', '1.hea');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Promptness is judged in steps, not seconds: on a loaded 2-core box one step takes 5 s or more
 * (a pause 5.9 s after Ctrl+C, at the very next step, failed a fixed 5-s bound), while the fault
 * these tests guard against (a handler that ran only when the phase ended) runs on to step 200.
 * The exit's deadline is relative to the run's own step time, measured under the same load.
 */
const exitDeadlineMs = (dir: string) => 10_000 + 3 * Math.max(0, ...stepRecords(dir).slice(1).map((r) => r.ms)); // slice(1): the first step compiles

/** Waits for the process to end, failing with its output after `ms`. */
async function exited(child: Child, what: string, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new assert.AssertionError({ message: `${what}: still running ${ms} ms later:\n${child.output()}` })), ms)));
  try {
    return await Promise.race([child.exit, late]);
  } finally {
    clearTimeout(timer);
  }
}

interface Child {
  proc: ChildProcess;
  output(): string;
  /** The exit code, once the process has ended and its output is all read ('close', not 'exit'). */
  exit: Promise<number | null>;
}

function cli(args: string[], t: { after(fn: () => unknown): void }): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (b) => (out += b));
  proc.stderr!.on('data', (b) => (out += b));
  t.after(() => proc.kill('SIGKILL'));
  const exit = new Promise<number | null>((r) => proc.once('close', (code) => r(code)));
  return { proc, output: () => out, exit };
}

/** The run's pretraining step records so far (the worker appends each synchronously as the step ends). */
function stepRecords(dir: string): { step: number; ms: number }[] {
  const path = join(dir, 'metrics.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((l) => {
      try {
        const r = JSON.parse(l) as { kind?: string; step?: number; ms?: number };
        return r.kind === 'step' && typeof r.step === 'number' ? [{ step: r.step, ms: r.ms ?? 0 }] : [];
      } catch {
        return [];
      }
    });
}
const steps = (dir: string): number[] => stepRecords(dir).map((r) => r.step);

async function until<T>(what: string, get: () => T | null | undefined | false, child: Child, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (child.proc.exitCode !== null) assert.fail(`${what}: the process ended first (code ${child.proc.exitCode}):\n${child.output()}`);
    if (Date.now() > end) assert.fail(`${what}: not within ${ms} ms:\n${child.output()}`);
    await sleep(100);
  }
}

const checkpoints = (dir: string) => (existsSync(join(dir, 'checkpoints')) ? readdirSync(join(dir, 'checkpoints')).sort() : []);

test('Ctrl+C pauses at the next step with a checkpoint, --resume continues from it, SIGTERM mid-phase exits at once as interrupted', { skip: !existsSync(ECG) && 'needs ../shared/data', timeout: 300_000 }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'hm-cli-signals-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const store = new RunStore(join(root, 'runs'));

  const first = cli(['pretrain', '--modality', 'ecg', '--file', ECG, '--layers', '1', '--epochs', '200', '--batch', '4', '--checkpoint-every', '1000', '--out', store.root], t);
  const runDir = await until('a run folder', () => existsSync(store.root) && readdirSync(store.root).map((n) => join(store.root, n))[0], first);
  await until('two steps', () => steps(runDir).length >= 2, first);
  const deadline = exitDeadlineMs(runDir);
  // The CLI prints this once it has asked the thread to pause: every step recorded by the time the
  // line arrives had ended before or while the request was made, so the pause comes at most one later.
  let askedAt: number | undefined;
  first.proc.stdout!.on('data', () => {
    if (askedAt === undefined && /pausing at the next step/.test(first.output())) askedAt = steps(runDir).at(-1);
  });
  first.proc.kill('SIGINT');
  assert.equal(await exited(first, 'after Ctrl+C', deadline), 130, first.output());
  assert.ok(askedAt !== undefined, `the pause was acknowledged:\n${first.output()}`);
  const id = runDir.split(/[\\/]/).pop()!;
  assert.match(first.output(), new RegExp(`paused: pretrain-ecg paused at step \\d+ of 200\\. Resume with: heartmind train --resume ${id} --out `));
  const f = store.folder(id);
  assert.equal((await f.readStatus()).state, 'paused');
  const pausedAt = steps(runDir).at(-1)!;
  assert.ok(pausedAt <= askedAt + 1, `paused at step ${pausedAt}, the pause asked when step ${askedAt} had been recorded: not the next step:\n${first.output()}`);
  assert.deepEqual(checkpoints(runDir), [`pretrain-ecg-step-${String(pausedAt).padStart(7, '0')}.hmck`], 'the pause wrote a checkpoint at the last step taken');

  const second = cli(['train', '--resume', id, '--out', store.root], t);
  await until('resumed from the checkpoint', () => new RegExp(`pretrain-ecg: resuming from step ${pausedAt} of 200`).test(readFileSync(f.path('log.txt'), 'utf8')), second);
  await until('two steps after the resume', () => steps(runDir).filter((s) => s > pausedAt).length >= 2, second);
  const termDeadline = exitDeadlineMs(runDir);
  const termAt = steps(runDir).at(-1)!;
  second.proc.kill('SIGTERM');
  assert.equal(await exited(second, 'after SIGTERM', termDeadline), 143, second.output());
  // The thread is ended mid-step: at most the step in flight when the signal came is recorded.
  const lastStep = steps(runDir).at(-1)!;
  assert.ok(lastStep <= termAt + 1, `step ${lastStep} recorded after SIGTERM at step ${termAt}: the thread ran on:\n${second.output()}`);
  assert.match(second.output(), new RegExp(`interrupted \\(SIGTERM\\); resume continues from the last checkpoint\\. Resume with: heartmind train --resume ${id} --out `));
  const s = await f.readStatus();
  assert.equal(s.state, 'interrupted');
  assert.ok(s.completedPhases.includes('datasets') && !s.completedPhases.includes('pretrain-ecg'), `datasets done, pretrain-ecg not: ${JSON.stringify(s.completedPhases)}`);
  assert.match(readFileSync(f.path('log.txt'), 'utf8'), /interrupted \(SIGTERM\)/);
  // The checkpoint the resume started from is whole: the next resume starts there again.
  const [ck] = checkpoints(runDir).filter((n) => n.endsWith('.hmck'));
  const meta = decodeCheckpoint<{ step: number }>(new Uint8Array(readFileSync(join(runDir, 'checkpoints', ck))), ck).meta;
  assert.equal(meta.step, pausedAt);
});

/** The words a POSIX shell makes of `line`, as a user pasting it gets them. */
const shellWords = (line: string) => execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' }).split('\0').slice(0, -1);

test('its output closed (`heartmind pretrain … | head -1`): no stack trace, the run marked interrupted, exit 141; the resume command and the recorded one paste back as typed', { skip: !existsSync(ECG) && 'needs ../shared/data', timeout: 120_000 }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'hm-cli-epipe-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  // A runs folder with a space and a name with a quote: the lines to paste were the words joined by spaces.
  const store = new RunStore(join(root, "lab's runs"));
  const args = ['pretrain', '--modality', 'ecg', '--file', ECG, '--layers', '1', '--epochs', '200', '--batch', '4', '--name', 'LUDB lead I', '--out', store.root];
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => proc.kill('SIGKILL'));
  let err = '';
  proc.stderr.on('data', (b) => (err += b));
  // The reader takes the first line and goes away, as head -1 does.
  proc.stdout.once('data', () => proc.stdout.destroy());
  const code = await new Promise<number | null>((r) => proc.once('exit', r));
  assert.equal(code, 141, err);
  assert.doesNotMatch(err, /EPIPE|at .*\.ts:\d+/, 'no stack trace');
  const [id] = readdirSync(store.root);
  assert.match(err, new RegExp(`^interrupted \\(its output was closed\\); resume continues from the last checkpoint\\. Resume with: heartmind train --resume ${id} --out `));
  assert.equal((await store.folder(id).readStatus()).state, 'interrupted');
  assert.deepEqual(shellWords(/Resume with: (.*)/.exec(err)![1]), ['heartmind', 'train', '--resume', id, '--out', store.root], 'the resume command, pasted');
  const config = JSON.parse(readFileSync(store.folder(id).path('config.json'), 'utf8')) as { recipe: { command: string } };
  assert.deepEqual(shellWords(config.recipe.command), ['heartmind', ...args], "config.json's command, pasted");
});
