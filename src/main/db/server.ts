// The queries of the recordings database (Signal Desktop's Server file): synchronous functions that
// take the connection first. They run only inside the DB worker; the rest of the app calls them by
// name through DbClient, so a function's name and signature here are the protocol.
import { statSync } from 'node:fs';
import type { Statement } from 'better-sqlite3';
import type { ChannelInfo, Gap, GapReason, Modality, StreamInfo } from '../../shared/stream.types';
import {
  MARKER_SOURCES,
  MAX_MARKER_LABEL_CHARS,
  SAM_MAX,
  SAM_MIN,
  streamSignals,
  type ClockModelInfo,
  type DbInfo,
  type DeleteResult,
  type FilterSettingsEntry,
  type Marker,
  type MarkerSource,
  type Prediction,
  type SelfReport,
  type SessionDetail,
  type SessionDevice,
  type SessionGap,
  type SessionOrigin,
  type SessionQuery,
  type SessionSignal,
  type SessionState,
  type SessionStream,
  type SessionSummary,
  type SessionTimeline,
  type SessionUpdate,
} from '../../shared/session.types';
import { DbError, toDbError } from './db-error';
import type { WireError } from '../../shared/ipc-schema';
import { EVENT_SESSION_REACH_S, eventTimeProblem, markerDurationProblem, sessionEventSpan, unixTimeProblem } from '../../shared/event-time';
import { clearRecording, markRecording, recorderProcess } from './recording-lock';
import { MODEL_RATE_HZ } from '../../shared/window.types';
import type {
  BatchResult,
  NewPipelineSnapshot,
  NewStream,
  PipelineSnapshotRow,
  SeekSnapshot,
  StoredPipelineSnapshot,
  ReadableDb,
  RecordingBatch,
  ReplayChunk,
  ReplayGap,
  ReplayPage,
  WritableDb,
} from './db.types';
import { schemaVersion } from './migrations/index';
import { decodeSampleBlock, decodeSampleBlockTimes, encodeSampleBlock, packChunks, unpackChunks, type ChunkTimes, type PackedChunks, type StoredChunk } from './sample-codec';
import { decodePipelineSnapshotHeader, PipelineSnapshotError } from '../../shared/pipeline';

/** Estimated bytes of row, index and page overhead per stored block (beyond its BLOB). */
const BLOCK_OVERHEAD_BYTES = 64;
/** Batches (recorder flushes, ~250 ms each) per replay page. */
const DEFAULT_PAGE_BATCHES = 8;
/** An imported recording is cut into batches of this many seconds (a recorder commits ~4 per s)… */
const IMPORT_BATCH_S = 1;
/** …and of at most this many chunks (chunks that share a time stamp would otherwise all go in one). */
const IMPORT_BATCH_MAX_CHUNKS = 256;

// ---------------------------------------------------------------------------------------------
// Per-connection state: which sessions this process is recording (others left in state
// 'recording' read as 'interrupted' unless another live process records them: recording-lock.ts),
// and the channel resolutions of each stream.

interface Quantisation {
  resolutions: number[];
  offsets: number[];
}

interface ConnState {
  recording: Set<number>;
  quantisation: Map<number, Quantisation>;
  /** Prepared statements by SQL text: an import or a long recording runs the same few thousands of times. */
  statements: Map<string, Statement>;
}

/** Bound on cached statements (SQL texts are fixed strings; this only guards against mistakes). */
const MAX_CACHED_STATEMENTS = 256;

/** db.prepare, cached per connection. */
function prep<P extends unknown[] | {} = unknown[], R = unknown>(db: ReadableDb, sql: string): Statement<P, R> {
  const st = stateOf(db);
  let s = st.statements.get(sql);
  if (!s) {
    if (st.statements.size >= MAX_CACHED_STATEMENTS) st.statements.clear();
    s = db.prepare(sql);
    st.statements.set(sql, s);
  }
  return s as unknown as Statement<P, R>;
}
const states = new WeakMap<object, ConnState>();
function stateOf(db: ReadableDb): ConnState {
  let s = states.get(db);
  if (!s) {
    s = { recording: new Set(), quantisation: new Map(), statements: new Map() };
    states.set(db, s);
  }
  return s;
}

function quantisationOf(db: ReadableDb, streamId: number): Quantisation {
  const st = stateOf(db);
  let q = st.quantisation.get(streamId);
  if (!q) {
    const rows = db
      .prepare<[number], { resolution: number; value_offset: number }>('SELECT resolution, value_offset FROM channels WHERE stream_id = ? ORDER BY idx')
      .all(streamId);
    if (rows.length === 0) throw new DbError('NotFound', `no stream ${streamId}`);
    q = { resolutions: rows.map((r) => r.resolution), offsets: rows.map((r) => r.value_offset) };
    st.quantisation.set(streamId, q);
  }
  return q;
}

// ---------------------------------------------------------------------------------------------
// Validation helpers: requests come from the renderer and from the network (markers).

function requireFinite(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DbError('Invalid', `${what} must be a finite number, got ${String(v)}`);
  return v;
}
function requireText(v: unknown, what: string, maxLength = 10_000): string {
  if (typeof v !== 'string') throw new DbError('Invalid', `${what} must be text`);
  if (v.length > maxLength) throw new DbError('Invalid', `${what} is longer than ${maxLength} characters`);
  return v;
}
function requireId(v: unknown, what = 'session id'): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw new DbError('Invalid', `${what} must be a positive integer`);
  return v;
}

