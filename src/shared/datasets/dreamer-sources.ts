// DREAMER (dreamer.ts) as dataset sources: each subject × clip becomes a recording of two streams
// (Emotiv EEG, 14 ch at 128 Hz; Shimmer ECG, 2 ch at 256 Hz) that the live pipeline resamples to
// 200 Hz, filters and windows like any other, labelled high/low on one SAM dimension.
import type { ImportedRecording, ImportedStream } from '../formats/recording.types';
import type { DreamerDataset, DreamerDimension, DreamerSignals } from './datasets.types';
import { dreamerTrials } from './dreamer';
import type { RecordingSource } from './windows.types';

/** Class names of the DREAMER tasks (model/config.ts TASKS_AFFECT): 0 = low, 1 = high. */
export const DREAMER_CLASSES = ['low', 'high'] as const;

function stream(name: string, modality: 'eeg' | 'ecg', rateHz: number, labels: string[], s: DreamerSignals): ImportedStream {
  const data = new Float32Array(labels.length * s.length);
  s.channels.forEach((c, k) => data.set(c, k * s.length));
  return {
    name,
    modality,
    rateHz,
    channels: labels.map((label) => ({ label, unit: 'uV', resolution: 0, offset: 0, kind: modality })),
    segments: [{ start: 0, count: s.length, data }],
  };
}

/** One RecordingSource per subject × clip of DREAMER, labelled on `dimension`. */
export function dreamerSources(ds: DreamerDataset, dimension: DreamerDimension, opts: { lastSeconds?: number; fileName?: string } = {}): RecordingSource[] {
  return dreamerTrials(ds, dimension, { lastSeconds: opts.lastSeconds }).map((t) => {
    const id = `${t.subject}-clip${String(t.clip).padStart(2, '0')}`;
    const recording: ImportedRecording = {
      fileName: `${opts.fileName ?? 'DREAMER.mat'}#${id}`,
      format: 'csv',
      startTime: null,
      subject: { code: t.subject },
      info: { dimension, score: String(t.score) },
      streams: [stream('EEG', 'eeg', ds.eegSampleRateHz, ds.eegChannels, t.eeg), stream('ECG', 'ecg', ds.ecgSampleRateHz, ds.ecgChannels, t.ecg)],
      annotations: [],
      warnings: [],
    };
    return { id, subject: t.subject, input: { kind: 'file', recording }, annotations: [], selfReports: [], fileLabel: DREAMER_CLASSES[t.label] };
  });
}
