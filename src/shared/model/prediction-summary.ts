// What a session's stored predictions say, per model: per task, how the windows were answered (the
// share each class was the most probable, the mean probability of each), and about their inputs, how
// many windows each modality fed and why it was absent from the others ('absent:<m>:<reason>' in
// the outputs, stored since the reason reached the core; older rows count as reason 'unrecorded';
// for 'bad-quality' which flags made its channels unusable, 'unusable:<m>:<flag>'). A researcher
// reviewing a session reads what the model said over it, and tells "no strap" (no-device) from
// "strap dropped" (gap) from "strap on, lead without a QRS". Given the session's markers, the same
// per marker segment (what the model said during each block or after each stimulus), per label.
import type { FilterSettingsEntry, Marker, Prediction } from '../session.types';
import type { TaskSpec } from './model.types';
import { plural } from '../plural';
import { clockDuration } from '../clock-duration';
import { DEFAULT_PIPELINE_CONFIG, recordedConfigs } from '../pipeline/pipeline-config';
import { UNUSABLE_CAUSES, unusableCountsText, type UnusableCounts } from './window-input';

export interface ModalityFeedSummary {
  fed: number;
  absent: number;
  /** Absent windows per reason: an AbsentReason, or 'unrecorded' (a row stored without one). */
  reasons: Record<string, number>;
  /** 'bad-quality' windows per what made the channels unusable, in words ('every channel flat'); rows stored without the flags are not counted here. */
  unusable: Record<string, number>;
}

export interface TaskSummary {
  /** Windows that answered the task. */
  windows: number;
  /** Per class (by index), the windows where it was the most probable. */
  top: number[];
  /** Per class, the mean probability over those windows. */
  meanP: number[];
}

export interface PredictionSummary {
  modelId: string;
  windows: number;
  /**
   * The windows' hop (s): the shortest step between two answered windows (null with fewer than two,
   * or rows without their times). Windows fall on it (docs/pipeline.md).
   */
  hopS: number | null;
  /**
   * Windows on that hop between the first answered and the last that have no answer: skipped while
   * the model could not keep up (a replay at max speed outruns it), or not cut (neither modality fed
   * one). 0 when the answers cover the span.
   */
  unanswered: number;
  /** Per task of the model (the `<task>:<class index>` outputs). */
  tasks: Record<string, TaskSummary>;
  /** Per modality the model reads (those with a fed:<m> output). */
  modalities: Record<string, ModalityFeedSummary>;
  /** Its windows by marker segment, when the session's markers were given and it has any. */
  segments?: SegmentBreakdown;
}

/** A prediction output saying whether a modality fed the window (`fed:<m>`): its modality. */
export const FED = /^fed:(.+)$/;
const TASK = /^(.+):(\d+)$/;
const NOT_TASK = /^(fed|absent|unusable):/;

/** Per task, the class probabilities a row holds (`<task>:<i>`), in class order (also the export's predictions file). */
export function taskProbabilities(outputs: Record<string, number>): Map<string, number[]> {
  const tasks = new Map<string, number[]>();
  for (const [key, v] of Object.entries(outputs)) {
    const m = NOT_TASK.test(key) ? null : TASK.exec(key);
    if (!m) continue;
    const p = tasks.get(m[1]) ?? [];
    p[Number(m[2])] = v;
    tasks.set(m[1], p);
  }
  return tasks;
}

/** The hop the window times fall on (their shortest step, to the ms) and how many of its windows between the first and the last are not among them. */
function coverage(times: number[]): { hopS: number | null; unanswered: number } {
  const ms = [...new Set(times.filter(Number.isFinite).map((t) => Math.round(t * 1000)))].sort((a, b) => a - b);
  let hop = Infinity;
  for (let i = 1; i < ms.length; i++) hop = Math.min(hop, ms[i] - ms[i - 1]);
  if (!Number.isFinite(hop)) return { hopS: null, unanswered: 0 };
  return { hopS: hop / 1000, unanswered: Math.max(0, Math.round((ms[ms.length - 1] - ms[0]) / hop) + 1 - ms.length) };
}

/** What a set of windows said: how many, per task the answers, per modality what fed them. */
interface Answers {
  windows: number;
  tasks: Record<string, TaskSummary>;
  modalities: Record<string, ModalityFeedSummary>;
}

