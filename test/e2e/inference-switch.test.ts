// Switching models while live inference runs, in real Chromium against the real core in serve mode:
// on the simulated devices and on a replay "as fast as possible" (windows arriving far faster than
// the worker answers), 20 switches each between a fused EEG+ECG model (A) and an EEG-only model (B).
// What the view shows under a model's name must be that model's answer: B never answers from ECG,
// so "fed by EEG + ECG" under B's name, or a bare "fed by EEG" under A's (A says why ECG was
// missing), is the other model's prediction. The page keeps one inference worker, and the renderer's
// memory does not grow with the switches (each load releases the model before it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing } from './support/chromium';
import { rendererPids, rssMiB } from './support/proc';
import { collectPredictions, installModel, openModelsView, untrainedModelFields } from './support/inference-fixture';
import { rendererMissing, startServeFixture, type ServeFixture } from './support/serve-fixture';
import { anyChannels, defaultFusedConfig, TASK_MENTAL_ARITHMETIC } from '../../src/shared/model/config';
import type { PredictionReport } from '../../src/shared/ipc/models.schema';
import type { ReplayStatus, SessionSummary } from '../../src/shared/session.types';
import { EEGMAT_DIR, noEegmat } from '../shared/model/eegmat-windows';

const skip = chromiumMissing() || rendererMissing();
const provenance = 'test/e2e/inference-switch.test.ts';
// 4 layers (≈ 13 MB of weights each): a session kept per switch would add ≈ 0.25 GB over 20 switches.
const LAYERS = 4;
const A = { id: 'e2e-a', name: 'E2E A fused' };
const B = { id: 'e2e-b', name: 'E2E B EEG-only' };

/** Resident memory (MiB) of the Chromium renderer processes this test started (the page and its workers). */
const rendererRssMiB = (): number => rendererPids(process.pid).reduce((sum, pid) => sum + rssMiB(pid), 0);

/** In the page: every state the view shows, as (title, fed) pairs, checked as the DOM changes. */
async function watchMismatches(page: Page): Promise<void> {
  // tsx compiles this file with esbuild's keepNames (__name() wrappers), which the page lacks.
  await page.evaluate('globalThis.__name = (f) => f');
  await page.evaluate(
    ([a, b]) => {
      const w = window as unknown as { __mismatches: string[]; __seen: Set<string> };
      w.__mismatches = [];
      w.__seen = new Set();
      const check = () => {
        const title = document.querySelector('[data-testid="estimates-title"]')?.textContent?.trim() ?? '';
        const fed = document.querySelector('[data-testid="model-fed"]')?.textContent?.trim() ?? '';
        if (!fed) return;
        w.__seen.add(`${title}|${fed.startsWith('fed by EEG + ECG') ? 'both' : 'one'}`);
        // B reads no ECG: an answer fed by it is A's. A says why ECG did not feed it: a bare "fed by EEG" is B's.
        if ((title === b && /ECG/.test(fed)) || (title === a && fed === 'fed by EEG')) w.__mismatches.push(`${title}: ${fed}`);
      };
      new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
    },
    [A.name, B.name],
  );
}

const inferenceWorkers = (page: Page) => page.workers().filter((w) => /inference-worker/.test(w.url())).length;

/**
 * 20 switches, alternating, at uneven pace: some before the model chosen has loaded (a load
 * superseded), some after it has answered. Ends on B, answering.
 */
