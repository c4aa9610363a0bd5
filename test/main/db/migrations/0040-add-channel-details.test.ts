import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dbAtVersion, tempDir } from '../db-test-util';
import { migrate } from '../../../../src/main/db/migrations/index';

test('0040 adds channel kind, physical range, transducer and prefilter; existing channels get their kind from the stream', (t) => {
  const db = dbAtVersion(join(tempDir(t), 'a.sqlite'), 30);
  t.after(() => db.close());
  const sid = db.prepare("INSERT INTO sessions (name, start_time, state, origin, app_version, created_at) VALUES ('s', 1, 'complete', 'recorded', 'x', 1)").run().lastInsertRowid;
  const dev = db.prepare("INSERT INTO devices (session_id, device_key, name, model) VALUES (?, 'd', 'd', 'm')").run(sid).lastInsertRowid;
  const ids: Record<string, number | bigint> = {};
  for (const modality of ['eeg', 'ecg', 'other']) {
    ids[modality] = db
      .prepare('INSERT INTO streams (session_id, device_id, stream_key, modality, nominal_rate_hz, info_json) VALUES (?, ?, ?, ?, 100, ?)')
      .run(sid, dev, modality, modality, '{}').lastInsertRowid;
    db.prepare("INSERT INTO channels (stream_id, idx, label, unit, resolution) VALUES (?, 0, 'C', 'uV', 0.5)").run(ids[modality]);
  }
  migrate(db, 40);
  assert.equal(db.pragma('user_version', { simple: true }), 40);
  const kinds = db.prepare('SELECT s.modality, c.kind, c.physical_min, c.transducer FROM channels c JOIN streams s ON s.id = c.stream_id ORDER BY s.id').all();
  assert.deepEqual(kinds, [
    { modality: 'eeg', kind: 'eeg', physical_min: null, transducer: '' },
    { modality: 'ecg', kind: 'ecg', physical_min: null, transducer: '' },
    { modality: 'other', kind: 'misc', physical_min: null, transducer: '' },
  ]);
  db.prepare("UPDATE channels SET physical_min = -3276.8, physical_max = 3276.7, prefilter = 'HP:0.5Hz' WHERE stream_id = ?").run(ids.eeg);
  assert.equal(db.prepare('SELECT physical_max FROM channels WHERE stream_id = ?').pluck().get(ids.eeg), 3276.7);
});
