// Live inference end to end, in real Chromium against the real core in serve mode on its simulated
// devices: with no model the Models view says so (no estimates); a model folder dropped into the
// user's models folder appears, stays idle until chosen with Use, then loads into the worker, runs on
// every window with the backend and latency shown, and its predictions come back to the core; a model whose contract the devices do
// not meet says so in the list, with what is missing, and cannot be chosen; one failed window does not
// hide the answers to the next.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing } from './support/chromium';
import { answerNextWindow, collectPredictions, installModel, openModelsView, untrainedModelFields } from './support/inference-fixture';
import { rendererMissing, startServeFixture, type ServeFixture } from './support/serve-fixture';
import { anyChannels, labelledChannels } from '../../src/shared/model/config';
import type { PredictionReport } from '../../src/shared/ipc/models.schema';
import { predictionRow } from '../../src/main/model/models.core';
import { newModelCard, type NewCardFields } from '../../src/shared/model/card';
import { signalSettingsOf } from '../../src/shared/pipeline/signal-settings';

const skip = chromiumMissing() || rendererMissing();

const fields = (id: string, input: NewCardFields['input']) => untrainedModelFields(id, input, { provenance: 'test/e2e/inference-dashboard.test.ts' });

/**
 * Waits for `note` (a test id) to appear inside `scope` and returns what was on screen in that same
 * frame: the note's text, the dimming of `staleOf`, and whether an estimate was shown. The next
 * window's answer takes the note away (about a second later, sooner on a fast machine), so reading
 * these one by one after the wait raced it.
 */
async function noteSnapshot(page: Page, scope: string, note: string, staleOf: string): Promise<{ text: string; stale: string | null; estimate: boolean }> {
  const h = await page.waitForFunction(
    ([scope, note, staleOf]) => {
      const root = document.querySelector(scope);
      const el = root?.querySelector(`[data-testid="${note}"]`);
      if (!root || !el) return null;
      const dimmed = root.matches(staleOf) ? root : root.querySelector(staleOf);
      return { text: el.textContent ?? '', stale: dimmed?.getAttribute('data-stale') ?? null, estimate: !!root.querySelector('[data-testid="estimate-arithmetic-label"]') };
    },
    [scope, note, staleOf] as const,
    { timeout: 30_000 },
  );
  return (await h.jsonValue()) as { text: string; stale: string | null; estimate: boolean };
}

