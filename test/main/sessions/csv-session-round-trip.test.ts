// A recorded session exported as CSV and imported again keeps its subject id and who put each
// marker there (its source: the experimenter's keys, the stimulus program's UDP markers), as well
// as its self-reports. Before, the CSV had no place for the subject (an EDF+ keeps it in its patient
// field) and the import made every marker's source 'import', though the markers file names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DbClient, databasePathFor } from '../../../src/main/db/db-client';
import { importRecordingFile } from '../../../src/main/sessions/import-recording';
import { tempDir } from '../db/db-test-util';
import { startSimRecording } from '../recorder/record-util';

test('CSV export → import: subject id, markers with their sources and self-reports come back; the stream and marker files keep their columns', async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: databasePathFor(dir) });
  t.after(() => db.close());
  const sim = await startSimRecording(db, 'subject and sources');
  await sim.run(2);
  const id = sim.recorder.sessionId!;
  const at = sim.clock.now();
  await sim.recorder.addMarker('baseline start', 'keyboard', at);
  await sim.recorder.addMarker('stimulus, "A"', 'udp', at + 0.25, 1.5);
  await sim.recorder.addMarker('note from the script', 'api', at + 0.5);
  await sim.recorder.addSelfReport({ valence: 6, arousal: 4, dominance: 5, text: 'fine,\nreally', time: at + 0.75 });
  await sim.run(3);
  await sim.close();
  await db.api.updateSession(id, { subjectId: 'S07', notes: 'pilot, day 1\nsecond line', tags: ['pilot'] });
  const original = await db.api.getTimeline(id);

  const r = await db.api.exportSession({ sessionId: id, format: 'csv', path: join(dir, 'pilot.csv') });
  const names = r.files.map((f) => basename(f)).sort();
  assert.deepEqual(names, ['pilot-ecg.csv', 'pilot-eeg.csv', 'pilot-info.csv', 'pilot-markers.csv'], 'a stream file each, the markers and the info file');
  // The columns users' scripts read are as before.
  assert.equal(readFileSync(join(dir, 'pilot-markers.csv'), 'utf8').split('\n')[0], 'onset_s,duration_s,label,source');
  assert.match(readFileSync(join(dir, 'pilot-eeg.csv'), 'utf8').split('\n')[0], /^time_s,unix_time_s,Fp1 \(uV\),/);
  const info = readFileSync(join(dir, 'pilot-info.csv'), 'utf8');
  assert.match(info, /^field,value\nsubject,S07\n/, info);
  assert.match(info, /\nnotes,"pilot, day 1\nsecond line"\n/, info);

  // Whichever file of the export is picked, the import reads them all.
  for (const picked of ['pilot-eeg.csv', 'pilot-info.csv']) {
    const s = await importRecordingFile(db, { path: join(dir, picked) }, { appVersion: 'test', now: 0 });
    const back = await db.api.getSummary(s.id);
    assert.equal(back.subjectId, 'S07', `${picked}: the subject id`);
    assert.match(back.notes, /^session: subject and sources$/m, `${picked}: the session's name in the notes`);
    assert.match(back.notes, /^notes: pilot, day 1\nsecond line$/m, `${picked}: its notes`);
    const tl = await db.api.getTimeline(s.id);
    const shift = tl.markers[0].time - original.markers[0].time;
    assert.deepEqual(
      tl.markers.map((m) => [m.label, m.source, m.duration]),
      original.markers.map((m) => [m.label, m.source, m.duration]),
      `${picked}: markers with their sources`,
    );
    tl.markers.forEach((m, i) => assert.ok(Math.abs(m.time - shift - original.markers[i].time) < 1e-5, `${picked}: marker ${i} in its place`));
    assert.deepEqual(
      tl.selfReports.map((x) => [x.valence, x.arousal, x.dominance, x.text]),
      original.selfReports.map((x) => [x.valence, x.arousal, x.dominance, x.text]),
      `${picked}: the self-report`,
    );
    assert.equal(s.streamCount, 2, `${picked}: both streams`);
  }
});
