// A training folder holding a CSV export: the export is one recording (its files import together),
// not one per file (each of which now imports the whole export: the data would be counted 3 times).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listRecordings, subjectOf } from '../../../src/main/train/dataset-loader';

test('a CSV export in a training folder is listed once, by its markers file; other files as they are', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hm-list-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const n of ['S-ECG.csv', 'S-EEG.csv', 'S-markers.csv', 'S-2-EEG.csv', 'S-2-markers.csv', 'lone.csv', 'a.edf', 'notes.docx']) writeFileSync(path.join(dir, n), '');
  assert.deepEqual((await listRecordings(dir)).map((p) => path.basename(p)), ['S-2-markers.csv', 'S-markers.csv', 'a.edf', 'lone.csv']);
});

test("a CSV export's subject, without a code, is its base name ('S'), not the file's ('S-markers')", () => {
  const rec = { fileName: 'S.csv', format: 'csv' as const, startTime: null, subject: {}, info: {}, streams: [], annotations: [], warnings: [] };
  assert.equal(subjectOf(rec, '/data/S-markers.csv'), 'S');
  assert.equal(subjectOf({ ...rec, fileName: '100.hea' }, '/data/100.hea'), '100');
  assert.equal(subjectOf({ ...rec, subject: { code: 'P7' } }, '/data/S-markers.csv'), 'P7');
});
