// Inference of the fused model (two 12-layer CBraMod encoders + head), batch 1, 5-s windows:
//   - onnxruntime-web WASM in Node vs onnxruntime-node (native CPU, the peer), same thread count;
//   - jax-js (WASM backend): jit forward, and forward+backward of the task loss (a training step's core);
//   - with --browser: the app's built inference worker in Chromium, WASM (threads) and WebGPU
//     (the software adapter here: a correctness figure, not a speed one);
//   - parameters and multiply-accumulates per model, counted from the same definition.
// Usage: node --import tsx bench/inference.bench.ts [--browser] [--long]
import { blockUntilReady, init, numpy as np, random, tree, valueAndGrad, jit } from '@jax-js/jax';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { header, median, table, timeIt } from './bench-util';
import { anyChannels, defaultFusedConfig, TASK_MENTAL_ARITHMETIC } from '../src/shared/model/config';
import { countFusedMacs } from '../src/shared/model/count-ops';
import { countFusedParams, initHostParams } from '../src/shared/model/params';
import { forward, jitForward, taskLoss, toJaxParams, type JaxParams } from '../src/shared/model/jax-model';
import { exportFusedOnnx } from '../src/shared/onnx/export';
import type { InputContract } from '../src/shared/model/model.types';
import type { SyncWindow } from '../src/shared/window.types';

const args = process.argv.slice(2);
const LONG = args.includes('--long');
const BROWSER = args.includes('--browser');
const MIN_MS = LONG ? 5000 : 1500;

const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC]);
const SETUPS = [
  { name: '19 ch EEG + 1 lead ECG', eeg: 19, ecg: 1 },
  { name: 'Muse-like 4 ch + 1 lead', eeg: 4, ecg: 1 },
];
const PATCHES = 5;

function signal(c: number): Float32Array {
  // EEG-like amplitudes (µV ÷ 100); latency does not depend on the values.
  return new Float32Array(c * PATCHES * 200).map((_, i) => 0.3 * Math.sin(i * 0.0314 + (i % 7)) + 0.05 * Math.cos(i * 0.21));
}

function feeds<T>(Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => T, eeg: number, ecg: number): Record<string, T> {
  return {
    eeg: new Tensor('float32', signal(eeg), [1, eeg, PATCHES, 200]),
    ecg: new Tensor('float32', signal(ecg), [1, ecg, PATCHES, 200]),
    eeg_present: new Tensor('float32', new Float32Array([1]), [1]),
    ecg_present: new Tensor('float32', new Float32Array([1]), [1]),
  };
}

async function startOrtWebSingleThread(): Promise<void> {
  // ORT-web's start-up sets globalThis.Worker in Node, which changes how jax-js links kernels
  // (see test/shared/onnx/ort-runtimes.ts); start it first and restore the global.
  const g = globalThis as { Worker?: unknown };
  const had = 'Worker' in g;
  const before = g.Worker;
  ortWeb.env.wasm.numThreads = 1;
  await ortWeb.InferenceSession.create(new Uint8Array([8, 1])).catch(() => undefined);
  if (had) g.Worker = before;
  else delete g.Worker;
}

