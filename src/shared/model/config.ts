// Configuration of the fused model: CBraMod's encoder hyper-parameters (../shared/MODEL.md), the
// input convention (200 Hz, 1-s patches, µV ÷ 100), and validation of whole model configs.
import { MODEL_RATE_HZ } from '../window.types';
import type { EncoderConfig, FusedModelConfig, InputContract, ModalityContract, TaskSpec } from './model.types';

/** Samples per 1-second patch at MODEL_RATE_HZ. */
export const PATCH_SAMPLES = MODEL_RATE_HZ;
/** CBraMod reads µV ÷ 100 (every dataset class and the pretraining loop divide by 100). */
export const INPUT_SCALE_DIVISOR_UV = 100;
/** Bins of a real FFT of one patch. */
export const SPECTRAL_BINS = PATCH_SAMPLES / 2 + 1;

/** CBraMod as published: 4,883,800 backbone parameters (4,924,000 with proj_out). */
export const CBRAMOD_ENCODER: Readonly<EncoderConfig> = Object.freeze({
  patchSamples: PATCH_SAMPLES,
  dModel: 200,
  nLayers: 12,
  headsPerHalf: 4,
  dimFeedforward: 800,
  convChannels: 25,
  groupNormGroups: 5,
  conv1: Object.freeze({ kernel: 49, stride: 25, padding: 24 }),
  conv23: Object.freeze({ kernel: 3, padding: 1 }),
  acpeKernel: [19, 7] as [number, number],
  acpePadding: [9, 3] as [number, number],
  dropout: 0.1,
  normEps: 1e-5,
});

/** The encoder with fewer layers (wiring tests only; the published model has 12). */
export function encoderWithLayers(nLayers: number, base: EncoderConfig = CBRAMOD_ENCODER): EncoderConfig {
  return { ...base, nLayers };
}

/** Width of the time-branch output per patch; must equal dModel for the two branches to add. */
export function timeBranchWidth(e: EncoderConfig): number {
  const l1 = Math.floor((e.patchSamples + 2 * e.conv1.padding - e.conv1.kernel) / e.conv1.stride) + 1;
  const l2 = l1 + 2 * e.conv23.padding - e.conv23.kernel + 1;
  const l3 = l2 + 2 * e.conv23.padding - e.conv23.kernel + 1;
  return e.convChannels * l3;
}

export const TASK_NAME_RE = /^[a-z][a-z0-9_]{0,39}$/;

export class ModelConfigError extends Error {
  override name = 'ModelConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid model config: ${problems.join('; ')}`);
  }
}

export function encoderProblems(e: EncoderConfig, label: string): string[] {
  // A card.json read from disk is untyped: "eeg": "cbramod" is one problem, not seven missing fields.
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return [`${label} must be an object (the encoder's settings) or null`];
  const p: string[] = [];
  const ints: [string, number][] = [
    ['patchSamples', e.patchSamples],
    ['dModel', e.dModel],
    ['nLayers', e.nLayers],
    ['headsPerHalf', e.headsPerHalf],
    ['dimFeedforward', e.dimFeedforward],
    ['convChannels', e.convChannels],
    ['groupNormGroups', e.groupNormGroups],
  ];
  for (const [k, v] of ints) if (!Number.isInteger(v) || v < 1) p.push(`${label}.${k} must be a positive integer (got ${v})`);
  if (p.length) return p;
  if (e.dModel % 2 !== 0) p.push(`${label}.dModel must be even (two halves)`);
  else if ((e.dModel / 2) % e.headsPerHalf !== 0) p.push(`${label}: dModel/2 = ${e.dModel / 2} is not divisible by headsPerHalf ${e.headsPerHalf}`);
  if (e.convChannels % e.groupNormGroups !== 0) p.push(`${label}: convChannels ${e.convChannels} not divisible by groupNormGroups ${e.groupNormGroups}`);
  const w = timeBranchWidth(e);
  if (w !== e.dModel) p.push(`${label}: time branch gives ${w} features per patch, dModel is ${e.dModel}`);
  if (!(e.dropout >= 0 && e.dropout < 1)) p.push(`${label}.dropout must be in [0, 1)`);
  return p;
}

export function taskProblems(tasks: TaskSpec[]): string[] {
  // Also a card.json's tasks, read from disk untyped: a string or a null in the list is said as such
  // (a string was checked letter by letter, a null threw a TypeError).
  if (!Array.isArray(tasks)) return ['tasks must be a list of tasks'];
  const p: string[] = [];
  if (tasks.length === 0) p.push('a model declares at least one task');
  const seen = new Set<string>();
  for (const [i, t] of tasks.entries()) {
    if (typeof t !== 'object' || t === null || Array.isArray(t)) {
      p.push(`task ${i + 1} must be an object (name, kind, classes)`);
      continue;
    }
    if (!Array.isArray(t.classes) || !t.classes.every((c) => typeof c === 'string' && c.trim() !== '')) {
      p.push(`task '${String(t.name)}': classes must be a list of class names`);
      continue;
    }
    if (typeof t.name !== 'string' || !TASK_NAME_RE.test(t.name)) p.push(`task name '${String(t.name)}' must match ${TASK_NAME_RE}`);
    if (seen.has(t.name)) p.push(`task '${t.name}' declared twice`);
    seen.add(t.name);
    if (t.kind === 'binary' && t.classes.length !== 2) p.push(`binary task '${t.name}' needs exactly 2 class names`);
    if (t.kind === 'multiclass' && t.classes.length < 2) p.push(`multiclass task '${t.name}' needs at least 2 classes`);
    if (t.kind !== 'binary' && t.kind !== 'multiclass') p.push(`task '${t.name}' has unknown kind '${String(t.kind)}'`);
  }
  return p;
}

