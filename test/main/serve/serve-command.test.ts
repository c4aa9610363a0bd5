// `heartmind serve` as a user runs it: the built CLI in a child process, a real port, a signal.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineSnapshot } from '../../../src/shared/ipc/pipeline.schema';
import { BUILT_CLI as CLI, startServeChild as startServe } from './serve-child';

const skip = !existsSync(CLI) && 'needs the built CLI: run `npx electron-vite build` (npm test does)';

describe('heartmind CLI', { skip }, () => {
  test('lists its commands, refuses unknown ones and bad flags with the usage', () => {
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /usage: heartmind <command>/);
    assert.match(help.stdout, /serve +run the core in Node/);
    // Both ways of choosing the data folder, as for the port (the variable was missing from it).
    const serveHelp = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8' });
    assert.equal(serveHelp.status, 0);
    assert.match(serveHelp.stdout, /--port N .*\$HEARTMIND_PORT/);
    assert.match(serveHelp.stdout, /--data-dir DIR +the data folder: recordings, models, training runs, settings\n +\(default \$HEARTMIND_DATA_DIR, else/);
    const unknown = spawnSync(process.execPath, [CLI, 'fly'], { encoding: 'utf8' });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command 'fly'/);
    const badPort = spawnSync(process.execPath, [CLI, 'serve', '--port', 'x'], { encoding: 'utf8' });
    assert.equal(badPort.status, 2);
    assert.match(badPort.stderr, /--port must be an integer 0–65535, got 'x'[\s\S]*usage: heartmind serve/);
    // A bad $HEARTMIND_PORT is named as such (not as --port); hex and empty values are no ports.
    const badEnv = spawnSync(process.execPath, [CLI, 'serve'], { encoding: 'utf8', env: { ...process.env, HEARTMIND_PORT: '0x10' } });
    assert.equal(badEnv.status, 2);
    assert.match(badEnv.stderr, /HEARTMIND_PORT must be an integer 0–65535, got '0x10'/);
    const emptyPort = spawnSync(process.execPath, [CLI, 'serve', '--port='], { encoding: 'utf8' });
    assert.equal(emptyPort.status, 2);
    assert.match(emptyPort.stderr, /--port must be an integer 0–65535, got ''/);
    const badFlag = spawnSync(process.execPath, [CLI, 'serve', '--colour'], { encoding: 'utf8' });
    assert.equal(badFlag.status, 2);
    assert.match(badFlag.stderr, /unknown option --colour\n[\s\S]*usage: heartmind serve \[--port N\][\s\S]*\(heartmind serve --help lists every option\)/);
    const badOrigin = spawnSync(process.execPath, [CLI, 'serve', '--marker-origin', 'run.pavlovia.org'], { encoding: 'utf8' });
    assert.equal(badOrigin.status, 2, 'a bad --marker-origin is a usage error');
    assert.match(badOrigin.stderr, /--marker-origin: "run\.pavlovia\.org" is not a web origin/);
    const typo = spawnSync(process.execPath, [CLI, 'serve', '--prot', '0'], { encoding: 'utf8' });
    assert.match(typo.stderr, /unknown option --prot \(did you mean --port\?\)/);
  });

  test('serve prints its URL, serves the dashboard and the core, opens the marker WebSocket to --marker-origin, and stops cleanly on SIGINT', async () => {
    const serve = await startServe({ env: { HEARTMIND_MARKER_PORT: '0' }, args: ['--marker-origin', 'https://run.pavlovia.org'] });
    try {
      const page = await fetch(serve.url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>HeartMind<\/title>/);
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);

      const snap = await serve.request<PipelineSnapshot>('hm:pipeline:snapshot', null);
      assert.equal(snap.runtime, 'serve');
      assert.equal(snap.devices.length, 2);
      assert.match(serve.out(), /\[markers\] WebSocket open to programs and pages on this computer and to https:\/\/run\.pavlovia\.org/, 'the listed origin is allowed');

      serve.child.kill('SIGINT');
      assert.equal((await serve.exited).code, 0, `exit code (stderr: ${serve.err()})`);
      assert.match(serve.out(), /SIGINT, stopping…[\s\S]*stopped/);
    } finally {
      serve.close();
    }
  });

  test('a busy port or a --host that is not this machine is said at once, before anything starts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hm-serve-busy-'));
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as AddressInfo).port;
    // Asynchronously: the port is held by this process, whose event loop must keep answering.
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((done) => {
        const child = spawn(process.execPath, [CLI, 'serve', '--data-dir', dataDir, ...args], { env: { ...process.env, HEARTMIND_MARKER_PORT: '0' } });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('exit', (code) => {
          clearTimeout(timer);
          done({ code, out, err });
        });
      });
    try {
      const busy = await run('--port', String(port));
      assert.equal(busy.code, 1, `exit code (stderr: ${busy.err})`);
      assert.equal(busy.err, `heartmind serve: port ${port} on 127.0.0.1 is in use (another HeartMind?); choose another with --port\n`, 'one line saying why');
      assert.equal(busy.out, '', 'no start-up lines: no device, model or database was started');
      assert.deepEqual(readdirSync(dataDir), [], 'the data folder is untouched (no database opened)');
      // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
      const host = await run('--port', '0', '--host', '192.0.2.1');
      assert.equal(host.code, 1, `exit code (stderr: ${host.err})`);
      assert.match(host.err, /^heartmind serve: --host 192\.0\.2\.1 is not an address of this machine: give 127\.0\.0\.1/, 'the --host named, not EADDRNOTAVAIL');
      assert.equal(host.out, '', 'nothing started');
    } finally {
      taken.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a closed terminal (SIGHUP) stops serve as Ctrl+C does: the recording in progress is closed, not cut', async () => {
    const serve = await startServe();
    try {
      await serve.request('hm:sessions:record-start', { name: 'hangup' });
      await new Promise((r) => setTimeout(r, 1500));
      serve.child.kill('SIGHUP');
      assert.equal((await serve.exited).code, 0, `exit code (stderr: ${serve.err()})`);
      // Nothing more is written to a terminal that has gone.
      assert.doesNotMatch(serve.out(), /stopping/);
      const list = spawnSync(process.execPath, [CLI, 'sessions', 'list', '--json', '--data-dir', serve.dataDir], { encoding: 'utf8' });
      assert.equal(list.status, 0, list.stderr);
      const sessions = JSON.parse(list.stdout) as Array<{ name: string; state: string }>;
      assert.deepEqual(sessions.map((x) => [x.name, x.state]), [['hangup', 'complete']]);
    } finally {
      serve.close();
    }
  });
});
