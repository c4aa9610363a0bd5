// The radio, reduced to what the Polar and Muse drivers need. noble implements it on real
// Bluetooth (noble-central.ts); the emulators in ../emulator implement it in memory, so the
// drivers' protocol logic runs in tests and benchmarks without a radio. UUIDs are noble's form:
// lower case, no dashes, 16-bit ones as four hex digits ('180d').

export interface BleAdvertisement {
  /** noble's peripheral id (the address on Linux/Windows, a per-host UUID on macOS). */
  id: string;
  address: string;
  name: string;
  rssi: number;
  serviceUuids: string[];
}

export interface BleScanOptions {
  durationMs: number;
  /** Only devices advertising one of these services (empty: all). */
  serviceUuids?: string[];
  /** Ends the scan early once this returns true for an advertisement (the device looked for was heard). */
  until?: (ad: BleAdvertisement) => boolean;
  /** Ends the scan early when aborted (the connect that listens was cancelled). */
  signal?: AbortSignal;
}

export interface BleCentral {
  /** Scans for `durationMs`, calling `onFound` for each advertisement (repeats update RSSI). */
  scan(opts: BleScanOptions, onFound: (ad: BleAdvertisement) => void): Promise<void>;
  /**
   * Connects to a device by its id (scanning for it first if it was not seen lately). Aborting
   * `signal` ends it in whatever phase it is (listening, connecting, discovering services): it
   * rejects with the signal's reason and leaves no link open.
   */
  connect(id: string, timeoutMs: number, signal?: AbortSignal): Promise<BleLink>;
}

export interface BleLink {
  readonly id: string;
  readonly name: string;
  has(service: string, characteristic: string): boolean;
  read(service: string, characteristic: string): Promise<Uint8Array>;
  write(service: string, characteristic: string, data: Uint8Array, withResponse: boolean): Promise<void>;
  /** Enables notifications and delivers each one. */
  subscribe(service: string, characteristic: string, onData: (bytes: Uint8Array) => void): Promise<void>;
  readRssi(): Promise<number>;
  /** Called once if the link drops without us asking. */
  onDisconnect(cb: (reason: string) => void): void;
  disconnect(): Promise<void>;
}
