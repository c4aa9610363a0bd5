// Export: a session (or a time range of it) as the ImportedRecording the format writers take
// (src/shared/formats: EDF+/BDF+ with markers and self-reports as annotations, gaps as zeros
// marked BAD_ACQ_SKIP or, on request, as EDF+D; CSV), written to disk. Runs inside the DB worker, next to the data, so a long export never blocks the live
// pipeline on the main thread; and in steps (exportSessionSteps), so that it does not hold up the
// worker either: a recording's commits run between its reads, and between the pieces it encodes
// and writes (an hour of 32 channels encoded and written at once held the worker 1.5 s).
//
// Sample times: an imported stream keeps its file's exact time axis; a recorded stream's device
// clock is mapped to the host clock per continuous segment with the pipeline's own online clock
// model (fed every chunk of the segment, as it was live), so two devices line up in the file as
// they did in the live windows.
import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { FormatError } from '../../shared/formats/format-error';
import type { ChannelKind, ImportedAnnotation, ImportedRecording, ImportedSegment, ImportedStream } from '../../shared/formats/recording.types';
import { sessionFileBase } from '../../shared/formats/safe-file-name';
import { edfPieces, type EdfWriteOptions } from '../../shared/formats/edf/edf-write';
import { parsePatientField, parseRecordingField } from '../../shared/formats/edf/edf-header';
import { csvFileSteps } from '../../shared/formats/csv/heartmind-csv';
import { PREDICTIONS_FILE_SUFFIX, predictionsCsvPieces, type PredictionModelTasks } from '../../shared/formats/csv/predictions-csv';
import { windowLengths } from '../../shared/model/prediction-summary';
import { annotationInRange } from '../../shared/formats/import-util';
import { samAnnotationLabel } from '../../shared/formats/sam-annotation';
import { ClockModel } from '../../shared/pipeline/clock-model';
import type { ExportRequest, ExportResult, SessionDetail, SessionStream } from '../../shared/session.types';
import type { ReadableDb } from '../db/db.types';
import { DbError } from '../db/db-error';
import type { ChunkTimes, StoredChunk } from '../db/sample-codec';
import { cacheStreamPlacement, dataExtent, getSession, getStreamPlacement, listMarkers, listPredictions, listSelfReports, readStreamChunks, readStreamChunkTimes, type BlockCursor, type DecodedBlocks } from '../db/server';
import { describeFsProblem } from '../core/data-dir';

/** Chunks arriving this long after the range still hold samples inside it (transport latency, packet length). */
const READ_MARGIN_S = 10;

/**
 * Values one export step reads of a stream (some 60 ms of reading and decoding on the development
 * machine). Between steps the DB worker serves what arrived meanwhile: reading a 2-hour session at
 * once held it for seconds, and a recording's batches waited in memory, where a kill -9 loses them.
 * Much smaller steps cost time of their own (a minute of 8 channels at 256 Hz a step made an export
 * take twice as long).
 */
export const EXPORT_STEP_VALUES = 500_000;

/**
 * What writing a value as CSV text costs beside reading it (a number formatted per value; EDF's
 * two or three bytes cost about as much as reading), as a divisor of EXPORT_STEP_VALUES for the
 * CSV writer's pieces, so that its steps take about as long as a read step.
 */
const CSV_COST = 4;

/**
 * The longest slice of a stream one step reads (s). Decoding costs per chunk as well as per value:
 * an hour of a 1-lead ECG (36 000 chunks of 13 samples, under EXPORT_STEP_VALUES) read at once
 * held the worker some 200 ms.
 */
const EXPORT_SLICE_MAX_S = 300;

/** A stream's chunks that arrived in [from, to], read about EXPORT_STEP_VALUES (at most EXPORT_SLICE_MAX_S) at a time; yields after each read. */
function* readChunksInSteps(db: ReadableDb, stream: SessionStream, from: number, to: number): Generator<void, StoredChunk[]> {
  const out: StoredChunk[] = [];
  // The block across a boundary comes up in both slices: decoded once, kept for the next.
  const carry: DecodedBlocks = new Map();
  const sliceS = Math.min(EXPORT_SLICE_MAX_S, Math.max(1, EXPORT_STEP_VALUES / (Math.max(1, stream.info.nominalRateHz) * Math.max(1, stream.info.channels.length))));
  for (let a = from; a <= to; a += sliceS) {
    const b = Math.min(a + sliceS, to);
    // Half-open slices, the last one closed: a chunk on a boundary is read once.
    for (const c of readStreamChunks(db, stream.id, a, b, carry)) if (c.hostTime < b || b === to) out.push(c);
    yield;
    if (b === to) break;
  }
  return out;
}

