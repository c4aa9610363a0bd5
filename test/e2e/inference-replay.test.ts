// Live inference on a replayed recording: a real EEGMAT file (19 EEG + ECG at 500 Hz) imported as a
// session and replayed through the pipeline reaches a model whose contract names CBraMod's 19
// electrodes; the page's worker answers from EEG and ECG, in Chromium, and the predictions are
// stored with the replayed session.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing } from './support/chromium';
import { collectPredictions, installModel, openModelsView, untrainedModelFields, useModel } from './support/inference-fixture';
import { rendererMissing, startServeFixture, type ServeFixture } from './support/serve-fixture';
import { CBRAMOD_EEG_CHANNELS, anyChannels, labelledChannels } from '../../src/shared/model/config';
import type { PredictionReport } from '../../src/shared/ipc/models.schema';
import type { SessionSummary } from '../../src/shared/session.types';
import { EEGMAT_DIR, noEegmat } from '../shared/model/eegmat-windows';

const skip = chromiumMissing() || rendererMissing() || noEegmat;

describe('live inference on a replayed EEGMAT session (Chromium, serve mode)', { skip }, () => {
  let serve: ServeFixture;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let reports: PredictionReport[];

  const call = async <T>(channel: string, req: unknown): Promise<T> => {
    const r = await serve.core.handlers.dispatch(channel, req, { transport: 'local', clientId: 'test' });
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as T;
  };

  before(async () => {
    serve = await startServeFixture({ demo: false });
    reports = collectPredictions(serve);
    const input = { rateHz: 200, windowSeconds: 5, eeg: labelledChannels(CBRAMOD_EEG_CHANNELS), ecg: anyChannels(1, 12) };
    await installModel(serve, untrainedModelFields('e2e-cap19', input, { name: 'E2E 19-channel', provenance: 'test/e2e/inference-replay.test.ts' }), 8);
    await useModel(serve, 'e2e-cap19');
    ({ browser, page, problems } = await openModelsView(serve));
  });

  after(async () => {
    await browser?.close();
    await serve?.close();
  });

  test('the replayed 19-channel EEG and ECG feed the model; estimates and reports carry both modalities', async () => {
    const session = await call<SessionSummary>('hm:sessions:import', { path: join(EEGMAT_DIR, 'Subject03_2.edf') });
    await call('hm:sessions:replay-open', { sessionId: session.id, speed: 1, play: true });
    await page.waitForFunction(() => /WASM/.test(document.querySelector('[data-testid="model-backend"]')?.textContent ?? ''), undefined, { timeout: 90_000 });
    await page.waitForFunction(() => /fed by EEG \+ ECG/.test(document.querySelector('[data-testid="model-fed"]')?.textContent ?? ''), undefined, { timeout: 90_000 });
    const t0 = Date.now();
    while (reports.length === 0 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 200));
    const r = reports.at(-1)!;
    assert.equal(r.modelId, 'e2e-cap19');
    assert.deepEqual(r.fed, ['eeg', 'ecg']);
    assert.ok(r.probabilities.arithmetic.every((p) => p >= 0 && p <= 1), `probabilities in [0, 1]: ${r.probabilities.arithmetic.join(', ')}`);
    // Stored with the replayed session (the sessions area registers a prediction sink).
    let stored: { modelId: string; outputs: Record<string, number> }[] = [];
    const t1 = Date.now();
    while (stored.length === 0 && Date.now() - t1 < 10_000) {
      await new Promise((res) => setTimeout(res, 500));
      stored = await call('hm:sessions:predictions', { sessionId: session.id });
    }
    assert.ok(stored.length > 0, 'predictions stored with the session');
    assert.equal(stored[0].modelId, 'e2e-cap19');
    assert.equal(stored[0].outputs['fed:eeg'], 1);
    // A seek withdraws and re-announces the replay's streams: the model stays loaded and goes on
    // (was: unloaded, then fetched and compiled again, tens of MB, on every seek).
    let onnxRequests = 0;
    const dispatch = serve.core.handlers.dispatch.bind(serve.core.handlers);
    serve.core.handlers.dispatch = (channel, req, ctx) => {
      if (channel === 'hm:models:onnx') onnxRequests++;
      return dispatch(channel, req, ctx);
    };
    await call('hm:sessions:replay-seek', { time: session.startTime + 30 });
    const seekedAt = reports.length;
    const t2 = Date.now();
    while (reports.length < seekedAt + 2 && Date.now() - t2 < 30_000) await new Promise((res) => setTimeout(res, 200));
    assert.ok(reports.length >= seekedAt + 2, 'estimates go on after the seek');
    assert.equal(onnxRequests, 0, 'the model is not fetched again after a seek');
    await call('hm:sessions:replay-close', undefined);
    assert.deepEqual(problems, [], problems.join('\n'));
  });
});
