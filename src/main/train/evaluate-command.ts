// `heartmind evaluate`: the subject-wise evaluation alone (no final model): every ablation arm asked
// for and the baseline, on the same folds, with per-fold figures and mean ± sd.
import { CliUsageError, commandLine, intFlag, parseFlags, type CliCommand, type CliIo } from '../core/cli-command';
import { CBRAMOD_ENCODER } from '../../shared/model/config';
import { DEFAULT_EVALUATION } from '../../shared/train/evaluate';
import { DEFAULT_FINETUNE } from '../../shared/train/finetune';
import type { JobSpec } from '../../shared/train/job.types';
import { DEFAULT_RECIPE_SEED } from '../../shared/train/recipes';
import type { EncoderInit, ModalitySet } from '../../shared/train/train.types';
import { modalitiesOf } from '../../shared/train/trainable';
import { checkCommandInputs, DatabaseSession, printPreview, DATASET_FLAGS, DATASET_USAGE, datasetFromFlags, encoderConfigFromFlags, finetuneFromFlags, LR_USAGE, parseEncoderSource, parseSplit, runInProcess, runsRoot, RUNS_DIR_USAGE, seedFlag } from './cli-train';
import { RunStore } from './run-store';

export const command: CliCommand = {
  usage: [
    'usage: heartmind evaluate DATASET [--encoders RUN|FILE.pth|random] [options]',
    '',
    'Subject-wise evaluation (leave-one-subject-out or k-fold by subject; never one subject in train and',
    'test) of the fused model and its ablations, with the band-power + heart-rate logistic regression',
    'baseline on the same folds: AUROC, AUC-PR, F1 (binary, weighted), balanced accuracy, Cohen\'s κ per',
    'fold and mean ± sd, ROC curves and confusion matrices in the run folder.',
    '',
    DATASET_USAGE,
    '',
    '  --encoders SRC          RUN_ID, FILE.pth or random (default random)',
    '  --arms LIST             e.g. fused,eeg,ecg (default) or fused/pretrained,fused/random',
    '  --split loso|kfold:K    (default loso)',
    `  --validation N          subjects per fold held out to choose the epoch (default ${DEFAULT_EVALUATION.validationSubjects}; 0 = last epoch)`,
    '  --freeze encoders|none  head only on cached embeddings (default) or end to end',
    '  --class-weight balanced|none   weigh the loss by n / (2·n_class) (default balanced) or not',
    `  --epochs N --batch N    (default ${DEFAULT_FINETUNE.epochs} and ${DEFAULT_FINETUNE.batchSize})`,
    LR_USAGE,
    `  --layers N              criss-cross layers of the encoders (default ${CBRAMOD_ENCODER.nLayers}; --encoders RUN brings its run's)`,
    `  --seed N                the weights of every randomly initialised encoder (default ${DEFAULT_RECIPE_SEED}): --encoders random`,
    '                          (the default), arms written /random, the ECG encoder beside a FILE.pth. Nothing else:',
    `                          the head, batch order and folds use ${DEFAULT_FINETUNE.seed}, the baseline's inner folds 0, so pretrained`,
    '                          encoders and the baseline give the same figures at any --seed (docs/evaluation.md)',
    '  --name NAME             the run\'s name (default "evaluate <dataset>")',
    '  --verbose               print every epoch',
    RUNS_DIR_USAGE,
    '  --preview               build the dataset and say what the evaluation would get (windows per class,',
    '                          subjects, the recordings worth a look, whether its folds can be made); no run folder',
    '',
    'examples:',
    '  heartmind evaluate --eegmat ../shared/data/edf-eegmat --preview',
    '  heartmind evaluate --eegmat ../shared/data/edf-eegmat --arms fused,eeg,ecg --split kfold:4',
  ].join('\n'),
  run,
};

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    ...DATASET_FLAGS,
    encoders: { type: 'string' },
    arms: { type: 'string' },
    split: { type: 'string' },
    validation: { type: 'string' },
    freeze: { type: 'string' },
    'class-weight': { type: 'string' },
    'head-lr': { type: 'string' },
    'encoder-lr': { type: 'string' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    layers: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    verbose: { type: 'boolean' },
    preview: { type: 'boolean' },
  });
  if (positionals.length) throw new CliUsageError(`unexpected argument '${positionals[0]}'`);
  const dataset = datasetFromFlags(values);
  if (!dataset) throw new CliUsageError('give a labelled dataset (--eegmat, --file … --task … --labels …, --dreamer, --session)');
  const enc = parseEncoderSource(values.encoders);
  const dfltInit: EncoderInit = enc.kind === 'random' ? 'random' : 'pretrained';
  const arms = (values.arms ?? 'fused,eeg,ecg').split(',').map((a) => {
    const [m, i, ...rest] = a.split('/');
    if (!['fused', 'eeg', 'ecg'].includes(m) || (i !== undefined && !['pretrained', 'random'].includes(i)) || rest.length) throw new CliUsageError(`--arms: '${a}' is not fused|eeg|ecg[/pretrained|random]`);
    return { modalities: m as ModalitySet, init: (i ?? dfltInit) as EncoderInit };
  });
  // The same arm twice trained it twice on the same folds and reported it twice.
  const names = arms.map((a) => `${a.modalities}/${a.init}`);
  const k = names.findIndex((n, j) => names.indexOf(n) !== j);
  if (k >= 0) {
    const written = (values.arms ?? '').split(',');
    const same = written[names.indexOf(names[k])] === written[k];
    throw new CliUsageError(`--arms names ${names[k]} twice${same ? '' : ` (an arm without /pretrained or /random is ${dfltInit}, from --encoders)`}`);
  }
  // The windows need the signals the arms read, no more (every arm is scored on the same windows):
  // `--arms eeg` on EEG-only recordings had every window dropped for its missing ECG.
  dataset.windowing = { ...dataset.windowing, modalities: (['eeg', 'ecg'] as const).filter((m) => arms.some((a) => modalitiesOf(a.modalities).includes(m))) };
  const validation = intFlag(values.validation, 'validation', 0) ?? DEFAULT_EVALUATION.validationSubjects;
  const finetune = finetuneFromFlags(values, dataset.task!);
  const spec: JobSpec = {
    kind: 'evaluate',
    name: values.name ?? `evaluate ${dataset.name}`,
    seed: seedFlag(values.seed) ?? DEFAULT_RECIPE_SEED,
    dataset,
    corpora: {},
    pretrain: {},
    encoders: Object.fromEntries((['eeg', 'ecg'] as const).filter((m) => arms.some((a) => a.modalities === 'fused' || a.modalities === m)).map((m) => [m, m === 'ecg' && enc.kind === 'pth' ? { kind: 'random' } : enc])),
    encoderConfig: encoderConfigFromFlags(values, enc),
    finetune,
    evaluation: { ...DEFAULT_EVALUATION, split: parseSplit(values.split), validationSubjects: validation, arms },
    finalFit: false,
    export: null,
    recipe: { name: 'evaluate', command: commandLine(['heartmind', 'evaluate', ...argv]) },
  };
  const store = new RunStore(runsRoot(values.out, values['data-dir']));
  // One recordings database for the checks and the run (opened only when the dataset names sessions).
  const db = new DatabaseSession(values['data-dir']);
  try {
    await checkCommandInputs(spec, store, db);
    // Checked on the windows every arm is scored on: with both signals where a fused arm, or an EEG and an ECG arm, needs them.
    if (values.preview) return await printPreview(spec, db, io, dataset.windowing.modalities.length > 1 ? 'fused' : dataset.windowing.modalities[0]);
    const folder = await store.create(spec);
    return await runInProcess(folder, io, { dataDir: values['data-dir'], verbose: values.verbose, db });
  } finally {
    await db.close();
  }
}
