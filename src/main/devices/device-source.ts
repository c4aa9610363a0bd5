// A real device as a Source: drives the pure connection state machine with a DeviceDriver, keeps
// each stream's device time continuous across reconnects, marks the holes a drop leaves (gap with
// reason 'device-dropped') and turns every failure into a named DeviceStatus. Nothing here knows a
// protocol; nothing here throws into the hub.
import type { DeviceProblem, DeviceProblemCode, DeviceStatus, Source, SourceSink } from '../../shared/device.types';
import { initialConnState, seedFromId, stepConnection, type StepResult } from '../../shared/devices/connection/connection-machine';
import { DEFAULT_RECONNECT_POLICY, type ConnEffect, type ConnError, type ConnEvent, type ConnState, type ReconnectPolicy } from '../../shared/devices/connection/connection.types';
import { DeviceError, asDeviceError } from '../../shared/devices/device-error';
import { DeviceTimeline } from '../../shared/devices/device-timeline';
import { MAX_BRIDGED_SHARE } from '../../shared/pipeline/windower';
import { MAX_RATE_ERROR } from '../../shared/pipeline/clock-model';
import type { LogEntry, LogLevel } from '../../shared/log.types';
import type { HostClock, StreamInfo } from '../../shared/stream.types';
import type { DeviceDriver, DriverContext, DriverSession } from './device-driver.types';

export interface ManagedSourceOptions {
  hostClock: HostClock;
  policy?: Partial<ReconnectPolicy>;
  /** How often the state machine is ticked for stalls and connect timeouts, ms. */
  tickMs?: number;
  /** Where log lines go besides the status (the device manager forwards them to the hub log). */
  log?: (entry: LogEntry) => void;
  /** Seed of the reconnect jitter. */
  seed?: number;
  /** When a connection's arrival rate is compared with the nominal one (see RATE_CHECK). */
  rateCheck?: { settleS: number; spanS: number };
}

/** The same problem code is reported to the panel at most this often. */
const PROBLEM_REPEAT_S = 1;
/**
 * The same problem code is logged (as info or warning) at most once per this many seconds; the
 * next line says how many were held back, in the hub's words for its own repeats. A text device
 * printing a malformed line among its good ones wrote a warning per read (~40 a second, 683 in
 * 16 s), each chunk's "1 malformed line(s) skipped", where the pipeline said the samples they cost
 * once per 10 s. The row shows the latest at most every PROBLEM_REPEAT_S.
 */
const PROBLEM_LOG_REPEAT_S = 10;
/**
 * Problems about some of the data (bytes skipped, samples lost, a refused optional command) are
 * cleared once the device has streamed this long without them again: the row showed "1 Daisy
 * half-sample(s) … dropped" from the first second of a connection for as long as it streamed
 * cleanly, as if it were still happening. Problems about the device's state (disconnected, a rate
 * that does not match) are cleared by the state or stay while they hold.
 */
const PROBLEM_CLEAR_S = 10;
const PASSING_PROBLEMS: ReadonlySet<DeviceProblemCode> = new Set(['bad-frame', 'packet-loss', 'non-finite-samples', 'device-error']);

/**
 * A connection's samples (delivered plus counted lost) are counted for `spanS` and compared with
 * the stream's nominal rate; a rate off by more than RATE_TOLERANCE is said. A text device set to
 * 250 Hz that prints at 200 Hz streamed without a word while no window was cut: the pipeline follows
 * a rate up to MAX_RATE_ERROR off nominal (the clock model's drift, the sample period), not 20 %; one
 * 9 % off it follows, but the setting is still wrong, and said. Crystals differ by ppm and
 * delivery bursts are tens of ms, so 10 s tells a wrong setting from jitter. The count starts
 * `settleS` after the first chunk: what the port buffered while it was closed (an Arduino prints
 * all the time) arrives at once at first and read as 271 Hz from a 250 Hz device.
 */
const RATE_CHECK = { settleS: 2, spanS: 10 };
/**
 * The rate is judged between two chunks, one from the first and one from the last this fraction of
 * the span: in each, the one that came least late for the nominal pace. Delivery only ever delays
 * a chunk (a busy event loop, a loaded machine, a USB poll), so the least late ones lie on the
 * device's own pace; two chunks taken as they come did not: a 200 Hz device whose count began with
 * a chunk held back 80 ms read as 211 Hz over a 1.5-s span on a loaded CI machine.
 */
