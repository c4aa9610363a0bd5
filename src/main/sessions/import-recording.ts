// Import orchestration: read a file (and its companions), parse it with the format readers in
// src/shared/formats (both in a worker thread, off the core's main thread), and turn the
// ImportedRecording into a session written in ONE database transaction: a file that fails to parse never reaches the database, and a failure while writing
// leaves the database as it was.
import { basename, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brainflowBoardNames, brainflowBoardOptions, type BrainFlowCsvOptions } from '../../shared/formats/brainflow-csv';
import { FormatError, quote, type FormatErrorCode } from '../../shared/formats/format-error';
import type { ImportedRecording, ImportedStream } from '../../shared/formats/recording.types';
import { segmentBreaks, segmentOverlap } from '../../shared/formats/import-util';
import { railsOfFileChannel } from '../../shared/dsp/quality';
import { parseSamAnnotation } from '../../shared/formats/sam-annotation';
import { isMarkerSource, type ImportRequest, type ImportResult, type SessionSummary } from '../../shared/session.types';
import type { StreamInfo } from '../../shared/stream.types';
import type { DbClient } from '../db/db-client';
import type { ImportGap, ImportStream, SessionImport } from '../db/server';
import type { PackedChunks } from '../db/sample-codec';
import { EVENT_SESSION_REACH_S, eventTimeProblem, markerDurationProblem, sessionEventSpan } from '../../shared/event-time';
import { importRecordingFile as readRecording } from '../formats/read-recording-files';
import { askWorkerOnce, findWorkerEntry } from '../core/worker-entry';

/** Imported samples are handed to the pipeline in chunks of this length, like a device's packets. */
export const IMPORT_CHUNK_S = 0.1;

