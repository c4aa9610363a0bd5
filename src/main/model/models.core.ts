// The models area of the core: the registry (shipped models/ + the user's models folder), the
// active model and its readiness against the connected devices, the ONNX bytes for the renderer's
// inference worker, and the predictions the worker sends back (stored with the recording session).
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelListResult, ModelReadiness, ModelSummary, PredictionReport } from '../../shared/ipc/models.schema';
import { cardProblems, checkContract, MODEL_ID_RE, renderModelCard, type AvailableInputs } from '../../shared/model/card';
import type { ModelCard, TaskSpec } from '../../shared/model/model.types';
import { ABSENT_REASON_TEXT, UNUSABLE_CAUSES } from '../../shared/model/window-input';
import { ModelError, ModelErrorCode } from '../../shared/model/model-error';
import { plural } from '../../shared/plural';
import type { StreamInfo } from '../../shared/stream.types';
import type { CoreContext, CoreModule } from '../core/core.types';
import { check } from '../core/handler-registry';
import { typedPath } from '../sessions/typed-path';
import { installedText, installModel } from './install-model';
import { ModelRegistry, type InstalledModel } from './registry';

/** Stores predictions with the session being recorded; returns how many were stored (0 when idle). */
export type PredictionSink = (reports: PredictionReport[]) => Promise<number>;

const sinks = new Set<PredictionSink>();

/**
 * A report as the sessions database stores a prediction (Prediction.outputs is a flat map of
 * numbers): `<task>:<class>` → probability, plus which modalities fed it (1/0), why one did not
 * (`absent:<m>:<reason>` = 1, the reason in the key so the map stays numbers), for 'bad-quality' what
 * made its channels unusable (`unusable:<m>:<flag>` = channels) and the latency.
 */
export function predictionRow(r: PredictionReport): { modelId: string; windowTime: number; outputs: Record<string, number> } {
  const outputs: Record<string, number> = {};
  for (const [task, probs] of Object.entries(r.probabilities)) probs.forEach((p, i) => (outputs[`${task}:${i}`] = p));
  // Per modality the model reads (both when not known): 1 = fed this answer, 0 = absent from it.
  for (const m of r.reads ?? (['eeg', 'ecg'] as const)) {
    const fed = r.fed.includes(m);
    outputs[`fed:${m}`] = fed ? 1 : 0;
    // Only a reason the pipeline gives (the page's word is not a free-form key in the database).
    const why = r.absent?.[m];
    if (!fed && why && Object.hasOwn(ABSENT_REASON_TEXT, why)) outputs[`absent:${m}:${why}`] = 1;
    // Only the flags that make a channel unusable, as whole channel counts (the same rule: no free-form keys).
    const counts = !fed && why === 'bad-quality' ? r.unusable?.[m] : undefined;
    for (const flag of UNUSABLE_CAUSES) {
      const n = counts?.[flag];
      if (typeof n === 'number' && Number.isInteger(n) && n > 0) outputs[`unusable:${m}:${flag}`] = n;
    }
  }
  outputs.latency_ms = r.latencyMs;
  return { modelId: r.modelId, windowTime: r.windowTime, outputs };
}

/**
 * The tasks of the models `ids`, from their card.json alone (the shipped models folder, then the
 * user's `<dataDir>/models`; no ONNX file read): the class names a session's stored predictions are
 * summarised by (`heartmind sessions show`). A model not installed, or whose card cannot be read,
 * is left out (its classes are then said by index).
 */
export async function installedModelTasks(ids: readonly string[], dataDir: string): Promise<{ id: string; tasks: TaskSpec[] }[]> {
  const roots = [defaultBuiltinModelsDir(), join(dataDir, 'models')].filter((d): d is string => d !== null);
  const out: { id: string; tasks: TaskSpec[] }[] = [];
  for (const id of ids.filter((x) => MODEL_ID_RE.test(x))) {
    for (const root of roots) {
      try {
        const card: unknown = JSON.parse(await readFile(join(root, id, 'card.json'), 'utf8'));
        if (cardProblems(card).length) continue;
        out.push({ id, tasks: (card as ModelCard).config.tasks });
        break;
      } catch {
        // not installed there, or not JSON: the next root
      }
    }
  }
  return out;
}

