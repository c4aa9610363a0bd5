// A recorded session as a Source: it feeds the hub exactly the chunk sequence the hub saw live
// (same chunk boundaries, same deviceTime and hostTime as float64, same interleaving of the
// streams, the same source-reported gaps), so the hub's deterministic pipeline produces the same
// windows, features and predictions. Only the wall-clock pacing differs: speed 0.25×–16×, or
// 'max' (as fast as the pipeline takes it, for offline processing).
//
// Seeking, with a hub to restore into (`hub`), restores the newest pipeline snapshot the recording
// stored before the target and re-feeds only the chunks and gaps after it, at full speed and
// withheld from the hub's listeners until the target: every window that comes out is the live one,
// bit for bit. A session recorded before snapshots existed, or a snapshot that does not fit (damaged,
// another version, other streams or settings), seeks as before: delivery restarts a pre-roll before
// the target (at full speed) so filters and the clock model are warm when the playhead gets there,
// and windows agree with live within a few tenths of a µV.
//
// Pipeline settings travel with the recording: the replay puts the hub under the settings in force
// at the session's start, applies each change the user made while recording before the first chunk
// that arrived after it, and seeks under the settings the restored snapshot was taken with. Playing
// through a change, it then restores the snapshot the recorder took right at the change (with a
// hub): the pipeline as it ran on live. A version before 4cd0ade restarted every clock model on a
// settings change, today's keeps them, and only the snapshot says which the recording went through.
import type { DeviceStatus, Source, SourceSink } from '../../shared/device.types';
import {
  REPLAY_MAX_SPEED,
  REPLAY_MIN_SPEED,
  type Marker,
  type ReplaySpeed,
  type ReplayState,
  type ReplayStatus,
  type SelfReport,
  type SessionDetail,
} from '../../shared/session.types';
import type { StreamInfo } from '../../shared/stream.types';
import type { LogLevel } from '../../shared/log.types';
import type { DbClient } from '../db/db-client';
import { DbError } from '../db/db-error';
import type { ReplayChunk, ReplayGap, ReplayPage, SeekSnapshot, StoredPipelineSnapshot } from '../db/db.types';
import type { Hub } from '../hub/hub.types';
import { configHash, decodePipelineSnapshotHeader, recordedPipelineConfig, type PipelineConfig, type PipelineConfigPatch } from '../../shared/pipeline';

/** Seconds delivered at full speed before a seek target so the pipeline is warm when it plays. */
export const DEFAULT_SEEK_PRE_ROLL_S = 10;
/** Batches per read from the database (a recorder batch is ~250 ms). */
const PAGE_BATCHES = 16;
/** How often the playhead position is reported while playing. */
const POSITION_REPORT_MS = 200;
/** At 'max' speed, yield to the event loop after this long so the app stays responsive. */
const MAX_SPEED_SLICE_MS = 8;

export interface ReplaySourceOptions {
  db: DbClient;
  sessionId: number;
  speed?: ReplaySpeed;
  /** Prepended to every stream id so a replay never collides with a live device ('' keeps them). */
  streamIdPrefix?: string;
  deviceId?: string;
  preRollS?: number;
  /** Wall clock in ms (tests inject one). */
  nowMs?: () => number;
  onStatus?(status: ReplayStatus): void;
  /** Markers and self-reports as the playhead passes them. */
  onMarker?(marker: Marker): void;
  onSelfReport?(report: SelfReport): void;
  /**
   * The hub this replay feeds, for exact seeks: its pipeline is restored from the recording's
   * snapshots (Hub.restorePipeline). Without it (or for sessions without snapshots) seeks use the
   * pre-roll.
   */
  hub?: Pick<Hub, 'restorePipeline' | 'pipelineConfig' | 'setPipelineConfig' | 'withholdOutputBefore'>;
  log?(level: LogLevel, message: string): void;
}

export class ReplayError extends Error {
  override name = 'ReplayError';
}

export function checkReplaySpeed(speed: unknown): ReplaySpeed {
  if (speed === 'max') return speed;
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < REPLAY_MIN_SPEED || speed > REPLAY_MAX_SPEED) {
    throw new DbError('Invalid', `replay speed must be ${REPLAY_MIN_SPEED}–${REPLAY_MAX_SPEED}× or 'max', got ${String(speed)}`);
  }
  return speed;
}