const RATE_CHECK_EDGE = 0.25;
const RATE_TOLERANCE = 0.05;
/**
 * How long a connect waits for the last connection's close to finish before it opens anyway, and a
 * stop for an attempt still opening (which then closes what it opened). A serial close writes the
 * stop command (up to 2 s for a port that does not drain) before it closes the port: a reconnect
 * opened meanwhile (0.25 s after a stall) met the port still locked by us and took it for another
 * program's, which is then retried only every 12 s. Likewise a Connect after a stop that returned
 * while an attempt (a reconnect after a stall) was opening the port.
 */
const PREVIOUS_CLOSE_WAIT_MS = 5_000;
/**
 * Streams below this rate are not checked: a heart-rate strap's 1 Hz is one notification per
 * update, sent when the strap likes, and ±1 sample in 10 s would read as 10 % off.
 */
const RATE_CHECK_MIN_HZ = 10;
/** At least this many samples are counted before judging (one sample of jitter ≤ 1 %). */
const RATE_CHECK_MIN_SAMPLES = 100;
/**
 * Samples a device says it lost are a note (the row shows it as one; the log has the pipeline's info
 * line for it): the pipeline bridges a short loss or marks its gap, and the data go on. Past MAX_BRIDGED_SHARE of a
 * stream's samples over about the last LOSS_SPAN_S (a default window's length), a warning: the
 * windower leaves out windows that much interpolated, so the loss now costs windows. A row showed
 * every bridged packet in warning orange while the log called it info.
 */
const LOSS_SPAN_S = 5;
/** What to check about losses that cost windows, unless the driver says otherwise (DeviceDriver.lossHint). */
const RADIO_LOSS_HINT = 'a weak or crowded radio link? bring the device closer to its receiver';

interface StreamTrack {
  info: StreamInfo;
  timeline: DeviceTimeline;
  /** Host time just past the last delivered chunk. */
  lastHostEnd: number;
  /**
   * This connection's rate count (see RATE_CHECK): first chunk's arrival, count start (NaN while
   * settling), samples since, and the least late chunk (see RATE_CHECK_EDGE) of the span's start and
   * of its end so far: its arrival and the samples counted up to it.
   */
  rate: { first: number; from: number; samples: number; judged: boolean; head: RatePoint | null; tail: RatePoint | null } | null;
  /** Samples lost and sent (lost included) in this LOSS_SPAN_S and the one before (see lossShare). */
  loss: { from: number; lost: number; sent: number; prevLost: number; prevSent: number };
}

interface RatePoint {
  at: number;
  samples: number;
}

/** How late a chunk came for the nominal pace, up to a constant: its arrival less its samples' span at that pace. */
function lateness(p: RatePoint, nominal: number): number {
  return p.at - p.samples / nominal;
}

/** A message without `name: ` in front (to put it inside a sentence that names the device). */
export function unheaded(name: string, message: string): string {
  return message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message;
}

/** A message with the device's name in front, once. */
export function headed(name: string, message: string): string {
  return `${name}: ${unheaded(name, message)}`;
}

export class ManagedSource implements Source {
  readonly deviceId: string;
  /** The connection machine's stall rule reconnects and reports the silence (hub: no second warning). */
  readonly watchesStalls = true;
  private conn: ConnState;
  private readonly policy: ReconnectPolicy;
  private sink: SourceSink | null = null;
  private session: DriverSession | null = null;
  private ctx: (DriverContext & { closed: boolean }) | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  private readonly tracks = new Map<string, StreamTrack>();
  private batteryPercent?: number;
  private rssiDbm?: number;
  private name: string;
  /** Renamed by the user: a name the device reports (ctx.describe) no longer replaces it. */
  private renamed = false;
  private settings?: Record<string, string | number | boolean>;
  private problem?: DeviceProblem;
  /** See DeviceStatus.lastDrop. */
  private lastDrop?: NonNullable<DeviceStatus['lastDrop']>;
  private readonly lastProblemAt = new Map<DeviceProblemCode, number>();
  private startWaiters: { resolve: () => void; reject: (e: DeviceError) => void }[] = [];
  private closing: Promise<void> = Promise.resolve();
  /** Sessions whose close has not finished (see PREVIOUS_CLOSE_WAIT_MS). */
  private closesPending = 0;
  /** Connect attempts not finished (see PREVIOUS_CLOSE_WAIT_MS). */
  private readonly opensPending = new Set<Promise<void>>();
  /** Host time the chunk being delivered began (it ends the hole a resume closes). */
  private resumeAt = NaN;
  /**
   * Whether this connection has delivered a sample. Until it has, the device shows connecting (or
   * reconnecting) and start() waits: a port opens whatever is behind it, and "streaming" with
   * nothing coming, then a stall, then "streaming" again, told the user nothing true.
   */
  private sessionData = false;
  /** The last unreadable input of this connection (said if no sample ever comes of it). */
  private sessionBadFrame: string | undefined;
  /**
   * Connect failures in a row with the same message: the first is a warning, the repeats are
   * debug lines (a dongle left in the drawer, or unplugged for an hour, wrote a warning and a
   * "retrying" line every few seconds); a connect after them says how many there were.
   */
  private failures: { message: string; count: number } | null = null;
  /** Output refused as another device's (`fail` with retry) in a row, as `failures`: said once. */
  private refused: { message: string; count: number } | null = null;
  /** Per problem code and log level: when it was last logged, and how many since were held back (PROBLEM_LOG_REPEAT_S). */
  private readonly problemLogged = new Map<string, { at: number; held: number }>();
  /** The "retrying in …" line of the effects being performed (see dispatch). */
  private retryLine: { level: LogLevel; message: string } | null = null;