function streamInfoFor(rec: ImportedRecording, s: ImportedStream, index: number, deviceKey: string): StreamInfo {
  return {
    id: `${deviceKey}/${index}-${s.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    deviceId: deviceKey,
    deviceName: rec.fileName,
    deviceModel: `file:${rec.format}`,
    modality: s.modality,
    nominalRateHz: s.rateHz,
    channels: s.channels.map((c) => ({
      label: c.label,
      unit: c.unit,
      resolution: c.resolution > 0 && Number.isFinite(c.resolution) ? c.resolution : 0,
      // A file's physical range, where it is an amplifier's span, is the quality check's rails.
      ...railsOf(c),
    })),
  };
}

function railsOf(c: ImportedStream['channels'][number]): { rangeUv?: number } {
  const r = railsOfFileChannel(c.unit, c.physicalRange);
  return r === undefined ? {} : { rangeUv: r };
}

/**
 * Cuts a stream's segments into chunks as a device would deliver them, packed into a few flat
 * arrays (moved, not cloned, to the DB worker). The recording's zero maps to host time `zero`; a
 * chunk's deviceTime is its first sample's time on the file's axis and its hostTime the time of
 * its last sample (it "arrives" when complete). Irregular streams (rate 0) become one chunk per
 * sample, at that sample's time.
 */
function chunksOf(s: ImportedStream, zero: number): PackedChunks {
  const channels = s.channels.length;
  const per = chunkLength(s);
  let n = 0;
  let values = 0;
  for (const seg of s.segments) {
    n += Math.ceil(seg.count / per);
    values += seg.count * channels;
  }
  const p: PackedChunks = { seqs: new Float64Array(n), deviceTimes: new Float64Array(n), hostTimes: new Float64Array(n), counts: new Uint32Array(n), data: new Float32Array(values) };
  let k = 0;
  let off = 0;
  for (const seg of s.segments) {
    const data = seg.data;
    for (let i0 = 0; i0 < seg.count; i0 += per) {
      const m = Math.min(per, seg.count - i0);
      for (let c = 0; c < channels; c++) p.data.set(data.subarray(c * seg.count + i0, c * seg.count + i0 + m), off + c * m);
      if (s.rateHz > 0) {
        p.deviceTimes[k] = seg.start + i0 / s.rateHz;
        p.hostTimes[k] = zero + seg.start + (i0 + m - 1) / s.rateHz;
      } else {
        const t = seg.times ? seg.times[i0] : seg.start;
        p.deviceTimes[k] = t;
        p.hostTimes[k] = zero + t;
      }
      p.counts[k] = m;
      k++;
      off += m * channels;
    }
  }
  return p;
}

/** Samples per chunk that chunksOf cuts a stream into. */
function chunkLength(s: ImportedStream): number {
  return s.rateHz > 0 ? Math.max(1, Math.round(s.rateHz * IMPORT_CHUNK_S)) : 1;
}

/**
 * The breaks between a regular stream's segments (segmentBreaks) as the session's gaps, on the host
 * axis chunksOf uses, each before the first chunk of the segment that starts again.
 */
export function gapsOf(s: ImportedStream, streamIdx: number, zero: number): ImportGap[] {
  const breaks = segmentBreaks(s);
  if (breaks.length === 0) return [];
  const per = chunkLength(s);
  const gaps: ImportGap[] = [];
  let next = 0;
  let chunk = 0;
  s.segments.forEach((seg, index) => {
    const b = breaks[next];
    if (b?.index === index) {
      gaps.push({ stream: streamIdx, beforeChunk: chunk, startTime: zero + b.due, endTime: zero + b.start, missingSamples: b.missing });
      next++;
    }
    chunk += Math.ceil(seg.count / per);
  });
  return gaps;
}

export interface ImportContext {
  appVersion: string;
  /** Used as the start when the file carries no date. */
  now: number;
  /** The file's full path (kept as the session's source). */
  sourcePath: string;
}

/** An ImportedRecording as a session: streams chunked, the file's breaks as gaps, annotations as markers, file details in the notes. */
export function toSessionImport(rec: ImportedRecording, req: Omit<ImportRequest, 'path'>, ctx: ImportContext): SessionImport & { warnings: string[] } {
  // The database orders a stream's chunks by time: segments that overlap would be interleaved.
  for (const s of rec.streams) {
    const o = segmentOverlap(s);
    if (o) throw new FormatError('bad-data', rec.fileName, `stream ${s.name}: the samples from ${seconds(o.start)} lie over those before them (to ${seconds(o.due)}): the file's times go back, and its samples cannot be put in order`);
  }
  const zero = rec.startTime ?? ctx.now;
  const deviceKey = `file:${rec.fileName}`;
  const kept = rec.streams.filter((s) => s.channels.length > 0);
  const streams: ImportStream[] = kept.map((s, i) => ({
    device: { deviceKey, name: rec.fileName, model: `file:${rec.format}`, serial: '', transport: 'file' },
    info: streamInfoFor(rec, s, i, deviceKey),
    montagePositions: s.channels.map((c) => c.position ?? ''),
    offsets: s.channels.map((c) => (Number.isFinite(c.offset) ? c.offset : 0)),
    channelDetails: s.channels.map((c) => ({ kind: c.kind, physicalRange: c.physicalRange ?? null, transducer: c.transducer ?? '', prefilter: c.prefilter ?? '', fileIndex: c.fileIndex ?? null })),
    clockModel: { kind: 'file', offsetS: zero, driftPpm: 0, atDeviceTime: 0 },
    chunks: chunksOf(s, zero),
  }));
  const gaps = kept.flatMap((s, i) => gapsOf(s, i, zero));
  const noteLines = [
    `Imported from ${rec.fileName} (${rec.format}).`,
    ...Object.entries(rec.info)
      .filter(([, v]) => v && v.trim())
      .map(([k, v]) => `${k}: ${v.trim()}`),
  ];
  const warnings = [...rec.warnings];
  // Annotations the database would refuse (shared/event-time.ts) are left out, each named, rather
  // than failing the import of the whole file.
  let last = 0;
  for (const s of rec.streams) for (const g of s.segments) last = Math.max(last, g.times?.length ? g.times[g.times.length - 1] : g.start + Math.max(0, g.count - 1) / (s.rateHz || 1));
  const span = sessionEventSpan(0, zero, zero + last, EVENT_SESSION_REACH_S);
  const markers: SessionImport['markers'] = [];
  const selfReports: NonNullable<SessionImport['selfReports']> = [];
  for (const a of rec.annotations) {
    if (a.label.trim() === '' || !Number.isFinite(a.onset)) continue;
    const duration = Number.isFinite(a.duration) && a.duration > 0 ? a.duration : 0;
    const problem = eventTimeProblem('annotation onset', zero + a.onset, span.lo, span.hi, 'the recording') ?? markerDurationProblem(duration);
    // A self-report as our export writes it ('SAM valence=7 arousal=3 dominance=5: text') is one again.
    const sam = a.channel ? null : parseSamAnnotation(a.label);
    if (problem) warnings.push(`annotation "${a.label}" left out: ${problem}`);
    else if (sam) selfReports.push({ time: zero + a.onset, ...sam });
    // A marker our CSV export wrote keeps who put it there (its source column: 'keyboard', 'udp'…),
    // so a session moved as CSV still tells the experimenter's keys from the stimulus program's
    // markers; a file's own kinds ('edf+', 'xdf:Markers') are not ours: 'import'.
    else markers.push({ time: zero + a.onset, duration, label: a.channel ? `${a.label} [${a.channel}]` : a.label, source: isMarkerSource(a.source) ? a.source : 'import' });
  }
  // A warning, not only a note: the session's date in the library is then today's, not the recording's.
  if (rec.startTime === null) warnings.push('the file has no start date: the session is dated at the import time');
  const subject = req.subjectId ?? rec.subject.code ?? '';
  return {
    session: {
      name: req.name?.trim() || basename(rec.fileName, extname(rec.fileName)),
      subjectId: subject === 'X' ? '' : subject,
      startTime: zero,
      notes: [...noteLines, ...warnings.map((w) => `Warning: ${w}`)].join('\n'),
      tags: [...(req.tags ?? []), rec.format],
      appVersion: ctx.appVersion,
      sourceFile: ctx.sourcePath,
    },
    streams,
    markers,
    selfReports,
    gaps,
    warnings,
  };
}

