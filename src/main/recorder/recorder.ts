// The recorder: listens to the hub's raw chunks (exactly as devices delivered them, before
// conditioning) and gaps, numbers them in arrival order, and commits them to the recordings
// database every FLUSH_INTERVAL_MS in one transaction. A kill -9 therefore loses at most one
// flush interval plus the commit in flight (well under a second). A database failure (disk full,
// locked by another process, read-only) stops the recording cleanly with a message written for
// that failure; everything committed before it stays readable. Markers are written as they come,
// in batches while one is in flight (marker-writer.ts), and before a stop marks the session complete.
//
// Every few seconds of host time (and once at the start; SnapshotSchedule) it also stores the live
// pipeline's state with the seq of the last chunk or gap the pipeline had taken: a replay seeking restores the
// newest one before its target and re-feeds only what follows, so its windows equal the live ones
// bit for bit (docs/sessions.md §4).
import type { DeviceStatus } from '../../shared/device.types';
import type { LogLevel } from '../../shared/log.types';
import type { ClockModelInfo, Marker, MarkerSource, RecordingOptions, RecordingStatus, SelfReport } from '../../shared/session.types';
import type { Gap, HostClock, SampleChunk, StreamInfo } from '../../shared/stream.types';
import type { DbClient } from '../db/db-client';
import { DbError } from '../db/db-error';
import type { NewPipelineSnapshot, RecordingBatch } from '../db/db.types';
import { PipelineSnapshotError } from '../../shared/pipeline';
import type { PackedChunks } from '../db/sample-codec';
import type { NewSelfReport } from '../db/server';
import type { Hub } from '../hub/hub.types';
import { MarkerWriter } from './marker-writer';

/** How often buffered chunks are committed. Four commits a second keep a crash's loss < 1 s. */
export const FLUSH_INTERVAL_MS = 250;
/** Flush early when this many values (samples × channels) are waiting, to bound memory. */
const MAX_BUFFERED_VALUES = 4_000_000;

/**
 * When to store a pipeline snapshot. A seek re-feeds everything between the snapshot before its
 * target and the target through the pipeline, so the interval bounds seek time; each snapshot
 * (≈ 13 kB for 32 EEG channels at 250 Hz and a strap: resampler history, filter states, the two
 * clock models) costs disk. Both scale with the data: the interval is as long as it takes the
 * recording to write `share` × the last snapshot's size in samples, within [min, max] seconds of
 * host time. With the defaults a 32-channel session gets one every ≈ 20 s (seeks well under 100 ms,
 * bench/replay-seek.bench.ts) and a Muse and a strap one every ≈ 2 min (a tiny stream to re-feed);
 * snapshots stay near 4 % of a recording.
 */
export interface SnapshotScheduleOptions {
  share: number;
  minIntervalS: number;
  maxIntervalS: number;
}
export const SNAPSHOT_SCHEDULE: SnapshotScheduleOptions = { share: 0.04, minIntervalS: 10, maxIntervalS: 120 };

export class SnapshotSchedule {
  readonly opts: SnapshotScheduleOptions;
  private lastAt = -Infinity;
  private lastSampleBytes = 0;
  private lastSize = 0;

  constructor(opts: Partial<SnapshotScheduleOptions> = {}) {
    this.opts = { ...SNAPSHOT_SCHEDULE, ...opts };
  }

  /** Whether one is due at host time `now`, with `sampleBytes` of sample data recorded so far. */
  due(now: number, sampleBytes: number): boolean {
    const dt = now - this.lastAt;
    if (!(dt < this.opts.maxIntervalS)) return true;
    return dt >= this.opts.minIntervalS && sampleBytes - this.lastSampleBytes >= this.lastSize / this.opts.share;
  }

  /** One was taken (`size` bytes; 0 when taking it failed: try again after the minimum interval). */
  taken(now: number, sampleBytes: number, size: number): void {
    this.lastAt = now;
    this.lastSampleBytes = sampleBytes;
    this.lastSize = size;
  }
}

/** Gap reasons only a source knows about (the hub cannot see them in the chunk times). */
const SOURCE_GAP_REASONS = new Set<Gap['reason']>(['device-dropped', 'paused', 'file']);

export interface RecorderOptions {
  db: DbClient;
  hub: Hub;
  clock: HostClock;
  appVersion: string;
  flushIntervalMs?: number;
  onStatus?(status: RecordingStatus): void;
  log?(level: LogLevel, message: string): void;
  /** The pipeline's conditioning settings in force, stored with the session at start (default: the hub's pipelineConfig). */
  filterSettings?(): Record<string, unknown> | null;
  /** When to store pipeline snapshots (default SNAPSHOT_SCHEDULE). */
  snapshotSchedule?: Partial<SnapshotScheduleOptions>;
}

