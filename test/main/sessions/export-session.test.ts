// Session → file, end to end, checked by an independent reader (MNE-Python): an imported EDF+
// exports back to the same data and annotations; a recorded session (simulated headset + strap
// with markers and a self-report) exports to EDF+, BDF and CSV over a time range; a session with
// a gap of minutes (an XDF with a clock reset) stays continuous for MNE, the gap marked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { openDatabase } from '../../../src/main/db/open-database';
import { exportSessionSteps } from '../../../src/main/sessions/export-session';
import { importRecordingFile as readRecording } from '../../../src/main/formats/read-recording-files';
import { importRecordingFile } from '../../../src/main/sessions/import-recording';
import { importEdf, parseEdfHeader } from '../../../src/shared/formats/edf';
import { FormatError } from '../../../src/shared/formats/format-error';
import { writeCsv } from '../../../src/shared/formats/csv';
import type { ImportedStream } from '../../../src/shared/formats/recording.types';
import { mneMissing, readWithMne } from '../../shared/formats/mne-reference';
import { tempDir } from '../db/db-test-util';
import { recordSimSession, startSimRecording } from '../recorder/record-util';
import { tmpfsDir } from '../../fixtures/tmpfs';

const DATA = resolve('..', 'shared', 'data');
const skip = mneMissing() || (!existsSync(DATA) && 'needs ../shared/data');

