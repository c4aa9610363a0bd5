// Runs one training job in phases, writing everything to its run folder:
//
//   datasets → pretrain-ecg → pretrain-eeg → evaluate → final-fit → export
//
// A phase that finished is recorded in status.json and skipped when the job resumes (after a pause,
// a crash or an app restart); pretraining resumes from its newest readable checkpoint and the
// evaluation from the folds it finished. Runs inside the training worker thread (train-worker.node.ts)
// (the app's and the CLI's jobs) or in-process (tests). The caller supplies control (pause/cancel) and
// receives events (progress, metrics, log lines).
import { resolve } from 'node:path';
import type { WindowDataset } from '../../shared/datasets/windows.types';
import type { EncoderConfig, HostParams, HostTensor, ModelModality } from '../../shared/model/model.types';
import { encodeCheckpoint, type Checkpoint } from '../../shared/train/checkpoint';
import { CBRAMOD_ENCODER } from '../../shared/model/config';
import { crossValidate, signalItems, type EvalResume, type FoldOutcome } from '../../shared/train/evaluate';
import { modalitiesOf, oneSubjectFoldsNote, splitFixedBy, trainableWindows } from '../../shared/train/trainable';
import { pretrainsEncoder } from '../../shared/train/metric-records';
import { finalFitEpochs } from '../../shared/train/defaults';
import { checkControl, embedItems, finetuneModelConfig, fitFull, fitHead, initHeadParams, type EmbeddingCache } from '../../shared/train/finetune';
import type { DatasetSpec, JobPhase, JobSpec, RunResultSummary, RunStatus } from '../../shared/train/job.types';
import { confusionSvg, fitCurvesSvg, lossCurveSvg, rocSvg } from '../../shared/train/plots-svg';
import { pretrainEncoder, type PretrainMeta } from '../../shared/train/pretrain';
import { TrainError, TrainErrorCode, type EpochRecord, type EvaluationReport, type FinetuneConfig, type MetricRecord, type RunProgress, type StepRecord } from '../../shared/train/train.types';
import type { SignalItem } from '../../shared/train/batches';
import { initEncoderHostParams } from '../../shared/model/params';
import { readFileBytes } from '../core/read-bytes';
import { importCbramodCheckpoint } from '../model/pth-import';
import { expandDataset, loadDataset, type SessionFeed } from './dataset-loader';
import { addedNote, matchRecord, unrecordedNote, readRecordings, recordingsChangedError, recordOf, recordProblems, RECORDINGS_ARTIFACT, windowProblems, withWindows, type DatasetRecord, type DatasetRole, type RecordingsRecord } from './dataset-record';
import { noteCodeVersion } from './code-version';
import { exportRunModel, MODEL_ARTIFACT, type ModelArtifactMeta } from './export-run';
import { processStartTicks, RunStore, writeError, type RunFolder } from './run-store';
import { plural } from '../../shared/plural';
import { meanSdText } from '../../shared/train/report-text';
import { datasetShares, EVAL_STAGES, jobStages, ProgressModel, stageOf, type EvalStage, type StageSizes } from '../../shared/train/progress-model';
import type { MeanSd } from '../../shared/eval/eval.types';

export type JobControl = () => 'run' | 'pause' | 'cancel';

export type JobEvent =
  | { type: 'progress'; progress: RunProgress }
  | { type: 'metric'; record: MetricRecord }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  | { type: 'status'; status: RunStatus };

export interface JobContext {
  folder: RunFolder;
  sessions?: Map<number, SessionFeed>;
  control?: JobControl;
  emit?(ev: JobEvent): void;
  /** Where the user's models live (export target 'user'). */
  userModelsDir?: string;
  /**
   * Keep the run folder current while the job computes, for an app that follows the run from
   * another process (run-watch.ts): progress into status.json at most every LIVE_PROGRESS_WRITE_MS,
   * metric and log lines as they come. Written synchronously: on WASM a phase computes step after
   * step without turning the event loop, so an async write lands only when the phase ends. The CLI
   * sets it; the app's own jobs push their events and leave it unset.
   */
  liveFiles?: boolean;
}

/** How often a job with liveFiles writes its progress into status.json. */
export const LIVE_PROGRESS_WRITE_MS = 1000;

export const ENCODER_ARTIFACT = (m: ModelModality) => `encoder-${m}.hmck`;
export const REPORT_ARTIFACT = 'report.json';
const EMBEDDINGS_ARTIFACT = 'embeddings.hmck';
const FOLDS_ARTIFACT = 'eval-folds.json';

