// An EDF/EDF+/BDF/BDF+ file as an ImportedRecording. Signals are grouped into streams by rate
// and modality and decoded straight into each stream's planar buffers (one pass, no copies);
// EDF+D gaps split streams into segments; EDF+ annotations and trigger-line steps become markers,
// except BAD_ACQ_SKIP spans (what a writer padded), which are cut out of the streams again.
import { electrodePosition, guessChannelKind, isExg, microvoltFactor } from '../channel-kind';
import { streamGroups } from '../import-util';
import type { ImportedAnnotation, ImportedChannel, ImportedRecording, ImportedSegment, ImportedStream, RecordingFormat } from '../recording.types';
import { decodeEdfSamples, parseEdfAnnotations } from './edf-data';
import { needsFloat64, parseEdfHeader } from './edf-header';
import { SKIP_ANNOTATION, type EdfHeader } from './edf.types';

/** BioSemi Status: trigger codes in bits 0-15, system bits (CMS, battery) in 16-23. */
const BDF_TRIGGER_MASK = 0xffff;
/** At most this many markers come from one trigger channel (a noisy line must not flood the list). */
const MAX_TRIGGER_MARKERS = 100_000;


interface Planned {
  index: number;
  channel: ImportedChannel;
  gain: number;
  offset: number;
  rateHz: number;
}

/** Runs of records that follow each other without a gap: [firstRecord, endRecord). */
function contiguousRuns(starts: Float64Array, durationS: number, minPeriodS: number): [number, number][] {
  const runs: [number, number][] = [];
  const tol = Math.min(minPeriodS / 2, 1e-3);
  let from = 0;
  for (let r = 1; r <= starts.length; r++) {
    if (r === starts.length || Math.abs(starts[r] - (starts[r - 1] + durationS)) > tol) {
      if (r > from) runs.push([from, r]);
      from = r;
    }
  }
  return runs;
}

/**
 * A SKIP_ANNOTATION ('BAD_ACQ_SKIP', or 'BAD_ACQ_SKIP Fp1,Fp2' for some channels) says the span
 * holds no recorded samples (a writer's padding): cut it out of the streams it names (all when it
 * names none), or make it NaN where it names only some channels of a stream. False, and nothing
 * changed, when the text is another annotation or names a channel the file does not have.
 */
