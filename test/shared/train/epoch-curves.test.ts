// The validation chart's choice of fit: the latest fold with validation metrics, so that a
// finished run (whose last fit, on all subjects, has no validation) still shows a validation curve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latestFitCurve } from '../../../src/shared/train/epoch-curves';
import type { EpochRecord } from '../../../src/shared/train/train.types';

const v = (auroc: number) => ({ auroc, aucPr: 0.5, balancedAccuracy: 0.5, f1: 0.5, cohenKappa: 0 });
const fold = (arm: string, f: number, n: number): EpochRecord[] => Array.from({ length: n }, (_, i) => ({ kind: 'epoch', phase: `evaluate ${arm} fold ${f + 1}/2`, epoch: i + 1, trainLoss: 0.7 - i / 100, validation: v(0.6 + i / 100), fold: f, arm }));
const pretrain: EpochRecord = { kind: 'epoch', phase: 'pretrain-eeg', epoch: 1, trainLoss: 1.4, validation: null };
const finalFit = (n: number): EpochRecord[] => Array.from({ length: n }, (_, i) => ({ kind: 'epoch', phase: 'final-fit', epoch: i + 1, trainLoss: 0.6, validation: null }));

test('a finished run: the last validated fold, not the final fit', () => {
  const c = latestFitCurve([pretrain, ...fold('fused/pretrained', 0, 3), ...fold('fused/random', 1, 4), ...finalFit(5)]);
  assert.equal(c.label, 'evaluate fused/random fold 2/2');
  assert.equal(c.validated, true);
  assert.deepEqual(c.epochs.map((e) => e.epoch), [1, 2, 3, 4]);
  assert.ok(c.epochs.every((e) => e.validation), 'every epoch has a validation figure');
});

test('while a fold trains: that fold', () => {
  const c = latestFitCurve([...fold('fused/pretrained', 0, 3), ...fold('eeg/pretrained', 0, 2)]);
  assert.equal(c.label, 'evaluate eeg/pretrained fold 1/2');
  assert.equal(c.epochs.length, 2);
});

test('no validation anywhere (0 validation subjects): the latest fit\'s training loss; nothing before fine-tuning', () => {
  const c = latestFitCurve([pretrain, ...finalFit(3)]);
  assert.deepEqual([c.label, c.validated, c.epochs.length], ['final-fit', false, 3]);
  assert.deepEqual(latestFitCurve([pretrain]), { label: null, epochs: [], validated: false });
});
