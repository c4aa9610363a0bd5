// Offline dataset building: an imported recording (EDF, WFDB, XDF, … as ImportedRecording) is
// replayed through the live Pipeline (src/shared/pipeline), so a training window is cut, resampled
// to 200 Hz, filtered and quality-checked by exactly the code that makes live windows.
//
// The replay delivers each stream as a perfectly clocked device would: chunks of `packetSec`,
// device time = the recording's own time line, arriving the instant their last sample is taken.
// Chunks of all streams are merged in arrival order, so the clock model and windower see what
// they would see live, and the result is deterministic.
import { Pipeline, type PipelineConfigPatch, type PipelineProblem } from '../pipeline';
import type { ImportedRecording } from '../formats/recording.types';
import { segmentBreaks } from '../formats/import-util';
import type { SampleChunk, StreamInfo } from '../stream.types';
import type { SyncWindow } from '../window.types';
import { DatasetError, DatasetErrorCode } from './datasets.types';

export interface RecordingWindowOptions {
  /** Pipeline settings (window length/hop, filters, montage …) over the defaults. */
  pipeline?: PipelineConfigPatch;
  /** Samples per replayed chunk, in seconds. Default 0.1 s. */
  packetSec?: number;
  /** Host time of the recording's zero (Unix s). Default: the recording's startTime, or 0. */
  startTime?: number;
}

export interface RecordingWindows {
  windows: SyncWindow[];
  /** Problems the pipeline reported (dropped chunks, gaps, clock jumps), in order. */
  problems: PipelineProblem[];
  /** The stream descriptions the recording was replayed as. */
  streams: StreamInfo[];
  /**
   * Host times (s) of the R peaks the pipeline's heart-feature extractor found in each ECG stream,
   * over the whole recording, ascending. Detected on the continuous signal, these are the beats to
   * take a window's RR intervals from: a detector restarted on each 5 s window spends its first
   * seconds learning thresholds and miscounts.
   */
  rPeakTimes: Map<string, Float64Array>;
}

const DEVICE_ID = 'recording';

/**
 * Replays the EEG and ECG streams of `rec` through a fresh Pipeline and returns every window it
 * emits. Streams of other modalities and irregular streams (no nominal rate) are not replayed.
 */
export function recordingWindows(rec: ImportedRecording, opts: RecordingWindowOptions = {}): RecordingWindows {
  const packetSec = opts.packetSec ?? 0.1;
  if (!(packetSec > 0) || !Number.isFinite(packetSec)) throw new DatasetError(DatasetErrorCode.BadOption, `packetSec must be a positive number of seconds, got ${packetSec}`);
  const t0 = opts.startTime ?? rec.startTime ?? 0;
  const replayed = rec.streams.map((s, index) => ({ s, index })).filter(({ s }) => (s.modality === 'eeg' || s.modality === 'ecg') && s.rateHz > 0 && s.segments.length > 0);
  if (replayed.length === 0) throw new DatasetError(DatasetErrorCode.NoSignals, `${rec.fileName} has no regularly sampled EEG or ECG stream to cut windows from`);
  const infos: StreamInfo[] = replayed.map(({ s, index }) => ({
    id: `${DEVICE_ID}/${index}-${s.modality}`,
    deviceId: DEVICE_ID,
    deviceName: rec.fileName,
    deviceModel: 'replay',
    modality: s.modality,
    nominalRateHz: s.rateHz,
    channels: s.channels.map((c) => ({ label: c.label, unit: c.unit, resolution: c.resolution, ...(c.rangeUv !== undefined ? { rangeUv: c.rangeUv } : {}) })),
    latencySec: 0,
  }));

  const windows: SyncWindow[] = [];
  const problems: PipelineProblem[] = [];
  const peaks = new Map<string, number[]>();
  const pipeline = new Pipeline(opts.pipeline ?? {}, {
    window: (w) => windows.push(w),
    problem: (p) => problems.push(p),
    heart: (f) => {
      let list = peaks.get(f.streamId);
      if (!list) peaks.set(f.streamId, (list = []));
      for (const t of f.rPeakTimes) if (list.length === 0 || t > list[list.length - 1]) list.push(t);
    },
  });
  pipeline.setStreams(DEVICE_ID, infos);

  // One cursor per stream; the next chunk pushed is the earliest-arriving one (ties: stream order).
  const cursors = replayed.map(({ s }, k) => ({ s, info: infos[k], seg: 0, at: 0, packet: Math.max(1, Math.round(packetSec * s.rateHz)), breaks: new Map(segmentBreaks(s).map((b) => [b.index, b])) }));
  const arrival = (c: (typeof cursors)[number]) => {
    const seg = c.s.segments[c.seg];
    const n = Math.min(c.packet, seg.count - c.at);
    return t0 + seg.start + (c.at + n - 1) / c.s.rateHz;
  };
  for (;;) {
    let best = -1;
    let bestT = Infinity;
    cursors.forEach((c, k) => {
      if (c.seg >= c.s.segments.length) return;
      const t = arrival(c);
      if (t < bestT) {
        bestT = t;
        best = k;
      }
    });
    if (best < 0) break;
    const c = cursors[best];
    const seg = c.s.segments[c.seg];
    const n = Math.min(c.packet, seg.count - c.at);
    const C = c.info.channels.length;
    const data = new Float32Array(C * n);
    for (let ch = 0; ch < C; ch++) {
      const from = ch * seg.count + c.at;
      data.set(seg.data.subarray(from, from + n), ch * n);
    }
    // A break the file holds (segments that do not follow on) is announced as the import's replay
    // announces it (gapsOf, reason 'file'): never bridged as a short packet loss would be, so a
    // dataset cut from the file and a replay of its imported session see the same windows.
    const brk = c.at === 0 ? c.breaks.get(c.seg) : undefined;
    if (brk) pipeline.sourceGap({ streamId: c.info.id, startTime: t0 + brk.due, endTime: t0 + brk.start, missingSamples: brk.missing, reason: 'file' });
    const chunk: SampleChunk = { streamId: c.info.id, deviceTime: t0 + seg.start + c.at / c.s.rateHz, hostTime: bestT, count: n, data };
    pipeline.push(chunk);
    c.at += n;
    if (c.at >= seg.count) {
      c.seg++;
      c.at = 0;
    }
  }
  const rPeakTimes = new Map<string, Float64Array>();
  for (const info of infos) if (info.modality === 'ecg') rPeakTimes.set(info.id, Float64Array.from(peaks.get(info.id) ?? []));
  return { windows, problems, streams: infos, rPeakTimes };
}
