// The sessions area in one object: the library (list, search, rename, tag, notes, delete, disk
// usage), recording, markers and self-reports, replay through the hub, import and export, running a
// model over a recorded session (predict-job.ts). The core module (sessions.core.ts) and the CLI
// commands are thin wrappers around it.
import type { SessionPush, MarkerRequest, MarkerResult, PredictJobStatus, PredictModelChoice, ReplayOpenRequest, SelfReportRequest } from '../../shared/ipc/sessions.schema';
import type { LogLevel } from '../../shared/log.types';
import type {
  DbInfo,
  DeleteResult,
  ExportRequest,
  ExportResult,
  ImportRequest,
  ImportResult,
  MarkerSource,
  RecordingOptions,
  RecordingStatus,
  ReplaySpeed,
  ReplayStatus,
  SelfReport,
  SessionDetail,
  SessionQuery,
  SessionSummary,
  SessionTimeline,
  SessionUpdate,
} from '../../shared/session.types';
import type { Source } from '../../shared/device.types';
import type { HostClock } from '../../shared/stream.types';
import type { DbClient } from '../db/db-client';
import { DbError } from '../db/db-error';
import { markLogged } from '../core/logged-error';
import type { Hub } from '../hub/hub.types';
import { configHash, type PipelineConfig } from '../../shared/pipeline';
import { Recorder } from '../recorder/recorder';
import type { NewPrediction } from '../db/server';
import { ReplaySource, checkReplaySpeed } from '../replay/replay-source';
import { importRecordingFile } from './import-recording';
import { parkLiveSources, restoreParkedSources } from './replay-live-sources';
import { EVENT_TIME_MARGIN_S, clockEventSpan, eventTimeProblem, markerDurationProblem, sessionEventSpan } from '../../shared/event-time';
import { typedPath } from './typed-path';
import type { PredictJob } from './predict-job';
import { exportModelTasks } from './export-model-tasks';

export interface SessionsServiceOptions {
  db: DbClient;
  hub: Hub;
  clock: HostClock;
  appVersion: string;
  push?(msg: SessionPush): void;
  log?(level: LogLevel, message: string): void;
  /** The pipeline's conditioning settings, stored with each recording. */
  filterSettings?(): Record<string, unknown> | null;
  /** Seconds replayed at full speed before a seek target (warms filters and clock model). */
  seekPreRollS?: number;
  /** The profile's folder: its models/ are offered to run over a session (Run model, predict-job.ts); without it there is no such run. */
  dataDir?: string;
}

const CLOSED_REPLAY: ReplayStatus = { state: 'closed', sessionId: null, position: null, startTime: null, endTime: null, speed: 1, error: null };

/** How long after a recording stops the predictions of its last windows are still taken (the page sends them every second, after the model ran). */
export const LATE_PREDICTION_S = 10;

export class SessionsService {
  readonly recorder: Recorder;
  /** Runs of a model over a recorded session (the library's Run model), one at a time; made on first use (requirePredict). */
  private predict: PredictJob | null = null;
  private replay: ReplaySource | null = null;
  /** Live sources taken off the hub while a replay plays, put back when it closes (replay-live-sources.ts). */
  private parkedSources: Source[] = [];
  /** Settles when the sources put back after the last replay have started (or failed). */
  restoring: Promise<void> = Promise.resolve();
  /** The pipeline configuration in force before a replay switched to the recorded one. */
  private parkedConfig: PipelineConfig | null = null;
  /** The recorder's state as last pushed (a change of state changes the library). */
  private recordingState: RecordingStatus['state'] = 'idle';
  /** The recording that just ended: predictions of its windows still on their way are stored in it. */
  private justRecorded: { sessionId: number; startTime: number; endTime: number } | null = null;
  /** The replay that just closed (or was replaced by another): predictions of its last windows still on their way are stored in it. */
  private justReplayed: { sessionId: number; startTime: number; endTime: number; closedAt: number } | null = null;

