// Retry, by keyboard: a view that failed to load and a panel that stopped working each offer Retry.
// Pressing it removes the message and its button; the focus must not fall to the page body (a
// keyboard user's next Tab would start again from the top of the page). It lands on the reloaded
// view (its main region, which says the view's name) or the panel's first control, and on the new
// Retry button when it fails again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from './support/chromium';
import { rendererMissing, startServeFixture, type ServeFixture } from './support/serve-fixture';

const skip = chromiumMissing() || rendererMissing();

describe('Retry keeps the keyboard focus (Chromium, serve mode)', { skip }, () => {
  let serve: ServeFixture;
  let browser: Browser;
  let page: Page;

  before(async () => {
    serve = await startServeFixture();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 10_000 });
  });

  after(async () => {
    await browser?.close();
    await serve?.close();
  });

  /** What has the focus: its tag, and its text or label. */
  const focused = () =>
    page.evaluate(() => {
      const a = document.activeElement;
      return { tag: a?.tagName ?? 'none', text: (a?.getAttribute('aria-label') ?? a?.textContent ?? '').trim().slice(0, 40), inFailed: !!a?.closest('.panel-failed') };
    });

  test('a view that failed to load: Retry that fails again lands on the new Retry; Retry that loads lands on the view', async () => {
    let fail = true;
    await page.route(/\/assets\/sessions-view-[^/]*\.js$/, (r) => (fail ? r.abort() : r.continue()));
    await page.click('nav a[href="#/sessions"]');
    const retry = page.locator('[data-testid="view-failed"] button', { hasText: 'Retry' });
    await retry.waitFor({ timeout: 10_000 });
    await retry.focus();
    await page.keyboard.press('Enter');
    // The notice goes and comes back with a new button: the focus is on it, not on the page body.
    await page.waitForFunction(() => document.activeElement?.closest('[data-testid="view-failed"]') && document.activeElement.textContent === 'Retry', undefined, { timeout: 10_000 });
    fail = false;
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('main h1')?.textContent === 'Sessions', undefined, { timeout: 10_000 });
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
