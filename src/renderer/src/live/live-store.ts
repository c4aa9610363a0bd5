// Everything the live dashboard shows, fed by the core's pushes. Two kinds of consumers:
//  - the trace charts read the TraceBuffers directly on each animation frame (no virtual DOM);
//  - panels (tiles, devices, windows, log) re-render from `version`, at most a few times a second.
import type { DeviceStatus } from '../../../shared/device.types';
import type { EegFeatures, HeartFeatures, QualityReport } from '../../../shared/features.types';
import type { DeviceControls, PipelineSnapshot, WindowingInfo } from '../../../shared/ipc/pipeline.schema';
import type { LogEntry } from '../../../shared/log.types';
import type { SignalSettings } from '../../../shared/pipeline/signal-settings';
import type { StreamClockState } from '../../../shared/pipeline/pipeline.types';
import type { Gap, StreamInfo } from '../../../shared/stream.types';
import type { AbsentReason, ConditionedBlock, ModalityBlock, QualityFlag, SyncWindow } from '../../../shared/window.types';
import type { ConnectionState, HeartMindClient } from '../transport/client';
import { EventMarks } from './event-marks';
import { TraceBuffer } from './trace-buffer';

/** Longest time window the traces can show. */
export const MAX_TRACE_SECONDS = 30;
const MAX_WINDOWS = 120;
const MAX_LOGS = 500;
/** R peaks and events are kept a little longer than the longest span shows. */
const MAX_MARK_AGE_S = MAX_TRACE_SECONDS + 5;

export interface ModalitySummary {
  present: boolean;
  absentReason?: AbsentReason;
  channels: number;
  /** Mean channel quality score 0..1 (NaN when absent). */
  quality: number;
  badChannels: string[];
  /**
   * Each channel's quality flags, kept only when the modality is absent as 'bad-quality' (every
   * channel unusable), so the windows table names what is wrong (unusableText), not only that it is.
   */
  channelFlags?: { label: string; flags: QualityFlag[] }[];
}

/** What the window stream panel shows of a SyncWindow (the samples are not kept). */
export interface WindowSummary {
  seq: number;
  startTime: number;
  lengthS: number;
  eeg: ModalitySummary;
  ecg: ModalitySummary;
  /** Wall-clock ms when it reached this page. */
  receivedAt: number;
}

/**
 * Arrival times of windows and sample blocks (wall-clock ms, sub-ms precision), bounded: what the
 * latency benchmark reads from the page. Cheap enough to keep on always.
 */
export interface ArrivalLog {
  windows: { seq: number; t: number }[];
  blocks: { streamId: string; startTime: number; t: number }[];
}

const MAX_ARRIVALS = 4096;

declare global {
  interface Window {
    __heartmindArrivals?: ArrivalLog;
  }
}

export function wallNowS(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}

function summarise(block: ModalityBlock): ModalitySummary {
  const scores = block.quality.map((q) => q.score);
  return {
    present: block.present,
    absentReason: block.absentReason,
    channels: block.channels.length,
    quality: block.present && scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : NaN,
    badChannels: block.quality.filter((q) => q.score < 0.5).map((q) => q.label),
    ...(block.absentReason === 'bad-quality' ? { channelFlags: block.quality.map((q) => ({ label: q.label, flags: q.flags })) } : {}),
  };
}

/**
 * Maps wall-clock "now" to the host time the traces should end at, so they scroll smoothly
 * although samples arrive in packets: the display runs behind the newest sample by the largest
 * arrival lag seen in the last two seconds.
 */
class Playout {
  private lags: { at: number; lag: number }[] = [];
  private newest = NaN;

  observe(endTime: number): void {
    const now = wallNowS();
    this.newest = Number.isNaN(this.newest) ? endTime : Math.max(this.newest, endTime);
    this.lags.push({ at: now, lag: now - endTime });
    while (this.lags.length && this.lags[0].at < now - 2) this.lags.shift();
  }

  /** Host time at the right edge of the traces now. */
  edge(): number {
    if (this.lags.length === 0) return this.newest;
    let max = -Infinity;
    for (const l of this.lags) if (l.lag > max) max = l.lag;
    return Math.min(this.newest, wallNowS() - max - 0.01);
  }
}