  constructor(
    readonly driver: DeviceDriver,
    private readonly opts: ManagedSourceOptions,
  ) {
    this.deviceId = driver.deviceId;
    this.name = driver.name;
    this.settings = driver.settings;
    this.policy = { ...DEFAULT_RECONNECT_POLICY, ...driver.reconnect, ...opts.policy };
    this.conn = initialConnState(opts.seed ?? seedFromId(driver.deviceId));
  }

  start(sink: SourceSink): Promise<void> {
    this.sink = sink;
    this.failures = null;
    this.refused = null;
    const p = new Promise<void>((resolve, reject) => this.startWaiters.push({ resolve, reject }));
    if (!this.tickTimer) {
      this.tickTimer = setInterval(() => this.dispatch({ type: 'tick', now: this.now() }), this.opts.tickMs ?? 250);
      this.tickTimer.unref?.();
    }
    this.dispatch({ type: 'start', now: this.now() });
    if (this.conn.state === 'streaming') this.settleStart();
    return p;
  }

  async stop(): Promise<void> {
    this.dispatch({ type: 'stop', now: this.now() });
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    // An attempt still opening closes what it opens (it sees ctx.closed; a Bluetooth connect gives
    // up on ctx.signal at once, whatever phase it is in), queued behind the others: waited for, so
    // the port is free and the radio link closed when the stop returns (a Connect right after a
    // Disconnect met the old attempt's link, whose late close then dropped the new one).
    if (this.opensPending.size > 0) await bounded(Promise.allSettled(this.opensPending), PREVIOUS_CLOSE_WAIT_MS);
    await this.closing;
  }

  status(): DeviceStatus {
    return {
      deviceId: this.deviceId,
      name: this.name,
      model: this.driver.model,
      transport: this.driver.transport,
      state: this.shownState(),
      ...(this.problem ? { problem: this.problem } : {}),
      ...(this.batteryPercent !== undefined ? { batteryPercent: this.batteryPercent } : {}),
      ...(this.rssiDbm !== undefined ? { rssiDbm: this.rssiDbm } : {}),
      streamIds: this.tracks.size ? [...this.tracks.keys()] : this.driver.streamIds,
      ...(this.settings ? { settings: this.settings } : {}),
      ...(this.conn.waitingForDevice ? { waitingForDevice: true } : {}),
      ...(this.lastDrop ? { lastDrop: { ...this.lastDrop } } : {}),
    };
  }

