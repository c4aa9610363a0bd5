// Subject-wise evaluation with ablations and the baseline on a small synthetic dataset (tiny
// encoders): every arm and the baseline get the same folds, no subject leaks, the metrics equal
// scikit-learn's on the same predictions, and bad datasets are refused with a clear message.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '@jax-js/jax';
import { crossValidate, DEFAULT_EVALUATION, protocolText } from '../../../src/shared/train/evaluate';
import { trainableWindows, trainingReadiness } from '../../../src/shared/train/trainable';
import { DEFAULT_FINETUNE, finetuneModelConfig, fitFull, initHeadParams } from '../../../src/shared/train/finetune';
import { initEncoderHostParams } from '../../../src/shared/model/params';
import { TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import type { LabelledWindow, WindowDataset } from '../../../src/shared/datasets/windows.types';
import { TrainError, type EvaluationReport, type FinetuneConfig } from '../../../src/shared/train/train.types';
import { BASELINE_C_GRID } from '../../../src/shared/train/baseline';
import { hasPython, runPython } from '../eval/python-reference';
import { TINY_ENCODER, sineItems } from './tiny';

before(async () => {
  await init('wasm');
});

/** 6 subjects × 8 windows of 2 s; class 1 has faster EEG rhythms (beta vs theta), a faster heart and ECG. */
function dataset(opts: { subjects?: number; oneClass?: boolean; unlabelled?: number } = {}): WindowDataset {
  const windows: LabelledWindow[] = [];
  const S = opts.subjects ?? 6;
  for (let s = 0; s < S; s++) {
    for (let k = 0; k < 8; k++) {
      const label = opts.oneClass ? 0 : k % 2;
      const [eeg] = sineItems(1, 3, 2, s * 100 + k, 40, label ? [18, 28] : [4, 8]);
      const [ecg] = sineItems(1, 1, 2, s * 100 + k + 50, 400, label ? [1.6, 2] : [1, 1.2]);
      windows.push({
        recording: `S${s}-${label}`,
        subject: `S${s}`,
        start: k * 2,
        label: opts.unlabelled && k < opts.unlabelled ? null : label,
        eeg: eeg.data,
        ecg: ecg.data,
        eegChannels: ['Fz', 'Cz', 'Pz'],
        ecgChannels: ['ECG'],
        rrMs: Float64Array.from(label ? [600, 610, 590] : [850, 870, 860]),
      });
    }
  }
  return { name: 'synthetic', task: TASK_MENTAL_ARITHMETIC, rateHz: 200, windowSec: 2, hopSec: 2, windows, recordings: [...new Set(windows.map((w) => w.subject))].map((s) => ({ id: s, subject: s, windows: 8, dropped: {}, unlabelled: 0, warnings: [] })) };
}

const ft: FinetuneConfig = { ...DEFAULT_FINETUNE, task: TASK_MENTAL_ARITHMETIC, epochs: 8, batchSize: 8, headLr: 3e-3 };
const encoders = {
  config: { eeg: TINY_ENCODER, ecg: TINY_ENCODER },
  pretrained: { eeg: initEncoderHostParams(TINY_ENCODER, 1, { stream: 'eeg' }), ecg: initEncoderHostParams(TINY_ENCODER, 1, { stream: 'ecg' }) },
  randomSeed: 2,
};

test('the protocol line counts its validation subjects in good English', () => {
  const kfold = { ...DEFAULT_EVALUATION, split: { kind: 'kfold' as const, k: 2 } };
  assert.match(protocolText({ ...kfold, validationSubjects: 1 }, 4, 96), /^2-fold by subject over 4 subjects \(96 windows\), 1 training subject per fold held out to choose the epoch;/);
  assert.match(protocolText({ ...DEFAULT_EVALUATION, validationSubjects: 2 }, 12, 574), /^leave-one-subject-out over 12 subjects \(574 windows\), 2 training subjects per fold held out/);
  assert.match(protocolText({ ...kfold, validationSubjects: 0 }, 4, 96), /, last epoch;/);
  // What a paper's table needs: windows per class, and which sd the ± is.
  assert.equal(
    protocolText({ ...DEFAULT_EVALUATION, validationSubjects: 2 }, 12, 538, { names: ['rest', 'arithmetic'], counts: [394, 144] }),
    'leave-one-subject-out over 12 subjects (538 windows: 394 rest, 144 arithmetic), 2 training subjects per fold held out to choose the epoch; metrics per fold and their mean ± sd over the folds (sample sd, n − 1), threshold 0.5',
  );
});

describe('crossValidate', () => {
  test('k-fold by subject: every arm and the baseline on the same folds, metrics equal scikit-learn', async () => {
    const epochs: string[] = [];
    const progress: { message: string; part: string; done: number; total: number }[] = [];
    const cv = await crossValidate(dataset(), ft, { ...DEFAULT_EVALUATION, split: { kind: 'kfold', k: 3 }, validationSubjects: 1 }, encoders, {
      onEpoch: (e) => epochs.push(`${e.arm}:${e.fold}:${e.epoch}`),
      progress: (message, part, done, total) => progress.push({ message, part, done, total }),
    });
    const r = cv.report;
    // Reported by part, in order (an embedding takes minutes at 12 layers, a head fit seconds: the
    // ETA times each part apart): four encoders embed once each (the eeg and ecg arms reuse the fused
    // arms' embeddings), 4 arms × 3 folds, a baseline per modality set weighted by its features + 1
    // (3 channels × 5 bands × 2 and the heart's 3: fused 34, EEG 31, ECG 4). Each part starts at 0 and
    // reaches its total with its last unit, not before.
    assert.deepEqual([...new Set(progress.map((p) => p.part))], ['embeddings', 'folds', 'baseline'], 'the parts in order, each once');
    for (const [part, total, last] of [['embeddings', 4, ['embedding ecg/random: 48/48 windows', 'embedded ecg/random']], ['folds', 4 * 3, ['evaluate fused/random fold 3/3']], ['baseline', 30 + 3 + 1 + (30 + 1) + (3 + 1), ['baseline/ecg']]] as const) {
      const ps = progress.filter((p) => p.part === part);
      assert.ok(ps.every((p) => p.total === total), `${part}: total ${total}: ${JSON.stringify(ps.map((p) => p.total))}`);
      assert.equal(ps[0].done, 0, `${part} starts at 0`);
      assert.ok(ps.every((p, i) => i === 0 || p.done >= ps[i - 1].done), `${part}: progress never goes back`);
      assert.deepEqual(ps.filter((p) => p.done >= total).map((p) => p.message), last, `${part}: full only with its last unit`);
    }
    assert.ok(progress.some((p) => p.message === 'baseline/fused fold 2/3' && p.done > progress.find((q) => q.message === 'baseline/fused fold 1/3')!.done), 'each baseline fold is reported');
    assert.deepEqual(r.arms.map((a) => a.arm), ['fused/pretrained', 'eeg/pretrained', 'ecg/pretrained', 'fused/random', 'baseline/fused', 'baseline/eeg', 'baseline/ecg']);
    assert.equal(r.folds.length, 3);
    for (const f of r.folds) {
      const sets = [f.trainSubjects, f.validationSubjects, f.testSubjects];
      const all = sets.flat();
      assert.equal(new Set(all).size, all.length, 'no subject in two parts of a fold');
      assert.equal(f.validationSubjects.length, 1, 'one validation subject a fold');
    }
    for (const a of r.arms) {
      // Same test windows in every arm, each window tested once.
      assert.equal(a.predictions.reduce((s, p) => s + p.yTrue.length, 0), 48, `${a.arm}: 48 test windows in all`);
      assert.deepEqual(a.predictions.map((p) => p.subjects.join()), r.arms[0].predictions.map((p) => p.subjects.join()), `${a.arm}: the same test subjects per fold as ${r.arms[0].arm}`);
    }
    assert.equal(epochs.length, 4 * 3 * 8, 'an epoch record per arm × fold × epoch');
    // What was evaluated, per class; the chance level of these test folds; the baseline's C of each fold.
    assert.match(r.protocol, /over 6 subjects \(48 windows: 24 rest, 24 arithmetic\)/);
    const share = r.arms[0].predictions.map((p) => p.yTrue.filter((v) => v === 1).length / p.yTrue.length);
    assert.deepEqual(r.chance, { auroc: 0.5, aucPr: share.reduce((a, b) => a + b, 0) / share.length, f1: null, f1Weighted: null, balancedAccuracy: 0.5, cohenKappa: 0, accuracy: null });
    for (const a of r.arms) {
      if (a.init !== 'baseline') assert.equal(a.baselineC, undefined, `${a.arm} has no C`);
      else assert.ok(a.baselineC?.length === 3 && a.baselineC.every((c) => BASELINE_C_GRID.includes(c)), `${a.arm}: a C from the grid per fold, got ${JSON.stringify(a.baselineC)}`);
    }
    const fused = r.arms[0];
    assert.ok(fused.table.pooled!.auroc > 0.8, `fused AUROC ${fused.table.pooled!.auroc}`);
    assert.ok(fused.roc.x.length >= 2 && fused.confusion.length === 4, `fused has a ROC of at least 2 points (${fused.roc.x.length}) and a 4-cell confusion (${fused.confusion.length})`);
    if (hasPython) {
      const y = fused.predictions.flatMap((p) => p.yTrue);
      const s = fused.predictions.flatMap((p) => p.scores);
      const ref = runPython<number[]>(
        `
import json, sys
from sklearn import metrics as m
d = json.load(sys.stdin); y = d['y']; s = d['s']; p = [1 if v > 0.5 else 0 for v in s]
print(json.dumps([m.roc_auc_score(y, s), m.average_precision_score(y, s), m.f1_score(y, p, zero_division=0), m.f1_score(y, p, average='weighted', zero_division=0), m.balanced_accuracy_score(y, p), m.cohen_kappa_score(y, p)]))
`,
        { y, s },
      );
      const t = fused.table.pooled!;
      [t.auroc, t.aucPr, t.f1, t.f1Weighted, t.balancedAccuracy, t.cohenKappa].forEach((v, i) => assert.ok(Math.abs(v - ref[i]) < 1e-9, `metric ${i}: ${v} vs sklearn ${ref[i]}`));
    }
  });

  test('same seed, same numbers: a second run reports the same figures to the bit; another encoder seed moves the model, not the baseline', async () => {
    const ev = { ...DEFAULT_EVALUATION, split: { kind: 'kfold' as const, k: 2 }, validationSubjects: 1, arms: [{ modalities: 'ecg' as const, init: 'random' as const }] };
    const cfg = { ...ft, epochs: 2 };
    const run = (randomSeed: number) => crossValidate(dataset({ subjects: 11 }), cfg, ev, { ...encoders, randomSeed }).then((cv) => JSON.stringify(cv.report));
    const first = await run(2);
    assert.equal(await run(2), first, 'the same inputs and seeds give report.json byte for byte');
    const other = JSON.parse(await run(5)) as EvaluationReport;
    const same = JSON.parse(first) as EvaluationReport;
    assert.notDeepEqual(other.arms[0].predictions, same.arms[0].predictions, 'the random-init encoders follow their seed');
    assert.deepEqual(other.arms[1], same.arms[1], 'the baseline does not depend on the encoders');
    assert.deepEqual(same.subjects, ['S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9', 'S10'], 'subjects in natural order, as the folds take them');
    // report.json's confusion matrices are arrays a reader indexes, [TN, FP, FN, TP] (they were {"0": TN, …}).
    assert.ok(same.arms.every((a) => a.table.rows.every((row) => Array.isArray(row.confusion.counts) && row.confusion.counts.length === 4) && Array.isArray(a.table.pooled!.confusion.counts)), 'confusion counts are JSON arrays');
  });

  test('one class only, missing labels and a subject without windows get clear messages', async () => {
    assert.throws(() => trainableWindows(dataset({ oneClass: true }), ['eeg', 'ecg']), (e: TrainError) => e.code === 'bad-dataset' && /one class only \('rest', 48 windows\): no window of class 'arithmetic'/.test(e.message));
    const ds = dataset({ unlabelled: 2 });
    ds.recordings.push({ id: 'S9', subject: 'S9', windows: 0, dropped: { 'eeg:bad-quality': 7 }, unlabelled: 0, warnings: [] });
    const t = trainableWindows(ds, ['eeg', 'ecg']);
    assert.equal(t.windows.length, 36);
    assert.ok(t.notes.some((n) => /12 of 48 windows have no label/.test(n)), `a note counts the unlabelled windows: ${JSON.stringify(t.notes)}`);
    assert.ok(t.notes.some((n) => /subject S9 has no usable window: 7 dropped \(eeg:bad-quality\)/.test(n)), `a note says S9 has no usable window: ${JSON.stringify(t.notes)}`);
    await assert.rejects(crossValidate(dataset({ subjects: 2 }), ft, DEFAULT_EVALUATION, encoders), (e: TrainError) => e.code === 'bad-dataset' && /at least 4 subjects/.test(e.message));
  });

  test('cancel and pause act while the encoders embed the windows, not after every embedding', async () => {
    for (const action of ['cancel', 'pause'] as const) {
      const embedded: string[] = [];
      let polls = 0;
      // The first poll (before the first batch) says run; the next, between batches, asks to stop.
      const control = () => (++polls > 1 ? action : 'run');
      await assert.rejects(
        crossValidate(dataset(), ft, { ...DEFAULT_EVALUATION, split: { kind: 'kfold', k: 3 }, validationSubjects: 1 }, encoders, { control, onEmbedded: (key) => void embedded.push(key) }),
        (e: TrainError) => e.code === (action === 'cancel' ? 'cancelled' : 'paused') && /embedding eeg\/pretrained/.test(e.message),
      );
      assert.deepEqual(embedded, [], `${action}: no encoder finished its embedding`);
    }
  });

  test('cancel and pause act between the baseline folds, not after every baseline', async () => {
    for (const action of ['cancel', 'pause'] as const) {
      let baselineStarted = false;
      const control = () => (baselineStarted ? action : 'run');
      await assert.rejects(
        crossValidate(dataset(), { ...ft, epochs: 1 }, { ...DEFAULT_EVALUATION, split: { kind: 'kfold', k: 3 }, validationSubjects: 1, arms: [{ modalities: 'fused', init: 'random' }] }, encoders, {
          control,
          progress: (message) => (baselineStarted ||= message.startsWith('baseline/')),
        }),
        (e: TrainError) => e.code === (action === 'cancel' ? 'cancelled' : 'paused') && /^baseline\/fused fold 2\/3 (cancelled|paused)$/.test(e.message),
      );
    }
  });

  test('readiness: the same checks answered before a run (the builder preview)', () => {
    const loso = { ...DEFAULT_EVALUATION, split: { kind: 'loso' as const }, validationSubjects: 2 };
    const ready = trainingReadiness(dataset({ unlabelled: 2 }), 'fused', loso);
    assert.ok(ready.ok, `the dataset is ready: ${JSON.stringify(ready)}`);
    assert.deepEqual([ready.windows, ready.subjects, ready.folds], [36, 6, 6]);
    assert.ok(ready.notes.some((n) => /12 of 48 windows have no label/.test(n)), `a note counts the unlabelled windows: ${JSON.stringify(ready.notes)}`);
    const two = trainingReadiness(dataset({ subjects: 2 }), 'eeg', loso);
    assert.ok(!two.ok && /needs at least 4 subjects; the dataset has 2/.test(two.problem), JSON.stringify(two));
    const one = trainingReadiness(dataset({ oneClass: true }), 'ecg', { ...loso, split: { kind: 'kfold', k: 3 } });
    assert.ok(!one.ok && /one class only/.test(one.problem), `one class only is refused: ${JSON.stringify(one)}`);
    const none = trainingReadiness(dataset({ unlabelled: 8 }), 'fused', loso);
    assert.ok(!none.ok && /has no labelled window with EEG and ECG \(48 of 48 windows have no label/.test(none.problem), JSON.stringify(none));
  });

  test('end-to-end fine-tuning trains encoders and head with their own rates', async () => {
    const ds = dataset();
    const t = trainableWindows(ds, ['eeg', 'ecg']);
    const cfg = { ...ft, freeze: 'none' as const, epochs: 2 };
    const model = finetuneModelConfig(cfg, encoders.config);
    const items = { eeg: t.windows.map((w) => ({ data: w.eeg!, channels: 3 })), ecg: t.windows.map((w) => ({ data: w.ecg!, channels: 1 })) };
    const init = { head: initHeadParams(model, 1), eeg: encoders.pretrained.eeg, ecg: encoders.pretrained.ecg };
    const steps: number[] = [];
    const fit = await fitFull({ cfg, model, labels: t.labels, train: Array.from({ length: 32 }, (_, i) => i), validation: [40, 41, 42, 43], windows: items, init, hooks: { onStep: (s) => steps.push(s.step) } });
    assert.equal(steps.length, 8);
    assert.ok(fit.bestEpoch >= 1 && fit.bestEpoch <= 2, `best epoch ${fit.bestEpoch}, expected 1 or 2`);
    const w0 = encoders.pretrained.eeg['encoder.layers.0.linear1.weight'].data;
    const w1 = fit.params.eeg!['encoder.layers.0.linear1.weight'].data;
    assert.ok(w1.some((v, i) => v !== w0[i]), 'the EEG encoder trained');
    assert.deepEqual(fit.params.eeg!['patch_embedding.mask_encoding'].data, encoders.pretrained.eeg['patch_embedding.mask_encoding'].data, 'mask_encoding stays frozen');
    // Windows of extreme values (a recording in the wrong unit): the first step's loss is not finite,
    // and the fit stops there, naming the step and both learning rates.
    const huge = { eeg: items.eeg.map((w) => ({ ...w, data: w.data.map(() => 3e38) })), ecg: items.ecg };
    await assert.rejects(
      fitFull({ cfg, model, labels: t.labels, train: Array.from({ length: 32 }, (_, i) => i), validation: [], windows: huge, init, phase: 'evaluate fused/pretrained fold 1/3' }),
      (e: TrainError) => e.code === 'nan-loss' && /^evaluate fused\/pretrained fold 1\/3: the loss became (NaN|-?Infinity) at step 1, epoch 1 \(learning rates: head \d\.\d\de-\d, encoders \d\.\d\de-\d\)\. The fit stopped there; .*extreme values/.test(e.message),
    );
  });
});
