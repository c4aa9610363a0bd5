// The shared part of `heartmind train | pretrain | evaluate`: dataset flags, the progress display
// (a redrawn bar on a terminal, plain lines otherwise), running a job in a worker thread of this
// process with Ctrl+C as "pause" (the run resumes with --resume), and the final report.
import { existsSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import { MAT_HEADER_BYTES, parseMat, peekVariableHead } from '../../shared/formats/mat/mat-parse';
import { resolve } from 'node:path';
import { CliUsageError, commandLine, intFlag, numberFlag, type CliIo } from '../core/cli-command';
import { defaultDataDir } from '../core/data-dir';
import { readFileBytes } from '../core/read-bytes';
import { CBRAMOD_ENCODER, encoderWithLayers, TASK_MENTAL_ARITHMETIC } from '../../shared/model/config';
import type { EncoderConfig, TaskSpec } from '../../shared/model/model.types';
import { importCbramodCheckpoint, parsePthStateDict } from '../model/pth-import';
import { ModelError, ModelErrorCode } from '../../shared/model/model-error';
import type { LabelSource, WindowingOptions } from '../../shared/datasets/windows.types';
import { montageNowhere, validateWindowing, type MontageSeen } from '../../shared/datasets/build-windows';
import { DatasetError, DREAMER_DEFAULT_THRESHOLD, DREAMER_EEG_CHANNELS, DREAMER_SCORE_MAX, DREAMER_SCORE_MIN, type DreamerDimension } from '../../shared/datasets/datasets.types';
import { dreamerTask } from '../../shared/datasets/dreamer-task';
import { dreamerShapeProblem, type DreamerShape } from '../../shared/datasets/dreamer';
import type { DatasetSpec, EncoderSource, JobSpec, RunResultSummary, SourceSpec } from '../../shared/train/job.types';
import { DEFAULT_FINETUNE, validateFinetune } from '../../shared/train/defaults';
import { MAX_SEED } from '../../shared/train/job-check';
import { foldSubjectsProblem, modalitiesOf } from '../../shared/train/trainable';
import { splitPathClass } from '../../shared/train/path-class';
import { labelClassProblems, sessionLabelProblems, sessionSignalProblem, specSourceClasses, type SessionLabels, type SourceClasses } from '../../shared/train/label-classes';
import { parseEegmatFileName } from '../../shared/datasets/eegmat';
import { TrainError, type EncoderInit, type FinetuneConfig, type ModalitySet, type SplitSpec } from '../../shared/train/train.types';
import { resumeRefusal } from '../../shared/train/resume-policy';
import type { ModelModality } from '../../shared/model/model.types';
import type { RunProgress } from '../../shared/train/train.types';
import { expandSource, listRecordings, readHead, recordingEegLabels, recordingFormatProblem } from './dataset-loader';
import { ENCODER_ARTIFACT, REPORT_ARTIFACT } from './job';
import { recordJobStop, TrainRun, type TrainRunEnd } from './job-runner';
import { previewInWorker } from './dataset-preview';
import { reportLines } from '../../shared/train/report-text';
import type { EvaluationReport } from '../../shared/train/train.types';
import { RUN_FILES, RunStore, type RunFolder } from './run-store';
import { DatabaseSession } from './cli-db';
export { DatabaseSession };
import { plural } from '../../shared/plural';

/**
 * Where run folders go: --out, else $HEARTMIND_RUNS_DIR, else <app data folder (--data-dir)>/runs.
 * The app's Training view lists runsRoot(undefined, its data folder): the same folder.
 */
export function runsRoot(out: string | undefined, dataDir?: string): string {
  return resolve(out ?? process.env.HEARTMIND_RUNS_DIR ?? resolve(dataDir ?? defaultDataDir(), 'runs'));
}

/** The --help line for runsRoot's rule, the same in every command that writes or reads runs. */
export const RUNS_DIR_USAGE = '  --out DIR               runs folder (default: $HEARTMIND_RUNS_DIR, else <data folder>/runs; the app lists the same folder)';

export const DATASET_FLAGS = {
  eegmat: { type: 'string' },
  file: { type: 'string', multiple: true },
  folder: { type: 'string', multiple: true },
  session: { type: 'string', multiple: true },
  dreamer: { type: 'string' },
  dimension: { type: 'string' },
  threshold: { type: 'string' },
  'last-seconds': { type: 'string' },
  task: { type: 'string' },
  labels: { type: 'string' },
  window: { type: 'string' },
  hop: { type: 'string' },
  mains: { type: 'string' },
  montage: { type: 'string' },
  subject: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

const WINDOWING_USAGE = [
  '  --window S --hop S      window length and hop in seconds (default 5 and 5)',
  '  --mains 50|60           notch frequency (default 50)',
  '  --montage auto|device|A,B,C   EEG channels and order (default auto: the 19 10-20 channels when present)',
];

export const DATASET_USAGE = [
  'dataset (one or more sources):',
  '  --eegmat DIR            PhysioNet EEGMAT files (SubjectNN_1/2.edf), labelled rest / arithmetic',
  '  --file PATH[=CLASS]     a recording (EDF/BDF, WFDB .hea, XDF); repeat for more. =CLASS gives all its',
  '                          windows that class of --task (with --labels file, the default when a class is given)',
  '  --folder DIR[=CLASS]    every recording in a folder (=CLASS: all of them that class)',
  '  --session ID            a recorded session of the app (repeat); --data-dir DIR picks the app data folder',
  '  --dreamer FILE          your DREAMER.mat, with --dimension valence|arousal|dominance (default arousal)',
  `                          [--threshold 4] (its scores run ${DREAMER_SCORE_MIN}–${DREAMER_SCORE_MAX}; a score ≥ threshold is high)`,
  '                          [--last-seconds S] (only the last S seconds of each film clip, e.g. 60 as some studies do)',
  '  --subject NAME          subject of --file/--folder recordings (default: the file\'s patient code or name)',
  '  --task NAME:NEG,POS     the binary task (default: arithmetic:rest,arithmetic for EEGMAT; DIMENSION:low,high for',
  '                          self-report labels and DREAMER)',
  '  --labels SPEC           file (each recording\'s own class: EEGMAT, DREAMER, --file PATH=CLASS)',
  '                          | annotations:TEXT=CLASS,... | self-report:DIMENSION:THRESHOLD',
  ...WINDOWING_USAGE,
].join('\n');

/** The dataset flags of pretraining, which reads no labels (no =CLASS, --task, --labels, --dimension, --threshold). */
export const CORPUS_USAGE = [
  'recordings (one or more sources; no labels are read):',
  '  --eegmat DIR            PhysioNet EEGMAT files (SubjectNN_1/2.edf)',
  '  --file PATH             a recording (EDF/BDF, WFDB .hea, XDF); repeat for more',
  '  --folder DIR            every recording in a folder',
  '  --session ID            a recorded session of the app (repeat); --data-dir DIR picks the app data folder',
  '  --dreamer FILE          your DREAMER.mat (every clip) [--last-seconds S: the last S seconds of each]',
  '  --subject NAME          subject of --file/--folder recordings (default: the file\'s patient code or name)',
  ...WINDOWING_USAGE,
].join('\n');

/** A seed: the generators take 32-bit seeds (MAX_SEED), so larger ones would alias smaller ones. */
export function seedFlag(v: string | undefined): number | undefined {
  return numberFlag(v, 'seed', { integer: true, min: 0, max: MAX_SEED });
}

/** A fraction in [0, 1) (mask ratios). */
export function ratioFlag(v: string | undefined, name: string): number | undefined {
  return numberFlag(v, name, { min: 0, below: 1 });
}

/** Which of `names` were given, as '--name'. */
export function flagsGiven(values: Record<string, unknown>, names: readonly string[]): string[] {
  return names.filter((k) => values[k] !== undefined && values[k] !== false).map((k) => `--${k}`);
}

/**
 * The given flags that `allowed` does not list, as '--name' (for "these flags do not apply"
 * messages: a flag the chosen mode ignores is refused, never dropped in silence).
 */
export function flagsOutside(values: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(values)
    .filter((k) => values[k] !== undefined && values[k] !== false && !allowed.includes(k))
    .map((k) => `--${k}`);
}

export function parseTask(v: string | undefined, dflt: TaskSpec): TaskSpec {
  if (!v) return dflt;
  const m = /^([a-z][a-z0-9_]*):([^,]+),([^,]+)$/.exec(v);
  if (!m) throw new CliUsageError(`--task must look like NAME:NEGATIVE,POSITIVE (e.g. arousal:low,high), got '${v}'`);
  return { name: m[1], kind: 'binary', classes: [m[2], m[3]] };
}

export function parseLabels(v: string | undefined, dflt: LabelSource): LabelSource {
  if (!v) return dflt;
  if (v === 'file') return { kind: v };
  if (v.startsWith('annotations:')) {
    const classes: Record<string, string> = {};
    for (const pair of v.slice(12).split(',')) {
      const [k, c] = pair.split('=');
      if (!k || !c) throw new CliUsageError(`--labels annotations: expects TEXT=CLASS pairs, got '${pair}'`);
      classes[k] = c;
    }
    return { kind: 'annotations', classes };
  }
  const sr = /^self-report:(valence|arousal|dominance):(.+)$/.exec(v);
  if (sr) return { kind: 'self-report', dimension: sr[1] as 'valence', threshold: numberFlag(sr[2], 'labels', { expect: `self-report:${sr[1]}:THRESHOLD with a number as THRESHOLD (e.g. 5)` })! };
  throw new CliUsageError(`--labels must be file, annotations:TEXT=CLASS,… or self-report:DIMENSION:THRESHOLD, got '${v}'`);
}

/**
 * `--file PATH=CLASS` / `--folder DIR=CLASS`: a recording's own label (for `--labels file`). The
 * suffix counts as a label only when it names one of the task's classes, so a path holding '=' still
 * works; an '=' suffix that is no class, on a path that does not exist, is refused naming the classes.
 */
function labelledPath(v: string, flag: 'file' | 'folder', classes: readonly string[] | null): { path: string; label?: string } {
  const split = splitPathClass(v, classes);
  const i = v.lastIndexOf('=');
  // Pretraining reads no labels: 'a.edf=rest' names a class, not a file (it read 'no such file a.edf=rest').
  if (!classes && i > 0 && !existsSync(v) && existsSync(v.slice(0, i))) throw new CliUsageError(`--${flag} '${v}': pretraining reads no labels; write --${flag} ${v.slice(0, i)}`);
  if (split.label !== undefined || !classes || i <= 0) return split;
  if (!existsSync(v)) throw new CliUsageError(`--${flag} '${v}': '${v.slice(i + 1)}' is not a class of the task (${classes.join(', ')}); write --${flag} PATH=CLASS`);
  return { path: v };
}

/** A DatasetSpec from the dataset flags, or null when none was given. Every flag is checked here, before any work. */
export function datasetFromFlags(v: Record<string, string | string[] | boolean | undefined>, opts: { modalities?: ('eeg' | 'ecg')[]; unlabelled?: boolean } = {}): DatasetSpec | null {
  const files = (v.file as string[] | undefined) ?? [];
  const folders = (v.folder as string[] | undefined) ?? [];
  const sessions = (v.session as string[] | undefined) ?? [];
  if (!v.eegmat && !v.dreamer && files.length + folders.length + sessions.length === 0) return null;
  // Flags of one kind of source, given without it, would be dropped in silence: refused, naming the source they need.
  const dreamerOnly = flagsGiven(v, ['dimension', 'threshold', 'last-seconds']);
  if (!v.dreamer && dreamerOnly.length) {
    const labelFlag = dreamerOnly.some((f) => f !== '--last-seconds');
    throw new CliUsageError(`${dreamerOnly.join(', ')} ${dreamerOnly.length === 1 ? 'applies' : 'apply'} only with --dreamer${labelFlag ? " (a session's self-reports take --labels self-report:DIMENSION:THRESHOLD)" : ''}`);
  }
  if (v.subject !== undefined && files.length + folders.length === 0) throw new CliUsageError('--subject names the subject of --file and --folder recordings, and none is given (EEGMAT, DREAMER and sessions carry their own subjects)');
  const subject = v.subject as string | undefined;
  const mainsFlag = v.mains as string | undefined;
  if (mainsFlag !== undefined && mainsFlag !== '50' && mainsFlag !== '60') throw new CliUsageError(`--mains must be 50 or 60, got '${mainsFlag}'`);
  const mains = mainsFlag === '60' ? 60 : 50;

  // The task and the label source first: `--file PATH=CLASS` is read against the task's classes.
  let task: TaskSpec | null = null;
  let labels: LabelSource = { kind: 'none' };
  const dim = (v.dimension as string | undefined) ?? 'arousal';
  if (v.dreamer) {
    if (!['valence', 'arousal', 'dominance'].includes(dim)) throw new CliUsageError(`--dimension must be valence, arousal or dominance, got '${dim}'`);
    task = dreamerTask(dim as DreamerDimension, numberFlag(v.threshold as string | undefined, 'threshold', { above: 0 }) ?? DREAMER_DEFAULT_THRESHOLD);
    labels = { kind: 'file' };
  }
  if (!opts.unlabelled) {
    if (v.eegmat && !task) {
      task = TASK_MENTAL_ARITHMETIC;
      labels = { kind: 'file' };
    }
    task = v.task ? parseTask(v.task as string, TASK_MENTAL_ARITHMETIC) : task;
    // Self-reports rate a dimension: its low / high is the task, as the Training view suggests (the
    // command asked for a --task that only restated the --labels).
    const rated = !task && typeof v.labels === 'string' ? parseLabels(v.labels, { kind: 'none' }) : null;
    if (rated?.kind === 'self-report') task = dreamerTask(rated.dimension, rated.threshold);
    if (!task) {
      // `--file a.edf=rest` alone: the class needs a task to belong to (the generic message asked for --labels too, which =CLASS implies).
      const classed = [...files, ...folders].find((f) => f.lastIndexOf('=') > 0);
      if (classed) throw new CliUsageError(`'${classed}' gives its recordings a class, and no --task says which classes there are: add --task NAME:NEG,POS naming '${classed.slice(classed.lastIndexOf('=') + 1)}' (e.g. --task arithmetic:rest,arithmetic)`);
      throw new CliUsageError('a labelled dataset needs --task NAME:NEG,POS and --labels');
    }
  }

  const sources: SourceSpec[] = [];
  const classes = opts.unlabelled ? null : task!.classes;
  if (v.eegmat) sources.push({ kind: 'eegmat', dir: resolve(v.eegmat as string) });
  const recordings: { flag: 'file' | 'folder'; raw: string; label?: string }[] = [];
  for (const [flag, list] of [['file', files], ['folder', folders]] as const) {
    for (const raw of list) {
      const { path, label } = labelledPath(raw, flag, classes);
      recordings.push({ flag, raw, label });
      const own = { ...(subject ? { subject } : {}), ...(label ? { label } : {}) };
      sources.push(flag === 'file' ? { kind: 'file', path: resolve(path), ...own } : { kind: 'folder', dir: resolve(path), ...own });
    }
  }
  for (const s of sessions) {
    sources.push({ kind: 'session', id: numberFlag(s, 'session', { integer: true, min: 1, expect: 'a session id' })! });
  }
  if (v.dreamer) {
    const lastSeconds = numberFlag(v['last-seconds'] as string | undefined, 'last-seconds', { above: 0 });
    sources.push({ kind: 'dreamer', path: resolve(v.dreamer as string), dimension: dim as 'arousal', threshold: numberFlag(v.threshold as string | undefined, 'threshold', { above: 0 }) ?? DREAMER_DEFAULT_THRESHOLD, ...(lastSeconds !== undefined ? { lastSeconds } : {}) });
  }

  if (!opts.unlabelled) {
    const labelled = recordings.find((r) => r.label !== undefined);
    // Recordings given their own class mean --labels file, unless another label source is asked for (then refused: one would be ignored).
    if (labelled && !v.labels) labels = { kind: 'file' };
    labels = parseLabels(v.labels as string | undefined, labels);
    if (labelled && labels.kind !== 'file') throw new CliUsageError(`--${labelled.flag} '${labelled.raw}' gives a recording its class, which only --labels file uses; --labels is '${v.labels as string}'`);
    if (labels.kind === 'none') throw new CliUsageError('a labelled dataset needs --labels (file, annotations:TEXT=CLASS,… or self-report:DIMENSION:THRESHOLD)');
    const bare = labels.kind === 'file' ? recordings.find((r) => r.label === undefined) : undefined;
    if (labels.kind === 'file' && sessions.length) throw new CliUsageError(`--labels file takes each recording's own class, and a recorded session (--session ${sessions[0]}) has none: label its windows from its markers with --labels annotations:TEXT=CLASS,… or from its SAM reports with --labels self-report:DIMENSION:THRESHOLD`);
    if (bare) {
      throw new CliUsageError(
        `--labels file takes each recording's own class, and --${bare.flag} '${bare.raw}' has none: write --${bare.flag} PATH=CLASS (CLASS: ${task!.classes.join(' or ')}), ` +
          'or label its windows from its annotations with --labels annotations:TEXT=CLASS,…',
      );
    }
  }

  const montageFlag = v.montage as string | undefined;
  const windowSec = intFlag(v.window as string | undefined, 'window') ?? 5;
  const windowing: WindowingOptions = {
    windowSec,
    hopSec: numberFlag(v.hop as string | undefined, 'hop', { above: 0, expect: 'a positive number of seconds' }) ?? windowSec,
    eegMontage: !montageFlag || montageFlag === 'auto' ? 'auto' : montageFlag === 'device' ? 'device' : montageFlag.split(',').map((c) => c.trim()),
    ecgMontage: 'device',
    mainsHz: mains,
    modalities: opts.modalities ?? ['eeg', 'ecg'],
    require: opts.unlabelled ? 'any' : 'all',
  };
  if (Array.isArray(windowing.eegMontage) && windowing.eegMontage.some((c) => !c)) throw new CliUsageError(`--montage must be auto, device or channel names A,B,C, got '${montageFlag}'`);
  try {
    validateWindowing(windowing);
  } catch (e) {
    if (e instanceof DatasetError) throw new CliUsageError(`--window ${windowSec} --hop ${windowing.hopSec}: ${e.message}`);
    throw e;
  }
  const name = sources.map((s) => (s.kind === 'eegmat' ? 'EEGMAT' : s.kind === 'session' ? `session ${s.id}` : s.kind === 'dreamer' ? `DREAMER ${s.dimension}${s.lastSeconds ? ` (last ${s.lastSeconds} s of each clip)` : ''}` : s.kind === 'file' ? s.path.split(/[\\/]/).pop() : s.dir.split(/[\\/]/).pop())).join(' + ');
  return { name, sources, task: opts.unlabelled ? null : task, labels: opts.unlabelled ? { kind: 'none' } : labels, windowing };
}

/** --split: subject-wise folds (default leave-one-subject-out). */
export function parseSplit(v: string | undefined): SplitSpec {
  if (!v || v === 'loso') return { kind: 'loso' };
  const m = /^kfold:(\d+)$/.exec(v);
  if (!m || Number(m[1]) < 2) throw new CliUsageError(`--split must be loso or kfold:K (K ≥ 2), got '${v}'`);
  return { kind: 'kfold', k: Number(m[1]) };
}

/** --encoders: a run's pretrained encoders, a CBraMod .pth checkpoint, or random (default). */
export function parseEncoderSource(v: string | undefined): EncoderSource {
  if (!v || v === 'random') return { kind: 'random' };
  if (/\.pth$/i.test(v)) return { kind: 'pth', path: resolve(v) };
  return { kind: 'run', runId: v };
}

/** --freeze: head only on cached embeddings (default) or end to end. */
export function parseFreeze(v: string | undefined): FinetuneConfig['freeze'] {
  if (v === undefined) return 'encoders';
  if (v !== 'encoders' && v !== 'none') throw new CliUsageError(`--freeze must be encoders or none, got '${v}'`);
  return v;
}

/**
 * --layers: the encoders' criss-cross layers (default CBraMod's). `enc`: where the encoders come
 * from; a run's encoders bring their own layers, so --layers with --encoders RUN_ID is refused
 * (it was dropped without a word).
 */
export function encoderConfigFromFlags(v: { layers?: string }): EncoderConfig;
/** With encoders from a run: none (undefined), so that config.json does not name layers the run's encoders do not have. */
export function encoderConfigFromFlags(v: { layers?: string }, enc: EncoderSource): EncoderConfig | undefined;
export function encoderConfigFromFlags(v: { layers?: string }, enc?: EncoderSource): EncoderConfig | undefined {
  if (v.layers !== undefined && enc?.kind === 'run') throw new CliUsageError(`--layers does not apply with --encoders ${enc.runId}: that run's encoders bring their own layers`);
  if (enc?.kind === 'run') return undefined;
  const layers = intFlag(v.layers, 'layers');
  return layers ? encoderWithLayers(layers) : { ...CBRAMOD_ENCODER };
}

/**
 * The fine-tuning config of `train DATASET` and `evaluate` (--freeze, --epochs, --batch over the
 * defaults and `own`), checked now: before minutes of dataset building and embedding.
 */
/** --class-weight: the loss weighs each class by n / (2·n_c) (balanced, the default) or alike. */
export function parseClassWeight(v: string | undefined): FinetuneConfig['classWeight'] {
  if (v === undefined) return DEFAULT_FINETUNE.classWeight;
  if (v !== 'balanced' && v !== 'none') throw new CliUsageError(`--class-weight must be balanced or none, got '${v}'`);
  return v;
}

/** The learning-rate flags' usage line (train and evaluate): the rates are given at the reference batch and scaled, as the config stores them. */
export const LR_USAGE = [
  `  --head-lr R --encoder-lr R   AdamW learning rates of the head and of the encoders at batch ${DEFAULT_FINETUNE.referenceBatch}, both`,
  `                          scaled by √(batch / ${DEFAULT_FINETUNE.referenceBatch}) (default ${DEFAULT_FINETUNE.headLr} and ${DEFAULT_FINETUNE.backboneLr}, CBraMod's); --encoder-lr only with --freeze none`,
].join('\n');

/** A learning rate flag: a number in (0, 1) (5e-4 as written in papers is taken). */
const lrFlag = (raw: string | undefined, name: string) => numberFlag(raw, name, { above: 0, below: 1 });

export function finetuneFromFlags(v: { freeze?: string; epochs?: string; batch?: string; 'class-weight'?: string; 'head-lr'?: string; 'encoder-lr'?: string }, task: TaskSpec, own: Partial<FinetuneConfig> = {}): FinetuneConfig {
  const freeze = parseFreeze(v.freeze);
  // Frozen encoders take no optimiser step: their rate would be recorded in config.json and used nowhere.
  if (v['encoder-lr'] !== undefined && freeze === 'encoders') throw new CliUsageError('--encoder-lr applies only with --freeze none: with the encoders frozen (the default) only the head trains (--head-lr)');
  const finetune: FinetuneConfig = {
    ...DEFAULT_FINETUNE,
    ...own,
    task,
    freeze,
    classWeight: parseClassWeight(v['class-weight']),
    epochs: intFlag(v.epochs, 'epochs') ?? DEFAULT_FINETUNE.epochs,
    batchSize: intFlag(v.batch, 'batch') ?? DEFAULT_FINETUNE.batchSize,
    headLr: lrFlag(v['head-lr'], 'head-lr') ?? DEFAULT_FINETUNE.headLr,
    backboneLr: lrFlag(v['encoder-lr'], 'encoder-lr') ?? DEFAULT_FINETUNE.backboneLr,
  };
  checkConfig(() => validateFinetune(finetune));
  return finetune;
}

/** Where a problem of a job's inputs comes from: a source, or the dataset's label source. */
export type InputOrigin = SourceSpec | { kind: 'labels' } | { kind: 'split' } | { kind: 'montage' };

const SOURCE_FLAG: Record<InputOrigin['kind'], string> = { eegmat: '--eegmat', file: '--file', folder: '--folder', dreamer: '--dreamer', session: '--session', labels: '--labels', split: '--split', montage: '--montage' };

/** The MAT-file data type of a zlib-compressed element (miCOMPRESSED). */
const MI_COMPRESSED = 15;
/** Compressed bytes inflated to read a variable's name and a struct's field names (they come first in it). */
const MAT_PEEK_BYTES = 16 * 1024;

/**
 * A MAT-file whose header is sound, walked by its top-level element tags (8 bytes each, DREAMER.mat
 * has one) without reading the whole file. `cut`: why it ends before its variables do, or null — each
 * declared size is checked against the file's: a DREAMER.mat cut short (an interrupted download or
 * copy) made a run folder and failed it with "the element at offset 128 declares … bytes but only …
 * remain"; said now, before any folder. `shape`: each variable's class and, for a struct, its field
 * names, from its first bytes (inflating at most 16 KiB of a compressed one): a MAT-file that is not
 * DREAMER.mat (another study's export) made a run folder and failed it once the whole file was read.
 * Null where the peek cannot tell (an element laid out otherwise): the full read says what is wrong then.
 */
async function matOutline(path: string, size: number): Promise<{ cut: string | null; shape: DreamerShape | null }> {
  const fh = await open(path, 'r');
  try {
    const tag = new Uint8Array(8);
    await fh.read(tag, 0, 2, 126);
    const le = String.fromCharCode(tag[0], tag[1]) === 'IM';
    const view = new DataView(tag.buffer);
    let shape: DreamerShape | null = { variables: new Map() };
    let pos = MAT_HEADER_BYTES;
    while (size - pos >= 8) {
      await fh.read(tag, 0, 8, pos);
      const type = view.getUint32(0, le);
      const declared = view.getUint32(4, le);
      if (declared > size - pos - 8) {
        return { cut: `${path} ends early: it is ${size} bytes, but its variable at offset ${pos} declares ${declared} bytes after its tag, ${pos + 8 + declared - size} more than the file holds (an interrupted download or copy? fetch the file again)`, shape: null };
      }
      if (shape) shape = await peekVariable(fh, pos, type, declared, tag, le, shape).catch(() => null);
      // Compressed elements carry no padding; the others are padded to 8 bytes (as parseMat reads them).
      pos += 8 + (type === MI_COMPRESSED ? declared : declared + ((8 - (declared % 8)) % 8));
    }
    return { cut: null, shape };
  } finally {
    await fh.close();
  }
}

/** `shape` with the variable at `pos` (its 8-byte tag in `tag`) added, or null where its first bytes do not tell. */
async function peekVariable(fh: FileHandle, pos: number, type: number, declared: number, tag: Uint8Array, le: boolean, shape: DreamerShape): Promise<DreamerShape | null> {
  const raw = new Uint8Array(Math.min(declared, MAT_PEEK_BYTES));
  await fh.read(raw, 0, raw.length, pos + 8);
  let head: Uint8Array;
  if (type === MI_COMPRESSED) {
    try {
      head = new Uint8Array(inflateSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 64 * MAT_PEEK_BYTES }));
    } catch {
      return null;
    }
  } else {
    // An uncompressed miMATRIX: its tag and the start of its data.
    head = new Uint8Array(8 + raw.length);
    head.set(tag);
    head.set(raw, 8);
  }
  const v = peekVariableHead(head, le);
  if (!v) return null;
  shape.variables.set(v.name, { mxClass: v.mxClass, fields: v.fields });
  return shape;
}

