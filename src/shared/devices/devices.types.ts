// What the user connects: one config per device kind, remembered between runs, and what a scan
// finds. Shared by the core (device manager) and the Devices view.
import type { DeviceStatus } from '../device.types';
import type { BrainFlowInputParams } from './brainflow/brainflow.types';
import type { SerialTextConfig } from './serial-text/serial-text.types';

export type DeviceKind = 'polar-h10' | 'hr-strap' | 'muse' | 'cyton' | 'serial-text' | 'brainflow';

export type DeviceConfig =
  | { kind: 'polar-h10' | 'hr-strap'; /** BLE id from a scan. */ id: string; name?: string }
  | { kind: 'muse'; id: string; name?: string; aux?: boolean; ppg?: boolean }
  | { kind: 'cyton'; path: string; name?: string; daisy?: boolean | 'auto'; gains?: number[] }
  | ({ kind: 'serial-text'; path: string; name?: string; baudRate?: number; startCommand?: string; stopCommand?: string } & SerialTextConfig)
  | { kind: 'brainflow'; boardId: number; name?: string; params?: Partial<BrainFlowInputParams>; libraryPath?: string; eegRows?: number[]; ecgRows?: number[] };

/** A device the user connected once: remembered in the profile and reconnected at start. */
export interface PairedDevice {
  deviceId: string;
  config: DeviceConfig;
  /** The user's name for it (rename), or the device's own. */
  name: string;
  autoConnect: boolean;
  /** Unix seconds of the last successful connection. */
  lastConnected?: number;
  /**
   * The model its driver found on the last successful connection ('muse-s', 'cyton-daisy'): the
   * row names it while the device is not connected, when the configuration alone does not say it.
   */
  model?: string;
  /**
   * A serial device's adapter by its stable name (/dev/serial/by-id/…), learnt when it connected:
   * Linux numbers adapters as they appear, so after a restart the device may be at another
   * /dev/ttyUSBn, or another adapter at its own.
   */
  portAlias?: string;
  /** Live status when the core runs it. */
  status?: DeviceStatus;
  /** On a Connect's answer only (never stored): what that Connect did. */
  connectOutcome?: ConnectOutcome;
}

/**
 * What pressing Connect did: started the device; found it already streaming with these settings
 * and left it as it is (a press that changed nothing must say so, not look like it did nothing);
 * restarted it with changed settings; or found it still trying to reach the device, and tried again
 * at once.
 */
export type ConnectOutcome = 'connected' | 'already-streaming' | 'restarted' | 'still-connecting';

/** A Bluetooth device seen while scanning. */
export interface ScannedDevice {
  id: string;
  address: string;
  name: string;
  rssiDbm: number;
  /** What HeartMind would connect it as; null when it offers nothing HeartMind reads. */
  kind: Extract<DeviceKind, 'polar-h10' | 'hr-strap' | 'muse'> | null;
  /** Already paired (remembered). */
  paired: boolean;
}

export interface SerialPortInfo {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
  guess?: 'openbci-dongle';
}

export interface BrainFlowLibraryInfo {
  /** The library in use, or null when none was found. */
  path: string | null;
  /** The path the user set in settings, if any. */
  configuredPath?: string;
  version?: string;
  /** Why it is not usable, in words. */
  problem?: string;
  /** How many places were searched. */
  searched: number;
}
