// The result a run keeps in its status for the runs table: each arm's AUROC mean ± sd, and, where a
// test fold of one class left it out, over how many of the folds it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summaryOf } from '../../../src/main/train/job';
import { foldMetricTable } from '../../../src/shared/eval';
import type { EvaluationReport } from '../../../src/shared/train/train.types';

test('an arm whose AUROC mean leaves out a one-class test fold says over how many folds it is', () => {
  const subjects = ['S1', 'S2', 'S3'];
  const table = (third: number[]) =>
    foldMetricTable([
      { fold: 'S1', yTrue: [0, 0, 1, 1], scores: [0.1, 0.6, 0.4, 0.9] },
      { fold: 'S2', yTrue: [0, 1, 1, 0], scores: [0.2, 0.8, 0.7, 0.6] },
      { fold: 'S3', yTrue: third, scores: [0.7, 0.2, 0.1] },
    ]);
  const report = {
    task: { name: 'valence', kind: 'binary', classes: ['low', 'high'] },
    protocol: 'leave-one-subject-out over 3 subjects',
    subjects,
    folds: subjects.map((s, index) => ({ index, trainSubjects: [], validationSubjects: [], testSubjects: [s] })),
    arms: [
      { arm: 'fused/random', table: table([0, 0, 0]) },
      { arm: 'baseline/fused', table: table([0, 1, 0]) },
    ],
  } as unknown as EvaluationReport;
  const s = summaryOf(report, {}, null);
  assert.deepEqual(s.arms[0].aurocFolds, [2, 3]);
  assert.equal(s.arms[0].auroc, report.arms[0].table.summary.auroc.mean);
  assert.equal(s.arms[1].aurocFolds, undefined, 'every fold counts: nothing to mark');
});
