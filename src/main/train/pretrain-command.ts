// `heartmind pretrain`: self-supervised pretraining of one encoder (EEG masked patches or ECG dual
// masking) on any EEG or ECG recordings; the encoder lands in the run folder for later runs
// (`heartmind train DATASET --encoders RUN_ID`).
import { CliUsageError, commandLine, intFlag, numberFlag, parseFlags, type CliCommand, type CliIo } from '../core/cli-command';
import { CBRAMOD_ENCODER } from '../../shared/model/config';
import { DEFAULT_ECG_MASK, DEFAULT_EEG_MASK } from '../../shared/train/masking';
import { ADAMW_DEFAULTS, validateOptimizer } from '../../shared/train/optimizer';
import { validatePretrain } from '../../shared/train/pretrain';
import { DEFAULT_RECIPE_SEED, pretrainConfig } from '../../shared/train/recipes';
import type { JobSpec } from '../../shared/train/job.types';
import { checkCommandInputs, checkConfig, CORPUS_USAGE, DatabaseSession, DATASET_FLAGS, datasetFromFlags, encoderConfigFromFlags, flagsGiven, ratioFlag, runFolderFlags, runInProcess, runsRoot, RUNS_DIR_USAGE, seedFlag } from './cli-train';
import { RunStore } from './run-store';

const EEG_DEFAULTS = pretrainConfig('eeg', CBRAMOD_ENCODER, DEFAULT_RECIPE_SEED, false, null);
const ECG_DEFAULTS = pretrainConfig('ecg', CBRAMOD_ENCODER, DEFAULT_RECIPE_SEED, false, null);

