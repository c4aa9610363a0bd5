// Channels and pushes of real devices: scan, list ports, connect, disconnect, rename, forget,
// auto-connect, BrainFlow's library (issue 7). Live statuses, streams and gaps travel in the
// pipeline's pushes ('pipeline:device-status', 'pipeline:gap'); these are the device manager's.
import type { BrainFlowLibraryInfo, DeviceConfig, PairedDevice, ScannedDevice, SerialPortInfo } from '../devices/devices.types';

export type { BrainFlowLibraryInfo, DeviceConfig, PairedDevice, ScannedDevice, SerialPortInfo };

export interface DeviceRequests {
  /** Paired (remembered) devices with their live status. */
  'hm:devices:list': { req: void; res: PairedDevice[] };
  /** Scan Bluetooth for `durationMs` (default 5000); results also arrive as 'devices:found' pushes. */
  'hm:devices:scan': { req: { durationMs?: number } | void; res: ScannedDevice[] };
  /** Serial ports on this machine (pseudo-terminals are not listed: type their path). */
  'hm:devices:ports': { req: void; res: SerialPortInfo[] };
  /** Connect (and remember unless `remember` is false); resolves once it streams. */
  'hm:devices:connect': { req: { config: DeviceConfig; remember?: boolean }; res: PairedDevice };
  'hm:devices:disconnect': { req: { deviceId: string }; res: PairedDevice | null };
  /**
   * Calls off a connect still in progress for this configuration (the add panels' Cancel: a new
   * device has no row with a Disconnect yet); its 'hm:devices:connect' then rejects as cancelled.
   * False when none was in progress (it streams already, or never started).
   */
  'hm:devices:cancel-connect': { req: { config: DeviceConfig }; res: boolean };
  'hm:devices:rename': { req: { deviceId: string; name: string }; res: PairedDevice };
  'hm:devices:auto-connect': { req: { deviceId: string; autoConnect: boolean }; res: PairedDevice };
  'hm:devices:forget': { req: { deviceId: string }; res: void };
  /** Where BrainFlow is; `path` sets the library (file or folder), null clears the setting. */
  'hm:devices:brainflow': { req: { path?: string | null } | void; res: BrainFlowLibraryInfo };
}

export type DevicePush =
  | { type: 'devices:found'; device: ScannedDevice }
  | { type: 'devices:paired'; devices: PairedDevice[] };
