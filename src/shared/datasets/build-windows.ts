// Builds a labelled, windowed dataset from recordings (imported files and recorded sessions). Every
// recording goes through THE live pipeline (src/shared/pipeline): files by recording-windows.ts's
// replay, sessions by feeding their stored chunks in recorded order, as replay does. Same
// validation, clock model, resampling to 200 Hz, band-pass, notch, montage, quality checks and
// window cutting as the dashboard, so a window trained on offline is a window the model sees live.
// Labels come from the recording (file label, annotations/markers, self-reports); R peaks for the
// baseline's heart features come from the pipeline's own detector on the continuous ECG.
import { Pipeline } from '../pipeline/pipeline';
import { electrodeKey, labelElectrode } from '../channel-label';
import { nearestNames } from '../nearest-name';
import { plural } from '../plural';
import { DEFAULT_PIPELINE_CONFIG, type PipelineConfigPatch } from '../pipeline/pipeline-config';
import { rrIntervalsInSpan } from '../train/baseline/features';
import { recordingWindows } from './recording-windows';
import type { TaskSpec } from '../model/model.types';
import type { SyncWindow } from '../window.types';
import { MODEL_RATE_HZ } from '../window.types';
import { DatasetError, DatasetErrorCode } from './datasets.types';
import { FormatError } from '../formats/format-error';
import type { LabelSource, LabelledWindow, RecordingReport, RecordingSource, TimedLabel, WindowDataset, WindowingOptions } from './windows.types';

export const DEFAULT_WINDOWING: WindowingOptions = {
  windowSec: 5,
  hopSec: 5,
  eegMontage: 'auto',
  ecgMontage: 'device',
  mainsHz: 50,
  modalities: ['eeg', 'ecg'],
  require: 'all',
};

/** The pipeline configuration for offline windows: the live defaults with the dataset's window, montage and mains. */
export function offlinePipelineConfig(o: WindowingOptions): PipelineConfigPatch {
  return {
    window: { lengthSec: o.windowSec, hopSec: o.hopSec, eegMontage: o.eegMontage, ecgMontage: o.ecgMontage },
    filters: { eeg: { notchHz: [o.mainsHz] }, ecg: { notchHz: [o.mainsHz] } },
    quality: { mainsHz: o.mainsHz },
  };
}

export interface BuildHooks {
  /** After each recording: progress for the UI (recordings done of total, windows so far). */
  progress?(done: number, total: number, windows: number): void;
  /** Polled between recordings; throwing aborts the build. */
  checkpoint?(): void;
}

function classIndex(task: TaskSpec, name: string, where: string): number {
  const i = task.classes.findIndex((c) => c.toLowerCase() === name.toLowerCase());
  if (i < 0) throw new DatasetError(DatasetErrorCode.BadOption, `${where}: '${name}' is not a class of task '${task.name}' (${task.classes.join(', ')})`);
  return i;
}

/** Spans per class from annotations: a span with a duration covers it; an instant lasts until the next mapped instant. */
function classSpans(anns: TimedLabel[], classes: Record<string, string>): { from: number; to: number; cls: string }[] {
  const map = new Map(Object.entries(classes).map(([k, v]) => [k.trim().toLowerCase(), v]));
  const mapped = anns.map((a) => ({ a, cls: map.get(a.label.trim().toLowerCase()) })).filter((x): x is { a: TimedLabel; cls: string } => x.cls !== undefined);
  mapped.sort((x, y) => x.a.onset - y.a.onset);
  const instants = mapped.filter((x) => !(x.a.duration > 0));
  return mapped.map(({ a, cls }) => {
    if (a.duration > 0) return { from: a.onset, to: a.onset + a.duration, cls };
    const next = instants.find((y) => y.a.onset > a.onset);
    return { from: a.onset, to: next ? next.a.onset : Infinity, cls };
  });
}

