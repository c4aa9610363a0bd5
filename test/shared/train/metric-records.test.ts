// A resumed run appends again the steps and epochs it redoes (after a SIGTERM, a crash or a damaged
// newest checkpoint: from the last checkpoint; an unfinished fold: from its start). Readers keep
// each step and epoch once, the latest, in the order the run reached them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latestMetrics, withMetric } from '../../../src/shared/train/metric-records';
import type { EpochRecord, MetricRecord, StepRecord } from '../../../src/shared/train/train.types';

const step = (phase: string, n: number, loss = 1 / n): StepRecord => ({ kind: 'step', phase, step: n, total: 12, epoch: 1, loss, lr: 5e-4, gradNorm: 1, ms: 1000 });
const epoch = (phase: string, n: number, extra: Partial<EpochRecord> = {}): EpochRecord => ({ kind: 'epoch', phase, epoch: n, trainLoss: 0.7, validation: null, ...extra });
const label = (r: MetricRecord) => (r.kind === 'step' ? `${r.phase}#${r.step}` : `${r.phase}${r.arm ? `/${r.arm}` : ''}${r.fold !== undefined ? `@${r.fold}` : ''}:e${r.epoch}`);

// Steps 1–12 and the epoch, then (resumed from the checkpoint at step 9) steps 10–12 and the epoch again.
const pretrainResumed = [...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((n) => step('pretrain-eeg', n)), epoch('pretrain-eeg', 1), ...[10, 11, 12].map((n) => step('pretrain-eeg', n, 2 / n)), epoch('pretrain-eeg', 1, { trainLoss: 0.5 })];

test('latestMetrics: a pretraining resumed from an earlier checkpoint has each step once, the redone ones in their place', () => {
  const out = latestMetrics(pretrainResumed);
  assert.deepEqual(out.map(label), [...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((n) => `pretrain-eeg#${n}`), 'pretrain-eeg:e1']);
  const steps = out.filter((r): r is StepRecord => r.kind === 'step');
  assert.deepEqual(steps.slice(9).map((r) => r.loss), [2 / 10, 2 / 11, 2 / 12], 'the redone steps are the ones kept');
  assert.equal((out[12] as EpochRecord).trainLoss, 0.5, 'the redone epoch summary is the one kept');
});

test('latestMetrics: an unfinished fold fitted again keeps only its second fit; other folds, arms and phases with the same epoch numbers stay', () => {
  const fold = (arm: string, f: number, n: number) => Array.from({ length: n }, (_, i) => epoch(`evaluate ${arm} fold ${f + 1}/2`, i + 1, { fold: f, arm, trainLoss: 0.7 - i / 100 + f }));
  const records = [...fold('fused/random', 0, 3), ...fold('fused/random', 1, 2), ...fold('fused/random', 1, 3), ...fold('eeg/random', 0, 3), epoch('final-fit', 1), epoch('pretrain-eeg', 1)];
  const out = latestMetrics(records);
  assert.deepEqual(out.map(label), [
    ...[1, 2, 3].map((e) => `evaluate fused/random fold 1/2/fused/random@0:e${e}`),
    ...[1, 2, 3].map((e) => `evaluate fused/random fold 2/2/fused/random@1:e${e}`),
    ...[1, 2, 3].map((e) => `evaluate eeg/random fold 1/2/eeg/random@0:e${e}`),
    'final-fit:e1',
    'pretrain-eeg:e1',
  ]);
  assert.deepEqual(latestMetrics([]), []);
});

test('withMetric (a live push) gives what latestMetrics gives for the whole list, record by record', () => {
  let live: MetricRecord[] = [];
  for (const [i, r] of pretrainResumed.entries()) {
    live = withMetric(live, r);
    assert.deepEqual(live.map(label), latestMetrics(pretrainResumed.slice(0, i + 1)).map(label), `after record ${i}`);
  }
  const before = [step('a', 1)];
  const after = withMetric(before, step('a', 2));
  assert.notEqual(after, before, 'a new list');
  assert.equal(before.length, 1, 'the list pushed to is not changed');
});
