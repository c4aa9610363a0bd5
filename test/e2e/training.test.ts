// The Training view in real Chromium against the real core in serve mode: start the quick recipe
// (real EEGMAT recordings, wiring-size encoders), watch the progress bar and the live loss curve,
// get the evaluation (arms next to the baseline, ROC curves, confusion matrices) and the log, export
// the model and find it in the live model list; a second run paused and resumed from the view.
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { RunStore } from '../../src/main/train/run-store';
import { quickRecipe } from '../../src/shared/train/recipes';
import { REPORT_ARTIFACT, summaryOf } from '../../src/main/train/job';
import { foldMetricTable } from '../../src/shared/eval';
import type { ArmResult, EvaluationReport } from '../../src/shared/train/train.types';
import type { MeanSd } from '../../src/shared/eval/eval.types';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';

const DATA = resolve('..', 'shared', 'data', 'edf-eegmat');
const skip = servedPageMissing() || (!existsSync(DATA) && 'needs ../shared/data/edf-eegmat');

describe('Training view (Chromium, serve mode)', { skip }, () => {
  let app: ServedPage;
  let page: Page;

  before(async () => {
    app = await openServedPage({ demo: false, route: '#/training', viewport: { width: 1440, height: 1200 } });
    page = app.page;
  });

  after(() => app?.close());

  test('a quick run from the view: progress, live loss, evaluation with the baseline, ROC, confusion, log', async () => {
    await page.waitForSelector('[data-testid="new-run"]', { timeout: 15_000 });
    await page.click('[data-testid="mode-quick"]');
    // The note is the recipe's: its folds each train on one subject (the run's log warns so), and it is not exported.
    assert.match(await page.innerText('[data-testid="recipe-note"]'), /^4 EEGMAT subjects, .*2-fold evaluation by subject \(each fold trains on 1 subject, 1 more choosing the epoch\) with the baseline; not exported\./);
    await page.click('[data-testid="start-run"]');
    await page.waitForSelector('[data-testid="run-detail"][data-state="running"]', { timeout: 30_000 });
    // Before its evaluation the runs table heads the arms this run will report, '…' under each (it showed
    // the placeholders fused/pretrained and baseline/fused whatever the run's arms).
    const planned = ['AUROC fused/pretrained', 'AUROC fused/random', 'AUROC baseline/fused', 'AUROC eeg/pretrained', 'AUROC baseline/eeg', 'AUROC ecg/pretrained', 'AUROC baseline/ecg'];
    await page.waitForFunction((want) => JSON.stringify(Array.from(document.querySelectorAll('[data-testid="runs-table"] th')).map((th) => th.textContent).filter((h) => h?.startsWith('AUROC '))) === want, JSON.stringify(planned), { timeout: 10_000 });
    assert.deepEqual(await page.$$eval('[data-testid="runs-table"] tr[data-run] td.num', (tds) => tds.map((td) => td.textContent)), planned.map(() => '…'));
    // The header names the backend and its tooltip says why: no GPU here, so WASM on one core.
    await page.waitForFunction(() => /^running on jax-js wasm ·/.test(document.querySelector('[data-testid="training-backend"]')?.textContent ?? ''), undefined, { timeout: 30_000, polling: 250 });
    assert.match((await page.getAttribute('[data-testid="training-backend"]', 'title')) ?? '', /^wasm: one core; /);
    // The progress bar moves and the loss curve fills while pretraining runs.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="run-progress"]')?.getAttribute('data-fraction')) > 0.05, undefined, { timeout: 120_000, polling: 250 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points')) > 0, undefined, { timeout: 120_000, polling: 250 });
    await page.waitForSelector('[data-testid="run-detail"][data-state="done"]', { timeout: 300_000 });
    await page.waitForSelector('[data-testid="evaluation"]', { timeout: 20_000 });
    const arms = await page.$$eval('.arm-table tr[data-arm]', (rows) => rows.map((r) => r.getAttribute('data-arm')));
    assert.deepEqual(arms, ['fused/pretrained', 'eeg/pretrained', 'ecg/pretrained', 'fused/random', 'baseline/fused', 'baseline/eeg', 'baseline/ecg']);
    // Seven arms' ROC curves and the chance diagonal, as drawn by the chart.
    await page.waitForSelector('[data-testid="roc-chart"][data-series="8"]', { timeout: 5_000 });
    assert.ok((await page.$$('table.confusion')).length >= 4, 'a confusion matrix per arm (at least 4)');
    assert.ok(Number(await page.getAttribute('[data-testid="validation-chart"]', 'data-points')) > 0, 'validation metrics per epoch');
    // A finished run still shows a fold's validation curve (the final fit, last to train, has no validation subjects).
    assert.match((await page.textContent('[data-testid="validation-caption"]')) ?? '', /— evaluate fused\/random fold 2\/2$/);
    assert.equal(await page.getAttribute('[data-testid="validation-chart"]', 'data-series'), '3', 'val AUROC, val balanced accuracy and the training loss');
    // The header follows the runner: idle once the run is over.
    await page.waitForFunction(() => /^idle ·/.test(document.querySelector('[data-testid="training-backend"]')?.textContent ?? ''), undefined, { timeout: 5_000, polling: 100 });
    // Leaving the view and coming back draws the finished run again (its record loads after the view).
    await page.click('nav a[href="#/live"]');
    await page.waitForSelector('[data-testid="windows"]', { timeout: 10_000 });
    await page.click('nav a[href="#/training"]');
    for (const chart of ['loss-chart', 'validation-chart', 'roc-chart']) {
      await page.waitForFunction((c) => Number(document.querySelector(`[data-testid="${c}"]`)?.getAttribute('data-points')) > 0, chart, { timeout: 15_000 });
    }
    const log = await page.textContent('[data-testid="run-log"]');
    assert.match(log ?? '', /windows from 8 recordings/);
    // The run's table gives report.json's figures: every arm's mean ± sd over the folds, to three decimals.
    const runDir = join(((await app.serve.core.handlers.dispatch('hm:training:list', undefined, { transport: 'local', clientId: 'test' })) as { value: { runsDir: string } }).value.runsDir, (await page.getAttribute('[data-testid="run-detail"]', 'data-run'))!);
    const report = JSON.parse(readFileSync(join(runDir, 'artifacts', REPORT_ARTIFACT), 'utf8')) as EvaluationReport;
    for (const a of report.arms) {
      const sm = a.table.summary;
      const ms = (v: MeanSd) => `${v.mean.toFixed(3)} ± ${v.sd.toFixed(3)}`;
      const cells = await page.$$eval(`.arm-table tr[data-arm="${a.arm}"] td`, (tds) => tds.map((td) => td.textContent ?? ''));
      assert.deepEqual(cells, [a.arm, ms(sm.auroc), ms(sm.aucPr), ms(sm.f1), ms(sm.f1Weighted), ms(sm.balancedAccuracy), ms(sm.cohenKappa), a.table.pooled!.auroc.toFixed(3)], `${a.arm}: the view's row is report.json's`);
    }
    // The runs table compares runs by arm, each modality's baseline beside its model arms.
    assert.match((await page.textContent('[data-testid="runs-table"]')) ?? '', /Quick try/);
    const heads = await page.$$eval('[data-testid="runs-table"] th', (ths) => ths.map((th) => th.textContent ?? ''));
    assert.deepEqual(heads.filter((h) => h.startsWith('AUROC ')), planned);

    // Export: the model appears in the live model list at once.
    // The run's log cannot take the export's line (a folder stands in its place): the model is exported
    // and the run records it, so the view says so as a warning beside "Exported", not as an error.
    const logFile = join(runDir, 'log.txt');
    renameSync(logFile, `${logFile}.saved`);
    mkdirSync(logFile);
    try {
      await page.fill('[data-testid="export-id"]', 'e2e-quick');
      await page.click('[data-testid="export-run"]');
      await page.waitForSelector('[data-testid="exported"]', { timeout: 30_000 });
      assert.match((await page.textContent('[data-testid="export-warning"]')) ?? '', /exported to .* and run .* records it, but its log could not take the line/, 'the warning names what was not written');
      assert.equal(await page.$$eval('[data-testid="run-detail"] .form-error', (els) => els.length), 0, 'no error shown for a model that was exported');
    } finally {
      rmSync(logFile, { recursive: true, force: true });
      renameSync(`${logFile}.saved`, logFile);
    }
    const deadline = Date.now() + 10_000;
    let listed = false;
    while (!listed && Date.now() < deadline) {
      const r = await app.serve.core.handlers.dispatch('hm:models:list', undefined, { transport: 'local', clientId: 'test' });
      listed = r.ok && (r.value as { models: { id: string; problems: string[] }[] }).models.some((m) => m.id === 'e2e-quick' && m.problems.length === 0);
      if (!listed) await new Promise((res) => setTimeout(res, 200));
    }
    assert.ok(listed, 'the exported model is in the registry, usable');
    // The run remembers its export: the runs table names the model, and coming back shows it instead of offering it again.
    const runId = await page.getAttribute('[data-testid="run-detail"]', 'data-run');
    await page.waitForFunction((id) => /e2e-quick/.test(document.querySelector(`tr[data-run="${id}"]`)?.textContent ?? ''), runId, { timeout: 5_000 });
    await page.reload();
    await page.click(`tr[data-run="${runId}"] button`);
    await page.waitForSelector('[data-testid="exported"]', { timeout: 10_000 });
    // Its card, opened in the Models view, gives the run's figures: the model's and the baseline's mean ± sd.
    await page.click('nav a[href="#/models"]');
    await page.click('[data-testid="card-e2e-quick"]');
    const cardText = (await page.textContent('[data-testid="model-card"]')) ?? '';
    const armOf = (name: string) => report.arms.find((a) => a.arm === name)!.table.summary;
    const pm = (v: MeanSd) => `${v.mean.toFixed(3)} ± ${v.sd.toFixed(3)}`;
    for (const [metric, key] of [['auroc', 'auroc'], ['balanced_accuracy', 'balancedAccuracy'], ['kappa', 'cohenKappa']] as const) {
      const row = `| arithmetic | ${metric} | ${pm(armOf('fused/pretrained')[key])} | ${pm(armOf('baseline/fused')[key])} |`;
      assert.ok(cardText.includes(row), `the card's ${metric} row is the run's: ${row}\n${cardText}`);
    }
    // Use: the model becomes the active one (Stop is offered in its place).
    await page.click('[data-testid="select-e2e-quick"]');
    await page.waitForSelector('[data-testid="stop-e2e-quick"]', { timeout: 10_000 });
    assert.equal(await page.$('[data-testid="select-error"]'), null, 'Use was accepted');
    await page.click('[data-testid="stop-e2e-quick"]');
    await page.click('nav a[href="#/training"]');
    assert.deepEqual(app.problems, [], 'no page errors');
  });

  test('pause and resume a run from the view', async () => {
    await page.click('[data-testid="mode-quick"]');
    await page.click('[data-testid="start-run"]');
    await page.waitForSelector('[data-testid="pause-run"]', { timeout: 30_000 });
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points')) > 0, undefined, { timeout: 120_000, polling: 250 });
    await page.click('[data-testid="pause-run"]');
    await page.waitForSelector('[data-testid="run-detail"][data-state="paused"]', { timeout: 60_000 });
    const bar = () => page.getAttribute('[data-testid="run-progress"]', 'data-fraction').then(Number);
    const pausedAt = await bar();
    await page.click('[data-testid="resume-run"]');
    await page.waitForSelector('[data-testid="run-detail"][data-state="running"], [data-testid="run-detail"][data-state="done"]', { timeout: 30_000 });
    // The bar goes on from where it stood (the datasets, built again first, took it back to their share).
    const after: number[] = [];
    for (let i = 0; i < 20; i++, await page.waitForTimeout(100)) after.push(await bar());
    assert.ok(after.every((f) => f >= pausedAt), `paused at ${pausedAt}, then ${after.join(', ')}`);
    await page.click('[data-testid="cancel-run"]').catch(() => undefined);
    await page.waitForSelector('[data-testid="run-detail"][data-state="cancelled"], [data-testid="run-detail"][data-state="done"]', { timeout: 120_000 });
    assert.deepEqual(app.problems, [], 'no page errors');
  });

  test('custom dataset: the task follows the label source; the preview says whether training can run, and why not', async () => {
    const two = mkdtempSync(join(tmpdir(), 'hm-eegmat2-'));
    for (const f of ['Subject00_1.edf', 'Subject00_2.edf', 'Subject01_1.edf', 'Subject01_2.edf']) symlinkSync(join(DATA, f), join(two, f));
    try {
      await page.click('[data-testid="mode-custom"]');
      // The ablations are one checkbox that names the arms it adds; class weighting is the form's (balanced by default).
      assert.match(await page.innerText('label:has([data-testid="ablations"])'), /Ablations too, on the same folds: eeg\/random, ecg\/random$/);
      assert.equal(await page.inputValue('[data-testid="class-weight"]'), 'balanced');
      const task = () => Promise.all(['task-name', 'class-neg', 'class-pos'].map((t) => page.inputValue(`[data-testid="${t}"]`)));
      await page.fill('[data-testid="dreamer-path"]', '/data/DREAMER.mat');
      assert.deepEqual(await task(), ['arousal', 'low', 'high'], 'DREAMER clip ratings: the rated dimension, low/high');
      await page.fill('[data-testid="dreamer-path"]', '');
      assert.deepEqual(await task(), ['arithmetic', 'rest', 'arithmetic']);
      await page.fill('[data-testid="eegmat-dir"]', two);
      await page.selectOption('[data-testid="label-source"]', 'self-report');
      assert.deepEqual(await task(), ['arousal', 'low', 'high']);
      await page.click('[data-testid="preview"]');
      await page.waitForSelector('[data-testid="preview-problem"]', { timeout: 60_000 });
      assert.match(await page.innerText('[data-testid="preview-problem"]'), /no labelled window with EEG and ECG \(96 of 96 windows have no label/);
      // Start on the dataset the preview found wanting is refused with the preview's reason; no run is added.
      const runsAtPreview = (await page.$$('[data-testid="runs-table"] tr[data-run]')).length;
      await page.click('[data-testid="start-run"]');
      await page.waitForSelector('[data-testid="new-run-error"]', { timeout: 10_000 });
      assert.match(await page.innerText('[data-testid="new-run-error"]'), /^this run cannot start: dataset .* has no labelled window with EEG and ECG/);
      assert.equal((await page.$$('[data-testid="runs-table"] tr[data-run]')).length, runsAtPreview);
      await page.selectOption('[data-testid="label-source"]', 'file');
      assert.equal(await page.inputValue('[data-testid="class-pos"]'), 'arithmetic');
      await page.click('[data-testid="preview"]');
      await page.waitForSelector('[data-testid="preview-problem"]', { timeout: 60_000 });
      assert.match(await page.innerText('[data-testid="preview-problem"]'), /leave-one-subject-out with 2 validation subjects needs at least 4 subjects; the dataset has 2/);
      await page.fill('[data-testid="validation-subjects"]', '0');
      await page.click('[data-testid="preview"]');
      await page.waitForSelector('[data-testid="preview-ready"]', { timeout: 60_000 });
      assert.match(await page.innerText('[data-testid="preview-ready"]'), /Ready to train: 96 labelled windows from 2 subjects, 2 folds/);

      // A run the worker would refuse after building the dataset is refused at Start, and no run is added.
      const runsBefore = (await page.$$('[data-testid="runs-table"] tr[data-run]')).length;
      const epochs = page.locator('xpath=//span[text()="Epochs / batch"]/following-sibling::span/input[1]');
      await epochs.fill('0');
      await page.click('[data-testid="start-run"]');
      await page.waitForSelector('[data-testid="new-run-error"]', { timeout: 10_000 });
      assert.match(await page.innerText('[data-testid="new-run-error"]'), /^this run cannot start: .*epochs must be an integer ≥ 1/);
      assert.equal((await page.$$('[data-testid="runs-table"] tr[data-run]')).length, runsBefore);
      await epochs.fill('50');

      // A subject whose recordings give one class: the preview says its test fold will have no AUROC, F1, κ …
      // (Subject00's patient code, its subject here, is '0'.)
      // (Three subjects: with two, the fold tested on Subject01 would train on Subject00's rest alone, which the
      // preview refuses.)
      await page.fill('[data-testid="eegmat-dir"]', '');
      await page.fill(
        '[data-testid="recording-files"]',
        [`${join(two, 'Subject01_1.edf')} = rest`, `${join(two, 'Subject01_2.edf')} = arithmetic`, `${join(two, 'Subject00_1.edf')} = rest`, `${join(DATA, 'Subject03_1.edf')} = rest`, `${join(DATA, 'Subject03_2.edf')} = arithmetic`].join('\n'),
      );
      await page.click('[data-testid="preview"]');
      await page.waitForSelector('[data-testid="preview-notes"]', { timeout: 60_000 });
      assert.match(await page.innerText('[data-testid="preview-ready"]'), /Ready to train: \d+ labelled windows from 3 subjects, 3 folds/);
      assert.match(await page.innerText('[data-testid="preview-notes"]'), /^1 of 3 test folds holds one class only \(0: all 'rest'\): AUROC, AUC-PR, F1, balanced accuracy and κ are undefined there/);

      // Single recordings with their class (PATH = CLASS) and their subject; a file left without a class is named at Start.
      await page.fill('[data-testid="eegmat-dir"]', '');
      await page.fill('[data-testid="recording-files"]', `${join(two, 'Subject01_1.edf')} = rest\n${join(two, 'Subject01_2.edf')} = arithmetic`);
      await page.fill('[data-testid="files-subject"]', 'S01');
      await page.click('[data-testid="preview"]');
      await page.waitForSelector('[data-testid="preview-problem"]', { timeout: 60_000 });
      assert.match(await page.innerText('[data-testid="preview-result"]'), /^48 windows from 2 recordings, 1 subject; rest: 36, arithmetic: 12/);
      // Both recordings given one class: refused at Start (no preview needed), naming the class missing.
      await page.fill('[data-testid="recording-files"]', `${join(two, 'Subject01_1.edf')} = rest\n${join(two, 'Subject00_1.edf')} = rest`);
      await page.click('[data-testid="start-run"]');
      await page.waitForFunction(() => /one class only: no recording gives class 'arithmetic' \(every labelled recording is 'rest'\)/.test(document.querySelector('[data-testid="new-run-error"]')?.textContent ?? ''), undefined, { timeout: 10_000 });
      await page.fill('[data-testid="recording-files"]', join(two, 'Subject01_2.edf'));
      await page.click('[data-testid="start-run"]');
      await page.waitForFunction(() => /Subject01_2\.edf has none: give it one \(PATH = CLASS/.test(document.querySelector('[data-testid="new-run-error"]')?.textContent ?? ''), undefined, { timeout: 10_000 });
      assert.deepEqual(app.problems, [], 'no page errors');
    } finally {
      rmSync(two, { recursive: true, force: true });
    }
  });

  test('a run another process trains (the CLI) shows in the header, not idle; idle again once that process is gone', async (t) => {
    const r = await app.serve.core.handlers.dispatch('hm:training:list', undefined, { transport: 'local', clientId: 'test' });
    assert.ok(r.ok, 'the runs are listed');
    const store = new RunStore((r.value as { runsDir: string }).runsDir);
    // A live process standing in for `heartmind pretrain` (its own run folder, 'running' with its pid).
    const cli = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    t.after(() => cli.kill('SIGKILL'));
    const f = await store.create({ ...quickRecipe(DATA), kind: 'pretrain', finetune: null, evaluation: null, finalFit: false, export: null, name: 'CLI pretraining' }, '2026-01-02-000000-cli');
    const running = { ...(await f.readStatus()), state: 'running' as const, pid: cli.pid };
    await f.writeStatus(running);
    await page.waitForFunction(() => /^training \(CLI\): CLI pretraining ·/.test(document.querySelector('[data-testid="training-backend"]')?.textContent ?? ''), undefined, { timeout: 10_000, polling: 100 });
    assert.match((await page.getAttribute('[data-testid="training-backend"]', 'title')) ?? '', new RegExp(`run 2026-01-02-000000-cli, process ${cli.pid}\\)\\. Ctrl\\+C there pauses it`));
    // Selected: the runs table's percentage follows the progress pushes (the list is reread on status changes only);
    // a pretraining run fits no head, so no empty validation chart is drawn.
    await page.click('tr[data-run="2026-01-02-000000-cli"] button');
    await page.waitForSelector('[data-testid="run-detail"][data-run="2026-01-02-000000-cli"]', { timeout: 10_000 });
    assert.equal(await page.isVisible('[data-testid="validation-chart"]'), false);
    await f.writeStatus({ ...running, progress: { ...running.progress, phase: 'pretrain-eeg', fraction: 0.42, message: 'pretrain-eeg step 21/50' } });
    await page.waitForFunction(() => /^running 42%$/.test(document.querySelector('tr[data-run="2026-01-02-000000-cli"] td:nth-child(2)')?.textContent ?? ''), undefined, { timeout: 10_000, polling: 100 });
    cli.kill('SIGKILL');
    // The core checks a foreign run's pid every 5 s: the run turns interrupted, the header idle.
    await page.waitForFunction(() => /^idle ·/.test(document.querySelector('[data-testid="training-backend"]')?.textContent ?? ''), undefined, { timeout: 15_000, polling: 100 });
    assert.equal((await f.readStatus()).state, 'interrupted');
    assert.deepEqual(app.problems, [], 'no page errors');
  });

  test("an evaluation with a test fold of one class: each arm's figures are report.json's, and a mean over fewer folds is marked", async () => {
    const r = await app.serve.core.handlers.dispatch('hm:training:list', undefined, { transport: 'local', clientId: 'test' });
    assert.ok(r.ok, 'the runs are listed');
    const store = new RunStore((r.value as { runsDir: string }).runsDir);
    // Leave-one-subject-out over three subjects, the third of whom gave rest windows only (a --file
    // recording with one class, a DREAMER subject who rated every clip high): its AUROC, F1, κ … are undefined.
    const subjects = ['S1', 'S2', 'S3'];
    const preds = [
      { y: [0, 0, 1, 1, 0], s: [0.1, 0.6, 0.4, 0.9, 0.3] },
      { y: [0, 1, 1, 0], s: [0.2, 0.8, 0.7, 0.6] },
      { y: [0, 0, 0], s: [0.7, 0.2, 0.1] },
    ];
    const table = foldMetricTable(preds.map((p, i) => ({ fold: subjects[i], yTrue: Int32Array.from(p.y), scores: p.s })));
    const arm: ArmResult = { arm: 'fused/random', modalities: 'fused', init: 'random', table, roc: { x: [0, 1], y: [0, 1] }, confusion: [1, 2, 3, 4], bestEpochs: [1, 2, 3], predictions: preds.map((p, i) => ({ fold: subjects[i], yTrue: p.y, scores: p.s, subjects: p.y.map(() => subjects[i]) })) };
    const report: EvaluationReport = {
      task: quickRecipe(DATA).dataset!.task!,
      protocol: 'leave-one-subject-out over 3 subjects (12 windows)',
      subjects,
      windows: 12,
      positives: 4,
      folds: subjects.map((s, index) => ({ index, trainSubjects: [], validationSubjects: [], testSubjects: [s] })),
      arms: [arm],
    };
    const f = await store.create({ ...quickRecipe(DATA), kind: 'evaluate', finalFit: false, export: null, name: 'one-class fold' }, '2026-01-03-000000-one-class');
    await f.writeArtifact(REPORT_ARTIFACT, JSON.stringify(report));
    await f.writeStatus({ ...(await f.readStatus()), state: 'done', summary: summaryOf(report, {}, null) });
    await page.reload();
    await page.waitForSelector('tr[data-run="2026-01-03-000000-one-class"]', { timeout: 10_000 });
    await page.click('tr[data-run="2026-01-03-000000-one-class"] button');
    await page.waitForSelector('[data-testid="run-detail"][data-run="2026-01-03-000000-one-class"] [data-testid="evaluation"]', { timeout: 10_000 });
    const cells = await page.$$eval('tr[data-arm="fused/random"] td', (tds) => tds.map((td) => td.textContent ?? ''));
    const sm = table.summary;
    assert.equal(sm.auroc.n, 2, 'two of the three folds have both classes');
    assert.equal(sm.accuracy.n, 3);
    // Every metric with its fold sd, as the CLI prints it (AUROC alone had its sd here).
    const m = (v: MeanSd) => `${v.mean.toFixed(3)} ± ${v.sd.toFixed(3)}*`;
    assert.deepEqual(cells, ['fused/random', m(sm.auroc), m(sm.aucPr), m(sm.f1), m(sm.f1Weighted), m(sm.balancedAccuracy), m(sm.cohenKappa), table.pooled!.auroc.toFixed(3)]);
    assert.match((await page.textContent('[data-testid="partial-folds-note"]')) ?? '', /^\* over fewer than the 3 folds: undefined in a fold whose test windows hold one class/);
    // Under the arms, what a guess scores on these folds (a report written before 'chance' was kept: from its folds), as the CLI prints it.
    const chance = await page.$$eval('[data-testid="chance-row"] td', (tds) => tds.map((td) => td.textContent ?? ''));
    assert.deepEqual(chance, ['chance', '0.500', ((2 / 5 + 2 / 4) / 2).toFixed(3), '–', '–', '0.500', '0.000', '0.500'], 'AUC-PR: the positive share of the two folds with both classes');
    assert.match((await page.textContent('[data-testid="chance-note"]')) ?? '', /^chance: what a guess that ignores the window scores \(AUC-PR: the share of 'arithmetic' among/);
    // Per fold: numbered, with its test subjects, as the CLI prints them; the one-class fold's AUROC undefined.
    const folds = await page.$$eval('table.fold-table tr[data-fold]', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '').slice(0, 4)));
    assert.deepEqual(folds, [['1', 'S1', '5', table.rows[0].metrics.auroc!.toFixed(3)], ['2', 'S2', '4', table.rows[1].metrics.auroc!.toFixed(3)], ['3', 'S3', '3', '–']]);
    // The runs table says it too.
    assert.match((await page.textContent('tr[data-run="2026-01-03-000000-one-class"]')) ?? '', new RegExp(`${sm.auroc.mean.toFixed(3)} ± ${sm.auroc.sd.toFixed(3)}\\* \\(2 of 3 folds\\)`));
    assert.deepEqual(app.problems, [], 'no page errors');
  });

  test('a damaged run folder among good ones: listed as damaged, nothing in it offered to resume', async () => {
    const r = await app.serve.core.handlers.dispatch('hm:training:list', undefined, { transport: 'local', clientId: 'test' });
    assert.ok(r.ok, 'the runs are listed');
    const broken = join((r.value as { runsDir: string }).runsDir, '2026-01-01-000000-broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'status.json'), '{"id": "x", "sta');
    await page.reload();
    await page.waitForSelector('tr[data-run="2026-01-01-000000-broken"]', { timeout: 10_000 });
    assert.match((await page.textContent('tr[data-run="2026-01-01-000000-broken"]')) ?? '', /damaged.*status\.json cannot be read/);
    await page.click('tr[data-run="2026-01-01-000000-broken"] button');
    await page.waitForSelector('[data-testid="run-detail"][data-run="2026-01-01-000000-broken"][data-state="damaged"]', { timeout: 10_000 });
    assert.equal(await page.$('[data-testid="resume-run"]'), null);
    assert.ok((await page.$$('[data-testid="runs-table"] tr[data-state="done"]')).length >= 1, 'the good runs are still listed');
    assert.deepEqual(app.problems, [], 'no page errors');
  });

  test('a failed run: its error once, in full, and where it stopped beside the bar', async () => {
    const r = await app.serve.core.handlers.dispatch('hm:training:list', undefined, { transport: 'local', clientId: 'test' });
    assert.ok(r.ok, 'the runs are listed');
    const store = new RunStore((r.value as { runsDir: string }).runsDir);
    const f = await store.create({ ...quickRecipe(DATA), name: 'full disk' }, '2026-01-04-000000-full-disk');
    const message = `could not write ${f.path('checkpoints', 'pretrain-ecg-step-0000002.hmck')}: the disk is full (ENOSPC). The run stopped there; its checkpoints and the files it wrote before are intact: once the folder can be written again, resume continues from the last checkpoint.`;
    const s = await f.readStatus();
    // As the runner records a failure: the error, and the progress message set to it.
    await f.writeStatus({ ...s, state: 'failed', error: { code: 'io', message }, progress: { ...s.progress, phase: 'pretrain-ecg', fraction: 0.31, message } });
    await page.reload();
    await page.waitForSelector('tr[data-run="2026-01-04-000000-full-disk"]', { timeout: 10_000 });
    await page.click('tr[data-run="2026-01-04-000000-full-disk"] button');
    await page.waitForSelector('[data-testid="run-detail"][data-run="2026-01-04-000000-full-disk"][data-state="failed"] [data-testid="run-error"]', { timeout: 10_000 });
    assert.equal(await page.textContent('[data-testid="run-error"]'), message);
    assert.equal(await page.textContent('[data-testid="run-progress-message"]'), 'failed during pretrain-ecg');
    const shown = (await page.innerText('[data-testid="run-detail"]')).split('the disk is full').length - 1;
    assert.equal(shown, 1, 'the error once, above the bar (its log holds no line here), not again beside the bar');
    // Once the disk has room a resume continues it: Resume is offered.
    await page.waitForSelector('[data-testid="run-detail"][data-run="2026-01-04-000000-full-disk"] [data-testid="resume-run"]', { timeout: 5_000 });
    assert.equal(await page.$('[data-testid="no-resume"]'), null, 'no note against resuming');
    assert.deepEqual(app.problems, [], 'no page errors');
  });

  test('a run that failed on its input offers no Resume (it would fail again the same way) and says why', async () => {
    const r = await app.serve.core.handlers.dispatch('hm:training:list', undefined, { transport: 'local', clientId: 'test' });
    assert.ok(r.ok, 'the runs are listed');
    const store = new RunStore((r.value as { runsDir: string }).runsDir);
    const f = await store.create({ ...quickRecipe(DATA), name: 'one class' }, '2026-01-05-000000-one-class');
    const message = "the dataset has one class only: every labelled window is 'rest'";
    const s = await f.readStatus();
    await f.writeStatus({ ...s, state: 'failed', error: { code: 'bad-dataset', message }, progress: { ...s.progress, phase: 'datasets', fraction: 0.01, message } });
    await page.reload();
    await page.waitForSelector('tr[data-run="2026-01-05-000000-one-class"]', { timeout: 10_000 });
    await page.click('tr[data-run="2026-01-05-000000-one-class"] button');
    await page.waitForSelector('[data-testid="run-detail"][data-run="2026-01-05-000000-one-class"][data-state="failed"] [data-testid="no-resume"]', { timeout: 10_000 });
    assert.equal(
      await page.textContent('[data-testid="no-resume"]'),
      'Resuming cannot help: a run resumes with the dataset it was started with, which cannot be trained on; start a new run with the input or settings changed.',
    );
    assert.equal(await page.$('[data-testid="resume-run"]'), null, 'no Resume button');
    assert.equal(await page.textContent('[data-testid="run-error"]'), message, 'the error itself still shown');
    assert.deepEqual(app.problems, [], 'no page errors');
  });

  test('learning rates: CBraMod\'s in the form, the encoders\' only end to end; a rate out of range is refused by name before a run folder', async () => {
    await page.reload();
    await page.waitForSelector('[data-testid="new-run"]', { timeout: 15_000 });
    await page.click('[data-testid="mode-custom"]');
    assert.deepEqual([await page.inputValue('[data-testid="head-lr"]'), await page.inputValue('[data-testid="encoder-lr"]')], ['0.0005', '0.0001']);
    assert.equal(await page.isDisabled('[data-testid="encoder-lr"]'), true, 'frozen encoders take no step');
    await page.selectOption('[data-testid="freeze"]', 'none');
    await page.waitForFunction(() => !(document.querySelector('[data-testid="encoder-lr"]') as HTMLInputElement | null)?.disabled, undefined, { timeout: 5_000 });
    await page.fill('[data-testid="eegmat-dir"]', DATA);
    await page.fill('[data-testid="head-lr"]', '0');
    await page.fill('[data-testid="encoder-lr"]', '2');
    const runs = (await page.$$('[data-testid="runs-table"] tr[data-run]')).length;
    await page.click('[data-testid="start-run"]');
    await page.waitForSelector('[data-testid="new-run-error"]', { timeout: 10_000 });
    assert.match(await page.innerText('[data-testid="new-run-error"]'), /the head's learning rate \(--head-lr\) must be in \(0, 1\), got 0.*the encoders' learning rate \(--encoder-lr\) must be in \(0, 1\), got 2/s);
    assert.equal((await page.$$('[data-testid="runs-table"] tr[data-run]')).length, runs, 'no run added');
    await page.selectOption('[data-testid="freeze"]', 'encoders');
    assert.deepEqual(app.problems, [], 'no page errors');
  });
});