/** Counts one stored row into `into` (task means hold their sums until `finishAnswers`). */
function addAnswer(into: Answers, outputs: Record<string, number>): void {
  into.windows++;
  for (const [task, probs] of taskProbabilities(outputs)) {
    const t = (into.tasks[task] ??= { windows: 0, top: [], meanP: [] });
    t.windows++;
    let best = -1;
    for (let i = 0; i < probs.length; i++) {
      t.top[i] ??= 0;
      t.meanP[i] = (t.meanP[i] ?? 0) + (probs[i] ?? 0);
      if (Number.isFinite(probs[i]) && (best < 0 || probs[i] > probs[best])) best = i;
    }
    if (best >= 0) t.top[best]++;
  }
  for (const [key, v] of Object.entries(outputs)) {
    const m = FED.exec(key)?.[1];
    if (!m) continue;
    const f = (into.modalities[m] ??= { fed: 0, absent: 0, reasons: {}, unusable: {} });
    if (v === 1) {
      f.fed++;
      continue;
    }
    f.absent++;
    const prefix = `absent:${m}:`;
    const reason = Object.keys(outputs).find((k) => k.startsWith(prefix) && outputs[k] === 1)?.slice(prefix.length) ?? 'unrecorded';
    f.reasons[reason] = (f.reasons[reason] ?? 0) + 1;
    if (reason !== 'bad-quality') continue;
    const counts: UnusableCounts = {};
    for (const flag of UNUSABLE_CAUSES) if (outputs[`unusable:${m}:${flag}`] > 0) counts[flag] = outputs[`unusable:${m}:${flag}`];
    const words = unusableCountsText(counts);
    if (words) f.unusable[words] = (f.unusable[words] ?? 0) + 1;
  }
}

function finishAnswers(a: Answers): void {
  for (const t of Object.values(a.tasks)) t.meanP = t.meanP.map((sum) => sum / t.windows);
}

/** A marker as the segments read it. */
export type SegmentMarker = Pick<Marker, 'time' | 'duration' | 'label'>;

/** What the model said over one marker segment: the windows it holds whole. */
export interface MarkerSegment extends Answers {
  /** The label of the marker that opens it; null for a stretch no marker covers (before the first, or after a marker's duration ran out before the next). */
  label: string | null;
  /** Host times (s) it runs over, [start, end); the last ends at the session's end (or the last window's, when that is later). */
  start: number;
  end: number;
  /** Windows that overlap it but run past its start or end: counted in no segment. */
  edges: number;
}

/** The segments of one label together (a block design's 'arithmetic' blocks). */
export interface MarkerSegmentGroup extends Answers {
  label: string | null;
  segments: number;
  /** Their lengths summed (s). */
  seconds: number;
  edges: number;
}

export interface SegmentBreakdown {
  /** The window lengths (s) the session's recorded settings cut, distinct, sorted (one unless the length changed mid-session). */
  windowS: number[];
  /** Windows that span a segment boundary (a marker, or a marker's end): in no segment. */
  spanning: number;
  /** Per label, in the order the labels first appear. */
  byLabel: MarkerSegmentGroup[];
  /** Every segment in time order (empty ones too; two markers at the same time open none between them). */
  segments: MarkerSegment[];
}

/** How the windows are split by marker (summarizePredictions' second argument). */
export interface SegmentOptions {
  markers: readonly SegmentMarker[];
  /** Host time (s) the session starts: where the stretch before its first marker starts (without it, the first window's or marker's time). */
  startTime?: number;
  /** Host time (s) the session ends: where its last segment ends. */
  endTime: number;
  /** The session's recorded pipeline settings (SessionDetail.filterSettings): the window length in force at each window's start (the defaults without any, as replay cuts). */
  settings?: readonly Pick<FilterSettingsEntry, 'time' | 'settings'>[];
}

const EDGE_S = 1e-3;

/**
 * A session's marker segments: each marker opens one that runs to the next marker, or to its own
 * end when it has a duration that ends sooner (the rest, up to the next marker, is a stretch with
 * no label, as is the time before the first marker); the last runs to the session's end.
 */
