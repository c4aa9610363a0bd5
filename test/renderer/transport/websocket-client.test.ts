// The serve-mode client's request timeout against a real WebSocket server (the `ws` package, which
// also stands in for the browser's WebSocket under Node 20): a large answer arriving in parts keeps
// its request alive as long as the parts keep coming (the 40 MB model took longer than the timeout in
// all on a busy machine, and the page gave up on it), while an answer that stops midway still times out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import { decodeFrame, encodeFrame, FrameKind } from '../../../src/shared/ipc/frame-codec';
import { encodeResponsePart, responsePartCount } from '../../../src/shared/ipc/response-parts';
import type { RequestFrameBody } from '../../../src/shared/ipc/transport-protocol';
import { createWebSocketClient } from '../../../src/renderer/src/transport/websocket-client';
import type { RemoteError } from '../../../src/shared/ipc/wire-error';

// A gap between parts well under the timeout: the server's timers and the client's run in this one
// process, so a stall of the loaded machine delays both (120 ms against 300 left ~180 ms of slack).
const TIMEOUT_MS = 1000;
const PART_BYTES = 1000;
const PART_GAP_MS = 150;
/** Parts of the answer: all of them take longer than the timeout. */
const PARTS = 12;

describe('serve-mode client: request timeout', () => {
  let server: WebSocketServer;
  let url = '';
  let hadWebSocket: unknown;

  before(async () => {
    hadWebSocket = (globalThis as { WebSocket?: unknown }).WebSocket;
    (globalThis as { WebSocket?: unknown }).WebSocket = NodeWebSocket;
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/`;
    server.on('connection', (ws) => {
      ws.on('message', (data: Buffer) => {
        const frame = decodeFrame(new Uint8Array(data));
        const req = frame.value as RequestFrameBody;
        const blob = new Uint8Array(PARTS * PART_BYTES).map((_, i) => i % 251);
        const whole = encodeFrame(FrameKind.Response, { id: req.id, answer: { ok: true, value: { blob } } });
        const count = responsePartCount(whole, PART_BYTES);
        // 'slow': every part, each PART_GAP_MS after the last (longer than the timeout in all);
        // 'stalls': the first two parts, then nothing.
        const send = req.channel === 'hm:models:list' ? count : 2;
        for (let i = 0; i < send; i++) setTimeout(() => ws.send(encodeResponsePart(req.id, whole, i, PART_BYTES)), (i + 1) * PART_GAP_MS);
      });
    });
  });

  after(async () => {
    for (const c of server.clients) c.terminate();
    await new Promise((r) => server.close(r));
    (globalThis as { WebSocket?: unknown }).WebSocket = hadWebSocket;
  });

  test('an answer whose parts keep coming is waited for, however long it takes in all', async () => {
    const client = createWebSocketClient(url, { requestTimeoutMs: TIMEOUT_MS });
    try {
      const t0 = Date.now();
      const r = (await client.invoke('hm:models:list')) as unknown as { blob: Uint8Array };
      assert.ok(Date.now() - t0 > TIMEOUT_MS, 'the answer took longer than the timeout');
      assert.equal(r.blob.length, PARTS * PART_BYTES);
      assert.equal(r.blob[500], 500 % 251);
    } finally {
      client.close();
    }
  });

  test('an answer that stops midway still times out', async () => {
    const client = createWebSocketClient(url, { requestTimeoutMs: TIMEOUT_MS });
    try {
      await assert.rejects(client.invoke('hm:models:card', { id: 'x' }), (e: RemoteError) => e.kind === 'timeout' && /no answer within 1 s/.test(e.message));
    } finally {
      client.close();
    }
  });
});
