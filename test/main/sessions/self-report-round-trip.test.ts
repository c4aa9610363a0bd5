// A recorded session's self-reports survive export and import: EDF+, BDF+ and the CSV files write
// each as an annotation 'SAM valence=… arousal=… dominance=…: text', and the import makes it a
// self-report again (it came back as a marker with that label: a session moved to another computer
// as EDF+ lost its ratings, which the library counts and a training run takes its labels from).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DbClient, databasePathFor } from '../../../src/main/db/db-client';
import { importRecordingFile } from '../../../src/main/sessions/import-recording';
import { tempDir } from '../db/db-test-util';
import { startSimRecording } from '../recorder/record-util';

test('self-reports exported to EDF+, BDF+ and CSV come back as self-reports, with their ratings, text and time; markers stay markers', async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: databasePathFor(dir) });
  t.after(() => db.close());
  const sim = await startSimRecording(db, 'with ratings');
  await sim.run(2);
  const id = sim.recorder.sessionId!;
  const at = sim.clock.now();
  await sim.recorder.addMarker('stimulus A', 'api', at, 1.5);
  await sim.recorder.addSelfReport({ valence: 7, arousal: 3, dominance: 5, text: 'calm: mostly', time: at + 0.5 });
  await sim.recorder.addSelfReport({ valence: 2, arousal: 8, dominance: 1, time: at + 1.25 });
  await sim.run(3);
  await sim.close();
  const original = await db.api.getTimeline(id);
  const { startTime } = await db.api.getSummary(id);

  for (const [format, file] of [['edf', 'a.edf'], ['bdf', 'a.bdf'], ['csv', 'a.csv']] as const) {
    const r = await db.api.exportSession({ sessionId: id, format, path: join(dir, file) });
    const s = await importRecordingFile(db, { path: r.files[0] }, { appVersion: 'test', now: 0 });
    assert.equal(s.selfReportCount, 2, `${format}: ${s.selfReportCount} self-reports, ${s.markerCount} markers`);
    assert.equal(s.markerCount, 1, `${format}: the marker stays a marker`);
    const back = await db.api.getTimeline(s.id);
    assert.deepEqual(back.markers.map((m) => m.label), ['stimulus A']);
    // Times from each session's start: the file starts at its first sample's second (EDF) or at the session's zero (CSV).
    const shift = back.markers[0].time - original.markers[0].time;
    back.selfReports.forEach((b, i) => {
      const o = original.selfReports[i];
      assert.deepEqual([b.valence, b.arousal, b.dominance, b.text], [o.valence, o.arousal, o.dominance, o.text], `${format}: report ${i}`);
      assert.ok(Math.abs(b.time - shift - o.time) < 1e-5, `${format}: report ${i} at ${b.time - shift - startTime} s, recorded at ${o.time - startTime} s`);
    });
  }
});
