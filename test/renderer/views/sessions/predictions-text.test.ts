import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_PREDICTIONS_TEXT, predictionLines } from '../../../../src/renderer/src/views/sessions/format';
import type { Prediction } from '../../../../src/shared/session.types';

let id = 0;
const times = new Map<string, number>();
/** A row of `modelId`'s, its window one second after that model's last (as a model answering every window on a 1-s hop). */
const p = (modelId: string, outputs: Record<string, number>, windowTime = (times.get(modelId) ?? 999) + 1): Prediction => {
  times.set(modelId, windowTime);
  return { id: ++id, sessionId: 1, modelId, windowTime, outputs };
};

test("a session's Predictions detail: one line per model, in the order they first ran, with why a modality was absent", () => {
  const preds = [
    p('fused', { 'fed:eeg': 1, 'fed:ecg': 0, 'absent:ecg:starting': 1, latency_ms: 5 }),
    p('fused', { 'fed:eeg': 1, 'fed:ecg': 1, latency_ms: 5 }),
    p('eegmat', { 'fed:eeg': 1, 'arithmetic:0': 0.2 }),
    p('fused', { 'fed:eeg': 1, 'fed:ecg': 0, 'absent:ecg:gap': 1 }),
    p('fused', { 'fed:eeg': 1, 'fed:ecg': 0, 'absent:ecg:gap': 1 }),
    // A row stored before the reason was: absent, reason unrecorded.
    p('fused', { 'fed:eeg': 1, 'fed:ecg': 0 }),
  ];
  assert.deepEqual(
    predictionLines(preds).map((l) => l.model),
    ["'fused' 5 windows: EEG fed 5; ECG fed 1, absent 4 (gap 2, starting 1, unrecorded 1)", "'eegmat' 1 window: EEG fed 1"],
    'the lines `heartmind sessions show` prints',
  );
});

test('no predictions: no lines (the view says NO_PREDICTIONS_TEXT instead)', () => {
  assert.deepEqual(predictionLines([]), [], 'no model ran');
  // Not only that there are none (an imported file never has any): how to get them.
  assert.match(NO_PREDICTIONS_TEXT, /^No model predictions stored for this session\. .*model is active \(Models view\).*replay this session to fill them in, at a speed the model keeps up with/, 'says how to fill them in');
  // Not 'at max speed': a max-speed replay outruns the page's model (and can end before it loads).
  assert.match(NO_PREDICTIONS_TEXT, /At max speed the replay outruns it/, 'warns against max speed');
  assert.match(NO_PREDICTIONS_TEXT, /Run model… below \(or heartmind sessions predict ID in a terminal\) runs a model over every window/, 'names the action (and the command) that answers every window');
});

test('under each model, per task what it answered over the session: the share of windows each class was the answer, the mean probability', () => {
  const row = (pa: number, extra: Record<string, number> = {}) => p('eegmat', { 'arithmetic:0': 1 - pa, 'arithmetic:1': pa, 'fed:eeg': 1, 'fed:ecg': 1, latency_ms: 4, ...extra });
  const preds = [row(0.9), row(0.8), row(0.7), row(0.2)];
  const models = [{ id: 'eegmat', tasks: [{ name: 'arithmetic', kind: 'binary' as const, classes: ['rest', 'arithmetic'] }] }];
  assert.deepEqual(predictionLines(preds, models), [{ model: "'eegmat' 4 windows: EEG fed 4; ECG fed 4", tasks: ['arithmetic: answered arithmetic in 3 of 4 windows (75 %), rest in 1 (25 %); mean P(arithmetic) 0.65'], segments: null }]);
  // The model no longer installed: its classes by index.
  assert.deepEqual(predictionLines(preds)[0].tasks, ['arithmetic: answered class 1 in 3 of 4 windows (75 %), class 0 in 1 (25 %); mean P(class 1) 0.65']);
  // More than two classes: each mean; a class never the answer is not listed among the answers.
  const three = [p('v', { 'valence:0': 0.5, 'valence:1': 0.3, 'valence:2': 0.2 }), p('v', { 'valence:0': 0.6, 'valence:1': 0.1, 'valence:2': 0.3 })];
  assert.deepEqual(predictionLines(three, [{ id: 'v', tasks: [{ name: 'valence', kind: 'multiclass', classes: ['low', 'mid', 'high'] }] }])[0].tasks, ['valence: answered low in 2 of 2 windows (100 %); mean P(low) 0.55, P(mid) 0.20, P(high) 0.25']);
});