test('sessions export to EDF+, BDF and CSV; MNE-Python reads back the data and the annotations', { skip }, async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
  t.after(() => db.close());

  // 1. An imported EDF+ (64 ch, 30 annotations) exported back.
  const original = join(DATA, 'edf-eegmmidb', 'S001R04.edf');
  const s = await importRecordingFile(db, { path: original }, { appVersion: 'test', now: 0 });
  const out = join(dir, 'S001R04-export.edf');
  const r = await db.api.exportSession({ sessionId: s.id, format: 'edf', path: out });
  assert.deepEqual(r.files, [out]);
  assert.equal(r.annotations, 30);
  assert.equal(r.samples, 64 * 20000);

  // 2. A recorded session (simulated headset + strap, a marker, a self-report) over a time range.
  const sim = await startSimRecording(db, 'to export');
  await sim.run(3);
  const sessionId = sim.recorder.sessionId!;
  const markerTime = sim.clock.now();
  await sim.recorder.addMarker('stimulus A', 'api', markerTime, 1.5);
  await sim.recorder.addSelfReport({ valence: 7, arousal: 2, dominance: 5, text: 'relaxed', time: markerTime + 2 });
  await sim.run(7);
  await sim.close();
  const session = await db.api.getSession(sessionId);
  const eeg = session.streams.find((x) => x.info.modality === 'eeg')!;
  const from = session.startTime + 1;
  const to = session.startTime + 9;

  const edf = await db.api.exportSession({ sessionId, format: 'edf', path: join(dir, 'range.edf'), fromTime: from, toTime: to });
  const bdf = await db.api.exportSession({ sessionId, format: 'bdf', path: join(dir, 'range'), fromTime: from, toTime: to });
  assert.deepEqual(bdf.files, [join(dir, 'range.bdf')], 'the extension is added');
  assert.equal(edf.annotations, 2);
  // One MNE process reads all four files.
  const [a, b, e, bd] = readWithMne([original, out, edf.files[0], bdf.files[0]]);
  assert.deepEqual(b.chNames, a.chNames);
  assert.equal(b.sfreq, a.sfreq);
  assert.equal(b.nTimes, a.nTimes);
  assert.equal(b.measDate, a.measDate);
  // The file's physical range is kept; the writer spans it with the full 16-bit digital range, so
  // values come back within half of that finer step (EEGMMIDB: ±8092 µV over 1-µV counts).
  const halfStepV = ((8092 * 2) / 65535 / 2) * 1e-6;
  let maxDiff = 0;
  for (let i = 0; i < a.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.data[i] - b.data[i]));
  assert.ok(maxDiff <= halfStepV * 1.0001, `max difference ${maxDiff} V`);
  assert.deepEqual(
    b.annotations.map(([o, d, l]) => [o.toFixed(4), d.toFixed(4), l]),
    a.annotations.map(([o, d, l]) => [o.toFixed(4), d.toFixed(4), l]),
  );


  const labels = eeg.info.channels.map((c) => c.label);
  for (const view of [e, bd]) {
    for (const l of labels) assert.ok(view.chNames.includes(l), `${l} in ${view.chNames.join(',')}`);
    assert.equal(view.sfreq, eeg.info.nominalRateHz, `the rate MNE reads from ${view === e ? 'EDF' : 'BDF'}`);
    assert.ok(Math.abs(view.nTimes / view.sfreq - 8) < 1.01, `${view.nTimes / view.sfreq} s exported`);
    assert.ok(Math.abs(view.measDate! - from) < 1, 'the file starts at the range start');
    const ann = view.annotations.map(([onset, dur, label]) => ({ at: view.measDate! + onset, dur, label }));
    const marker = ann.find((x) => x.label === 'stimulus A');
    assert.ok(marker && Math.abs(marker.at - markerTime) < 1e-3 && Math.abs(marker.dur - 1.5) < 1e-6, JSON.stringify(ann));
    assert.ok(ann.some((x) => x.label === 'SAM valence=7 arousal=2 dominance=5: relaxed' && Math.abs(x.at - (markerTime + 2)) < 1e-3), 'the SAM self-report is an annotation 2 s after the marker');
  }
  // The values: MNE's first EEG channel (V) against the stored samples (µV), at the best lag.
  const chunks = await db.api.readStreamChunks(eeg.id);
  const stored: number[] = [];
  for (const c of chunks) for (let i = 0; i < c.count; i++) stored.push(c.data[i]);
  // Within half a digital step of the file: its range is the amplifier's (±rangeUv) over 16 or 24 bits.
  const span = 2 * (eeg.info.channels[0].rangeUv ?? 0);
  assert.ok(span > 0, 'the simulated headset declares its input range');
  for (const [view, tolUv] of [
    [e, (span / 65535 / 2) * 1.001],
    [bd, (span / 16777215 / 2) * 1.001 + 1e-4],
  ] as const) {
    const ch = view.chNames.indexOf(labels[0]);
    const mne = Array.from(view.data.subarray(ch * view.nTimes, ch * view.nTimes + 400), (v) => v * 1e6);
    let best = Infinity;
    for (let lag = 0; lag + mne.length <= stored.length; lag++) {
      let worst = 0;
      for (let i = 0; i < mne.length && worst <= tolUv; i++) worst = Math.max(worst, Math.abs(mne[i] - stored[lag + i]));
      best = Math.min(best, worst);
      if (best <= tolUv) break;
    }
    assert.ok(best <= tolUv, `exported samples match the stored ones within ${tolUv} µV (best ${best})`);
  }

  const csv = await db.api.exportSession({ sessionId, format: 'csv', path: join(dir, 'range.csv'), fromTime: from, toTime: to });
  assert.equal(csv.files.length, session.streams.length + 2, 'one file per stream, plus the markers and the info');
  const eegCsv = readFileSync(csv.files.find((f) => f.includes('eeg'))!, 'utf8').split('\n');
  assert.match(eegCsv[0], new RegExp(`^time_s,unix_time_s,${labels[0]} \\(uV\\)`));
  assert.ok(eegCsv.length > 7 * eeg.info.nominalRateHz, `the EEG CSV has ${eegCsv.length} rows, expected over 7 s at ${eeg.info.nominalRateHz} Hz`);
  assert.ok(readdirSync(dir).every((f) => !f.endsWith('.partial')), `no .partial file is left: ${readdirSync(dir).join(', ')}`);

  // The whole session: every stored sample (the first packets began just before the start), and
  // read back as exactly those samples — the writer's zero padding (the streams end at their own
  // times inside the last record) is marked BAD_ACQ_SKIP and cut out again.
  const whole = await db.api.exportSession({ sessionId, format: 'edf', path: join(dir, 'whole.edf') });
  assert.equal(whole.samples, session.streams.reduce((a, st) => a + st.sampleCount * st.info.channels.length, 0), 'every stored sample is exported');
  const again = await importRecordingFile(db, { path: whole.files[0] }, { appVersion: 'test', now: 0 });
  const back = await db.api.getSession(again.id);
  assert.deepEqual(
    back.streams.map((st) => [st.info.modality, st.sampleCount]),
    session.streams.filter((st) => st.sampleCount > 0).map((st) => [st.info.modality, st.sampleCount]),
  );

  // A path that cannot be written: one clear error, nothing left behind.
  await assert.rejects(
    db.api.exportSession({ sessionId, format: 'edf', path: join(dir, 'no-such-folder', 'x.edf') }),
    (err: unknown) => err instanceof FormatError && err.code === 'cannot-write' && /no-such-folder/.test(err.message),
  );
});

