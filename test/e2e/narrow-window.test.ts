// Every view in a small window (800 × 600, 1024 × 768 and 1200 × 900), in real Chromium against
// the real core in serve mode: nothing runs past the window's right edge, neither the page nor the
// view's own scrolling area; every control is wholly inside it and inside its panel; no panel's
// content runs past the panel's border (the Live view's side panels at 1200 and 1400 px too); no
// words are cut short (a placeholder wider than its field, an ellipsis with no tooltip). The
// Sessions table needed some 1000 px on one line: at 800 px its Replay…Delete buttons sat off to the
// right behind a sideways scroll (at 1024 px its Predictions, Edit, Export and Delete; at 1200 px,
// past a breakpoint at 1100, its Delete), and its hidden "Actions" header widened the whole page.
// With a second headset (an emulated Cyton on a pseudo-terminal), the EEG panel's stream list, as
// wide as the longest device name, pushed its Channels button off the window.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { NEED_SOCAT } from '../fixtures/pty';
import { plugEmulatedCyton, type CytonOnPty } from './support/cyton-pty';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';

const skip = servedPageMissing() || (!existsSync(resolve('..', 'shared', 'data')) && 'needs ../shared/data');
const EDF = resolve('..', 'shared', 'data', 'edf-mne', 'test_edf_stim_channel.edf');
const SIZES = [
  { width: 800, height: 600 },
  { width: 1024, height: 768 },
  // Above a breakpoint the Sessions table once had at 1100 px, its Delete still outside.
  { width: 1200, height: 900 },
];

interface Fit {
  page: [number, number];
  view: [number, number];
  /** Controls not wholly inside the view, or their panel, sideways. */
  outside: string[];
  /** Panels whose content runs past their border, sideways. */
  spilling: string[];
  /** Words cut short: a field's placeholder wider than the field, text cut by an ellipsis with no tooltip holding it whole; a pill broken across two lines. */
  cut: string[];
  /** How many controls were measured. */
  controls: number;
}

/** Whether the page and the view's scrolling area fit the window's width, and which controls do not (in the window, or in their panel). */
async function fit(page: Page): Promise<Fit> {
  return page.evaluate(() => {
    const doc = document.scrollingElement!;
    const content = document.querySelector<HTMLElement>('.content')!;
    const box = content.getBoundingClientRect();
    const controls = Array.from(document.querySelectorAll<HTMLElement>('main button, main input, main select, main textarea, main a[href]')).filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && !el.closest('.sr-only');
    });
    // Inside the window, and inside its own panel's border (a grid track wider than its panel once
    // pushed a device card's Stop button past the Devices panel's edge in a 1400-px window).
    const outside = controls
      .filter((el) => {
        const r = el.getBoundingClientRect();
        const panel = el.closest('.panel')?.getBoundingClientRect();
        return r.left < box.left - 0.5 || r.right > box.left + content.clientWidth + 0.5 || (panel !== undefined && (r.left < panel.left - 0.5 || r.right > panel.right + 0.5));
      })
      .map((el) => `${el.tagName.toLowerCase()} ${el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30)}`);
    const spilling = Array.from(document.querySelectorAll<HTMLElement>('main .panel'))
      .filter((p) => p.scrollWidth > p.clientWidth + 0.5)
      .map((p) => `${p.querySelector('h2')?.textContent?.trim() ?? p.className} (${p.scrollWidth} px in ${p.clientWidth})`);
    // The serial Port field showed '/dev/ttyUSB0, COM3, or a pseu' at every window size, and the
    // Live cards cut the demo's device names ('Simulated ches…') even at 1920 px.
    const measure = document.createElement('canvas').getContext('2d')!;
    const cut = controls
      .filter((el): el is HTMLInputElement => el instanceof HTMLInputElement && el.placeholder !== '' && el.value === '')
      .filter((el) => {
        const cs = getComputedStyle(el);
        measure.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
        return measure.measureText(el.placeholder).width > el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) + 1;
      })
      .map((el) => `placeholder of ${el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.name}: '${el.placeholder}'`);
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('main *'))) {
      if (getComputedStyle(el).textOverflow !== 'ellipsis' || el.scrollWidth <= el.clientWidth + 0.5 || el.closest('[title]')) continue;
      cut.push(`'${el.textContent?.trim().slice(0, 60)}'`);
    }
    // A pill (a window's modality, a badge) wrapped as inline text is two half-pills on two lines.
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('main .mod, main .badge'))) {
      if (el.getClientRects().length > 1) cut.push(`pill broken across lines: '${el.textContent?.trim().slice(0, 60)}'`);
    }
    return { page: [doc.scrollWidth, doc.clientWidth], view: [content.scrollWidth, content.clientWidth], outside, spilling, cut, controls: controls.length };
  });
}

