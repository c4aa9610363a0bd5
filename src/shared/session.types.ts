// Recorded sessions as every runtime sees them: the library, markers, self-reports, predictions,
// recording and replay status. Times are on the shared host clock (Unix seconds, see HostClock).
import type { GapReason, Modality, StreamInfo } from './stream.types';

/** How a session came to be. */
export type SessionOrigin = 'recorded' | 'imported';

/**
 * 'recording': a recorder is writing it now. 'complete': stopped cleanly.
 * 'interrupted': the app died (or the disk filled) before it was stopped; the data up to the last
 * commit is there and its end is the last stored sample.
 */
export type SessionState = 'recording' | 'complete' | 'interrupted';

/** What 'interrupted' means, in the library's words (the Sessions view's badge, `heartmind sessions show`). */
export const INTERRUPTED_SESSION_TEXT =
  'it was never stopped (HeartMind was killed or crashed, the computer lost power, or the disk failed): it ends at its last saved sample, and everything saved until then is kept';

export interface SessionSummary {
  id: number;
  name: string;
  subjectId: string;
  /** Host time (s) the session starts. */
  startTime: number;
  /** Host time (s) it ends; for an interrupted session, the last stored sample. */
  endTime: number;
  state: SessionState;
  origin: SessionOrigin;
  /** For an imported session: the file it came from. */
  sourceFile: string | null;
  notes: string;
  /** Sorted, unique, trimmed. */
  tags: string[];
  appVersion: string;
  streamCount: number;
  sampleCount: number;
  markerCount: number;
  selfReportCount: number;
  /** Bytes this session takes in the database (sample data plus an estimate of row overhead). */
  diskBytes: number;
  /** Its streams in brief, in the order they were added (streamSignals): what the list says a session holds without a SessionDetail each. */
  signals: SessionSignal[];
}

/** One stream of a session in brief: its channels, nominal rate and stored samples (each channel's). */
export interface SessionSignal {
  /** The stream's key (StreamInfo.id). */
  stream: string;
  modality: Modality;
  channels: number;
  rateHz: number;
  samples: number;
}

/**
 * A session's stream rows as one SessionSignal per stream: a stream whose layout changed mid-session
 * has a row per layout, so its samples are summed and its widest layout that holds samples gives the
 * channels and rate (the widest of all where none holds any). The list (the database's summary) and
 * the checks before a training run (SessionDetail's streams) merge them alike.
 */
export function streamSignals(rows: readonly SessionSignal[]): SessionSignal[] {
  const out = new Map<string, { s: SessionSignal; filled: boolean }>();
  for (const r of rows) {
    const had = out.get(r.stream);
    const filled = r.samples > 0;
    if (!had) {
      out.set(r.stream, { s: { ...r }, filled });
      continue;
    }
    const samples = had.s.samples + r.samples;
    // A row with samples beats one without; between two alike, the wider layout.
    const wider = (filled && !had.filled) || (filled === had.filled && r.channels > had.s.channels);
    had.s = wider ? { ...r, samples } : { ...had.s, samples };
    had.filled ||= filled;
  }
  return [...out.values()].map((v) => v.s);
}

export interface SessionDevice {
  /** The device id it had while recording ('sim-eeg-1', 'muse-1A2B'). */
  deviceKey: string;
  name: string;
  model: string;
  serial: string;
  transport: string;
}

/**
 * The device → host clock model of a stream: host = device + offsetS + driftPpm·1e-6·(device − atDeviceTime).
 * For a live recording, the pipeline's estimate when the recording stopped; for an imported file,
 * the file's own time axis (offset = its start date, no drift).
 */
export interface ClockModelInfo {
  kind: 'pipeline' | 'file';
  offsetS: number;
  driftPpm: number;
  /** Device time (s) at which offsetS holds. */
  atDeviceTime: number;
  /** Observations and resets the estimate rests on (pipeline only). */
  observations?: number;
  resets?: number;
}

/** What a channel is beyond its ChannelInfo (from an imported file, or its stream's modality). */
export interface ChannelDetail {
  /** 'eeg', 'ecg', 'eog', 'emg', 'stim', 'misc' … (the format readers' ChannelKind). */
  kind: string;
  /** The physical range a file declared for it, in its unit, or null. */
  physicalRange: [number, number] | null;
  transducer: string;
  prefilter: string;
  /** An imported channel's place among its file's signals (ImportedChannel.fileIndex), else null. */
  fileIndex: number | null;
}

