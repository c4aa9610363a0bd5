// The stream hub: runs sources, feeds their chunks through the pipeline, and fans out what comes
// back (streams, raw chunks for the recorder, gaps, conditioned blocks, windows, features, device
// statuses, log lines) to its listeners.
//
// Nothing that goes wrong in a source, in the data or in a listener escapes: a source that fails
// to start becomes an 'error' status; bad data becomes a named DeviceProblem on the device's status
// plus a log line, and the pipeline keeps running; a listener that throws is logged and dropped.
// The only thing the hub adds on its own clock is the stall watchdog (a device that has gone
// quiet), for sources that do not watch their own silence (Source.watchesStalls) — everything
// that shapes the data is the deterministic pipeline's work. Log lines about a device's data are
// headed by the device's name and the stream: "Simulated headset, sim-eeg-1/eeg: no data since 14:03:07".
import { clockTimeS } from '../../shared/clock-time';
import type { DeviceProblem, DeviceProblemCode, DeviceStatus, Source, SourceSink } from '../../shared/device.types';
import type { LogEntry, LogLevel } from '../../shared/log.types';
import { GAP_REASON_TEXT, type HostClock, type SampleChunk, type StreamInfo } from '../../shared/stream.types';
import {
  Pipeline,
  PipelineSnapshotError,
  type PipelineConfig,
  type PipelineConfigPatch,
  type PipelineProblem,
  type PipelineSnapshot,
  type StreamClockState,
} from '../../shared/pipeline';
import type { EegFeatures, HeartFeatures, QualityReport } from '../../shared/features.types';
import { plural } from '../../shared/plural';
import { DeviceError } from '../../shared/devices/device-error';
import { RealScheduler, type Scheduler } from '../sources/host-clock';
import type { Hub, HubListener, RestorePipelineOptions } from './hub.types';

export interface HubOptions {
  clock: HostClock;
  /** Timers for the stall watchdog (default: real timers that do not keep the process alive). */
  scheduler?: Scheduler;
  pipelineConfig?: PipelineConfigPatch;
  /**
   * false: no features computed (heart rate, R peaks, EEG band powers), for a consumer of windows
   * alone (replayWindows), which do not depend on them: they were a third of a run's cutting time.
   */
  features?: false;
  /** An extra sink for the hub's log lines (they also go to listeners' `log`). */
  log?: (level: LogLevel, source: string, message: string) => void;
  /** A stream is stalled after max(stallSec, 4 × its usual chunk interval) without data. */
  stallSec?: number;
  /** A problem clears after this long (s) of clean data. */
  clearAfterSec?: number;
  /** The same problem on the same device is logged at most once per this many seconds (the rest are counted). */
  logRepeatSec?: number;
  /** Watchdog period (s). */
  watchdogSec?: number;
}

type Listener = keyof HubListener;

interface StreamWatch {
  lastArrival: number;
  /** Smoothed interval between chunk arrivals (s). */
  interval: number;
  stalled: boolean;
}

interface Managed {
  source: Source;
  /** The source's own latest status. */
  status: DeviceStatus;
  /** The latest problem the hub saw in this device's data (or its stall). */
  problem: DeviceProblem | undefined;
  streams: StreamInfo[];
  watch: Map<string, StreamWatch>;
  active: boolean;
  sink: SourceSink;
}

interface LogThrottle {
  last: number;
  suppressed: number;
}

/** Stall thresholds never drop below this, whatever the packet rate. */
const MIN_STALL_SEC = 1;

export class StreamHub implements Hub {
  private readonly clock: HostClock;
  private readonly scheduler: Scheduler;
  private readonly opts: Required<Pick<HubOptions, 'stallSec' | 'clearAfterSec' | 'logRepeatSec' | 'watchdogSec'>>;
  private readonly extraLog?: HubOptions['log'];
  private listeners: HubListener[] = [];
  private readonly managed = new Map<string, Managed>();
  private readonly pipeline: Pipeline;
  private readonly throttle = new Map<string, LogThrottle>();
  private cancelWatchdog: (() => void) | null = null;
  private closed = false;
  /**
   * Pipeline output that ends before this host time is not passed to listeners (set by
   * restorePipeline: a replay re-feeds what lies between a snapshot and its seek target). Cleared
   * when the pipeline's last stream goes.
   */
  private emitFrom = -Infinity;
  /**
   * Streams whose quality reports show hum at the other mains frequency than the one set, by stream
   * id: when it was last seen (host s). One warning per episode; an episode ends after logRepeatSec
   * without it (a channel near the threshold flips from one report to the next).
   */
  private readonly mainsHum = new Map<string, number>();
  /** Arrival time of the chunk being pushed (decides whether conditioned blocks are worth building). */
  private pushing = -Infinity;