/** The sample buffers of an import, moved to the DB worker rather than copied. */
export function transferablesOf(imp: SessionImport): ArrayBuffer[] {
  return imp.streams.flatMap((s) => [s.chunks.seqs, s.chunks.deviceTimes, s.chunks.hostTimes, s.chunks.counts, s.chunks.data].map((a) => a.buffer as ArrayBuffer));
}

/** The BrainFlow reader's options for the request's board; a name BrainFlow does not use is refused. */
export function brainflowBoard(req: Pick<ImportRequest, 'path' | 'board'>): BrainFlowCsvOptions | undefined {
  if (req.board === undefined || req.board.trim() === '') return undefined;
  const opts = brainflowBoardOptions(req.board);
  if (!opts) throw new FormatError('unsupported', basename(req.path), `no BrainFlow board is called ${quote(req.board)}; the boards: ${brainflowBoardNames().join(', ')}`);
  return opts;
}

/** Seconds for a message, to the millisecond. */
function seconds(s: number): string {
  return `${Number(s.toFixed(3))} s`;
}

/** At most this many of the reader's warnings go into an error message; the rest are counted. */
const WARNINGS_IN_ERROR = 5;

/**
 * The reader's warnings as the end of an error message: when a file yields nothing to import,
 * they are the reason (a stream left out, every chunk corrupt), so they must not be dropped.
 */
function warningsClause(warnings: string[]): string {
  if (warnings.length === 0) return '';
  const shown = warnings.slice(0, WARNINGS_IN_ERROR).join('; ');
  const more = warnings.length - WARNINGS_IN_ERROR;
  return ` (the reader's warnings: ${shown}${more > 0 ? `; and ${more} more` : ''})`;
}

/** Reads and parses one file into what the database stores; FormatError for a bad file. Runs in the import worker. */
export async function prepareImport(req: ImportRequest, ctx: Omit<ImportContext, 'sourcePath'>): Promise<{ imp: SessionImport; warnings: string[] }> {
  const rec = await readRecording(req.path, { brainflow: brainflowBoard(req) });
  if (rec.streams.every((s) => s.segments.every((g) => g.count === 0))) {
    throw new FormatError('bad-data', rec.fileName, `the file holds no samples${warningsClause(rec.warnings)}`);
  }
  const { warnings, ...imp } = toSessionImport(rec, req, { ...ctx, sourcePath: req.path });
  return { imp, warnings };
}

/** File name of the import worker's bundle in the built app (its own entry in electron.vite.config.ts). */
export const IMPORT_WORKER_BUNDLE = 'import-worker.js';
const IMPORT_WORKER_SOURCE = 'import-worker.node.ts';

/**
 * prepareImport in a short-lived worker thread, its buffers moved back: parsing a 2-hour XDF takes
 * seconds (2.4 s for 84 MB), and on the core's main thread it held up the live pipeline, the
 * dashboard and the recorder's batches for as long. A FormatError keeps its code and file name.
 */
export function prepareImportInWorker(req: ImportRequest, ctx: Omit<ImportContext, 'sourcePath'>): Promise<{ imp: SessionImport; warnings: string[] }> {
  const entry = findWorkerEntry(import.meta.url, IMPORT_WORKER_SOURCE, IMPORT_WORKER_BUNDLE);
  if (!entry) throw new Error(`cannot find the import worker ${IMPORT_WORKER_BUNDLE} near ${dirname(fileURLToPath(import.meta.url))}`);
  const data: ImportWorkerData = { req, ctx };
  return askWorkerOnce<ImportWorkerReply, { imp: SessionImport; warnings: string[] }>(
    entry,
    { workerData: data, name: 'heartmind-import' },
    (m) => {
      if (m.type === 'prepared') return { value: { imp: m.imp, warnings: m.warnings } };
      const f = m.error.formatError;
      return { error: f ? new FormatError(f.code, f.fileName, f.detail, f.boards) : Object.assign(new Error(m.error.message), { name: m.error.name }) };
    },
    `the import of ${req.path}`,
  );
}

export interface ImportWorkerData {
  req: ImportRequest;
  ctx: Omit<ImportContext, 'sourcePath'>;
}

export type ImportWorkerReply =
  | { type: 'prepared'; imp: SessionImport; warnings: string[] }
  | { type: 'failed'; error: { name: string; message: string; formatError?: { code: FormatErrorCode; fileName: string; detail: string; boards: string[] } } };

/** Reads, parses (in a worker thread) and stores one file; FormatError for a bad file (nothing written), DbError for the database. */
export async function importRecordingFile(db: DbClient, req: ImportRequest, ctx: Omit<ImportContext, 'sourcePath'>): Promise<ImportResult> {
  const { imp, warnings } = await prepareImportInWorker(req, ctx);
  const summary: SessionSummary = await db.callTransferring('importSession', transferablesOf(imp), imp);
  return { ...summary, warnings };
}