/**
 * The chunks of one stream waiting for the next commit, packed into growing flat arrays: a copy of
 * each chunk (the hub's chunk may be reused after the callback), and at commit a handful of
 * buffers moved to the DB worker rather than thousands of small objects cloned.
 */
class ChunkBuffer {
  private seqs = new Float64Array(64);
  private deviceTimes = new Float64Array(64);
  private hostTimes = new Float64Array(64);
  private counts = new Uint32Array(64);
  private data = new Float32Array(16384);
  n = 0;
  values = 0;

  push(seq: number, chunk: SampleChunk): void {
    if (this.n === this.seqs.length) {
      const grow = <T extends Float64Array | Uint32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.seqs = grow(this.seqs);
      this.deviceTimes = grow(this.deviceTimes);
      this.hostTimes = grow(this.hostTimes);
      this.counts = grow(this.counts);
    }
    const len = chunk.data.length;
    if (this.values + len > this.data.length) {
      const b = new Float32Array(Math.max(this.data.length * 2, this.values + len));
      b.set(this.data.subarray(0, this.values));
      this.data = b;
    }
    this.seqs[this.n] = seq;
    this.deviceTimes[this.n] = chunk.deviceTime;
    this.hostTimes[this.n] = chunk.hostTime;
    this.counts[this.n] = chunk.count;
    this.data.set(chunk.data, this.values);
    this.n++;
    this.values += len;
  }

  /** Exact-size copies of what is buffered (ready to transfer), and the buffer emptied. */
  take(): PackedChunks {
    const n = this.n;
    const p: PackedChunks = {
      seqs: this.seqs.slice(0, n),
      deviceTimes: this.deviceTimes.slice(0, n),
      hostTimes: this.hostTimes.slice(0, n),
      counts: this.counts.slice(0, n),
      data: this.data.slice(0, this.values),
    };
    this.n = 0;
    this.values = 0;
    return p;
  }
}

interface StreamSlot {
  info: StreamInfo;
  rowId: number | null;
  buf: ChunkBuffer;
  /** Device time of the last sample seen (where the clock estimate at stop holds). */
  lastDeviceTime: number;
  /** The seq of the first chunk or gap after the stream was announced (a replay announces it there). */
  openedSeq: number;
}

interface PendingGap {
  slot: StreamSlot;
  seq: number;
  gap: Gap;
}

export class Recorder {
  private state: RecordingStatus = idleStatus();
  private unsubscribe: (() => void) | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** One slot per StreamInfo object: a stream whose layout changes gets a new row. */
  private slots = new Map<string, StreamSlot>();
  private gaps: PendingGap[] = [];
  private devices = new Map<string, DeviceStatus>();
  private seq = 0;
  private bufferedValues = 0;
  private flushing: Promise<void> | null = null;
  private readonly flushMs: number;
  /** Snapshots taken and not yet committed. */
  private snapshots: NewPipelineSnapshot[] = [];
  private schedule = new SnapshotSchedule();
  private snapshotFailed = false;
  /** Every marker write (this recording's, and a marker put in another session): in batches under a flood. */
  readonly markers: MarkerWriter;

  constructor(private readonly opts: RecorderOptions) {
    this.flushMs = opts.flushIntervalMs ?? FLUSH_INTERVAL_MS;
    this.markers = new MarkerWriter(opts.db);
  }

  status(): RecordingStatus {
    return { ...this.state, error: this.state.error ? { ...this.state.error } : null };
  }

  get sessionId(): number | null {
    return this.state.state === 'recording' ? this.state.sessionId : null;
  }

