// The Training view's custom form as the job it starts (new-run.tsx customJob): the ablations are
// one checkbox (the same arms as the CLI's `train --ablations`) and class weighting is the form's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { customJob, INITIAL } from '../../../../src/renderer/src/views/training/new-run-form';
import { ablationArms } from '../../../../src/shared/train/defaults';

const arms = (j: ReturnType<typeof customJob>) => j.evaluation!.arms.map((a) => `${a.modalities}/${a.init}`);

test('ablations: one checkbox evaluates each modality of the model alone, and from random encoders when its own are pretrained', () => {
  const form = { ...INITIAL, eegmatDir: '/data/eegmat' };
  assert.deepEqual(arms(customJob(form)), ['fused/random'], 'without the checkbox: the model alone');
  assert.deepEqual(arms(customJob({ ...form, ablations: true })), ['fused/random', 'eeg/random', 'ecg/random']);
  assert.deepEqual(arms(customJob({ ...form, ablations: true, encoders: '2026-01-01-000000-pretrain' })), ['fused/pretrained', 'eeg/pretrained', 'ecg/pretrained', 'fused/random', 'eeg/random', 'ecg/random']);
  const eegOnly = customJob({ ...form, ablations: true, modalities: 'eeg', encoders: '2026-01-01-000000-pretrain' });
  assert.deepEqual(arms(eegOnly), ['eeg/pretrained', 'eeg/random'], 'an EEG-only model: its random-init twin only');
  assert.deepEqual(Object.keys(eegOnly.encoders), ['eeg'], 'no encoder beyond the model\'s own');
  assert.deepEqual(customJob({ ...form, ablations: true, modalities: 'ecg' }).evaluation!.arms, ablationArms('ecg', 'random'));
});

test('class weighting: balanced by default, none when the form says so', () => {
  const form = { ...INITIAL, eegmatDir: '/data/eegmat' };
  assert.equal(customJob(form).finetune!.classWeight, 'balanced');
  assert.equal(customJob({ ...form, classWeight: 'none' }).finetune!.classWeight, 'none');
});