  constructor(private readonly opts: SessionsServiceOptions) {
    this.recorder = new Recorder({
      db: opts.db,
      hub: opts.hub,
      clock: opts.clock,
      appVersion: opts.appVersion,
      filterSettings: opts.filterSettings,
      onStatus: (status) => {
        this.push({ type: 'sessions:recording', status });
        // The library changes when a recording starts (a new row, marked recording) and when it
        // ends (complete, failed): once per change of state, not on every commit's status.
        if (status.state !== this.recordingState && status.sessionId !== null) this.push({ type: 'sessions:library', sessionId: status.sessionId });
        if (this.recordingState === 'recording' && status.state !== 'recording' && status.sessionId !== null) this.justRecorded = { sessionId: status.sessionId, startTime: status.startTime ?? -Infinity, endTime: opts.clock.now() };
        this.recordingState = status.state;
      },
      log: (level, message) => opts.log?.(level, message),
    });
  }

  /**
   * The job that runs a model over a recorded session, made on first use (its code, the pipeline and
   * the model registry, is loaded then: `heartmind record` and a core that never runs one load none of it).
   */
  private async requirePredict(): Promise<PredictJob> {
    const dataDir = this.opts.dataDir;
    if (dataDir === undefined) throw new DbError('Invalid', 'running a model over a session needs the profile folder (its models)');
    if (!this.predict) {
      const { PredictJob } = await import('./predict-job');
      this.predict ??= new PredictJob({
        db: this.opts.db,
        dataDir,
        push: (status) => this.push({ type: 'sessions:predict', status }),
        // As live predictions are pushed: an open Predictions detail adds them as they are stored.
        stored: (sessionId, predictions) => this.push({ type: 'sessions:predictions', sessionId, predictions: [...predictions] }),
        log: (level, message) => this.opts.log?.(level, message),
      });
    }
    return this.predict;
  }

  /** The installed models for a run over a session, each with why it cannot run (null: it can). */
  async predictModels(sessionId: number): Promise<PredictModelChoice[]> {
    return (await this.requirePredict()).models(sessionId);
  }

  /** Runs a model over every window of a recorded session (as `heartmind sessions predict`); answers once it has started. */
  async startPredict(sessionId: number, modelId: string): Promise<PredictJobStatus> {
    return (await this.requirePredict()).start(sessionId, modelId);
  }

  async stopPredict(): Promise<PredictJobStatus> {
    return (await this.requirePredict()).stop();
  }

  async predictStatus(): Promise<PredictJobStatus> {
    return (await this.requirePredict()).status();
  }

  get db(): DbClient {
    return this.opts.db;
  }

  private push(msg: SessionPush): void {
    this.opts.push?.(msg);
  }

  // --- library -----------------------------------------------------------------------------

  list(query: SessionQuery = {}): Promise<SessionSummary[]> {
    return this.opts.db.api.listSessions(query);
  }

  get(sessionId: number): Promise<SessionDetail> {
    return this.opts.db.api.getSession(sessionId);
  }

  timeline(sessionId: number): Promise<SessionTimeline> {
    return this.opts.db.api.getTimeline(sessionId);
  }

  tags(): Promise<{ tag: string; sessions: number }[]> {
    return this.opts.db.api.listTags();
  }

  async update(sessionId: number, update: SessionUpdate): Promise<SessionSummary> {
    const s = await this.opts.db.api.updateSession(sessionId, update);
    this.push({ type: 'sessions:library', sessionId });
    return s;
  }

  async delete(sessionId: number): Promise<DeleteResult> {
    if (this.recorder.sessionId === sessionId) throw new DbError('Invalid', `session ${sessionId} is being recorded; stop the recording first`);
    const run = this.predict?.running() ? this.predict.status() : null;
    if (run?.sessionId === sessionId) throw new DbError('Invalid', `${run.modelId} is running over session ${sessionId}: stop it first (Stop under the session's predictions)`);
    if (this.replay && this.replay.replayStatus().sessionId === sessionId) await this.closeReplay();
    const res = await this.opts.db.api.deleteSession(sessionId);
    this.push({ type: 'sessions:library', sessionId });
    return res;
  }

  dbInfo(): Promise<DbInfo> {
    return this.opts.db.api.dbInfo();
  }