/** Splits a stream's chunks into runs whose device times follow on (a gap or clock reset ends a run). */
function segmentsOf<C extends ChunkTimes>(chunks: C[], rateHz: number): C[][] {
  const runs: C[][] = [];
  let run: C[] = [];
  let expected = NaN;
  for (const c of chunks) {
    if (run.length > 0 && !(Math.abs(c.deviceTime - expected) <= 1.5 / rateHz)) {
      runs.push(run);
      run = [];
    }
    run.push(c);
    expected = c.deviceTime + c.count / rateHz;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * Device seconds of a run the clock model is fed per export step: it refits once per second of
 * device time (some 0.3 ms on the development machine), so an hour at once held the DB worker for
 * over a second.
 */
const CLOCK_STEP_S = 120;

/** Host time of a run's first sample; yields every CLOCK_STEP_S of the run's device time. */
function* runStartHost(stream: SessionStream, run: ChunkTimes[]): Generator<void, number> {
  const rate = stream.info.nominalRateHz;
  const first = run[0].deviceTime;
  const m = stream.clockModel;
  if (m?.kind === 'file') return first + m.offsetS + m.driftPpm * 1e-6 * (first - m.atDeviceTime);
  // The pipeline's clock model over the run, observations as it saw them live.
  const model = new ClockModel();
  const latency = stream.info.latencySec ?? 0;
  let pauseAt = first + CLOCK_STEP_S;
  for (const c of run) {
    model.observe(c.deviceTime + (c.count - 1) / rate, c.hostTime - latency);
    if (c.deviceTime >= pauseAt) {
      pauseAt = c.deviceTime + CLOCK_STEP_S;
      yield;
    }
  }
  return model.toHost(first);
}

/** A run of a stream's chunks placed on the shared clock: `start` is its first sample's time, seconds from the zero. */
export interface PlacedRun<C extends ChunkTimes> {
  chunks: C[];
  /** Samples per channel. */
  count: number;
  start: number;
}

/** A run before it is put on the clock: its chunks, samples and its first sample's host time (runStartHost). */
interface HostRun<C> {
  chunks: C[];
  count: number;
  host: number;
}

/** Runs from their first samples' host times: from `zero`, in time order, none overlapping the one before. */
function placeOnClock<T>(hostRuns: { chunks: T; count: number; host: number }[], rate: number, zero: number): { chunks: T; count: number; start: number }[] {
  const runs = hostRuns.map((r) => ({ chunks: r.chunks, count: r.count, start: r.host - zero }));
  runs.sort((a, b) => a.start - b.start);
  // Runs must not overlap (a device clock reset can map a run onto the previous one's tail).
  for (let i = 1; i < runs.length; i++) {
    const prevEnd = runs[i - 1].start + runs[i - 1].count / rate;
    if (runs[i].start < prevEnd) runs[i].start = prevEnd;
  }
  return runs;
}

/**
 * Version of the placement a stream caches (schema 80, streams.placement): bump it whenever
 * segmentsOf, runStartHost or the ClockModel's fit (its code or defaults) changes, so that a cache
 * written by older code is computed anew. test/main/sessions/placement-pinned.test.ts pins a fixed
 * session's placement to the bit and fails when one of them changes. 2: the clock model splits off a
 * lasting step of the delay floor (ClockModel, 6.), which moves a stream that has one. 3: its drift
 * goes beyond a crystal's ±1000 ppm when the buckets show a rate off nominal (ClockModel, 3.), which
 * moves a counter-clocked stream whose real rate is off its nominal one (others keep theirs).
 */
export const PLACEMENT_VERSION = 3;

/**
 * What a stream's placement was computed from: when the stream gains chunks (a recording goes on)
 * or the code changes, a cached one no longer matches. The runs depend on nothing else: the chunks'
 * times (the arrival span and the sample count stand for them: stored chunks are never rewritten),
 * the rate, the latency subtracted, and a file's clock line.
 */
function placementKey(stream: SessionStream): string {
  const m = stream.clockModel;
  return JSON.stringify([PLACEMENT_VERSION, stream.sampleCount, stream.firstTime, stream.lastTime, stream.info.nominalRateHz, stream.info.latencySec ?? 0, m?.kind === 'file' ? m : null]);
}

/** A stream's cached runs (chunks, samples, first sample's host time), or null where none matches. */
function cachedRuns(db: ReadableDb, stream: SessionStream): { chunks: number; count: number; host: number }[] | null {
  const text = getStreamPlacement(db, stream.id);
  if (!text) return null;
  try {
    const p = JSON.parse(text) as { key?: unknown; runs?: unknown };
    if (p.key !== placementKey(stream) || !Array.isArray(p.runs)) return null;
    const runs: { chunks: number; count: number; host: number }[] = [];
    for (const r of p.runs as unknown[]) {
      if (!Array.isArray(r) || r.length !== 3 || !r.every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
      runs.push({ chunks: r[0], count: r[1], host: r[2] });
    }
    return runs.length > 0 ? runs : null;
  } catch {
    return null; // damaged: computed anew (and written over)
  }
}

/** Caches a stream's runs where the session is no longer recorded and the connection may write. */
function cacheRuns(db: ReadableDb, stream: SessionStream, sessionState: string, runs: HostRun<unknown>[]): void {
  if (sessionState === 'recording' || runs.length === 0) return;
  cacheStreamPlacement(db, stream.id, JSON.stringify({ key: placementKey(stream), runs: runs.map((r) => [r.chunks.length, r.count, r.host]) }));
}

/** A stream's chunks as runs whose device times follow on, each with its first sample's host time. */
function* hostRuns<C extends ChunkTimes>(stream: SessionStream, chunks: C[]): Generator<void, HostRun<C>[]> {
  const runs: HostRun<C>[] = [];
  for (const run of segmentsOf(chunks, stream.info.nominalRateHz)) {
    runs.push({ chunks: run, count: run.reduce((a, c) => a + c.count, 0), host: yield* runStartHost(stream, run) });
  }
  return runs;
}

/**
 * A stream's chunks as the runs whose device times follow on, each placed on the shared host clock
 * (runStartHost), in time order and not overlapping, with times from `zero`: the one mapping an
 * export writes the samples by and `heartmind sessions show` reports a stream's first and last
 * sample by (it reported the first chunk's arrival: an ECG strap's 0.55-s packets read 0.5 s late).
 */
export function* placeRuns<C extends ChunkTimes>(stream: SessionStream, chunks: C[], zero: number): Generator<void, PlacedRun<C>[]> {
  return placeOnClock(yield* hostRuns(stream, chunks), stream.info.nominalRateHz, zero);
}

/**
 * placeRuns over a stream's stored chunks, from the stream's cached placement where it has one
 * that matches them (the same runs, to the bit, without re-fitting the clock model: about a second
 * per recorded hour), otherwise computed and cached for the next reader.
 */
function* placeStoredRuns<C extends ChunkTimes>(db: ReadableDb, stream: SessionStream, sessionState: string, chunks: C[], zero: number): Generator<void, PlacedRun<C>[]> {
  const rate = stream.info.nominalRateHz;
  const cached = cachedRuns(db, stream);
  if (cached) {
    // The cache's runs must split these chunks as segmentsOf does (they always do, unless the
    // stored chunks changed under the same key); each keeps its chunks.
    const segments = segmentsOf(chunks, rate);
    if (segments.length === cached.length && segments.every((seg, i) => seg.length === cached[i].chunks && seg.reduce((n, c) => n + c.count, 0) === cached[i].count)) {
      return placeOnClock(segments.map((seg, i) => ({ chunks: seg, count: cached[i].count, host: cached[i].host })), rate, zero);
    }
  }
  return yield* placeFreshRuns(db, stream, sessionState, chunks, zero);
}

/** placeRuns over a stream's stored chunks, computed (no cached placement matches) and cached for the next reader. */
function* placeFreshRuns<C extends ChunkTimes>(db: ReadableDb, stream: SessionStream, sessionState: string, chunks: C[], zero: number): Generator<void, PlacedRun<C>[]> {
  const runs = yield* hostRuns(stream, chunks);
  cacheRuns(db, stream, sessionState, runs);
  return placeOnClock(runs, stream.info.nominalRateHz, zero);
}

/** Blocks a step of sampleSpansSteps reads the chunk times of (their samples are not decoded). */
const TIMES_STEP_BLOCKS = 2000;

/** Every chunk of a stream without its samples, TIMES_STEP_BLOCKS blocks a step. */
function* readTimesInSteps(db: ReadableDb, stream: SessionStream): Generator<void, ChunkTimes[]> {
  const chunks: ChunkTimes[] = [];
  for (let after: BlockCursor | null = null; ; ) {
    const page = readStreamChunkTimes(db, stream.id, after, TIMES_STEP_BLOCKS);
    chunks.push(...page.chunks);
    yield;
    if (!page.next) return chunks;
    after = page.next;
  }
}

/**
 * Where each chunk of a stream lies on the shared clock, by its seq: its placed run (over the whole
 * stream) and its first sample's index in the run. An export of a time range places its samples by
 * this: the clock model fed only the chunks read for the range (its 10-s margins) fitted another
 * line, and a range exported from the middle of a 5-minute session put the strap's ECG 2.9 ms off
 * the same samples in the whole session's export.
 */
function* chunkPlaces(db: ReadableDb, stream: SessionStream, sessionState: string, zero: number): Generator<void, Map<number, { run: PlacedRun<ChunkTimes>; at: number }>> {
  const places = new Map<number, { run: PlacedRun<ChunkTimes>; at: number }>();
  for (const run of yield* placeStoredRuns(db, stream, sessionState, yield* readTimesInSteps(db, stream), zero)) {
    let at = 0;
    for (const c of run.chunks) {
      places.set(c.seq, { run, at });
      at += c.count;
    }
  }
  return places;
}

/**
 * Where the session's samples, as an export places them (s from its start), last end before
 * `range` and first start after it (±Infinity: none), over every stream: the gap an empty range lies in.
 */
function* dataAround(db: ReadableDb, s: SessionDetail, range: readonly [number, number]): Generator<void, { before: number; after: number }> {
  let before = -Infinity;
  let after = Infinity;
  for (const st of s.streams) {
    if (st.sampleCount === 0) continue;
    const places = yield* chunkPlaces(db, st, s.state, s.startTime);
    for (const run of new Set([...places.values()].map((p) => p.run))) {
      const end = run.start + run.count / st.info.nominalRateHz;
      if (end <= range[0]) before = Math.max(before, end);
      if (run.start >= range[1]) after = Math.min(after, run.start);
    }
  }
  return { before, after };
}

/** A stream's first and last sample on the shared clock (host s), as an export places them. */
export interface StreamSampleSpan {
  /** The stream's row id (SessionStream.id). */
  streamId: number;
  firstTime: number;
  lastTime: number;
}

/**
 * Each stream's first and last sample on the shared clock, by placeRuns (the export's mapping), for
 * `heartmind sessions show`. Reads the chunks' times only, in steps; streams without samples or
 * without a regular rate (nothing to map a count of samples by) are left out.
 */
export function* sampleSpansSteps(db: ReadableDb, sessionId: number): Generator<void, StreamSampleSpan[]> {
  const s = getSession(db, sessionId);
  const spans: StreamSampleSpan[] = [];
  for (const st of s.streams) {
    if (st.sampleCount === 0 || !(st.info.nominalRateHz > 0)) continue;
    // The first and last sample need only the runs' counts and starts: a cached placement has them
    // without reading a chunk. On a miss the runs are computed at once (placeStoredRuns would read
    // the cache a second time, and parse it, only to miss again).
    const cached = cachedRuns(db, st);
    const runs = cached ? placeOnClock(cached, st.info.nominalRateHz, s.startTime) : yield* placeFreshRuns(db, st, s.state, yield* readTimesInSteps(db, st), s.startTime);
    if (runs.length === 0) continue;
    const last = runs[runs.length - 1];
    spans.push({ streamId: st.id, firstTime: s.startTime + runs[0].start, lastTime: s.startTime + last.start + (last.count - 1) / st.info.nominalRateHz });
  }
  return spans;
}

function kindOf(stream: SessionStream, c: number): ChannelKind {
  const k = stream.channelDetails[c]?.kind;
  if (k) return k as ChannelKind;
  return stream.info.modality === 'other' ? 'misc' : stream.info.modality;
}

/**
 * A stream's short name for file names and messages: what its id says after the device ('eeg',
 * 'ppg'; an imported stream's own name, lowercased by the import), not the whole id
 * ('file:S001R04.edf/0-eeg', which made CSV files called 'S001R04-file_S001R04.edf_0-eeg.csv').
 */
function streamShortName(st: SessionStream): string {
  const id = st.info.id;
  return id.slice(id.lastIndexOf('/') + 1).replace(/^\d+-/, '').replace(/^-+|-+$/g, '') || st.info.modality;
}

/**
 * The EDF+ patient and recording subfields of an export. A session imported from an EDF/BDF file
 * keeps that file's header fields in its notes ('patientId: …', 'recordingId: …', written by the
 * import, see toSessionImport), so a round trip EDF → HeartMind → EDF carries the patient's code,
 * sex, birthdate and name and the recording's admin code, technician and equipment (they were
 * lost: 'X X X X', 'X X HeartMind'). The session's subject id, which the import took from the
 * file's code and the user may have corrected, wins over the code; a session recorded live (no
 * such lines) has its subject id and the app as the equipment.
 */
export function headerFields(notes: string, subjectId: string, appVersion: string): Pick<EdfWriteOptions, 'patient' | 'recording'> {
  const line = (key: string) => new RegExp(`^${key}: (.*)$`, 'm').exec(notes)?.[1].trim() ?? '';
  const pat = parsePatientField(line('patientId'), false);
  const rec = parseRecordingField(line('recordingId'));
  const sex = pat.sex && /^[MF]$/i.test(pat.sex) ? (pat.sex.toUpperCase() as 'M' | 'F') : undefined;
  const code = subjectId.trim() || pat.code;
  const patient: EdfWriteOptions['patient'] = {
    ...(code ? { code } : {}),
    ...(sex ? { sex } : {}),
    ...(pat.birthdate ? { birthdate: pat.birthdate } : {}),
    ...(pat.name ? { name: pat.name } : {}),
  };
  const recording: EdfWriteOptions['recording'] = {
    ...(rec.adminCode ? { adminCode: rec.adminCode } : {}),
    ...(rec.technician ? { technician: rec.technician } : {}),
    equipment: rec.equipment ?? `HeartMind_${appVersion}`,
  };
  return { patient, recording };
}

/** The session between `from` and `to` (host seconds) as an ImportedRecording (zero = session start). */
function* buildSessionRecording(db: ReadableDb, sessionId: number, from = -Infinity, to = Infinity): Generator<void, ImportedRecording> {
  const s = getSession(db, sessionId);
  const zero = s.startTime;
  const streams: ImportedStream[] = [];
  // The stored span fixed once: chunks a recording adds between steps are not half read.
  const extent = dataExtent(db, sessionId);
  const readFrom = Math.max(from - READ_MARGIN_S, extent?.first ?? 0);
  const readTo = Math.min(to + READ_MARGIN_S, extent?.last ?? 0);
  for (const st of s.streams) {
    if (st.sampleCount === 0) continue;
    const rate = st.info.nominalRateHz;
    const chunks = yield* readChunksInSteps(db, st, readFrom, readTo);
    // Placed over the whole stream (read after the samples: it holds every chunk they hold).
    const places = yield* chunkPlaces(db, st, s.state, zero);
    // The chunks read, in pieces that follow on within one placed run.
    const pieces: { start: number; count: number; chunks: StoredChunk[] }[] = [];
    let piece: (typeof pieces)[number] | null = null;
    let runOf: PlacedRun<ChunkTimes> | null = null;
    let nextAt = 0;
    for (const c of chunks) {
      const p = places.get(c.seq);
      if (!p) throw new DbError('Logic', `stream ${st.info.id}: chunk ${c.seq} was read but is not among the stream's chunk times`);
      if (!piece || p.run !== runOf || p.at !== nextAt) {
        piece = { start: p.run.start + p.at / rate, count: 0, chunks: [] };
        pieces.push(piece);
        runOf = p.run;
      }
      piece.chunks.push(c);
      piece.count += c.count;
      nextAt = p.at + c.count;
    }
    pieces.sort((a, b) => a.start - b.start);
    const segments: ImportedSegment[] = [];
    const nch = st.info.channels.length;
    // Copied into place about EXPORT_STEP_VALUES at a time, as they were read.
    let copied = 0;
    for (const run of pieces) {
      const data = new Float32Array(run.count * nch);
      let off = 0;
      for (const c of run.chunks) {
        for (let ch = 0; ch < nch; ch++) data.set(c.data.subarray(ch * c.count, (ch + 1) * c.count), ch * run.count + off);
        off += c.count;
        copied += c.data.length;
        if (copied >= EXPORT_STEP_VALUES) {
          copied = 0;
          yield;
        }
      }
      segments.push({ start: run.start, count: run.count, data });
    }
    streams.push({
      name: streamShortName(st),
      modality: st.info.modality,
      rateHz: rate,
      channels: st.info.channels.map((c, i) => {
        const d = st.channelDetails[i];
        return {
          label: c.label,
          unit: c.unit,
          resolution: c.resolution,
          offset: st.offsets[i] ?? 0,
          kind: kindOf(st, i),
          ...(st.montagePositions[i] ? { position: st.montagePositions[i] } : {}),
          ...(d?.physicalRange ? { physicalRange: d.physicalRange } : c.rangeUv ? { physicalRange: [-c.rangeUv, c.rangeUv] as [number, number] } : {}),
          ...(d?.transducer ? { transducer: d.transducer } : {}),
          ...(d?.prefilter ? { prefilter: d.prefilter } : {}),
          ...(d?.fileIndex != null ? { fileIndex: d.fileIndex } : {}),
        };
      }),
      segments,
      meta: { device: st.info.deviceName, model: st.info.deviceModel },
    });
  }
  const annotations: ImportedAnnotation[] = [
    ...listMarkers(db, sessionId).map((m) => ({ onset: m.time - zero, duration: m.duration, label: m.label, source: m.source })),
    ...listSelfReports(db, sessionId).map((r) => ({
      onset: r.time - zero,
      duration: 0,
      label: samAnnotationLabel(r),
      source: 'self-report',
    })),
  ].sort((a, b) => a.onset - b.onset);
  return {
    fileName: s.name,
    format: 'edf+c',
    startTime: zero,
    subject: s.subjectId ? { code: s.subjectId } : {},
    info: { session: s.name, notes: s.notes, tags: s.tags.join(', '), 'recorded with': `HeartMind ${s.appVersion}` },
    streams,
    annotations,
    warnings: [],
  };
}

/**
 * Writes an export's files from their pieces, yielding after each piece (the DB worker's step),
 * each through `<path>.partial`, all renamed into place only once every one is written: a failure,
 * or an export dropped half way (the database closing: the worker returns the generator), leaves
 * no half-written file behind, and a CSV export whose third file failed no longer left its first
 * two (over an earlier export of that name: a mix of two exports, which an import reads as one).
 * Returns the files' total size.
 */
function* writeFilesInSteps(files: readonly { path: string; pieces: Iterator<Uint8Array | string | undefined, unknown> }[]): Generator<void, number> {
  const partials: string[] = [];
  let done = false;
  let path = files[0]?.path ?? '';
  try {
    let bytes = 0;
    for (const f of files) {
      path = f.path;
      const tmp = `${f.path}.partial`;
      let fd: number | null = openSync(tmp, 'w');
      // Only what this export created is removed on failure (a folder of that name is not ours).
      partials.push(tmp);
      try {
        for (let r = f.pieces.next(); !r.done; r = f.pieces.next()) {
          if (r.value !== undefined) {
            const piece = typeof r.value === 'string' ? Buffer.from(r.value, 'utf8') : r.value;
            for (let at = 0; at < piece.length; ) at += writeSync(fd, piece, at);
          }
          yield;
        }
        closeSync(fd);
        fd = null;
      } finally {
        if (fd !== null) closeSync(fd);
      }
      bytes += statSync(tmp).size;
    }
    // A folder where a file goes fails only at its rename, after the files before it had replaced
    // theirs: every name is checked before any is renamed.
    for (const f of files) {
      path = f.path;
      if (statSync(f.path, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error(`EISDIR: ${f.path}`), { code: 'EISDIR', syscall: 'rename' });
    }
    for (const f of files) {
      path = f.path;
      renameSync(`${f.path}.partial`, f.path);
    }
    done = true;
    return bytes;
  } catch (err) {
    // The file system's errors in words; the writer's own (a FormatError: nothing EDF can hold) as they are.
    throw typeof (err as NodeJS.ErrnoException).syscall === 'string' ? cannotWrite(path, err) : err;
  } finally {
    if (!done) for (const tmp of partials) rmSync(tmp, { force: true });
  }
}

/**
 * Why a file cannot be written, in the words the data folder's problems are said in
 * (describeFsProblem: 'no permission to write in /x', '/mnt is on a read-only file system', 'the
 * disk holding /x is full'), about the file the user named (Node's message named our '.partial').
 */
function cannotWrite(path: string, err: unknown): FormatError {
  const folder = dirname(path);
  const problem = describeFsProblem(err, folder);
  // A folder that is not there (the data folder's code creates its folder, so never says this).
  const reason =
    (err as NodeJS.ErrnoException).code === 'EISDIR'
      ? 'a folder of that name is in the way'
      : problem.kind === 'other' && !existsSync(folder)
        ? `the folder ${folder} does not exist`
        : problem.text.split(`${path}.partial`).join(path);
  return new FormatError('cannot-write', basename(path), `cannot write ${path}: ${reason}`);
}

/** The export formats' extensions. */
const EXPORT_EXTENSIONS: readonly string[] = ['edf', 'bdf', 'csv'];

/**
 * The file an export writes. An existing folder gets `<folder>/<session name>.<format>` (CSV: the
 * base name of its files), so `export 3 ~/exports` does what it says; where that name is taken
 * (an earlier export of the session, another range of it) the next free `<name>-2`, `<name>-3` …,
 * since an export into a folder never replaces a file the user did not name. `suffixes` are the
 * names the export writes after the base (EDF/BDF: `.<format>`; CSV: `-<stream>.csv`,
 * `-markers.csv`); the name is free only if none of them exists. A path ending in a slash that is
 * no folder is refused rather than written as a file called '.edf' beside it. Otherwise the path
 * itself (replaced if it exists: the user named it), with the format's extension added when it has
 * none; an EDF or BDF under another export format's extension is refused.
 */
export function exportTarget(path: string, format: ExportRequest['format'], sessionName: string, sessionId: number, suffixes: readonly string[] = [`.${format}`]): string {
  const p = path.trim();
  let stat: ReturnType<typeof statSync> | undefined;
  try {
    stat = statSync(p, { throwIfNoEntry: false });
  } catch (err) {
    // A file where a folder of the path should be (ENOTDIR), no permission to look: said as a write would say it.
    throw cannotWrite(p, err);
  }
  if (stat?.isDirectory()) {
    const base = join(p, sessionFileBase(sessionName, sessionId));
    for (let n = 1; ; n++) {
      const b = n === 1 ? base : `${base}-${n}`;
      if (!suffixes.some((suffix) => existsSync(b + suffix))) return `${b}.${format}`;
    }
  }
  if (/[\\/]$/.test(p)) throw new FormatError('cannot-write', p, `${stat ? 'not a folder' : 'no such folder'} (name an existing folder, or a file)`);
  const ext = extname(p).slice(1).toLowerCase();
  // An EDF or BDF under another format's name (a file picked, then the format changed; --format bdf
  // with out.edf): readers go by the extension (MNE-Python read BDF bytes as EDF, garbage).
  if (format !== 'csv' && ext !== format && EXPORT_EXTENSIONS.includes(ext)) {
    throw new FormatError('cannot-write', basename(p), `the name says ${ext.toUpperCase()}, but the export is ${format.toUpperCase()} (name the file .${format}, or export as ${ext.toUpperCase()})`);
  }
  return ext ? p : `${p}.${format}`;
}

/** An export as the DB worker runs it: the request, with the tasks of the models whose predictions the session holds (their class names), where the caller could read them. */
export interface SessionExportJob extends ExportRequest {
  modelTasks?: readonly PredictionModelTasks[];
}

/** Rows of the predictions file a step writes (a row holds some 10 to 20 values). */
const PREDICTION_ROWS_PER_STEP = 2000;

/**
 * Writes the export; returns the files written. Yields after each of its reads of the database and
 * each piece it encodes and writes. A failure leaves no half-written file behind. The model
 * predictions stored with the session, those of windows lying whole in the range, go to
 * '<base>-predictions.csv' beside the signals (predictions-csv.ts); none, no such file.
 */
export function* exportSessionSteps(db: ReadableDb, req: SessionExportJob): Generator<void, ExportResult> {
  if (!['edf', 'bdf', 'csv'].includes(req.format)) throw new DbError('Invalid', `unknown export format ${String(req.format)}`);
  if (typeof req.path !== 'string' || req.path.trim() === '') throw new DbError('Invalid', 'an export needs a file path');
  const s = getSession(db, req.sessionId);
  // Unbounded by default: the whole session is every stored sample, also the part of the first
  // packet that the device sampled just before the session started.
  const from = req.fromTime ?? -Infinity;
  const to = req.toTime ?? Infinity;
  // Refusals the user can meet are about the file asked for ('x.edf: …'), without our method's name in front.
  const refuse = (detail: string) => new FormatError('cannot-write', basename(req.path.trim()), detail);
  if (!(to > from)) throw refuse('the export range is empty (to must be after from)');
  const rec = yield* buildSessionRecording(db, req.sessionId, from, to);
  if (rec.streams.length === 0) throw refuse(`session ${req.sessionId} holds no samples to export`);
  const range: [number, number] = [from - s.startTime, to - s.startTime];
  const samples = rec.streams.reduce(
    (acc, st) =>
      acc +
      st.segments.reduce((a, g) => {
        const i0 = Math.max(0, Math.ceil((range[0] - g.start) * st.rateHz - 1e-9));
        const i1 = Math.min(g.count, Math.ceil((range[1] - g.start) * st.rateHz - 1e-9));
        return a + Math.max(0, i1 - i0) * st.channels.length;
      }, 0),
    0,
  );
  if (samples === 0) {
    // Every format refuses an empty range alike (CSV wrote files of headers only, '0 values').
    const sec = (v: number) => `${Number(v.toFixed(3))} s`;
    // A range with data before and after it lies in a gap: where the data stops and starts again.
    const { before, after } = yield* dataAround(db, s, range);
    const where = Number.isFinite(before) && Number.isFinite(after) ? `it lies in a gap (no samples from ${sec(before)} to ${sec(after)}); ` : '';
    throw refuse(`no samples to export from ${Number.isFinite(range[0]) ? sec(range[0]) : 'the start'} to ${Number.isFinite(range[1]) ? sec(range[1]) : 'the end'}: ${where}the session runs from 0 s to ${Number((s.endTime - s.startTime).toFixed(1))} s`);
  }
  const annotations = rec.annotations.filter((a) => annotationInRange(a, ...range)).length;
  // The predictions of windows that lie whole in the range (a window's length: the recorded settings in force at its start).
  const stored = listPredictions(db, req.sessionId);
  const lengthAt = windowLengths(s.filterSettings);
  const predictions = stored.filter((p) => p.windowTime >= from - 1e-6 && p.windowTime + lengthAt(p.windowTime) <= to + 1e-6);
  const predicted = {
    predictions: predictions.length,
    predictionModels: [...new Set(predictions.map((p) => p.modelId))].sort(),
    storedPredictions: stored.length,
  };
  const predictionPieces = (zero: () => number) =>
    (function* () {
      yield* predictionsCsvPieces(predictions, { zero: zero(), lengthAt, models: req.modelTasks ?? [], rowsPerPiece: PREDICTION_ROWS_PER_STEP });
    })();
  if (req.format === 'csv') {
    // The files' names after their base decide whether a base is free in a folder (exportTarget).
    const files = csvFileSteps(rec, { baseName: '', range, stepValues: EXPORT_STEP_VALUES / CSV_COST });
    // Beside the stream files, on their time axis (time_s: seconds from the session's start).
    if (predictions.length > 0) files.push({ name: PREDICTIONS_FILE_SUFFIX, pieces: () => predictionPieces(() => s.startTime) });
    const path = exportTarget(req.path, req.format, s.name, req.sessionId, files.map((f) => f.name));
    const base = basename(path, extname(path));
    const written = files.map((f) => ({ path: join(dirname(path), base + f.name), pieces: f.pieces() }));
    const bytes = yield* writeFilesInSteps(written);
    return { files: written.map((f) => f.path), bytes, samples, annotations, ...predicted, warnings: stalePredictions(written.map((f) => f.path), dirname(path), base) };
  }
  const path = exportTarget(req.path, req.format, s.name, req.sessionId, predictions.length > 0 ? [`.${req.format}`, PREDICTIONS_FILE_SUFFIX] : [`.${req.format}`]);
  const pieces = edfPieces(rec, {
    format: req.format,
    range,
    discontinuous: req.discontinuous === true,
    fileName: basename(path),
    ...headerFields(s.notes, s.subjectId, s.appVersion),
    stepValues: EXPORT_STEP_VALUES,
  });
  // The pieces' generator returns the warnings after the last piece: run it through a wrapper that keeps them.
  let result: { size: number; warnings: string[]; startS: number } | undefined;
  const keep = (function* () {
    result = yield* pieces;
  })();
  const files = [{ path, pieces: keep as Iterator<Uint8Array | string | undefined, unknown> }];
  // A sidecar (a row per window and model would flood an EDF+ annotation channel), written after
  // the file, on its time axis: seconds from its first sample (known once the writer placed it).
  const base = basename(path, extname(path));
  if (predictions.length > 0) files.push({ path: join(dirname(path), base + PREDICTIONS_FILE_SUFFIX), pieces: predictionPieces(() => s.startTime + result!.startS) });
  const bytes = yield* writeFilesInSteps(files);
  return { files: files.map((f) => f.path), bytes, samples, annotations, ...predicted, warnings: [...result!.warnings, ...stalePredictions(files.map((f) => f.path), dirname(path), base)] };
}

/**
 * A predictions file of an earlier export under the same name, which this one (of a session or
 * range without predictions) did not write over: said, since it sits beside the new files as if
 * it were theirs.
 */
function stalePredictions(written: readonly string[], dir: string, base: string): string[] {
  const p = join(dir, base + PREDICTIONS_FILE_SUFFIX);
  return !written.includes(p) && existsSync(p) ? [`${p} is an earlier export's (this one wrote no predictions): it is not about these files`] : [];
}