/** The label of a window [s, e) (host times) under a label source; null when none applies. */
export function labelFor(src: LabelSource, task: TaskSpec | null, rec: RecordingSource, s: number, e: number, spans: { from: number; to: number; cls: string }[] | null): number | null {
  if (!task || src.kind === 'none') return null;
  if (src.kind === 'file') return rec.fileLabel === null ? null : classIndex(task, rec.fileLabel, rec.id);
  if (src.kind === 'annotations') {
    const min = src.minCoverage ?? 0.5;
    const cover = new Map<string, number>();
    for (const sp of spans ?? []) {
      const o = Math.min(e, sp.to) - Math.max(s, sp.from);
      if (o > 0) cover.set(sp.cls, (cover.get(sp.cls) ?? 0) + o);
    }
    let best: string | null = null;
    let bestCover = 0;
    for (const [cls, c] of cover) if (c > bestCover) [best, bestCover] = [cls, c];
    return best !== null && bestCover / (e - s) >= min ? classIndex(task, best, rec.id) : null;
  }
  // self-report: the first report at or after the window's end, within the horizon, not past the previous report.
  const horizon = src.horizonSec ?? 120;
  const reports = [...rec.selfReports].sort((a, b) => a.time - b.time);
  const k = reports.findIndex((r) => r.time >= e);
  if (k < 0) return null;
  const r = reports[k];
  const from = Math.max(r.time - horizon, k > 0 ? reports[k - 1].time : -Infinity);
  if (s < from) return null;
  if (task.kind !== 'binary') throw new DatasetError(DatasetErrorCode.BadOption, `self-report labels need a binary task, '${task.name}' is ${task.kind}`);
  return r[src.dimension] >= src.threshold ? 1 : 0;
}

/** Validates windowing options; throws DatasetError(BadOption) naming the field. */
export function validateWindowing(o: WindowingOptions): void {
  if (!(o.windowSec >= 1 && Number.isInteger(o.windowSec))) throw new DatasetError(DatasetErrorCode.BadOption, `window length must be a whole number of seconds ≥ 1 (the model reads 1-s patches), got ${o.windowSec}`);
  if (!(o.hopSec > 0) || Math.abs(o.hopSec * MODEL_RATE_HZ - Math.round(o.hopSec * MODEL_RATE_HZ)) > 1e-9) throw new DatasetError(DatasetErrorCode.BadOption, `hop must be a positive multiple of 1/${MODEL_RATE_HZ} s, got ${o.hopSec}`);
  if (!(o.mainsHz === 50 || o.mainsHz === 60)) throw new DatasetError(DatasetErrorCode.BadOption, `mains must be 50 or 60 Hz, got ${o.mainsHz}`);
  if (o.modalities.length === 0) throw new DatasetError(DatasetErrorCode.BadOption, 'choose at least one modality (eeg, ecg)');
}

/** Host time of a file's zero: at least this far from 0, and warm-up ends on a hop boundary. */
const HOST_BASE_S = 1000;

/**
 * Host time to replay a file's zero at, so that the pipeline's warm-up (its first warmUpSec, while
 * the filters settle) ends exactly on a window boundary (windows start at multiples of the hop):
 * no window is lost to the warm-up beyond the warm-up itself.
 */
export function hostZeroFor(firstSampleS: number, hopSec: number, warmUpSec = DEFAULT_PIPELINE_CONFIG.warmUpSec): number {
  const t = firstSampleS + warmUpSec;
  return Math.ceil((HOST_BASE_S + t) / hopSec) * hopSec - t;
}

/**
 * The channels of a montage given by name (--montage A,B,C) that the recording's EEG lacks, as a
 * warning: the pipeline fills such a channel with zeros in every window, so a typo in a name
 * trained the model on a flat channel without a word. Null when none is missing (or no EEG is used).
 */
