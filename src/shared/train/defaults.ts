// Default fine-tuning and evaluation settings, in a module without jax-js so that the renderer
// (the Training view's forms) can show them without bundling the training code.
import { TrainError, TrainErrorCode, type EncoderInit, type EvaluationConfig, type FinetuneConfig, type ModalitySet } from './train.types';

/** CBraMod's fine-tuning recipe (../shared/MODEL.md §5), head-only by default (docs/training.md). */
export const DEFAULT_FINETUNE: Omit<FinetuneConfig, 'task'> = {
  modalities: 'fused',
  init: 'pretrained',
  freeze: 'encoders',
  epochs: 50,
  batchSize: 64,
  backboneLr: 1e-4,
  headLr: 5e-4,
  referenceBatch: 64,
  weightDecay: 0.05,
  etaMin: 1e-6,
  clipNorm: 1,
  classWeight: 'balanced',
  modalityDropout: 0.2,
  headHidden: 200,
  headDropout: 0.1,
  seed: 3407,
};

/** Leave-one-subject-out with 2 validation subjects per fold; the ablations of arXiv 2512.15250. */
export const DEFAULT_EVALUATION: EvaluationConfig = {
  split: { kind: 'loso' },
  validationSubjects: 2,
  arms: [
    { modalities: 'fused', init: 'pretrained' },
    { modalities: 'eeg', init: 'pretrained' },
    { modalities: 'ecg', init: 'pretrained' },
    { modalities: 'fused', init: 'random' },
  ],
  threshold: 0.5,
  seed: 3407,
};

/**
 * A model's arm and its ablations, on the same folds (the Training view's one checkbox, the CLI's
 * `train --ablations`): the model first, then each modality it fuses alone, then all of these again
 * from random-init encoders when the model's are pretrained. Never a modality the model lacks, so
 * the run needs no encoder beyond the model's own.
 */
export function ablationArms(modalities: ModalitySet, init: EncoderInit): EvaluationConfig['arms'] {
  const sets: ModalitySet[] = modalities === 'fused' ? ['fused', 'eeg', 'ecg'] : [modalities];
  const inits: EncoderInit[] = init === 'pretrained' ? ['pretrained', 'random'] : ['random'];
  return inits.flatMap((i) => sets.map((m) => ({ modalities: m, init: i })));
}

/** Checks a fine-tuning config (jax-free, so the core can refuse a bad run before it starts); throws TrainError(BadConfig) with every problem. */
export function validateFinetune(cfg: FinetuneConfig): void {
  const p: string[] = [];
  if (cfg.task.kind !== 'binary') p.push(`task '${cfg.task.name}' is ${cfg.task.kind}: training and evaluation here handle binary tasks`);
  if (!['fused', 'eeg', 'ecg'].includes(cfg.modalities)) p.push(`modalities must be fused, eeg or ecg, got '${cfg.modalities}'`);
  if (!['pretrained', 'random'].includes(cfg.init)) p.push(`init must be pretrained or random`);
  if (!['none', 'encoders'].includes(cfg.freeze)) p.push(`freeze must be none or encoders`);
  if (!(Number.isInteger(cfg.epochs) && cfg.epochs >= 1)) p.push(`epochs must be an integer ≥ 1`);
  if (!(Number.isInteger(cfg.batchSize) && cfg.batchSize >= 1)) p.push(`batchSize must be an integer ≥ 1`);
  // Named as the Training view's fields and the CLI's flags name them (the config's own keys meant nothing there).
  if (!(cfg.headLr > 0 && cfg.headLr < 1)) p.push(`the head's learning rate (--head-lr) must be in (0, 1), got ${cfg.headLr}`);
  if (!(cfg.backboneLr > 0 && cfg.backboneLr < 1)) p.push(`the encoders' learning rate (--encoder-lr) must be in (0, 1), got ${cfg.backboneLr}`);
  if (!(cfg.referenceBatch >= 1)) p.push('referenceBatch must be ≥ 1');
  if (!(cfg.modalityDropout >= 0 && cfg.modalityDropout < 1)) p.push('modalityDropout must be in [0, 1)');
  if (!(cfg.headDropout >= 0 && cfg.headDropout < 1)) p.push('headDropout must be in [0, 1)');
  if (!(Number.isInteger(cfg.headHidden) && cfg.headHidden >= 0)) p.push('headHidden must be an integer ≥ 0');
  if (!['balanced', 'none'].includes(cfg.classWeight)) p.push(`classWeight must be balanced or none`);
  if (p.length) throw new TrainError(TrainErrorCode.BadConfig, `fine-tuning configuration: ${p.join('; ')}`, p);
}

/**
 * The final fit's epoch count: the median of the epochs the evaluation folds chose for its arm (no
 * test subjects are left to choose on), the upper of the two middle ones for an even count; as
 * configured when no fold chose one. `why` says which, in the log's and the card's words (the card
 * said "the median best epoch of the evaluation folds" of a model trained with no evaluation too).
 */
export function finalFitEpochs(bestEpochs: readonly (number | null)[] | undefined, configured: number): { epochs: number; why: string } {
  const chosen = (bestEpochs ?? []).filter((e): e is number => e !== null).sort((a, b) => a - b);
  if (!chosen.length) return { epochs: configured, why: 'as configured: no evaluation chose one' };
  const n = chosen.length;
  if (n === 1) return { epochs: chosen[0], why: "the one evaluation fold's best epoch" };
  return { epochs: chosen[Math.floor(n / 2)], why: `the ${n % 2 ? 'median' : 'upper median'} of the ${n} evaluation folds' best epochs` };
}
