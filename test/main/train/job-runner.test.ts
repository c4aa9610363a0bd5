// The job runner: a job runs in its own worker thread (the TypeScript source under tsx), pushes
// progress, metrics and statuses, pauses at a step with a checkpoint, resumes to the end, and a
// second job waits in the queue; a run left 'running' by a dead process is marked interrupted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobRunner } from '../../../src/main/train/job-runner';
import { RUN_FILES, RunStore } from '../../../src/main/train/run-store';
import type { JobEvent } from '../../../src/main/train/job';
import type { RunStatus } from '../../../src/shared/train/job.types';
import { TrainError } from '../../../src/shared/train/train.types';
import type { DbClient } from '../../../src/main/db/db-client';
import { ecgPretrainSpec, LUDB_AND_MACE, NEED_LUDB } from './ecg-pretrain-spec';


describe('JobRunner (worker threads)', { skip: NEED_LUDB }, () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'hm-runner-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('runs off the main thread with live events; pause, resume, queue', async () => {
    const store = new RunStore(join(root, 'runs'));
    const events: { runId: string; ev: JobEvent }[] = [];
    const states: RunStatus[] = [];
    const logs: string[] = [];
    const runner = new JobRunner(store, { events: { event: (runId, ev) => events.push({ runId, ev }), state: (s) => states.push(s), log: (_l, m) => logs.push(m) } });
    const a = await runner.start(ecgPretrainSpec('first', 6, LUDB_AND_MACE));
    const b = await runner.start(ecgPretrainSpec('second', 2, LUDB_AND_MACE));
    assert.equal(runner.activeRunId, a.id);
    assert.deepEqual(runner.queued(), [b.id]);
    // Pause the first once it has taken a step.
    await new Promise<void>((res) => {
      const t = setInterval(() => {
        if (events.some((e) => e.runId === a.id && e.ev.type === 'metric')) {
          clearInterval(t);
          void runner.pause(a.id).then(res);
        }
      }, 20);
    });
    await runner.idle();
    const sa = await store.folder(a.id).readStatus();
    const sb = await store.folder(b.id).readStatus();
    assert.equal(sa.state, 'paused', sa.progress.message);
    assert.deepEqual(sa.completedPhases, ['datasets']);
    assert.equal(sb.state, 'done', 'the queued job ran after the first paused');
    assert.ok(logs.some((l) => /on jax-js wasm/.test(l)), 'the log names jax-js wasm');
    const stepsBefore = (await store.folder(a.id).readMetrics()).filter((m) => m.kind === 'step').length;
    assert.ok(stepsBefore >= 1 && stepsBefore < 6, `${stepsBefore} steps before, expected 1 to 5`);
    await runner.resume(a.id);
    await runner.idle();
    const done = await store.folder(a.id).readStatus();
    assert.equal(done.state, 'done');
    const steps = (await store.folder(a.id).readMetrics()).filter((m) => m.kind === 'step').map((m) => (m as { step: number }).step);
    assert.deepEqual(steps, [1, 2, 3, 4, 5, 6].slice(0, steps.length), 'steps continue where the pause left off');
    assert.equal(steps[steps.length - 1], 6);
    assert.ok(events.some((e) => e.ev.type === 'progress') && states.some((s) => s.id === a.id && s.state === 'done'), 'progress events were sent and the job ended done');
  });

  test('cancel stops a job; a run a dead process left running is marked interrupted', async () => {
    const store = new RunStore(join(root, 'runs-2'));
    // Each state push with the runner's active run at that moment: the Training view reads the runner on a push.
    const pushes: { state: string; active: string | null }[] = [];
    const runner: JobRunner = new JobRunner(store, { events: { state: (st) => pushes.push({ state: st.state, active: runner.activeRunId }) } });
    const s = await runner.start(ecgPretrainSpec('to cancel', 50, LUDB_AND_MACE));
    await runner.cancel(s.id);
    await runner.idle();
    assert.equal((await store.folder(s.id).readStatus()).state, 'cancelled');
    assert.deepEqual(pushes.at(-1), { state: 'cancelled', active: null }, 'the last push comes once the runner is idle (the view no longer says running)');

    // Resume clicked the moment the view shows 'paused', while the paused worker is still exiting: it resumes.
    let pausedRun = '';
    let resumed: Promise<RunStatus> | null = null;
    const quick: JobRunner = new JobRunner(store, {
      events: {
        event: (id, ev) => !resumed && ev.type === 'metric' && ev.record.kind === 'step' && void quick.pause(id),
        state: (st) => {
          if (st.state === 'paused' && !resumed) resumed = quick.resume((pausedRun = st.id));
        },
      },
    });
    const p = await quick.start(ecgPretrainSpec('paused and resumed at once', 3, LUDB_AND_MACE));
    await new Promise<void>((res) => {
      const t = setInterval(() => resumed && (clearInterval(t), res()), 20);
    });
    await resumed;
    await quick.idle();
    assert.equal(pausedRun, p.id);
    assert.equal((await store.folder(p.id).readStatus()).state, 'done');

    const f = await store.create(ecgPretrainSpec('crashed', 2, LUDB_AND_MACE), 'crashed');
    await f.writeStatus({ ...(await f.readStatus()), state: 'running' });
    assert.deepEqual(await new JobRunner(store).recover(), ['crashed']);
  });

  test('pause reaches a job that computes without turning its event loop (no checkpoint due) at its next step', async () => {
    const store = new RunStore(join(root, 'runs-3'));
    const steps: number[] = [];
    let last = 0;
    const event = (_id: string, ev: JobEvent) => {
      if (ev.type === 'metric' && ev.record.kind === 'step') steps.push(ev.record.step);
      if (ev.type === 'progress') last = ev.progress.fraction;
    };
    const runner: JobRunner = new JobRunner(store, { events: { event } });
    const spec = ecgPretrainSpec('long phase', 200, LUDB_AND_MACE);
    spec.pretrain.ecg!.checkpointEverySteps = 1000;
    const s = await runner.start(spec);
    await new Promise<void>((res) => {
      const t = setInterval(() => steps.length >= 2 && (clearInterval(t), res()), 20);
    });
    const asked = steps.length;
    await runner.pause(s.id);
    await runner.idle();
    const st = await store.folder(s.id).readStatus();
    assert.equal(st.state, 'paused', st.progress.message);
    // A request posted as a message was read only when the phase ended (its 40 epochs' steps).
    assert.ok(steps.at(-1)! <= asked + 3, `paused at step ${steps.at(-1)}, asked after step ${asked}`);
    assert.match(st.progress.message, new RegExp(`paused at step ${steps.at(-1)} of 40$`));
    // Its bar stays where the job was (status.json held the bar of the datasets phase, which ended before).
    assert.equal(st.progress.fraction, last);
    assert.ok(st.progress.phase === 'pretrain-ecg', st.progress.phase);
  });

  test('the app closing during a step that outlasts the wait: the run is interrupted (resumable), not failed', async () => {
    const store = new RunStore(join(root, 'runs-4'));
    let steps = 0;
    const runner = new JobRunner(store, { stopTimeoutMs: 1, events: { event: (_id, ev) => void (ev.type === 'metric' && ev.record.kind === 'step' && steps++) } });
    const spec = ecgPretrainSpec('cut off', 200, LUDB_AND_MACE);
    spec.pretrain.ecg!.checkpointEverySteps = 1000;
    const s = await runner.start(spec);
    const waiting = await runner.start(ecgPretrainSpec('queued behind it', 2, LUDB_AND_MACE));
    await new Promise<void>((res) => {
      const t = setInterval(() => steps >= 1 && (clearInterval(t), res()), 20);
    });
    await runner.stop();
    await runner.idle(); // the thread's end is handled after stop() returns: it must not undo the mark
    const st = await store.folder(s.id).readStatus();
    assert.equal(st.state, 'interrupted', st.progress.message);
    assert.match(st.progress.message, /the app closed during a step; resume continues from the last checkpoint/);
    assert.equal(st.error ?? null, null);
    // The run queued behind it is interrupted too, not left 'queued' until the next start-up.
    const q = await store.folder(waiting.id).readStatus();
    assert.deepEqual([q.state, q.progress.message], ['interrupted', 'interrupted: the app closed before the run started; resume starts it']);
  });

  test('a metrics file that can no longer be written while the app closes: the run fails naming it (resumable), not running, and the worker lives to report it', async () => {
    const store = new RunStore(join(root, 'runs-5'));
    let steps = 0;
    const logs: string[] = [];
    const runner = new JobRunner(store, { events: { event: (_id, ev) => void (ev.type === 'metric' && ev.record.kind === 'step' && steps++), log: (_l, m) => logs.push(m) } });
    const spec = ecgPretrainSpec('metrics refused on the way out', 200, LUDB_AND_MACE);
    spec.pretrain.ecg!.checkpointEverySteps = 1000;
    const s = await runner.start(spec);
    await new Promise<void>((res) => {
      const t = setInterval(() => steps >= 1 && (clearInterval(t), res()), 20);
    });
    // The job appends each step's metric without awaiting it (job.ts): a metrics file that can no
    // longer be written was a rejection nobody handled, which ended the worker. Now the failure is
    // kept and stops the job at its next step — here the one the app's closing pauses at.
    const metrics = store.folder(s.id).path(RUN_FILES.metrics);
    while (!existsSync(metrics)) await new Promise((r) => setTimeout(r, 10));
    rmSync(metrics);
    mkdirSync(metrics);
    await runner.stop();
    const st = await store.folder(s.id).readStatus();
    assert.equal(st.state, 'failed', st.progress.message);
    assert.match(st.error?.message ?? '', /^could not write .*metrics\.jsonl: a folder stands where the file should be \(EISDIR\)\. The run stopped there; its checkpoints and the files it wrote before are intact/);
    assert.ok(!logs.some((l) => l.includes('the training worker stopped')), `the worker did not die: ${logs.join(' | ')}`);
    assert.match(readFileSync(store.folder(s.id).path(RUN_FILES.log), 'utf8'), /ERROR could not write .*metrics\.jsonl/);
  });

  test('a worker thread that ends while the app closes leaves its run interrupted (resumable), not running', async () => {
    const store = new RunStore(join(root, 'runs-5b'));
    let steps = 0;
    const logs: string[] = [];
    const runner = new JobRunner(store, { stopTimeoutMs: 60_000, events: { event: (_id, ev) => void (ev.type === 'metric' && ev.record.kind === 'step' && steps++), log: (_l, m) => logs.push(m) } });
    const spec = ecgPretrainSpec('ends on the way out', 200, LUDB_AND_MACE);
    spec.pretrain.ecg!.checkpointEverySteps = 1000;
    const s = await runner.start(spec);
    await new Promise<void>((res) => {
      const t = setInterval(() => steps >= 1 && (clearInterval(t), res()), 20);
    });
    // The thread ends of itself (as a crash ends it) while stop() waits for the pause: the runner's
    // own handle on the thread ends it, which the runner did not ask for.
    const stopping = runner.stop();
    await (runner as unknown as { active: { run: { terminate(): Promise<void> } } }).active.run.terminate();
    await stopping;
    const st = await store.folder(s.id).readStatus();
    assert.equal(st.state, 'interrupted', st.progress.message);
    assert.match(st.progress.message, /^interrupted: the training worker stopped while the app was closing \(the training worker exited \(code 1\) before the job finished\); resume continues from the last checkpoint$/);
    assert.equal(st.error ?? null, null);
    assert.ok(logs.some((l) => l.includes(`training run ${s.id} interrupted: the training worker stopped`)), logs.join('\n'));
  });

  test('the app closing while a run reads its sessions before it starts: no worker starts after, the run is interrupted (not failed)', async () => {
    const store = new RunStore(join(root, 'runs-6'));
    // The recordings database as the core holds it: the first read waits, and fails once the core
    // closes the database after stopping the runner (TrainingArea.close).
    let asked = false;
    let close!: () => void;
    const db = {
      api: {
        getSession: () => {
          asked = true;
          return new Promise((_resolve, reject) => (close = () => reject(new Error('the database worker exited (code 1)'))));
        },
      },
    } as unknown as DbClient;
    const runner = new JobRunner(store, { db: () => db });
    const spec = ecgPretrainSpec('from a session', 2, LUDB_AND_MACE);
    spec.corpora.ecg!.sources = [{ kind: 'session', id: 1 }];
    const started = runner.start(spec);
    while (!asked) await new Promise((r) => setTimeout(r, 5));
    const id = store.folder((await store.list())[0].id).id;
    await runner.stop();
    close();
    await started;
    await runner.idle();
    assert.equal(runner.activeRunId, null, 'no job started after the runner stopped');
    const st = await store.folder(id).readStatus();
    assert.equal(st.state, 'interrupted', `${st.state}: ${st.progress.message}`);
    assert.equal(st.error ?? null, null);
    assert.match(st.progress.message, /^interrupted: the app closed before the run started; resume starts it$/);
  });

  test('pause or cancel of a run another live process trains says whose it is and how to stop it there', async (t) => {
    const store = new RunStore(join(root, 'runs-3'));
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    t.after(() => other.kill('SIGKILL'));
    const f = await store.create(ecgPretrainSpec('on the command line', 2, LUDB_AND_MACE), 'cli-run');
    await f.writeStatus({ ...(await f.readStatus()), state: 'running', pid: other.pid });
    const runner = new JobRunner(store);
    for (const act of [() => runner.pause('cli-run'), () => runner.cancel('cli-run')]) {
      await assert.rejects(act(), (e: unknown) => e instanceof TrainError && new RegExp(`^run cli-run is trained by another process \\(${other.pid}, .*Ctrl\\+C there pauses it.*kill -TERM ${other.pid} stops it`).test(e.message));
    }
    assert.equal((await f.readStatus()).state, 'running', 'its status is left to its own process');
    await assert.rejects(runner.pause('crashed-elsewhere'), /neither running nor queued|no run/);
  });
});
