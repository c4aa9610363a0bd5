// `heartmind record` beside stimulus software: it names the marker endpoint it listens on, prints
// each marker and self-report stored as it arrives (it printed nothing of them), counts them at
// the end, and with --json carries the counts in its status lines; a marker that comes before the
// recording has started is said not stored (it was lost unseen).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { command as record } from '../../../src/main/sessions/record-command';
import { tempDir } from '../db/db-test-util';

function io(onOut?: (line: string) => void) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => (out.push(l), onOut?.(l)), err: (l: string) => err.push(l) }, out, err };
}

/** Sends `payloads` to the marker port the command printed, once it says it records; resolves with the replies. */
function sendWhenRecording(payloads: string[]) {
  let port = 0;
  let fire: () => void = () => {};
  const replies = new Promise<string[]>((resolve) => {
    fire = () => {
      const sock = createSocket('udp4');
      const got: string[] = [];
      sock.on('message', (m) => {
        got.push(m.toString());
        if (got.length === payloads.length) {
          sock.close();
          resolve(got);
        }
      });
      for (const p of payloads) sock.send(p, port, '127.0.0.1');
    };
  });
  const onOut = (line: string) => {
    const m = /^\[markers\] udp:\/\/127\.0\.0\.1:(\d+) and ws:\/\/127\.0\.0\.1:\d+\/markers/.exec(line);
    if (m) port = Number(m[1]);
    if (line.startsWith('recording session') && port > 0) fire();
  };
  return { onOut, replies };
}

test('record names the marker endpoint and prints each marker as it arrives, then the counts', async (t) => {
  const dir = tempDir(t);
  process.env.HEARTMIND_MARKER_PORT = '0';
  t.after(() => delete process.env.HEARTMIND_MARKER_PORT);
  const long = 'trial 3 ' + 'p'.repeat(200);
  const { onOut, replies } = sendWhenRecording(['stimulus_onset', JSON.stringify({ label: long }), JSON.stringify({ label: 12 })]);
  const r = io(onOut);
  assert.equal(await record.run(['--duration', '1.5', '--name', 'psychopy', '--data-dir', dir], r.io), 0, r.err.join('\n'));
  assert.equal((await replies).length, 3);
  assert.match(r.out[0], /^\[markers\] udp:\/\/127\.0\.0\.1:\d+ and ws:\/\/127\.0\.0\.1:\d+\/markers \(UDP receive buffer .+\)$/);
  assert.equal(r.out[1], '[markers] WebSocket open to programs and pages on this computer (web pages elsewhere, e.g. PsychoJS on Pavlovia, need --marker-origin or HEARTMIND_MARKER_ORIGINS)');
  assert.equal(r.out[2], `recording session 1 "psychopy" for 1.5 s into ${join(dir, 'recordings.sqlite')}`, 'the session, and where it goes');
  assert.match(r.out[3], /^devices: Simulated headset \((connecting|streaming)\), Simulated chest strap \((connecting|streaming)\)$/, 'what it records');
  const markers = r.out.filter((l) => l.startsWith('marker '));
  assert.equal(markers.length, 3, r.out.join('\n'));
  assert.match(markers[0], /^marker "stimulus_onset" \(udp\) at \+\d+\.\d\d s$/);
  // A long label is shown shortened (it is stored whole).
  assert.match(markers[1], new RegExp(`^marker "trial 3 p{71}…" \\(udp\\) at \\+\\d+\\.\\d\\d s$`));
  assert.match(markers[2], /^marker "12" \(udp\)/);
  assert.match(r.out.at(-1)!, /^saved session 1: [\d,]+ values, \d+(\.\d)? [kMG]?B of samples, 3 markers, 0 self-reports$/);
});

