// One training step of the fused model (EEG 19 ch + ECG 1 lead × 5 s, batch 32, 12 layers each):
// forward, backward, gradient clipping and AdamW with the two learning rates, on jax-js WASM
// (src/shared/train/finetune.ts fitFull, the code the app trains with) and the same step in
// PyTorch on this CPU (bench/peers/torch_train_step.py, one thread like the WASM backend), as a
// ratio measured in the same run. Then the peak resident memory of a pretraining run.
//
//   node --import tsx bench/training-step.bench.ts [--layers N] [--batch B] [--steps S] [--long]
import { init } from '@jax-js/jax';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { header, median, table } from './bench-util';
import { CBRAMOD_ENCODER, encoderWithLayers, TASK_MENTAL_ARITHMETIC } from '../src/shared/model/config';
import { initEncoderHostParams } from '../src/shared/model/params';
import { DEFAULT_FINETUNE, finetuneModelConfig, fitFull, initHeadParams } from '../src/shared/train/finetune';
import { pretrainEncoder } from '../src/shared/train/pretrain';
import { ADAMW_DEFAULTS } from '../src/shared/train/optimizer';
import { DEFAULT_EEG_MASK } from '../src/shared/train/masking';
import type { SignalItem } from '../src/shared/train/batches';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const long = process.argv.includes('--long');
const layers = arg('layers', CBRAMOD_ENCODER.nLayers);
const B = arg('batch', 32);
const steps = arg('steps', long ? 5 : 3);
const C = 19;
const L = 1;
const SECONDS = 5;

function noise(n: number, channels: number, amp: number, seed: number): SignalItem[] {
  let s = seed >>> 0;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: n }, () => ({ data: Float32Array.from({ length: channels * SECONDS * 200 }, () => amp * r()), channels }));
}

header(`Fused training step: ${layers} layers, batch ${B}, EEG ${C} ch + ECG ${L} lead × ${SECONDS} s`);
await init('wasm');
const enc = encoderWithLayers(layers);
const cfg = { ...DEFAULT_FINETUNE, task: TASK_MENTAL_ARITHMETIC, freeze: 'none' as const, epochs: 1, batchSize: B, modalityDropout: 0 };
const model = finetuneModelConfig(cfg, { eeg: enc, ecg: enc });
const n = B * steps;
const windows = { eeg: noise(n, C, 30, 1), ecg: noise(n, L, 300, 2) };
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
const PY = '/usr/bin/python3';
if (existsSync(PY)) {
  const r = spawnSync(PY, ['bench/peers/torch_train_step.py', String(layers), String(B), String(C), String(L), String(SECONDS), String(steps)], { encoding: 'utf8' });
  if (r.status === 0) {
    const out = JSON.parse(r.stdout) as { ms: number[] };
    torchFirst = out.ms[0];
    torchSteady = median(out.ms.slice(1).sort((a, b) => a - b));
  } else console.log(`PyTorch peer failed: ${r.stderr.split('\n').slice(-3).join(' ')}`);
} else console.log('PyTorch peer skipped: /usr/bin/python3 (python3-torch) not found');

table([
  { runtime: 'jax-js WASM (1 thread)', 'first step ms (incl. jit)': jaxFirst, 'step ms (median)': jaxSteady, 'windows/s': (B * 1000) / jaxSteady },
  { runtime: 'PyTorch CPU (1 thread)', 'first step ms (incl. jit)': torchFirst, 'step ms (median)': torchSteady, 'windows/s': (B * 1000) / torchSteady },
]);
console.log(`\njax-js / PyTorch step time: ${(jaxSteady / torchSteady).toFixed(2)}× (goal ≤ 3×)`);

// --- Peak memory of a pretraining run ------------------------------------------------------------
const pSteps = long ? 8 : 3;
let peak = process.memoryUsage().rss;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const before = process.memoryUsage().rss;
const t0 = performance.now();
await pretrainEncoder(
  { modality: 'eeg', encoder: enc, mask: DEFAULT_EEG_MASK, optimizer: { ...ADAMW_DEFAULTS }, epochs: 1, batchSize: B, maxSteps: pSteps, checkpointEverySteps: 1000, seed: 42 },
  noise(B * pSteps, C, 30, 3),
  { onStep: () => (peak = Math.max(peak, process.memoryUsage().rss)) },
);
clearInterval(timer);
console.log(`\nEEG pretraining (${layers} layers, batch ${B}, ${C} ch × ${SECONDS} s, ${pSteps} steps): ${((performance.now() - t0) / pSteps / 1000).toFixed(1)} s/step, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (${((peak - before) / 2 ** 20).toFixed(0)} MiB above the process before the run)`);
