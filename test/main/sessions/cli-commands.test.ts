// `heartmind record` and `heartmind sessions …`, run in-process as the CLI runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { command as record } from '../../../src/main/sessions/record-command';
import { command as sessions } from '../../../src/main/sessions/sessions-command';
import { CliUsageError } from '../../../src/main/core/cli-command';
import { tempDir } from '../db/db-test-util';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

test('record for a second, then list, tag, export and delete from the command line', async (t) => {
  const dir = tempDir(t);
  process.env.HEARTMIND_MARKER_PORT = '0';
  t.after(() => delete process.env.HEARTMIND_MARKER_PORT);
  const r = io();
  assert.equal(await record.run(['--duration', '1', '--name', 'from the cli', '--tag', 'cli', '--data-dir', dir, '--json'], r.io), 0, r.err.join('\n'));
  const final = JSON.parse(r.out[r.out.length - 1]) as { state: string; sessionId: number; committedSamples: number };
  assert.equal(final.state, 'idle');
  assert.ok(final.committedSamples > 0);

  const l = io();
  assert.equal(await sessions.run(['list', '--json', '--data-dir', dir], l.io), 0);
  const [s] = JSON.parse(l.out.join('\n')) as { id: number; name: string; tags: string[] }[];
  assert.deepEqual([s.id, s.name, s.tags], [final.sessionId, 'from the cli', ['cli']]);

  const e = io();
  assert.equal(await sessions.run(['export', String(s.id), join(dir, 'out.csv'), '--data-dir', dir], e.io), 0);
  assert.match(e.out[0], /wrote .*out-.*\.csv/);
  await assert.rejects(sessions.run(['delete', String(s.id), '--data-dir', dir], io().io), CliUsageError);
  assert.equal(await sessions.run(['delete', String(s.id), '--yes', '--data-dir', dir], io().io), 0);
  const l2 = io();
  await sessions.run(['list', '--data-dir', dir], l2.io);
  assert.deepEqual(l2.out, ['no sessions']);
});

test('sessions import on a real file, and clear errors for bad input', { skip: !existsSync(resolve('..', 'shared', 'data')) && 'needs ../shared/data' }, async (t) => {
  const dir = tempDir(t);
  const i = io();
  assert.equal(await sessions.run(['import', resolve('..', 'shared', 'data', 'edf-mne', 'test_bdf_stim_channel.bdf'), '--subject', 'S3', '--data-dir', dir], i.io), 0);
  assert.match(i.out[0], /imported as session 1/);
  await assert.rejects(sessions.run(['show', 'x', '--data-dir', dir], io().io), CliUsageError);
  await assert.rejects(sessions.run(['frobnicate', '--data-dir', dir], io().io), /unknown verb/);
  await assert.rejects(sessions.run(['tag', '99', 'x', '--data-dir', dir], io().io), /no session 99/);
});

test('sessions export: gaps zero-filled (EDF+C) by default, left out with --discontinuous (EDF+D)', { skip: !existsSync(resolve('..', 'shared', 'data')) && 'needs ../shared/data' }, async (t) => {
  const dir = tempDir(t);
  assert.equal(await sessions.run(['import', resolve('..', 'shared', 'data', 'xdf', 'clock_resets.xdf'), '--data-dir', dir], io().io), 0);
  const kind = (f: string) => readFileSync(join(dir, f)).subarray(192, 197).toString('latin1');
  for (const [file, flags, expected] of [['c.edf', [], 'EDF+C'], ['d.edf', ['--discontinuous'], 'EDF+D'], ['d.bdf', ['--discontinuous'], 'BDF+D']] as const) {
    const e = io();
    assert.equal(await sessions.run(['export', '1', join(dir, file), ...flags, '--data-dir', dir], e.io), 0);
    assert.match(e.out[0], /wrote .*: 222,520 values, 175 annotations/);
    assert.equal(kind(file), expected);
  }
});

test('record --duration -5 gives our own usage error, before any device starts', async () => {
  await assert.rejects(record.run(['--duration', '-5'], io().io), (e: unknown) => e instanceof CliUsageError && e.message === '--duration must be a positive number of seconds');
});
