// Channels and pushes of recording, replay and the session library (issue 4).
import type {
  DbInfo,
  DeleteResult,
  ExportRequest,
  ExportResult,
  ImportRequest,
  ImportResult,
  Marker,
  MarkerSource,
  Prediction,
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
} from '../session.types';

export interface SessionRef {
  sessionId: number;
}

export interface MarkerRequest {
  label: string;
  /** Host time (s); defaults to the moment the core receives it. */
  time?: number;
  duration?: number;
  /** Defaults to 'request'; the dashboard's shortcut sends 'keyboard'. */
  source?: Extract<MarkerSource, 'keyboard' | 'request' | 'websocket' | 'api'>;
  /** Put it in this session (e.g. while reviewing a replay); defaults to the recording in progress. */
  sessionId?: number;
}

export interface MarkerResult {
  /** The stored marker, or null when no session was recording (the marker is still pushed live). */
  marker: Marker | null;
  time: number;
}

export interface SelfReportRequest {
  valence: number;
  arousal: number;
  dominance: number;
  text?: string;
  /** Host time (s) the report was given; defaults to when the core receives it. */
  time?: number;
  /**
   * Or: how long before the core receives it the report was given (s, ≥ 0), timed on the page's
   * own clock, so a page whose clock is not the core's (a participant's tablet on the lab network)
   * still places it right. Ignored when `time` is given.
   */
  agoS?: number;
  sessionId?: number;
}

export interface ReplayOpenRequest extends SessionRef {
  speed?: ReplaySpeed;
  /** Start playing at once (default true). */
  play?: boolean;
  /** Host time (s) to start from (default: the session's start). */
  from?: number;
}

/** What a run of a model over a session did (`heartmind sessions predict --json`, the library's Run model). */
export interface PredictResult {
  sessionId: number;
  modelId: string;
  /** Windows the pipeline cut from the session. */
  windows: number;
  /** Rows stored: windows the model answered. */
  stored: number;
  /** Windows the model could not read (neither modality present, …), per reason. */
  skipped: Record<string, number>;
  /** Rows of this model stored before at window times this run did not cut, removed (0 when stopped). */
  removed: number;
  /** Stopped before the end: the rows after the last stored window are the older ones. */
  stopped: boolean;
  /** The window length and hop the session's recorded settings cut (s). */
  windowSec: number;
  hopSec: number;
}

/** An installed model offered to run over a session: `refusal` says why it cannot (null: it can). */
export interface PredictModelChoice {
  id: string;
  name: string;
  source: 'builtin' | 'user';
  /** The model chosen in Models (the one `heartmind sessions predict` runs without --model). */
  active: boolean;
  refusal: string | null;
}

/**
 * The core's run of a model over a recorded session (one at a time). loading: the model is being
 * opened; running; stopping: Stop asked, the window being answered finishes; then done, stopped or
 * failed (`error`), which stay until the next run starts.
 */
export interface PredictJobStatus {
  state: 'idle' | 'loading' | 'running' | 'stopping' | 'done' | 'stopped' | 'failed';
  sessionId: number | null;
  modelId: string | null;
  /** Windows cut so far, and of them answered. */
  windows: number;
  answered: number;
  /** Windows the session gives at its recorded window and hop if it has no gap (the progress bar's end). */
  expectedWindows: number;
  /** Seconds into the session of the last window cut, of the session's length. */
  atS: number;
  durationS: number;
  /** Seconds since the run started, and the estimate of those still to come (null until a window is cut). */
  elapsedS: number;
  etaS: number | null;
  error: string | null;
  result: PredictResult | null;
}

