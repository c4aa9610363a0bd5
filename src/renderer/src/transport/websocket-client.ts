// Serve-mode transport: one WebSocket to the page's own origin. Requests and pushes are binary
// frames (shared/ipc/frame-codec.ts), the same objects Electron carries. Reconnects on its own
// with backoff; pending requests fail with kind 'disconnected' when the socket drops.
import type { Channel, PushMessage, ResponseOf } from '../../../shared/ipc-schema';
import type { SyncWindow } from '../../../shared/window.types';
import { decodeFrame, encodeFrame, FrameKind, type DecodedFrame } from '../../../shared/ipc/frame-codec';
import { ResponseAssembler } from '../../../shared/ipc/response-parts';
import { WS_PATH, type RequestArgs, type ResponseFrameBody } from '../../../shared/ipc/transport-protocol';
import { RemoteError, unwrapEnvelope } from '../../../shared/ipc/wire-error';
import { WindowDeltaDecoder, type WindowDeltaBody } from '../../../shared/ipc/window-delta';
import { assembleClient, ConnectionTracker, PushRouter, type HeartMindClient } from './client';

/** How long a request may go without any sign of its answer (a part of a large one counts). */
const REQUEST_TIMEOUT_MS = 30_000;
const BACKOFF_MS = [250, 500, 1000, 2000, 4000];

interface Pending {
  channel: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
  /** (Re)starts the timeout: at the request, and again at each part of its answer. */
  arm(): void;
}

export function createWebSocketClient(url = defaultUrl(), opts: { requestTimeoutMs?: number } = {}): HeartMindClient {
  const requestTimeoutMs = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const router = new PushRouter();
  const conn = new ConnectionTracker();
  const pending = new Map<number, Pending>();
  let ws: WebSocket | null = null;
  let nextId = 1;
  let attempt = 0;
  let closed = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  const waiting: (() => void)[] = [];
  const parts = new ResponseAssembler();
  /** Windows arrive as deltas on the previous one (shared/ipc/window-delta.ts); one per socket. */
  let windows = new WindowDeltaDecoder();

  const failPending = (kind: string, why: string) => {
    parts.clear();
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(new RemoteError(p.channel, kind, why));
      pending.delete(id);
    }
  };

  const connect = () => {
    conn.set('connecting');
    const sock = new WebSocket(url);
    sock.binaryType = 'arraybuffer';
    ws = sock;
    windows = new WindowDeltaDecoder();
    sock.onopen = () => {
      attempt = 0;
      conn.set('open');
      for (const w of waiting.splice(0)) w();
    };
    sock.onmessage = (e: MessageEvent) => {
      if (!(e.data instanceof ArrayBuffer)) {
        router.error(new Error('transport: the core sent a text message; expected binary frames'));
        return;
      }
      let frame: DecodedFrame | null;
      try {
        frame = decodeFrame(e.data);
        // A large answer arrives in parts (shared/ipc/response-parts.ts), pushes in between.
        if (frame.kind === FrameKind.ResponsePart) {
          // The answer is arriving: its clock starts again with each part. A 40 MB model over a
          // busy machine can take longer than the timeout in all, while no single part is late.
          const p = pending.get((frame.value as { id?: number })?.id ?? -1);
          p?.arm();
          frame = parts.add(frame.value);
        }
      } catch (err) {
        router.error(err as Error);
        return;
      }
      if (!frame) return;
      if (frame.kind === FrameKind.Push) {
        const push = frame.value as PushMessage;
        if (push?.type === 'pipeline:window') windows.full(push.window);
        router.dispatch(push);
      } else if (frame.kind === FrameKind.WindowDelta) {
        let window: SyncWindow;
        try {
          window = windows.apply(frame.value as WindowDeltaBody);
        } catch (err) {
          router.error(err as Error);
          return;
        }
        router.dispatch({ type: 'pipeline:window', window } satisfies PushMessage);
      }
      else if (frame.kind === FrameKind.Response) {
        const body = frame.value as ResponseFrameBody;
        const p = pending.get(body?.id);
        if (!p) return;
        pending.delete(body.id);
        clearTimeout(p.timer);
        try {
          p.resolve(unwrapEnvelope(p.channel, body.answer));
        } catch (err) {
          p.reject(err as Error);
        }
      }
    };
    sock.onclose = (e: CloseEvent) => {
      if (ws !== sock) return;
      ws = null;
      failPending('disconnected', `the core closed the connection (${e.code}${e.reason ? `: ${e.reason}` : ''})`);
      if (closed) return conn.set('closed');
      conn.set('connecting');
      const delay = BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)];
      reconnectTimer = setTimeout(connect, delay);
    };
    sock.onerror = () => {
      // onclose follows with the details; nothing to add here.
    };
  };

  const whenOpen = () =>
    ws?.readyState === WebSocket.OPEN ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve));

  connect();

  return assembleClient(router, conn, {
    transport: 'websocket',
    async invoke<C extends Channel>(channel: C, ...args: RequestArgs<C>): Promise<ResponseOf<C>> {
      await whenOpen();
      const id = nextId++;
      const frame = encodeFrame(FrameKind.Request, { id, channel, req: args[0] ?? null });
      return new Promise<ResponseOf<C>>((resolve, reject) => {
        const p: Pending = {
          channel,
          resolve: resolve as (v: unknown) => void,
          reject,
          timer: undefined as unknown as ReturnType<typeof setTimeout>,
          arm() {
            clearTimeout(p.timer);
            p.timer = setTimeout(() => {
              pending.delete(id);
              reject(new RemoteError(channel, 'timeout', `no answer within ${requestTimeoutMs / 1000} s`));
            }, requestTimeoutMs);
          },
        };
        p.arm();
        pending.set(id, p);
        ws!.send(frame);
      });
    },
    close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      ws?.close(1000, 'page closed');
      failPending('disconnected', 'the page closed the connection');
      conn.set('closed');
    },
  });
}

function defaultUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}${WS_PATH}`;
}
