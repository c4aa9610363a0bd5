// The real-device side of the core: builds sources from configs, hands them to the hub, remembers
// paired devices in the profile and reconnects them at start, scans Bluetooth, lists serial ports,
// finds BrainFlow. Everything user-facing it returns names the device and the problem.
import { realpathSync } from 'node:fs';
import type { DeviceStatus } from '../../shared/device.types';
import { describeConfig, recogniseAdvertisement } from '../../shared/devices/device-catalog';
import { checkDeviceConfig } from '../../shared/devices/device-config';
import { BoardIds } from '../../shared/devices/brainflow/brainflow.types';
import { brainflowBoardName } from '../../shared/devices/brainflow/brainflow-board-names';
import { CONNECT_CANCELLED, DeviceError } from '../../shared/devices/device-error';
import type { BrainFlowLibraryInfo, ConnectOutcome, DeviceConfig, PairedDevice, ScannedDevice, SerialPortInfo } from '../../shared/devices/devices.types';
import { REMEMBERED_START_POLICY, type ReconnectPolicy } from '../../shared/devices/connection/connection.types';
import type { LogEntry } from '../../shared/log.types';
import type { HostClock } from '../../shared/stream.types';
import type { Hub } from '../hub/hub.types';
import type { BleCentral } from './ble/ble.types';
import { findBrainFlowLibrary, loadBrainFlow } from './brainflow/brainflow-lib';
import type { DeviceDriver } from './device-driver.types';
import { markLogged } from '../core/logged-error';
import { headed, ManagedSource, unheaded } from './device-source';
import { DeviceStore } from './device-store';
import { BrainFlowDriver } from './drivers/brainflow-driver';
import { CytonDriver } from './drivers/cyton-driver';
import { MuseDriver } from './drivers/muse-driver';
import { PolarDriver } from './drivers/polar-driver';
import { SerialTextDriver } from './drivers/serial-text-driver';
import { listSerialPorts } from './serial/serial-link';

export interface DeviceManagerOptions {
  hub: Hub;
  clock: HostClock;
  dataDir: string;
  log: (entry: LogEntry) => void;
  /** The Bluetooth radio; defaults to noble (loaded on first use). */
  central?: () => Promise<BleCentral>;
  policy?: Partial<ReconnectPolicy>;
  /** Called whenever the paired list changes. */
  onChange?: (devices: PairedDevice[]) => void;
  /** Where serial adapters' stable names are (/dev/serial/by-id); tests point it elsewhere. */
  serialAliasDir?: string;
}

/**
 * The port or radio address a device connects through (a symlink such as /dev/serial/by-id/…
 * resolved), so a second device on it is refused by name instead of "port in use by another
 * program" — the other program being HeartMind. A serial device's is where it opens now, which its
 * stable name decides: after re-enumeration its configured path may be another adapter's.
 */
function linkOf(driver: DeviceDriver, config: DeviceConfig): string | null {
  if (driver.serialPort) return driver.serialPort.where();
  const port = (p: string | undefined) => {
    if (!p) return null;
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  switch (config.kind) {
    case 'cyton':
    case 'serial-text':
      return port(config.path);
    case 'brainflow':
      return port(config.params?.serial_port) ?? (config.params?.mac_address ? `Bluetooth ${config.params.mac_address}` : null);
    case 'polar-h10':
    case 'hr-strap':
    case 'muse':
      return `Bluetooth ${config.id}`;
  }
}

/**
 * A device's name with where it connects, for the log: "Lab Cyton (serial /dev/ttyUSB0)". Default
 * names already say where ("OpenBCI Cyton (/dev/ttyUSB0)", "Muse 00:55:…", "BrainFlow Synthetic
 * board"): such a name stands alone ("OpenBCI Cyton (/tmp/x) (serial /tmp/x)" said it twice).
 */
function withPlace(name: string, config: DeviceConfig): string {
  return placeSaid(name, config) ? name : `${name} (${describeConfig(config)})`;
}

function placeSaid(name: string, config: DeviceConfig): boolean {
  switch (config.kind) {
    case 'cyton':
    case 'serial-text':
      return name.includes(config.path);
    case 'polar-h10':
    case 'hr-strap':
    case 'muse':
      return name.includes(config.id);
    case 'brainflow': {
      // Its place is the board and where it is, as its default name has them.
      const p = config.params ?? {};
      const where = p.serial_port || p.mac_address || p.ip_address || p.file || '';
      return name.includes(brainflowBoardName(config.boardId)) && (!where || name.includes(where));
    }
  }
}

/** Whether two configs connect the same way (the display name aside; key order ignored). */
function sameSettings(a: DeviceConfig, b: DeviceConfig): boolean {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k, x]) => k !== 'name' && x !== undefined).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => [k, canon(x)])) : v;
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

