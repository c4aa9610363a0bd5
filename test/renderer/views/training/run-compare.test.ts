import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { armCell, comparisonArms } from '../../../../src/renderer/src/views/training/run-compare';
import type { RunResultSummary, RunSummary } from '../../../../src/shared/train/job.types';

type Arm = RunResultSummary['arms'][number];
const arm = (name: string, auroc: number, aurocSd: number | null, extra: Partial<Arm> = {}): Arm => ({ arm: name, auroc, aurocSd, aucPr: null, balancedAccuracy: null, f1: null, kappa: null, ...extra });

function run(id: string, arms: Arm[] | null, extra: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    name: `run ${id}`,
    kind: 'evaluate',
    state: arms ? 'done' : 'running',
    createdAt: 0,
    updatedAt: 0,
    progress: { phase: 'evaluate', fraction: 0.5, done: 1, total: 2, etaSec: null, message: '' },
    completedPhases: [],
    error: null,
    summary: arms ? { task: 'arithmetic', protocol: 'loso', arms, pretrainLoss: {}, exportedAs: null } : null,
    problem: null,
    dataset: null,
    plannedArms: [],
    ...extra,
  };
}

describe('comparisonArms', () => {
  test("an EEG-only evaluation gets its own baseline's column, beside its model arm", () => {
    const runs = [run('a', [arm('eeg/random', 0.55, 0.1), arm('baseline/eeg', 0.76, 0.18)])];
    assert.deepEqual(comparisonArms(runs), ['eeg/random', 'baseline/eeg'], 'the fixed list had no baseline/eeg column');
  });

  test("the default recipe's nine arms: each modality set's model arms, then its baseline", () => {
    const names = ['fused/pretrained', 'eeg/pretrained', 'ecg/pretrained', 'fused/random', 'eeg/random', 'ecg/random', 'baseline/fused', 'baseline/eeg', 'baseline/ecg'];
    const runs = [run('a', names.map((n) => arm(n, 0.5, 0.1))), run('b', null)];
    assert.deepEqual(comparisonArms(runs), ['fused/pretrained', 'fused/random', 'baseline/fused', 'eeg/pretrained', 'eeg/random', 'baseline/eeg', 'ecg/pretrained', 'ecg/random', 'baseline/ecg'], 'grouped by modality set');
  });

  test('no evaluation yet: the arms the runs will report, not placeholders; none where no run evaluates', () => {
    const running = run('a', null, { plannedArms: ['fused/random', 'baseline/fused'] });
    assert.deepEqual(comparisonArms([running]), ['fused/random', 'baseline/fused'], "a fused/random run stood under 'fused/pretrained'");
    assert.deepEqual([armCell(running, 'fused/random'), armCell(running, 'baseline/fused')], ['…', '…'], 'to come, not missing');
    const done = run('b', [arm('eeg/random', 0.55, 0.1), arm('baseline/eeg', 0.76, 0.18)]);
    const interrupted = run('c', null, { state: 'interrupted', plannedArms: ['ecg/pretrained', 'baseline/ecg'] });
    assert.deepEqual(comparisonArms([done, interrupted]), ['eeg/random', 'baseline/eeg', 'ecg/pretrained', 'baseline/ecg'], 'a resume still reports them');
    assert.equal(armCell(done, 'ecg/pretrained'), '–', 'not an arm of that run');
    // A run that will report nothing more (failed, cancelled) adds no column; a pretraining run plans none.
    const failed = run('d', null, { state: 'failed', plannedArms: ['fused/random', 'baseline/fused'] });
    assert.deepEqual(comparisonArms([failed, run('e', null, { kind: 'pretrain' })]), []);
    assert.equal(armCell(failed, 'fused/random'), '–');
  });
});

describe('armCell', () => {
  test("mean ± sd to three decimals, a mean over fewer folds marked, '–' for an arm the run lacks", () => {
    const r = run('a', [arm('fused/random', 0.51234, 0.11949), arm('baseline/fused', 0.6429, null), arm('eeg/random', 0.7, 0.05, { aurocFolds: [2, 3] })]);
    assert.equal(armCell(r, 'fused/random'), '0.512 ± 0.119', 'mean ± sd');
    assert.equal(armCell(r, 'baseline/fused'), '0.643 (1 fold)', 'one fold: no sd, said as the CLI and the run detail say it');
    assert.equal(armCell(r, 'eeg/random'), '0.700 ± 0.050* (2 of 3 folds)', 'partial folds');
    assert.equal(armCell(r, 'ecg/random'), '–', 'no such arm');
  });
});
