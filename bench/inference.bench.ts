// Inference of the fused model (two 12-layer CBraMod encoders + head), batch 1, 5-s windows:
//   - onnxruntime-web WASM in Node vs onnxruntime-node (native CPU, the peer), each with 1 thread and
//     with N threads (2 or 4, as the cores allow; intra-op threads), so the ratio compares like with like. ORT-web
//     fixes its thread count when its WASM runtime starts, so every runtime × thread count runs in a
//     child process of its own; the four take turns for --rounds rounds (the machine is shared and
//     its load moves, so back-to-back turns are what make them comparable);
//   - with --options: ORT-web session options against the default (fixed shapes, no memory arena,
//     'extended' optimisation), 1 thread;
//   - jax-js (WASM backend): jit forward, and forward+backward of the task loss (a training step's core);
//   - with --browser: the app's built inference worker in Chromium, WASM on 1 and N threads, and
//     WebGPU (the software adapter here: a correctness figure, not a speed one);
//   - parameters and multiply-accumulates per model, counted from the same definition.
// Usage: node --import tsx bench/inference.bench.ts [--browser] [--options] [--long] [--rounds K]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init } from '@jax-js/jax';
import { timeJaxModel } from './jax-model-timing';
import { benchFlags, COUNT, FUSED_SETUPS, fusedFeeds, header, median, sineWindow, table, timeIt } from './bench-util';
import { anyChannels, defaultFusedConfig, MODEL_IO, TASK_MENTAL_ARITHMETIC } from '../src/shared/model/config';
import { countFusedMacs } from '../src/shared/model/count-ops';
import { countFusedParams, initHostParams } from '../src/shared/model/params';
import { exportFusedOnnx } from '../src/shared/onnx/export';
import { MAX_WASM_THREADS, THREAD_PREFERENCES, type ThreadPreference } from '../src/renderer/src/inference/wasm-threads';
import type { InputContract } from '../src/shared/model/model.types';
import type { SyncWindow } from '../src/shared/window.types';

const flags = benchFlags(import.meta.url, 'The fused model, batch 1: onnxruntime-web WASM and jax-js against onnxruntime-node.', {
  rounds: { type: 'number', rule: COUNT, defaultText: '2, 4 with --long', help: 'turns of the runtime × threads child processes' },
  browser: { type: 'boolean', help: 'also the app’s inference worker in Chromium (needs a build)' },
  options: { type: 'boolean', help: 'also ORT-web session options against the default' },
  long: { type: 'boolean', help: 'longer timing, more rounds' },
  // One runtime × threads measurement, in a child process of its own (ortRuns).
  'ort-child': { type: 'string', hidden: true, help: 'OrtRun as JSON' },
  model: { type: 'string', hidden: true, help: 'the exported model file' },
});
const LONG = flags.long;
const BROWSER = flags.browser;
const OPTIONS = flags.options;
const ROUNDS = flags.rounds ?? (LONG ? 4 : 2);
const MIN_MS = LONG ? 5000 : 1500;
/** The thread count compared with one: the most the app's Threads choice offers that this machine has cores for. */
const N_THREADS = Math.max(...THREAD_PREFERENCES.filter((t): t is 1 | 2 | 4 => t !== 'auto' && t <= Math.min(MAX_WASM_THREADS, os.cpus().length)));

const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC]);
const PATCHES = 5;



/** One ORT configuration, timed in a child process (ORT-web's thread count is per process). */
interface OrtRun {
  runtime: 'node' | 'web';
  threads: number;
  /** A named set of session options (OPTION_SETS). */
  options: string;
}
interface OrtTiming {
  /** Per setup: ms per window, median and fastest. */
  median: number[];
  min: number[];
}

/** Session options measured with --options; each against 'default' (graphOptimizationLevel 'all', arena on). */
const OPTION_SETS: Record<string, (s: (typeof FUSED_SETUPS)[number]) => Record<string, unknown>> = {
  default: () => ({}),
  'fixed shapes': (s) => ({
    freeDimensionOverrides: { [MODEL_IO.batchDim]: 1, [MODEL_IO.channelsDim('eeg')]: s.eeg, [MODEL_IO.channelsDim('ecg')]: s.ecg, [MODEL_IO.patchesDim('eeg')]: PATCHES, [MODEL_IO.patchesDim('ecg')]: PATCHES },
  }),
  'no CPU memory arena': () => ({ enableCpuMemArena: false }),
  "optimisation 'extended'": () => ({ graphOptimizationLevel: 'extended' }),
};

