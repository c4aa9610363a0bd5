import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dbAtVersion, tempDir } from '../db-test-util';
import { migrate } from '../../../../src/main/db/migrations/index';

test('0020 adds devices, streams, channels, sample blocks and gaps to a version-10 database with sessions in it', (t) => {
  const db = dbAtVersion(join(tempDir(t), 'a.sqlite'), 10);
  t.after(() => db.close());
  const sid = db
    .prepare("INSERT INTO sessions (name, start_time, state, origin, app_version, created_at) VALUES ('kept', 1, 'complete', 'recorded', '0.1.0', 2)")
    .run().lastInsertRowid;
  migrate(db, 20);
  assert.equal(db.pragma('user_version', { simple: true }), 20);
  assert.equal(db.prepare('SELECT name FROM sessions WHERE id = ?').pluck().get(sid), 'kept');
  const dev = db.prepare("INSERT INTO devices (session_id, device_key, name, model) VALUES (?, 'sim-eeg-1', 'Sim', 'sim-eeg')").run(sid).lastInsertRowid;
  assert.throws(() => db.prepare("INSERT INTO devices (session_id, device_key, name, model) VALUES (?, 'sim-eeg-1', 'x', 'y')").run(sid), /UNIQUE/);
  const st = db
    .prepare("INSERT INTO streams (session_id, device_id, stream_key, modality, nominal_rate_hz, info_json) VALUES (?, ?, 'sim-eeg-1/eeg', 'eeg', 256, '{}')")
    .run(sid, dev).lastInsertRowid;
  assert.throws(() => db.prepare("INSERT INTO streams (session_id, device_id, stream_key, modality, nominal_rate_hz, info_json) VALUES (?, ?, 'x', 'emg', 1, '{}')").run(sid, dev), /CHECK/);
  db.prepare("INSERT INTO channels (stream_id, idx, label, unit, resolution) VALUES (?, 0, 'TP9', 'uV', 0.48828125)").run(st);
  db.prepare('INSERT INTO sample_blocks (session_id, stream_id, seq_start, seq_end, host_start, host_end, sample_count, data) VALUES (?, ?, 0, 5, 1, 2, 12, ?)').run(
    sid,
    st,
    Buffer.from([1, 2, 3]),
  );
  // The replay indexes exist and are used.
  const plan = db.prepare('EXPLAIN QUERY PLAN SELECT seq_start FROM sample_blocks WHERE session_id = 1 AND seq_start >= 0 ORDER BY seq_start').all() as { detail: string }[];
  assert.match(plan.map((p) => p.detail).join(' '), /sample_blocks_session_seq/);
  const seek = db.prepare('EXPLAIN QUERY PLAN SELECT seq_start FROM sample_blocks WHERE session_id = 1 AND host_end >= 5 ORDER BY host_end LIMIT 1').all() as { detail: string }[];
  assert.match(seek.map((p) => p.detail).join(' '), /sample_blocks_session_time/);
  // Deleting a stream takes its channels and blocks.
  db.prepare('DELETE FROM streams WHERE id = ?').run(st);
  assert.equal(db.prepare('SELECT count(*) FROM channels').pluck().get(), 0);
  assert.equal(db.prepare('SELECT count(*) FROM sample_blocks').pluck().get(), 0);
});