  async start(options: RecordingOptions = {}): Promise<RecordingStatus> {
    if (this.state.state === 'recording' || this.state.state === 'stopping') {
      throw new DbError('Invalid', `already recording session ${this.state.sessionId}; stop it first`);
    }
    const { db, hub, clock } = this.opts;
    const startTime = clock.now();
    const name = options.name?.trim() || defaultSessionName(startTime);
    const sessionId = await db.api.createSession({
      name,
      subjectId: options.subjectId,
      tags: options.tags,
      notes: options.notes,
      startTime,
      appVersion: this.opts.appVersion,
      origin: 'recorded',
      state: 'recording',
    });
    this.slots.clear();
    this.gaps = [];
    this.ends = [];
    this.seq = 0;
    this.bufferedValues = 0;
    this.snapshots = [];
    this.schedule = new SnapshotSchedule(this.opts.snapshotSchedule);
    this.snapshotFailed = false;
    this.devices = new Map(hub.devices().map((d) => [d.deviceId, d]));
    const settings = this.opts.filterSettings ? this.opts.filterSettings() : ((hub.pipelineConfig?.() as unknown as Record<string, unknown> | undefined) ?? null);
    if (settings) await db.api.addFilterSettings(sessionId, startTime, settings);
    this.state = { ...idleStatus(), state: 'recording', sessionId, name, startTime };
    // Streams are registered in the hub's order (replay announces them in the same order).
    this.onStreams(hub.streams());
    this.unsubscribe = hub.subscribe({
      streams: (streams) => this.onStreams(streams),
      rawChunk: (chunk, info) => this.onChunk(chunk, info),
      gap: (gap) => this.onGap(gap),
      deviceStatus: (status) => {
        this.devices.set(status.deviceId, status);
      },
      // New settings mid-session: stored with their time (a replay applies them at the same point
      // of the recording) and a snapshot under them, so seeks after the change stay exact.
      config: (config) => {
        this.takeSnapshot();
        this.noteFilterSettings(this.opts.filterSettings?.() ?? (config as unknown as Record<string, unknown>)).catch((err) =>
          this.log('warn', `the new pipeline settings were not stored with the session (${(err as Error)?.message ?? String(err)}); a replay will use the earlier ones`),
        );
      },
    });
    // The pipeline as the recording finds it (devices may have streamed for a while): a replay
    // from the start restores it, so even the first windows come out as they did live.
    this.takeSnapshot();
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    this.log('info', `recording session ${sessionId} "${name}"`);
    this.emit();
    return this.status();
  }

  /** Stops, commits what is buffered and marks the session complete. */
  async stop(): Promise<RecordingStatus> {
    if (this.state.state !== 'recording') return this.status();
    const sessionId = this.state.sessionId!;
    this.state.state = 'stopping';
    this.detach();
    this.emit();
    const clocks = this.clockModels();
    // The markers that came before Stop are in the session when it is marked complete.
    await this.markers.flush();
    await this.flush();
    if ((this.state.state as RecordingStatus['state']) === 'failed') return this.status();
    try {
      for (const [rowId, model] of clocks) await this.opts.db.api.setClockModel(rowId, model);
      await this.opts.db.api.finishSession(sessionId, this.opts.clock.now());
      this.state = { ...this.state, state: 'idle' };
      this.log('info', `recording session ${sessionId} stopped: ${this.state.committedSamples} values, ${this.state.committedBytes} bytes`);
    } catch (err) {
      this.fail(err);
    }
    this.emit();
    return this.status();
  }

  /** The pipeline's clock estimate per recorded stream, as its stream row will keep it. */
  private clockModels(): [number, ClockModelInfo][] {
    const states = this.opts.hub.clockStates?.() ?? [];
    const out: [number, ClockModelInfo][] = [];
    for (const st of states) {
      const slot = this.slots.get(st.streamId);
      if (!slot || slot.rowId === null || !Number.isFinite(slot.lastDeviceTime) || !st.clock.observations) continue;
      out.push([
        slot.rowId,
        {
          kind: 'pipeline',
          offsetS: st.clock.offsetSec,
          driftPpm: st.clock.driftPpm,
          atDeviceTime: slot.lastDeviceTime,
          observations: st.clock.observations,
          resets: st.clock.resets,
        },
      ]);
    }
    return out;
  }

  /** A marker on the shared clock, stored in the session being recorded. Null when not recording. */
  async addMarker(label: string, source: MarkerSource, time = this.opts.clock.now(), duration = 0): Promise<Marker | null> {
    const sessionId = this.sessionId;
    if (sessionId === null) return null;
    return this.markers.add(sessionId, { label, source, time, duration });
  }

  async addSelfReport(report: Omit<NewSelfReport, 'time'> & { time?: number }): Promise<SelfReport | null> {
    const sessionId = this.sessionId;
    if (sessionId === null) return null;
    return this.opts.db.api.addSelfReport(sessionId, { ...report, time: report.time ?? this.opts.clock.now() });
  }

  /** The pipeline's settings changed while recording. */
  async noteFilterSettings(settings: Record<string, unknown>): Promise<void> {
    const sessionId = this.sessionId;
    if (sessionId !== null) await this.opts.db.api.addFilterSettings(sessionId, this.opts.clock.now(), settings);
  }

