// The inference worker: the only place that imports onnxruntime-web. It runs the active model on
// WebGPU when an adapter exists, else on WASM (multi-threaded when the page is cross-origin isolated:
// the thread count is fixed by the first load, see wasm-threads.ts), one session run at a time.
// ORT's .wasm/.mjs files are bundled by electron-vite as assets and loaded from the app's own origin,
// never from a CDN.
//
// ORT ships two builds of its runtime that matter here: the JSEP build, which WebGPU needs, and the
// plain CPU build. The JSEP build is compiled with Asyncify (twice the size) and ran the model's CPU
// kernels 2× slower in Chromium and ~10× slower in Node than the plain build (bench/inference.bench.ts),
// so a worker that will run on WASM starts the plain build. Like the thread count, the build is
// fixed when ORT's runtime starts: the first load of a worker picks it (a preference change makes a
// new worker, inference-service.ts).
import * as ort from 'onnxruntime-web';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import ortJsepWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import ortJsepMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import { MODEL_IO } from '../../../shared/model/config';
import { ModelError, ModelErrorCode } from '../../../shared/model/model-error';
import type { InputContract, TaskSpec } from '../../../shared/model/model.types';
import type { ModelTensor } from '../../../shared/model/window-input';
import { answerWindow } from '../../../shared/model/window-answer';
import { detectWebGpu } from '../platform/webgpu';
import { createCapturedSession, pinnedInputDims, type CapturedSession } from './gpu-capture';
import type { BackendPreference, InferenceBackend, WorkerRequest, WorkerResponse } from './inference.types';
import { parseThreadPreference, wasmThreads, type ThreadPreference } from './wasm-threads';

const scope = self as unknown as {
  postMessage(m: WorkerResponse): void;
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  crossOriginIsolated?: boolean;
  location: { href: string };
};

const abs = (u: string) => new URL(u, scope.location.href).href;
ort.env.wasm.proxy = false;
ort.env.logLevel = 'error';

interface Loaded {
  loadId: number;
  modelId: string;
  session: ort.InferenceSession;
  /** The WebGPU session with graph capture, when the model allows it (gpu-capture.ts). */
  captured: CapturedSession | null;
  backend: InferenceBackend;
  input: InputContract;
  tasks: TaskSpec[];
  /** Kept so that a WebGPU session failing at run time can be rebuilt on WASM. */
  bytes: Uint8Array;
}

let loaded: Loaded | null = null;
/**
 * Set by the first load: ORT starts its WASM runtime (for every backend: WebGPU runs through the same
 * module) once, with the thread count it finds in env.wasm.numThreads then, and never changes it.
 */
let threading: { threads: number; note: string } | null = null;
/** Which ORT build this worker's runtime starts (or started) with. */
let build: 'cpu' | 'jsep' | null = null;

function chooseBuild(b: 'cpu' | 'jsep'): void {
  if (build) return;
  build = b;
  ort.env.wasm.wasmPaths = b === 'jsep' ? { wasm: abs(ortJsepWasmUrl), mjs: abs(ortJsepMjsUrl) } : { wasm: abs(ortWasmUrl), mjs: abs(ortMjsUrl) };
}

function startThreads(pref: ThreadPreference): void {
  if (threading) return;
  const t = wasmThreads(pref, navigator.hardwareConcurrency || 1, scope.crossOriginIsolated === true);
  ort.env.wasm.numThreads = t.threads;
  threading = { threads: t.threads, note: t.why };
}

/** What ORT actually started with: it falls back to one thread (and says so only on the console) when SharedArrayBuffer is missing. */
function threadsInUse(): { threads: number; note: string } {
  const t = threading ?? { threads: 1, note: 'not started' };
  const used = ort.env.wasm.numThreads ?? t.threads;
  return used === t.threads ? t : { threads: used, note: `${t.threads} asked, ORT started with ${used}` };
}

const threadText = () => {
  const t = threadsInUse();
  return `${t.threads} thread${t.threads === 1 ? '' : 's'} (${t.note})`;
};
// Every request waits for the one before it: sessions run one at a time.
let chain: Promise<void> = Promise.resolve();

type Created = { session: ort.InferenceSession; captured: CapturedSession | null; backend: InferenceBackend; detail: string };

async function createSession(bytes: Uint8Array, prefer: BackendPreference, input: InputContract, tasks: TaskSpec[]): Promise<Created> {
  let why = 'WASM requested';
  if (prefer !== 'wasm') {
    const gpu = await detectWebGpu();
    if (gpu.available) chooseBuild('jsep');
    if (gpu.available && build === 'jsep') {
      let capture = 'graph capture off: the model takes a range of channel counts';
      if (pinnedInputDims(input)) {
        try {
          const captured = await createCapturedSession(ort, bytes, input, tasks);
          return { session: captured.session, captured, backend: 'webgpu', detail: `${gpu.detail}; graph capture on` };
        } catch (e) {
          capture = `graph capture off (${(e as Error).message})`;
        }
      }
      try {
        const session = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
        return { session, captured: null, backend: 'webgpu', detail: `${gpu.detail}; ${capture}` };
      } catch (e) {
        why = `the WebGPU session failed (${(e as Error).message})`;
      }
    } else why = gpu.available ? 'this worker started ORT’s CPU-only build' : gpu.detail;
    if (prefer === 'webgpu') throw new ModelError(ModelErrorCode.Runtime, `WebGPU was chosen, but ${why}: choose Auto or WASM to run the model on the CPU`);
    why += '; using WASM';
  }
  chooseBuild('cpu');
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  const slow = build === 'jsep' ? '; on ORT’s WebGPU build, slower on the CPU (pick WASM for the CPU build)' : '';
  return { session, captured: null, backend: 'wasm', detail: `${why}; ${threadText()}${slow}` };
}