test('a gap of minutes (XDF clock reset) exports as EDF+C: MNE reads every sample and marker at its time, the gap one BAD_ACQ_SKIP; our import gives back exactly the samples, from EDF+D too', { skip }, async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
  t.after(() => db.close());
  const xdf = join(DATA, 'xdf', 'clock_resets.xdf');
  // The file's own samples and times: BioSemi, 8 channels at 100 Hz, 128.76 s, a gap of 283 s, 149.39 s.
  const ref = await readRecording(xdf);
  const [stream] = ref.streams;
  assert.deepEqual(stream.segments.map((g) => g.count), [12876, 14939]);
  const s = await importRecordingFile(db, { path: xdf }, { appVersion: 'test', now: 1_700_000_000 });
  const c = await db.api.exportSession({ sessionId: s.id, format: 'edf', path: join(dir, 'gap.edf') });
  const d = await db.api.exportSession({ sessionId: s.id, format: 'edf', path: join(dir, 'gap-d.edf'), discontinuous: true });
  assert.deepEqual([c.warnings, d.warnings], [[], []]);
  // A range inside the gap is refused saying so, with where the data stops and starts (it said only 'the session runs from 0 s to 561.3 s').
  const zero = (await db.api.getSession(s.id)).startTime;
  await assert.rejects(
    db.api.exportSession({ sessionId: s.id, format: 'edf', path: join(dir, 'in-gap.edf'), fromTime: zero + 130, toTime: zero + 400 }),
    (e: Error) => e.message === 'in-gap.edf: no samples to export from 130 s to 400 s: it lies in a gap (no samples from 128.76 s to 411.965 s); the session runs from 0 s to 561.3 s',
  );
  const cBytes = new Uint8Array(readFileSync(c.files[0]));
  const dBytes = new Uint8Array(readFileSync(d.files[0]));
  const h = parseEdfHeader(cBytes, 'gap.edf');
  // 562 s of data in 1-s records, and 9 more for the markers the marker stream sent after the last sample.
  assert.deepEqual([h.plus, h.recordCount, h.recordDurationS], ['C', 571, 1]);
  assert.deepEqual([parseEdfHeader(dBytes, 'gap-d.edf').plus, parseEdfHeader(dBytes, 'gap-d.edf').recordCount], ['D', 280]);

  const [view] = readWithMne([c.files[0]]);
  assert.equal(view.sfreq, 100);
  assert.equal(view.nTimes, 57100);
  assert.equal(view.measDate, 1_700_000_000);
  // Each recorded sample at its own time (the file's 10-ms grid), padding in between: 0, or the
  // nearest value the channel's range holds (this synthetic data lies in 0–1 µV).
  const expected = new Float64Array(8 * view.nTimes);
  for (let k = 0; k < 8; k++) expected.fill(Math.min(Math.max(0, h.signals[k].physicalMin), h.signals[k].physicalMax), k * view.nTimes, (k + 1) * view.nTimes);
  const recorded = new Uint8Array(view.nTimes);
  for (const g of stream.segments) {
    const at = Math.round(g.start * 100);
    recorded.fill(1, at, at + g.count);
    for (let k = 0; k < 8; k++) for (let i = 0; i < g.count; i++) expected[k * view.nTimes + at + i] = g.data[k * g.count + i];
  }
  assert.equal(recorded.reduce((a, x) => a + x, 0), 27815);
  for (let k = 0; k < 8; k++) {
    const tol = h.signals[k].gain / 2 + 1e-6;
    for (let i = 0; i < view.nTimes; i++) {
      const theirs: number = view.data[k * view.nTimes + i] * 1e6;
      if (Math.abs(theirs - expected[k * view.nTimes + i]) > tol) assert.fail(`${view.chNames[k]} at ${i / 100} s: MNE ${theirs}, ${recorded[i] ? 'recorded' : 'padding'} ${expected[k * view.nTimes + i]}`);
    }
  }
  // Every marker at its time; the gap, and the end after the last sample, under BAD_ACQ_SKIP.
  const [first, second] = stream.segments;
  const skips = view.annotations.filter(([, , l]) => l === 'BAD_ACQ_SKIP').map(([o, du]) => [o.toFixed(4), du.toFixed(4)]);
  const end1 = first.start + first.count / 100;
  const end2 = second.start + second.count / 100;
  assert.deepEqual(skips, [[end1.toFixed(4), (second.start - end1).toFixed(4)], [end2.toFixed(4), (571 - end2).toFixed(4)]]);
  const markers = view.annotations.filter(([, , l]) => l !== 'BAD_ACQ_SKIP');
  assert.equal(markers.length, 175);
  markers.forEach(([o, , l], i) => assert.ok(Math.abs(o - ref.annotations[i].onset) < 1e-6 && l === ref.annotations[i].label, `${l} at ${o} s, recorded ${ref.annotations[i].label} at ${ref.annotations[i].onset}`));

  // Our import, from EDF+C and from EDF+D: the recorded samples only, at their times.
  for (const [name, bytes] of [['gap.edf', cBytes], ['gap-d.edf', dBytes]] as const) {
    const back = importEdf(bytes, name);
    assert.equal(back.streams.length, 1, `${name}: one stream`);
    const segs = back.streams[0].segments;
    assert.deepEqual(segs.map((g) => [Math.round(g.start * 100), g.count]), stream.segments.map((g) => [Math.round(g.start * 100), g.count]), name);
    segs.forEach((g, j) => {
      const o = stream.segments[j];
      for (let k = 0; k < 8; k++) for (let i = 0; i < g.count; i++) {
        if (Math.abs(g.data[k * g.count + i] - o.data[k * o.count + i]) > h.signals[k].gain / 2 + 1e-6) assert.fail(`${name} ${back.streams[0].channels[k].label}[${j}:${i}]`);
      }
    });
    const again = await db.api.getSession((await importRecordingFile(db, { path: join(dir, name) }, { appVersion: 'test', now: 0 })).id);
    assert.deepEqual(again.streams.map((st) => st.sampleCount), [27815], name);
  }
});

