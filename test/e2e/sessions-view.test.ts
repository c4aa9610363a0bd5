// The Sessions view in real Chromium against the real core in serve mode: record the simulated
// devices with a marker (M key) and a SAM self-report (keyboard only), find the session in the
// library, edit it, replay it (timeline with the marker and the report, pause with Space, seek by
// clicking, full speed to the end), and delete it after confirming.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, collectPageProblems, launchChromium } from './support/chromium';
import { rendererMissing, startServeFixture, type ServeFixture } from './support/serve-fixture';

const skip = chromiumMissing() || rendererMissing();

describe('Sessions view (Chromium, serve mode)', { skip }, () => {
  let serve: ServeFixture;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  before(async () => {
    process.env.HEARTMIND_MARKER_PORT = '0';
    serve = await startServeFixture({ demo: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    problems = collectPageProblems(page);
    await page.goto(`${serve.url}#/sessions`);
    await page.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 15_000 });
  });

  after(async () => {
    delete process.env.HEARTMIND_MARKER_PORT;
    await browser?.close();
    await serve?.close();
  });

  test('record with a marker and a keyboard-only self-report', async () => {
    await page.waitForSelector('[data-testid="library-empty"]', { timeout: 15_000 });
    await page.fill('input[aria-label="Session name"]', 'E2E session');
    await page.fill('input[aria-label="Subject id"]', 'S42');
    await page.click('[data-testid="record-start"]');
    await page.waitForSelector('[data-testid="record-status"]', { timeout: 10_000 });
    await page.locator('main').focus();
    await page.keyboard.press('m');
    await page.waitForSelector('text=/Marker “marker” at/', { timeout: 5_000 });
    await page.keyboard.press('s');
    await page.waitForSelector('[data-testid="sam-panel"]');
    // 7 → valence, focus moves on; 3 → arousal; 5 → dominance; Enter saves.
    for (const k of ['7', '3', '5', 'Enter']) await page.keyboard.press(k);
    await page.waitForSelector('text=/Self-report saved \\(V7 A3 D5\\)/', { timeout: 5_000 });
    await page.waitForTimeout(2500);
    await page.click('[data-testid="record-stop"]');
    await page.waitForSelector('text=/Saved “E2E session”/', { timeout: 10_000 });
    const row = page.locator('[data-testid="session-row"]').first();
    await row.waitFor({ timeout: 10_000 });
    const text = await row.innerText();
    assert.match(text, /E2E session/);
    assert.match(text, /S42/);
    assert.match(text, /1\s*·\s*1 SAM/);
  });

  test('search, then rename and tag it', async () => {
    await page.fill('[data-testid="library-search"]', 'no such thing');
    await page.waitForSelector('text=No session matches.');
    await page.fill('[data-testid="library-search"]', 'e2e');
    await page.locator('[data-testid="session-row"]').first().waitFor();
    await page.click('[data-testid="edit-session"]');
    await page.fill('[data-testid="edit-name"]', 'E2E renamed');
    await page.fill('[data-testid="edit-tags"]', 'rest, eyes closed');
    await page.click('[data-testid="edit-save"]');
    await page.waitForSelector('[data-testid="session-row"] >> text=E2E renamed');
    assert.match(await page.locator('[data-testid="session-row"]').first().innerText(), /eyes closed/);
  });

  test('replay: the timeline shows the marker and the report; Space pauses (a focused button keeps its own Space); a click seeks; full speed to the end', async () => {
    await page.fill('[data-testid="library-search"]', '');
    await page.click('[data-testid="open-replay"]');
    const panel = page.locator('[data-testid="replay-panel"]');
    await panel.waitFor({ timeout: 10_000 });
    await page.waitForSelector('[data-testid="timeline"]');
    assert.equal(await page.locator('.tl-marker').count(), 1);
    assert.equal(await page.locator('.tl-report').count(), 1);
    await page.waitForSelector('[data-testid="replay-panel"][data-state="playing"]', { timeout: 5_000 });
    await page.locator('main').focus();
    await page.keyboard.press(' ');
    await page.waitForSelector('[data-testid="replay-panel"][data-state="paused"]', { timeout: 5_000 });
    const box = (await page.locator('[data-testid="timeline"]').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height / 2);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="timeline"]')?.getAttribute('aria-valuenow')) >= 1, undefined, { timeout: 5_000 });
    await page.click('[data-testid="speed-max"]');
    await page.click('[data-testid="replay-toggle"]');
    await page.waitForSelector('[data-testid="replay-panel"][data-state="ended"]', { timeout: 15_000 });
    // Space on a focused button is that button's own (Close), not the replay's play/pause.
    await page.focus('[data-testid="replay-close"]');
    await page.keyboard.press(' ');
    await panel.waitFor({ state: 'detached', timeout: 5_000 });
  });

  test('delete asks first, then removes it', async () => {
    await page.click('[data-testid="delete-session"]');
    await page.waitForSelector('[data-testid="confirm-delete"]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="confirm-delete"]', { state: 'detached' });
    await page.click('[data-testid="delete-session"]');
    await page.click('[data-testid="confirm-delete-yes"]');
    await page.waitForSelector('[data-testid="library-empty"]', { timeout: 10_000 });
    assert.deepEqual(problems, []);
  });

  test('path fields: typed in a browser; with the desktop bridge, Browse… fills them from the native dialog', async () => {
    const importField = '[data-testid="library"] .path-input';
    assert.equal(await page.$(`${importField} .browse-button`), null, 'no Browse… in serve mode (a browser cannot give a path)');
    // Stand in for the preload's pickPath (the transport is already connected) and open the view again.
    // (A string: tsx would wrap a function here in a helper the page does not have.)
    await page.evaluate(`window.__picks = []; window.heartmind = { pickPath: async (req) => (window.__picks.push(req), { ok: true, value: '/data/Subject00_1.edf' }) };`);
    await page.click('nav a[href="#/live"]');
    await page.click('nav a[href="#/sessions"]');
    await page.click(`${importField} .browse-button`);
    await page.waitForFunction(() => (document.querySelector('[data-testid="import-path"]') as HTMLInputElement | null)?.value === '/data/Subject00_1.edf', undefined, { timeout: 5_000 });
    const picks = await page.evaluate(() => (window as unknown as { __picks: { mode: string; filters: { extensions: string[] }[] }[] }).__picks);
    assert.equal(picks.length, 1);
    assert.equal(picks[0].mode, 'open-file');
    assert.ok(picks[0].filters[0].extensions.includes('edf'));
    await page.evaluate(() => delete (window as unknown as { heartmind?: unknown }).heartmind);
  });

  test('a BrainFlow CSV whose columns fit several boards: the error asks for the board, the Board choice names it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hm-e2e-'));
    try {
      const path = join(dir, 'bf32.csv');
      const row = (i: number) => Array.from({ length: 32 }, (_, c) => (c === 0 ? i % 256 : c === 30 ? 1.7e9 + i / 125 : 0).toFixed(6)).join('\t');
      writeFileSync(path, Array.from({ length: 250 }, (_, i) => row(i)).join('\n') + '\n');
      assert.equal(await page.$('[data-testid="import-board"]'), null, 'no Board choice for other files');
      await page.fill('[data-testid="import-path"]', path);
      await page.click('[data-testid="import-button"]');
      await page.waitForSelector('[data-testid="library-message"][role="alert"]:has-text("the Board choice")', { timeout: 10_000 });
      await page.selectOption('[data-testid="import-board"]', 'CytonDaisy');
      await page.click('[data-testid="import-button"]');
      await page.waitForSelector('[data-testid="library-message"]:has-text("Imported “bf32”")', { timeout: 10_000 });
      assert.equal(await page.$('[data-testid="import-board"]'), null, 'the field is cleared, and the Board choice with it');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
