// The training worker thread: runs one job (job.ts) off the main thread, so the UI, the live
// pipeline and the recorder never wait on a training step. jax-js runs on WebGPU when the runtime
// offers an adapter, else on WASM (Node and Electron's main process have no WebGPU today: WASM).
// Talks to its starter (TrainRun in job-runner.ts: the app's runner, the CLI) by messages, and reads
// pause/cancel from shared memory (job-control.ts). The same thread builds a dataset for the
// Training view's Preview (dataset-preview.ts) and exports a finished run's model for the Training
// view's Export (export-run.ts), without loading jax-js.
import { parentPort, workerData } from 'node:worker_threads';
import type { DatasetPreview } from '../../shared/ipc/training.schema';
import type { DatasetSpec, ExportSpec } from '../../shared/train/job.types';
import type { JobEvent } from './job';
import { RunStore } from './run-store';
import type { SessionFeed } from './dataset-loader';
import type { PreviewCheck } from './dataset-preview';
import { SharedJobControl } from './job-control';
import { TrainError } from '../../shared/train/train.types';

export type TrainWorkerData =
  | {
      task: 'run';
      storeRoot: string;
      runId: string;
      userModelsDir?: string;
      sessions: SessionFeed[];
      /** SharedJobControl's buffer: pause/cancel as the starter sets them. */
      control: SharedArrayBuffer;
      /** JobContext.liveFiles (the CLI: an app beside it follows the run through its files). */
      liveFiles?: boolean;
    }
  | { task: 'preview'; dataset: DatasetSpec; check?: PreviewCheck; sessions: SessionFeed[] }
  | { task: 'export'; storeRoot: string; runId: string; exp: ExportSpec; root: string };

export type TrainWorkerReply =
  | { type: 'event'; event: JobEvent }
  | { type: 'backend'; backend: string }
  | { type: 'done'; summary: unknown }
  | { type: 'preview'; preview: DatasetPreview }
  | { type: 'exported'; dir: string }
  | { type: 'failed'; error: { code: string; message: string; name?: string } };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('train-worker must run as a worker thread');
  const data = workerData as TrainWorkerData;
  const post = (r: TrainWorkerReply) => port.postMessage(r);
  try {
    if (data.task === 'preview') {
      const { previewDataset } = await import('./dataset-preview');
      post({ type: 'preview', preview: await previewDataset(data.dataset, new Map(data.sessions.map((s) => [s.sessionId, s])), data.check) });
      return;
    }
    if (data.task === 'export') {
      const { exportRunModel } = await import('./export-run');
      post({ type: 'exported', dir: await exportRunModel(new RunStore(data.storeRoot).folder(data.runId), data.exp, data.root) });
      return;
    }
    // Loaded here, not at the top: a preview does not need jax-js.
    const [{ selectTrainingBackend }, { runJob }] = await Promise.all([import('./backend'), import('./job')]);
    const backend = await selectTrainingBackend();
    post({ type: 'backend', backend });
    const folder = new RunStore(data.storeRoot).folder(data.runId);
    const control = new SharedJobControl(data.control);
    const summary = await runJob({
      folder,
      sessions: new Map(data.sessions.map((s) => [s.sessionId, s])),
      control: () => control.get(),
      emit: (event) => post({ type: 'event', event }),
      userModelsDir: data.userModelsDir,
      liveFiles: data.liveFiles,
    });
    post({ type: 'done', summary });
  } catch (e) {
    const err = e as Error;
    post({ type: 'failed', error: { code: e instanceof TrainError ? e.code : (err as { code?: string }).code ?? 'error', message: err?.message ?? String(e), name: err?.name } });
  }
}

void main();
