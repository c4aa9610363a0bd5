// One-encoder models live, in real Chromium against the real core in serve mode on its simulated EEG
// headset and ECG strap: an EEG-only and an ECG-only model (the training's ablations, exported with the
// other encoder null) are chosen with Use, answer from their own modality whether the other device
// streams or not (never "no ECG: answered without it" for a model that has no ECG), say that the other
// device is connected but unread, and wait for it, with no estimate shown, when their own device stops.
// The node-side parity of such files: test/shared/onnx/one-encoder.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing } from './support/chromium';
import { collectPredictions, installModel, openModelsView, untrainedModelFields } from './support/inference-fixture';
import { rendererMissing, startServeFixture, type ServeFixture } from './support/serve-fixture';
import { anyChannels, defaultFusedConfig, TASK_MENTAL_ARITHMETIC } from '../../src/shared/model/config';
import type { PredictionReport } from '../../src/shared/ipc/models.schema';

const skip = chromiumMissing() || rendererMissing();
const provenance = 'test/e2e/inference-one-encoder.test.ts';

describe('one-encoder models on the live dashboard (Chromium, serve mode)', { skip }, () => {
  let serve: ServeFixture;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let reports: PredictionReport[];

  const call = async (channel: string, req: unknown) => {
    const r = await serve.core.handlers.dispatch(channel, req, { transport: 'local', clientId: 'test' });
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  };
  const fedText = () => page.evaluate(() => document.querySelector('[data-testid="model-fed"]')?.textContent?.trim() ?? '');
  /** Waits for an answer of `modelId` to a window that starts after now, and returns it. */
  const nextReport = async (modelId: string): Promise<PredictionReport> => {
    const n = reports.length;
    const t0 = Date.now();
    for (;;) {
      const r = reports.slice(n).find((x) => x.modelId === modelId);
      if (r) return r;
      if (Date.now() - t0 > 30_000) assert.fail(`no answer of ${modelId} within 30 s (${reports.length - n} reports)`);
      await new Promise((res) => setTimeout(res, 200));
    }
  };

  before(async () => {
    serve = await startServeFixture({ demo: true });
    reports = collectPredictions(serve);
    const eegOnly = untrainedModelFields('e2e-eeg-only', { rateHz: 200, windowSeconds: 5, eeg: anyChannels(1, 64) }, { name: 'E2E EEG-only', provenance });
    await installModel(serve, { ...eegOnly, config: defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: 1, ecg: false }) }, 31);
    const ecgOnly = untrainedModelFields('e2e-ecg-only', { rateHz: 200, windowSeconds: 5, ecg: anyChannels(1, 12) }, { name: 'E2E ECG-only', provenance });
    await installModel(serve, { ...ecgOnly, config: defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: 1, eeg: false }) }, 32);
    ({ browser, page, problems } = await openModelsView(serve));
  });

  after(async () => {
    await browser?.close();
    await serve?.close();
  });

  for (const [m, other] of [
    ['EEG', 'ECG'],
    ['ECG', 'EEG'],
  ] as const) {
    const id = `e2e-${m.toLowerCase()}-only`;
    test(`${m}-only: fed by ${m} with the ${other} device streaming or stopped, the ${other} said to be unread; waits for its device without ${m}`, async () => {
      // Both devices stream; the list says the model fits them with its one modality.
      await page.getByTestId(`fit-${id}`).waitFor({ timeout: 15_000 });
      assert.equal((await page.getByTestId(`fit-${id}`).textContent())?.trim(), `fits the connected devices · ${m}`);
      await page.getByRole('button', { name: `Use E2E ${m}-only` }).click();
      await page.waitForFunction((name) => document.querySelector('[data-testid="estimates-title"]')?.textContent?.trim() === name, `E2E ${m}-only`, { timeout: 30_000 });
      await page.waitForFunction((want) => document.querySelector('[data-testid="model-fed"]')?.textContent?.trim() === want, `fed by ${m}`, { timeout: 60_000 });
      const unread = `${other} is connected but this model does not read it`;
      await page.getByText(unread).waitFor({ timeout: 15_000 });
      const first = await nextReport(id);
      // Fed by its one modality; the core records what it reads from its card (a stored row has no 'fed' of the other).
      assert.deepEqual([first.fed, first.reads], [[m.toLowerCase()], [m.toLowerCase()]]);

      // The other device stops: nothing changes for this model (no refusal, no "no ECG" line).
      const otherDevice = `sim-${other.toLowerCase()}-1`;
      const ownDevice = `sim-${m.toLowerCase()}-1`;
      await call('hm:pipeline:device-stop', { deviceId: otherDevice });
      try {
        const r = await nextReport(id);
        assert.deepEqual(r.fed, [m.toLowerCase()]);
        await page.getByText(unread).waitFor({ state: 'detached', timeout: 15_000 });
        assert.equal(await fedText(), `fed by ${m}`);
        assert.equal(await page.getByTestId('model-refused').count() + (await page.getByTestId('model-waiting').count()), 0, 'neither refused nor waiting');
      } finally {
        await call('hm:pipeline:device-start', { deviceId: otherDevice });
      }

      // Its own device stops: it waits for it, in words (the other device on is no misfit), and no estimate beside that.
      await call('hm:pipeline:device-stop', { deviceId: ownDevice });
      try {
        await page.getByTestId('model-waiting').waitFor({ timeout: 15_000 });
        assert.equal((await page.getByTestId('model-waiting').textContent())?.trim(), `The model is waiting for its devices:no ${m} device connected`);
        assert.equal(await page.getByTestId('estimate-arithmetic').count(), 0, 'no estimate beside the wait');
      } finally {
        await call('hm:pipeline:device-start', { deviceId: ownDevice });
      }
      await page.waitForFunction((want) => document.querySelector('[data-testid="model-fed"]')?.textContent?.trim() === want, `fed by ${m}`, { timeout: 60_000 });
    });
  }

  test('the Estimates panel on the live dashboard names the ECG-only model and what fed it', async () => {
    await page.goto(new URL('#/live', serve.url).href);
    const panel = page.getByTestId('estimate-panel');
    await panel.getByTestId('estimate-model').waitFor({ timeout: 30_000 });
    assert.match((await panel.getByTestId('estimate-model').textContent()) ?? '', /^E2E ECG-only/);
    await page.waitForFunction(() => document.querySelector('[data-testid="estimate-panel"] [data-testid="model-fed"]')?.textContent?.trim() === 'fed by ECG', undefined, { timeout: 60_000 });
    assert.deepEqual(problems, [], problems.join('\n'));
  });
});
