// Channels and pushes of the live pipeline: streams, conditioned samples, windows, features,
// device statuses and the log (issue 3).
import type { DeviceStatus } from '../device.types';
import type { EegFeatures, HeartFeatures, QualityReport } from '../features.types';
import type { LogEntry } from '../log.types';
import type { Gap, StreamInfo } from '../stream.types';
import type { ConditionedBlock, SyncWindow } from '../window.types';
import type { SignalSettings } from '../pipeline/signal-settings';
import type { StreamClockState } from '../pipeline/pipeline.types';

/** A value a device setting can take (montage name, rate in Hz, a switch). */
export type DeviceSettingValue = string | number | boolean;

/** One setting the device panel can change, with the values it accepts. */
export interface DeviceSettingSpec {
  key: string;
  label: string;
  options: { value: DeviceSettingValue; label: string }[];
}

/** A fault the device panel can inject into a simulated device (to see the pipeline cope). */
export interface DeviceFaultSpec {
  id: string;
  label: string;
}

/** What the panel may do with one device beyond its status. */
export interface DeviceControls {
  deviceId: string;
  settings: DeviceSettingSpec[];
  faults: DeviceFaultSpec[];
}

/** How windows are cut (follows the signal settings). */
export interface WindowingInfo {
  lengthS: number;
  hopS: number;
  rateHz: number;
}

/** Everything a freshly opened page needs before pushes start to flow. */
export interface PipelineSnapshot {
  streams: StreamInfo[];
  devices: DeviceStatus[];
  controls: DeviceControls[];
  /** Most recent log lines, oldest first. */
  logs: LogEntry[];
  windowing: WindowingInfo;
  /** Mains, notch, pass-bands and windowing in force (a replay runs under its recorded ones). */
  settings: SignalSettings;
  /** Where the core runs: 'electron' (main process) or 'serve' (plain Node). */
  runtime: 'electron' | 'serve';
  version: string;
  /** Each stream's device-clock → host-clock mapping as estimated now (then 'pipeline:clock' pushes). */
  clocks: StreamClockState[];
}

export interface DeviceRef {
  deviceId: string;
}

export interface PipelineRequests {
  'hm:pipeline:snapshot': { req: void; res: PipelineSnapshot };
  'hm:pipeline:device-start': { req: DeviceRef; res: DeviceStatus };
  'hm:pipeline:device-stop': { req: DeviceRef; res: DeviceStatus };
  /** Change settings (montage, rate...); a running device restarts with them. */
  'hm:pipeline:device-configure': { req: DeviceRef & { settings: Record<string, DeviceSettingValue> }; res: DeviceStatus };
  'hm:pipeline:device-fault': { req: DeviceRef & { fault: string }; res: void };
  /** New signal settings: every stream restarts its filters (as after a gap); kept across restarts. */
  'hm:pipeline:set-settings': { req: SignalSettings; res: SignalSettings };
}

/** Pushes are named '<area>:<what>'; every field is a plain value or a typed array. */
export type PipelinePush =
  | { type: 'pipeline:streams'; streams: StreamInfo[] }
  | { type: 'pipeline:conditioned'; block: ConditionedBlock }
  | { type: 'pipeline:window'; window: SyncWindow }
  | { type: 'pipeline:heart'; features: HeartFeatures }
  /** One R peak as soon as it is decided (host s): the ECG trace marks it without waiting for the next heart features. */
  | { type: 'pipeline:r-peak'; streamId: string; time: number }
  | { type: 'pipeline:eeg'; features: EegFeatures }
  | { type: 'pipeline:quality'; report: QualityReport }
  | { type: 'pipeline:gap'; gap: Gap }
  /** The settings in force changed (the user's, or a replay's recorded ones). */
  | { type: 'pipeline:settings'; settings: SignalSettings; windowing: WindowingInfo }
  | { type: 'pipeline:device-status'; status: DeviceStatus }
  /**
   * The device left the core's list: taken off the hub and not one the core keeps while stopped
   * (a replay closed, a paired device disconnected or parked for a replay; not a demo device,
   * which stays listed as stopped). Its 'stopped' status came just before; pages drop it.
   */
  | { type: 'pipeline:device-removed'; deviceId: string }
  /**
   * A stream's clock mapping (offset, drift, jitter, fit), at most once per CLOCK_PUSH_SEC of its
   * data: it changes on a scale of minutes, so it rides on no per-chunk message.
   */
  | { type: 'pipeline:clock'; state: StreamClockState }
  | { type: 'pipeline:log'; entry: LogEntry };
