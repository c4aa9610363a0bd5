// Serve mode's server: the built renderer over HTTP and the core over one WebSocket, both on a
// local origin. Every WebSocket message is a binary frame (src/shared/ipc/frame-codec.ts):
// requests in, responses and pushes out — the same objects Electron carries over IPC.
//
// Security: by default it binds 127.0.0.1. Because any web page the user visits can try to open
// ws://127.0.0.1:<port>, the upgrade is accepted only from our own origin (Origin header), and
// only for a Host that names the loopback interface (which defeats DNS rebinding).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { PushMessage } from '../../shared/ipc-schema';
import type { LogLevel } from '../../shared/log.types';
import { decodeFrame, encodeFrame, FrameCodecError, FrameKind } from '../../shared/ipc/frame-codec';
import { encodeResponsePart, RESPONSE_PART_BYTES, responsePartCount } from '../../shared/ipc/response-parts';
import { WS_PATH, type RequestFrameBody, type ResponseFrameBody } from '../../shared/ipc/transport-protocol';
import { toWireError } from '../../shared/ipc/wire-error';
import { encodeWindowDelta } from '../../shared/ipc/window-delta';
import { pushVerdict } from '../../shared/ipc/push-backpressure';
import type { SyncWindow } from '../../shared/window.types';
import type { HandlerRegistry } from '../core/handler-registry';
import { DROPPABLE_PUSHES } from '../core/push-bus';
import { ServeError } from './serve-error';
import { serveStatic, securityHeaders } from './static-files';

export const SERVE_DEFAULT_HOST = '127.0.0.1';
export const SERVE_DEFAULT_PORT = 5180;
/** Largest request a page may send (requests are small; samples only flow outwards). */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

export interface ServeServerOptions {
  host?: string;
  port?: number;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  handlers: HandlerRegistry;
  subscribePushes(subscriber: (msg: PushMessage) => void): () => void;
  log(level: LogLevel, source: string, message: string): void;
}

export interface ServeServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  clientCount(): number;
  /** Pushes skipped for slow clients since start. */
  droppedPushes(): number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** A failed listen in words: the port taken, one that needs privileges, a --host that is not this machine's. */
export function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (err.code) {
    case 'EADDRINUSE':
      return new ServeError('port-in-use', `port ${port} on ${host} is in use (another HeartMind?); choose another with --port`);
    case 'EACCES':
      return new ServeError('bad-option', `port ${port} on ${host} needs administrator rights (ports below 1024 on most systems); choose another with --port`);
    case 'EADDRNOTAVAIL':
      return new ServeError('bad-option', `--host ${host} is not an address of this machine: give 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or one of its own addresses`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ServeError('bad-option', `--host ${host}: no such host name: give an address (127.0.0.1, 0.0.0.0) or this machine's name`);
    default:
      return err;
  }
}

/**
 * Throws listenError's words if `host:port` cannot be listened on. Asked before the core starts:
 * a busy port or a wrong --host was found only after the whole core had started (the demo
 * devices, remembered devices connecting, the database, the marker endpoint taking port 7420),
 * its start-up lines printed above the error, and then stopped again.
 */
export async function checkListen(host: string, port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolveProbe, rejectProbe) => {
    probe.once('error', (err: NodeJS.ErrnoException) => rejectProbe(listenError(err, host, port)));
    probe.listen(port, host, () => probe.close(() => resolveProbe()));
  });
}

