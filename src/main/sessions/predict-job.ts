// A recorded session run through a model from the app (the Sessions library's Run model): the same
// run as `heartmind sessions predict` (planPredict, openNodeModel, predictSession: one code path), as
// a job of the core with a status pushed as it goes ('sessions:predict', at most 4 a second), a Stop
// that keeps what was stored (as Ctrl+C does), one job at a time. The model answers in its own thread
// (node-inference.ts) and the run gives the event loop a turn after each window, so the live
// pipeline and a recording go on beside it.
import { resolve } from 'node:path';
import type { DbClient } from '../db/db-client';
import { DbError, READONLY_STILL_WORKS } from '../db/db-error';
import { ModelRegistry } from '../model/registry';
import { activeModelId, defaultBuiltinModelsDir, readActiveChoice } from '../model/models.core';
import { openNodeModel } from '../model/node-inference';
import type { ModelCard } from '../../shared/model/model.types';
import type { PredictJobStatus, PredictModelChoice, PredictResult } from '../../shared/ipc/sessions.schema';
import type { NewPrediction } from '../db/server';
import { contractRefusal, expectedWindows, planPredict, predictSession, readForPredict, type PredictPlan, type PredictProgress } from './predict-session';

/** The registry a run picks its model from: the shipped models and the user's (<dataDir>/models). */
export function predictRegistry(dataDir: string): { registry: ModelRegistry; userDir: string } {
  const userDir = resolve(dataDir, 'models');
  const builtinDir = defaultBuiltinModelsDir();
  return { registry: new ModelRegistry([...(builtinDir ? [{ dir: builtinDir, source: 'builtin' as const }] : []), { dir: userDir, source: 'user' as const }]), userDir };
}

/** The model a run uses: the one asked for, else the one chosen in Models (else the shipped one); its card. */
export async function predictModel(registry: ModelRegistry, userDir: string, asked?: string): Promise<{ modelId: string; card: ModelCard }> {
  const models = await registry.scan();
  const modelId = asked ?? activeModelId(models, await readActiveChoice(userDir));
  if (!modelId) {
    const usable = models.filter((m) => m.problems.length === 0).map((m) => m.id);
    throw new Error(`no model is chosen: give --model (${usable.length ? `installed: ${usable.join(', ')}` : 'none is installed: heartmind models install'})`);
  }
  return { modelId, card: registry.usable(modelId).card };
}

/** Pushes of a run's progress at most this often (a window is answered every 50–300 ms). */
export const PREDICT_PUSH_MS = 250;

const IDLE: PredictJobStatus = { state: 'idle', sessionId: null, modelId: null, windows: 0, answered: 0, expectedWindows: 0, atS: 0, durationS: 0, elapsedS: 0, etaS: null, error: null, result: null };

export interface PredictJobOptions {
  db: DbClient;
  dataDir: string;
  push(status: PredictJobStatus): void;
  /** Rows just stored in the session (an open Predictions detail adds them). */
  stored?(sessionId: number, rows: readonly NewPrediction[]): void;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  /** ORT's WASM threads (default: node-inference's). */
  threads?: number;
  now?(): number;
}

export class PredictJob {
  private current: PredictJobStatus = { ...IDLE };
  private stopAsked = false;
  private t0 = 0;
  /** When the model was open and the first window began. */
  private runT0 = 0;
  private lastPush = -Infinity;
  /** Settles when the run under way has ended (tests, shutdown). */
  done: Promise<void> = Promise.resolve();

  /** One registry for the job's life: a model file unchanged since the last scan is not read and hashed again (38 MB shipped). */
  private readonly installed: { registry: ModelRegistry; userDir: string };

  constructor(private readonly opts: PredictJobOptions) {
    this.installed = predictRegistry(opts.dataDir);
  }

  private now(): number {
    return this.opts.now?.() ?? performance.now();
  }

  status(): PredictJobStatus {
    const s = this.current;
    return { ...s, elapsedS: this.running() ? (this.now() - this.t0) / 1000 : s.elapsedS, result: s.result && { ...s.result, skipped: { ...s.result.skipped } } };
  }

  /** Whether a run is loading, running or stopping (its session is busy: not deleted under it). */
  running(): boolean {
    return ['loading', 'running', 'stopping'].includes(this.current.state);
  }

  private set(change: Partial<PredictJobStatus>, force = true): void {
    this.current = { ...this.current, ...change };
    const t = this.now();
    if (!force && t - this.lastPush < PREDICT_PUSH_MS) return;
    this.lastPush = t;
    this.opts.push(this.status());
  }

