// The EDF+ patient and recording fields of an export: an imported EDF's header fields come back
// (they were lost: 'X X X X' and 'Startdate … X X HeartMind'), checked with MNE-Python as the
// independent reader; a live session has its subject id and the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { headerFields } from '../../../src/main/sessions/export-session';
import { importRecordingFile } from '../../../src/main/sessions/import-recording';
import { parseEdfHeader } from '../../../src/shared/formats/edf';
import { writeEdf } from '../../../src/shared/formats/edf/edf-write';
import type { ImportedRecording } from '../../../src/shared/formats/recording.types';
import { mneMissing, PYTHON } from '../../shared/formats/mne-reference';
import { tempDir } from '../db/db-test-util';
import { recordSimSession } from '../recorder/record-util';

const DATA = resolve('..', 'shared', 'data');
const skip = mneMissing() || (!existsSync(DATA) && 'needs ../shared/data');

/** The patient and recording fields, as the file's bytes hold them. */
function fields(path: string): { patient: string; recording: string } {
  const fd = openSync(path, 'r');
  const b = Buffer.alloc(168);
  readSync(fd, b, 0, 168, 0);
  closeSync(fd);
  return { patient: b.toString('latin1', 8, 88), recording: b.toString('latin1', 88, 168) };
}

/** MNE's reading of the patient field (subject_info of its EDF reader: id, sex, birthday, name). */
function mneSubjects(files: string[]): Record<string, string>[] {
  const script = `
import sys, json, mne
out = []
for p in sys.argv[1:]:
    raw = mne.io.read_raw_edf(p, preload=False, verbose='error')
    si = raw._raw_extras[0].get('subject_info') or {}
    out.append({k: (v.strftime('%Y-%m-%d') if hasattr(v, 'strftime') else str(v)) for k, v in si.items()})
print(json.dumps(out))
`;
  const r = spawnSync(PYTHON, ['-c', script, ...files], { encoding: 'utf8' });
  assert.equal(r.status, 0, `MNE failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

test('an imported EDF+ exported back keeps its patient (code, sex, birthdate, name) and recording (admin code, technician, equipment) fields; MNE reads the same subject as from the source', { skip }, async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
  t.after(() => db.close());
  const src = join(DATA, 'edf-eegmat', 'Subject00_1.edf');
  const s = await importRecordingFile(db, { path: src }, { appVersion: 'test', now: 0 });
  const out = join(dir, 'back.edf');
  await db.api.exportSession({ sessionId: s.id, format: 'edf', path: out });
  const a = fields(src);
  const b = fields(out);
  assert.equal(b.patient, a.patient, 'the patient field as the source had it');
  assert.equal(b.recording, a.recording, 'the recording field as the source had it (the same start date)');
  const [ms, mo] = mneSubjects([src, out]);
  assert.deepEqual(mo, ms, 'MNE reads the same subject from both');
  assert.equal(mo.sex, 'M', `MNE's subject ${JSON.stringify(mo)}`);
  assert.equal(mo.birthday, '1990-01-01', `MNE's subject ${JSON.stringify(mo)}`);

  // The session's subject id, corrected after the import, wins over the file's code; the rest stays.
  await db.api.updateSession(s.id, { subjectId: 'sub 07' });
  const out2 = join(dir, 'renamed.bdf');
  await db.api.exportSession({ sessionId: s.id, format: 'bdf', path: out2 });
  assert.equal(fields(out2).patient.trimEnd(), 'sub_07 M 01-JAN-1990 Subject0', 'spaces within a subfield as _');
  assert.equal(fields(out2).recording, a.recording, 'BDF too');
});

