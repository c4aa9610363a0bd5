// Which of the task's classes a dataset's label source can give, known before a signal is read: a
// dataset whose labels can only be one class (every recording given 'rest', an annotation mapping
// that names one class, an EEGMAT folder of rest files only) is refused when the run is asked for,
// not after minutes of building windows (trainable.ts refuses it there too, from the windows).
// So is a threshold no score can reach or every score reaches (DREAMER 1–5, session SAM 1–9). Where
// only the data can say (the ratings a DREAMER.mat or a session holds), nothing is claimed here;
// the Training view's preview reads the windows.
import { DREAMER_DEFAULT_THRESHOLD, DREAMER_SCORE_MAX, DREAMER_SCORE_MIN } from '../datasets/datasets.types';
import { TASK_MENTAL_ARITHMETIC } from '../model/config';
import { SAM_MAX, SAM_MIN, type SessionSignal, type SessionStream } from '../session.types';
import type { TaskSpec } from '../model/model.types';
import type { Modality } from '../stream.types';
import type { DatasetSpec, SourceSpec } from './job.types';

/** DREAMER's file labels (datasets/dreamer-sources.ts DREAMER_CLASSES; not imported, to keep the .mat reader out of this light module). */
const DREAMER_FILE_CLASSES = ['low', 'high'] as const;

/**
 * The classes a source's recordings carry as file labels: `classes` (those it can give) and `sure`
 * (every one of them does occur). null: none known without the data (a session, a file given no class).
 */
export type SourceClasses = { classes: readonly string[]; sure: boolean; why?: string } | null;

/** What the spec alone says of a source's file labels (an EEGMAT folder is assumed to hold both kinds of file; the caller that lists it knows better). */
export function specSourceClasses(s: SourceSpec): SourceClasses {
  switch (s.kind) {
    case 'file':
    case 'folder':
      return s.label ? { classes: [s.label], sure: true } : null;
    case 'eegmat':
      return { classes: TASK_MENTAL_ARITHMETIC.classes, sure: true };
    case 'dreamer': {
      const k = thresholdClass(s.threshold ?? DREAMER_DEFAULT_THRESHOLD, DREAMER_SCORE_MIN, DREAMER_SCORE_MAX);
      if (k === null) return { classes: DREAMER_FILE_CLASSES, sure: false };
      const why = `a DREAMER threshold of ${s.threshold ?? DREAMER_DEFAULT_THRESHOLD} makes every clip '${DREAMER_FILE_CLASSES[k]}' (its scores run ${DREAMER_SCORE_MIN}–${DREAMER_SCORE_MAX}; score ≥ threshold is 'high')`;
      return { classes: [DREAMER_FILE_CLASSES[k]], sure: true, why };
    }
    case 'session':
      return null;
  }
}

/**
 * The one class (0 below, 1 at or above) that every score on [min, max] gets against `threshold`
 * (score ≥ threshold is the positive class), or null when both can occur.
 */
