// A training folder holding a CSV export: the export is one recording (its files import together),
// not one per file (each of which now imports the whole export: the data would be counted 3 times).
// EEGMAT subjects chosen by name (the recipes) that the folder lacks are named, not left out in silence.
// A file's subject is its patient code, '0' included: one person's two files are one subject.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandSource, listRecordings, recordingFormatProblem, subjectOf } from '../../../src/main/train/dataset-loader';
import { importRecordingFile } from '../../../src/main/formats/read-recording-files';

const EEGMAT = path.resolve('..', 'shared', 'data', 'edf-eegmat');

test('a CSV export in a training folder is listed once, by its markers file; other files as they are', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hm-list-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const n of ['S-ECG.csv', 'S-EEG.csv', 'S-markers.csv', 'S-2-EEG.csv', 'S-2-markers.csv', 'lone.csv', 'a.edf', 'notes.docx']) writeFileSync(path.join(dir, n), '');
  assert.deepEqual((await listRecordings(dir)).map((p) => path.basename(p)), ['S-2-markers.csv', 'S-markers.csv', 'a.edf', 'lone.csv']);
  // A file that cannot be read is said in the words every reader uses, not Node's 'EISDIR: illegal operation …'.
  assert.equal(await recordingFormatProblem(dir), `cannot read ${dir}: it is a folder, not a file`);
  assert.equal(await recordingFormatProblem(path.join(dir, 'gone.edf')), `cannot read ${path.join(dir, 'gone.edf')}: not found`);
});

test("a CSV export's subject, without a code, is its base name ('S'), not the file's ('S-markers')", () => {
  const rec = { fileName: 'S.csv', format: 'csv' as const, startTime: null, subject: {}, info: {}, streams: [], annotations: [], warnings: [] };
  assert.equal(subjectOf(rec, '/data/S-markers.csv'), 'S');
  assert.equal(subjectOf({ ...rec, fileName: '100.hea' }, '/data/100.hea'), '100');
  assert.equal(subjectOf({ ...rec, subject: { code: 'P7' } }, '/data/S-markers.csv'), 'P7');
  assert.equal(subjectOf({ ...rec, subject: { code: 'X' } }, '/data/S-markers.csv'), 'S', "EDF+'s X is no code");
});

test("EEGMAT's Subject00 files (patient code '0') are one subject, as every other subject's two files are", { skip: !existsSync(EEGMAT) && 'needs ../shared/data/edf-eegmat' }, async () => {
  const subjects = await Promise.all(['Subject00_1.edf', 'Subject00_2.edf', 'Subject01_1.edf'].map(async (n) => subjectOf(await importRecordingFile(path.join(EEGMAT, n)), n)));
  assert.deepEqual(subjects, ['0', '0', '1'], 'the patient codes of the files');
});

test('EEGMAT subjects chosen by name that the folder lacks are named (the dataset was built without them in silence)', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hm-list-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const n of ['Subject00_1.edf', 'Subject00_2.edf', 'Subject01_1.edf', 'Subject03_2.edf']) writeFileSync(path.join(dir, n), '');
  const files = await expandSource({ kind: 'eegmat', dir, subjects: ['Subject00', 'Subject03'] }, new Map());
  assert.deepEqual(files.map((f) => f.id), ['Subject00_1.edf', 'Subject00_2.edf', 'Subject03_2.edf']);
  await assert.rejects(expandSource({ kind: 'eegmat', dir, subjects: ['Subject00', 'Subject02', 'Subject04'] }, new Map()), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'not-found');
    assert.equal(e.message, `${dir} has no recording of Subject02, Subject04 (the EEGMAT subjects this dataset uses: Subject00, Subject02, Subject04)`);
    return true;
  });
});