async function main(): Promise<void> {
  header('Inference: fused ECG+EEG model (2 × CBraMod 12 layers + head), batch 1, 5-s windows');
  await startOrtWebSingleThread();
  await init('wasm');
  const host = initHostParams(config, 42);
  const t0 = performance.now();
  const onnx = exportFusedOnnx(config, host);
  const exportMs = performance.now() - t0;
  const n = countFusedParams(config);

  console.log('### Model size');
  table(
    SETUPS.map((s) => {
      const m = countFusedMacs(config, s.eeg, s.ecg, PATCHES);
      return { input: s.name, params: n.total, 'EEG enc': n.eeg, 'ECG enc': n.ecg, head: n.head, GMAC: m.macs / 1e9, 'element ops (M)': m.elementOps / 1e6 };
    }),
  );
  console.log(`\nONNX export: ${(onnx.length / 2 ** 20).toFixed(1)} MiB in ${exportMs.toFixed(0)} ms\n`);

  console.log('### ONNX Runtime, one thread each (ratio = WASM / native)');
  const nodeSession = await ortNode.InferenceSession.create(onnx, { intraOpNumThreads: 1 });
  const nodeSessionAll = await ortNode.InferenceSession.create(onnx);
  const webSession = await ortWeb.InferenceSession.create(onnx, { executionProviders: ['wasm'] });
  const rows: Record<string, string | number>[] = [];
  for (const s of SETUPS) {
    const fNode = feeds(ortNode.Tensor, s.eeg, s.ecg);
    const fWeb = feeds(ortWeb.Tensor, s.eeg, s.ecg);
    const native = median(await timeIt(() => nodeSession.run(fNode), { minMs: MIN_MS }));
    const nativeAll = median(await timeIt(() => nodeSessionAll.run(fNode), { minMs: MIN_MS }));
    const wasm = median(await timeIt(() => webSession.run(fWeb), { minMs: MIN_MS }));
    rows.push({ input: s.name, 'ort-node 1 thr (ms)': native, 'ort-node all thr (ms)': nativeAll, 'ort-web wasm 1 thr (ms)': wasm, 'WASM/native': wasm / native, 'goal ≤': 1.5 });
  }
  table(rows);

  console.log('\n### jax-js (WASM backend), jit');
  const params: JaxParams = toJaxParams(host);
  const fwd = jitForward(config);
  const lossAndGrad = jit((p: JaxParams, e: np.Array, c: np.Array, y: np.Array, k: np.Array) =>
    valueAndGrad((pp: JaxParams) => taskLoss(config, forward(config, pp, { eeg: e.ref, ecg: c.ref }, { train: true, key: k.ref }).logits, { arithmetic: y.ref }))(p),
  );
  const jrows: Record<string, string | number>[] = [];
  for (const s of SETUPS) {
    const inputs = () => ({ eeg: np.array(signal(s.eeg)).reshape([1, s.eeg, PATCHES, 200]), ecg: np.array(signal(s.ecg)).reshape([1, s.ecg, PATCHES, 200]) });
    const tc = performance.now();
    await fwd(tree.ref(params), inputs()).arithmetic.data();
    const compileFwd = performance.now() - tc;
    const f = median(await timeIt(async () => (await fwd(tree.ref(params), inputs()).arithmetic.data())[0], { minMs: MIN_MS, warmup: 1 }));
    const step = async () => {
      const x = inputs();
      const [loss, grads] = lossAndGrad(tree.ref(params), x.eeg, x.ecg, np.array(new Float32Array([1])), random.key(1)) as unknown as [np.Array, JaxParams];
      await loss.data();
      await blockUntilReady(grads);
      tree.dispose(grads);
    };
    const tb = performance.now();
    await step();
    const compileBwd = performance.now() - tb;
    const fb = median(await timeIt(step, { minMs: MIN_MS, warmup: 0, minRuns: 3 }));
    jrows.push({ input: s.name, 'forward (ms)': f, 'forward+backward (ms)': fb, 'bwd/fwd': fb / f, 'first call fwd (ms)': compileFwd, 'first call fwd+bwd (ms)': compileBwd });
  }
  table(jrows);

  if (BROWSER) await browserFigures(onnx);
  else console.log('\n(Chromium WASM and WebGPU: run with --browser after `npx electron-vite build`.)');
}

async function browserFigures(onnx: Uint8Array): Promise<void> {
  const { chromiumMissing, launchChromium } = await import('../test/e2e/support/chromium');
  const { runInPage, serveWorker, workerAsset } = await import('../test/e2e/inference-harness');
  const missing = chromiumMissing() || (!workerAsset() && 'no built renderer (npx electron-vite build)');
  if (missing) {
    console.log(`\nChromium skipped: ${missing}`);
    return;
  }
  console.log('\n### Chromium, the app’s inference worker (median of the runs after the first)');
  const { server, url } = await serveWorker(onnx);
  const browser = await launchChromium(['--enable-unsafe-webgpu']);
  const rows: Record<string, string | number>[] = [];
  try {
    for (const s of SETUPS) {
      const contract: InputContract = { rateHz: 200, windowSeconds: PATCHES, eeg: anyChannels(1, 64), ecg: anyChannels(1, 12) };
      const mk = (m: 'eeg' | 'ecg', c: number) => ({ modality: m, present: true, channels: Array.from({ length: c }, (_, i) => `${m}${i}`), data: signal(c).map((v) => v * 100), quality: [], streamIds: [] });
      const w: SyncWindow = { seq: 0, startTime: 0, rateHz: 200, samples: PATCHES * 200, eeg: mk('eeg', s.eeg), ecg: mk('ecg', s.ecg) };
      for (const prefer of ['wasm', 'webgpu'] as const) {
        const reps = prefer === 'wasm' ? (LONG ? 20 : 8) : LONG ? 5 : 2;
        try {
          const t = performance.now();
          const { run } = await runInPage(browser, url, config, contract, [w], prefer, reps);
          const later = run.latencies.slice(1).sort((a, b) => a - b);
          rows.push({ input: s.name, backend: `${prefer} (${run.loaded.detail})`, 'first run (ms)': run.latencies[0], 'median (ms)': median(later), 'page total (s)': (performance.now() - t) / 1000 });
        } catch (e) {
          rows.push({ input: s.name, backend: prefer, 'first run (ms)': NaN, 'median (ms)': NaN, 'page total (s)': `failed: ${(e as Error).message.slice(0, 60)}` });
        }
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  table(rows);
}

await main();
process.exit(0);