/**
 * Why a source cannot be read as it is (no such file, a file where a folder is needed, no EEGMAT
 * files), or null. Stats and one folder listing: cheap. An EEGMAT folder's listing also tells which
 * classes its files give and whose they are (`eegmat`, for the one-class and subject-count checks).
 */
async function sourceProblem(s: SourceSpec, eegmat: Map<SourceSpec, { classes: SourceClasses; subjects: string[] }>): Promise<string | null> {
  if (s.kind === 'session') return null; // its labels are checked below (sessionLabels); its signals are read when the run starts
  const path = s.kind === 'file' || s.kind === 'dreamer' ? s.path : s.dir;
  const want = s.kind === 'file' || s.kind === 'dreamer' ? 'file' : 'folder';
  const st = await stat(path).catch(() => null);
  if (!st) return `no such ${want} ${path}`;
  if (want === 'file' ? !st.isFile() : !st.isDirectory()) return `${path} is not a ${want}`;
  if (s.kind === 'dreamer') {
    // The MAT-file header, read now (128 bytes): a file that is no MATLAB v5 file (garbage, v4, v7.3)
    // is refused before a run folder is made. Its DREAMER structure is checked when it is read.
    try {
      parseMat(await readHead(path, MAT_HEADER_BYTES), path);
    } catch (e) {
      return (e as Error).message;
    }
    const { cut, shape } = await matOutline(path, st.size);
    if (cut) return cut;
    const problem = shape && dreamerShapeProblem(shape);
    if (problem) return `${path.split(/[\\/]/).pop()} is not the DREAMER structure: ${problem}`;
  }
  if (s.kind === 'file') return recordingFormatProblem(path);
  if (s.kind === 'folder') {
    // A folder of no recording at all (a typo, the wrong folder) fails the run once it starts; one that holds some is built, the others reported.
    const paths = await listRecordings(path).catch(() => []);
    if (paths.length === 0) return `no recording in ${path} (EDF/BDF, WFDB .hea, XDF, OpenBCI GUI text, BrainFlow CSV, HeartMind CSV files)`;
    let first: string | null = null;
    for (const p of paths) {
      const problem = await recordingFormatProblem(p);
      if (!problem) return null;
      first ??= problem;
    }
    return `no recording HeartMind reads in ${path}${paths.length > 1 ? ` (none of its ${paths.length} .edf/.bdf/.hea/.xdf/.csv/.txt files; the first: ${first})` : `: ${first}`}`;
  }
  if (s.kind === 'eegmat') {
    try {
      const files = await expandSource(s, new Map());
      eegmat.set(s, { classes: { classes: [...new Set(files.map((f) => parseEegmatFileName(f.id).task))], sure: true }, subjects: files.map((f) => f.subject) });
    } catch (e) {
      return (e as Error).message;
    }
  }
  return null;
}

