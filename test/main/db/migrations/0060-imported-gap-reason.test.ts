import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dbAtVersion, tempDir } from '../db-test-util';
import { migrate } from '../../../../src/main/db/migrations/index';

test("0060 relabels an imported session's 'paused' gaps as breaks in the file; a recording's gaps keep their reasons", (t) => {
  const db = dbAtVersion(join(tempDir(t), 'a.sqlite'), 50);
  t.after(() => db.close());
  const session = db.prepare("INSERT INTO sessions (name, start_time, state, origin, app_version, created_at) VALUES (?, 1, 'complete', ?, '0.1.0', 2)");
  const imported = session.run('from an EDF+D', 'imported').lastInsertRowid;
  const recorded = session.run('recorded', 'recorded').lastInsertRowid;
  const gap = db.prepare('INSERT INTO gaps (session_id, stream_id, seq, start_time, end_time, missing_samples, reason) VALUES (?, 1, ?, ?, ?, 10, ?)');
  gap.run(imported, 1, 10, 11, 'paused');
  gap.run(imported, 2, 20, 21, 'paused');
  gap.run(recorded, 1, 10, 11, 'paused');
  gap.run(recorded, 2, 20, 21, 'device-dropped');
  migrate(db, 60);
  assert.equal(db.pragma('user_version', { simple: true }), 60);
  const reasons = (sid: number | bigint) => db.prepare('SELECT reason FROM gaps WHERE session_id = ? ORDER BY seq').pluck().all(sid);
  assert.deepEqual(reasons(imported), ['file', 'file']);
  assert.deepEqual(reasons(recorded), ['paused', 'device-dropped']);
});
