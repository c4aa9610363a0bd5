// The checks the core runs on a job spec from the Training view before making its run folder: a
// run the worker would refuse minutes later (after the datasets and the embeddings) is refused at
// once with every problem named; a good spec (the quick recipe, a custom dataset) passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkJobSpec, jobSpecProblems } from '../../../src/shared/train/job-check';
import { splitPathClass } from '../../../src/shared/train/path-class';
import { quickRecipe } from '../../../src/shared/train/recipes';
import { DEFAULT_EVALUATION, DEFAULT_FINETUNE } from '../../../src/shared/train/defaults';
import { encoderWithLayers, TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import type { JobSpec } from '../../../src/shared/train/job.types';
import { TrainError } from '../../../src/shared/train/train.types';

/** What the Training view's custom form sends (new-run.tsx customJob) for an EEGMAT folder. */
function custom(patch: (s: JobSpec) => void = () => undefined): JobSpec {
  const task = { ...TASK_MENTAL_ARITHMETIC, classes: [...TASK_MENTAL_ARITHMETIC.classes] };
  const spec: JobSpec = {
    kind: 'finetune',
    name: 'EEGMAT fused',
    seed: 42,
    dataset: { name: 'EEGMAT', sources: [{ kind: 'eegmat', dir: '/data/eegmat' }], task, labels: { kind: 'file' }, windowing: { windowSec: 5, hopSec: 5, eegMontage: 'auto', ecgMontage: 'device', mainsHz: 50, modalities: ['eeg', 'ecg'], require: 'all' } },
    corpora: {},
    pretrain: {},
    encoders: { eeg: { kind: 'random' }, ecg: { kind: 'random' } },
    encoderConfig: encoderWithLayers(2),
    finetune: { ...DEFAULT_FINETUNE, task, init: 'random' },
    evaluation: { ...DEFAULT_EVALUATION, arms: [{ modalities: 'fused', init: 'random' }] },
    finalFit: true,
    export: null,
  };
  patch(spec);
  return spec;
}

test('good specs pass: the quick recipe and a custom EEGMAT dataset', () => {
  assert.deepEqual(jobSpecProblems(quickRecipe('/data')), []);
  assert.deepEqual(jobSpecProblems(custom()), []);
  assert.doesNotThrow(() => checkJobSpec(custom()));
});

test('numbers the form let through: epochs 0, batch 0, layers 0, negative validation subjects, a fractional seed, a 0-s window', () => {
  const spec = custom((s) => {
    s.finetune!.epochs = 0;
    s.finetune!.batchSize = 0;
    s.encoderConfig = encoderWithLayers(0);
    s.evaluation!.validationSubjects = -1;
    s.seed = 1.5;
    s.dataset!.windowing.windowSec = 0;
  });
  const p = jobSpecProblems(spec).join('\n');
  for (const re of [/epochs must be an integer ≥ 1/, /batchSize must be an integer ≥ 1/, /encoder\.nLayers must be a positive integer \(got 0\)/, /validation subjects per fold must be a whole number ≥ 0, got -1/, /seed must be a whole number from 0 to 4294967295, got 1\.5/, /windows: window length must be a whole number of seconds/]) {
    assert.match(p, re);
  }
  assert.throws(() => checkJobSpec(spec), (e: TrainError) => e.code === 'bad-config' && /^this run cannot start: /.test(e.message) && e.details.length === 6);
});

test('a task the exported model could not carry: a name with spaces, two classes of one name, an empty class', () => {
  assert.match(jobSpecProblems(custom((s) => (s.dataset!.task!.name = 'Stress level'))).join(), /task name 'Stress level' must match/);
  assert.match(jobSpecProblems(custom((s) => (s.dataset!.task!.classes = ['rest', 'rest']))).join(), /the two classes have the same name 'rest'/);
  assert.match(jobSpecProblems(custom((s) => (s.dataset!.task!.classes = ['rest', ' ']))).join(), /both classes need a name/);
  assert.match(jobSpecProblems(custom((s) => (s.export = { modelId: 'My Model', name: 'x', version: '1.0.0', target: { kind: 'user' } }))).join(), /model id 'My Model' must be lowercase/);
});

test('file labels: a file given no class and a recorded session are named (their windows would all be unlabelled)', () => {
  const spec = custom((s) => {
    s.dataset!.sources = [
      { kind: 'file', path: '/data/a.edf', label: 'rest' },
      { kind: 'file', path: '/data/b.edf' },
      { kind: 'session', id: 7 },
    ];
  });
  const p = jobSpecProblems(spec).join('\n');
  assert.match(p, /\/data\/b\.edf has none: give it one \(PATH = CLASS, CLASS rest or arithmetic\)/);
  assert.match(p, /a recorded session \(7\) has none/);
  assert.doesNotMatch(p, /a\.edf/);
  // Under annotations the same sources are fine.
  assert.deepEqual(jobSpecProblems(custom((s) => {
    s.dataset!.sources = spec.dataset!.sources;
    s.dataset!.labels = { kind: 'annotations', classes: { rest: 'rest', task: 'arithmetic' } };
  })), []);
});

test('PATH = CLASS: the class when it is one of the task\'s, else the whole line is the path', () => {
  const classes = ['rest', 'arithmetic'];
  assert.deepEqual(splitPathClass('/d/s01.edf = rest', classes), { path: '/d/s01.edf', label: 'rest' });
  assert.deepEqual(splitPathClass('/d/s01.edf=arithmetic', classes), { path: '/d/s01.edf', label: 'arithmetic' });
  assert.deepEqual(splitPathClass('/d/a=b.edf', classes), { path: '/d/a=b.edf' });
  assert.deepEqual(splitPathClass('/d/s01.edf=rest', null), { path: '/d/s01.edf=rest' });
  assert.deepEqual(splitPathClass('  /d/s01.edf  ', classes), { path: '/d/s01.edf' });
});

test('one class only: every recording given the same class, or annotations naming one class, is refused naming the missing class', () => {
  const allRest = custom((s) => {
    s.dataset!.sources = [
      { kind: 'file', path: '/data/a.edf', label: 'rest' },
      { kind: 'folder', dir: '/data/more', label: 'rest' },
    ];
  });
  assert.deepEqual(jobSpecProblems(allRest), ["labels: one class only: no recording gives class 'arithmetic' (every labelled recording is 'rest'), and a classifier needs both rest and arithmetic"]);
  assert.throws(() => checkJobSpec(allRest), (e: TrainError) => e.code === 'bad-config' && /no recording gives class 'arithmetic'/.test(e.message));
  const oneMapped = custom((s) => {
    s.dataset!.sources = [{ kind: 'file', path: '/data/a.edf' }];
    s.dataset!.labels = { kind: 'annotations', classes: { T0: 'rest', T1: 'rest' } };
  });
  assert.deepEqual(jobSpecProblems(oneMapped), ["labels: one class only: no annotation text gives class 'arithmetic' (the annotations map only to 'rest'), and a classifier needs both rest and arithmetic"]);
  // A class the task does not have is named too (its windows would fail to label).
  assert.match(jobSpecProblems(custom((s) => (s.dataset!.labels = { kind: 'annotations', classes: { T0: 'rest', T1: 'task' } }))).join(), /annotation texts map to 'task', which is not a class of task 'arithmetic' \(rest, arithmetic\)/);
  // Class names match as the dataset builder matches them (case-insensitive).
  assert.deepEqual(jobSpecProblems(custom((s) => (s.dataset!.labels = { kind: 'annotations', classes: { T0: 'Rest', T1: 'ARITHMETIC' } }))), []);
});

test('one class only is not claimed where only the data can tell: DREAMER ratings, self-reports', () => {
  const dreamer = custom((s) => {
    s.dataset!.task = { name: 'arousal', kind: 'binary', classes: ['low', 'high'] };
    s.finetune!.task = s.dataset!.task;
    s.dataset!.sources = [{ kind: 'dreamer', path: '/data/DREAMER.mat', dimension: 'arousal', threshold: 4 }];
  });
  assert.deepEqual(jobSpecProblems(dreamer), []);
  const reports = custom((s) => {
    s.dataset!.sources = [{ kind: 'session', id: 3 }];
    s.dataset!.labels = { kind: 'self-report', dimension: 'arousal', threshold: 5 };
  });
  assert.deepEqual(jobSpecProblems(reports), []);
  // DREAMER's file labels are low/high: a task named otherwise could never label them.
  assert.match(jobSpecProblems(custom((s) => (s.dataset!.sources = [{ kind: 'dreamer', path: '/d.mat', dimension: 'arousal' }]))).join(), /recordings are labelled 'low', 'high', which are not classes of task 'arithmetic'/);
});

test('a threshold no score reaches, or every score reaches, is one class: DREAMER (1–5) and session self-reports (SAM 1–9)', () => {
  const dreamer = (threshold: number) =>
    custom((s) => {
      s.dataset!.task = { name: 'arousal', kind: 'binary', classes: ['low', 'high'] };
      s.finetune!.task = s.dataset!.task;
      s.dataset!.sources = [{ kind: 'dreamer', path: '/data/DREAMER.mat', dimension: 'arousal', threshold }];
    });
  assert.deepEqual(jobSpecProblems(dreamer(6)), ["labels: one class only: no recording gives class 'high' (every labelled recording is 'low': a DREAMER threshold of 6 makes every clip 'low' (its scores run 1–5; score ≥ threshold is 'high')), and a classifier needs both low and high"]);
  assert.match(jobSpecProblems(dreamer(1)).join(), /no recording gives class 'low' \(every labelled recording is 'high': a DREAMER threshold of 1 makes every clip 'high'/);
  for (const t of [1.5, 4, 5]) assert.deepEqual(jobSpecProblems(dreamer(t)), [], `threshold ${t}`);
  const reports = (threshold: number) =>
    custom((s) => {
      s.dataset!.sources = [{ kind: 'session', id: 3 }];
      s.dataset!.task = { name: 'arousal', kind: 'binary', classes: ['low', 'high'] };
      s.finetune!.task = s.dataset!.task;
      s.dataset!.labels = { kind: 'self-report', dimension: 'arousal', threshold };
    });
  assert.deepEqual(jobSpecProblems(reports(10)), ["labels: one class only: a self-report threshold of 10 makes every rated window 'low' (SAM scores run 1–9; score ≥ threshold is 'high'), so no window is 'high'"]);
  assert.match(jobSpecProblems(reports(0)).join(), /threshold of 0 makes every rated window 'high'.*so no window is 'low'/);
  assert.deepEqual(jobSpecProblems(reports(9)), []);
});
