// `heartmind serve` as a user runs it: the built CLI in a child process, a real port, a signal.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame, FrameKind } from '../../../src/shared/ipc/frame-codec';
import type { ResponseFrameBody } from '../../../src/shared/ipc/transport-protocol';
import type { PipelineSnapshot } from '../../../src/shared/ipc/pipeline.schema';

const CLI = resolve('out', 'main', 'cli.js');
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
    const typo = spawnSync(process.execPath, [CLI, 'serve', '--prot', '0'], { encoding: 'utf8' });
    assert.match(typo.stderr, /unknown option --prot \(did you mean --port\?\)/);
  });

  test('serve prints its URL, serves the dashboard and the core, and stops cleanly on SIGINT', async () => {
    const serve = await startServe();
    try {
      const page = await fetch(serve.url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>HeartMind<\/title>/);
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);

      const snap = await serve.request<PipelineSnapshot>('hm:pipeline:snapshot', null);
      assert.equal(snap.runtime, 'serve');
      assert.equal(snap.devices.length, 2);

      serve.child.kill('SIGINT');
      assert.equal(await serve.exited, 0, `exit code (stderr: ${serve.err()})`);
      assert.match(serve.out(), /SIGINT, stopping…[\s\S]*stopped/);
    } finally {
      serve.close();
    }
  });

  test('a closed terminal (SIGHUP) stops serve as Ctrl+C does: the recording in progress is closed, not cut', async () => {
    const serve = await startServe();
    try {
      await serve.request('hm:sessions:record-start', { name: 'hangup' });
      await new Promise((r) => setTimeout(r, 1500));
      serve.child.kill('SIGHUP');
      assert.equal(await serve.exited, 0, `exit code (stderr: ${serve.err()})`);
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

/** `heartmind serve --port 0` in a child process on a fresh data folder, once it prints its URL. */
async function startServe() {
  const dataDir = mkdtempSync(join(tmpdir(), 'hm-cli-'));
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const close = () => {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  let url: string;
  try {
    url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out} ${err}`)), 15_000);
      child.stdout.on('data', () => {
        const m = /serving the live dashboard at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolveUrl(m[1]);
        }
      });
    });
  } catch (e) {
    close();
    throw e;
  }
  /** One request over the dashboard's WebSocket, as the page sends it. */
  const request = async <T>(channel: string, req: unknown): Promise<T> => {
    const ws = new WebSocket(url.replace('http', 'ws') + 'ws', { origin: url.replace(/\/$/, '') });
    ws.binaryType = 'arraybuffer';
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    const answer = new Promise<ResponseFrameBody>((r) =>
      ws.on('message', (d: ArrayBuffer) => {
        const f = decodeFrame(d);
        if (f.kind === FrameKind.Response) r(f.value as ResponseFrameBody);
      }),
    );
    ws.send(encodeFrame(FrameKind.Request, { id: 1, channel, req }));
    const body = await answer;
    ws.close();
    assert.equal(body.answer.ok, true, `${channel}: ${JSON.stringify(body.answer)}`);
    return (body.answer as { ok: true; value: T }).value;
  };
  return { child, dataDir, url, exited, request, close, out: () => out, err: () => err };
}