  /** The installed models for a run over this session, each with why it is refused (null: it fits). */
  async models(sessionId: number): Promise<PredictModelChoice[]> {
    const { registry, userDir } = this.installed;
    const installed = await registry.scan();
    const active = activeModelId(installed, await readActiveChoice(userDir));
    const s = await readForPredict(this.opts.db, sessionId);
    return installed.map((m) => ({
      id: m.id,
      name: m.card?.name ?? m.id,
      source: m.source,
      active: m.id === active,
      refusal: !m.card || m.problems.length ? `model '${m.id}' cannot be used: ${m.problems.join('; ')}` : contractRefusal(m.card, m.id, sessionId, s.streams.map((x) => x.info), s.first.window.lengthSec),
    }));
  }

  /**
   * Starts a run: refused (thrown) in a read-only library, while one is under way, for a session
   * being recorded, a model not installed or not fitting the session; otherwise answers at once with the 'loading' status and
   * the run goes on in the background.
   */
  async start(sessionId: number, modelId: string): Promise<PredictJobStatus> {
    // Refused before the model loads: the run stores its answers (a read-only copy of a library on a share).
    if (this.opts.db.info.readonly) throw new DbError('Readonly', `the recordings database ${this.opts.db.info.path} is read-only, so a model's predictions cannot be stored in it. ${READONLY_STILL_WORKS}`);
    if (this.running()) {
      const c = this.current;
      throw new DbError('Invalid', `a model is already running over a session (${c.modelId} over session ${c.sessionId}, ${c.answered} windows answered): stop it, or wait for it to finish, before starting another`);
    }
    // Claimed before the first await: a second start arriving meanwhile is refused, not run twice.
    const before = this.current;
    this.current = { ...IDLE, state: 'loading', sessionId, modelId };
    let plan: PredictPlan;
    try {
      const { registry, userDir } = this.installed;
      const { card } = await predictModel(registry, userDir, modelId);
      plan = await planPredict(this.opts.db, sessionId, modelId, card);
      this.stopAsked = false;
      this.t0 = this.now();
      const durationS = Math.max(0, plan.summary.endTime - plan.summary.startTime);
      this.set({ durationS, expectedWindows: expectedWindows(durationS, plan.first.window.lengthSec, plan.first.window.hopSec) });
      this.done = this.run(plan, registry);
    } catch (e) {
      // Refused: nothing ran, and the last run's outcome stands.
      this.current = before;
      throw e;
    }
    return this.status();
  }

  /** Stops the run after the window being answered; what was stored is kept. */
  stop(): PredictJobStatus {
    if (!this.running()) return this.status();
    this.stopAsked = true;
    this.set({ state: 'stopping' });
    return this.status();
  }

  private async run(plan: PredictPlan, registry: ModelRegistry): Promise<void> {
    const { sessionId, modelId, card } = plan;
    const what = `${modelId} over session ${sessionId}`;
    let model: Awaited<ReturnType<typeof openNodeModel>> | null = null;
    try {
      model = await openNodeModel(await registry.readOnnx(modelId), card.config.tasks, this.opts.threads);
      this.opts.log?.('info', `running ${what} "${plan.summary.name}" on ORT WASM, ${model.threads} thread${model.threads === 1 ? '' : 's'}`);
      this.runT0 = this.now();
      if (!this.stopAsked) this.set({ state: 'running' });
      const r: PredictResult = await predictSession(this.opts.db, plan, {
        run: model.run,
        progress: (p) => this.progress(p),
        stopRequested: () => this.stopAsked,
        stored: (rows) => this.opts.stored?.(sessionId, rows),
        log: (level, message) => void (level !== 'debug' && this.opts.log?.(level, message)),
      });
      const elapsedS = (this.now() - this.t0) / 1000;
      this.set({ state: r.stopped ? 'stopped' : 'done', windows: r.windows, answered: r.stored, elapsedS, etaS: null, result: r });
      this.opts.log?.('info', `${what}: ${r.stored} of ${r.windows} windows answered and stored in ${elapsedS.toFixed(1)} s${r.stopped ? ' (stopped)' : ''}`);
    } catch (e) {
      const message = (e as Error)?.message ?? String(e);
      this.set({ state: 'failed', elapsedS: (this.now() - this.t0) / 1000, etaS: null, error: message });
      this.opts.log?.('error', `${what} failed: ${message} (the predictions stored before are kept)`);
    } finally {
      await model?.release();
    }
  }

  private progress(p: PredictProgress): void {
    const t = this.now();
    const expected = Math.max(this.current.expectedWindows, p.windows);
    // At the pace of the windows so far since the model was loaded (a session's windows cost the same).
    const etaS = ((t - this.runT0) / 1000 / p.windows) * (expected - p.windows);
    this.set({ windows: p.windows, answered: p.answered, atS: p.atS, elapsedS: (t - this.t0) / 1000, etaS, expectedWindows: expected }, false);
  }
}
