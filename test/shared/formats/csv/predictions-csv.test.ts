// The predictions file's text alone (the export writes it: test/main/sessions/export-predictions.test.ts):
// rows in window then model order, pieces that join to the whole, class names that need quoting,
// a row stored before absence reasons were, the latency to the microsecond, and the export message's words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictionsCsvPieces, predictionsExportText } from '../../../../src/shared/formats/csv/predictions-csv';

const rows: { modelId: string; windowTime: number; outputs: Record<string, number> }[] = [
  { modelId: 'b', windowTime: 101, outputs: { 'mood:0': 0.2, 'mood:1': 0.8, 'fed:eeg': 1, latency_ms: 111.843515999999 } },
  { modelId: 'a', windowTime: 101, outputs: { 'mood:0': 0.9, 'mood:1': 0.1, 'fed:eeg': 1, 'fed:ecg': 0 } },
  { modelId: 'a', windowTime: 100, outputs: { 'mood:0': 0.4, 'mood:1': 0.6, 'fed:eeg': 1, 'fed:ecg': 0, 'absent:ecg:bad-quality': 1, 'unusable:ecg:railed': 1, 'unusable:ecg:flat': 2 } },
];
const opts = { zero: 90, lengthAt: () => 5, models: [{ id: 'a', tasks: [{ name: 'mood', classes: ['calm, quiet', 'tense "high"'] }] }] };

test('the predictions file: by window then model, names quoted, pieces join to the whole text', () => {
  const whole = [...predictionsCsvPieces(rows, opts)].join('');
  assert.deepEqual(whole.split('\n'), [
    'window_start_s,unix_time_s,window_s,model,mood,"mood_p_calm, quiet","mood_p_tense ""high""",mood_p_0,mood_p_1,eeg_fed,eeg_absent,eeg_unusable,ecg_fed,ecg_absent,ecg_unusable,latency_ms',
    '10,100,5,a,"tense ""high""",0.4,0.6,,,1,,,0,bad-quality,railed=1 flat=2,',
    '11,101,5,a,"calm, quiet",0.9,0.1,,,1,,,0,unrecorded,,',
    '11,101,5,b,1,,,0.2,0.8,1,,,,,,111.844',
    '',
  ]);
  const pieces = [...predictionsCsvPieces(rows, { ...opts, rowsPerPiece: 2 })];
  assert.equal(pieces.length, 3, 'the header, then two rows a piece');
  assert.equal(pieces.join(''), whole, 'the pieces join to the same text');
});

test('the export message says how many predictions of which models, or why none', () => {
  assert.equal(predictionsExportText({ predictions: 1234, predictionModels: ['a', 'b'], storedPredictions: 2000 }), '1,234 predictions of models a, b');
  assert.equal(predictionsExportText({ predictions: 1, predictionModels: ['a'], storedPredictions: 1 }), '1 prediction of model a');
  assert.equal(predictionsExportText({ predictions: 0, predictionModels: [], storedPredictions: 0 }), 'no model predictions stored with the session');
  assert.equal(predictionsExportText({ predictions: 0, predictionModels: [], storedPredictions: 1 }), 'no prediction of a window inside the range (the session holds 1 prediction)');
});