test('a stimulus script started beside record: markers the endpoint takes before the recording starts are said not stored; the rest are printed and counted', async (t) => {
  const dir = tempDir(t);
  process.env.HEARTMIND_MARKER_PORT = '0';
  t.after(() => delete process.env.HEARTMIND_MARKER_PORT);
  // From the moment the endpoint listens, triggers (a script that does not wait for "recording
  // session"), until the recording is under way; each reply says whether it was stored.
  const sock = createSocket('udp4');
  const replies = new Map<string, boolean>();
  sock.on('message', (m) => {
    const ack = JSON.parse(m.toString()) as { ok: boolean; stored: boolean; label?: string };
    replies.set(`trial ${replies.size}`, ack.stored);
  });
  let timer: ReturnType<typeof setInterval> | undefined;
  let sent = 0;
  const r = io((line) => {
    const m = /^\[markers\] udp:\/\/127\.0\.0\.1:(\d+) /.exec(line);
    if (m) {
      // Three at once, as the endpoint opens (the core reads them while the record request waits on
      // the database, before the session exists), then one every 5 ms.
      for (let i = 0; i < 3; i++) sock.send(`trial ${sent++}`, Number(m[1]), '127.0.0.1');
      timer = setInterval(() => sock.send(`trial ${sent++}`, Number(m[1]), '127.0.0.1'), 5);
    }
    if (line.startsWith('marker ') && timer) {
      clearInterval(timer); // the recording has its first one
      timer = undefined;
    }
  });
  t.after(() => (clearInterval(timer), sock.close()));
  assert.equal(await record.run(['--duration', '1', '--name', 'early triggers', '--data-dir', dir], r.io), 0, r.err.join('\n'));
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(replies.size, sent, `every trigger answered (${replies.size} of ${sent})`);
  // Replies come in the order the datagrams were read (one socket, one event loop).
  const notStored = [...replies].filter(([, stored]) => !stored).map(([label]) => label);
  const stored = [...replies].filter(([, s]) => s).map(([label]) => label);
  assert.ok(notStored.length > 0, `some triggers came before the recording started (${sent} sent)`);
  assert.ok(stored.length > 0, 'and some during it');
  assert.deepEqual(
    r.err.filter((l) => l.startsWith('warning: marker')),
    notStored.map((l) => `warning: marker "${l}" (udp) came before the recording started: not stored`),
    'each one not stored is said, on stderr',
  );
  assert.deepEqual(
    r.out.filter((l) => l.startsWith('marker ')).map((l) => /^marker "(.+)" \(udp\) at \+-?\d+\.\d\d s$/.exec(l)?.[1]),
    stored,
    'each one stored is printed, none left out',
  );
  assert.match(r.out.at(-1)!, new RegExp(`, ${stored.length} markers?, 0 self-reports$`));
});

test('record --json: the status lines carry the markers stored so far, and nothing else is printed', async (t) => {
  const dir = tempDir(t);
  // --json prints no endpoint line (every line is JSON): the port is chosen here.
  const port = await freePort();
  process.env.HEARTMIND_MARKER_PORT = String(port);
  t.after(() => delete process.env.HEARTMIND_MARKER_PORT);
  let sent: Promise<void> | null = null;
  const r = io((line) => {
    if (sent) return;
    sent = new Promise<void>((resolve) => {
      const sock = createSocket('udp4');
      let n = 0;
      sock.on('message', () => ++n === 2 && (sock.close(), resolve()));
      for (const label of ['a', 'b']) sock.send(label, port, '127.0.0.1');
    });
    assert.equal((JSON.parse(line) as { state: string }).state, 'recording');
  });
  assert.equal(await record.run(['--duration', '2.5', '--data-dir', dir, '--json'], r.io), 0, r.err.join('\n'));
  await sent;
  const lines = r.out.map((l) => JSON.parse(l) as { markers: number; selfReports: number; state: string });
  assert.ok(lines.length >= 3, r.out.join('\n'));
  assert.deepEqual([lines.at(-1)!.state, lines.at(-1)!.markers, lines.at(-1)!.selfReports], ['idle', 2, 0]);
  assert.equal(lines[0].markers, 0, 'counted as they are stored');
});

/** A port free for both UDP and TCP right now (the marker endpoint takes both). */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  for (;;) {
    const srv = createServer();
    const port = await new Promise<number>((resolve) => srv.listen(0, '127.0.0.1', () => resolve((srv.address() as { port: number }).port)));
    const udp = createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    udp.close();
    await new Promise((resolve) => srv.close(resolve));
    if (ok) return port;
  }
}