export class LiveStore {
  streams = new Map<string, StreamInfo>();
  traces = new Map<string, TraceBuffer>();
  devices = new Map<string, DeviceStatus>();
  controls = new Map<string, DeviceControls>();
  heart = new Map<string, HeartFeatures>();
  eeg = new Map<string, EegFeatures>();
  quality = new Map<string, QualityReport>();
  /** Each stream's device-clock → host-clock mapping (the device cards show it). */
  clocks = new Map<string, StreamClockState>();
  /** R-peak host times per ECG stream, oldest first. */
  rPeaks = new Map<string, number[]>();
  gaps: Gap[] = [];
  /** Markers and self-reports the traces show, live or replayed. */
  readonly events = new EventMarks(MAX_MARK_AGE_S);
  windows: WindowSummary[] = [];
  lastWindow: SyncWindow | null = null;
  logs: LogEntry[] = [];
  windowing: WindowingInfo | null = null;
  /** Signal settings in force (mains, notch, pass-bands, windows). */
  settings: SignalSettings | null = null;
  runtime: PipelineSnapshot['runtime'] | null = null;
  coreVersion = '';
  connection: ConnectionState = 'connecting';
  /**
   * Wall-clock s when an open connection to the core was lost; null while connected and before the
   * first connection. Everything the store holds is then the last the core sent, not current.
   */
  lostAt: number | null = null;
  readonly playout = new Playout();
  /** Bumped on every change the panels show. */
  version = 0;
  /** Bumped on every new sample block (the trace charts watch it). */
  traceVersion = 0;

  private readonly listeners = new Set<() => void>();
  private readonly unsubscribers: (() => void)[] = [];
  readonly arrivals: ArrivalLog = { windows: [], blocks: [] };

  constructor(private readonly client: HeartMindClient) {
    window.__heartmindArrivals = this.arrivals;
    const on = client.on.bind(client);
    this.unsubscribers.push(
      client.onConnection((state) => {
        if (state === 'open') this.lostAt = null;
        else if (this.connection === 'open') this.lostAt = wallNowS();
        this.connection = state;
        this.changed();
        if (state === 'open') void this.resync();
      }),
      on('pipeline:streams', (m) => this.setStreams(m.streams)),
      on('pipeline:conditioned', (m) => this.addBlock(m.block)),
      on('pipeline:window', (m) => this.addWindow(m.window)),
      on('pipeline:heart', (m) => this.addHeart(m.features)),
      on('pipeline:r-peak', (m) => this.addRPeaks(m.streamId, [m.time], m.time)),
      on('pipeline:eeg', (m) => {
        this.eeg.set(m.features.streamId, m.features);
        this.changed();
      }),
      on('pipeline:quality', (m) => {
        this.quality.set(m.report.streamId, m.report);
        this.changed();
      }),
      on('pipeline:gap', (m) => {
        this.gaps.push(m.gap);
        if (this.gaps.length > 100) this.gaps.shift();
        this.changed();
      }),
      on('pipeline:clock', (m) => {
        this.clocks.set(m.state.streamId, m.state);
        this.changed();
      }),
      on('pipeline:device-status', (m) => {
        this.devices.set(m.status.deviceId, m.status);
        this.changed();
      }),
      // The core says when a device leaves its list (a replay closed, a paired device disconnected
      // or parked for a replay); one it keeps while stopped (the demo devices) stays, stopped.
      on('pipeline:device-removed', (m) => {
        if (this.devices.delete(m.deviceId)) this.changed();
      }),
      on('pipeline:log', (m) => this.addLog(m.entry)),
      on('sessions:marker', (m) => this.events.addMarker(m.marker)),
      on('sessions:self-report', (m) => this.events.addSelfReport(m.report)),
      on('pipeline:settings', (m) => {
        this.settings = m.settings;
        this.windowing = m.windowing;
        this.changed();
      }),
    );
  }