function montageGaps(o: WindowingOptions, eegLabels: string[]): { lacking: string[]; warning: string } | null {
  if (!Array.isArray(o.eegMontage) || !o.modalities.includes('eeg') || eegLabels.length === 0) return null;
  const have = new Set(eegLabels.map(electrodeKey));
  const lacking = o.eegMontage.filter((l) => !have.has(electrodeKey(l)));
  if (lacking.length === 0) return null;
  return { lacking, warning: `EEG channel${lacking.length === 1 ? '' : 's'} ${lacking.join(', ')} of the montage ${lacking.length === 1 ? 'is' : 'are'} not in this recording (it has ${eegLabels.join(', ')}): zeros in every window` };
}

/** A montage given by name, and the EEG channels of a recording it was cut from. */
export interface MontageSeen {
  montage: readonly string[];
  eegLabels: readonly string[];
}

/** Most of the recordings' EEG channels named in a refusal (a 64-channel cap's would bury the line). */
const CHANNELS_SHOWN = 24;

/**
 * The channels of a montage given by name (--montage A,B,C, the training view's montage) that no
 * recording with EEG has: a typo ('Cx'), not a recording that lacks one of them (montageGaps warns
 * of that). Every window would hold zeros in its row, and a model would be trained on them: refused,
 * with the nearest of the recordings' electrode names where one is a letter away. Null when each is
 * in some recording (or no montage is given by name).
 */
export function montageNowhere(seen: readonly MontageSeen[]): string | null {
  if (seen.length === 0) return null;
  const named = new Map<string, { recordings: number; missing: number }>();
  for (const { montage, eegLabels } of seen) {
    const have = new Set(eegLabels.map(electrodeKey));
    for (const l of new Set(montage)) {
      const n = named.get(l) ?? { recordings: 0, missing: 0 };
      n.recordings++;
      if (!have.has(electrodeKey(l))) n.missing++;
      named.set(l, n);
    }
  }
  const lacking = [...named].filter(([, n]) => n.missing === n.recordings).map(([l]) => l);
  if (lacking.length === 0) return null;
  // The recordings' electrodes by name, each once ('EEG Fp1' and 'Fp1-REF' are Fp1).
  const electrodes = new Map<string, string>();
  for (const { eegLabels } of seen) for (const l of eegLabels) if (!electrodes.has(electrodeKey(l))) electrodes.set(electrodeKey(l), labelElectrode(l));
  const names = [...electrodes.values()];
  const said = lacking
    .map((l) => {
      const near = nearestNames(l, names, { maxEdits: 1, key: electrodeKey });
      return near.length ? `${l} (did you mean ${near.length === 1 ? near[0] : `${near.slice(0, -1).join(', ')} or ${near[near.length - 1]}`}?)` : l;
    })
    .join(', ');
  const one = lacking.length === 1;
  const verb = one ? 'is' : 'are';
  const where = seen.length === 1 ? `${verb} not in the recording` : `${verb} in none of the ${seen.length} recordings`;
  const shown = names.length > CHANNELS_SHOWN ? `${names.slice(0, CHANNELS_SHOWN).join(', ')}, … (${names.length})` : names.join(', ');
  return `the montage's EEG channel${one ? '' : 's'} ${said} ${where}, so ${one ? 'its row' : 'their rows'} would be zeros in every window (the EEG channels there: ${shown})`;
}

