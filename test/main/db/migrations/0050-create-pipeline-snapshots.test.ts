import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dbAtVersion, tempDir } from '../db-test-util';
import { migrate } from '../../../../src/main/db/migrations/index';

test('0050 adds pipeline snapshots, keeping earlier sessions (which have none and seek with a pre-roll)', (t) => {
  const db = dbAtVersion(join(tempDir(t), 'a.sqlite'), 40);
  t.after(() => db.close());
  const sid = db.prepare("INSERT INTO sessions (name, start_time, state, origin, app_version, created_at) VALUES ('old', 1, 'complete', 'recorded', '0.1.0', 2)").run().lastInsertRowid;
  migrate(db, 50);
  assert.equal(db.pragma('user_version', { simple: true }), 50);
  assert.equal(db.prepare('SELECT count(*) FROM pipeline_snapshots').pluck().get(), 0);
  const insert = db.prepare('INSERT INTO pipeline_snapshots (session_id, after_seq, host_time, windows_from, version, byte_count, data) VALUES (?, ?, ?, ?, 1, 3, ?)');
  // Before any chunk the frontier is -Inf and every window is reproducible: SQLite keeps infinities.
  insert.run(sid, -1, -Infinity, -Infinity, Buffer.from([1, 2, 3]));
  insert.run(sid, 41, 30.5, 31, Buffer.from([4, 5, 6]));
  assert.deepEqual(db.prepare('SELECT after_seq, host_time, windows_from FROM pipeline_snapshots WHERE windows_from <= 20 ORDER BY windows_from DESC').all(), [
    { after_seq: -1, host_time: -Infinity, windows_from: -Infinity },
  ]);
  assert.throws(() => insert.run(sid, 41, 1, 1, Buffer.from([0])), /UNIQUE/, 'one snapshot per place in the sequence');
  assert.throws(() => insert.run(sid, -2, 1, 1, Buffer.from([0])), /CHECK/);
  assert.throws(() => insert.run(999, 1, 1, 1, Buffer.from([0])), /FOREIGN KEY/);
  db.prepare('DELETE FROM sessions WHERE id = ?').run(sid);
  assert.equal(db.prepare('SELECT count(*) FROM pipeline_snapshots').pluck().get(), 0, 'snapshots go with their session');
});
