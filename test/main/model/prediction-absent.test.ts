// Why a modality did not feed a prediction is stored with it ('absent:<m>:<reason>'), and
// `sessions show` counts the windows each modality fed and why it was absent from the others: a
// session without a strap (no-device) reads apart from one whose strap dropped (gap).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictionRow } from '../../../src/main/model/models.core';
import { command as sessions } from '../../../src/main/sessions/sessions-command';
import { databasePathFor } from '../../../src/main/db/db-client';
import { openDatabase } from '../../../src/main/db/open-database';
import { addPredictions, createSession, listPredictions } from '../../../src/main/db/server';
import { predictionSummaryText, summarizePredictions } from '../../../src/shared/model/prediction-summary';
import type { PredictionReport } from '../../../src/shared/ipc/models.schema';
import { tempDir } from '../db/db-test-util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sampleCard } from '../../shared/model/sample-card';

const report: PredictionReport = { modelId: 'fused', windowTime: 10, seq: 1, probabilities: { arithmetic: [0.4, 0.6] }, fed: ['eeg'], backend: 'wasm', latencyMs: 5, reads: ['eeg', 'ecg'] };

test('predictionRow stores the reason a modality the model reads was absent; a fed one, an unread one or an unknown reason adds nothing', () => {
  assert.deepEqual(predictionRow({ ...report, absent: { ecg: 'gap' } }).outputs, { 'arithmetic:0': 0.4, 'arithmetic:1': 0.6, 'fed:eeg': 1, 'fed:ecg': 0, 'absent:ecg:gap': 1, latency_ms: 5 });
  assert.equal(predictionRow({ ...report, absent: { ecg: 'no-device' } }).outputs['absent:ecg:no-device'], 1, 'no strap');
  assert.deepEqual(Object.keys(predictionRow({ ...report, absent: { ecg: 'spilled coffee' } }).outputs).filter((k) => k.startsWith('absent')), [], 'only the pipeline\'s reasons');
  assert.deepEqual(Object.keys(predictionRow({ ...report, fed: ['eeg', 'ecg'], absent: { ecg: 'gap' } }).outputs).filter((k) => k.startsWith('absent')), [], 'a fed modality has no reason');
  assert.deepEqual(Object.keys(predictionRow({ ...report, reads: ['eeg'], absent: { ecg: 'no-device' } }).outputs).filter((k) => k.startsWith('absent')), [], 'a modality the model does not read has none');
  assert.deepEqual(Object.keys(predictionRow(report).outputs).filter((k) => k.startsWith('absent')), [], 'a report without reasons (an older page) stores none');
});

test('sessions show: per model, the windows each modality fed and why it was absent (stored rows without a reason counted as unrecorded)', async (t) => {
  const dir = tempDir(t);
  const o = openDatabase(databasePathFor(dir));
  const id = createSession(o.writable!, { name: 'strap dropped', startTime: 1.7e9, endTime: 1.7e9 + 60, appVersion: 't', origin: 'recorded', state: 'complete' });
  const rows = [
    predictionRow({ ...report, windowTime: 1.7e9 + 1, absent: { ecg: 'starting' } }),
    predictionRow({ ...report, windowTime: 1.7e9 + 2, fed: ['eeg', 'ecg'] }),
    predictionRow({ ...report, windowTime: 1.7e9 + 3, absent: { ecg: 'gap' } }),
    predictionRow({ ...report, windowTime: 1.7e9 + 4, absent: { ecg: 'gap' } }),
    predictionRow({ ...report, windowTime: 1.7e9 + 5 }),
    predictionRow({ ...report, modelId: 'eeg-only', windowTime: 1.7e9 + 5, reads: ['eeg'] }),
  ];
  addPredictions(o.writable!, id, rows);
  const stored = listPredictions(o.db, id);
  assert.equal(stored.filter((p) => p.outputs['absent:ecg:gap'] === 1).length, 2, 'the reason survives the database');
  const [fused, eegOnly] = summarizePredictions(stored);
  assert.deepEqual(fused.modalities, { eeg: { fed: 5, absent: 0, reasons: {}, unusable: {} }, ecg: { fed: 1, absent: 4, reasons: { starting: 1, gap: 2, unrecorded: 1 }, unusable: {} } });
  assert.deepEqual([fused.modelId, fused.windows], ['fused', 5]);
  assert.equal(predictionSummaryText(eegOnly), "'eeg-only' 1 window: EEG fed 1");
  o.db.close();

  const out: string[] = [];
  assert.equal(await sessions.run(['show', String(id), '--data-dir', dir], { out: (l) => out.push(l), err: () => {} }), 0);
  const lines = out.join('\n').split('\n');
  assert.ok(lines.includes("  predictions by 'fused' 5 windows: EEG fed 5; ECG fed 1, absent 4 (gap 2, starting 1, unrecorded 1)"), lines.join('\n'));
  assert.ok(lines.includes("  predictions by 'eeg-only' 1 window: EEG fed 1"), lines.join('\n'));
  const json: string[] = [];
  await sessions.run(['show', String(id), '--data-dir', dir, '--json'], { out: (l) => json.push(l), err: () => {} });
  assert.deepEqual(JSON.parse(json.join('\n')).predictions[0].modalities.ecg.reasons, { starting: 1, gap: 2, unrecorded: 1 }, 'in --json too');
});

