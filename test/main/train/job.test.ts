// A whole training job on real EEGMAT recordings at wiring size (tiny encoders, a few steps, 3
// subjects): datasets through the live pipeline, ECG dual-masking and EEG pretraining with
// checkpoints, subject-wise evaluation with the baseline, final fit, export to a registry folder.
// Paused mid-pretraining and resumed, it ends with the same weights as a straight run; the exported
// ONNX answers like the jax-js model it came from; damaged inputs give clear messages.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { selectTrainingBackend } from '../../../src/main/train/backend';
import { runJob, ENCODER_ARTIFACT } from '../../../src/main/train/job';
import { processStartTicks, RunStore } from '../../../src/main/train/run-store';
import { recordJobStop } from '../../../src/main/train/job-runner';
import { MODEL_ARTIFACT, type ModelArtifactMeta } from '../../../src/main/train/export-run';
import { codeVersion, readCodeVersions } from '../../../src/main/train/code-version';
import { inspectModelDir } from '../../../src/main/model/registry';
import { quickRecipe, QUICK_ENCODER } from '../../../src/shared/train/recipes';
import type { JobSpec } from '../../../src/shared/train/job.types';
import type { RunProgress } from '../../../src/shared/train/train.types';
import { TrainError } from '../../../src/shared/train/train.types';
import { predictHead, embedItems, type EmbeddingCache } from '../../../src/shared/train/finetune';
import { signalItems } from '../../../src/shared/train/evaluate';
import { loadDataset } from '../../../src/main/train/dataset-loader';

const DATA = resolve('..', 'shared', 'data');
const have = existsSync(join(DATA, 'edf-eegmat'));

function tinySpec(exportDir: string): JobSpec {
  const s = quickRecipe(DATA);
  const eegmat = (subjects: string[]) => ({ kind: 'eegmat' as const, dir: join(DATA, 'edf-eegmat'), subjects });
  s.name = 'test job';
  s.dataset!.sources = [eegmat(['Subject00', 'Subject01', 'Subject02'])];
  s.corpora.ecg!.sources = [eegmat(['Subject01']), { kind: 'file', path: join(DATA, 'wfdb-ludb', '1.hea'), subject: 'ludb', mainsHz: 50 }];
  s.corpora.eeg!.sources = [eegmat(['Subject01'])];
  s.pretrain.ecg = { ...s.pretrain.ecg!, encoder: QUICK_ENCODER, maxSteps: 4, batchSize: 8, checkpointEverySteps: 2 };
  s.pretrain.eeg = { ...s.pretrain.eeg!, encoder: QUICK_ENCODER, maxSteps: 3, batchSize: 8, checkpointEverySteps: 2 };
  s.evaluation = { ...s.evaluation!, split: { kind: 'kfold', k: 3 }, validationSubjects: 0, arms: [{ modalities: 'fused', init: 'pretrained' }, { modalities: 'ecg', init: 'random' }] };
  s.finetune = { ...s.finetune!, epochs: 3, batchSize: 32 };
  s.export = { modelId: 'test-model', name: 'Test model', version: '0.0.1', target: { kind: 'dir', dir: exportDir } };
  return s;
}

