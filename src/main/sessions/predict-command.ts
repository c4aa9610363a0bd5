// `heartmind sessions predict ID [--model MODEL_ID]`: a recorded session run through a model in this
// process (predict-session.ts), its predictions stored with the session. Progress on stderr, a line
// per tenth of the session; Ctrl+C stops after the window being answered, keeping what was stored.
import { resolve } from 'node:path';
import type { DbClient } from '../db/db-client';
import { signalExitCode, stopBetweenSteps, type CliIo } from '../core/cli-command';
import { ModelRegistry } from '../model/registry';
import { activeModelId, defaultBuiltinModelsDir, readActiveChoice } from '../model/models.core';
import { openNodeModel } from '../model/node-inference';
import { clockDuration } from '../../shared/clock-duration';
import { plural } from '../../shared/plural';
import { predictionSummaryText, predictionTaskLines, summarizePredictions } from '../../shared/model/prediction-summary';
import { predictSession, refuseRecording, type PredictProgress } from './predict-session';

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
  const userDir = resolve(a.dataDir, 'models');
  const builtinDir = defaultBuiltinModelsDir();
  const registry = new ModelRegistry([...(builtinDir ? [{ dir: builtinDir, source: 'builtin' as const }] : []), { dir: userDir, source: 'user' as const }]);
  const models = await registry.scan();
  const modelId = a.modelId ?? activeModelId(models, await readActiveChoice(userDir));
  if (!modelId) {
    const usable = models.filter((m) => m.problems.length === 0).map((m) => m.id);
    throw new Error(`no model is chosen: give --model (${usable.length ? `installed: ${usable.join(', ')}` : 'none is installed: heartmind models install'})`);
  }
  const { card } = registry.usable(modelId);
  const summary = await db.api.getSummary(a.sessionId);
  // Refused before the model is loaded (38 MB, seconds): a session being recorded.
  refuseRecording(summary);
  const model = await openNodeModel(await registry.readOnnx(modelId), card.config.tasks);
  const stop = stopBetweenSteps(
    (sig) => io.err(`heartmind sessions: ${sig}: stopping after this window, keeping the predictions stored so far (${sig} again stops at once)`),
    (sig) => io.err(`heartmind sessions: ${sig} again: stopped at once (the predictions stored so far are kept)`),
  );
  const t0 = performance.now();
  try {
    io.err(`running ${modelId} over session ${a.sessionId} "${summary.name}" (${clockDuration(Math.max(0, summary.endTime - summary.startTime))}) on ORT WASM, ${plural(model.threads, 'thread')}`);
    const r = await predictSession(db, {
      sessionId: a.sessionId,
      modelId,
      card,
      run: model.run,
      progress: progressReporter(io.err, `session ${a.sessionId}`),
      stopRequested: () => stop.received !== null,
    });
    const elapsedS = (performance.now() - t0) / 1000;
    const skipped = Object.entries(r.skipped);
    const nSkipped = skipped.reduce((n, [, k]) => n + k, 0);
    if (a.json) io.out(JSON.stringify({ ...r, elapsedS: Number(elapsedS.toFixed(1)), stoppedBy: stop.received }, null, 2));
    else {
      const [summaryOf] = summarizePredictions(await db.api.listPredictions(a.sessionId, modelId));
      io.out(
        [
          `${r.stopped ? `stopped (${stop.received}): ` : ''}session ${a.sessionId}: ${plural(r.windows, 'window')} of ${r.windowSec} s every ${r.hopSec} s, ${plural(r.stored, 'prediction')} by ${modelId} stored in ${elapsedS.toFixed(1)} s${r.removed ? `; ${plural(r.removed, 'older prediction')} at other window times removed` : ''}`,
          ...(nSkipped ? [`  ${plural(nSkipped, 'window')} not answered:`, ...skipped.map(([why, n]) => `    ${n}× ${why}`)] : []),
          ...(summaryOf ? [`  predictions by ${predictionSummaryText(summaryOf)}`, ...predictionTaskLines(summaryOf, card.config.tasks).map((l) => `    ${l}`)] : []),
        ].join('\n'),
      );
    }
    return stop.received ? signalExitCode(stop.received) : 0;
  } finally {
    stop.dispose();
    await model.release();
  }
}
