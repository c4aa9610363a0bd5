// The Models view by keyboard alone, in real Chromium against the real core in serve mode: a model
// the user added is listed, not running; with the headset and strap off it can still be chosen ahead
// (Tab to its Use, Enter), the focus lands on its Stop (whose name says it is now in use) instead of
// falling to the page body with the disabled Use, it runs once the devices stream, and Stop hands the
// focus back to its Use with no model running. Install from files says the model waits for Use, and
// which version of yours it replaced; Remove's confirmation works by keyboard.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing } from './support/chromium';
import { installModel, openModelsView, untrainedModelFields } from './support/inference-fixture';
import { rendererMissing, startServeFixture, type ServeFixture } from './support/serve-fixture';
import { anyChannels, defaultFusedConfig, TASK_MENTAL_ARITHMETIC } from '../../src/shared/model/config';
import { initHostParams } from '../../src/shared/model/params';
import { exportRegistryModel } from '../../src/shared/onnx/export';

const skip = chromiumMissing() || rendererMissing();

describe('Models view by keyboard (Chromium, serve mode)', { skip }, () => {
  let serve: ServeFixture;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  const call = async (channel: string, req: unknown) => {
    const r = await serve.core.handlers.dispatch(channel, req, { transport: 'local', clientId: 'test' });
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  };
  /** What has the focus, as a screen reader names it ('BODY' when nothing does). */
  const focused = () =>
    page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      return !a || a === document.body ? 'BODY' : (a.getAttribute('aria-label') ?? a.textContent ?? '').trim();
    });

  before(async () => {
    serve = await startServeFixture({ demo: true });
    const fields = untrainedModelFields('e2e-kbd', { rateHz: 200, windowSeconds: 5, eeg: anyChannels(1, 64), ecg: anyChannels(1, 12) }, { name: 'E2E keyboard', provenance: 'test/e2e/inference-models-keyboard.test.ts' });
    await installModel(serve, fields, 41);
    ({ browser, page, problems } = await openModelsView(serve));
  });

  after(async () => {
    await browser?.close();
    await serve?.close();
  });

  test('chosen ahead with no device on, Enter on Use moves the focus to Stop; it runs once the devices stream; Stop gives the focus back to Use', async () => {
    await page.getByTestId('model-e2e-kbd').waitFor({ timeout: 15_000 });
    // Listed, not running: nobody chose it.
    await page.getByTestId('no-model-selected').waitFor({ timeout: 15_000 });
    await call('hm:pipeline:device-stop', { deviceId: 'sim-eeg-1' });
    await call('hm:pipeline:device-stop', { deviceId: 'sim-ecg-1' });
    try {
      await page.waitForFunction(() => /it can be chosen now/.test(document.querySelector('[data-testid="fit-e2e-kbd"]')?.textContent ?? ''), undefined, { timeout: 15_000 });
      assert.equal((await page.getByTestId('fit-e2e-kbd').textContent())?.trim(), 'no EEG or ECG device connected: it can be chosen now and runs once a device that fits it streams');
      // From the top of the page, by Tab alone, to the model's Use.
      await page.locator('body').focus();
      let steps = 0;
      while ((await focused()) !== 'Use E2E keyboard') {
        assert.ok(++steps < 40, `Use E2E keyboard not reached by Tab (at '${await focused()}')`);
        await page.keyboard.press('Tab');
      }
      await page.keyboard.press('Enter');
      // The Use is disabled as the model becomes active: the focus goes to its Stop, not to the page body.
      await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Stop using E2E keyboard', undefined, { timeout: 15_000 });
      await page.waitForTimeout(300);
      assert.equal(await focused(), 'Stop using E2E keyboard', 'the focus stays on Stop after Chromium drops it from the disabled Use');
      assert.match((await page.locator('[data-testid="model-e2e-kbd"] h3').textContent()) ?? '', /active/);
      // Waiting for its devices, in words (a wait, not a misfit: not refused), with what it reads and no estimate.
      await page.getByTestId('model-waiting').waitFor({ timeout: 15_000 });
      assert.equal((await page.getByTestId('model-waiting').textContent())?.trim(), 'The model is waiting for its devices:no EEG or ECG device connected');
      assert.equal(await page.getByTestId('model-refused').count(), 0, 'not refused');
      await page.getByText('it reads EEG (1–64 channels, any labels) and ECG (1–12 channels, any labels); either alone will do').waitFor({ timeout: 5_000 });
    } finally {
      await call('hm:pipeline:device-start', { deviceId: 'sim-eeg-1' });
      await call('hm:pipeline:device-start', { deviceId: 'sim-ecg-1' });
    }
    // The devices stream: the chosen model runs.
    await page.waitForFunction(() => /fed by/.test(document.querySelector('[data-testid="model-fed"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    assert.equal(await focused(), 'Stop using E2E keyboard', 'the focus did not move while the model loaded and answered');
    // The card's limitations under their own heading (they read as more of the notes' list).
    const limits = page.getByTestId('model-limitations');
    assert.deepEqual([await limits.locator('h3').textContent(), await limits.locator('li').allTextContents()], ['Limitations (from its card)', ['Untrained test weights: the estimates mean nothing.']]);

    // Stop: no model runs; the focus goes back to the model's Use (the Stop is gone).
    await page.keyboard.press('Enter');
    await page.getByTestId('no-model-selected').waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Use E2E keyboard', undefined, { timeout: 15_000 });
    assert.equal(await page.getByTestId('model-backend').count(), 0, 'nothing loaded');
    assert.equal(await page.getByTestId('stop-e2e-kbd').count(), 0);
    // The live dashboard's Estimates panel says so too, with the way to the Models view.
    await page.goto(new URL('#/live', serve.url).href);
    const none = page.getByTestId('estimate-panel').getByTestId('no-model-selected');
    await none.waitFor({ timeout: 15_000 });
    assert.equal((await none.textContent())?.trim(), 'No model is selected: choose one with Use in Models to see estimates.');
    await none.getByRole('link', { name: 'Models' }).click();
    await page.getByRole('button', { name: 'Use E2E keyboard' }).waitFor({ timeout: 15_000 });
    assert.deepEqual(problems, [], problems.join('\n'));
  });

  test('Install from a model folder, then from its files: the result says it waits for Use, and a second install of the same id names the version it replaced', async () => {
    const src = join(serve.core.ctx.dataDir, 'download');
    mkdirSync(src, { recursive: true });
    const fields = untrainedModelFields('e2e-inst', { rateHz: 200, windowSeconds: 5, eeg: anyChannels(1, 64) }, { name: 'E2E installed', provenance: 'test/e2e/inference-models-keyboard.test.ts' });
    const write = (version: string) => {
      const f = { ...fields, version, config: defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: 1, ecg: false }) };
      const { card, onnx } = exportRegistryModel(f, initHostParams(f.config, 43));
      writeFileSync(join(src, 'model.onnx'), onnx);
      writeFileSync(join(src, 'card.json'), JSON.stringify(card));
    };
    write('1.0.0');
    await page.getByText('Install a model…').click();
    await page.getByTestId('install-folder').fill(src);
    await page.getByTestId('install-submit').click();
    const result = page.getByTestId('install-result');
    await page.waitForFunction(() => /installed/.test(document.querySelector('[data-testid="install-result"]')?.textContent ?? ''), undefined, { timeout: 15_000 });
    assert.equal((await result.textContent())?.trim(), "installed 'e2e-inst': it runs live once you choose it with Use");
    write('2.0.0');
    await page.getByTestId('install-from-files').click();
    await page.getByTestId('install-onnx').fill(join(src, 'model.onnx'));
    await page.getByTestId('install-card').fill(join(src, 'card.json'));
    await page.getByTestId('install-submit').click();
    await page.waitForFunction(() => /replacing/.test(document.querySelector('[data-testid="install-result"]')?.textContent ?? ''), undefined, { timeout: 15_000 });
    assert.equal((await result.textContent())?.trim(), "installed 'e2e-inst' 2.0.0, replacing the model of that id you had (1.0.0): it runs live once you choose it with Use");
    await page.getByRole('button', { name: 'Remove E2E installed' }).click();
    await page.getByTestId('confirm-remove-yes-e2e-inst').click();
    await page.getByTestId('model-e2e-inst').waitFor({ state: 'detached', timeout: 15_000 });
  });

  test('Remove by keyboard: the confirmation takes the focus, Escape gives it back to Remove, the second press deletes the folder and the focus goes to the list', async () => {
    const folder = join(serve.core.ctx.dataDir, 'models', 'e2e-kbd');
    assert.ok(existsSync(folder), 'the model folder is there');
    await page.getByRole('button', { name: 'Use E2E keyboard' }).click();
    await page.getByRole('button', { name: 'Stop using E2E keyboard' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Remove E2E keyboard' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('alertdialog', { name: 'Confirm removing E2E keyboard' });
    await dialog.waitFor({ timeout: 5_000 });
    assert.equal(await focused(), 'Keep it', 'the confirmation has the focus, on the safe choice');
    assert.match((await dialog.textContent()) ?? '', /Remove E2E keyboard 1\.0\.0\? Its folder .*e2e-kbd is deleted for good, and live estimates stop/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await focused(), 'Remove E2E keyboard', 'Escape gives the focus back to Remove');
    assert.ok(existsSync(folder), 'kept');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ timeout: 5_000 });
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Remove');
    await page.keyboard.press('Enter');
    await page.getByTestId('model-e2e-kbd').waitFor({ state: 'detached', timeout: 15_000 });
    assert.equal(existsSync(folder), false, 'the folder is deleted');
    assert.equal(await focused(), 'Installed', 'the focus is on the list, not the page body');
    // The active model gone: no model runs, and the view says none is installed.
    await page.getByTestId('no-model').waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('model-backend').count(), 0, 'nothing loaded');
    assert.deepEqual(problems, [], problems.join('\n'));
  });
});
