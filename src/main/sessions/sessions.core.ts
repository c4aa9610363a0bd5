// The sessions area of the core: opens the profile's recordings database (through its worker),
// registers the 'hm:sessions:*' request handlers, forwards recording/replay/marker pushes, and
// runs the marker endpoint (UDP + WebSocket) for stimulus software.
import { brainflowBoardNames, brainflowBoardOptions } from '../../shared/formats/brainflow-csv';
import { MAX_MARKER_LABEL_CHARS, REPLAY_SPEEDS, SAM_MAX, SAM_MIN } from '../../shared/session.types';
import type { CoreContext, CoreModule } from '../core/core.types';
import { APP_VERSION } from '../core/start-core';
import { check, type RequestValidator } from '../core/handler-registry';
import { dataDirHint, prepareDataDir } from '../core/data-dir';
import { DbClient, databasePathFor } from '../db/db-client';
import { DbError, READONLY_STILL_WORKS, describeReadonlyRefusal, readonlyReason } from '../db/db-error';
import { electronNativeBinding } from '../core/native-binding';
import { DEFAULT_MARKER_PORT, MARKER_ORIGINS_ENV, MarkerServer, type MarkerRefusal } from '../markers/marker-server';
import { EVENT_CLOCK_REACH_S, markerDurationProblem } from '../../shared/event-time';
import { SessionsService } from './sessions-service';

export interface SessionsAreaOptions {
  /** Database file; default <dataDir>/recordings.sqlite. */
  dbPath?: string;
  /** Marker endpoint port; null turns it off. Default HEARTMIND_MARKER_PORT or 7420. */
  markerPort?: number | null;
  /** '127.0.0.1' unless HEARTMIND_MARKER_HOST says otherwise (e.g. 0.0.0.0 for a stimulus PC on the lab network). */
  markerHost?: string;
  appVersion?: string;
  /** Open the library read-only (a copy on a share): listed, replayed and exported, never written. */
  readonly?: boolean;
  /**
   * `heartmind record`: no page and no keys, so the marker endpoint is the only way a marker reaches
   * this core; a warning that it did not start says so (not "the M key, the SAM panel").
   */
  endpointOnly?: boolean;
  /**
   * `heartmind record`: the library is there to be written. One that cannot be (its data folder or
   * database not created, or opened read-only) stops the area before the marker endpoint starts,
   * without the read-only warning, and its message leaves out LIBRARY_OFF (record has no live view).
   */
  mustWrite?: boolean;
}

/** What still works when the library cannot be opened (said in every such message). */
const LIBRARY_OFF = 'Recording and the session library are off; the live view and devices still work.';

/** What a `heartmind record` without its marker endpoint means (it has no page, no M key, no SAM panel). */
const RECORD_WITHOUT_ENDPOINT = 'this recording stores no markers (`heartmind record` takes them through the endpoint only)';

/**
 * The marker endpoint's port from HEARTMIND_MARKER_PORT: unset → 7420, 'off' → null. A value that
 * is not a port is refused, never replaced by a guess (as serve refuses a bad HEARTMIND_PORT): the
 * endpoint stays off and `problem` says why, for the log.
 */
export function markerPortFromEnv(v: string | undefined = process.env.HEARTMIND_MARKER_PORT, endpointOnly = false): { port: number | null; problem?: string } {
  if (v === undefined || v.trim() === '') return { port: DEFAULT_MARKER_PORT };
  if (v.trim().toLowerCase() === 'off') return { port: null };
  const n = Number(v);
  if (/^\s*\d+\s*$/.test(v) && n < 65536) return { port: n };
  return { port: null, problem: `HEARTMIND_MARKER_PORT=${JSON.stringify(v)} is not a port (0–65535, or 'off'): the marker endpoint is not started; ${endpointOnly ? RECORD_WITHOUT_ENDPOINT : 'markers still work through requests'}` };
}

