// What `heartmind sessions import` prints about the file it read: the researcher checks channels,
// rates and breaks against what they know of the recording before using the session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { command as sessions } from '../../../src/main/sessions/sessions-command';
import { tempDir } from '../db/db-test-util';
import { NEED_DATA, dataPath } from '../../fixtures/shared-data';

async function importText(dir: string, file: string): Promise<string> {
  const out: string[] = [];
  assert.equal(await sessions.run(['import', file, '--data-dir', dir], { out: (l) => out.push(l), err: () => undefined }), 0);
  return out.join('\n');
}

test('sessions import lists the streams it made (rate, channels, samples), the file\'s breaks, and says when the file has no date', { skip: NEED_DATA }, async (t) => {
  const dir = tempDir(t);
  const mit = (await importText(dir, dataPath('wfdb-mitdb', '100.hea'))).split('\n');
  assert.equal(mit[0], 'imported as session 1: 1,300,000 values, 2274 markers');
  assert.equal(mit[2], '  file:100.hea/0-ecg: ecg, 360 Hz, MLII V5 (650000 samples)');
  // The session's date is the import's: the library would show today as the recording's day.
  assert.equal(mit[3], 'warning: the file has no start date: the session is dated at the import time');

  const eegmat = (await importText(dir, dataPath('edf-eegmat', 'Subject00_2.edf'))).split('\n');
  assert.match(eegmat[2], /^ {2}file:Subject00_2\.edf\/0-eeg: eeg, 500 Hz, EEG Fp1 EEG Fp2 .* EEG A2-A1 \(31000 samples\)$/);
  assert.equal(eegmat[3], '  file:Subject00_2.edf/1-ecg: ecg, 500 Hz, ECG ECG (31000 samples)');
  assert.equal(eegmat.length, 4, 'a dated file: no warning');

  const xdf = (await importText(dir, dataPath('xdf', 'clock_resets.xdf'))).split('\n');
  assert.equal(xdf[0], 'imported as session 3: 222,520 values, 175 markers, 1 gap');
  assert.match(xdf[2], /^ {2}file:clock_resets\.xdf\/0-biosemi: eeg, 100 Hz, BioSemi 1 .* BioSemi 8 \(27815 samples\)$/);
});

test('sessions export says "1 annotation", not "1 annotations"', { skip: NEED_DATA }, async (t) => {
  const dir = tempDir(t);
  await importText(dir, dataPath('edf-eegmat', 'Subject00_2.edf'));
  const out: string[] = [];
  assert.equal(await sessions.run(['export', '1', `${dir}/s.csv`, '--data-dir', dir], { out: (l) => out.push(l), err: () => undefined }), 0);
  assert.match(out[0], /: 651,000 values, 1 annotation, [\d.]+ MB$/);
});
