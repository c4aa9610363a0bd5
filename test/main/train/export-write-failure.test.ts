// Export from the Training view when the run folder will not take writes (a read-only or full
// disk): the model still lands in the models folder, and the reply says so and names the run file
// that refused the note, instead of an error that reads as if nothing was exported. Export again
// under that id sees (by the card's provenance) that the model there came from this run and only
// records it; a model of another run under the id is still refused. Real failing writes, not mocks:
// as root chmod changes nothing, so the runs folder is a tmpfs remounted read-only (mounted only
// where the test may mount; else skipped); the models folder is elsewhere and takes writes. And when
// only the run's log refuses its line (below).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TrainingArea } from '../../../src/main/train/training.core';
import { RUN_FILES } from '../../../src/main/train/run-store';
import { finishedRun as finishedRunIn } from '../../fixtures/finished-run';
import type { CoreContext } from '../../../src/main/core/core.types';
import type { PushMessage } from '../../../src/shared/ipc-schema';
import { TrainError } from '../../../src/shared/train/train.types';
import { command as exportModel } from '../../../src/main/train/export-command';

const DATA = resolve('..', 'shared', 'data');

/** A finished run in the area's runs folder. */
const finishedRun = (area: TrainingArea, name: string) => finishedRunIn(area.store, name);

describe('export from the Training view when the run folder will not take writes', () => {
  let dir: string;
  let runs: string;
  let cannot: string | null = null;
  let area: TrainingArea;
  const pushes: PushMessage[] = [];
  const warnings: string[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hm-export-fail-'));
    runs = join(dir, 'runs');
    mkdirSync(runs);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', runs], { stdio: 'pipe' });
    } catch (e) {
      cannot = `cannot mount a tmpfs here (${((e as { stderr?: Buffer }).stderr?.toString() || (e as Error).message).trim()})`;
    }
    const ctx = { push: (m: PushMessage) => pushes.push(m), log: (level: string, _s: string, m: string) => void (level === 'warn' && warnings.push(m)) } as unknown as CoreContext;
    area = new TrainingArea(ctx, { runsDir: runs, userModelsDir: join(dir, 'models'), recordingsDir: DATA, dbPath: join(dir, 'recordings.sqlite') });
  });
  after(async () => {
    await area.close();
    if (!cannot) execFileSync('umount', [runs]);
    rmSync(dir, { recursive: true, force: true });
  });

  test("the model is exported and the reply says the run could not record it; Export again records it instead of 'id taken'", async (t) => {
    if (cannot) return t.skip(cannot);
    const folder = await finishedRun(area, 'ro-disk');
    const other = await finishedRun(area, 'other-run');
    const before = readFileSync(folder.path(RUN_FILES.status), 'utf8');
    execFileSync('mount', ['-o', 'remount,ro', runs]);
    const r = await area.export(folder.id, 'on-ro-disk', 'Read-only disk');
    assert.ok(existsSync(join(dir, 'models', 'on-ro-disk', 'model.onnx')), 'the model is in the models folder');
    const why = `could not write ${folder.path(RUN_FILES.status)}: it is on a read-only file system (EROFS)`;
    assert.equal(r.notRecorded, `the model was exported to ${join(dir, 'models', 'on-ro-disk')}, but run ro-disk could not record it: ${why}`, `reply: ${JSON.stringify(r)}`);
    assert.equal(r.recorded, false, 'the view is told the run does not record it (it showed "Exported" until a reload)');
    assert.equal(readFileSync(folder.path(RUN_FILES.status), 'utf8'), before, 'status.json as it was');
    assert.equal(warnings.length, 1, 'the app log says it too');
    const card = readFileSync(join(dir, 'models', 'on-ro-disk', 'card.json'), 'utf8');
    // Again while the folder is still read-only: the same honest reply, the model left as it was.
    const again = await area.export(folder.id, 'on-ro-disk', 'Read-only disk');
    assert.equal(again.notRecorded, r.notRecorded, 'the same reply, not an id-taken error');
    assert.equal(readFileSync(join(dir, 'models', 'on-ro-disk', 'card.json'), 'utf8'), card, 'the model is not written again');
    // Another run's export under that id is still refused: its model would replace this one.
    await assert.rejects(area.export(other.id, 'on-ro-disk', 'Other'), (e: TrainError) => e.code === 'bad-config' && /your models already hold a model 'on-ro-disk'/.test(e.message));
    // Once the folder takes writes, Export again records it: the runs table names the model.
    execFileSync('mount', ['-o', 'remount,rw', runs]);
    const recorded = await area.export(folder.id, 'on-ro-disk', 'Read-only disk');
    assert.deepEqual(recorded, { modelId: 'on-ro-disk', dir: join(dir, 'models', 'on-ro-disk'), recorded: true });
    assert.equal((await folder.readStatus()).summary?.exportedAs, 'on-ro-disk', 'the run records the export');
    assert.match(await folder.readLog(), /exported as model 'on-ro-disk' to /);
    assert.equal(readFileSync(join(dir, 'models', 'on-ro-disk', 'card.json'), 'utf8'), card, 'still the first export');
  });
});

