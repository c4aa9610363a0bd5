// `heartmind train`: a whole recipe (the shipped model's is 'default'), a fine-tuning job on a
// dataset, or a paused/interrupted run resumed.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CliUsageError, commandLine, intFlag, parseFlags, type CliCommand, type CliIo } from '../core/cli-command';
import { defaultDataDir } from '../core/data-dir';
import { CBRAMOD_ENCODER } from '../../shared/model/config';
import { DEFAULT_EVALUATION } from '../../shared/train/evaluate';
import { DEFAULT_FINETUNE } from '../../shared/train/finetune';
import { ablationArms } from '../../shared/train/defaults';
import { modalitiesOf } from '../../shared/train/trainable';
import type { JobSpec } from '../../shared/train/job.types';
import { MAX_SEED } from '../../shared/train/job-check';
import { modelIdProblem } from '../../shared/train/model-id';
import { DEFAULT_PRETRAIN_STEPS, DEFAULT_RECIPE_SEED, defaultRecipe, quickRecipe, RECIPES, SHIPPED_MODEL_ID } from '../../shared/train/recipes';
import type { EncoderInit, EvaluationConfig, ModalitySet } from '../../shared/train/train.types';
import { checkCommandInputs, DatabaseSession, printPreview, type InputOrigin, DATASET_FLAGS, DATASET_USAGE, datasetFromFlags, encoderConfigFromFlags, finetuneFromFlags, flagsGiven, flagsOutside, LR_USAGE, parseEncoderSource, parseSplit, runInProcess, runsRoot, RUNS_DIR_USAGE, seedFlag } from './cli-train';
import { RunStore, runningElsewhere } from './run-store';
import { resumeRefusal } from '../../shared/train/resume-policy';
import { TrainError, TrainErrorCode } from '../../shared/train/train.types';

