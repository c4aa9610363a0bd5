// plots/fine-tuning-<arm>.svg: an arm's fine-tuning per epoch as the mean over its folds — training
// loss, validation AUROC and balanced accuracy — where a fold that stopped earlier or had no usable
// validation AUROC (one class) counts only where it has a figure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitCurveMeans, fitCurvesSvg, integerTicks, lossCurveSvg, rocSvg } from '../../../src/shared/train/plots-svg';
import type { EpochRecord, StepRecord } from '../../../src/shared/train/train.types';

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

// The x-axis labels: the texts on the baseline just under the axis (y = H - bottom margin + 16).
const xLabels = (svg: string) => [...svg.matchAll(/<text x="([\d.]+)" y="368" text-anchor="middle">([^<]*)<\/text>/g)].map((x) => x[2]);

test('the epoch axis is labelled with whole epochs only: 1 and 2 for a fit of two, never 1.25 or 1.50', () => {
  const two = fitCurvesSvg('t', [rec(0, 1, 0.7, 0.6), rec(0, 2, 0.5, 0.7)]);
  assert.deepEqual(xLabels(two), ['1', '2'], 'two epochs');
  const three = fitCurvesSvg('t', [rec(0, 1, 0.7, 0.6), rec(0, 2, 0.5, 0.7), rec(0, 3, 0.4, 0.8)]);
  assert.deepEqual(xLabels(three), ['1', '2', '3'], 'three epochs');
  const many = fitCurvesSvg('t', Array.from({ length: 100 }, (_, i) => rec(0, i + 1, 1 / (i + 1), 0.7)));
  assert.deepEqual(xLabels(many), ['20', '40', '60', '80', '100'], 'a hundred epochs: a round step');
  // Each label stands where its epoch's point is drawn: epoch 2 of three at the middle of the plot.
  const x2 = Number(three.match(/<text x="([\d.]+)" y="368" text-anchor="middle">2<\/text>/)?.[1]);
  assert.equal(x2, 60 + (640 - 60 - 20) / 2, 'epoch 2 of 1..3 at the centre of the plot area');
});

test('the loss plots\' step axis is labelled with whole steps: a 3-step quick pretraining read 0, 0.75, 1.50 …', () => {
  const steps = (n: number): StepRecord[] => Array.from({ length: n }, (_, i) => ({ kind: 'step', phase: 'pretrain-eeg', step: i + 1, epoch: 1, loss: 1 / (i + 1), lr: 5e-4, gradNorm: 1, ms: 10 }));
  const epochs: EpochRecord[] = [{ kind: 'epoch', phase: 'pretrain-eeg', epoch: 1, trainLoss: 0.6, validation: null }];
  assert.deepEqual(xLabels(lossCurveSvg('pretrain-eeg', steps(3), epochs)), ['0', '1', '2', '3'], 'three steps');
  assert.deepEqual(xLabels(lossCurveSvg('pretrain-eeg', steps(200), epochs)), ['0', '50', '100', '150', '200'], 'the default 200 steps: a round step');
});

test('integer ticks: whole numbers inside the range, at most six, on a 1-2-5 step', () => {
  const cases: [number, number, number[]][] = [[1, 2, [1, 2]], [1, 6, [1, 2, 3, 4, 5, 6]], [0, 10, [0, 2, 4, 6, 8, 10]], [1, 12, [2, 4, 6, 8, 10, 12]], [1, 30, [5, 10, 15, 20, 25, 30]], [1, 1000, [200, 400, 600, 800, 1000]], [1.5, 1.7, []]];
  for (const [lo, hi, want] of cases) assert.deepEqual(integerTicks(lo, hi), want, `${lo}..${hi}`);
});

test('axes not declared integer keep their evenly spaced labels (ROC: 0, 0.250 … 1.00)', () => {
  const svg = rocSvg('roc', []);
  assert.deepEqual(xLabels(svg), ['0', '0.250', '0.500', '0.750', '1.00'], 'ROC false positive rate');
});

test('the legend draws each swatch as its line is drawn (the dashed baseline dashed), the ROC legend in the lower right, away from the curves along the top', () => {
  const arm = (name: string, init: 'random' | 'baseline') => ({ arm: name, init, roc: { x: [0, 0.2, 1], y: [0, 0.9, 1] }, table: { pooled: { auroc: 0.85 } } }) as unknown as Parameters<typeof rocSvg>[1][number];
  const svg = rocSvg('roc', [arm('fused/random', 'random'), arm('baseline/fused', 'baseline')]);
  // Swatches: the legend's short lines (22 px wide), in the series' order.
  const swatches = [...svg.matchAll(/<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="[\d.]+" stroke="[^"]+" stroke-width="1.8"( stroke-dasharray="6 3")?\/>/g)].filter((m) => Number(m[3]) - Number(m[1]) === 22);
  assert.deepEqual(swatches.map((m) => !!m[4]), [false, true], 'solid for the model arm, dashed for the baseline');
  assert.ok(swatches.every((m) => Number(m[2]) > 400 / 2), `in the lower half: y ${swatches.map((m) => m[2]).join(', ')}`);
  const loss = fitCurvesSvg('t', [rec(0, 1, 0.7, 0.6), rec(0, 2, 0.5, 0.7)]);
  const rows = [...loss.matchAll(/<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="[\d.]+" stroke="[^"]+" stroke-width="1.8"( stroke-dasharray="6 3")?\/>/g)];
  assert.deepEqual(rows.map((m) => !!m[2]), [true, false, false], 'the dashed training loss, then the validation lines');
  assert.ok(rows.every((m) => Number(m[1]) < 400 / 2), 'fine-tuning legend at the top right');
});
