// Real windows for model tests: PhysioNet EEGMAT recordings (19 EEG + ECG at 500 Hz, ../shared/data)
// read with the app's EDF importer and cut by the app's own pipeline (alignment, resampling to
// 200 Hz, filters, montage, windowing), exactly as a replayed file would reach the model.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { importEdf } from '../../../src/shared/formats/edf';
import { Pipeline } from '../../../src/shared/pipeline';
import type { StreamInfo } from '../../../src/shared/stream.types';
import type { SyncWindow } from '../../../src/shared/window.types';

export const EEGMAT_DIR = resolve('..', 'shared', 'data', 'edf-eegmat');
export const noEegmat = !existsSync(EEGMAT_DIR) && 'needs ../shared/data/edf-eegmat';

/** The first `count` windows (5 s, hop 1 s) of an EEGMAT file, taking every `stride`-th one. */
export function eegmatWindows(file: string, count: number, stride = 1): SyncWindow[] {
  const rec = importEdf(new Uint8Array(readFileSync(resolve(EEGMAT_DIR, file))), file);
  const streams = rec.streams.filter((s) => s.modality === 'eeg' || s.modality === 'ecg');
  const infos: StreamInfo[] = streams.map((s) => ({
    id: `${file}/${s.modality}`,
    deviceId: file,
    deviceName: file,
    deviceModel: 'replay',
    modality: s.modality,
    nominalRateHz: s.rateHz,
    channels: s.channels.map((c) => ({ label: c.label, unit: c.unit, resolution: c.resolution })),
  }));
  const windows: SyncWindow[] = [];
  const pipeline = new Pipeline({}, { window: (w) => windows.push(w) });
  pipeline.setStreams(file, infos);
  const chunkS = 0.5;
  const t0 = 1_000;
  const total = Math.min(...streams.map((s) => s.segments[0].count / s.rateHz));
  for (let t = 0; t + chunkS <= total && windows.length < count * stride; t += chunkS) {
    streams.forEach((s, k) => {
      const seg = s.segments[0];
      const n = Math.round(chunkS * s.rateHz);
      const off = Math.round(t * s.rateHz);
      const data = new Float32Array(s.channels.length * n);
      for (let c = 0; c < s.channels.length; c++) for (let i = 0; i < n; i++) data[c * n + i] = seg.data[c * seg.count + off + i];
      pipeline.push({ streamId: infos[k].id, deviceTime: t, hostTime: t0 + t + chunkS, count: n, data });
    });
  }
  return windows.filter((_, i) => i % stride === 0).slice(0, count);
}