/** Runs the source through the pipeline: its windows, R-peak times (host s), problems, and the host time of its zero. */
async function runPipeline(rec: RecordingSource, o: WindowingOptions): Promise<{ raw: SyncWindow[]; peaks: Float64Array; warnings: string[]; zero: number; hasStreams: boolean; eegLabels: string[]; montageMissing?: string[] }> {
  const config = offlinePipelineConfig(o);
  const warnings: string[] = [];
  const note = (m: string) => {
    if (warnings.length < 20) warnings.push(m);
  };
  if (rec.input.kind === 'file') {
    const r = rec.input.recording;
    const used = r.streams.filter((s) => o.modalities.includes(s.modality as never) && s.rateHz > 0 && s.segments.length > 0);
    if (used.length === 0) return { raw: [], peaks: new Float64Array(0), warnings, zero: 0, hasStreams: false, eegLabels: [] };
    const eegLabels = used.filter((s) => s.modality === 'eeg').flatMap((s) => s.channels.map((c) => c.label));
    const gaps = montageGaps(o, eegLabels);
    if (gaps) note(gaps.warning);
    const zero = hostZeroFor(Math.min(...used.map((s) => s.segments[0].start)), o.hopSec);
    const out = recordingWindows(r, { pipeline: config, startTime: zero });
    for (const p of out.problems) note(`${p.streamId}: ${p.message}`);
    const peaks = Float64Array.from([...out.rPeakTimes.values()][0] ?? []);
    return { raw: out.windows, peaks, warnings, zero, hasStreams: true, eegLabels, montageMissing: gaps?.lacking };
  }
  const raw: SyncWindow[] = [];
  const peakList: number[] = [];
  const pipeline = new Pipeline(config, {
    window: (w) => raw.push(w),
    heart: (f) => {
      for (const t of f.rPeakTimes) if (peakList.length === 0 || t > peakList[peakList.length - 1]) peakList.push(t);
    },
    problem: (p) => note(`${p.streamId}: ${p.message}`),
  });
  let hasStreams = false;
  const eegLabels = new Set<string>();
  for await (const ev of rec.input.events()) {
    if (ev.kind === 'streams') {
      hasStreams ||= ev.streams.some((s) => o.modalities.includes(s.modality as never));
      for (const s of ev.streams) if (s.modality === 'eeg') for (const c of s.channels) eegLabels.add(c.label);
      pipeline.setStreams(ev.deviceId, ev.streams);
    } else if (ev.kind === 'chunk') pipeline.push(ev.chunk);
    else if (ev.kind === 'end') pipeline.endOfData(ev.deviceId);
    else pipeline.sourceGap(ev.gap);
  }
  const gaps = montageGaps(o, [...eegLabels]);
  if (gaps) warnings.unshift(gaps.warning);
  return { raw, peaks: Float64Array.from(peakList), warnings, zero: rec.input.zeroTime, hasStreams, eegLabels: [...eegLabels], montageMissing: gaps?.lacking };
}

/**
 * Windows of one recording, labelled, with the RR intervals the baseline needs. Pipeline problems
 * become warnings of the recording's report.
 */