  private onChunk(chunk: SampleChunk, info: StreamInfo): void {
    if (this.state.state !== 'recording') return;
    let slot = this.slots.get(chunk.streamId);
    if (!slot || !sameLayout(slot.info, info)) {
      // New stream, or its layout changed (montage, rate): a new stream row from here on.
      if (slot && slot.buf.n > 0) this.retired.push(slot);
      slot = { info, rowId: null, buf: new ChunkBuffer(), lastDeviceTime: NaN, openedSeq: this.seq };
      this.slots.set(chunk.streamId, slot);
    }
    slot.buf.push(this.seq++, chunk);
    slot.lastDeviceTime = chunk.deviceTime + (chunk.count - 1) / info.nominalRateHz;
    this.bufferedValues += chunk.data.length;
    if (this.bufferedValues >= MAX_BUFFERED_VALUES) void this.flush();
  }

  private onStreams(streams: StreamInfo[]): void {
    if (this.state.state !== 'recording' && this.state.state !== 'idle') return;
    // A stream gone from the hub ended here (its device removed, or announced again without it):
    // live, the pipeline flushed it and its modality reads 'no-device' from here on. The end is
    // stored so a replay ends it at the same point; a device added again later gets a new row.
    // (A device that drops and reconnects keeps its streams: that stays a gap.)
    let changed = false;
    for (const [id, slot] of this.slots) {
      if (streams.some((s) => s.id === id)) continue;
      this.slots.delete(id);
      changed = true;
      if (slot.buf.n > 0 || slot.rowId !== null) {
        if (slot.buf.n > 0) this.retired.push(slot);
        this.ends.push({ slot, seq: this.seq, time: this.opts.clock.now() });
      }
    }
    for (const info of streams) {
      const slot = this.slots.get(info.id);
      if (slot && sameLayout(slot.info, info)) continue;
      if (slot && slot.buf.n > 0) this.retired.push(slot);
      this.slots.set(info.id, { info, rowId: null, buf: new ChunkBuffer(), lastDeviceTime: NaN, openedSeq: this.seq });
      changed = true;
    }
    // The pipeline under its new streams: a snapshot taken before the change with no chunk since
    // carries the same afterSeq and would read as after it; this one replaces it (and seeks past
    // the change start from here).
    if (changed) this.takeSnapshot();
  }

  /** Streams that ended since the last flush (stored with their rows at the next one). */
  private ends: { slot: StreamSlot; seq: number; time: number }[] = [];

  /** Slots replaced mid-batch by a layout change; flushed with the next batch. */
  private retired: StreamSlot[] = [];

  private onGap(gap: Gap): void {
    if (this.state.state !== 'recording') return;
    const slot = this.slots.get(gap.streamId);
    if (!slot) return; // a gap before the stream's first chunk: nothing recorded to mark
    this.gaps.push({ slot, seq: this.seq++, gap: { ...gap } });
  }

  /**
   * Stores the pipeline's state after everything numbered so far. Only possible between chunks: a
   * flush forced from inside a chunk callback (buffer full) finds the pipeline busy and leaves it to
   * the next one.
   */
  private takeSnapshot(): void {
    const hub = this.opts.hub;
    if (!hub.pipelineSnapshot || this.state.state !== 'recording') return;
    try {
      const snap = hub.pipelineSnapshot();
      const afterSeq = this.seq - 1;
      const last = this.snapshots[this.snapshots.length - 1];
      if (last && last.afterSeq === afterSeq) this.snapshots.pop();
      this.snapshots.push({ afterSeq, data: snap.bytes });
      this.schedule.taken(this.opts.clock.now(), this.state.committedBytes, snap.bytes.length);
    } catch (err) {
      if (err instanceof PipelineSnapshotError && err.code === 'busy') return;
      this.schedule.taken(this.opts.clock.now(), this.state.committedBytes, 0);
      if (!this.snapshotFailed) this.log('warn', `pipeline snapshot failed (${(err as Error)?.message ?? String(err)}); seeks in this session will use a pre-roll from here`);
      this.snapshotFailed = true;
    }
  }

