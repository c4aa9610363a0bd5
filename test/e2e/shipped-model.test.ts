// The model shipped in models/ (made by `npm run train:default`): its card is honest about what it
// was trained on and reports the subject-wise evaluation next to the baseline and the ablations,
// its ONNX file is the one the card hashes, and on the built-in demo the app loads it as the active
// model and shows real estimates fed by EEG and ECG, with the card's first limitation beside them on the
// live dashboard (Chromium, serve mode, WASM).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ModelCard } from '../../src/shared/model/model.types';
import type { PredictionReport } from '../../src/shared/ipc/models.schema';
import { chromiumMissing } from './support/chromium';
import { rendererMissing, startServeFixture, type ServeFixture } from './support/serve-fixture';
import { collectPredictions, openModelsView } from './support/inference-fixture';

const MODELS = resolve('models');
const shipped = readdirSync(MODELS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(MODELS, d.name, 'card.json')))
  .map((d) => d.name);

test('a trained model is shipped in models/, with an honest card and the file it hashes', () => {
  assert.equal(shipped.length, 1, `models/ holds one shipped model (found: ${shipped.join(', ') || 'none'}; make it with \`npm run train:default\`)`);
  const dir = join(MODELS, shipped[0]);
  const card = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')) as ModelCard;
  const onnx = readFileSync(join(dir, 'model.onnx'));
  assert.equal(card.id, shipped[0]);
  assert.equal(createHash('sha256').update(onnx).digest('hex'), card.onnx.sha256, 'card.onnx.sha256 is the shipped file');
  assert.match(JSON.stringify(card.training), /EEGMAT|Mental Arithmetic/i, 'the card names the training data');
  assert.match(card.evaluation.protocol, /subject/i, 'the evaluation is subject-wise');
  const auroc = card.evaluation.metrics.find((m) => m.metric === 'auroc');
  assert.ok(auroc && typeof auroc.baseline === 'number', 'AUROC is reported next to the baseline');
  for (const arm of ['eeg', 'ecg']) assert.ok(card.evaluation.metrics.some((m) => m.metric.includes('ablation') && m.metric.toLowerCase().includes(arm)), `the ${arm.toUpperCase()}-only ablation is reported`);
  assert.ok(card.limitations.some((l) => /emotion/i.test(l)), 'the card says it tells nothing about emotion');
});

describe('the shipped model on the built-in demo (Chromium, serve mode)', { skip: chromiumMissing() || rendererMissing() || (shipped.length === 0 && 'no model in models/') }, () => {
  let serve: ServeFixture;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let reports: PredictionReport[];

  before(async () => {
    serve = await startServeFixture({ builtinModels: true });
    reports = collectPredictions(serve);
    ({ browser, page, problems } = await openModelsView(serve));
  });

  after(async () => {
    await browser?.close();
    await serve?.close();
  });

  test('is the active model, runs on every window fed by EEG + ECG, and reports back', async () => {
    await page.getByTestId(`model-${shipped[0]}`).waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => /WASM|WebGPU/.test(document.querySelector('[data-testid="model-backend"]')?.textContent ?? ''), undefined, { timeout: 90_000 });
    const t0 = Date.now();
    while (reports.filter((r) => r.fed.length === 2).length < 3 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 250));
    const both = reports.filter((r) => r.fed.length === 2);
    assert.ok(both.length >= 3, `predictions fed by both modalities (${reports.length} reports)`);
    for (const r of both) {
      assert.equal(r.modelId, shipped[0]);
      for (const p of Object.values(r.probabilities)) {
        assert.ok(p.every((x) => x >= 0 && x <= 1 && Number.isFinite(x)), `probabilities ${p.join(', ')}`);
      }
    }
    assert.match((await page.getByTestId('model-fed').textContent()) ?? '', /fed by EEG \+ ECG/);
  });

  test('the live dashboard shows its estimate with the card\'s first limitation beside it, and the page stayed clean', async () => {
    await page.goto(new URL('#/live', serve.url).href);
    await page.getByTestId('estimate-limits').waitFor({ timeout: 60_000 });
    assert.match((await page.locator('[data-testid="estimate-limits"] summary').textContent()) ?? '', /does NOT beat the simple baseline/);
    assert.deepEqual(problems, [], problems.join('\n'));
  });
});
