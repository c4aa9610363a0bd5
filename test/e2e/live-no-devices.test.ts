// The live dashboard of a core started without the demo (serve --no-demo) and no device yet: each
// panel says nothing streams, and the devices panel says where to connect one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';

const skip = servedPageMissing();

describe('live dashboard without devices (Chromium, serve mode, no demo)', { skip }, () => {
  let app: ServedPage;
  let page: Page;

  before(async () => {
    app = await openServedPage({ demo: false });
    page = app.page;
  });

  after(() => app?.close());

  test('every panel says nothing streams; the devices panel leads to the Devices view', async () => {
    const empty = await page.waitForSelector('[data-testid="devices-empty"]', { timeout: 10_000 });
    assert.equal(await empty.textContent(), 'No devices yet: connect a headset or chest strap in Devices.');
    assert.equal(await page.textContent('[data-testid="quality-empty"]'), 'No device is streaming.');
    assert.equal(await page.textContent('[data-testid="spectrum"] .chart-empty'), 'No EEG device is streaming.');
    assert.match(await page.textContent('[data-testid="tile-hr"]') ?? '', /no ECG device streaming/);
    await page.click('[data-testid="devices-empty"] a');
    await page.waitForFunction(() => document.querySelector('main h1')?.textContent === 'Devices', undefined, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => location.hash), '#/devices', 'the link opens the Devices view');
    assert.deepEqual(app.problems, [], 'no page errors');
  });
});
