// Calling a connect off from the Devices view (real Chromium, serve mode, a Cyton on a socat
// pseudo-terminal). A new device has no row yet: its panel offers Cancel beside "Connecting…", which
// ends the connect with a note instead of an error, leaves nothing remembered and gives the focus
// back to Connect. A remembered device's Disconnect works while its own Connect is still running
// (it was unavailable until the connect gave up, up to tens of seconds for a headset).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { CytonOnPty } from './support/cyton-pty';
import { devicesPageMissing, openDevicesWithCyton, pairedRow as row, type DevicesPage } from './support/devices-page';
import type { ServedPage } from './support/open-page';

const skip = devicesPageMissing();

describe('Devices view: calling a connect off (Chromium, serve mode)', { skip }, () => {
  let devices: DevicesPage;
  let app: ServedPage;
  let page: Page;
  let dongle: CytonOnPty;

  before(async () => {
    devices = await openDevicesWithCyton('e2e-cancel');
    ({ app, page, dongle } = devices);
  });

  after(async () => {
    await devices?.close();
  });

  const text = (sel: string) => page.evaluate((s) => document.querySelector(s)?.textContent ?? null, sel);

  test("a new device's connect, cancelled from its panel: a note, no error, nothing remembered, the focus on Connect", async () => {
    await page.waitForSelector('[data-testid="paired-empty"]', { timeout: 10_000 });
    // The dongle does not answer (its emulator closed, the port still there): the connect keeps trying.
    await dongle.emu.close();
    await page.fill('[data-testid="serial-path"]', dongle.pty.app);
    await page.selectOption('[data-testid="serial-kind"]', 'cyton');
    await page.click('[data-testid="serial-connect"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="serial-connect"]')?.textContent === 'Connecting…', null, { timeout: 5000 });
    const cancel = await page.waitForSelector('[data-testid="cancel-connect"]', { timeout: 5000 });
    assert.equal(await cancel.getAttribute('aria-label'), `Cancel connecting ${dongle.pty.app}`);
    await cancel.click();
    await page.waitForFunction(() => document.querySelector('[data-testid="serial-note"]')?.textContent === 'Connect cancelled: not connected.', null, { timeout: 8000 });
    assert.equal(await page.$('[data-testid="serial-error"]'), null, 'no error for a connect the user called off');
    assert.equal(await text('[data-testid="serial-connect"]'), 'Connect', 'the panel can connect again');
    assert.equal(await page.$('[data-testid="cancel-connect"]'), null, 'Cancel went with the connect');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'serial-connect', null, { timeout: 5000 });
    assert.ok(await page.$('[data-testid="paired-empty"]'), 'nothing remembered');
    const id = `cyton:${dongle.pty.app}`;
    assert.ok(!app.serve.core.hub.devices().some((d) => d.deviceId === id && d.state !== 'stopped'), 'nothing left trying on the core');
  });

  test("a remembered device's Disconnect while its own Connect is running", async () => {
    const id = `cyton:${dongle.pty.app}`;
    await dongle.emu.open();
    await page.click('[data-testid="serial-connect"]');
    await page.waitForSelector(`${row(id)}[data-state="streaming"]`, { timeout: 15_000 });
    await page.click(`${row(id)} [data-testid="paired-toggle"]`);
    await page.waitForSelector(`${row(id)}[data-state="stopped"]`, { timeout: 10_000 });
    // Silent again; Connect from the row: it keeps trying, and its Disconnect can be pressed.
    await dongle.emu.close();
    const toggle = `${row(id)} [data-testid="paired-toggle"]`;
    await page.click(toggle);
    await page.waitForSelector(`${row(id)}[data-state="connecting"]`, { timeout: 5000 });
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'Disconnect' && !document.querySelector(sel)?.hasAttribute('aria-disabled'), toggle, { timeout: 5000 });
    const t0 = Date.now();
    await page.click(toggle);
    await page.waitForSelector(`${row(id)}[data-state="stopped"]`, { timeout: 8000 });
    assert.ok(Date.now() - t0 < 6000, `stopped after ${Date.now() - t0} ms`);
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'Connect cancelled: not connected.', `${row(id)} [data-testid="paired-note"]`, { timeout: 8000 });
    assert.equal(await page.$(`${row(id)} .form-error`), null, 'no error for a connect the user called off');
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'Connect', toggle, { timeout: 5000 });
  });
});
