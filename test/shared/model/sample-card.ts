// A complete model card for tests: a 1-layer fused model, 19 labelled EEG channels + 1–12 ECG leads.
import { newModelCard } from '../../../src/shared/model/card';
import { CBRAMOD_EEG_CHANNELS, defaultFusedConfig, labelledChannels, anyChannels, TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import type { ModelCard } from '../../../src/shared/model/model.types';

export function sampleCard(over: Partial<ModelCard> = {}): ModelCard {
  const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: 1 });
  return {
    ...newModelCard(
      {
        id: 'eegmat-test',
        name: 'EEGMAT test model',
        description: 'Rest vs arithmetic, for tests',
        config,
        windowSeconds: 5,
        input: { rateHz: 200, windowSeconds: 5, eeg: labelledChannels(CBRAMOD_EEG_CHANNELS), ecg: anyChannels(1, 12) },
        training: { data: ['PhysioNet EEGMAT, 12 subjects'], procedure: 'fine-tuned 10 epochs, seed 42', provenance: 'heartmind train --seed 42' },
        evaluation: { protocol: 'leave-one-subject-out, 12 subjects', metrics: [{ task: 'arithmetic', metric: 'auroc', value: 0.81, sd: 0.07, baseline: 0.74 }] },
        licence: { model: 'MIT', data: ['ODC-By 1.0 (PhysioNet EEGMAT)'] },
        limitations: ['Trained on 12 people at rest or counting; not an emotion detector.'],
        created: '2025-01-01T00:00:00.000Z',
      },
      17,
    ),
    ...over,
  };
}
