// What a dataset offers training, answered before a run (the Training view's preview): the folds'
// subject count checks, and every split problem returned as { ok: false, problem } (never thrown).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kFoldMinSubjects, makeFolds, oneSubjectFoldsNote, splitFixedBy, trainingReadiness } from '../../../src/shared/train/trainable';
import { DEFAULT_EVALUATION } from '../../../src/shared/train/defaults';
import { TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import type { LabelledWindow, WindowDataset } from '../../../src/shared/datasets/windows.types';
import { TrainError, type EvaluationConfig } from '../../../src/shared/train/train.types';

/** `subjects` subjects × 4 windows, both classes each; the signals are placeholders (readiness only checks presence). */
function dataset(subjects: number): WindowDataset {
  const windows: LabelledWindow[] = [];
  for (let s = 0; s < subjects; s++) {
    for (let k = 0; k < 4; k++) {
      windows.push({ recording: `S${s}`, subject: `S${s}`, start: k * 5, label: k % 2, eeg: new Float32Array(1), ecg: new Float32Array(1), eegChannels: ['Cz'], ecgChannels: ['ECG'], rrMs: new Float64Array(0) });
    }
  }
  const recordings = [...new Set(windows.map((w) => w.subject))].map((s) => ({ id: s, subject: s, windows: 4, dropped: {}, unlabelled: 0, warnings: [] }));
  return { name: 'placeholder', task: TASK_MENTAL_ARITHMETIC, rateHz: 200, windowSec: 5, hopSec: 5, windows, recordings };
}

const kfold = (k: number, validationSubjects: number): EvaluationConfig => ({ ...DEFAULT_EVALUATION, split: { kind: 'kfold', k }, validationSubjects });

describe('k-fold readiness with validation subjects', () => {
  test('too few subjects for the validation hold-out: an answer naming the need, not an exception', () => {
    const r = trainingReadiness(dataset(3), 'fused', kfold(3, 2));
    assert.ok(!r.ok, JSON.stringify(r));
    assert.match(r.problem, /3-fold by subject with 2 validation subjects per fold needs at least 5 subjects; the dataset has 3/);
    const one = trainingReadiness(dataset(3), 'eeg', kfold(2, 1));
    assert.ok(!one.ok && /with 1 validation subject per fold needs at least 4 subjects/.test(one.problem), JSON.stringify(one));
  });

  test('the smallest subject count the check asks for does split, and one fewer does not', () => {
    for (const [k, v] of [[2, 0], [2, 1], [3, 2], [4, 2], [5, 3]]) {
      const need = kFoldMinSubjects(k, v);
      const ds = dataset(need);
      const subjects = ds.windows.map((w) => w.subject);
      const labels = Int32Array.from(ds.windows, (w) => w.label!);
      assert.equal(makeFolds(kfold(k, v), subjects, labels).length, k, `k=${k} v=${v} S=${need}`);
      const fewer = dataset(need - 1);
      assert.throws(() => makeFolds(kfold(k, v), fewer.windows.map((w) => w.subject), Int32Array.from(fewer.windows, (w) => w.label!)), TrainError, `k=${k} v=${v} S=${need - 1}`);
    }
    assert.equal(kFoldMinSubjects(3, 2), 5);
  });

  test('a problem the split itself finds (an EvalError) is answered too', () => {
    const r = trainingReadiness(dataset(6), 'fused', { ...kfold(3, 0), validationSubjects: -1 });
    assert.ok(!r.ok && /validationSubjects must be a non-negative integer/.test(r.problem), JSON.stringify(r));
  });
});

describe('test folds of one class', () => {
  test('the readiness says which folds hold one class (their AUROC, F1, κ … will be undefined), before a run', () => {
    const ds = dataset(4);
    // S3 gave rest windows only (a recording given one class, a DREAMER subject who rated every clip low).
    const windows = ds.windows.map((w) => (w.subject === 'S3' ? { ...w, label: 0 } : w));
    const r = trainingReadiness({ ...ds, windows }, 'fused', { ...DEFAULT_EVALUATION, validationSubjects: 1 });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.notes, ["1 of 4 test folds holds one class only (S3: all 'rest'): AUROC, AUC-PR, F1, balanced accuracy and κ are undefined there, and their means are over the other folds"]);
    assert.deepEqual((trainingReadiness(ds, 'fused', { ...DEFAULT_EVALUATION, validationSubjects: 1 }) as { notes: string[] }).notes, [], 'both classes in every fold: nothing to say');
  });
});