/** The log line when the marker endpoint cannot listen; `endpointOnly`: the core of `heartmind record` (see SessionsAreaOptions). */
export function markerEndpointProblem(port: number, err: unknown, endpointOnly = false): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EADDRINUSE') {
    if (endpointOnly) {
      return `marker endpoint not started: port ${port} is taken by another program (another HeartMind: the app, \`heartmind serve\` or another \`heartmind record\`?), so stimulus software sending to port ${port} reaches that one, and ${RECORD_WITHOUT_ENDPOINT}. Close it and record again, or record on a free port (HEARTMIND_MARKER_PORT=<port> heartmind record …) and send there`;
    }
    return `marker endpoint not started: port ${port} is taken by another program (another HeartMind, or the app while \`heartmind record\` runs?), so stimulus software sending to port ${port} reaches that one, not this. Close it, or give this one a free port with HEARTMIND_MARKER_PORT (and send there); markers still work through requests (the M key, the SAM panel)`;
  }
  return `marker endpoint not started on port ${port}: ${e?.message ?? String(err)}; ${endpointOnly ? RECORD_WITHOUT_ENDPOINT : 'markers still work through requests (the M key, the SAM panel)'}`;
}

const sessionRef: RequestValidator = check.allOf(check.object, (req) => {
  const id = (req as { sessionId?: unknown }).sessionId;
  return Number.isSafeInteger(id) && (id as number) > 0 ? null : 'sessionId must be a positive integer';
});
const optionalObject: RequestValidator = (req) => (req === undefined || req === null ? null : check.object(req));
const finiteOrAbsent = (key: string): RequestValidator => (req) => {
  const v = (req as Record<string, unknown>)[key];
  return v === undefined || (typeof v === 'number' && Number.isFinite(v)) ? null : `${key} must be a number`;
};
/** A marker's duration: absent, or 0 to MAX_MARKER_DURATION_S seconds. (Times are checked against their session by the service.) */
const durationOk: RequestValidator = (req) => {
  const v = (req as { duration?: unknown }).duration;
  return v === undefined ? null : markerDurationProblem(v);
};
const speedOk = (key: string, required: boolean): RequestValidator => (req) => {
  const v = (req as Record<string, unknown>)[key];
  if (v === undefined && !required) return null;
  return v === 'max' || (typeof v === 'number' && v >= (REPLAY_SPEEDS[0] as number) && v <= 16) ? null : `${key} must be 0.25–16 or 'max'`;
};
const agoOk: RequestValidator = (req) => {
  const v = (req as { agoS?: unknown }).agoS;
  return v === undefined || (typeof v === 'number' && v >= 0 && v <= EVENT_CLOCK_REACH_S) ? null : `agoS must be 0 to ${EVENT_CLOCK_REACH_S} seconds`;
};
const samOk: RequestValidator = (req) => {
  for (const k of ['valence', 'arousal', 'dominance']) {
    const v = (req as Record<string, unknown>)[k];
    if (!Number.isInteger(v) || (v as number) < SAM_MIN || (v as number) > SAM_MAX) return `${k} must be a whole number from ${SAM_MIN} to ${SAM_MAX}`;
  }
  return null;
};
/** An import's BrainFlow board: absent, empty (read the board from the column count), or one of BrainFlow's names. */
const boardOk: RequestValidator = (req) => {
  const v = (req as { board?: unknown }).board;
  if (v === undefined || v === '') return null;
  return typeof v === 'string' && brainflowBoardOptions(v) ? null : `board must be a BrainFlow board name (${brainflowBoardNames().join(', ')})`;
};

export interface SessionsArea {
  service: SessionsService;
  /** The marker endpoint's port (UDP and WebSocket), or null when it is off or did not start. */
  markerPort: number | null;
}

