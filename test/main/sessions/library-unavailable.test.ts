// When the recordings database cannot be used — a data folder that is a file, a database from a
// newer HeartMind, one that is read-only — every message says what is wrong and what still works:
// the core's log, the sessions requests (not "no handler"), and `heartmind record`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { startCore } from '../../../src/main/core/start-core';
import type { Core } from '../../../src/main/core/core.types';
import { startSessionsArea, type SessionsAreaOptions } from '../../../src/main/sessions/sessions.core';
import { command as record } from '../../../src/main/sessions/record-command';
import { command as sessions } from '../../../src/main/sessions/sessions-command';
import { DbClient, databasePathFor } from '../../../src/main/db/db-client';
import { openDatabase } from '../../../src/main/db/open-database';
import type { Envelope } from '../../../src/shared/ipc/wire-error';
import { tempDir } from '../db/db-test-util';
import { remountReadOnly, tmpfsDir } from '../../fixtures/tmpfs';

const ctx = { transport: 'local' as const, clientId: 'test' };
const OFF = 'Recording and the session library are off; the live view and devices still work.';

async function coreAt(t: { after(fn: () => unknown): void }, dataDir: string, opts: SessionsAreaOptions = {}): Promise<Core> {
  const core = await startCore({
    runtime: 'serve',
    dataDir,
    demo: false,
    modules: [{ name: 'sessions', load: async () => ({ start: async (c) => void (await startSessionsArea(c, { markerPort: null, ...opts })) }) }],
  });
  t.after(() => core.stop());
  return core;
}

