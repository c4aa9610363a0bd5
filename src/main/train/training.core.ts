// The training area of the core: the runs folder under the data dir, the job runner (one worker
// thread per job), the 'hm:training:*' handlers and the live pushes. A model exported by a run is
// written into the user's models folder, which the models area watches: it appears in the live
// model list at once.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CoreContext, CoreModule } from '../core/core.types';
import { check, type RequestValidator } from '../core/handler-registry';
import { DbClient, databasePathFor } from '../db/db-client';
import { electronNativeBinding } from '../core/native-binding';
import { MODEL_ID_RE } from '../../shared/model/card';
import { inspectModelDir } from '../model/registry';
import type { DatasetPreview, TrainingOverview, TrainingPresets } from '../../shared/ipc/training.schema';
import type { DatasetSpec, EncoderSource, JobSpec, RunDetail, SourceSpec } from '../../shared/train/job.types';
import { defaultRecipe, quickRecipe } from '../../shared/train/recipes';
import { TrainError, TrainErrorCode, type EvaluationReport } from '../../shared/train/train.types';
import { checkJobSpec } from '../../shared/train/job-check';
import { modelIdProblem } from '../../shared/train/model-id';
import { CliUsageError } from '../core/cli-command';
import { typedPath } from '../sessions/typed-path';
import { checkJobInputs, runsRoot, type InputOrigin } from './cli-train';
import { sessionIdsOf, type SessionFeed } from './dataset-loader';
import { previewInWorker, type PreviewCheck } from './dataset-preview';
import { exportRunModelInWorker } from './export-run';
import { JobRunner } from './job-runner';
import { REPORT_ARTIFACT } from './job';
import { RUN_FILES, RunStore } from './run-store';
import { RunWatcher } from './run-watch';
import { readSessionFeed, readSessionLabels } from './session-feed';

export interface TrainingAreaOptions {
  runsDir?: string;
  userModelsDir?: string;
  /** The recordings folder for presets (default HEARTMIND_RECORDINGS or ../shared/data found above the app). */
  recordingsDir?: string | null;
  dbPath?: string;
}

/** ../shared/data beside a checkout (HEARTMIND_RECORDINGS overrides), or null. */
export function findRecordingsDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.HEARTMIND_RECORDINGS) return resolve(env.HEARTMIND_RECORDINGS);
  const candidates = [resolve('..', 'shared', 'data')];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    candidates.push(join(dir, '..', 'shared', 'data'));
    dir = dirname(dir);
  }
  return candidates.find((c) => existsSync(join(c, 'edf-eegmat'))) ?? null;
}

/** A source with its path read as typed (typed-path.ts: `~`, surrounding quotes, a file:// URL, relative to the core's folder). */
function typedSource(s: SourceSpec): SourceSpec {
  if (s.kind === 'file' || s.kind === 'dreamer') return { ...s, path: typedPath(s.path) };
  if (s.kind === 'folder' || s.kind === 'eegmat') return { ...s, dir: typedPath(s.dir) };
  return s;
}

function typedDataset<D extends DatasetSpec | null | undefined>(d: D): D {
  return (d ? { ...d, sources: d.sources.map(typedSource) } : d) as D;
}

/**
 * The job with every path it names read as a shell would have read it on the command line, as the
 * Sessions view's Import reads its field: the Training view's '~/data/edf-eegmat', or a folder
 * pasted with Explorer's "Copy as path" quotes, was refused as 'no such folder ~/data/edf-eegmat'.
 * The run's config.json records the paths as read.
 */
export function typedJobPaths(spec: JobSpec): JobSpec {
  const enc = (e: EncoderSource | undefined) => (e?.kind === 'pth' ? { ...e, path: typedPath(e.path) } : e);
  const encoders = Object.fromEntries(Object.entries(spec.encoders).map(([m, e]) => [m, enc(e)])) as JobSpec['encoders'];
  const corpora = Object.fromEntries(Object.entries(spec.corpora).map(([m, d]) => [m, typedDataset(d)])) as JobSpec['corpora'];
  return { ...spec, dataset: typedDataset(spec.dataset), corpora, encoders };
}

/** How the Training view names each kind of source in a message. */
const SOURCE_LABEL: Record<InputOrigin['kind'], string> = { eegmat: 'EEGMAT folder', file: 'recording file', folder: 'recordings folder', dreamer: 'DREAMER.mat', session: 'session', labels: 'labels', split: 'evaluation', montage: 'EEG montage' };

const idOk: RequestValidator = check.allOf(check.object, check.string('id', { maxLength: 200 }));

