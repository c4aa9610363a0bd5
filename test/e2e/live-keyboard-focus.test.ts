// The keyboard focus on the live dashboard when a control goes away or is disabled under it: the
// focus must not fall to the page body (a keyboard user's next Tab would start again from the top of
// the page).
// - Retry: a view that failed to load and a panel that stopped working each offer Retry. Pressing it
//   removes the message and its button: the focus lands on the reloaded view (its main region, which
//   says the view's name) or the panel's first control, and on the new Retry when it fails again.
// - Controls disabled while their action runs (a device's Start/Stop, settings and Inject; Signal
//   settings' Apply): the focus comes back to the control, or to the line saying what is in force
//   when Apply stays disabled (nothing left to apply).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';

const skip = servedPageMissing();

describe('the keyboard focus on the live dashboard (Chromium, serve mode)', { skip }, () => {
  let app: ServedPage;
  let page: Page;

  before(async () => {
    app = await openServedPage();
    page = app.page;
  });

  after(() => app?.close());

  /** What has the focus: its tag, and its text or label. */
  const focused = () =>
    page.evaluate(() => {
      const a = document.activeElement;
      return { tag: a?.tagName ?? 'none', text: (a?.getAttribute('aria-label') ?? a?.textContent ?? '').trim().slice(0, 40), inFailed: !!a?.closest('.panel-failed') };
    });

  /** The focused element's data-testid and whether it sits in `within`. */
  const focusIn = (within: string) =>
    page.evaluate((sel) => ({ id: document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName, inside: !!document.activeElement?.closest(sel) }), within);

  /** What the view region shows and what has the focus, for a failure message. */
  const pageState = () =>
    page.evaluate(() => ({
      main: document.querySelector('main')?.textContent?.trim().slice(0, 160),
      focus: `${document.activeElement?.tagName} ${document.activeElement?.textContent?.trim().slice(0, 40)}`,
    }));

  /** Polls a Node-side condition every 50 ms; fails with `what()` after `ms`. */
  const until = async (ok: () => boolean, ms: number, what: () => string) => {
    const deadline = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`not within ${ms / 1000} s: ${what()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  test("a device's Stop and Start, a setting and Inject keep the focus while they run", async () => {
    const strap = app.serve.core.hub.streams().find((s) => s.modality === 'ecg')!.deviceId;
    const card = `[data-testid="device-${strap}"]`;
    await page.waitForSelector(`${card}[data-state="streaming"]`, { timeout: 10_000 });
    await page.focus(`${card} [data-testid="device-toggle"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${card}[data-state="stopped"]`, { timeout: 5_000 });
    await page.waitForSelector(`${card} [data-testid="device-toggle"]:not([disabled])`, { timeout: 5_000 });
    assert.deepEqual(await focusIn(card), { id: 'device-toggle', inside: true }, 'Stop keeps the focus');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${card}[data-state="streaming"]`, { timeout: 5_000 });
    await page.waitForSelector(`${card} [data-testid="device-toggle"]:not([disabled])`, { timeout: 5_000 });
    assert.deepEqual(await focusIn(card), { id: 'device-toggle', inside: true }, 'Start keeps the focus');

    await page.focus(`${card} [data-testid="setting-heartRateBpm"]`);
    await page.selectOption(`${card} [data-testid="setting-heartRateBpm"]`, '90');
    await page.waitForFunction((c) => document.querySelector<HTMLSelectElement>(`${c} [data-testid="setting-heartRateBpm"]`)?.value === '90', card, { timeout: 5_000 });
    await page.waitForSelector(`${card} [data-testid="setting-heartRateBpm"]:not([disabled])`, { timeout: 5_000 });
    assert.deepEqual(await focusIn(card), { id: 'setting-heartRateBpm', inside: true }, 'a setting keeps the focus');

    await page.selectOption(`${card} [data-testid="fault-select"]`, 'line-noise');
    await page.focus(`${card} [data-testid="fault-inject"]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${card} [data-testid="fault-inject"]:not([disabled])`, { timeout: 5_000 });
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'fault-inject', undefined, { timeout: 5_000 }).catch(() => undefined);
    assert.deepEqual(await focusIn(card), { id: 'fault-inject', inside: true }, 'Inject keeps the focus');
  });

  test("Signal settings: Enter in a field keeps the focus there; Apply, disabled once applied, hands it to the line saying what is in force", async () => {
    const panel = '[data-testid="signal-settings"]';
    await page.fill(`${panel} [data-testid="signal-hopSec"]`, '2');
    await page.focus(`${panel} [data-testid="signal-hopSec"]`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /windows 5 s \/ 2 s/.test(document.querySelector('[data-testid="signal-summary"]')?.textContent ?? ''), undefined, { timeout: 10_000 });
    await page.waitForSelector(`${panel} [data-testid="signal-hopSec"]:not([disabled])`, { timeout: 5_000 });
    assert.deepEqual(await focusIn(panel), { id: 'signal-hopSec', inside: true });
    await page.fill(`${panel} [data-testid="signal-hopSec"]`, '1');
    await page.focus(`${panel} [data-testid="signal-apply"]`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /windows 5 s \/ 1 s/.test(document.querySelector('[data-testid="signal-summary"]')?.textContent ?? ''), undefined, { timeout: 10_000 });
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'signal-summary', undefined, { timeout: 5_000 }).catch(() => undefined);
    assert.deepEqual(await focusIn(panel), { id: 'signal-summary', inside: true });
  });

  test('a view that failed to load: Retry that fails again lands on the new Retry; Retry that loads lands on the view', async () => {
    let fail = true;
    // Each fetch of the view's file, as the route saw it: a wait that times out says which step
    // never came (the fetch, its failure, or the focus), not only that the focus was elsewhere.
    let fetches = 0;
    await page.route(/\/assets\/sessions-view-[^/]*\.js$/, (r) => {
      fetches += 1;
      return fail ? r.abort() : r.continue();
    });
    await page.click('nav a[href="#/sessions"]');
    const retry = page.locator('[data-testid="view-failed"] button', { hasText: 'Retry' });
    await retry.waitFor({ timeout: 10_000 });
    await retry.focus();
    await page.keyboard.press('Enter');
    await until(() => fetches >= 2, 30_000, () => `Retry fetched the view again (fetches seen: ${fetches})`);
    // The notice goes and comes back with a new button once the fetch has failed: the focus is on
    // it, not on the page body.
    await page
      .waitForFunction(() => document.activeElement?.closest('[data-testid="view-failed"]') && document.activeElement.textContent === 'Retry', undefined, { timeout: 15_000 })
      .catch(async (err) => {
        throw new Error(`the focus is not on the new Retry: ${JSON.stringify(await pageState())}`, { cause: err });
      });
    fail = false;
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('main h1')?.textContent === 'Sessions', undefined, { timeout: 15_000 });
    await page.waitForFunction(() => document.activeElement?.id === 'main', undefined, { timeout: 5_000 }).catch(() => undefined);
    const f = await focused();
    assert.equal(f.tag, 'MAIN', `the focus is on the view's main region, not ${f.tag} ${f.text}`);
    assert.equal(f.text, 'Sessions');
    await page.waitForFunction(() => document.querySelector('[data-testid="view-announcer"]')?.textContent?.startsWith('Sessions view'), undefined, { timeout: 5_000 });
    await page.unroute(/\/assets\/sessions-view-[^/]*\.js$/);
  });

  test("a panel that stopped working: Retry that fails again lands on the new Retry; Retry that works lands on the panel's first control", async () => {
    await page.click('nav a[href="#/live"]');
    await page.waitForSelector('[data-testid="trace-eeg"] canvas', { timeout: 10_000 });
    // Every number the dashboard formats throws for a moment: the panels drawing numbers stop working.
    await page.evaluate(() => {
      const w = window as unknown as { __toFixed: typeof Number.prototype.toFixed };
      w.__toFixed = Number.prototype.toFixed;
      Number.prototype.toFixed = function () {
        throw new Error('formatting broken for the test');
      };
    });
    const eegFailed = page.locator('.panel-failed', { hasText: 'panel: EEG stopped working' });
    await eegFailed.waitFor({ timeout: 10_000 });
    await eegFailed.locator('button').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.closest('.panel-failed')?.textContent?.includes('panel: EEG stopped working') && document.activeElement.textContent === 'Retry', undefined, { timeout: 5_000 });
    await page.evaluate(() => {
      Number.prototype.toFixed = (window as unknown as { __toFixed: typeof Number.prototype.toFixed }).__toFixed;
    });
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="trace-eeg"] canvas', { timeout: 5_000 });
    await page.waitForFunction(() => document.activeElement?.tagName === 'SELECT', undefined, { timeout: 5_000 }).catch(() => undefined);
    const f = await focused();
    assert.equal(f.tag, 'SELECT', `the focus is on the EEG panel's scale, not ${f.tag} ${f.text}`);
    assert.ok(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="trace-eeg"]')), 'inside the EEG panel');
  });
});
