// A WFDB record (header + signal files + any annotation files) as an ImportedRecording.
import { guessChannelKind, electrodePosition } from '../channel-kind';
import { failFor, FormatError, type Fail } from '../format-error';
import { buildStreams, exgToMicrovolts, type ChannelSeries } from '../import-util';
import type { ImportedAnnotation, ImportedChannel, ImportedRecording, NamedBytes } from '../recording.types';
import { decodeLatin1 } from '../text';
import { parseWfdbAnnotations } from './wfdb-annotations';
import { parseWfdbHeader, wfdbStartTime } from './wfdb-header';
import { decodeWfdbSignals } from './wfdb-signals';
import type { WfdbAnnotation, WfdbHeader } from './wfdb.types';

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** The header file among `files`: the one named, or the only '.hea'. */
function findHeader(files: NamedBytes[], headerName?: string): NamedBytes {
  const heas = files.filter((f) => (headerName ? baseName(f.name) === baseName(headerName) : /\.hea$/i.test(f.name)));
  if (heas.length === 1) return heas[0];
  const fail: Fail = failFor(headerName ?? files[0]?.name ?? 'WFDB record');
  return heas.length === 0 ? fail('missing-file', 'no WFDB header (.hea) among the files') : fail('bad-header', `several WFDB headers given: ${heas.map((h) => h.name).join(', ')}`);
}

/** Names of the signal files a header needs (so a file reader can fetch them). */
export function wfdbSignalFileNames(header: WfdbHeader): string[] {
  return [...new Set(header.signals.map((s) => s.fileName))].filter((n) => n !== '~' && n !== '-');
}

const WAVE_LABELS: Record<string, string> = { p: 'P wave', N: 'QRS', t: 'T wave', u: 'U wave' };

function annotationLabel(a: WfdbAnnotation): string {
  if ((a.code === 22 || a.code === 28) && a.aux) return a.aux; // notes and rhythm changes: the text is the label
  return a.aux ? `${a.symbol} ${a.aux}` : a.symbol;
}

/**
 * Annotations of one file as markers. Waveform boundary triples '(' X ')' (LUDB, ECGPUWAVE)
 * become one marker spanning the wave, labelled 'P wave', 'QRS', 'T wave'.
 */
function toImported(anns: WfdbAnnotation[], tickHz: number, source: string, channelOf: (a: WfdbAnnotation) => string | undefined): ImportedAnnotation[] {
  const out: ImportedAnnotation[] = [];
  for (let i = 0; i < anns.length; i++) {
    const a = anns[i];
    const b = anns[i + 1];
    const c = anns[i + 2];
    if (a.symbol === '(' && b && c && c.symbol === ')' && b.symbol !== '(' && b.symbol !== ')' && a.chan === b.chan && b.chan === c.chan) {
      out.push({ onset: a.sample / tickHz, duration: (c.sample - a.sample) / tickHz, label: WAVE_LABELS[b.symbol] ?? annotationLabel(b), source, channel: channelOf(b) });
      i += 2;
      continue;
    }
    out.push({ onset: a.sample / tickHz, duration: 0, label: annotationLabel(a), source, channel: channelOf(a) });
  }
  return out;
}

/**
 * Imports a WFDB record. `files` holds the header, its signal files and optionally annotation
 * files named '<record>.<annotator>' ('100.atr', '1.ii'); every other file is ignored.
 */