function phasesOf(spec: JobSpec): JobPhase[] {
  const out: JobPhase[] = ['datasets'];
  if (pretrainsEncoder(spec, 'ecg')) out.push('pretrain-ecg');
  if (pretrainsEncoder(spec, 'eeg')) out.push('pretrain-eeg');
  if (spec.evaluation && spec.finetune) out.push('evaluate');
  if (spec.finalFit && spec.finetune) out.push('final-fit');
  if (spec.export) out.push('export');
  return out;
}

/** The job's bar and ETA (progress-model.ts), pushed at most every 250 ms unless forced. */
class Progress {
  private last = 0;
  private readonly model: ProgressModel;
  constructor(
    private readonly spec: JobSpec,
    private readonly phases: JobPhase[],
    /** Phases a resumed run finished before this process. */
    private readonly done: readonly JobPhase[],
    private readonly emit: (p: RunProgress) => void,
    /** The encoders the job takes from other runs (StageSizes.encoders): their own layers, not CBraMod's 12. */
    private readonly encoders: StageSizes['encoders'] = {},
    /** Where the bar of a resumed run stood when it stopped (its status): it goes on from there. */
    from = 0,
  ) {
    const ids = new Set(done.flatMap((p) => (p === 'evaluate' ? EVAL_STAGES.map((s) => stageOf(p, s)) : [p])));
    this.model = new ProgressModel(jobStages(spec, phases, { encoders }, done), Date.now, ids, from);
  }

  /** The datasets are built: the stages' priors from their real sizes. */
  sized(sizes: StageSizes): void {
    this.model.replan(jobStages(this.spec, this.phases, { ...sizes, encoders: this.encoders }, this.done));
  }

  /** `phase` (the evaluation: its `part`) is `frac` done. */
  report(phase: JobPhase, frac: number, done: number, total: number, message: string, force = false, part?: EvalStage): RunProgress {
    const { fraction, etaSec } = this.model.update(stageOf(phase, part), frac);
    const p: RunProgress = { phase, fraction, done, total, etaSec, message };
    const now = Date.now();
    if (force || now - this.last > 250) {
      this.last = now;
      this.emit(p);
    }
    return p;
  }
}

/** What the progress model plans with once the datasets are built (progress-model.ts). */
function datasetSizes(labelled: WindowDataset | null, corpora: Partial<Record<ModelModality, WindowDataset>>): StageSizes {
  const sizes: StageSizes = { corpora: {} };
  const w = labelled?.windows.filter((x) => x.label !== null) ?? [];
  if (w.length) sizes.labelled = { windows: w.length, subjects: new Set(w.map((x) => x.subject)).size, channels: { eeg: w[0].eegChannels.length, ecg: w[0].ecgChannels.length } };
  for (const m of ['eeg', 'ecg'] as const) {
    const c = corpora[m]?.windows.filter((x) => x[m]) ?? [];
    if (c.length) sizes.corpora![m] = { windows: c.length, channels: c.reduce((s, x) => s + (m === 'eeg' ? x.eegChannels.length : x.ecgChannels.length), 0) / c.length };
  }
  return sizes;
}

async function loadEncoderFromRun(store: RunStore, runId: string, m: ModelModality): Promise<{ config: EncoderConfig; params: Record<string, HostTensor> }> {
  const f = store.folder(runId);
  const ck = await f.readArtifactCheckpoint<{ encoder: EncoderConfig }>(ENCODER_ARTIFACT(m)).catch((e) => {
    throw new TrainError(TrainErrorCode.CorruptRun, `the ${m.toUpperCase()} encoder of run ${runId} cannot be read: ${(e as Error).message}`);
  });
  if (!ck) throw new TrainError(TrainErrorCode.NotFound, `run ${runId} has no pretrained ${m.toUpperCase()} encoder`);
  return { config: ck.meta.encoder, params: ck.groups.params };
}

/**
 * The encoders a job takes from other runs, read before its datasets are built: the progress plan
 * needs their layers (the spec names none for them). One that cannot be read is left to the encoder
 * step, which says why where the run would read it.
 */
async function encodersFromRuns(store: RunStore, spec: JobSpec): Promise<Partial<Record<ModelModality, Awaited<ReturnType<typeof loadEncoderFromRun>>>>> {
  const out: Partial<Record<ModelModality, Awaited<ReturnType<typeof loadEncoderFromRun>>>> = {};
  for (const m of ['eeg', 'ecg'] as const) {
    const src = spec.encoders[m];
    if (src?.kind !== 'run') continue;
    const r = await loadEncoderFromRun(store, src.runId, m).catch(() => null);
    if (r) out[m] = r;
  }
  return out;
}