/** A stored stream row: its first chunk's arrival, and where it was announced and ended (null: not known). */
interface Row {
  id: number;
  firstTime: number;
  openedSeq: number | null;
  ended: { seq: number; time: number } | null;
}

type Item = { kind: 'chunk'; seq: number; chunk: ReplayChunk } | { kind: 'gap'; seq: number; gap: ReplayGap };

/** How a replay was last positioned: from a restored pipeline snapshot, a pre-roll, or the session's start. */
export interface SeekInfo {
  mode: 'snapshot' | 'pre-roll' | 'start';
  /** The restored snapshot's afterSeq. */
  snapshotAfterSeq: number | null;
  /** Host time delivery starts from (the snapshot's frontier, or target − pre-roll). */
  from: number | null;
}

export class ReplaySource implements Source {
  readonly deviceId: string;
  private sink: SourceSink | null = null;
  private detail: SessionDetail | null = null;
  private infos = new Map<number, StreamInfo>();
  /**
   * Per stream key, the rows in recorded order (a stream whose layout changed mid-session, a montage
   * or rate, has a row per layout) and the one announced to the hub now. All rows were announced at
   * once, under one id: the hub kept one of them and the other's chunks were refused, so a session
   * whose montage changed replayed without the EEG before (or after) the change.
   */
  private rowsByKey = new Map<string, Row[]>();
  private announced = new Map<string, number>();
  /**
   * Where the recording announced and ended its streams (schema 70), in seq order: a device added
   * mid-recording is announced before the item it came before, and one removed is ended there (the
   * pipeline flushes it, and its modality reads 'no-device' after), as live. `streamCursor` is the
   * next one to apply.
   */
  private streamEvents: { seq: number; key: string; rowId: number; open: boolean }[] = [];
  private streamCursor = 0;
  private markers: Marker[] = [];
  /** The session's pipeline settings, oldest first; `settingsCursor` is the next one to apply. */
  private settings: { time: number; config: PipelineConfig | null; hash: number }[] = [];
  private settingsCursor = 0;
  /**
   * The snapshots stored right after a seq, read before a settings change is played at the next
   * item (null: none there). Restored after the change, they put the pipeline where it was live.
   */
  private changeSnapshots = new Map<number, StoredPipelineSnapshot | null>();
  private reports: SelfReport[] = [];
  private queue: Item[] = [];
  private qHead = 0;
  private nextSeq: number | null = null;
  private fetching: Promise<void> | null = null;
  /** Bumped on seek/stop so pages fetched for an old position are dropped. */
  private epoch = 0;
  private speed: ReplaySpeed;
  private state: ReplayState = 'closed';
  private position: number | null = null;
  /** Pacing anchor: session host time `anchorHost` plays at wall time `anchorWall` (ms). */
  private anchorHost = 0;
  private anchorWall = 0;
  /** Until the playhead reaches this host time, deliver at full speed (seek pre-roll). */
  private catchUpUntil = -Infinity;
  /** Items up to this seq are already in the restored pipeline (a snapshot's afterSeq): skipped. */
  private skipThrough = -Infinity;
  /** How the last positioning went (snapshot or pre-roll), for tests and the bench. */
  private lastSeek: SeekInfo = { mode: 'start', snapshotAfterSeq: null, from: null };
  private timer: ReturnType<typeof setTimeout> | null = null;
  private error: string | null = null;
  private readonly nowMs: () => number;
  private endWaiters: (() => void)[] = [];

  constructor(private readonly opts: ReplaySourceOptions) {
    this.deviceId = opts.deviceId ?? `replay-${opts.sessionId}`;
    this.speed = checkReplaySpeed(opts.speed ?? 1);
    this.nowMs = opts.nowMs ?? (() => performance.now());
  }

