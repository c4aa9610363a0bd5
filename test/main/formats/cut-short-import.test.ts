// Recordings cut short (the writing program crashed or was killed before it closed the file): the
// complete part imports, sample for sample the same as the whole file's start, with a warning that
// says how much was cut. Each test cuts a copy of a real file in ../shared/data in its own folder.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importRecordingFile } from '../../../src/main/formats/read-recording-files';
import { FormatError } from '../../../src/shared/formats/format-error';
import type { ImportedRecording } from '../../../src/shared/formats/recording.types';
import { dataPath, NEED_DATA } from '../../fixtures/shared-data';
import { mneMissing, readWithMne } from '../../shared/formats/mne-reference';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hm-cut-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The first `bytes` bytes of a file of ../shared/data, written as `dir/name`. */
function cutCopy(dir: string, rel: string[], bytes: number, name = rel[rel.length - 1]): string {
  const whole = readFileSync(dataPath(...rel));
  assert.ok(bytes < whole.length, `the cut file (${bytes} bytes) is shorter than the whole (${whole.length})`);
  const out = path.join(dir, name);
  writeFileSync(out, whole.subarray(0, bytes));
  return out;
}

/** Each stream's single segment: samples per channel, and each channel's first `count` samples. */
function channelPrefixes(r: ImportedRecording, count: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const s of r.streams) {
    assert.equal(s.segments.length, 1, s.name);
    const g = s.segments[0];
    s.channels.forEach((c, k) => out.set(`${s.name}/${c.label}`, [...g.data.subarray(k * g.count, k * g.count + count)]));
  }
  return out;
}

const counts = (r: ImportedRecording) => r.streams.map((s) => [s.name, s.channels.length, s.segments.map((g) => g.count)]);