export function normalizeTags(tags: readonly unknown[]): string[] {
  const seen = new Map<string, string>();
  for (const t of tags) {
    const tag = requireText(t, 'tag', 100).trim();
    if (tag && !seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  }
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

function requireSessionExists(db: ReadableDb, id: number): void {
  if (!prep(db, 'SELECT 1 FROM sessions WHERE id = ?').get(requireId(id))) throw new DbError('NotFound', `no session ${id}`);
}

// ---------------------------------------------------------------------------------------------
// Sessions

export interface NewSession {
  name: string;
  subjectId?: string;
  startTime: number;
  notes?: string;
  tags?: string[];
  appVersion: string;
  origin: SessionOrigin;
  sourceFile?: string | null;
  /** 'recording' for a live recording; an import is written complete in one transaction. */
  state: 'recording' | 'complete';
  endTime?: number | null;
}

export function createSession(db: WritableDb, s: NewSession): number {
  const name = requireText(s.name, 'session name', 500).trim() || 'Untitled session';
  const start = requireFinite(s.startTime, 'start time');
  const id = db.transaction(() => {
    const id = Number(
      db
        .prepare(
          // Numbered above every session there is and every one deleted (schema 90): a number names one recording for good.
          `INSERT INTO sessions (id, name, subject_id, start_time, end_time, state, origin, source_file, notes, app_version, created_at)
           VALUES (max((SELECT coalesce(max(id), 0) FROM sessions), (SELECT id FROM session_id_floor)) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          name,
          requireText(s.subjectId ?? '', 'subject id', 200).trim(),
          start,
          s.endTime ?? null,
          s.state,
          s.origin,
          s.sourceFile ?? null,
          requireText(s.notes ?? '', 'notes', 100_000),
          requireText(s.appVersion, 'app version', 100),
          Date.now() / 1000,
        ).lastInsertRowid,
    );
    setTags(db, id, s.tags ?? []);
    return id;
  })();
  if (s.state === 'recording') {
    stateOf(db).recording.add(id);
    markRecording(db.name, id);
  }
  return id;
}

function setTags(db: WritableDb, id: number, tags: readonly unknown[]): void {
  prep(db, 'DELETE FROM session_tags WHERE session_id = ?').run(id);
  const insert = prep(db, 'INSERT INTO session_tags (session_id, tag) VALUES (?, ?)');
  for (const tag of normalizeTags(tags)) insert.run(id, tag);
}

/** Marks a recording stopped. `endTime` defaults to its last stored sample. */
export function finishSession(db: WritableDb, id: number, endTime?: number): SessionSummary {
  requireSessionExists(db, id);
  const end =
    endTime ??
    (prep<[number], number | null>(db, 'SELECT max(last_time) FROM streams WHERE session_id = ?').pluck().get(id) as number | null);
  prep(db, 
    `UPDATE sessions SET state = 'complete', end_time = max(start_time, coalesce(?, start_time)) WHERE id = ?`,
  ).run(end ?? null, id);
  stateOf(db).recording.delete(id);
  clearRecording(db.name, id);
  return getSummary(db, id);
}

/** A recording that could not be finished cleanly (disk full, lock): its data stays, it reads as interrupted. */
export function abandonRecording(db: ReadableDb, id: number): void {
  stateOf(db).recording.delete(id);
  clearRecording(db.name, id);
}

/** A session another process is recording right now (its state 'recording', its recorder alive). */
function recordedElsewhere(db: ReadableDb, id: number, state: string): number | null {
  return state === 'recording' && !stateOf(db).recording.has(id) ? recorderProcess(db.name, id) : null;
}

export function updateSession(db: WritableDb, id: number, update: SessionUpdate): SessionSummary {
  requireSessionExists(db, id);
  db.transaction(() => {
    if (update.name !== undefined) {
      const name = requireText(update.name, 'session name', 500).trim();
      if (!name) throw new DbError('Invalid', 'a session name cannot be empty');
      prep(db, 'UPDATE sessions SET name = ? WHERE id = ?').run(name, id);
    }
    if (update.subjectId !== undefined) {
      prep(db, 'UPDATE sessions SET subject_id = ? WHERE id = ?').run(requireText(update.subjectId, 'subject id', 200).trim(), id);
    }
    if (update.notes !== undefined) {
      prep(db, 'UPDATE sessions SET notes = ? WHERE id = ?').run(requireText(update.notes, 'notes', 100_000), id);
    }
    if (update.tags !== undefined) {
      if (!Array.isArray(update.tags)) throw new DbError('Invalid', 'tags must be a list');
      setTags(db, id, update.tags);
    }
  })();
  return getSummary(db, id);
}

/** Deletes a session and everything recorded in it; returns the bytes it took. */
export function deleteSession(db: WritableDb, id: number): DeleteResult {
  const summary = getSummary(db, id);
  if (stateOf(db).recording.has(id)) throw new DbError('Invalid', `session ${id} is being recorded; stop the recording first`);
  // 'recording' in the summary of a session this process does not record: another live process does.
  if (summary.state === 'recording') throw new DbError('Invalid', `session ${id} is being recorded by another HeartMind process (pid ${recorderProcess(db.name, id)}); stop that recording first`);
  db.transaction(() => {
    // Explicit deletes, children first: faster than cascading row by row and independent of PRAGMA foreign_keys.
    const streamIds = prep<[number], number>(db, 'SELECT id FROM streams WHERE session_id = ?').pluck().all(id);
    prep(db, 'DELETE FROM sample_blocks WHERE session_id = ?').run(id);
    const delChannels = prep(db, 'DELETE FROM channels WHERE stream_id = ?');
    for (const s of streamIds) {
      delChannels.run(s);
      stateOf(db).quantisation.delete(s);
    }
    for (const table of ['gaps', 'pipeline_snapshots', 'markers', 'self_reports', 'predictions', 'filter_settings', 'streams', 'devices', 'session_tags']) {
      db.prepare(`DELETE FROM ${table} WHERE session_id = ?`).run(id);
    }
    prep(db, 'DELETE FROM sessions WHERE id = ?').run(id);
  })();
  clearRecording(db.name, id); // a crashed recorder's leftover
  return { freedBytes: summary.diskBytes, returnedToDisk: givesPagesBack(db) };
}

/** auto_vacuum = INCREMENTAL (databases made since it was set at creation, see open-database). */
function givesPagesBack(db: ReadableDb): boolean {
  return Number(db.pragma('auto_vacuum', { simple: true })) === 2;
}

/**
 * Gives up to `maxPages` free pages back to the disk (moving pages from the end of the file into
 * the holes a delete left, then truncating it); returns how many free pages remain. Run in steps
 * by the DB worker after a delete, so a recording's commits go on in between. The file shrinks on
 * disk once the WAL is checkpointed (the last step does it).
 */
export function reclaimFreePages(db: WritableDb, maxPages: number): number {
  if (!givesPagesBack(db)) return 0;
  db.pragma(`incremental_vacuum(${Math.max(1, Math.floor(maxPages))})`);
  const left = Number(db.pragma('freelist_count', { simple: true }));
  if (left === 0) db.pragma('wal_checkpoint(PASSIVE)');
  return left;
}

interface SessionRow {
  id: number;
  name: string;
  subject_id: string;
  start_time: number;
  end_time: number | null;
  state: SessionState;
  origin: SessionOrigin;
  source_file: string | null;
  notes: string;
  app_version: string;
  tags: string | null;
  stream_count: number;
  sample_count: number;
  last_time: number | null;
  blob_bytes: number;
  block_count: number;
  marker_count: number;
  self_report_count: number;
}

const TAG_SEPARATOR = '\u001f';

const SUMMARY_SELECT = `
  SELECT s.id, s.name, s.subject_id, s.start_time, s.end_time, s.state, s.origin, s.source_file, s.notes, s.app_version,
    (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM session_tags WHERE session_id = s.id ORDER BY tag)) AS tags,
    (SELECT count(*) FROM streams WHERE session_id = s.id) AS stream_count,
    (SELECT coalesce(sum(st.sample_count * (SELECT count(*) FROM channels c WHERE c.stream_id = st.id)), 0)
       FROM streams st WHERE st.session_id = s.id) AS sample_count,
    (SELECT max(last_time) FROM streams WHERE session_id = s.id) AS last_time,
    (SELECT coalesce(sum(byte_count), 0) FROM streams WHERE session_id = s.id)
      + (SELECT coalesce(sum(byte_count), 0) FROM pipeline_snapshots WHERE session_id = s.id) AS blob_bytes,
    (SELECT coalesce(sum(block_count), 0) FROM streams WHERE session_id = s.id) AS block_count,
    (SELECT count(*) FROM markers WHERE session_id = s.id) AS marker_count,
    (SELECT count(*) FROM self_reports WHERE session_id = s.id) AS self_report_count
  FROM sessions s`;

/** A session's streams in brief (SessionSummary.signals): one small query, no channel row or info JSON read. */
function signalsOf(db: ReadableDb, sessionId: number): SessionSignal[] {
  const rows = prep<[number], SessionSignal>(
    db,
    `SELECT st.stream_key AS stream, st.modality, (SELECT count(*) FROM channels c WHERE c.stream_id = st.id) AS channels,
       st.nominal_rate_hz AS rateHz, st.sample_count AS samples
     FROM streams st WHERE st.session_id = ? ORDER BY st.id`,
  ).all(sessionId);
  return streamSignals(rows);
}

function toSummary(db: ReadableDb, r: SessionRow): SessionSummary {
  let state = r.state;
  if (state === 'recording' && !stateOf(db).recording.has(r.id) && recordedElsewhere(db, r.id, state) === null) state = 'interrupted';
  const endTime = r.end_time ?? Math.max(r.start_time, r.last_time ?? r.start_time);
  return {
    id: r.id,
    name: r.name,
    subjectId: r.subject_id,
    startTime: r.start_time,
    endTime,
    state,
    origin: r.origin,
    sourceFile: r.source_file,
    notes: r.notes,
    tags: r.tags ? r.tags.split(TAG_SEPARATOR) : [],
    appVersion: r.app_version,
    streamCount: r.stream_count,
    sampleCount: r.sample_count,
    markerCount: r.marker_count,
    selfReportCount: r.self_report_count,
    diskBytes: r.blob_bytes + r.block_count * BLOCK_OVERHEAD_BYTES,
    signals: signalsOf(db, r.id),
  };
}

export function getSummary(db: ReadableDb, id: number): SessionSummary {
  const row = prep<[number], SessionRow>(db, `${SUMMARY_SELECT} WHERE s.id = ?`).get(requireId(id));
  if (!row) throw new DbError('NotFound', `no session ${id}`);
  return toSummary(db, row);
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Sessions, newest first, matching every given criterion. */
export function listSessions(db: ReadableDb, query: SessionQuery = {}): SessionSummary[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.text?.trim()) {
    const p = likePattern(requireText(query.text, 'search text', 500).trim());
    where.push(
      `(s.name LIKE ? ESCAPE '\\' OR s.subject_id LIKE ? ESCAPE '\\' OR s.notes LIKE ? ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM session_tags t WHERE t.session_id = s.id AND t.tag LIKE ? ESCAPE '\\'))`,
    );
    params.push(p, p, p, p);
  }
  if (query.subjectId?.trim()) {
    where.push('s.subject_id = ? COLLATE NOCASE');
    params.push(requireText(query.subjectId, 'subject id', 200).trim());
  }
  if (query.tag?.trim()) {
    where.push('EXISTS (SELECT 1 FROM session_tags t WHERE t.session_id = s.id AND t.tag = ?)');
    params.push(requireText(query.tag, 'tag', 100).trim());
  }
  const limit = Math.min(Math.max(1, Math.floor(query.limit ?? 1000)), 10_000);
  const offset = Math.max(0, Math.floor(query.offset ?? 0));
  const sql = `${SUMMARY_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY s.start_time DESC, s.id DESC LIMIT ${limit} OFFSET ${offset}`;
  return db
    .prepare<unknown[], SessionRow>(sql)
    .all(...params)
    .map((r) => toSummary(db, r));
}

/** Every tag in use, with how many sessions carry it. */
export function listTags(db: ReadableDb): { tag: string; sessions: number }[] {
  return db
    .prepare<[], { tag: string; sessions: number }>('SELECT tag, count(*) AS sessions FROM session_tags GROUP BY tag ORDER BY tag')
    .all();
}

interface StreamRow {
  id: number;
  info_json: string;
  stream_key: string;
  modality: Modality;
  nominal_rate_hz: number;
  clock_model: string | null;
  sample_count: number;
  first_time: number | null;
  last_time: number | null;
  opened_seq: number | null;
  ended_seq: number | null;
  ended_time: number | null;
  device_key: string;
  device_name: string;
  device_model: string;
}

function streamsOf(db: ReadableDb, sessionId: number): SessionStream[] {
  const rows = db
    .prepare<[number], StreamRow>(
      `SELECT st.id, st.info_json, st.stream_key, st.modality, st.nominal_rate_hz, st.clock_model, st.sample_count, st.first_time, st.last_time,
              st.opened_seq, st.ended_seq, st.ended_time,
              d.device_key, d.name AS device_name, d.model AS device_model
       FROM streams st JOIN devices d ON d.id = st.device_id WHERE st.session_id = ? ORDER BY st.id`,
    )
    .all(sessionId);
  const channelsOf = prep<
    [number],
    {
      label: string;
      unit: string;
      resolution: number;
      value_offset: number;
      montage_position: string;
      kind: string;
      physical_min: number | null;
      physical_max: number | null;
      transducer: string;
      prefilter: string;
    }
  >(db, 
    'SELECT label, unit, resolution, value_offset, montage_position, kind, physical_min, physical_max, transducer, prefilter FROM channels WHERE stream_id = ? ORDER BY idx',
  );
  return rows.map((r) => {
    const ch = channelsOf.all(r.id);
    // Everything the source announced (latencySec, rangeUv …), with the stored columns on top; an
    // imported channel's place in its file is kept beside it (storedInfoJson), not in the info.
    const announced = JSON.parse(r.info_json) as Partial<StreamInfo> & { channels?: StoredChannelInfo[] };
    const fileIndexOf = (i: number): number | null => {
      const v = announced.channels?.[i]?.fileIndex;
      return Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : null;
    };
    const info: StreamInfo = {
      ...announced,
      id: r.stream_key,
      deviceId: r.device_key,
      deviceName: r.device_name,
      deviceModel: r.device_model,
      modality: r.modality,
      nominalRateHz: r.nominal_rate_hz,
      channels: ch.map((c, i) => {
        const { fileIndex: _, ...rest } = announced.channels?.[i] ?? {};
        return { ...rest, label: c.label, unit: c.unit, resolution: c.resolution };
      }),
    };
    return {
      id: r.id,
      info,
      deviceKey: r.device_key,
      montagePositions: ch.map((c) => c.montage_position),
      offsets: ch.map((c) => c.value_offset),
      channelDetails: ch.map((c, i) => ({
        kind: c.kind,
        physicalRange: c.physical_min !== null && c.physical_max !== null ? ([c.physical_min, c.physical_max] as [number, number]) : null,
        transducer: c.transducer,
        prefilter: c.prefilter,
        fileIndex: fileIndexOf(i),
      })),
      clockModel: r.clock_model ? (JSON.parse(r.clock_model) as ClockModelInfo) : null,
      sampleCount: r.sample_count,
      firstTime: r.first_time,
      lastTime: r.last_time,
      openedSeq: r.opened_seq,
      ended: r.ended_seq === null || r.ended_time === null ? null : { seq: r.ended_seq, time: r.ended_time },
    };
  });
}

export function getSession(db: ReadableDb, id: number): SessionDetail {
  const summary = getSummary(db, id);
  const devices = db
    .prepare<[number], SessionDevice & { deviceKey: string }>(
      'SELECT device_key AS deviceKey, name, model, serial, transport FROM devices WHERE session_id = ? ORDER BY id',
    )
    .all(id);
  const filterSettings = db
    .prepare<[number], { time: number; settings: string }>('SELECT time, settings FROM filter_settings WHERE session_id = ? ORDER BY time, id')
    .all(id)
    .map((r): FilterSettingsEntry => ({ time: r.time, settings: JSON.parse(r.settings) as Record<string, unknown> }));
  return { ...summary, devices, streams: streamsOf(db, id), filterSettings };
}

// ---------------------------------------------------------------------------------------------
// Streams

/** A channel of a stream's stored info_json: the announced ChannelInfo and, for an imported file's, its place in the file. */
type StoredChannelInfo = Partial<ChannelInfo> & { fileIndex?: unknown };

/**
 * A stream's info as stored (streams.info_json), each imported channel's place among its file's
 * signals (ChannelDetail.fileIndex) beside its announced fields: an export writes the file's own
 * order back from it. Kept in the JSON the stream already has rather than a column of its own: no
 * schema change, and a library from before it reads as having none (stream order).
 */
function storedInfoJson(info: StreamInfo, details: NewStream['channelDetails']): string {
  if (!details?.some((d) => d?.fileIndex != null)) return JSON.stringify(info);
  return JSON.stringify({ ...info, channels: info.channels.map((c, i): StoredChannelInfo => (details[i]?.fileIndex != null ? { ...c, fileIndex: details[i]!.fileIndex } : c)) });
}

/** Registers a stream (and its device, once per session); returns the stream's row id. */
export function addStream(db: WritableDb, sessionId: number, s: NewStream): number {
  requireSessionExists(db, sessionId);
  const info = s.info;
  if (!info || !Array.isArray(info.channels) || info.channels.length === 0) throw new DbError('Invalid', 'a stream needs at least one channel');
  if (!['eeg', 'ecg', 'other'].includes(info.modality)) throw new DbError('Invalid', `unknown modality ${String(info.modality)}`);
  requireFinite(info.nominalRateHz, 'nominal rate');
  return db.transaction(() => {
    prep(db, 
      `INSERT INTO devices (session_id, device_key, name, model, serial, transport) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id, device_key) DO UPDATE SET name = excluded.name, model = excluded.model,
         serial = CASE WHEN excluded.serial <> '' THEN excluded.serial ELSE serial END,
         transport = CASE WHEN excluded.transport <> '' THEN excluded.transport ELSE transport END`,
    ).run(sessionId, s.device.deviceKey, s.device.name, s.device.model, s.device.serial ?? '', s.device.transport ?? '');
    const deviceId = db
      .prepare<[number, string], number>('SELECT id FROM devices WHERE session_id = ? AND device_key = ?')
      .pluck()
      .get(sessionId, s.device.deviceKey)!;
    const streamId = Number(
      db
        .prepare(
          'INSERT INTO streams (session_id, device_id, stream_key, modality, nominal_rate_hz, clock_model, info_json, opened_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          sessionId,
          deviceId,
          info.id,
          info.modality,
          info.nominalRateHz,
          s.clockModel ? JSON.stringify(s.clockModel) : null,
          storedInfoJson(info, s.channelDetails),
          Number.isSafeInteger(s.openedSeq) && s.openedSeq! >= 0 ? s.openedSeq : null,
        ).lastInsertRowid,
    );
    const insert = prep(db, 
      `INSERT INTO channels (stream_id, idx, label, unit, resolution, value_offset, montage_position, kind, physical_min, physical_max, transducer, prefilter)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const defaultKind = info.modality === 'other' ? 'misc' : info.modality;
    info.channels.forEach((c, i) => {
      const res = Number.isFinite(c.resolution) && c.resolution > 0 ? c.resolution : 0;
      const off = s.offsets?.[i];
      const d = s.channelDetails?.[i] ?? {};
      const range = d.physicalRange && d.physicalRange.every(Number.isFinite) ? d.physicalRange : null;
      insert.run(
        streamId,
        i,
        String(c.label),
        String(c.unit),
        res,
        res > 0 && Number.isFinite(off) ? off! : 0,
        s.montagePositions?.[i] ?? '',
        d.kind || defaultKind,
        range?.[0] ?? null,
        range?.[1] ?? null,
        d.transducer ?? '',
        d.prefilter ?? '',
      );
    });
    return streamId;
  })();
}

export function setClockModel(db: WritableDb, streamId: number, model: ClockModelInfo): void {
  prep(db, 'UPDATE streams SET clock_model = ? WHERE id = ?').run(JSON.stringify(model), streamId);
}

/** Schema 80 added the placement cache; a read-only database short of it reads without (migrations/index.ts). */
const PLACEMENT_SCHEMA = 80;

/** A stream's cached placement on the shared clock (schema 80; export-session.ts writes and reads the JSON), null where none. */
export function getStreamPlacement(db: ReadableDb, streamId: number): string | null {
  if (schemaVersion(db) < PLACEMENT_SCHEMA) return null;
  return prep<[number], string | null>(db, 'SELECT placement FROM streams WHERE id = ?').pluck().get(requireId(streamId, 'stream id')) ?? null;
}

/**
 * Caches a stream's placement where the connection may write; returns whether it did. Best effort:
 * a read-only database, an older schema, or a lock held by another process (not waited for: a
 * `sessions show` while another process commits would wait out the busy timeout) leave it
 * uncached, and the next reader computes it again.
 */
export function cacheStreamPlacement(db: ReadableDb, streamId: number, placement: string): boolean {
  if (db.readonly || Boolean(db.pragma('query_only', { simple: true })) || schemaVersion(db) < PLACEMENT_SCHEMA) return false;
  const wait = Number(db.pragma('busy_timeout', { simple: true }));
  db.pragma('busy_timeout = 0');
  try {
    prep(db, 'UPDATE streams SET placement = ? WHERE id = ?').run(placement, requireId(streamId, 'stream id'));
    return true;
  } catch {
    return false;
  } finally {
    db.pragma(`busy_timeout = ${wait}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Recording

/**
 * One recorder flush, in one transaction: every block carries the batch's seq range
 * [seqStart, seqEnd) (the same for all streams), so replay can read whole batches and merge
 * the streams back into arrival order.
 */
export function appendBatch(db: WritableDb, batch: RecordingBatch): BatchResult {
  let samples = 0;
  let bytes = 0;
  let seqStart = Infinity;
  let seqEnd = -Infinity;
  for (const b of batch.blocks) {
    const seqs = b.chunks.seqs;
    if (seqs.length === 0) continue;
    seqStart = Math.min(seqStart, seqs[0]);
    seqEnd = Math.max(seqEnd, seqs[seqs.length - 1] + 1);
  }
  for (const g of batch.gaps) {
    seqStart = Math.min(seqStart, g.seq);
    seqEnd = Math.max(seqEnd, g.seq + 1);
  }
  const snapshots = (batch.snapshots ?? []).map(checkSnapshot);
  const ends = batch.ends ?? [];
  for (const e of ends) {
    if (!Number.isSafeInteger(e.seq) || e.seq < 0) throw new DbError('Invalid', `a stream's end seq must be an integer ≥ 0, got ${String(e.seq)}`);
    requireFinite(e.time, 'stream end time');
  }
  if (seqStart === Infinity && snapshots.length === 0 && ends.length === 0) return { samples: 0, bytes: 0 };
  const insertSnapshot = prep(db,
    `INSERT INTO pipeline_snapshots (session_id, after_seq, host_time, windows_from, version, byte_count, data)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, after_seq) DO UPDATE SET
       host_time = excluded.host_time, windows_from = excluded.windows_from, version = excluded.version,
       byte_count = excluded.byte_count, data = excluded.data`,
  );
  const insertBlock = prep(db, 
    `INSERT INTO sample_blocks (session_id, stream_id, seq_start, seq_end, host_start, host_end, sample_count, data)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const updateStream = prep(db, 
    `UPDATE streams SET sample_count = sample_count + ?, block_count = block_count + 1, byte_count = byte_count + ?,
       first_time = coalesce(first_time, ?), last_time = max(coalesce(last_time, ?), ?) WHERE id = ? AND session_id = ?`,
  );
  const insertGap = prep(db, 
    `INSERT INTO gaps (session_id, stream_id, seq, start_time, end_time, missing_samples, reason, from_source)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const b of batch.blocks) {
      if (b.chunks.seqs.length === 0) continue;
      const q = quantisationOf(db, b.streamId);
      const chunks = unpackChunks(b.chunks, q.resolutions.length);
      const blob = encodeSampleBlock(chunks, q.resolutions, q.offsets);
      let n = 0;
      for (const c of chunks) n += c.count;
      const hostStart = chunks[0].hostTime;
      const hostEnd = chunks[chunks.length - 1].hostTime;
      insertBlock.run(batch.sessionId, b.streamId, seqStart, seqEnd, hostStart, hostEnd, n, blob);
      const changed = updateStream.run(n, blob.length, hostStart, hostEnd, hostEnd, b.streamId, batch.sessionId).changes;
      if (changed !== 1) throw new DbError('NotFound', `stream ${b.streamId} is not part of session ${batch.sessionId}`);
      samples += n * q.resolutions.length;
      bytes += blob.length;
    }
    for (const g of batch.gaps) {
      insertGap.run(
        batch.sessionId,
        g.streamId,
        g.seq,
        g.gap.startTime,
        g.gap.endTime,
        Math.max(0, Math.round(g.gap.missingSamples)),
        g.gap.reason,
        g.fromSource ? 1 : 0,
      );
    }
    const endStream = prep(db, 'UPDATE streams SET ended_seq = ?, ended_time = ? WHERE id = ? AND session_id = ?');
    for (const e of ends) {
      if (endStream.run(e.seq, e.time, e.streamId, batch.sessionId).changes !== 1) throw new DbError('NotFound', `stream ${e.streamId} is not part of session ${batch.sessionId}`);
    }
    if (snapshots.length > 0) requireSessionExists(db, batch.sessionId);
    for (const x of snapshots) insertSnapshot.run(batch.sessionId, x.afterSeq, x.hostTime, x.windowsFrom, x.version, x.data.length, x.data);
  })();
  return { samples, bytes };
}

/** A snapshot to store: its header must read (a damaged one is refused before anything is written). */
function checkSnapshot(x: NewPipelineSnapshot): NewPipelineSnapshot & { hostTime: number; windowsFrom: number; version: number } {
  if (!Number.isSafeInteger(x.afterSeq) || x.afterSeq < -1) throw new DbError('Invalid', `snapshot afterSeq must be an integer ≥ -1, got ${String(x.afterSeq)}`);
  if (!(x.data instanceof Uint8Array)) throw new DbError('Invalid', 'snapshot data must be bytes');
  try {
    const h = decodePipelineSnapshotHeader(x.data);
    return { ...x, hostTime: h.frontier, windowsFrom: h.windowsFromK / MODEL_RATE_HZ, version: h.version };
  } catch (err) {
    if (err instanceof PipelineSnapshotError) throw new DbError('Invalid', err.message);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Markers, self-reports, predictions, filter settings

export interface NewMarker {
  time: number;
  label: string;
  source: MarkerSource;
  duration?: number;
}

function checkMarker(m: NewMarker): void {
  requireFinite(m.time, 'marker time');
  if (requireText(m.label, 'marker label', MAX_MARKER_LABEL_CHARS).trim() === '') throw new DbError('Invalid', 'a marker needs a label');
  if (!MARKER_SOURCES.includes(m.source)) throw new DbError('Invalid', `unknown marker source ${String(m.source)}`);
  const durationProblem = m.duration === undefined ? null : markerDurationProblem(m.duration);
  if (durationProblem) throw new DbError('Invalid', durationProblem);
}

/** The last line of defence for event times (shared/event-time.ts): none beyond EVENT_SESSION_REACH_S of the session's span. */
function requireEventTime(db: ReadableDb, sessionId: number, time: number, what: string): void {
  const row = prep<[number], { start_time: number; end_time: number | null }>(db, 'SELECT start_time, end_time FROM sessions WHERE id = ?').get(requireId(sessionId));
  if (!row) throw new DbError('NotFound', `no session ${sessionId}`);
  const span = sessionEventSpan(sessionId, row.start_time, row.end_time ?? row.start_time, EVENT_SESSION_REACH_S);
  const problem = eventTimeProblem(what, requireFinite(time, what), span.lo, span.hi, span.where, row.start_time);
  if (problem) throw new DbError('Invalid', problem);
}

export function addMarker(db: WritableDb, sessionId: number, m: NewMarker): Marker {
  requireEventTime(db, sessionId, m.time, 'marker time');
  checkMarker(m);
  const duration = m.duration ?? 0;
  const label = m.label.trim();
  const id = Number(
    prep(db, 'INSERT INTO markers (session_id, time, duration, label, source) VALUES (?, ?, ?, ?, ?)').run(sessionId, m.time, duration, label, m.source)
      .lastInsertRowid,
  );
  return { id, sessionId, time: m.time, duration, label, source: m.source };
}

/** One marker of a batch (MarkerWriter's): stored, or refused with the error its own request would have had. */
export type MarkerBatchResult = { ok: true; marker: Marker } | { ok: false; error: WireError };

/**
 * Several markers, each for its session, in one transaction and in order (MarkerWriter's group
 * commit): one commit per marker wrote two pages of WAL each (~9 kB; a flood at 333/s wrote 47 MB
 * in 15 s where the recording's samples took 2). Each is checked and stored on its own: one refused
 * leaves the others stored. A failure of the transaction itself (a full disk) throws, and none is.
 */
export function addMarkers(db: WritableDb, items: readonly { sessionId: number; marker: NewMarker }[]): MarkerBatchResult[] {
  if (!Array.isArray(items)) throw new DbError('Invalid', 'addMarkers takes a list of {sessionId, marker}');
  return db.transaction(() =>
    items.map(({ sessionId, marker }): MarkerBatchResult => {
      try {
        return { ok: true, marker: addMarker(db, sessionId, marker) };
      } catch (err) {
        // An error that ended the transaction (SQLite rolls it back on a full disk or an I/O
        // error) fails the batch: the markers before it were rolled back with it.
        if (!db.inTransaction) throw err;
        return { ok: false, error: toDbError(err, db.name, 'addMarker').toWire() };
      }
    }),
  )();
}

interface MarkerRow {
  id: number;
  session_id: number;
  time: number;
  duration: number;
  label: string;
  source: MarkerSource;
}
const toMarker = (r: MarkerRow): Marker => ({
  id: r.id,
  sessionId: r.session_id,
  time: r.time,
  duration: r.duration,
  label: r.label,
  source: r.source,
});

export function listMarkers(db: ReadableDb, sessionId: number, fromTime = -Infinity, toTime = Infinity): Marker[] {
  return db
    .prepare<[number, number, number], MarkerRow>('SELECT * FROM markers WHERE session_id = ? AND time >= ? AND time <= ? ORDER BY time, id')
    .all(requireId(sessionId), fromTime, toTime)
    .map(toMarker);
}

export function deleteMarker(db: WritableDb, markerId: number): void {
  if (prep(db, 'DELETE FROM markers WHERE id = ?').run(requireId(markerId, 'marker id')).changes !== 1) throw new DbError('NotFound', `no marker ${markerId}`);
}

export interface NewSelfReport {
  time: number;
  valence: number;
  arousal: number;
  dominance: number;
  text?: string;
}

export function addSelfReport(db: WritableDb, sessionId: number, r: NewSelfReport): SelfReport {
  requireEventTime(db, sessionId, r.time, 'self-report time');
  for (const k of ['valence', 'arousal', 'dominance'] as const) {
    const v = r[k];
    if (!Number.isInteger(v) || v < SAM_MIN || v > SAM_MAX) throw new DbError('Invalid', `${k} must be a whole number from ${SAM_MIN} to ${SAM_MAX}, got ${String(v)}`);
  }
  const text = requireText(r.text ?? '', 'self-report text', 10_000);
  const id = Number(
    db
      .prepare('INSERT INTO self_reports (session_id, time, valence, arousal, dominance, text) VALUES (?, ?, ?, ?, ?, ?)')
      .run(sessionId, r.time, r.valence, r.arousal, r.dominance, text).lastInsertRowid,
  );
  return { id, sessionId, time: r.time, valence: r.valence, arousal: r.arousal, dominance: r.dominance, text };
}

export function listSelfReports(db: ReadableDb, sessionId: number): SelfReport[] {
  return db
    .prepare<[number], SelfReport>(
      'SELECT id, session_id AS sessionId, time, valence, arousal, dominance, text FROM self_reports WHERE session_id = ? ORDER BY time, id',
    )
    .all(requireId(sessionId));
}

export interface NewPrediction {
  modelId: string;
  windowTime: number;
  outputs: Record<string, number>;
}

/**
 * Stores model outputs for windows of a session. A window already holding an output of the same
 * model is overwritten (a session replayed through a model again keeps one answer per window).
 */
export function addPredictions(db: WritableDb, sessionId: number, predictions: NewPrediction[]): number {
  requireSessionExists(db, sessionId);
  const del = prep(db, 'DELETE FROM predictions WHERE session_id = ? AND model_id = ? AND window_time = ?');
  const insert = prep(db, 'INSERT INTO predictions (session_id, model_id, window_time, outputs) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const p of predictions) {
      requireText(p.modelId, 'model id', 200);
      requireFinite(p.windowTime, 'window time');
      for (const [k, v] of Object.entries(p.outputs ?? {})) requireFinite(v, `output ${k}`);
      del.run(sessionId, p.modelId, p.windowTime);
      insert.run(sessionId, p.modelId, p.windowTime, JSON.stringify(p.outputs));
    }
  })();
  return predictions.length;
}

/**
 * Removes a model's predictions for a session at every window time not in `keep`: a run of the model
 * over the whole recorded session (`heartmind sessions predict`) replaces its earlier answers, those
 * at windows it no longer cuts (other settings, another revision) included. Returns how many went.
 */
export function removePredictionsExcept(db: WritableDb, sessionId: number, modelId: string, keep: number[]): number {
  requireSessionExists(db, sessionId);
  const kept = new Set(keep);
  const rows = db.prepare<[number, string], { id: number; window_time: number }>('SELECT id, window_time FROM predictions WHERE session_id = ? AND model_id = ?').all(sessionId, modelId);
  const gone = rows.filter((r) => !kept.has(r.window_time));
  const del = prep(db, 'DELETE FROM predictions WHERE id = ?');
  db.transaction(() => {
    for (const r of gone) del.run(r.id);
  })();
  return gone.length;
}

/** The models a session's predictions are of (their ids, sorted): an export reads their class names from the installed cards. */
export function listPredictionModels(db: ReadableDb, sessionId: number): string[] {
  return db
    .prepare<[number], { model_id: string }>('SELECT DISTINCT model_id FROM predictions WHERE session_id = ? ORDER BY model_id')
    .all(requireId(sessionId))
    .map((r) => r.model_id);
}

export function listPredictions(db: ReadableDb, sessionId: number, modelId?: string): Prediction[] {
  const rows = db
    .prepare<[number, string | null, string | null], { id: number; model_id: string; window_time: number; outputs: string }>(
      'SELECT id, model_id, window_time, outputs FROM predictions WHERE session_id = ? AND (? IS NULL OR model_id = ?) ORDER BY window_time, id',
    )
    .all(requireId(sessionId), modelId ?? null, modelId ?? null);
  return rows.map((r) => ({ id: r.id, sessionId, modelId: r.model_id, windowTime: r.window_time, outputs: JSON.parse(r.outputs) as Record<string, number> }));
}

export function addFilterSettings(db: WritableDb, sessionId: number, time: number, settings: Record<string, unknown>): void {
  requireSessionExists(db, sessionId);
  prep(db, 'INSERT INTO filter_settings (session_id, time, settings) VALUES (?, ?, ?)').run(sessionId, requireFinite(time, 'filter setting time'), JSON.stringify(settings));
}

// ---------------------------------------------------------------------------------------------
// Timeline and replay

export function listGaps(db: ReadableDb, sessionId: number): SessionGap[] {
  return db
    .prepare<[number], SessionGap>(
      `SELECT st.stream_key AS streamKey, st.modality, g.start_time AS startTime, g.end_time AS endTime,
              g.missing_samples AS missingSamples, g.reason
       FROM gaps g JOIN streams st ON st.id = g.stream_id WHERE g.session_id = ? ORDER BY g.start_time, g.id`,
    )
    .all(requireId(sessionId));
}

export function getTimeline(db: ReadableDb, sessionId: number): SessionTimeline {
  const s = getSummary(db, sessionId);
  return {
    sessionId,
    startTime: s.startTime,
    endTime: s.endTime,
    markers: listMarkers(db, sessionId),
    selfReports: listSelfReports(db, sessionId),
    gaps: listGaps(db, sessionId),
  };
}

/** Host time (s) of the session's first and last stored chunk, or null when it holds none. */
export function dataExtent(db: ReadableDb, sessionId: number): { first: number; last: number; firstSeq: number } | null {
  const r = db
    .prepare<[number], { first: number | null; last: number | null; first_seq: number | null }>(
      'SELECT min(host_start) AS first, max(host_end) AS last, min(seq_start) AS first_seq FROM sample_blocks WHERE session_id = ?',
    )
    .get(requireId(sessionId))!;
  return r.first === null ? null : { first: r.first, last: r.last!, firstSeq: r.first_seq! };
}

/**
 * The seq at which to start reading so that every chunk arriving at or after `time` is delivered:
 * the start of the first batch holding a chunk that arrived at or after `time`. Null past the end.
 */
export function seqAtTime(db: ReadableDb, sessionId: number, time: number): number | null {
  const r = db
    .prepare<[number, number], number>(
      'SELECT seq_start FROM sample_blocks WHERE session_id = ? AND host_end >= ? ORDER BY host_end, seq_start LIMIT 1',
    )
    .pluck()
    .get(requireId(sessionId), requireFinite(time, 'seek time'));
  return r ?? null;
}

interface SnapshotRow {
  after_seq: number;
  host_time: number;
  windows_from: number;
  version: number;
  byte_count: number;
}
const toSnapshotRow = (r: SnapshotRow): PipelineSnapshotRow => ({ afterSeq: r.after_seq, hostTime: r.host_time, windowsFrom: r.windows_from, version: r.version, bytes: r.byte_count });

/** The session's pipeline snapshots in recorded order (without their data). */
export function listSnapshots(db: ReadableDb, sessionId: number): PipelineSnapshotRow[] {
  return prep<[number], SnapshotRow>(db, 'SELECT after_seq, host_time, windows_from, version, byte_count FROM pipeline_snapshots WHERE session_id = ? ORDER BY after_seq')
    .all(requireId(sessionId))
    .map(toSnapshotRow);
}

/**
 * The snapshot to seek from so that every window starting at or after `windowsFrom` replays as it
 * was live: the newest whose own windowsFrom is not later, else the one taken when the recording
 * started (windows before it held data from before the recording: no snapshot can give them).
 * Null when the session has none that fits (recorded before snapshots existed): the caller seeks
 * with a pre-roll. The caller also checks the snapshot itself (version, checksum, streams).
 */
export function seekSnapshot(db: ReadableDb, sessionId: number, windowsFrom: number): SeekSnapshot | null {
  requireId(sessionId);
  requireFinite(windowsFrom, 'seek window time');
  type Row = SnapshotRow & { data: Uint8Array };
  const cols = 'after_seq, host_time, windows_from, version, byte_count, data';
  const row =
    // A pipeline with no data since it started over (every device removed mid-recording) reproduces
    // windows "from -∞" by its own account: restored for an early target it skipped everything
    // before it. Only the session's first snapshot may have nothing in it.
    prep<[number, number], Row>(db, `SELECT ${cols} FROM pipeline_snapshots WHERE session_id = ? AND windows_from <= ? AND (windows_from > -1e308 OR after_seq = -1) ORDER BY windows_from DESC, after_seq DESC LIMIT 1`).get(sessionId, windowsFrom) ??
    prep<[number], Row>(db, `SELECT ${cols} FROM pipeline_snapshots WHERE session_id = ? AND after_seq = -1`).get(sessionId);
  if (!row) return null;
  const next = row.after_seq + 1;
  const batchStart = prep<[number, number], number | null>(db, 'SELECT max(seq_start) FROM sample_blocks WHERE session_id = ? AND seq_start <= ?').pluck().get(sessionId, next);
  return { ...toSnapshotRow(row), data: row.data, readFromSeq: batchStart ?? next };
}

/**
 * The snapshot taken right after the chunk or gap `afterSeq` (null: none there). A replay playing
 * through a settings change restores the one the recorder took at the change: the pipeline as it
 * ran on live, whatever the recording version's settings change kept or restarted.
 */
export function pipelineSnapshotAt(db: ReadableDb, sessionId: number, afterSeq: number): StoredPipelineSnapshot | null {
  requireId(sessionId);
  if (!Number.isSafeInteger(afterSeq) || afterSeq < -1) throw new DbError('Invalid', `a snapshot's seq must be an integer ≥ -1, got ${String(afterSeq)}`);
  const row = prep<[number, number], SnapshotRow & { data: Uint8Array }>(db, 'SELECT after_seq, host_time, windows_from, version, byte_count, data FROM pipeline_snapshots WHERE session_id = ? AND after_seq = ?').get(sessionId, afterSeq);
  return row ? { ...toSnapshotRow(row), data: row.data } : null;
}

interface BlockRow {
  stream_id: number;
  seq_start: number;
  data: Uint8Array;
}

/**
 * Reads whole batches from `fromSeq` on (up to `maxBatches`), decodes them and returns their
 * chunks and gaps, each in seq order: exactly the order the hub received them live.
 */
export function readReplayPage(db: ReadableDb, sessionId: number, fromSeq: number, maxBatches = DEFAULT_PAGE_BATCHES): ReplayPage {
  requireId(sessionId);
  const starts = db
    .prepare<[number, number, number], number>(
      'SELECT DISTINCT seq_start FROM sample_blocks WHERE session_id = ? AND seq_start >= ? ORDER BY seq_start LIMIT ?',
    )
    .pluck()
    .all(sessionId, fromSeq, Math.max(1, maxBatches) + 1);
  const gapStart = db
    .prepare<[number, number], number | null>('SELECT min(seq) FROM gaps WHERE session_id = ? AND seq >= ?')
    .pluck()
    .get(sessionId, fromSeq) as number | null;
  if (starts.length === 0 && gapStart === null) return { chunks: [], gaps: [], nextSeq: null };
  const end = starts.length > maxBatches ? starts[maxBatches] : Number.MAX_SAFE_INTEGER;
  const rows = db
    .prepare<[number, number, number], BlockRow>(
      'SELECT stream_id, seq_start, data FROM sample_blocks WHERE session_id = ? AND seq_start >= ? AND seq_start < ? ORDER BY seq_start, stream_id',
    )
    .all(sessionId, fromSeq, end);
  const chunks: ReplayChunk[] = [];
  for (const row of rows) {
    const q = quantisationOf(db, row.stream_id);
    for (const c of decodeSampleBlock(row.data, q.resolutions, q.offsets)) {
      (c as ReplayChunk).streamId = row.stream_id;
      chunks.push(c as ReplayChunk);
    }
  }
  chunks.sort((a, b) => a.seq - b.seq);
  const gaps = db
    .prepare<[number, number, number], GapRow>(
      'SELECT g.*, st.stream_key FROM gaps g JOIN streams st ON st.id = g.stream_id WHERE g.session_id = ? AND g.seq >= ? AND g.seq < ? ORDER BY g.seq',
    )
    .all(sessionId, fromSeq, end)
    .map(toReplayGap);
  return { chunks, gaps, nextSeq: end === Number.MAX_SAFE_INTEGER ? null : end };
}

interface GapRow {
  stream_id: number;
  stream_key: string;
  seq: number;
  start_time: number;
  end_time: number;
  missing_samples: number;
  reason: GapReason;
  from_source: number;
}
const toReplayGap = (g: GapRow): ReplayGap => ({
  streamId: g.stream_id,
  seq: g.seq,
  fromSource: g.from_source === 1,
  gap: { streamId: g.stream_key, startTime: g.start_time, endTime: g.end_time, missingSamples: g.missing_samples, reason: g.reason },
});

/**
 * Blocks an export decoded at the end of one slice of a stream, by block id, for the next slice
 * (readStreamChunks): a block that spans the boundary between two slices is read by both.
 */
export type DecodedBlocks = Map<number, StoredChunk[]>;

/**
 * Chunks of one stream whose arrival time lies in [fromTime, toTime], in order (for export).
 * With `carry`, a block it holds is not decoded again (an export reads a stream in slices, and the
 * block across each boundary came up in both: decoded twice); on return it holds the blocks that
 * reach `toTime`, which the next slice [toTime, …] reads again.
 */
export function readStreamChunks(db: ReadableDb, streamId: number, fromTime = -Infinity, toTime = Infinity, carry?: DecodedBlocks): StoredChunk[] {
  const rows = db
    .prepare<[number, number, number], { id: number; host_end: number; data: Uint8Array }>(
      'SELECT id, host_end, data FROM sample_blocks WHERE stream_id = ? AND host_start <= ? AND host_end >= ? ORDER BY host_start, seq_start',
    )
    .all(requireId(streamId, 'stream id'), toTime, fromTime);
  const q = quantisationOf(db, streamId);
  const out: StoredChunk[] = [];
  const reaching: DecodedBlocks = new Map();
  for (const row of rows) {
    const chunks = carry?.get(row.id) ?? decodeSampleBlock(row.data, q.resolutions, q.offsets);
    if (carry && row.host_end >= toTime) reaching.set(row.id, chunks);
    for (const c of chunks) if (c.hostTime >= fromTime && c.hostTime <= toTime) out.push(c);
  }
  if (carry) {
    carry.clear();
    for (const [id, chunks] of reaching) carry.set(id, chunks);
  }
  return out;
}

/** Where a page of readStreamChunkTimes ended: the last block's host_start and seq_start. */
export type BlockCursor = [hostStart: number, seqStart: number];

/**
 * The chunks of one stream without their samples (decodeSampleBlockTimes), `limit` blocks after
 * `after` (null: from the first), in readStreamChunks' order; `next` is where the next page starts,
 * null after the last. Pages, so that a long session's times are read in steps of the DB worker.
 */
export function readStreamChunkTimes(db: ReadableDb, streamId: number, after: BlockCursor | null, limit: number): { chunks: ChunkTimes[]; next: BlockCursor | null } {
  const [hostStart, seqStart] = after ?? [-Infinity, -1];
  const rows = db
    .prepare<[number, number, number, number, number], { host_start: number; seq_start: number; data: Uint8Array }>(
      'SELECT host_start, seq_start, data FROM sample_blocks WHERE stream_id = ? AND (host_start > ? OR (host_start = ? AND seq_start > ?)) ORDER BY host_start, seq_start LIMIT ?',
    )
    .all(requireId(streamId, 'stream id'), hostStart, hostStart, seqStart, limit);
  const chunks: ChunkTimes[] = [];
  for (const row of rows) chunks.push(...decodeSampleBlockTimes(row.data));
  const last = rows[rows.length - 1];
  return { chunks, next: rows.length < limit ? null : [last.host_start, last.seq_start] };
}

export function listStreamGaps(db: ReadableDb, streamId: number): Gap[] {
  return db
    .prepare<[number], GapRow>('SELECT g.*, st.stream_key FROM gaps g JOIN streams st ON st.id = g.stream_id WHERE g.stream_id = ? ORDER BY g.seq')
    .all(requireId(streamId, 'stream id'))
    .map((g) => toReplayGap(g).gap);
}

// ---------------------------------------------------------------------------------------------
// Import: a whole recording in one transaction, so a failure leaves the database as it was.

export interface ImportStream extends NewStream {
  /** The stream's chunks, packed (their seqs are ignored: the import numbers them in arrival order). */
  chunks: PackedChunks;
}

/**
 * A break the file itself records inside one stream (EDF+D records that do not follow on, an XDF
 * stream's samples resuming minutes later). Stored as a device's pause is, with its own reason
 * ('file'): the same row a live recording writes, from_source 1, so the library counts it, the
 * timeline shades it and replay hands it to the hub again (the filters restart; the two sides are
 * never bridged).
 */
export interface ImportGap {
  /** Index into SessionImport.streams. */
  stream: number;
  /**
   * Index (into that stream's chunks) of the first chunk after the break: the gap takes the seq
   * just before it, as the hub reports a gap before the chunk that reveals it.
   */
  beforeChunk: number;
  /** Host time (s) where the next sample was due, and where the samples start again. */
  startTime: number;
  endTime: number;
  /** Samples missing at the nominal rate. */
  missingSamples: number;
}

/** The reason an imported break is stored with: the file's own (it was 'paused', as if a device had been). */
export const IMPORT_GAP_REASON: GapReason = 'file';

export interface SessionImport {
  session: Omit<NewSession, 'state' | 'origin'>;
  streams: ImportStream[];
  markers: NewMarker[];
  /** Self-reports the file's annotations hold (an export writes each as `SAM valence=…`). */
  selfReports?: NewSelfReport[];
  gaps: ImportGap[];
}

/**
 * Checks an import's times before anything is written: every chunk's host time must be a unix
 * time from 1970 to 2200 (the readers refuse files that break this with the line and column; this
 * is the last line of defence for every format). NaN would make the arrival order undefined, and
 * at ~1e16 s and beyond a second added to a time no longer changes it.
 */
function checkImportTimes(imp: SessionImport, chunks: { chunk: StoredChunk }[]): void {
  const what = imp.session.sourceFile || imp.session.name;
  for (const { chunk } of chunks) {
    const problem = unixTimeProblem(chunk.hostTime);
    if (problem !== null) throw new DbError('Invalid', `${what}: a sample time of the import is out of range: ${problem}`);
  }
  for (const g of imp.gaps) {
    const chunkCount = imp.streams[g.stream]?.chunks.counts.length ?? 0;
    if (!Number.isSafeInteger(g.beforeChunk) || g.beforeChunk < 1 || g.beforeChunk >= chunkCount) {
      throw new DbError('Invalid', `${what}: a gap of the import lies outside its stream's samples (stream ${g.stream}, before chunk ${g.beforeChunk})`);
    }
    const problem = unixTimeProblem(g.startTime) ?? unixTimeProblem(g.endTime) ?? (g.endTime < g.startTime ? 'it ends before it starts' : null);
    if (problem !== null) throw new DbError('Invalid', `${what}: a gap time of the import is out of range: ${problem}`);
  }
}

/**
 * Where each batch of an import ends (exclusive indices into chunks sorted by host time): a batch
 * spans IMPORT_BATCH_S from its first chunk, or IMPORT_BATCH_MAX_CHUNKS chunks. Every batch takes
 * at least its first chunk, so this ends whatever the times are, NaN or 1e18 s included, where
 * `time + 1 s` rounds back to `time` (the DB worker runs one request at a time: an import that
 * never ended stalled a running recording's commits and the worker's shutdown).
 */
export function importBatchEnds(hostTimes: readonly number[]): number[] {
  const ends: number[] = [];
  let i = 0;
  while (i < hostTimes.length) {
    const batchEnd = hostTimes[i] + IMPORT_BATCH_S;
    const stop = Math.min(hostTimes.length, i + IMPORT_BATCH_MAX_CHUNKS);
    i++;
    while (i < stop && hostTimes[i] < batchEnd) i++;
    ends.push(i);
  }
  return ends;
}

export function importSession(db: WritableDb, imp: SessionImport): SessionSummary {
  return db.transaction(() => {
    const sessionId = createSession(db, { ...imp.session, origin: 'imported', state: 'complete' });
    const streamIds = imp.streams.map((s) => addStream(db, sessionId, s));
    // Merge every stream's chunks into one arrival order, as a recorder would have seen them live.
    const all: { streamIdx: number; chunkIdx: number; chunk: StoredChunk }[] = [];
    imp.streams.forEach((s, streamIdx) => unpackChunks(s.chunks, s.info.channels.length).forEach((chunk, chunkIdx) => all.push({ streamIdx, chunkIdx, chunk })));
    checkImportTimes(imp, all);
    all.sort((a, b) => a.chunk.hostTime - b.chunk.hostTime || a.streamIdx - b.streamIdx);
    // The file's breaks, keyed by the chunk each one comes just before.
    const gapBefore = new Map<string, ImportGap>();
    for (const g of imp.gaps) gapBefore.set(`${g.stream}/${g.beforeChunk}`, g);
    let seq = 0;
    let i = 0;
    for (const end of importBatchEnds(all.map((c) => c.chunk.hostTime))) {
      const perStream = new Map<number, StoredChunk[]>();
      const gaps: RecordingBatch['gaps'] = [];
      for (; i < end; i++) {
        const { streamIdx, chunkIdx, chunk } = all[i];
        const g = gapBefore.get(`${streamIdx}/${chunkIdx}`);
        if (g) {
          const gap = { streamId: imp.streams[streamIdx].info.id, startTime: g.startTime, endTime: g.endTime, missingSamples: g.missingSamples, reason: IMPORT_GAP_REASON };
          gaps.push({ streamId: streamIds[streamIdx], seq: seq++, gap, fromSource: true });
        }
        const list = perStream.get(streamIdx) ?? [];
        list.push({ ...chunk, seq: seq++ });
        perStream.set(streamIdx, list);
      }
      appendBatch(db, {
        sessionId,
        blocks: [...perStream].map(([idx, chunks]) => ({ streamId: streamIds[idx], chunks: packChunks(chunks) })),
        gaps,
      });
    }
    // The end first: the markers' range check measures from the session's whole span.
    if (imp.session.endTime == null) {
      const last = prep<[number], number | null>(db, 'SELECT max(last_time) FROM streams WHERE session_id = ?').pluck().get(sessionId);
      prep(db, 'UPDATE sessions SET end_time = ? WHERE id = ?').run(last ?? imp.session.startTime, sessionId);
    }
    for (const m of imp.markers) addMarker(db, sessionId, m);
    for (const r of imp.selfReports ?? []) addSelfReport(db, sessionId, r);
    return getSummary(db, sessionId);
  })();
}

// ---------------------------------------------------------------------------------------------

export function dbInfo(db: ReadableDb): DbInfo {
  const path = db.name;
  let size = 0;
  for (const suffix of ['', '-wal']) {
    try {
      size += statSync(path + suffix).size;
    } catch {
      // no WAL file right now
    }
  }
  return { path, sizeBytes: size, schemaVersion: schemaVersion(db), readonly: db.readonly || Boolean(db.pragma('query_only', { simple: true })) };
}

/** Writes the WAL back into the main file (called at clean shutdown, and after big deletes). */
export function checkpoint(db: WritableDb): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}