export function markerSegments(markers: readonly SegmentMarker[], startTime: number, endTime: number): { label: string | null; start: number; end: number }[] {
  const sorted = [...markers].filter((m) => Number.isFinite(m.time)).sort((a, b) => a.time - b.time);
  const out: { label: string | null; start: number; end: number }[] = [];
  const push = (label: string | null, start: number, end: number) => {
    if (end - start > EDGE_S || (label !== null && end > start)) out.push({ label, start, end });
  };
  if (sorted.length && startTime < sorted[0].time) push(null, startTime, sorted[0].time);
  for (let i = 0; i < sorted.length; i++) {
    const m = sorted[i];
    const next = i + 1 < sorted.length ? sorted[i + 1].time : Math.max(endTime, m.time);
    const own = m.duration > 0 ? m.time + m.duration : Infinity;
    push(m.label, m.time, Math.min(next, own));
    if (own < next) push(null, own, next);
  }
  return out;
}

/** The window length (s) in force at `t`: the last settings entry at or before it (the first before any). Also an export's predictions file's window_s. */
export function windowLengths(settings: SegmentOptions['settings']): (t: number) => number {
  const entries = recordedConfigs(settings ?? []).map((e) => ({ time: e.time, lengthS: e.config.window.lengthSec }));
  if (!entries.length) return () => DEFAULT_PIPELINE_CONFIG.window.lengthSec;
  return (t) => {
    let k = 0;
    while (k + 1 < entries.length && entries[k + 1].time <= t) k++;
    return entries[k].lengthS;
  };
}

/** The windows of one model split by marker segment: a window counts in the segment that holds it whole, from its first sample to its end. */
function breakdown(rows: readonly { outputs: Record<string, number>; windowTime: number }[], o: SegmentOptions): SegmentBreakdown {
  const empty = (): Answers => ({ windows: 0, tasks: {}, modalities: {} });
  const lengthAt = windowLengths(o.settings);
  // From the first window or marker; to the session's end, or past it the last window's (a session
  // being recorded: its summary's end lags the windows stored since).
  let startTime = o.startTime ?? o.endTime;
  let endTime = o.endTime;
  for (const r of rows) {
    startTime = Math.min(startTime, r.windowTime);
    endTime = Math.max(endTime, r.windowTime + lengthAt(r.windowTime));
  }
  for (const m of o.markers) startTime = Math.min(startTime, m.time);
  const segments: MarkerSegment[] = markerSegments(o.markers, startTime, endTime).map((g) => ({ ...g, ...empty(), edges: 0 }));
  const groups = new Map<string | null, MarkerSegmentGroup>();
  for (const g of segments) {
    const into = groups.get(g.label) ?? { label: g.label, segments: 0, seconds: 0, edges: 0, ...empty() };
    into.segments++;
    into.seconds += g.end - g.start;
    groups.set(g.label, into);
  }
  const lengths = new Set<number>();
  let spanning = 0;
  const starts = segments.map((g) => g.start);
  for (const r of rows) {
    const len = lengthAt(r.windowTime);
    lengths.add(len);
    const from = r.windowTime;
    const to = from + len;
    // The first segment that may overlap the window (the last starting at or before it).
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= from + EDGE_S) lo = mid;
      else hi = mid - 1;
    }
    const over: MarkerSegment[] = [];
    for (let k = lo; k < segments.length && segments[k].start < to - EDGE_S; k++) if (segments[k].end > from + EDGE_S) over.push(segments[k]);
    const whole = over.length === 1 && over[0].start <= from + EDGE_S && to <= over[0].end + EDGE_S;
    if (whole) {
      addAnswer(over[0], r.outputs);
      addAnswer(groups.get(over[0].label)!, r.outputs);
      continue;
    }
    if (!over.length) continue; // before the first segment (no markers at all)
    spanning++;
    for (const g of over) {
      g.edges++;
      groups.get(g.label)!.edges++;
    }
  }
  for (const a of [...segments, ...groups.values()]) finishAnswers(a);
  return { windowS: [...lengths].sort((a, b) => a - b), spanning, byLabel: [...groups.values()], segments };
}

/**
 * Per model, in order of first appearance. With `segments` (the session's markers, its end and its
 * recorded settings) and at least one marker, each model's windows are also split by marker
 * segment (`segments` on its summary; see markerSegments and docs/sessions.md).
 */
