// A session's stored model predictions as the CSV file an export writes beside its signals
// ('<base>-predictions.csv'; EDF/BDF: a sidecar, since a row per window and model would flood an
// EDF+ annotation channel). One row per window and model, in window order:
//   window_start_s,unix_time_s,window_s,model,arithmetic,arithmetic_p_rest,arithmetic_p_task,eeg_fed,eeg_absent,eeg_unusable,ecg_fed,…,latency_ms
// window_start_s is on the exported signals' time axis (a CSV export's time_s: seconds from the
// session's start; EDF/BDF: seconds from the file's first sample, as its annotations' onsets),
// unix_time_s the same instant as a unix time, window_s the window's length (the recorded settings
// in force at its start). Per task the class the model answered (the most probable, named from the
// installed model's card, else by index) and each class's probability; per modality the model reads
// whether it fed the answer (1/0), why it was absent (the pipeline's reason: no-device, gap,
// starting, warming-up, bad-quality) and, for bad-quality, what made its channels unusable
// ('flat=19', 'railed=2 flat=1'). Columns a row's model has not are empty.
//
// Its first column is not time_s or onset_s: the CSV reader takes it for no stream or marker file,
// and an import of the export leaves it out (predictions are not imported; the file alone is
// refused saying what it is).
import type { Prediction } from '../../session.types';
import type { TaskSpec } from '../../model/model.types';
import { UNUSABLE_CAUSES } from '../../model/window-input';
import { FED, taskProbabilities } from '../../model/prediction-summary';

/** The suffix of the predictions file after the export's base. */
export const PREDICTIONS_FILE_SUFFIX = '-predictions.csv';

/** How the file's first line starts (whatever the models' columns after it). */
export const PREDICTIONS_HEAD_START = 'window_start_s,unix_time_s,window_s,model';

/** A model's tasks (from its card): its classes' names. */
export interface PredictionModelTasks {
  id: string;
  tasks: readonly Pick<TaskSpec, 'name' | 'classes'>[];
}

export interface PredictionsCsvOptions {
  /** Host time (s) of the time axis's zero: window_start_s = windowTime − zero. */
  zero: number;
  /** The window length (s) in force at a window's start. */
  lengthAt(t: number): number;
  /** The models' tasks where known (installed); a model not among them has its classes by index. */
  models?: readonly PredictionModelTasks[];
  /** Rows per piece (the DB worker writes piece by piece). Default: all in one. */
  rowsPerPiece?: number;
}

type Row = Pick<Prediction, 'modelId' | 'windowTime' | 'outputs'>;


