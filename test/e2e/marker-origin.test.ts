// The marker WebSocket as browsers reach it: real Chromium opens pages from three origins (names
// mapped to this machine with --host-resolver-rules, so each page has its own Origin) and each tries
// to send a marker to ws://127.0.0.1:<port>/markers. A page from a site the researcher merely has
// open must not write into the recording; a page on this computer and an allow-listed host (as
// PsychoJS on Pavlovia would be) must.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { MarkerServer } from '../../src/main/markers/marker-server';
import { chromiumMissing, launchChromium } from './support/chromium';

const skip = chromiumMissing();

/** What the page saw: the marker's acknowledgement, or how the connection failed. */
type Outcome = { ack: { ok: boolean; stored?: boolean } } | { failed: string };

describe('marker WebSocket origins (Chromium)', { skip }, () => {
  let markers: MarkerServer;
  let pages: Server;
  let browser: Browser;
  let pagePort: number;
  const stored: string[] = [];
  const logs: string[] = [];

  before(async () => {
    pages = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>stimulus</title>'));
    await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r));
    pagePort = (pages.address() as AddressInfo).port;
    markers = new MarkerServer({
      clock: { now: () => Date.now() / 1000 },
      port: 0,
      allowedOrigins: [`http://run.pavlovia.test:${pagePort}`],
      onMarker: async (m) => (stored.push(m.label), true),
      log: (level, m) => logs.push(`${level} ${m}`),
    });
    await markers.start();
    browser = await launchChromium([`--host-resolver-rules=MAP run.pavlovia.test 127.0.0.1, MAP ads.evil.test 127.0.0.1, MAP rebind.evil.test 127.0.0.1`]);
  });

  after(async () => {
    await browser?.close();
    await markers?.stop();
    await new Promise((r) => pages?.close(r));
  });

  /** Opens http://<host>:<port>/ (default: the page server) and, from the page, sends `label` to the marker endpoint (default: at 127.0.0.1). */
  async function sendFrom(host: string, label: string, { port = pagePort, wsHost = '127.0.0.1' } = {}): Promise<Outcome> {
    const page = await browser.newPage();
    try {
      await page.goto(`http://${host}:${port}/`);
      return await page.evaluate(
        ({ url, label }) =>
          new Promise<Outcome>((resolve) => {
            const ws = new WebSocket(url);
            ws.onopen = () => ws.send(label);
            ws.onmessage = (e) => {
              resolve({ ack: JSON.parse(e.data as string) });
              ws.close();
            };
            ws.onclose = (e) => resolve({ failed: `closed ${e.code}` });
          }),
        { url: `ws://${wsHost}:${markers.port}/markers`, label },
      );
    } finally {
      await page.close();
    }
  }

  test('a page from another site is refused; a page on this computer and an allow-listed one send their markers', async () => {
    const evil = await sendFrom('ads.evil.test', 'injected by a web page');
    assert.deepEqual(evil, { failed: 'closed 1006' }, 'the handshake of a page from another site fails');
    const local = await sendFrom('127.0.0.1', 'local PsychoJS');
    assert.ok('ack' in local && local.ack.ok && local.ack.stored, `a page on this computer: ${JSON.stringify(local)}`);
    const listed = await sendFrom('run.pavlovia.test', 'pavlovia trial 1');
    assert.ok('ack' in listed && listed.ack.ok && listed.ack.stored, `an allow-listed origin: ${JSON.stringify(listed)}`);
    assert.deepEqual(stored, ['local PsychoJS', 'pavlovia trial 1'], 'only the accepted pages reached the store');
    assert.ok(
      logs.some((l) => l.startsWith(`warn refused a WebSocket from http://ads.evil.test:${pagePort} (not a page on this computer and not listed)`)),
      `the log names the refused origin:\n${logs.join('\n')}`,
    );
  });

  test("DNS rebinding: a site whose name comes to point at this computer is refused, though its page's origin and the Host it connects to agree", async () => {
    // What a rebinding attack leaves the browser with: a page of http://rebind.evil.test:<marker port>
    // (served by the attacker, before the name was pointed at 127.0.0.1) that opens
    // ws://rebind.evil.test:<marker port>/markers, now this computer. Origin and Host then name the
    // same host and port, which the endpoint took for a program naming it (websocket-client's
    // default Origin), and stored the marker.
    const before = stored.length;
    const rebound = await sendFrom('rebind.evil.test', 'injected after rebinding', { port: markers.port, wsHost: 'rebind.evil.test' });
    assert.deepEqual(rebound, { failed: 'closed 1006' }, `the handshake fails: ${JSON.stringify(rebound)}`);
    assert.equal(stored.length, before, `nothing stored: ${JSON.stringify(stored.slice(before))}`);
  });
});
