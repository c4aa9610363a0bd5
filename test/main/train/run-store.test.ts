// A run's status names the process training it: a run a live `heartmind train` is training is
// neither marked interrupted by the app starting beside it nor resumed a second time, and a
// signal handler marks its own run interrupted in one synchronous write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliUsageError } from '../../../src/main/core/cli-command';
import { TrainError, type EpochRecord, type StepRecord } from '../../../src/shared/train/train.types';
import { lossCurveSvg } from '../../../src/shared/train/plots-svg';
import { newRunId, processStartTicks, RunStore, runningElsewhere } from '../../../src/main/train/run-store';
import { command as train } from '../../../src/main/train/train-command';
import { quickRecipe } from '../../../src/shared/train/recipes';
import type { RunStatus } from '../../../src/shared/train/job.types';
import { tempDir } from '../db/db-test-util';

/** A live process that is not this one, and the pid of one that has exited. */
async function pids(t: { after(fn: () => void): void }): Promise<{ live: number; dead: number }> {
  const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  t.after(() => live.kill());
  const gone = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => gone.on('exit', r));
  return { live: live.pid!, dead: gone.pid! };
}

test('runningElsewhere: a live other process, not this one, not one that exited, not a run that is not running', async (t) => {
  const { live, dead } = await pids(t);
  const s = { state: 'running' } as RunStatus;
  assert.equal(runningElsewhere({ ...s, pid: live }), live);
  assert.equal(runningElsewhere({ ...s, pid: dead }), null);
  assert.equal(runningElsewhere({ ...s, pid: process.pid }), null);
  assert.equal(runningElsewhere({ ...s }), null, 'an older status without pid');
  assert.equal(runningElsewhere({ ...s, state: 'paused', pid: live }), null);
});

test('a pid that now belongs to a process started at another time (a reboot, a power cut) is not the run\'s: the run is interrupted, not running for good', { skip: !existsSync('/proc/self/stat') && 'needs /proc (Linux)' }, async (t) => {
  const { live } = await pids(t);
  const started = processStartTicks(live);
  assert.ok(started !== null && started > 0, `/proc/${live}/stat gives the process's start (${started})`);
  assert.equal(processStartTicks(process.pid), processStartTicks(process.pid), 'the same process reads the same start');
  const s = { state: 'running', pid: live } as RunStatus;
  assert.equal(runningElsewhere({ ...s, pidStart: started! }), live, 'the process that wrote the status');
  assert.equal(runningElsewhere({ ...s, pidStart: started! - 1 }), null, 'the pid of another process, started later');
  const store = new RunStore(tempDir(t, 'hm-run-store-'));
  const rebooted = await store.create(quickRecipe('/data'), 'before-reboot');
  await rebooted.writeStatus({ ...(await rebooted.readStatus()), state: 'running', pid: live, pidStart: started! - 1 });
  assert.deepEqual(await store.markInterrupted(), ['before-reboot']);
  assert.match((await rebooted.readStatus()).progress.message, new RegExp(`^interrupted \\(its process ${live} ended without stopping it`));
});

test('the app starting beside a live CLI run leaves it running; a dead process\'s run becomes interrupted; --resume refuses the live one', async (t) => {
  const { live, dead } = await pids(t);
  const store = new RunStore(tempDir(t, 'hm-run-store-'));
  const cli = await store.create(quickRecipe('/data'), 'cli-run');
  const crashed = await store.create(quickRecipe('/data'), 'crashed-run');
  await cli.writeStatus({ ...(await cli.readStatus()), state: 'running', pid: live });
  await crashed.writeStatus({ ...(await crashed.readStatus()), state: 'running', pid: dead });
  assert.deepEqual(await store.markInterrupted(), ['crashed-run']);
  assert.equal((await cli.readStatus()).state, 'running');
  // Its process may have been a `heartmind train` killed while the app was closed: the reason names
  // the process, not 'the app stopped'.
  assert.equal((await crashed.readStatus()).progress.message, `interrupted (its process ${dead} ended without stopping it: killed, crashed or out of memory); resume continues from the last checkpoint`);
  await assert.rejects(train.run(['--resume', 'cli-run', '--out', store.root], { out: () => undefined, err: () => undefined }), (e: Error) => e instanceof CliUsageError && new RegExp(`^run 'cli-run' is running in process ${live}: Ctrl\\+C there pauses it`).test(e.message));
  // A finished run is refused too, as the Training view refuses it.
  await cli.writeStatus({ ...(await cli.readStatus()), state: 'done' });
  await assert.rejects(train.run(['--resume', 'cli-run', '--out', store.root], { out: () => undefined, err: () => undefined }), (e: Error) => e instanceof CliUsageError && /^run 'cli-run' is finished; start a new run to train again$/.test(e.message));
});