describe('training folds of one class', () => {
  test('a fold that would train on one class is refused before a run, naming the fold and its subjects (the fit stopped the run after every embedding)', () => {
    const ds = dataset(4);
    // The quick recipe's shape: 4 subjects, 2-fold, 1 validation subject, so each fold trains on one subject;
    // every subject gave windows of one class only (S1, S2 arithmetic: their rest recordings' ECG judged
    // bad throughout; S0, S3 rest): the dataset holds both classes, no fold's training subject does.
    const windows = ds.windows.map((w) => ({ ...w, label: w.subject === 'S1' || w.subject === 'S2' ? 1 : 0 }));
    const evaluation = kfold(2, 1);
    const r = trainingReadiness({ ...ds, windows }, 'fused', evaluation);
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.match((r as { problem: string }).problem, /^2 of 2 folds would train on one class only \(fold 1 trains on S\d: all '(rest|arithmetic)'; fold 2 trains on S\d: all '(rest|arithmetic)'\): add subjects with both classes/, JSON.stringify(r));
    assert.ok(trainingReadiness(ds, 'fused', evaluation).ok, 'both classes in every subject: it trains');
  });
});

describe('folds that train on one subject', () => {
  test('four subjects left one out with two validation subjects: the readiness says every fold trains on one subject and what to change; with one, nothing is said', () => {
    const loso = (v: number): EvaluationConfig => ({ ...DEFAULT_EVALUATION, split: { kind: 'loso' }, validationSubjects: v });
    const r = trainingReadiness(dataset(4), 'fused', loso(2));
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.notes, ["every fold trains on one subject (2 other subjects held out of each to choose the epoch): the model and the baseline learn from one person's windows; hold out 1 instead (validation subjects per fold, --validation 1) to train each on one more"]);
    assert.deepEqual((trainingReadiness(dataset(4), 'fused', loso(1)) as { notes: string[] }).notes, [], 'two training subjects a fold: nothing to say');
    // Two subjects, no validation: one trains, one is tested; nothing to hold out less.
    assert.deepEqual((trainingReadiness(dataset(2), 'fused', loso(0)) as { notes: string[] }).notes, ["every fold trains on one subject: the model and the baseline learn from one person's windows"]);
  });

  test("a recipe's run (its split fixed: --recipe quick refuses --validation) is told so, not to change what it cannot", () => {
    // The quick recipe's split: 4 subjects, 2-fold, 1 validation subject.
    const folds = [
      { trainSubjects: ['S0'], validationSubjects: ['S1'] },
      { trainSubjects: ['S2'], validationSubjects: ['S3'] },
    ];
    assert.equal(splitFixedBy({ name: 'quick' }), 'the quick recipe');
    assert.equal(splitFixedBy({ name: 'default --paper' }), 'the default recipe');
    for (const chosen of [undefined, { name: 'evaluate' }, { name: 'custom' }]) assert.equal(splitFixedBy(chosen), undefined, `${chosen?.name}: its split was chosen`);
    assert.equal(
      oneSubjectFoldsNote(folds, splitFixedBy({ name: 'quick' })),
      "every fold trains on one subject (1 other subject held out of each to choose the epoch): the model and the baseline learn from one person's windows; the quick recipe fixes the split",
    );
    assert.match(oneSubjectFoldsNote(folds, splitFixedBy({ name: 'evaluate' }))!, /; hold out 0 instead \(validation subjects per fold, --validation 0\) to train each on one more$/);
  });
});
