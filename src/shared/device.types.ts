// Devices as the rest of the app sees them: what state they are in and what went wrong.
// Sources (src/main/sources, src/main/devices) report these; the device panel shows them.
import type { SampleChunk, StreamInfo, Gap } from './stream.types';

export type DeviceState =
  | 'idle' // known, not started
  | 'connecting'
  | 'streaming'
  | 'reconnecting' // dropped; retrying with backoff
  | 'stopped'
  | 'error'; // gave up; `problem` says why

/**
 * Named problems a device or its data can have. Each shows in the device panel and the log;
 * none stops the pipeline.
 */
export type DeviceProblemCode =
  | 'non-finite-samples' // NaN or ±Inf in a chunk (replaced, never passed on)
  | 'time-backwards' // a chunk starts before the previous one ended
  | 'time-jump' // a chunk starts far after the previous one: a gap is marked
  | 'packet-loss' // a short run of samples missing: a gap is marked
  | 'stalled' // no data for longer than expected
  | 'channel-mismatch' // a chunk's size does not match the stream's channel count
  | 'rate-mismatch' // samples arrive at another rate than the stream's nominal one (a wrong rate setting)
  | 'truncated' // a chunk shorter than its sample count says: the device stopped mid-packet (dropped)
  | 'bad-frame' // bytes that do not parse (protocol layer)
  | 'device-error' // the device answered with an error
  | 'disconnected'
  | 'unavailable'; // library, port or radio missing

export interface DeviceProblem {
  code: DeviceProblemCode;
  message: string;
  /** Host time (s) it was seen. */
  time: number;
  /**
   * 'info': the data stay usable (a short packet loss, bridged by interpolation or marked as a
   * gap): the device's row shows it as a note, not as a warning, and the log says it as info.
   * Absent: a warning (a loss that costs windows, a stall, bad frames…).
   */
  level?: 'info';
}

export interface DeviceStatus {
  deviceId: string;
  name: string;
  model: string;
  /** Transport: simulated, ble, serial, brainflow, replay. */
  transport: 'sim' | 'ble' | 'serial' | 'brainflow' | 'replay';
  state: DeviceState;
  /** Most recent problem, cleared when the device streams cleanly again. */
  problem?: DeviceProblem;
  batteryPercent?: number;
  rssiDbm?: number;
  streamIds: string[];
  /** Device-specific settings the panel can change (e.g. montage, rate). */
  settings?: Record<string, string | number | boolean>;
  /** A remembered device not there at start (unplugged, switched off): retried slowly until it appears; `problem` says why. */
  waitingForDevice?: boolean;
  /**
   * The last drop of a real device this run, in host time (s): from its last sample before the drop
   * to its first after (no `endTime` while it is still away), and the samples missing (the longest
   * stream's). In the status so a page opened later (or reloaded) still tells since when, and what
   * the last drop cost; the gaps themselves are pushed only once.
   */
  lastDrop?: { startTime: number; endTime?: number; missingSamples: number };
}

/** Where a source delivers. Implemented by the hub. */
export interface SourceSink {
  /** Announce (or replace) the streams this source delivers. */
  streams(deviceId: string, infos: StreamInfo[]): void;
  chunk(chunk: SampleChunk): void;
  /** A gap the source knows about itself (e.g. a device drop, a sample-counter jump). */
  gap(gap: Gap): void;
  status(status: DeviceStatus): void;
  /**
   * Everything this source has is delivered (a replayed session at its end): the pipeline flushes
   * its streams, so the window ending at the last sample comes out. Optional for sinks.
   */
  endOfData?(deviceId: string): void;
}

/** Anything that produces samples: a simulated device, a real one, a replayed session. */
export interface Source {
  readonly deviceId: string;
  /**
   * True when the source notices its own silence and says so in its status (a reconnecting
   * device): the hub's stall watchdog then leaves it alone, so one stall is reported once.
   */
  readonly watchesStalls?: boolean;
  /** Start delivering into `sink`. Resolves once connected (or rejects with a DeviceError). */
  start(sink: SourceSink): Promise<void>;
  /** Stop and release the device. Safe to call twice. */
  stop(): Promise<void>;
  status(): DeviceStatus;
  /**
   * Change device settings while running (montage, rate, simulated conditions…): keys and values as
   * in DeviceStatus.settings. Optional: sources without settings omit it. Rejects with a clear
   * message on an unknown key or a bad value.
   */
  configure?(settings: Record<string, string | number | boolean>): Promise<void>;
}
