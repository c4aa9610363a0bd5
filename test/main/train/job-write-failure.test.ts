// A run folder that stops taking writes mid-job — a full disk — ends the job 'failed' with a message
// that names the file and says why, its checkpoints intact, and resume finishes it once the folder
// takes writes again. Real failing writes, not mocks: as root chmod changes nothing, so the log or
// the metrics file is swapped for a link to /dev/full (every write: ENOSPC), and the app's runner
// runs on a 4-MiB tmpfs that a filler file fills (mounted only where the test may mount; else skipped).
// Log and metric lines are written without the job waiting for them: a failed one was an unhandled
// rejection that ended the training worker (or the CLI's process) and left the run 'running'.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectTrainingBackend } from '../../../src/main/train/backend';
import { runJob, WRITE_FAILURE_NOTE, type JobEvent } from '../../../src/main/train/job';
import { JobRunner } from '../../../src/main/train/job-runner';
import { RUN_FILES, RunStore, type RunFolder } from '../../../src/main/train/run-store';
import { decodeCheckpoint } from '../../../src/shared/train/checkpoint';
import type { JobSpec, RunStatus } from '../../../src/shared/train/job.types';
import { TrainError, TrainErrorCode } from '../../../src/shared/train/train.types';
import { ecgPretrainSpec, LUDB_ONLY, NEED_LUDB } from './ecg-pretrain-spec';

const devFull = process.platform === 'linux' && existsSync('/dev/full');

/** ECG pretraining only, a checkpoint and an epoch (its log line) every step. */
const ecgSpec = (name: string, steps: number): JobSpec => ecgPretrainSpec(name, steps, LUDB_ONLY);

/** Replaces a run file by a link to /dev/full: from then on every write of it fails with ENOSPC, as on a full disk. */
function fillUp(folder: RunFolder, file: string): void {
  const p = folder.path(file);
  if (existsSync(p)) unlinkSync(p);
  symlinkSync('/dev/full', p);
}

/** Undoes fillUp: an ordinary (empty) file again. */
function makeRoom(folder: RunFolder, file: string): void {
  unlinkSync(folder.path(file));
  writeFileSync(folder.path(file), '');
}

function checkpointsOf(folder: RunFolder): string[] {
  return readdirSync(folder.path(RUN_FILES.checkpoints)).sort();
}