  /** Commits everything buffered (with a pipeline snapshot when one is due). Flushes run one at a time; a failure stops the recording. */
  flush(): Promise<void> {
    if (this.state.state === 'recording' && this.schedule.due(this.opts.clock.now(), this.state.committedBytes)) this.takeSnapshot();
    if (this.flushing) return this.flushing.then(() => (this.bufferedValues > 0 || this.gaps.length > 0 || this.ends.length > 0 || this.snapshots.length > 0 ? this.flush() : undefined));
    const sessionId = this.state.sessionId;
    if (sessionId === null || (this.state.state !== 'recording' && this.state.state !== 'stopping')) return Promise.resolve();
    // Take the buffers now; chunks arriving during the commit go to the next batch.
    const slots = [...this.retired, ...this.slots.values()].filter((s) => s.buf.n > 0);
    const taken = slots.map((s) => ({ slot: s, chunks: s.buf.take() }));
    this.retired = [];
    const gaps = this.gaps;
    this.gaps = [];
    const ends = this.ends;
    this.ends = [];
    const snapshots = this.snapshots;
    this.snapshots = [];
    this.bufferedValues = 0;
    if (taken.length === 0 && gaps.length === 0 && ends.length === 0 && snapshots.length === 0) return Promise.resolve();
    this.flushing = (async () => {
      try {
        // Every stream known so far gets its row, in the order the hub announced them.
        for (const s of new Set([...taken.map((t) => t.slot).filter((x) => this.slots.get(x.info.id) !== x), ...this.slots.values(), ...gaps.map((g) => g.slot), ...ends.map((e) => e.slot)])) {
          if (s.rowId === null) s.rowId = await this.opts.db.api.addStream(sessionId, { ...this.describe(s.info), openedSeq: s.openedSeq });
        }
        const batch: RecordingBatch = {
          sessionId,
          blocks: taken.map((t) => ({ streamId: t.slot.rowId!, chunks: t.chunks })),
          gaps: gaps.map((g) => ({ streamId: g.slot.rowId!, seq: g.seq, gap: g.gap, fromSource: SOURCE_GAP_REASONS.has(g.gap.reason) })),
          ends: ends.map((e) => ({ streamId: e.slot.rowId!, seq: e.seq, time: e.time })),
          snapshots,
        };
        const transfer = taken.flatMap((t) => [t.chunks.seqs, t.chunks.deviceTimes, t.chunks.hostTimes, t.chunks.counts, t.chunks.data].map((a) => a.buffer as ArrayBuffer));
        const res = await this.opts.db.callTransferring('appendBatch', transfer, batch);
        if (this.state.sessionId === sessionId) {
          this.state.committedSamples += res.samples;
          this.state.committedBytes += res.bytes;
          this.state.lastCommitTime = this.opts.clock.now();
          if (this.state.state === 'recording') this.emit();
        }
      } catch (err) {
        this.fail(err);
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  private describe(info: StreamInfo) {
    const dev = this.devices.get(info.deviceId);
    const serial = dev?.settings?.serial;
    return {
      device: {
        deviceKey: info.deviceId,
        // The device's status carries a rename made while it streams; its stream info keeps the name
        // the stream was announced with.
        name: dev?.name ?? info.deviceName,
        model: info.deviceModel,
        serial: typeof serial === 'string' || typeof serial === 'number' ? String(serial) : '',
        transport: dev?.transport ?? '',
      },
      info,
    };
  }

  /** A database failure: stop listening, keep what is committed, say why. */
  private fail(err: unknown): void {
    const e = err instanceof DbError ? err : new DbError('Unknown', String((err as Error)?.message ?? err));
    const sessionId = this.state.sessionId;
    this.detach();
    this.slots.clear();
    this.retired = [];
    this.gaps = [];
    this.ends = [];
    this.snapshots = [];
    this.bufferedValues = 0;
    this.state = { ...this.state, state: 'failed', error: { kind: e.kind, message: e.message } };
    this.log('error', `recording session ${sessionId} stopped: ${e.message}`);
    if (sessionId !== null) {
      // Not marked complete (that would need a write that just failed): it reads as interrupted,
      // ending at its last committed sample.
      void this.opts.db.api.abandonRecording(sessionId).catch(() => {});
    }
    this.emit();
  }

  private detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private emit(): void {
    this.opts.onStatus?.(this.status());
  }

  private log(level: LogLevel, message: string): void {
    this.opts.log?.(level, message);
  }
}

function idleStatus(): RecordingStatus {
  return { state: 'idle', sessionId: null, name: null, startTime: null, committedSamples: 0, committedBytes: 0, lastCommitTime: null, error: null };
}

function sameLayout(a: StreamInfo, b: StreamInfo): boolean {
  if (a === b) return true;
  if (a.nominalRateHz !== b.nominalRateHz || a.modality !== b.modality || a.channels.length !== b.channels.length) return false;
  return a.channels.every((c, i) => c.label === b.channels[i].label && c.unit === b.channels[i].unit && c.resolution === b.channels[i].resolution);
}

/** "Session 2026-11-25 16:48" in the host's local time. */
export function defaultSessionName(time: number): string {
  const d = new Date(time * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `Session ${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
