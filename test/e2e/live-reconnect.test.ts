// The core goes away under an open dashboard (serve stopped) and comes back on the same port, in
// real Chromium: while it is away the page says so and marks every figure it keeps as the last the
// core sent (not as live), device and recording controls that can only fail are disabled, and a
// view first opened meanwhile (its module is served by the core) fails; when the core is back the
// page reconnects by itself, the figures are current again and that view loads without a reload,
// its banner line gone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServe, type ServeHandle } from '../../src/main/serve/serve-command';
import { chromiumMissing, launchChromium } from './support/chromium';
import { answerNextWindow } from './support/inference-fixture';
import { RENDERER_DIR, rendererMissing } from './support/serve-fixture';

const skip = chromiumMissing() || rendererMissing();

describe('live dashboard when the core goes away and comes back (Chromium, serve mode)', { skip }, () => {
  let dataDir: string;
  let serve: ServeHandle | null = null;
  let port: number;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const modelsDir = process.env.HEARTMIND_MODELS_DIR;

  // The shipped model, so the estimates panel has an answer to keep.
  const start = (p: number) => startServe({ port: p, dataDir, rendererDir: RENDERER_DIR, demo: true, onLog: () => {} });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hm-e2e-reconnect-'));
    delete process.env.HEARTMIND_MODELS_DIR;
    serve = await start(0);
    port = Number(new URL(serve.server.url).port);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    // Refused connections while the core is away are logged by Chromium as console errors: expected.
    // An exception in the page is not.
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(serve.server.url);
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    if (modelsDir === undefined) delete process.env.HEARTMIND_MODELS_DIR;
    else process.env.HEARTMIND_MODELS_DIR = modelsDir;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const text = (sel: string) => page.$eval(sel, (e) => e.textContent ?? '').catch(() => '');

  /**
   * What the page says about the core, taken in the first render where `cue` holds (a mutation
   * observer runs right after that render): each panel renders on its own throttle, and they went
   * over one by one, up to half a second apart (the notice beside a pill saying Connected).
   */
  const atFirstRenderWhere = (cue: string) =>
    page.evaluate(`window.__seen = null; new MutationObserver((_, mo) => {
      if (!(${cue})) return;
      mo.disconnect();
      const q = (s) => document.querySelector(s);
      window.__seen = {
        pill: q('[data-testid="connection"]')?.getAttribute('data-state') + ' ' + q('[data-testid="connection"]')?.textContent.trim(),
        notice: !!q('[data-testid="disconnected"]'),
        stale: ['tile-hr', 'tile-windows', 'devices', 'windows'].filter((t) => q('[data-testid="' + t + '"]')?.getAttribute('data-stale') === 'true'),
        record: q('[data-testid="record-start"]')?.disabled,
      };
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });`);
  const seen = async () => {
    await page.waitForFunction(() => (window as unknown as { __seen: unknown }).__seen !== null, undefined, { timeout: 10_000 });
    return page.evaluate('window.__seen');
  };

  test('connected: live figures, no notice', async () => {
    await page.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 10_000 });
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="tile-hr"] .tile-value')?.textContent ?? ''), undefined, { timeout: 15_000 });
    await page.waitForSelector('[data-testid="model-fed"]', { timeout: 60_000 });
    assert.equal(await page.$('[data-testid="disconnected"]'), null);
    assert.equal(await page.$('[data-testid="tile-hr"][data-stale]'), null);
    // A skipped window numbered past anything this core will reach before it stops: as a skip noted
    // under a core that ran longer looks to the core that replaces it (which numbers from 0 again).
    await answerNextWindow(page, { type: 'skipped', code: 'bad-input', message: 'injected before the restart' }, 1_000_000);
    await page.waitForSelector('[data-testid="estimate-panel"] [data-testid="window-skipped"]', { timeout: 30_000 });
  });

  test('the core stops: the page says since when, and keeps its figures marked as the last the core sent', async () => {
    await atFirstRenderWhere(`document.querySelector('[data-testid="disconnected"]')`);
    await serve!.stop();
    serve = null;
    assert.deepEqual(
      await seen(),
      { pill: 'connecting Reconnecting…', notice: true, stale: ['tile-hr', 'tile-windows', 'devices', 'windows'], record: true },
      'the notice, the pill, every figure marked as the last and Record disabled: all in the one render',
    );
    const notice = await page.waitForSelector('[data-testid="disconnected"]', { timeout: 5_000 });
    assert.match((await notice.textContent()) ?? '', /no contact with the core since \d\d:\d\d:\d\d/);
    assert.match(await text('[data-testid="connection"]'), /Reconnecting/, 'the pill says it is trying again, not connecting for the first time');
    for (const tile of ['tile-hr', 'tile-hrv', 'tile-quality', 'tile-windows']) {
      await page.waitForSelector(`[data-testid="${tile}"][data-stale="true"]`, { timeout: 5_000 });
      assert.match(await text(`[data-testid="${tile}"] .tile-hint`), /last figure: no contact with the core/, tile);
    }
    await page.waitForSelector('[data-testid="devices"][data-stale="true"]', { timeout: 5_000 });
    assert.match(await text('[data-testid="devices"] .panel-header'), /last known states: no contact with the core/);
    assert.doesNotMatch(await text('[data-testid="devices"] .panel-header'), /\d streaming/, 'no device is said to stream');
    const toggles = await page.$$eval('[data-testid="device-toggle"]', (bs) => bs.map((b) => (b as HTMLButtonElement).disabled));
    assert.ok(toggles.length > 0 && toggles.every(Boolean), 'Start/Stop is disabled: it could only fail');
    assert.match(await text('[data-testid="windows"] .panel-header'), /no contact with the core .*: no new windows/);
    assert.doesNotMatch(await text('[data-testid="windows"] .panel-header'), /arrived/);
    await page.waitForSelector('[data-testid="estimate-panel"][data-stale="true"]', { timeout: 5_000 });
    assert.match(await text('[data-testid="estimate-panel"]'), /last estimate: no contact with the core/);
    // Record and Marker could only fail: disabled, and the bar says why.
    const recordBar = await page.$$eval('[data-testid="record-start"], [data-testid="marker-button"]', (bs) => bs.map((b) => (b as HTMLButtonElement).disabled));
    assert.deepEqual(recordBar, [true, true], 'Record and Marker are disabled');
    assert.match(await text('[data-testid="record-offline"]'), /No contact with the core: recording and markers wait until it is back/);
  });

  test('a view opened while the core is away fails to load, and says so', async () => {
    await page.click('nav a[href="#/sessions"]');
    await page.waitForSelector('[data-testid="view-failed"]', { timeout: 10_000 });
  });

  test('the core is back: the page reconnects by itself, the failed view loads, the figures are current', async () => {
    await atFirstRenderWhere(`document.querySelector('[data-testid="connection"]')?.getAttribute('data-state') === 'open'`);
    serve = await start(port);
    await page.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 15_000 });
    // (The page shows the Sessions view that failed to load: no panels, no record bar.)
    const back = (await seen()) as { pill: string; notice: boolean };
    assert.deepEqual([back.pill, back.notice], ['open Connected · serve mode', false], 'the pill says Connected in the render that takes the notice away');
    assert.equal(await page.$('[data-testid="disconnected"]'), null, 'the notice is gone');
    // The Sessions view is fetched again without a reload, and the banner no longer says it failed.
    await page.waitForSelector('[data-testid="view-failed"]', { state: 'detached', timeout: 10_000 });
    await page.waitForFunction(() => (document.querySelector('main h1')?.textContent ?? '') === 'Sessions', undefined, { timeout: 10_000 });
    assert.doesNotMatch(await text('.content'), /view: Sessions/, 'no banner line about the failed load');
    await page.click('nav a[href="#/live"]');
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="tile-hr"] .tile-value')?.textContent ?? ''), undefined, { timeout: 15_000 });
    assert.equal(await page.$('[data-testid="tile-hr"][data-stale]'), null, 'heart rate is live again');
    await page.waitForFunction(() => /\d streaming/.test(document.querySelector('[data-testid="devices"] .panel-header')?.textContent ?? ''), undefined, { timeout: 10_000 });
    const toggles = await page.$$eval('[data-testid="device-toggle"]', (bs) => bs.map((b) => (b as HTMLButtonElement).disabled));
    assert.ok(toggles.length > 0 && toggles.every((d) => !d), 'device controls work again');
    const recordBar = await page.$$eval('[data-testid="record-start"], [data-testid="marker-button"]', (bs) => bs.map((b) => (b as HTMLButtonElement).disabled));
    assert.deepEqual(recordBar, [false, false], 'Record and Marker work again');
    assert.equal(await page.$('[data-testid="record-offline"]'), null);
    // The estimate is current again: the old core's skip does not wait for a window past its number.
    await page.waitForFunction(() => !document.querySelector('[data-testid="estimate-panel"]')?.hasAttribute('data-stale'), undefined, { timeout: 30_000 });
    assert.equal(await page.$('[data-testid="estimate-panel"] [data-testid="window-skipped"]'), null);
    assert.deepEqual(pageErrors, []);
  });
});