export interface SessionRequests {
  'hm:sessions:list': { req: SessionQuery; res: SessionSummary[] };
  'hm:sessions:get': { req: SessionRef; res: SessionDetail };
  'hm:sessions:timeline': { req: SessionRef; res: SessionTimeline };
  'hm:sessions:tags': { req: void; res: { tag: string; sessions: number }[] };
  /** Model outputs stored with a session (live, or from replaying it through a model). */
  'hm:sessions:predictions': { req: SessionRef & { modelId?: string }; res: Prediction[] };
  /** Rename, retag, change subject or notes. */
  'hm:sessions:update': { req: SessionRef & SessionUpdate; res: SessionSummary };
  /** The UI asks for confirmation first; this deletes at once. */
  'hm:sessions:delete': { req: SessionRef; res: DeleteResult };
  'hm:sessions:db-info': { req: void; res: DbInfo };

  'hm:sessions:record-start': { req: RecordingOptions; res: RecordingStatus };
  'hm:sessions:record-stop': { req: void; res: RecordingStatus };
  'hm:sessions:record-status': { req: void; res: RecordingStatus };
  'hm:sessions:marker': { req: MarkerRequest; res: MarkerResult };
  'hm:sessions:self-report': { req: SelfReportRequest; res: SelfReport };

  'hm:sessions:replay-open': { req: ReplayOpenRequest; res: ReplayStatus };
  'hm:sessions:replay-play': { req: void; res: ReplayStatus };
  'hm:sessions:replay-pause': { req: void; res: ReplayStatus };
  'hm:sessions:replay-speed': { req: { speed: ReplaySpeed }; res: ReplayStatus };
  /** Host time (s) inside the session. */
  'hm:sessions:replay-seek': { req: { time: number }; res: ReplayStatus };
  'hm:sessions:replay-close': { req: void; res: ReplayStatus };
  'hm:sessions:replay-status': { req: void; res: ReplayStatus };

  'hm:sessions:import': { req: ImportRequest; res: ImportResult };
  'hm:sessions:export': { req: ExportRequest; res: ExportResult };

  /** The installed models, each with why it cannot run over this session (its contract, a problem), or null. */
  'hm:sessions:predict-models': { req: SessionRef; res: PredictModelChoice[] };
  /**
   * Runs a model over every window of a recorded session in the core, storing its predictions (a
   * rerun replaces the model's rows), as `heartmind sessions predict` does. Answers once the run has
   * started; progress comes as 'sessions:predict' pushes. Refused while another run is under way or
   * the session is being recorded, and for a model that does not fit the session.
   */
  'hm:sessions:predict-start': { req: SessionRef & { modelId: string }; res: PredictJobStatus };
  /** Stops the run after the window being answered, keeping what was stored. */
  'hm:sessions:predict-stop': { req: void; res: PredictJobStatus };
  'hm:sessions:predict-status': { req: void; res: PredictJobStatus };
}

export type SessionPush =
  | { type: 'sessions:recording'; status: RecordingStatus }
  | { type: 'sessions:replay'; status: ReplayStatus }
  /** A marker as it is set (live or replayed); id and sessionId are null when nothing was recording. */
  | { type: 'sessions:marker'; marker: Omit<Marker, 'id' | 'sessionId'> & { id: number | null; sessionId: number | null } }
  | { type: 'sessions:self-report'; report: SelfReport }
  /**
   * Markers from stimulus software (the marker endpoint) refused, and why the last was: its sender
   * alone was told. `count` of them since the last such push (at most 4 a second).
   */
  | { type: 'sessions:marker-refused'; source: 'udp' | 'websocket'; error: string; count: number }
  /**
   * Model outputs just stored in a session (one row per model and window; a row for a window already
   * held replaces it): an open Predictions detail adds them, rather than reading every row again.
   */
  | { type: 'sessions:predictions'; sessionId: number; predictions: Omit<Prediction, 'id' | 'sessionId'>[] }
  /** A run of a model over a session: its progress (at most 4 a second) and its end. */
  | { type: 'sessions:predict'; status: PredictJobStatus }
  /** The library changed (a session added, renamed, deleted, finished). */
  | { type: 'sessions:library'; sessionId: number };
