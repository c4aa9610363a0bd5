import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { importRecordingFile, toSessionImport, transferablesOf } from '../../../src/main/sessions/import-recording';
import { importRecording } from '../../../src/shared/formats/import-recording';
import { readRecordingFiles } from '../../../src/main/formats/read-recording-files';
import { FormatError } from '../../../src/shared/formats/format-error';
import type { ImportedRecording } from '../../../src/shared/formats/recording.types';
import { tempDir } from '../db/db-test-util';
import { longestStall } from '../../fixtures/event-loop-stall';

const DATA = resolve('..', 'shared', 'data');
const skip = !existsSync(DATA) && 'needs ../shared/data';
const ctx = { appVersion: 'test', now: 1_800_000_000 };

/** Every recording in ../shared/data: EDF/BDF files, WFDB headers, XDF files, OpenBCI GUI text. */
function recordings(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(DATA)) {
    const full = join(DATA, dir);
    if (!statSync(full).isDirectory()) continue;
    for (const f of readdirSync(full)) if (/\.(edf|bdf|hea|xdf|txt)$/i.test(f)) out.push(join(full, f));
  }
  return out.sort();
}

test('an annotation the database would refuse (years from the data) is left out and named in the notes; the file still imports', async (t) => {
  const db = await DbClient.open({ path: join(tempDir(t), 'recordings.sqlite') });
  t.after(() => db.close());
  const rec: ImportedRecording = {
    fileName: 'odd.edf',
    format: 'edf',
    startTime: 1_700_000_000,
    subject: {},
    info: {},
    streams: [{ name: 'EEG', modality: 'eeg', rateHz: 100, channels: [{ label: 'Cz', unit: 'uV', kind: 'eeg' } as ImportedRecording['streams'][0]['channels'][0]], segments: [{ start: 0, count: 1000, data: new Float32Array(1000) }] }],
    annotations: [
      { onset: 2, duration: 1, label: 'stim', source: 'edf+' },
      { onset: 3e9, duration: 0, label: 'far away', source: 'edf+' },
    ],
    warnings: [],
  };
  const imp = toSessionImport(rec, {}, { ...ctx, sourcePath: '/x/odd.edf' });
  assert.deepEqual(imp.markers.map((m) => m.label), ['stim']);
  assert.match(imp.warnings.join('\n'), /^annotation "far away" left out: annotation onset .* lies .* after the recording/);
  assert.match(imp.session.notes ?? '', /Warning: annotation "far away" left out/);
  const summary = await db.callTransferring('importSession', transferablesOf(imp), imp);
  assert.equal(summary.markerCount, 1);
  // A long recording: an annotation a year after its start but within a year of its end is kept, and stored.
  const long: ImportedRecording = { ...rec, streams: [{ ...rec.streams[0], rateHz: 0.001 }], annotations: [{ onset: 370 * 86_400, duration: 0, label: 'late', source: 'edf+' }] };
  const imp2 = toSessionImport(long, {}, { ...ctx, sourcePath: '/x/long.edf' });
  assert.deepEqual(imp2.markers.map((m) => m.label), ['late']);
  assert.equal((await db.callTransferring('importSession', transferablesOf(imp2), imp2)).markerCount, 1);
});

test('a stream whose segments overlap (its times go back) is refused before the database, which would interleave its samples by time', () => {
  const seg = (start: number, count: number) => ({ start, count, data: new Float32Array(count) });
  const rec: ImportedRecording = {
    fileName: 'back.txt',
    format: 'openbci-gui',
    startTime: 1_700_000_000,
    subject: {},
    info: {},
    streams: [{ name: 'EXG', modality: 'eeg', rateHz: 250, channels: [{ label: 'C3', unit: 'uV', resolution: 0, offset: 0, kind: 'eeg' }], segments: [seg(0, 25_500), seg(101.5, 500)] }],
    annotations: [],
    warnings: [],
  };
  assert.throws(
    () => toSessionImport(rec, {}, { ...ctx, sourcePath: '/x/back.txt' }),
    (e: unknown) => e instanceof FormatError && e.code === 'bad-data' && e.message === "back.txt: stream EXG: the samples from 101.5 s lie over those before them (to 102 s): the file's times go back, and its samples cannot be put in order",
    'refused, naming the stream and the times',
  );
  // Segments that follow on (within half a sample) or leave a gap import.
  rec.streams[0].segments = [seg(0, 25_500), seg(102 - 0.4 / 250, 500), seg(110, 10)];
  assert.equal(toSessionImport(rec, {}, { ...ctx, sourcePath: '/x/back.txt' }).gaps.length, 1, 'the one break of 8 s is a gap');
});

