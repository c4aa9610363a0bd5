// A run started on the command line beside the app is followed live: a real `heartmind pretrain`
// child process writes into the runs folder the core's training area watches, and the area pushes
// its progress, metrics and log while it runs and its final status when it ends — the pushes the
// Training view handles for the app's own job. Nothing is pushed while nothing changes, nor for a
// run of this process, nor after close; a CLI run killed with SIGKILL is pushed as 'interrupted'.
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TrainingArea } from '../../../src/main/train/training.core';
import { RUN_FILES, RunStore } from '../../../src/main/train/run-store';
import { RunWatcher } from '../../../src/main/train/run-watch';
import { logLine, parseLogLine } from '../../../src/main/train/run-store';
import type { CoreContext } from '../../../src/main/core/core.types';
import type { PushMessage } from '../../../src/shared/ipc-schema';
import type { TrainingPush } from '../../../src/shared/ipc/training.schema';
import type { RunStatus } from '../../../src/shared/train/job.types';
import { quickRecipe } from '../../../src/shared/train/recipes';
import { waitFor } from '../../fixtures/recording-sink';

const DATA = resolve('..', 'shared', 'data');
const ECG = join(DATA, 'wfdb-ludb', '1.hea');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function scratchArea(t: { after(fn: () => unknown): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'hm-run-watch-'));
  const pushes: { at: number; m: TrainingPush }[] = [];
  const ctx = { push: (m: PushMessage) => pushes.push({ at: Date.now(), m: m as TrainingPush }), log: () => undefined, onStop: () => undefined } as unknown as CoreContext;
  const area = new TrainingArea(ctx, { runsDir: join(dir, 'runs'), userModelsDir: join(dir, 'models'), recordingsDir: DATA, dbPath: join(dir, 'recordings.sqlite') });
  t.after(async () => {
    await area.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, area, pushes };
}

test('a CLI run beside the app: progress, metrics and log pushed while it runs, the final status when it ends; then quiet', { skip: !existsSync(ECG) && 'needs ../shared/data' }, async (t) => {
  const { area, pushes } = scratchArea(t);
  // A run already there when the app starts is the baseline, and one of this process is its runner's.
  const old = await area.store.create({ ...quickRecipe(DATA), name: 'earlier run' });
  await area.start();
  await sleep(600);
  assert.equal(pushes.length, 0, 'nothing pushed while nothing changes');
  await old.writeStatus({ ...(await old.readStatus()), state: 'running', pid: process.pid });
  await old.appendLog("a line of this process's own job");
  await sleep(600);
  assert.equal(pushes.length, 0, 'a run of this process: its runner pushes, not the watch');

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'pretrain', '--modality', 'ecg', '--file', ECG, '--layers', '1', '--epochs', '40', '--batch', '4', '--checkpoint-every', '100', '--out', area.store.root], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (b) => (output += b));
  child.stderr.on('data', (b) => (output += b));
  t.after(() => child.kill('SIGKILL'));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const exitedAt = Date.now();
  assert.equal(code, 0, output);
  // The watch sees the run's last writes when it next looks (a coalesced change, or its poll): wait
  // for the final status and the full bar rather than a fixed while (a loaded machine missed 1.2 s).
  const lastOf = <T extends TrainingPush['type']>(type: T) => pushes.filter((p) => p.m.type === type).at(-1)?.m as Extract<TrainingPush, { type: T }> | undefined;
  await waitFor('the final status and the full bar pushed', () => lastOf('training:status')?.status.state === 'done' && lastOf('training:progress')?.progress.fraction === 1, 30_000);

  const runId = pushes.find((p) => p.m.type === 'training:status')?.m;
  assert.ok(runId && runId.type === 'training:status', 'the new run is pushed');
  const id = runId.status.id;
  assert.notEqual(id, old.id);
  // A line the run logs after its final status is seen at the watch's next look.
  const logLines = () => readFileSync(area.store.folder(id).path(RUN_FILES.log), 'utf8').split('\n').filter(Boolean).length;
  await waitFor('every log line pushed', () => pushes.filter((p) => p.m.type === 'training:log' && p.m.runId === id).length === logLines(), 30_000);
  const mine = pushes.filter((p) => ('runId' in p.m ? p.m.runId : p.m.status.id) === id);
  assert.equal(mine.length, pushes.length, 'only the CLI run is pushed');
  const during = (type: TrainingPush['type']) => mine.filter((p) => p.m.type === type && p.at < exitedAt);

  const progress = during('training:progress').map((p) => (p.m as Extract<TrainingPush, { type: 'training:progress' }>).progress);
  assert.ok(progress.some((p) => p.phase === 'pretrain-ecg' && p.fraction > 0 && p.fraction < 1), `progress while it ran: ${JSON.stringify(progress)}`);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i].fraction >= progress[i - 1].fraction, 'the bar never goes back');
  const running = during('training:status').map((p) => (p.m as Extract<TrainingPush, { type: 'training:status' }>).status);
  assert.ok(running.some((s) => s.state === 'running' && s.pid === child.pid), 'its running state, with the CLI pid');
  const steps = during('training:metric').map((p) => (p.m as Extract<TrainingPush, { type: 'training:metric' }>).record);
  assert.ok(steps.length >= 1 && steps.every((r) => r.phase === 'pretrain-ecg'), `step records while it ran: ${JSON.stringify(steps)}`);
  assert.ok(during('training:log').some((p) => /pretrain-ecg/.test((p.m as Extract<TrainingPush, { type: 'training:log' }>).message)), 'a training:log names pretrain-ecg');

  const metrics = mine.filter((p) => p.m.type === 'training:metric').map((p) => (p.m as Extract<TrainingPush, { type: 'training:metric' }>).record);
  assert.deepEqual(metrics, await area.store.folder(id).readMetrics(), 'every metric line pushed once, in order');
  const statuses = mine.filter((p) => p.m.type === 'training:status').map((p) => (p.m as Extract<TrainingPush, { type: 'training:status' }>).status);
  assert.equal(statuses.at(-1)!.state, 'done', 'the final status');
  const last = mine.filter((p) => p.m.type === 'training:progress').at(-1)!.m as Extract<TrainingPush, { type: 'training:progress' }>;
  assert.equal(last.progress.fraction, 1);

  const n = pushes.length;
  await sleep(800);
  assert.equal(pushes.length, n, 'quiet once it ended');
  await area.close();
  const f = area.store.folder(id);
  await f.writeStatus({ ...(await f.readStatus()), state: 'failed' });
  await sleep(600);
  assert.equal(pushes.length, n, 'nothing after close');
});