describe('a run folder that stops taking writes', { skip: (NEED_LUDB) || (!devFull && 'needs /dev/full (Linux)') }, () => {
  let root: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hm-write-fail-'));
    await selectTrainingBackend('wasm');
    process.on('unhandledRejection', onUnhandled);
  });
  after(() => {
    process.off('unhandledRejection', onUnhandled);
    rmSync(root, { recursive: true, force: true });
  });

  for (const liveFiles of [false, true]) {
    const who = liveFiles ? 'the CLI (live files, written synchronously)' : "the app's job (written in the background)";
    test(`the log refusing its epoch line mid-pretraining stops ${who} 'io' at that step, checkpoints intact; resume finishes`, async () => {
      const store = new RunStore(join(root, `log-${liveFiles}`));
      const folder = await store.create(ecgSpec('log fails', 5), 'r');
      // At step 2 the log starts refusing writes; the first line it is given is step 2's epoch line, written without waiting.
      const onEvent = (ev: JobEvent) => {
        if (ev.type === 'metric' && ev.record.kind === 'step' && ev.record.step === 2) fillUp(folder, RUN_FILES.log);
      };
      const steps: number[] = [];
      await assert.rejects(
        runJob({ folder, liveFiles, emit: (ev) => (onEvent(ev), ev.type === 'metric' && ev.record.kind === 'step' && steps.push(ev.record.step)) }),
        (e: unknown) => {
          assert.ok(e instanceof TrainError, `a TrainError, got ${String(e)}`);
          assert.equal(e.code, TrainErrorCode.Io, `code io, got ${e.code}: ${e.message}`);
          assert.equal(e.message, `could not write ${folder.path(RUN_FILES.log)}: the disk is full (ENOSPC). ${WRITE_FAILURE_NOTE}`);
          return true;
        },
      );
      // It stopped at the step whose line failed (written synchronously: step 2) or the next (in the
      // background the failure lands while step 2's checkpoint is written), not at the phase's end (5).
      const stop = steps.at(-1)!;
      assert.deepEqual(steps, Array.from({ length: stop }, (_, i) => i + 1), 'steps in order');
      assert.equal(stop, liveFiles ? 2 : 3, `the step it stopped at (steps ${steps.join(', ')})`);
      const kept = Array.from({ length: stop - 1 }, (_, i) => `pretrain-ecg-step-000000${i + 1}.hmck`);
      assert.deepEqual(checkpointsOf(folder), kept, 'every checkpoint of the steps before the stop, and nothing half-written');
      for (const n of checkpointsOf(folder)) decodeCheckpoint(new Uint8Array(readFileSync(folder.path(RUN_FILES.checkpoints, n))), n);
      assert.deepEqual(unhandled, [], 'no unhandled rejection');

      makeRoom(folder, RUN_FILES.log);
      await runJob({ folder, liveFiles });
      const s = await folder.readStatus();
      assert.equal(s.state, 'done', 'resumed to the end');
      assert.match(readFileSync(folder.path(RUN_FILES.log), 'utf8'), new RegExp(`pretrain-ecg: resuming from step ${stop - 1} of 5`));
    });

    test(`a metrics file that refuses every line stops ${who} 'io' naming metrics.jsonl, with no unhandled rejection`, async () => {
      const store = new RunStore(join(root, `metrics-${liveFiles}`));
      const folder = await store.create(ecgSpec('metrics fail', 3), 'r');
      fillUp(folder, RUN_FILES.metrics);
      await assert.rejects(runJob({ folder, liveFiles }), (e: unknown) => {
        assert.ok(e instanceof TrainError && e.code === TrainErrorCode.Io, `an io TrainError, got ${String(e)}`);
        assert.equal(e.message, `could not write ${folder.path(RUN_FILES.metrics)}: the disk is full (ENOSPC). ${WRITE_FAILURE_NOTE}`);
        return true;
      });
      assert.notEqual((await folder.readStatus()).completedPhases.includes('pretrain-ecg'), true, 'the phase is not recorded as done');
      // Let any write still in flight land before looking for unhandled rejections.
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(unhandled, [], 'no unhandled rejection');
    });
  }

  test('a checkpoints folder that is a file: the job fails naming it, the run stays resumable', async () => {
    const store = new RunStore(join(root, 'ckdir'));
    const folder = await store.create(ecgSpec('checkpoints is a file', 2), 'r');
    writeFileSync(folder.path(RUN_FILES.checkpoints), 'not a folder');
    await assert.rejects(runJob({ folder }), (e: unknown) => {
      assert.ok(e instanceof TrainError && e.code === TrainErrorCode.Io, `an io TrainError, got ${String(e)}`);
      assert.match(e.message, /could not write .*checkpoints.*: (a file stands where a folder should be \(EEXIST\)|a folder on its path is a file \(ENOTDIR\))\. The run stopped there/);
      return true;
    });
  });
});

/** Mounts a tmpfs of `size` at `dir`, or says why it cannot (not root, no CAP_SYS_ADMIN, not Linux). */
function mountTmpfs(dir: string, size: string): string | null {
  if (process.platform !== 'linux') return 'tmpfs mounts need Linux';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (e) {
    return `cannot mount a tmpfs here (${((e as { stderr?: Buffer }).stderr?.toString() || (e as Error).message).trim()})`;
  }
}

describe('a read-only file system (a tmpfs remounted read-only)', () => {
  let dir = '';
  let cannot: string | null = null;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hm-ro-'));
    cannot = mountTmpfs(dir, '1m');
  });
  after(() => {
    if (!cannot) execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  test("is said to be read-only (EROFS), not 'its folder is gone' (Node's recursive mkdir reports ENOENT there)", async (t) => {
    if (cannot) return t.skip(cannot);
    const store = new RunStore(join(dir, 'runs'));
    const folder = await store.create(ecgSpec('read-only', 2), 'r');
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    await assert.rejects(folder.writePlot('loss.svg', '<svg/>'), (e: unknown) => e instanceof TrainError && e.code === TrainErrorCode.Io && e.message === `could not write ${folder.path(RUN_FILES.plots)}: it is on a read-only file system (EROFS)`);
    await assert.rejects(folder.appendLog('a line'), (e: unknown) => e instanceof TrainError && e.message === `could not write ${folder.path(RUN_FILES.log)}: it is on a read-only file system (EROFS)`);
    await assert.rejects(new RunStore(join(dir, 'other-runs')).create(ecgSpec('read-only', 2), 'r'), (e: unknown) => e instanceof TrainError && /^cannot make a run folder in the runs folder .*other-runs: it is on a read-only file system \(EROFS\)$/.test(e.message));
  });
});

