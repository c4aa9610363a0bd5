// The progress bar and the ETA of a training job. A job is a row of stages — building the datasets,
// pretraining each encoder, the evaluation's embeddings, its fold fits and its baseline, the final
// fit, the export — whose costs differ by orders of magnitude and by machine. The ETA used to be
// the whole job's average rate (elapsed ÷ fraction done) over fixed phase shares in which one
// embedding counted as much as one head fit: while a 12-layer encoder embedded 574 windows for
// minutes the bar stood still and the ETA grew with the clock, then the head fits raced and it
// collapsed (and it started at minutes for a one-minute quick run, whose datasets took a fifth of
// the time their share said).
//
// Here each stage has a prior cost (seconds on the 2-core development machine, from the job's
// configuration and, once built, its datasets' sizes: `jobStages`), which sets the bar's shares.
// The ETA is the current stage's remainder at that stage's own measured rate (taken after its first
// unit, which carries the jit compilation), plus the later stages' priors scaled by how this run's
// measured time compared with the priors in the stages it finished (machine speed and load): it
// moves at a stage's boundary, by what that stage taught, and otherwise falls with the clock.
// Pure: the clock is passed in, so a scripted sequence of events tests it.
import type { EncoderConfig, ModelModality } from '../model/model.types';
import { CBRAMOD_ENCODER } from '../model/config';
import type { DatasetSpec, JobPhase, JobSpec, SourceSpec } from './job.types';
import type { ModalitySet } from './train.types';
import { modalitiesOf } from './trainable';

export interface ProgressStage {
  /** A job phase, or 'evaluate:<part>' for the evaluation's embeddings, folds and baseline. */
  id: string;
  /** Expected duration on the reference machine (s): the stage's share of the bar, and its ETA until measured. */
  priorSec: number;
}

/** The parts of the evaluation phase, in the order they run. */
export const EVAL_STAGES = ['embeddings', 'folds', 'baseline'] as const;
export type EvalStage = (typeof EVAL_STAGES)[number];

/** Sizes known once the datasets are built; before that the planner guesses EEGMAT-like ones. */
export interface StageSizes {
  /** Labelled windows, subjects, and the channels per window of each modality. */
  labelled?: { windows: number; subjects: number; channels: Partial<Record<ModelModality, number>> };
  /** Each pretraining corpus: windows and mean channels per window. */
  corpora?: Partial<Record<ModelModality, { windows: number; channels: number }>>;
  /**
   * The encoders a job takes from another run (--encoders RUN, the view's pretraining run): their
   * layers and width, read from that run's encoder files. The spec names none for them (config.json
   * names no layers the run's encoders do not have), and CBraMod's 12 were assumed: the quick try's
   * 1-layer, 40-wide encoders made a fine-tune's embeddings weigh 60× their cost in the bar and ETA.
   */
  encoders?: Partial<Record<ModelModality, Pick<EncoderConfig, 'nLayers' | 'dModel'>>>;
}

// Reference costs (seconds), fitted to the development machine's measured runs (docs/training.md:
// a 12-layer EEG pretraining step at batch 16 4.1–4.5 s, the first 21–35 s; the default recipe's
// evaluation ≈ 6 min; the quick recipe's stages). Rough by nature: they only set shares and the
// ETA of stages not yet measured.
const STEP_OVERHEAD_SEC = 0.1;
/** Forward + backward + AdamW of one window-channel through one 200-wide layer. */
const TRAIN_SEC_PER_CHANNEL_LAYER = 0.0012;
/** Forward only (embedding): about a third of a training step's work. */
const EMBED_SEC_PER_CHANNEL_LAYER = 0.0004;
const EMBED_SEC_PER_WINDOW = 0.01;
const jitSec = (layers: number) => 3 + 2 * layers;
const HEAD_FIT_OVERHEAD_SEC = 0.3;
const HEAD_EPOCH_SEC = (windows: number) => 0.02 + 0.00005 * windows;
const BASELINE_FOLD_SEC = (windows: number, features: number) => 0.1 + (0.003 * windows * features) / 193;
/**
 * One dataset of `recordings` recordings through the pipeline. Per recording, not per source: an
 * EEGMAT folder is one source of 24 files, and 2 + 3 s per source gave the quick recipe's 12
 * recordings 15 s, the default recipe's 77 30 s. Measured in CPU seconds (the load-free share of a
 * stage; 2026-11-27, quick recipe): the datasets 2.3 s, the rest of the run 10.7 s, where the priors
 * said 15 and 34 — so a run's pace, first taken from its datasets, was half what the later stages
 * showed, and the ETA after them half the time left (33 s said, 175 s to go on a loaded machine).
 */