function specProblems(spec: unknown): string | null {
  if (!spec || typeof spec !== 'object') return 'spec must be an object';
  const s = spec as Partial<JobSpec>;
  if (!['pretrain', 'finetune', 'evaluate', 'recipe'].includes(s.kind as string)) return 'spec.kind must be pretrain, finetune, evaluate or recipe';
  if (typeof s.name !== 'string' || !s.name.trim()) return 'spec.name is required';
  if (!Number.isInteger(s.seed)) return 'spec.seed must be an integer';
  if (!s.corpora || !s.pretrain || !s.encoders) return 'spec.corpora, spec.pretrain and spec.encoders are required (may be empty objects)';
  return null;
}

/**
 * Whether the user's models folder holds, under the id run `runId` was exported as, another run's
 * model (its card's provenance names another run): each quick run replaces 'quick-try'. False when
 * the folder holds none (exported elsewhere with --export-to, or removed) or its card cannot be read.
 */
export async function exportReplaced(userModelsDir: string, runId: string, modelId: string): Promise<boolean> {
  if (!MODEL_ID_RE.test(modelId)) return false;
  try {
    const card = JSON.parse(await readFile(join(userModelsDir, modelId, 'card.json'), 'utf8')) as { training?: { provenance?: unknown } };
    const prov = card.training?.provenance;
    return typeof prov === 'string' && /(^|; )run \S+/.test(prov) && !prov.split('; ').includes(`run ${runId}`);
  } catch {
    return false;
  }
}

export class TrainingArea {
  readonly store: RunStore;
  readonly runner: JobRunner;
  /** Follows runs another process trains (a CLI run beside the app) with the same pushes. */
  readonly watcher: RunWatcher;
  private db: DbClient | null = null;
  private dbOpening: Promise<DbClient> | null = null;

  constructor(
    private readonly ctx: CoreContext,
    private readonly opts: { runsDir: string; userModelsDir: string; recordingsDir: string | null; dbPath: string },
  ) {
    this.store = new RunStore(opts.runsDir);
    this.runner = new JobRunner(this.store, {
      userModelsDir: opts.userModelsDir,
      db: () => this.db,
      events: {
        event: (runId, ev) => {
          if (ev.type === 'progress') ctx.push({ type: 'training:progress', runId, progress: ev.progress });
          else if (ev.type === 'metric') ctx.push({ type: 'training:metric', runId, record: ev.record });
          else if (ev.type === 'log') ctx.push({ type: 'training:log', runId, level: ev.level, message: ev.message });
        },
        state: (status) => ctx.push({ type: 'training:status', status }),
        exported: (runId, modelId) => ctx.log('info', 'training', `run ${runId} exported model '${modelId}' to ${opts.userModelsDir}`),
        log: (level, message) => ctx.log(level, 'training', message),
      },
    });
    this.watcher = new RunWatcher(
      this.store,
      {
        status: (status) => ctx.push({ type: 'training:status', status }),
        progress: (runId, progress) => ctx.push({ type: 'training:progress', runId, progress }),
        metric: (runId, record) => ctx.push({ type: 'training:metric', runId, record }),
        log: (runId, level, message) => ctx.push({ type: 'training:log', runId, level, message }),
      },
      { isOwn: (id) => this.runner.activeRunId === id || this.runner.queued().includes(id) },
    );
  }

  /** A read-only connection to the recordings database (its own DB worker), opened when a dataset names sessions. */
  private async database(): Promise<DbClient> {
    if (this.db) return this.db;
    this.dbOpening ??= DbClient.open({ path: this.opts.dbPath, readonly: true, nativeBinding: electronNativeBinding('better-sqlite3'), onLog: (e) => this.ctx.log(e.level, e.source, e.message) });
    try {
      this.db = await this.dbOpening;
    } catch (e) {
      this.dbOpening = null;
      throw new TrainError(TrainErrorCode.NotFound, `the recordings database cannot be opened: ${(e as Error).message}`);
    }
    return this.db;
  }

  async start(): Promise<void> {
    await this.runner.recover();
    await this.watcher.start();
    this.ctx.onStop(() => this.close());
  }

  /** Stops the runner and closes the recordings database (its DB worker would keep the process alive). */
  async close(): Promise<void> {
    this.watcher.close();
    await this.runner.stop();
    await this.db?.close();
    this.db = null;
    this.dbOpening = null;
  }

  /** Every run as listLive reads it, a run whose stop its status.json could not take as the runner knows it. */
  private async runs(): Promise<TrainingOverview['runs']> {
    const runs = (await this.store.listLive()).map((r) => {
      const stop = this.runner.unrecordedStatus(r.id);
      return stop ? { ...r, ...stop } : r;
    });
    return Promise.all(runs.map(async (r) => (r.summary?.exportedAs && (await exportReplaced(this.opts.userModelsDir, r.id, r.summary.exportedAs)) ? { ...r, exportReplaced: true } : r)));
  }