test("a run queued when the app stopped reads interrupted, said so; one left running says its process ended, as the open app's list says it", async (t) => {
  const { dead } = await pids(t);
  const store = new RunStore(tempDir(t, 'hm-run-store-'));
  const queued = await store.create(quickRecipe('/data'), 'queued-run');
  await queued.writeStatus({ ...(await queued.readStatus()), state: 'queued' });
  const old = await store.create(quickRecipe('/data'), 'old-run');
  // A status written before runs named their process.
  const { pid: _none, ...noPid } = { ...(await old.readStatus()), state: 'running' as const };
  await old.writeStatus(noPid);
  assert.deepEqual((await store.markInterrupted()).sort(), ['old-run', 'queued-run']);
  assert.equal((await queued.readStatus()).progress.message, 'interrupted (the app stopped while it waited its turn); resume starts it');
  assert.equal((await old.readStatus()).progress.message, 'interrupted (the process training it ended without stopping it: killed, crashed or out of memory); resume continues from the last checkpoint');
  // The open app's list (listLive) words a CLI run killed under it alike.
  const killed = await store.create(quickRecipe('/data'), 'killed-run');
  await killed.writeStatus({ ...(await killed.readStatus()), state: 'running', pid: dead });
  const listed = (await store.listLive()).find((r) => r.id === 'killed-run');
  assert.equal(listed?.state, 'interrupted');
  assert.equal(listed?.progress.message, (await killed.readStatus()).progress.message, 'the list shows what the status now holds');
  assert.match(listed?.progress.message ?? '', new RegExp(`^interrupted \\(its process ${dead} ended without stopping it`));
});

test('markStoppedSync: a running run becomes interrupted (or cancelled) with the reason in its status and log; a finished one is left alone', async (t) => {
  const store = new RunStore(tempDir(t, 'hm-run-store-'));
  const f = await store.create(quickRecipe('/data'), 'r');
  await f.writeStatus({ ...(await f.readStatus()), state: 'running', pid: process.pid });
  assert.equal(f.markStoppedSync('interrupted (SIGTERM); resume continues from the last checkpoint'), true);
  const s = await f.readStatus();
  assert.equal(s.state, 'interrupted');
  assert.equal(s.progress.message, 'interrupted (SIGTERM); resume continues from the last checkpoint');
  assert.match(readFileSync(f.path('log.txt'), 'utf8'), /interrupted \(SIGTERM\)/);
  await f.writeStatus({ ...s, state: 'running' });
  assert.equal(f.markStoppedSync('cancelled (Ctrl+C twice)', 'cancelled'), true);
  assert.equal((await f.readStatus()).state, 'cancelled');
  await f.writeStatus({ ...s, state: 'done' });
  assert.equal(f.markStoppedSync('x'), false);
  assert.equal((await f.readStatus()).state, 'done');
});

test('removeStaleTemp: the half-written files a stopped process left go; this process\'s own and the real files stay', async (t) => {
  const store = new RunStore(tempDir(t, 'hm-run-store-'));
  const f = await store.create(quickRecipe('/data'), 'r');
  mkdirSync(f.path('checkpoints'));
  for (const n of ['checkpoints/pretrain-eeg-step-0000005.hmck.tmp-999999-6', 'checkpoints/pretrain-eeg-step-0000010.hmck', `status.json.tmp-${process.pid}-1`, 'status.json.tmp-999999-sig']) writeFileSync(f.path(n), 'x');
  assert.deepEqual((await f.removeStaleTemp()).sort(), ['checkpoints/pretrain-eeg-step-0000005.hmck.tmp-999999-6', 'status.json.tmp-999999-sig']);
  assert.deepEqual(readdirSync(f.path('checkpoints')), ['pretrain-eeg-step-0000010.hmck']);
  assert.ok(existsSync(f.path(`status.json.tmp-${process.pid}-1`)), `this process's own status.json.tmp-${process.pid}-1 stays`);
});