/**
 * Why dataset or corpus `d`'s EEG montage, given by name, cannot be cut: a channel that none of its
 * recordings has (build-windows.ts montageNowhere, in its words), judged from the recordings'
 * headers (EDF/BDF, WFDB .hea), the sessions' stream rows (`sessionEeg`) and DREAMER's fixed
 * Emotiv channels. Null when each named channel is in some recording, when no montage is given by
 * name, or when a recording's channels cannot be told without reading it whole (XDF, CSV): the build
 * checks those.
 */
async function montageProblem(d: DatasetSpec, sessionEeg: (id: number) => string[] | undefined): Promise<string | null> {
  if (!d.windowing.modalities.includes('eeg')) return null;
  const seen: MontageSeen[] = [];
  for (const s of d.sources) {
    const own = 'eegMontage' in s && s.eegMontage ? s.eegMontage : d.windowing.eegMontage;
    if (!Array.isArray(own)) continue;
    let labels: (string[] | null)[];
    if (s.kind === 'session') labels = [sessionEeg(s.id) ?? null];
    else if (s.kind === 'dreamer') labels = [[...DREAMER_EEG_CHANNELS]];
    else {
      const paths = s.kind === 'file' ? [s.path] : s.kind === 'folder' ? await listRecordings(s.dir).catch(() => null) : await expandSource(s, new Map()).then((f) => f.map((x) => x.file!), () => null);
      if (!paths) return null;
      labels = [];
      for (const p of paths) labels.push(await recordingEegLabels(p));
    }
    for (const l of labels) {
      if (l === null) return null;
      if (l.length) seen.push({ montage: own, eegLabels: l });
    }
  }
  return montageNowhere(seen);
}

