// The evaluation as `heartmind train | evaluate` print it: the numbers are report.json's (each
// metric's mean ± sd over folds, each fold's AUROC), every arm with the baseline and the chance
// level, each fold's test windows per class, and a mean taken over fewer folds (a test fold of one
// class) is marked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldLabel, foldMetricTable } from '../../../src/shared/eval';
import { meanSdText, reportLines } from '../../../src/shared/train/report-text';
import type { ArmResult, EvaluationReport } from '../../../src/shared/train/train.types';
import { TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';

function arm(name: string, folds: { y: number[]; s: number[] }[]): ArmResult {
  const table = foldMetricTable(folds.map((f, i) => ({ fold: String(i + 1), yTrue: Int32Array.from(f.y), scores: f.s })));
  return { arm: name, modalities: 'fused', init: name.startsWith('baseline') ? 'baseline' : 'random', table, roc: { fpr: [], tpr: [] }, confusion: [0, 0, 0, 0] } as unknown as ArmResult;
}

const report: EvaluationReport = {
  task: TASK_MENTAL_ARITHMETIC,
  protocol: 'leave-one-subject-out over 3 subjects',
  subjects: ['S1', 'S2', 'S3'],
  windows: 12,
  positives: 5,
  folds: ['S1', 'S2', 'S3'].map((s, index) => ({ index, trainSubjects: [], validationSubjects: [], testSubjects: [s] })),
  arms: [
    arm('fused/random', [
      { y: [0, 0, 1, 1], s: [0.1, 0.6, 0.4, 0.9] },
      { y: [0, 1, 1, 0], s: [0.2, 0.8, 0.7, 0.3] },
      { y: [0, 0, 0, 1], s: [0.5, 0.2, 0.1, 0.3] },
    ]),
    arm('baseline/fused', [
      { y: [0, 0, 1, 1], s: [0.3, 0.2, 0.6, 0.9] },
      { y: [0, 1, 1, 0], s: [0.9, 0.1, 0.7, 0.3] },
      { y: [0, 0, 0, 0], s: [0.5, 0.2, 0.1, 0.3] },
    ]),
  ],
};

test('every arm with each metric as report.json holds it (mean ± sd over folds), and AUROC per fold with its test subjects', () => {
  const lines = reportLines(report);
  assert.equal(lines[0], 'arithmetic: leave-one-subject-out over 3 subjects');
  assert.match(lines[1], /^mean ± sd\s+AUROC\s+AUC-PR\s+F1\s+F1 \(weighted\)\s+bal\. acc\.\s+κ$/);
  const row = (name: string) => lines.find((l) => l.startsWith(name + ' '))!;
  for (const a of report.arms) {
    const cells = row(a.arm).slice(a.arm.length).trim().split(/\s{2,}/);
    const want = (['auroc', 'aucPr', 'f1', 'f1Weighted', 'balancedAccuracy', 'cohenKappa'] as const).map((m) => a.table.summary[m]);
    assert.equal(cells.length, want.length, row(a.arm));
    cells.forEach((c, i) => assert.equal(c.replace('*', ''), `${want[i].mean.toFixed(3)} ± ${want[i].sd.toFixed(3)}`, `${a.arm}: cell ${i} is the summary's mean ± sd`));
  }
  const perFold = lines.slice(lines.findIndex((l) => l.startsWith('AUROC per fold')) + 1);
  assert.equal(perFold.length, 3);
  report.folds.forEach((f, i) => {
    const cells = perFold[i].split(/\s{2,}/);
    const { n, positives } = report.arms[0].table.rows[i];
    assert.deepEqual(cells, [`fold ${i + 1}`, report.arms[0].table.rows[i].metrics.auroc!.toFixed(3), report.arms[1].table.rows[i].metrics.auroc === null ? '–' : report.arms[1].table.rows[i].metrics.auroc!.toFixed(3), `${f.testSubjects[0]} (${n - positives} rest, ${positives} arithmetic)`], `fold ${i + 1}'s row, with its test windows per class`);
  });
  assert.deepEqual(perFold.map((l) => l.split(/\s{2,}/).pop()), ['S1 (2 rest, 2 arithmetic)', 'S2 (2 rest, 2 arithmetic)', 'S3 (3 rest, 1 arithmetic)']);
  // The baseline's third fold holds one class: its AUROC is '–' there and its mean is over 2 of 3 folds, marked.
  assert.equal(report.arms[1].table.summary.auroc.n, 2);
  assert.match(row('baseline/fused'), /^baseline\/fused\s+\d\.\d{3} ± \d\.\d{3}\*/);
  assert.doesNotMatch(row('fused/random'), /\*/);
  assert.match(lines.join('\n'), /\* over fewer than the 3 folds: undefined in a fold whose test windows hold one class/);
  // Chance under the arms, from the test windows every arm is scored on (this report predates report.chance):
  // AUC-PR's is the mean share of arithmetic windows over the folds, 2/4, 2/4 and 1/4.
  assert.deepEqual(row('chance').slice('chance'.length).trim().split(/\s{2,}/), ['0.500', '0.417', '–', '–', '0.500', '0.000']);
  assert.ok(lines.indexOf(row('chance')) === lines.indexOf(row('baseline/fused')) + 1, 'the chance row comes right under the arms');
  assert.ok(lines.some((l) => /^chance: what a guess that ignores the window scores \(AUC-PR: the share of 'arithmetic' among the test windows/.test(l)), 'a footnote says what chance means');
  // A report that holds its chance levels prints those.
  const held = reportLines({ ...report, chance: { auroc: 0.5, aucPr: 0.25, f1: null, f1Weighted: null, balancedAccuracy: 0.5, cohenKappa: 0, accuracy: null } });
  assert.match(held.find((l) => l.startsWith('chance '))!, /^chance\s+0\.500\s+0\.250\s+–\s+–\s+0\.500\s+0\.000$/);
});

test('AUROC per fold: each fold its own row when the subjects are numbers (leave-one-subject-out labels a row by its subject)', () => {
  // EEGMAT's EDF patient codes: Subject10 is '2', Subject11 '3', Subject02 '12' (natural order 2, 3, 12).
  const subjects = ['2', '3', '12'];
  const folds = [
    { y: [0, 0, 1, 1], s: [0.1, 0.2, 0.8, 0.9] }, // subject 2: AUROC 1
    { y: [0, 0, 1, 1], s: [0.9, 0.8, 0.2, 0.1] }, // subject 3: AUROC 0
    { y: [0, 1, 0, 1], s: [0.1, 0.2, 0.8, 0.9] }, // subject 12: AUROC 0.75
  ];
  const table = foldMetricTable(folds.map((f, i) => ({ fold: foldLabel({ index: i, testSubjects: [subjects[i]] }), yTrue: Int32Array.from(f.y), scores: f.s })));
  assert.deepEqual(table.rows.map((r) => r.fold), subjects, 'the evaluation labels a leave-one-subject-out row by its subject');
  const r: EvaluationReport = {
    ...report,
    subjects,
    folds: subjects.map((s, index) => ({ index, trainSubjects: [], validationSubjects: [], testSubjects: [s] })),
    arms: [{ ...report.arms[0], table }],
  };
  const lines = reportLines(r);
  const perFold = lines.slice(lines.findIndex((l) => l.startsWith('AUROC per fold')) + 1).map((l) => l.split(/\s{2,}/));
  // Matching rows on the fold's number printed subject 2's AUROC for fold 2 (subject 3) and for fold 3.
  assert.deepEqual(perFold, [
    ['fold 1', '1.000', '2 (2 rest, 2 arithmetic)'],
    ['fold 2', '0.000', '3 (2 rest, 2 arithmetic)'],
    ['fold 3', '0.750', '12 (2 rest, 2 arithmetic)'],
  ]);
});

test("meanSdText: a metric undefined in every fold is '–', a mean over one fold '(1 fold)' (no sd), a mean over fewer folds '*'; never NaN (the job's log used to print 'AUROC NaN ± NaN')", () => {
  assert.equal(meanSdText({ mean: NaN, sd: NaN, n: 0 }, 3), '–');
  assert.equal(meanSdText({ mean: 0.5, sd: NaN, n: 1 }, 3), '0.500* (1 fold)');
  assert.equal(meanSdText({ mean: 0.6429, sd: NaN, n: 1 }, 1), '0.643 (1 fold)', 'a mean over one fold says so, as the runs table does');
  assert.equal(meanSdText({ mean: 0.5, sd: NaN, n: 1 }, 3, { spellFolds: true }), '0.500* (1 of 3 folds)');
  assert.equal(meanSdText({ mean: 0.7, sd: 0.05, n: 2 }, 3, { spellFolds: true }), '0.700 ± 0.050* (2 of 3 folds)');
  assert.equal(meanSdText({ mean: 0.61234, sd: 0.1, n: 3 }, 3), '0.612 ± 0.100');
  assert.equal(meanSdText({ mean: 0.7, sd: 0.05, n: 2 }, 3), '0.700 ± 0.050*');
});