// The note goes into status.json, then a line into the run's log: a log that will not take the
// line (here a folder where log.txt belongs: a real EISDIR from the file system) leaves the export
// recorded. The reply said "could not record it" and no status was pushed, so the view offered an
// export the run held; the CLI exited 1 as if no model was written.
describe('export when only the run log will not take its line', () => {
  let dir: string;
  let area: TrainingArea;
  const pushes: PushMessage[] = [];
  const warnings: string[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hm-export-log-'));
    const ctx = { push: (m: PushMessage) => pushes.push(m), log: (level: string, _s: string, m: string) => void (level === 'warn' && warnings.push(m)) } as unknown as CoreContext;
    area = new TrainingArea(ctx, { runsDir: join(dir, 'runs'), userModelsDir: join(dir, 'models'), recordingsDir: DATA, dbPath: join(dir, 'recordings.sqlite') });
  });
  after(async () => {
    await area.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the Training view is told the export is recorded and only the log line is missing; the status is pushed', async () => {
    const folder = await finishedRun(area, 'log-refuses');
    rmSync(folder.path(RUN_FILES.log), { force: true });
    mkdirSync(folder.path(RUN_FILES.log));
    const r = await area.export(folder.id, 'log-refuses', 'Log refuses');
    const model = join(dir, 'models', 'log-refuses');
    assert.ok(existsSync(join(model, 'model.onnx')), 'the model is in the models folder');
    assert.equal((await folder.readStatus()).summary?.exportedAs, 'log-refuses', 'status.json records the export');
    assert.equal(r.recorded, true, 'the run records it: the view shows "Exported"');
    assert.match(r.notRecorded ?? '', new RegExp(`^the model was exported to ${model} and run log-refuses records it, but its log could not take the line saying so: could not write ${folder.path(RUN_FILES.log)}`), `reply: ${JSON.stringify(r)}`);
    const pushed = pushes.filter((p) => p.type === 'training:status');
    assert.equal(pushed.length, 1, 'the new status is pushed (the runs table names the model)');
    assert.equal(pushed[0].type === 'training:status' && pushed[0].status.summary?.exportedAs, 'log-refuses');
    assert.deepEqual(warnings, [r.notRecorded], 'the app log says the same');
  });

  test('heartmind export-model prints the model written, warns about the log line, and exits 0', async () => {
    const folder = await finishedRun(area, 'cli-log-refuses');
    rmSync(folder.path(RUN_FILES.log), { force: true });
    mkdirSync(folder.path(RUN_FILES.log));
    const out: string[] = [];
    const err: string[] = [];
    const to = join(dir, 'cli-models');
    const code = await exportModel.run(['--run', folder.id, '--id', 'cli-model', '--to', to, '--out', join(dir, 'runs')], { out: (l: string) => out.push(l), err: (l: string) => err.push(l) });
    assert.equal(code, 0, `exit code (stderr: ${err.join(' | ')})`);
    assert.ok(existsSync(join(to, 'cli-model', 'model.onnx')), 'the model is written');
    assert.deepEqual(out, [`exported run cli-log-refuses as model 'cli-model' in ${join(to, 'cli-model')}`]);
    assert.equal(err.length, 1, `one warning: ${JSON.stringify(err)}`);
    assert.match(err[0], /^warning: run cli-log-refuses records the export, but its log could not take the line saying so: could not write /);
    assert.equal((await folder.readStatus()).summary?.exportedAs, 'cli-model');
  });
});