test("a modality withheld for its quality: its line says which flags made the channels unusable, per window, as the Windows panel words them", () => {
  const preds = [
    p('fused', { 'fed:eeg': 1, 'fed:ecg': 0, 'absent:ecg:bad-quality': 1, 'unusable:ecg:no-qrs': 1 }),
    p('fused', { 'fed:eeg': 1, 'fed:ecg': 0, 'absent:ecg:bad-quality': 1, 'unusable:ecg:no-qrs': 1 }),
    p('fused', { 'fed:eeg': 1, 'fed:ecg': 0, 'absent:ecg:bad-quality': 1, 'unusable:ecg:flat': 1 }),
    // Stored before the flags were: counted as bad-quality, no words.
    p('fused', { 'fed:eeg': 1, 'fed:ecg': 0, 'absent:ecg:bad-quality': 1 }),
    p('fused', { 'fed:eeg': 0, 'fed:ecg': 1, 'absent:eeg:bad-quality': 1, 'unusable:eeg:flat': 17, 'unusable:eeg:railed': 2 }),
  ];
  assert.equal(
    predictionLines(preds)[0].model,
    "'fused' 5 windows: EEG fed 4, absent 1 (bad-quality 1 [in 1: every channel unusable: 17 flat, 2 railed]); ECG fed 1, absent 4 (bad-quality 4 [in 2: its one channel shows no QRS; in 1: its one channel is a flat line])",
  );
});

test('answers that leave windows out between the first and the last say how many, on the hop the others fall on (a replay at max speed outruns the model)', () => {
  const row = (t: number) => p('m', { 'fed:eeg': 1, 'x:0': 0.5, 'x:1': 0.5 }, t);
  // 1-s hop, 2000 … 2010: 11 windows, 4 answered.
  const sparse = [row(2000), row(2001), row(2005), row(2010)];
  assert.equal(predictionLines(sparse)[0].model, "'m' 4 windows, 7 between them unanswered (1-s hop): EEG fed 4");
  // A 0.5-s hop, host times a float step off the grid: 1 left out.
  const half = [row(3000.5000000001), row(3001), row(3002)];
  assert.equal(predictionLines(half)[0].model, "'m' 3 windows, 1 between them unanswered (0.5-s hop): EEG fed 3");
  // Every window answered, or one alone: nothing said.
  assert.equal(predictionLines([row(4000), row(4001), row(4002)])[0].model, "'m' 3 windows: EEG fed 3");
  assert.equal(predictionLines([row(5000)])[0].model, "'m' 1 window: EEG fed 1");
});

test('with the session\'s markers, the detail says per label what the model answered, in the words sessions show prints', () => {
  const rows = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => p('eegmat', { 'arithmetic:0': s >= 5 ? 0.1 : 0.9, 'arithmetic:1': s >= 5 ? 0.9 : 0.1, 'fed:eeg': 1 }, 2000 + s));
  const models = [{ id: 'eegmat', tasks: [{ name: 'arithmetic', kind: 'binary' as const, classes: ['rest', 'arithmetic'] }] }];
  const settings = [{ time: 2000, settings: { window: { lengthSec: 2, hopSec: 1 } } }];
  const [l] = predictionLines(rows, models, { markers: [{ time: 2000, duration: 0, label: 'rest' }, { time: 2005, duration: 0, label: 'count' }], endTime: 2012, settings });
  assert.deepEqual(l.segments, {
    head: 'by marker segment (2-s windows, each counted in the segment that holds it whole; 1 span a marker and count in none):',
    labels: [
      { line: '"rest" 1 segment, 5 s: 4 windows, 1 more across their edges', tasks: ['arithmetic: answered rest in 4 of 4 windows (100 %); mean P(arithmetic) 0.10'] },
      { line: '"count" 1 segment, 7 s: 6 windows, 1 more across their edges', tasks: ['arithmetic: answered arithmetic in 6 of 6 windows (100 %); mean P(arithmetic) 0.90'] },
    ],
  });
});