  // --- recording, markers, self-reports -------------------------------------------------------

  startRecording(options: RecordingOptions = {}): Promise<RecordingStatus> {
    if (this.replay) throw new DbError('Invalid', 'a replay is open: close it before recording (a recording takes live devices only)');
    return this.recorder.start(options);
  }

  stopRecording(): Promise<RecordingStatus> {
    return this.recorder.stop();
  }

  recordingStatus(): RecordingStatus {
    return this.recorder.status();
  }

  /** A marker on the shared clock: stored in the given session or the recording in progress, pushed live either way. */
  async marker(req: Omit<MarkerRequest, 'source'> & { source?: MarkerSource }): Promise<MarkerResult> {
    const label = typeof req.label === 'string' ? req.label.trim() : '';
    if (!label) throw new DbError('Invalid', 'a marker needs a label');
    const time = req.time ?? this.opts.clock.now();
    const source = req.source ?? 'request';
    const duration = req.duration ?? 0;
    const durationProblem = markerDurationProblem(duration);
    if (durationProblem) throw new DbError('Invalid', durationProblem);
    const sessionId = req.sessionId ?? this.recorder.sessionId;
    await this.checkEventTime('marker time', time, sessionId);
    const marker = sessionId === null ? null : await this.recorder.markers.add(sessionId, { label, time, duration, source });
    this.push({
      type: 'sessions:marker',
      marker: marker ?? { id: null, sessionId: null, time, duration, label, source },
    });
    return { marker, time };
  }

  async selfReport(req: SelfReportRequest): Promise<SelfReport> {
    const sessionId = req.sessionId ?? this.recorder.sessionId;
    if (sessionId === null) throw new DbError('Invalid', 'no session is recording; a self-report needs a session');
    const time = req.time ?? this.opts.clock.now() - (req.agoS ?? 0);
    await this.checkEventTime('self-report time', time, sessionId);
    const report = await this.opts.db.api.addSelfReport(sessionId, {
      valence: req.valence,
      arousal: req.arousal,
      dominance: req.dominance,
      text: req.text,
      time,
    });
    this.push({ type: 'sessions:self-report', report });
    return report;
  }

  /**
   * Refuses an event time far from where it can belong (event-time.ts): outside the session's span
   * (to now while it records) by more than EVENT_TIME_MARGIN_S, or, with no session, more than
   * EVENT_CLOCK_REACH_S from the host clock (the marker is only pushed live then).
   */
  private async checkEventTime(what: string, time: number, sessionId: number | null): Promise<void> {
    const now = this.opts.clock.now();
    let problem: string | null;
    if (sessionId === null) {
      const span = clockEventSpan(now);
      problem = eventTimeProblem(what, time, span.lo, span.hi, span.where);
    } else {
      const rec = this.recorder.status();
      let start: number;
      let end: number;
      if (this.recorder.sessionId === sessionId && rec.startTime !== null) [start, end] = [rec.startTime, now];
      else {
        const s = await this.opts.db.api.getSummary(sessionId);
        [start, end] = [s.startTime, s.state === 'recording' ? Math.max(s.endTime, now) : s.endTime];
      }
      const span = sessionEventSpan(sessionId, start, end, EVENT_TIME_MARGIN_S);
      problem = eventTimeProblem(what, time, span.lo, span.hi, span.where, start);
    }
    if (problem) throw new DbError('Invalid', problem);
  }

