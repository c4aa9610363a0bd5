// `heartmind serve 2>&1 | tee serve.log` whose tee goes away (closed, killed) while a recording
// started from the dashboard runs: the next line serve writes fails with EPIPE. It ended the
// process at once (exit 141), the recording left open (read as interrupted, its last commit lost);
// serve now stops as on Ctrl+C, and writes nothing more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { databasePathFor } from '../../../src/main/db/db-client';
import { startServeChild } from './serve-child';

test('serve whose output reader goes while it records: the recording is closed, serve exits 0', { timeout: 120_000 }, async (t) => {
  // From source (no build needed); requests over serve's WebSocket only, so a placeholder dashboard.
  const serve = await startServeChild({ cli: 'source', placeholderRenderer: true, env: { HEARTMIND_MARKER_PORT: 'off' } });
  t.after(() => serve.close());
  await serve.request('hm:sessions:record-start', { name: 'piped' });
  await new Promise((r) => setTimeout(r, 1000));
  // The reader goes: both ends of the child's output are closed here.
  serve.child.stdout.destroy();
  serve.child.stderr.destroy();
  // Something for serve to write: a failed request is logged as a warning (stderr).
  // Not awaited: serve may stop before it answers.
  void serve.request('hm:sessions:get', { sessionId: 999 }).catch(() => {});
  const exit = await Promise.race([serve.exited, new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
  assert.deepEqual(exit, { code: 0, signal: null }, 'serve stopped as on Ctrl+C (it exited 141 at the first failed write)');
  const db = new Database(databasePathFor(serve.dataDir), { readonly: true });
  t.after(() => db.close());
  const row = db.prepare('SELECT name, state, end_time FROM sessions').get() as { name: string; state: string; end_time: number | null };
  assert.equal(row.name, 'piped');
  assert.equal(row.state, 'complete', 'the recording was closed, not left to read as interrupted');
  assert.ok(row.end_time !== null, 'its end time is stored');
});
