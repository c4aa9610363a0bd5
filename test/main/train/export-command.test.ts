// `heartmind export-model`: the run is found where `train` wrote it (--out, else the --data-dir's
// runs), and a model folder of the same id is kept unless --replace says otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliUsageError } from '../../../src/main/core/cli-command';
import { command as exportModel } from '../../../src/main/train/export-command';
import { RunStore } from '../../../src/main/train/run-store';
import { quickRecipe } from '../../../src/shared/train/recipes';
import { TrainError } from '../../../src/shared/train/train.types';
import { tempDir } from '../db/db-test-util';

const io = { out: () => undefined, err: () => undefined };

test('an id the models folder holds is refused without --replace (the model is left as it was); the run is found in --data-dir\'s runs', async (t) => {
  const dir = tempDir(t, 'hm-export-cli-');
  const dataDir = join(dir, 'data');
  // A run that never reached its final fit: the export gets as far as reading its model.
  const run = await new RunStore(join(dataDir, 'runs')).create(quickRecipe(dir), 'unfinished');
  const models = join(dir, 'models');
  mkdirSync(join(models, 'taken', 'keep-me'), { recursive: true });
  await assert.rejects(exportModel.run(['--run', run.id, '--id', 'taken', '--to', models, '--data-dir', dataDir], io), (e: Error) => e instanceof CliUsageError && /models\/taken already holds a model 'taken': choose another --id, or --replace it$/.test(e.message));
  assert.deepEqual(readdirSync(join(models, 'taken')), ['keep-me']);
  // With --replace the check lets it through, and the run (under --data-dir, not the default runs folder) is read.
  // What finishes it, with where the run is (the same --data-dir): 'it did not reach the final fit' alone left it there.
  const resume = `heartmind train --resume unfinished --data-dir ${dataDir}`;
  await assert.rejects(exportModel.run(['--run', run.id, '--id', 'taken', '--to', models, '--data-dir', dataDir, '--replace'], io), (e: Error) => e instanceof TrainError && e.message === `run unfinished has no final model to export (it did not reach the final fit); it is queued: ${resume} finishes it, then export it`);
  await run.writeStatus({ ...(await run.readStatus()), state: 'paused' });
  await assert.rejects(exportModel.run(['--run', run.id, '--id', 'other', '--data-dir', dataDir], io), (e: Error) => e instanceof TrainError && e.message.endsWith(`; it is paused: ${resume} finishes it, then export it`));
  // An interrupted run 'was', and a failed one says why ('it is failed' said nothing of it).
  await run.writeStatus({ ...(await run.readStatus()), state: 'interrupted' });
  await assert.rejects(exportModel.run(['--run', run.id, '--id', 'other', '--data-dir', dataDir], io), (e: Error) => e instanceof TrainError && e.message.endsWith(`; it was interrupted: ${resume} finishes it, then export it`));
  await run.writeStatus({ ...(await run.readStatus()), state: 'failed', error: { code: 'io', message: 'could not write log.txt: the disk is full (ENOSPC)' } });
  await assert.rejects(exportModel.run(['--run', run.id, '--id', 'other', '--data-dir', dataDir], io), (e: Error) => e instanceof TrainError && e.message.endsWith(`; it failed (could not write log.txt: the disk is full (ENOSPC)): ${resume} finishes it, then export it`));
  // A cancelled run is not finished by anything: nothing is offered.
  await run.writeStatus({ ...(await run.readStatus()), state: 'cancelled' });
  await assert.rejects(exportModel.run(['--run', run.id, '--id', 'other', '--data-dir', dataDir], io), (e: Error) => e instanceof TrainError && e.message === 'run unfinished has no final model to export (it did not reach the final fit)');
  // The user models folder is the data folder's.
  mkdirSync(join(dataDir, 'models', 'mine'), { recursive: true });
  await assert.rejects(exportModel.run(['--run', run.id, '--id', 'mine', '--data-dir', dataDir], io), (e: Error) => e instanceof CliUsageError && /data\/models\/mine already holds/.test(e.message));
  assert.ok(existsSync(join(dataDir, 'models', 'mine')), 'models/mine was written');
});

test('a missing or malformed --id, a --to that is a file, a run that trains no final model: each says what is wrong', async (t) => {
  const dir = tempDir(t, 'hm-export-cli-');
  const store = new RunStore(join(dir, 'runs'));
  const evaluate = await store.create({ ...quickRecipe(dir), kind: 'evaluate', finalFit: false, export: null }, 'evaluated');
  const usage = (argv: string[], re: RegExp) => assert.rejects(exportModel.run([...argv, '--out', store.root], io), (e: Error) => e instanceof CliUsageError && re.test(e.message));
  await usage(['--run', evaluate.id], /^--id MODEL_ID is required/);
  await usage(['--run', evaluate.id, '--id', 'Bad_Id'], /^--id: the model id 'Bad_Id' must be lowercase letters, digits, '-' and '_', starting with a letter or digit, at most 64 characters \(it has capital letters\)$/);
  const file = join(dir, 'notes.txt');
  writeFileSync(file, 'x');
  await usage(['--run', evaluate.id, '--id', 'ok', '--to', file], /^--to .*notes\.txt is a file; give the folder to write the model folder into$/);
  await assert.rejects(exportModel.run(['--run', evaluate.id, '--id', 'ok', '--to', join(dir, 'models'), '--out', store.root], io), (e: Error) => e instanceof TrainError && e.message === 'run evaluated has no final model to export (evaluate runs train none: heartmind train DATASET, or a recipe, does)');
});