test('CSV export names each stream file after the session and a short stream name (was: the stream id, S001R04-file_S001R04.edf_0-eeg.csv)', { skip: !existsSync(DATA) && 'needs ../shared/data' }, async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
  t.after(() => db.close());
  const folder = join(dir, 'exports');
  mkdirSync(folder);

  // An imported EDF+ (one EEG stream): its name and its stream's.
  const imported = await importRecordingFile(db, { path: join(DATA, 'edf-eegmmidb', 'S001R04.edf') }, { appVersion: 'test', now: 0 });
  const a = await db.api.exportSession({ sessionId: imported.id, format: 'csv', path: folder });
  assert.deepEqual(a.files.map((f) => basename(f)), ['S001R04-eeg.csv', 'S001R04-markers.csv', 'S001R04-info.csv']);
  // Exported again into the same folder: the next free base, the same stream names.
  const again = await db.api.exportSession({ sessionId: imported.id, format: 'csv', path: folder });
  assert.deepEqual(again.files.map((f) => basename(f)), ['S001R04-2-eeg.csv', 'S001R04-2-markers.csv', 'S001R04-2-info.csv']);

  // A recorded session (simulated headset + strap): the device streams' kinds.
  const sessionId = await recordSimSession(db, 'Rest 1', 2);
  const b = await db.api.exportSession({ sessionId, format: 'csv', path: folder });
  assert.deepEqual(b.files.map((f) => basename(f)).sort(), ['Rest_1-ecg.csv', 'Rest_1-eeg.csv', 'Rest_1-info.csv', 'Rest_1-markers.csv']);

  // A range without samples is refused by every format alike (CSV wrote header-only files, '0 values').
  const start = (await db.api.getSession(imported.id)).startTime;
  for (const format of ['csv', 'edf', 'bdf'] as const) {
    await assert.rejects(
      db.api.exportSession({ sessionId: imported.id, format, path: join(dir, `empty.${format}`), fromTime: start + 500, toTime: start + 600 }),
      // About the file asked for, not our method ('exportSession: no samples …').
      (e: Error) => e.message === `empty.${format}: no samples to export from 500 s to 600 s: the session runs from 0 s to 125 s`,
    );
  }
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('empty')), [], 'no file written');
  // A folder that does not exist is said in words, about the file asked for (was Node's "ENOENT: …, open '….partial'").
  const nowhere = join(dir, 'no such folder', 'x.edf');
  await assert.rejects(db.api.exportSession({ sessionId: imported.id, format: 'edf', path: nowhere }), (e: Error) => e.message.endsWith(`x.edf: cannot write ${nowhere}: the folder ${join(dir, 'no such folder')} does not exist`));

  // Streams that share a name: their device tells them apart where it can, a number where not;
  // names stay unique regardless of case (macOS and Windows file systems) and never take the markers file's.
  const stream = (name: string, device: string): ImportedStream => ({ name, modality: 'eeg', rateHz: 1, channels: [], segments: [], meta: { device } });
  const rec = { fileName: 'x', format: 'csv' as const, startTime: null, subject: {}, info: {}, annotations: [], warnings: [] };
  const names = writeCsv({ ...rec, streams: [stream('eeg', 'Muse-1A2B'), stream('eeg', 'Cyton 8ch'), stream('eeg', 'Cyton 8ch'), stream('EEG', ''), stream('markers', ''), stream('??', '')] }, { baseName: 'S' }).map((f) => f.name);
  assert.deepEqual(names, ['S-eeg-Muse-1A2B.csv', 'S-eeg-Cyton_8ch.csv', 'S-eeg-Cyton_8ch-2.csv', 'S-EEG.csv', 'S-markers-2.csv', 'S-eeg-2.csv', 'S-markers.csv']);
});