export interface SessionStream {
  /** Row id in the database (a stream whose layout changed mid-session gets a second row). */
  id: number;
  info: StreamInfo;
  deviceKey: string;
  /** Electrode position per channel ('' where unknown), same order as info.channels. */
  montagePositions: string[];
  /** Per channel: value = count × resolution + offset (0 for live devices; an imported file's offset). */
  offsets: number[];
  channelDetails: ChannelDetail[];
  clockModel: ClockModelInfo | null;
  sampleCount: number;
  /** Host time (s) of the first and last stored chunk's arrival. */
  firstTime: number | null;
  lastTime: number | null;
  /**
   * A recorded stream's place in the chunk/gap sequence: announced before the item `openedSeq` (0:
   * at the start), and `ended` (device removed) before the item `seq`, at host time `time`. Null or
   * absent where not known (imported files, sessions recorded before schema 70).
   */
  openedSeq?: number | null;
  ended?: { seq: number; time: number } | null;
}

export interface SessionDetail extends SessionSummary {
  devices: SessionDevice[];
  streams: SessionStream[];
  /** The conditioning settings in force, each from the time it was applied. */
  filterSettings: FilterSettingsEntry[];
}

export interface FilterSettingsEntry {
  time: number;
  /** Whatever the pipeline reports as its settings (notch, band-pass, montage, window length…). */
  settings: Record<string, unknown>;
}

/** The longest marker label (characters): a marker is a label, not a payload. */
export const MAX_MARKER_LABEL_CHARS = 1000;

/** Who put a marker there. */
export type MarkerSource = 'keyboard' | 'udp' | 'websocket' | 'request' | 'import' | 'api';
/** Every MarkerSource: what the database takes, and what an import keeps of a file's marker source. */
export const MARKER_SOURCES: readonly MarkerSource[] = ['keyboard', 'udp', 'websocket', 'request', 'import', 'api'];

export function isMarkerSource(s: string): s is MarkerSource {
  return (MARKER_SOURCES as readonly string[]).includes(s);
}

export interface Marker {
  id: number;
  sessionId: number;
  /** Host time (s). */
  time: number;
  /** Seconds; 0 for an instant event. */
  duration: number;
  label: string;
  source: MarkerSource;
}

/** Self-Assessment Manikin ratings run 1 … 9. */
export const SAM_MIN = 1;
export const SAM_MAX = 9;

export interface SelfReport {
  id: number;
  sessionId: number;
  /** Host time (s) the report was given. */
  time: number;
  valence: number;
  arousal: number;
  dominance: number;
  text: string;
}

export interface Prediction {
  id: number;
  sessionId: number;
  modelId: string;
  /** Host time (s) of the window's first sample. */
  windowTime: number;
  outputs: Record<string, number>;
}

export interface SessionGap {
  streamKey: string;
  modality: Modality;
  startTime: number;
  endTime: number;
  missingSamples: number;
  reason: GapReason;
}

/** Everything a replay timeline draws. */
export interface SessionTimeline {
  sessionId: number;
  startTime: number;
  endTime: number;
  markers: Marker[];
  selfReports: SelfReport[];
  gaps: SessionGap[];
}

export interface SessionQuery {
  /** Matches name, subject, notes or a tag (case-insensitive substring). */
  text?: string;
  subjectId?: string;
  /** Exact tag. */
  tag?: string;
  limit?: number;
  offset?: number;
}

export interface SessionUpdate {
  name?: string;
  subjectId?: string;
  notes?: string;
  tags?: string[];
}

export interface RecordingOptions {
  name?: string;
  subjectId?: string;
  tags?: string[];
  notes?: string;
}

export type RecordingState = 'idle' | 'recording' | 'stopping' | 'failed';

