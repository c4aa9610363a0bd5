// What the Training view's Preview shows of a dataset: windows per class, subjects, recordings and,
// when asked, whether fine-tuning and its subject-wise evaluation can run on it. Building the
// dataset runs every recording through the pipeline (seconds; a DREAMER.mat, much longer), so the
// core runs this in a worker thread (previewInWorker): on the main thread it held up the live
// pipeline, the dashboard and the recorder's batches for up to half a second at a time.
import { askWorkerOnce, errorFromWorker } from '../core/worker-entry';
import type { DatasetPreview } from '../../shared/ipc/training.schema';
import type { DatasetSpec } from '../../shared/train/job.types';
import type { EvaluationConfig, ModalitySet } from '../../shared/train/train.types';
import { trainingReadiness } from '../../shared/train/trainable';
import { loadDataset, type SessionFeed } from './dataset-loader';
import { trainWorkerEntry } from './job-runner';
import { feedTransferables } from './session-feed';
import type { TrainWorkerData, TrainWorkerReply } from './train-worker.node';

export interface PreviewCheck {
  modalities: ModalitySet;
  evaluation: EvaluationConfig;
}

export async function previewDataset(dataset: DatasetSpec, sessions: Map<number, SessionFeed>, check?: PreviewCheck): Promise<DatasetPreview> {
  const ds = await loadDataset(dataset, sessions);
  const classes = ds.task?.classes ?? [];
  const perClass = classes.map((_, k) => ds.windows.filter((w) => w.label === k).length);
  const preview: DatasetPreview = { name: ds.name, windows: ds.windows.length, perClass, classes, subjects: [...new Set(ds.windows.map((w) => w.subject))].sort(), recordings: ds.recordings };
  if (check) preview.readiness = trainingReadiness(ds, check.modalities, check.evaluation);
  return preview;
}

/**
 * previewDataset in the training worker (one short-lived thread per preview); its errors keep their
 * name and code. The sessions' samples are moved to the thread, not copied: their arrays here are
 * left empty.
 */
export function previewInWorker(dataset: DatasetSpec, sessions: SessionFeed[], check?: PreviewCheck): Promise<DatasetPreview> {
  const data: TrainWorkerData = { task: 'preview', dataset, check, sessions };
  return askWorkerOnce<TrainWorkerReply, DatasetPreview>(
    trainWorkerEntry(),
    { workerData: data, name: 'heartmind-preview', transferList: feedTransferables(sessions) },
    (m) => {
      if (m.type === 'preview') return { value: m.preview };
      if (m.type === 'failed') return { error: errorFromWorker(m.error) };
      return undefined;
    },
    'the dataset preview',
  );
}