/** The result a run reports in its status (the runs table): each arm's figures from the report. */
export function summaryOf(report: EvaluationReport | null, pretrainLoss: RunResultSummary['pretrainLoss'], exportedAs: string | null): RunResultSummary {
  return {
    task: report?.task.name ?? null,
    protocol: report?.protocol ?? null,
    arms: (report?.arms ?? []).map((a) => ({
      arm: a.arm,
      auroc: a.table.summary.auroc.n ? a.table.summary.auroc.mean : null,
      aurocSd: a.table.summary.auroc.n > 1 ? a.table.summary.auroc.sd : null,
      ...(a.table.summary.auroc.n && a.table.summary.auroc.n < report!.folds.length ? { aurocFolds: [a.table.summary.auroc.n, report!.folds.length] as [number, number] } : {}),
      aucPr: a.table.summary.aucPr.n ? a.table.summary.aucPr.mean : null,
      balancedAccuracy: a.table.summary.balancedAccuracy.n ? a.table.summary.balancedAccuracy.mean : null,
      f1: a.table.summary.f1.n ? a.table.summary.f1.mean : null,
      kappa: a.table.summary.cohenKappa.n ? a.table.summary.cohenKappa.mean : null,
    })),
    pretrainLoss,
    exportedAs,
  };
}

/** What a run that could not write its folder adds to the error: nothing written is lost. */
export const WRITE_FAILURE_NOTE = 'The run stopped there; its checkpoints and the files it wrote before are intact: once the folder can be written again, resume continues from the last checkpoint.';

/**
 * Runs (or resumes) the job of a run folder. Resolves with the result summary; throws TrainError.
 * A write the run folder refuses (a full disk, a folder turned read-only) ends it as a TrainError
 * 'io' naming the file and why, with WRITE_FAILURE_NOTE.
 */
export async function runJob(ctx: JobContext): Promise<RunResultSummary> {
  const writes: { failure: TrainError | null } = { failure: null };
  try {
    return await runJobIn(ctx, writes);
  } catch (e) {
    // A pause that came while a line failed to be written reads as that failure: 'paused' would hide
    // the full disk until the resumed run met it again.
    const err = writes.failure && e instanceof TrainError && e.code === TrainErrorCode.Paused ? writes.failure : e;
    if (err instanceof TrainError && err.code === TrainErrorCode.Io && !err.message.endsWith(WRITE_FAILURE_NOTE)) throw new TrainError(TrainErrorCode.Io, `${err.message}. ${WRITE_FAILURE_NOTE}`, err.details);
    throw err;
  }
}