/**
 * Whether a newly remembered device starts ticked "Connect at start": hardware yes; a BrainFlow
 * playback file no — it played again from the top at every start, streaming old data as live.
 */
function connectsAtStart(config: DeviceConfig): boolean {
  return !(config.kind === 'brainflow' && config.boardId === BoardIds.PLAYBACK_FILE_BOARD);
}

/** The stable name a serial device's adapter has (the driver's, which starts from the profile's), for the profile. */
function learntPort(driver: DeviceDriver, before: PairedDevice | undefined): { portAlias?: string } {
  const portAlias = driver.serialPort ? driver.serialPort.stableName : before?.portAlias;
  return portAlias ? { portAlias } : {};
}

export class DeviceManager {
  readonly store: DeviceStore;
  private readonly sources = new Map<string, ManagedSource>();
  /** Configs of every device started this run (remembered or not). */
  private readonly configs = new Map<string, DeviceConfig>();
  /** The reconnect policy each device was started with (a remembered one waits for its hardware). */
  private readonly policies = new Map<string, Partial<ReconnectPolicy>>();
  private centralPromise: Promise<BleCentral> | null = null;

  constructor(private readonly opts: DeviceManagerOptions) {
    this.store = new DeviceStore(opts.dataDir);
    // A device of ours taken off the hub (disconnected, or parked while a replay runs) leaves the
    // pages' live list ('pipeline:device-removed'): its row then shows the status listed here, which
    // must be its own now ('stopped'), not the one it had when the list was last pushed.
    opts.hub.subscribe({
      deviceRemoved: (id) => {
        if (this.sources.has(id)) this.changed();
      },
    });
  }

  private log(level: LogEntry['level'], message: string): void {
    this.opts.log({ time: this.opts.clock.now(), level, source: 'devices', message });
  }

  private central = (): Promise<BleCentral> => {
    if (this.opts.central) return this.opts.central();
    this.centralPromise ??= import('./ble/noble-central').then((m) => new m.NobleCentral());
    return this.centralPromise;
  };

  /**
   * Loads the profile and reconnects remembered devices (without waiting for them). One not there
   * yet (the dongle plugged in, the headset switched on after HeartMind started) is waited for:
   * retried slowly until it appears, or until the user disconnects or forgets it.
   */
  init(): void {
    this.store.load();
    for (const w of this.store.warnings) this.log('warn', w);
    for (const p of this.store.data.paired.filter((x) => x.autoConnect)) {
      this.log('info', `reconnecting ${withPlace(p.name, p.config)}`);
      void this.startSource(p.config, p.name, REMEMBERED_START_POLICY).catch((e) => {
        // Disconnected or forgotten while waiting: the user's own doing, not a failure to report.
        const source = this.sources.get(p.deviceId);
        if (source?.state === 'stopped' || (!source && !this.store.get(p.deviceId))) return;
        this.log('warn', headed(p.name, (e as Error).message));
      });
    }
  }

  list(): PairedDevice[] {
    const live = new Map(this.opts.hub.devices().map((s) => [s.deviceId, s]));
    return this.store.data.paired.map((p) => {
      const status = live.get(p.deviceId) ?? this.sources.get(p.deviceId)?.status();
      return status ? { ...p, status } : { ...p };
    });
  }