/**
 * Lets another area (the recorder) receive every prediction without the composition root wiring
 * them together: `registerPredictionSink(async (r) => recorder.addPredictions(r))`. Returns the
 * function that removes it.
 */
export function registerPredictionSink(sink: PredictionSink): () => void {
  sinks.add(sink);
  return () => sinks.delete(sink);
}

export interface ModelsAreaOptions {
  /** Shipped models (read-only). Default: defaultBuiltinModelsDir(). */
  builtinDir?: string | null;
  /** The user's models folder. Default: <dataDir>/models. */
  userDir?: string;
  predictionSink?: PredictionSink;
}

const SETTINGS_FILE = 'active-model.json';
/** The readiness while usable models are installed but none runs: what to do about it, not only what is. */
export const NO_MODEL_SELECTED = 'no model is selected: a model runs once chosen with Use in Models';
const MAX_REPORTS_PER_CALL = 1000;

/** models/ next to the app: HEARTMIND_MODELS_DIR, else the first models/README.md found above this file. */
export function defaultBuiltinModelsDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.HEARTMIND_MODELS_DIR) return resolve(env.HEARTMIND_MODELS_DIR);
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resources && existsSync(join(resources, 'models'))) return join(resources, 'models');
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'models', 'README.md'))) return join(dir, 'models');
    dir = dirname(dir);
  }
  return null;
}

/** The user's choice of model as the last Use or Stop left it (active-model.json in the user's models folder). */
export interface ActiveChoice {
  activeId: string | null;
  /** Stop chose none: the shipped default does not take over. */
  chosenNone: boolean;
}

/** Reads the saved choice; no file (or an unreadable one) is no choice made. */
export async function readActiveChoice(userDir: string): Promise<ActiveChoice> {
  try {
    const j = JSON.parse(await readFile(join(userDir, SETTINGS_FILE), 'utf8')) as { activeId?: unknown };
    return { activeId: typeof j.activeId === 'string' ? j.activeId : null, chosenNone: j.activeId === null };
  } catch {
    return { activeId: null, chosenNone: false };
  }
}

/**
 * The model that runs, given what is installed and the choice (ModelsArea.pickDefault's rule, also
 * what `heartmind models list` marks): the chosen one while it is installed (usable or not), else the
 * usable shipped model unless the user chose none.
 */
export function activeModelId(models: readonly InstalledModel[], choice: ActiveChoice): string | null {
  if (choice.activeId && models.some((m) => m.id === choice.activeId)) return choice.activeId;
  if (choice.chosenNone) return null;
  return models.find((m) => m.source === 'builtin' && m.problems.length === 0)?.id ?? null;
}

/** What the streams offer and the window length the hub's pipeline cuts (when it says). */
export function availableInputs(streams: StreamInfo[], windowSec?: number): AvailableInputs {
  const out: AvailableInputs = windowSec === undefined ? {} : { windowSec };
  for (const s of streams) {
    if (s.modality !== 'eeg' && s.modality !== 'ecg') continue;
    (out[s.modality] ??= []).push(...s.channels.map((c) => c.label));
  }
  return out;
}

/** Whether a usable model fits what is connected (checkContract: the check select refuses by); null when it cannot be used. */
export function fitOf(m: InstalledModel, available: AvailableInputs): ModelSummary['fit'] {
  return m.card && m.problems.length === 0 ? checkContract(m.card.input, available) : null;
}

export function summarize(m: InstalledModel, available: AvailableInputs): ModelSummary {
  const c = m.card;
  return {
    id: m.id,
    name: c?.name ?? m.id,
    version: c?.version ?? '',
    source: m.source,
    description: c?.description ?? '',
    tasks: c?.config.tasks ?? [],
    input: c?.input ?? null,
    sizeBytes: m.sizeBytes,
    revision: m.revision,
    trainedOn: c ? c.training.data.join('; ') : '',
    problems: m.problems,
    fit: fitOf(m, available),
  };
}

