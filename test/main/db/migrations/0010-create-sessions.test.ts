import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dbAtVersion, tempDir } from '../db-test-util';
import { HEARTMIND_APPLICATION_ID } from '../../../../src/main/db/migrations/0010-create-sessions';

test('0010 creates sessions and tags, marks the file as HeartMind', (t) => {
  const db = dbAtVersion(join(tempDir(t), 'a.sqlite'), 10);
  t.after(() => db.close());
  assert.equal(db.pragma('user_version', { simple: true }), 10);
  assert.equal(db.pragma('application_id', { simple: true }), HEARTMIND_APPLICATION_ID);
  const id = db
    .prepare("INSERT INTO sessions (name, start_time, state, origin, app_version, created_at) VALUES ('s', 1.5, 'recording', 'recorded', '0.1.0', 2)")
    .run().lastInsertRowid;
  db.prepare('INSERT INTO session_tags (session_id, tag) VALUES (?, ?)').run(id, 'Rest');
  // Tags are unique per session regardless of case.
  assert.throws(() => db.prepare('INSERT INTO session_tags (session_id, tag) VALUES (?, ?)').run(id, 'rest'), /UNIQUE/);
  // STRICT + CHECK: a state outside the list is refused.
  assert.throws(
    () => db.prepare("INSERT INTO sessions (name, start_time, state, origin, app_version, created_at) VALUES ('s', 1, 'bogus', 'recorded', 'x', 1)").run(),
    /CHECK/,
  );
  assert.throws(() => db.prepare("INSERT INTO sessions (name, start_time, state, origin, app_version, created_at) VALUES ('s', 'noon', 'complete', 'recorded', 'x', 1)").run(), /cannot store TEXT value in REAL column/);
  db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
  assert.equal(db.prepare('SELECT count(*) FROM session_tags').pluck().get(), 0, 'tags go with their session');
});
