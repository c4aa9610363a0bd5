// `heartmind serve` in a child process, as a researcher starts it, for the tests that need the real
// thing (a port, signals, kill -9): started on a fresh data folder with --port 0, up once it prints
// its URL; requests go over the dashboard's WebSocket as the page sends them.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame, FrameKind } from '../../../src/shared/ipc/frame-codec';
import { WS_PATH, type ResponseFrameBody } from '../../../src/shared/ipc/transport-protocol';
import type { PushMessage } from '../../../src/shared/ipc-schema';

/** The built CLI (what `npm run serve` runs); needs `npx electron-vite build`. */
export const BUILT_CLI = resolve('out', 'main', 'cli.js');
/** The CLI from source under tsx (no build needed). */
export const SOURCE_CLI = resolve('src', 'main', 'cli.ts');

export interface ServeChildOptions {
  /** 'built' (default): out/main/cli.js; 'source': src/main/cli.ts under tsx. */
  cli?: 'built' | 'source';
  /** A placeholder dashboard instead of the built one (for a source CLI, where nothing is built). */
  placeholderRenderer?: boolean;
  /** Added to the child's environment (e.g. HEARTMIND_MARKER_PORT: '0'). */
  env?: Record<string, string>;
  /** How long to wait for the URL (ms; default SERVE_START_GUARD_MS). */
  startTimeoutMs?: number;
  /** More `heartmind serve` flags. */
  args?: readonly string[];
}

/** A dashboard client: requests answered, pushes delivered, on one WebSocket. */
export interface ServeClient {
  ws: WebSocket;
  /** One request; rejects with the core's error message. */
  ask<T>(channel: string, req: unknown): Promise<T>;
  close(): void;
}

export interface ServeChild {
  child: ChildProcessByStdio<null, Readable, Readable>;
  dataDir: string;
  /** The dashboard's URL, without the trailing slash (http://127.0.0.1:PORT). */
  url: string;
  /** The marker endpoint's port, from the log line it prints before the URL (null if none). */
  markerPort: number | null;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  out(): string;
  err(): string;
  /** A client connected with the page's own Origin (serve refuses others). */
  connect(onPush?: (push: PushMessage) => void): Promise<ServeClient>;
  /** One request on its own connection; throws unless the core answered ok. */
  request<T>(channel: string, req: unknown): Promise<T>;
  /** Kills the child (SIGKILL) and removes the data folder. */
  close(): void;
}

/**
 * The wait for serve's URL is a guard against a child that hangs, not a measure of its speed (one
 * that exits is reported at once): from source, tsx compiles the CLI and its database worker as it
 * starts, which took 28 s on the shared 2-core machine under load (15 s, the old guard, failed).
 */
export const SERVE_START_GUARD_MS = 60_000;

export async function startServeChild(opts: ServeChildOptions = {}): Promise<ServeChild> {
  const dir = mkdtempSync(join(tmpdir(), 'hm-serve-'));
  const dataDir = join(dir, 'profile');
  const args = ['serve', '--port', '0', '--data-dir', dataDir];
  if (opts.placeholderRenderer) {
    const rendererDir = join(dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>test</title>');
    args.push('--renderer', rendererDir);
  }
  args.push(...(opts.args ?? []));
  const argv = opts.cli === 'source' ? ['--import', 'tsx', SOURCE_CLI, ...args] : [BUILT_CLI, ...args];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const close = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  let url: string;
  try {
    url = await new Promise<string>((resolveUrl, reject) => {
      const guardMs = opts.startTimeoutMs ?? SERVE_START_GUARD_MS;
      const timer = setTimeout(() => reject(new Error(`serve printed no URL in ${guardMs} ms: ${out} ${err}`)), guardMs);
      child.stdout.on('data', () => {
        const m = /serving the live dashboard at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
        if (m) {
          clearTimeout(timer);
          resolveUrl(m[1]);
        }
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`serve exited early (${code ?? signal}): ${out} ${err}`));
      });
    });
  } catch (e) {
    close();
    throw e;
  }
  const marker = /\[markers\] udp:\/\/127\.0\.0\.1:(\d+)/.exec(out);

  const connect = async (onPush?: (push: PushMessage) => void): Promise<ServeClient> => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}${WS_PATH}`, { origin: url });
    ws.binaryType = 'arraybuffer';
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    let nextId = 1;
    const pending = new Map<number, (b: ResponseFrameBody) => void>();
    ws.on('message', (data: ArrayBuffer) => {
      const f = decodeFrame(data);
      if (f.kind === FrameKind.Response) {
        const body = f.value as ResponseFrameBody;
        pending.get(body.id)?.(body);
        pending.delete(body.id);
      } else if (f.kind === FrameKind.Push) onPush?.(f.value as PushMessage);
    });
    const ask = <T>(channel: string, req: unknown): Promise<T> =>
      new Promise((res, rej) => {
        const id = nextId++;
        pending.set(id, (b) => (b.answer.ok ? res(b.answer.value as T) : rej(new Error(b.answer.error.message))));
        ws.send(encodeFrame(FrameKind.Request, { id, channel, req }));
      });
    return { ws, ask, close: () => ws.terminate() };
  };

  const request = async <T>(channel: string, req: unknown): Promise<T> => {
    const client = await connect();
    try {
      return await client.ask<T>(channel, req);
    } finally {
      client.close();
    }
  };

  return { child, dataDir, url, markerPort: marker ? Number(marker[1]) : null, exited, out: () => out, err: () => err, connect, request, close };
}
