// `heartmind record` stopped while its core starts (the database worker, the devices: seconds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { command as record } from '../../../src/main/sessions/record-command';
import { databasePathFor } from '../../../src/main/db/db-client';
import { tempDir } from '../db/db-test-util';

test('Ctrl+C while the core starts: said, nothing recorded, exit code 130', async (t) => {
  process.env.HEARTMIND_MARKER_PORT = 'off';
  t.after(() => delete process.env.HEARTMIND_MARKER_PORT);
  const dir = tempDir(t);
  const out: string[] = [];
  const err: string[] = [];
  const running = record.run(['--duration', '2', '--no-demo', '--data-dir', dir], { out: (l) => out.push(l), err: (l) => err.push(l) });
  // On a later turn of the event loop, as a real signal comes: the core is still starting. Without
  // a listener then, the real Ctrl+C killed the process with no word (here: recorded for 2 s).
  setImmediate(() => process.emit('SIGINT'));
  assert.equal(await running, 130, 'a shell reports 130 for a process stopped by Ctrl+C');
  assert.deepEqual(err, ['heartmind record: SIGINT, stopping…', 'heartmind record: stopped before the recording started (SIGINT): nothing recorded']);
  assert.deepEqual(out, [], 'no recording line');
  const db = new Database(databasePathFor(dir), { readonly: true });
  t.after(() => db.close());
  assert.deepEqual(db.prepare('SELECT COUNT(*) AS n FROM sessions').get(), { n: 0 }, 'no session was created');
  assert.equal(process.listenerCount('SIGINT'), 0, 'its signal listeners are taken off');
});