test('EEGMMIDB (no patient in the source): the export has X for the unknown subfields, the subject id given at import as the code, and the source equipment', { skip: !existsSync(DATA) && 'needs ../shared/data' }, async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
  t.after(() => db.close());
  const src = join(DATA, 'edf-eegmmidb', 'S001R04.edf');
  const plain = await importRecordingFile(db, { path: src }, { appVersion: 'test', now: 0 });
  const named = await importRecordingFile(db, { path: src, subjectId: 'S001' }, { appVersion: 'test', now: 0 });
  const o1 = join(dir, 'plain.edf');
  const o2 = join(dir, 'named.edf');
  await db.api.exportSession({ sessionId: plain.id, format: 'edf', path: o1 });
  await db.api.exportSession({ sessionId: named.id, format: 'edf', path: o2 });
  assert.equal(fields(o1).patient.trimEnd(), 'X X X X');
  assert.equal(fields(o2).patient.trimEnd(), 'S001 X X X');
  assert.equal(fields(o1).recording.trimEnd(), 'Startdate 12-AUG-2009 X X BCI2000', 'was: Startdate 12-AUG-2009 X X HeartMind_test');
  assert.deepEqual(parseEdfHeader(new Uint8Array(readFileSync(o2)), 'named.edf').patient, { code: 'S001' }, 'our reader');
});

test('a session recorded live exports its subject id and the app as the equipment, the other subfields X', async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
  t.after(() => db.close());
  const id = await recordSimSession(db, 'live', 2);
  const out = join(dir, 'live.edf');
  await db.api.exportSession({ sessionId: id, format: 'edf', path: out });
  assert.equal(fields(out).patient.trimEnd(), 'X X X X');
  assert.match(fields(out).recording.trimEnd(), /^Startdate \d\d-[A-Z]{3}-\d{4} X X HeartMind_\S+$/);
  await db.api.updateSession(id, { subjectId: 'P12' });
  await db.api.exportSession({ sessionId: id, format: 'edf', path: join(dir, 'live2.edf') });
  assert.equal(fields(join(dir, 'live2.edf')).patient.trimEnd(), 'P12 X X X');
});

test('headerFields: notes lines parsed as the import wrote them; long subfields are shortened so all four stay within 80 characters', () => {
  const notes = 'Imported from a.edf (edf+c).\npatientId: MCH-0234567 F 02-MAY-1951 Haagse_Harry\nrecordingId: Startdate 02-MAR-2002 EMG561 BK/JOP Sony.\nmy own note';
  const h = headerFields(notes, '', '1.0');
  assert.deepEqual(h.patient, { code: 'MCH-0234567', sex: 'F', birthdate: '02-MAY-1951', name: 'Haagse Harry' });
  assert.deepEqual(h.recording, { adminCode: 'EMG561', technician: 'BK/JOP', equipment: 'Sony.' });
  assert.deepEqual(headerFields('free text', '', '1.0'), { patient: {}, recording: { equipment: 'HeartMind_1.0' } });
  // A plain-EDF free-text patient field is not split into subfields.
  assert.deepEqual(headerFields('patientId: John Smith, age 40', 'S9', '1.0').patient, { code: 'S9' });

  const rec: ImportedRecording = {
    fileName: 'x', format: 'edf+c', startTime: 1_700_000_000, subject: {}, info: {}, annotations: [], warnings: [],
    streams: [{ name: 'eeg', modality: 'eeg', rateHz: 10, channels: [{ label: 'Fz', unit: 'uV', resolution: 0.1, offset: 0, kind: 'eeg' }], segments: [{ start: 0, count: 10, data: new Float32Array(10) }] }],
  };
  const long = 'n'.repeat(70);
  const bytes = writeEdf(rec, { format: 'edf', patient: { code: 'c'.repeat(30), sex: 'F', birthdate: '02-MAY-1951', name: long }, recording: { adminCode: 'a'.repeat(50), technician: 't'.repeat(50), equipment: 'e' } }).bytes;
  const p = Buffer.from(bytes).toString('latin1', 8, 88).trimEnd().split(' ');
  assert.equal(p.length, 4, `four subfields: ${p.join(' ')}`);
  assert.deepEqual(p.slice(1, 3), ['F', '02-MAY-1951'], 'the short ones untouched');
  const r = Buffer.from(bytes).toString('latin1', 88, 168).trimEnd().split(' ');
  assert.equal(r.length, 5, `five: ${r.join(' ')}`);
  assert.equal(r[4], 'e');
  assert.equal(r[0], 'Startdate');
});
