// The core's ONNX runtime: a model run in Node, for `heartmind sessions predict` and the Sessions
// library's Run model (a recorded session run through a model, predict-session.ts). Each opened model
// runs in its own worker thread (inference-worker.node.ts, the one file of src/main that imports
// onnxruntime-web): on the core's main thread a window's run held the event loop for its whole
// length (70–140 ms for the shipped model), so the live pipeline, a recording and every request
// stalled while a session was run through a model.
// onnxruntime-web's WASM build, the one the page runs on the CPU: onnxruntime-node is a
// devDependency only (the parity tests' reference, not shipped: electron-vite leaves the packages in
// node_modules, and onnxruntime-web's Node entry loads its .wasm from its own folder), and the same
// build answers a window with the same numbers the page's worker stores live (within float rounding).
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { errorFromWorker, findWorkerEntry, startWorker } from '../core/worker-entry';
import { ModelError, ModelErrorCode } from '../../shared/model/model-error';
import type { TaskSpec } from '../../shared/model/model.types';
import type { ModelTensor } from '../../shared/model/window-input';

/** File name of the inference worker's bundle in the built app (its own entry in electron.vite.config.ts). */
export const INFERENCE_WORKER_BUNDLE = 'inference-worker.js';

export interface InferenceWorkerData {
  bytes: Uint8Array;
  tasks: readonly TaskSpec[];
  threads: number;
}
export type InferenceWorkerRequest = { id: number; feeds: Record<string, ModelTensor> };
type WireError = { name: string; message: string; code?: string };
export type InferenceWorkerReply =
  | { type: 'ready'; threads: number }
  | { type: 'failed'; id?: number; error: WireError }
  | { id: number; type: 'probs'; probs: Record<string, Float32Array> };

export interface NodeModel {
  /** One window's feeds through the model: each task's probabilities output, by task name. */
  run(feeds: Record<string, ModelTensor>): Promise<Record<string, Float32Array>>;
  /** Ends the model's thread (a run still under way is rejected). */
  release(): Promise<void>;
  /** The WASM threads ORT runs on. */
  threads: number;
}

/** Threads for ORT's WASM runtime: the cores there are, at most 4 (the model's kernels gain little past that). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** A worker's error made a ModelError again (its code kept), other errors as they were. */
function rebuilt(e: WireError): Error {
  return e.name === 'ModelError' ? new ModelError(e.code as ModelErrorCode, e.message) : errorFromWorker(e);
}

/**
 * Opens a model's ONNX bytes on ORT's WASM backend, in a thread of its own (the bytes are moved
 * there when the array holds its whole buffer: it is emptied then). A model without a `prob_<task>` output for one of `tasks` is
 * refused, as the page's worker refuses it.
 */
export async function openNodeModel(bytes: Uint8Array, tasks: readonly TaskSpec[], threads = defaultThreads()): Promise<NodeModel> {
  const entry = findWorkerEntry(import.meta.url, 'inference-worker.node.ts', INFERENCE_WORKER_BUNDLE);
  if (!entry) throw new ModelError(ModelErrorCode.Runtime, `the model runtime is missing from this build (${INFERENCE_WORKER_BUNDLE})`);
  const data: InferenceWorkerData = { bytes, tasks: tasks.map((t) => ({ ...t })), threads };
  // Moved, not copied (38 MB for the shipped model), when the array holds its buffer alone.
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const worker: Worker = startWorker(entry, { workerData: data, transferList: whole ? [bytes.buffer as ArrayBuffer] : [] });
  const waiting = new Map<number, { resolve(p: Record<string, Float32Array>): void; reject(e: Error): void }>();
  let ended: Error | null = null;
  const endAll = (e: Error) => {
    ended ??= e;
    for (const w of waiting.values()) w.reject(ended);
    waiting.clear();
  };
  const ready = new Promise<number>((resolve, reject) => {
    worker.on('message', (m: InferenceWorkerReply) => {
      if (m.type === 'ready') return resolve(m.threads);
      if (m.type === 'failed' && m.id === undefined) return reject(rebuilt(m.error));
      const w = waiting.get(m.id!);
      waiting.delete(m.id!);
      if (m.type === 'probs') w?.resolve(m.probs);
      else w?.reject(rebuilt(m.error));
    });
    worker.on('error', (e) => {
      reject(e);
      endAll(e);
    });
    worker.on('exit', (code) => {
      const e = new ModelError(ModelErrorCode.Runtime, `the model's thread stopped (exit code ${code})`);
      reject(e);
      endAll(e);
    });
  });
  let actual: number;
  try {
    actual = await ready;
  } catch (e) {
    await worker.terminate();
    throw e;
  }
  let nextId = 1;
  return {
    threads: actual,
    run(feeds) {
      if (ended) return Promise.reject(ended);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, feeds } satisfies InferenceWorkerRequest);
      });
    },
    async release() {
      endAll(new ModelError(ModelErrorCode.Runtime, 'the model was released'));
      await worker.terminate();
    },
  };
}
