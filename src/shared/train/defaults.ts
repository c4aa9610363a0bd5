// Default fine-tuning and evaluation settings, in a module without jax-js so that the renderer
// (the Training view's forms) can show them without bundling the training code.
import type { EvaluationConfig, FinetuneConfig } from './train.types';

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
