// The ONNX runtimes the parity tests compare: onnxruntime-node (native CPU, the reference) and
// onnxruntime-web's WASM build running in Node.
//
// onnxruntime-web's Emscripten start-up assigns Node's worker_threads Worker to globalThis.Worker.
// jax-js decides per compiled kernel whether to use shared memory from `typeof Worker`, so after ORT
// starts, new jax-js kernels no longer link against the memory jax-js created at init
// ("memory import 0 has no maximum limit"). Start ORT-web once, single-threaded, and put the global
// back as it was; ORT-web with one thread never uses it again.
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';

let started: Promise<void> | null = null;

export function startOrtWeb(): Promise<void> {
  started ??= (async () => {
    const g = globalThis as { Worker?: unknown };
    const had = 'Worker' in g;
    const before = g.Worker;
    ortWeb.env.wasm.numThreads = 1;
    // An empty model fails to load, but only after the WASM runtime has started.
    await ortWeb.InferenceSession.create(new Uint8Array([8, 1])).catch(() => undefined);
    if (had) g.Worker = before;
    else delete g.Worker;
  })();
  return started;
}

export type Ort = typeof ortNode;
export const RUNTIMES: { name: string; ort: Ort; options: object }[] = [
  { name: 'onnxruntime-node', ort: ortNode, options: { intraOpNumThreads: 1 } },
  { name: 'onnxruntime-web wasm', ort: ortWeb as unknown as Ort, options: { executionProviders: ['wasm'] } },
];
