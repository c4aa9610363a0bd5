// Steps every importer shares: EXG units to µV, channels grouped into streams; and the breaks a
// stream's segments hold, which the session import and the dataset builder both announce as gaps;
// and which markers an export of a time range holds (the EDF and CSV writers and the export's count).
import { isExg, microvoltFactor, modalityOfKind } from './channel-kind';
import type { ImportedChannel, ImportedSegment, ImportedStream } from './recording.types';
import type { Modality } from '../stream.types';

/**
 * Brings an EXG channel to µV (the unit every EXG stream carries in the app), scaling its data
 * in place along with resolution, offset and range. The file's unit is kept in `fileUnit`.
 * Channels of other kinds, or with units that are not voltages, are left as they are.
 */
export function exgToMicrovolts(channel: ImportedChannel, pieces: (Float32Array | Float64Array)[]): void {
  if (!isExg(channel.kind)) return;
  const f = microvoltFactor(channel.unit);
  if (f === null) return;
  if (channel.unit !== 'uV') {
    channel.fileUnit = channel.unit;
    channel.unit = 'uV';
  }
  if (f === 1) return;
  const [res, off] = [channel.resolution, channel.offset];
  channel.resolution *= f;
  channel.offset *= f;
  // A sample on its count grid is made again from its count in the new unit: multiplying the
  // float32 value rounds twice (MIT-BIH's -2.035 mV became -2035.0001 µV, off its 5 µV grid).
  const quantised = res > 0 && Number.isFinite(off);
  for (const d of pieces) {
    for (let i = 0; i < d.length; i++) {
      const x = quantised ? (d[i] - off) / res : NaN;
      const k = Math.round(x);
      d[i] = Math.abs(x - k) < 0.01 ? k * channel.resolution + channel.offset : d[i] * f;
    }
  }
  if (channel.physicalRange) channel.physicalRange = [channel.physicalRange[0] * f, channel.physicalRange[1] * f];
}

export interface ChannelSeries {
  channel: ImportedChannel;
  rateHz: number;
  /** One array per shared segment (same order as `segmentStarts`). */
  pieces: (Float32Array | Float64Array)[];
}

const MODALITY_NAME: Record<Modality, string> = { eeg: 'EEG', ecg: 'ECG', other: 'Other' };

export interface StreamGroup<T> {
  /** 'EEG', 'ECG', 'Other'; with the rate ('EEG 256 Hz') where one modality comes at two rates. */
  name: string;
  modality: Modality;
  rateHz: number;
  members: T[];
}

/**
 * Groups channels into streams by (modality, rate), keeping file order: an EDF with 19 EEG
 * channels and one ECG at 500 Hz becomes an 'EEG' stream and an 'ECG' stream, which is
 * what the live pipeline expects of two devices. Each channel is stamped with its place in the
 * file (fileIndex), which the grouping loses: MNE's test EDF (19 EEG, 2 EOG, a reference, 2 ECG,
 * a trigger line) exported with its trigger line before the ECG, stream by stream.
 */
export function streamGroups<T>(items: readonly T[], channelOf: (t: T) => ImportedChannel, rateOf: (t: T) => number): StreamGroup<T>[] {
  const groups = new Map<string, StreamGroup<T>>();
  for (const [i, t] of items.entries()) {
    const channel = channelOf(t);
    channel.fileIndex = i;
    const modality = modalityOfKind(channel.kind);
    const rateHz = rateOf(t);
    const key = `${modality}@${rateHz}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { name: MODALITY_NAME[modality], modality, rateHz, members: [] }));
    g.members.push(t);
  }
  const all = [...groups.values()];
  for (const g of all) if (all.filter((o) => o.modality === g.modality).length > 1) g.name = `${MODALITY_NAME[g.modality]} ${g.rateHz} Hz`;
  return all;
}

/** Streams from channels read as separate arrays, one per shared segment (see streamGroups). */
export function buildStreams(series: ChannelSeries[], segmentStarts: number[]): ImportedStream[] {
  const streams: ImportedStream[] = [];
  for (const { name, modality, rateHz, members: g } of streamGroups(series, (s) => s.channel, (s) => s.rateHz)) {
    const wide = g.some((s) => s.pieces.some((p) => p instanceof Float64Array));
    const segments: ImportedSegment[] = segmentStarts.map((start, k) => {
      const count = g[0].pieces[k].length;
      const data = wide ? new Float64Array(count * g.length) : new Float32Array(count * g.length);
      g.forEach((s, c) => data.set(s.pieces[k], c * count));
      return { start, count, data };
    });
    streams.push({ name, modality, rateHz, channels: g.map((s) => s.channel), segments: segments.filter((s) => s.count > 0) });
  }
  return streams;
}

/** A break a regular stream's segments hold (segmentBreaks); times in seconds from the recording's zero. */
export interface SegmentBreak {
  /** The segment the samples start again with. */
  index: number;
  /** Where the next sample was due. */
  due: number;
  /** Where the samples start again (segment `index`'s start). */
  start: number;
  /** Samples missing at the stream's rate. */
  missing: number;
}

/**
 * The breaks between a regular stream's segments: the readers start a new segment only where the
 * file says the samples do not follow on (EDF+D record times, an XDF stream resuming later).
 * Segments that follow on within half a sample are no break; empty segments are skipped; irregular
 * streams (markers, rate 0) have no "next sample due", so no breaks.
 */
export function segmentBreaks(s: ImportedStream): SegmentBreak[] {
  if (!(s.rateHz > 0)) return [];
  const breaks: SegmentBreak[] = [];
  let due: number | null = null;
  s.segments.forEach((seg, index) => {
    if (seg.count === 0) return;
    const missing = due === null ? 0 : Math.round((seg.start - due) * s.rateHz);
    if (due !== null && missing > 0) breaks.push({ index, due, start: seg.start, missing });
    due = seg.start + seg.count / s.rateHz;
  });
  return breaks;
}

/**
 * Where a regular stream's segments go back in time: a segment that starts more than half a sample
 * before the one before it ends. No reader means to make one (EDF+D records out of order are
 * refused, a pause in a text file's time stamps starts after the samples before it), but a stream
 * that held one would be stored interleaved: the database orders chunks by time. Null when none.
 */
export function segmentOverlap(s: ImportedStream): { index: number; start: number; due: number } | null {
  if (!(s.rateHz > 0)) return null;
  let due: number | null = null;
  for (const [index, seg] of s.segments.entries()) {
    if (seg.count === 0) continue;
    if (due !== null && seg.start < due - 0.5 / s.rateHz) return { index, start: seg.start, due };
    due = seg.start + seg.count / s.rateHz;
  }
  return null;
}

/** How far a marker must last into a range to belong to it, in seconds: a CSV writes times to the microsecond. */
const RANGE_OVERLAP_MIN_S = 1e-6;

/**
 * Whether a marker belongs to an export of the range [from, to): it starts in it, or began before
 * it and lasts into it (a stimulus block, a BAD span). One that ends where the range begins does
 * not: exporting S001R04 from 8.3 s gave the T2 block that ended there (4.2 s + 4.1 s), which
 * MNE-Python read as a T2 of no duration at the file's first sample, an event the data do not hold.
 */
export function annotationInRange(a: { onset: number; duration: number }, from: number, to: number): boolean {
  return a.onset < to && (a.onset >= from || a.onset + Math.max(0, a.duration) > from + RANGE_OVERLAP_MIN_S);
}