async function runJobIn(ctx: JobContext, writes: { failure: TrainError | null }): Promise<RunResultSummary> {
  const { folder } = ctx;
  const spec = await folder.readConfig();
  // Log and metric lines are written without holding up the computation. The first of them that fails
  // is kept and stops the job at its next step (through control) or phase end, as a failed checkpoint
  // write stops it: unawaited, such a rejection ended the training worker (an unhandled rejection)
  // and the run read 'running' with no process behind it.
  const failedWrite = (e: unknown): void => {
    writes.failure ??= writeError(folder.dir, e);
  };
  const throwIfWriteFailed = (): void => {
    if (writes.failure) throw writes.failure;
  };
  const control: JobControl = () => {
    throwIfWriteFailed();
    return ctx.control?.() ?? 'run';
  };
  const emit = ctx.emit ?? (() => undefined);
  const phases = phasesOf(spec);
  let status = await folder.readStatus();
  await noteCodeVersion(folder);
  const done = new Set<JobPhase>(status.completedPhases);
  const setStatus = async (patch: Partial<RunStatus>) => {
    status = { ...status, ...patch, updatedAt: Date.now() / 1000 };
    await folder.writeStatus(status);
    emit({ type: 'status', status });
  };
  // The line is pushed before it is written: a follower sees it even when the disk refuses it.
  const log = async (message: string, level: 'info' | 'warn' = 'info') => {
    emit({ type: 'log', level, message });
    throwIfWriteFailed();
    try {
      if (ctx.liveFiles) folder.appendLogSync(message, level);
      else await folder.appendLog(message, level);
    } catch (e) {
      failedWrite(e);
      throwIfWriteFailed();
    }
  };
  /** log, from a callback that cannot wait: a failure stops the job at its next step (control). */
  const logSoon = (message: string, level: 'info' | 'warn' = 'info') => void log(message, level).catch(failedWrite);
  let pending: Promise<void> = Promise.resolve();
  const metric = (r: MetricRecord) => {
    emit({ type: 'metric', record: r });
    if (writes.failure) return;
    if (!ctx.liveFiles) {
      pending = pending.then(() => folder.appendMetric(r)).catch(failedWrite);
      return;
    }
    try {
      folder.appendMetricSync(r);
    } catch (e) {
      failedWrite(e);
    }
  };
  let progressWrittenAt = 0;
  const store = new RunStore(resolve(folder.dir, '..'));
  // A fit still to run (the evaluation or the final fit) needs the labelled dataset and the encoders.
  const needFit = phases.some((p) => (p === 'evaluate' || p === 'final-fit') && !done.has(p));
  // Encoders from another run are read now, for the plan's costs (their layers), and kept for the fits.
  const fromRuns = needFit ? await encodersFromRuns(store, spec) : {};
  const progress = new Progress(spec, phases, [...done], (p) => {
    emit({ type: 'progress', progress: p });
    status = { ...status, progress: p };
    const now = Date.now();
    if (ctx.liveFiles && now - progressWrittenAt >= LIVE_PROGRESS_WRITE_MS) {
      progressWrittenAt = now;
      // The bar only: a state change is setStatus's, written right after when a phase ends. A failed
      // write costs the follower's bar its freshness; the next checkpoint or state write reports the disk.
      try {
        folder.writeStatusSync({ ...status, updatedAt: now / 1000 });
      } catch {
        // see above
      }
    }
  }, Object.fromEntries(Object.entries(fromRuns).map(([m, r]) => [m, r.config])), status.progress?.fraction ?? 0);
  const finish = async (phase: JobPhase) => {
    await pending;
    throwIfWriteFailed();
    done.add(phase);
    await setStatus({ completedPhases: [...done], progress: progress.report(phase, 1, 1, 1, `${phase} done`, true) });
  };
  const pretrainLoss: RunResultSummary['pretrainLoss'] = { ...(status.summary?.pretrainLoss ?? {}) };
  // Set (or cleared) every time: a resume in another process must not keep its predecessor's start.
  await setStatus({ state: 'running', error: null, pid: process.pid, pidStart: processStartTicks(process.pid) ?? undefined });
  const stale = await folder.removeStaleTemp();
  await log(`${status.completedPhases.length ? 'resuming' : 'starting'} '${spec.name}' (${spec.kind}; phases: ${phases.join(', ')}${done.size ? `; done: ${[...done].join(', ')}` : ''})`);
  if (stale.length) await log(`removed ${stale.length} half-written file(s) left by a stopped process (${stale.join(', ')})`);

  // --- datasets ----------------------------------------------------------------------------------
  const needCorpus = (m: ModelModality) => phases.includes(`pretrain-${m}` as JobPhase) && !done.has(`pretrain-${m}` as JobPhase);
  // One bar over every dataset this process builds (each used to restart the phase at 0).
  // In the order they are built, each its prior's part of the stage (datasetShares).
  const toBuild = [needFit && spec.dataset ? spec.dataset : null, ...(['ecg', 'eeg'] as const).map((m) => (needCorpus(m) ? spec.corpora[m] ?? null : null))].filter((d): d is DatasetSpec => d !== null);
  const shares = datasetShares(toBuild);
  let loaded = 0;
  // What each dataset was first built from (dataset-record.ts): a resume rebuilds it from the same recordings, or stops saying which are not as they were.
  const kept = await readRecordings(folder, (m) => log(m, 'warn'));
  const recorded: RecordingsRecord = kept ?? { version: 1, datasets: {} };
  const newlyRecorded: Partial<Record<DatasetRole, DatasetRecord>> = {};
  const load = async (d: DatasetSpec, role: DatasetRole, label: string): Promise<WindowDataset> => {
    const { start, share } = shares[loaded++] ?? { start: 1, share: 0 };
    const sessions = ctx.sessions ?? new Map<number, SessionFeed>();
    progress.report('datasets', start, 0, d.sources.length, `${label}: building`, true);
    await log(`building ${label} '${d.name}' (${plural(d.sources.length, 'source')}) through the live pipeline`);
    const record = recorded.datasets[role];
    if (!kept && done.has('datasets')) await log(unrecordedNote(`${label} '${d.name}'`), 'warn');
    const problems = record ? await recordProblems(record, sessions) : [];
    if (record && problems.length) throw recordingsChangedError(`${label} '${d.name}'`, record, problems);
    let sources = await expandDataset(d, sessions);
    if (record) {
      const m = matchRecord(record, sources);
      if (m.lost.length) throw recordingsChangedError(`${label} '${d.name}'`, record, m.lost);
      if (m.added.length) await log(addedNote(label, m.added), 'warn');
      sources = m.kept;
    } else newlyRecorded[role] = await recordOf(d.name, sources);
    const t0 = Date.now();
    const ds = await loadDataset(d, sessions, {
      progress: (i, n, w) => progress.report('datasets', start + (share * i) / n, i, n, `${label}: ${i}/${plural(n, 'recording')}, ${plural(w, 'window')}`),
      checkpoint: () => {
        const c = control();
        if (c === 'cancel') throw new TrainError(TrainErrorCode.Cancelled, 'cancelled while building datasets');
        if (c === 'pause') throw new TrainError(TrainErrorCode.Paused, 'paused while building datasets');
      },
    }, sources);
    const secs = (Date.now() - t0) / 1000;
    await log(`${label}: ${plural(ds.windows.length, 'window')} from ${plural(ds.recordings.length, 'recording')} in ${secs.toFixed(1)} s (${(ds.windows.length / Math.max(secs, 1e-3)).toFixed(0)} windows/s)`);
    // A montage channel a recording lacks is zeros in its windows (a misspelt name): said where the CLI shows it, not only in the per-recording lines.
    const lacking = new Map<string, number>();
    for (const r of ds.recordings) for (const c of r.montageMissing ?? []) lacking.set(c, (lacking.get(c) ?? 0) + 1);
    if (lacking.size) await log(`${label}: EEG montage channel${lacking.size === 1 ? '' : 's'} not in the recordings, zeros in their windows: ${[...lacking].map(([c, n]) => `${c} (${n} of ${plural(ds.recordings.length, 'recording')})`).join(', ')}`, 'warn');
    for (const r of ds.recordings) {
      const dropped = Object.entries(r.dropped).map(([k, v]) => `${v} × ${k}`);
      if (r.windows === 0 || dropped.length || r.warnings.length) await log(`  ${r.id} (${r.subject}): ${plural(r.windows, 'window')}${dropped.length ? `, dropped ${dropped.join(', ')}` : ''}${r.warnings.length ? `; ${r.warnings.slice(0, 3).join('; ')}` : ''}`, r.windows === 0 ? 'warn' : 'info');
    }
    if (record) {
      const changed = windowProblems(record, ds.recordings);
      if (changed.length) throw recordingsChangedError(`${label} '${d.name}'`, record, changed);
    } else newlyRecorded[role] = withWindows(newlyRecorded[role]!, ds.recordings);
    return ds;
  };
  const labelled = needFit && spec.dataset ? await load(spec.dataset, 'dataset', 'dataset') : null;
  const corpora: Partial<Record<ModelModality, WindowDataset>> = {};
  for (const m of ['ecg', 'eeg'] as const) {
    const c = spec.corpora[m];
    if (c && needCorpus(m)) corpora[m] = await load(c, `${m}-corpus`, `${m.toUpperCase()} corpus`);
  }
  // Written once every dataset is built (a pause while building records nothing: nothing was trained on yet).
  if (Object.keys(newlyRecorded).length) await folder.writeArtifact(RECORDINGS_ARTIFACT, JSON.stringify({ version: 1, datasets: { ...recorded.datasets, ...newlyRecorded } } satisfies RecordingsRecord, null, 1));
  progress.sized(datasetSizes(labelled, corpora));
  if (!done.has('datasets')) await finish('datasets');

  // --- pretraining -------------------------------------------------------------------------------
  for (const m of ['ecg', 'eeg'] as const) {
    const phase = `pretrain-${m}` as JobPhase;
    if (!phases.includes(phase) || done.has(phase)) continue;
    const cfg = spec.pretrain[m]!;
    const items: SignalItem[] = corpora[m]!.windows.filter((w) => w[m]).map((w) => ({ data: w[m]!, channels: m === 'eeg' ? w.eegChannels.length : w.ecgChannels.length }));
    const resume = await folder.latestCheckpoint<PretrainMeta>(phase, (msg) => logSoon(`skipping a damaged checkpoint: ${msg}`, 'warn'));
    if (resume) await log(`${phase}: resuming from step ${resume.meta.step} of ${resume.meta.totalSteps}`);
    await log(`${phase}: ${plural(items.length, 'window')}, ${cfg.encoder.nLayers}-layer encoder, batch ${cfg.batchSize}, ${plural(cfg.epochs, 'epoch')}${cfg.maxSteps ? ` (at most ${plural(cfg.maxSteps, 'step')})` : ''}, mask ${JSON.stringify(cfg.mask)}`);
    // Lead masking needs two leads (one always stays visible): on single-lead windows only the
    // temporal ratio masks, so a patch ratio of 0 leaves the one patch per window the masker forces.
    const singleLead = items.filter((it) => it.channels === 1).length;
    if (cfg.mask.kind === 'ecg' && cfg.mask.leadRatio > 0 && singleLead) {
      const what = singleLead === items.length ? 'every window has one lead' : `${singleLead} of ${plural(items.length, 'window')} ${singleLead === 1 ? 'has' : 'have'} one lead`;
      if (cfg.mask.patchRatio === 0) await log(`${phase}: ${what}, so lead masking masks nothing there and the patch ratio 0 leaves one masked patch per window: raise --patch-ratio`, 'warn');
    }
    // The stage starts now (its first step, with the jit compilation, is its own time, not the datasets').
    if (resume) progress.report(phase, resume.meta.step / resume.meta.totalSteps, resume.meta.step, resume.meta.totalSteps, `${phase}: resuming at step ${resume.meta.step}/${resume.meta.totalSteps}`, true);
    else progress.report(phase, 0, 0, 0, `${phase}: first step (compiling)`, true);
    const res = await pretrainEncoder(
      cfg,
      items,
      {
        onStep: (s: StepRecord) => {
          metric(s);
          const total = s.total ?? 0;
          progress.report(phase, total ? s.step / total : 0, s.step, total, `${phase} step ${s.step}${total ? `/${total}` : ''}, loss ${s.loss.toFixed(4)} (${(s.ms / 1000).toFixed(1)} s/step)`);
        },
        onEpoch: (e: EpochRecord) => {
          metric(e);
          logSoon(`${phase} epoch ${e.epoch}: mean masked-patch MSE ${e.trainLoss.toFixed(5)}`);
        },
        onCheckpoint: async (ck) => {
          const meta = ck.meta as unknown as PretrainMeta;
          await folder.writeCheckpoint(phase, meta.step, ck);
          progress.report(phase, meta.step / meta.totalSteps, meta.step, meta.totalSteps, `${phase} step ${meta.step}/${meta.totalSteps} (checkpoint written)`, true);
        },
        control,
      },
      { resume: resume ?? undefined, phase },
    );
    pretrainLoss[m] = res.epochLoss[res.epochLoss.length - 1];
    await folder.writeArtifact(ENCODER_ARTIFACT(m), encodeCheckpoint({ kind: 'encoder', meta: { modality: m, encoder: cfg.encoder, steps: res.steps, finalLoss: pretrainLoss[m] }, groups: { params: res.params } }));
    const metrics = await folder.readMetrics();
    await folder.writePlot(`${phase}-loss.svg`, lossCurveSvg(phase, metrics.filter((r): r is StepRecord => r.kind === 'step'), metrics.filter((r): r is EpochRecord => r.kind === 'epoch')));
    await setStatus({ summary: summaryOf(null, pretrainLoss, null) });
    await finish(phase);
  }

  // --- encoders ----------------------------------------------------------------------------------
  const encConfig: Partial<Record<ModelModality, EncoderConfig>> = {};
  const encWeights: Partial<Record<ModelModality, Record<string, HostTensor>>> = {};
  const encNotes: string[] = [];
  if (needFit) {
    for (const m of ['eeg', 'ecg'] as const) {
      const src = spec.encoders[m];
      if (!src) continue;
      const fallback = spec.pretrain[m]?.encoder ?? spec.encoderConfig;
      if (src.kind === 'pretrain') {
        const r = await loadEncoderFromRun(store, folder.id, m);
        encConfig[m] = r.config;
        encWeights[m] = r.params;
        encNotes.push(`${m.toUpperCase()}: pretrained in this run`);
      } else if (src.kind === 'run') {
        const r = fromRuns[m] ?? (await loadEncoderFromRun(store, src.runId, m));
        encConfig[m] = r.config;
        encWeights[m] = r.params;
        encNotes.push(`${m.toUpperCase()}: pretrained in run ${src.runId}`);
      } else if (src.kind === 'pth') {
        const e = fallback ?? CBRAMOD_ENCODER;
        let bytes: Uint8Array;
        try {
          bytes = await readFileBytes(resolve(src.path));
        } catch (err) {
          throw new TrainError(TrainErrorCode.NotFound, `cannot read the checkpoint ${src.path}: ${(err as Error).message}`);
        }
        encConfig[m] = { ...e };
        const imported = importCbramodCheckpoint(bytes, e);
        encWeights[m] = imported.params;
        encNotes.push(`${m.toUpperCase()}: imported from ${src.path}${imported.note ? ` (${imported.note})` : ''}`);
      } else {
        const e = fallback ?? CBRAMOD_ENCODER;
        encConfig[m] = { ...e };
        encNotes.push(`${m.toUpperCase()}: random initialisation (seed ${spec.seed})`);
      }
      await log(`encoder ${encNotes[encNotes.length - 1]}`);
    }
  }

  // --- evaluation --------------------------------------------------------------------------------
  let report: EvaluationReport | null = null;
  const reportBytes = await folder.readArtifact(REPORT_ARTIFACT);
  if (reportBytes) report = JSON.parse(new TextDecoder().decode(reportBytes)) as EvaluationReport;
  let caches: Record<string, Float32Array> = {};
  if (phases.includes('evaluate') && !done.has('evaluate')) {
    const ft = spec.finetune!;
    const ev = spec.evaluation!;
    const emb = await folder.readArtifactCheckpoint<Record<string, number>>(EMBEDDINGS_ARTIFACT).catch(() => null);
    const resumeState: EvalResume = { caches: {}, folds: {} };
    if (emb) for (const [k, t] of Object.entries(emb.groups.embeddings ?? {})) resumeState.caches![k] = t.data;
    const foldsBytes = await folder.readArtifact(FOLDS_ARTIFACT);
    if (foldsBytes) {
      try {
        resumeState.folds = JSON.parse(new TextDecoder().decode(foldsBytes)) as Record<string, FoldOutcome>;
      } catch {
        await log('the saved fold results are damaged; those folds run again', 'warn');
      }
    }
    const kept = Object.keys(resumeState.folds ?? {}).length;
    if (kept) await log(`evaluation: ${kept} fold(s) already done`);
    const t0 = Date.now();
    const cv = await crossValidate(
      labelled!,
      ft,
      ev,
      { config: encConfig, pretrained: encWeights, randomSeed: spec.seed },
      {
        onEpoch: (e) => metric(e),
        onStep: (s) => metric(s),
        control,
        log: (m) => logSoon(m),
        progress: (m, part, d, t) => progress.report('evaluate', t ? d / t : 0, d, t, m, false, part),
        onEmbedded: async (key, data) => {
          resumeState.caches![key] = data;
          const groups = { embeddings: Object.fromEntries(Object.entries(resumeState.caches!).map(([k, v]) => [k, { shape: [v.length], data: v }])) };
          await folder.writeArtifact(EMBEDDINGS_ARTIFACT, encodeCheckpoint({ kind: 'embeddings', meta: {}, groups }));
        },
        onFold: async (key, outcome) => {
          resumeState.folds![key] = outcome;
          await folder.writeArtifact(FOLDS_ARTIFACT, JSON.stringify(resumeState.folds));
        },
      },
      resumeState,
    );
    report = cv.report;
    caches = cv.caches;
    for (const n of cv.notes) await log(n, 'warn');
    const oneSubject = oneSubjectFoldsNote(report.folds, splitFixedBy(spec.recipe));
    if (oneSubject) await log(oneSubject, 'warn');
    await log(`evaluation (${report.protocol}) took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    // As the report, the CLI's table and the card print them: mean ± sd over the folds, '–' for a metric undefined in every fold (a test fold of one class each), not 'NaN'.
    const folds = report.folds.length;
    for (const a of report.arms) {
      const s = a.table.summary;
      const m = (x: MeanSd) => meanSdText(x, folds);
      await log(`  ${a.arm.padEnd(18)} AUROC ${m(s.auroc)}  AUC-PR ${m(s.aucPr)}  bal.acc ${m(s.balancedAccuracy)}  F1 ${m(s.f1)}  κ ${m(s.cohenKappa)}  (pooled AUROC ${a.table.pooled?.auroc.toFixed(3) ?? '–'})`);
    }
    await folder.writeArtifact(REPORT_ARTIFACT, JSON.stringify(report));
    await folder.writePlot('roc.svg', rocSvg(`${report.task.name}: ROC, pooled test predictions (${report.protocol.split(' over')[0]})`, report.arms));
    for (const a of report.arms) if (a.confusion.length === 4) await folder.writePlot(`confusion-${a.arm.replace('/', '-')}.svg`, confusionSvg(`${a.arm}: confusion at ${ev.threshold}`, a.confusion, report.task.classes));
    // Each model arm's fine-tuning over its folds, as pretraining has its loss plot (folds finished before a resume keep their records).
    const fitEpochs = (await folder.readMetrics()).filter((r): r is EpochRecord => r.kind === 'epoch' && r.fold !== undefined);
    for (const a of report.arms) {
      const mine = fitEpochs.filter((e) => e.arm === a.arm);
      const n = new Set(mine.map((e) => e.fold)).size;
      if (n) await folder.writePlot(`fine-tuning-${a.arm.replace('/', '-')}.svg`, fitCurvesSvg(`${a.arm}: fine-tuning per epoch, mean over ${plural(n, 'fold')}`, mine));
    }
    await setStatus({ summary: summaryOf(report, pretrainLoss, null) });
    await finish('evaluate');
  }

  // --- final fit ---------------------------------------------------------------------------------
  if (phases.includes('final-fit') && !done.has('final-fit')) {
    const ft: FinetuneConfig = { ...spec.finetune!, modalities: 'fused', init: encWeights.eeg || encWeights.ecg ? 'pretrained' : 'random' };
    const ms = modalitiesOf(ft.modalities).filter((m) => encConfig[m]);
    if (ms.length === 0) throw new TrainError(TrainErrorCode.BadConfig, 'the final model needs at least one encoder');
    ft.modalities = ms.length === 2 ? 'fused' : ms[0];
    const data = trainableWindows(labelled!, ms);
    const arm = report?.arms.find((a) => a.arm === `${ft.modalities}/${ft.init}`);
    const { epochs, why } = finalFitEpochs(arm?.bestEpochs, ft.epochs);
    const cfg: FinetuneConfig = { ...ft, epochs };
    const model = finetuneModelConfig(cfg, encConfig);
    const all = Array.from({ length: data.windows.length }, (_, i) => i);
    progress.report('final-fit', 0, 0, epochs, `final fit: ${plural(epochs, 'epoch')}`, true);
    await log(`final fit: ${ft.modalities} model on all ${plural(new Set(data.subjects).size, 'subject')} (${plural(data.windows.length, 'window')}), ${plural(epochs, 'epoch')} (${why})`);
    const weightsFor = (m: ModelModality) => encWeights[m] ?? initEncoderHostParams(encConfig[m]!, spec.seed, { stream: m });
    let params: HostParams;
    if (cfg.freeze === 'encoders') {
      const cache: EmbeddingCache = {};
      for (const m of ms) {
        const key = `${m}/${ft.init}`;
        cache[m] = caches[key]?.length === data.windows.length * encConfig[m]!.dModel ? caches[key] : await embedItems(encConfig[m]!, weightsFor(m), signalItems(data.windows, m), undefined, undefined, () => checkControl({ control }, 'final-fit embedding'));
      }
      const fit = await fitHead({ cfg, model, labels: data.labels, train: all, validation: [], cache, hooks: { onEpoch: (e) => metric(e), control }, phase: 'final-fit' });
      params = { head: fit.params.head };
      for (const m of ms) params[m] = Object.fromEntries(Object.entries(weightsFor(m)).filter(([k]) => !k.startsWith('proj_out.')));
    } else {
      const windows: Partial<Record<ModelModality, SignalItem[]>> = {};
      for (const m of ms) windows[m] = signalItems(data.windows, m);
      const init: HostParams = { head: initHeadParams(model, cfg.seed) };
      for (const m of ms) init[m] = weightsFor(m);
      const fit = await fitFull({ cfg, model, labels: data.labels, train: all, validation: [], windows, init, hooks: { onEpoch: (e) => metric(e), onStep: (s) => metric(s), control }, phase: 'final-fit' });
      params = fit.params;
    }
    const meta: ModelArtifactMeta = { model, finetune: cfg, windowing: spec.dataset!.windowing, eegChannels: data.windows[0].eegChannels, ecgChannels: data.windows[0].ecgChannels, subjects: [...new Set(data.subjects)].sort(), windows: data.windows.length, encoders: encNotes };
    const groups: Record<string, Record<string, HostTensor>> = { head: params.head };
    for (const m of ms) groups[m] = params[m]!;
    await folder.writeArtifact(MODEL_ARTIFACT, encodeCheckpoint({ kind: 'model', meta, groups } as Checkpoint<unknown>));
    const fm = await folder.readMetrics();
    await folder.writePlot('final-fit-loss.svg', lossCurveSvg('final-fit', fm.filter((r): r is StepRecord => r.kind === 'step'), fm.filter((r): r is EpochRecord => r.kind === 'epoch')));
    await finish('final-fit');
  }

  // --- export ------------------------------------------------------------------------------------
  let exportedAs: string | null = status.summary?.exportedAs ?? null;
  if (phases.includes('export') && !done.has('export')) {
    const target = spec.export!.target;
    const root = target.kind === 'dir' ? resolve(target.dir) : ctx.userModelsDir;
    if (!root) throw new TrainError(TrainErrorCode.BadConfig, 'no user models folder to export into');
    progress.report('export', 0, 0, 1, 'exporting the model (ONNX + card)', true);
    const dir = await exportRunModel(folder, spec.export!, root);
    exportedAs = spec.export!.modelId;
    await log(`exported as model '${exportedAs}' to ${dir}`);
    await finish('export');
  }

  await pending;
  throwIfWriteFailed();
  const summary = summaryOf(report, pretrainLoss, exportedAs);
  await setStatus({ state: 'done', summary, progress: progress.report(phases[phases.length - 1], 1, 1, 1, 'done', true) });
  // The run is done and says so in its status: a log that cannot take this last line does not undo that.
  await log('done').catch(() => undefined);
  return summary;
}

export type { Checkpoint };

