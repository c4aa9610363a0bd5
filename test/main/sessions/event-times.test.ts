// Marker and self-report times are range-checked (shared/event-time.ts) at every door: the
// sessions service (requests and the marker endpoint) against the session's span, the database
// against a year of it (the last line of defence); an old row out of range is left out of an EDF
// export with a warning, and MNE-Python opens the file. An export to an existing folder writes
// <folder>/<session name>.<format> into it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DbClient } from '../../../src/main/db/db-client';
import { StreamHub } from '../../../src/main/hub/hub';
import { createDemoSources, VirtualClock, VirtualScheduler } from '../../../src/main/sources';
import { SessionsService } from '../../../src/main/sessions/sessions-service';
import { exportTarget } from '../../../src/main/sessions/export-session';
import { sessionFileBase } from '../../../src/shared/formats/safe-file-name';
import { EVENT_SESSION_REACH_S, EVENT_TIME_MARGIN_S } from '../../../src/shared/event-time';
import { mneMissing, readWithMne } from '../../shared/formats/mne-reference';
import { tempDir } from '../db/db-test-util';

const START = 1_790_000_000;

test('markers and self-reports far from their session are refused with the reason; exports leave old ones out; a folder gets <session name>.edf', async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
  t.after(() => db.close());
  const clock = new VirtualClock(START);
  const scheduler = new VirtualScheduler(clock);
  const hub = new StreamHub({ clock, scheduler });
  const service = new SessionsService({ db, hub, clock, appVersion: 'test' });
  t.after(() => hub.close());

  // Nothing recording: a marker is only pushed live, and still checked against the host clock.
  assert.equal((await service.marker({ label: 'live only' })).marker, null);
  await assert.rejects(service.marker({ label: 'ms', time: START * 1000 }), /marker time 1790000000000 lies .* after the host clock .*; milliseconds\? marker time is in seconds: 1790000000 would fit/);

  // Recording (the Muse-sized simulation, two seconds of virtual time).
  const [headset, strap] = createDemoSources({ clock, scheduler, seed: 3 });
  await headset.configure({ preset: 'muse' });
  await hub.addSource(headset);
  await hub.addSource(strap);
  const rec = await service.startRecording({ name: 'Events: 10/20 test' });
  const sessionId = rec.sessionId!;
  scheduler.advance(2);
  await service.recorder.flush();
  const now = clock.now();

  // QA's cases: Python's time.time()*1000, -5, -1e300, 1e300, a 1e308-s duration.
  await assert.rejects(service.marker({ label: 'x', time: now * 1000 }), (e: Error) => {
    assert.match(e.message, new RegExp(`^marker time ${now * 1000} lies \\d+ years after session ${sessionId} \\(.* UTC to .* UTC\\) and the 5 min allowed either side; milliseconds\\? marker time is in seconds: ${now} would fit$`));
    return true;
  });
  for (const time of [-5, -1e300, 1e300]) await assert.rejects(service.marker({ label: 'x', time }), /lies .* (before|after) session/, String(time));
  await assert.rejects(service.marker({ label: 'x', duration: 1e308 }), /marker duration 1e\+308 s is longer than 7 days/);
  await assert.rejects(service.selfReport({ valence: 5, arousal: 5, dominance: 5, time: 1e300 }), /self-report time 1e\+300 lies .* after session/);
  await assert.rejects(service.selfReport({ valence: 5, arousal: 5, dominance: 5, time: 12 }), /seconds from the session's start\? self-report time is host-clock \(Unix\) seconds: 1790000012 would fit/);
  // Inside the span, or a few minutes before its start (a stimulus PC's clock a little behind): stored.
  const ok = await service.marker({ label: 'stimulus', time: now - 1, duration: 0.5 });
  assert.deepEqual([ok.marker?.sessionId, ok.marker?.time, ok.marker?.duration], [sessionId, now - 1, 0.5]);
  assert.ok((await service.marker({ label: 'early', time: START - EVENT_TIME_MARGIN_S })).marker, 'a marker EVENT_TIME_MARGIN_S before the start is stored');
  assert.equal((await service.selfReport({ valence: 7, arousal: 3, dominance: 5, time: now })).time, now);
  await service.stopRecording();

  // A finished session: its span, not the host clock.
  clock.set(clock.now() + 3600);
  const summary = await service.get(sessionId);
  assert.ok((await service.marker({ label: 'while reviewing', time: START + 1, sessionId })).marker, 'a marker with an explicit sessionId is stored while reviewing');
  await assert.rejects(service.marker({ label: 'later', sessionId }), /lies 5\d(\.\d)? min after session/);
  await assert.rejects(service.selfReport({ valence: 5, arousal: 5, dominance: 5, sessionId, time: summary.endTime + EVENT_TIME_MARGIN_S + 10 }), /lies 10 s after session/);

  // The database itself (every writer: the recorder, imports): nothing beyond a year of the session.
  await assert.rejects(db.api.addMarker(sessionId, { label: 'x', time: START * 1000, source: 'api' }), /^DbError: marker time .* 366 days allowed either side; milliseconds\?/);
  await assert.rejects(db.api.addSelfReport(sessionId, { valence: 5, arousal: 5, dominance: 5, time: 1e300 }), /^DbError: self-report time 1e\+300 lies/);
  await assert.rejects(db.api.addMarker(sessionId, { label: 'x', time: START, duration: 1e308, source: 'api' }), /longer than 7 days/);
  await assert.rejects(db.api.addMarker(999, { label: 'x', time: START, source: 'api' }), /no session 999/);
  assert.ok(await db.api.addMarker(sessionId, { label: 'a month on', time: START + 30 * 86_400, source: 'api' }), 'a marker a month on is stored through the db api');
  assert.ok(START + EVENT_SESSION_REACH_S > START + 30 * 86_400, 'EVENT_SESSION_REACH_S reaches past a month');

  // A row from before these checks (written past them): the export leaves it out with a warning.
  const raw = new Database(join(dir, 'recordings.sqlite'));
  raw.prepare('INSERT INTO markers (session_id, time, duration, label, source) VALUES (?, ?, ?, ?, ?)').run(sessionId, START * 1000, 0, 'legacy ms', 'udp');
  raw.prepare('INSERT INTO markers (session_id, time, duration, label, source) VALUES (?, ?, ?, ?, ?)').run(sessionId, START + 1, 1e308, 'legacy forever', 'udp');
  raw.close();

  // Export into an existing folder: <folder>/<session name>.edf (and the CSV files' base name).
  const folder = join(dir, 'ex');
  mkdirSync(folder);
  const edf = await service.exportSession({ sessionId, format: 'edf', path: folder });
  const file = join(folder, 'Events_10_20_test.edf');
  assert.deepEqual(edf.files, [file]);
  assert.ok(existsSync(file) && !existsSync(`${folder}.edf`), `${file} exists, and no ${folder}.edf beside it`);
  assert.ok(edf.warnings.some((w) => /^2 annotation\(s\) more than 366 days outside the data left out \(the first: "legacy forever"/.test(w)), edf.warnings.join('\n'));
  const csv = await service.exportSession({ sessionId, format: 'csv', path: folder });
  assert.ok(csv.files.every((f) => f.startsWith(join(folder, 'Events_10_20_test-'))), csv.files.join());
  // A second export into the folder (another range) takes the next free name; the first file stays.
  const before = readFileSync(file);
  const again = await service.exportSession({ sessionId, format: 'edf', path: folder, fromTime: START, toTime: START + 1 });
  assert.deepEqual(again.files, [join(folder, 'Events_10_20_test-2.edf')]);
  assert.deepEqual(readFileSync(file), before, 'the earlier export is not replaced');
  const csv2 = await service.exportSession({ sessionId, format: 'csv', path: folder });
  assert.ok(csv2.files.every((f) => f.startsWith(join(folder, 'Events_10_20_test-2-'))), csv2.files.join());
  assert.deepEqual(readdirSync(folder).filter((f) => f.endsWith('-markers.csv')).sort(), ['Events_10_20_test-2-markers.csv', 'Events_10_20_test-markers.csv']);
  await assert.rejects(service.exportSession({ sessionId, format: 'edf', path: join(dir, 'missing') + '/' }), /missing\/: no such folder \(name an existing folder, or a file\)$/);
  assert.ok(!readdirSync(dir).some((f) => f.startsWith('missing') || f.endsWith('.partial')), 'nothing written for the refused one');

  if (!mneMissing()) {
    const [view] = readWithMne([file]);
    const labels = view.annotations.map(([, , l]) => l);
    assert.ok(labels.includes('stimulus') && labels.includes('while reviewing'), labels.join());
    assert.ok(!labels.some((l) => l.startsWith('legacy')), `no legacy label is kept: ${JSON.stringify(labels)}`);
  }
});

test('exportTarget: a folder gets the session name, a missing folder is refused, a file keeps or gains its extension', (t) => {
  const dir = tempDir(t);
  assert.equal(exportTarget(dir, 'bdf', 'Session 2025-04-05 10:30', 3), join(dir, 'Session_2025-04-05_10_30.bdf'));
  assert.equal(exportTarget(`${dir}/`, 'edf', '../..', 4), join(dir, 'session-4.edf'));
  assert.equal(exportTarget(join(dir, 'x'), 'edf', 'n', 1), join(dir, 'x.edf'));
  assert.equal(exportTarget(` ${join(dir, 'x.bdf')} `, 'bdf', 'n', 1), join(dir, 'x.bdf'));
  assert.throws(() => exportTarget(join(dir, 'nope') + '/', 'edf', 'n', 1), /no such folder/);
  // An EDF or BDF named as another export format is refused (BDF bytes in x.edf: MNE-Python reads them as EDF).
  assert.throws(() => exportTarget(join(dir, 'x.edf'), 'bdf', 'n', 1), { message: 'x.edf: the name says EDF, but the export is BDF (name the file .bdf, or export as EDF)' });
  assert.throws(() => exportTarget(join(dir, 'x.csv'), 'edf', 'n', 1), /the name says CSV, but the export is EDF/);
  assert.equal(exportTarget(join(dir, 'x.EDF'), 'edf', 'n', 1), join(dir, 'x.EDF'));
  assert.equal(exportTarget(join(dir, 'x.rec'), 'edf', 'n', 1), join(dir, 'x.rec'), 'another extension is the user\'s choice');
  assert.equal(exportTarget(join(dir, 'x.edf'), 'csv', 'n', 1), join(dir, 'x.edf'), 'CSV takes the name as the base of its files');
  // Into a folder, a taken name is never replaced: the next free -2, -3 …; a named file is the user's choice.
  writeFileSync(join(dir, 'n.edf'), '');
  writeFileSync(join(dir, 'n-2.edf'), '');
  assert.equal(exportTarget(dir, 'edf', 'n', 1), join(dir, 'n-3.edf'));
  assert.equal(exportTarget(dir, 'bdf', 'n', 1), join(dir, 'n.bdf'), 'another format is another name');
  assert.equal(exportTarget(join(dir, 'n.edf'), 'edf', 'n', 1), join(dir, 'n.edf'));
  // CSV: the base is free only when none of its files exists.
  writeFileSync(join(dir, 'c-markers.csv'), '');
  assert.equal(exportTarget(dir, 'csv', 'c', 1, ['-eeg.csv', '-markers.csv']), join(dir, 'c-2.csv'));
  assert.equal(exportTarget(dir, 'csv', 'c', 1, ['-eeg.csv']), join(dir, 'c.csv'));
  assert.equal(sessionFileBase('Sitzung Über/Ärger: 1', 1), 'Sitzung_Über_Ärger_1');
});
