// Resolves a DatasetSpec into windows on the machine that runs the job: files are read and parsed
// one at a time by the format readers (src/shared/formats/import-recording),
// EEGMAT folders are validated and labelled, DREAMER.mat is read by src/shared/datasets/dreamer.ts, and recorded
// sessions come from the database (read by the caller, which owns the DB client, and handed over as
// feeds). Every recording then goes through the live pipeline (src/shared/datasets/build-windows).
import { open, readdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { buildWindowDataset, type BuildHooks, type LazySource } from '../../shared/datasets/build-windows';
import { DatasetError, DatasetErrorCode } from '../../shared/datasets/datasets.types';
import { parseDreamer } from '../../shared/datasets/dreamer';
import { dreamerSources } from '../../shared/datasets/dreamer-sources';
import { eegmatSource } from '../../shared/datasets/eegmat-dataset';
import { parseEegmatFileName } from '../../shared/datasets/eegmat';
import type { FeedEvent, RecordingSource, TimedLabel, TimedSelfReport, WindowDataset, WindowingOptions } from '../../shared/datasets/windows.types';
import { csvExportBase } from '../../shared/formats/csv';
import { EDF_HEADER_BYTES, importEdf, parseEdfHeader } from '../../shared/formats/edf';
import { parseWfdbHeader } from '../../shared/formats/wfdb';
import { guessChannelKind, modalityOfKind } from '../../shared/formats/channel-kind';
import { decodeLatin1, encodeAscii } from '../../shared/formats/text';
import { detectFormat, importRecording } from '../../shared/formats/import-recording';
import type { ImportedRecording } from '../../shared/formats/recording.types';
import type { StreamInfo } from '../../shared/stream.types';
import type { DatasetSpec, SourceOverrides, SourceSpec } from '../../shared/train/job.types';
import { TrainError, TrainErrorCode } from '../../shared/train/train.types';
import { fsReason } from '../core/fs-reason';
import { readFileBytes } from '../core/read-bytes';
import { importRecordingFile } from '../formats/read-recording-files';

/** A recorded session, read from the database by the process that owns it, ready to feed the pipeline. */
export interface SessionFeed {
  sessionId: number;
  subject: string;
  name: string;
  startTime: number;
  /** Streams by device, then the stored chunks and gaps in their recorded order. */
  events: FeedEvent[];
  markers: TimedLabel[];
  selfReports: TimedSelfReport[];
}

const RECORDING_EXT = new Set(['.edf', '.bdf', '.rec', '.hea', '.xdf', '.xdfz', '.csv', '.txt']);

/** Subject of a file: the one given, the EDF+/WFDB patient code, else the recording's name (a CSV export's base, not 'S-markers'). */
export function subjectOf(rec: ImportedRecording, path: string, given?: string): string {
  if (given) return given;
  const code = rec.subject.code?.trim();
  // 'X' is EDF+'s "unknown". '0' is a code like any other (EEGMAT's Subject00 wears it on both its
  // files): read as none, those two files became two subjects, one person in train and test alike.
  if (code && code !== 'X') return code;
  const name = rec.fileName || basename(path);
  return basename(name, extname(name));
}

async function fileSource(path: string, s: { subject?: string; label?: string }): Promise<RecordingSource> {
  const rec = await importRecordingFile(resolve(path));
  return { id: basename(path), subject: subjectOf(rec, path, s.subject), input: { kind: 'file', recording: rec }, annotations: rec.annotations.map((a) => ({ onset: a.onset, duration: a.duration, label: a.label })), selfReports: [], fileLabel: s.label ?? null };
}

/** How many bytes detectFormat reads of a file (its signature, its first line). */
const FORMAT_HEAD_BYTES = 512;

/** The first `n` bytes of a file (fewer if it is shorter): enough to tell its format. */
export async function readHead(path: string, n: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const head = new Uint8Array(n);
    const { bytesRead } = await fh.read(head, 0, n, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Why the file at `path` is no recording HeartMind reads, judged from its format (its first bytes
 * and its name, as the importer detects it), or null when it is one. For the checks before a run
 * folder is made: the file is read whole, and checked further, only when the run builds its dataset.
 */
export async function recordingFormatProblem(path: string): Promise<string | null> {
  let bytes: Uint8Array;
  try {
    bytes = await readHead(path, FORMAT_HEAD_BYTES);
  } catch (e) {
    return `cannot read ${path}: ${fsReason(e)}`;
  }
  const file = { name: basename(path), bytes };
  if (detectFormat(file)) return null;
  // No format fits: the importer says why in its own words (empty, a WFDB signal file without its header, …).
  try {
    importRecording([file]);
  } catch (e) {
    return (e as Error).message;
  }
  return null;
}

/**
 * The EEG channels of a recording file, as its importer will class them, read from its header only:
 * an EDF/BDF's signal headers (256 bytes each), a WFDB record's .hea text. Null where its format has
 * no header that names them without reading the whole file (XDF, CSV and text exports), or the
 * header cannot be read (the dataset build says why). For the checks before a run folder is made.
 */
export async function recordingEegLabels(path: string): Promise<string[] | null> {
  try {
    const head = await readHead(path, EDF_HEADER_BYTES);
    const format = detectFormat({ name: basename(path), bytes: head });
    if (format === 'edf' || format === 'bdf') {
      const ns = Number(decodeLatin1(head, 252, 256).trim());
      if (!Number.isInteger(ns) || ns < 1 || ns > 4096) return null;
      const bytes = Uint8Array.from(await readHead(path, EDF_HEADER_BYTES * (1 + ns)));
      // The header alone holds no data record: its count is made -1 ('not counted yet', which the
      // parser reads as the records present) so that the signal headers are read, and nothing else.
      bytes.set(encodeAscii('-1'.padEnd(8)), 236);
      const h = parseEdfHeader(bytes, basename(path));
      return h.signals.filter((sg) => !sg.isAnnotation && sg.samplesPerRecord > 0 && modalityOfKind(guessChannelKind(sg.label, sg.physicalDimension)) === 'eeg').map((sg) => sg.label);
    }
    if (format === 'wfdb') {
      const h = parseWfdbHeader(decodeLatin1(await readHead(path, WFDB_HEADER_MAX_BYTES)), basename(path));
      return h.signals.map((sg, i) => sg.description || `signal ${i + 1}`).filter((label, i) => modalityOfKind(guessChannelKind(label, h.signals[i].units)) === 'eeg');
    }
  } catch {
    // Unreadable or not as its format says: the build reports it.
  }
  return null;
}

/** A WFDB header longer than this is not read for its channels (a record's .hea is a few lines per signal). */
const WFDB_HEADER_MAX_BYTES = 1 << 20;

/**
 * The files of a folder that may be recordings, by their extension, sorted (full paths). A CSV
 * export is one recording: its markers file stands for it (importing it reads the stream files).
 */
export async function listRecordings(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(resolve(dir));
  } catch (e) {
    // Not 'no-signals' (what the recordings hold, which a resume would meet again): a folder that is
    // gone or unreadable (a drive not mounted, its permissions) is back once fixed, and a run that
    // stopped on it resumes then (resumeRefusal).
    const missing = ['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '');
    throw new TrainError(missing ? TrainErrorCode.NotFound : TrainErrorCode.Io, `cannot read the folder ${dir}: ${(e as Error).message}`);
  }
  const exports = new Set<string>();
  return names
    .filter((n) => RECORDING_EXT.has(extname(n).toLowerCase()))
    .sort()
    .flatMap((n) => {
      const base = extname(n).toLowerCase() === '.csv' ? csvExportBase(n, names) : null;
      if (base === null) return [n];
      if (exports.has(base)) return [];
      exports.add(base);
      return [`${base}-markers.csv`];
    })
    .map((n) => join(dir, n));
}

function sessionSource(f: SessionFeed): RecordingSource {
  return {
    id: `session:${f.sessionId}`,
    subject: f.subject,
    input: { kind: 'feed', zeroTime: f.startTime, events: () => f.events },
    annotations: f.markers,
    selfReports: f.selfReports,
    fileLabel: null,
  };
}

function overrides(s: SourceOverrides): Partial<WindowingOptions> {
  return { ...(s.mainsHz ? { mainsHz: s.mainsHz } : {}), ...(s.ecgMontage ? { ecgMontage: s.ecgMontage } : {}), ...(s.eegMontage ? { eegMontage: s.eegMontage } : {}) };
}

/** What tells a recorded session from another under its number (a database before schema 90 reused a deleted newest session's number; a database copied back from a backup). */
export interface SessionPrint {
  /** Its start, host time (s). */
  startTime: number;
  /** Samples stored, all streams together. */
  samples: number;
}

export function sessionPrint(f: SessionFeed): SessionPrint {
  let samples = 0;
  for (const e of f.events) if (e.kind === 'chunk') samples += e.chunk.count;
  return { startTime: f.startTime, samples };
}

/**
 * A source of a dataset, lazily loaded, with what it reads: a file's path, or a session's print.
 * dataset-record.ts keeps them, so that a resumed run can tell it reads the same recordings.
 */
export type ExpandedSource = LazySource & { file?: string; session?: SessionPrint };

/** The sources of one spec entry, lazily loaded. */
export async function expandSource(s: SourceSpec, sessions: Map<number, SessionFeed>): Promise<ExpandedSource[]> {
  switch (s.kind) {
    case 'file':
      return [{ id: basename(s.path), file: resolve(s.path), subject: s.subject ?? basename(s.path, extname(s.path)), load: () => fileSource(s.path, s), windowing: overrides(s) }];
    case 'folder':
      return (await listRecordings(s.dir)).map((p) => ({ id: basename(p), file: resolve(p), subject: s.subject ?? basename(p, extname(p)), load: () => fileSource(p, s), windowing: overrides(s) }));
    case 'eegmat': {
      const files = (await listRecordings(s.dir)).filter((p) => /Subject\d+_[12]\.edf$/i.test(p));
      const chosen = files.filter((p) => !s.subjects || s.subjects.includes(parseEegmatFileName(p).subject));
      if (chosen.length === 0) throw new DatasetError(DatasetErrorCode.NotEegmat, `no EEGMAT recordings (SubjectNN_1.edf, SubjectNN_2.edf) in ${s.dir}${s.subjects ? ` for ${s.subjects.join(', ')}` : ''}`);
      // Subjects chosen by name (the recipes) that the folder lacks: the dataset was built without them, in silence.
      const lacking = (s.subjects ?? []).filter((sub) => !chosen.some((p) => parseEegmatFileName(p).subject === sub));
      if (lacking.length) throw new TrainError(TrainErrorCode.NotFound, `${s.dir} has no recording of ${lacking.join(', ')} (the EEGMAT subjects this dataset uses: ${s.subjects!.join(', ')})`);
      return chosen.map((p) => ({
        id: basename(p),
        file: resolve(p),
        subject: parseEegmatFileName(p).subject,
        load: async () => eegmatSource(importEdf(await readFileBytes(p), basename(p))),
      }));
    }
    case 'session': {
      const f = sessions.get(s.id);
      // Not 'no-signals' (what a recording holds, which a resume would meet again): the database of another data folder may hold it.
      if (!f) throw new TrainError(TrainErrorCode.NotFound, `session ${s.id} is not in the recordings database (deleted, or the database of another data folder)`);
      const src = sessionSource(s.subject ? { ...f, subject: s.subject } : f);
      return [{ id: src.id, session: sessionPrint(f), subject: src.subject, load: async () => src }];
    }
    case 'dreamer': {
      const bytes = await readFileBytes(resolve(s.path));
      const ds = parseDreamer(bytes, basename(s.path), { threshold: s.threshold });
      return dreamerSources(ds, s.dimension, { lastSeconds: s.lastSeconds, fileName: basename(s.path) }).map((src) => ({ id: src.id, file: resolve(s.path), subject: src.subject, load: async () => src }));
    }
  }
}

/** The recordings of a dataset spec, in order, not yet read (a folder is listed now). */
export async function expandDataset(spec: DatasetSpec, sessions: Map<number, SessionFeed>): Promise<ExpandedSource[]> {
  const sources: ExpandedSource[] = [];
  for (const s of spec.sources) sources.push(...(await expandSource(s, sessions)));
  return sources;
}

/**
 * Every window of a dataset spec. `sessions` holds the sessions the spec names, read beforehand;
 * `sources`, its recordings when the caller expanded them already (a resumed run keeps those it
 * started with: dataset-record.ts).
 */
export async function loadDataset(spec: DatasetSpec, sessions: Map<number, SessionFeed> = new Map(), hooks: BuildHooks = {}, sources?: ExpandedSource[]): Promise<WindowDataset> {
  sources ??= await expandDataset(spec, sessions);
  if (sources.length === 0) throw new DatasetError(DatasetErrorCode.NoSignals, `dataset '${spec.name}' lists no recordings`);
  return buildWindowDataset(spec.name, sources, spec.task, spec.labels, spec.windowing, hooks);
}

/** Session ids a job's datasets need (the caller reads them from the database first). */
export function sessionIdsOf(specs: (DatasetSpec | null | undefined)[]): number[] {
  return [...new Set(specs.flatMap((d) => (d ? d.sources.filter((s): s is Extract<SourceSpec, { kind: 'session' }> => s.kind === 'session').map((s) => s.id) : [])))];
}

export type { StreamInfo };