test('an export reads the database in steps: requests that arrive meanwhile (a recording\'s commits) are answered before it ends', { skip: !existsSync(DATA) && 'needs ../shared/data' }, async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
  t.after(() => db.close());
  // EEGMAT Subject00 at rest: 3 min of 21 channels at 500 Hz, read EXPORT_STEP_VALUES at a time (4 steps a stream).
  const s = await importRecordingFile(db, { path: join(DATA, 'edf-eegmat', 'Subject00_1.edf') }, { appVersion: 'test', now: 0 });
  const whole = await db.api.exportSession({ sessionId: s.id, format: 'csv', path: join(dir, 'whole.csv') });
  const order: string[] = [];
  const exported = db.api.exportSession({ sessionId: s.id, format: 'edf', path: join(dir, 'steps.edf') }).then((r) => (order.push('export'), r));
  const listed = db.api.listSessions({}).then(() => order.push('list'));
  const r = await exported;
  await listed;
  assert.deepEqual(order, ['list', 'export'], 'a request sent after the export is not held up until the export ends');
  assert.equal(r.samples, whole.samples, 'read in steps, the export holds every sample');
  assert.equal(r.samples, 21 * 91000);
});

test('an export encodes and writes its file in pieces, a step each (it was one step: 1.5 s for an hour of 32 channels); one dropped half way leaves nothing behind', { skip: !existsSync(DATA) && 'needs ../shared/data' }, async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'recordings.sqlite');
  const db = await DbClient.open({ path });
  t.after(() => db.close());
  // EEGMAT Subject00 at rest: 3 min of 21 channels at 500 Hz (1.9 M values, four EXPORT_STEP_VALUES).
  const s = await importRecordingFile(db, { path: join(DATA, 'edf-eegmat', 'Subject00_1.edf') }, { appVersion: 'test', now: 0 });
  const viaWorker = await db.api.exportSession({ sessionId: s.id, format: 'edf', path: join(dir, 'worker.edf') });
  const o = openDatabase(path, { readonly: true });
  t.after(() => o.db.close());
  for (const format of ['edf', 'csv'] as const) {
    const out = join(dir, `steps.${format}`);
    const partial = `${format === 'csv' ? join(dir, 'steps-eeg.csv') : out}.partial`;
    const sizes = new Set<number>();
    const steps = exportSessionSteps(o.db, { sessionId: s.id, format, path: out });
    let r = steps.next();
    for (; !r.done; r = steps.next()) if (existsSync(partial)) sizes.add(statSync(partial).size);
    assert.ok(sizes.size >= 4, `${format}: the file grew over ${sizes.size} steps`);
    if (format === 'edf') assert.deepEqual(readFileSync(out), readFileSync(viaWorker.files[0]), 'the same bytes as the worker wrote');
    assert.equal(r.value.bytes, r.value.files.reduce((a, f) => a + statSync(f).size, 0), `${format}: the bytes reported are the files' sizes`);
  }
  // Dropped half way (the worker returns it when the database closes): no file, no '.partial'.
  const out = join(dir, 'dropped.edf');
  const steps = exportSessionSteps(o.db, { sessionId: s.id, format: 'edf', path: out });
  while (!existsSync(`${out}.partial`)) steps.next();
  steps.next();
  steps.return(undefined as never);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('dropped')), []);
});