describe('live inference in the app (Chromium, serve mode)', { skip }, () => {
  let serve: ServeFixture;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let reports: PredictionReport[];

  before(async () => {
    serve = await startServeFixture();
    reports = collectPredictions(serve);
    ({ browser, page, problems } = await openModelsView(serve));
  });

  after(async () => {
    await browser?.close();
    await serve?.close();
  });

  test('with no model installed, the view says so and shows no estimate', async () => {
    await page.getByTestId('no-model').waitFor({ timeout: 15_000 });
    assert.match((await page.getByTestId('no-model').textContent()) ?? '', /No trained model is installed/);
    assert.equal(await page.locator('[data-testid^="estimate-"]').count(), 0);
  });

  test('a dropped-in model is listed idle; chosen with Use, it loads, runs live on the simulated devices with backend and latency shown, and reports back', async () => {
    await installModel(serve, fields('e2e-any', { rateHz: 200, windowSeconds: 5, eeg: anyChannels(1, 64), ecg: anyChannels(1, 12) }), 3);
    await page.getByTestId('model-e2e-any').waitFor({ timeout: 15_000 });
    // Listed, not running: an untrained model shows no estimate until someone chooses it.
    await page.getByTestId('no-model-selected').waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('model-e2e-any').getByText('active', { exact: true }).count(), 0, 'not marked active');
    assert.equal(await page.getByTestId('model-backend').count(), 0, 'nothing loaded');
    await page.getByRole('button', { name: 'Use E2E e2e-any' }).click();
    const backend = page.getByTestId('model-backend');
    await page.waitForFunction(() => /WASM|WebGPU/.test(document.querySelector('[data-testid="model-backend"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    // Chromium runs with --disable-gpu here: no adapter, so the worker must have chosen WASM.
    assert.match((await backend.textContent())?.trim() ?? '', /^WASM · \d threads?$/);
    // …and WebGPU cannot be chosen; the option says why.
    assert.equal(await page.getByTestId('backend-webgpu').isDisabled(), true);
    assert.match((await page.getByTestId('backend-webgpu').getAttribute('title')) ?? '', /no WebGPU|WebGPU failed|no adapter/);
    await page.waitForFunction(() => /ms\/window/.test(document.querySelector('[data-testid="model-latency"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    const label = (await page.getByTestId('estimate-arithmetic-label').textContent())?.trim();
    assert.ok(label === 'rest' || label === 'arithmetic', `estimate label ${label}`);
    // The bar's fill is P(arithmetic) whichever class is the answer: its ends name the two classes.
    assert.deepEqual(await page.getByTestId('estimate-arithmetic-ends').locator('span').allInnerTexts(), ['rest', 'arithmetic']);
    // Usually both feed it; a window with a gap in one stream is answered from the other, and says so.
    assert.match((await page.getByTestId('model-fed').textContent()) ?? '', /fed by (EEG \+ ECG|EEG · no ECG|ECG · no EEG)/);
    const t0 = Date.now();
    while (!reports.some((x) => x.fed.length === 2) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 200));
    const r = reports.find((x) => x.fed.length === 2);
    assert.ok(r, `predictions fed by both modalities reached the core (${reports.length} reports)`);
    assert.equal(r.modelId, 'e2e-any');
    assert.equal(r.probabilities.arithmetic.length, 2);
    assert.ok(Math.abs(r.probabilities.arithmetic[0] + r.probabilities.arithmetic[1] - 1) < 1e-6, `the two class probabilities sum to 1 (${r.probabilities.arithmetic.join(' + ')})`);
    assert.deepEqual(r.fed, ['eeg', 'ecg']);
  });

  test('a model replaced under the same id (re-exported, reinstalled) is loaded again: the page runs the new file, not the old one', async () => {
    // The same id, new weights and new class names: the list shows the new card at once; the running
    // model must follow it, or the page labels the old weights' answers with the new card.
    const f = fields('e2e-any', { rateHz: 200, windowSeconds: 5, eeg: anyChannels(1, 64), ecg: anyChannels(1, 12) });
    const renamed = { ...f, version: '2.0.0', config: { ...f.config, tasks: [{ ...f.config.tasks[0], classes: ['calm', 'busy'], description: 'calm vs busy' }] } };
    await installModel(serve, renamed, 5);
    await page.waitForFunction(() => /calm\/busy/.test(document.querySelector('[data-testid="model-e2e-any"]')?.textContent ?? ''), undefined, { timeout: 15_000 });
    await page.waitForFunction(() => /^(calm|busy)$/.test(document.querySelector('[data-testid="estimate-arithmetic-label"]')?.textContent?.trim() ?? ''), undefined, { timeout: 60_000 });
    assert.match((await page.getByTestId('estimate-arithmetic').textContent()) ?? '', /calm vs busy/);
    assert.deepEqual(await page.getByTestId('estimate-arithmetic-ends').locator('span').allInnerTexts(), ['calm', 'busy'], 'the new classes at the bar\'s ends');
  });

  test('the served page is cross-origin isolated, and the worker runs the model on the WASM threads picked in the view', async (t) => {
    // Serve mode's COOP/COEP headers are what give the page SharedArrayBuffer, hence ORT's threads.
    assert.deepEqual(await page.evaluate(() => [self.crossOriginIsolated, typeof SharedArrayBuffer]), [true, 'function']);
    if ((await page.evaluate(() => navigator.hardwareConcurrency)) < 2) return t.skip('one core: a second thread is never used');
    const backend = page.getByTestId('model-backend');
    // The badge's title says why the count is what it is: wait for the new worker's answer by it
    // (where auto also gives two threads, the text alone would not change).
    const why = (re: RegExp) => page.waitForFunction((src) => new RegExp(src).test(document.querySelector('[data-testid="model-backend"]')?.getAttribute('title') ?? ''), re.source, { timeout: 60_000 });
    await page.getByTestId('threads-2').click();
    await why(/\(as asked\)/);
    // The count ORT started with (it falls back to one thread without SharedArrayBuffer).
    assert.equal((await backend.textContent())?.trim(), 'WASM · 2 threads');
    assert.match((await backend.getAttribute('title')) ?? '', /; 2 threads \(as asked\)/);
    const before = reports.length;
    await page.waitForFunction(() => /ms\/window/.test(document.querySelector('[data-testid="model-latency"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    const t0 = Date.now();
    while (reports.length === before && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 200));
    assert.ok(reports.length > before, 'the 2-thread worker’s predictions reached the core');
    // Back to the default for the tests below (a new worker again).
    await page.getByTestId('threads-auto').click();
    await why(/\(auto: \d+ cores?, one left to the page\)/);
    assert.match((await backend.textContent())?.trim() ?? '', /^WASM · \d threads?$/);
    // …and WebGPU cannot be chosen; the option says why.
    assert.equal(await page.getByTestId('backend-webgpu').isDisabled(), true);
    assert.match((await page.getByTestId('backend-webgpu').getAttribute('title')) ?? '', /no WebGPU|WebGPU failed|no adapter/);
  });

  test('a model whose montage the headset lacks says so in the list, before any click, and cannot be chosen', async () => {
    await installModel(serve, fields('e2e-cap', { rateHz: 200, windowSeconds: 5, eeg: labelledChannels(['FP1', 'FP2', 'X9', 'Y7']), ecg: anyChannels(1, 12) }), 4);
    await page.getByTestId('fit-e2e-cap').waitFor({ timeout: 15_000 });
    // The core's own check (the one a select is refused by), in words, with what the headset has instead.
    assert.match((await page.getByTestId('fit-e2e-cap').textContent()) ?? '', /^does not fit the connected devices: EEG: missing .*X9, Y7 \(connected: \w+/);
    assert.equal(await page.getByTestId('select-e2e-cap').isDisabled(), true, 'Use is not offered where the core would refuse it');
    // The model that runs says it fits, and with which devices.
    assert.equal((await page.getByTestId('fit-e2e-any').textContent())?.trim(), 'fits the connected devices · EEG + ECG');
    // The running model is untouched.
    assert.match((await page.getByTestId('model-backend').textContent())?.trim() ?? '', /^WASM · /);
  });

  test('windows cut shorter than the model reads: the refusal names the signal settings and how to change them, not the devices', async () => {
    const call = async (channel: string, req: unknown) => {
      const r = await serve.core.handlers.dispatch(channel, req, { transport: 'local', clientId: 'test' });
      if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    };
    const settings = signalSettingsOf(serve.core.ctx.hub.pipelineConfig!());
    await call('hm:pipeline:set-settings', { ...settings, windowSec: 4, hopSec: 1 });
    try {
      const words = 'window length: the model reads 5-s windows, the signal settings cut 4-s windows (set Window to 5 s in Live → Signal settings)';
      await page.waitForFunction(() => /signal settings/.test(document.querySelector('[data-testid="fit-e2e-any"]')?.textContent ?? ''), undefined, { timeout: 15_000 });
      assert.equal((await page.getByTestId('fit-e2e-any').textContent())?.trim(), `does not fit the signal settings: ${words}`);
      assert.equal((await page.getByTestId('model-refused').textContent())?.trim(), `The model does not fit the signal settings:${words}`);
      // The other model lacks electrodes too: both causes, each said.
      assert.match((await page.getByTestId('fit-e2e-cap').textContent()) ?? '', /^does not fit the connected devices or the signal settings: EEG: missing .*; window length:/);
    } finally {
      await call('hm:pipeline:set-settings', settings);
    }
    await page.waitForFunction(() => document.querySelector('[data-testid="fit-e2e-any"]')?.textContent?.trim() === 'fits the connected devices · EEG + ECG', undefined, { timeout: 15_000 });
  });

  test('Card brings the card into view with focus on it; on a narrow window the estimates go under the list, not beside it', async () => {
    // The card opens under the list and the estimates: below the fold with three models listed.
    await page.setViewportSize({ width: 1440, height: 700 });
    try {
      await page.getByTestId('card-e2e-cap').click();
      const card = page.getByTestId('model-card');
      await card.waitFor({ timeout: 10_000 });
      await page.waitForFunction(() => {
        const h = document.querySelector('[data-testid="model-card"] h2');
        const r = h?.getBoundingClientRect();
        return !!r && r.top >= 0 && r.bottom <= innerHeight && document.activeElement === h;
      }, undefined, { timeout: 5_000 });
      assert.match((await card.textContent()) ?? '', /e2e-cap/);
      await card.getByRole('button', { name: 'Close' }).click();
      // 420 px: side by side, the estimates column was squeezed to ~100 px beside a 280-px list.
      await page.setViewportSize({ width: 420, height: 900 });
      const cols = await page.$$eval('.models-grid > .panel', (ps) => ps.map((p) => p.getBoundingClientRect()).map((r) => ({ left: r.left, top: r.top, width: r.width })));
      assert.equal(cols.length, 2);
      assert.ok(cols[1].top > cols[0].top && Math.abs(cols[1].left - cols[0].left) < 1, `the estimates sit under the list (${JSON.stringify(cols)})`);
      assert.ok(cols[1].width > 350, `and take the width (${cols[1].width} px)`);
    } finally {
      await page.setViewportSize({ width: 1440, height: 1000 });
    }
  });

  test('installing a file that is not ONNX from the view is refused with the reason', async () => {
    const dir = join(serve.core.ctx.dataDir, 'incoming');
    mkdirSync(dir, { recursive: true });
    const f = fields('e2e-junk', { rateHz: 200, windowSeconds: 5, eeg: anyChannels(1, 64), ecg: anyChannels(1, 12) });
    writeFileSync(join(dir, 'card.json'), JSON.stringify(newModelCard(f, 17)));
    writeFileSync(join(dir, 'model.onnx'), 'definitely not a protobuf');
    await page.locator('details.model-install summary').click();
    await page.getByTestId('install-folder').fill(dir);
    await page.getByTestId('install-submit').click();
    await page.getByTestId('install-result').waitFor({ timeout: 10_000 });
    assert.match((await page.getByTestId('install-result').textContent()) ?? '', /^(?!hm:).*not an ONNX model/);
  });

  test('with the chest strap stopped the model answers from EEG alone, and the view says why in words', async () => {
    const call = async (channel: string, req: unknown) => {
      const r = await serve.core.handlers.dispatch(channel, req, { transport: 'local', clientId: 'test' });
      if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    };
    await call('hm:pipeline:device-stop', { deviceId: 'sim-ecg-1' });
    try {
      await page.waitForFunction(() => /no ECG/.test(document.querySelector('[data-testid="model-fed"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
      assert.match((await page.getByTestId('model-fed').textContent()) ?? '', /^fed by EEG · no ECG \((no device connected|a gap in its stream)\): answered without it$/);
      // The reason reaches the core with the answer, and is stored with it (absent:ecg:<reason>).
      const t0 = Date.now();
      while (!reports.some((x) => x.fed.length === 1 && x.absent?.ecg) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 200));
      const r = reports.find((x) => x.fed.length === 1 && x.absent?.ecg);
      assert.ok(r, `an EEG-only answer with the reason ECG was absent (${JSON.stringify(reports.at(-1))})`);
      assert.match(r.absent!.ecg!, /^(no-device|gap)$/);
      assert.equal(predictionRow(r).outputs[`absent:ecg:${r.absent!.ecg}`], 1, 'stored with the prediction');
    } finally {
      await call('hm:pipeline:device-start', { deviceId: 'sim-ecg-1' });
    }
  });

  test("with the strap's lead gone flat the model answers from EEG alone, and the view names the flag, not only 'signal quality too poor'", async () => {
    const r = await serve.core.handlers.dispatch('hm:pipeline:device-fault', { deviceId: 'sim-ecg-1', fault: 'flat-channel' }, { transport: 'local', clientId: 'test' });
    assert.ok(r.ok, `the fault was injected: ${JSON.stringify(r)}`);
    // Flat for 10 s: the 5-s windows inside it are withheld for their quality, the lead flagged flat.
    await page.waitForFunction(() => /no ECG \(its one channel is a flat line\)/.test(document.querySelector('[data-testid="model-fed"]')?.textContent ?? ''), undefined, { timeout: 30_000 });
    assert.equal((await page.getByTestId('model-fed').textContent())?.trim(), 'fed by EEG · no ECG (its one channel is a flat line): answered without it');
    // Stored with the answer: the flag, counted per channel (unusable:ecg:flat = 1).
    const t0 = Date.now();
    while (!reports.some((x) => x.unusable?.ecg) && Date.now() - t0 < 10_000) await new Promise((res) => setTimeout(res, 200));
    const bad = reports.find((x) => x.unusable?.ecg);
    assert.ok(bad, `an answer with the ECG's flags (${JSON.stringify(reports.at(-1))})`);
    assert.deepEqual([bad.absent?.ecg, bad.unusable], ['bad-quality', { ecg: { flat: 1 } }]);
    assert.equal(predictionRow(bad).outputs['unusable:ecg:flat'], 1, 'stored with the prediction');
  });

  test('the live dashboard’s Estimates panel shows the same model’s answer, and the page stayed clean', async () => {
    await page.goto(new URL('#/live', serve.url).href);
    // Generous: the Live view's first render is heavy and this machine is shared.
    await page.getByTestId('estimate-panel').waitFor({ timeout: 60_000 });
    await page.getByTestId('estimate-arithmetic-label').waitFor({ timeout: 60_000 });
    assert.match((await page.getByTestId('estimate-panel').textContent()) ?? '', /WASM/);
    // …and names the model that answers.
    assert.equal((await page.getByTestId('estimate-model').textContent())?.trim(), 'E2E e2e-any 2.0.0');
    assert.deepEqual(problems, [], problems.join('\n'));
  });

  test('while a model loads, the Estimates panel says so once (not in its badge and its body both)', async () => {
    // Every state the panel shows, as it is rendered: how often it says "loading".
    await page.evaluate(() => {
      const w = window as unknown as { loadingSeen: number[]; loadingObserver: MutationObserver };
      w.loadingSeen = [];
      const panel = document.querySelector('[data-testid="estimate-panel"]')!;
      w.loadingObserver = new MutationObserver(() => w.loadingSeen.push((panel.textContent?.match(/loading/gi) ?? []).length));
      w.loadingObserver.observe(panel, { subtree: true, childList: true, characterData: true });
    });
    // The same model, new weights: the page loads it again.
    const f = fields('e2e-any', { rateHz: 200, windowSeconds: 5, eeg: anyChannels(1, 64), ecg: anyChannels(1, 12) });
    await installModel(serve, { ...f, version: '2.0.1' }, 6);
    await page.waitForFunction(() => (window as unknown as { loadingSeen: number[] }).loadingSeen.some((n) => n > 0), undefined, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="estimate-model"]')?.textContent?.trim() === 'E2E e2e-any 2.0.1', undefined, { timeout: 60_000 });
    const seen = await page.evaluate(() => {
      const w = window as unknown as { loadingSeen: number[]; loadingObserver: MutationObserver };
      w.loadingObserver.disconnect();
      return w.loadingSeen;
    });
    assert.equal(Math.max(...seen), 1, `"loading" shown ${Math.max(...seen)} times at once`);
  });

  test('one window whose run fails is that window’s problem: later windows are shown again, and the model is not marked failed', async () => {
    await page.getByTestId('estimate-arithmetic-label').waitFor({ timeout: 60_000 });
    // The worker answers the next window with a run error, as it does when ORT throws on one window
    // (a real run failure cannot be made on demand).
    await answerNextWindow(page, { type: 'error', code: 'runtime', message: 'injected run failure' });
    const shown = await noteSnapshot(page, 'main', 'window-error', '[data-testid="estimates-box"]');
    assert.match(shown.text, /^window #\d+ could not be run: injected run failure/);
    // …beside the estimate, not in place of it.
    assert.ok(shown.estimate, `the estimate is shown beside the failure: ${JSON.stringify(shown)}`);
    // The next window answers and clears it.
    await page.waitForFunction(() => !document.querySelector('[data-testid="window-error"]') && document.querySelector('[data-testid="estimate-arithmetic-label"]'), undefined, { timeout: 30_000 });
    // The Models view does not show the model as failed either.
    await page.goto(new URL('#/models', serve.url).href);
    await page.getByTestId('estimate-arithmetic-label').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('model-error').count(), 0, 'no model error after a good window');
    assert.equal(await page.getByTestId('window-error').count(), 0);
  });

  test('a skipped window is noted until the next window is answered, not until the next model load', async () => {
    await page.getByTestId('estimate-arithmetic-label').waitFor({ timeout: 60_000 });
    // The worker answers the next window as skipped, as it does for a window it cannot read (NaN, a
    // channel missing).
    await answerNextWindow(page, { type: 'skipped', code: 'bad-input', message: 'injected: EEG has NaN' });
    const shown = await noteSnapshot(page, 'main', 'window-skipped', '[data-testid="estimates-box"]');
    assert.match(shown.text, /^window #\d+ skipped: injected: EEG has NaN \(the estimate shown is from window #\d+\)$/);
    // The estimate on screen is an older window's meanwhile: dimmed, not shown as current.
    assert.equal(shown.stale, 'true', `dimmed while the note shows: ${JSON.stringify(shown)}`);
    // The next window answers: the note goes (it stayed until the next model load).
    await page.waitForFunction(() => !document.querySelector('[data-testid="window-skipped"]'), undefined, { timeout: 30_000 });
    assert.equal(await page.getByTestId('estimate-arithmetic-label').count(), 1);
    assert.equal(await page.getByTestId('estimates-box').getAttribute('data-stale'), null);
  });

  test('on the live dashboard too: a skipped window is said in the Estimates panel, its older answer dimmed', async () => {
    // Every window skipped (the signal settings cut 4-s windows for a 5-s model) left the dashboard's
    // last answer on show as current: the note was only in the Models view.
    await page.goto(new URL('#/live', serve.url).href);
    await page.getByTestId('estimate-arithmetic-label').waitFor({ timeout: 60_000 });
    const panel = page.getByTestId('estimate-panel');
    assert.equal(await panel.getAttribute('data-stale'), null);
    await answerNextWindow(page, { type: 'skipped', code: 'bad-input', message: 'injected: the window holds 800 samples (4.00 s), the model reads 5 s = 1000' });
    const shown = await noteSnapshot(page, '[data-testid="estimate-panel"]', 'window-skipped', '[data-testid="estimate-panel"]');
    assert.match(shown.text, /skipped: injected: the window holds 800 samples .* \(the estimate shown is from window #\d+\)$/);
    assert.equal(shown.stale, 'true', `the panel is dimmed while the note shows: ${JSON.stringify(shown)}`);
    await page.waitForFunction(() => !document.querySelector('[data-testid="estimate-panel"]')?.hasAttribute('data-stale'), undefined, { timeout: 30_000 });
    await page.goto(new URL('#/models', serve.url).href);
  });

  test('with every device stopped the model waits for them and its last answer is not shown as if current', async () => {
    const call = async (channel: string, req: unknown) => {
      const r = await serve.core.handlers.dispatch(channel, req, { transport: 'local', clientId: 'test' });
      if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    };
    await page.goto(new URL('#/models', serve.url).href);
    await page.getByTestId('estimate-arithmetic-label').waitFor({ timeout: 60_000 });
    await call('hm:pipeline:device-stop', { deviceId: 'sim-eeg-1' });
    await call('hm:pipeline:device-stop', { deviceId: 'sim-ecg-1' });
    try {
      await page.getByTestId('model-waiting').waitFor({ timeout: 15_000 });
      await page.waitForTimeout(500);
      assert.equal(await page.getByTestId('estimate-arithmetic').count(), 0, 'no estimate beside the wait');
      // The list follows the devices: with nothing connected a model is not a misfit; it waits (and can be chosen ahead).
      assert.equal((await page.getByTestId('fit-e2e-any').textContent())?.trim(), 'no EEG or ECG device connected: it can be chosen now and runs once a device that fits it streams');
    } finally {
      await call('hm:pipeline:device-start', { deviceId: 'sim-eeg-1' });
      await call('hm:pipeline:device-start', { deviceId: 'sim-ecg-1' });
    }
    // Back, the answer from before the stop is not shown as the current one: the task waits for the
    // first new window (5 s of signal away), then the model (kept loaded) answers again.
    await page.getByTestId('model-waiting').waitFor({ state: 'detached', timeout: 15_000 });
    assert.equal(await page.getByTestId('estimate-arithmetic-label').count(), 0, 'no answer from before the stop');
    assert.match((await page.getByTestId('estimate-arithmetic').textContent()) ?? '', /waiting for a window…/);
    await page.getByTestId('estimate-arithmetic-label').waitFor({ timeout: 60_000 });
  });

  test('a model that failed to load and then waits for its devices says that only, not the old failure', async () => {
    const call = async (channel: string, req: unknown) => {
      const r = await serve.core.handlers.dispatch(channel, req, { transport: 'local', clientId: 'test' });
      if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    };
    // WebGPU chosen on an earlier run (a machine with a GPU); here there is no adapter: the load fails.
    await page.evaluate("localStorage.setItem('hm.inferenceBackend', 'webgpu')");
    await page.goto(new URL('#/models', serve.url).href);
    await page.reload();
    try {
      await page.waitForFunction(() => /WebGPU was chosen/.test(document.querySelector('[data-testid="model-error"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
      await call('hm:pipeline:device-stop', { deviceId: 'sim-eeg-1' });
      await call('hm:pipeline:device-stop', { deviceId: 'sim-ecg-1' });
      await page.getByTestId('model-waiting').waitFor({ timeout: 15_000 });
      assert.match((await page.getByTestId('model-waiting').textContent()) ?? '', /^The model is waiting for its devices:no EEG or ECG device connected/);
      await page.waitForTimeout(500);
      assert.equal(await page.getByTestId('model-error').count(), 0, 'the load failure of a model that cannot run now is not shown');
    } finally {
      await page.evaluate("localStorage.setItem('hm.inferenceBackend', 'auto')");
      await call('hm:pipeline:device-start', { deviceId: 'sim-eeg-1' });
      await call('hm:pipeline:device-start', { deviceId: 'sim-ecg-1' });
    }
  });
});