export class ModelsArea {
  readonly registry: ModelRegistry;
  private activeId: string | null = null;
  private userChoseNone = false;
  /**
   * One per root: the user's models folder, and the shipped one too (in a checkout, `npm run
   * train:default` or `export-model --to models` writes the shipped model again while serve runs:
   * unwatched, the core kept the old card and revision while a page that loaded it afterwards got
   * the new file).
   */
  private readonly rootWatchers: FSWatcher[] = [];
  /**
   * One watcher per model folder: a watch on the root alone (not recursive) sees a folder appear,
   * not the files copied into it afterwards (`mkdir my-model`, then `cp model.onnx card.json
   * my-model/`, or a file manager that creates the folder first), nor a card edited in place.
   */
  private readonly folderWatchers = new Map<string, FSWatcher>();
  private stopped = false;
  private rescanTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly ctx: CoreContext,
    private readonly opts: { builtinDir: string | null; userDir: string; predictionSink?: PredictionSink },
  ) {
    this.registry = new ModelRegistry([
      ...(opts.builtinDir ? [{ dir: opts.builtinDir, source: 'builtin' as const }] : []),
      { dir: opts.userDir, source: 'user' as const },
    ]);
  }

  async start(): Promise<void> {
    await mkdir(this.opts.userDir, { recursive: true }).catch(() => undefined);
    await this.registry.scan();
    const saved = await readActiveChoice(this.opts.userDir);
    this.activeId = saved.activeId;
    this.userChoseNone = saved.chosenNone;
    this.pickDefault();
    const usable = this.registry.list().filter((m) => m.problems.length === 0);
    const invalid = this.registry.list().filter((m) => m.problems.length);
    for (const m of invalid) this.ctx.log('warn', 'models', `model '${m.id}' (${m.dir}) cannot be used: ${m.problems.join('; ')}`);
    this.logChanges(true);
    this.ctx.log('info', 'models', usable.length ? `${plural(usable.length, 'usable model')} installed; active: ${this.activeId ?? 'none (a model runs once chosen in Models)'}` : 'no trained model is installed');
    // A folder dropped into the user models dir appears without a restart.
    for (const root of this.registry.roots) {
      try {
        // The choice saved by Use or Stop (active-model.json, in the user's folder) changes no model.
        const w = watch(root.dir, (_event, name) => name !== SETTINGS_FILE && this.scheduleRescan());
        w.on('error', () => undefined);
        this.rootWatchers.push(w);
      } catch {
        // a shipped folder that is not there holds no models; the user's was made above
      }
    }
    this.watchFolders();
    // Whether each model fits changes with the devices and with the signal settings (window length).
    const unsubscribe = this.ctx.hub.subscribe({ streams: () => this.publish(), config: () => this.publish() });
    this.ctx.onStop(() => {
      this.stopped = true;
      unsubscribe();
      for (const w of this.rootWatchers) w.close();
      for (const w of this.folderWatchers.values()) w.close();
      this.folderWatchers.clear();
      if (this.rescanTimer) clearTimeout(this.rescanTimer);
    });
  }

  /**
   * A model runs live only once the user chose it (Use in Models, hm:models:select), with one
   * exception: the model shipped with the app is the default while no choice was made. A model the
   * user adds (exported from a training run, installed from files, dropped into the folder) never
   * starts by itself: an untrained or failed model's estimates would appear on the dashboard, and be
   * stored with the sessions recorded, without anyone having chosen it.
   * The chosen model stays chosen while it is installed but cannot be used: its files being copied
   * over by hand (a rescan sees the ONNX half written) or a card edited into a mistake. It is refused
   * with the reason until it is whole again, rather than replaced by another model whose estimates
   * then went on under the user's nose. Only a chosen model removed altogether gives way, to the
   * shipped default (or none).
   */
  private pickDefault(): void {
    this.activeId = activeModelId(this.registry.list(), { activeId: this.activeId, chosenNone: this.userChoseNone });
  }

  /**
   * Watches each model folder the last scan found. Re-made on every scan: a folder replaced by
   * a rename (an install writes a temp folder and renames it into place) is a new inode, which an
   * old watcher would never report on.
   */
  private watchFolders(): void {
    for (const w of this.folderWatchers.values()) w.close();
    this.folderWatchers.clear();
    if (!this.rootWatchers.length || this.stopped) return;
    for (const m of this.registry.list()) {
      try {
        const w = watch(m.dir, () => this.scheduleRescan());
        w.on('error', () => undefined);
        this.folderWatchers.set(m.dir, w);
      } catch {
        // the folder went away between the scan and here: the root's watcher rescans
      }
    }
  }

  /** Reads every root again half a second after the last call (a copy under way sets watchers off many times). */
  scheduleRescan(): void {
    if (this.rescanTimer) clearTimeout(this.rescanTimer);
    this.rescanTimer = setTimeout(() => {
      this.rescanTimer = null;
      void this.registry.scan().then(
        () => {
          if (this.stopped) return;
          this.logChanges();
          this.watchFolders();
          this.pickDefault();
          this.publish();
        },
        (e) => this.ctx.log('warn', 'models', `rescanning models failed: ${(e as Error).message}`),
      );
    }, 500);
  }

  private async saveActive(): Promise<void> {
    await writeFile(join(this.opts.userDir, SETTINGS_FILE), JSON.stringify({ activeId: this.activeId }) + '\n').catch((e) =>
      this.ctx.log('warn', 'models', `could not save the active model: ${(e as Error).message}`),
    );
  }

  /** What the model would be fed now: the streams, and the windows the signal settings cut. */
  private available(): AvailableInputs {
    return availableInputs(this.ctx.hub.streams(), this.ctx.hub.pipelineConfig?.().window.lengthSec);
  }

  readiness(): ModelReadiness {
    if (!this.activeId) {
      // "No trained model is installed" was said after the user chose none among usable models too.
      const none = this.registry.list().some((m) => m.problems.length === 0) ? NO_MODEL_SELECTED : 'no trained model is installed';
      return { activeId: null, ok: false, refusal: '', problems: [none], notes: [], fed: [] };
    }
    let m: InstalledModel;
    try {
      m = this.registry.get(this.activeId);
    } catch {
      return { activeId: null, ok: false, refusal: 'is no longer installed', problems: [`model '${this.activeId}' is no longer installed`], notes: [], fed: [] };
    }
    if (!m.card || m.problems.length) return { activeId: m.id, ok: false, refusal: 'cannot be used', problems: m.problems, notes: [], fed: [] };
    const c = checkContract(m.card.input, this.available());
    return { activeId: m.id, ...c };
  }

  list(): ModelListResult {
    const available = this.available();
    return { models: this.registry.list().map((m) => summarize(m, available)), readiness: this.readiness(), userDir: this.registry.userRoot };
  }

  /**
   * Each model folder as last logged: its revision and problems. A rescan logs what changed since,
   * as the start logs what it found: a folder dropped in, installed by `heartmind models install`
   * or copied over while serve runs changed the pages' list and said nothing in the terminal or the
   * log, so a model that came in broken (or went) was seen only by opening Models.
   */
  private logged = new Map<string, { id: string; revision: string; problems: string }>();

  /** Logs the models that appeared, changed, broke, were mended or went since the last call; `quiet`: only takes note. */
  private logChanges(quiet = false, except?: string): void {
    const now = new Map(this.registry.list().map((m) => [m.dir, { id: m.id, revision: m.revision, problems: m.problems.join('; '), version: m.card?.version ?? '' }]));
    for (const [dir, m] of quiet ? [] : now) {
      const was = this.logged.get(dir);
      if (dir === except || (was && was.revision === m.revision && was.problems === m.problems)) continue;
      if (m.problems) this.ctx.log('warn', 'models', `model '${m.id}' (${dir}) cannot be used: ${m.problems}`);
      else if (!was) this.ctx.log('info', 'models', `model '${m.id}' ${m.version} appeared in ${dir}: usable${m.id === this.activeId ? '' : '; it runs live once chosen with Use in Models'}`);
      else this.ctx.log('info', 'models', `model '${m.id}' (${dir}) ${was.problems ? 'can be used now' : `changed on disk${m.id === this.activeId ? ': it runs live, and the pages load it again' : ''}`}`);
    }
    for (const [dir, was] of quiet ? [] : this.logged) if (!now.has(dir) && dir !== except) this.ctx.log('info', 'models', `model '${was.id}' is no longer installed (${dir} is gone)`);
    this.logged = now;
  }

  /** After the registry changed: keep a sensible active model and tell the pages. `logged`: the model folder the caller has logged itself. */
  refreshed(logged?: string): void {
    this.logChanges(false, logged);
    this.watchFolders();
    this.pickDefault();
    this.publish();
  }

  publish(): void {
    const l = this.list();
    this.ctx.push({ type: 'models:changed', models: l.models, readiness: l.readiness });
  }

  async select(id: string | null): Promise<ModelReadiness> {
    if (id === null) {
      this.activeId = null;
      this.userChoseNone = true;
    } else {
      const m = this.registry.usable(id);
      const c = checkContract(m.card.input, this.available());
      // With nothing connected that it reads, a model may be chosen ahead (it waits, refused in the
      // readiness, and runs once its devices fit): a model the user adds is no longer made active
      // by itself, so one chosen before the headset is on, or before a replay starts, must be possible.
      if (!c.ok && !c.awaitingDevices) {
        throw new ModelError(ModelErrorCode.ContractMismatch, `model '${id}' ${c.refusal}: ${c.problems.join('; ')}`, c.problems);
      }
      this.activeId = id;
      this.userChoseNone = false;
    }
    await this.saveActive();
    this.publish();
    return this.readiness();
  }

  private readonly seen = new Map<string, number>();

  private revisionOf(id: string): string {
    try {
      return this.registry.get(id).revision;
    } catch {
      return '';
    }
  }

  async predictions(reports: PredictionReport[]): Promise<{ stored: number }> {
    // Two pages (Electron window + a browser on serve mode) both run the model: keep one answer
    // per model and window. Per revision of the model: a model replaced under its id answers a
    // replayed window anew, and the database keeps that answer in place of the old one.
    const fresh = reports.filter((r) => {
      const key = `${r.modelId}@${this.revisionOf(r.modelId)}@${r.windowTime}`;
      if (this.seen.has(key)) return false;
      this.seen.set(key, r.windowTime);
      return true;
    });
    if (this.seen.size > 4096) for (const k of [...this.seen.keys()].slice(0, this.seen.size - 2048)) this.seen.delete(k);
    for (const r of fresh) {
      const input = this.registry.list().find((m) => m.id === r.modelId)?.card?.input;
      // The core's word, not the page's: a report's own `reads` is replaced.
      r.reads = input ? (['eeg', 'ecg'] as const).filter((m) => input[m]) : undefined;
    }
    for (const report of fresh) this.ctx.push({ type: 'models:prediction', report });
    if (fresh.length === 0) return { stored: 0 };
    let stored = 0;
    const all = [...(this.opts.predictionSink ? [this.opts.predictionSink] : []), ...sinks];
    for (const sink of all) {
      try {
        stored = Math.max(stored, await sink(fresh));
      } catch (e) {
        this.ctx.log('warn', 'models', `storing predictions failed: ${(e as Error).message}`);
      }
    }
    return { stored };
  }
}