  /** Builds the driver for a config (throws DeviceError for configs that cannot work). */
  makeDriver(config: DeviceConfig, name?: string): DeviceDriver {
    const problem = checkDeviceConfig(config);
    if (problem) throw new DeviceError('invalid-config', problem, false);
    const n = name ?? config.name;
    switch (config.kind) {
      case 'polar-h10':
      case 'hr-strap':
        return new PolarDriver({ id: config.id, name: n, ecg: config.kind === 'polar-h10', central: this.central });
      case 'muse':
        return new MuseDriver({ id: config.id, name: n, aux: config.aux, ppg: config.ppg, central: this.central });
      case 'cyton':
      {
        const id = CytonDriver.deviceIdFor(config.path);
        // The board the profile remembers (with or without its Daisy): one answering otherwise is said.
        const remembered = this.store.get(id);
        const knownDaisy = remembered && sameSettings(remembered.config, config) && (remembered.model === 'cyton' || remembered.model === 'cyton-daisy') ? { knownDaisy: remembered.model === 'cyton-daisy' } : {};
        return new CytonDriver({ path: config.path, name: n, daisy: config.daisy, gains: config.gains, ...this.serialPortOf(id), ...knownDaisy });
      }
      case 'serial-text': {
        const { kind: _k, ...rest } = config;
        const id = SerialTextDriver.deviceIdFor(config.path);
        // The profile keeps only settings a device streamed with: lines of another layout on its port
        // are then another device's (see SerialTextDeviceConfig.layoutKnown), also at the first
        // connect of this run.
        const remembered = this.store.get(id);
        return new SerialTextDriver({ ...rest, name: n, ...this.serialPortOf(id), ...(remembered && sameSettings(remembered.config, config) ? { layoutKnown: true } : {}) });
      }
      case 'brainflow': {
        // A board on a serial port is found by its adapter's stable name too (BrainFlowDriver.serialPort).
        const id = BrainFlowDriver.deviceIdFor(config);
        return new BrainFlowDriver({ ...config, name: n, libraryPath: config.libraryPath ?? this.store.data.brainflowLibraryPath, ...this.serialPortOf(id) });
      }
    }
  }

  /** Where a serial device's adapter is looked for: its stable name from the profile, and the folder. */
  private serialPortOf(deviceId: string): { aliasDir?: string; portAlias?: string } {
    const portAlias = this.store.get(deviceId)?.portAlias;
    return { ...(this.opts.serialAliasDir ? { aliasDir: this.opts.serialAliasDir } : {}), ...(portAlias ? { portAlias } : {}) };
  }

  private async startSource(config: DeviceConfig, name: string | undefined, policy: Partial<ReconnectPolicy> = {}): Promise<{ source: ManagedSource; outcome: ConnectOutcome }> {
    const driver = this.makeDriver(config, name);
    const id = driver.deviceId;
    const existing = this.sources.get(id);
    const inHub = this.opts.hub.sources().some((s) => s.deviceId === id);
    if (existing && inHub && existing.state !== 'error' && existing.state !== 'stopped') {
      const running = this.configs.get(id);
      if (running && sameSettings(running, config)) {
        if (existing.status().state === 'streaming') return { source: existing, outcome: 'already-streaming' };
        // Still trying (a remembered device waiting to be plugged in, a reconnect's backoff): the
        // press means "now", so try at once rather than at the next slow retry.
        existing.retryNow();
        return { source: existing, outcome: 'still-connecting' };
      }
      // Connect with changed settings (other ECG rows, another rate) means: use these. Returning
      // the running device unchanged, and remembering settings it never ran with, left the next
      // start to fail on them.
      const was = existing.status();
      this.log('info', `${was.name}: reconnecting with the new settings`);
      await this.opts.hub.removeSource(id);
      try {
        return { source: await this.launch(driver, config, policy), outcome: 'restarted' };
      } catch (e) {
        if (!running) throw e;
        throw await this.restorePrevious(running, was, this.policies.get(id) ?? {}, e as Error);
      }
    }
    return { source: await this.launch(driver, config, policy), outcome: 'connected' };
  }

  /** Starts a device through the hub; throws (naming the device) when it does not start. */
  private async launch(driver: DeviceDriver, config: DeviceConfig, policy: Partial<ReconnectPolicy>): Promise<ManagedSource> {
    const id = driver.deviceId;
    const link = linkOf(driver, config);
    for (const [otherId, other] of this.sources) {
      if (otherId === id || other.state === 'stopped' || other.state === 'error') continue;
      const otherConfig = this.configs.get(otherId);
      if (link && otherConfig && linkOf(other.driver, otherConfig) === link) {
        const shown = 'path' in config ? config.path : link;
        throw new DeviceError('invalid-config', `${driver.name}: ${shown} is already in use by ${other.status().name} in HeartMind: disconnect that one first`, false);
      }
    }
    // The hub keeps a source that failed to start (as an error status): take it out before retrying.
    if (this.opts.hub.sources().some((s) => s.deviceId === id)) await this.opts.hub.removeSource(id);
    const source = new ManagedSource(driver, { hostClock: this.opts.clock, policy: { ...this.opts.policy, ...policy }, log: this.opts.log });
    this.sources.set(id, source);
    this.configs.set(id, config);
    this.policies.set(id, policy);
    await this.opts.hub.addSource(source);
    // The hub turns a failed start into a status rather than an exception; the caller needs to know.
    // The hub said it in the log (the change to 'error' with its problem, or 'could not start'), so
    // the request's failure is not said again (markLogged).
    if (source.state === 'error' || source.state === 'stopped') {
      const st = source.status();
      const p = st.problem;
      if (!p && source.state === 'stopped') throw markLogged(new DeviceError('disconnected', `${st.name}: ${CONNECT_CANCELLED}`, false));
      throw markLogged(new DeviceError(p?.code === 'unavailable' ? 'unavailable' : 'device-error', p ? headed(st.name, p.message) : `${st.name} could not connect`, false));
    }
    const p = this.store.get(id);
    if (p) this.remember({ ...p, lastConnected: Math.round(this.opts.clock.now()), model: driver.model, ...learntPort(driver, p) });
    return source;
  }