export async function startSessionsArea(ctx: CoreContext, opts: SessionsAreaOptions = {}): Promise<SessionsArea> {
  const path = opts.dbPath ?? databasePathFor(ctx.dataDir);
  const off = opts.mustWrite ? '' : ` ${LIBRARY_OFF}`;
  if (opts.dbPath === undefined) {
    const problem = prepareDataDir(ctx.dataDir);
    if (problem) throw new DbError('CantOpen', `${problem[0].toUpperCase()}${problem.slice(1)}.${off} To record, ${dataDirHint(ctx.runtime)}.`);
  }
  let db: DbClient;
  try {
    db = await DbClient.open({
      path,
      readonly: opts.readonly,
      nativeBinding: electronNativeBinding('better-sqlite3'),
      onLog: (e) => ctx.log(e.level, e.source, e.message),
    });
  } catch (err) {
    if (!(err instanceof DbError)) throw err;
    throw new DbError(err.kind, `${err.message}${/[.!?]$/.test(err.message) ? '' : '.'}${off}`, { cause: err });
  }
  if (db.info.readonly && opts.mustWrite) {
    await db.close();
    throw new DbError('Readonly', describeReadonlyRefusal(path, 'createSession', opts.readonly === true));
  }
  if (db.info.readonly) {
    const reason = readonlyReason(opts.readonly === true);
    ctx.log('warn', 'sessions', `the recordings database ${path} is read-only (${reason}): recording, editing, importing and deleting are off. ${READONLY_STILL_WORKS}`);
  } else ctx.log('info', 'sessions', `recordings database ${path}`);
  const service = new SessionsService({
    db,
    hub: ctx.hub,
    clock: ctx.clock,
    appVersion: opts.appVersion ?? APP_VERSION,
    dataDir: ctx.dataDir,
    push: (msg) => ctx.push(msg),
    log: (level, message) => ctx.log(level, 'sessions', message),
  });
  ctx.onStop(async () => {
    await service.close();
    await db.close();
  });

  // Live predictions (models area) go into the session being recorded or replayed.
  const { registerPredictionSink, predictionRow } = await import('../model/models.core');
  ctx.onStop(registerPredictionSink((reports) => service.storePredictions(reports.map(predictionRow))));

  ctx.handle('hm:sessions:list', (q) => service.list(q ?? {}), { validate: optionalObject });
  ctx.handle('hm:sessions:get', ({ sessionId }) => service.get(sessionId), { validate: sessionRef });
  ctx.handle('hm:sessions:timeline', ({ sessionId }) => service.timeline(sessionId), { validate: sessionRef });
  ctx.handle('hm:sessions:tags', () => service.tags());
  ctx.handle('hm:sessions:predictions', ({ sessionId, modelId }) => db.api.listPredictions(sessionId, modelId), { validate: sessionRef });
  ctx.handle('hm:sessions:update', ({ sessionId, ...update }) => service.update(sessionId, update), { validate: sessionRef });
  ctx.handle('hm:sessions:delete', ({ sessionId }) => service.delete(sessionId), { validate: sessionRef });
  ctx.handle('hm:sessions:db-info', () => service.dbInfo());

  ctx.handle('hm:sessions:record-start', (o) => service.startRecording(o ?? {}), { validate: optionalObject });
  ctx.handle('hm:sessions:record-stop', () => service.stopRecording());
  ctx.handle('hm:sessions:record-status', () => service.recordingStatus());
  ctx.handle('hm:sessions:marker', (req) => service.marker(req), {
    validate: check.allOf(check.object, check.string('label', { maxLength: MAX_MARKER_LABEL_CHARS }), finiteOrAbsent('time'), durationOk),
  });
  ctx.handle('hm:sessions:self-report', (req) => service.selfReport(req), { validate: check.allOf(check.object, samOk, finiteOrAbsent('time'), agoOk) });

  ctx.handle('hm:sessions:replay-open', (req) => service.openReplay(req), { validate: check.allOf(sessionRef, speedOk('speed', false), finiteOrAbsent('from')) });
  ctx.handle('hm:sessions:replay-play', () => service.play());
  ctx.handle('hm:sessions:replay-pause', () => service.pause());
  ctx.handle('hm:sessions:replay-speed', ({ speed }) => service.setSpeed(speed), { validate: check.allOf(check.object, speedOk('speed', true)) });
  ctx.handle('hm:sessions:replay-seek', ({ time }) => service.seek(time), {
    validate: check.allOf(check.object, (r) => (typeof (r as { time?: unknown }).time === 'number' && Number.isFinite((r as { time: number }).time) ? null : 'time must be a number')),
  });
  ctx.handle('hm:sessions:replay-close', () => service.closeReplay());
  ctx.handle('hm:sessions:replay-status', () => service.replayStatus());

  ctx.handle('hm:sessions:import', (req) => service.importFile(req), { validate: check.allOf(check.object, check.string('path', { maxLength: 4096 }), boardOk) });

  ctx.handle('hm:sessions:export', (req) => service.exportSession(req), {
    validate: check.allOf(
      sessionRef,
      check.string('path', { maxLength: 4096 }),
      finiteOrAbsent('fromTime'),
      finiteOrAbsent('toTime'),
      (r) => (['edf', 'bdf', 'csv'].includes((r as { format?: string }).format ?? '') ? null : "format must be 'edf', 'bdf' or 'csv'"),
      (r) => (['undefined', 'boolean'].includes(typeof (r as { discontinuous?: unknown }).discontinuous) ? null : 'discontinuous must be true or false'),
    ),
  });

  ctx.handle('hm:sessions:predict-models', ({ sessionId }) => service.predictModels(sessionId), { validate: sessionRef });
  ctx.handle('hm:sessions:predict-start', ({ sessionId, modelId }) => service.startPredict(sessionId, modelId), { validate: check.allOf(sessionRef, check.string('modelId', { maxLength: 200 })) });
  ctx.handle('hm:sessions:predict-stop', () => service.stopPredict());
  ctx.handle('hm:sessions:predict-status', () => service.predictStatus());

  const fromEnv = opts.markerPort === undefined ? markerPortFromEnv(undefined, opts.endpointOnly) : { port: opts.markerPort };
  if (fromEnv.problem) ctx.log('warn', 'markers', fromEnv.problem);
  const port = fromEnv.port;
  let markerPort: number | null = null;
  if (port !== null) {
    const refusals = refusalPusher((r) => ctx.push({ type: 'sessions:marker-refused', ...r }));
    ctx.onStop(() => refusals.stop());
    const markers = new MarkerServer({
      clock: ctx.clock,
      port,
      host: opts.markerHost ?? process.env.HEARTMIND_MARKER_HOST ?? '127.0.0.1',
      onMarker: async (m) => (await service.marker({ label: m.label, time: m.time, duration: m.duration, source: m.source })).marker !== null,
      log: (level, message) => ctx.log(level, 'markers', message),
      onRefused: (r) => refusals.add(r),
      // serve and record take --marker-origin; the app has only the variable.
      originsHint: ctx.runtime === 'serve' ? `--marker-origin or ${MARKER_ORIGINS_ENV}` : MARKER_ORIGINS_ENV,
    });
    try {
      await markers.start();
      markerPort = markers.port;
      ctx.onStop(() => markers.stop());
    } catch (err) {
      // Another HeartMind (or program) holds the port: markers still work through requests (not in
      // `heartmind record`, which has none). Said
      // with what it means: stimulus software sending to that port reaches the other program, and
      // `heartmind record` beside an open app recorded none of them ("EADDRINUSE" alone).
      ctx.log('warn', 'markers', markerEndpointProblem(port, err, opts.endpointOnly));
    }
  }
  return { service, markerPort };
}

/** Pushes of refused markers: the first at once, then those of each following REFUSAL_PUSH_MS as one (a sender stuck on one mistake at 100/s re-rendered every page's record bar 100 times a second). */
export const REFUSAL_PUSH_MS = 250;

export function refusalPusher(push: (r: MarkerRefusal & { count: number }) => void): { add(r: MarkerRefusal): void; stop(): void } {
  let pending: (MarkerRefusal & { count: number }) | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    if (!pending) return;
    push(pending);
    pending = null;
    timer = setTimeout(flush, REFUSAL_PUSH_MS);
  };
  return {
    add(r) {
      pending = { ...r, count: (pending?.count ?? 0) + (r.count ?? 1) };
      if (!timer) flush();
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}

export const sessionsModule: CoreModule = {
  start: async (ctx) => {
    await startSessionsArea(ctx);
  },
};
