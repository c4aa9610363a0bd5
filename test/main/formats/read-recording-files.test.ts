import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importRecordingFile, readRecordingFiles, recordingMaxBytes } from '../../../src/main/formats/read-recording-files';
import { writeCsv } from '../../../src/shared/formats/csv';
import { importEdf } from '../../../src/shared/formats/edf';
import { importWfdb } from '../../../src/shared/formats/wfdb';
import { FormatError } from '../../../src/shared/formats/format-error';
import { dataPath, NEED_DATA, readData } from '../../fixtures/shared-data';
import { readAsUser } from './read-as-user';

/** A fresh folder, removed after the test. */
function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hm-read-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `fn` rejects with a FormatError of this code and file name whose message matches `detail`. */
async function rejectsFormat(p: Promise<unknown>, code: string, fileName: string, detail: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof FormatError, String(e));
    assert.deepEqual([e.code, e.fileName], [code, fileName], e.message);
    assert.match(e.message, detail);
    return true;
  });
}

/** MIT-BIH 100 (header, signals, annotations) copied into `dir`, readable by everyone. */
function copyRecord100(dir: string): string {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  for (const f of ['100.hea', '100.dat', '100.atr']) {
    copyFileSync(dataPath('wfdb-mitdb', f), path.join(dir, f));
    chmodSync(path.join(dir, f), 0o644);
  }
  return path.join(dir, '100.hea');
}

test('a WFDB header brings its signal files and annotation files', { skip: NEED_DATA }, async () => {
  const files = await readRecordingFiles(dataPath('wfdb-mitdb', '100.hea'));
  assert.deepEqual(files.map((f) => f.name).sort(), ['100.atr', '100.dat', '100.hea']);
  const ptb = await readRecordingFiles(dataPath('wfdb-ptbdb', 's0010_re.hea'));
  assert.deepEqual(ptb.map((f) => f.name).sort(), ['s0010_re.dat', 's0010_re.hea', 's0010_re.xyz']);
  const ludb = await readRecordingFiles(dataPath('wfdb-ludb', '1.hea'));
  assert.equal(ludb.length, 2 + 12);
  assert.equal(importWfdb(ludb).annotations.length > 0, true);
});