  /**
   * New settings failed on a device that was running: it goes back to the settings it ran with
   * (a mistyped rate must not cost the user a working headset), and the error says both what failed
   * and where the device is now. A device that was streaming is awaited; one still waiting for its
   * hardware goes back to waiting. The log has said it all by then (the failure, 'going back', how
   * the previous settings did): the error is marked so (markLogged).
   */
  private async restorePrevious(previous: DeviceConfig, was: DeviceStatus, policy: Partial<ReconnectPolicy>, failure: Error): Promise<DeviceError> {
    const why = unheaded(was.name, failure.message);
    const code = failure instanceof DeviceError ? failure.code : 'device-error';
    this.log('warn', `${was.name}: the new settings failed (${why}); going back to the previous settings`);
    // One that was still trying (waiting for its hardware, or reconnecting after a drop) goes on
    // trying: a fresh start would give up after the quick attempts.
    const trying = was.state !== 'streaming';
    const back = this.launch(this.makeDriver(previous, was.name), previous, trying ? { ...policy, ...REMEMBERED_START_POLICY } : policy);
    if (trying) {
      back.catch((e) => this.log('warn', headed(was.name, (e as Error).message)));
      return markLogged(new DeviceError(code, `${was.name}: the new settings did not work: ${why}. It is back on its previous settings, still waiting for the device.`, false));
    }
    try {
      await back;
      return markLogged(new DeviceError(code, `${was.name}: the new settings did not work: ${why}. It is back on its previous settings and streaming.`, false));
    } catch (e) {
      return markLogged(new DeviceError(code, `${was.name}: the new settings did not work: ${why}. Its previous settings did not connect either: ${unheaded(was.name, (e as Error).message)}`, false));
    }
  }

  /**
   * Connects a device and, once it streams, remembers it (unless `remember` is false). A device
   * that never connected is not remembered: a mistyped port must not linger in the list.
   */
  async connect(config: DeviceConfig, remember = true): Promise<PairedDevice> {
    const driver = this.makeDriver(config);
    const id = driver.deviceId;
    const known = this.store.get(id);
    let outcome: ConnectOutcome;
    try {
      let source: ManagedSource;
      ({ source, outcome } = await this.startSource(config, known?.name ?? config.name));
      if (remember && outcome !== 'still-connecting') {
        const now = this.store.get(id);
        this.remember({ deviceId: id, config, name: now?.name ?? config.name ?? driver.name, autoConnect: now?.autoConnect ?? connectsAtStart(config), lastConnected: Math.round(this.opts.clock.now()), model: source.driver.model, ...learntPort(source.driver, now) });
      }
    } finally {
      this.changed();
    }
    return { ...this.entry(id), connectOutcome: outcome };
  }

  /**
   * Remembers a connected device. A profile that cannot be written (a read-only or missing data
   * folder) does not undo the connection: the device streams and is remembered until the app
   * closes; the log says why it will not be next time.
   */
  private remember(entry: Parameters<DeviceStore['upsert']>[0]): void {
    try {
      this.store.upsert(entry);
    } catch (err) {
      this.log('warn', `${entry.name} is connected, but will be forgotten when HeartMind closes: ${(err as Error).message}`);
    }
  }