/**
 * Measures once the view is drawn (at least `atLeast` controls, which on a loaded machine may take
 * more than a fixed pause: the Live view's panels fill in as the core's first pushes arrive), then
 * asserts that it fits.
 */
async function assertPageFits(page: Page, what: string, atLeast: number): Promise<void> {
  let f = await fit(page);
  for (const deadline = Date.now() + 10_000; f.controls < atLeast && Date.now() < deadline; f = await fit(page)) await page.waitForTimeout(100);
  assert.ok(f.page[0] <= f.page[1], `${what}: the page is ${f.page[0]} px wide in a ${f.page[1]} px window`);
  assert.ok(f.view[0] <= f.view[1], `${what}: the view scrolls sideways (${f.view[0]} px in ${f.view[1]})`);
  assert.deepEqual(f.outside, [], `${what}: controls past the window's edge`);
  assert.deepEqual(f.spilling, [], `${what}: panels whose content runs past their edge`);
  assert.deepEqual(f.cut, [], `${what}: words cut short`);
  assert.ok(f.controls >= atLeast, `${what}: ${f.controls} controls measured, expected at least ${atLeast}`);
}

describe('Every view in a small window (Chromium, serve mode)', { skip }, () => {
  let app: ServedPage;
  let page: Page;

  before(async () => {
    app = await openServedPage({ builtinModels: true, route: '#/sessions', viewport: SIZES[0] });
    page = app.page;
    // Two sessions: rows with their five buttons each.
    for (const n of [1, 2]) {
      await page.fill('[data-testid="import-path"]', EDF);
      await page.keyboard.press('Enter');
      await page.waitForFunction((k) => document.querySelectorAll('[data-testid="session-row"]').length === k, n, { timeout: 15_000 });
    }
  });

  after(() => app?.close());

  const assertFits = (what: string, atLeast: number) => assertPageFits(page, what, atLeast);

  for (const size of SIZES) {
    const at = `${size.width}×${size.height}`;

    test(`${at}: Live, Devices, Models and Training fit`, async () => {
      await page.setViewportSize(size);
      for (const [view, title, ready, atLeast] of [
        ['live', 'Live', '[data-testid="trace-eeg"] canvas', 20],
        ['devices', 'Devices', 'main button', 3],
        ['models', 'Models', '[data-testid^="card-"]', 8],
        ['training', 'Training', '[data-testid="start-run"]', 4],
      ] as const) {
        await page.goto(`${app.serve.url}#/${view}`);
        await page.waitForSelector(`main h1:has-text("${title}")`, { timeout: 10_000 });
        await page.waitForSelector(ready, { timeout: 15_000 });
        await page.waitForTimeout(500);
        await assertFits(`${at} ${title}`, atLeast);
      }
      // Training's custom run, its longest form.
      await page.click('[data-testid="mode-custom"]');
      await page.waitForSelector('[data-testid="class-pos"]', { timeout: 5000 });
      await assertFits(`${at} Training, custom run`, 20);
    });

    test(`${at}: Sessions with two rows, each row's five buttons, a form and a replay open`, async () => {
      await page.setViewportSize(size);
      await page.goto(`${app.serve.url}#/sessions`);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="session-row"]').length === 2, undefined, { timeout: 15_000 });
      await assertFits(`${at} Sessions`, 14);
      // Each column's header is aligned as its cells are ('Markers' sat left over figures at the
      // right), and on one line ('On disk' broke in two at 1280 px with a long session name).
      const headers = await page.evaluate(() => {
        const table = document.querySelector('[data-testid="session-table"]')!;
        const cells = Array.from(table.querySelector('tbody tr[data-testid="session-row"]')!.children);
        return Array.from(table.querySelectorAll('thead th')).map((th, i) => {
          const words = document.createRange();
          words.selectNodeContents(th);
          // ('start' is 'left' in this left-to-right page.)
          const align = [th, cells[i]].map((el) => (el ? getComputedStyle(el).textAlign.replace('start', 'left') : 'no cell'));
          return { name: th.textContent?.trim() ?? '', align, lines: new Set(Array.from(words.getClientRects()).map((r) => Math.round(r.top))).size };
        });
      });
      for (const h of headers.filter((x) => x.name !== 'Actions')) {
        assert.equal(h.align[0], h.align[1], `${at}: the '${h.name}' header is aligned as its cells`);
        assert.equal(h.lines, 1, `${at}: the '${h.name}' header is on one line`);
      }
      const buttons = await page.locator('[data-testid="session-row"] .row-actions button').count();
      assert.equal(buttons, 10, 'five buttons in each of two rows');
      // The marker's label stays beside its button when the record bar wraps.
      const [label, button] = await Promise.all(['.marker-input', '[data-testid="marker-button"]'].map((s) => page.locator(s).boundingBox()));
      assert.ok(Math.abs(label!.y + label!.height / 2 - (button!.y + button!.height / 2)) < 4, `the marker label (y ${label!.y}) is on the Marker button's line (y ${button!.y})`);
      await page.locator('[data-testid="session-row"] button:has-text("Export")').first().click();
      await page.waitForSelector('[data-testid="export-form"]', { timeout: 5000 });
      await assertFits(`${at} Sessions, export form open`, 18);
      await page.locator('[data-testid="open-replay"]').first().click();
      await page.waitForSelector('[data-testid="replay-panel"] [data-testid="speed-max"]', { timeout: 10_000 });
      await assertFits(`${at} Sessions, replay open`, 24);
      await page.click('[data-testid="replay-close"]');
      await page.waitForSelector('[data-testid="replay-panel"]', { state: 'detached', timeout: 10_000 });
    });
  }

  // Wider windows put the Devices and Windows panels in narrow side columns (360 px beside the
  // traces at 1400, 318 px in three columns at 1200), once the clocks show their figures and windows
  // fill the table: a device card ran 19 px past the Devices panel at 1400 (its list's grid track
  // grew), and at 1200 the strap's clock line ('device time 0 at 1999-12-31 23:59:58.320', never
  // wrapped) and the windows table ran past theirs.
  test('Live at 1200 and 1400 px, the clocks converged and windows listed: every panel holds its content', async () => {
    await page.goto(`${app.serve.url}#/live`);
    await page.waitForFunction(() => {
      const clocks = Array.from(document.querySelectorAll('[data-testid="device-clock"]'));
      return clocks.length >= 2 && clocks.every((c) => c.getAttribute('data-converged') === 'true');
    }, undefined, { timeout: 30_000 });
    await page.waitForSelector('.window-table tbody tr', { timeout: 15_000 });
    for (const width of [1200, 1400]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(500);
      await assertFits(`${width}×900 Live`, 20);
    }
  });

  test('no console errors', () => {
    assert.deepEqual(app.problems, [], 'no page errors');
  });
});

