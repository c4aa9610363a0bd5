import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dbAtVersion, tempDir } from '../db-test-util';
import { migrate, schemaVersion } from '../../../../src/main/db/migrations/index';
import { updateToSchemaVersion0090 } from '../../../../src/main/db/migrations/0090-session-ids-not-reused';
import { openDatabase } from '../../../../src/main/db/open-database';
import { getSession, getStreamPlacement } from '../../../../src/main/db/server';
import { sampleSpansSteps } from '../../../../src/main/sessions/export-session';
import { writeLongSession } from '../../sessions/long-session-util';

function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

test('0080 adds the stream placement cache; an older session reads "none" and is placed as before; a read-only schema-70 file still opens', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'a.sqlite');
  const db = dbAtVersion(path, 70);
  // This app numbers a new session through schema 90's floor, which nothing here reads: added
  // beside schema 70 only so that its createSession can write the session.
  updateToSchemaVersion0090(db);
  const { sessionId, eegId } = writeLongSession(db, { seconds: 60 });
  db.pragma("journal_mode = DELETE");
  db.close();

  // Read-only (a copy on a read-only share): schema 70 lacks only the cache, so it opens as it is
  // and every stream is placed from its chunks (it was refused as needing an upgrade).
  const before = (() => {
    const ro = openDatabase(path, { readonly: true });
    try {
      assert.equal(ro.readonly, true, 'opened read-only');
      assert.equal(ro.schemaVersion, 70, 'left at schema 70');
      assert.equal(getStreamPlacement(ro.db, eegId), null, 'no cache to read at schema 70');
      return drain(sampleSpansSteps(ro.db, sessionId));
    } finally {
      ro.db.close();
    }
  })();
  assert.equal(before.length, 2, `both streams placed: ${JSON.stringify(before)}`);

  const w = dbAtVersion(path, 70);
  t.after(() => w.close());
  migrate(w, 80);
  assert.equal(schemaVersion(w), 80, 'schema 80');
  assert.equal(getSession(w, sessionId).streams.length, 2, 'the streams are still there');
  assert.equal(getStreamPlacement(w, eegId), null, 'nothing cached yet');
  assert.deepEqual(drain(sampleSpansSteps(w, sessionId)), before, 'placed as at schema 70');
  assert.ok(getStreamPlacement(w, eegId), 'and cached now');
  assert.deepEqual(drain(sampleSpansSteps(w, sessionId)), before, 'the same from the cache');
});