const DATASET_SEC = (recordings: number) => 0.5 + 0.45 * recordings;
/** Recordings per source as the spec tells (an EEGMAT folder: its subjects' two files each). */
const EEGMAT_GUESS_SUBJECTS = 12; // the 12 of ../shared/data
const FOLDER_GUESS_RECORDINGS = 10;
const DREAMER_CLIPS = 23 * 18; // subjects × film clips
function recordingsOf(s: SourceSpec): number {
  switch (s.kind) {
    case 'eegmat':
      return 2 * (s.subjects?.length ?? EEGMAT_GUESS_SUBJECTS);
    case 'folder':
      return FOLDER_GUESS_RECORDINGS;
    case 'dreamer':
      return DREAMER_CLIPS;
    default:
      return 1;
  }
}
const EXPORT_SEC = 3;

/** The expected time to build one dataset (its recordings through the pipeline): its part of the datasets stage. */
function datasetPriorSec(d: DatasetSpec): number {
  return DATASET_SEC(d.sources.reduce((n, src) => n + recordingsOf(src), 0));
}

/**
 * Where each of the datasets a job builds in turn starts in the datasets stage and the part of it
 * it takes, by their priors: the job reports (start + share · i/n) for its i-th of n recordings.
 * Equal thirds made the quick try's 8 recordings as long as a corpus of 2, so the pace measured on
 * them (and the ETA after them) came out about twice too slow.
 */
export function datasetShares(specs: readonly DatasetSpec[]): { start: number; share: number }[] {
  const secs = specs.map(datasetPriorSec);
  const total = secs.reduce((a, b) => a + b, 0) || 1;
  let start = 0;
  return secs.map((x) => {
    const r = { start, share: x / total };
    start += r.share;
    return r;
  });
}

const GUESS = { windows: 574, subjects: 12, eegChannels: 19, ecgChannels: 1, corpusWindows: 500 };

function encoderWork(layers: number, dModel: number, channels: number): number {
  return channels * layers * (dModel / 200);
}

/**
 * The stages of a job with their prior costs (`phases`: the job's phases, in order; `done`: those a
 * resumed run finished, whose datasets it does not build again).
 */