describe('Live and Devices in an 800-px window with a second headset (Chromium, serve mode)', { skip: servedPageMissing() || NEED_SOCAT }, () => {
  let app: ServedPage;
  let page: Page;
  let dongle: CytonOnPty;

  before(async () => {
    dongle = await plugEmulatedCyton('e2e-narrow');
    app = await openServedPage({ route: '#/devices', viewport: SIZES[0] });
    page = app.page;
    await page.fill('[data-testid="serial-path"]', dongle.pty.app);
    await page.click('[data-testid="serial-connect"]');
    await page.waitForSelector(`[data-testid="paired-cyton:${dongle.pty.app}"][data-state="streaming"]`, { timeout: 15_000 });
  });

  after(async () => {
    await app?.close();
    await dongle?.close();
  });

  test('Devices: the remembered Cyton\'s row, its Forget confirmation open, fits', async () => {
    const row = `[data-testid="paired-cyton:${dongle.pty.app}"]`;
    await page.click(`${row} [data-testid="paired-forget"]`);
    await page.waitForSelector(`${row} [data-testid="paired-forget-yes"]`, { timeout: 5000 });
    await assertPageFits(page, '800 Devices with a remembered Cyton', 10);
    await page.keyboard.press('Escape');
  });

  test('Live: the EEG panel\'s stream list (a device named by its port) keeps Channels on screen', async () => {
    await page.goto(`${app.serve.url}#/live`);
    // The stream list shows once the panel knows of two EEG streams.
    const streams = page.locator('[data-testid="trace-eeg"] .panel-tools select:not([data-testid])');
    await streams.waitFor({ timeout: 10_000 });
    assert.equal(await streams.locator('option').count(), 2, 'two EEG streams to choose from');
    await page.waitForTimeout(500);
    await assertPageFits(page, '800 Live with two headsets', 20);
    const channels = await page.getByRole('button', { name: 'EEG channels' }).boundingBox();
    const panel = await page.locator('[data-testid="trace-eeg"]').boundingBox();
    assert.ok(channels!.x + channels!.width <= panel!.x + panel!.width, `EEG channels (right ${channels!.x + channels!.width}) is inside its panel (right ${panel!.x + panel!.width})`);
  });

  test('no console errors', () => {
    assert.deepEqual(app.problems, [], 'no page errors');
  });
});
