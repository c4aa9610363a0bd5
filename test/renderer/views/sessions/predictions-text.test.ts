import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_PREDICTIONS_TEXT, predictionLines } from '../../../../src/renderer/src/views/sessions/format';
import type { Prediction } from '../../../../src/shared/session.types';

let id = 0;
const p = (modelId: string, outputs: Record<string, number>): Prediction => ({ id: ++id, sessionId: 1, modelId, windowTime: id, outputs });

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
    predictionLines(preds),
    ["'fused' 5 windows: EEG fed 5; ECG fed 1, absent 4 (gap 2, starting 1, unrecorded 1)", "'eegmat' 1 window: EEG fed 1"],
    'the lines `heartmind sessions show` prints',
  );
});

test('no predictions: no lines (the view says NO_PREDICTIONS_TEXT instead)', () => {
  assert.deepEqual(predictionLines([]), [], 'no model ran');
  // Not only that there are none (an imported file never has any): how to get them.
  assert.match(NO_PREDICTIONS_TEXT, /^No model predictions stored for this session\. .*model is active \(Models view\).*replay this session, at max speed, to fill them in\.$/, 'says how to fill them in');
});