test("predictionRow stores, for a modality withheld for its quality, how many channels each flag made unusable; sessions show says it in words and what each task answered", async (t) => {
  const bad = { ...report, absent: { ecg: 'bad-quality' }, unusable: { ecg: { 'no-qrs': 1 } } };
  assert.equal(predictionRow(bad).outputs['unusable:ecg:no-qrs'], 1);
  const keys = (r: PredictionReport) => Object.keys(predictionRow(r).outputs).filter((k) => k.startsWith('unusable'));
  assert.deepEqual(keys({ ...bad, absent: { ecg: 'gap' } }), [], 'counts only with a bad-quality reason');
  assert.deepEqual(keys({ ...bad, unusable: { ecg: { 'line-noise': 1, 'no-qrs': 0, flat: 1.5 } as never } }), [], 'only the unusable flags, whole positive counts');
  assert.deepEqual(keys({ ...bad, fed: ['eeg', 'ecg'] }), [], 'a fed modality has none');

  const dir = tempDir(t);
  const o = openDatabase(databasePathFor(dir));
  const id = createSession(o.writable!, { name: 'lead off', startTime: 1.7e9, endTime: 1.7e9 + 60, appVersion: 't', origin: 'recorded', state: 'complete' });
  addPredictions(o.writable!, id, [
    predictionRow({ ...bad, modelId: 'eegmat-test', windowTime: 1.7e9 + 1 }),
    predictionRow({ ...bad, modelId: 'eegmat-test', windowTime: 1.7e9 + 2, probabilities: { arithmetic: [0.8, 0.2] } }),
    predictionRow({ ...bad, windowTime: 1.7e9 + 3 }),
  ]);
  o.db.close();
  // eegmat-test is installed in the profile (its card names the classes), 'fused' is not.
  mkdirSync(join(dir, 'models', 'eegmat-test'), { recursive: true });
  writeFileSync(join(dir, 'models', 'eegmat-test', 'card.json'), JSON.stringify(sampleCard()));
  const out: string[] = [];
  assert.equal(await sessions.run(['show', String(id), '--data-dir', dir], { out: (l) => out.push(l), err: () => {} }), 0);
  const text = out.join('\n');
  // A tie is said in class order.
  assert.match(text, /\n {2}predictions by 'eegmat-test' 2 windows: EEG fed 2; ECG fed 0, absent 2 \(bad-quality 2 \[in 2: its one channel shows no QRS\]\)\n {4}arithmetic: answered rest in 1 of 2 windows \(50 %\), arithmetic in 1 \(50 %\); mean P\(arithmetic\) 0\.40\n/, text);
  assert.match(text, /\n {4}arithmetic: answered class 1 in 1 of 1 window \(100 %\); mean P\(class 1\) 0\.60$/, 'a model not installed: classes by index');
  const json: string[] = [];
  await sessions.run(['show', String(id), '--data-dir', dir, '--json'], { out: (l) => json.push(l), err: () => {} });
  const [summary] = JSON.parse(json.join('\n')).predictions;
  const task = summary.tasks.arithmetic;
  assert.deepEqual({ ...task, meanP: task.meanP.map((p: number) => Number(p.toFixed(9))) }, { windows: 2, top: [1, 1], meanP: [0.6, 0.4] }, 'in --json too');
  assert.deepEqual(summary.modalities.ecg.unusable, { 'its one channel shows no QRS': 2 });
});
