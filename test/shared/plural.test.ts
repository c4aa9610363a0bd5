// Counts in training's progress, log and refusal lines read '1 window', not '1 windows'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plural } from '../../src/shared/plural';
import { protocolText } from '../../src/shared/train/evaluate';
import { trainingReadiness } from '../../src/shared/train/trainable';
import { DEFAULT_EVALUATION } from '../../src/shared/train/defaults';
import { TASK_MENTAL_ARITHMETIC } from '../../src/shared/model/config';
import type { LabelledWindow, WindowDataset } from '../../src/shared/datasets/windows.types';

test('plural: one, none, many, and an irregular plural', () => {
  assert.equal(plural(1, 'window'), '1 window');
  assert.equal(plural(0, 'window'), '0 windows');
  assert.equal(plural(12, 'recording'), '12 recordings');
  assert.equal(plural(2, 'class', 'classes'), '2 classes');
});

test('a dataset of one window of each kind says so in the singular', () => {
  const w = (label: number | null, ecg: boolean): LabelledWindow => ({ recording: 'r', subject: 'S0', start: 0, label, eeg: new Float32Array(1), ecg: ecg ? new Float32Array(1) : null, eegChannels: ['Cz'], ecgChannels: ecg ? ['ECG'] : [], rrMs: new Float64Array(0) }) as LabelledWindow;
  const ds: WindowDataset = { name: 'tiny', task: TASK_MENTAL_ARITHMETIC, rateHz: 200, windowSec: 5, hopSec: 5, windows: [w(null, true), w(0, false), w(1, true)], recordings: [{ id: 'r', subject: 'S0', windows: 3, dropped: {}, unlabelled: 1, warnings: [] }] };
  const r = trainingReadiness(ds, 'fused', DEFAULT_EVALUATION);
  assert.ok(!r.ok, JSON.stringify(r));
  assert.match(r.problem, /^dataset 'tiny' holds one class only \('arithmetic', 1 window\)/);
  const eegOnly = trainingReadiness({ ...ds, windows: [w(null, true), w(0, false), w(1, false)] }, 'fused', DEFAULT_EVALUATION);
  assert.ok(!eegOnly.ok, `EEG-only labelled windows are not ready: ${JSON.stringify(eegOnly)}`);
  assert.match(eegOnly.problem, /\(1 of 3 windows has no label and was left out; 2 labelled windows lack EEG or ECG and were left out\)$/);
  const one = trainingReadiness({ ...ds, windows: [w(0, false)] }, 'fused', DEFAULT_EVALUATION);
  assert.ok(!one.ok, `one window is not ready: ${JSON.stringify(one)}`);
  assert.match(one.problem, /\(1 labelled window lacks EEG or ECG and was left out\)$/);
  assert.equal(protocolText({ ...DEFAULT_EVALUATION, validationSubjects: 1 }, 2, 1).split(';')[0], 'leave-one-subject-out over 2 subjects (1 window), 1 training subject per fold held out to choose the epoch');
});
