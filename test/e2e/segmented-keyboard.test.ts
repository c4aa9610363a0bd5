// The segmented option groups (time window, mains frequency, inference backend, WASM threads,
// replay speed, what to train) from the keyboard, in real Chromium against the real core in serve
// mode: each is one radio group and one Tab stop (its checked option); the arrow keys move and
// select, wrapping, Home and End go to the ends, a disabled option is skipped; and the app acts on
// what was chosen (the traces' span, the pipeline's notch, the replay's speed, without a seek).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';

const skip = servedPageMissing();
const EDF = resolve('..', 'shared', 'data', 'edf-mne', 'test_edf_stim_channel.edf');

/** The focused element's test id (or its tag), and whether it is a checked radio. */
async function focus(page: Page): Promise<{ id: string; checked: string | null }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { id: el?.getAttribute('data-testid') ?? el?.tagName.toLowerCase() ?? '', checked: el?.getAttribute('aria-checked') ?? null };
  });
}

/**
 * Waits (a few seconds at most) for the focus to be on the checked option `id`: a choice is drawn
 * once the app has taken it (the replay's speed comes back from the core), not within the key press.
 */
async function focusedChecked(page: Page, id: string, why: string): Promise<void> {
  const ok = await page
    .waitForFunction((want) => document.activeElement?.getAttribute('data-testid') === want && document.activeElement.getAttribute('aria-checked') === 'true', id, { timeout: 5000 })
    .then(() => true, () => false);
  assert.ok(ok, `${why}: the focus is on ${id}, checked (it is on ${JSON.stringify(await focus(page))})`);
}