export interface RecordingStatus {
  state: RecordingState;
  sessionId: number | null;
  name: string | null;
  startTime: number | null;
  /** Samples (per channel × channels) committed to disk so far. */
  committedSamples: number;
  /** Bytes of sample data committed so far. */
  committedBytes: number;
  /** Host time of the last commit. */
  lastCommitTime: number | null;
  /** Why the last recording stopped by itself (disk full, locked, read-only…); cleared on start. */
  error: { kind: DbErrorKind; message: string } | null;
}

/** Playback speed: a multiple of real time, or 'max' (as fast as the pipeline takes it). */
export type ReplaySpeed = number | 'max';
export const REPLAY_MIN_SPEED = 0.25;
export const REPLAY_MAX_SPEED = 16;
export const REPLAY_SPEEDS: readonly ReplaySpeed[] = [0.25, 0.5, 1, 2, 4, 8, 16, 'max'];

export type ReplayState = 'closed' | 'paused' | 'playing' | 'ended' | 'failed';

export interface ReplayStatus {
  state: ReplayState;
  sessionId: number | null;
  /** Host time (s) of the last delivered chunk (the playhead). */
  position: number | null;
  startTime: number | null;
  endTime: number | null;
  speed: ReplaySpeed;
  error: string | null;
}

export type ExportFormat = 'edf' | 'bdf' | 'csv';

export interface ExportRequest {
  sessionId: number;
  format: ExportFormat;
  /** Output file (EDF/BDF) or folder-less file path (CSV: one file per stream, suffixed). */
  path: string;
  /** Host-time range (s); defaults to the whole session: every stored sample. */
  fromTime?: number;
  toTime?: number;
  /**
   * EDF/BDF: leave data records with no samples out (EDF+D) instead of writing them as zeros
   * marked BAD_ACQ_SKIP (EDF+C, the default, which every reader places correctly). Ignored for CSV.
   */
  discontinuous?: boolean;
}

/** What an import stored, and what the reader had to leave out or repair (also in the session's notes). */
export interface ImportResult extends SessionSummary {
  warnings: string[];
}

export interface ExportResult {
  /** The files written: the signals' (EDF/BDF: one; CSV: one per stream, the markers', the info's), then '<base>-predictions.csv' when predictions were written. */
  files: string[];
  bytes: number;
  samples: number;
  annotations: number;
  /** Model predictions written to '<base>-predictions.csv' (one row per window and model; windows lying whole in the range); 0: no such file. */
  predictions: number;
  /** The models those are of. */
  predictionModels: string[];
  /** Predictions the session holds in all (those of windows outside the range are not written). */
  storedPredictions: number;
  /** What the file could not hold as asked (streams without a regular rate, clipped values, an EDF+D fallback …). */
  warnings: string[];
}

export interface ImportRequest {
  path: string;
  name?: string;
  subjectId?: string;
  tags?: string[];
  /**
   * For BrainFlow CSV files: the board that wrote it, by BrainFlow's name ('CytonDaisy',
   * 'Synthetic', 'MuseSAux' …), needed where the column count fits several boards. Other files ignore it.
   */
  board?: string;
}

/** What deleting a session frees. */
export interface DeleteResult {
  /** The session's share of the file: its sample data plus an estimate of its rows. */
  freedBytes: number;
  /**
   * True: the file shrinks by it (the DB worker gives the pages back to the disk in steps, right
   * after the delete). False: a database made before HeartMind did that keeps the pages for new
   * recordings, so the file keeps its size.
   */
  returnedToDisk: boolean;
}

export interface DbInfo {
  path: string;
  sizeBytes: number;
  schemaVersion: number;
  readonly: boolean;
}

/**
 * Kinds of database failure, each with its own message to the user (SQLite result codes mapped
 * in src/main/db/db-error.ts).
 */
export type DbErrorKind =
  | 'Corrupted' // not a database, or damaged
  | 'Readonly' // the file or its folder cannot be written
  | 'Locked' // another process holds the database
  | 'DiskFull' // the disk (or the configured size limit) is full
  | 'NewerSchema' // written by a newer HeartMind: refused, never modified
  | 'CantOpen' // the path cannot be opened or created
  | 'Io' // the operating system failed a read or write
  | 'NotFound' // no such session / stream
  | 'Invalid' // a request with bad arguments
  | 'Closed' // the database worker is gone
  | 'Logic' // a bug: SQL misuse, constraint violation
  | 'Unknown';
