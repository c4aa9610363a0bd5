import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { WebSocket } from 'ws';
import { MarkerServer, parseMarkerMessage, type IncomingMarker } from '../../../src/main/markers/marker-server';

function fixedClock(start: number) {
  let t = start;
  return { now: () => (t += 1) };
}

test('parseMarkerMessage: plain text, JSON with time/duration, clear errors', () => {
  assert.deepEqual(parseMarkerMessage('  stim_on \n', 5), { label: 'stim_on', time: 5, duration: 0 });
  assert.deepEqual(parseMarkerMessage('{"label":"img 12","time":1700000000.25,"duration":2}', 5), { label: 'img 12', time: 1700000000.25, duration: 2 });
  assert.throws(() => parseMarkerMessage('', 5), /empty/);
  assert.throws(() => parseMarkerMessage('{"label":', 5), /not valid JSON/);
  assert.throws(() => parseMarkerMessage('{"time":3}', 5), /"label"/);
  assert.throws(() => parseMarkerMessage('{"label":"x","time":"noon"}', 5), /"time" must be a number/);
  assert.throws(() => parseMarkerMessage('{"label":"x","duration":-1}', 5), /"duration"/);
});

test('UDP and WebSocket markers on one port reach the store, stamped on the host clock, and are acknowledged', async (t) => {
  const got: IncomingMarker[] = [];
  const server = new MarkerServer({
    clock: fixedClock(1000),
    port: 0,
    onMarker: async (m) => {
      got.push(m);
      return m.label !== 'not-recording';
    },
  });
  await server.start();
  t.after(() => server.stop());
  const port = server.port;
  assert.ok(port > 0);

  // UDP, as PsychoPy would send it.
  const sock = createSocket('udp4');
  t.after(() => sock.close());
  const udpAck = (payload: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      sock.once('message', (msg) => resolve(JSON.parse(msg.toString()) as Record<string, unknown>));
      sock.send(payload, port, '127.0.0.1');
    });
  assert.deepEqual(await udpAck('stim_on'), { ok: true, time: 1001, stored: true });
  assert.deepEqual(await udpAck('{"label":"img","time":1234.5}'), { ok: true, time: 1234.5, stored: true });
  const bad = await udpAck('{"label":');
  assert.equal(bad.ok, false);
  assert.match(String(bad.error), /not valid JSON/);

  // WebSocket on the same port number.
  const ws = new WebSocket(`ws://127.0.0.1:${port}/markers`);
  t.after(() => ws.terminate());
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const wsAck = (payload: string) =>
    new Promise<Record<string, unknown>>((resolve) => {
      ws.once('message', (data) => resolve(JSON.parse(data.toString()) as Record<string, unknown>));
      ws.send(payload);
    });
  assert.deepEqual(await wsAck('not-recording'), { ok: true, time: 1004, stored: false });
  assert.equal((await wsAck('{"label":"resp","duration":0.5}')).ok, true);

  assert.deepEqual(
    got.map((m) => [m.label, m.source, m.duration]),
    [
      ['stim_on', 'udp', 0],
      ['img', 'udp', 0],
      ['not-recording', 'websocket', 0],
      ['resp', 'websocket', 0.5],
    ],
  );
});

test('a busy port gives a clear error and leaves nothing listening', async (t) => {
  const a = new MarkerServer({ clock: fixedClock(0), port: 0, onMarker: async () => false });
  await a.start();
  t.after(() => a.stop());
  const b = new MarkerServer({ clock: fixedClock(0), port: a.port, onMarker: async () => false });
  await assert.rejects(b.start(), /EADDRINUSE/);
});