function errorOf(e: unknown): { code: string; message: string } {
  if (e instanceof ModelError) return { code: e.code, message: e.message };
  return { code: ModelErrorCode.Runtime, message: (e as Error)?.message ?? String(e) };
}

/** Releases a model's session (and the captured one's GPU buffers). */
const release = (l: Loaded) => (l.captured ? l.captured.release() : l.session.release()).catch(() => undefined);

/** One window through the loaded session: each task's probabilities output. */
async function infer(l: Loaded, feeds: Record<string, ModelTensor>): Promise<Record<string, Float32Array>> {
  if (l.captured) return l.captured.run(feeds);
  const tensors: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) tensors[name] = new ort.Tensor('float32', t.data, t.dims);
  const out = await l.session.run(tensors, l.tasks.map((t) => MODEL_IO.probs(t.name)));
  const probs: Record<string, Float32Array> = {};
  for (const t of l.tasks) probs[t.name] = (await out[MODEL_IO.probs(t.name)].getData()) as Float32Array;
  for (const v of Object.values(out)) v.dispose();
  return probs;
}

/**
 * A GPU that accepted the session but fails to run it (lost device, a kernel it lacks): the model
 * goes on one step down — the plain WebGPU session after a captured one, else WASM — and the page
 * is told why.
 */
async function fallBack(l: Loaded, e: Error): Promise<void> {
  await release(l);
  const t1 = performance.now();
  let next: Created | null = null;
  let detail = '';
  if (l.captured) {
    try {
      const session = await ort.InferenceSession.create(l.bytes, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
      next = { session, captured: null, backend: 'webgpu', detail: '' };
      detail = `graph capture failed while running (${e.message}); plain WebGPU session`;
    } catch {
      // the plain session fails too: WASM below
    }
  }
  if (!next) {
    next = await createSession(l.bytes, 'wasm', l.input, l.tasks);
    detail = `WebGPU failed while running (${e.message}); using WASM, ${threadText()}`;
  }
  Object.assign(l, { session: next.session, captured: next.captured, backend: next.backend });
  scope.postMessage({ type: 'loaded', loadId: l.loadId, modelId: l.modelId, backend: l.backend, detail, threads: threadsInUse().threads, loadMs: performance.now() - t1 });
}

async function handle(req: WorkerRequest): Promise<void> {
  if (req.type === 'unload') {
    if (loaded) await release(loaded);
    loaded = null;
    return;
  }
  if (req.type === 'load') {
    const t0 = performance.now();
    try {
      if (loaded) await release(loaded);
      loaded = null;
      startThreads(parseThreadPreference(req.threads) ?? 'auto');
      const created = await createSession(req.bytes, req.prefer, req.input, req.tasks);
      const l: Loaded = { loadId: req.loadId, modelId: req.modelId, ...created, input: req.input, tasks: req.tasks, bytes: req.bytes };
      const missing = [...req.tasks.map((t) => MODEL_IO.probs(t.name))].filter((n) => !l.session.outputNames.includes(n));
      if (missing.length) {
        await release(l);
        throw new ModelError(ModelErrorCode.SignatureMismatch, `the model lacks outputs ${missing.join(', ')}`);
      }
      loaded = l;
      scope.postMessage({ type: 'loaded', loadId: req.loadId, modelId: req.modelId, backend: l.backend, detail: created.detail, threads: threadsInUse().threads, loadMs: performance.now() - t0 });
    } catch (e) {
      scope.postMessage({ type: 'error', loadId: req.loadId, ...errorOf(e) });
    }
    return;
  }
  const l = loaded;
  if (!l) {
    scope.postMessage({ type: 'error', loadId: null, seq: req.seq, code: ModelErrorCode.NotFound, message: 'no model is loaded' });
    return;
  }
  // Skipped (the window's problem, said as such) when it fails before the model ran; an error after.
  let ran = false;
  try {
    const a = await answerWindow(
      req.window,
      l.input,
      l.tasks,
      async (feeds) => {
        ran = true;
        for (;;) {
          try {
            return await infer(l, feeds);
          } catch (e) {
            // A window the model cannot read is the window's problem, not the GPU's.
            if (l.backend !== 'webgpu' || e instanceof ModelError) throw e;
            await fallBack(l, e as Error);
          }
        }
      },
      () => performance.now(),
    );
    scope.postMessage({ type: 'result', loadId: l.loadId, seq: req.seq, modelId: l.modelId, windowTime: req.window.startTime, probabilities: a.probabilities, fed: a.fed, absent: a.absent, unusable: a.unusable, backend: l.backend, latencyMs: a.latencyMs });
  } catch (e) {
    const { code, message } = errorOf(e);
    if (!ran) scope.postMessage({ type: 'skipped', loadId: l.loadId, seq: req.seq, code, message });
    else scope.postMessage({ type: 'error', loadId: l.loadId, seq: req.seq, code, message });
  }
}

scope.onmessage = (e) => {
  const req = e.data;
  chain = chain.then(() => handle(req)).catch((err) => scope.postMessage({ type: 'error', loadId: req.type === 'load' ? req.loadId : (loaded?.loadId ?? null), ...errorOf(err) }));
};