  async overview(): Promise<TrainingOverview> {
    return { runs: await this.runs(), active: this.runner.activeRunId, queued: this.runner.queued(), backend: this.runner.backend, runsDir: this.store.root };
  }

  async detail(id: string): Promise<RunDetail> {
    if (!(await this.store.listed(id))) throw new TrainError(TrainErrorCode.NotFound, `no run '${id}'`);
    const f = this.store.folder(id);
    const summary = (await this.runs()).find((r) => r.id === id)!;
    const notes: string[] = [];
    const config = await f.readConfig().catch((e) => {
      notes.push((e as Error).message);
      return null;
    });
    let report: EvaluationReport | null = null;
    const bytes = await f.readArtifact(REPORT_ARTIFACT);
    if (bytes) {
      try {
        report = JSON.parse(new TextDecoder().decode(bytes)) as EvaluationReport;
      } catch {
        notes.push('the evaluation report is damaged');
      }
    }
    const plots = await readdir(f.path(RUN_FILES.plots)).then((n) => n.filter((x) => x.endsWith('.svg')).sort(), () => []);
    return { status: summary, config, metrics: await f.readMetrics(), report, log: await f.readLog(), plots, notes };
  }

  presets(): TrainingPresets {
    const d = this.opts.recordingsDir;
    return { dataDir: d, defaultRecipe: d ? defaultRecipe({ dataDir: d, export: { modelId: 'my-eegmat-model', name: 'My EEGMAT model', version: '1.0.0', target: { kind: 'user' } }, command: 'Training view: default recipe' }) : null, quickRecipe: d ? quickRecipe(d) : null };
  }

  /** Builds the dataset in a worker thread (dataset-preview.ts): the live pipeline runs on meanwhile. */
  async preview(typed: DatasetSpec, check?: PreviewCheck): Promise<DatasetPreview> {
    const dataset = typedDataset(typed);
    const sessions: SessionFeed[] = [];
    const ids = sessionIdsOf([dataset]);
    if (ids.length) {
      const db = await this.database();
      for (const id of ids) sessions.push(await readSessionFeed(db, id));
    }
    return previewInWorker(dataset, sessions, check);
  }

  /**
   * Refuses a run that would fail once started (a bad number, a missing file, a recording without
   * its class…) before its run folder is made: the view shows why and no failed run is left behind.
   */
  async startJob(typed: JobSpec) {
    const spec = typedJobPaths(typed);
    checkJobSpec(spec);
    try {
      await checkJobInputs(spec, this.store, (s) => SOURCE_LABEL[s.kind], async (id) => readSessionLabels(await this.database(), id));
    } catch (e) {
      if (e instanceof CliUsageError) throw new TrainError(TrainErrorCode.BadConfig, `this run cannot start: ${e.message}`);
      throw e;
    }
    if (sessionIdsOf([spec.dataset, spec.corpora.eeg, spec.corpora.ecg]).length) await this.database();
    return this.runner.start(spec);
  }

  async export(id: string, modelId: string, name: string): Promise<{ modelId: string; dir: string; recorded: boolean; notRecorded?: string }> {
    const idProblem = modelIdProblem(modelId);
    if (idProblem) throw new TrainError(TrainErrorCode.BadConfig, idProblem);
    const folder = this.store.folder(id);
    const target = join(this.opts.userModelsDir, modelId);
    let dir: string;
    if (existsSync(target)) {
      // This run's own model (an export whose note in the run failed, e.g. a full disk): its card names
      // the run, so Export again only records it. Another model there would be replaced without a word.
      const card = (await inspectModelDir(target, 'user')).card;
      if (!card?.training.provenance.split('; ').includes(`run ${id}`)) throw new TrainError(TrainErrorCode.BadConfig, `your models already hold a model '${modelId}' (${target}): choose another id, or remove that model first`);
      dir = target;
    } else {
      // In the training worker: building and hashing the ONNX file held this event loop for seconds.
      dir = await exportRunModelInWorker(folder, { modelId, name, version: '1.0.0', target: { kind: 'user' }, provenance: `exported from the Training view (run ${id})` }, this.opts.userModelsDir);
      this.ctx.log('info', 'training', `run ${id} exported as model '${modelId}'`);
    }
    let recorded: Awaited<ReturnType<typeof folder.recordExport>>;
    try {
      recorded = await folder.recordExport(modelId, dir);
    } catch (e) {
      // The model is in place and usable: the reply says so, and which run file would not take the note.
      const notRecorded = `the model was exported to ${dir}, but run ${id} could not record it: ${e instanceof Error ? e.message : String(e)}`;
      this.ctx.log('warn', 'training', notRecorded);
      return { modelId, dir, recorded: false, notRecorded };
    }
    this.ctx.push({ type: 'training:status', status: recorded.status });
    if (recorded.logProblem) {
      // Recorded (the runs table names the model), only the run's log lacks the line: said as such,
      // not as "could not record it", which had the view offer an export the run already holds.
      const notRecorded = `the model was exported to ${dir} and run ${id} records it, but its log could not take the line saying so: ${recorded.logProblem}`;
      this.ctx.log('warn', 'training', notRecorded);
      return { modelId, dir, recorded: true, notRecorded };
    }
    return { modelId, dir, recorded: true };
  }

