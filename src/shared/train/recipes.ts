// Recipes: whole jobs by name. 'default' is the shipped model's recipe, sized to finish in about
// 26 minutes on the quiet 2-core development machine with jax-js WASM (26–50 min depending on its
// load; docs/training.md has the breakdown); '--paper' switches to CBraMod's
// published scale (end-to-end fine-tuning, 40-epoch pretraining at batch 128), which takes days on
// a CPU. docs/training.md explains every choice.
import { CBRAMOD_ENCODER, TASK_MENTAL_ARITHMETIC, encoderWithLayers } from '../model/config';
import type { EncoderConfig } from '../model/model.types';
import { TEN_TWENTY_19 } from '../pipeline/montage';
import type { WindowingOptions } from '../datasets/windows.types';
import { DEFAULT_EVALUATION, DEFAULT_FINETUNE } from './defaults';
import { DEFAULT_ECG_MASK, DEFAULT_EEG_MASK } from './masking';
import { ADAMW_DEFAULTS } from './optimizer';
import type { DatasetSpec, EncoderSource, ExportSpec, JobSpec, SourceSpec } from './job.types';
import type { EvaluationConfig, PretrainConfig } from './train.types';

export const DEFAULT_RECIPE_SEED = 42;
export const SHIPPED_MODEL_ID = 'heartmind-eegmat-arithmetic';

export interface RecipeOptions {
  /** Folder holding the recordings (the repository's ../shared/data). */
  dataDir: string;
  seed?: number;
  /** Criss-cross layers of both encoders (CBraMod: 12). */
  layers?: number;
  /** CBraMod's published scale (slow). */
  paper?: boolean;
  /** An imported CBraMod checkpoint for the EEG encoder instead of pretraining it. */
  eegCheckpoint?: string | null;
  /** Pretraining budget in optimiser steps (per encoder); null = the recipe's epochs. */
  pretrainSteps?: { eeg?: number | null; ecg?: number | null };
  export?: ExportSpec | null;
  /** The command line that made it (recorded in the card). */
  command?: string;
}

const join = (dir: string, name: string) => `${dir.replace(/[\\/]+$/, '')}/${name}`;

/** Windows of the pretraining corpora: 5 s, no overlap, every channel of a recording. */
export function corpusWindowing(modality: 'eeg' | 'ecg', mainsHz: number): WindowingOptions {
  return { windowSec: 5, hopSec: 5, eegMontage: 'auto', ecgMontage: 'device', mainsHz, modalities: [modality], require: 'any' };
}

/** EEGMAT, labelled rest vs arithmetic: CBraMod's 5-s windows, 19 channels in MODEL.md's order, the ECG lead. */
export function eegmatDataset(dataDir: string): DatasetSpec {
  return {
    name: 'EEGMAT (rest vs mental arithmetic)',
    sources: [{ kind: 'eegmat', dir: join(dataDir, 'edf-eegmat') }],
    task: TASK_MENTAL_ARITHMETIC,
    labels: { kind: 'file' },
    windowing: { windowSec: 5, hopSec: 5, eegMontage: [...TEN_TWENTY_19], ecgMontage: 'device', mainsHz: 50, modalities: ['eeg', 'ecg'], require: 'all' },
  };
}

