import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dbAtVersion, tempDir } from '../db-test-util';
import { migrate } from '../../../../src/main/db/migrations/index';

test('0030 adds markers, self-reports, predictions and filter settings, keeping earlier data', (t) => {
  const db = dbAtVersion(join(tempDir(t), 'a.sqlite'), 20);
  t.after(() => db.close());
  const sid = db
    .prepare("INSERT INTO sessions (name, start_time, state, origin, app_version, created_at) VALUES ('kept', 1, 'complete', 'recorded', '0.1.0', 2)")
    .run().lastInsertRowid;
  migrate(db, 30);
  assert.equal(db.pragma('user_version', { simple: true }), 30);
  db.prepare("INSERT INTO markers (session_id, time, label, source) VALUES (?, 10.5, 'stimulus', 'udp')").run(sid);
  assert.throws(() => db.prepare("INSERT INTO markers (session_id, time, duration, label, source) VALUES (?, 1, -1, 'x', 'udp')").run(sid), /CHECK/);
  db.prepare('INSERT INTO self_reports (session_id, time, valence, arousal, dominance) VALUES (?, 11, 1, 9, 5)').run(sid);
  for (const bad of [0, 10]) {
    assert.throws(() => db.prepare('INSERT INTO self_reports (session_id, time, valence, arousal, dominance) VALUES (?, 11, ?, 5, 5)').run(sid, bad), /CHECK/);
  }
  db.prepare("INSERT INTO predictions (session_id, model_id, window_time, outputs) VALUES (?, 'cbramod-fused', 12, '{\"valence\":0.7}')").run(sid);
  db.prepare("INSERT INTO filter_settings (session_id, time, settings) VALUES (?, 1, '{\"notchHz\":50}')").run(sid);
  db.prepare('DELETE FROM sessions WHERE id = ?').run(sid);
  for (const table of ['markers', 'self_reports', 'predictions', 'filter_settings']) {
    assert.equal(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), 0, `${table} go with their session`);
  }
});
