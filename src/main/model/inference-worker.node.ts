// The core's model runtime thread (node-inference.ts starts one per opened model): onnxruntime-web's
// WASM build, loaded here and not on the core's main thread, where one window's run (70–140 ms for
// the shipped model on 2 threads) held the event loop: the live pipeline, a recording's chunks and
// their host times, and every request waited for it. Opens the model it is given, then answers one
// window's feeds at a time with each task's probabilities. Runs without Electron.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-web';
import { MODEL_IO } from '../../shared/model/config';
import { ModelError, ModelErrorCode } from '../../shared/model/model-error';
import type { InferenceWorkerData, InferenceWorkerReply, InferenceWorkerRequest } from './node-inference';

ort.env.logLevel = 'error';

const post = (m: InferenceWorkerReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);
const plain = (e: unknown) => {
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message, code: (err as { code?: string }).code };
};

async function open(d: InferenceWorkerData): Promise<void> {
  ort.env.wasm.numThreads = d.threads;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(d.bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  } catch (e) {
    return post({ type: 'failed', error: plain(new ModelError(ModelErrorCode.Runtime, `the model could not be loaded: ${(e as Error)?.message ?? String(e)}`)) });
  }
  const names = d.tasks.map((t) => MODEL_IO.probs(t.name));
  const missing = names.filter((n) => !session.outputNames.includes(n));
  if (missing.length) {
    await session.release();
    return post({ type: 'failed', error: plain(new ModelError(ModelErrorCode.SignatureMismatch, `the model lacks outputs ${missing.join(', ')}`)) });
  }
  parentPort!.on('message', async (req: InferenceWorkerRequest) => {
    try {
      const tensors: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(req.feeds)) tensors[name] = new ort.Tensor('float32', t.data, t.dims);
      const out = await session.run(tensors, names);
      const probs: Record<string, Float32Array> = {};
      // Copied out of ORT's tensors (which are disposed) into arrays moved to the core, not copied again.
      for (const t of d.tasks) probs[t.name] = Float32Array.from((await out[MODEL_IO.probs(t.name)].getData()) as Float32Array);
      for (const v of Object.values(out)) v.dispose();
      post({ id: req.id, type: 'probs', probs }, Object.values(probs).map((p) => p.buffer as ArrayBuffer));
    } catch (e) {
      post({ id: req.id, type: 'failed', error: plain(new ModelError(ModelErrorCode.Runtime, `the model could not answer a window: ${(e as Error)?.message ?? String(e)}`)) });
    }
  });
  post({ type: 'ready', threads: ort.env.wasm.numThreads ?? d.threads });
}

void open(workerData as InferenceWorkerData);