/** The 12 standard leads (PTB stores 3 Frank leads after them). */
export const TWELVE_LEADS = ['i', 'ii', 'iii', 'avr', 'avl', 'avf', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'];

/**
 * The real ECG here: PhysioNet WFDB records (MIT-BIH 100: 2 leads, 30 min; PTB s0010_re and LUDB 1:
 * 12 leads; macecgdb test01_00s: its first 2 of 4 channels) and the EEGMAT ECG lead (1 lead), each
 * notched at its country's mains. Three lead counts (1, 2, 12): every distinct batch shape costs a
 * jit compilation of the whole training step (minutes at 12 layers), so records are brought to these.
 */
export function ecgCorpus(dataDir: string): DatasetSpec {
  const sources: SourceSpec[] = [
    { kind: 'file', path: join(dataDir, 'wfdb-mitdb/100.hea'), subject: 'mitdb-100', mainsHz: 60 },
    { kind: 'file', path: join(dataDir, 'wfdb-ptbdb/s0010_re.hea'), subject: 'ptbdb-patient001', mainsHz: 50, ecgMontage: TWELVE_LEADS },
    { kind: 'file', path: join(dataDir, 'wfdb-ludb/1.hea'), subject: 'ludb-1', mainsHz: 50, ecgMontage: TWELVE_LEADS },
    { kind: 'file', path: join(dataDir, 'wfdb-macecgdb/test01_00s.hea'), subject: 'macecgdb-test01', mainsHz: 60, ecgMontage: ['ECG 1', 'ECG 2'] },
    { kind: 'eegmat', dir: join(dataDir, 'edf-eegmat') },
  ];
  return { name: 'ECG corpus (WFDB records + EEGMAT ECG)', sources, task: null, labels: { kind: 'none' }, windowing: corpusWindowing('ecg', 50) };
}

/**
 * The real EEG here: EEGMAT (19 ch, 12 subjects) and EEG Motor Movement/Imagery S001R04 (64 ch at
 * 160 Hz, US mains), taken at the same 19 10-20 positions: one batch shape (one jit compilation),
 * and a 64-channel batch at 12 layers would not fit jax-js's 4 GiB WASM memory. The montage names
 * them as EEGMAT's do: labels match by electrodeKey, which reads EEGMMIDB's dot-padded 10-10 names
 * ('T7..') as these ('T3'). Named rather than 'auto', which would take all 64 channels of a file
 * lacking one of the 19.
 */
export function eegCorpus(dataDir: string): DatasetSpec {
  const sources: SourceSpec[] = [
    { kind: 'eegmat', dir: join(dataDir, 'edf-eegmat') },
    { kind: 'file', path: join(dataDir, 'edf-eegmmidb/S001R04.edf'), subject: 'eegmmidb-S001', mainsHz: 60, eegMontage: [...TEN_TWENTY_19] },
  ];
  return { name: 'EEG corpus (EEGMAT + eegmmidb S001R04)', sources, task: null, labels: { kind: 'none' }, windowing: corpusWindowing('eeg', 50) };
}

/**
 * Default pretraining budgets in optimiser steps: EEG at batch 16 (about 5½ epochs of the EEG
 * corpus), ECG at batch 32 (about 7 epochs). At 12 layers jax-js compiles a batch-16 EEG step in
 * well under a minute and a batch-32 one in over three, in 4.2 instead of 2.5 GiB; see docs/training.md.
 */
export const DEFAULT_PRETRAIN_STEPS = { eeg: 200, ecg: 200 } as const;
export const DEFAULT_PRETRAIN_BATCH = { eeg: 16, ecg: 32 } as const;

export function pretrainConfig(modality: 'eeg' | 'ecg', encoder: EncoderConfig, seed: number, paper: boolean, maxSteps: number | null): PretrainConfig {
  return {
    modality,
    encoder,
    mask: modality === 'eeg' ? DEFAULT_EEG_MASK : DEFAULT_ECG_MASK,
    optimizer: { ...ADAMW_DEFAULTS },
    // CBraMod: 40 epochs at batch 128. Ours by default: a short budget (the corpora are minutes long).
    epochs: paper ? 40 : modality === 'eeg' ? 8 : 20,
    batchSize: paper ? 128 : DEFAULT_PRETRAIN_BATCH[modality],
    maxSteps,
    checkpointEverySteps: modality === 'eeg' ? 20 : 25,
    seed,
  };
}

/** The shipped model's job. */
export function defaultRecipe(o: RecipeOptions): JobSpec {
  const seed = o.seed ?? DEFAULT_RECIPE_SEED;
  const paper = o.paper ?? false;
  const enc = o.layers === undefined ? { ...CBRAMOD_ENCODER } : encoderWithLayers(o.layers);
  const eegSource: EncoderSource = o.eegCheckpoint ? { kind: 'pth', path: o.eegCheckpoint } : { kind: 'pretrain' };
  const evaluation: EvaluationConfig = {
    ...DEFAULT_EVALUATION,
    arms: [
      { modalities: 'fused', init: 'pretrained' },
      { modalities: 'eeg', init: 'pretrained' },
      { modalities: 'ecg', init: 'pretrained' },
      { modalities: 'fused', init: 'random' },
      { modalities: 'eeg', init: 'random' },
      { modalities: 'ecg', init: 'random' },
    ],
    seed: 3407,
  };
  return {
    kind: 'recipe',
    name: paper ? 'EEGMAT paper-scale' : 'EEGMAT default',
    seed,
    dataset: eegmatDataset(o.dataDir),
    corpora: { ecg: ecgCorpus(o.dataDir), ...(o.eegCheckpoint ? {} : { eeg: eegCorpus(o.dataDir) }) },
    pretrain: {
      ecg: pretrainConfig('ecg', enc, seed, paper, o.pretrainSteps?.ecg ?? (paper ? null : DEFAULT_PRETRAIN_STEPS.ecg)),
      ...(o.eegCheckpoint ? {} : { eeg: pretrainConfig('eeg', enc, seed, paper, o.pretrainSteps?.eeg ?? (paper ? null : DEFAULT_PRETRAIN_STEPS.eeg)) }),
    },
    encoders: { eeg: eegSource, ecg: { kind: 'pretrain' } },
    // An imported EEG encoder is not pretrained here, so no pretrain config carries its size: --layers says it.
    ...(o.eegCheckpoint ? { encoderConfig: enc } : {}),
    finetune: { ...DEFAULT_FINETUNE, task: TASK_MENTAL_ARITHMETIC, freeze: paper ? 'none' : 'encoders', seed: 3407 },
    evaluation,
    finalFit: true,
    export: o.export === undefined ? null : o.export,
    recipe: { name: paper ? 'default --paper' : 'default', command: o.command ?? 'heartmind train --recipe default' },
  };
}

/**
 * A wiring-size encoder (d_model 40, one layer) for trying the app and for end-to-end tests: it
 * trains in seconds and learns little. Never shipped.
 */
export const QUICK_ENCODER: EncoderConfig = {
  ...encoderWithLayers(1),
  dModel: 40,
  headsPerHalf: 2,
  dimFeedforward: 80,
  convChannels: 5,
  groupNormGroups: 5,
  acpeKernel: [3, 3],
  acpePadding: [1, 1],
};

/**
 * A quick job over the same data for trying the Training view: 4 EEGMAT subjects, wiring-size
 * encoders pretrained for a few steps on one subject, 2-fold evaluation by subject, no export.
 */
export function quickRecipe(dataDir: string, seed = DEFAULT_RECIPE_SEED): JobSpec {
  const spec = defaultRecipe({ dataDir, seed, pretrainSteps: { eeg: 3, ecg: 3 }, export: null, command: 'Training view: quick try' });
  spec.name = 'Quick try (4 subjects, tiny encoders)';
  const eegmat = (subjects: string[]): SourceSpec => ({ kind: 'eegmat', dir: join(dataDir, 'edf-eegmat'), subjects });
  // Not Subject02: its rest recording's ECG lead is noise without a QRS (the pipeline's 'no-qrs'), so
  // a fused dataset holds its arithmetic windows only, and a 2-fold split with a validation subject
  // can leave a fold training on that one subject (one class: nothing to learn).
  spec.dataset!.sources = [eegmat(['Subject00', 'Subject01', 'Subject03', 'Subject04'])];
  spec.corpora = { ecg: { ...spec.corpora.ecg!, sources: [eegmat(['Subject00'])] }, eeg: { ...spec.corpora.eeg!, sources: [eegmat(['Subject00'])] } };
  for (const m of ['eeg', 'ecg'] as const) spec.pretrain[m] = { ...spec.pretrain[m]!, encoder: { ...QUICK_ENCODER }, batchSize: 16, checkpointEverySteps: 2 };
  spec.evaluation = { ...spec.evaluation!, split: { kind: 'kfold', k: 2 }, validationSubjects: 1, arms: [{ modalities: 'fused', init: 'pretrained' }, { modalities: 'eeg', init: 'pretrained' }, { modalities: 'ecg', init: 'pretrained' }, { modalities: 'fused', init: 'random' }] };
  spec.finetune = { ...spec.finetune!, epochs: 6, batchSize: 32, headLr: 2e-3 };
  spec.recipe = { name: 'quick', command: 'Training view: quick try' };
  return spec;
}

export const RECIPES = ['default', 'quick'] as const;
