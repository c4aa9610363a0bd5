// Steps every importer shares: EXG units to µV, channels grouped into streams.
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
  for (const d of pieces) for (let i = 0; i < d.length; i++) d[i] *= f;
  channel.resolution *= f;
  channel.offset *= f;
  if (channel.physicalRange) channel.physicalRange = [channel.physicalRange[0] * f, channel.physicalRange[1] * f];
}

export interface ChannelSeries {
  channel: ImportedChannel;
  rateHz: number;
  /** One array per shared segment (same order as `segmentStarts`). */
  pieces: (Float32Array | Float64Array)[];
}

const MODALITY_NAME: Record<Modality, string> = { eeg: 'EEG', ecg: 'ECG', other: 'Other' };

/**
 * Groups channels into streams by (rate, modality), keeping file order: an EDF with 19 EEG
 * channels and one ECG at 500 Hz becomes an 'EEG' stream and an 'ECG' stream, which is
 * what the live pipeline expects of two devices.
 */
export function buildStreams(series: ChannelSeries[], segmentStarts: number[]): ImportedStream[] {
  const groups = new Map<string, ChannelSeries[]>();
  for (const s of series) {
    const key = `${modalityOfKind(s.channel.kind)}@${s.rateHz}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(s);
  }
  const perModality = new Map<Modality, number>();
  for (const g of groups.values()) {
    const m = modalityOfKind(g[0].channel.kind);
    perModality.set(m, (perModality.get(m) ?? 0) + 1);
  }
  const streams: ImportedStream[] = [];
  for (const g of groups.values()) {
    const modality = modalityOfKind(g[0].channel.kind);
    const rateHz = g[0].rateHz;
    const name = (perModality.get(modality) ?? 0) > 1 ? `${MODALITY_NAME[modality]} ${rateHz} Hz` : MODALITY_NAME[modality];
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
