// Ctrl+C while `heartmind serve` starts (the port check, the core, the database: seconds): it ended
// the process with no word. Now the start finishes, is stopped, and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { command as serve } from '../../../src/main/serve/serve-command';
import { tempDir } from '../db/db-test-util';

test('a signal while serve starts: it stops once started, says it never served, exit code 130', async (t) => {
  process.env.HEARTMIND_MARKER_PORT = 'off';
  t.after(() => delete process.env.HEARTMIND_MARKER_PORT);
  const dir = tempDir(t, 'hm-serve-start-');
  const renderer = join(dir, 'renderer');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>test</title>');
  const out: string[] = [];
  const err: string[] = [];
  const running = serve.run(['--port', '0', '--no-demo', '--data-dir', join(dir, 'profile'), '--renderer', renderer], { out: (l) => out.push(l), err: (l) => err.push(l) });
  // On a later turn of the event loop, as a real signal comes: serve is still starting.
  setImmediate(() => process.emit('SIGINT'));
  const code = await Promise.race([running, new Promise<'serving'>((r) => setTimeout(() => r('serving'), 20_000).unref())]);
  if (code === 'serving') process.emit('SIGINT'); // the old behaviour: it went on to serve; stop it
  assert.equal(code, 130, 'a shell reports 130 for a process stopped by Ctrl+C');
  assert.equal(err.at(-1), 'heartmind serve: stopped before it served the dashboard (SIGINT)');
  assert.ok(!out.some((l) => l.includes('serving the live dashboard')), `no URL printed: ${out.join('\n')}`);
  assert.equal(process.listenerCount('SIGINT'), 0, 'its signal listeners are taken off');
});
