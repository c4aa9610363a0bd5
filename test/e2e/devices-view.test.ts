// The Devices view in real Chromium against the real core in serve mode: type a serial path (a
// socat pseudo-terminal with an emulated Cyton dongle behind it), connect, see it stream, rename
// it, disconnect it; a wrong path is refused with the reason and not remembered; a Bluetooth scan
// on a machine without Bluetooth says so; BrainFlow's synthetic board connects through the library
// the user points to.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, collectPageProblems, launchChromium } from './support/chromium';
import { rendererMissing, startServeFixture, type ServeFixture } from './support/serve-fixture';
import { CytonEmulator } from '../../src/main/devices/emulator/cyton-emulator';
import { PtyPair, NEED_SOCAT } from '../fixtures/pty';

const BF_DIR = resolve('..', 'shared', 'brainflow', 'linux-x64');
const skip = chromiumMissing() || rendererMissing() || NEED_SOCAT;

describe('Devices view (Chromium, serve mode)', { skip }, () => {
  let serve: ServeFixture;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let pty: PtyPair;
  let emu: CytonEmulator;

  before(async () => {
    pty = new PtyPair('e2e-devices');
    await pty.plug();
    emu = new CytonEmulator({ path: pty.device, countsAt: (i, out) => out.fill((i % 250) * 100) });
    await emu.open();
    serve = await startServeFixture({ demo: false });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    problems = collectPageProblems(page);
    await page.goto(`${serve.url}#/devices`);
    await page.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 10_000 });
  });

  after(async () => {
    await browser?.close();
    await serve?.close();
    await emu?.close();
    await pty?.unplug();
  });

  const row = (deviceId: string) => `[data-testid="paired-${deviceId}"]`;

  test('no devices yet; a mistyped port is refused with the reason and not remembered', async () => {
    await page.waitForSelector('[data-testid="paired-empty"]', { timeout: 10_000 });
    await page.fill('[data-testid="serial-path"]', '/dev/ttyNOPE7');
    await page.selectOption('[data-testid="serial-kind"]', 'cyton');
    await page.click('[data-testid="serial-connect"]');
    const err = await page.waitForSelector('[data-testid="serial-error"]', { timeout: 15_000 });
    assert.match(await err.innerText(), /cannot open \/dev\/ttyNOPE7: port not found/);
    assert.ok(await page.$('[data-testid="paired-empty"]'), 'still no paired device');
  });

  test('type the pseudo-terminal path, connect the Cyton, see it stream; rename; disconnect', async () => {
    await page.fill('[data-testid="serial-path"]', pty.app);
    await page.click('[data-testid="serial-connect"]');
    const id = `cyton:${pty.app}`;
    await page.waitForSelector(`${row(id)}[data-state="streaming"]`, { timeout: 15_000 });
    assert.ok(serve.core.hub.streams().some((s) => s.id === `${id}/eeg` && s.nominalRateHz === 250), 'the hub streams it');
    const saved = JSON.parse(readFileSync(join(serve.core.ctx.dataDir, 'devices.json'), 'utf8'));
    assert.equal(saved.paired[0].deviceId, id);

    await page.click(`${row(id)} [data-testid="paired-rename"]`);
    await page.fill(`${row(id)} [data-testid="rename-input"]`, 'Lab Cyton');
    await page.click(`${row(id)} [data-testid="rename-save"]`);
    await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === 'Lab Cyton', `${row(id)} [data-testid="paired-name"]`, { timeout: 5000 });

    await page.click(`${row(id)} [data-testid="paired-toggle"]`);
    await page.waitForSelector(`${row(id)}[data-state="stopped"]`, { timeout: 10_000 });
    assert.ok(!serve.core.hub.streams().some((s) => s.deviceId === id));
  });

  test('Bluetooth scan on a machine without Bluetooth says so', async () => {
    await page.click('[data-testid="ble-scan"]');
    const err = await page.waitForSelector('[data-testid="ble-error"]', { timeout: 15_000 });
    assert.match(await err.innerText(), /Bluetooth unavailable/);
  });

  test("BrainFlow: point to the library, connect the synthetic board", { skip: !existsSync(join(BF_DIR, 'libBoardController.so')) && 'needs ../shared/brainflow' }, async () => {
    await page.fill('[data-testid="bf-lib-path"]', BF_DIR);
    await page.click('[data-testid="bf-lib-set"]');
    await page.waitForFunction(() => /version/.test(document.querySelector('[data-testid="bf-library"]')?.textContent ?? ''), undefined, { timeout: 10_000 });
    await page.selectOption('[data-testid="bf-board"]', '-1');
    await page.click('[data-testid="bf-connect"]');
    await page.waitForSelector(`${row('brainflow:-1')}[data-state="streaming"]`, { timeout: 15_000 });
    await page.click(`${row('brainflow:-1')} [data-testid="paired-toggle"]`);
    await page.waitForSelector(`${row('brainflow:-1')}[data-state="stopped"]`, { timeout: 10_000 });
  });

  test('the page logged no errors', () => {
    assert.deepEqual(problems, []);
  });
});