  /**
   * The user pressed Connect while this device is still trying: a retry waiting for its timer
   * (backoff, or the slow cadence of waiting for the device) runs now; an attempt in flight is
   * left to finish.
   */
  retryNow(): void {
    if (!this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.log('info', 'trying again now (Connect pressed)');
    this.driver.retryAsked?.();
    // The user is looking: this attempt's failure is said again.
    this.failures = null;
    this.refused = null;
    this.dispatch({ type: 'retry-due', now: this.now() });
  }

  /** The machine's state, except that a connection is not 'streaming' before its first sample. */
  private shownState(): ConnState['state'] {
    const s = this.conn.state;
    if (s !== 'streaming' || this.sessionData) return s;
    return this.conn.everStreamed ? 'reconnecting' : 'connecting';
  }

  /** The user renamed the device: statuses, and streams announced from now on, carry the new name. */
  rename(name: string): void {
    this.name = name;
    this.renamed = true;
    this.emitStatus();
  }

  /** Connection state for tests and the manager. */
  get state(): ConnState['state'] {
    return this.conn.state;
  }

  private now(): number {
    return this.opts.hostClock.now();
  }

  private dispatch(e: ConnEvent): void {
    this.apply(stepConnection(this.conn, e, this.policy));
  }

  /** Takes the machine's step: its state, then its effects (a step computed ahead, see open()). */
  private apply({ state, effects }: StepResult): void {
    this.conn = state;
    for (const fx of effects) this.perform(fx);
    // Said after the effects: the machine schedules the retry before its status, and "retrying in
    // 0.2 s" came before the hub's "streaming → reconnecting (… went away)" it follows from.
    const retry = this.retryLine;
    this.retryLine = null;
    if (retry) this.log(retry.level, retry.message);
  }

  private perform(fx: ConnEffect): void {
    switch (fx.type) {
      case 'open': {
        const opening = this.open(fx.attempt);
        this.opensPending.add(opening);
        void opening.catch(() => undefined).finally(() => this.opensPending.delete(opening));
        break;
      }
      case 'close':
        this.closeSession();
        break;
      case 'schedule-retry':
        if (this.retryTimer) clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.dispatch({ type: 'retry-due', now: this.now() });
        }, fx.delayMs);
        this.retryLine = { level: (this.failures && this.failures.count > 1) || (this.refused && this.refused.count > 1) ? 'debug' : 'info', message: `retrying in ${(fx.delayMs / 1000).toFixed(1)} s` };
        break;
      case 'cancel-retry':
        if (this.retryTimer) clearTimeout(this.retryTimer);
        this.retryTimer = null;
        break;
      case 'gap-open': {
        // The drop itself was just said (and the hub says the state change); the host time in
        // seconds since 1970 this line carried told a reader nothing.
        this.log('debug', `stream interrupted (${fx.reason}); the hole is marked when data resumes`);
        const ends = [...this.tracks.values()].map((t) => t.lastHostEnd).filter(Number.isFinite);
        if (fx.reason === 'device-dropped') this.lastDrop = { startTime: ends.length ? Math.max(...ends) : fx.lastDataAt, missingSamples: 0 };
        break;
      }
      case 'gap-close':
        this.markGaps(fx.reason);
        break;
      case 'status':
        this.onStatus(fx.state, fx.problem);
        break;
    }
  }

  private onStatus(state: ConnState['state'], problem?: ConnError): void {
    if (problem) this.problem = { code: problem.code, message: this.bare(this.explainQuiet(problem)), time: this.now() };
    else if (state === 'streaming' || state === 'stopped' || state === 'connecting') this.problem = undefined;
    this.emitStatus();
    if (state === 'streaming' && this.sessionData) this.settleStart();
    if (state === 'error') {
      // Unnamed, like the status: whoever shows it shows the name beside it (the hub's "could not start").
      const err = new DeviceError(problem?.code === 'unavailable' ? 'unavailable' : 'device-error', this.problem?.message ?? 'failed', false);
      // Debug only, as a drop is (see dropped): the hub says the change to 'error' with this
      // problem in it ("Lab Cyton: connecting → error (cannot open …)"); an error here too said
      // every failure twice, in the same words.
      this.log('debug', err.message);
      for (const w of this.startWaiters.splice(0)) w.reject(err);
    }
    // Stopped before it connected (Disconnect on a device still waiting, the app closing): the
    // start is over and the status says stopped. Rejecting made the hub log "could not start" as
    // an error every time the app closed with a remembered device not plugged in.
    if (state === 'stopped') this.settleStart();
  }

  /**
   * A stall on a connection that never delivered: say it connected, and what to check. The driver's
   * hint (is this the port, the baud rate?) is for a device not seen streaming: one that streamed and
   * went quiet (switched off, stopped printing) is connected again, and asking whether its port and
   * baud rate are right, which were right a minute ago, pointed the wrong way.
   */
  private explainQuiet(problem: ConnError): string {
    if (problem.code !== 'stalled' || this.sessionData) return problem.message;
    const hint = this.driver.quietHint && !this.conn.everStreamed ? ` — ${this.driver.quietHint}` : '';
    const why = this.sessionBadFrame ? `; what came did not read as samples: ${this.sessionBadFrame}` : hint;
    const again = this.conn.everStreamed ? ' again' : '';
    return problem.message.replace(/^no data for ([\d.]+ s)/, (_, d: string) => `connected${again}, but no samples came in ${d}${why}`);
  }

  private settleStart(): void {
    for (const w of this.startWaiters.splice(0)) w.resolve();
  }

  private emitStatus(): void {
    try {
      this.sink?.status(this.status());
    } catch {
      /* the hub logs its own listener failures */
    }
  }

  private async open(attempt: number): Promise<void> {
    const ctx = this.makeContext();
    this.ctx = ctx;
    try {
      if (this.closesPending > 0) {
        await bounded(this.closing, PREVIOUS_CLOSE_WAIT_MS);
        // Stopped, or this attempt timed out, while it waited: nothing to open.
        if (ctx.closed) return;
      }
      const session = await this.driver.open(ctx);
      if (ctx.closed || this.conn.attempt !== attempt) {
        // In the close queue, so the next attempt (or a stop) waits for it as for any close.
        this.queueClose(session);
        return;
      }
      this.session = session;
      for (const t of this.tracks.values()) {
        t.timeline.newSession();
        t.rate = null;
      }
      this.sessionData = false;
      this.sessionBadFrame = undefined;
      if (this.failures && this.failures.count > 1) this.log('info', `connected after ${this.failures.count} failed attempts`);
      this.failures = null;
      this.dispatch({ type: 'connected', now: this.now(), attempt });
    } catch (e) {
      const err = asDeviceError(e, 'device-error', this.name);
      // Cancelled (a newer attempt took over, the user stopped it, a connect timeout closed it: the
      // driver gave up on ctx.signal): the machine has moved on and this failure is no news.
      if (ctx.closed && (this.conn.attempt !== attempt || this.conn.state === 'stopped' || e === ctx.signal.reason)) return;
      ctx.closed = true;
      const message = this.bare(err.message);
      const repeat = this.failures?.message === message;
      this.failures = { message, count: repeat ? this.failures!.count + 1 : 1 };
      const step = stepConnection(this.conn, { type: 'connect-failed', now: this.now(), attempt, error: toConnError(err) }, this.policy);
      // A failure that ends the trying (not retryable, or the last attempt) is said by the hub as
      // the change to 'error', with this message: a warning here too said it twice in a row. So are
      // the quick attempts of a Connect (a device not streamed yet, not left waiting for it): they end
      // in that error or in streaming within seconds, and a warning for the first said a failed
      // Connect twice. One waiting for its device, or reconnecting after a drop, warns: nothing else
      // will say it for a while.
      const givesUp = step.state.state === 'error';
      const endsSoon = !this.conn.everStreamed && !this.policy.waitForDevice;
      this.log(repeat || givesUp ? 'debug' : endsSoon ? 'info' : 'warn', `connect failed: ${message}`);
      // The step the level was read from, taken as it is (it was computed again in dispatch).
      this.apply(step);
    }
  }

  private closeSession(): void {
    const ctx = this.ctx;
    if (ctx) ctx.closed = true;
    const session = this.session;
    this.session = null;
    this.ctx = null;
    if (session) this.queueClose(session);
  }

  private queueClose(session: DriverSession): void {
    this.closesPending++;
    this.closing = this.closing
      .then(() => session.close())
      .catch((e) => this.log('warn', `closing: ${this.bare(asDeviceError(e).message)}`))
      .finally(() => this.closesPending--);
  }

  private markGaps(reason: 'device-dropped' | 'paused'): void {
    const now = Number.isFinite(this.resumeAt) ? this.resumeAt : this.now();
    if (reason === 'device-dropped' && this.lastDrop) this.lastDrop.endTime = now;
    for (const t of this.tracks.values()) {
      if (!Number.isFinite(t.lastHostEnd)) continue;
      const rate = t.info.nominalRateHz;
      const end = Math.max(t.lastHostEnd, now);
      const gap = { streamId: t.info.id, startTime: t.lastHostEnd, endTime: end, missingSamples: rate > 0 ? Math.round((end - t.lastHostEnd) * rate) : 0, reason };
      // The row's "Last drop" names the longest stream hole, as lastDrop() over the pushed gaps does.
      if (reason === 'device-dropped' && this.lastDrop && end - gap.startTime >= (this.lastDrop.endTime ?? now) - this.lastDrop.startTime) {
        this.lastDrop.startTime = gap.startTime;
        this.lastDrop.endTime = end;
        this.lastDrop.missingSamples = gap.missingSamples;
      }
      try {
        this.sink?.gap(gap);
      } catch {
        /* see emitStatus */
      }
      t.timeline.newSession();
      t.rate = null;
    }
    this.log('info', `resumed after ${reason === 'paused' ? 'a pause' : 'a drop'}`);
  }

  private makeContext(): DriverContext & { closed: boolean } {
    const self = this;
    /** A problem for the row and the log; a `note` (level info) does not replace a warning shown. */
    const report = (code: DeviceProblemCode, message: string, level: LogLevel, note = false, logLevel: LogLevel = level) => {
      const now = self.now();
      const last = self.lastProblemAt.get(code) ?? -Infinity;
      self.logProblem(code, logLevel, message, now);
      if (code === 'bad-frame' && !self.sessionData) self.sessionBadFrame = self.bare(message);
      if (note && self.problem && !self.problem.level) return;
      // A warning is not held back behind a note of its code said just before.
      const escalates = !note && self.problem?.code === code && self.problem.level === 'info';
      if (now - last < PROBLEM_REPEAT_S && !escalates) return;
      self.lastProblemAt.set(code, now);
      self.problem = { code, message: self.bare(message), time: now, ...(note ? { level: 'info' as const } : {}) };
      self.emitStatus();
    };
    const abort = new AbortController();
    const ctx = {
      // Closing aborts the signal: a driver still opening gives up (see DriverContext.signal).
      get closed(): boolean {
        return abort.signal.aborted;
      },
      set closed(yes: boolean) {
        if (yes && !abort.signal.aborted) abort.abort(new DeviceError('disconnected', `${self.name}: connect cancelled`, false));
      },
      signal: abort.signal,
      streams(infos: StreamInfo[]) {
        if (ctx.closed) return;
        let changed = false;
        // Under the device's current name: the driver built them with the one it started with, and
        // a renamed device's next connection announced (and recorded) its old name.
        for (const info of infos.map((i) => ({ ...i, deviceName: self.name }))) {
          const old = self.tracks.get(info.id);
          // A reconnect announces the same streams again: keep the objects the hub already has, so
          // nothing downstream restarts (the gap already breaks the segment).
          if (old && JSON.stringify(old.info) === JSON.stringify(info)) continue;
          changed = true;
          self.tracks.set(info.id, {
            info,
            timeline: old?.timeline ?? new DeviceTimeline(self.driver.clockKind),
            lastHostEnd: old?.lastHostEnd ?? NaN,
            rate: null,
            loss: old?.loss ?? { from: NaN, lost: 0, sent: 0, prevLost: 0, prevSent: 0 },
          });
        }
        if (changed) self.sink?.streams(self.deviceId, [...self.tracks.values()].map((t) => t.info));
      },
      samples(streamId: string, rawDeviceTime: number, count: number, data: Float32Array) {
        if (ctx.closed || count <= 0) return;
        const t = self.tracks.get(streamId);
        if (!t) return;
        const now = self.now();
        const rate = t.info.nominalRateHz;
        // The first sample of a connection makes it 'streaming' (see sessionData).
        const first = !self.sessionData && self.conn.state === 'streaming';
        if (first) {
          self.sessionData = true;
          self.refused = null;
        }
        // 'data' first: after a drop it closes the gap (markGaps) before this chunk goes out.
        self.resumeAt = rate > 0 ? now - count / rate : now;
        self.dispatch({ type: 'data', now });
        self.resumeAt = NaN;
        if (first) {
          self.emitStatus();
          self.settleStart();
        }
        if (ctx.closed || self.conn.state !== 'streaming') return;
        const deviceTime = t.timeline.map(rawDeviceTime, now, rate > 0 ? count / rate : 0);
        t.lastHostEnd = now;
        self.sink?.chunk({ streamId, deviceTime, hostTime: now, count, data });
        self.checkRate(t, count, now);
        lossShare(t, now, 0, count);
        if (self.problem && PASSING_PROBLEMS.has(self.problem.code) && now - self.problem.time >= PROBLEM_CLEAR_S) {
          self.problem = undefined;
          self.emitStatus();
        }
      },
      quiet(seconds: number, why: string) {
        if (ctx.closed || !(seconds > 0)) return;
        self.log('info', why);
        const now = self.now();
        self.dispatch({ type: 'quiet', now, until: now + seconds });
      },
      lost(streamId: string, missingSamples: number, reason: 'packet-loss' | 'time-jump' | 'paused') {
        if (ctx.closed || missingSamples <= 0) return;
        const t = self.tracks.get(streamId);
        if (!t) return;
        const now = self.now();
        const rate = t.info.nominalRateHz || 1;
        const start = Number.isFinite(t.lastHostEnd) ? t.lastHostEnd : now - missingSamples / rate;
        // Lost samples were sent at the rate too: counted, so radio loss does not read as a wrong rate.
        if (t.rate && !Number.isNaN(t.rate.from)) t.rate.samples += missingSamples;
        self.sink?.gap({ streamId, startTime: start, endTime: Math.max(start, now), missingSamples, reason });
        // A pause the device announced is no loss: marked, not a problem.
        if (reason === 'paused') return;
        const what = `${missingSamples} sample${missingSamples === 1 ? '' : 's'} lost on ${t.info.id}`;
        const share = lossShare(t, now, missingSamples, 0);
        // A note on the row; in the log a debug line: the pipeline says the loss as its chunk comes
        // (bridged or a gap marked, info, repeats throttled), and a Muse losing a packet a second
        // had an unthrottled info line a second from here besides.
        if (share <= MAX_BRIDGED_SHARE) report('packet-loss', what, 'info', true, 'debug');
        else
          report(
            'packet-loss',
            `${what}: ${(share * 100).toFixed(0)} % of its samples lost lately — windows more than ${MAX_BRIDGED_SHARE * 100} % interpolated are left out (${self.driver.lossHint ?? RADIO_LOSS_HINT})`,
            'warn',
          );
      },
      problem(code: DeviceProblemCode, message: string) {
        report(code, message, code === 'bad-frame' || code === 'packet-loss' ? 'warn' : 'error');
      },
      battery(percent: number) {
        if (!Number.isFinite(percent)) return;
        const p = Math.max(0, Math.min(100, Math.round(percent)));
        if (p !== self.batteryPercent) {
          self.batteryPercent = p;
          self.emitStatus();
        }
      },
      rssi(dbm: number) {
        if (Number.isFinite(dbm)) self.rssiDbm = dbm;
      },
      describe(patch: Partial<Pick<DeviceStatus, 'name' | 'settings'>>) {
        if (patch.name && !self.renamed) self.name = patch.name;
        if (patch.settings) self.settings = { ...self.settings, ...patch.settings };
        self.emitStatus();
      },
      log(level: LogLevel, message: string) {
        self.log(level, message);
      },
      dropped(error: DeviceError) {
        if (ctx.closed) return;
        // Debug only: the drop takes the source from streaming to reconnecting (or error), and the
        // hub, which every source runs under, says that change as a warning with this reason in it
        // ("Lab Cyton: streaming → reconnecting (/dev/ttyUSB0 went away …)"). A warning here too
        // showed each pulled cable twice in the event log, as a stall (the hub's line alone) is not.
        self.log('debug', `dropped: ${self.bare(error.message)}`);
        self.dispatch({ type: 'dropped', now: self.now(), error: toConnError(error) });
      },
      finished(message: string) {
        if (ctx.closed) return;
        self.log('info', message);
        self.dispatch({ type: 'stop', now: self.now() });
        // 'stop' clears the problem (a user's stop needs no explanation); this one does.
        self.problem = { code: 'disconnected', message: self.bare(message), time: self.now() };
        self.emitStatus();
      },
      fail(code: DeviceProblemCode, message: string, opts?: { retry: boolean }) {
        if (ctx.closed) return;
        const retryable = opts?.retry === true;
        if (retryable) {
          // Said once as a warning, as a failing connect is: a port another device keeps brings it
          // again at every retry.
          const text = self.bare(message);
          const repeat = self.refused?.message === text;
          self.refused = { message: text, count: repeat ? self.refused!.count + 1 : 1 };
          // A drop of a connection that delivered samples: the hub says it with this text, as the
          // source goes from streaming to reconnecting (see dropped). One that delivered none was never
          // shown streaming, so no state changes and nobody else says it: a warning here. (Which of
          // the two it was came down to timing: whether the port's first lines came before its open
          // had finished; on a loaded machine they came after, and the warning was lost.)
          self.log(repeat || (self.conn.state === 'streaming' && self.sessionData) ? 'debug' : 'warn', text);
        }
        // Another device's output on the port (what `retry` means): retried at the waiting cadence.
        const error = { code, message, retryable, ...(retryable ? { othersPort: true } : {}) };
        // Data can arrive while a connect is still finishing (a start command being written).
        if (self.conn.state === 'streaming') self.dispatch({ type: 'dropped', now: self.now(), error });
        else self.dispatch({ type: 'connect-failed', now: self.now(), attempt: self.conn.attempt, error });
      },
    };
    return ctx;
  }

  /**
   * Compares a connection's arrival rate with the stream's nominal rate (see RATE_CHECK), and says
   * a mismatch as a 'rate-mismatch' problem (the samples still flow).
   */
  private checkRate(t: StreamTrack, count: number, now: number): void {
    const nominal = t.info.nominalRateHz;
    if (!(nominal >= RATE_CHECK_MIN_HZ)) return;
    const { settleS, spanS } = this.opts.rateCheck ?? RATE_CHECK;
    if (!t.rate) {
      t.rate = { first: now, from: NaN, samples: 0, judged: false, head: null, tail: null };
      return;
    }
    const r = t.rate;
    if (r.judged) return;
    // A chunk's samples arrived before it did: the count starts at a chunk's arrival, not with it.
    if (Number.isNaN(r.from)) {
      if (now - r.first >= settleS) {
        r.from = now;
        r.head = { at: now, samples: 0 };
      }
      return;
    }
    r.samples += count;
    const span = now - r.from;
    const judgeAfter = Math.max(spanS, RATE_CHECK_MIN_SAMPLES / nominal);
    const edge = judgeAfter * RATE_CHECK_EDGE;
    const p = { at: now, samples: r.samples };
    if (span <= edge && lateness(p, nominal) < lateness(r.head!, nominal)) r.head = p;
    if (span >= judgeAfter - edge && (!r.tail || lateness(p, nominal) < lateness(r.tail, nominal))) r.tail = p;
    if (span < judgeAfter) return;
    r.judged = true;
    const measured = (r.tail!.samples - r.head!.samples) / (r.tail!.at - r.head!.at);
    if (Math.abs(measured / nominal - 1) <= RATE_TOLERANCE) return;
    const what = this.tracks.size > 1 ? `${t.info.modality.toUpperCase()} samples` : 'samples';
    // Within MAX_RATE_ERROR the pipeline follows the rate the samples come at: the windows are
    // right, the setting is not. Beyond it they fall behind.
    const effect = Math.abs(measured / nominal - 1) <= MAX_RATE_ERROR ? 'the windows follow the rate measured' : 'no window is cut while the two disagree';
    const message = `${what} arrive at ${measured.toFixed(1)} Hz, not the ${Number(nominal.toFixed(2))} Hz set for the stream: ${effect}${this.driver.rateHint ? ` — ${this.driver.rateHint}` : ''}`;
    this.log('warn', message);
    this.problem = { code: 'rate-mismatch', message, time: now };
    this.emitStatus();
  }

  /**
   * A problem as the status carries it: without the device's name in front. The status has the
   * name beside the problem and every view titles the problem with it (the dashboard showed "Lab
   * Cyton" over "Lab Cyton: cannot open …"). Drivers head their errors with the name they were
   * built with, for the log and for errors that travel without a status; a sentence whose subject
   * is the device keeps it, under the current name.
   */
  private bare(message: string): string {
    for (const n of [this.name, this.driver.name]) if (n && unheaded(n, message) !== message) return this.bare(unheaded(n, message));
    if (this.name !== this.driver.name && message.startsWith(this.driver.name)) return this.name + message.slice(this.driver.name.length);
    return message;
  }

  /** A log line headed by the device's current name (once: "Lab Cyton: OpenBCI Cyton (…): …" otherwise). */
  private named(message: string): string {
    const text = this.bare(message);
    return text.startsWith(this.name) ? text : `${this.name}: ${text}`;
  }

  /** A problem's log line, repeats held back (see PROBLEM_LOG_REPEAT_S); debug lines are not. */
  private logProblem(code: DeviceProblemCode, level: LogLevel, message: string, now: number): void {
    if (level === 'debug') return this.log(level, message);
    // By level too: a warning is not held back behind a note of its code (a loss growing past the share bridged).
    const key = `${code}\u0000${level}`;
    const t = this.problemLogged.get(key);
    if (t && now - t.at < PROBLEM_LOG_REPEAT_S) {
      t.held++;
      return;
    }
    this.problemLogged.set(key, { at: now, held: 0 });
    this.log(level, t && t.held > 0 ? `${message} (${t.held} more like it in the last ${(now - t.at).toFixed(0)} s)` : message);
  }

  /**
   * Every line is headed by the device's name, as the hub's are ("Lab Cyton: streaming →
   * reconnecting (…)"): "retrying in 0.6 s", "resumed after a drop" and the drivers' own lines said
   * no name, and with a headset and a strap both dropping the log could not be read (its source
   * column holds the device id, a Bluetooth UUID or a port path, not the name the user knows).
   */
  private log(level: LogLevel, message: string): void {
    this.opts.log?.({ time: this.now(), level, source: `device:${this.deviceId}`, message: this.named(message) });
  }
}

/**
 * Counts `lost` and `got` samples of a stream at `now`; the share lost over the last LOSS_SPAN_S
 * (the current span, and the one before it weighted by how much of it is still that recent), once
 * that holds 2 s of the stream (a loss in its first packets is no share yet).
 */
function lossShare(t: StreamTrack, now: number, lost: number, got: number): number {
  const l = t.loss;
  if (!(now - l.from < LOSS_SPAN_S)) {
    const recent = now - l.from < 2 * LOSS_SPAN_S;
    l.prevLost = recent ? l.lost : 0;
    l.prevSent = recent ? l.sent : 0;
    l.lost = 0;
    l.sent = 0;
    l.from = now;
  }
  l.lost += lost;
  l.sent += lost + got;
  const w = Math.max(0, 1 - (now - l.from) / LOSS_SPAN_S);
  const sent = l.sent + w * l.prevSent;
  return sent >= 2 * t.info.nominalRateHz ? (l.lost + w * l.prevLost) / sent : 0;
}

/** Waits for `p`, or `ms`, whichever comes first. */
async function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function toConnError(e: DeviceError): ConnError {
  return { code: e.problemCode, message: e.message, retryable: e.retryable, ...(e.othersPort ? { othersPort: true } : {}) };
}