describe('import into a session', { skip }, () => {
  test('every EDF/BDF/WFDB/XDF/OpenBCI file in ../shared/data imports, and its samples read back exactly', async (t) => {
    const db = await DbClient.open({ path: join(tempDir(t), 'recordings.sqlite') });
    t.after(() => db.close());
    const files = recordings();
    assert.ok(files.length >= 30, `found ${files.length} recordings`);
    for (const path of files) {
      // Parsed once here and stored through the same conversion importRecordingFile uses.
      const parsed = importRecording(await readRecordingFiles(path));
      const imp = toSessionImport(parsed, {}, { ...ctx, sourcePath: path });
      const summary = await db.callTransferring('importSession', transferablesOf(imp), imp);
      const detail = await db.api.getSession(summary.id);
      assert.equal(detail.origin, 'imported', `${path}: origin`);
      assert.equal(detail.sourceFile, path, `${path}: source file`);
      const streams = parsed.streams.filter((s) => s.channels.length > 0);
      assert.equal(detail.streams.length, streams.length, path);
      let expectedValues = 0;
      for (let i = 0; i < streams.length; i++) {
        const s = streams[i];
        const stored = detail.streams[i];
        assert.equal(stored.info.nominalRateHz, s.rateHz, `${path} stream ${s.name}: rate`);
        assert.deepEqual(stored.info.channels.map((c) => [c.label, c.unit]), s.channels.map((c) => [c.label, c.unit]), `${path} stream ${s.name}: channel labels and units`);
        const n = s.segments.reduce((a, g) => a + g.count, 0);
        assert.equal(stored.sampleCount, n, `${path} stream ${s.name}`);
        expectedValues += n * s.channels.length;
      }
      assert.equal(summary.sampleCount, expectedValues, `${path}: values in all`);
      assert.equal(summary.markerCount, parsed.annotations.filter((a) => a.label.trim() !== '').length, path);
      // Spot-check exactness on the first stream: the stored chunks concatenate to the file's data (as float32).
      const first = streams[0];
      const chunks = await db.api.readStreamChunks(detail.streams[0].id, -Infinity, detail.streams[0].firstTime! + 30);
      const seg = first.segments[0];
      const got = new Float32Array(Math.min(seg.count, 2000));
      let k = 0;
      for (const c of chunks) {
        for (let i = 0; i < c.count && k < got.length; i++) got[k++] = c.data[i];
        if (k >= got.length) break;
      }
      assert.deepEqual(got, Float32Array.from(seg.data.subarray(0, got.length)), path);
    }
  });

  test('known values: MIT-BIH 100 (360 Hz, MLII/V5, 650000 samples, 2274 annotations) and EEGMMIDB S001R04 (64 ch, 30 annotations)', async (t) => {
    const db = await DbClient.open({ path: join(tempDir(t), 'recordings.sqlite') });
    t.after(() => db.close());
    const mit = await importRecordingFile(db, { path: join(DATA, 'wfdb-mitdb', '100.hea'), name: 'MIT 100', tags: ['ecg'] }, ctx);
    const mitDetail = await db.api.getSession(mit.id);
    assert.equal(mitDetail.name, 'MIT 100');
    assert.deepEqual(mitDetail.tags, ['ecg', 'wfdb']);
    assert.deepEqual(mitDetail.streams.flatMap((s) => s.info.channels.map((c) => c.label)), ['MLII', 'V5']);
    assert.equal(mitDetail.streams[0].info.nominalRateHz, 360);
    assert.equal(mitDetail.streams[0].sampleCount, 650000);
    const markers = await db.api.listMarkers(mit.id);
    assert.equal(markers.filter((m) => m.label.startsWith('N')).length, 2239);
    assert.ok(markers.every((m) => m.source === 'import'), "every imported marker's source is 'import'");
    assert.ok(Math.abs(mitDetail.endTime - mitDetail.startTime - 1805.55) < 0.01, `duration ${mitDetail.endTime - mitDetail.startTime}`);
    // Compact: 11-bit ECG at its resolution takes well under 2 bytes a sample.
    assert.ok(mit.diskBytes / mit.sampleCount < 2, `${(mit.diskBytes / mit.sampleCount).toFixed(2)} B/sample`);

    const mmi = await importRecordingFile(db, { path: join(DATA, 'edf-eegmmidb', 'S001R04.edf') }, ctx);
    assert.equal(mmi.markerCount, 30);
    const mmiDetail = await db.api.getSession(mmi.id);
    assert.equal(mmiDetail.streams.reduce((a, s) => a + s.info.channels.length, 0), 64);
    assert.equal(mmiDetail.streams[0].info.nominalRateHz, 160);
    assert.equal(mmiDetail.streams[0].sampleCount, 20000);
    assert.deepEqual(new Set((await db.api.listMarkers(mmi.id)).map((m) => m.label)), new Set(['T0', 'T1', 'T2']));
  });

  test('an EDF named x.hea imports as EDF; a WFDB .dat or .atr on its own names the .hea beside it, an EDF\'s .event file the EDF', async (t) => {
    const dir = tempDir(t);
    const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
    t.after(() => db.close());
    const mis = join(dir, 'mis.hea');
    writeFileSync(mis, readFileSync(join(DATA, 'edf-mne', 'test_edf_stim_channel.edf')));
    const s = await importRecordingFile(db, { path: mis }, ctx);
    assert.deepEqual(s.tags, ['edf']);
    for (const name of ['100.dat', '100.atr']) {
      await assert.rejects(
        importRecordingFile(db, { path: join(DATA, 'wfdb-mitdb', name) }, ctx),
        (err: unknown) => err instanceof FormatError && err.code === 'not-this-format' && err.message.endsWith('import 100.hea (beside it) instead'),
      );
    }
    // PhysioNet's eegmmidb ships a WFDB annotation file beside each EDF: the error names the EDF.
    await assert.rejects(
      importRecordingFile(db, { path: join(DATA, 'edf-eegmmidb', 'S001R04.edf.event') }, ctx),
      (err: unknown) => err instanceof FormatError && err.code === 'not-this-format' && /^S001R04\.edf\.event: an annotation file of the recording S001R04\.edf: import S001R04\.edf \(beside it\) instead;/.test(err.message),
    );
  });

  test('a recording cut short (its writer crashed) becomes a session of its complete records; the warning is in the result and the notes', async (t) => {
    const dir = tempDir(t);
    const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
    t.after(() => db.close());
    const bytes = readFileSync(join(DATA, 'edf-eegmmidb', 'S001R04.edf'));
    writeFileSync(join(dir, 'crashed.edf'), bytes.subarray(0, 256 * 66 + 40 * 20640 + 5000));
    const s = await importRecordingFile(db, { path: join(dir, 'crashed.edf') }, ctx);
    const warning = 'cut short (was the recording interrupted?): the header says 125 data records (125 s) but the file holds 40 complete and 1 partial one (5000 of 20640 bytes): imported the 40 data records (40 s), the partial one left out';
    assert.deepEqual(s.warnings, [warning]);
    assert.equal(s.sampleCount, 64 * 40 * 160);
    const detail = await db.api.getSession(s.id);
    assert.equal(detail.streams[0].sampleCount, 40 * 160);
    assert.ok(Math.abs(detail.endTime - detail.startTime - 40) < 0.01, `duration ${detail.endTime - detail.startTime}`);
    assert.ok(detail.notes.includes(`Warning: ${warning}`), detail.notes);
    // The annotations of the 40 s kept (S001R04 lists one every 4.1-4.2 s: 10 start before 40 s).
    assert.equal((await db.api.listMarkers(s.id)).filter((m) => m.time - detail.startTime < 40).length, 10);
  });

  test('a truncated or foreign file gives one clear error and changes nothing in the database', async (t) => {
    const dir = tempDir(t);
    const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
    t.after(() => db.close());
    await importRecordingFile(db, { path: join(DATA, 'edf-mne', 'test_edf_stim_channel.edf') }, ctx);
    const before = await db.api.listSessions({});
    const info = await db.api.dbInfo();

    const truncated = join(dir, 'cut.edf');
    const bytes = readFileSync(join(DATA, 'edf-mne', 'test_edf_stim_channel.edf'));
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    // Half of its one data record: nothing complete to import.
    await assert.rejects(importRecordingFile(db, { path: truncated }, ctx), (err: unknown) => err instanceof FormatError && err.code === 'truncated' && /: not one complete record$/.test(err.message));

    const notes = join(dir, 'notes.docx');
    writeFileSync(notes, 'hello');
    await assert.rejects(importRecordingFile(db, { path: notes }, ctx), (err: unknown) => err instanceof FormatError && err.code === 'not-this-format');
    await assert.rejects(importRecordingFile(db, { path: join(dir, 'absent.edf') }, ctx), (err: unknown) => err instanceof FormatError && err.code === 'missing-file' && /cannot read/.test(err.message));

    // A file whose only signal stream cannot be read: the error carries the reader's reason.
    const xdf = readFileSync(join(DATA, 'xdf', 'clock_resets.xdf'));
    const at = xdf.indexOf('<channel_count>8<');
    assert.ok(at > 0, `at ${at}, expected > 0`);
    xdf[at + '<channel_count>'.length] = 0x39; // 9 channels declared, 8 recorded
    writeFileSync(join(dir, 'nine.xdf'), xdf);
    await assert.rejects(importRecordingFile(db, { path: join(dir, 'nine.xdf') }, ctx), (err: unknown) => {
      assert.ok(err instanceof FormatError && err.code === 'bad-data', String(err));
      assert.match(err.message, /^nine\.xdf: the file holds no samples \(the reader's warnings: stream 2 \(BioSemi\): none of its 601 sample chunks could be read .*channel_count \(9\)/);
      return true;
    });
    // Not a regular file: refused without waiting on it.
    execFileSync('mkfifo', [join(dir, 'pipe.edf')]);
    await assert.rejects(importRecordingFile(db, { path: join(dir, 'pipe.edf') }, ctx), (err: unknown) => err instanceof FormatError && err.code === 'unreadable' && /named pipe/.test(err.message));

    assert.deepEqual(await db.api.listSessions({}), before);
    assert.equal((await db.api.dbInfo()).schemaVersion, info.schemaVersion);
  });
});

test('the file is read and parsed in a worker thread: the main thread keeps running (it was held for the whole parse); errors keep their code', { skip }, async (t) => {
  const db = await DbClient.open({ path: join(tempDir(t), 'recordings.sqlite') });
  t.after(() => db.close());
  const file = join(DATA, 'openbci-gui', 'OpenBCI_GUI-v6-blinks-jawClench-alpha.txt');
  // What the parse costs when it runs on this thread (once warm)…
  const files = await readRecordingFiles(file);
  importRecording(files);
  const t0 = performance.now();
  importRecording(files);
  const parseMs = performance.now() - t0;
  // …and the longest this thread waits for a timer while the import runs.
  const { stallMs: longest, value: s } = await longestStall(() => importRecordingFile(db, { path: file }, ctx));
  assert.equal(s.sampleCount, 427_310);
  assert.ok(longest < parseMs / 2, `main thread held for ${longest.toFixed(0)} ms; the parse alone takes ${parseMs.toFixed(0)} ms`);
  const bad = join(tempDir(t), 'bad.edf');
  writeFileSync(bad, '0       ' + 'x'.repeat(300));
  await assert.rejects(importRecordingFile(db, { path: bad }, ctx), (e: unknown) => e instanceof FormatError && e.code === 'bad-number' && e.fileName === 'bad.edf' && /^bad\.edf: /.test(e.message));
});

test('an import that meets a full database (its size limit reached) is refused as an import: it changed nothing, the sessions before it read back (it said "Recording stopped")', { skip }, async (t) => {
  const path = join(tempDir(t), 'recordings.sqlite');
  const db = await DbClient.open({ path, maxSizeBytes: 1024 * 1024 });
  t.after(() => db.close());
  const small = await importRecordingFile(db, { path: join(DATA, 'edf-mne', 'test_bdf_stim_channel.bdf') }, ctx);
  await assert.rejects(importRecordingFile(db, { path: join(DATA, 'edf-eegmat', 'Subject00_2.edf') }, ctx), (e: Error & { kind?: string }) => {
    assert.equal(e.kind, 'DiskFull');
    assert.match(e.message, new RegExp(`^The disk holding the recordings database is full \\(${path.replace(/[.]/g, '\\.')}\\), so importing a recording failed and changed nothing; everything stored before is kept and readable\\. Free some space \\(SQLITE_FULL: `));
    return true;
  });
  assert.deepEqual((await db.api.listSessions({})).map((s) => [s.id, s.sampleCount]), [[small.id, small.sampleCount]]);
});
