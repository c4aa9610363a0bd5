import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { WebSocket } from 'ws';
import { HandlerRegistry, check } from '../../../src/main/core/handler-registry';
import { PushBus } from '../../../src/main/core/push-bus';
import { startServeServer, type ServeServer } from '../../../src/main/serve/serve-server';
import { resolveStaticPath } from '../../../src/main/serve/static-files';
import { decodeFrame, encodeFrame, FrameKind } from '../../../src/shared/ipc/frame-codec';
import { WS_PATH, type ResponseFrameBody } from '../../../src/shared/ipc/transport-protocol';
import { RESPONSE_PART_BYTES, ResponseAssembler } from '../../../src/shared/ipc/response-parts';
import type { PushMessage } from '../../../src/shared/ipc-schema';
import { WindowDeltaDecoder, type WindowDeltaBody } from '../../../src/shared/ipc/window-delta';
import type { SyncWindow } from '../../../src/shared/window.types';
import type { DeviceStatus } from '../../../src/shared/device.types';

const status: DeviceStatus = { deviceId: 'sim-eeg-1', name: 'Simulated headset', model: 'sim-eeg', transport: 'sim', state: 'streaming', streamIds: ['sim-eeg-1/eeg'] };

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function open(server: ServeServer, origin = server.url.replace(/\/$/, '')): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${WS_PATH}`, { origin });
  ws.binaryType = 'arraybuffer';
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextFrame(ws: WebSocket, kind: FrameKind): Promise<unknown> {
  return new Promise((resolve) => {
    const on = (data: ArrayBuffer) => {
      const f = decodeFrame(data);
      if (f.kind === kind) {
        ws.off('message', on);
        resolve(f.value);
      }
    };
    ws.on('message', on);
  });
}

describe('serve server', () => {
  let dir: string;
  let server: ServeServer;
  const handlers = new HandlerRegistry();
  const pushes = new PushBus();
  const logs: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hm-serve-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>HeartMind</title>');
    writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'ort.wasm'), new Uint8Array([0, 97, 115, 109]));
    handlers.handle('hm:pipeline:device-stop', ({ deviceId }) => {
      if (deviceId === 'nope') throw Object.assign(new Error('no such device: nope'), { code: 'not-found' });
      return { ...status, deviceId, state: 'stopped' as const };
    }, { validate: check.allOf(check.object, check.string('deviceId')) });
    const model = Uint8Array.from({ length: 6 * RESPONSE_PART_BYTES + 12_345 }, (_, i) => (i * 7) & 255);
    handlers.handle('hm:models:onnx', ({ id }) => ({ id, bytes: model, card: {} as never }));
    server = await startServeServer({ port: 0, rendererDir: dir, handlers, subscribePushes: (s) => pushes.subscribe(s), log: (l, s, m) => logs.push(`${l} ${s} ${m}`) });
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('serves the renderer with the CSP and isolation headers, right MIME types, nothing outside its root', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await get(server.url);
    assert.equal(index.status, 200);
    assert.match(index.body, /HeartMind/);
    assert.match(String(index.headers['content-security-policy']), /script-src 'self' 'wasm-unsafe-eval'.*frame-ancestors 'none'/);
    assert.equal(index.headers['x-content-type-options'], 'nosniff');
    assert.equal(index.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal((await get(server.url + 'assets/ort.wasm')).headers['content-type'], 'application/wasm');
    assert.match(String((await get(server.url + 'assets/app-1234.js')).headers['cache-control']), /immutable/);
    assert.equal((await get(server.url + 'missing.js')).status, 404);
    assert.equal((await get(server.url + '%2e%2e/%2e%2e/etc/passwd')).status, 404, 'normalised to <root>/etc/passwd, which does not exist');
    assert.equal(resolveStaticPath(dir, '/../secret'), join(dir, 'secret'), 'normalised inside root');
    assert.equal(resolveStaticPath(dir, '/%00'), null);
    assert.equal(resolveStaticPath(dir, '/%E0%A4%A'), null);
  });

  test('answers only to its loopback name (DNS rebinding)', async () => {
    const r = await get(server.url, { Host: `evil.example:${server.port}` });
    assert.equal(r.status, 421);
  });

  test('refuses WebSockets from other origins and other paths', async () => {
    await assert.rejects(open(server, 'http://evil.example'), /HTTP 403/);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/other`, { origin: server.url.replace(/\/$/, '') });
    await assert.rejects(new Promise((res, rej) => { ws.once('open', res); ws.once('unexpected-response', (_q, r) => rej(new Error(`HTTP ${r.statusCode}`))); }), /HTTP 404/);
    assert.ok(logs.some((l) => /refused a WebSocket from origin http:\/\/evil\.example/.test(l)), `the refused origin is logged: ${JSON.stringify(logs)}`);
  });

  test('requests answer with envelopes; errors keep their kind; validation runs first', async () => {
    const ws = await open(server);
    const ask = async (id: number, channel: string, req: unknown) => {
      const reply = nextFrame(ws, FrameKind.Response);
      ws.send(encodeFrame(FrameKind.Request, { id, channel, req }));
      return (await reply) as ResponseFrameBody;
    };
    assert.deepEqual(await ask(1, 'hm:pipeline:device-stop', { deviceId: 'sim-eeg-1' }), { id: 1, answer: { ok: true, value: { ...status, state: 'stopped' } } });
    const nf = await ask(2, 'hm:pipeline:device-stop', { deviceId: 'nope' });
    assert.equal(nf.answer.ok, false);
    assert.deepEqual(!nf.answer.ok && [nf.answer.error.kind, nf.answer.error.message], ['not-found', 'no such device: nope']);
    const bad = await ask(3, 'hm:pipeline:device-stop', { deviceId: 7 });
    assert.deepEqual(!bad.answer.ok && [bad.answer.error.kind, bad.answer.error.message], ['bad-request', 'deviceId must be a non-empty string']);
    const unknown = await ask(4, 'hm:nothing:here', {});
    assert.equal(!unknown.answer.ok && unknown.answer.error.kind, 'bad-channel');
    const foreign = await ask(5, 'vscode:x', {});
    assert.equal(!foreign.answer.ok && foreign.answer.error.kind, 'bad-channel');
    ws.close();
  });

  test('pushes arrive as binary frames with typed arrays intact', async () => {
    const ws = await open(server);
    const got = nextFrame(ws, FrameKind.Push);
    const data = Float32Array.from({ length: 400 }, (_, i) => i * 0.5);
    const msg: PushMessage = { type: 'pipeline:conditioned', block: { streamId: 'sim-eeg-1/eeg', modality: 'eeg', channels: ['C3', 'C4'], startTime: 10, rateHz: 200, count: 200, data } };
    // The connection is registered a tick after 'open' on the client side; publish until it lands.
    const timer = setInterval(() => pushes.publish(msg), 5);
    const value = (await got) as Extract<PushMessage, { type: 'pipeline:conditioned' }>;
    clearInterval(timer);
    assert.equal(value.type, 'pipeline:conditioned');
    assert.ok(value.block.data instanceof Float32Array, 'the block arrives as a Float32Array');
    assert.deepEqual([...value.block.data], [...data]);
    ws.close();
  });

  test('a page that stops reading loses only superseded trace pushes, never windows', async () => {
    const ws = await open(server);
    await new Promise((r) => setTimeout(r, 50));
    ws.pause(); // the page's main thread is busy: nothing is read from the socket
    const before = server.droppedPushes();
    const data = new Float32Array(32 * 1000); // 128 kB per block
    for (let i = 0; i < 300; i++) {
      pushes.publish({ type: 'pipeline:conditioned', block: { streamId: 's', modality: 'eeg', channels: [], startTime: i, rateHz: 200, count: 1000, data } });
    }
    assert.ok(server.droppedPushes() > before, 'trace blocks were skipped once the socket backed up');
    let windowSeen = false;
    ws.on('message', (d: ArrayBuffer) => {
      const f = decodeFrame(d);
      if (f.kind === FrameKind.Push && (f.value as PushMessage).type === 'pipeline:window') windowSeen = true;
    });
    const w = { seq: 7, startTime: 0, rateHz: 200, samples: 0, eeg: { modality: 'eeg' as const, present: false, channels: [], data: new Float32Array(0), quality: [], streamIds: [] }, ecg: { modality: 'ecg' as const, present: false, channels: [], data: new Float32Array(0), quality: [], streamIds: [] } };
    pushes.publish({ type: 'pipeline:window', window: w });
    ws.resume();
    const t0 = Date.now();
    while (!windowSeen && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
    assert.ok(windowSeen, 'the window arrived after the backlog');
    assert.equal(ws.readyState, ws.OPEN);
    ws.close();
  });

  test('windows go as deltas on the previous one to each page that holds it; a page that joins later gets one whole first', async () => {
    const n = 1000;
    const win = (seq: number): SyncWindow => {
      const data = Float32Array.from({ length: 2 * n }, (_, i) => Math.sin((seq * 200 + (i % n)) / 9) + Math.floor(i / n));
      const ecg = Float32Array.from({ length: n }, (_, i) => Math.cos((seq * 200 + i) / 5));
      const q = { modality: 'eeg' as const, present: true, channels: ['C3', 'C4'], data, quality: [], streamIds: ['e'] };
      return { seq, startTime: 50 + seq, rateHz: 200, samples: n, eeg: q, ecg: { ...q, modality: 'ecg', channels: ['ECG'], data: ecg } };
    };
    const receive = (ws: WebSocket) => {
      const got: { kind: FrameKind; window: SyncWindow; bytes: number }[] = [];
      const dec = new WindowDeltaDecoder();
      ws.on('message', (d: ArrayBuffer) => {
        const f = decodeFrame(d);
        if (f.kind === FrameKind.Push && (f.value as PushMessage).type === 'pipeline:window') {
          const w = (f.value as Extract<PushMessage, { type: 'pipeline:window' }>).window;
          dec.full(w);
          got.push({ kind: f.kind, window: w, bytes: d.byteLength });
        } else if (f.kind === FrameKind.WindowDelta) got.push({ kind: f.kind, window: dec.apply(f.value as WindowDeltaBody), bytes: d.byteLength });
      });
      return got;
    };
    const a = await open(server);
    await new Promise((r) => setTimeout(r, 50));
    const gotA = receive(a);
    for (const s of [10, 11, 12]) pushes.publish({ type: 'pipeline:window', window: win(s) });
    const b = await open(server);
    await new Promise((r) => setTimeout(r, 50));
    const gotB = receive(b);
    for (const s of [13, 14]) pushes.publish({ type: 'pipeline:window', window: win(s) });
    const t0 = Date.now();
    while ((gotA.length < 5 || gotB.length < 2) && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(gotA.map((g) => g.kind), [FrameKind.Push, FrameKind.WindowDelta, FrameKind.WindowDelta, FrameKind.WindowDelta, FrameKind.WindowDelta]);
    assert.deepEqual(gotB.map((g) => g.kind), [FrameKind.Push, FrameKind.WindowDelta]);
    for (const g of [...gotA, ...gotB]) {
      const want = win(g.window.seq);
      assert.deepEqual([...g.window.eeg.data], [...want.eeg.data], `EEG of window ${g.window.seq}`);
      assert.deepEqual([...g.window.ecg.data], [...want.ecg.data], `ECG of window ${g.window.seq}`);
    }
    assert.ok(gotA[1].bytes < gotA[0].bytes / 3, `a delta is small (${gotA[1].bytes} vs ${gotA[0].bytes} bytes)`);
    a.close();
    b.close();
  });

  test('a large answer (a model file) goes in parts, pushes flowing in between; nothing is skipped', async () => {
    const ws = await open(server);
    await new Promise((r) => setTimeout(r, 50));
    const before = server.droppedPushes();
    const asm = new ResponseAssembler();
    let partsSeen = 0;
    let pushesDuring = 0;
    const answer = new Promise<ResponseFrameBody>((resolve) => {
      ws.on('message', (d: ArrayBuffer) => {
        const f = decodeFrame(d);
        if (f.kind === FrameKind.Push && partsSeen > 0) pushesDuring++;
        if (f.kind !== FrameKind.ResponsePart) return;
        partsSeen++;
        const whole = asm.add(f.value);
        if (whole) resolve(whole.value as ResponseFrameBody);
      });
    });
    const data = new Float32Array(19 * 40);
    const timer = setInterval(() => pushes.publish({ type: 'pipeline:conditioned', block: { streamId: 's', modality: 'eeg', channels: [], startTime: 0, rateHz: 200, count: 40, data } }), 1);
    ws.send(encodeFrame(FrameKind.Request, { id: 9, channel: 'hm:models:onnx', req: { id: 'big' } }));
    const body = await answer;
    clearInterval(timer);
    assert.equal(partsSeen, 7);
    assert.ok(body.answer.ok, `the call succeeds: ${JSON.stringify(body.answer)}`);
    const bytes = (body.answer.value as { bytes: Uint8Array }).bytes;
    assert.equal(bytes.length, 6 * RESPONSE_PART_BYTES + 12_345);
    assert.ok(bytes.every((v, i) => v === ((i * 7) & 255)), 'the bytes arrive unchanged ((i * 7) & 255)');
    assert.ok(pushesDuring > 0, 'trace pushes arrived between the parts');
    assert.equal(server.droppedPushes(), before, 'no trace push was skipped');
    ws.close();
  });

  test('pages that come and go, closed or cut off, leave no client, subscriber or error behind', async () => {
    const waitFor = async (what: string, ok: () => boolean) => {
      const t0 = Date.now();
      while (!ok() && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
      assert.ok(ok(), what);
    };
    await waitFor('no page left from the tests before', () => server.clientCount() === 0);
    const subscribers = pushes.subscriberCount;
    const errors = logs.filter((l) => l.startsWith('error')).length;
    for (let i = 0; i < 40; i++) {
      const ws = await open(server);
      pushes.publish({ type: 'pipeline:device-status', status });
      // A page closed as a tab closes, or cut off as a crashed one (no close frame).
      if (i % 2) ws.close();
      else ws.terminate();
    }
    await waitFor(`every page that went is forgotten (${server.clientCount()} left)`, () => server.clientCount() === 0);
    assert.equal(pushes.subscriberCount, subscribers, 'the server still listens to the pushes once');
    pushes.publish({ type: 'pipeline:device-status', status });
    assert.equal(logs.filter((l) => l.startsWith('error')).length, errors, 'no error logged');
  });

  test('a garbage frame closes that connection with a named reason; the server keeps serving', async () => {
    const ws = await open(server);
    const closed = new Promise<[number, string]>((r) => ws.once('close', (code, reason) => r([code, reason.toString()])));
    ws.send(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]));
    const [code, reason] = await closed;
    assert.equal(code, 1007);
    assert.match(reason, /frame-codec: bad-magic/);
    const text = await open(server);
    const closedText = new Promise<number>((r) => text.once('close', (c) => r(c)));
    text.send('{"channel":"hm:pipeline:snapshot"}');
    assert.equal(await closedText, 1003);
    assert.equal((await get(server.url)).status, 200);
  });
});