/** The test id of the checked option among those whose test id starts with `prefix`. */
async function checked(page: Page, prefix: string): Promise<string[]> {
  return page.locator(`[role="radio"][data-testid^="${prefix}"][aria-checked="true"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
}

describe('Segmented option groups from the keyboard (Chromium, serve mode)', { skip }, () => {
  let app: ServedPage;
  let page: Page;

  before(async () => {
    app = await openServedPage({ route: '#/live', viewport: { width: 1300, height: 900 } });
    page = app.page;
  });

  after(() => app?.close());

  /** Presses Tab until the focus is on one of the group's options; fails after `limit` presses. */
  async function tabTo(prefix: string, limit = 40): Promise<void> {
    for (let k = 0; k < limit; k++) {
      await page.keyboard.press('Tab');
      if ((await focus(page)).id.startsWith(prefix)) return;
    }
    assert.fail(`Tab never reached ${prefix}*`);
  }

  /** Presses `key` and waits for the focus to be on the checked option `id`. */
  async function pressTo(key: string, id: string, why: string): Promise<void> {
    await page.keyboard.press(key);
    await focusedChecked(page, id, why);
  }

  test('time window: one Tab stop (the checked 10 s), arrows select and wrap, Home/End; the traces take the span', async () => {
    await page.waitForSelector('[data-testid="trace-eeg"] canvas[aria-label]', { timeout: 10_000 });
    const group = page.getByRole('radiogroup', { name: 'Time window (keys [ and ])' });
    assert.equal(await group.getByRole('radio').count(), 5, 'five options, each a radio');
    await page.locator('main').focus();
    await tabTo('window-');
    await focusedChecked(page, 'window-10', 'Tab lands on the checked option');
    // The next Tab leaves the group: its other four options are not Tab stops.
    await page.keyboard.press('Tab');
    assert.ok(!(await focus(page)).id.startsWith('window-'), `the second Tab leaves the group (it is on ${(await focus(page)).id})`);
    await pressTo('Shift+Tab', 'window-10', 'Shift+Tab comes back to the checked option');

    const span = (m: 'eeg' | 'ecg') => page.getAttribute(`[data-testid="trace-${m}"] canvas[role="img"]`, 'aria-label');
    const steps: [string, string][] = [
      ['ArrowRight', 'window-20'],
      ['ArrowDown', 'window-30'],
      ['ArrowRight', 'window-2'], // wraps
      ['ArrowLeft', 'window-30'], // wraps back
      ['ArrowUp', 'window-20'],
      ['Home', 'window-2'],
      ['End', 'window-30'],
      ['ArrowLeft', 'window-20'],
    ];
    for (const [key, want] of steps) {
      await pressTo(key, want, `${key}: the focus and the check move to ${want}`);
      assert.deepEqual(await checked(page, 'window-'), [want], `${key}: one option checked`);
      const s = want.slice('window-'.length);
      for (const m of ['eeg', 'ecg'] as const) {
        const want = `${m.toUpperCase()}: live traces, last ${s} s`;
        const named = await page
          .waitForFunction(([sel, w]) => (document.querySelector(sel)?.getAttribute('aria-label') ?? '').startsWith(w), [`[data-testid="trace-${m}"] canvas[role="img"]`, want] as const, { timeout: 5000 })
          .then(() => true, () => false);
        assert.ok(named, `${key}: the ${m} traces span ${s} s (their name is ${JSON.stringify(await span(m))})`);
      }
    }
    // The roving Tab stop follows the check.
    assert.deepEqual(
      await group.getByRole('radio').evaluateAll((els) => els.map((e) => (e as HTMLElement).tabIndex)),
      [-1, -1, -1, 0, -1],
      'only 20 s is in the tab order',
    );
    // A shortcut pressed in the group moves the focus along with the check.
    await pressTo(']', 'window-30', '] in the group');
    await pressTo('ArrowLeft', 'window-20', 'the next arrow moves from where ] put the check');
    // The [ and ] shortcuts still work beside it, and the group follows them.
    await page.locator('main').focus();
    await page.keyboard.press('[');
    await page.waitForSelector('[data-testid="window-10"][aria-checked="true"][tabindex="0"]', { timeout: 5000 });
    assert.equal(await page.evaluate(() => localStorage.getItem('hm.traceSeconds')), '10', 'the choice is kept for the next start');
  });

  test('mains frequency: arrows choose 60 Hz, Apply sets the pipeline\'s notch to 60 Hz', async () => {
    const panel = '[data-testid="signal-settings"]';
    await page.focus(`${panel} [data-testid="signal-summary"]`);
    await pressTo('Tab', 'signal-mains-50', 'Tab from the summary lands on the checked 50 Hz');
    await page.keyboard.press('Tab');
    assert.equal((await focus(page)).id, 'signal-notch', 'the next Tab goes past 60 Hz to the notch checkbox');
    await page.keyboard.press('Shift+Tab');
    await pressTo('ArrowRight', 'signal-mains-60', 'ArrowRight chooses 60 Hz');
    await pressTo('ArrowRight', 'signal-mains-50', 'and wraps to 50 Hz');
    await pressTo('ArrowLeft', 'signal-mains-60', 'ArrowLeft wraps to 60 Hz');
    assert.deepEqual(app.serve.core.hub.pipelineConfig!().filters.eeg.notchHz, [50], 'nothing applied yet');
    await page.focus(`${panel} [data-testid="signal-apply"]`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /mains 60 Hz notched/.test(document.querySelector('[data-testid="signal-summary"]')?.textContent ?? ''), undefined, { timeout: 5000 });
    const cfg = app.serve.core.hub.pipelineConfig!();
    assert.deepEqual([cfg.quality.mainsHz, cfg.filters.eeg.notchHz], [60, [60]], 'the pipeline notches 60 Hz');
    await page.waitForFunction(() => /notch 60 Hz/.test(document.querySelector('[data-testid="trace-eeg"] .panel-header')?.textContent ?? ''), undefined, { timeout: 5000 });
  });

  test('inference backend: a disabled WebGPU is skipped by the arrows; WASM threads is its own Tab stop', async () => {
    await page.keyboard.press('Alt+2');
    await page.waitForSelector('main h1:has-text("Models")', { timeout: 10_000 });
    // Headless Chromium here has no WebGPU adapter (--disable-gpu): the option is disabled.
    await page.waitForSelector('[data-testid="backend-webgpu"][disabled]', { timeout: 10_000 });
    await tabTo('backend-');
    await focusedChecked(page, 'backend-auto', 'Tab lands on Auto');
    await pressTo('ArrowRight', 'backend-wasm', 'ArrowRight skips the disabled WebGPU');
    await pressTo('ArrowRight', 'backend-auto', 'and wraps to Auto');
    await pressTo('End', 'backend-wasm', 'End');
    await pressTo('Tab', 'threads-auto', 'the next Tab is the threads group\'s checked option');
    await pressTo('ArrowLeft', 'threads-4', 'ArrowLeft from the first wraps to 4 threads');
    await pressTo('Home', 'threads-auto', 'Home');
    await pressTo('Shift+Tab', 'backend-wasm', 'Shift+Tab back to the backend group lands on the checked WASM');
    await page.keyboard.press('Home');
  });

  test('replay speed: arrows change the speed and do not seek (the window-level ←/→ seek is left alone)', { skip: !existsSync(EDF) && 'needs ../shared/data' }, async () => {
    await page.keyboard.press('Alt+3');
    await page.waitForSelector('main h1:has-text("Sessions")', { timeout: 10_000 });
    await page.fill('[data-testid="import-path"]', EDF);
    await page.keyboard.press('Enter');
    await page.click('[data-testid="open-replay"]', { timeout: 15_000 });
    await page.waitForSelector('[data-testid="replay-panel"][data-state="playing"]', { timeout: 10_000 });
    await page.focus('[data-testid="replay-toggle"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="replay-panel"][data-state="paused"]', { timeout: 5000 });
    const position = () => page.getAttribute('[data-testid="timeline"]', 'aria-valuenow');
    const before = await position();
    await pressTo('Tab', 'speed-1', 'Tab from Play lands on the checked 1×');
    await page.keyboard.press('ArrowRight');
    assert.equal((await focus(page)).id, 'speed-2', 'ArrowRight moves to 2×');
    // Checked from the core's status, pushed back: the core replays at 2×.
    await page.waitForSelector('[data-testid="speed-2"][aria-checked="true"]', { timeout: 5000 });
    await page.keyboard.press('End');
    await page.waitForSelector('[data-testid="speed-max"][aria-checked="true"]', { timeout: 5000 });
    await page.keyboard.press('Home');
    await page.waitForSelector('[data-testid="speed-0.25"][aria-checked="true"]', { timeout: 5000 });
    await page.keyboard.press('ArrowLeft');
    await page.waitForSelector('[data-testid="speed-max"][aria-checked="true"]', { timeout: 5000 });
    // Three presses quicker than the core's answers: the status of the first, arriving after the
    // second press, must not pull the focus back under the third (max → 0.25 → 0.5 → 1×).
    for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowRight');
    await focusedChecked(page, 'speed-1', 'three quick ArrowRights from max');
    await page.waitForTimeout(300);
    assert.equal(await position(), before, 'no arrow, Home or End in the group moved the playhead');
    // Outside the group ← still seeks.
    await page.locator('main').focus();
    await page.keyboard.press('End');
    await page.waitForFunction((b) => document.querySelector('[data-testid="timeline"]')?.getAttribute('aria-valuenow') !== b, before, { timeout: 5000 });
  });

  test('no console errors', () => {
    assert.deepEqual(app.problems, [], 'no page errors');
  });
});
