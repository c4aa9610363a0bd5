// The Training view's chart.js plots, drawn by chart.js itself on a stand-in 2-D context: the axes
// that count (optimiser steps, fine-tuning epochs) carry whole-number ticks only. chart.js's own
// tick generator put 1, 1.1 … 2 under a two-epoch fit and 1, 1.2 … 3 under a 3-step pretraining.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LossChart, RocChart, ValidationChart, type LineChart } from '../../../../src/renderer/src/views/training/charts';
import type { FitCurve } from '../../../../src/shared/train/epoch-curves';
import type { StepRecord } from '../../../../src/shared/train/train.types';

/** A canvas whose 2-D context draws nothing: chart.js lays out its scales as on a real one. */
function stubCanvas(): HTMLCanvasElement {
  const attrs = new Map<string, string>();
  const canvas = { width: 640, height: 320, style: {}, getContext: () => ctx, setAttribute: (k: string, v: string) => attrs.set(k, v), getAttribute: (k: string) => attrs.get(k) ?? null };
  const ctx: object = new Proxy({}, { get: (_t, k) => (k === 'measureText' ? () => ({ width: 8 }) : k === 'canvas' ? canvas : () => undefined), set: () => true });
  return canvas as unknown as HTMLCanvasElement;
}

/** The x axis's tick values as chart.js laid them out. */
const xTicks = (c: LineChart) => (c as unknown as { chart: { scales: { x: { ticks: { value: number }[] } } } }).chart.scales.x.ticks.map((t) => t.value);

const steps = (n: number): StepRecord[] => Array.from({ length: n }, (_, i) => ({ kind: 'step', phase: 'pretrain-eeg', step: i + 1, epoch: 1, loss: 1 / (i + 1), lr: 5e-4, gradNorm: 1, ms: 10 }));
const curve = (epochs: number): FitCurve => ({
  label: 'final-fit',
  validated: true,
  epochs: Array.from({ length: epochs }, (_, i) => ({ kind: 'epoch', phase: 'final-fit', epoch: i + 1, trainLoss: 0.7 - i / 20, validation: { auroc: 0.6, aucPr: 0.5, balancedAccuracy: 0.55, f1: 0.5, cohenKappa: 0.1 } })),
});

test('the validation chart\'s epoch axis shows whole epochs: 1 and 2 for a fit of two', () => {
  const c = new ValidationChart(stubCanvas());
  c.update(curve(2));
  assert.deepEqual(xTicks(c), [1, 2], 'two epochs');
  c.update(curve(6));
  assert.deepEqual(xTicks(c), [1, 2, 3, 4, 5, 6], 'the quick recipe\'s six');
  c.destroy();
});

test('the loss chart\'s step axis shows whole steps: 1, 2, 3 for a 3-step quick pretraining', () => {
  const c = new LossChart(stubCanvas());
  c.update(steps(3));
  assert.deepEqual(xTicks(c), [1, 2, 3], 'three steps');
  c.update(steps(200));
  const many = xTicks(c);
  assert.ok(many.length > 2 && many.every(Number.isInteger), `200 steps: whole-number ticks, got ${many.join(', ')}`);
  c.destroy();
});

test('the ROC chart keeps its fractional rate axis (0 … 1)', () => {
  const c = new RocChart(stubCanvas());
  c.update([]);
  const t = xTicks(c);
  assert.equal(t[0], 0, `starts at 0: ${t.join(', ')}`);
  assert.equal(t.at(-1), 1, `ends at 1: ${t.join(', ')}`);
  assert.ok(t.some((v) => !Number.isInteger(v)), `fractional rates between: ${t.join(', ')}`);
  c.destroy();
});
