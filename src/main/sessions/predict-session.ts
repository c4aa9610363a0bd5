// A recorded session run through a model, completely, in the core (`heartmind sessions predict`): a
// replay at full speed outruns the page's model (EEGMAT Subject02_1, 3 min at max speed: over in
// 8 s, no prediction stored), and a researcher wants an answer for every window.
//
// The windows are those a replay from the start cuts (replayWindows: a ReplaySource through a hub of
// its own), so they are the app's replay windows byte for byte, and for a session recorded in the
// app its live windows: the pipeline the recorder snapshotted at Record restored (filters and clock
// models warm), each stream announced and ended where the recording did (a device joining or
// leaving), a stream's next layout announced where it came (a montage change), the settings changed
// where the recording changed them. Cut from the stored chunks through a fresh pipeline, they
// differed in every window of such a session, and lacked the first. The session is read a page at
// a time and the replay waits while the model is behind, so memory does not grow with its length.
// Each window is answered by the code the page's worker answers by (answerWindow: the same
// prepareWindow feeds, the same probabilities) and stored as live predictions are (predictionRow,
// addPredictions: `<task>:<class>`, fed/absent/unusable, latency).
//
// Rows the same model stored before for this session are replaced, so a rerun is idempotent: a
// window's row is overwritten as it is answered, and once every window is answered the model's rows
// at window times this run did not cut (other settings, a model since replaced) are removed. A run
// stopped part-way keeps what it stored and the older rows after that point.
import type { DbClient } from '../db/db-client';
import type { NewPrediction } from '../db/server';
import { DbError } from '../db/db-error';
import { checkContract } from '../../shared/model/card';
import { ModelError, ModelErrorCode } from '../../shared/model/model-error';
import type { ModelCard } from '../../shared/model/model.types';
import { answerWindow } from '../../shared/model/window-answer';
import type { ModelTensor } from '../../shared/model/window-input';
import { DEFAULT_PIPELINE_CONFIG, recordedConfigs, type PipelineConfig } from '../../shared/pipeline';
import type { PredictResult } from '../../shared/ipc/sessions.schema';
import type { SessionStream, SessionSummary } from '../../shared/session.types';
import type { StreamInfo } from '../../shared/stream.types';
import type { LogLevel } from '../../shared/log.types';
import { availableInputs, predictionRow } from '../model/models.core';
import { replayWindows } from '../replay/replay-windows';

/** Rows stored per write (a stop stores those still held first). */
const BATCH = 32;

export interface PredictProgress {
  /** Windows cut so far. */
  windows: number;
  /** Of them, answered and stored (or about to be: stored in batches of BATCH). */
  answered: number;
  /** Seconds into the session of the last window cut, and its length (s). */
  atS: number;
  durationS: number;
}

export interface PredictRequest {
  /** The model's runtime: one window's feeds in, each task's probabilities out (node-inference.ts). */
  run(feeds: Record<string, ModelTensor>): Promise<Record<string, ArrayLike<number>>>;
  /** After each window. */
  progress?(p: PredictProgress): void;
  /** Polled between windows: true stops the run (what was answered is stored first). */
  stopRequested?(): boolean;
  /** Rows just stored (in batches of BATCH): the app pushes them to an open Predictions detail. */
  stored?(rows: readonly NewPrediction[]): void;
  /** What the replay says on the way (a pipeline snapshot it could not restore, and how it went on). */
  log?(level: LogLevel, message: string): void;
}

export type { PredictResult };

/** Refuses, in words, a model whose contract does not fit the session's streams (the registry's check, as selecting a model live does). */
export function contractRefusal(card: ModelCard, modelId: string, sessionId: number, streams: StreamInfo[], windowSec: number): string | null {
  const check = checkContract(card.input, availableInputs(streams, windowSec));
  if (check.ok) return null;
  const what = check.awaitingDevices ? `session ${sessionId} holds no ${(['eeg', 'ecg'] as const).filter((m) => card.input[m]).map((m) => m.toUpperCase()).join(' or ')} stream` : check.problems.join('; ');
  return `model '${modelId}' does not fit session ${sessionId}: ${what}`;
}

/** A session being recorded is refused: its windows are still coming. */
export function refuseRecording(s: { id: number; state: string }): void {
  if (s.state === 'recording') throw new DbError('Invalid', `session ${s.id} is being recorded: run the model over it once the recording has stopped`);
}