  /**
   * Model outputs for live windows: stored in the session being recorded, or in the session being
   * replayed (only the windows the page's model keeps up with: Run model and `sessions predict`
   * answer them all). The page sends them about once a second, after the model has run: those of
   * windows that began before a recording stopped and arrive within LATE_PREDICTION_S of the stop
   * still go into it.
   */
  async storePredictions(rows: NewPrediction[]): Promise<number> {
    const now = this.opts.clock.now();
    const into: { sessionId: number; rows: NewPrediction[] }[] = [];
    let rest = rows;
    const take = (sessionId: number, belongs: (r: NewPrediction) => boolean) => {
      const picked = rest.filter(belongs);
      rest = rest.filter((r) => !belongs(r));
      if (picked.length) into.push({ sessionId, rows: picked });
    };
    // A window may begin up to its length before its session (one cut from the pipeline the recorder
    // snapshotted at Record, or that began before Record live).
    const lengthSec = this.opts.hub.pipelineConfig?.().window.lengthSec ?? 0;
    const within = (s: { startTime: number; endTime: number }) => (r: NewPrediction) => r.windowTime >= s.startTime - lengthSec && r.windowTime <= s.endTime;
    const last = this.justRecorded && now - this.justRecorded.endTime <= LATE_PREDICTION_S ? this.justRecorded : null;
    // (Only the recording's own windows: a replay opened right after Stop stored its first answers there.)
    if (last) take(last.sessionId, (r) => r.windowTime < last.endTime && r.windowTime >= last.startTime - lengthSec);
    if (this.recorder.sessionId !== null) take(this.recorder.sessionId, () => true);
    else {
      // A replay's rows go to the session whose windows they answer: the page sends them a second
      // late, and those of the last windows of a replay just closed, or replaced by the next session's
      // (Replay on another row), were stored in that next session, at times outside its span.
      const open = this.replay?.replayStatus();
      if (open && open.sessionId !== null && open.startTime !== null && open.endTime !== null) take(open.sessionId, within({ startTime: open.startTime, endTime: open.endTime }));
      const closed = this.justReplayed && now - this.justReplayed.closedAt <= LATE_PREDICTION_S ? this.justReplayed : null;
      if (closed) take(closed.sessionId, within(closed));
    }
    let stored = 0;
    // Pushed once stored, to the session they went into: an open Predictions detail follows a
    // recording (or a replay run through a model) without reading all its rows again.
    for (const { sessionId, rows: batch } of into) {
      stored += await this.opts.db.api.addPredictions(sessionId, batch);
      this.push({ type: 'sessions:predictions', sessionId, predictions: batch });
    }
    return stored;
  }

  // --- replay -----------------------------------------------------------------------------------

  /** Opens a session for replay through the hub; live devices are paused until it closes. */
  async openReplay(req: ReplayOpenRequest): Promise<ReplayStatus> {
    if (this.recorder.sessionId !== null) throw new DbError('Invalid', 'a recording is in progress: stop it before replaying');
    const speed = checkReplaySpeed(req.speed ?? 1);
    const { hub } = this.opts;
    // A replay replacing another: the live devices stay parked, the live settings stay kept.
    if (this.replay) await this.endReplay();
    else {
      // The replay runs alone through the pipeline (its host times lie in the past; live data would
      // move the window frontier past them), under the settings it was recorded with (it applies
      // them); the live devices and settings come back when it closes.
      this.parkedSources = await parkLiveSources(hub);
      this.parkedConfig = hub.pipelineConfig?.() ?? null;
    }
    const replay = new ReplaySource({
      db: this.opts.db,
      sessionId: req.sessionId,
      speed,
      preRollS: this.opts.seekPreRollS,
      // Exact seeks: the replay restores the recording's pipeline snapshots into the hub.
      hub: this.opts.hub,
      log: (level, message) => this.opts.log?.(level, message),
      onStatus: (status) => this.push({ type: 'sessions:replay', status }),
      onMarker: (m) => this.push({ type: 'sessions:marker', marker: m }),
      onSelfReport: (report) => this.push({ type: 'sessions:self-report', report }),
    });
    this.replay = replay;
    try {
      await hub.addSource(replay);
      if (replay.replayStatus().state === 'closed') {
        // The hub took the failed start as the replay's status and said why in the log ('Replay of
        // session 9 could not start: getSession: no session 9'): the request gives the same reason
        // (it said only 'could not be opened') and is not logged again.
        const why = hub.devices().find((d) => d.deviceId === replay.deviceId)?.problem?.message;
        throw markLogged(new DbError('Invalid', `session ${req.sessionId} could not be opened for replay${why ? ` (${why})` : ''}`));
      }
      if (req.from !== undefined) await replay.seek(req.from);
      if (req.play !== false) replay.play();
    } catch (err) {
      await this.closeReplay();
      throw err;
    }
    this.opts.log?.('info', `replaying session ${req.sessionId} at ${speed === 'max' ? 'full speed' : `${speed}×`}`);
    return replay.replayStatus();
  }