describe('an EDF/BDF cut short imports its complete data records', { skip: NEED_DATA }, () => {
  test('EEGMMIDB S001R04 (EDF+C, 64 × 160 Hz, 1-s records of 20640 bytes) cut 11280 bytes into record 124: 123 records, the same samples', async (t) => {
    const rel = ['edf-eegmmidb', 'S001R04.edf'];
    const headerBytes = 256 * 66;
    const file = cutCopy(tempDir(t), rel, headerBytes + 123 * 20640 + 11280);
    const whole = await importRecordingFile(dataPath(...rel));
    const cut = await importRecordingFile(file);
    assert.deepEqual(counts(cut), [['EEG', 64, [123 * 160]]]);
    assert.deepEqual(cut.warnings, [
      'cut short (was the recording interrupted?): the header says 125 data records (125 s) but the file holds 123 complete and 1 partial one (11280 of 20640 bytes): imported the 123 data records (123 s), the partial one left out',
    ]);
    assert.deepEqual(channelPrefixes(cut, 123 * 160), channelPrefixes(whole, 123 * 160));
    // Labels, units, rate, start and the annotations (all in the first record's TALs) as in the whole file.
    assert.deepEqual(cut.streams[0].channels, whole.streams[0].channels);
    assert.equal(cut.startTime, whole.startTime);
    assert.deepEqual(cut.annotations, whole.annotations);
    assert.equal(cut.format, 'edf+c');

    // MNE-Python reads the same cut file the same way (it too infers the records from the file size).
    if (mneMissing()) return;
    const [mne] = readWithMne([file]);
    assert.equal(mne.nTimes, 123 * 160);
    const eeg = cut.streams[0];
    const g = eeg.segments[0];
    for (let c = 0; c < eeg.channels.length; c++) {
      for (let i = 0; i < g.count; i += 97) {
        const ours = g.data[c * g.count + i] * 1e-6;
        assert.ok(Math.abs(ours - mne.data[c * mne.nTimes + i]) <= eeg.channels[c].resolution * 1e-6 * 0.5 + 1e-12, `${eeg.channels[c].label} sample ${i}`);
      }
    }
  });

  test('BDF (3 EEG + Status, 500 Hz) cut at a record boundary: 9 of 10 records, values and trigger markers of those 9 s', async (t) => {
    const rel = ['edf-mne', 'test_bdf_stim_channel.bdf'];
    const whole = await importRecordingFile(dataPath(...rel));
    const file = cutCopy(tempDir(t), rel, 256 * 5 + 9 * 6000);
    const cut = await importRecordingFile(file);
    assert.deepEqual(counts(cut), [['EEG', 3, [4500]], ['Other', 1, [4500]]]);
    assert.deepEqual(cut.warnings, [
      'cut short (was the recording interrupted?): the header says 10 data records (10 s) but the file holds 9 complete: imported the 9 data records (9 s)',
    ]);
    assert.deepEqual(channelPrefixes(cut, 4500), channelPrefixes(whole, 4500));
    // Status steps after 9 s (one at 9.58 s) are gone with their samples; the earlier ones stay.
    assert.deepEqual(cut.annotations, whole.annotations.filter((a) => a.onset < 9));
    assert.deepEqual(cut.annotations.map((a) => a.label), ['4', '2', '1', '1', '1', '1', '1', '1']);
  });

  test('EEGMAT Subject00_2 (EDF+C, EEG 20 ch + ECG, 500 Hz) cut inside its third record: EEG and ECG streams of 2 s', async (t) => {
    const rel = ['edf-eegmat', 'Subject00_2.edf'];
    const whole = await importRecordingFile(dataPath(...rel));
    const recordBytes = 21 * 500 * 2 + 57 * 2; // 21 signals of 500 samples, and the annotation signal's 57
    const headerBytes = 256 * 23;
    const file = cutCopy(tempDir(t), rel, headerBytes + 2 * recordBytes + 1);
    const cut = await importRecordingFile(file);
    assert.deepEqual(counts(cut), [['EEG', 20, [1000]], ['ECG', 1, [1000]]]);
    assert.match(cut.warnings.join('\n'), /^cut short .*: the header says 62 data records \(62 s\) but the file holds 2 complete and 1 partial one \(1 of 21114 bytes\): imported the 2 data records \(2 s\), the partial one left out$/);
    assert.deepEqual(channelPrefixes(cut, 1000), channelPrefixes(whole, 1000));
    assert.deepEqual(cut.streams[1].channels, whole.streams[1].channels); // ECG in µV, file unit mV
  });

  test('a writer that had not yet written the record count (-1) and stopped mid-record or between records: the complete records, and a warning either way', async (t) => {
    const rel = ['edf-eegmmidb', 'S001R04.edf'];
    const bytes = readFileSync(dataPath(...rel)).subarray(0, 256 * 66 + 60 * 20640 + 100);
    bytes.write('-1      ', 236, 'latin1');
    const file = path.join(tempDir(t), 'live.edf');
    writeFileSync(file, bytes);
    const whole = await importRecordingFile(dataPath(...rel));
    const cut = await importRecordingFile(file);
    const said = "the header's number of data records is -1, which a writer leaves while it records and replaces when it closes the file (was the recording interrupted?): imported the 60 complete data records (60 s)";
    assert.deepEqual(cut.warnings, [`${said}, the last one, incomplete (100 of 20640 bytes), left out`]);
    assert.deepEqual(counts(cut), [['EEG', 64, [60 * 160]]]);
    assert.deepEqual(channelPrefixes(cut, 60 * 160), channelPrefixes(whole, 60 * 160));
    // Stopped between two records: nothing is cut, but the file was never closed (it imported without a word; MNE-Python warns).
    writeFileSync(file, bytes.subarray(0, 256 * 66 + 60 * 20640));
    assert.deepEqual((await importRecordingFile(file)).warnings, [`${said} the file holds`]);
  });

  test('not one complete record, a damaged header or not an EDF at all: still one clear error', async (t) => {
    const dir = tempDir(t);
    const rel = ['edf-eegmmidb', 'S001R04.edf'];
    const reject = (file: string, code: string, detail: RegExp) =>
      assert.rejects(importRecordingFile(file), (e: unknown) => {
        assert.ok(e instanceof FormatError, String(e));
        assert.equal(e.code, code, e.message);
        assert.match(e.message, detail);
        return true;
      });
    await reject(cutCopy(dir, rel, 256 * 66 + 20000, 'one.edf'), 'truncated', /^one\.edf: header says 125 data records of 20640 bytes but the file holds 0\.96 \(the last one cut short: 20000 of 20640 bytes\): not one complete record$/);
    await reject(cutCopy(dir, rel, 256 * 40, 'head.edf'), 'truncated', /^head\.edf: header says 65 signals \(16896 header bytes\) but the file has only 10240 bytes$/);
    const bad = readFileSync(dataPath(...rel));
    bad.write('12x     ', 236, 'latin1'); // the record count
    writeFileSync(path.join(dir, 'bad.edf'), bad.subarray(0, 100_000));
    await reject(path.join(dir, 'bad.edf'), 'bad-number', /^bad\.edf: bad number of data records "12x"$/);
    copyFileSync(dataPath('wfdb-mitdb', '100.dat'), path.join(dir, 'renamed.edf'));
    await reject(path.join(dir, 'renamed.edf'), 'not-this-format', /^renamed\.edf: /);
  });
});