  /** Resolves when playback reaches the end of the session, fails, or the source stops. */
  whenEnded(): Promise<void> {
    if (this.state === 'ended' || this.state === 'failed') return Promise.resolve();
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  private wakeEndWaiters(): void {
    const w = this.endWaiters;
    this.endWaiters = [];
    for (const fn of w) fn();
  }

  async start(sink: SourceSink): Promise<void> {
    const { db, sessionId } = this.opts;
    const detail = await db.api.getSession(sessionId);
    if (detail.state === 'recording') throw new ReplayError(`session ${sessionId} is still being recorded`);
    this.detail = detail;
    const prefix = this.opts.streamIdPrefix ?? 'replay:';
    for (const s of detail.streams) {
      const rows = this.rowsByKey.get(s.info.id) ?? [];
      const openedSeq = s.openedSeq ?? null;
      const ended = s.ended ?? null;
      rows.push({ id: s.id, firstTime: s.firstTime ?? -Infinity, openedSeq, ended });
      this.rowsByKey.set(s.info.id, rows);
      if (openedSeq !== null) this.streamEvents.push({ seq: openedSeq, key: s.info.id, rowId: s.id, open: true });
      if (openedSeq !== null && ended) this.streamEvents.push({ seq: ended.seq, key: s.info.id, rowId: s.id, open: false });
      this.infos.set(s.id, {
        ...s.info,
        id: prefix + s.info.id,
        deviceId: this.deviceId,
        deviceName: `${s.info.deviceName} (replay of ${detail.name})`,
        deviceModel: 'replay',
        channels: s.info.channels.map((c) => ({ ...c })),
      });
    }
    const timeline = await db.api.getTimeline(sessionId);
    this.markers = timeline.markers;
    this.reports = timeline.selfReports;
    this.settings = detail.filterSettings.map((f) => {
      const config = this.resolveSettings(f.settings);
      return { time: f.time, config, hash: config ? configHash(config) : NaN };
    });
    // Ends first where a device was removed and another stream announced before the same item.
    this.streamEvents.sort((a, b) => a.seq - b.seq || Number(a.open) - Number(b.open));
    this.applySettingsAt(detail.startTime);
    this.announceRowsAt(detail.startTime, 0);
    this.sink = sink;
    sink.streams(this.deviceId, this.streamInfos());
    this.state = 'paused';
    await this.positionAt(detail.startTime, false);
    this.reportStatus();
  }

  async stop(): Promise<void> {
    if (this.state === 'closed') return;
    this.clearTimer();
    this.epoch++;
    this.state = 'closed';
    this.queue = [];
    this.qHead = 0;
    this.reportStatus();
    this.sink = null;
    this.wakeEndWaiters();
  }

  status(): DeviceStatus {
    const stateMap: Record<ReplayState, DeviceStatus['state']> = {
      closed: 'stopped',
      paused: 'idle',
      playing: 'streaming',
      ended: 'stopped',
      failed: 'error',
    };
    return {
      deviceId: this.deviceId,
      name: this.detail ? `Replay: ${this.detail.name}` : `Replay of session ${this.opts.sessionId}`,
      model: 'replay',
      transport: 'replay',
      state: stateMap[this.state],
      streamIds: this.streamInfos().map((s) => s.id),
      ...(this.error ? { problem: { code: 'device-error' as const, message: this.error, time: this.position ?? 0 } } : {}),
    };
  }

  replayStatus(): ReplayStatus {
    return {
      state: this.state,
      sessionId: this.opts.sessionId,
      position: this.position,
      startTime: this.detail?.startTime ?? null,
      endTime: this.detail?.endTime ?? null,
      speed: this.speed,
      error: this.error,
    };
  }

  /** The streams announced to the hub: per stream key, the row (layout) in effect at the playhead. */
  streamInfos(): StreamInfo[] {
    return [...this.announced.values()].map((id) => this.infos.get(id)!);
  }

  /**
   * The rows announced where delivery starts, at host time `time` with the item `seq` next: per
   * stream key, the newest row announced before that item and not ended by then (none: the device
   * was not there). A session recorded before schema 70 does not say: the newest row whose first
   * chunk came at or before `time` (else its first row).
   */
  private announceRowsAt(time: number, seq: number): void {
    this.announced.clear();
    for (const [key, rows] of this.rowsByKey) {
      if (rows.every((r) => r.openedSeq !== null)) {
        let row: Row | null = null;
        for (const r of rows) if (r.openedSeq! <= seq) row = r;
        if (row && !(row.ended && row.ended.seq <= seq)) this.announced.set(key, row.id);
        continue;
      }
      let row = rows[0];
      for (const r of rows) if (r.firstTime <= time) row = r;
      this.announced.set(key, row.id);
    }
    this.streamCursor = 0;
    while (this.streamCursor < this.streamEvents.length && this.streamEvents[this.streamCursor].seq <= seq) this.streamCursor++;
  }

  /** Announces and ends streams as the recording did before the item `seq` (Infinity: at the end). */
  private applyStreamEvents(seq: number): void {
    let changed = false;
    let ended = false;
    const tell = () => {
      if (!changed || !this.sink) return;
      // The last streams ending is a device removed with nothing else streaming: live, the pipeline
      // flushed them (removeDevice) before they went; endOfData does the same here.
      if (ended && this.announced.size === 0) this.sink.endOfData?.(this.deviceId);
      this.sink.streams(this.deviceId, this.streamInfos());
      changed = ended = false;
    };
    while (this.streamCursor < this.streamEvents.length && this.streamEvents[this.streamCursor].seq <= seq) {
      const e = this.streamEvents[this.streamCursor++];
      if (e.open) {
        // Ends are told first: a device removed and added again before the next chunk starts
        // afresh, as live; announced together, the pipeline took the new stream for a reconnect.
        if (ended) tell();
        this.announced.set(e.key, e.rowId);
        changed = true;
      } else if (this.announced.get(e.key) === e.rowId) {
        this.announced.delete(e.key);
        changed = ended = true;
      }
    }
    tell();
  }

  play(): ReplayStatus {
    if (this.state === 'paused' || this.state === 'ended') {
      if (this.state === 'ended') {
        // Play after the end starts over.
        void this.seek(this.detail!.startTime).then(() => this.play());
        return this.replayStatus();
      }
      this.state = 'playing';
      this.reanchor();
      this.reportStatus();
      this.schedule(0);
    }
    return this.replayStatus();
  }

  pause(): ReplayStatus {
    if (this.state === 'playing') {
      this.clearTimer();
      this.state = 'paused';
      this.reportStatus();
    }
    return this.replayStatus();
  }

  setSpeed(speed: ReplaySpeed): ReplayStatus {
    this.speed = checkReplaySpeed(speed);
    this.reanchor();
    if (this.state === 'playing') this.schedule(0);
    this.reportStatus();
    return this.replayStatus();
  }

  /** Moves the playhead to host time `time`; delivery resumes from a pre-roll before it. */
  async seek(time: number): Promise<ReplayStatus> {
    if (!this.detail || this.state === 'closed') throw new ReplayError('replay is not open');
    if (!Number.isFinite(time)) throw new DbError('Invalid', 'seek time must be a number');
    const wasPlaying = this.state === 'playing';
    this.clearTimer();
    const target = Math.min(Math.max(time, this.detail.startTime), this.detail.endTime);
    await this.positionAt(target, true);
    // Playing stays playing; paused (or ended) waits at the new position.
    if (wasPlaying) this.state = 'playing';
    this.reportStatus();
    if (this.state === 'playing') this.schedule(0);
    return this.replayStatus();
  }

  /** How the last seek (or the opening) positioned the replay. */
  seekInfo(): SeekInfo {
    return { ...this.lastSeek };
  }

  /**
   * Loads the queue for playback from `target`: from the newest pipeline snapshot before it
   * (restored into the hub), or from a pre-roll before it; either way delivered at full speed up to
   * the target.
   */
  private async positionAt(target: number, announce: boolean): Promise<void> {
    const epoch = ++this.epoch;
    const hub = this.opts.hub;
    const lengthSec = hub?.pipelineConfig?.().window.lengthSec;
    let snap: SeekSnapshot | null = null;
    if (hub?.restorePipeline && lengthSec !== undefined) {
      try {
        // Every window ending at or after the target must be reproducible: it starts after target − length.
        snap = await this.opts.db.api.seekSnapshot(this.opts.sessionId, target - lengthSec);
      } catch (err) {
        this.opts.log?.('warn', `replay of session ${this.opts.sessionId}: reading its pipeline snapshots failed (${(err as Error)?.message ?? String(err)}); seeking with a pre-roll`);
      }
      if (epoch !== this.epoch) return;
    }
    const preRoll = announce ? (this.opts.preRollS ?? DEFAULT_SEEK_PRE_ROLL_S) : 0;
    const from = target - preRoll;
    const preRollSeq = async () => (from <= this.detail!.startTime ? 0 : await this.opts.db.api.seqAtTime(this.opts.sessionId, from));
    const seq = snap ? snap.readFromSeq : await preRollSeq();
    if (epoch !== this.epoch) return;
    this.queue = [];
    this.qHead = 0;
    this.nextSeq = seq;
    this.skipThrough = -Infinity;
    this.catchUpUntil = announce || snap ? target : -Infinity;
    // Markers before the playhead are not re-announced; from the session's start, those stamped
    // before it (a stimulus sent just before Record, with its own time) pass with the first chunk.
    this.position = target;
    const passFrom = target <= this.detail!.startTime ? -Infinity : target;
    this.markerCursor = lowerBound(this.markers, passFrom, (m) => m.time);
    this.reportCursor = lowerBound(this.reports, passFrom, (r) => r.time);
    // The settings the restored snapshot was taken under, else those in force where delivery starts.
    const header = snap ? this.snapshotHeader(snap) : null;
    const under = header ? this.settingsIndexFor(header.configHash, target) : -1;
    this.applySettingsAt(under >= 0 ? this.settings[under].time : snap ? snap.hostTime : from);
    // The layouts in effect where delivery starts (a restored snapshot holds those streams).
    this.announceRowsAt(snap ? snap.hostTime : from, snap ? snap.afterSeq + 1 : (seq ?? Infinity));
    if (announce && this.sink) {
      // Withdrawing and re-announcing the streams makes the pipeline start them afresh (filters,
      // clock model, segments), as for a device that reconnects.
      this.sink.streams(this.deviceId, []);
      this.sink.streams(this.deviceId, this.streamInfos());
    }
    this.lastSeek = { mode: announce ? 'pre-roll' : 'start', snapshotAfterSeq: null, from: announce ? from : this.detail!.startTime };
    if (snap && hub?.restorePipeline) {
      const prefix = this.opts.streamIdPrefix ?? 'replay:';
      try {
        hub.restorePipeline(this.deviceId, snap.data, { streamId: (id) => prefix + id, emitFrom: target });
        this.skipThrough = snap.afterSeq;
        this.lastSeek = { mode: 'snapshot', snapshotAfterSeq: snap.afterSeq, from: snap.hostTime };
      } catch (err) {
        this.opts.log?.('warn', `replay of session ${this.opts.sessionId}: pipeline snapshot after seq ${snap.afterSeq} not restored (${(err as Error)?.message ?? String(err)}); seeking with a ${preRoll}-s pre-roll`);
        this.nextSeq = await preRollSeq();
        if (epoch !== this.epoch) return;
        this.catchUpUntil = announce ? target : -Infinity;
      }
    }
    // A pre-roll's output is the hub's own business, as a restored snapshot's is: windows (and
    // features, predictions) ending before the target stay in the pipeline. They came out, from
    // filters warmed for only seconds: a click at +60 s in an imported EDF (no snapshots) showed and
    // ran the model on windows from +51 s on, whose predictions would replace the stored ones.
    if (announce && this.lastSeek.mode === 'pre-roll') hub?.withholdOutputBefore?.(target);
    if (this.state === 'ended') this.state = 'paused';
    await this.fill(epoch);
    this.anchorHost = target;
    this.anchorWall = this.nowMs();
  }

  private markerCursor = 0;
  private reportCursor = 0;

  /** A recorded settings entry as a full configuration; null (with a log line) where it is not one. */
  private resolveSettings(raw: Record<string, unknown>): PipelineConfig | null {
    try {
      // Settings recorded before short losses were bridged replay without bridging, as they ran live.
      return recordedPipelineConfig(raw as PipelineConfigPatch);
    } catch (err) {
      this.opts.log?.('warn', `replay of session ${this.opts.sessionId}: recorded pipeline settings not usable (${(err as Error)?.message ?? String(err)}); those in force stay`);
      return null;
    }
  }

  private snapshotHeader(snap: StoredPipelineSnapshot): { configHash: number } | null {
    try {
      return decodePipelineSnapshotHeader(snap.data);
    } catch {
      return null; // restorePipeline names the damage
    }
  }

  /** The newest settings entry at or before `time` whose configuration has the snapshot's hash; -1 if none. */
  private settingsIndexFor(hash: number, time: number): number {
    for (let i = this.settings.length - 1; i >= 0; i--) if (this.settings[i].time <= time && this.settings[i].hash === hash) return i;
    return -1;
  }

  /** Puts the hub under the settings in force at host time `time` (the first entry before any). */
  private applySettingsAt(time: number): void {
    if (this.settings.length === 0) return;
    let i = 0;
    while (i + 1 < this.settings.length && this.settings[i + 1].time <= time) i++;
    this.applySetting(i);
    this.settingsCursor = i + 1;
  }

  /** Puts the hub under settings entry `i`; true when its configuration changed. */
  private applySetting(i: number): boolean {
    const hub = this.opts.hub;
    const { config: cfg, hash } = this.settings[i];
    if (!cfg || !hub?.setPipelineConfig || !hub.pipelineConfig || configHash(hub.pipelineConfig()) === hash) return false;
    try {
      hub.setPipelineConfig(cfg);
      return true;
    } catch (err) {
      this.opts.log?.('warn', `replay of session ${this.opts.sessionId}: the recorded pipeline settings could not be applied (${(err as Error)?.message ?? String(err)}); replaying with the current ones`);
      return false;
    }
  }

  /** Whether a recorded settings change comes before a chunk that arrived at host time `time`. */
  private settingDueBefore(time: number): boolean {
    return this.settingsCursor < this.settings.length && this.settings[this.settingsCursor].time < time;
  }

  private async loadChangeSnapshot(afterSeq: number): Promise<void> {
    let snap: StoredPipelineSnapshot | null = null;
    try {
      snap = await this.opts.db.api.pipelineSnapshotAt(this.opts.sessionId, afterSeq);
    } catch (err) {
      this.opts.log?.('warn', `replay of session ${this.opts.sessionId}: reading the pipeline snapshot at its settings change failed (${(err as Error)?.message ?? String(err)}); playing on with each stream's clock model kept`);
    }
    this.changeSnapshots.set(afterSeq, snap);
  }

  /**
   * After a settings change played before the item `afterSeq` + 1: restores the snapshot the
   * recorder took right after the change, so every stream goes on as it did live. The change itself
   * went through the hub first (the old segments flushed, the new settings in force, as live). A
   * session recorded before snapshots has none; one stored there under the old settings (a
   * scheduled one, the change's own having failed) is left alone.
   */
  private restoreChangeSnapshot(afterSeq: number): void {
    const hub = this.opts.hub;
    const snap = this.changeSnapshots.get(afterSeq);
    if (!snap || !hub?.restorePipeline || !hub.pipelineConfig) return;
    if (this.snapshotHeader(snap)?.configHash !== configHash(hub.pipelineConfig())) return;
    const prefix = this.opts.streamIdPrefix ?? 'replay:';
    try {
      // While catching up to a seek target, output before it stays withheld.
      hub.restorePipeline(this.deviceId, snap.data, { streamId: (id) => prefix + id, emitFrom: this.catchUpUntil === -Infinity ? undefined : this.catchUpUntil });
    } catch (err) {
      this.opts.log?.('warn', `replay of session ${this.opts.sessionId}: the pipeline snapshot at its settings change (after seq ${afterSeq}) not restored (${(err as Error)?.message ?? String(err)}); playing on with each stream's clock model kept`);
    }
  }

  /** Appends the next page from the database (one fetch at a time). */
  private async fill(epoch: number): Promise<void> {
    while (this.fetching) {
      await this.fetching;
      if (epoch !== this.epoch) return;
    }
    if (this.nextSeq === null) return;
    const from = this.nextSeq;
    this.fetching = (async () => {
      let page: ReplayPage;
      try {
        page = await this.opts.db.api.readReplayPage(this.opts.sessionId, from, PAGE_BATCHES);
      } catch (err) {
        if (epoch === this.epoch) this.failWith(err);
        return;
      }
      if (epoch !== this.epoch) return;
      const items: Item[] = [];
      // Chunks and gaps a restored snapshot already holds are skipped (a page starts at a batch).
      const skip = this.skipThrough;
      for (const c of page.chunks) if (c.seq > skip) items.push({ kind: 'chunk', seq: c.seq, chunk: c });
      // Every recorded gap goes back in at its place in the sequence (as a source gap): the
      // pipeline then starts the next segment exactly where it did live.
      for (const g of page.gaps) if (g.seq > skip) items.push({ kind: 'gap', seq: g.seq, gap: g });
      items.sort((a, b) => a.seq - b.seq);
      this.queue = this.queue.slice(this.qHead).concat(items);
      this.qHead = 0;
      this.nextSeq = page.nextSeq;
    })();
    try {
      await this.fetching;
    } finally {
      this.fetching = null;
    }
  }

  private reanchor(): void {
    if (this.position !== null) this.anchorHost = this.position;
    this.anchorWall = this.nowMs();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    const run = () => {
      this.timer = null;
      void this.pump();
    };
    this.timer = delayMs <= 0 && this.speed === 'max' ? (setImmediate(run) as unknown as ReturnType<typeof setTimeout>) : setTimeout(run, Math.max(0, delayMs));
  }

  /** Delivers every item that is due, then sleeps until the next one. */
  private async pump(): Promise<void> {
    if (this.state !== 'playing' || !this.sink) return;
    const epoch = this.epoch;
    const sliceStart = this.nowMs();
    for (;;) {
      if (this.qHead >= this.queue.length) {
        if (this.nextSeq === null && !this.fetching) {
          this.finish();
          return;
        }
        // A page already on its way (prefetched) is enough; otherwise fetch the next one.
        if (this.fetching) await this.fetching;
        else await this.fill(epoch);
        if (epoch !== this.epoch || this.state !== 'playing') return;
        continue;
      }
      const item = this.queue[this.qHead];
      const t = item.kind === 'chunk' ? item.chunk.hostTime : item.gap.gap.startTime;
      if (this.speed !== 'max' && t > this.catchUpUntil) {
        const now = this.nowMs();
        const dueWall = this.anchorWall + ((t - this.anchorHost) * 1000) / this.speed;
        const wait = dueWall - now;
        if (wait > 0) {
          // A long wait is a stretch without data (a gap, a seek into one): the playhead moves on
          // through it with the replay's time, a few times a second; it stood still as if hung
          // (an imported XDF's 283-s break: almost 5 minutes at 1×).
          if (wait > POSITION_REPORT_MS) {
            const paced = this.anchorHost + ((now - this.anchorWall) * this.speed) / 1000;
            if (this.position === null || paced > this.position) {
              this.position = paced;
              this.lastPositionReport = now;
              this.opts.onStatus?.(this.replayStatus());
            }
          }
          this.schedule(Math.min(wait, POSITION_REPORT_MS));
          return;
        }
      } else if (this.speed === 'max' && this.nowMs() - sliceStart > MAX_SPEED_SLICE_MS) {
        this.schedule(0);
        return;
      }
      if (item.kind === 'chunk' && this.opts.hub?.restorePipeline && this.settingDueBefore(item.chunk.hostTime) && !this.changeSnapshots.has(item.seq - 1)) {
        await this.loadChangeSnapshot(item.seq - 1);
        if (epoch !== this.epoch || this.state !== 'playing') return;
        continue;
      }
      this.qHead++;
      this.deliver(item);
      if (this.catchUpUntil !== -Infinity && t >= this.catchUpUntil) {
        // Pre-roll done: pace from here.
        this.catchUpUntil = -Infinity;
        this.anchorHost = t;
        this.anchorWall = this.nowMs();
      }
      // Refill in the background when the queue runs low, and all the time while catching up to a
      // seek target (the next page decodes in the DB worker while the pipeline takes this one).
      const low = this.catchUpUntil !== -Infinity || this.queue.length - this.qHead < 64;
      if (low && this.nextSeq !== null && !this.fetching) void this.fill(epoch);
      // Paused (or stopped) by a listener of what this item gave (a consumer behind, replayWindows):
      // at once, not at the end of the slice.
      if (this.state !== 'playing') return;
    }
  }

  private deliver(item: Item): void {
    this.applyStreamEvents(item.seq);
    const sink = this.sink!;
    if (item.kind === 'gap') {
      const info = this.infos.get(item.gap.streamId);
      if (info) sink.gap({ ...item.gap.gap, streamId: info.id });
      return;
    }
    const c = item.chunk;
    const info = this.infos.get(c.streamId);
    if (!info) return;
    // The first chunk of a stream's next layout: announced anew, as the device did live (the
    // pipeline starts that stream afresh).
    const key = info.id.slice((this.opts.streamIdPrefix ?? 'replay:').length);
    if (this.announced.get(key) !== c.streamId && this.rowsByKey.has(key)) {
      this.announced.set(key, c.streamId);
      sink.streams(this.deviceId, this.streamInfos());
    }
    // A change of settings made while recording: live, it came after every chunk that arrived by then.
    let changed = false;
    while (this.settingDueBefore(c.hostTime)) changed = this.applySetting(this.settingsCursor++) || changed;
    if (changed) this.restoreChangeSnapshot(item.seq - 1);
    sink.chunk({ streamId: info.id, deviceTime: c.deviceTime, hostTime: c.hostTime, count: c.count, data: c.data });
    // During a seek's pre-roll the playhead stays at the target.
    if (c.hostTime >= this.catchUpUntil) this.position = c.hostTime;
    // (The cursor moves outside the call: `onMarker?.(markers[cursor++])` skips its argument, and with
    // no onMarker the cursor stood still and the replay spun at the session's first marker for good.)
    while (this.markerCursor < this.markers.length && this.markers[this.markerCursor].time <= c.hostTime) {
      const m = this.markers[this.markerCursor++];
      this.opts.onMarker?.(m);
    }
    while (this.reportCursor < this.reports.length && this.reports[this.reportCursor].time <= c.hostTime) {
      const r = this.reports[this.reportCursor++];
      this.opts.onSelfReport?.(r);
    }
    // The playhead, a few times a second (the timeline follows it).
    const wall = this.nowMs();
    if (wall - this.lastPositionReport >= POSITION_REPORT_MS) {
      this.lastPositionReport = wall;
      this.opts.onStatus?.(this.replayStatus());
    }
  }

  private lastPositionReport = -Infinity;

  private finish(): void {
    // A device removed after the last chunk (just before Stop) ends its streams first.
    this.applyStreamEvents(Infinity);
    // No more data: the pipeline flushes the streams, so the window that ends at the last sample
    // comes out (it waited for resampler look-ahead past the recording's end; a live device that
    // stops is flushed the same way when the hub removes it).
    this.sink?.endOfData?.(this.deviceId);
    // Events after the last sample are passed at the end: a marker sent just before Stop, the SAM
    // given as the recording stopped, what a crashed recorder acknowledged after its last commit
    // (up to 250 ms of markers). No chunk passed them, so the page never saw them while replaying.
    for (const m of this.markers.slice(this.markerCursor)) this.opts.onMarker?.(m);
    for (const r of this.reports.slice(this.reportCursor)) this.opts.onSelfReport?.(r);
    this.markerCursor = this.markers.length;
    this.reportCursor = this.reports.length;
    this.state = 'ended';
    if (this.detail) this.position = this.detail.endTime;
    this.reportStatus();
    this.wakeEndWaiters();
  }

  private failWith(err: unknown): void {
    this.clearTimer();
    this.state = 'failed';
    this.error = (err as Error)?.message ?? String(err);
    this.reportStatus();
    this.wakeEndWaiters();
  }

  private reportStatus(): void {
    this.sink?.status(this.status());
    this.opts.onStatus?.(this.replayStatus());
  }
}

function lowerBound<T>(arr: readonly T[], value: number, key: (t: T) => number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(arr[mid]) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
