// The inference worker: the only place that imports onnxruntime-web. It runs the active model on
// WebGPU when an adapter exists, else on WASM (multi-threaded when the page is cross-origin isolated),
// one session run at a time. ORT's .wasm/.mjs files are bundled by electron-vite as assets and loaded
// from the app's own origin, never from a CDN.
import * as ort from 'onnxruntime-web';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import { MODEL_IO } from '../../../shared/model/config';
import { ModelError, ModelErrorCode } from '../../../shared/model/model-error';
import type { InputContract, TaskSpec } from '../../../shared/model/model.types';
import { prepareWindow } from '../../../shared/model/window-input';
import type { BackendPreference, InferenceBackend, WorkerRequest, WorkerResponse } from './inference.types';

interface GpuLike {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null>;
}

const scope = self as unknown as {
  postMessage(m: WorkerResponse): void;
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  crossOriginIsolated?: boolean;
  location: { href: string };
};

const abs = (u: string) => new URL(u, scope.location.href).href;
ort.env.wasm.wasmPaths = { wasm: abs(ortWasmUrl), mjs: abs(ortMjsUrl) };
// Threads need SharedArrayBuffer, which only a cross-origin-isolated page has. One core is left to
// the page and the live pipeline (on a 2-core machine two ORT threads ran slower than one).
const THREADS = scope.crossOriginIsolated ? Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 1) - 1)) : 1;
ort.env.wasm.numThreads = THREADS;
ort.env.wasm.proxy = false;
ort.env.logLevel = 'error';

interface Loaded {
  modelId: string;
  session: ort.InferenceSession;
  backend: InferenceBackend;
  input: InputContract;
  tasks: TaskSpec[];
  /** Kept so that a WebGPU session failing at run time can be rebuilt on WASM. */
  bytes: Uint8Array;
}

let loaded: Loaded | null = null;
// Every request waits for the one before it: sessions run one at a time.
let chain: Promise<void> = Promise.resolve();

async function webGpuAdapter(): Promise<{ ok: boolean; detail: string }> {
  const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu;
  if (!gpu) return { ok: false, detail: 'no WebGPU in this context' };
  try {
    const adapter = await Promise.race([gpu.requestAdapter(), new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
    if (!adapter) return { ok: false, detail: 'no WebGPU adapter' };
    const i = adapter.info ?? {};
    return { ok: true, detail: [i.vendor, i.architecture || i.description].filter(Boolean).join(' ') || 'WebGPU adapter' };
  } catch (e) {
    return { ok: false, detail: `WebGPU failed: ${(e as Error).message}` };
  }
}

async function createSession(bytes: Uint8Array, prefer: BackendPreference): Promise<{ session: ort.InferenceSession; backend: InferenceBackend; detail: string }> {
  let why = 'WASM requested';
  if (prefer !== 'wasm') {
    const gpu = await webGpuAdapter();
    if (gpu.ok) {
      try {
        const session = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
        return { session, backend: 'webgpu', detail: gpu.detail };
      } catch (e) {
        why = `WebGPU session failed (${(e as Error).message}); using WASM`;
      }
    } else why = `${gpu.detail}; using WASM`;
    if (prefer === 'webgpu') throw new ModelError(ModelErrorCode.Runtime, `WebGPU was required: ${why}`);
  }
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  return { session, backend: 'wasm', detail: `${why}; ${THREADS} thread${THREADS === 1 ? '' : 's'}` };
}

function errorOf(e: unknown): { code: string; message: string } {
  if (e instanceof ModelError) return { code: e.code, message: e.message };
  return { code: ModelErrorCode.Runtime, message: (e as Error)?.message ?? String(e) };
}

async function handle(req: WorkerRequest): Promise<void> {
  if (req.type === 'unload') {
    if (loaded) await loaded.session.release().catch(() => undefined);
    loaded = null;
    return;
  }
  if (req.type === 'load') {
    const t0 = performance.now();
    try {
      if (loaded) await loaded.session.release().catch(() => undefined);
      loaded = null;
      const { session, backend, detail } = await createSession(req.bytes, req.prefer);
      const missing = [...req.tasks.map((t) => MODEL_IO.probs(t.name))].filter((n) => !session.outputNames.includes(n));
      if (missing.length) {
        await session.release();
        throw new ModelError(ModelErrorCode.SignatureMismatch, `the model lacks outputs ${missing.join(', ')}`);
      }
      loaded = { modelId: req.modelId, session, backend, input: req.input, tasks: req.tasks, bytes: req.bytes };
      scope.postMessage({ type: 'loaded', modelId: req.modelId, backend, detail, threads: THREADS, loadMs: performance.now() - t0 });
    } catch (e) {
      scope.postMessage({ type: 'error', ...errorOf(e) });
    }
    return;
  }
  const l = loaded;
  if (!l) {
    scope.postMessage({ type: 'error', seq: req.seq, code: ModelErrorCode.NotFound, message: 'no model is loaded' });
    return;
  }
  let prepared;
  try {
    prepared = prepareWindow(req.window, l.input);
  } catch (e) {
    const { code, message } = errorOf(e);
    scope.postMessage({ type: 'skipped', seq: req.seq, code, message });
    return;
  }
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(prepared.feeds)) feeds[name] = new ort.Tensor('float32', t.data, t.dims);
    const t0 = performance.now();
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await l.session.run(feeds, l.tasks.map((t) => MODEL_IO.probs(t.name)));
    } catch (e) {
      if (l.backend !== 'webgpu') throw e;
      // A GPU that accepted the session but fails to run it (lost device, a kernel it lacks): the
      // model goes on, on WASM, and the page is told why.
      await l.session.release().catch(() => undefined);
      const t1 = performance.now();
      const wasm = await createSession(l.bytes, 'wasm');
      Object.assign(l, { session: wasm.session, backend: 'wasm' as const });
      scope.postMessage({ type: 'loaded', modelId: l.modelId, backend: 'wasm', detail: `WebGPU failed while running (${(e as Error).message}); using WASM, ${THREADS} thread(s)`, threads: THREADS, loadMs: performance.now() - t1 });
      out = await l.session.run(feeds, l.tasks.map((t) => MODEL_IO.probs(t.name)));
    }
    const latencyMs = performance.now() - t0;
    const probabilities: Record<string, number[]> = {};
    for (const t of l.tasks) {
      const v = Array.from((await out[MODEL_IO.probs(t.name)].getData()) as Float32Array);
      probabilities[t.name] = t.kind === 'binary' ? [1 - v[0], v[0]] : v;
    }
    for (const v of Object.values(out)) v.dispose();
    scope.postMessage({ type: 'result', seq: req.seq, modelId: l.modelId, windowTime: req.window.startTime, probabilities, fed: prepared.fed, absent: prepared.absent, backend: l.backend, latencyMs });
  } catch (e) {
    scope.postMessage({ type: 'error', seq: req.seq, ...errorOf(e) });
  }
}

scope.onmessage = (e) => {
  chain = chain.then(() => handle(e.data)).catch((err) => scope.postMessage({ type: 'error', ...errorOf(err) }));
};