export async function startServeServer(opts: ServeServerOptions): Promise<ServeServer> {
  const host = opts.host ?? SERVE_DEFAULT_HOST;
  const log = (level: LogLevel, message: string) => opts.log(level, 'serve', message);
  const sockets = new Set<Socket>();
  /** lastWindow: seq of the last window this page was sent (a delta needs the page to hold its base). */
  const clients = new Map<WebSocket, { id: string; alive: boolean; dropped: number; lastWindow: number }>();
  let previousWindow: SyncWindow | null = null;
  let dropped = 0;
  let nextClient = 1;
  let port = 0;

  const allowedHost = (hostHeader: string | undefined): boolean => {
    if (!LOOPBACK.has(host)) return true; // bound to a LAN address on purpose: names are unknowable
    return hostHeader === `127.0.0.1:${port}` || hostHeader === `localhost:${port}` || hostHeader === `[::1]:${port}`;
  };

  const server: Server = createServer((req, res) => {
    if (!allowedHost(req.headers.host)) {
      res.writeHead(421, { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('misdirected request: this server answers only to its loopback address\n');
      return;
    }
    serveStatic(opts.rendererDir, req, res).catch((err) => {
      log('error', `static file ${req.url}: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES, perMessageDeflate: false });

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const reject = (status: number, why: string) => {
      log('warn', `refused a WebSocket from origin ${req.headers.origin ?? '(none)'}: ${why}`);
      socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\n\r\n`);
    };
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_PATH) return reject(404, 'Not Found');
    if (!allowedHost(req.headers.host)) return reject(421, 'Misdirected Request');
    if (req.headers.origin !== `http://${req.headers.host}`) return reject(403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const client = { id: `ws:${nextClient++}`, alive: true, dropped: 0, lastWindow: NaN };
    clients.set(ws, client);
    log('info', `page connected (${client.id}, ${clients.size} open)`);
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => {
      clients.delete(ws);
      log('info', `page disconnected (${client.id}${client.dropped ? `, ${client.dropped} trace pushes skipped while it lagged` : ''})`);
    });
    ws.on('error', (err) => log('warn', `${client.id}: ${err.message}`));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) {
        log('warn', `${client.id} sent a text message; only binary frames are spoken here`);
        return ws.close(1003, 'binary frames only');
      }
      let body: RequestFrameBody;
      try {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
        const frame = decodeFrame(bytes);
        if (frame.kind !== FrameKind.Request) throw new FrameCodecError('bad-kind', `expected a request frame, got kind ${frame.kind}`);
        body = frame.value as RequestFrameBody;
        if (!body || typeof body !== 'object' || !Number.isSafeInteger(body.id)) throw new FrameCodecError('bad-reference', 'request without a numeric id');
      } catch (err) {
        const msg = (err as Error).message;
        log('warn', `${client.id} sent a bad frame, closing: ${msg}`);
        return ws.close(1007, msg.slice(0, 120));
      }
      void opts.handlers.dispatch(body.channel, body.req, { transport: 'serve', clientId: client.id }).then((answer) => {
        if (ws.readyState !== ws.OPEN) return;
        let frame: ArrayBuffer;
        try {
          frame = encodeFrame(FrameKind.Response, { id: body.id, answer } satisfies ResponseFrameBody);
        } catch (err) {
          frame = encodeFrame(FrameKind.Response, { id: body.id, answer: { ok: false, error: toWireError(err) } } satisfies ResponseFrameBody);
        }
        sendResponse(ws, body.id, frame);
      });
    });
  });

  /** A large answer goes in parts, each once the last has been written out (response-parts.ts). */
  const sendResponse = (ws: WebSocket, id: number, frame: ArrayBuffer) => {
    if (frame.byteLength <= RESPONSE_PART_BYTES) return ws.send(frame, { binary: true });
    const count = responsePartCount(frame);
    const sendPart = (index: number) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(encodeResponsePart(id, frame, index), { binary: true }, (err) => {
        if (!err && index + 1 < count) sendPart(index + 1);
      });
    };
    sendPart(0);
  };

  const badPushTypes = new Set<string>();
  const unsubscribe = opts.subscribePushes((msg) => {
    if (clients.size === 0) return;
    // The whole message, encoded once and only if some page needs it: a window goes as a delta on
    // the one before (window-delta.ts) to each page that was sent that one, usually every page.
    let frame: ArrayBuffer | null = null;
    const whole = () => (frame ??= encodeFrame(FrameKind.Push, msg));
    let delta: ArrayBuffer | null = null;
    let windowSeq = NaN;
    try {
      if (msg.type === 'pipeline:window') {
        const body = previousWindow ? encodeWindowDelta(previousWindow, msg.window) : null;
        delta = body ? encodeFrame(FrameKind.WindowDelta, body) : null;
        previousWindow = msg.window;
        windowSeq = msg.window.seq;
      }
      if (!delta) whole();
    } catch (err) {
      if (!badPushTypes.has(msg.type)) {
        badPushTypes.add(msg.type);
        log('error', `cannot send a ${msg.type} push: ${(err as Error).message}`);
      }
      return;
    }
    const droppable = DROPPABLE_PUSHES.has(msg.type);
    for (const [ws, client] of clients) {
      if (ws.readyState !== ws.OPEN) continue;
      // The Electron port applies the same verdict to its unacknowledged bytes (push-backpressure.ts).
      const verdict = pushVerdict(ws.bufferedAmount, droppable);
      if (verdict === 'overflow') {
        // (it reconnects, and a new 'open' makes the page resync)
        log('warn', `${client.id} is ${(ws.bufferedAmount / 2 ** 20).toFixed(0)} MiB behind; disconnecting it`);
        ws.close(1013, 'client too slow');
        continue;
      }
      if (verdict === 'skip') {
        client.dropped++;
        dropped++;
        continue;
      }
      if (Number.isNaN(windowSeq)) ws.send(whole(), { binary: true });
      else {
        // (a window that encodes as a delta encodes whole too: the same fields, all samples)
        ws.send(delta && client.lastWindow === windowSeq - 1 ? delta : whole(), { binary: true });
        client.lastWindow = windowSeq;
      }
    }
  });

  const heartbeat = setInterval(() => {
    for (const [ws, client] of clients) {
      if (!client.alive) {
        log('warn', `${client.id} stopped answering pings; dropping it`);
        ws.terminate();
        continue;
      }
      client.alive = false;
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  await new Promise<void>((resolveListen, rejectListen) => {
    const onError = (err: NodeJS.ErrnoException) => rejectListen(listenError(err, host, opts.port ?? SERVE_DEFAULT_PORT));
    server.once('error', onError);
    server.listen(opts.port ?? SERVE_DEFAULT_PORT, host, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${urlHost}:${port}/`;
  if (!LOOPBACK.has(host)) log('warn', `serving on ${host}: anyone who can reach this address sees the live data`);

  let closing: Promise<void> | null = null;
  return {
    url,
    host,
    port,
    clientCount: () => clients.size,
    droppedPushes: () => dropped,
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        unsubscribe();
        for (const ws of clients.keys()) ws.close(1001, 'server shutting down');
        await new Promise<void>((r) => wss.close(() => r()));
        await new Promise<void>((r) => {
          server.close(() => r());
          // Give pages a moment to see the close frame, then cut what is left (keep-alive sockets).
          setTimeout(() => {
            for (const ws of clients.keys()) ws.terminate();
            for (const s of sockets) s.destroy();
          }, 200).unref();
        });
      })();
      return closing;
    },
  };
}
