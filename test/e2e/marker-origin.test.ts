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
    browser = await launchChromium([`--host-resolver-rules=MAP run.pavlovia.test 127.0.0.1, MAP ads.evil.test 127.0.0.1`]);
  });

  after(async () => {
    await browser?.close();
    await markers?.stop();
    await new Promise((r) => pages?.close(r));
  });

  /** Opens http://<host>:<pagePort>/ and, from the page, sends `label` to the marker endpoint. */
  async function sendFrom(host: string, label: string): Promise<Outcome> {
    const page = await browser.newPage();
    try {
      await page.goto(`http://${host}:${pagePort}/`);
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
        { url: `ws://127.0.0.1:${markers.port}/markers`, label },
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
      logs.some((l) => l.startsWith(`warn markers: refused a WebSocket from http://ads.evil.test:${pagePort} (not a page on this computer and not listed)`)),
      `the log names the refused origin:\n${logs.join('\n')}`,
    );
  });
});