/** Throws ModelConfigError listing every problem. */
export function validateModelConfig(c: FusedModelConfig): void {
  const p: string[] = [];
  if (!c.eeg && !c.ecg) p.push('a model needs at least one encoder (eeg or ecg)');
  const eegP = c.eeg ? encoderProblems(c.eeg, 'eeg') : [];
  const ecgP = c.ecg ? encoderProblems(c.ecg, 'ecg') : [];
  p.push(...eegP, ...ecgP);
  if (c.eeg && c.ecg && !eegP.length && !ecgP.length && c.eeg.dModel !== c.ecg.dModel) p.push('eeg and ecg encoders must have the same dModel');
  if (c.pooling !== 'mean') p.push(`unknown pooling '${String(c.pooling)}'`);
  if (typeof c.head !== 'object' || c.head === null) p.push('head (hidden, dropout) is required');
  else {
    if (!Number.isInteger(c.head.hidden) || c.head.hidden < 0) p.push('head.hidden must be an integer ≥ 0');
    if (!(c.head.dropout >= 0 && c.head.dropout < 1)) p.push('head.dropout must be in [0, 1)');
  }
  p.push(...taskProblems(c.tasks));
  if (p.length) throw new ModelConfigError(p);
}

/** Logits the head emits for one task. */
export function taskOutputs(t: TaskSpec): number {
  return t.kind === 'binary' ? 1 : t.classes.length;
}

/** Width of the concatenated embedding the head reads: one dModel slot per modality of the model. */
export function fusionWidth(c: FusedModelConfig): number {
  return (c.eeg?.dModel ?? 0) + (c.ecg?.dModel ?? 0);
}

/** The paper's recipe: both encoders at CBraMod size, mean pooling, a one-hidden-layer head. */
export function defaultFusedConfig(tasks: TaskSpec[], opts: { nLayers?: number; eeg?: boolean; ecg?: boolean } = {}): FusedModelConfig {
  const enc = opts.nLayers === undefined ? { ...CBRAMOD_ENCODER } : encoderWithLayers(opts.nLayers);
  return {
    eeg: opts.eeg === false ? null : { ...enc },
    ecg: opts.ecg === false ? null : { ...enc },
    pooling: 'mean',
    head: { hidden: 200, dropout: 0.1 },
    tasks,
  };
}

/** Tasks of rest vs mental arithmetic (PhysioNet EEGMAT; label = file suffix − 1). */
export const TASK_MENTAL_ARITHMETIC: TaskSpec = {
  name: 'arithmetic',
  kind: 'binary',
  classes: ['rest', 'arithmetic'],
  description: 'Rest vs mental arithmetic (PhysioNet EEGMAT)',
};

/** DREAMER-style affect tasks: SAM score ≥ 4 = high. */
export const TASKS_AFFECT: TaskSpec[] = (['valence', 'arousal', 'dominance'] as const).map((name) => ({
  name,
  kind: 'binary',
  classes: ['low', 'high'],
  description: `${name[0].toUpperCase()}${name.slice(1)}, high (SAM ≥ 4) vs low`,
}));

/** CBraMod's pretraining montage (TUEG, MODEL.md §1). */
export const CBRAMOD_EEG_CHANNELS = ['FP1', 'FP2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T3', 'T4', 'T5', 'T6', 'FZ', 'CZ', 'PZ'];

export function anyChannels(min: number, max: number): ModalityContract {
  return { channels: 'any', minChannels: min, maxChannels: max, unit: 'uV', scaleDivisor: INPUT_SCALE_DIVISOR_UV };
}

export function labelledChannels(labels: string[]): ModalityContract {
  return { channels: [...labels], minChannels: labels.length, maxChannels: labels.length, unit: 'uV', scaleDivisor: INPUT_SCALE_DIVISOR_UV };
}

/** A contract for the modalities of a config: any channel count, 1–12 ECG leads. */
export function defaultContract(c: FusedModelConfig, windowSeconds: number): InputContract {
  return {
    rateHz: MODEL_RATE_HZ,
    windowSeconds,
    ...(c.eeg ? { eeg: anyChannels(1, 256) } : {}),
    ...(c.ecg ? { ecg: anyChannels(1, 12) } : {}),
  };
}

/**
 * Tensor names of exported models (the ONNX input/output signature). Fused model: inputs `eeg`
 * [batch, eeg_channels, eeg_patches, 200], `ecg` [batch, ecg_leads, ecg_patches, 200], `<m>_present`
 * [batch] (1/0); outputs `logits_<task>` and `prob_<task>` ([batch, 1] binary = P(positive class),
 * [batch, K] multiclass). Encoder alone: `x` (+ `mask`) → `features` (+ `reconstruction`).
 */
export const MODEL_IO = {
  input: (m: 'eeg' | 'ecg') => m,
  present: (m: 'eeg' | 'ecg') => `${m}_present`,
  logits: (task: string) => `logits_${task}`,
  probs: (task: string) => `prob_${task}`,
  channelsDim: (m: 'eeg' | 'ecg') => (m === 'eeg' ? 'eeg_channels' : 'ecg_leads'),
  patchesDim: (m: 'eeg' | 'ecg') => `${m}_patches`,
  batchDim: 'batch',
  encoderInput: 'x',
  encoderMask: 'mask',
  features: 'features',
  reconstruction: 'reconstruction',
} as const;
