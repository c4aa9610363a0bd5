// The training worker thread: runs one job (job.ts) off the main thread, so the UI, the live
// pipeline and the recorder never wait on a training step. jax-js runs on WebGPU when the runtime
// offers an adapter, else on WASM (Node and Electron's main process have no WebGPU today: WASM).
// Talks to the runner (job-runner.ts) by messages only.
import { parentPort, workerData } from 'node:worker_threads';
import { selectTrainingBackend } from './backend';
import { runJob, type JobEvent } from './job';
import { RunStore } from './run-store';
import type { SessionFeed } from './dataset-loader';
import { TrainError } from '../../shared/train/train.types';

export interface TrainWorkerData {
  storeRoot: string;
  runId: string;
  userModelsDir?: string;
  sessions: SessionFeed[];
}

export type TrainWorkerReply =
  | { type: 'event'; event: JobEvent }
  | { type: 'backend'; backend: string }
  | { type: 'done'; summary: unknown }
  | { type: 'failed'; error: { code: string; message: string } };

export type TrainWorkerRequest = { type: 'control'; action: 'pause' | 'cancel' };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('train-worker must run as a worker thread');
  const data = workerData as TrainWorkerData;
  let action: 'run' | 'pause' | 'cancel' = 'run';
  port.on('message', (m: TrainWorkerRequest) => {
    if (m?.type === 'control' && (m.action === 'pause' || m.action === 'cancel')) action = m.action;
  });
  const post = (r: TrainWorkerReply) => port.postMessage(r);
  try {
    const backend = await selectTrainingBackend();
    post({ type: 'backend', backend });
    const folder = new RunStore(data.storeRoot).folder(data.runId);
    const summary = await runJob({
      folder,
      sessions: new Map(data.sessions.map((s) => [s.sessionId, s])),
      control: () => action,
      emit: (event) => post({ type: 'event', event }),
      userModelsDir: data.userModelsDir,
    });
    post({ type: 'done', summary });
  } catch (e) {
    const err = e as Error;
    post({ type: 'failed', error: { code: e instanceof TrainError ? e.code : (err as { code?: string }).code ?? 'error', message: err?.message ?? String(e) } });
  }
}

void main();