function thresholdClass(threshold: number, min: number, max: number): 0 | 1 | null {
  if (threshold > max) return 0;
  if (threshold <= min) return 1;
  return null;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function quoted(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}

/**
 * Problems of a labelled dataset's classes, as sentences: a label naming no class of the task, or a
 * class of the task that no label can give (a classifier trained on one class learns nothing; the
 * message names the missing class). `sourceClasses` answers per source (default: the spec alone).
 */
export function labelClassProblems(d: DatasetSpec, sourceClasses: (s: SourceSpec) => SourceClasses = specSourceClasses): string[] {
  const task: TaskSpec | null = d.task;
  if (!task || task.classes.length < 2) return [];
  const given: string[] = [];
  const whys: string[] = [];
  let complete = true;
  let what: string;
  if (d.labels.kind === 'file') {
    what = 'recording';
    for (const s of d.sources) {
      const c = sourceClasses(s);
      if (!c) {
        complete = false;
        continue;
      }
      if (!c.sure) complete = false;
      given.push(...c.classes);
      if (c.why) whys.push(c.why);
    }
  } else if (d.labels.kind === 'annotations') {
    what = 'annotation text';
    given.push(...Object.values(d.labels.classes));
  } else if (d.labels.kind === 'self-report') {
    // Session reports are SAM 1–9: a threshold outside (1, 9] gives every rated window one class; within, the scores decide.
    const k = thresholdClass(d.labels.threshold, SAM_MIN, SAM_MAX);
    if (k === null) return [];
    return [`one class only: a self-report threshold of ${d.labels.threshold} makes every rated window '${task.classes[k]}' (SAM scores run ${SAM_MIN}–${SAM_MAX}; score ≥ threshold is '${task.classes[1]}'), so no window is '${task.classes[1 - k]}'`];
  } else {
    return [];
  }
  const p: string[] = [];
  const foreign = [...new Set(given.filter((g) => !task.classes.some((c) => same(c, g))))];
  if (foreign.length) p.push(`${what === 'recording' ? 'recordings are labelled' : 'annotation texts map to'} ${quoted(foreign)}, which ${foreign.length === 1 ? 'is not a class' : 'are not classes'} of task '${task.name}' (${task.classes.join(', ')})`);
  if (!complete) return p;
  const present = task.classes.filter((c) => given.some((g) => same(c, g)));
  const missing = task.classes.filter((c) => !present.includes(c));
  if (missing.length && present.length) {
    const how = what === 'recording' ? `every labelled recording is ${quoted(present)}${whys.length ? `: ${whys.join('; ')}` : ''}` : `the annotations map only to ${quoted(present)}`;
    p.push(`one class only: no ${what} gives class ${quoted(missing)} (${how}), and a classifier needs both ${task.classes.join(' and ')}`);
  } else if (missing.length) {
    p.push(`no ${what} gives any class of task '${task.name}' (${task.classes.join(', ')})`);
  }
  return p;
}

/**
 * What a session's streams hold for training, from its brief (SessionSummary.signals, one per
 * stream, a stream whose layout changed mid-session merged by streamSignals): samples by modality
 * (a modality present with none: 0) and the channels of those streams of each modality that hold
 * samples. The checks before a run (session-feed.ts) and the Training view's session list read it.
 */
export function signalCounts(signals: readonly SessionSignal[]): Pick<SessionLabels, 'samples'> & { channels: Partial<Record<Modality, number>> } {
  const samples: SessionLabels['samples'] = {};
  const channels: Partial<Record<Modality, number>> = {};
  for (const s of signals) {
    samples[s.modality] = (samples[s.modality] ?? 0) + s.samples;
    if (s.samples > 0) channels[s.modality] = (channels[s.modality] ?? 0) + s.channels;
  }
  return { samples, channels };
}

/** The names of the channels of a session's EEG streams that hold samples (SessionDetail's streams), each once: a montage given by name is checked against them. */
export function storedEegChannels(streams: readonly (Pick<SessionStream, 'sampleCount'> & { info: Pick<SessionStream['info'], 'modality' | 'channels'> })[]): string[] {
  const names: string[] = [];
  for (const s of streams) if (s.info.modality === 'eeg' && s.sampleCount > 0) for (const c of s.info.channels) if (!names.includes(c.label)) names.push(c.label);
  return names;
}

/** What a recorded session holds to window and label, read from the recordings database before a run is made. */
export interface SessionLabels {
  id: number;
  /** The session's name, to name it in a message ('' when unnamed). */
  name: string;
  /** Its markers' texts. */
  markers: string[];
  /** How many SAM self-reports it holds. */
  selfReports: number;
  /** Samples its streams hold, by modality (absent: no stream of it); `other` counts PPG, motion and the like. */
  samples: Partial<Record<Modality, number>>;
  /** The channels of its EEG streams that hold samples (a montage given by name is checked against them); absent: not read. */
  eegChannels?: string[];
}

function sessionNames(ss: SessionLabels[]): string {
  const one = (s: SessionLabels) => `${s.id}${s.name.trim() ? ` ('${s.name.trim()}')` : ''}`;
  return `${ss.length === 1 ? 'session' : 'sessions'} ${ss.map(one).join(', ')}`;
}

/**
 * Why recorded session `s` can give none of dataset or corpus `d`'s windows, or null: no samples of
 * the modalities it is cut from (a session of markers only, a recording whose device never
 * streamed), or, where a window needs every modality (fused), one of them missing. The run would
 * leave it out, or fail with 'no usable windows' once every recording is read: said before the run
 * is made. `named`: how the message names the session (default "session 4 ('rest')"; the Training
 * view's list says 'This session' beside its name).
 */
export function sessionSignalProblem(d: DatasetSpec, s: SessionLabels, named = sessionNames([s])): string | null {
  const need = d.windowing.modalities;
  const has = need.filter((m) => (s.samples[m] ?? 0) > 0);
  const lacking = need.filter((m) => !has.includes(m));
  if (d.windowing.require === 'all' ? lacking.length === 0 : has.length > 0) return null;
  const up = (ms: readonly string[], join: string) => ms.map((m) => m.toUpperCase()).join(join);
  const recorded = (Object.keys(s.samples) as Modality[]).filter((m) => (s.samples[m] ?? 0) > 0);
  const held = recorded.length ? `it holds ${recorded.map((m) => (m === 'other' ? 'other signals' : m.toUpperCase())).join(' and ')} only` : 'it holds no samples at all';
  return has.length === 0
    ? `${named} holds no ${up(need, ' or ')} to cut windows from (${held}): leave it out`
    : `${named} holds no ${up(lacking, ' or ')} (${held}), and a window of ${up(need, ' + ')} needs each: train on ${up(has, ' and ')} only, or leave it out`;
}

/**
 * The recorded sessions of a labelled dataset that can label no window under its label source: no
 * self-report for 'self-report' labels, no marker whose text maps to a class for 'annotations'.
 * Their windows would all be left out unlabelled, and a dataset of such sessions only fails after
 * minutes of building windows ('no labelled window'): named here, before the run is made.
 * `sessions`: the dataset's sessions as the database holds them.
 */
export function sessionLabelProblems(d: DatasetSpec, sessions: SessionLabels[]): string[] {
  if (!d.task) return [];
  const ids = new Set(d.sources.flatMap((s) => (s.kind === 'session' ? [s.id] : [])));
  const mine = sessions.filter((s) => ids.has(s.id));
  const labels = d.labels;
  if (labels.kind === 'self-report') {
    const bare = mine.filter((s) => s.selfReports === 0);
    if (!bare.length) return [];
    return [`${sessionNames(bare)} ${bare.length === 1 ? 'holds' : 'hold'} no self-report, so no window of ${bare.length === 1 ? 'it' : 'them'} gets a label: add SAM reports to ${bare.length === 1 ? 'it' : 'them'}, label from markers (annotations), or leave ${bare.length === 1 ? 'it' : 'them'} out`];
  }
  if (labels.kind === 'annotations') {
    const mapped = new Set(Object.keys(labels.classes).map((k) => k.trim().toLowerCase()));
    const bare = mine.filter((s) => s.markers.length === 0);
    const unmapped = mine.filter((s) => s.markers.length > 0 && !s.markers.some((m) => mapped.has(m.trim().toLowerCase())));
    const p: string[] = [];
    const them = (n: number) => (n === 1 ? 'it' : 'them');
    if (bare.length) p.push(`${sessionNames(bare)} ${bare.length === 1 ? 'holds' : 'hold'} no marker, so no window of ${them(bare.length)} gets a label: add markers to ${them(bare.length)}, label from self-reports, or leave ${them(bare.length)} out`);
    for (const s of unmapped) {
      const texts = [...new Set(s.markers.map((m) => m.trim()))];
      p.push(`${sessionNames([s])} holds no marker that names a class (its markers say ${quoted(texts.slice(0, 5))}${texts.length > 5 ? ` and ${texts.length - 5} more` : ''}; the labels map ${quoted(Object.keys(labels.classes))}), so no window of it gets a label`);
    }
    return p;
  }
  return [];
}
