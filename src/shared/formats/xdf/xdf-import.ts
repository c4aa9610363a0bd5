// An XDF recording as an ImportedRecording: each numeric LSL stream becomes a stream (segments
// split at breaks, per-sample times after clock synchronisation), each string stream becomes
// markers. The zero of the timeline is the earliest synchronised time stamp of any stream.
import { electrodePosition, guessChannelKind, isExg, microvoltFactor, modalityOfKind } from '../channel-kind';
import type { ImportedAnnotation, ImportedChannel, ImportedRecording, ImportedSegment, ImportedStream } from '../recording.types';
import type { Modality } from '../../stream.types';
import { parseXdf } from './xdf-parse';
import { syncXdfStream } from './xdf-sync';
import type { XdfSyncOptions } from './xdf.types';

function streamModality(type: string, channels: ImportedChannel[]): Modality {
  const t = type.toLowerCase();
  if (t === 'eeg') return 'eeg';
  if (t === 'ecg' || t === 'ekg') return 'ecg';
  const votes = channels.map((c) => modalityOfKind(c.kind));
  const eeg = votes.filter((v) => v === 'eeg').length;
  const ecg = votes.filter((v) => v === 'ecg').length;
  return eeg > channels.length / 2 ? 'eeg' : ecg > channels.length / 2 ? 'ecg' : 'other';
}

export function importXdf(bytes: Uint8Array, fileName: string, sync: Partial<XdfSyncOptions> = {}): ImportedRecording {
  const file = parseXdf(bytes, fileName);
  const warnings = [...file.warnings];
  const synced = file.streams.map((s) => syncXdfStream(s, sync));
  let zero = Infinity;
  for (const y of synced) if (y.timestamps.length > 0) zero = Math.min(zero, y.timestamps[0]);
  if (!Number.isFinite(zero)) zero = 0;

  const streams: ImportedStream[] = [];
  const annotations: ImportedAnnotation[] = [];
  file.streams.forEach((s, k) => {
    const y = synced[k];
    if (y.clockResets > 0) warnings.push(`${s.info.name}: ${y.clockResets} clock reset(s) found and handled`);
    if (s.strings) {
      s.strings.forEach((row, i) => {
        const label = row.length === 1 ? row[0] : row.join(' | ');
        if (label !== '') annotations.push({ onset: y.timestamps[i] - zero, duration: 0, label, source: `xdf:${s.info.name}` });
      });
      return;
    }
    const data = s.data!;
    const nch = s.info.channelCount;
    const n = s.timestamps.length;
    const typeHint = s.info.type;
    const integer = /^int/.test(s.info.channelFormat);
    const channels: ImportedChannel[] = [];
    const scale = new Float64Array(nch).fill(1);
    for (let c = 0; c < nch; c++) {
      const d = s.info.channels[c] ?? {};
      const label = d.label ?? `${s.info.name} ${c + 1}`;
      const kind = guessChannelKind(label, d.unit ?? '', d.type ?? typeHint);
      let unit = d.unit ?? '';
      let fileUnit: string | undefined;
      if (isExg(kind)) {
        if (!unit) {
          unit = 'uV'; // LSL's convention for ExG streams (liblsl meta-data spec: microvolts)
        } else {
          const f = microvoltFactor(unit);
          if (f !== null) {
            if (unit !== 'uV') fileUnit = unit;
            unit = 'uV';
            scale[c] = f;
          }
        }
      }
      const ch: ImportedChannel = { label, unit, resolution: integer ? scale[c] : 0, offset: 0, kind };
      if (fileUnit) ch.fileUnit = fileUnit;
      const pos = kind === 'eeg' ? electrodePosition(label) : undefined;
      if (pos) ch.position = pos;
      channels.push(ch);
    }
    const wide = data instanceof Float64Array;
    const segments: ImportedSegment[] = y.segments.map(([a, b]) => {
      const count = b - a;
      const seg = wide ? new Float64Array(count * nch) : new Float32Array(count * nch);
      for (let c = 0; c < nch; c++) {
        const src = data.subarray(c * n + a, c * n + b);
        if (scale[c] === 1) seg.set(src, c * count);
        else for (let i = 0; i < count; i++) seg[c * count + i] = src[i] * scale[c];
      }
      const times = new Float64Array(count);
      for (let i = 0; i < count; i++) times[i] = y.timestamps[a + i] - zero;
      return { start: count > 0 ? times[0] : 0, count, data: seg, times };
    });
    const meta: Record<string, string> = { streamId: String(s.id), channelFormat: s.info.channelFormat };
    if (s.info.hostname) meta.hostname = s.info.hostname;
    if (s.info.sourceId) meta.sourceId = s.info.sourceId;
    if (y.effectiveSrate > 0) meta.effectiveSrateHz = y.effectiveSrate.toFixed(6);
    streams.push({
      name: s.info.name,
      type: s.info.type,
      modality: streamModality(typeHint, channels),
      rateHz: s.info.nominalSrate,
      channels,
      segments: segments.filter((g) => g.count > 0),
      meta,
    });
  });
  annotations.sort((a, b) => a.onset - b.onset);

  const info: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.header)) info[k] = v;
  info.timeZero = `LSL clock ${zero.toFixed(6)} s on the recording computer`;
  return { fileName, format: 'xdf', startTime: null, subject: {}, info, streams, annotations, warnings };
}
