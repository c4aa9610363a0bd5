// WebGPU on a real GPU, in Node through Dawn (the `webgpu` package: Dawn, the WebGPU implementation
// Chromium and Electron run, as a Node addon). The app's own code on the GPU, against peers on the
// same machine in the same run:
//   - parity: on real EEGMAT windows (../shared/data/edf-eegmat, cut by the app's pipeline), the
//     exported fused model on onnxruntime-web WebGPU and the jax-js forward on WebGPU, each against
//     the jax-js WASM forward (the reference of test/shared/onnx/parity-eegmat.test.ts): max |Δ logits|;
//     the EEG-only and ECG-only exports likewise, plain and graph-captured;
//   - inference, batch 1, both setups: onnxruntime-web WebGPU (plain, fixed shapes, graph capture as
//     the app's worker runs it) against onnxruntime-node (native CPU)
//     and PyTorch (the independent build in bench/peers) on CUDA when present;
//   - training: one fused training step (batch 32, 19 ch + 1 lead × 5 s, fitFull, the step the app
//     trains with) on jax-js WebGPU, against the same step in PyTorch on CUDA and on one CPU thread.
// Without a GPU adapter (this project's CI machine) it says so and stops: the figures come from a
// machine with a GPU (docs/model.md, docs/training.md).
//
//   node --import tsx bench/webgpu.bench.ts [--steps S] [--layers N] [--only training,jax-js,ONNX]
import { defaultDevice, init, numpy as np, tree } from '@jax-js/jax';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { timeJaxModel } from './jax-model-timing';
import { benchFlags, COUNT, FUSED_SETUPS, fusedFeeds, header, median, noiseItems, PEER_PYTHON, runPeer, table, timeIt } from './bench-util';
import { anyChannels, CBRAMOD_EEG_CHANNELS, defaultFusedConfig, encoderWithLayers, labelledChannels, CBRAMOD_ENCODER, MODEL_IO, TASK_MENTAL_ARITHMETIC } from '../src/shared/model/config';
import { initEncoderHostParams, initHostParams } from '../src/shared/model/params';
import { jitForward, toJaxParams } from '../src/shared/model/jax-model';
import { exportFusedOnnx } from '../src/shared/onnx/export';
import { prepareWindow } from '../src/shared/model/window-input';
import { DEFAULT_FINETUNE, finetuneModelConfig, fitFull, initHeadParams } from '../src/shared/train/finetune';
import type { InputContract } from '../src/shared/model/model.types';
import { eegmatWindows, noEegmat } from '../test/shared/model/eegmat-windows';
import { maxAbsDiff } from '../test/shared/model/torch-reference';
import { gpuAdapterInfo, installNodeWebGpu } from '../src/main/train/node-webgpu';
import { createCapturedSession } from '../src/renderer/src/inference/gpu-capture';

const flags = benchFlags(import.meta.url, 'Parity, inference and a training step on a real GPU (Dawn), against PyTorch CUDA and onnxruntime-node.', {
  steps: { type: 'number', rule: COUNT, default: 6, help: 'training steps timed' },
  layers: { type: 'number', rule: COUNT, default: CBRAMOD_ENCODER.nLayers, help: 'encoder layers' },
  only: { type: 'string', value: 'A,B', defaultText: 'every section', help: 'run only the sections whose names contain one of these (e.g. training,jax-js,ONNX)' },
});
const layers = flags.layers;
const STEPS = flags.steps;
const B = 32;
const PATCHES = 5;
const PY = process.env.HM_PYTHON ?? PEER_PYTHON;
/** Run only the sections whose names contain one of these (a GPU's time is lent by the minute). */
const ONLY = flags.only?.split(',') ?? [''];

/** A bench-only Python peer; its last stdout line is JSON. */
function python(script: string, args: string[]): { ms: number[]; device?: string } | string {
  const r = runPeer<{ ms: number[]; device?: string }>([script, ...args], { python: PY });
  return 'value' in r ? r.value : r.why;
}
const steady = (ms: number[]) => median(ms.slice(1).sort((a, b) => a - b));

/** One part of the bench: a failure is printed and the next part still runs. */
async function section(name: string, fn: () => Promise<void>): Promise<void> {
  if (!ONLY.some((o) => name.includes(o))) return;
  const t = performance.now();
  try {
    await fn();
    console.error(`(${name}: ${((performance.now() - t) / 1000).toFixed(0)} s)`);
  } catch (e) {
    console.log(`\n${name} failed: ${(e as Error).stack ?? e}`);
  }
}

header('WebGPU in Node (Dawn): the fused model (2 × CBraMod + head) on a GPU');
const gpu = await installNodeWebGpu();
if (!gpu.ok) {
  console.log(`No WebGPU adapter: ${gpu.why}. This bench needs a GPU (figures in docs/model.md and docs/training.md).`);
  process.exit(0);
}
console.log(`Adapter: ${gpuAdapterInfo(gpu.adapter)}\n`);
await init('wasm', 'webgpu');