  constructor(o: HubOptions) {
    this.clock = o.clock;
    this.scheduler = o.scheduler ?? new RealScheduler(o.clock, (err) => this.log('error', 'hub', `watchdog failed: ${errText(err)}`), true);
    this.opts = { stallSec: o.stallSec ?? 1.5, clearAfterSec: o.clearAfterSec ?? 5, logRepeatSec: o.logRepeatSec ?? 10, watchdogSec: o.watchdogSec ?? 0.25 };
    this.extraLog = o.log;
    const due = (endTime: number) => endTime >= this.emitFrom;
    this.pipeline = new Pipeline(o.pipelineConfig ?? {}, {
      accepted: (chunk, info) => due(chunk.hostTime) && this.emit('rawChunk', chunk, info),
      problem: (p) => due(p.time) && this.onProblem(p),
      gap: (gap) => due(gap.endTime) && this.emit('gap', gap),
      conditioned: (block) => due(block.startTime + block.count / block.rateHz) && this.emit('conditioned', block),
      // A block conditioned from a chunk that arrived well before emitFrom ends before it too.
      wantsConditioned: () => this.pushing >= this.emitFrom - 1 && this.listeners.some((l) => l.conditioned !== undefined),
      window: (w) => due(w.startTime + w.samples / w.rateHz) && this.emit('window', w),
      // The pipeline computes only the features someone listens to.
      ...(o.features === false
        ? {}
        : {
            heart: (f: HeartFeatures) => due(f.time) && this.emit('heart', f),
            rPeak: (streamId: string, time: number) => due(time) && this.emit('rPeak', streamId, time),
            eeg: (f: EegFeatures) => due(f.time) && this.emit('eeg', f),
          }),
      quality: (q) => {
        if (!due(q.time)) return;
        this.noteMainsHum(q);
        this.emit('quality', q);
      },
    });
  }

  // ── Hub ──────────────────────────────────────────────────────────────────────────────────