  /** Fetches the full state (at start and after every reconnect). */
  async resync(): Promise<void> {
    try {
      const snap = await this.client.invoke('hm:pipeline:snapshot');
      this.setStreams(snap.streams);
      this.devices = new Map(snap.devices.map((d) => [d.deviceId, d]));
      this.controls = new Map(snap.controls.map((c) => [c.deviceId, c]));
      this.logs = snap.logs.slice(-MAX_LOGS);
      this.windowing = snap.windowing;
      this.settings = snap.settings;
      this.runtime = snap.runtime;
      this.coreVersion = snap.version;
      this.clocks = new Map(snap.clocks.filter((c) => this.streams.has(c.streamId)).map((c) => [c.streamId, c]));
      this.changed();
    } catch (err) {
      this.addLog({ time: wallNowS(), level: 'error', source: 'renderer', message: `could not load the pipeline state: ${(err as Error).message}` });
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    for (const u of this.unsubscribers) u();
  }

  addLog(entry: LogEntry): void {
    this.logs.push(entry);
    if (this.logs.length > MAX_LOGS) this.logs.splice(0, this.logs.length - MAX_LOGS);
    this.changed();
  }

  streamsOf(modality: StreamInfo['modality']): StreamInfo[] {
    return [...this.streams.values()].filter((s) => s.modality === modality);
  }

  private setStreams(streams: StreamInfo[]): void {
    this.streams = new Map(streams.map((s) => [s.id, s]));
    // What a stream that has gone (a device stopped, a replay closed) left behind is not shown.
    for (const perStream of [this.traces, this.heart, this.eeg, this.quality, this.rPeaks, this.clocks]) {
      for (const id of perStream.keys()) if (!this.streams.has(id)) perStream.delete(id);
    }
    this.changed();
  }

  private addBlock(block: ConditionedBlock): void {
    const blocks = this.arrivals.blocks;
    blocks.push({ streamId: block.streamId, startTime: block.startTime, t: wallNowS() * 1000 });
    if (blocks.length > MAX_ARRIVALS) blocks.splice(0, blocks.length - MAX_ARRIVALS / 2);
    let buf = this.traces.get(block.streamId);
    if (!buf || !buf.accepts(block)) {
      buf = new TraceBuffer(block.channels, block.rateHz, MAX_TRACE_SECONDS);
      this.traces.set(block.streamId, buf);
      this.changed();
    }
    buf.append(block);
    this.playout.observe(buf.endTime);
    this.traceVersion++;
  }

  private addWindow(w: SyncWindow): void {
    const receivedAt = wallNowS() * 1000;
    const arrived = this.arrivals.windows;
    arrived.push({ seq: w.seq, t: receivedAt });
    if (arrived.length > MAX_ARRIVALS) arrived.splice(0, arrived.length - MAX_ARRIVALS / 2);
    this.lastWindow = w;
    this.events.prune(w.startTime + w.samples / w.rateHz);
    this.windows.push({ seq: w.seq, startTime: w.startTime, lengthS: w.samples / w.rateHz, eeg: summarise(w.eeg), ecg: summarise(w.ecg), receivedAt });
    if (this.windows.length > MAX_WINDOWS) this.windows.shift();
    this.changed();
  }

  private addHeart(f: HeartFeatures): void {
    this.heart.set(f.streamId, f);
    this.addRPeaks(f.streamId, f.rPeakTimes, f.time);
    this.changed();
  }

  /**
   * R peaks for the ECG trace's markers: each arrives alone as soon as it is decided
   * ('pipeline:r-peak') and again in the next heart features, so those already held are skipped.
   * The traces read this list every frame: no re-render is needed.
   */
  private addRPeaks(streamId: string, times: readonly number[], now: number): void {
    let peaks = this.rPeaks.get(streamId);
    if (!peaks) this.rPeaks.set(streamId, (peaks = []));
    for (const t of times) if (t > (peaks.length ? peaks[peaks.length - 1] : -Infinity) + 1e-3) peaks.push(t);
    const cutoff = now - MAX_MARK_AGE_S;
    let drop = 0;
    while (drop < peaks.length && peaks[drop] < cutoff) drop++;
    if (drop) peaks.splice(0, drop);
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}