// --- Parity on real windows ----------------------------------------------------------------------
const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC]);
const host = initHostParams(config, 42);
const onnx = exportFusedOnnx(config, host);
type Feeds = ReturnType<typeof prepareWindow>['feeds'];
let realInputs: Feeds[] = [];
if (noEegmat) console.log(`Parity skipped: ${noEegmat}`);
else {
  const contract: InputContract = { rateHz: 200, windowSeconds: 5, eeg: labelledChannels(CBRAMOD_EEG_CHANNELS), ecg: anyChannels(1, 12) };
  realInputs = [eegmatWindows('Subject00_1.edf', 1)[0], eegmatWindows('Subject00_2.edf', 6, 5)[5]].map((w) => prepareWindow(w, contract).feeds);
}
/** The forward of each real window on one jax-js device (the fused model unless one is given): logits per window. */
async function jaxLogits(device: 'wasm' | 'webgpu', cfg = config, weights = host): Promise<Float32Array[]> {
  defaultDevice(device);
  const fwd = jitForward(cfg);
  const params = toJaxParams(weights);
  const out: Float32Array[] = [];
  for (const f of realInputs) {
    const x = (name: string) => f[name] && np.array(f[name].data).reshape(f[name].dims);
    const inputs = { eeg: x('eeg'), ecg: x('ecg'), eegPresent: x('eeg_present'), ecgPresent: x('ecg_present') };
    out.push((await fwd(tree.ref(params), Object.fromEntries(Object.entries(inputs).filter(([k]) => cfg[k.startsWith('eeg') ? 'eeg' : 'ecg']))).arithmetic.data()) as Float32Array);
  }
  tree.dispose(params);
  return out;
}
const reference = await jaxLogits('wasm');
const maxDiff = (got: Float32Array[]) => Math.max(...got.map((l, i) => maxAbsDiff(l, reference[i])));
function printParity(runtime: string, d: number): void {
  if (!realInputs.length) return;
  console.log(`Parity on real EEGMAT windows (rest + arithmetic), ${runtime} against jax-js WASM: max |Δ logits| ${d.toExponential(2)} (${d < 1e-4 ? 'within' : 'NOT within'} 1e-4)`);
}