  subscribe(listener: HubListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  async addSource(source: Source): Promise<void> {
    if (this.closed) throw new Error('the hub is closed');
    const id = source.deviceId;
    const existing = this.managed.get(id);
    if (existing?.active) return;
    // A replay runs alone through the pipeline (its host times lie in the past: live data would move
    // the window frontier past them). The live devices were parked for it and come back as it closes;
    // one started meanwhile (Connect in Devices, Start on a demo card) would stream into it.
    const incoming = safeStatus(source);
    const replay = [...this.managed.values()].find((m) => m.active && m.status.transport === 'replay');
    if (replay && incoming.transport !== 'replay')
      throw new DeviceError('unavailable', `${incoming.name} is not started while a session replays (${replay.status.name}): close the replay in Sessions, and the devices that were live before it come back by themselves`, false);
    if (existing) this.managed.delete(id);
    const m: Managed = { source, status: safeStatus(source), problem: undefined, streams: [], watch: new Map(), active: true, sink: null as unknown as SourceSink };
    m.sink = this.makeSink(m);
    this.managed.set(id, m);
    this.ensureWatchdog();
    this.log('info', `device:${id}`, `starting ${m.status.name}`);
    try {
      await source.start(m.sink);
      m.status = safeStatus(source, m.status);
      this.publishStatus(m);
    } catch (err) {
      // A source that gave up with an error status was said then ('Lab Cyton: connecting → error
      // (cannot open … (gave up after 3 attempts))'): its start's rejection is not said again.
      const said = m.status.state === 'error';
      const code: DeviceProblemCode = problemCodeOf(err) ?? 'device-error';
      m.problem = { code, message: `could not start: ${errText(err)}`, time: this.clock.now() };
      m.status = { ...m.status, state: 'error' };
      this.log(said ? 'debug' : 'error', `device:${id}`, `${m.status.name} could not start: ${errText(err)}`);
      this.publishStatus(m);
      // A source that failed to start feeds nothing; its streams go.
      this.dropStreams(m);
    }
  }

  async removeSource(deviceId: string): Promise<void> {
    const m = this.managed.get(deviceId);
    if (!m) return;
    m.active = false;
    try {
      await m.source.stop();
    } catch (err) {
      this.log('warn', `device:${deviceId}`, `stopping ${m.status.name} failed: ${errText(err)}`);
    }
    this.dropStreams(m);
    this.managed.delete(deviceId);
    // A source that said 'stopped' as it stopped was said then ('Simulated chest strap: streaming →
    // stopped'); 'X stopped' here is for one that did not (a source that failed to start).
    const said = m.status.state === 'stopped';
    m.status = { ...safeStatus(m.source, m.status), state: 'stopped' };
    m.problem = undefined;
    this.publishStatus(m);
    this.emit('deviceRemoved', deviceId);
    this.log(said ? 'debug' : 'info', `device:${deviceId}`, `${m.status.name} stopped`);
  }

  sources(): Source[] {
    return [...this.managed.values()].map((m) => m.source);
  }

  streams(): StreamInfo[] {
    return this.pipeline.streams();
  }

  devices(): DeviceStatus[] {
    return [...this.managed.values()].map((m) => this.effectiveStatus(m));
  }

  // ── Beyond the Hub interface ─────────────────────────────────────────────────────────────

  /** Changes a running device's settings (Source.configure); rejects with the source's message. */
  async configureSource(deviceId: string, settings: Record<string, string | number | boolean>): Promise<void> {
    const m = this.managed.get(deviceId);
    if (!m) throw new Error(`no device '${deviceId}'`);
    if (!m.source.configure) throw new Error(`${m.status.name} has no settings to change`);
    await m.source.configure(settings);
    m.status = safeStatus(m.source, m.status);
    this.publishStatus(m);
  }

  /** The pipeline's configuration in force (store it with a recording). */
  pipelineConfig(): PipelineConfig {
    return this.pipeline.config;
  }

  /** New filters/windowing: every stream's filters restart as after a gap (its clock model goes on); windows continue in sequence. */
  setPipelineConfig(patch: PipelineConfigPatch): void {
    this.pipeline.reconfigure(patch);
    this.log('info', 'hub', 'pipeline configuration changed; filters restarted (clock models kept)');
    this.emit('config', this.pipeline.config);
  }

  /** Clock model, rate and segment state per stream (device panel, recorder's stream table). */
  clockStates(): StreamClockState[] {
    return this.pipeline.states();
  }

  /**
   * The pipeline's state now (the recorder stores one every few seconds). The hub is synchronous,
   * so any moment outside a listener callback lies between two chunks; from inside one it throws
   * PipelineSnapshotError 'busy'.
   */
  pipelineSnapshot(): PipelineSnapshot {
    return this.pipeline.snapshot();
  }

  /**
   * Puts the pipeline in a recorded snapshot's state (a replay seeking). Only for a device that
   * is alone in the pipeline (a replay parks the live devices): the snapshot replaces the whole
   * timeline. Output ending before `options.emitFrom` is then withheld from listeners while the
   * source re-feeds what lies between the snapshot and its target. Throws PipelineSnapshotError
   * (nothing changed) when the snapshot does not fit.
   */
  restorePipeline(deviceId: string, snapshot: Uint8Array, options: RestorePipelineOptions = {}): Omit<PipelineSnapshot, 'bytes'> {
    const others = [...new Set(this.pipeline.streams().filter((s) => s.deviceId !== deviceId).map((s) => s.deviceId))];
    if (others.length > 0) throw new PipelineSnapshotError('stream-mismatch', `pipeline snapshot: ${others.join(', ')} also stream into the pipeline; a snapshot restores a device that runs alone`);
    const head = this.pipeline.restore(snapshot, { streamId: options.streamId, outputFrom: options.emitFrom });
    this.emitFrom = options.emitFrom ?? -Infinity;
    return head;
  }

  /** See Hub.withholdOutputBefore: restorePipeline's `emitFrom` for a pre-roll (no snapshot). */
  withholdOutputBefore(time: number): void {
    this.emitFrom = time;
  }

  /** Stops every source and the watchdog. */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.managed.keys()]) await this.removeSource(id);
    this.cancelWatchdog?.();
    this.cancelWatchdog = null;
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────

  private makeSink(m: Managed): SourceSink {
    const id = m.source.deviceId;
    const current = () => this.managed.get(id) === m && m.active;
    return {
      streams: (deviceId, infos) => {
        if (!current()) return;
        this.guard(id, 'streams', () => {
          if (deviceId !== id) throw new Error(`announced streams for device '${deviceId}'`);
          if (!Array.isArray(infos)) throw new Error('streams must be an array');
          this.pipeline.setStreams(id, infos);
          this.noteTimeline();
          m.streams = infos;
          const now = this.clock.now();
          m.watch = new Map(infos.map((s) => [s.id, m.watch.get(s.id) ?? { lastArrival: now, interval: NaN, stalled: false }]));
          this.emit('streams', this.pipeline.streams());
        });
      },
      chunk: (chunk) => {
        if (!current()) return;
        this.guard(id, 'chunk', () => {
          if (!chunk || typeof chunk !== 'object') throw new Error('chunk is not an object');
          if (!m.streams.some((s) => s.id === chunk.streamId)) {
            this.onProblem({ streamId: String(chunk.streamId), deviceId: id, code: 'bad-frame', message: `chunk for stream '${chunk.streamId}', which the device has not announced; dropped`, time: this.clock.now(), dropped: true });
            return;
          }
          this.noteArrival(m, chunk);
          this.pushing = typeof chunk.hostTime === 'number' ? chunk.hostTime : -Infinity;
          this.pipeline.push(chunk);
        });
      },
      gap: (gap) => {
        if (!current()) return;
        this.guard(id, 'gap', () => {
          this.pipeline.sourceGap(gap);
          if (gap.endTime < this.emitFrom) return;
          this.emit('gap', gap);
          // A loss the device counted is said by the pipeline, as its chunk comes ("12 samples (46.9
          // ms) missing: … bridged", info, repeats held back by the throttle): a line here too, and
          // the device's own, said each lost Muse packet three times, two of them unthrottled.
          const level: LogLevel = gap.reason === 'packet-loss' ? 'debug' : 'info';
          this.log(level, `device:${id}`, streamLine(m, gap.streamId, `gap of ${(gap.endTime - gap.startTime).toFixed(1)} s marked (${GAP_REASON_TEXT[gap.reason] ?? gap.reason}, ${gap.missingSamples} samples)`));
        });
      },
      endOfData: (deviceId) => {
        if (!current()) return;
        this.guard(id, 'endOfData', () => {
          if (deviceId !== id) throw new Error(`end of data for device '${deviceId}'`);
          this.pipeline.endOfData(id);
        });
      },
      status: (status) => {
        if (this.managed.get(id) !== m) return;
        this.guard(id, 'status', () => {
          const prev = m.status;
          m.status = { ...status, deviceId: id };
          // The stall clock starts when the device starts streaming: the streams of a replay are
          // announced when it opens (paused), so the time its first pages took to read, and any
          // pause, counted as silence ("no data for 2.2 s" at the start of every replay).
          if (status.state === 'streaming' && prev.state !== 'streaming') this.restartStallClocks(m);
          // Going to reconnecting is the device's own word on a drop or a stall: a warning, like the hub's.
          const level: LogLevel = status.state === 'error' ? 'error' : status.state === 'reconnecting' ? 'warn' : 'info';
          if (prev.state !== status.state) this.log(level, `device:${id}`, `${status.name}: ${prev.state} → ${status.state}${status.problem ? ` (${status.problem.message})` : ''}`);
          this.publishStatus(m);
        });
      },
    };
  }

  /** With no stream left the pipeline's timeline starts over: nothing is withheld any more. */
  private noteTimeline(): void {
    if (this.pipeline.streams().length === 0) this.emitFrom = -Infinity;
  }

  private noteArrival(m: Managed, chunk: SampleChunk): void {
    const w = m.watch.get(chunk.streamId);
    if (!w) return;
    const now = this.clock.now();
    const dt = now - w.lastArrival;
    if (w.stalled) {
      w.stalled = false;
      this.log('info', `device:${m.source.deviceId}`, streamLine(m, chunk.streamId, `data again after ${dt.toFixed(1)} s`));
      if (m.problem?.code === 'stalled') {
        m.problem = undefined;
        this.publishStatus(m);
      }
    } else if (dt > 0) {
      // Smoothed inter-arrival time; bursts (dt ≈ 0) are not counted.
      w.interval = Number.isNaN(w.interval) ? dt : 0.9 * w.interval + 0.1 * Math.min(dt, 5);
    }
    w.lastArrival = now;
  }

  /** Silence is counted from now (a stream already reported stalled keeps its time, for its "data again after" line). */
  private restartStallClocks(m: Managed): void {
    const now = this.clock.now();
    for (const w of m.watch.values()) if (!w.stalled) w.lastArrival = now;
  }

  private ensureWatchdog(): void {
    if (this.cancelWatchdog) return;
    this.cancelWatchdog = this.scheduler.every(this.opts.watchdogSec, () => this.watchdog());
  }

  private watchdog(): void {
    const now = this.clock.now();
    for (const m of this.managed.values()) {
      if (!m.active || m.status.state !== 'streaming') continue;
      // A source that watches its own silence reports a stall itself (and reconnects): a second
      // warning from here, seconds earlier and in other words, would read as a second problem.
      if (!m.source.watchesStalls) {
        for (const [streamId, w] of m.watch) {
          const limit = Math.max(this.opts.stallSec, MIN_STALL_SEC, 4 * (Number.isNaN(w.interval) ? 0 : w.interval));
          const quiet = now - w.lastArrival;
          if (!w.stalled && quiet > limit) {
            w.stalled = true;
            // Since when, not for how long: the problem stays on the device's card and row while the
            // silence goes on, and "no data for 1.6 s" there read the same a minute into it.
            this.onProblem({ streamId, deviceId: m.source.deviceId, code: 'stalled', message: `no data since ${clockTimeS(w.lastArrival)}`, time: now, dropped: false });
          }
        }
      }
      // A problem clears once the device has streamed cleanly for a while.
      if (m.problem && m.problem.code !== 'stalled' && now - m.problem.time > this.opts.clearAfterSec && [...m.watch.values()].every((w) => !w.stalled)) {
        // A lost packet is routine (its line is info, not a warning): no all-clear line after each.
        if (m.problem.code !== 'packet-loss') this.log('info', `device:${m.source.deviceId}`, `${m.status.name} streams cleanly again`);
        m.problem = undefined;
        this.publishStatus(m);
      }
    }
  }

  private onProblem(p: PipelineProblem): void {
    const m = this.managed.get(p.deviceId);
    // A short packet loss is routine (bridged, or a gap marked): a note on the row, as in the log.
    const level: LogLevel = p.code === 'packet-loss' ? 'info' : 'warn';
    const problem: DeviceProblem = { code: p.code, message: `${p.streamId}: ${p.message}`, time: p.time, ...(level === 'info' ? { level } : {}) };
    // A note does not cover a warning the row shows (as a source's own does not, effectiveStatus):
    // the bridged loss a dropped chunk leaves came 50 ms after it, and the row said 'packet-loss'
    // in place of the wrong channel count that dropped it. The warning clears as any does.
    if (m && !(level === 'info' && m.problem && m.problem.level !== 'info')) {
      m.problem = problem;
      this.publishStatus(m);
    }
    const key = `${p.deviceId}\u0000${p.code}`;
    const now = this.clock.now();
    const t = this.throttle.get(key);
    if (t && now - t.last < this.opts.logRepeatSec) {
      t.suppressed++;
      return;
    }
    const more = t && t.suppressed > 0 ? ` (${t.suppressed} more like it in the last ${(now - t.last).toFixed(0)} s)` : '';
    this.throttle.set(key, { last: now, suppressed: 0 });
    // The status shows the device's name beside its problem; a log line must carry it itself.
    const line = m ? streamLine(m, p.streamId, p.message) : problem.message;
    this.log(level, p.deviceId ? `device:${p.deviceId}` : 'hub', `${line}${more}`);
  }

  /**
   * Warns once when a stream's hum is at the other mains frequency than the one set (60 Hz with 50
   * set, or the reverse): the notch misses it, and the setting is what the user should change.
   */
  private noteMainsHum(q: QualityReport): void {
    const humHz = q.channels.find((c) => c.lineNoiseHz)?.lineNoiseHz;
    const seen = this.mainsHum.get(q.streamId);
    if (!humHz) {
      if (seen !== undefined && q.time - seen > this.opts.logRepeatSec) this.mainsHum.delete(q.streamId);
      return;
    }
    this.mainsHum.set(q.streamId, q.time);
    if (seen !== undefined) return;
    const info = this.pipeline.stream(q.streamId);
    const m = info ? this.managed.get(info.deviceId) : undefined;
    const n = q.channels.filter((c) => c.lineNoiseHz).length;
    const text = `line noise at ${humHz} Hz on ${plural(n, 'channel')}, but the mains is set to ${this.pipeline.config.quality.mainsHz} Hz: set it to ${humHz} Hz in Signal settings`;
    this.log('warn', m ? `device:${m.source.deviceId}` : 'hub', m ? streamLine(m, q.streamId, text) : `${q.streamId}: ${text}`);
  }

  private effectiveStatus(m: Managed): DeviceStatus {
    const s = m.status;
    const own = s.problem;
    // The most recent of the source's own problem and the hub's; a note (a routine packet loss)
    // does not cover a warning (the source's: the share of samples it lost is large).
    const problem = m.problem && (!own || (m.problem.time >= own.time && (m.problem.level !== 'info' || own.level === 'info'))) ? m.problem : own;
    const out: DeviceStatus = { ...s, streamIds: m.streams.length ? m.streams.map((x) => x.id) : s.streamIds };
    if (problem) out.problem = problem;
    else delete out.problem;
    return out;
  }

  private publishStatus(m: Managed): void {
    this.emit('deviceStatus', this.effectiveStatus(m));
  }

  private dropStreams(m: Managed): void {
    if (m.streams.length === 0 && !this.pipeline.streams().some((s) => s.deviceId === m.source.deviceId)) return;
    this.guard(m.source.deviceId, 'remove', () => this.pipeline.removeDevice(m.source.deviceId));
    this.noteTimeline();
    for (const s of m.streams) this.mainsHum.delete(s.id);
    m.streams = [];
    m.watch.clear();
    this.emit('streams', this.pipeline.streams());
  }

  /** Runs fn; an exception (a bug, or a source passing garbage) is logged, never thrown. */
  private guard(deviceId: string, what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log('error', `device:${deviceId}`, `${what} failed and was skipped: ${errText(err)}`);
    }
  }

  private emit<K extends Listener>(kind: K, ...args: Parameters<NonNullable<HubListener[K]>>): void {
    for (const l of this.listeners) {
      const f = l[kind] as ((...a: unknown[]) => void) | undefined;
      if (!f) continue;
      try {
        f.apply(l, args);
      } catch (err) {
        // A listener that throws is dropped, so one broken consumer cannot flood the log.
        this.listeners = this.listeners.filter((x) => x !== l);
        this.log('error', 'hub', `a ${kind} listener threw and was unsubscribed: ${errText(err)}`);
      }
    }
  }

  private log(level: LogLevel, source: string, message: string): void {
    const entry: LogEntry = { time: this.clock.now(), level, source, message };
    try {
      this.extraLog?.(level, source, message);
    } catch {
      // the extra sink is best effort
    }
    if (this.listeners.length) this.emit('log', entry);
  }
}

/** Creates the hub the app shell runs: createHub({ clock, log, pipelineConfig }). */
export function createHub(opts: HubOptions): StreamHub {
  return new StreamHub(opts);
}

/** A log line about one of a device's streams: "Simulated headset, sim-eeg-1/eeg: <text>". */
function streamLine(m: Managed, streamId: string, text: string): string {
  return `${m.status.name}, ${streamId}: ${text}`;
}

function safeStatus(source: Source, fallback?: DeviceStatus): DeviceStatus {
  try {
    const s = source.status();
    if (s && typeof s === 'object') return { ...s, deviceId: source.deviceId };
  } catch {
    // fall through
  }
  return fallback ?? { deviceId: source.deviceId, name: source.deviceId, model: 'unknown', transport: 'sim', state: 'error', streamIds: [] };
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** DeviceError (src/shared/devices/device-error.ts) carries a problemCode; other errors do not. */
function problemCodeOf(err: unknown): DeviceProblemCode | undefined {
  const c = (err as { problemCode?: unknown })?.problemCode;
  return typeof c === 'string' ? (c as DeviceProblemCode) : undefined;
}
