// What a session's stored predictions say, per model: per task, how the windows were answered (the
// share each class was the most probable, the mean probability of each), and about their inputs, how
// many windows each modality fed and why it was absent from the others ('absent:<m>:<reason>' in
// the outputs, stored since the reason reached the core; older rows count as reason 'unrecorded';
// for 'bad-quality' which flags made its channels unusable, 'unusable:<m>:<flag>'). A researcher
// reviewing a session reads what the model said over it, and tells "no strap" (no-device) from
// "strap dropped" (gap) from "strap on, lead without a QRS".
import type { Prediction } from '../session.types';
import type { TaskSpec } from './model.types';
import { plural } from '../plural';
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
}

const FED = /^fed:(.+)$/;
const TASK = /^(.+):(\d+)$/;
const NOT_TASK = /^(fed|absent|unusable):/;

/** Per task, the class probabilities a row holds (`<task>:<i>`), in class order. */
function taskProbabilities(outputs: Record<string, number>): Map<string, number[]> {
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

/** Per model, in order of first appearance. */
export function summarizePredictions(predictions: readonly (Pick<Prediction, 'modelId' | 'outputs'> & { windowTime?: number })[]): PredictionSummary[] {
  const byModel = new Map<string, PredictionSummary>();
  const times = new Map<string, number[]>();
  for (const p of predictions) {
    let s = byModel.get(p.modelId);
    if (!s) byModel.set(p.modelId, (s = { modelId: p.modelId, windows: 0, hopS: null, unanswered: 0, tasks: {}, modalities: {} }));
    s.windows++;
    if (p.windowTime !== undefined) {
      const ts = times.get(p.modelId);
      if (ts) ts.push(p.windowTime);
      else times.set(p.modelId, [p.windowTime]);
    }
    for (const [task, probs] of taskProbabilities(p.outputs)) {
      const t = (s.tasks[task] ??= { windows: 0, top: [], meanP: [] });
      t.windows++;
      let best = -1;
      for (let i = 0; i < probs.length; i++) {
        t.top[i] ??= 0;
        // meanP holds the sum until the end.
        t.meanP[i] = (t.meanP[i] ?? 0) + (probs[i] ?? 0);
        if (Number.isFinite(probs[i]) && (best < 0 || probs[i] > probs[best])) best = i;
      }
      if (best >= 0) t.top[best]++;
    }
    for (const [key, v] of Object.entries(p.outputs)) {
      const m = FED.exec(key)?.[1];
      if (!m) continue;
      const f = (s.modalities[m] ??= { fed: 0, absent: 0, reasons: {}, unusable: {} });
      if (v === 1) {
        f.fed++;
        continue;
      }
      f.absent++;
      const prefix = `absent:${m}:`;
      const reason = Object.keys(p.outputs).find((k) => k.startsWith(prefix) && p.outputs[k] === 1)?.slice(prefix.length) ?? 'unrecorded';
      f.reasons[reason] = (f.reasons[reason] ?? 0) + 1;
      if (reason !== 'bad-quality') continue;
      const counts: UnusableCounts = {};
      for (const flag of UNUSABLE_CAUSES) if (p.outputs[`unusable:${m}:${flag}`] > 0) counts[flag] = p.outputs[`unusable:${m}:${flag}`];
      const words = unusableCountsText(counts);
      if (words) f.unusable[words] = (f.unusable[words] ?? 0) + 1;
    }
  }
  for (const s of byModel.values()) {
    for (const t of Object.values(s.tasks)) t.meanP = t.meanP.map((sum) => sum / t.windows);
    Object.assign(s, coverage(times.get(s.modelId) ?? []));
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
  const parts = Object.entries(s.modalities).map(([m, f]) => {
    const reasons = byCount(f.reasons)
      .map(([r, n]) => {
        // Windows first: the words hold figures of their own ('17 flat').
        const words = r === 'bad-quality' ? byCount(f.unusable ?? {}).map(([w, k]) => `in ${k}: ${w}`) : [];
        return `${r} ${n}${words.length ? ` [${words.join('; ')}]` : ''}`;
      })
      .join(', ');
    return `${m.toUpperCase()} fed ${f.fed}${f.absent ? `, absent ${f.absent} (${reasons})` : ''}`;
  });
  // Answers that leave windows out say so: 46 windows over a 3-min replay read as the whole of it.
  const gaps = s.unanswered > 0 && s.hopS !== null ? `, ${s.unanswered} between them unanswered (${Number(s.hopS.toFixed(3))}-s hop)` : '';
  return `'${s.modelId}' ${plural(s.windows, 'window')}${gaps}${parts.length ? `: ${parts.join('; ')}` : ''}`;
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
  return Object.entries(s.tasks).map(([name, t]) => {
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