function cutSkipped(streams: ImportedStream[], text: string, onset: number, duration: number): boolean {
  if (!(duration > 0) || (text !== SKIP_ANNOTATION && !text.startsWith(`${SKIP_ANNOTATION} `))) return false;
  const names = text === SKIP_ANNOTATION ? null : new Set(text.slice(SKIP_ANNOTATION.length + 1).split(','));
  if (names && ![...names].every((n) => streams.some((s) => s.channels.some((c) => c.label === n)))) return false;
  for (const s of streams) {
    const chans = s.channels.flatMap((c, i) => (!names || names.has(c.label) ? [i] : []));
    if (chans.length === 0) continue;
    s.segments = s.segments.flatMap((g) => {
      const i0 = Math.min(g.count, Math.max(0, Math.round((onset - g.start) * s.rateHz)));
      const i1 = Math.min(g.count, Math.max(0, Math.round((onset + duration - g.start) * s.rateHz)));
      if (i1 <= i0) return [g];
      if (chans.length < s.channels.length) {
        for (const c of chans) g.data.fill(NaN, c * g.count + i0, c * g.count + i1);
        return [g];
      }
      const piece = (from: number, to: number): ImportedSegment => {
        const count = to - from;
        const data = new (g.data.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(count * s.channels.length);
        for (let c = 0; c < s.channels.length; c++) data.set(g.data.subarray(c * g.count + from, c * g.count + to), c * count);
        return { start: g.start + from / s.rateHz, count, data };
      };
      return [...(i0 > 0 ? [piece(0, i0)] : []), ...(i1 < g.count ? [piece(i1, g.count)] : [])];
    });
  }
  return true;
}

function formatOf(h: EdfHeader): RecordingFormat {
  if (h.variant === 'bdf') return h.plus === 'C' ? 'bdf+c' : h.plus === 'D' ? 'bdf+d' : 'bdf';
  return h.plus === 'C' ? 'edf+c' : h.plus === 'D' ? 'edf+d' : 'edf';
}

export function importEdf(bytes: Uint8Array, fileName: string): ImportedRecording {
  const header = parseEdfHeader(bytes, fileName);
  const { annotations: tals, recordStarts, warnings: talWarnings } = parseEdfAnnotations(header, bytes, fileName);
  const warnings = [...header.warnings, ...talWarnings];

  // Plan every data signal: its channel description and the scale that lands it in its unit.
  const planned: Planned[] = [];
  header.signals.forEach((s, index) => {
    if (s.isAnnotation || s.samplesPerRecord === 0) return;
    const kind = guessChannelKind(s.label, s.physicalDimension);
    let gain = s.gain;
    let offset = s.offset;
    let unit = s.physicalDimension;
    let fileUnit: string | undefined;
    if (kind === 'stim' && header.variant === 'bdf') {
      // BioSemi Status is a bit field, not a voltage: keep the integers (as MNE-Python does).
      gain = 1;
      offset = 0;
      unit = '';
    } else if (isExg(kind)) {
      const f = microvoltFactor(unit);
      if (f !== null) {
        if (unit !== 'uV') fileUnit = unit;
        unit = 'uV';
        gain *= f;
        offset *= f;
      }
    }
    const f = gain / s.gain || 1;
    const channel: ImportedChannel = {
      label: s.label,
      unit,
      resolution: Math.abs(gain),
      offset,
      kind,
      physicalRange: gain === 1 && offset === 0 && s.gain !== 1 ? undefined : [s.physicalMin * f, s.physicalMax * f],
    };
    const pos = kind === 'eeg' ? electrodePosition(s.label) : undefined;
    if (pos) channel.position = pos;
    if (fileUnit) channel.fileUnit = fileUnit;
    if (s.transducer) channel.transducer = s.transducer;
    if (s.prefiltering) channel.prefilter = s.prefiltering;
    planned.push({ index, channel, gain, offset, rateHz: s.rateHz });
  });

  const maxRate = Math.max(1, ...planned.map((p) => p.rateHz));
  const runs = contiguousRuns(recordStarts, header.recordDurationS, 1 / maxRate);
  // Streams by (modality, rate); each channel decoded straight into its stream's arrays.
  const streams: ImportedStream[] = [];
  for (const { name, modality, rateHz, members: g } of streamGroups(planned, (p) => p.channel, (p) => p.rateHz)) {
    const wide = g.some((p) => needsFloat64(header, p.index));
    const n = header.signals[g[0].index].samplesPerRecord;
    const segments: ImportedSegment[] = runs.map(([from, to]) => {
      const count = (to - from) * n;
      const data = wide ? new Float64Array(count * g.length) : new Float32Array(count * g.length);
      g.forEach((p, c) => decodeEdfSamples(header, bytes, p.index, from, to, data, c * count, p.gain, p.offset));
      return { start: recordStarts[from], count, data };
    });
    streams.push({ name, modality, rateHz, channels: g.map((p) => p.channel), segments });
  }

  const annotations: ImportedAnnotation[] = [];
  for (const a of tals) {
    if (!cutSkipped(streams, a.text, a.onset, a.duration)) annotations.push({ onset: a.onset, duration: a.duration, label: a.text, source: header.variant === 'bdf' ? 'bdf+' : 'edf+' });
  }
  // Trigger lines: a marker wherever the code steps to a new non-zero value, unless the file's
  // annotations already list that code at that sample. A file that carries both (our own export:
  // every trigger marker also written as an annotation, beside the trigger line itself) gave each
  // event twice on import, and once more with each export and import after.
  const listed = annotations.slice();
  for (const p of planned) {
    if (p.channel.kind !== 'stim') continue;
    const s = header.signals[p.index];
    const atSample = new Set(listed.map((a) => `${Math.round(a.onset * s.rateHz)} ${a.label}`));
    const digital = new Int32Array(s.samplesPerRecord * header.recordCount);
    decodeEdfSamples(header, bytes, p.index, 0, header.recordCount, digital, 0, 1, 0);
    let prev = 0;
    let added = 0;
    for (let i = 0; i < digital.length; i++) {
      const code = header.variant === 'bdf' ? digital[i] & BDF_TRIGGER_MASK : Math.round(digital[i] * p.gain + p.offset);
      if (code !== prev && code !== 0) {
        if (added++ >= MAX_TRIGGER_MARKERS) {
          warnings.push(`${s.label}: more than ${MAX_TRIGGER_MARKERS} trigger steps; the rest are not listed as markers`);
          break;
        }
        const r = Math.floor(i / s.samplesPerRecord);
        const onset = recordStarts[r] + (i % s.samplesPerRecord) / s.rateHz;
        if (!atSample.has(`${Math.round(onset * s.rateHz)} ${code}`)) annotations.push({ onset, duration: 0, label: String(code), source: `stim:${s.label}` });
      }
      prev = code;
    }
  }
  annotations.sort((a, b) => a.onset - b.onset);

  const info: Record<string, string> = {};
  if (header.patientId) info.patientId = header.patientId;
  if (header.recordingId) info.recordingId = header.recordingId;
  if (header.recording.adminCode) info.adminCode = header.recording.adminCode;
  if (header.recording.technician) info.technician = header.recording.technician;
  if (header.recording.equipment) info.equipment = header.recording.equipment;
  info.recordDurationS = String(header.recordDurationS);
  const { code, sex, birthdate, name } = header.patient;
  const subject: ImportedRecording['subject'] = {};
  if (code) subject.code = code;
  if (sex) subject.sex = sex;
  if (birthdate) subject.birthdate = birthdate;
  if (name) subject.name = name;

  return {
    fileName,
    format: formatOf(header),
    startTime: header.startTime,
    subject,
    info,
    streams,
    annotations,
    warnings,
  };
}