async function failure(core: Core, channel: string, req?: unknown): Promise<[string, string]> {
  const env = (await core.handlers.dispatch(channel, req, ctx)) as Envelope<unknown>;
  assert.equal(env.ok, false, `${channel} should fail`);
  return env.ok ? ['', ''] : [env.error.kind, env.error.message];
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

test('a data folder that is a file: the log and every sessions request say so, and what still works', async (t) => {
  const file = join(tempDir(t), 'afile');
  writeFileSync(file, 'x');
  const core = await coreAt(t, file);
  const why = `The data folder ${file} is a file, not a folder. ${OFF} To record, choose a folder you can write with --data-dir DIR (or HEARTMIND_DATA_DIR).`;
  assert.ok(core.recentLogs().some((e) => e.level === 'error' && e.message === `Sessions not available: ${why}`), JSON.stringify(core.recentLogs()));
  assert.deepEqual(await failure(core, 'hm:sessions:list', {}), ['unavailable', `Sessions not available: ${why}`]);
  assert.deepEqual(await failure(core, 'hm:sessions:record-start', {}), ['unavailable', `Sessions not available: ${why}`]);
  // The live side runs.
  assert.ok(core.handlers.has('hm:pipeline:snapshot'), 'the pipeline area still registered its snapshot handler');
});

test('a database from a newer HeartMind: its own message, no internal call name, and what still works', async (t) => {
  const dir = tempDir(t);
  const path = databasePathFor(dir);
  openDatabase(path).db.close();
  const raw = new Database(path);
  raw.pragma('user_version = 9999');
  raw.close();
  const core = await coreAt(t, dir);
  const [kind, message] = await failure(core, 'hm:sessions:record-start', {});
  assert.equal(kind, 'unavailable');
  assert.match(message, /^Sessions not available: The recordings database .* was written by a newer HeartMind \(schema 9999; .*update HeartMind, or choose another profile\. Recording and the session library are off; the live view and devices still work\.$/);
});

test('a read-only library: a warning at start; recording refused in words, listing works', async (t) => {
  const dir = tempDir(t);
  openDatabase(databasePathFor(dir)).db.close();
  const core = await coreAt(t, dir, { readonly: true });
  const path = databasePathFor(dir);
  assert.ok(
    core.recentLogs().some((e) => e.level === 'warn' && e.message === `the recordings database ${path} is read-only (it was opened read-only): recording, editing, importing and deleting are off. Sessions can still be listed, replayed and exported.`),
    'a warning says the database is read-only and what still works',
  );
  const [kind, message] = await failure(core, 'hm:sessions:record-start', {});
  assert.equal(kind, 'Readonly');
  assert.equal(message, `The recordings database ${path} is read-only (it was opened read-only), so recording is not possible. Sessions can still be listed, replayed and exported.`);
  const list = (await core.handlers.dispatch('hm:sessions:list', {}, ctx)) as Envelope<unknown[]>;
  assert.deepEqual(list, { ok: true, value: [] });
});

test('a library that must be written (record\'s): a read-only one stops the area before the marker endpoint, in one message', async (t) => {
  const dir = tempDir(t);
  openDatabase(databasePathFor(dir)).db.close();
  const core = await coreAt(t, dir, { readonly: true, mustWrite: true, markerPort: 0 });
  const refusal = `The recordings database ${databasePathFor(dir)} is read-only (it was opened read-only), so recording is not possible. Sessions can still be listed, replayed and exported.`;
  assert.equal(core.handlers.areaProblem('sessions'), refusal, 'the area is down with the refusal');
  const logs = core.recentLogs();
  assert.ok(!logs.some((e) => e.source === 'markers'), `no marker endpoint started: ${JSON.stringify(logs)}`);
  assert.ok(!logs.some((e) => e.level === 'warn' && e.source === 'sessions'), 'no read-only warning beside the refusal');
});

test('heartmind record: one plain line for an unusable data folder or library, exit code 1', async (t) => {
  // A free port, so that a marker endpoint started before the refusal would be seen on stdout.
  process.env.HEARTMIND_MARKER_PORT = '0';
  t.after(() => delete process.env.HEARTMIND_MARKER_PORT);
  const root = tempDir(t);
  const file = join(root, 'afile');
  writeFileSync(file, 'x');
  const a = io();
  assert.equal(await record.run(['--duration', '1', '--no-demo', '--data-dir', join(file, 'HeartMind')], a.io), 1);
  // Not what the app still does (the live view): record has none of it.
  assert.deepEqual(a.err, [
    `heartmind record: cannot record: The data folder ${join(file, 'HeartMind')} cannot be created: ${file} is a file, not a folder. To record, choose a folder you can write with --data-dir DIR (or HEARTMIND_DATA_DIR).`,
  ]);
  assert.deepEqual(a.out, [], 'nothing started and said before the refusal');

  const newer = join(root, 'newer');
  mkdirSync(newer);
  const raw = new Database(databasePathFor(newer));
  raw.pragma('user_version = 9999');
  raw.close();
  const b = io();
  assert.equal(await record.run(['--duration', '1', '--no-demo', '--data-dir', newer], b.io), 1);
  assert.equal(b.err.length, 1, b.err.join('\n'));
  assert.match(b.err[0], /^heartmind record: cannot record: The recordings database .* was written by a newer HeartMind \(schema 9999;/);
  assert.doesNotMatch(b.err[0], /no handler|open: |live view/);
  assert.deepEqual(b.out, [], 'nothing started and said before the refusal');
});

test('heartmind record into a library on a read-only file system: refused in words, no internal call name', async (t) => {
  // Root ignores permissions; a tmpfs remounted read-only stops even root.
  const mnt = tmpfsDir(t, 4096);
  if (!mnt) return t.skip('needs root and mount for a read-only file system');
  // Made and closed by the app's own worker, which leaves no WAL behind (a read-only medium can then open it).
  await (await DbClient.open({ path: databasePathFor(mnt) })).close();
  assert.ok(remountReadOnly(mnt), `${mnt} was remounted read-only`);
  process.env.HEARTMIND_MARKER_PORT = '0';
  t.after(() => delete process.env.HEARTMIND_MARKER_PORT);
  const r = io();
  const path = databasePathFor(mnt);
  assert.equal(await record.run(['--duration', '1', '--no-demo', '--data-dir', mnt], r.io), 1);
  // Said once (it was the start's warning, then "cannot record:" with the same words), and before
  // the marker endpoint started (its lines were printed first).
  assert.deepEqual(r.err, [
    `heartmind record: cannot record: The recordings database ${path} is read-only (the file or its folder cannot be written), so recording is not possible. Sessions can still be listed, replayed and exported.`,
  ]);
  assert.deepEqual(r.out, [], 'no marker endpoint line before the refusal');
});

test('sessions import of several files onto a full disk: the file that met it is named, the files after it are not read, exit 1', { skip: !existsSync(resolve('..', 'shared', 'data')) && 'needs ../shared/data' }, async (t) => {
  // Root ignores permissions, not a mount's size.
  const mnt = tmpfsDir(t, 1024);
  if (!mnt) return t.skip('needs root and mount for a full file system');
  const data = resolve('..', 'shared', 'data');
  const files = [join(data, 'edf-mne', 'test_bdf_stim_channel.bdf'), join(data, 'edf-eegmat', 'Subject00_2.edf'), join(data, 'edf-mne', 'test_edf_stim_channel.edf')];
  const r = io();
  assert.equal(await sessions.run(['import', ...files, '--data-dir', mnt], r.io), 1);
  const path = databasePathFor(mnt);
  assert.equal(r.err.length, 2, r.err.join('\n'));
  assert.ok(
    r.err[0].startsWith(`heartmind sessions: Subject00_2.edf: The disk holding the recordings database is full (${path}), so importing a recording failed and changed nothing; everything stored before is kept and readable. Free some space (`),
    r.err[0],
  );
  // Each file after would be read in full to meet the same refusal (24 EEGMAT files: minutes of "disk full").
  assert.equal(r.err[1], '1 session imported from 3 files; not imported: Subject00_2.edf; not tried after that: test_edf_stim_channel.edf');
  const l = io();
  assert.equal(await sessions.run(['list', '--json', '--data-dir', mnt], l.io), 0);
  assert.deepEqual((JSON.parse(l.out.join('')) as { name: string }[]).map((s) => s.name), ['test_bdf_stim_channel']);
});