export function jobStages(spec: JobSpec, phases: readonly JobPhase[], sizes: StageSizes = {}, done: readonly JobPhase[] = []): ProgressStage[] {
  const out: ProgressStage[] = [];
  const lab = sizes.labelled;
  const windows = lab?.windows ?? GUESS.windows;
  const subjects = lab?.subjects ?? GUESS.subjects;
  const channels = (m: ModelModality) => lab?.channels[m] ?? (m === 'eeg' ? GUESS.eegChannels : GUESS.ecgChannels);
  const enc = (m: ModelModality) => sizes.encoders?.[m] ?? spec.pretrain[m]?.encoder ?? spec.encoderConfig ?? CBRAMOD_ENCODER;
  const ft = spec.finetune;
  const ev = spec.evaluation;
  for (const phase of phases) {
    if (phase === 'datasets') {
      const open = (p: JobPhase) => phases.includes(p) && !done.includes(p);
      const specs = [open('evaluate') || open('final-fit') ? spec.dataset : null, open('pretrain-eeg') ? spec.corpora.eeg : null, open('pretrain-ecg') ? spec.corpora.ecg : null].filter((d) => d !== undefined && d !== null);
      out.push({ id: phase, priorSec: specs.reduce((s, d) => s + datasetPriorSec(d), 0) });
    } else if (phase === 'pretrain-ecg' || phase === 'pretrain-eeg') {
      const m: ModelModality = phase === 'pretrain-eeg' ? 'eeg' : 'ecg';
      const p = spec.pretrain[m]!;
      const c = sizes.corpora?.[m];
      const steps = p.maxSteps ?? p.epochs * Math.ceil((c?.windows ?? GUESS.corpusWindows) / p.batchSize);
      const ch = c?.channels ?? (m === 'eeg' ? GUESS.eegChannels : 2);
      const step = STEP_OVERHEAD_SEC + TRAIN_SEC_PER_CHANNEL_LAYER * p.batchSize * encoderWork(p.encoder.nLayers, p.encoder.dModel, ch);
      out.push({ id: phase, priorSec: jitSec(p.encoder.nLayers) + steps * step });
    } else if (phase === 'evaluate' && ft && ev) {
      const folds = ev.split.kind === 'kfold' ? ev.split.k : subjects;
      const trainWindows = windows * (1 - 1 / Math.max(2, folds));
      const sets = [...new Set(ev.arms.map((a) => a.modalities))];
      const eegFeatures = 10 * channels('eeg');
      const features = (s: string) => (s === 'fused' ? eegFeatures + 3 : s === 'eeg' ? eegFeatures : 3);
      const baselineSec = sets.reduce((s, set) => s + folds * BASELINE_FOLD_SEC(windows, features(set)), 0);
      if (ft.freeze === 'encoders') {
        const encoders = new Map(ev.arms.flatMap((a) => modalitiesOf(a.modalities).map((m) => [`${m}/${a.init}`, m] as const)));
        let embedSec = 0;
        for (const m of encoders.values()) {
          const e = enc(m);
          embedSec += 1 + e.nLayers + windows * (EMBED_SEC_PER_WINDOW + EMBED_SEC_PER_CHANNEL_LAYER * encoderWork(e.nLayers, e.dModel, channels(m)));
        }
        out.push({ id: 'evaluate:embeddings', priorSec: embedSec });
        out.push({ id: 'evaluate:folds', priorSec: ev.arms.length * folds * (HEAD_FIT_OVERHEAD_SEC + ft.epochs * HEAD_EPOCH_SEC(trainWindows)) });
      } else {
        // End to end: every epoch trains the encoders on the fold's training windows.
        const fitSec = (arm: { modalities: ModalitySet }) => {
          const work = modalitiesOf(arm.modalities).reduce((s, m) => s + encoderWork(enc(m).nLayers, enc(m).dModel, channels(m)), 0);
          return jitSec(enc('eeg').nLayers) + ft.epochs * (Math.ceil(trainWindows / ft.batchSize) * STEP_OVERHEAD_SEC + trainWindows * TRAIN_SEC_PER_CHANNEL_LAYER * work);
        };
        out.push({ id: 'evaluate:folds', priorSec: ev.arms.reduce((s, a) => s + folds * fitSec(a), 0) });
      }
      out.push({ id: 'evaluate:baseline', priorSec: baselineSec });
    } else if (phase === 'final-fit' && ft) {
      out.push({ id: phase, priorSec: HEAD_FIT_OVERHEAD_SEC + ft.epochs * HEAD_EPOCH_SEC(windows) });
    } else if (phase === 'export') {
      out.push({ id: phase, priorSec: EXPORT_SEC });
    }
  }
  return out;
}

/** The stage a job phase reports under ('evaluate' as a whole: its last part, the baseline). */
export function stageOf(phase: JobPhase, part?: EvalStage): string {
  return phase === 'evaluate' ? `evaluate:${part ?? 'baseline'}` : phase;
}

interface StageRun {
  id: string;
  /** When this process first heard of the stage, and how far it was then. */
  enteredMs: number;
  frac0: number;
  /** The first report after the stage's first unit of work (the jit compilation is in that unit). */
  firstMs: number | null;
  firstFrac: number;
  frac: number;
}

export interface ProgressEstimate {
  /** 0…1 over the whole job; never goes back. */
  fraction: number;
  /** Seconds left, or null while nothing has been measured yet. */
  etaSec: number | null;
}

/** Below this much measured time the machine's speed is not known yet: no ETA. */
const MIN_MEASURED_SEC = 2;

export class ProgressModel {
  private stages: ProgressStage[];
  private current: StageRun | null = null;
  /** Time measured in stages this process left, and the prior seconds of the progress they made. */
  private closedSec = 0;
  private closedPrior = 0;
  private lastFraction = 0;