/**
 * The inputs a job reads, checked before its run folder is made (a run folder is a started run;
 * a typo in a path must not leave a failed one behind): every file and folder of its datasets and
 * pretraining corpora, and the encoders it starts from (a .pth file, a run in `store`).
 * `where(source)` names the flag a source came from in the message. `sessionLabels(id)` reads what a
 * recorded session holds to label windows with (the recordings database); without it sessions are
 * not checked.
 */
export async function checkJobInputs(spec: JobSpec, store: RunStore, where: (s: InputOrigin) => string = (s) => SOURCE_FLAG[s.kind], sessionLabels?: (id: number) => Promise<SessionLabels>): Promise<void> {
  // Problems by the flag they come from, each once (the recipes read EEGMAT for the dataset and both corpora).
  const problems = new Map<string, Set<string>>();
  const add = (flag: string, p: string) => problems.set(flag, (problems.get(flag) ?? new Set()).add(p));
  const eegmat = new Map<SourceSpec, { classes: SourceClasses; subjects: string[] }>();
  // The labelled dataset and the pretraining corpora, each once (a job may name one spec for several).
  const datasets = [...new Set([spec.dataset, spec.corpora.eeg, spec.corpora.ecg])].filter((x): x is DatasetSpec => !!x);
  for (const d of datasets) {
    for (const s of d.sources) {
      const p = await sourceProblem(s, eegmat);
      if (p) add(where(s), p);
    }
  }
  // A labelled dataset whose labels can give one class only (every file given 'rest', an EEGMAT folder of rest files).
  const d = spec.dataset;
  if (d && (spec.finetune || spec.evaluation)) {
    for (const p of labelClassProblems(d, (s) => eegmat.get(s)?.classes ?? specSourceClasses(s))) add(where({ kind: 'labels' }), p);
  }
  // Every session a dataset or corpus names must be in the database (a pretraining corpus's typo made
  // a run folder that failed at once) and hold the signals its windows are cut from (a session of
  // markers only made a run that failed with 'no usable windows'); those of a labelled dataset must
  // also be able to label a window under the label source (a self-report, a marker naming a class):
  // else the run fails once every window is built.
  const held = new Map<number, SessionLabels | null>();
  if (sessionLabels) {
    for (const dd of datasets) {
      for (const s of dd.sources) {
        if (s.kind !== 'session' || held.has(s.id)) continue;
        try {
          held.set(s.id, await sessionLabels(s.id));
        } catch (e) {
          held.set(s.id, null);
          add(where(s), (e as Error).message);
        }
      }
    }
    for (const dd of datasets) {
      for (const s of dd.sources) {
        const p = s.kind === 'session' && held.get(s.id) ? sessionSignalProblem(dd, held.get(s.id)!) : null;
        if (p) add(where(s), p);
      }
    }
    if (d && (spec.finetune || spec.evaluation)) {
      const mine = d.sources.flatMap((s) => (s.kind === 'session' && held.get(s.id) ? [held.get(s.id)!] : []));
      for (const p of sessionLabelProblems(d, mine)) add(where({ kind: 'labels' }), p);
    }
  }
  // A montage channel given by name that no recording has (a typo: 'Cx'), from the recordings'
  // headers: the build refuses it too, but only once the run folder is made and every file is read.
  for (const dd of datasets) {
    const p = await montageProblem(dd, sessionLabels ? (id) => held.get(id)?.eegChannels : () => undefined);
    if (p) add(where({ kind: 'montage' }), p);
  }
  // Too few subjects for the split, where the listing names them all (EEGMAT folders): else it fails after the dataset is built.
  if (d && spec.evaluation && d.sources.length && d.sources.every((s) => eegmat.has(s))) {
    const n = new Set(d.sources.flatMap((s) => eegmat.get(s)!.subjects)).size;
    const p = foldSubjectsProblem(spec.evaluation, n, d.sources.length === 1 ? 'the EEGMAT folder' : 'the EEGMAT folders');
    if (p) add(where({ kind: 'split' }), p);
  }
  for (const m of ['eeg', 'ecg'] as const) {
    const e = spec.encoders[m];
    if (e?.kind === 'pth') {
      const p = await checkpointProblem(e.path, spec.pretrain[m]?.encoder ?? spec.encoderConfig ?? CBRAMOD_ENCODER);
      if (p) add(spec.kind === 'recipe' ? '--eeg-checkpoint' : '--encoders', p);
    }
    if (e?.kind === 'run') {
      if (!(await store.exists(e.runId))) add('--encoders', `no run '${e.runId}' in ${store.root} (give a pretraining run's id, a CBraMod FILE.pth or random)`);
      else if (needsPretrained(spec, m) && !existsSync(store.folder(e.runId).path(RUN_FILES.artifacts, ENCODER_ARTIFACT(m)))) add('--encoders', `run '${e.runId}' has no pretrained ${m.toUpperCase()} encoder (pretrain one with heartmind pretrain --modality ${m}, or evaluate ${m.toUpperCase()} from random init)`);
    }
  }
  // An arm that starts from pretrained encoders needs one for each of its modalities (else it fails after the embeddings).
  for (const arm of pretrainedArms(spec)) {
    for (const m of modalitiesOf(arm.modalities)) {
      const e = spec.encoders[m];
      if (e && e.kind !== 'random') continue;
      const why = spec.encoders.eeg?.kind === 'pth' && m === 'ecg' ? 'a CBraMod .pth holds the EEG encoder only' : 'the encoders are random';
      const other = spec.kind === 'evaluate' ? `leave it out of --arms or write ${arm.modalities}/random` : m === 'ecg' ? '--modalities eeg' : '--modalities ecg';
      add('--encoders', `the ${arm.modalities}/pretrained arm needs a pretrained ${m.toUpperCase()} encoder, and ${why}: give --encoders RUN_ID of a run that pretrained it, or ${other}`);
    }
  }
  if (problems.size) throw new CliUsageError([...problems].map(([flag, ps]) => `${flag}: ${[...ps].join('; ')}`).join('; '));
}