test('record --marker-origin lets that web origin send markers over the WebSocket; other pages are refused; a bad origin is a usage error', async (t) => {
  const dir = tempDir(t);
  process.env.HEARTMIND_MARKER_PORT = '0';
  const before = process.env.HEARTMIND_MARKER_ORIGINS;
  t.after(() => {
    delete process.env.HEARTMIND_MARKER_PORT;
    if (before === undefined) delete process.env.HEARTMIND_MARKER_ORIGINS;
    else process.env.HEARTMIND_MARKER_ORIGINS = before;
  });
  const bad = io();
  await assert.rejects(record.run(['--marker-origin', 'run.pavlovia.org', '--data-dir', dir], bad.io), /--marker-origin: "run\.pavlovia\.org" is not a web origin/);

  let port = 0;
  const outcomes: Promise<string>[] = [];
  const tryFrom = (origin: string, label: string) =>
    new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/markers`, { origin });
      ws.once('open', () => ws.send(label));
      ws.once('message', (d) => (resolve(`${origin}: ${JSON.parse(d.toString()).ok ? 'stored' : 'error'}`), ws.close()));
      ws.once('unexpected-response', (_q, res) => resolve(`${origin}: HTTP ${res.statusCode}`));
      ws.once('error', (e) => resolve(`${origin}: ${e.message}`));
    });
  const r = io((line) => {
    const m = /^\[markers\] udp:\/\/127\.0\.0\.1:(\d+)/.exec(line);
    if (m) port = Number(m[1]);
    if (line.startsWith('recording session')) outcomes.push(tryFrom('https://run.pavlovia.org', 'pavlovia trial'), tryFrom('https://evil.example', 'injected'));
  });
  assert.equal(await record.run(['--duration', '1.5', '--marker-origin', 'https://run.pavlovia.org', '--data-dir', dir], r.io), 0, r.err.join('\n'));
  assert.deepEqual(await Promise.all(outcomes), ['https://run.pavlovia.org: stored', 'https://evil.example: HTTP 403']);
  assert.equal(r.out[1], '[markers] WebSocket open to programs and pages on this computer and to https://run.pavlovia.org');
  assert.ok(r.out.some((l) => /^marker "pavlovia trial" \(websocket\) at \+/.test(l)), r.out.join('\n'));
  assert.ok(!r.out.some((l) => l.includes('injected')), 'the refused page stored nothing');
  assert.ok(r.err.some((l) => l.startsWith('warn: [markers] refused a WebSocket from https://evil.example')), r.err.join('\n'));
});

test('record with nothing streaming (--no-demo, no paired device) says so after 5 s, while it can be fixed, and still records the markers', async (t) => {
  const dir = tempDir(t);
  process.env.HEARTMIND_MARKER_PORT = '0';
  t.after(() => delete process.env.HEARTMIND_MARKER_PORT);
  const { onOut, replies } = sendWhenRecording(['onset']);
  const r = io(onOut);
  assert.equal(await record.run(['--duration', '5.6', '--no-demo', '--data-dir', dir], r.io), 0, r.err.join('\n'));
  await replies;
  assert.deepEqual(r.err, ['warning: no samples after 5 s: no device is streaming (--no-demo: pair and switch on a device in the app first, or leave out --no-demo for the simulated ones); markers and self-reports are still recorded']);
  assert.match(r.out.at(-1)!, /^saved session 1: 0 values, 0 B of samples, 1 marker, 0 self-reports$/);
});

test('record with its marker port held by another program says what that means for this recording (no page, no M key: the endpoint is its only way) and how to choose another port', async (t) => {
  const dir = tempDir(t);
  const { createServer } = await import('node:net');
  const holder = createServer();
  const port = await new Promise<number>((resolve) => holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)));
  t.after(() => new Promise((resolve) => holder.close(resolve)));
  process.env.HEARTMIND_MARKER_PORT = String(port);
  t.after(() => delete process.env.HEARTMIND_MARKER_PORT);
  const r = io();
  assert.equal(await record.run(['--duration', '0.5', '--data-dir', dir], r.io), 0, r.err.join('\n'));
  const warning = r.err.find((l) => l.startsWith('warn: [markers]'));
  assert.equal(
    warning,
    `warn: [markers] marker endpoint not started: port ${port} is taken by another program (another HeartMind: the app, \`heartmind serve\` or another \`heartmind record\`?), so stimulus software sending to port ${port} reaches that one, and this recording stores no markers (\`heartmind record\` takes them through the endpoint only). Close it and record again, or record on a free port (HEARTMIND_MARKER_PORT=<port> heartmind record …) and send there`,
    r.err.join('\n'),
  );
  assert.ok(!r.err.some((l) => /M key|SAM panel|through requests/.test(l)), `nothing offered that record lacks: ${r.err.join('\n')}`);
  assert.match(r.out.at(-1)!, /^saved session 1: .* 0 markers, 0 self-reports$/, r.out.join('\n'));
});