export const TRAIN_FLAGS = {
  ...DATASET_FLAGS,
  recipe: { type: 'string' },
  resume: { type: 'string' },
  out: { type: 'string' },
  data: { type: 'string' },
  seed: { type: 'string' },
  layers: { type: 'string' },
  paper: { type: 'boolean' },
  'eeg-checkpoint': { type: 'string' },
  'pretrain-steps-eeg': { type: 'string' },
  'pretrain-steps-ecg': { type: 'string' },
  'export-to': { type: 'string' },
  'no-export': { type: 'boolean' },
  'model-id': { type: 'string' },
  'model-name': { type: 'string' },
  encoders: { type: 'string' },
  modalities: { type: 'string' },
  freeze: { type: 'string' },
  'class-weight': { type: 'string' },
  'head-lr': { type: 'string' },
  'encoder-lr': { type: 'string' },
  ablations: { type: 'boolean' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  split: { type: 'string' },
  validation: { type: 'string' },
  'no-eval': { type: 'boolean' },
  verbose: { type: 'boolean' },
  name: { type: 'string' },
  preview: { type: 'boolean' },
} as const;

export const command: CliCommand = {
  usage: [
    'usage: heartmind train --recipe default [options]',
    '       heartmind train DATASET [--encoders RUN|FILE.pth|random] [options]',
    '       heartmind train --resume RUN_ID [--out DIR]',
    '',
    'Trains, evaluates subject-wise (with the baseline and the ablations) and exports a model. Writes a',
    'run folder (config.json, metrics.jsonl, log.txt, plots/, checkpoints/, artifacts/). Ctrl+C pauses',
    'at the next step with a checkpoint; a second Ctrl+C (cancelled), SIGTERM or SIGHUP (interrupted) stop',
    'at once, keeping the checkpoints written. --resume RUN_ID continues from the last checkpoint in each',
    'case. Deterministic given --seed.',
    '',
    'recipe:',
    `  --recipe NAME           ${RECIPES.join(' | ')}. default (the shipped model): ECG encoder pretrained with dual`,
    '                          masking on the ECG in --data, EEG encoder on its EEG, fused head on the 12 EEGMAT subjects,',
    '                          leave-one-subject-out evaluation (fused / EEG-only / ECG-only × pretrained / random, with',
    '                          the baseline), final fit, export (half an hour on a quiet 2-core machine, about an hour on',
    '                          a busy one). quick: 4 subjects, tiny encoders, about a minute on such a machine (a tour of',
    '                          the pipeline, not a useful model)',
    '  --data DIR              the recordings (default ../shared/data)',
    '  --seed N --name NAME --no-eval, the export flags (below)   also apply to a recipe',
    '  default only:',
    '  --paper                 CBraMod\'s published scale (end-to-end fine-tuning, 40 pretraining epochs at batch 128; days on a CPU)',
    `  --layers N              criss-cross layers of both encoders (default ${CBRAMOD_ENCODER.nLayers}, CBraMod's)`,
    '  --eeg-checkpoint FILE   use an imported CBraMod pretrained_weights.pth instead of pretraining the EEG encoder',
    `  --pretrain-steps-eeg N, --pretrain-steps-ecg N   cap pretraining at N optimiser steps (default ${DEFAULT_PRETRAIN_STEPS.eeg} and ${DEFAULT_PRETRAIN_STEPS.ecg})`,
    '  A recipe fixes its dataset and fine-tuning, so the dataset and fine-tuning flags are refused with it (an',
    '  error lists them), and --recipe quick fixes its model too (no --layers, --paper, --eeg-checkpoint,',
    '  --pretrain-steps-*). --resume takes only --out, --data-dir and --verbose.',
    '',
    DATASET_USAGE,
    '',
    'fine-tuning on a dataset:',
    '  --encoders SRC          RUN_ID (its pretrained encoders), FILE.pth (CBraMod EEG checkpoint) or random (default)',
    '  --modalities fused|eeg|ecg   which encoders feed the head (default fused)',
    '  --freeze encoders|none  head only on cached embeddings (default) or end to end',
    '  --class-weight balanced|none   weigh the loss by n / (2·n_class) (default balanced) or not',
    `  --epochs N --batch N    (default ${DEFAULT_FINETUNE.epochs} and ${DEFAULT_FINETUNE.batchSize})`,
    LR_USAGE,
    `  --layers N              criss-cross layers of the encoders (default ${CBRAMOD_ENCODER.nLayers}; --encoders RUN brings its run's)`,
    '  --split loso|kfold:K    subject-wise evaluation (default loso); --no-eval skips it',
    '  --ablations             evaluate the ablations too, on the same folds: each modality of a fused model alone,',
    '                          and the same from random-init encoders when --encoders brings pretrained ones',
    `  --validation N          subjects per fold held out to choose the epoch (default ${DEFAULT_EVALUATION.validationSubjects}; 0 = last epoch)`,
    '  --preview               build the dataset and say what training would get (windows per class, subjects,',
    '                          the recordings worth a look, whether the evaluation can run); no run folder',
    '',
    'common:',
    RUNS_DIR_USAGE,
    `  --seed N                the encoders' initialisation and pretraining (default ${DEFAULT_RECIPE_SEED}; 0 to ${MAX_SEED});`,
    `                          fine-tuning and the folds use ${DEFAULT_FINETUNE.seed} (CBraMod's): docs/evaluation.md`,
    '  --name NAME             the run\'s name',
    `  --export-to DIR         write the model there, replacing one of the same id (the repository's models/ for`,
    '                          the shipped one); default: the app\'s user models folder, where the live model list',
    '                          shows it at once (an id it already holds is refused before the run starts)',
    '  --no-export             keep the model in the run folder only',
    `  --model-id ID --model-name NAME   registry id and name (default ${SHIPPED_MODEL_ID} for the recipe)`,
    '  --verbose               print every epoch',
    '',
    'examples:',
    '  heartmind train --recipe quick --no-export               # a tour of the pipeline, about a minute',
    '  heartmind train --eegmat ../shared/data/edf-eegmat --modalities eeg --preview',
    '  heartmind train --file rest.edf=rest --file task.edf=task --task task:rest,task --no-eval',
    '  heartmind train --session 3 --session 4 --labels self-report:arousal:5 --encoders RUN_ID',
  ].join('\n'),
  run,
};

/**
 * A fine-tuned model's id and name when --model-id / --model-name are not given. The name says what
 * the id says: two models from one dataset (EEG-only and fused, or two seeds) read alike in the
 * Models list otherwise.
 */
export function defaultExportName(task: string, dataset: string, modalities: ModalitySet, seed: number): { id: string; name: string } {
  const id = `${task}-${modalities}-${seed}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
  return { id, name: `${task} (${dataset}, ${modalities === 'fused' ? 'EEG + ECG' : modalities.toUpperCase()}, seed ${seed})` };
}

function exportOf(values: Record<string, unknown>, dflt: { id: string; name: string }, provenance: string): JobSpec['export'] {
  if (values['no-export']) return null;
  const id = (values['model-id'] as string | undefined) ?? dflt.id;
  const target = values['export-to'] ? { kind: 'dir' as const, dir: resolve(values['export-to'] as string) } : { kind: 'user' as const };
  return { modelId: id, name: (values['model-name'] as string | undefined) ?? dflt.name, version: '1.0.0', target, provenance };
}

/** Flags every mode takes. */
const COMMON_FLAGS = ['out', 'verbose', 'data-dir'];
const EXPORT_FLAGS = ['export-to', 'no-export', 'model-id', 'model-name'];
/** What a recipe takes: where the data is, the seed, the run's name, skipping the evaluation, the export. */
const RECIPE_FLAGS = [...COMMON_FLAGS, 'recipe', 'data', 'seed', 'name', 'no-eval', ...EXPORT_FLAGS];
/** The default recipe's model and pretraining knobs (the quick recipe's tiny encoders have none). */
const DEFAULT_RECIPE_FLAGS = [...RECIPE_FLAGS, 'layers', 'paper', 'eeg-checkpoint', 'pretrain-steps-eeg', 'pretrain-steps-ecg'];
const DATASET_MODE_FLAGS = [...COMMON_FLAGS, ...Object.keys(DATASET_FLAGS), 'encoders', 'modalities', 'freeze', 'class-weight', 'head-lr', 'encoder-lr', 'epochs', 'batch', 'split', 'validation', 'ablations', 'seed', 'layers', 'name', 'no-eval', 'preview', ...EXPORT_FLAGS];
const RESUME_FLAGS = [...COMMON_FLAGS, 'resume'];

/** Refuses the flags a mode would ignore, listing them after `why`. */
function refuseOthers(values: Record<string, unknown>, allowed: readonly string[], why: string): void {
  const extra = flagsOutside(values, allowed);
  if (extra.length) throw new CliUsageError(`${why}; ${extra.length === 1 ? 'this flag does' : 'these flags do'} not apply: ${extra.join(', ')}`);
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, TRAIN_FLAGS);
  if (positionals.length) throw new CliUsageError(`unexpected argument '${positionals[0]}'`);
  const store = new RunStore(runsRoot(values.out, values['data-dir']));
  const userModelsDir = resolve(values['data-dir'] ?? defaultDataDir(), 'models');
  if (values.resume) {
    refuseOthers(values, RESUME_FLAGS, '--resume continues a run with the configuration it was started with');
    if (!(await store.exists(values.resume))) {
      // A folder without its config.json is listed (as damaged) by the app: 'no run' would send the user looking elsewhere.
      // A damaged folder is a failure (exit 1), as is one whose status.json cannot be read: the command is right, the run's files are not.
      if (await store.listed(values.resume)) throw new TrainError(TrainErrorCode.CorruptRun, `run '${values.resume}' in ${store.root} is damaged: it has no config.json (the configuration it was started with), so it cannot resume`);
      throw new CliUsageError(`no run '${values.resume}' in ${store.root}`);
    }
    // Two processes training one run folder would overwrite each other's checkpoints and status.
    const status = await store.folder(values.resume).readStatus();
    // As the Training view answers: a finished run is not trained again (it only appended 'resuming… done' to its log).
    if (status.state === 'done') throw new CliUsageError(`run '${values.resume}' is finished; start a new run to train again`);
    // A run that failed on its input or settings would fail again the same way (resumeRefusal: the view offers no Resume there).
    const refusal = resumeRefusal(status);
    if (refusal) throw new CliUsageError(`run '${values.resume}' failed (${status.error!.message}); ${refusal}`);
    const live = runningElsewhere(status);
    if (live) throw new CliUsageError(`run '${values.resume}' is running in process ${live}: Ctrl+C there pauses it (or stop that process), then resume`);
    return runInProcess(store.folder(values.resume), io, { userModelsDir, dataDir: values['data-dir'], verbose: values.verbose });
  }
  const idProblem = values['model-id'] === undefined ? null : modelIdProblem(values['model-id']);
  if (idProblem) throw new CliUsageError(`--model-id: ${idProblem}`);
  const seed = seedFlag(values.seed) ?? DEFAULT_RECIPE_SEED;
  const command = commandLine(['heartmind', 'train', ...argv]);
  let spec: JobSpec;
  let where: ((s: InputOrigin) => string) | undefined;
  if (values.recipe) {
    if (!(RECIPES as readonly string[]).includes(values.recipe)) throw new CliUsageError(`unknown recipe '${values.recipe}' (${RECIPES.join(', ')})`);
    const dataDir = resolve(values.data ?? resolve('..', 'shared', 'data'));
    // The EEGMAT folder itself given as --data (a natural guess): said so, with the folder to give, rather than 'no such folder …/edf-eegmat/edf-eegmat'.
    if (values.data !== undefined && !existsSync(join(dataDir, 'edf-eegmat')) && existsSync(dataDir) && statSync(dataDir).isDirectory() && readdirSync(dataDir).some((n) => /^Subject\d+_[12]\.edf$/i.test(n))) {
      const instead = basename(dataDir) === 'edf-eegmat' ? `give --data ${dirname(dataDir)}` : `move them into a folder edf-eegmat inside the one you give`;
      throw new CliUsageError(`--data ${dataDir} holds the EEGMAT recordings themselves; a recipe takes the folder that holds edf-eegmat/ (and the ECG records in wfdb-*/, the EEG in edf-eegmmidb/), as ../shared/data does: ${instead}`);
    }
    if (values.recipe === 'quick') {
      refuseOthers(values, RECIPE_FLAGS, '--recipe quick fixes the dataset and the model (4 EEGMAT subjects, tiny encoders)');
      spec = quickRecipe(dataDir, seed);
    } else {
      refuseOthers(values, DEFAULT_RECIPE_FLAGS, '--recipe default fixes the dataset (EEGMAT in --data) and the fine-tuning');
      spec = defaultRecipe({
        dataDir,
        seed,
        layers: intFlag(values.layers, 'layers'),
        paper: values.paper,
        eegCheckpoint: values['eeg-checkpoint'] ? resolve(values['eeg-checkpoint']) : null,
        pretrainSteps: { eeg: intFlag(values['pretrain-steps-eeg'], 'pretrain-steps-eeg') ?? null, ecg: intFlag(values['pretrain-steps-ecg'], 'pretrain-steps-ecg') ?? null },
        command,
      });
    }
    spec.recipe = { name: spec.recipe?.name ?? values.recipe, command };
    if (values.name) spec.name = values.name;
    spec.export = exportOf(values, values.recipe === 'quick' ? { id: 'quick-try', name: 'Quick try (not a useful model)' } : { id: SHIPPED_MODEL_ID, name: 'HeartMind EEGMAT rest vs arithmetic (EEG + ECG)' }, command);
    if (values['no-eval']) spec.evaluation = null;
    // The recipe's recordings all live under --data: name it, and the file it lacks (and, when --data
    // was not given, that the folder is the default one, found from the working directory).
    where = () => (values.data !== undefined ? `--data ${dataDir}` : `the recordings folder ${dataDir} (the default, ../shared/data from here; give --data DIR)`);
  } else {
    const onlyRecipe = flagsOutside(values, DATASET_MODE_FLAGS);
    if (onlyRecipe.length) throw new CliUsageError(`${onlyRecipe.join(', ')} ${onlyRecipe.length === 1 ? 'applies' : 'apply'} only with --recipe (fine-tuning on a dataset takes --encoders, --modalities, --freeze, --class-weight, --head-lr, --encoder-lr, --epochs, --batch, --split, --validation, --ablations, --layers, --seed)`);
    const modalities = (values.modalities ?? 'fused') as ModalitySet;
    if (!['fused', 'eeg', 'ecg'].includes(modalities)) throw new CliUsageError(`--modalities must be fused, eeg or ecg, got '${modalities}'`);
    // The windows need the signals the model reads, no more (as the Training view builds them): an
    // EEG-only model on EEG-only recordings (a headset without a chest strap, eegmmidb) had every
    // window dropped for its missing ECG.
    const dataset = datasetFromFlags(values, { modalities: modalitiesOf(modalities) });
    if (!dataset) throw new CliUsageError('give --recipe, --resume, or a dataset (--eegmat, --file, --folder, --session, --dreamer)');
    const enc = parseEncoderSource(values.encoders);
    const init: EncoderInit = enc.kind === 'random' ? 'random' : 'pretrained';
    const validationSubjects = intFlag(values.validation, 'validation', 0) ?? DEFAULT_EVALUATION.validationSubjects;
    if (values['no-eval'] && (values.split !== undefined || values.validation !== undefined || values.ablations)) throw new CliUsageError(`--no-eval skips the evaluation; ${flagsGiven(values, ['split', 'validation', 'ablations']).join(' and ')} would be ignored`);
    const arms = values.ablations ? ablationArms(modalities, init) : [{ modalities, init }];
    // Ablations compare fused against each modality and pretrained against random encoders: one modality from random encoders has nothing to compare.
    if (values.ablations && arms.length === 1) throw new CliUsageError(`--ablations adds no arm to --modalities ${modalities} with random encoders (it compares fused against EEG and ECG alone, and pretrained against random encoders): leave it out, or use --modalities fused or pretrained --encoders`);
    const evaluation: EvaluationConfig | null = values['no-eval'] ? null : { ...DEFAULT_EVALUATION, split: parseSplit(values.split), validationSubjects, arms, seed: 3407 };
    const encoders: JobSpec['encoders'] = {};
    if (modalities !== 'ecg') encoders.eeg = enc;
    if (modalities !== 'eeg') encoders.ecg = enc.kind === 'pth' ? { kind: 'random' } : enc;
    const finetune = finetuneFromFlags(values, dataset.task!, { modalities, init, seed: 3407 });
    spec = {
      kind: 'finetune',
      name: values.name ?? `${dataset.name} ${modalities}`,
      seed,
      dataset,
      corpora: {},
      pretrain: {},
      encoders,
      encoderConfig: encoderConfigFromFlags(values, enc),
      finetune,
      evaluation,
      finalFit: true,
      export: null,
      recipe: { name: 'custom', command },
    };
    spec.export = exportOf(values, defaultExportName(dataset.task!.name, dataset.name, modalities, seed), command);
  }
  // Exporting into your models under an id they hold would replace that model (perhaps another run's) without a word.
  // A folder named with --export-to (the repository's models/ for the shipped model) is rewritten on purpose.
  // The quick recipe's own 'quick-try' (a throwaway, "not a useful model") is replaced, so the tour runs again as it is.
  const throwaway = values.recipe === 'quick' && values['model-id'] === undefined;
  if (!values.preview && spec.export?.target.kind === 'user' && !throwaway && existsSync(join(userModelsDir, spec.export.modelId))) {
    throw new CliUsageError(`your models already hold a model '${spec.export.modelId}' (${join(userModelsDir, spec.export.modelId)}): give another --model-id, --no-export, or --export-to DIR`);
  }
  // One recordings database for the checks and the run (opened only when the dataset names sessions).
  const db = new DatabaseSession(values['data-dir']);
  try {
    await checkCommandInputs(spec, store, db, where);
    if (values.preview) return await printPreview(spec, db, io, spec.finetune!.modalities);
    const folder = await store.create(spec);
    return await runInProcess(folder, io, { userModelsDir, dataDir: values['data-dir'], verbose: values.verbose, db });
  } finally {
    await db.close();
  }
}