/**
 * checkJobInputs for a command: recorded sessions are read from `db` (the recordings database of
 * --data-dir, opened only when the dataset names sessions), which the command then hands to
 * runInProcess and closes when it ends.
 */
export async function checkCommandInputs(spec: JobSpec, store: RunStore, db: DatabaseSession, where?: (s: InputOrigin) => string): Promise<void> {
  await checkJobInputs(spec, store, where, (id) => db.labelsOf(id));
}

/**
 * What keeps a CBraMod .pth from becoming the encoder, found now (an instant read) rather than
 * after the ECG pretraining that comes first in a recipe (minutes): the importer's own message.
 */
async function checkpointProblem(path: string, encoder: EncoderConfig): Promise<string | null> {
  let bytes: Uint8Array;
  try {
    if (!(await stat(path)).isFile()) return `no such file ${path}`;
    bytes = await readFileBytes(path);
  } catch {
    return `no such file ${path}`;
  }
  try {
    importCbramodCheckpoint(bytes, encoder);
    return null;
  } catch (err) {
    const k = checkpointLayers(err, bytes);
    // A layer count that differs explains a key list of hundreds at once.
    const hint = k !== null && k !== encoder.nLayers ? `; the checkpoint has ${plural(k, 'layer')} and the encoder ${encoder.nLayers}: give --layers ${k}` : '';
    return `${path}: ${(err as Error).message}${hint}`;
  }
}