test('create: a runs folder that is a file is said so, naming it (it was mkdir\'s bare ENOTDIR)', async (t) => {
  const dir = tempDir(t, 'hm-run-store-');
  const file = join(dir, 'notes.txt');
  writeFileSync(file, 'x');
  await assert.rejects(new RunStore(file).create(quickRecipe('/data'), 'r'), (e: Error) => e instanceof TrainError && e.message === `cannot make a run folder in the runs folder ${file}: it, or a folder above it, is a file`);
  await assert.rejects(new RunStore(join(file, 'runs')).create(quickRecipe('/data'), 'r'), /it, or a folder above it, is a file$/);
});

test('list: each run carries the arms its evaluation will report, from its config (the runs table heads them before any result)', async (t) => {
  const store = new RunStore(tempDir(t, 'hm-run-store-'));
  const quick = quickRecipe('/data');
  await store.create(quick, 'a-quick');
  await store.create({ ...quick, evaluation: { ...quick.evaluation!, arms: [{ modalities: 'eeg', init: 'random' }, { modalities: 'fused', init: 'random' }] } }, 'b-eeg-fused');
  await store.create({ ...quick, kind: 'pretrain', evaluation: null, finetune: null, dataset: null }, 'c-pretrain');
  mkdirSync(join(store.root, 'd-damaged'));
  const planned = Object.fromEntries((await store.list()).map((r) => [r.id, r.plannedArms]));
  // The quick run's real report lists exactly these arms in this order (test/e2e/training.test.ts).
  assert.deepEqual(planned['a-quick'], ['fused/pretrained', 'eeg/pretrained', 'ecg/pretrained', 'fused/random', 'baseline/fused', 'baseline/eeg', 'baseline/ecg']);
  assert.deepEqual(planned['b-eeg-fused'], ['eeg/random', 'fused/random', 'baseline/eeg', 'baseline/fused'], 'a baseline per modality set, in the order the arms use them');
  assert.deepEqual(planned['c-pretrain'], [], 'pretraining evaluates nothing');
  assert.deepEqual(planned['d-damaged'], [], 'no config to read');
});

test('readMetrics: the steps a resumed run redid (after its last checkpoint) are read once each, the loss plot drawn from them runs forward', async (t) => {
  const store = new RunStore(tempDir(t, 'hm-run-store-'));
  const f = await store.create(quickRecipe('/data'), 'resumed');
  const step = (n: number): StepRecord => ({ kind: 'step', phase: 'pretrain-eeg', step: n, total: 6, epoch: 1, loss: 2 / n, lr: 5e-4, gradNorm: 1, ms: 900 });
  // Steps 1–5 reached, checkpoint at 3, stopped by SIGTERM; resumed at 3: steps 4–6 appended again, then the epoch.
  for (const n of [1, 2, 3, 4, 5, 4, 5, 6]) await f.appendMetric(step(n));
  await f.appendMetric({ kind: 'epoch', phase: 'pretrain-eeg', epoch: 1, trainLoss: 0.9, validation: null });
  const metrics = await f.readMetrics();
  assert.deepEqual(metrics.map((m) => (m.kind === 'step' ? m.step : `e${m.epoch}`)), [1, 2, 3, 4, 5, 6, 'e1']);
  const svg = lossCurveSvg('pretrain-eeg', metrics.filter((m): m is StepRecord => m.kind === 'step'), metrics.filter((m): m is EpochRecord => m.kind === 'epoch'));
  const xs = [...(/<polyline[^>]*points="([^"]+)"/.exec(svg)?.[1] ?? '').matchAll(/([\d.]+),[\d.]+/g)].map((m) => Number(m[1]));
  assert.equal(xs.length, 6, `the step-loss line has 6 points: ${svg.slice(0, 300)}`);
  assert.ok(xs.every((x, i) => i === 0 || x > xs[i - 1]), `the line runs forward: ${xs.join(' ')}`);
});

test('newRunId: the name\'s slug, cut at 40 characters, never ends in a dash', () => {
  const now = new Date(2026, 10, 27, 11, 43, 46);
  assert.equal(newRunId('session 1 + session 2 + session 3 + session 4 fused', now), '2026-11-27-114346-session-1-session-2-session-3-session-4');
  assert.equal(newRunId('EEGMAT default', now), '2026-11-27-114346-eegmat-default');
  assert.equal(newRunId('  ++  ', now), '2026-11-27-114346-run');
});
