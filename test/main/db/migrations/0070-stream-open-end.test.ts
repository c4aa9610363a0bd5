import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dbAtVersion, tempDir } from '../db-test-util';
import { migrate } from '../../../../src/main/db/migrations/index';
import { getSession } from '../../../../src/main/db/server';

test('0070 adds where each stream was announced and ended; an older session reads "not known" (null) and keeps its streams', (t) => {
  const db = dbAtVersion(join(tempDir(t), 'a.sqlite'), 60);
  t.after(() => db.close());
  const sid = db.prepare("INSERT INTO sessions (name, start_time, end_time, state, origin, app_version, created_at) VALUES ('older', 1, 30, 'complete', 'recorded', '0.1.0', 2)").run().lastInsertRowid;
  const dev = db.prepare("INSERT INTO devices (session_id, device_key, name, model) VALUES (?, 'strap', 'Strap', 'sim')").run(sid).lastInsertRowid;
  const info = { id: 'strap/ecg', deviceId: 'strap', deviceName: 'Strap', deviceModel: 'sim', modality: 'ecg', nominalRateHz: 130, channels: [{ label: 'ECG', unit: 'uV', resolution: 0 }] };
  const st = db
    .prepare("INSERT INTO streams (session_id, device_id, stream_key, modality, nominal_rate_hz, info_json, first_time, last_time) VALUES (?, ?, 'strap/ecg', 'ecg', 130, ?, 1.5, 14)")
    .run(sid, dev, JSON.stringify(info)).lastInsertRowid;
  db.prepare("INSERT INTO channels (stream_id, idx, label, unit, resolution) VALUES (?, 0, 'ECG', 'uV', 0)").run(st);
  migrate(db, 70);
  assert.equal(db.pragma('user_version', { simple: true }), 70, 'schema 70');
  const [s] = getSession(db, Number(sid)).streams;
  assert.equal(s.info.id, 'strap/ecg', 'the stream is still there');
  assert.equal(s.openedSeq, null, 'where it was announced: not known');
  assert.equal(s.ended, null, 'where it ended: not known');
  db.prepare('UPDATE streams SET opened_seq = 0, ended_seq = 412, ended_time = 14.25 WHERE id = ?').run(st);
  const [e] = getSession(db, Number(sid)).streams;
  assert.deepEqual([e.openedSeq, e.ended], [0, { seq: 412, time: 14.25 }], 'read back');
});
