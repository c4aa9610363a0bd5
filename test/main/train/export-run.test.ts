// The model card says what happened in the run, nothing more: a model fine-tuned on random
// encoders is not described as pretrained, the pretraining caveats and corpus licences appear only
// when pretraining ran, and the "it ships so the dashboard runs" line belongs to the shipped recipe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCard, type ModelArtifactMeta } from '../../../src/main/train/export-run';
import { encoderWithLayers } from '../../../src/shared/model/config';
import { finetuneModelConfig } from '../../../src/shared/train/finetune';
import { defaultRecipe } from '../../../src/shared/train/recipes';
import type { JobSpec } from '../../../src/shared/train/job.types';
import type { ModalitySet } from '../../../src/shared/train/train.types';

function metaOf(spec: JobSpec, modalities: ModalitySet = 'fused'): ModelArtifactMeta {
  const finetune = { ...spec.finetune!, modalities, epochs: 3 };
  const e = encoderWithLayers(1);
  return { model: finetuneModelConfig(finetune, { eeg: e, ecg: e }), finetune, windowing: spec.dataset!.windowing, eegChannels: ['Fp1'], ecgChannels: ['ECG'], subjects: ['Subject00', 'Subject01'], windows: 96, encoders: [] };
}

const exp = { modelId: 'm', name: 'M', version: '1.0.0', target: { kind: 'user' as const } };

test('random encoders: not called pretrained, no pretraining caveat or corpus licence, and said to be untrained', () => {
  const base = defaultRecipe({ dataDir: '/data' });
  const spec: JobSpec = { ...base, kind: 'finetune', encoders: { eeg: { kind: 'random' }, ecg: { kind: 'random' } }, corpora: {}, pretrain: {}, recipe: { name: 'custom', command: 'heartmind train --eegmat /data' } };
  const card = buildCard(spec, metaOf(spec), null, exp, 'run-1', null);
  assert.equal(card.description, 'Rest vs mental arithmetic from EEG (19 ch) and one ECG lead, 5-s windows: two CBraMod encoders (EEG randomly initialised (not pretrained), ECG randomly initialised (not pretrained)), mean pooling, a fusion head. Trained on 2 subjects of PhysioNet EEGMAT.');
  const text = JSON.stringify(card);
  assert.doesNotMatch(text, /pretrained with dual masking|Self-supervised pretraining saw|ECG pretraining records/);
  assert.ok(card.limitations.includes('Its encoders are randomly initialised, not pretrained: only the head learned, on the features of untrained encoders.'));
  // One modality: one encoder, one head.
  const eegOnly = buildCard(spec, metaOf(spec, 'eeg'), null, exp, 'run-1', null);
  assert.match(eegOnly.description, /^Rest vs mental arithmetic from EEG \(19 ch\), 5-s windows: a CBraMod encoder \(EEG randomly initialised \(not pretrained\)\), mean pooling, a head\./);
});

test('the shipped recipe (both encoders pretrained here) keeps its pretraining caveat and corpus licence', () => {
  const spec = defaultRecipe({ dataDir: '/data' });
  const card = buildCard(spec, metaOf(spec), null, exp, 'run-2', null);
  assert.match(card.description, /two CBraMod encoders \(EEG pretrained by masked patch reconstruction, ECG pretrained with dual masking\)/);
  assert.ok(card.limitations.some((l) => /^Self-supervised pretraining saw the recordings of the evaluation subjects/.test(l)));
  assert.ok(card.licence.data.some((l) => /ECG pretraining records/.test(l)));
  assert.ok(!card.limitations.some((l) => /randomly initialised/.test(l)));
  // Encoders from another run: named, with the caveat that depends on that run's corpus.
  const fromRun: JobSpec = { ...spec, kind: 'finetune', encoders: { eeg: { kind: 'run', runId: 'pre-1' }, ecg: { kind: 'run', runId: 'pre-1' } }, corpora: {}, pretrain: {} };
  const c2 = buildCard(fromRun, metaOf(fromRun), null, exp, 'run-3', null);
  assert.match(c2.description, /\(EEG pretrained in run pre-1, ECG pretrained in run pre-1\)/);
  assert.ok(c2.limitations.some((l) => /^The EEG encoder comes from pretraining run pre-1: if its corpus held these subjects' recordings/.test(l)));
  assert.ok(!c2.licence.data.some((l) => /ECG pretraining records/.test(l)));
});
