// What the live dashboard costs over a long session (real Chromium, serve mode in this process),
// counted rather than timed: a full log takes a new line by adding one row, not by building all
// of them again; and a page that is hidden (another tab in front) touches no element however much
// the core sends, then shows the latest as soon as it is in front again; traces scrolled out of view
// are not drawn.
// bench/soak.bench.ts measures the same over minutes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';

const skip = servedPageMissing();

describe('live dashboard over a long run (Chromium, serve mode)', { skip }, () => {
  let app: ServedPage;
  let page: Page;

  before(async () => {
    app = await openServedPage({ route: '#/live' });
    page = app.page;
  });

  after(() => app?.close());

  /**
   * Waits until a row of the log says `text`. Not only the last row: on a loaded machine the demo
   * devices stall and the hub logs their gaps ('no data since …', 'data again after …') right after
   * the test's line, and a wait for the last row to say it then never ended.
   */
  const logShows = (text: string) =>
    page.waitForFunction((t) => Array.from(document.querySelectorAll('[data-testid="log"] ol li')).some((li) => li.textContent?.includes(t)), text, { timeout: 15_000, polling: 100 });

  test('a full log takes a new line by adding one row and dropping the oldest, the other rows untouched', async () => {
    // Fill the list past its 300 rows (hours of a real session's lines).
    for (let i = 0; i < 320; i++) app.serve.core.ctx.log('info', 'soak', `filler line ${i}`);
    await logShows('filler line 319');
    const rows = await page.$$eval('[data-testid="log"] ol li', (li) => li.length);
    assert.equal(rows, 300, 'the log shows its last 300 lines');
    const loggedBefore = app.serve.logs.length;
    await page.evaluate(() => {
      const w = window as unknown as { __logAdded: number; __logRemoved: number };
      w.__logAdded = 0;
      w.__logRemoved = 0;
      new MutationObserver((records) => {
        for (const r of records) {
          w.__logAdded += r.addedNodes.length;
          w.__logRemoved += r.removedNodes.length;
        }
      }).observe(document.querySelector('[data-testid="log"] ol')!, { childList: true });
    });
    app.serve.core.ctx.log('info', 'soak', 'one more line');
    await logShows('one more line');
    const changed = await page.evaluate(() => {
      const w = window as unknown as { __logAdded: number; __logRemoved: number };
      return { added: w.__logAdded, removed: w.__logRemoved };
    });
    // Lines the core logged meanwhile (the demo devices, a slow request on a loaded machine) come
    // too: a row each, never all 300 again.
    const logged = app.serve.logs.length - loggedBefore;
    assert.ok(changed.added >= 1 && changed.added <= logged && changed.removed === changed.added, `rows added/removed for ${logged} new line(s): ${JSON.stringify(changed)}`);
    assert.equal(await page.$$eval('[data-testid="log"] ol li', (li) => li.length), 300, 'still 300 rows');
  });

  test('traces scrolled out of view are not drawn; scrolled back they draw again', async () => {
    const drawn = () => page.evaluate(() => window.__heartmindFrames?.drawn ?? 0);
    await page.setViewportSize({ width: 1440, height: 500 });
    try {
      const d0 = await drawn();
      await page.waitForFunction((n) => (window.__heartmindFrames?.drawn ?? 0) > n + 3, d0, { timeout: 15_000 });
      await page.evaluate(() => document.querySelector('[data-testid="log"]')!.scrollIntoView());
      const out = await page.evaluate(() =>
        ['trace-eeg', 'trace-ecg'].every((id) => {
          const r = document.querySelector(`[data-testid="${id}"]`)!.getBoundingClientRect();
          return r.bottom <= 0 || r.top >= innerHeight;
        }),
      );
      assert.ok(out, 'both trace panels are out of the viewport');
      // The observer says so on a later frame (later still on a loaded machine): the drawing stops
      // within seconds, then stays stopped.
      let d1 = await drawn();
      for (let quietSince = Date.now(), deadline = Date.now() + 10_000; Date.now() - quietSince < 1_000; ) {
        assert.ok(Date.now() < deadline, `the traces out of view are still drawn 10 s on (${d1} frames)`);
        await page.waitForTimeout(200);
        const d = await drawn();
        if (d !== d1) [d1, quietSince] = [d, Date.now()];
      }
      await page.waitForTimeout(2_000);
      assert.equal(await drawn(), d1, 'no frame drawn while the traces are out of view');
      await page.evaluate(() => document.querySelector('[data-testid="trace-eeg"]')!.scrollIntoView());
      await page.waitForFunction((n) => (window.__heartmindFrames?.drawn ?? 0) > n, d1, { timeout: 15_000 });
    } finally {
      await page.setViewportSize({ width: 1440, height: 1000 });
    }
  });

  /**
   * Hides or shows the page as a browser does when its tab goes to the background: headless
   * Chromium keeps every page 'visible' (and only slows its frames), so the page's own view of it
   * is set, and the event it listens to sent.
   */
  const setHidden = (hidden: boolean) =>
    // (A string: tsx names the getters with a helper the page does not have.)
    page.evaluate(
      hidden
        ? `Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
           Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
           document.dispatchEvent(new Event('visibilitychange'));`
        : `delete document.hidden; delete document.visibilityState; document.dispatchEvent(new Event('visibilitychange'));`,
    );

  test('a hidden page changes no element however much the core sends; shown again it shows the latest at once', async () => {
    // The panels are live before: the count below is not zero for want of data.
    await page.waitForFunction(() => document.querySelectorAll('tr[data-seq]').length > 0, undefined, { timeout: 15_000 });
    await setHidden(true);
    // A render already scheduled when the page was hidden is skipped when it falls due (≤ 0.5 s).
    await page.waitForTimeout(600);
    await page.evaluate(() => {
      const w = window as unknown as { __mutations: number };
      w.__mutations = 0;
      new MutationObserver((records) => void (w.__mutations += records.length)).observe(document.querySelector('.dashboard')!, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
        // The traces' channel labels are placed by the frame loop (a style), which a hidden page does not run.
        attributeFilter: ['class', 'data-seq', 'data-state', 'data-stale', 'aria-label', 'title', 'value'],
      });
    });
    // The devices keep streaming meanwhile: windows, features, trace blocks and log lines go on.
    const seq0 = await page.$$eval('tr[data-seq]', (rows) => Math.max(...rows.map((r) => Number(r.getAttribute('data-seq')))));
    app.serve.core.ctx.log('info', 'soak', 'said while hidden');
    // Three seconds, and the windows past the page's last that the core has sent meanwhile (fewer
    // than three a loaded machine takes longer over).
    let sent = 0;
    const off = app.serve.core.hub.subscribe({ window: (w) => void (w.seq >= seq0 + 2 && sent++) });
    try {
      const t0 = Date.now();
      while (Date.now() - t0 < 3_000 || (sent === 0 && Date.now() - t0 < 15_000)) await page.waitForTimeout(250);
      assert.ok(sent > 0, `the core sent window #${seq0 + 2} or later while the page was hidden`);
    } finally {
      off();
    }
    const mutations = await page.evaluate(() => (window as unknown as { __mutations: number }).__mutations);
    assert.equal(mutations, 0, 'no element of the dashboard changed while hidden');

    await setHidden(false);
    await logShows('said while hidden');
    // In the render that brought the log line back (every panel renders at once when shown).
    const seq1 = await page.$$eval('tr[data-seq]', (rows) => Math.max(...rows.map((r) => Number(r.getAttribute('data-seq')))));
    assert.ok(seq1 >= seq0 + 2, `the windows that came while hidden are listed at once (newest #${seq1}, was #${seq0})`);
    assert.deepEqual(app.problems, [], app.problems.join('\n'));
  });
});