  async plot(id: string, name: string): Promise<{ svg: string }> {
    if (!/^[a-z0-9._-]+\.svg$/i.test(name)) throw new TrainError(TrainErrorCode.NotFound, `'${name}' is not a plot name`);
    try {
      return { svg: await readFile(this.store.folder(id).path(RUN_FILES.plots, name), 'utf8') };
    } catch {
      throw new TrainError(TrainErrorCode.NotFound, `run ${id} has no plot ${name}`);
    }
  }
}

/**
 * The folders of the training area for a data folder. The runs folder follows the CLI's rule
 * (runsRoot: $HEARTMIND_RUNS_DIR, else <data folder>/runs), so a run the CLI writes without --out
 * is listed by the app, and a run started in the app can be resumed or exported by the CLI.
 */
export function trainingAreaFolders(dataDir: string, options: TrainingAreaOptions = {}): Required<TrainingAreaOptions> {
  return {
    runsDir: options.runsDir ?? runsRoot(undefined, dataDir),
    userModelsDir: options.userModelsDir ?? join(dataDir, 'models'),
    recordingsDir: options.recordingsDir === undefined ? findRecordingsDir() : options.recordingsDir,
    dbPath: options.dbPath ?? databasePathFor(dataDir),
  };
}

export async function startTrainingArea(ctx: CoreContext, options: TrainingAreaOptions = {}): Promise<TrainingArea> {
  const area = new TrainingArea(ctx, trainingAreaFolders(ctx.dataDir, options));
  await area.start();
  ctx.handle('hm:training:list', () => area.overview());
  ctx.handle('hm:training:get', ({ id }) => area.detail(id), { validate: idOk });
  ctx.handle('hm:training:presets', () => area.presets());
  ctx.handle('hm:training:preview', ({ dataset, check }) => area.preview(dataset, check), {
    validate: check.allOf(check.object, (r) => {
      const d = (r as { dataset?: { sources?: unknown; windowing?: unknown; name?: unknown } }).dataset;
      if (!(d && Array.isArray(d.sources) && typeof d.windowing === 'object' && typeof d.name === 'string')) return 'dataset must have a name, sources and windowing';
      const c = (r as { check?: { modalities?: unknown; evaluation?: { split?: { kind?: unknown; k?: unknown }; validationSubjects?: unknown } } }).check;
      if (c === undefined) return null;
      const split = c?.evaluation?.split;
      const splitOk = split?.kind === 'loso' || (split?.kind === 'kfold' && Number.isInteger(split.k) && (split.k as number) >= 2);
      return ['fused', 'eeg', 'ecg'].includes(c?.modalities as string) && splitOk && Number.isInteger(c.evaluation!.validationSubjects) && (c.evaluation!.validationSubjects as number) >= 0
        ? null
        : 'check must name the modalities (fused, eeg or ecg) and an evaluation (loso or kfold with k ≥ 2, validation subjects ≥ 0)';
    }),
  });
  ctx.handle('hm:training:start', ({ spec }) => area.startJob(spec), { validate: check.allOf(check.object, (r) => specProblems((r as { spec?: unknown }).spec)) });
  ctx.handle('hm:training:pause', ({ id }) => area.runner.pause(id), { validate: idOk });
  ctx.handle('hm:training:resume', ({ id }) => area.runner.resume(id), { validate: idOk });
  ctx.handle('hm:training:cancel', ({ id }) => area.runner.cancel(id), { validate: idOk });
  ctx.handle('hm:training:export', ({ id, modelId, name }) => area.export(id, modelId, name), { validate: check.allOf(idOk, check.string('modelId', { maxLength: 64 }), check.string('name', { maxLength: 200 })) });
  ctx.handle('hm:training:plot', ({ id, name }) => area.plot(id, name), { validate: check.allOf(idOk, check.string('name', { maxLength: 120 })) });
  return area;
}

/** The CoreModule for modules.ts. */
export const trainingModule: CoreModule = {
  async start(ctx) {
    await startTrainingArea(ctx);
  },
};
