// `heartmind export-model`: a finished run's final model to the registry (ONNX + model card).
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliUsageError, commandLine, parseFlags, type CliCommand, type CliIo } from '../core/cli-command';
import { resumeRefusal } from '../../shared/train/resume-policy';
import { TrainError, TrainErrorCode } from '../../shared/train/train.types';
import { defaultDataDir } from '../core/data-dir';
import { modelIdProblem } from '../../shared/train/model-id';
import { runsRoot } from './cli-train';
import { exportRunModel } from './export-run';
import { RunStore, runningElsewhere, type RunFolder } from './run-store';

export const command: CliCommand = {
  usage: [
    'usage: heartmind export-model --run RUN_ID --id MODEL_ID [--name NAME] [--version V] [--to DIR] [--replace]',
    '                              [--out RUNS_DIR | --data-dir DIR]',
    '',
    'Writes the run\'s final model as <DIR>/<MODEL_ID>/ (model.onnx, card.json, card.md). DIR defaults to the',
    'app\'s user models folder (<data folder>/models), where the live model list picks it up at once; it runs',
    'live once chosen there (Models → Use): an exported model never becomes the active model by itself.',
    'The run is looked up in --out, else $HEARTMIND_RUNS_DIR, else the data folder\'s runs (as train writes',
    'them and the app lists them). A model of that id already in DIR is kept unless --replace is given.',
    '',
    'examples:',
    '  heartmind export-model --run RUN_ID --id rest-vs-task --name "Rest vs task"   # RUN_ID: as train printed it',
  ].join('\n'),
  run,
};

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, { run: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, version: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, 'data-dir': { type: 'string' }, replace: { type: 'boolean' } });
  if (positionals.length) throw new CliUsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.run) throw new CliUsageError('--run RUN_ID is required');
  if (!values.id) throw new CliUsageError('--id MODEL_ID is required (the registry id: lowercase letters, digits, - and _)');
  const idProblem = modelIdProblem(values.id);
  if (idProblem) throw new CliUsageError(`--id: ${idProblem}`);
  const store = new RunStore(runsRoot(values.out, values['data-dir']));
  if (!(await store.exists(values.run))) throw new CliUsageError(`no run '${values.run}' in ${store.root}`);
  const root = values.to ? resolve(values.to) : resolve(values['data-dir'] ?? defaultDataDir(), 'models');
  // The model's folder is made inside it: a file there failed with the raw EEXIST of mkdir.
  if (values.to && existsSync(root) && !statSync(root).isDirectory()) throw new CliUsageError(`--to ${root} is a file; give the folder to write the model folder into`);
  // The registry's writer replaces a folder of the same id: another model would be lost without a word.
  if (!values.replace && existsSync(join(root, values.id))) throw new CliUsageError(`${join(root, values.id)} already holds a model '${values.id}': choose another --id, or --replace it`);
  const folder = store.folder(values.run);
  let dir: string;
  try {
    dir = await exportRunModel(folder, { modelId: values.id, name: values.name ?? values.id, version: values.version ?? '1.0.0', target: values.to ? { kind: 'dir', dir: root } : { kind: 'user' }, provenance: commandLine(['heartmind', 'export-model', ...argv]) }, root);
  } catch (e) {
    // No final model yet: where the run stands and what finishes it ('it did not reach the final fit' alone left a paused run there).
    const next = e instanceof TrainError && e.code === TrainErrorCode.NotFound ? await unfinishedRunNext(folder, values) : null;
    if (next) throw new TrainError(TrainErrorCode.NotFound, `${(e as Error).message}; ${next}`);
    throw e;
  }
  io.out(`exported run ${values.run} as model '${values.id}' in ${dir}${values.to ? '' : ': the app lists it under Models, where Use runs it live'}`);
  // The model is written and usable whatever the run folder does with the note: a failing note was
  // the command's error (exit 1) and read as if nothing was exported.
  let logProblem: string | null;
  try {
    ({ logProblem } = await folder.recordExport(values.id, dir));
  } catch (e) {
    io.err(`warning: run ${values.run} could not record the export (the model is in place): ${(e as Error).message}`);
    return 0;
  }
  if (logProblem) io.err(`warning: run ${values.run} records the export, but its log could not take the line saying so: ${logProblem}`);
  return 0;
}

/**
 * For a run without its final model: what it is doing and what finishes it, or null when nothing
 * will (done, cancelled, failed for a reason a resume would meet again, or a run that trains none).
 */
async function unfinishedRunNext(folder: RunFolder, where: { out?: string; 'data-dir'?: string }): Promise<string | null> {
  const [spec, status] = await Promise.all([folder.readConfig(), folder.readStatus()]).catch(() => [null, null] as const);
  if (!spec?.finalFit || !spec.finetune || !status) return null;
  const live = runningElsewhere(status);
  if (live) return `it is running in process ${live}: export it once it is done`;
  if (status.state === 'done' || status.state === 'cancelled' || resumeRefusal(status)) return null;
  // Where it stands in words: 'it is failed' read as a slip, and a failure said nothing of why.
  const stands =
    status.state === 'failed' ? `it failed${status.error ? ` (${status.error.message})` : ''}` : status.state === 'running' || status.state === 'interrupted' ? 'it was interrupted' : `it is ${status.state}`;
  const resume = commandLine(['heartmind', 'train', '--resume', folder.id, ...(where.out ? ['--out', where.out] : where['data-dir'] ? ['--data-dir', where['data-dir']] : [])]);
  return `${stands}: ${resume} finishes it, then export it`;
}