  /**
   * `done`: stages a resumed run finished before this process: full in the bar, nothing left in the
   * ETA (the datasets are built again before them, and counted them as still to come).
   * `from`: where a resumed run's bar stood when it stopped (its status): the bar starts there. The
   * datasets are built again first, before the stage it stopped in, whose part done was not counted
   * until that stage resumed: a run paused at 39 % in its EEG pretraining went back to 12 %.
   */
  constructor(
    stages: ProgressStage[],
    private readonly nowMs: () => number = Date.now,
    private readonly done: ReadonlySet<string> = new Set(),
    from = 0,
  ) {
    this.stages = stages;
    this.lastFraction = Math.min(1, Math.max(0, Number.isFinite(from) ? from : 0));
  }

  /** New priors (the datasets' sizes are known): what was measured is kept. */
  replan(stages: ProgressStage[]): void {
    this.stages = stages;
  }

  /** Stage `id` is `frac` done (0…1). Stages before it count as done. */
  update(id: string, frac: number): ProgressEstimate {
    const now = this.nowMs();
    const f = Math.min(1, Math.max(0, Number.isFinite(frac) ? frac : 0));
    const idx = this.stages.findIndex((s) => s.id === id);
    if (idx < 0) return { fraction: this.lastFraction, etaSec: null };
    const cur = this.current;
    if (!cur || cur.id !== id) {
      if (cur) this.close(cur);
      this.current = { id, enteredMs: now, frac0: f, firstMs: null, firstFrac: f, frac: f };
    } else if (f > cur.frac) {
      if (cur.firstMs === null) {
        cur.firstMs = now;
        cur.firstFrac = f;
      }
      cur.frac = f;
    }
    const run = this.current!;
    const total = this.stages.reduce((s, x) => s + x.priorSec, 0) || 1;
    const before = this.stages.reduce((s, x, i) => s + (i < idx || (i > idx && this.done.has(x.id)) ? x.priorSec : 0), 0);
    const prior = this.stages[idx].priorSec;
    this.lastFraction = Math.max(this.lastFraction, Math.min(1, (before + prior * run.frac) / total));
    const fraction = this.lastFraction;
    if (idx === this.stages.length - 1 && run.frac >= 1) return { fraction: 1, etaSec: 0 };

    // The run's pace against the priors, from the stages this process finished: fixed while a stage
    // runs, so that the ETA falls with the clock through a steady stage (one slower than its prior,
    // as 12-layer embeddings, no longer drags the estimate of every later stage up with each second).
    // Before any stage has finished here, the current one's pace so far (after its first unit when
    // it has done more: the first carries the warm-up).
    const dt = (now - run.enteredMs) / 1000;
    const ownDf = run.firstMs === null ? 0 : run.frac - run.firstFrac;
    const ownSecPerStage = ownDf > 0 ? (now - run.firstMs!) / 1000 / ownDf : null;
    let k: number;
    if (this.closedSec >= MIN_MEASURED_SEC && this.closedPrior > 0) k = this.closedSec / this.closedPrior;
    else if (dt < MIN_MEASURED_SEC || !(run.frac > run.frac0) || prior <= 0) return { fraction, etaSec: null };
    else k = (ownSecPerStage ?? dt / (run.frac - run.frac0)) / prior;
    // The stage's own rate once it has done a unit after its first; until then its prior at the run's
    // pace, less the time already spent in it (a first unit compiling for seconds held the ETA still).
    const here = ownSecPerStage !== null ? ownSecPerStage * (1 - run.frac) : Math.max(0, Math.min(prior * (1 - run.frac) * k, prior * k - dt));
    const later = this.stages.slice(idx + 1).reduce((s, x) => s + (this.done.has(x.id) ? 0 : x.priorSec), 0) * k;
    return { fraction, etaSec: Math.max(0, Math.round(here + later)) };
  }

  private close(run: StageRun): void {
    const s = this.stages.find((x) => x.id === run.id);
    this.closedSec += (this.nowMs() - run.enteredMs) / 1000;
    this.closedPrior += (s?.priorSec ?? 0) * (run.frac - run.frac0);
  }
}