/** How many criss-cross layers a checkpoint that does not fit holds (its keys encoder.layers.N.…), or null when that is not why. */
function checkpointLayers(err: unknown, bytes: Uint8Array): number | null {
  if (!(err instanceof ModelError) || err.code !== ModelErrorCode.KeysMismatch) return null;
  const layers = new Set<number>();
  for (const key of parsePthStateDict(bytes).keys()) {
    const m = /(?:^|\.)encoder\.layers\.(\d+)\./.exec(key);
    if (m) layers.add(Number(m[1]));
  }
  return layers.size ? Math.max(...layers) + 1 : null;
}

/** The arms (and the final fit) a job trains from pretrained encoders. */
function pretrainedArms(spec: JobSpec): { modalities: ModalitySet; init: EncoderInit }[] {
  const arms = [...(spec.evaluation?.arms ?? [])];
  if (spec.finalFit && spec.finetune) arms.push({ modalities: spec.finetune.modalities, init: spec.finetune.init });
  return arms.filter((a) => a.init === 'pretrained');
}

function needsPretrained(spec: JobSpec, m: ModelModality): boolean {
  return pretrainedArms(spec).some((a) => modalitiesOf(a.modalities).includes(m));
}

/** Converts a config validator's TrainError into a usage error (the flags were already parsed; what is left is a combination). */
export function checkConfig(validate: () => void): void {
  try {
    validate();
  } catch (e) {
    if (e instanceof TrainError) throw new CliUsageError(e.message);
    throw e;
  }
}

function fmtDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

/** Where the bar is drawn: process.stdout, or a stand-in in tests. */
export interface ProgressTerminal {
  isTTY?: boolean;
  /** Columns; 0 or absent when the terminal does not say (a pty without a size, under `script`). */
  columns?: number;
  write(text: string): unknown;
}

/** The bar's width, never below 2: a terminal that reports 0 columns made the bar throw and failed the run. */
function columnsOf(term: ProgressTerminal): number {
  return term.columns && term.columns > 1 ? term.columns : 100;
}

/** The progress display: a redrawn bar on a TTY, a plain line every 10 s (and on each new phase) otherwise. */
export class ProgressDisplay {
  private lastLine = 0;
  private lastPhase = '';
  private drawn = false;
  private readonly tty: boolean;
  constructor(
    private readonly io: CliIo,
    private readonly term: ProgressTerminal = process.stdout,
  ) {
    this.tty = !!term.isTTY;
  }

  update(p: RunProgress): void {
    const pct = `${(p.fraction * 100).toFixed(1).padStart(5)}%`;
    const eta = p.etaSec === null ? '' : ` ETA ${fmtDuration(p.etaSec)}`;
    if (this.tty) {
      const width = 28;
      const fill = Math.min(width, Math.max(0, Math.round(p.fraction * width) || 0));
      const cols = columnsOf(this.term);
      const line = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${pct}${eta}  ${p.message}`;
      this.term.write(`\r${line.slice(0, cols - 1).padEnd(cols - 1)}`);
      this.drawn = true;
      return;
    }
    const now = Date.now();
    if (p.phase !== this.lastPhase || now - this.lastLine > 10_000) {
      this.lastLine = now;
      this.lastPhase = p.phase;
      this.io.out(`${pct}${eta}  ${p.message}`);
    }
  }

  /** A log line: printed above the bar. */
  line(text: string): void {
    if (this.tty && this.drawn) this.term.write(`\r${' '.repeat(columnsOf(this.term) - 1)}\r`);
    this.io.out(text);
  }

  done(): void {
    if (this.tty && this.drawn) this.term.write('\n');
    this.drawn = false;
  }
}

/**
 * The flags that find a run of `runsDir` again from another command (`train --resume`, `--encoders
 * RUN`): the data folder and the runs folder, each named when not the default, as absolute paths.
 */
export function runFolderFlags(runsDir: string, dataDir: string | undefined): string[] {
  return [...(dataDir ? ['--data-dir', resolve(dataDir)] : []), ...(resolve(runsDir) === runsRoot(undefined, dataDir) ? [] : ['--out', resolve(runsDir)])];
}

/** The command that resumes a run in `folder`, to paste (paths with spaces quoted: commandLine). */
function resumeCommand(folder: RunFolder, dataDir: string | undefined): string {
  return commandLine(['heartmind', 'train', '--resume', folder.id, ...runFolderFlags(resolve(folder.dir, '..'), dataDir)]);
}

/**
 * Runs (or resumes) a run folder's job from this process, in a training worker thread (TrainRun) so
 * that signals are answered at once: the job may compute for minutes without turning an event loop.
 * Ctrl+C pauses at the next step (a checkpoint first); a second Ctrl+C, SIGTERM or SIGHUP stop now.
 * `db`: the recordings database the command already opened to check the dataset's sessions (read
 * here for --session, then closed); else the one of `dataDir` (--data-dir), opened only when needed.
 */
export async function runInProcess(folder: RunFolder, io: CliIo, opts: { userModelsDir?: string; dataDir?: string; verbose?: boolean; db?: DatabaseSession } = {}): Promise<number> {
  const display = new ProgressDisplay(io);
  let run: TrainRun | null = null;
  let pausing = false;
  let stopping = false;
  // Stops at once: the thread first (terminate() ends it even mid-step), then the state is written
  // synchronously and the process exits, so no write of the job's lands after it. The job's files
  // are written whole or not at all (run-store.ts): the run resumes from its last checkpoint.
  const stopNow = (state: 'interrupted' | 'cancelled', message: string, code: number) => {
    if (stopping) return;
    stopping = true;
    display.done();
    const exit = () => {
      try {
        folder.markStoppedSync(message, state);
      } catch {
        // The folder cannot be written (disk gone): the app marks a dead 'running' run interrupted when it lists it.
      }
      io.err(`${message}. Resume with: ${resumeCommand(folder, opts.dataDir)}`);
      process.exit(code);
    };
    // A thread that does not stop within 2 s (inside a native call) must not hold the exit.
    const ended = run ? run.terminate() : Promise.resolve();
    void Promise.race([ended, new Promise<void>((r) => setTimeout(r, 2000).unref())]).then(exit, exit);
  };
  const onSigint = () => {
    if (pausing) return stopNow('cancelled', 'cancelled (Ctrl+C twice); the checkpoints written stay', 130);
    pausing = true;
    run?.request('pause');
    display.line('pausing at the next step (a checkpoint is written); Ctrl+C again stops at once…');
  };
  // SIGTERM / SIGHUP (a service stop, a closed terminal) want the process gone now: the run is
  // marked interrupted — as the app marks a run its exit cut off — and stays resumable.
  const onSigterm = () => stopNow('interrupted', 'interrupted (SIGTERM); resume continues from the last checkpoint', 143);
  const onSighup = () => stopNow('interrupted', 'interrupted (SIGHUP); resume continues from the last checkpoint', 129);
  // The output's reader went away (cli.ts emits SIGPIPE on EPIPE): nobody follows the run here any more.
  const onSigpipe = () => stopNow('interrupted', 'interrupted (its output was closed); resume continues from the last checkpoint', 141);
  const handlers = [
    ['SIGINT', onSigint],
    ['SIGTERM', onSigterm],
    ['SIGHUP', onSighup],
    ['SIGPIPE', onSigpipe],
  ] as const;
  for (const [signal, handler] of handlers) process.on(signal, handler);
  // Once the job has ended there is nothing to pause or mark: a signal then ends the process as it
  // would any other (a Ctrl+C during the summary said 'cancelled' of a finished run).
  const detach = () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
  const db = opts.db ?? new DatabaseSession(opts.dataDir);
  try {
    let end: TrainRunEnd;
    try {
      const sessions = await db.feedsFor(await folder.readConfig());
      await db.close(); // the worker gets its own copy of every session's signals
      run = new TrainRun(
        { storeRoot: resolve(folder.dir, '..'), runId: folder.id, userModelsDir: opts.userModelsDir, sessions: [...sessions.values()], liveFiles: true }, // liveFiles: an app beside it follows the run through its files (run-watch.ts)
        {
          backend: (name) => display.line(`run ${folder.id} in ${folder.dir}, on jax-js ${name}`),
          event: (ev) => {
            if (ev.type === 'progress') display.update(ev.progress);
            else if (ev.type === 'log' && (opts.verbose || !/^ {2}|epoch \d+:/.test(ev.message) || ev.level === 'warn')) display.line(`${ev.level === 'warn' ? 'warning: ' : ''}${ev.message}`);
          },
        },
      );
      if (pausing) run.request('pause');
      end = await run.end;
      await run.terminate();
    } catch (e) {
      const err = e as Error & { code?: string };
      end = { kind: 'stopped', error: { code: err.code ?? 'error', message: err.message }, progress: null };
    }
    // Stopping at once: the exit is on its way; nothing more is written here.
    if (stopping) return await new Promise<number>(() => undefined);
    detach();
    display.done();
    if (end.kind === 'done') {
      await printSummary(io, end.summary, folder);
      return 0;
    }
    const error = end.kind === 'stopped' ? end.error : { code: 'error', message: end.error.message };
    const rec = await recordJobStop(folder, error, end.kind === 'stopped' ? end.progress : null);
    const state = rec?.status.state ?? 'failed';
    if (state === 'paused') {
      io.out(`paused: ${error.message}. Resume with: ${resumeCommand(folder, opts.dataDir)}`);
      return 130;
    }
    io.err(`${state}: ${error.message}`);
    // Wherever a resume can help (a full disk once it has room, a file back in place, a worker that
    // died, a cancel), the command that does it; where it cannot (a run that failed on its input or
    // settings), why, as the Training view and --resume say: one rule, resumeRefusal.
    if (rec) {
      const refusal = resumeRefusal(rec.status);
      io.err(refusal ? `(${refusal})` : `Resume with: ${resumeCommand(folder, opts.dataDir)}`);
    }
    if (rec?.writeProblem) io.err(`(its status.json still reads 'running': ${rec.writeProblem}; the app lists the run as interrupted once this process has exited)`);
    return state === 'cancelled' ? 130 : 1;
  } finally {
    detach();
    await db.close();
  }
}

/**
 * `--preview`: builds the dataset through the pipeline (in the training worker, as the Training
 * view's Preview) and prints what training would get — windows per class, subjects, the recordings
 * worth a look, and whether fine-tuning on `modalities` with its subject-wise evaluation can run —
 * without making a run folder. 0 when it can run, 1 when not.
 */
export async function printPreview(spec: JobSpec, db: DatabaseSession, io: CliIo, modalities: ModalitySet): Promise<number> {
  const dataset = spec.dataset!;
  const sessions = await db.feedsFor(spec);
  const p = await previewInWorker(dataset, [...sessions.values()], spec.evaluation ? { modalities, evaluation: spec.evaluation } : undefined);
  io.out(`dataset '${p.name}': ${plural(p.windows, 'window')} from ${plural(p.recordings.length, 'recording')}, ${plural(p.subjects.length, 'subject')}; ${p.classes.map((c, i) => `${c}: ${p.perClass[i]}`).join(', ')}`);
  const flagged = p.recordings.filter((r) => r.windows === 0 || Object.keys(r.dropped).length || r.warnings.length || r.unlabelled);
  for (const r of flagged.slice(0, 20)) {
    const dropped = Object.entries(r.dropped).map(([k, v]) => `, ${v} dropped (${k})`).join('');
    io.out(`  ${r.id} (${r.subject}): ${plural(r.windows, 'window')}${r.unlabelled ? `, ${r.unlabelled} without a label` : ''}${dropped}${r.warnings.length ? ` — ${r.warnings.join('; ')}` : ''}`);
  }
  if (flagged.length > 20) io.out(`  … and ${flagged.length - 20} more recordings with something to say`);
  const ready = p.readiness;
  if (!ready) {
    io.out('(no evaluation asked for: nothing more is checked before the final fit)');
    return p.windows > 0 ? 0 : 1;
  }
  if (!ready.ok) {
    io.out(`training would stop here: ${ready.problem}`);
    return 1;
  }
  io.out(`ready to train (${modalities}): ${plural(ready.windows, 'labelled window')} from ${plural(ready.subjects, 'subject')}, ${plural(ready.folds, 'fold')}${ready.notes.length ? `; ${ready.notes.join('; ')}` : ''}`);
  return 0;
}

/**
 * The end of a run on the terminal: the evaluation from report.json (every arm and the baseline,
 * each metric's mean ± sd over the folds, AUROC per fold), the export, the run folder.
 */
export async function printSummary(io: CliIo, s: RunResultSummary, folder: RunFolder): Promise<void> {
  const bytes = s.arms.length ? await folder.readArtifact(REPORT_ARTIFACT) : null;
  if (bytes) {
    io.out('');
    for (const line of reportLines(JSON.parse(new TextDecoder().decode(bytes)) as EvaluationReport)) io.out(line);
  }
  if (s.exportedAs) io.out(`\nexported as model '${s.exportedAs}' (listed under Models; it runs live once chosen with Use)`);
  // What the folder holds: an evaluation writes no checkpoints/, and the list named it anyway.
  const held = ['config.json', 'metrics.jsonl', 'log.txt', 'plots/', 'checkpoints/', 'artifacts/'].filter((f) => existsSync(folder.path(f.replace(/\/$/, ''))));
  io.out(`\nrun folder: ${folder.dir} (${held.join(', ')}${bytes ? `; every fold's metrics in artifacts/${REPORT_ARTIFACT}` : ''})`);
}

export { RunStore };
