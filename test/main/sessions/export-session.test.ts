// Session → file, end to end, checked by an independent reader (MNE-Python): an imported EDF+
// exports back to the same data and annotations; a recorded session (simulated headset + strap
// with markers and a self-report) exports to EDF+, BDF and CSV over a time range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { importRecordingFile } from '../../../src/main/sessions/import-recording';
import { FormatError } from '../../../src/shared/formats/format-error';
import { mneMissing, readWithMne } from '../../shared/formats/mne-reference';
import { tempDir } from '../db/db-test-util';
import { startSimRecording } from '../recorder/record-util';

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
    assert.equal(view.sfreq, eeg.info.nominalRateHz);
    assert.ok(Math.abs(view.nTimes / view.sfreq - 8) < 1.01, `${view.nTimes / view.sfreq} s exported`);
    assert.ok(Math.abs(view.measDate! - from) < 1, 'the file starts at the range start');
    const ann = view.annotations.map(([onset, dur, label]) => ({ at: view.measDate! + onset, dur, label }));
    const marker = ann.find((x) => x.label === 'stimulus A');
    assert.ok(marker && Math.abs(marker.at - markerTime) < 1e-3 && Math.abs(marker.dur - 1.5) < 1e-6, JSON.stringify(ann));
    assert.ok(ann.some((x) => x.label === 'SAM valence=7 arousal=2 dominance=5: relaxed' && Math.abs(x.at - (markerTime + 2)) < 1e-3));
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
  assert.equal(csv.files.length, session.streams.length + 1, 'one file per stream, plus the markers');
  const eegCsv = readFileSync(csv.files.find((f) => f.includes('eeg'))!, 'utf8').split('\n');
  assert.match(eegCsv[0], new RegExp(`^time_s,unix_time_s,${labels[0]} \\(uV\\)`));
  assert.ok(eegCsv.length > 7 * eeg.info.nominalRateHz);
  assert.ok(readdirSync(dir).every((f) => !f.endsWith('.partial')));

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