  private requireReplay(): ReplaySource {
    if (!this.replay) throw new DbError('Invalid', 'no replay is open');
    return this.replay;
  }

  play(): ReplayStatus {
    return this.requireReplay().play();
  }

  pause(): ReplayStatus {
    return this.requireReplay().pause();
  }

  setSpeed(speed: ReplaySpeed): ReplayStatus {
    return this.requireReplay().setSpeed(speed);
  }

  seek(time: number): Promise<ReplayStatus> {
    return this.requireReplay().seek(time);
  }

  replayStatus(): ReplayStatus {
    return this.replay?.replayStatus() ?? { ...CLOSED_REPLAY };
  }

  /** The open replay (for offline processing: await its end). */
  currentReplay(): ReplaySource | null {
    return this.replay;
  }

  /**
   * Closes the replay and puts back the devices that were live before it, in the background: the
   * close never waits for a device to reconnect (`restoring` settles when they have started).
   */
  async closeReplay(opts: { restartLive?: boolean } = {}): Promise<ReplayStatus> {
    if (!this.replay) return { ...CLOSED_REPLAY };
    await this.endReplay();
    const { hub } = this.opts;
    const parked = this.parkedSources;
    this.parkedSources = [];
    const parkedConfig = this.parkedConfig;
    if (parkedConfig && hub.setPipelineConfig && hub.pipelineConfig && configHash(hub.pipelineConfig()) !== configHash(parkedConfig)) hub.setPipelineConfig(parkedConfig);
    this.parkedConfig = null;
    if (opts.restartLive !== false) this.restoring = restoreParkedSources(hub, parked, (level, message) => this.opts.log?.(level, message));
    const status = { ...CLOSED_REPLAY };
    this.push({ type: 'sessions:replay', status });
    return status;
  }

  /** Takes the replay off the hub (the parked live devices stay parked). */
  private async endReplay(): Promise<void> {
    const replay = this.replay;
    if (!replay) return;
    this.replay = null;
    const { sessionId, startTime, endTime } = replay.replayStatus();
    if (sessionId !== null && startTime !== null && endTime !== null) this.justReplayed = { sessionId, startTime, endTime, closedAt: this.opts.clock.now() };
    const { hub } = this.opts;
    if (hub.sources().includes(replay)) await hub.removeSource(replay.deviceId);
    else await replay.stop();
  }

  // --- files --------------------------------------------------------------------------------------

  async importFile(req: ImportRequest): Promise<ImportResult> {
    req = { ...req, path: typedPath(req.path) };
    const summary = await importRecordingFile(this.opts.db, req, { appVersion: this.opts.appVersion, now: this.opts.clock.now() });
    this.opts.log?.('info', `imported ${req.path} as session ${summary.id} (${summary.sampleCount} values, ${summary.markerCount} markers)`);
    this.push({ type: 'sessions:library', sessionId: summary.id });
    return summary;
  }

  /** Writes a session (or a time range) to EDF+/BDF/CSV, its predictions beside it; runs in the DB worker. */
  async exportSession(req: ExportRequest): Promise<ExportResult> {
    const modelTasks = await exportModelTasks(this.opts.db, req.sessionId, this.opts.dataDir);
    return this.opts.db.api.exportSession({ ...req, path: typedPath(req.path), modelTasks });
  }

  /** Stops recording (committing what is buffered) and replay; the caller closes the database. */
  async close(): Promise<void> {
    await this.recorder.stop();
    // A marker put in another session (a replay's) still waiting for its write is stored before the database closes.
    await this.recorder.markers.flush();
    // Shutting down: nothing is restarted. A model's run stops after its window (what it stored kept).
    await this.closeReplay({ restartLive: false });
    this.predict?.stop();
    await this.predict?.done;
  }
}
