// The core is rebuilt (an update) and started again under an open dashboard, in real Chromium: the
// page reconnects by itself, but its files are gone from the core (a build names each file by its
// content), so a view it had not opened could never load and Retry could not help. The page now
// says it is out of date and offers a reload, which brings the new build. A restart of the same
// build says nothing, and a view that failed to load while the core was away leaves no banner line
// once the user has left it. The "rebuild" renames the scripts in a copy of out/renderer, as a real
// rebuild does.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServe, type ServeHandle } from '../../src/main/serve/serve-command';
import { chromiumMissing, launchChromium } from './support/chromium';
import { RENDERER_DIR, rendererMissing } from './support/serve-fixture';

const skip = chromiumMissing() || rendererMissing();

/**
 * What a rebuild that changed the Sessions view does to the files: every chunk that changed, or
 * imports one that did, gets a new name (the build hashes a chunk with what it imports). Here every
 * script is renamed; the page's cache keeps the old files (served as immutable), as a browser does.
 */
function rebuild(dir: string): void {
  const assets = join(dir, 'assets');
  const scripts = readdirSync(assets).filter((n) => n.endsWith('.js'));
  assert.ok(scripts.some((n) => /^sessions-view-.*\.js$/.test(n)), `the build has a Sessions chunk (${scripts.join(', ')})`);
  const renames = new Map(scripts.map((n) => [n, n.replace(/\.js$/, 'R.js')]));
  const rename = (text: string) => [...renames].reduce((t, [from, to]) => t.split(from).join(to), text);
  for (const n of scripts) writeFileSync(join(assets, n), rename(readFileSync(join(assets, n), 'utf8')));
  for (const [from, to] of renames) renameSync(join(assets, from), join(assets, to));
  writeFileSync(join(dir, 'index.html'), rename(readFileSync(join(dir, 'index.html'), 'utf8')));
}

describe('a dashboard left open while the core is rebuilt and restarted (Chromium, serve mode)', { skip }, () => {
  let tmp: string;
  let rendererDir: string;
  let dataDir: string;
  let serve: ServeHandle | null = null;
  let port = 0;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const start = async () => {
    serve = await startServe({ port, dataDir, rendererDir, demo: false, onLog: () => {} });
    port = Number(new URL(serve.server.url).port);
  };
  const connected = () => page.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 15_000 });
  /** Stops the core and waits until the page has noticed (so the next 'open' is a reconnect). */
  const stop = async () => {
    await serve!.stop();
    serve = null;
    await page.waitForSelector('[data-testid="connection"]:not([data-state="open"])', { timeout: 15_000 });
  };

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'hm-e2e-stale-'));
    rendererDir = join(tmp, 'renderer');
    dataDir = join(tmp, 'data');
    cpSync(RENDERER_DIR, rendererDir, { recursive: true });
    await start();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Refused connections and the 404 of the old view's file are console errors: expected here.
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(serve!.server.url);
    await connected();
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('a view opened while the core is away fails; left, its banner line goes with it', async () => {
    await stop();
    await page.click('nav a[href="#/training"]');
    await page.waitForSelector('[data-testid="view-failed"]', { timeout: 15_000 });
    assert.match(await page.innerText('.content'), /view: Training/, 'the banner says the view could not load');
    await page.click('nav a[href="#/live"]');
    await page.waitForSelector('[data-testid="tile-hr"]', { timeout: 15_000 });
    // It stayed there after the core came back, about a view no longer shown (opened again, it is fetched afresh).
    assert.doesNotMatch(await page.innerText('.content'), /view: Training/, 'no banner line about a view that is not shown');
  });

  test('the same build started again: the page reconnects and says nothing about its version', async () => {
    await start();
    await connected();
    await page.click('nav a[href="#/models"]');
    await page.waitForFunction(() => document.querySelector('main h1')?.textContent === 'Models', undefined, { timeout: 15_000 });
    // The check runs on the reconnect; its answer (same entry) has had the time a view took to load.
    await page.waitForTimeout(1000);
    assert.equal(await page.$('[data-testid="stale-build"]'), null, 'no out-of-date notice for the same build');
  });

  test('a rebuilt core: the page says it is out of date, and a view it had not opened offers a reload', async () => {
    await stop();
    rebuild(rendererDir);
    await start();
    await connected();
    const notice = await page.waitForSelector('[data-testid="stale-build"]', { timeout: 15_000 });
    assert.match((await notice.textContent()) ?? '', /rebuilt or updated since this page opened.*Reload the page/, 'the notice says why and what to do');
    await page.click('nav a[href="#/sessions"]');
    const failed = await page.waitForSelector('[data-testid="view-failed"]', { timeout: 15_000 });
    assert.match((await failed.textContent()) ?? '', /Sessions view could not load: this page is older than the HeartMind the core now serves/, 'the view says why');
    assert.equal(await failed.$eval('button', (b) => b.textContent), 'Reload the page', 'and offers a reload, not a Retry that cannot work');
  });

  test('the reload brings the new build: the view loads and the notice is gone', async () => {
    await Promise.all([page.waitForEvent('load'), page.click('[data-testid="view-failed"] button')]);
    await connected();
    await page.waitForFunction(() => document.querySelector('main h1')?.textContent === 'Sessions', undefined, { timeout: 15_000 });
    assert.match((await page.getAttribute('script[type="module"][src]', 'src')) ?? '', /R\.js$/, 'the page runs the new entry');
    assert.equal(await page.$('[data-testid="stale-build"]'), null, 'no notice');
    assert.deepEqual(pageErrors, [], 'no exception in the page');
  });
});