test('a missing signal file is named in the error', { skip: NEED_DATA }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hm-wfdb-'));
  try {
    copyFileSync(dataPath('wfdb-mitdb', '100.hea'), path.join(dir, '100.hea'));
    await assert.rejects(readRecordingFiles(path.join(dir, '100.hea')), (e: unknown) => e instanceof FormatError && e.code === 'missing-file' && /100\.dat/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('any other file comes alone', { skip: NEED_DATA }, async () => {
  const files = await readRecordingFiles(dataPath('edf-eegmmidb', 'S001R04.edf'));
  assert.deepEqual(files.map((f) => f.name), ['S001R04.edf']);
});

test('a named pipe, a device, a folder: refused at once (never opened), naming the file and what it is', { timeout: 10_000 }, async (t) => {
  const dir = tempDir(t);
  const fifo = path.join(dir, 'p.edf');
  execFileSync('mkfifo', [fifo]);
  await rejectsFormat(readRecordingFiles(fifo), 'unreadable', 'p.edf', /^p\.edf: .*p\.edf is a named pipe \(FIFO\), not a regular file; only recording files can be imported$/);
  await rejectsFormat(readRecordingFiles('/dev/zero'), 'unreadable', 'zero', /\/dev\/zero is a character device, not a regular file/);
  await rejectsFormat(readRecordingFiles(dir), 'unreadable', path.basename(dir), /is a folder, not a regular file/);
  await rejectsFormat(readRecordingFiles(path.join(dir, 'absent.edf')), 'missing-file', 'absent.edf', /cannot read .*absent\.edf: not found$/);
});

test('a WFDB record named without its extension, or a folder of recordings: the error says what to import', { skip: NEED_DATA }, async (t) => {
  const dir = tempDir(t);
  const hea = copyRecord100(path.join(dir, 'mitdb'));
  // WFDB tools take the record name ('100'); the import takes its header.
  await rejectsFormat(readRecordingFiles(hea.replace(/\.hea$/, '')), 'missing-file', '100', /: cannot read .*100: not found; a WFDB record is imported through its header: import 100\.hea$/);
  await rejectsFormat(readRecordingFiles(path.dirname(hea)), 'unreadable', 'mitdb', /: .*mitdb is a folder, not a regular file; only recording files can be imported: import one of the recordings in it \(100\.hea\)$/);
  for (const n of ['a.edf', 'b.edf', 'c.xdf', 'd.bdf', 'notes.docx']) writeFileSync(path.join(dir, n), '');
  await rejectsFormat(readRecordingFiles(dir), 'unreadable', path.basename(dir), /: import one of the recordings in it \(a\.edf, b\.edf, c\.xdf and 1 more\)$/);
});

test('a CSV export imports whole from any of its files: the other stream files and the markers beside it come along', { skip: NEED_DATA }, async (t) => {
  const dir = tempDir(t);
  const rec = importEdf(readData('edf-eegmat', 'Subject00_2.edf'), 'Subject00_2.edf');
  // Two exports of the session side by side, as the export names them ('S', then 'S-2'), and a CSV of no export.
  for (const base of ['S', 'S-2']) for (const f of writeCsv(rec, { baseName: base })) writeFileSync(path.join(dir, f.name), f.text);
  writeFileSync(path.join(dir, 'other.csv'), writeCsv(rec, { baseName: 'x' })[1].text);
  writeFileSync(path.join(dir, 'S-2-analysis.csv'), 'subject,score\n1,0.5\n'); // the user's own CSV, named like the export
  const files = await readRecordingFiles(path.join(dir, 'S-2-ECG.csv'));
  assert.deepEqual(files.map((f) => f.name), ['S-2-ECG.csv', 'S-2-EEG.csv', 'S-2-info.csv', 'S-2-markers.csv']);
  const back = await importRecordingFile(path.join(dir, 'S-markers.csv'));
  assert.equal(back.fileName, 'S.csv');
  assert.deepEqual(back.streams.map((s) => [s.name, s.channels.length, s.segments[0].count]), [['ECG', 1, 31000], ['EEG', 20, 31000]]);
  assert.deepEqual(back.annotations.map((a) => a.label), ['[Total time]+62.000']);
  assert.deepEqual((await readRecordingFiles(path.join(dir, 'other.csv'))).map((f) => f.name), ['other.csv']);
});

test('the size bound: 2 GiB or an eighth of the memory (an import takes 4 to 7 times the file); a file over it is refused before a byte is read', async (t) => {
  assert.equal(recordingMaxBytes(4 * 2 ** 30), 2 ** 29);
  assert.equal(recordingMaxBytes(8 * 2 ** 30), 2 ** 30);
  assert.equal(recordingMaxBytes(64 * 2 ** 30), 2 ** 31 - 1);
  assert.equal(recordingMaxBytes(), Math.min(2 ** 31 - 1, Math.floor(os.totalmem() / 8)));
  const big = path.join(tempDir(t), 'big.edf');
  writeFileSync(big, '');
  truncateSync(big, 3 * 2 ** 30); // sparse: no disk, no memory
  const rss = process.memoryUsage().rss;
  await rejectsFormat(readRecordingFiles(big), 'too-large', 'big.edf', /big\.edf is 3\.2 GB; an import reads a recording whole into memory and takes recordings of up to \d+(\.\d)? [kMG]B \(2 GiB, or an eighth of this computer's memory when less\)$/);
  assert.ok(process.memoryUsage().rss - rss < 2 ** 28, 'nothing was read');
});

test('a refused size is worded as the Sessions view and `heartmind sessions list` word sizes (shared formatBytes)', async (t) => {
  const dir = tempDir(t);
  const small = path.join(dir, 'small.edf');
  writeFileSync(small, Buffer.alloc(226));
  await rejectsFormat(readRecordingFiles(small, { maxBytes: 100 }), 'too-large', 'small.edf', /small\.edf is 226 B; .* up to 100 B \(2 GiB/);
  const mid = path.join(dir, 'mid.edf');
  writeFileSync(mid, Buffer.alloc(150_000));
  await rejectsFormat(readRecordingFiles(mid, { maxBytes: 120_000 }), 'too-large', 'mid.edf', /mid\.edf is 150 kB; .* up to 120 kB \(2 GiB/);
});

test('the size bound covers a WFDB record\'s files together', { skip: NEED_DATA }, async (t) => {
  const hea = copyRecord100(tempDir(t));
  const total = ['100.hea', '100.dat', '100.atr'].reduce((a, f) => a + statSync(dataPath('wfdb-mitdb', f)).size, 0);
  assert.equal((await readRecordingFiles(hea, { maxBytes: total })).length, 3);
  await rejectsFormat(readRecordingFiles(hea, { maxBytes: total - statSync(dataPath('wfdb-mitdb', '100.atr')).size }), 'too-large', '100.atr', /100\.atr is 4\.6 kB, \d+\.\d MB with the record's other files; .*it is an annotation file of 100\.hea$/);
});

test('WFDB companions: the real reason, naming the companion; an unreadable annotation file is a warning', { skip: NEED_DATA, timeout: 60_000 }, async (t) => {
  const root = tempDir(t);
  chmodSync(root, 0o755);
  const locked = copyRecord100(path.join(root, 'locked-dat'));
  chmodSync(path.join(root, 'locked-dat', '100.dat'), 0o000);
  const noAtr = copyRecord100(path.join(root, 'locked-atr'));
  chmodSync(path.join(root, 'locked-atr', '100.atr'), 0o000);
  const outcomes = await readAsUser([
    [locked, true],
    [noAtr, true],
    [noAtr, false],
  ]);
  if ('skip' in outcomes) return t.skip(outcomes.skip);
  const [dat, atrWarned, atrThrown] = outcomes;
  assert.deepEqual([dat.error?.code, dat.error?.fileName], ['unreadable', '100.dat'], JSON.stringify(dat));
  assert.match(dat.error!.message, /^100\.dat: cannot read .*locked-dat\/100\.dat: permission denied; it is the signal file 100\.hea names/);
  assert.deepEqual(atrWarned.files, ['100.dat', '100.hea'], JSON.stringify(atrWarned));
  assert.equal(atrWarned.warnings!.length, 1);
  assert.match(atrWarned.warnings![0], /^100\.atr: not read as an annotation file \(cannot read .*100\.atr: permission denied; it is an annotation file of 100\.hea\)$/);
  // A caller that cannot show warnings gets the error, naming the annotation file (not the header).
  assert.deepEqual([atrThrown.error?.code, atrThrown.error?.fileName], ['unreadable', '100.atr'], JSON.stringify(atrThrown));

  const dirDat = copyRecord100(path.join(root, 'folder-dat'));
  rmSync(path.join(root, 'folder-dat', '100.dat'));
  mkdirSync(path.join(root, 'folder-dat', '100.dat'));
  await rejectsFormat(readRecordingFiles(dirDat), 'unreadable', '100.dat', /folder-dat\/100\.dat is a folder, not a regular file; it is the signal file 100\.hea names/);
});

test('a WFDB header cannot name a file outside its folder', async (t) => {
  const dir = tempDir(t);
  for (const sig of ['../../../../etc/passwd', '/etc/passwd', '..']) {
    const hea = path.join(dir, 'x.hea');
    writeFileSync(hea, `x 1 250 4\n${sig} 16 200 12 0 0 0 0 sig\n`);
    await rejectsFormat(readRecordingFiles(hea), 'bad-header', 'x.hea', /signal file name ".*" points outside the header's folder; WFDB names its files plainly \('100\.dat'\), beside the header$/);
  }
});

test('a companion whose name merely starts with two dots lies inside the folder and is read; a folder named like an annotation file is passed over', async (t) => {
  const dir = tempDir(t);
  mkdirSync(path.join(dir, 'x.notes'));
  const hea = path.join(dir, 'x.hea');
  writeFileSync(hea, 'x 1 250 4\n..x.dat 16 200 12 0 0 0 0 sig\n');
  writeFileSync(path.join(dir, '..x.dat'), Buffer.from([1, 0, 2, 0, 3, 0, 4, 0]));
  const files = await readRecordingFiles(hea);
  assert.deepEqual(files.map((f) => f.name), ['x.hea', '..x.dat']);
  assert.deepEqual(Array.from(files[1].bytes), [1, 0, 2, 0, 3, 0, 4, 0]);
  assert.equal(importWfdb(files).streams[0].segments[0].count, 4);
});
