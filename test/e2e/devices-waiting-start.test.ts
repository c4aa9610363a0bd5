// A remembered device set to connect at start whose dongle is not plugged in when HeartMind starts
// (real Chromium, serve mode, a Cyton on a socat pseudo-terminal): its row says it waits for the
// device (its Live dashboard card too, in the same words) and how often it looks, says what to do
// without promising a connect "as soon as" it is plugged in (it is looked for every 12 s), Try now
// keeps the focus and says it tried; plugged in and Try now pressed, it streams.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type ServeHandle } from '../../src/main/serve/serve-command';
import type { LogEntry } from '../../src/shared/log.types';
import { NEED_SOCAT } from '../fixtures/pty';
import { plugEmulatedCyton, type CytonOnPty } from './support/cyton-pty';
import { pairedRow } from './support/devices-page';
import { openPage, type OpenedPage } from './support/open-page';
import { RENDERER_DIR, rendererMissing } from './support/serve-fixture';

const skip = rendererMissing() || NEED_SOCAT;

describe('Devices view: a remembered device not there at start (Chromium, serve mode)', { skip }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hm-e2e-waiting-'));
  // Where plugEmulatedCyton('e2e-waiting') puts the app's end (PtyPair's naming).
  const path = join(tmpdir(), `hm-pty-e2e-waiting-${process.pid}-app`);
  const id = `cyton:${path}`;
  let serve: ServeHandle;
  let opened: OpenedPage;
  let dongle: CytonOnPty | undefined;

  before(async () => {
    process.env.HEARTMIND_MODELS_DIR = join(dataDir, 'no-builtin-models');
    mkdirSync(process.env.HEARTMIND_MODELS_DIR);
    writeFileSync(join(dataDir, 'devices.json'), JSON.stringify({ version: 1, paired: [{ deviceId: id, config: { kind: 'cyton', path, daisy: 'auto' }, name: 'Lab Cyton', autoConnect: true, lastConnected: 1_700_000_000, model: 'cyton' }] }));
    const logs: LogEntry[] = [];
    serve = await startServe({ port: 0, dataDir, rendererDir: RENDERER_DIR, demo: false, onLog: (e) => logs.push(e) });
    opened = await openPage({ ...serve, url: serve.server.url, logs, close: async () => undefined }, { route: '#/devices', viewport: { width: 1300, height: 1000 } });
  });

  after(async () => {
    await opened?.browser.close();
    await serve?.stop();
    await dongle?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('waiting, Try now, then plugged in: it streams', async () => {
    const page = opened.page;
    const row = pairedRow(id);
    await page.waitForFunction((sel) => document.querySelector(`${sel} [data-testid="paired-state"]`)?.textContent === 'waiting for the device', row, { timeout: 15_000 });
    await page.waitForFunction((sel) => /port not found \(unplugged\?\) — waiting for it: trying every 12 s until you disconnect it$/.test(document.querySelector(`${sel} [data-testid="paired-problem"]`)?.textContent ?? ''), row, { timeout: 5000 });
    const waiting = (await page.textContent(`${row} [data-testid="paired-waiting"]`)) ?? '';
    assert.match(waiting, /^It connects by itself at its next try once the device is there: plug the dongle in, switch the device on, or press Try now\. Try now$/, 'what to do, without promising an instant connect');
    assert.equal(await page.getAttribute(`${row} [data-testid="paired-toggle"]`, 'aria-disabled'), null, 'Disconnect can be pressed while it waits');
    // Its Live dashboard card says its state in the row's words (it said 'connecting' there).
    await page.goto(`${serve.server.url}#/`);
    await page.waitForFunction((sel) => document.querySelector(`${sel} [data-testid="device-state"]`)?.textContent === 'waiting for the device', `[data-testid="device-${id}"]`, { timeout: 10_000 });
    await page.goto(`${serve.server.url}#/devices`);
    await page.waitForSelector(`${row} [data-testid="paired-retry"]`, { timeout: 10_000 });

    const retry = page.locator(`${row} [data-testid="paired-retry"]`);
    await retry.focus();
    await retry.press('Enter');
    await page.waitForFunction((sel) => /not streaming yet: tried again now/.test(document.querySelector(`${sel} [data-testid="paired-note"]`)?.textContent ?? ''), row, { timeout: 5000 });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'paired-retry', 'the focus stays on Try now');

    dongle = await plugEmulatedCyton('e2e-waiting');
    assert.equal(dongle.pty.app, path, "the dongle's port is the remembered one");
    await retry.press('Enter');
    await page.waitForSelector(`${row}[data-state="streaming"]`, { timeout: 15_000 });
    assert.equal(await page.$(`${row} [data-testid="paired-waiting"]`), null, 'no waiting note once it streams');
    assert.equal(await page.$(`${row} [data-testid="paired-problem"]`), null, 'no problem once it streams');
  });
});