describe('a WFDB signal file shorter than its header says imports what it holds', { skip: NEED_DATA }, () => {
  test('MIT-BIH 100.dat (format 212) cut to 100 s and half a frame: 36000 samples per lead, the same values, annotations kept', async (t) => {
    const dir = tempDir(t);
    for (const f of ['100.hea', '100.atr']) copyFileSync(dataPath('wfdb-mitdb', f), path.join(dir, f));
    cutCopy(dir, ['wfdb-mitdb', '100.dat'], 36000 * 3 + 2); // 2 × 12 bits per frame = 3 bytes; 2 more bytes: MLII of the next frame
    const whole = await importRecordingFile(dataPath('wfdb-mitdb', '100.hea'));
    const cut = await importRecordingFile(path.join(dir, '100.hea'));
    assert.deepEqual(counts(cut), [['ECG', 2, [36000]]]);
    assert.deepEqual(channelPrefixes(cut, 36000), channelPrefixes(whole, 36000));
    assert.deepEqual(cut.warnings, [
      "100.dat cut short (was the recording interrupted?): the header says 650000 samples per signal (1805.556 s) but the file holds 36000 (100 s): imported 36000 samples per signal, every signal of the record; the header's checksums cover the whole record and are not checked",
      '2150 markers lie after the last imported sample (100 s), where the signals were cut short; kept',
    ]);
    assert.equal(cut.annotations.length, whole.annotations.length);
    assert.equal(cut.annotations.filter((a) => a.onset < 100).length, 2274 - 2150);
  });

  test('PTB s0010_re: the .xyz (3 Frank leads) cut short, the .dat whole: every lead stops at the shorter file', async (t) => {
    const dir = tempDir(t);
    for (const f of ['s0010_re.hea', 's0010_re.dat']) copyFileSync(dataPath('wfdb-ptbdb', f), path.join(dir, f));
    cutCopy(dir, ['wfdb-ptbdb', 's0010_re.xyz'], 3 * 2 * 12345 + 5); // format 16, 3 signals: 6 bytes a frame
    const whole = await importRecordingFile(dataPath('wfdb-ptbdb', 's0010_re.hea'));
    const cut = await importRecordingFile(path.join(dir, 's0010_re.hea'));
    assert.deepEqual(
      counts(cut),
      whole.streams.map((s) => [s.name, s.channels.length, [12345]]),
    );
    assert.deepEqual(channelPrefixes(cut, 12345), channelPrefixes(whole, 12345));
    assert.deepEqual(cut.warnings, [
      "s0010_re.xyz cut short (was the recording interrupted?): the header says 38400 samples per signal (38.4 s) but the file holds 12345 (12.345 s): imported 12345 samples per signal, every signal of the record; the header's checksums cover the whole record and are not checked",
    ]);
  });

  test('PTB s0010_re with both files cut short: every lead stops at the shorter, and each warning says so', async (t) => {
    const dir = tempDir(t);
    copyFileSync(dataPath('wfdb-ptbdb', 's0010_re.hea'), path.join(dir, 's0010_re.hea'));
    cutCopy(dir, ['wfdb-ptbdb', 's0010_re.dat'], 12 * 2 * 20000); // 12 signals, format 16: 24 bytes a frame
    cutCopy(dir, ['wfdb-ptbdb', 's0010_re.xyz'], 3 * 2 * 12345);
    const whole = await importRecordingFile(dataPath('wfdb-ptbdb', 's0010_re.hea'));
    const cut = await importRecordingFile(path.join(dir, 's0010_re.hea'));
    assert.deepEqual(counts(cut), whole.streams.map((s) => [s.name, s.channels.length, [12345]]));
    assert.deepEqual(channelPrefixes(cut, 12345), channelPrefixes(whole, 12345));
    assert.deepEqual(cut.warnings.map((w) => w.replace(/; the header's checksums .*$/, '')), [
      's0010_re.dat cut short (was the recording interrupted?): the header says 38400 samples per signal (38.4 s) but the file holds 20000 (20 s): imported 12345 samples per signal, every signal of the record',
      's0010_re.xyz cut short (was the recording interrupted?): the header says 38400 samples per signal (38.4 s) but the file holds 12345 (12.345 s): imported 12345 samples per signal, every signal of the record',
    ]);
  });

  test('a signal file without one whole frame is refused, naming it', async (t) => {
    const dir = tempDir(t);
    copyFileSync(dataPath('wfdb-mitdb', '100.hea'), path.join(dir, '100.hea'));
    cutCopy(dir, ['wfdb-mitdb', '100.dat'], 2);
    await assert.rejects(importRecordingFile(path.join(dir, '100.hea')), (e: unknown) => {
      assert.ok(e instanceof FormatError && e.code === 'truncated', String(e));
      assert.equal(e.message, '100.hea: header says 650000 samples per signal (1805.556 s) but "100.dat" holds only 0');
      return true;
    });
  });
});
