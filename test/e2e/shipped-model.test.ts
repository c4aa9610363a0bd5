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
import { renderModelCard } from '../../src/shared/model/card';
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

test('the evaluation figures quoted for the shipped model are the card\'s: card.md, its limitations, models/README.md, docs/training.md, README.md', () => {
  const dir = join(MODELS, shipped[0]);
  const card = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')) as ModelCard;
  // card.md ships beside card.json and is what a reader of the folder sees: the same card, rendered.
  assert.equal(readFileSync(join(dir, 'card.md'), 'utf8'), renderModelCard(card), 'card.md is card.json rendered (re-render it: renderModelCard)');
  const metric = (name: string) => {
    const m = card.evaluation.metrics.find((x) => x.metric === name);
    assert.ok(m, `the card reports ${name}`);
    return m;
  };
  const f3 = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(3));
  const pm = (m: { value: number; sd?: number }) => `${f3(m.value)} ± ${f3(m.sd)}`;
  const bpm = (m: { baseline?: number; baselineSd?: number }) => `${f3(m.baseline)} ± ${f3(m.baselineSd)}`;
  const auroc = metric('auroc');
  const ablation = (arm: string) => metric(`auroc [${arm} ablation]`);
  // The card's own limitation states the comparison in words.
  assert.ok(card.limitations.some((l) => l.includes(`mean AUROC ${f3(auroc.value)} vs ${f3(auroc.baseline)}`)), 'the limitation quotes the card\'s AUROC and baseline');
  const modelsReadme = readFileSync(join(MODELS, 'README.md'), 'utf8');
  // The baseline's fold sd as well as its mean: every metric of the card has both.
  assert.ok(card.evaluation.metrics.every((m) => m.sd !== undefined && m.baselineSd !== undefined), 'every card metric carries the model\'s and the baseline\'s fold sd');
  assert.ok(modelsReadme.includes(`AUROC **${pm(auroc)}**, against **${bpm(auroc)}**`), 'models/README.md quotes the card');
  const readme = readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
  assert.ok(readme.includes(`AUROC **${pm(auroc)}**`) && readme.includes(`reaches **${bpm(auroc)}**`), 'README.md quotes the card\'s AUROC and baseline, each with its fold sd');
  const e = ablation('eeg/pretrained');
  const c = ablation('ecg/pretrained');
  assert.ok(readme.includes(`EEG-only ${f3(e.value)}, ECG-only ${f3(c.value)}; baseline EEG-only ${f3(e.baseline)}, ECG-only ${f3(c.baseline)}`), 'README.md quotes the card\'s ablations');
  // docs/training.md, "What it scored": arm | AUROC | AUC-PR | balanced acc. | F1 | κ.
  const training = readFileSync(join('docs', 'training.md'), 'utf8');
  const table = training.slice(training.indexOf('**What it scored**'));
  const row = (arm: string): string[] => {
    const line = table.split('\n').find((l) => l.startsWith(`| ${arm} |`));
    assert.ok(line, `docs/training.md has the row '${arm}'`);
    return line.split('|').slice(2, -1).map((x) => x.trim().replace(/\*\*/g, ''));
  };
  const v = (name: string) => f3(metric(name).value);
  const b = (name: string) => f3(metric(name).baseline);
  assert.deepEqual(row('fused, pretrained (shipped)'), [pm(auroc), v('auc_pr'), v('balanced_accuracy'), v('f1'), v('kappa')]);
  for (const [arm, name] of [
    ['EEG only, pretrained', 'eeg/pretrained'],
    ['ECG only, pretrained', 'ecg/pretrained'],
    ['fused, random init', 'fused/random'],
    ['EEG only, random init', 'eeg/random'],
    ['ECG only, random init', 'ecg/random'],
  ] as const) {
    assert.equal(row(arm)[0], pm(ablation(name)), `docs/training.md: ${arm}`);
  }
  const base = row('**baseline** fused (band power + heart rate, logistic regression)');
  assert.deepEqual(base, [bpm(auroc), b('auc_pr'), b('balanced_accuracy'), b('f1'), b('kappa')]);
  assert.equal(row('baseline EEG only')[0], bpm(e), 'docs/training.md: baseline EEG only');
  assert.equal(row('baseline ECG only')[0], bpm(c), 'docs/training.md: baseline ECG only');
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
