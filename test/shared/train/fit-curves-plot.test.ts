// plots/fine-tuning-<arm>.svg: an arm's fine-tuning per epoch as the mean over its folds — training
// loss, validation AUROC and balanced accuracy — where a fold that stopped earlier or had no usable
// validation AUROC (one class) counts only where it has a figure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitCurveMeans, fitCurvesSvg } from '../../../src/shared/train/plots-svg';
import type { EpochRecord } from '../../../src/shared/train/train.types';

const rec = (fold: number, epoch: number, trainLoss: number, auroc: number | null, bal = 0.5): EpochRecord => ({
  kind: 'epoch',
  phase: `evaluate fused/random fold ${fold + 1}/2`,
  epoch,
  trainLoss,
  validation: auroc === null ? null : { auroc, aucPr: 0.5, balancedAccuracy: bal, f1: 0.5, cohenKappa: 0 },
  fold,
  arm: 'fused/random',
});

test('the mean over the folds per epoch; a NaN AUROC (one-class validation) and a missing epoch are left out of it', () => {
  const m = fitCurveMeans([rec(0, 1, 0.7, 0.6, 0.55), rec(0, 2, 0.5, NaN, 0.65), rec(0, 3, 0.4, 0.8), rec(1, 1, 0.9, 0.4, 0.45), rec(1, 2, 0.7, 0.7, 0.75)]);
  assert.deepEqual(m.epoch, [1, 2, 3]);
  const near = (a: number[], b: number[], what: string) => assert.ok(a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < 1e-12), `${what}: ${a} vs ${b}`);
  near(m.trainLoss, [0.8, 0.6, 0.4], 'training loss');
  near(m.auroc, [0.5, 0.7, 0.8], 'validation AUROC');
  near(m.balancedAccuracy, [0.5, 0.7, 0.5], 'balanced accuracy');
});

test('the plot: three lines with validation, the training loss alone without (validation 0)', () => {
  const lines = (svg: string) => [...svg.matchAll(/<polyline[^>]*points="([^"]+)"/g)].map((x) => x[1].split(' ').length);
  const withVal = fitCurvesSvg('fused/random: fine-tuning per epoch, mean over 2 folds', [rec(0, 1, 0.7, 0.6), rec(0, 2, 0.5, 0.7), rec(1, 1, 0.9, 0.4), rec(1, 2, 0.7, 0.7)]);
  assert.deepEqual(lines(withVal), [2, 2, 2], 'loss, AUROC, balanced accuracy over 2 epochs');
  assert.match(withVal, /fused\/random: fine-tuning per epoch, mean over 2 folds/);
  assert.match(withVal, />validation AUROC</);
  const noVal = fitCurvesSvg('t', [rec(0, 1, 0.7, null), rec(0, 2, 0.5, null), rec(0, 3, 0.4, null)]);
  assert.deepEqual(lines(noVal), [3], 'the training loss only');
  assert.doesNotMatch(noVal, /validation/);
});