  async disconnect(deviceId: string): Promise<PairedDevice | null> {
    // Taken off the hub, the list is pushed from its deviceRemoved; one not in the hub is pushed here.
    if (this.opts.hub.sources().some((s) => s.deviceId === deviceId)) await this.opts.hub.removeSource(deviceId);
    else {
      await this.sources.get(deviceId)?.stop();
      this.changed();
    }
    return this.store.get(deviceId) ? this.entry(deviceId) : null;
  }

  /**
   * Stops the device `config` names if it is still connecting (a new device's Cancel in the add
   * panels, which have no row to press Disconnect on): its connect then rejects as cancelled.
   */
  async cancelConnect(config: DeviceConfig): Promise<boolean> {
    const id = this.makeDriver(config).deviceId;
    const source = this.sources.get(id);
    if (!source || source.state === 'stopped' || source.state === 'error' || source.status().state === 'streaming') return false;
    this.log('info', `${source.status().name}: connect cancelled`);
    await this.disconnect(id);
    return true;
  }

  rename(deviceId: string, name: string): PairedDevice {
    const p = this.store.get(deviceId);
    if (!p) throw new DeviceError('invalid-config', `no paired device ${deviceId}`, false);
    const clean = name.trim().slice(0, 200);
    if (!clean) throw new DeviceError('invalid-config', 'a name cannot be empty', false);
    this.store.upsert({ ...p, name: clean });
    this.sources.get(deviceId)?.rename(clean);
    this.changed();
    return this.entry(deviceId);
  }

  setAutoConnect(deviceId: string, autoConnect: boolean): PairedDevice {
    const p = this.store.get(deviceId);
    if (!p) throw new DeviceError('invalid-config', `no paired device ${deviceId}`, false);
    this.store.upsert({ ...p, autoConnect });
    this.changed();
    return this.entry(deviceId);
  }

  async forget(deviceId: string): Promise<void> {
    await this.disconnect(deviceId);
    this.sources.delete(deviceId);
    this.store.remove(deviceId);
    this.changed();
  }

  /** Scans Bluetooth for `durationMs`; each supported device is reported once (RSSI updated). */
  async scan(durationMs: number, onFound?: (d: ScannedDevice) => void): Promise<ScannedDevice[]> {
    const central = await this.central();
    const found = new Map<string, ScannedDevice>();
    await central.scan({ durationMs }, (ad) => {
      const kind = recogniseAdvertisement(ad.name, ad.serviceUuids);
      if (!kind) return;
      const paired = this.store.data.paired.some((p) => 'id' in p.config && p.config.id === ad.id);
      const d: ScannedDevice = { id: ad.id, address: ad.address, name: ad.name || ad.address, rssiDbm: ad.rssi, kind, paired };
      const first = !found.has(ad.id);
      found.set(ad.id, d);
      if (first) onFound?.(d);
    });
    return [...found.values()].sort((a, b) => b.rssiDbm - a.rssiDbm);
  }

  async ports(): Promise<SerialPortInfo[]> {
    return listSerialPorts();
  }

  /** Where BrainFlow is (setting `path` first if given; null clears the setting). */
  async brainflowLibrary(path?: string | null): Promise<BrainFlowLibraryInfo> {
    if (path !== undefined) {
      if (path === null || path === '') delete this.store.data.brainflowLibraryPath;
      else this.store.data.brainflowLibraryPath = path;
      this.store.save();
    }
    const configured = this.store.data.brainflowLibraryPath;
    const r = findBrainFlowLibrary({ explicit: configured });
    const info: BrainFlowLibraryInfo = { path: r.path, searched: r.tried.length, ...(configured ? { configuredPath: configured } : {}) };
    if (!r.path) return { ...info, problem: configured ? `no BrainFlow library at ${configured}` : 'BrainFlow not found: pip install brainflow, or set the path to libBoardController' };
    try {
      const lib = await loadBrainFlow(r.path);
      return { ...info, version: lib.version };
    } catch (e) {
      return { ...info, problem: (e as Error).message };
    }
  }

  private entry(deviceId: string): PairedDevice {
    const p = this.list().find((x) => x.deviceId === deviceId);
    if (p) return p;
    const status = this.sources.get(deviceId)?.status();
    const config = this.configs.get(deviceId);
    if (!config) throw new DeviceError('invalid-config', `no device ${deviceId}`, false);
    return { deviceId, config, name: status?.name ?? deviceId, autoConnect: false, ...(status ? { status } : {}) };
  }

  private changed(): void {
    this.opts.onChange?.(this.list());
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.sources.values()].map((s) => s.stop().catch(() => undefined)));
  }
}