// --- ONNX Runtime: WebGPU (onnxruntime-web) against native CPU (onnxruntime-node) and PyTorch CUDA --
await section('ONNX Runtime WebGPU', async () => {
  // ORT-web's Emscripten start-up sets globalThis.Worker, which breaks jax-js WASM kernels compiled
  // later (test/shared/onnx/ort-runtimes.ts); with one thread ORT never uses it again: put it back.
  // The app's build: the worker runs onnxruntime-web's browser bundle, whose WebGPU backend is JSEP
  // (src/renderer/src/inference/inference-worker.ts); Node's export of the package is WASM-only.
  const hadWorker = 'Worker' in globalThis;
  const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
  const ortWeb = (await import(pathToFileURL(join(ortDist, 'ort.bundle.min.mjs')).href)) as typeof import('onnxruntime-web');
  ortWeb.env.wasm.numThreads = 1;
  const tc = performance.now();
  const webgpu = await ortWeb.InferenceSession.create(onnx, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' });
  const createS = (performance.now() - tc) / 1000;
  if (!hadWorker) delete (globalThis as { Worker?: unknown }).Worker;
  const tensor = (data: Float32Array, dims: readonly number[]) => new ortWeb.Tensor('float32', data, [...dims]);
  const runReal = async (f: Feeds) => (await webgpu.run(Object.fromEntries(Object.entries(f).map(([k, v]) => [k, tensor(v.data, v.dims)]))))[MODEL_IO.logits('arithmetic')].data as Float32Array;
  const realOut: Float32Array[] = [];
  for (const f of realInputs) realOut.push(await runReal(f));
  printParity('onnxruntime-web WebGPU', maxDiff(realOut));
  // Graph capture, as the app's worker runs a model whose contract pins every dimension
  // (src/renderer/src/inference/gpu-capture.ts): against the plain WebGPU session's probabilities.
  const pinned = (eeg: number, ecg: number): InputContract => ({ rateHz: 200, windowSeconds: PATCHES, eeg: anyChannels(eeg, eeg), ecg: anyChannels(ecg, ecg) });
  if (realInputs.length) {
    const captured = await createCapturedSession(ortWeb, onnx, pinned(CBRAMOD_EEG_CHANNELS.length, 1), [TASK_MENTAL_ARITHMETIC]);
    const sigmoid = (l: Float32Array) => 1 / (1 + Math.exp(-l[0]));
    let d = 0;
    for (let i = 0; i < realInputs.length; i++) d = Math.max(d, Math.abs((await captured.run(realInputs[i])).arithmetic[0] - sigmoid(realOut[i])));
    await captured.release();
    console.log(`Graph capture on real EEGMAT windows, against the plain WebGPU session: max |Δ probability| ${d.toExponential(2)}`);
    // One-encoder models (the EEG-only and ECG-only ablations a training run exports): only their
    // modality's inputs, plain and captured as the worker runs them, against their jax-js WASM forward.
    for (const m of ['eeg', 'ecg'] as const) {
      const other = m === 'eeg' ? 'ecg' : 'eeg';
      const oneConfig = defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { [other]: false });
      const oneHost = initHostParams(oneConfig, 7);
      const bytes = exportFusedOnnx(oneConfig, oneHost);
      const ref = await jaxLogits('wasm', oneConfig, oneHost);
      const feeds = realInputs.map((f) => ({ [MODEL_IO.input(m)]: f[MODEL_IO.input(m)], [MODEL_IO.present(m)]: f[MODEL_IO.present(m)] }));
      const plain = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' });
      const n = feeds[0][MODEL_IO.input(m)].dims[1];
      const capturedOne = await createCapturedSession(ortWeb, bytes, { rateHz: 200, windowSeconds: PATCHES, [m]: anyChannels(n, n) }, [TASK_MENTAL_ARITHMETIC]);
      let dPlain = 0;
      let dCaptured = 0;
      for (let i = 0; i < feeds.length; i++) {
        const logits = (await plain.run(Object.fromEntries(Object.entries(feeds[i]).map(([k, v]) => [k, tensor(v.data, v.dims)]))))[MODEL_IO.logits('arithmetic')].data as Float32Array;
        dPlain = Math.max(dPlain, maxAbsDiff(logits, ref[i]));
        dCaptured = Math.max(dCaptured, Math.abs((await capturedOne.run(feeds[i])).arithmetic[0] - sigmoid(logits)));
      }
      await plain.release();
      await capturedOne.release();
      console.log(`${m.toUpperCase()}-only model (${n} ${m === 'eeg' ? 'channels' : 'lead'}): ORT-web WebGPU against jax-js WASM max |Δ logits| ${dPlain.toExponential(2)} (${dPlain < 1e-4 ? 'within' : 'NOT within'} 1e-4); graph capture against plain max |Δ probability| ${dCaptured.toExponential(2)}`);
    }
  }

  const ortNode = await import('onnxruntime-node').catch(() => null);
  const native = ortNode && (await ortNode.InferenceSession.create(onnx, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 }));
  const ortRows: Record<string, string | number>[] = [];
  for (const s of FUSED_SETUPS) {
    const f = fusedFeeds(ortWeb.Tensor, s.eeg, s.ecg);
    const tf = performance.now();
    await webgpu.run(f);
    const first = performance.now() - tf;
    const g = await timeIt(() => webgpu.run(f), { minMs: 1500, warmup: 3 });
    // Fixed shapes: with every dimension known, ORT folds the shape arithmetic that otherwise runs
    // on the CPU between GPU kernels.
    const fixedOptions = { [MODEL_IO.batchDim]: 1, [MODEL_IO.channelsDim('eeg')]: s.eeg, [MODEL_IO.channelsDim('ecg')]: s.ecg, [MODEL_IO.patchesDim('eeg')]: PATCHES, [MODEL_IO.patchesDim('ecg')]: PATCHES };
    const fixed = await ortWeb.InferenceSession.create(onnx, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all', freeDimensionOverrides: fixedOptions });
    const gf = await timeIt(() => fixed.run(f), { minMs: 1500, warmup: 3 });
    await fixed.release();
    const captured = await createCapturedSession(ortWeb, onnx, pinned(s.eeg, s.ecg), [TASK_MENTAL_ARITHMETIC]);
    const plainFeeds = Object.fromEntries(Object.entries(f).map(([k, v]) => [k, { data: v.data as Float32Array, dims: [...v.dims] }]));
    const gc = await timeIt(() => captured.run(plainFeeds), { minMs: 1500, warmup: 3 });
    await captured.release();
    const nat = native ? await timeIt(() => native.run(fusedFeeds(ortNode!.Tensor, s.eeg, s.ecg)), { minMs: 1500, warmup: 3 }) : [NaN];
    const torch = python('bench/peers/torch_forward.py', [String(CBRAMOD_ENCODER.nLayers), String(s.eeg), String(s.ecg), String(PATCHES), 'cuda']);
    const t = typeof torch === 'string' ? NaN : steady(torch.ms);
    ortRows.push({
      input: s.name,
      'ORT-web WebGPU (ms)': `${median(g).toFixed(2)} (${g[0].toFixed(2)})`,
      'first run (ms)': first,
      'fixed shapes (ms)': `${median(gf).toFixed(2)} (${gf[0].toFixed(2)})`,
      'graph capture (ms)': `${median(gc).toFixed(2)} (${gc[0].toFixed(2)})`,
      'ORT-node CPU 1 thread (ms)': median(nat),
      [`PyTorch ${typeof torch === 'string' ? '' : torch.device} (ms)`]: typeof torch === 'string' ? `failed: ${torch.slice(0, 60)}` : t,
      'WebGPU / PyTorch': median(g) / t,
      'ORT-node / WebGPU': median(nat) / median(g),
    });
  }
  await webgpu.release();
  console.log(`\n### Inference, batch 1, 12 layers (median, fastest in brackets; WebGPU session created in ${createS.toFixed(1)} s)`);
  table(ortRows);
});