async function switchTwentyTimes(page: Page, reports: PredictionReport[], beforeSwitch: () => Promise<void> = async () => undefined): Promise<void> {
  const pauses = [0, 900, 150, 2500, 0, 400, 1200, 50, 3000, 300, 0, 700, 2000, 100, 600, 1500, 0, 250, 2500, 800];
  for (let i = 0; i < 20; i++) {
    const to = i % 2 === 0 ? B : A;
    await beforeSwitch();
    // Use is enabled for the model not active: wait until the core has taken the previous switch.
    await page.getByTestId(`select-${to.id}`).click({ timeout: 30_000 });
    await page.waitForTimeout(pauses[i]);
    assert.ok(inferenceWorkers(page) <= 1, `one inference worker at switch ${i + 1} (${inferenceWorkers(page)})`);
  }
  await page.waitForFunction((name) => document.querySelector('[data-testid="estimates-title"]')?.textContent?.trim() === name, A.name, { timeout: 60_000 });
  await beforeSwitch();
  const n = reports.length;
  await page.waitForFunction(() => /fed by/.test(document.querySelector('[data-testid="model-fed"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
  const t0 = Date.now();
  while (!reports.slice(n).some((r) => r.modelId === A.id) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 200));
  assert.ok(reports.slice(n).some((r) => r.modelId === A.id), 'the model switched to last answers');
}

describe('switching models while inference runs (Chromium, serve mode)', { skip }, () => {
  let serve: ServeFixture;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let reports: PredictionReport[];
  let rssAfterWarmUp = 0;

  const call = async <T>(channel: string, req: unknown): Promise<T> => {
    const r = await serve.core.handlers.dispatch(channel, req, { transport: 'local', clientId: 'test' });
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as T;
  };

  before(async () => {
    serve = await startServeFixture({ demo: true });
    reports = collectPredictions(serve);
    const fused = untrainedModelFields(A.id, { rateHz: 200, windowSeconds: 5, eeg: anyChannels(1, 64), ecg: anyChannels(1, 12) }, { name: A.name, provenance });
    await installModel(serve, { ...fused, config: defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: LAYERS }) }, 11);
    const eegOnly = untrainedModelFields(B.id, { rateHz: 200, windowSeconds: 5, eeg: anyChannels(1, 64) }, { name: B.name, provenance });
    await installModel(serve, { ...eegOnly, config: defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: LAYERS, ecg: false }) }, 12);
    // installModel returned once the core's rescan listed each folder.
    await call('hm:models:select', { id: A.id });
    ({ browser, page, problems } = await openModelsView(serve));
    await page.waitForFunction(() => /fed by EEG \+ ECG/.test(document.querySelector('[data-testid="model-fed"]')?.textContent ?? ''), undefined, { timeout: 90_000 });
    await watchMismatches(page);
  });

  after(async () => {
    await browser?.close();
    await serve?.close();
  });

  test('on the simulated devices: no answer of one model under the other’s name, one worker, memory flat', async () => {
    // Warm-up: both models loaded once, so the memory baseline holds ORT's runtime and its heap.
    await page.getByTestId(`select-${B.id}`).click();
    await page.waitForFunction((name) => document.querySelector('[data-testid="estimates-title"]')?.textContent?.trim() === name, B.name, { timeout: 60_000 });
    await page.waitForFunction(() => /^fed by EEG$/.test(document.querySelector('[data-testid="model-fed"]')?.textContent?.trim() ?? ''), undefined, { timeout: 60_000 });
    await page.getByTestId(`select-${A.id}`).click();
    await page.waitForFunction(() => /fed by EEG \+ ECG/.test(document.querySelector('[data-testid="model-fed"]')?.textContent ?? ''), undefined, { timeout: 60_000 });
    rssAfterWarmUp = rendererRssMiB();
    await switchTwentyTimes(page, reports);
    const seen = await page.evaluate(() => [...(window as unknown as { __seen: Set<string> }).__seen]);
    assert.ok(seen.includes(`${B.name}|one`) && seen.includes(`${A.name}|both`), `both models' answers were on show (${seen.join(', ')})`);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __mismatches: string[] }).__mismatches), []);
    assert.equal(inferenceWorkers(page), 1);
    const rss = rendererRssMiB();
    assert.ok(rss - rssAfterWarmUp < 150, `renderer memory ${rssAfterWarmUp.toFixed(0)} → ${rss.toFixed(0)} MiB over 20 switches`);
    console.log(`renderer RSS after warm-up ${rssAfterWarmUp.toFixed(0)} MiB, after 20 switches ${rss.toFixed(0)} MiB; ${reports.length} reports`);
  });

  test('on a replay as fast as possible: the same', { skip: noEegmat }, async () => {
    // The demo's simulated devices make way for the replay (the replay takes over the live pipeline).
    const session = await call<SessionSummary>('hm:sessions:import', { path: join(EEGMAT_DIR, 'Subject03_2.edf') });
    await call('hm:sessions:replay-open', { sessionId: session.id, speed: 'max', play: true });
    await page.waitForFunction(() => /fed by EEG \+ ECG/.test(document.querySelector('[data-testid="model-fed"]')?.textContent ?? ''), undefined, { timeout: 90_000 });
    // A minute of recording lasts seconds at 'max': played again from the start whenever it ends.
    const keepPlaying = async () => {
      const st = await call<ReplayStatus>('hm:sessions:replay-status', undefined);
      if (st.state === 'playing') return;
      await call('hm:sessions:replay-seek', { time: session.startTime });
      await call('hm:sessions:replay-play', undefined);
    };
    await switchTwentyTimes(page, reports, keepPlaying);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __mismatches: string[] }).__mismatches), []);
    assert.equal(inferenceWorkers(page), 1);
    const rss = rendererRssMiB();
    assert.ok(rss - rssAfterWarmUp < 150, `renderer memory ${rssAfterWarmUp.toFixed(0)} → ${rss.toFixed(0)} MiB over 40 switches`);
    console.log(`renderer RSS after 40 switches ${rss.toFixed(0)} MiB`);
    await call('hm:sessions:replay-close', undefined);
    assert.deepEqual(problems, []);
  });
});
