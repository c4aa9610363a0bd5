// What a device driver (one per device family) implements, and what it is given. A driver knows
// its protocol: it opens the link, configures the device, decodes with the pure parsers in
// src/shared/devices and delivers samples through its context. The ManagedSource around it
// (device-source.ts) owns connection state, reconnects, gaps, device-time continuity and statuses.
import type { DeviceProblemCode, DeviceStatus } from '../../shared/device.types';
import type { DeviceClockKind } from '../../shared/devices/device-timeline';
import type { ReconnectPolicy } from '../../shared/devices/connection/connection.types';
import type { DeviceError } from '../../shared/devices/device-error';
import type { LogLevel } from '../../shared/log.types';
import type { GapReason, StreamInfo } from '../../shared/stream.types';

export interface DriverContext {
  /** Announce the streams of this session (the same ids every session). */
  streams(infos: StreamInfo[]): void;
  /**
   * Deliver samples. `rawDeviceTime` is the first sample's time on the device's clock, s (for a
   * counter clock, counted from this session's first sample). Planar data, channels × count.
   */
  samples(streamId: string, rawDeviceTime: number, count: number, data: Float32Array): void;
  /**
   * Samples the device's own counter or timestamps say were lost inside this session; 'paused':
   * not lost but never made (a playback file's recording was paused there).
   */
  lost(streamId: string, missingSamples: number, reason: Extract<GapReason, 'packet-loss' | 'time-jump' | 'paused'>): void;
  /**
   * The device will send nothing for `seconds`, by design (a playback file reaching a pause in its
   * recording, which BrainFlow waits out): the silence is not taken for a stall. Data ends it.
   */
  quiet(seconds: number, why: string): void;
  /** A problem that does not end the session (bad frames, a refused optional command). */
  problem(code: DeviceProblemCode, message: string): void;
  battery(percent: number): void;
  rssi(dbm: number): void;
  /** Rename as the device reports itself (e.g. the Muse's "hn" reply). */
  describe(patch: Partial<Pick<DeviceStatus, 'name' | 'settings'>>): void;
  log(level: LogLevel, message: string): void;
  /** The link went away mid-session: the source reconnects. */
  dropped(error: DeviceError): void;
  /**
   * A problem no reconnect can fix (the device's output does not fit its configuration): the
   * session ends, the device shows `error` with this problem and the log says it, so the panel
   * tells the user what to change instead of a stall and a round of futile retries. With
   * `retry`, the output is taken as another device's, one that may go away (a device on the port a
   * remembered one left): the session ends, and the source says this problem and keeps trying.
   */
  fail(code: DeviceProblemCode, message: string, opts?: { retry: boolean }): void;
  /**
   * The device has nothing more to send (a playback file played to its end): the session ends,
   * the device shows `stopped` with this message, and nothing reconnects — otherwise the silence
   * would read as a drop, and each reconnect would play the file again behind a false gap.
   */
  finished(message: string): void;
  /** True once the session was closed: drivers stop delivering. */
  readonly closed: boolean;
  /**
   * Aborted when `closed` becomes true. A driver still opening (a Bluetooth connect listening for
   * its device, discovering services, waiting for the answer to a start command) gives up at once
   * on it and releases what it opened: a Disconnect pressed while a strap was still connecting let
   * the attempt carry on, start the strap's ECG and hold the radio link until it finished.
   */
  readonly signal: AbortSignal;
}

export interface DriverSession {
  /** Stop the device (stop commands) and release the link. Must not throw. */
  close(): Promise<void>;
}

export interface DeviceDriver {
  readonly deviceId: string;
  readonly name: string;
  /** Machine-readable model: 'polar-h10', 'muse-2', 'cyton', 'cyton-daisy', 'serial-text', 'brainflow:-1'. */
  readonly model: string;
  readonly transport: DeviceStatus['transport'];
  readonly clockKind: DeviceClockKind;
  /** Streams this device will deliver (known before connecting, may be refined per session). */
  readonly streamIds: string[];
  readonly settings?: Record<string, string | number | boolean>;
  /** How this transport should retry (a missing serial port is cheap to try, a BLE scan is not). */
  readonly reconnect?: Partial<ReconnectPolicy>;
  /**
   * What to check when the link opens but no samples come (said after "connected, but no samples
   * came in 3.0 s"): a port that opens whatever is behind it needs this most.
   */
  readonly quietHint?: string;
  /** What to change when samples arrive at another rate than the stream's (a rate the user typed). */
  readonly rateHint?: string;
  /**
   * What to check when the samples the device says it lost cost windows (past MAX_BRIDGED_SHARE).
   * Default: the radio link (Bluetooth, the Cyton's board-to-dongle radio, most BrainFlow boards).
   */
  readonly lossHint?: string;
  /**
   * Serial drivers: the adapter's stable name once learnt (remembered in the profile, so a restart
   * finds a device that came back under another /dev name) and the port the next open goes to
   * (null: none, its adapter is not plugged in). See SerialPortFinder.
   */
  readonly serialPort?: { readonly stableName: string | null; where(): string | null };
  /** Connect, configure and start streaming; reject with a DeviceError when that fails. */
  open(ctx: DriverContext): Promise<DriverSession>;
  /**
   * The user asked for a try now (Connect or Try now on a device still trying): a driver that holds
   * back from its port (the Cyton from one that never answered it) tries it again at the next open.
   */
  retryAsked?(): void;
}
