// One training step of the fused model (EEG 19 ch + ECG 1 lead × 5 s, batch 32, 12 layers each):
// forward, backward, gradient clipping and AdamW with the two learning rates, on jax-js WASM
// (src/shared/train/finetune.ts fitFull, the code the app trains with) and the same step in
// PyTorch on this CPU (bench/peers/torch_train_step.py, one thread like the WASM backend), as a
// ratio measured in the same run. Then the peak resident memory of a pretraining run (in a process
// of its own). The first jax-js step includes the jit compilation of the whole step (half a
// minute at 12 layers); the ratio compares the steps after it. The machine's load average is
// printed: on a shared machine, figures move with it. jax-js starts as the app starts it
// (selectTrainingBackend, WASM).
//
//   node --import tsx bench/training-step.bench.ts [--layers N] [--batch B] [--steps S] [--long]
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { benchFlags, COUNT, header, median, noiseItems, runPeer, table } from './bench-util';
import { CBRAMOD_ENCODER, encoderWithLayers, TASK_MENTAL_ARITHMETIC } from '../src/shared/model/config';
import { initEncoderHostParams } from '../src/shared/model/params';
import { DEFAULT_FINETUNE, finetuneModelConfig, fitFull, initHeadParams } from '../src/shared/train/finetune';
import { pretrainEncoder } from '../src/shared/train/pretrain';
import { selectTrainingBackend } from '../src/main/train/backend';
import { ADAMW_DEFAULTS } from '../src/shared/train/optimizer';
import { DEFAULT_EEG_MASK } from '../src/shared/train/masking';

const flags = benchFlags(import.meta.url, 'One fused training step on jax-js WASM against PyTorch on this CPU, then a pretraining run’s peak memory.', {
  layers: { type: 'number', rule: COUNT, default: CBRAMOD_ENCODER.nLayers, help: 'encoder layers' },
  batch: { type: 'number', rule: COUNT, default: 32, help: 'batch size' },
  // The second step still runs slower than the rest (warm-up), so the median needs several after it.
  steps: { type: 'number', rule: COUNT, defaultText: '6, 8 with --long', help: 'training steps timed' },
  long: { type: 'boolean', help: 'more steps' },
  // The pretraining memory figure, measured in a child process of its own.
  'pretrain-memory': { type: 'boolean', hidden: true, help: 'print the pretraining run’s peak RSS as JSON' },
});
const long = flags.long;
const layers = flags.layers;
const B = flags.batch;
const steps = flags.steps ?? (long ? 8 : 6);
const C = 19;
const L = 1;
const SECONDS = 5;


if (flags['pretrain-memory']) {
  await selectTrainingBackend('wasm');
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const ms: number[] = [];
  await pretrainEncoder(
    { modality: 'eeg', encoder: encoderWithLayers(layers), mask: DEFAULT_EEG_MASK, optimizer: { ...ADAMW_DEFAULTS }, epochs: 1, batchSize: B, maxSteps: steps, checkpointEverySteps: 1000, seed: 42 },
    noiseItems(B * steps, C, SECONDS, 30, 3),
    { onStep: (r) => (ms.push(r.ms), (peak = Math.max(peak, process.memoryUsage().rss))) },
  );
  clearInterval(timer);
  const rest = ms.slice(1).sort((a, b) => a - b);
  console.log(JSON.stringify({ firstS: ms[0] / 1000, sPerStep: (rest.length ? median(rest) : ms[0]) / 1000, peakMiB: peak / 2 ** 20 }));
  process.exit(0);
}

header(`Fused training step: ${layers} layers, batch ${B}, EEG ${C} ch + ECG ${L} lead × ${SECONDS} s`);
await selectTrainingBackend('wasm');
const enc = encoderWithLayers(layers);
const cfg = { ...DEFAULT_FINETUNE, task: TASK_MENTAL_ARITHMETIC, freeze: 'none' as const, epochs: 1, batchSize: B, modalityDropout: 0 };
const model = finetuneModelConfig(cfg, { eeg: enc, ecg: enc });
const n = B * steps;
const windows = { eeg: noiseItems(n, C, SECONDS, 30, 1), ecg: noiseItems(n, L, SECONDS, 300, 2) };
const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
const stepMs: number[] = [];
await fitFull({
  cfg,
  model,
  labels,
  train: Array.from({ length: n }, (_, i) => i),
  validation: [],
  windows,
  init: { head: initHeadParams(model, 1), eeg: initEncoderHostParams(enc, 1, { stream: 'eeg' }), ecg: initEncoderHostParams(enc, 2, { stream: 'ecg' }) },
  hooks: { onStep: (s) => stepMs.push(s.ms) },
});
const jaxFirst = stepMs[0];
const jaxSteady = median(stepMs.slice(1).sort((a, b) => a - b));

let torchSteady = NaN;
let torchFirst = NaN;
const torch = runPeer<{ ms: number[] }>(['bench/peers/torch_train_step.py', String(layers), String(B), String(C), String(L), String(SECONDS), String(steps)]);
if ('value' in torch) {
  torchFirst = torch.value.ms[0];
  torchSteady = median(torch.value.ms.slice(1).sort((a, b) => a - b));
} else console.log(`PyTorch peer skipped: ${torch.why}`);

table([
  { runtime: 'jax-js WASM (1 thread)', 'first step ms (incl. jit)': jaxFirst, 'step ms (median)': jaxSteady, 'windows/s': (B * 1000) / jaxSteady },
  ...('value' in torch ? [{ runtime: 'PyTorch CPU (1 thread)', 'first step ms (incl. jit)': torchFirst, 'step ms (median)': torchSteady, 'windows/s': (B * 1000) / torchSteady }] : []),
]);
const ratio = 'value' in torch ? `${(jaxSteady / torchSteady).toFixed(2)}×` : 'no peer';
console.log(`\njax-js / PyTorch step time: ${ratio} (goal ≤ 3×); load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

// --- Peak memory of a pretraining run (its own process: WASM memory never shrinks) -------------
const pSteps = long ? 8 : 3;
const child = spawnSync(process.execPath, ['--import', 'tsx', 'bench/training-step.bench.ts', '--pretrain-memory', '--layers', String(layers), '--batch', String(B), '--steps', String(pSteps)], { encoding: 'utf8' });
if (child.status === 0) {
  const m = JSON.parse(child.stdout.trim().split('\n').pop()!) as { sPerStep: number; firstS: number; peakMiB: number };
  console.log(`\nEEG pretraining (${layers} layers, batch ${B}, ${C} ch × ${SECONDS} s, ${pSteps} steps, own process): first step ${m.firstS.toFixed(0)} s (jit), then ${m.sPerStep.toFixed(1)} s/step; peak RSS ${m.peakMiB.toFixed(0)} MiB`);
} else console.log(`pretraining memory run failed: ${child.stderr.split('\n').slice(-3).join(' ')}`);