export function importWfdb(files: NamedBytes[], headerName?: string): ImportedRecording {
  const hea = findHeader(files, headerName);
  const header = parseWfdbHeader(decodeLatin1(hea.bytes), hea.name);
  const byName = new Map(files.map((f) => [baseName(f.name), f.bytes]));
  const decoded = decodeWfdbSignals(header, byName, hea.name);
  const warnings: string[] = [...decoded.warnings];

  const series: ChannelSeries[] = decoded.signals.map((s, i) => {
    const label = s.spec.description || `signal ${i + 1}`;
    const kind = guessChannelKind(label, s.spec.units);
    const channel: ImportedChannel = {
      label,
      unit: s.spec.units,
      resolution: 1 / s.spec.adcGain,
      offset: -s.spec.baseline / s.spec.adcGain,
      kind,
    };
    const pos = kind === 'eeg' ? electrodePosition(label) : undefined;
    if (pos) channel.position = pos;
    if (s.checksumOk === false) warnings.push(`signal ${label}: samples do not match the header's checksum (file damaged?)`);
    if (s.spec.uncalibrated) warnings.push(`signal ${label}: the header gives no gain; values are nominal (200 counts per ${s.spec.units})`);
    const pieces = [s.physical];
    exgToMicrovolts(channel, pieces);
    return { channel, rateHz: s.rateHz, pieces };
  });
  const streams = buildStreams(series, [0]);

  const signalFiles = new Set(wfdbSignalFileNames(header).map(baseName));
  const annotations: ImportedAnnotation[] = [];
  const prefix = `${header.recordName}.`;
  const lowerLabels = decoded.signals.map((s) => s.spec.description.toLowerCase());
  for (const f of files) {
    const name = baseName(f.name);
    if (f === hea || signalFiles.has(name) || !name.startsWith(prefix)) continue;
    const ext = name.slice(prefix.length);
    if (/^(hea|dat|xyz|mat|edf)$/i.test(ext)) continue;
    // A file beside the record that is not an annotation file (a backup, a note) must not sink
    // the import: its problem becomes a warning.
    let parsed: ReturnType<typeof parseWfdbAnnotations>;
    try {
      parsed = parseWfdbAnnotations(f.bytes, f.name);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      warnings.push(`${f.name}: not read as an annotation file (${e.detail})`);
      continue;
    }
    for (const w of parsed.warnings) warnings.push(`${f.name}: ${w}`);
    const tickHz = parsed.timeResolutionHz ?? header.frequencyHz;
    // LUDB-style files name the lead they annotate ('1.ii'); otherwise chan > 0 picks a signal.
    const leadIdx = lowerLabels.indexOf(ext.toLowerCase());
    const channelOf = (a: WfdbAnnotation) =>
      leadIdx >= 0 ? decoded.signals[leadIdx].spec.description : a.chan > 0 && a.chan < decoded.signals.length ? decoded.signals[a.chan].spec.description : undefined;
    annotations.push(...toImported(parsed.annotations, tickHz, `wfdb:${ext}`, channelOf));
  }
  annotations.sort((a, b) => a.onset - b.onset);
  if (header.samplesPerSignal !== null && decoded.frames < header.samplesPerSignal) {
    // Signals cut short, annotation file whole: its markers past the cut are kept (they are the
    // file's), and counted so the researcher knows why they annotate no samples.
    const end = decoded.frames / header.frequencyHz;
    const after = annotations.filter((a) => a.onset >= end).length;
    if (after > 0) warnings.push(`${after} marker${after === 1 ? ' lies' : 's lie'} after the last imported sample (${Number(end.toFixed(3))} s), where the signals were cut short; kept`);
  }

  const subject: ImportedRecording['subject'] = {};
  for (const c of header.comments) {
    // '<age>: 25  <sex>: M …' (macecgdb), 'age: 81' (ptbdb), '69 M 1085 1629 x1' (mitdb, free form)
    const age = /<?age>?:\s*(\d+)/i.exec(c);
    const sex = /<?sex>?:\s*(\w+)/i.exec(c);
    if (age && !subject.age) subject.age = age[1];
    if (sex && !subject.sex) subject.sex = sex[1];
  }
  const info: Record<string, string> = { record: header.recordName };
  if (header.comments.length) info.comments = header.comments.join('\n');
  if (header.baseTime) info.baseTime = header.baseTime;

  return {
    fileName: hea.name,
    format: 'wfdb',
    startTime: wfdbStartTime(header),
    subject,
    info,
    streams,
    annotations,
    warnings,
  };
}
