// `heartmind sessions predict ID [--model MODEL_ID]`: a recorded session run through a model in this
// process (predict-session.ts; the Sessions library's Run model runs the same code, predict-job.ts),
// its predictions stored with the session. Progress on stderr, a line per tenth of the session;
// Ctrl+C stops after the window being answered, keeping what was stored.
import type { DbClient } from '../db/db-client';
import { signalExitCode, stopBetweenSteps, type CliIo } from '../core/cli-command';
import { openNodeModel } from '../model/node-inference';
import { clockDuration } from '../../shared/clock-duration';
import { plural } from '../../shared/plural';
import { predictionReportLines, summarizePredictions } from '../../shared/model/prediction-summary';
import { planPredict, predictSession, type PredictProgress } from './predict-session';
import { predictModel, predictRegistry } from './predict-job';

export interface PredictArgs {
  sessionId: number;
  /** Default: the model chosen in Models (active-model.json), else the shipped one. */
  modelId?: string;
  dataDir: string;
  json: boolean;
}

/** Progress lines: one per tenth of the session, so a log (stderr not a terminal) gets ten, not one per window. */
export function progressReporter(say: (line: string) => void, label: string): (p: PredictProgress) => void {
  let shown = 0;
  return (p) => {
    const tenth = p.durationS > 0 ? Math.floor((10 * Math.min(p.atS, p.durationS)) / p.durationS) : 0;
    if (tenth <= shown) return;
    shown = tenth;
    say(`${label}: ${clockDuration(Math.max(0, p.atS))} of ${clockDuration(p.durationS)}, ${plural(p.windows, 'window')}, ${p.answered} answered`);
  };
}

export async function runPredict(db: DbClient, a: PredictArgs, io: CliIo): Promise<number> {
  const { registry, userDir } = predictRegistry(a.dataDir);
  const { modelId, card } = await predictModel(registry, userDir, a.modelId);
  // Refused before the model is loaded (38 MB, seconds): a session being recorded, a model it does not fit.
  const plan = await planPredict(db, a.sessionId, modelId, card);
  const { summary } = plan;
  const model = await openNodeModel(await registry.readOnnx(modelId), card.config.tasks);
  const stop = stopBetweenSteps(
    (sig) => io.err(`heartmind sessions: ${sig}: stopping after this window, keeping the predictions stored so far (${sig} again stops at once)`),
    (sig) => io.err(`heartmind sessions: ${sig} again: stopped at once (the predictions stored so far are kept)`),
  );
  const t0 = performance.now();
  try {
    io.err(`running ${modelId} over session ${a.sessionId} "${summary.name}" (${clockDuration(Math.max(0, summary.endTime - summary.startTime))}) on ORT WASM, ${plural(model.threads, 'thread')}`);
    const r = await predictSession(db, plan, {
      run: model.run,
      progress: progressReporter(io.err, `session ${a.sessionId}`),
      stopRequested: () => stop.received !== null,
      // A pipeline snapshot the replay could not restore (and how it went on) is said.
      log: (level, message) => void ((level === 'warn' || level === 'error') && io.err(message)),
    });
    const elapsedS = (performance.now() - t0) / 1000;
    const skipped = Object.entries(r.skipped);
    const nSkipped = skipped.reduce((n, [, k]) => n + k, 0);
    if (a.json) io.out(JSON.stringify({ ...r, elapsedS: Number(elapsedS.toFixed(1)), stoppedBy: stop.received }, null, 2));
    else {
      // With the session's markers, also per marker segment (the windows of the settings this run cut).
      const { markers } = await db.api.getTimeline(a.sessionId);
      const settings = plan.settings.map((e) => ({ time: e.time, settings: { window: e.config.window } }));
      const [summaryOf] = summarizePredictions(await db.api.listPredictions(a.sessionId, modelId), { markers, startTime: summary.startTime, endTime: summary.endTime, settings });
      io.out(
        [
          `${r.stopped ? `stopped (${stop.received}): ` : ''}session ${a.sessionId}: ${plural(r.windows, 'window')} of ${r.windowSec} s every ${r.hopSec} s, ${plural(r.stored, 'prediction')} by ${modelId} stored in ${elapsedS.toFixed(1)} s${r.removed ? `; ${plural(r.removed, 'older prediction')} at other window times removed` : ''}`,
          ...(nSkipped ? [`  ${plural(nSkipped, 'window')} not answered:`, ...skipped.map(([why, n]) => `    ${n}× ${why}`)] : []),
          ...(summaryOf ? predictionReportLines(summaryOf, card.config.tasks).map((l) => `  ${l}`) : []),
        ].join('\n'),
      );
    }
    return stop.received ? signalExitCode(stop.received) : 0;
  } finally {
    stop.dispose();
    await model.release();
  }
}
