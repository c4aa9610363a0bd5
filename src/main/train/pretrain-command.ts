// `heartmind pretrain`: self-supervised pretraining of one encoder (EEG masked patches or ECG dual
// masking) on any EEG or ECG recordings; the encoder lands in the run folder for later runs
// (`heartmind train DATASET --encoders RUN_ID`).
import { CliUsageError, parseFlags, type CliCommand, type CliIo } from '../core/cli-command';
import { CBRAMOD_ENCODER, encoderWithLayers } from '../../shared/model/config';
import { DEFAULT_ECG_MASK, DEFAULT_EEG_MASK } from '../../shared/train/masking';
import { pretrainConfig } from '../../shared/train/recipes';
import type { JobSpec } from '../../shared/train/job.types';
import { DATASET_FLAGS, DATASET_USAGE, datasetFromFlags, runInProcess, runsRoot } from './cli-train';
import { RunStore } from './run-store';

export const command: CliCommand = {
  usage: [
    'usage: heartmind pretrain --modality eeg|ecg DATASET [options]',
    '',
    'Masked patch reconstruction (CBraMod): EEG masks patches at random (Bernoulli 0.5); ECG uses dual',
    'masking (whole leads, then time patches of the visible leads). AdamW 5e-4, weight decay 0.05, cosine',
    'to 1e-5, gradient clip 1. Checkpoints every N steps; Ctrl+C pauses, heartmind train --resume continues.',
    '',
    DATASET_USAGE,
    '',
    '  --modality eeg|ecg      which encoder',
    '  --layers N              criss-cross layers (default 12)',
    '  --epochs N --batch N    (default 8/20 epochs for EEG/ECG, batch 32)',
    '  --steps N               stop after N optimiser steps',
    '  --lr X                  peak learning rate (default 5e-4)',
    '  --patch-ratio R         fraction of time patches masked (default 0.5)',
    `  --lead-ratio R          ECG: expected fraction of leads masked whole (default ${DEFAULT_ECG_MASK.leadRatio})`,
    `  --temporal shared|per-lead   ECG: the same time patches in every visible lead (default) or independent`,
    '  --checkpoint-every N    steps between checkpoints',
    '  --seed N --out DIR --name NAME --verbose',
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
  if (m !== 'eeg' && m !== 'ecg') throw new CliUsageError('--modality must be eeg or ecg');
  const dataset = datasetFromFlags(values, { modalities: [m], unlabelled: true });
  if (!dataset) throw new CliUsageError('give the recordings to pretrain on (--file, --folder, --eegmat, --session)');
  const num = (k: string, v: string | undefined, int = true) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (int && !Number.isInteger(n))) throw new CliUsageError(`--${k} must be a positive ${int ? 'integer' : 'number'}, got '${v}'`);
    return n;
  };
  const seed = num('seed', values.seed) ?? 42;
  const layers = num('layers', values.layers);
  const cfg = pretrainConfig(m, layers ? encoderWithLayers(layers) : { ...CBRAMOD_ENCODER }, seed, false, num('steps', values.steps) ?? null);
  cfg.epochs = num('epochs', values.epochs) ?? cfg.epochs;
  cfg.batchSize = num('batch', values.batch) ?? cfg.batchSize;
  cfg.optimizer.lr = num('lr', values.lr, false) ?? cfg.optimizer.lr;
  cfg.checkpointEverySteps = num('checkpoint-every', values['checkpoint-every']) ?? cfg.checkpointEverySteps;
  const pr = values['patch-ratio'] !== undefined ? Number(values['patch-ratio']) : undefined;
  if (m === 'eeg') cfg.mask = { ...DEFAULT_EEG_MASK, ...(pr !== undefined ? { patchRatio: pr } : {}) };
  else {
    const temporal = (values.temporal ?? DEFAULT_ECG_MASK.temporal) as 'shared' | 'per-lead';
    if (temporal !== 'shared' && temporal !== 'per-lead') throw new CliUsageError('--temporal must be shared or per-lead');
    cfg.mask = { ...DEFAULT_ECG_MASK, temporal, ...(pr !== undefined ? { patchRatio: pr } : {}), ...(values['lead-ratio'] !== undefined ? { leadRatio: Number(values['lead-ratio']) } : {}) };
  }
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
    recipe: { name: 'pretrain', command: `heartmind pretrain ${argv.join(' ')}` },
  };
  const folder = await new RunStore(runsRoot(values.out)).create(spec);
  const code = await runInProcess(folder, io, { verbose: values.verbose });
  if (code === 0) io.out(`use it: heartmind train DATASET --encoders ${folder.id}${values.out ? ` --out ${values.out}` : ''}`);
  return code;
}