/** Registers the models channels. Returns the area (tests and the composition root use it). */
export async function startModelsArea(ctx: CoreContext, options: ModelsAreaOptions = {}): Promise<ModelsArea> {
  const area = new ModelsArea(ctx, {
    builtinDir: options.builtinDir === undefined ? defaultBuiltinModelsDir() : options.builtinDir,
    userDir: options.userDir ?? join(ctx.dataDir, 'models'),
    predictionSink: options.predictionSink,
  });
  await area.start();
  const idCheck = (req: unknown) => check.object(req) ?? (typeof (req as { id?: unknown }).id === 'string' ? null : 'id must be a string');
  ctx.handle('hm:models:list', () => area.list());
  ctx.handle(
    'hm:models:card',
    (req) => {
      const m = area.registry.get(req.id);
      if (!m.card) throw new ModelError(ModelErrorCode.BadCard, `model '${req.id}' has no readable card: ${m.problems.join('; ')}`, m.problems);
      return { card: m.card, text: renderModelCard(m.card) };
    },
    { validate: idCheck },
  );
  ctx.handle('hm:models:select', (req) => area.select(req.id), {
    validate: (req) => {
      const id = (req as { id?: unknown } | null)?.id;
      return check.object(req) ?? (id === null || typeof id === 'string' ? null : 'id must be a string or null');
    },
  });
  ctx.handle(
    'hm:models:onnx',
    async (req) => {
      const m = area.registry.usable(req.id);
      try {
        return { id: m.id, bytes: await area.registry.readOnnx(m.id), card: m.card };
      } catch (e) {
        // The file changed or went since the last scan, which a watcher should have seen (and may
        // not have, where watching fails): check again; the pages are told what is there now.
        area.scheduleRescan();
        throw e;
      }
    },
    { validate: idCheck },
  );
  ctx.handle(
    'hm:models:install',
    async (req) => {
      // As `heartmind models install` does it (install-model.ts), paths read as a shell would (~, quotes).
      // A model of the same id is replaced (the way to install a newer version): said, not silent.
      const installed = await installModel(area.registry, typedPath(req.path), req.cardPath === undefined ? undefined : typedPath(req.cardPath));
      const { model: m, replaced } = installed;
      ctx.log('info', 'models', installedText(installed));
      area.refreshed(m.dir);
      return { ...summarize(m, availableInputs(ctx.hub.streams(), ctx.hub.pipelineConfig?.().window.lengthSec)), ...(replaced !== undefined ? { replaced } : {}) };
    },
    {
      validate: (req) => {
        const r = req as { path?: unknown; cardPath?: unknown };
        return check.object(req) ?? (typeof r.path === 'string' && r.path.trim() && (r.cardPath === undefined || (typeof r.cardPath === 'string' && r.cardPath.trim())) ? null : 'path must name a model folder or an .onnx file, and cardPath, when given, its card.json');
      },
    },
  );
  ctx.handle(
    'hm:models:remove',
    async (req) => {
      await area.registry.remove(req.id);
      area.refreshed();
    },
    { validate: idCheck },
  );
  ctx.handle('hm:models:predictions', (req) => area.predictions(req.reports), {
    validate: (req) => {
      const o = check.object(req);
      if (o) return o;
      const r = (req as { reports?: unknown }).reports;
      if (!Array.isArray(r) || r.length > MAX_REPORTS_PER_CALL) return `reports must be an array of at most ${MAX_REPORTS_PER_CALL}`;
      for (const x of r as PredictionReport[]) {
        if (!x || typeof x.modelId !== 'string' || !Number.isFinite(x.windowTime) || typeof x.probabilities !== 'object' || x.probabilities === null) return 'each report needs modelId, a finite windowTime and probabilities';
        for (const v of Object.values(x.probabilities)) if (!Array.isArray(v) || !v.every((p) => Number.isFinite(p))) return 'probabilities must be finite numbers';
        if (x.absent !== undefined && (typeof x.absent !== 'object' || x.absent === null || !Object.values(x.absent).every((v) => typeof v === 'string'))) return 'absent must map modalities to reasons';
        if (x.unusable !== undefined && (typeof x.unusable !== 'object' || x.unusable === null || !Object.values(x.unusable).every((c) => typeof c === 'object' && c !== null && Object.values(c).every((n) => Number.isInteger(n) && (n as number) >= 0)))) return 'unusable must map modalities to channel counts per flag';
      }
      return null;
    },
  });
  return area;
}

/** The CoreModule for modules.ts. */
export const modelsModule: CoreModule = {
  async start(ctx) {
    await startModelsArea(ctx);
  },
};
