// The core's ONNX runtime (the one file of src/main that imports onnxruntime-web): a model run in
// Node, for `heartmind sessions predict` (a recorded session run through a model, predict-session.ts).
// onnxruntime-web's WASM build, the one the page runs on the CPU: onnxruntime-node is a
// devDependency only (the parity tests' reference, not shipped: electron-vite leaves the packages in
// node_modules, and onnxruntime-web's Node entry loads its .wasm from its own folder), and the same
// build answers a window with the same numbers the page's worker stores live (within float rounding).
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-web';
import { MODEL_IO } from '../../shared/model/config';
import { ModelError, ModelErrorCode } from '../../shared/model/model-error';
import type { TaskSpec } from '../../shared/model/model.types';
import type { ModelTensor } from '../../shared/model/window-input';

ort.env.logLevel = 'error';

export interface NodeModel {
  /** One window's feeds through the model: each task's probabilities output, by task name. */
  run(feeds: Record<string, ModelTensor>): Promise<Record<string, Float32Array>>;
  release(): Promise<void>;
  /** The WASM threads ORT runs on (fixed by the first model this process opened). */
  threads: number;
}

/** Threads for ORT's WASM runtime: the cores there are, at most 4 (the model's kernels gain little past that). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

let threadsStarted: number | null = null;

/**
 * Opens a model's ONNX bytes on ORT's WASM backend. `threads` is taken by the first call only: ORT
 * starts its runtime once per process. A model without a `prob_<task>` output for one of `tasks` is
 * refused, as the page's worker refuses it.
 */
export async function openNodeModel(bytes: Uint8Array, tasks: readonly TaskSpec[], threads = defaultThreads()): Promise<NodeModel> {
  if (threadsStarted === null) {
    ort.env.wasm.numThreads = threads;
    threadsStarted = threads;
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  } catch (e) {
    throw new ModelError(ModelErrorCode.Runtime, `the model could not be loaded: ${(e as Error)?.message ?? String(e)}`);
  }
  const names = tasks.map((t) => MODEL_IO.probs(t.name));
  const missing = names.filter((n) => !session.outputNames.includes(n));
  if (missing.length) {
    await session.release();
    throw new ModelError(ModelErrorCode.SignatureMismatch, `the model lacks outputs ${missing.join(', ')}`);
  }
  return {
    threads: ort.env.wasm.numThreads ?? threadsStarted,
    async run(feeds) {
      const tensors: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) tensors[name] = new ort.Tensor('float32', t.data, t.dims);
      const out = await session.run(tensors, names);
      const probs: Record<string, Float32Array> = {};
      for (const t of tasks) probs[t.name] = (await out[MODEL_IO.probs(t.name)].getData()) as Float32Array;
      for (const v of Object.values(out)) v.dispose();
      return probs;
    },
    release: () => session.release(),
  };
}
