// Handles and row shapes of the recordings database (Signal Desktop's Interface file).
// Only the DB worker holds a connection; these brands keep reads and writes apart at compile time:
// a query that writes takes a WritableDb, one that only reads takes a ReadableDb.
import type { Database } from 'better-sqlite3';
import type { Gap, StreamInfo } from '../../shared/stream.types';
import type { ChannelDetail, ClockModelInfo, SessionDevice } from '../../shared/session.types';
import type { PackedChunks, StoredChunk } from './sample-codec';

declare const readableBrand: unique symbol;
declare const writableBrand: unique symbol;

export type ReadableDb = Database & { readonly [readableBrand]: true };
/** A writable connection can also read. */
export type WritableDb = ReadableDb & { readonly [writableBrand]: true };

export interface DbOpenOptions {
  /**
   * Path of an Electron-ABI better_sqlite3.node (scripts/electron-native.mjs builds it; the app
   * passes its path). Under plain Node leave it out.
   */
  nativeBinding?: string;
  /** How long a write waits for another process's lock before failing as Locked. */
  busyTimeoutMs?: number;
  /** Caps the file size (SQLite max_page_count); reaching it behaves like a full disk. */
  maxSizeBytes?: number;
  /** Requests slower than this are logged (Signal logs at 40 ms). */
  slowQueryMs?: number;
  /** Open without writing anything even where the file is writable. */
  readonly?: boolean;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
export const DEFAULT_SLOW_QUERY_MS = 40;

/** A stream to register at the start of (or during) a recording or import. */
export interface NewStream {
  device: SessionDevice;
  info: StreamInfo;
  montagePositions?: string[];
  /** Per channel: value = count × resolution + offset (imported files); 0 where absent. */
  offsets?: number[];
  /** Per channel; by default the kind follows the stream's modality and the rest is empty. */
  channelDetails?: Partial<ChannelDetail>[];
  clockModel?: ClockModelInfo | null;
  /** The seq of the first chunk or gap after the stream was announced (a recording; absent for imports). */
  openedSeq?: number;
}

/** One flush of the recorder: the chunks and gaps that arrived since the last one. */
export interface RecordingBatch {
  sessionId: number;
  blocks: { streamId: number; chunks: PackedChunks }[];
  gaps: { streamId: number; seq: number; gap: Gap; fromSource: boolean }[];
  /** Streams that ended since the last flush: before the chunk or gap `seq`, at host time `time`. */
  ends?: { streamId: number; seq: number; time: number }[];
  /** Pipeline snapshots taken since the last flush (each after every chunk and gap up to its afterSeq). */
  snapshots?: NewPipelineSnapshot[];
}

/** A pipeline snapshot to store with a recording (src/shared/pipeline: Pipeline.snapshot()). */
export interface NewPipelineSnapshot {
  /** The seq of the last chunk or gap the pipeline had taken (-1: none yet). */
  afterSeq: number;
  data: Uint8Array;
}

/** A stored snapshot's place in its session. */
export interface PipelineSnapshotRow {
  afterSeq: number;
  /** Host-time frontier when taken (s). */
  hostTime: number;
  /** Windows starting at or after this host time (s) replay as they were live. */
  windowsFrom: number;
  version: number;
  bytes: number;
}

/** A stored snapshot with its bytes. */
export interface StoredPipelineSnapshot extends PipelineSnapshotRow {
  data: Uint8Array;
}

/** The snapshot a replay restores to seek, and where to read on after it. */
export interface SeekSnapshot extends StoredPipelineSnapshot {
  /** Read the recording from this seq on (a batch start), skipping seqs up to afterSeq. */
  readFromSeq: number;
}

export interface BatchResult {
  samples: number;
  bytes: number;
}

/** A chunk read back for replay, with the database stream row it belongs to. */
export interface ReplayChunk extends StoredChunk {
  streamId: number;
}

export interface ReplayGap {
  streamId: number;
  seq: number;
  gap: Gap;
  fromSource: boolean;
}

/** Chunks and gaps with seq in [fromSeq, nextSeq), each list in seq order. */
export interface ReplayPage {
  chunks: ReplayChunk[];
  gaps: ReplayGap[];
  /** The first seq after this page, or null at the end of the session. */
  nextSeq: number | null;
}