test('a CLI run killed with SIGKILL (it writes nothing more) is pushed as interrupted', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hm-run-watch-'));
  const store = new RunStore(join(dir, 'runs'));
  const pushed: RunStatus[] = [];
  const watcher = new RunWatcher(store, { status: (s) => pushed.push(s), progress: () => undefined, metric: () => undefined, log: () => undefined }, { isOwn: () => false, coalesceMs: 50, livenessMs: 100 });
  // A real process stands for the `heartmind train` whose pid status.json records.
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  t.after(() => {
    child.kill('SIGKILL');
    watcher.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await watcher.start();
  const f = await store.create({ ...quickRecipe(DATA), name: 'cli run' });
  await f.writeStatus({ ...(await f.readStatus()), state: 'running', pid: child.pid });
  await waitFor('running pushed', () => pushed.at(-1)?.state === 'running', 10_000);
  child.kill('SIGKILL');
  await exited;
  await waitFor('interrupted pushed', () => pushed.at(-1)?.state === 'interrupted', 10_000);
  assert.match(pushed.at(-1)!.progress.message, new RegExp(`its process ${child.pid} ended without stopping it`));
});

test('log lines: timestamp dropped, WARN and ERROR give the level; logLine writes what parseLogLine reads', () => {
  assert.deepEqual(parseLogLine('2026-11-26T16:08:47.123Z starting x'), { level: 'info', message: 'starting x' });
  assert.deepEqual(parseLogLine('2026-11-26T16:08:47.123Z WARN low'), { level: 'warn', message: 'low' });
  assert.deepEqual(parseLogLine('2026-11-26T16:08:47.123Z ERROR NaN loss'), { level: 'error', message: 'NaN loss' });
  // What the run folder writes reads back as written.
  const at = new Date('2026-11-26T16:08:47.123Z');
  assert.equal(logLine('low', 'warn', at), '2026-11-26T16:08:47.123Z WARN low\n');
  for (const level of ['info', 'warn', 'error'] as const) assert.deepEqual(parseLogLine(logLine('a message', level).trimEnd()), { level, message: 'a message' });
});
