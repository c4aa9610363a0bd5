// A serial Cyton (an emulated dongle behind a socat pseudo-terminal) on the Live dashboard, in real
// Chromium: while it streams its card shows its clock line; with the dongle pulled the card says it
// is reconnecting and shows no clock figures (its last ones would read as current); plugged back,
// the line comes back. The card's Stop disconnects it (as its Devices row does), and the card goes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { NEED_SOCAT } from '../fixtures/pty';
import { plugEmulatedCyton, type CytonOnPty } from './support/cyton-pty';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';

const skip = servedPageMissing() || NEED_SOCAT;

describe('Live dashboard: a device away shows no clock figures (Chromium, serve mode)', { skip }, () => {
  let app: ServedPage;
  let page: Page;
  let dongle: CytonOnPty;

  before(async () => {
    dongle = await plugEmulatedCyton('e2e-live-away');
    app = await openServedPage({ demo: false, route: '#/devices', viewport: { width: 1300, height: 1000 } });
    page = app.page;
  });

  after(async () => {
    await app?.close();
    await dongle?.close();
  });

  test('streaming: a clock line; dongle pulled: reconnecting, none; plugged back: the line again', async () => {
    await page.fill('[data-testid="serial-path"]', dongle.pty.app);
    await page.click('[data-testid="serial-connect"]');
    const id = `cyton:${dongle.pty.app}`;
    await page.waitForSelector(`[data-testid="paired-${id}"][data-state="streaming"]`, { timeout: 15_000 });
    await page.goto(`${app.serve.url}#/`);
    const card = `[data-testid="device-${id}"]`;
    const clock = `${card} [data-testid="device-clock"]`;
    await page.waitForSelector(`${card}[data-state="streaming"]`, { timeout: 10_000 });
    await page.waitForFunction((sel) => /^EEG clock: /.test(document.querySelector(sel)?.textContent ?? ''), clock, { timeout: 8_000 });

    await dongle.emu.close();
    await dongle.pty.unplug();
    await page.waitForSelector(`${card}[data-state="reconnecting"]`, { timeout: 10_000 });
    assert.equal(await page.$(clock), null, 'no clock figures on the card while the device is away');
    // It stays so for a while (the clock pushes every 2 s do not bring the last figures back).
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(await page.getAttribute(card, 'data-state'), 'reconnecting', 'still away');
    assert.equal(await page.$(clock), null, 'still no clock figures');

    await dongle.pty.plug();
    await dongle.emu.open();
    await page.waitForSelector(`${card}[data-state="streaming"]`, { timeout: 20_000 });
    await page.waitForSelector(clock, { timeout: 8_000 });
    assert.deepEqual(app.problems, [], 'no page errors');
  });

  test("the card's Stop disconnects the paired device (it was 'no device' from the demo devices' channel); the card goes", async () => {
    const id = `cyton:${dongle.pty.app}`;
    const card = `[data-testid="device-${id}"]`;
    await page.click(`${card} [data-testid="device-toggle"]`);
    await page.waitForFunction((sel) => !document.querySelector(sel), card, { timeout: 10_000 });
    assert.ok(!app.serve.core.hub.sources().some((s) => s.deviceId === id), 'taken off the hub');
    assert.deepEqual(app.problems, [], 'no page errors');
  });
});