export async function sourceWindows(rec: RecordingSource, task: TaskSpec | null, labels: LabelSource, o: WindowingOptions): Promise<{ windows: LabelledWindow[]; report: RecordingReport; eegLabels: string[] }> {
  const { raw, peaks, warnings: pipelineWarnings, zero, hasStreams, eegLabels, montageMissing } = await runPipeline(rec, o);
  if (!hasStreams) throw new DatasetError(DatasetErrorCode.NoSignals, `${rec.id}: no ${o.modalities.map((m) => m.toUpperCase()).join(' or ')} stream to cut windows from`);
  // Say why a recording gave nothing when the pipeline did not (no gap, no problem): it is too short.
  if (raw.length === 0 && pipelineWarnings.length === 0) pipelineWarnings.push(`shorter than one ${o.windowSec}-s window after the ${DEFAULT_PIPELINE_CONFIG.warmUpSec}-s warm-up of the filters`);
  // What the file's import warned of comes first: a file cut short (a recording interrupted, a copy
  // that stopped) gave the windows of what it holds and read as whole in the log and the preview.
  const warnings = [...(rec.input.kind === 'file' ? rec.input.recording.warnings : []), ...pipelineWarnings];
  // Label times in host time: a file's annotations are on its own axis.
  const shift = rec.input.kind === 'file' ? zero : 0;
  const hostRec: RecordingSource = {
    ...rec,
    annotations: rec.annotations.map((a) => ({ ...a, onset: a.onset + shift })),
    selfReports: rec.selfReports.map((r) => ({ ...r, time: r.time + shift })),
  };
  const spans = labels.kind === 'annotations' ? classSpans(hostRec.annotations, labels.classes) : null;
  const dropped: Record<string, number> = {};
  const windows: LabelledWindow[] = [];
  let unlabelled = 0;
  for (const w of raw) {
    const s = w.startTime;
    const e = s + w.samples / w.rateHz;
    const blocks = { eeg: w.eeg, ecg: w.ecg };
    const present = o.modalities.filter((m) => blocks[m].present);
    const missing = o.modalities.filter((m) => !blocks[m].present);
    if ((o.require === 'all' && missing.length) || present.length === 0) {
      for (const m of missing) {
        const k = `${m}:${blocks[m].absentReason ?? 'absent'}`;
        dropped[k] = (dropped[k] ?? 0) + 1;
      }
      continue;
    }
    const label = labelFor(labels, task, hostRec, s, e, spans);
    if (label === null && task) unlabelled++;
    windows.push({
      recording: rec.id,
      subject: rec.subject,
      start: s - zero,
      label,
      eeg: o.modalities.includes('eeg') && w.eeg.present ? w.eeg.data : null,
      ecg: o.modalities.includes('ecg') && w.ecg.present ? w.ecg.data : null,
      eegChannels: w.eeg.channels,
      ecgChannels: w.ecg.channels,
      rrMs: w.ecg.present ? rrIntervalsInSpan(peaks, s, e) : new Float64Array(0),
    });
  }
  return { windows, eegLabels, report: { id: rec.id, subject: rec.subject, windows: windows.length, dropped, unlabelled, warnings, ...(montageMissing ? { montageMissing } : {}) } };
}

/**
 * A source read only when its turn comes (a file is parsed, windowed and let go before the next
 * one is read), with its own windowing where it differs (a US recording notched at 60 Hz).
 */
export interface LazySource {
  id: string;
  subject: string;
  load(): Promise<RecordingSource>;
  windowing?: Partial<WindowingOptions>;
}

/**
 * Why a labelled dataset's windows cannot be told apart by one EEG channel list, or null. The
 * baseline's band-power features are per channel and the exported model names one montage: windows
 * of a 19-channel headset beside a Muse's 4 (two devices, or a session whose montage changed part-way)
 * failed only at the evaluation, after the training, as 'window 23 has 4 EEG channels, expected 19'.
 * A pretraining corpus (no task) may mix them: the encoder reads any channels.
 */
function mixedEegChannels(windows: readonly LabelledWindow[]): string | null {
  const sets = new Map<string, { channels: string[]; first: LabelledWindow; count: number }>();
  for (const w of windows) {
    if (!w.eeg) continue;
    const key = w.eegChannels.join('\u0000');
    const seen = sets.get(key);
    if (seen) seen.count++;
    else sets.set(key, { channels: w.eegChannels, first: w, count: 1 });
  }
  if (sets.size < 2) return null;
  const all = [...sets.values()];
  const shared = all[0].channels.filter((c) => all.every((s) => s.channels.includes(c)));
  const listed = (c: string[]) => (c.length > 6 ? `${c.slice(0, 6).join(', ')}, … (${c.length})` : c.join(', '));
  const each = all.map((s) => `${plural(s.count, 'window')} with ${listed(s.channels)} (the first in ${s.first.recording} at ${Number(s.first.start.toFixed(1))} s)`);
  return (
    `the windows hold ${all.length} different EEG channel lists, and a model and its baseline read one: ${each.join('; ')}. ` +
    (shared.length
      ? `Give an EEG montage of the ${plural(shared.length, 'channel')} every window has (${shared.join(',')}), or leave out the recordings with the others`
      : 'No channel is in every window: leave out the recordings with the others')
  );
}