export const command: CliCommand = {
  usage: [
    'usage: heartmind pretrain --modality eeg|ecg DATASET [options]',
    '',
    `Masked patch reconstruction (CBraMod): EEG masks patches at random (Bernoulli ${DEFAULT_EEG_MASK.patchRatio}); ECG uses dual`,
    `masking (whole leads, then time patches of the visible leads). AdamW ${ADAMW_DEFAULTS.lr.toExponential()}, weight decay ${ADAMW_DEFAULTS.weightDecay}, cosine`,
    `to ${ADAMW_DEFAULTS.etaMin.toExponential()}, gradient clip ${ADAMW_DEFAULTS.clipNorm}. Checkpoints every N steps; Ctrl+C pauses, heartmind train --resume continues.`,
    '',
    CORPUS_USAGE,
    '',
    '  --modality eeg|ecg      which encoder',
    `  --layers N              criss-cross layers (default ${CBRAMOD_ENCODER.nLayers})`,
    `  --epochs N --batch N    (default ${EEG_DEFAULTS.epochs} epochs at batch ${EEG_DEFAULTS.batchSize} for EEG, ${ECG_DEFAULTS.epochs} at batch ${ECG_DEFAULTS.batchSize} for ECG)`,
    '  --steps N               stop after N optimiser steps',
    `  --lr X                  peak learning rate (default ${ADAMW_DEFAULTS.lr.toExponential()})`,
    `  --patch-ratio R         fraction of time patches masked, in [0, 1) (default ${DEFAULT_EEG_MASK.patchRatio} EEG, ${DEFAULT_ECG_MASK.patchRatio} ECG)`,
    `  --lead-ratio R          ECG: expected fraction of leads masked whole, in [0, 1) (default ${DEFAULT_ECG_MASK.leadRatio})`,
    `  --temporal shared|per-lead   ECG: the same time patches in every visible lead (default) or independent`,
    `  --checkpoint-every N    steps between checkpoints (default ${EEG_DEFAULTS.checkpointEverySteps} EEG, ${ECG_DEFAULTS.checkpointEverySteps} ECG)`,
    `  --seed N                the encoder's initialisation, data order, masks and dropout (default ${DEFAULT_RECIPE_SEED}):`,
    '                          the same seed and settings give the same weights, paused and resumed or not',
    '  --name NAME             the run\'s name (default "EEG pretraining on <dataset>", or ECG)',
    '  --verbose               print every epoch\'s loss',
    RUNS_DIR_USAGE,
    '',
    'examples:',
    '  heartmind pretrain --modality ecg --folder ../shared/data/wfdb-ludb --layers 1 --steps 20',
    '  heartmind pretrain --modality eeg --eegmat ../shared/data/edf-eegmat --steps 200',
  ].join('\n'),
  run,
};

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    ...DATASET_FLAGS,
    modality: { type: 'string' },
    layers: { type: 'string' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    steps: { type: 'string' },
    lr: { type: 'string' },
    'patch-ratio': { type: 'string' },
    'lead-ratio': { type: 'string' },
    temporal: { type: 'string' },
    'checkpoint-every': { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    verbose: { type: 'boolean' },
  });
  if (positionals.length) throw new CliUsageError(`unexpected argument '${positionals[0]}'`);
  const m = values.modality;
  if (m !== 'eeg' && m !== 'ecg') throw new CliUsageError(`--modality must be eeg or ecg${m === undefined ? '' : `, got '${m}'`}`);
  // Pretraining reads no labels: label flags would be dropped in silence.
  const labelFlags = flagsGiven(values, ['task', 'labels', 'dimension', 'threshold']);
  if (labelFlags.length) throw new CliUsageError(`pretraining reads no labels; ${labelFlags.join(', ')} ${labelFlags.length === 1 ? 'does' : 'do'} not apply`);
  if (m === 'eeg') {
    const ecgOnly = flagsGiven(values, ['lead-ratio', 'temporal']);
    if (ecgOnly.length) throw new CliUsageError(`${ecgOnly.join(', ')} ${ecgOnly.length === 1 ? 'applies' : 'apply'} to ECG pretraining only (--modality ecg)`);
  }
  const dataset = datasetFromFlags(values, { modalities: [m], unlabelled: true });
  if (!dataset) throw new CliUsageError('give the recordings to pretrain on (--file, --folder, --eegmat, --session, --dreamer)');
  const seed = seedFlag(values.seed) ?? DEFAULT_RECIPE_SEED;
  const cfg = pretrainConfig(m, encoderConfigFromFlags(values), seed, false, intFlag(values.steps, 'steps') ?? null);
  cfg.epochs = intFlag(values.epochs, 'epochs') ?? cfg.epochs;
  cfg.batchSize = intFlag(values.batch, 'batch') ?? cfg.batchSize;
  cfg.optimizer.lr = numberFlag(values.lr, 'lr', { above: 0, below: 1 }) ?? cfg.optimizer.lr;
  cfg.checkpointEverySteps = intFlag(values['checkpoint-every'], 'checkpoint-every') ?? cfg.checkpointEverySteps;
  const patchRatio = ratioFlag(values['patch-ratio'], 'patch-ratio');
  if (m === 'eeg') cfg.mask = { ...DEFAULT_EEG_MASK, ...(patchRatio !== undefined ? { patchRatio } : {}) };
  else {
    const temporal = (values.temporal ?? DEFAULT_ECG_MASK.temporal) as 'shared' | 'per-lead';
    if (temporal !== 'shared' && temporal !== 'per-lead') throw new CliUsageError(`--temporal must be shared or per-lead, got '${temporal}'`);
    const leadRatio = ratioFlag(values['lead-ratio'], 'lead-ratio');
    cfg.mask = { ...DEFAULT_ECG_MASK, temporal, ...(patchRatio !== undefined ? { patchRatio } : {}), ...(leadRatio !== undefined ? { leadRatio } : {}) };
  }
  // What is left to refuse is a combination (a mask that masks nothing, a learning rate ≥ 1): the run's own checks, now.
  checkConfig(() => {
    validatePretrain(cfg);
    validateOptimizer(cfg.optimizer);
  });
  const spec: JobSpec = {
    kind: 'pretrain',
    name: values.name ?? `${m.toUpperCase()} pretraining on ${dataset.name}`,
    seed,
    dataset: null,
    corpora: { [m]: dataset },
    pretrain: { [m]: cfg },
    encoders: { [m]: { kind: 'pretrain' } },
    finetune: null,
    evaluation: null,
    finalFit: false,
    export: null,
    recipe: { name: 'pretrain', command: commandLine(['heartmind', 'pretrain', ...argv]) },
  };
  const store = new RunStore(runsRoot(values.out, values['data-dir']));
  // One recordings database for the checks and the run (opened only when the corpus names sessions):
  // a --session the database lacks is refused here, not after a run folder is made.
  const db = new DatabaseSession(values['data-dir']);
  try {
    await checkCommandInputs(spec, store, db);
    const folder = await store.create(spec);
    const code = await runInProcess(folder, io, { dataDir: values['data-dir'], verbose: values.verbose, db });
    // The run holds one encoder: `--encoders RUN` alone asks for both (fused) and was refused ('has no pretrained EEG encoder').
    if (code === 0) io.out(`use it: heartmind train DATASET ${commandLine(['--encoders', folder.id, '--modalities', m, ...runFolderFlags(store.root, values['data-dir'])])}`);
    return code;
  } finally {
    await db.close();
  }
}