function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Seconds with microsecond precision and no float noise (as the stream files' time_s). */
function timeText(t: number): string {
  return String(Math.round(t * 1e6) / 1e6);
}

/** The rows' columns: per task its classes (named where the model's card names them), per modality read, and whether any row has its latency. */
function columnsOf(rows: readonly Row[], models: readonly PredictionModelTasks[]) {
  const tasks = new Map<string, string[]>();
  const modalities: string[] = [];
  let latency = false;
  const seen = new Set<string>();
  for (const r of rows) {
    for (const key of Object.keys(r.outputs)) {
      const m = FED.exec(key)?.[1];
      if (m && !modalities.includes(m)) modalities.push(m);
    }
    latency ||= typeof r.outputs.latency_ms === 'number';
    for (const [task, probs] of taskProbabilities(r.outputs)) {
      const k = `${r.modelId}\n${task}\n${probs.length}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const names = classNames(models, r.modelId, task, probs.length);
      const list = tasks.get(task) ?? [];
      for (const n of names) if (!list.includes(n)) list.push(n);
      tasks.set(task, list);
    }
  }
  // EEG before ECG, as everywhere else; another modality after them.
  const order = ['eeg', 'ecg'];
  modalities.sort((a, b) => (order.includes(a) ? order.indexOf(a) : 9) - (order.includes(b) ? order.indexOf(b) : 9) || (a < b ? -1 : a > b ? 1 : 0));
  return { tasks, modalities, latency };
}

/** A model's class names for a task of `n` classes: its card's where it names that many, else '0', '1', …. */
function classNames(models: readonly PredictionModelTasks[], modelId: string, task: string, n: number): string[] {
  const named = models.find((m) => m.id === modelId)?.tasks.find((t) => t.name === task)?.classes;
  return Array.from({ length: n }, (_, i) => (named && named.length === n && named[i] ? named[i] : String(i)));
}

/**
 * The predictions file's text, piece by piece: the header line, then rows (one per window and
 * model, by window time, then model id). `rows` are those to write (the caller keeps a range's).
 */
export function* predictionsCsvPieces(rows: readonly Row[], o: PredictionsCsvOptions): Generator<string, void> {
  const models = o.models ?? [];
  const sorted = [...rows].sort((a, b) => a.windowTime - b.windowTime || (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0));
  const { tasks, modalities, latency } = columnsOf(sorted, models);
  const head = PREDICTIONS_HEAD_START.split(',');
  for (const [task, classes] of tasks) head.push(task, ...classes.map((c) => `${task}_p_${c}`));
  for (const m of modalities) head.push(`${m}_fed`, `${m}_absent`, `${m}_unusable`);
  if (latency) head.push('latency_ms');
  yield head.map(csvField).join(',') + '\n';
  const per = Math.max(1, o.rowsPerPiece ?? Infinity);
  let out: string[] = [];
  for (const r of sorted) {
    const line = [timeText(r.windowTime - o.zero), timeText(r.windowTime), timeText(o.lengthAt(r.windowTime)), csvField(r.modelId)];
    const probs = taskProbabilities(r.outputs);
    for (const [task, classes] of tasks) {
      const p = probs.get(task);
      if (!p) {
        line.push('', ...classes.map(() => ''));
        continue;
      }
      const names = classNames(models, r.modelId, task, p.length);
      let best = -1;
      for (let i = 0; i < p.length; i++) if (Number.isFinite(p[i]) && (best < 0 || p[i] > p[best])) best = i;
      line.push(best >= 0 ? csvField(names[best]) : '');
      for (const c of classes) {
        const i = names.indexOf(c);
        line.push(i >= 0 && Number.isFinite(p[i]) ? String(p[i]) : '');
      }
    }
    for (const m of modalities) {
      const fed = r.outputs[`fed:${m}`];
      if (fed === undefined) {
        line.push('', '', '');
        continue;
      }
      const prefix = `absent:${m}:`;
      // A row stored before the reason reached the core has none: 'unrecorded', as sessions show says.
      const reason = fed === 1 ? '' : (Object.keys(r.outputs).find((k) => k.startsWith(prefix) && r.outputs[k] === 1)?.slice(prefix.length) ?? 'unrecorded');
      const unusable = UNUSABLE_CAUSES.filter((f) => r.outputs[`unusable:${m}:${f}`] > 0).map((f) => `${f}=${r.outputs[`unusable:${m}:${f}`]}`);
      line.push(fed === 1 ? '1' : '0', reason, unusable.join(' '));
    }
    // (to the microsecond: a measured 111.843515999999 ms holds no more)
    if (latency) line.push(typeof r.outputs.latency_ms === 'number' ? String(Math.round(r.outputs.latency_ms * 1000) / 1000) : '');
    out.push(line.join(','));
    if (out.length >= per) {
      yield out.join('\n') + '\n';
      out = [];
    }
  }
  if (out.length) yield out.join('\n') + '\n';
}

/** What an export did with the session's predictions (ExportResult's fields). */
export interface PredictionsExported {
  /** Rows written (one per window and model); 0: no file. */
  predictions: number;
  /** The models they are of. */
  predictionModels: string[];
  /** Rows the session holds in all. */
  storedPredictions: number;
}

/**
 * The export message's words about the predictions, the same in `heartmind sessions export` and
 * the Sessions library: '120 predictions of model arith', 'no model predictions stored with the
 * session', 'no prediction of a window inside the range (the session holds 120)'.
 */
export function predictionsExportText(r: PredictionsExported): string {
  const count = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'prediction' : 'predictions'}`;
  if (r.predictions > 0) return `${count(r.predictions)} of ${r.predictionModels.length === 1 ? 'model' : 'models'} ${r.predictionModels.join(', ')}`;
  if (r.storedPredictions === 0) return 'no model predictions stored with the session';
  return `no prediction of a window inside the range (the session holds ${count(r.storedPredictions)})`;
}