export function summarizePredictions(
  predictions: readonly (Pick<Prediction, 'modelId' | 'outputs'> & { windowTime?: number })[],
  segments?: SegmentOptions,
): PredictionSummary[] {
  const byModel = new Map<string, PredictionSummary>();
  const timed = new Map<string, { outputs: Record<string, number>; windowTime: number }[]>();
  for (const p of predictions) {
    let s = byModel.get(p.modelId);
    if (!s) byModel.set(p.modelId, (s = { modelId: p.modelId, windows: 0, hopS: null, unanswered: 0, tasks: {}, modalities: {} }));
    addAnswer(s, p.outputs);
    if (p.windowTime !== undefined) {
      const ts = timed.get(p.modelId);
      const row = { outputs: p.outputs, windowTime: p.windowTime };
      if (ts) ts.push(row);
      else timed.set(p.modelId, [row]);
    }
  }
  for (const s of byModel.values()) {
    finishAnswers(s);
    const rows = timed.get(s.modelId) ?? [];
    Object.assign(s, coverage(rows.map((r) => r.windowTime)));
    if (segments?.markers.length) s.segments = breakdown(rows, segments);
  }
  return [...byModel.values()];
}

const byCount = (x: Record<string, number>) => Object.entries(x).sort((a, b) => b[1] - a[1]);

/**
 * One line per model: `'eegmat' 120 windows: EEG fed 118, absent 2 (gap 2); ECG fed 0, absent 120
 * (no-device 100, bad-quality 20 [in 15: its one channel shows no QRS; in 5: its one channel is a flat
 * line])`: for 'bad-quality', in how many windows which flags made the channels unusable. Windows
 * left unanswered between the first and the last are counted after the number: `'eegmat' 34
 * windows, 131 between them unanswered (1-s hop): …`.
 */
export function predictionSummaryText(s: PredictionSummary): string {
  const parts = Object.entries(s.modalities).map(([m, f]) => modalityText(m, f));
  // Answers that leave windows out say so: 46 windows over a 3-min replay read as the whole of it.
  const gaps = s.unanswered > 0 && s.hopS !== null ? `, ${s.unanswered} between them unanswered (${Number(s.hopS.toFixed(3))}-s hop)` : '';
  return `'${s.modelId}' ${plural(s.windows, 'window')}${gaps}${parts.length ? `: ${parts.join('; ')}` : ''}`;
}

/** `ECG fed 1, absent 4 (gap 2, bad-quality 2 [in 2: its one channel shows no QRS])`. */
function modalityText(m: string, f: ModalityFeedSummary): string {
  const reasons = byCount(f.reasons)
    .map(([r, n]) => {
      // Windows first: the words hold figures of their own ('17 flat').
      const words = r === 'bad-quality' ? byCount(f.unusable ?? {}).map(([w, k]) => `in ${k}: ${w}`) : [];
      return `${r} ${n}${words.length ? ` [${words.join('; ')}]` : ''}`;
    })
    .join(', ');
  return `${m.toUpperCase()} fed ${f.fed}${f.absent ? `, absent ${f.absent} (${reasons})` : ''}`;
}

/**
 * One line per task, what the model answered over the session (the class it gave the highest
 * probability, as the Estimates panel shows it): `arithmetic: answered arithmetic in 74 of 120
 * windows (62 %), rest in 46 (38 %); mean P(arithmetic) 0.58`, the most answered first. The class
 * names come from the model's card (`tasks`, by task name); a model no longer installed is read by
 * class index ('class 1'). Binary tasks give the positive class's mean probability, others each
 * class's.
 */
export function predictionTaskLines(s: PredictionSummary, tasks: readonly TaskSpec[] = []): string[] {
  return taskLines(s.tasks, tasks);
}