/** A session checked and read for a run (planPredict): what the run cuts its windows by. */
export interface PredictPlan {
  sessionId: number;
  modelId: string;
  card: ModelCard;
  summary: SessionSummary;
  /** Its stored streams (what the model's contract is checked against). */
  streams: SessionStream[];
  /** The recorded settings in time order, each resolved. */
  settings: { time: number; config: PipelineConfig }[];
  /** The settings the recording started under (the first recorded, else the defaults): the window length and hop a run reports. */
  first: PipelineConfig;
}

/**
 * Reads a session for a run through a model and refuses it in words before anything is loaded (the
 * model is 38 MB, seconds to open): a session being recorded, a model whose contract it does not fit.
 */
export async function planPredict(db: DbClient, sessionId: number, modelId: string, card: ModelCard): Promise<PredictPlan> {
  const s = await readForPredict(db, sessionId);
  refuseRecording(s.summary);
  const refusal = contractRefusal(card, modelId, sessionId, s.streams.map((x) => x.info), s.first.window.lengthSec);
  if (refusal) throw new ModelError(ModelErrorCode.ContractMismatch, refusal);
  return { sessionId, modelId, card, ...s };
}

/** What a run reads of a session before its samples: its summary, streams and recorded settings. */
export async function readForPredict(db: DbClient, sessionId: number): Promise<Omit<PredictPlan, 'sessionId' | 'modelId' | 'card'>> {
  // getSession holds the summary: one read (the command and the run each read it before).
  const detail = await db.api.getSession(sessionId);
  const settings = recordedConfigs(detail.filterSettings);
  return { summary: detail, streams: detail.streams, settings, first: settings[0]?.config ?? DEFAULT_PIPELINE_CONFIG };
}

/**
 * Windows a session of `durationS` gives at `windowSec` every `hopSec` without gaps (a progress bar's
 * total): one every hop, and the last ending at the session's last sample (a replay's end cuts it).
 */
export function expectedWindows(durationS: number, windowSec: number, hopSec: number): number {
  return durationS < windowSec || hopSec <= 0 ? 0 : Math.ceil((durationS - windowSec) / hopSec - 1e-6) + 1;
}

export async function predictSession(db: DbClient, plan: PredictPlan, req: PredictRequest): Promise<PredictResult> {
  const { sessionId, modelId, card, summary, first } = plan;
  const reads = (['eeg', 'ecg'] as const).filter((m) => card.input[m]);
  const durationS = Math.max(0, summary.endTime - summary.startTime);
  const times: number[] = [];
  const skipped: Record<string, number> = {};
  let rows: ReturnType<typeof predictionRow>[] = [];
  let windows = 0;
  let stored = 0;
  const flush = async () => {
    if (!rows.length) return;
    const batch = rows;
    rows = [];
    stored += await db.api.addPredictions(sessionId, batch);
    req.stored?.(batch);
  };
  // A stop asked before the first window (while the model was loading): no window is cut.
  let stopped = req.stopRequested?.() ?? false;
  if (!stopped) {
    // Each window as the page's worker answers it, then as the core stores the worker's report.
    const run = await replayWindows(
      db,
      sessionId,
      async (w) => {
        windows++;
        try {
          const a = await answerWindow(w, card.input, card.config.tasks, req.run, () => performance.now());
          rows.push(predictionRow({ modelId, windowTime: w.startTime, seq: w.seq, probabilities: a.probabilities, fed: a.fed, absent: a.absent, unusable: a.unusable, backend: 'wasm', latencyMs: a.latencyMs, reads }));
          times.push(w.startTime);
        } catch (e) {
          if (!(e instanceof ModelError && e.code === ModelErrorCode.BadWindow)) throw e;
          skipped[e.message] = (skipped[e.message] ?? 0) + 1;
        }
        if (rows.length >= BATCH) await flush();
        req.progress?.({ windows, answered: stored + rows.length, atS: w.startTime - summary.startTime, durationS });
        // A turn of the event loop after each window: a Ctrl+C (delivered as a signal event) waited
        // for the last window (the run went on to the end of the session). The replay cutting the
        // windows yields every few ms of its own.
        await new Promise<void>((resolve) => setImmediate(resolve));
      },
      { stopRequested: () => req.stopRequested?.() ?? false, log: req.log },
    );
    stopped = run.stopped;
  }
  await flush();
  const removed = stopped ? 0 : await db.api.removePredictionsExcept(sessionId, modelId, times);
  return { sessionId, modelId, windows, stored, skipped, removed, stopped, windowSec: first.window.lengthSec, hopSec: first.window.hopSec };
}
