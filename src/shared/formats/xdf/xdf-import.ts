// An XDF recording as an ImportedRecording: each numeric LSL stream becomes a stream (segments
// split at breaks, per-sample times after clock synchronisation), each string stream becomes
// markers. The zero of the timeline is the earliest synchronised time stamp of any stream.
import { electrodePosition, guessChannelKind, isExg, microvoltFactor, modalityOfKind } from '../channel-kind';
import type { ImportedAnnotation, ImportedChannel, ImportedRecording, ImportedSegment, ImportedStream } from '../recording.types';
import type { Modality } from '../../stream.types';
import { parseXdf } from './xdf-parse';
import { syncXdfStream } from './xdf-sync';
import type { XdfSyncOptions } from './xdf.types';
import { unixTimeProblem } from '../../event-time';

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
    if (n === 0) return; // a stream without samples (parseXdf's warning says which)
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
  // LabRecorder writes the wall-clock time it opened the file ('2019-05-15T16:00:53+0200'); the
  // first samples follow within about a second. It dates the recording (the import time did).
  const startTime = file.header.datetime !== undefined ? parseXdfDatetime(file.header.datetime) : null;
  if (file.header.datetime !== undefined && startTime === null) warnings.push(`the file header's datetime ${JSON.stringify(file.header.datetime.slice(0, 40))} is not a date and time; the recording is undated`);
  if (startTime !== null) info.start = 'the file header\'s datetime (when the recorder opened the file, to the second)';
  return { fileName, format: 'xdf', startTime, subject: {}, info, streams, annotations, warnings };
}

/**
 * Unix seconds of an XDF header's datetime: ISO 8601 as LabRecorder writes it ('%Y-%m-%dT%H:%M:%S%z':
 * '2019-05-15T16:00:53+0200'), with or without a fraction, 'Z' or a zone with a colon. Without a zone
 * (older recorders) it is read as UTC, as EDF's is. Null when it is not a date from 1970 to 2200.
 */
export function parseXdfDatetime(text: string): number | null {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return null;
  let t = Date.UTC(y, mo - 1, d, h, mi, sec) / 1000 + (m[7] ? Number(m[7]) : 0);
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return null; // 31 June
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
  }
  return unixTimeProblem(t) === null ? t : null;
}