function taskLines(summaries: Record<string, TaskSummary>, tasks: readonly TaskSpec[]): string[] {
  return Object.entries(summaries).map(([name, t]) => {
    const spec = tasks.find((x) => x.name === name);
    const cls = (i: number) => spec?.classes[i] ?? `class ${i}`;
    const pct = (n: number) => `${Math.round((100 * n) / t.windows)} %`;
    const answered = t.top
      .map((n, i) => ({ i, n }))
      .filter((x) => x.n > 0)
      .sort((a, b) => b.n - a.n)
      .map((x, k) => (k === 0 ? `${cls(x.i)} in ${x.n} of ${plural(t.windows, 'window')} (${pct(x.n)})` : `${cls(x.i)} in ${x.n} (${pct(x.n)})`));
    const means = (t.meanP.length === 2 ? [1] : t.meanP.map((_, i) => i)).map((i) => `P(${cls(i)}) ${t.meanP[i].toFixed(2)}`);
    return `${name}: answered ${answered.join(', ')}; mean ${means.join(', ')}`;
  });
}

/** Labels the text lists before `… N more labels` (--json holds every segment). */
export const SEGMENT_LABELS_SHOWN = 20;

/** A label on one line, quoted, cut to 60 characters; the unlabelled stretches as '(no marker)'. */
function labelText(label: string | null): string {
  if (label === null) return '(no marker)';
  const one = label.replace(/\s+/g, ' ').trim();
  return `"${one.length > 60 ? `${one.slice(0, 59)}…` : one}"`;
}

/**
 * What the model said per marker label (null without markers): a head line, then per label, in the
 * order the labels first appear, how many segments it opens and their length, the windows they hold
 * whole, those across their edges (counted in no segment), the modalities absent from some of them
 * and why, and a line per task as predictionTaskLines says it:
 * `by marker segment (5-s windows, each counted in the segment that holds it whole; 12 span a marker and count in none):`
 * `"arithmetic" 3 segments, 2:30: 141 windows, 6 more across their edges; ECG fed 138, absent 3 (gap 3)`
 * `  arithmetic: answered arithmetic in 100 of 141 windows (71 %), rest in 41 (29 %); mean P(arithmetic) 0.62`.
 * Past SEGMENT_LABELS_SHOWN labels, one line says how many more.
 */
export function predictionSegmentLines(s: PredictionSummary, tasks: readonly TaskSpec[] = [], shown = SEGMENT_LABELS_SHOWN): { head: string; labels: { line: string; tasks: string[] }[] } | null {
  const b = s.segments;
  if (!b) return null;
  const lengths = b.windowS.length ? `${b.windowS.map((x) => Number(x.toFixed(3))).join(' and ')}-s windows` : 'windows';
  const head = `by marker segment (${lengths}, each counted in the segment that holds it whole${b.spanning ? `; ${b.spanning} span a marker and count in none` : ''}):`;
  const labels = b.byLabel.slice(0, shown).map((g) => {
    const edges = g.edges ? `${g.windows ? `, ${g.edges} more` : `, ${g.edges}`} across their edges` : '';
    const held = g.windows ? plural(g.windows, 'window') : `no window lies whole in ${g.segments === 1 ? 'it' : 'one'}`;
    const absent = Object.entries(g.modalities)
      .filter(([, f]) => f.absent > 0)
      .map(([m, f]) => modalityText(m, f));
    return { line: `${labelText(g.label)} ${plural(g.segments, 'segment')}, ${g.seconds < 60 ? `${Number(g.seconds.toFixed(1))} s` : clockDuration(g.seconds)}: ${held}${edges}${absent.length ? `; ${absent.join('; ')}` : ''}`, tasks: taskLines(g.tasks, tasks) };
  });
  const more = b.byLabel.length - labels.length;
  if (more > 0) labels.push({ line: `… ${plural(more, 'more label')}`, tasks: [] });
  return { head, labels };
}

/**
 * A model's summary as the CLI prints it (`sessions show`, `sessions predict`), indented under its
 * first line: `predictions by …` (predictionSummaryText), a line per task, and with markers the
 * breakdown by marker segment (predictionSegmentLines), each label's task lines under it.
 */
export function predictionReportLines(s: PredictionSummary, tasks: readonly TaskSpec[] = []): string[] {
  const seg = predictionSegmentLines(s, tasks);
  return [
    `predictions by ${predictionSummaryText(s)}`,
    ...predictionTaskLines(s, tasks).map((l) => `  ${l}`),
    ...(seg ? [`  ${seg.head}`, ...seg.labels.flatMap((g) => [`    ${g.line}`, ...g.tasks.map((l) => `      ${l}`)])] : []),
  ];
}