// --- jax-js on WebGPU: forward, forward+backward ---------------------------------------------------
await section('jax-js on WebGPU', async () => {
  printParity('jax-js WebGPU', maxDiff(await jaxLogits('webgpu')));
  console.log('\n### jax-js on WebGPU, jit, batch 1, 12 layers');
  table(
    (await timeJaxModel(config, host, FUSED_SETUPS, 1500)).map((t) => ({
      input: t.input,
      'forward (ms)': t.forwardMs,
      'forward+backward (ms)': t.forwardBackwardMs,
      'first call fwd / fwd+bwd (s)': `${(t.firstForwardMs / 1000).toFixed(1)} / ${(t.firstForwardBackwardMs / 1000).toFixed(1)}`,
    })),
  );
});

// --- The app's training step (fitFull) at batch 32 on WebGPU, against PyTorch ------------------------
await section('training step', async () => {
  // On the GPU whichever sections ran before (the parity reference leaves jax-js on WASM).
  defaultDevice('webgpu');
  // The peers first: a slow jax-js compile must not cost their figures.
  const peers: Record<string, string | number>[] = [];
  for (const device of ['cuda', 'cpu']) {
    const p = python('bench/peers/torch_train_step.py', [String(layers), String(B), '19', '1', String(PATCHES), String(STEPS), device]);
    if (typeof p === 'string') peers.push({ runtime: `PyTorch ${device}`, 'first step (s, incl. jit)': NaN, 'step ms (median)': NaN, 'windows/s': `failed: ${p.slice(0, 60)}` });
    else peers.push({ runtime: `PyTorch ${p.device ?? device}${device === 'cpu' ? ', 1 thread' : ''}`, 'first step (s, incl. jit)': p.ms[0] / 1000, 'step ms (median)': steady(p.ms), 'windows/s': (B * 1000) / steady(p.ms) });
  }
  console.log('\n(PyTorch training-step peers, measured before jax-js:)');
  table(peers);
  const enc = encoderWithLayers(layers);
  const cfg = { ...DEFAULT_FINETUNE, task: TASK_MENTAL_ARITHMETIC, freeze: 'none' as const, epochs: 1, batchSize: B, modalityDropout: 0 };
  const model = finetuneModelConfig(cfg, { eeg: enc, ecg: enc });
  const n = B * STEPS;
  const stepMs: number[] = [];
  const t3 = performance.now();
  await fitFull({
    cfg,
    model,
    labels: Int32Array.from({ length: n }, (_, i) => i % 2),
    train: Array.from({ length: n }, (_, i) => i),
    validation: [],
    windows: { eeg: noiseItems(n, 19, PATCHES, 30, 1), ecg: noiseItems(n, 1, PATCHES, 300, 2) },
    init: { head: initHeadParams(model, 1), eeg: initEncoderHostParams(enc, 1, { stream: 'eeg' }), ecg: initEncoderHostParams(enc, 2, { stream: 'ecg' }) },
    hooks: { onStep: (st) => console.error(`jax-js WebGPU step ${stepMs.push(st.ms)}: ${st.ms.toFixed(0)} ms`) },
  });
  const fitS = (performance.now() - t3) / 1000;
  const rows: Record<string, string | number>[] = [{ runtime: 'jax-js WebGPU (fitFull)', 'first step (s, incl. jit)': stepMs[0] / 1000, 'step ms (median)': steady(stepMs), 'windows/s': (B * 1000) / steady(stepMs) }, ...peers];
  console.log(`\n### Training step, ${layers} layers, batch ${B}, EEG 19 ch + ECG 1 lead × 5 s (${STEPS} steps; fitFull took ${fitS.toFixed(0)} s in all)`);
  table(rows.map((r) => ({ ...r, 'time vs jax-js WebGPU': (r['step ms (median)'] as number) / steady(stepMs) })));
});
process.exit(0);