test('an export that cannot be written says why in the data folder\'s words, naming the path: a file in the path, a read-only file system, a full disk; no file is left', { skip: !existsSync(DATA) && 'needs ../shared/data' }, async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
  t.after(() => db.close());
  const s = await importRecordingFile(db, { path: join(DATA, 'edf-eegmmidb', 'S001R04.edf') }, { appVersion: 'test', now: 0 });
  /** An export to `path` fails writing `file` (a CSV export's first file is '<base>-eeg.csv'). */
  const fails = async (path: string, format: 'edf' | 'csv', reason: string, file = path) =>
    assert.rejects(db.api.exportSession({ sessionId: s.id, format, path }), (e: Error) => {
      assert.equal(e.message, `${basename(file)}: cannot write ${file}: ${reason}`);
      return true;
    });
  // A file where a folder should be (was Node's "ENOTDIR: not a directory, stat …").
  writeFileSync(join(dir, 'afile'), 'x');
  await fails(join(dir, 'afile', 'x.edf'), 'edf', `${join(dir, 'afile')} is a file, not a folder`);
  await fails(join(dir, 'afile', 'sub', 'x.csv'), 'csv', `${join(dir, 'afile')} is a file, not a folder`, join(dir, 'afile', 'sub', 'x.csv'));
  // Root ignores permissions; a read-only tmpfs, or a full one, stops even root.
  const ro = tmpfsDir(t, 64, { readOnly: true });
  const small = tmpfsDir(t, 64);
  if (!ro || !small) return t.skip('needs root and mount for a read-only or a full file system');
  await fails(join(ro, 'x.edf'), 'edf', `${ro} is on a read-only file system`);
  await fails(join(small, 'x.edf'), 'edf', `the disk holding ${small} is full`);
  await fails(join(small, 'x.csv'), 'csv', `the disk holding ${small} is full`, join(small, 'x-eeg.csv'));
  assert.deepEqual(readdirSync(small), [], 'no half-written file is left');
});

test('a CSV export that cannot write one of its files leaves none of them: an earlier export of that name stays whole (its first files were replaced, a mix of two exports)', { skip: !existsSync(DATA) && 'needs ../shared/data' }, async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
  t.after(() => db.close());
  const s = await importRecordingFile(db, { path: join(DATA, 'edf-mne', 'test_bdf_stim_channel.bdf') }, { appVersion: 'test', now: 0 });
  const start = (await db.api.getSession(s.id)).startTime;
  const path = join(dir, 'out.csv');
  const first = await db.api.exportSession({ sessionId: s.id, format: 'csv', path, fromTime: start, toTime: start + 2 });
  assert.deepEqual(first.files.map((f) => basename(f)), ['out-eeg.csv', 'out-other.csv', 'out-markers.csv', 'out-info.csv'], 'the files of the export');
  const before = new Map(first.files.map((f) => [f, readFileSync(f)]));
  // The markers file's name taken by a folder: the export of the whole session fails at its third file.
  const markers = join(dir, 'out-markers.csv');
  rmSync(markers);
  mkdirSync(markers);
  await assert.rejects(db.api.exportSession({ sessionId: s.id, format: 'csv', path }), (e: Error) => {
    assert.equal(e.message, `out-markers.csv: cannot write ${markers}: a folder of that name is in the way`, 'names the file and the problem in words');
    return true;
  });
  for (const [f, bytes] of before) if (f !== markers) assert.deepEqual(readFileSync(f), bytes, `${basename(f)} is the earlier export's, unchanged`);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.partial')), [], 'no .partial file is left');
  // An EDF export whose one file cannot be written leaves nothing either.
  mkdirSync(join(dir, 'x.edf.partial'));
  await assert.rejects(db.api.exportSession({ sessionId: s.id, format: 'edf', path: join(dir, 'x.edf') }), (e: Error) => e.message.startsWith(`x.edf: cannot write ${join(dir, 'x.edf')}`));
  assert.ok(!existsSync(join(dir, 'x.edf')), 'no x.edf');
});