async function ortChild(spec: OrtRun, modelPath: string): Promise<OrtTiming> {
  const onnx = readFileSync(modelPath);
  const out: OrtTiming = { median: [], min: [] };
  for (const s of FUSED_SETUPS) {
    const opts = { graphOptimizationLevel: 'all', ...OPTION_SETS[spec.options](s) };
    let run: () => Promise<unknown>;
    if (spec.runtime === 'node') {
      const ort = await import('onnxruntime-node');
      const session = await ort.InferenceSession.create(onnx, { ...opts, intraOpNumThreads: spec.threads } as object);
      const f = fusedFeeds(ort.Tensor, s.eeg, s.ecg);
      run = () => session.run(f);
    } else {
      const ort = await import('onnxruntime-web');
      ort.env.wasm.numThreads = spec.threads;
      const session = await ort.InferenceSession.create(onnx, { ...opts, executionProviders: ['wasm'] } as object);
      if (ort.env.wasm.numThreads !== spec.threads) throw new Error(`ORT-web started with ${ort.env.wasm.numThreads} threads, not ${spec.threads}`);
      const f = fusedFeeds(ort.Tensor, s.eeg, s.ecg);
      run = () => session.run(f);
    }
    const t = await timeIt(run, { minMs: MIN_MS, warmup: 3 });
    out.median.push(median(t));
    out.min.push(t[0]);
  }
  return out;
}

/** Runs every spec in its own process, in turns, ROUNDS times; returns each spec's timings per round. */
function ortRounds(specs: OrtRun[], modelPath: string): OrtTiming[][] {
  const self = fileURLToPath(import.meta.url);
  const results: OrtTiming[][] = specs.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    specs.forEach((spec, i) => {
      const c = spawnSync(process.execPath, ['--import', 'tsx', self, `--ort-child=${JSON.stringify(spec)}`, `--model=${modelPath}`, ...(LONG ? ['--long'] : [])], { encoding: 'utf8' });
      const line = c.stdout.split('\n').find((l) => l.startsWith('{'));
      if (c.status !== 0 || !line) throw new Error(`ORT ${spec.runtime} ${spec.threads} thread(s) failed: ${c.stderr.slice(-500)}`);
      results[i].push(JSON.parse(line) as OrtTiming);
    });
  }
  return results;
}

/** Median over rounds of each round's median, per setup; and the fastest run seen. */
const overRounds = (rs: OrtTiming[], setup: number) => ({
  median: median(rs.map((r) => r.median[setup]).sort((a, b) => a - b)),
  min: Math.min(...rs.map((r) => r.min[setup])),
});

