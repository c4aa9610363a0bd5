// The page's client of the inference worker, against a worker stand-in that answers as the real one
// does (in order, one request after another): after a model switch, what the worker still sends for
// the previous model (a window it was running, a load that was superseded) must not reach the page
// as the new model's.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InferenceClient } from '../../../src/renderer/src/inference/inference-client';
import type { LoadedInfo, WindowResult, WorkerRequest, WorkerResponse } from '../../../src/renderer/src/inference/inference.types';
import type { ModelCard } from '../../../src/shared/model/model.types';
import type { SyncWindow } from '../../../src/shared/window.types';
import { sampleCard } from '../../shared/model/sample-card';

/** Records what the page posts; `answer` plays the worker's reply. */
class FakeWorker {
  readonly posted: WorkerRequest[] = [];
  onmessage: ((e: MessageEvent<WorkerResponse>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  terminated = false;
  postMessage(m: WorkerRequest): void {
    this.posted.push(m);
  }
  terminate(): void {
    this.terminated = true;
  }
  answer(m: WorkerResponse): void {
    this.onmessage?.({ data: m } as MessageEvent<WorkerResponse>);
  }
  lastLoadId(): number {
    const l = this.posted.filter((r) => r.type === 'load').at(-1);
    assert.ok(l && l.type === 'load', 'a load request was posted to the worker');
    return l.loadId;
  }
  runs(): number[] {
    return this.posted.filter((r) => r.type === 'run').map((r) => (r.type === 'run' ? r.seq : -1));
  }
}

const card = (id: string): ModelCard => sampleCard({ id });
const bytes = () => new Uint8Array(8);
const win = (seq: number) => ({ seq, startTime: seq }) as unknown as SyncWindow;
const loaded = (loadId: number, modelId: string): WorkerResponse => ({ type: 'loaded', loadId, modelId, backend: 'wasm', detail: '', threads: 1, loadMs: 1 });
const result = (loadId: number, modelId: string, seq: number): WorkerResponse => ({
  type: 'result',
  loadId,
  seq,
  modelId,
  windowTime: seq,
  probabilities: { arithmetic: [0.4, 0.6] },
  fed: ['eeg', 'ecg'],
  absent: {},
  backend: 'wasm',
  latencyMs: 5,
});

function setUp() {
  const worker = new FakeWorker();
  const results: WindowResult[] = [];
  const errors: string[] = [];
  const skipped: number[] = [];
  const client = new InferenceClient(
    { result: (r) => results.push(r), error: (m) => errors.push(m), skipped: (seq) => skipped.push(seq) },
    worker as unknown as Worker,
  );
  return { worker, client, results, errors, skipped };
}

describe('InferenceClient', () => {
  test('a window the old model was running when the switch came is not reported as the new model’s', async () => {
    const { worker, client, results } = setUp();
    const a = client.load(card('model-a'), bytes());
    const idA = worker.lastLoadId();
    worker.answer(loaded(idA, 'model-a'));
    await a;
    client.submit(win(1));
    assert.deepEqual(worker.runs(), [1]);
    // The switch: model B is asked for while window 1 still runs on model A.
    client.unload();
    const b = client.load(card('model-b'), bytes());
    const idB = worker.lastLoadId();
    assert.notEqual(idA, idB);
    // The worker answers in order: window 1 (model A), then B loaded.
    worker.answer(result(idA, 'model-a', 1));
    assert.equal(results.length, 0, 'model A’s answer is dropped');
    worker.answer(loaded(idB, 'model-b'));
    assert.equal((await b).modelId, 'model-b');
    // The run slot was freed: the next window goes straight to model B and its answer is shown.
    client.submit(win(2));
    assert.deepEqual(worker.runs(), [1, 2]);
    worker.answer(result(idB, 'model-b', 2));
    assert.deepEqual(
      results.map((r) => [r.modelId, r.seq]),
      [['model-b', 2]],
    );
  });

  test('a load superseded while the worker compiled it does not resolve the next load with its own model', async () => {
    const { worker, client, errors } = setUp();
    const b = client.load(card('model-b'), bytes());
    const idB = worker.lastLoadId();
    const c = client.load(card('model-c'), bytes());
    const idC = worker.lastLoadId();
    await assert.rejects(b, /superseded/);
    // The worker finishes B first (it was compiling), then C.
    worker.answer(loaded(idB, 'model-b'));
    const afterB = client.loaded;
    assert.equal(afterB, null, 'B is not taken for the model loaded');
    worker.answer(loaded(idC, 'model-c'));
    const info: LoadedInfo = await c;
    assert.equal(info.modelId, 'model-c');
    assert.equal(client.loaded?.modelId, 'model-c');
    assert.deepEqual(errors, []);
  });

  test('a superseded load that fails does not fail the load after it', async () => {
    const { worker, client, errors } = setUp();
    const b = client.load(card('model-b'), bytes());
    const idB = worker.lastLoadId();
    const c = client.load(card('model-c'), bytes());
    const idC = worker.lastLoadId();
    await assert.rejects(b, /superseded/);
    worker.answer({ type: 'error', loadId: idB, code: 'not-onnx', message: 'not an ONNX model' });
    worker.answer(loaded(idC, 'model-c'));
    assert.equal((await c).modelId, 'model-c');
    assert.deepEqual(errors, [], 'B’s failure is not reported as C’s');
  });

  test('a skip or a failed run of the old model frees the run slot without being shown', async () => {
    const { worker, client, results, errors, skipped } = setUp();
    const a = client.load(card('model-a'), bytes());
    const idA = worker.lastLoadId();
    worker.answer(loaded(idA, 'model-a'));
    await a;
    client.submit(win(1));
    client.submit(win(2)); // waits behind 1
    const b = client.load(card('model-b'), bytes());
    const idB = worker.lastLoadId();
    worker.answer({ type: 'skipped', loadId: idA, seq: 1, code: 'bad-window', message: 'NaN' });
    worker.answer(loaded(idB, 'model-b'));
    await b;
    assert.deepEqual(worker.runs(), [1], 'the window waiting for model A was not run on B');
    client.submit(win(3));
    worker.answer({ type: 'error', loadId: idA, seq: 3, code: 'runtime', message: 'late' });
    client.submit(win(4));
    assert.deepEqual(worker.runs(), [1, 3, 4]);
    worker.answer(result(idB, 'model-b', 4));
    assert.deepEqual([results.map((r) => r.seq), errors, skipped], [[4], [], []]);
  });
});