/**
 * Windows of many recordings, in the order given. A recording that fails to load or has no usable
 * stream is reported (in `recordings`) and skipped; none left is an error.
 */
export async function buildWindowDataset(
  name: string,
  sources: (RecordingSource | LazySource)[],
  task: TaskSpec | null,
  labels: LabelSource,
  o: WindowingOptions = DEFAULT_WINDOWING,
  hooks: BuildHooks = {},
): Promise<WindowDataset> {
  validateWindowing(o);
  if (labels.kind !== 'none' && !task) throw new DatasetError(DatasetErrorCode.BadOption, 'a label source needs a task');
  const windows: LabelledWindow[] = [];
  const recordings: RecordingReport[] = [];
  const montages: MontageSeen[] = [];
  let i = 0;
  for (const src of sources) {
    hooks.checkpoint?.();
    const lazy = 'load' in src;
    try {
      const rec = lazy ? await src.load() : src;
      const wo = lazy && src.windowing ? { ...o, ...src.windowing } : o;
      if (lazy && src.windowing) validateWindowing(wo);
      const r = await sourceWindows(rec, task, labels, wo);
      windows.push(...r.windows);
      recordings.push(r.report);
      if (Array.isArray(wo.eegMontage) && wo.modalities.includes('eeg') && r.eegLabels.length) montages.push({ montage: wo.eegMontage, eegLabels: r.eegLabels });
    } catch (err) {
      // Unreadable or unusable recordings are reported and skipped; anything else is a bug.
      if (!(err instanceof DatasetError) && !(err instanceof FormatError)) throw err;
      // The report names the recording: a reader's 'NAME: problem' is kept as the problem, so a
      // reason many recordings share is said once for them all (below) and no line names it twice.
      const message = (err as Error).message;
      const reason = message.startsWith(`${src.id}: `) ? message.slice(src.id.length + 2) : message;
      recordings.push({ id: src.id, subject: src.subject, windows: 0, dropped: {}, unlabelled: 0, warnings: [reason] });
    }
    hooks.progress?.(++i, sources.length, windows.length);
  }
  const nowhere = montageNowhere(montages);
  if (nowhere) throw new DatasetError(DatasetErrorCode.BadOption, nowhere);
  if (task) {
    const mixed = mixedEegChannels(windows);
    if (mixed) throw new DatasetError(DatasetErrorCode.BadOption, mixed);
  }
  if (windows.length === 0) {
    // The same reason for many recordings (a folder of short clips) is said once, with whom it concerns.
    const byReason = new Map<string, string[]>();
    for (const r of recordings) {
      for (const reason of [...r.warnings, ...Object.entries(r.dropped).map(([k, v]) => `${v} windows dropped (${k})`)]) byReason.set(reason, [...(byReason.get(reason) ?? []), r.id]);
    }
    const named = (ids: string[]): string => `${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}`;
    const reasons = [...byReason];
    // One reason for every recording says it once ('in any of the 36 recordings (…): too short'), not
    // the count again ('in 36 recording(s): 36 recordings (…): too short').
    const message =
      reasons.length === 1 && reasons[0][1].length === sources.length
        ? `no usable windows in ${sources.length === 1 ? `the one recording, ${reasons[0][1][0]}` : `any of the ${sources.length} recordings (${named(reasons[0][1])})`}: ${reasons[0][0]}`
        : `no usable windows in ${plural(sources.length, 'recording')}${reasons.length ? `: ${reasons.slice(0, 8).map(([reason, ids]) => `${ids.length === 1 ? ids[0] : `${ids.length} (${named(ids)})`}: ${reason}`).join('; ')}` : ''}`;
    throw new DatasetError(DatasetErrorCode.NoSignals, message);
  }
  return { name, task, rateHz: MODEL_RATE_HZ, windowSec: o.windowSec, hopSec: o.hopSec, windows, recordings };
}