describe("the app's runner on a disk that fills during pretraining (a 4-MiB tmpfs)", { skip: NEED_LUDB }, () => {
  let dir = '';
  let cannot: string | null = null;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hm-full-disk-'));
    cannot = mountTmpfs(dir, '4m');
  });
  after(() => {
    if (!cannot) execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  test("the run fails with the disk named, the runner moves on, the stop it could not write reads 'failed', resume finishes it", async (t) => {
    if (cannot) return t.skip(cannot);
    const runsDir = join(dir, 'runs');
    mkdirSync(runsDir);
    const store = new RunStore(runsDir);
    const filler = join(dir, 'filler');
    const states: RunStatus[] = [];
    const logs: string[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    t.after(() => process.off('unhandledRejection', onUnhandled));
    let filled = false;
    const runner = new JobRunner(store, {
      events: {
        // After the first step's checkpoint is written, the disk fills up to its last byte.
        event: (_id, ev) => {
          if (filled || ev.type !== 'metric' || ev.record.kind !== 'step' || ev.record.step !== 2) return;
          filled = true;
          const fs = statfsSync(dir);
          writeFileSync(filler, Buffer.alloc(fs.bavail * fs.bsize));
        },
        state: (s) => states.push(s),
        log: (_l, m) => logs.push(m),
      },
    });
    const s = await runner.start(ecgSpec('full disk', 4));
    await runner.idle();
    assert.ok(filled, 'the disk was filled during the run');
    assert.equal(runner.activeRunId, null, 'the runner is idle again');
    const last = states.at(-1)!;
    assert.equal(last.state, 'failed', `the last state pushed, got ${last.state}`);
    assert.match(last.error?.message ?? '', /^could not write .*: the disk is full \(ENOSPC\)\. The run stopped there; its checkpoints/);
    // status.json could not take the stop either: the runner keeps it, and says so.
    assert.equal(runner.unrecordedStatus(s.id)?.state, 'failed', 'the runner remembers the stop it could not write');
    assert.ok(logs.some((l) => /its status could not be recorded \(could not write .*status\.json: the disk is full \(ENOSPC\)\)/.test(l)), `a log line says the status could not be written: ${logs.join(' | ')}`);
    const folder = store.folder(s.id);
    assert.deepEqual(checkpointsOf(folder), ['pretrain-ecg-step-0000001.hmck'], 'the checkpoint written before the disk filled, and no half-written file');
    decodeCheckpoint(new Uint8Array(readFileSync(folder.path(RUN_FILES.checkpoints, 'pretrain-ecg-step-0000001.hmck'))), 'step 1');
    assert.deepEqual(unhandled, [], 'no unhandled rejection in the app');

    rmSync(filler);
    await runner.resume(s.id);
    await runner.idle();
    assert.equal((await folder.readStatus()).state, 'done', 'resumed to the end once the disk had room');
    assert.equal(runner.unrecordedStatus(s.id), null, 'the remembered stop is gone once the status is written');

    // A new run on the full disk: refused naming the disk, and no empty folder left for the app to list as damaged.
    const fs = statfsSync(dir);
    writeFileSync(filler, Buffer.alloc(fs.bavail * fs.bsize));
    const before = readdirSync(runsDir).sort();
    await assert.rejects(runner.start(ecgSpec('no room', 2)), (e: unknown) => e instanceof TrainError && /^could not write .*config\.json: the disk is full \(ENOSPC\)$/.test(e.message));
    assert.deepEqual(readdirSync(runsDir).sort(), before, 'no half-made run folder');
  });
});