async function ortFigures(onnx: Uint8Array): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'hm-inference-bench-'));
  const modelPath = join(dir, 'fused.onnx');
  writeFileSync(modelPath, onnx);
  try {
    const threads = [...new Set([1, N_THREADS])];
    const specs: OrtRun[] = threads.flatMap((t) => (['node', 'web'] as const).map((runtime) => ({ runtime, threads: t, options: 'default' })));
    const load0 = os.loadavg()[0];
    const res = ortRounds(specs, modelPath);
    console.log(`### ONNX Runtime: WASM (onnxruntime-web in Node) against native (onnxruntime-node), same thread count`);
    console.log(`(${ROUNDS} rounds of one process per runtime × threads, in turns; median of the rounds' medians, fastest run in brackets; load average ${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)\n`);
    const rows: Record<string, string | number>[] = [];
    FUSED_SETUPS.forEach((s, si) => {
      const at = (runtime: 'node' | 'web', t: number) => overRounds(res[specs.findIndex((x) => x.runtime === runtime && x.threads === t)], si);
      for (const t of threads) {
        const nat = at('node', t);
        const wasm = at('web', t);
        rows.push({
          input: s.name,
          threads: String(t),
          'ort-node (ms)': `${nat.median.toFixed(1)} (${nat.min.toFixed(1)})`,
          'ort-web wasm (ms)': `${wasm.median.toFixed(1)} (${wasm.min.toFixed(1)})`,
          'WASM/native': wasm.median / nat.median,
          'WASM/native, fastest': wasm.min / nat.min,
          'goal ≤': 1.5,
          ...(t > 1 ? { 'native 1→N': at('node', 1).median / nat.median, 'wasm 1→N': at('web', 1).median / wasm.median } : { 'native 1→N': '', 'wasm 1→N': '' }),
        });
      }
    });
    table(rows);

    if (OPTIONS) {
      const names = Object.keys(OPTION_SETS);
      const oSpecs: OrtRun[] = names.map((options) => ({ runtime: 'web', threads: 1, options }));
      const oRes = ortRounds(oSpecs, modelPath);
      console.log(`\n### ORT-web WASM session options, 1 thread (each against the default, same rounds; load average ${os.loadavg()[0].toFixed(1)})`);
      table(
        names.flatMap((name, i) =>
          FUSED_SETUPS.map((s, si) => {
            const o = overRounds(oRes[i], si);
            const d = overRounds(oRes[0], si);
            return { input: s.name, options: name, 'median (ms)': o.median, 'fastest (ms)': o.min, 'vs default (median)': o.median / d.median, 'vs default (fastest)': o.min / d.min };
          }),
        ),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  header('Inference: fused ECG+EEG model (2 × CBraMod 12 layers + head), batch 1, 5-s windows');
  await init('wasm');
  const host = initHostParams(config, 42);
  const t0 = performance.now();
  const onnx = exportFusedOnnx(config, host);
  const exportMs = performance.now() - t0;
  const n = countFusedParams(config);

  console.log('### Model size');
  table(
    FUSED_SETUPS.map((s) => {
      const m = countFusedMacs(config, s.eeg, s.ecg, PATCHES);
      return { input: s.name, params: n.total, 'EEG enc': n.eeg, 'ECG enc': n.ecg, head: n.head, GMAC: m.macs / 1e9, 'element ops (M)': m.elementOps / 1e6 };
    }),
  );
  console.log(`\nONNX export: ${(onnx.length / 2 ** 20).toFixed(1)} MiB in ${exportMs.toFixed(0)} ms\n`);

  await ortFigures(onnx);

  console.log('\n### jax-js (WASM backend), jit');
  table(
    (await timeJaxModel(config, host, FUSED_SETUPS, MIN_MS)).map((t) => ({
      input: t.input,
      'forward (ms)': t.forwardMs,
      'forward+backward (ms)': t.forwardBackwardMs,
      'bwd/fwd': t.forwardBackwardMs / t.forwardMs,
      'first call fwd (ms)': t.firstForwardMs,
      'first call fwd+bwd (ms)': t.firstForwardBackwardMs,
    })),
  );

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
  console.log(`\n### Chromium, the app’s inference worker (median of the runs after the first; load average ${os.loadavg()[0].toFixed(1)})`);
  const { server, url } = await serveWorker(onnx);
  const browser = await launchChromium(['--enable-unsafe-webgpu']);
  const rows: Record<string, string | number>[] = [];
  try {
    for (const s of FUSED_SETUPS) {
      const contract: InputContract = { rateHz: 200, windowSeconds: PATCHES, eeg: anyChannels(1, 64), ecg: anyChannels(1, 12) };
      const mk = (m: 'eeg' | 'ecg', c: number) => ({ modality: m, present: true, channels: Array.from({ length: c }, (_, i) => `${m}${i}`), data: sineWindow(c).map((v) => v * 100), quality: [], streamIds: [] });
      const w: SyncWindow = { seq: 0, startTime: 0, rateHz: 200, samples: PATCHES * 200, eeg: mk('eeg', s.eeg), ecg: mk('ecg', s.ecg) };
      const runs: { prefer: 'wasm' | 'webgpu'; threads: ThreadPreference }[] = [
        ...[...new Set([1, N_THREADS])].map((threads) => ({ prefer: 'wasm' as const, threads: threads as ThreadPreference })),
        { prefer: 'webgpu', threads: 'auto' },
      ];
      for (const { prefer, threads } of runs) {
        const reps = prefer === 'wasm' ? (LONG ? 20 : 8) : LONG ? 5 : 2;
        try {
          const t = performance.now();
          const { run } = await runInPage(browser, url, config, contract, [w], prefer, reps, threads);
          const later = run.latencies.slice(1).sort((a, b) => a - b);
          rows.push({ input: s.name, backend: `${prefer} (${run.loaded.detail})`, 'first run (ms)': run.latencies[0], 'median (ms)': median(later), 'fastest (ms)': later[0], 'page total (s)': (performance.now() - t) / 1000 });
        } catch (e) {
          rows.push({ input: s.name, backend: prefer, 'first run (ms)': NaN, 'median (ms)': NaN, 'fastest (ms)': NaN, 'page total (s)': `failed: ${(e as Error).message.slice(0, 60)}` });
        }
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  table(rows);
}

const child = flags['ort-child'];
if (child !== undefined) {
  if (flags.model === undefined) throw new Error('--ort-child needs --model');
  console.log(JSON.stringify(await ortChild(JSON.parse(child) as OrtRun, flags.model)));
} else await main();
process.exit(0);