describe('training job on EEGMAT (wiring size)', { skip: !have && 'needs ../shared/data/edf-eegmat' }, () => {
  let root: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hm-train-'));
    await selectTrainingBackend('wasm');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('runs every phase, pauses and resumes to the same weights, exports a usable model', async () => {
    const store = new RunStore(join(root, 'runs'));
    const modelsDir = join(root, 'models');
    const straight = await store.create(tinySpec(modelsDir), 'straight');
    const events: string[] = [];
    const summary = await runJob({ folder: straight, emit: (e) => e.type === 'status' && events.push(e.status.completedPhases.join('+')) });
    const status = await straight.readStatus();
    assert.equal(status.state, 'done');
    assert.deepEqual(status.completedPhases, ['datasets', 'pretrain-ecg', 'pretrain-eeg', 'evaluate', 'final-fit', 'export']);
    assert.deepEqual(summary.arms.map((a) => a.arm), ['fused/pretrained', 'ecg/random', 'baseline/fused', 'baseline/ecg']);
    assert.equal(summary.exportedAs, 'test-model');
    const metrics = await straight.readMetrics();
    assert.equal(metrics.filter((m) => m.kind === 'step' && m.phase === 'pretrain-ecg').length, 4);
    assert.ok(existsSync(straight.path('plots', 'roc.svg')) && existsSync(straight.path('plots', 'pretrain-eeg-loss.svg')), 'roc.svg and pretrain-eeg-loss.svg were plotted');
    // Fine-tuning has its plots too: each model arm over its folds, and the final fit's loss; none for the baseline (no epochs).
    assert.deepEqual(readdirSync(straight.path('plots')).filter((n) => /^(fine-tuning|final-fit)/.test(n)).sort(), ['final-fit-loss.svg', 'fine-tuning-ecg-random.svg', 'fine-tuning-fused-pretrained.svg']);
    assert.match(readFileSync(straight.path('plots', 'fine-tuning-fused-pretrained.svg'), 'utf8'), /fused\/pretrained: fine-tuning per epoch, mean over 3 folds/);
    assert.match(readFileSync(straight.path('log.txt'), 'utf8'), /dataset: \d+ windows from 6 recordings/);
    // Each metric of an arm with the spread over its folds, as the report and the card give them (the log gave AUROC's alone).
    assert.match(readFileSync(straight.path('log.txt'), 'utf8'), /fused\/pretrained +AUROC [\d.]+ ± [\d.]+\*? +AUC-PR [\d.]+ ± [\d.]+\*? +bal\.acc [\d.]+ ± [\d.]+\*? +F1 ([\d.]+ ± [\d.]+\*?|–) +κ ([-\d.]+ ± [\d.]+\*?|–) /);
    assert.match(readFileSync(straight.path('log.txt'), 'utf8'), /final fit: fused model on all 3 subjects \(\d+ windows\), \d+ epochs? \(the median of the 3 evaluation folds' best epochs\)/);

    // Paused during ECG pretraining (after its first checkpoint), then resumed.
    const paused = await store.create(tinySpec(join(root, 'models-2')), 'paused');
    let steps = 0;
    const bar: number[][] = [[], []];
    let last: RunProgress | null = null;
    const stop = await runJob({ folder: paused, control: () => (steps >= 3 ? 'pause' : 'run'), emit: (e) => (e.type === 'metric' && e.record.kind === 'step' && steps++, e.type === 'progress' && bar[0].push((last = e.progress).fraction)) }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(stop instanceof TrainError && stop.code === 'paused', `paused: ${String(stop)}`);
    // The stop recorded as the app's runner records it (status.json: 'paused', the bar as last pushed).
    await recordJobStop(paused, stop, last);
    assert.deepEqual([(await paused.readStatus()).state, (await paused.readStatus()).progress.fraction], ['paused', bar[0].at(-1)]);
    assert.deepEqual((await paused.readStatus()).completedPhases, ['datasets']);
    await runJob({ folder: paused, emit: (e) => e.type === 'progress' && bar[1].push(e.progress.fraction) });
    // The bar goes on from where the pause left it (the datasets, built again first, took it back to their share).
    assert.ok(bar[0].at(-1)! > 0.05, `paused part-way into pretraining: ${bar[0].at(-1)}`);
    assert.ok(bar[1].every((f, i) => f >= (i ? bar[1][i - 1] : bar[0].at(-1)!)), `the bar never goes back across the resume: ${bar[0].at(-1)} then ${bar[1].slice(0, 5).join(', ')} …`);
    const a = await straight.readArtifactCheckpoint(ENCODER_ARTIFACT('ecg'));
    const b = await paused.readArtifactCheckpoint(ENCODER_ARTIFACT('ecg'));
    for (const k of Object.keys(a!.groups.params)) assert.deepEqual(b!.groups.params[k].data, a!.groups.params[k].data, `ECG encoder ${k} after pause/resume`);

    // The exported folder passes the registry's checks, and ORT answers as the jax-js model does.
    const m = await inspectModelDir(join(modelsDir, 'test-model'), 'user');
    assert.deepEqual(m.problems, []);
    assert.ok(m.card!.limitations.some((l) => /baseline/.test(l)), 'the card says how it compares with the baseline');
    assert.ok(m.card!.evaluation.metrics.some((x) => x.metric === 'auroc' && typeof x.baseline === 'number'), 'the card has an auroc metric with a baseline');
    // Provenance names the code the run started with (git describe of this checkout, -dirty with uncommitted changes).
    const versions = await readCodeVersions(straight);
    if (codeVersion() !== null) assert.match(versions[0] ?? '', /^[0-9a-f]{7}/);
    if (versions.length) assert.ok(m.card!.training.provenance.includes(`commit ${versions.join(' then ')}`), m.card!.training.provenance);
    const ck = await straight.readArtifactCheckpoint<ModelArtifactMeta>(MODEL_ARTIFACT);
    const spec = tinySpec(modelsDir);
    const ds = await loadDataset({ ...spec.dataset!, sources: [{ kind: 'eegmat', dir: join(DATA, 'edf-eegmat'), subjects: ['Subject02'] }] });
    // Subject02_2 only: Subject02_1’s ECG lead has no QRS, so the fused dataset drops its windows (ecg:bad-quality).
    const rows = [0, 5, 11];
    const cache: EmbeddingCache = {
      eeg: await embedItems(QUICK_ENCODER, ck!.groups.eeg, signalItems(ds.windows, 'eeg')),
      ecg: await embedItems(QUICK_ENCODER, ck!.groups.ecg, signalItems(ds.windows, 'ecg')),
    };
    const jaxP = await predictHead(ck!.meta.model, ck!.groups.head, cache, rows);
    const session = await ort.InferenceSession.create(readFileSync(m.onnxPath));
    for (const [k, i] of rows.entries()) {
      const w = ds.windows[i];
      const out = await session.run({
        eeg: new ort.Tensor('float32', w.eeg!.map((v) => v / 100), [1, 19, 5, 200]),
        ecg: new ort.Tensor('float32', w.ecg!.map((v) => v / 100), [1, 1, 5, 200]),
        eeg_present: new ort.Tensor('float32', new Float32Array([1]), [1]),
        ecg_present: new ort.Tensor('float32', new Float32Array([1]), [1]),
      });
      const p = (out.prob_arithmetic.data as Float32Array)[0];
      assert.ok(Math.abs(p - jaxP[k]) < 1e-4, `window ${i}: ORT ${p} vs jax ${jaxP[k]}`);
    }
  });

  test('without an evaluation (--no-eval) the final fit trains the configured epochs, and its log says so', async () => {
    const store = new RunStore(join(root, 'runs-no-eval'));
    const spec = tinySpec(join(root, 'models-no-eval'));
    spec.pretrain = {};
    spec.corpora = {};
    spec.encoders = { eeg: { kind: 'random' }, ecg: { kind: 'random' } };
    spec.encoderConfig = QUICK_ENCODER;
    spec.evaluation = null;
    spec.export = null;
    spec.finetune = { ...spec.finetune!, epochs: 2 };
    const f = await store.create(spec, 'no-eval');
    // As a run another process started: the job records this process and when it started (runningElsewhere tells a reused pid by it).
    await f.writeStatus({ ...(await f.readStatus()), pid: 1, pidStart: 12345 });
    const warnings: string[] = [];
    await runJob({ folder: f, emit: (e) => e.type === 'log' && e.level === 'warn' && warnings.push(e.message) });
    assert.deepEqual((await f.readStatus()).completedPhases, ['datasets', 'final-fit']);
    assert.deepEqual([(await f.readStatus()).pid, (await f.readStatus()).pidStart], [process.pid, processStartTicks(process.pid) ?? undefined], "this process's pid and start, not the last one's");
    assert.match(readFileSync(f.path('log.txt'), 'utf8'), /final fit: fused model on all 3 subjects \(\d+ windows\), 2 epochs \(as configured: no evaluation chose one\)/);
    // Subject02_1's ECG lead has no QRS: the fused dataset keeps none of its windows, and says so.
    // (A montage channel that no recording has is refused as the dataset is built: build-windows.test.ts.)
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /^ {2}Subject02_1\.edf \(Subject02\): 0 windows, dropped 36 × ecg:bad-quality$/);
  });

  test('a damaged run folder or checkpoint: a clear message, other runs untouched', async () => {
    const store = new RunStore(join(root, 'runs-bad'));
    const good = await store.create(tinySpec(join(root, 'm3')), 'good-run');
    const bad = await store.create(tinySpec(join(root, 'm3')), 'bad-run');
    writeFileSync(bad.path('status.json'), '{"state": "runn');
    const list = await store.list();
    assert.equal(list.find((r) => r.id === 'good-run')!.problem, null);
    assert.match(list.find((r) => r.id === 'bad-run')!.problem!, /status\.json cannot be read.*damaged/);
    await assert.rejects(runJob({ folder: bad }), (e: TrainError) => e.code === 'corrupt-run');
    // A checkpoint cut short is skipped with a warning; the one before it is used.
    await good.writeCheckpoint('pretrain-ecg', 2, { kind: 'pretrain', meta: { step: 2 }, groups: { params: { w: { shape: [1], data: Float32Array.from([1]) } } } });
    await good.writeCheckpoint('pretrain-ecg', 4, { kind: 'pretrain', meta: { step: 4 }, groups: { params: { w: { shape: [1], data: Float32Array.from([2]) } } } });
    const newest = good.path('checkpoints', 'pretrain-ecg-step-0000004.hmck');
    writeFileSync(newest, readFileSync(newest).subarray(0, 30));
    const skipped: string[] = [];
    const ck = await good.latestCheckpoint<{ step: number }>('pretrain-ecg', (m) => skipped.push(m));
    assert.equal(ck!.meta.step, 2);
    assert.match(skipped[0], /step-0000004\.hmck is not a usable checkpoint/);
    // Interrupted runs after a restart.
    await good.writeStatus({ ...(await good.readStatus()), state: 'running' });
    assert.deepEqual(await store.markInterrupted(), ['good-run']);
    assert.equal((await good.readStatus()).state, 'interrupted');
  });

  test('bad datasets: a MAT-file that is not DREAMER, one class only, no labels', { skip: !existsSync('/usr/bin/python3') && 'needs /usr/bin/python3 with scipy' }, async () => {
    const store = new RunStore(join(root, 'runs-ds'));
    const notDreamer = join(root, 'DREAMER.mat');
    execFileSync('/usr/bin/python3', ['-c', `import scipy.io; scipy.io.savemat(${JSON.stringify(notDreamer)}, {'DREAMER': {'Data': [[1.0, 2.0]], 'noOfSubjects': 1.0}})`]);
    const spec = tinySpec(join(root, 'm4'));
    spec.dataset = { ...spec.dataset!, sources: [{ kind: 'dreamer', path: notDreamer, dimension: 'arousal' }] };
    const f = await store.create(spec, 'not-dreamer');
    await assert.rejects(runJob({ folder: f }), (e: Error & { code?: string }) => e.code === 'not-dreamer' && /DREAMER\.mat is not the DREAMER structure/.test(e.message));
    assert.equal((await f.readStatus()).completedPhases.length, 0);

    const base = () => {
      const s = tinySpec(join(root, 'm4'));
      s.corpora = {};
      s.pretrain = {};
      s.encoders = { eeg: { kind: 'random' }, ecg: { kind: 'random' } };
      s.encoderConfig = QUICK_ENCODER;
      return s;
    };
    const one = base();
    one.dataset = { ...one.dataset!, sources: ['00', '01', '02'].map((n) => ({ kind: 'file' as const, path: join(DATA, 'edf-eegmat', `Subject${n}_1.edf`), subject: `S${n}`, label: 'rest' })) };
    await assert.rejects(runJob({ folder: await store.create(one, 'one-class') }), (e: TrainError) => e.code === 'bad-dataset' && /one class only \('rest'/.test(e.message));
    const none = base();
    none.dataset = { ...none.dataset!, labels: { kind: 'annotations', classes: { nothing: 'rest' } } };
    await assert.rejects(runJob({ folder: await store.create(none, 'no-labels') }), (e: TrainError) => e.code === 'bad-dataset' && /have no label/.test(e.message));
  });

  test('ECG pretraining on single-lead windows with patch ratio 0 warns that almost nothing is masked (lead masking needs two leads)', async () => {
    const store = new RunStore(join(root, 'runs-lead'));
    const s = quickRecipe(DATA);
    s.kind = 'pretrain';
    s.name = 'one lead';
    s.dataset = null;
    s.finetune = null;
    s.evaluation = null;
    s.finalFit = false;
    s.export = null;
    s.corpora = { ecg: { ...s.corpora.ecg!, sources: [{ kind: 'eegmat', dir: join(DATA, 'edf-eegmat'), subjects: ['Subject01'] }] } };
    s.pretrain = { ecg: { ...s.pretrain.ecg!, encoder: QUICK_ENCODER, maxSteps: 1, batchSize: 8, checkpointEverySteps: 1, mask: { kind: 'ecg', leadRatio: 0.25, patchRatio: 0, temporal: 'shared' } } };
    s.encoders = { ecg: { kind: 'pretrain' } };
    const warnings: string[] = [];
    await runJob({ folder: await store.create(s, 'one-lead'), emit: (ev) => void (ev.type === 'log' && ev.level === 'warn' && warnings.push(ev.message)) });
    assert.deepEqual(warnings, ['pretrain-ecg: every window has one lead, so lead masking masks nothing there and the patch ratio 0 leaves one masked patch per window: raise --patch-ratio']);
  });
});
