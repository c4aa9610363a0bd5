// Small formatters of the sessions views.
import type { Prediction } from '../../../../shared/session.types';
import { clockDuration } from '../../../../shared/clock-duration';
import { predictionSegmentLines, predictionSummaryText, predictionTaskLines, summarizePredictions, type SegmentOptions } from '../../../../shared/model/prediction-summary';
import type { TaskSpec } from '../../../../shared/model/model.types';

export function formatDuration(seconds: number): string {
  return !Number.isFinite(seconds) || seconds < 0 ? '–' : clockDuration(seconds);
}

/**
 * Where an event (a marker, a self-report, a gap) lies in its session, for the timeline's tooltips:
 * seconds from the start to the millisecond, as `heartmind sessions show` lists them, with the
 * clock time beside it from a minute on ('1.221 s', '95.500 s (1:36)'). The tooltips said the
 * clock time alone, to the whole second and rounded: triggers 300 ms apart all read 'at 0:01', and
 * one at 7.6 s 'at 0:08'.
 */
export function eventTimeText(secondsFromStart: number): string {
  if (!Number.isFinite(secondsFromStart)) return '–';
  const s = `${secondsFromStart.toFixed(3)} s`;
  return Math.abs(secondsFromStart) >= 60 ? `${s} (${formatDuration(secondsFromStart)})` : s;
}

// Shared with the CLI (`heartmind sessions list` shows the same size as the Sessions view).
export { formatBytes } from '../../../../shared/byte-size';

export function formatDate(hostTimeS: number): string {
  const d = new Date(hostTimeS * 1000);
  return d.toLocaleString([], { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
}

/** "1 marker", "2 markers", "0 markers". */
export function plural(n: number, noun: string): string {
  return `${n.toLocaleString()} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * The name the record bar offers after a recording named `name`: its trailing number (after a
 * space) counted on, keeping its digits ('rest 2' → 'rest 3', 'run 09' → 'run 10'), else ' 2'
 * added ('rest' → 'rest 2'). The bar kept the last name, so a second run of a condition was stored
 * under the same name as the first; cleared, the subject and tags a researcher keeps would go too.
 * '' stays '' (the core names an unnamed session by its start time).
 */
export function nextSessionName(name: string): string {
  const t = name.trim();
  if (!t) return '';
  const m = /^(.* )(\d+)$/.exec(t);
  return m ? `${m[1]}${String(Number(m[2]) + 1).padStart(m[2].length, '0')}` : `${t} 2`;
}

/**
 * Said in a session's Predictions detail when no model ran while it was recorded or replayed, with
 * how to get them (an imported file, or a recording made before a model was installed, has none).
 * It said 'replay this session, at max speed, to fill them in': the page's model answers only the
 * windows it keeps up with, and a max-speed replay of a 3-min EEGMAT file (shipped model, WASM, 1
 * thread, this 2-core machine) ended in 8 s, before the model had loaded: 0 stored; at 4× 176 of 177.
 */
export const NO_PREDICTIONS_TEXT =
  'No model predictions stored for this session. They are stored while a model is active (Models view) during a recording or a replay: replay this session to fill them in, at a speed the model keeps up with (the Models view counts the windows it skips). At max speed the replay outruns it, and a short recording can end before the model has even loaded. Run model… below (or heartmind sessions predict ID in a terminal) runs a model over every window of the session and stores them all.';

/**
 * A session's Predictions detail, per model: its line, the same words `heartmind sessions show`
 * prints after "predictions by" (how many windows each modality fed, and why it was absent), and a
 * line per task saying what it answered over the session (predictionTaskLines: the share of windows
 * each class was the answer, the mean probability), its classes named from the installed model's
 * card (`models`, by id; by index when the model is not installed). Counts alone told a researcher
 * that a model ran, not what it said. With the session's markers (`segments`), the same per marker
 * label (predictionSegmentLines: what it said during each block, the show command's words).
 */
export function predictionLines(
  predictions: readonly (Pick<Prediction, 'modelId' | 'outputs'> & { windowTime?: number })[],
  models: readonly { id: string; tasks: readonly TaskSpec[] }[] = [],
  segments?: SegmentOptions,
): { model: string; tasks: string[]; segments: ReturnType<typeof predictionSegmentLines> }[] {
  return summarizePredictions(predictions, segments).map((s) => {
    const tasks = models.find((m) => m.id === s.modelId)?.tasks;
    return { model: predictionSummaryText(s), tasks: predictionTaskLines(s, tasks), segments: predictionSegmentLines(s, tasks) };
  });
}
