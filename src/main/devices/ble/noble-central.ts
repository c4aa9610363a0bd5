// Real Bluetooth LE through @abandonware/noble (maintained fork of noble; Linux via BlueZ HCI
// sockets, macOS via CoreBluetooth, Windows via WinRT). Imported lazily: on a machine without a
// Bluetooth adapter its import throws EAFNOSUPPORT, and the rest of the app must not care.
import { DeviceError } from '../../../shared/devices/device-error';
import type { BleAdvertisement, BleCentral, BleLink, BleScanOptions } from './ble.types';

type Noble = typeof import('@abandonware/noble');
type Peripheral = import('@abandonware/noble').Peripheral;
type Characteristic = import('@abandonware/noble').Characteristic;

const POWER_ON_TIMEOUT_MS = 5_000;

/** What to tell the user when the radio is not usable, per OS. */
export function bluetoothHint(state: string, platform: NodeJS.Platform = process.platform): string {
  if (state === 'unauthorized')
    return platform === 'darwin'
      ? 'macOS denied Bluetooth: allow HeartMind (or your terminal) in System Settings → Privacy & Security → Bluetooth'
      : 'Bluetooth permission denied';
  if (state === 'poweredOff') return 'Bluetooth is switched off';
  if (state === 'unsupported') return platform === 'linux' ? 'no usable Bluetooth LE adapter (is bluetoothd running, and does node have cap_net_raw? see docs/devices.md)' : 'this machine has no Bluetooth LE adapter';
  return `Bluetooth is not ready (${state})`;
}

let noblePromise: Promise<Noble> | null = null;

async function loadNoble(): Promise<Noble> {
  noblePromise ??= import('@abandonware/noble').then(
    (m) => ((m as unknown as { default?: Noble }).default ?? m) as Noble,
    (e: NodeJS.ErrnoException) => {
      noblePromise = null;
      const why = e.code === 'EAFNOSUPPORT' ? 'this machine has no Bluetooth adapter (or the kernel lacks Bluetooth sockets)' : e.message;
      throw new DeviceError('unavailable', `Bluetooth unavailable: ${why}`);
    },
  );
  return noblePromise;
}

async function poweredOn(noble: Noble): Promise<void> {
  if (noble._state === 'poweredOn') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      noble.removeListener('stateChange', onState);
      reject(new DeviceError('unavailable', `Bluetooth unavailable: ${bluetoothHint(noble._state)}`));
    }, POWER_ON_TIMEOUT_MS);
    const onState = (s: string) => {
      if (s === 'poweredOn') {
        clearTimeout(timer);
        noble.removeListener('stateChange', onState);
        resolve();
      } else if (s === 'unauthorized' || s === 'unsupported') {
        clearTimeout(timer);
        noble.removeListener('stateChange', onState);
        reject(new DeviceError('unavailable', `Bluetooth unavailable: ${bluetoothHint(s)}`, false));
      }
    };
    noble.on('stateChange', onState);
  });
}

/** How long a connect listens for a device it has not heard yet, at most, ms. */
const CONNECT_SCAN_MS = 8_000;
/**
 * A device last heard longer ago than this (ms) is listened for before a connect: one switched off
 * or gone out of range since (or that stopped advertising to keep a link) was else connected to
 * blind, from the peripheral a scan once found, and the attempt waited out its whole connect
 * timeout ("connecting to … took longer than 10 s") where an attempt for a device not heard yet
 * said "not found (out of range, switched off …)": two messages for one absent device.
 */
const HEARD_LATELY_MS = 10_000;

export class NobleCentral implements BleCentral {
  /** Peripherals seen while scanning, by id: noble connects only to discovered peripherals. */
  private readonly seen = new Map<string, Peripheral>();
  /**
   * Scans running now. The radio scans once for all of them: a user's Scan and the connect of a
   * remembered device waiting for its headset overlap, and the first to finish stopped the radio
   * under the other (the user's list stayed empty).
   */
  private scanners = 0;

  /** When each peripheral in `seen` was last heard advertising (`now()`, ms). */
  private readonly heardAt = new Map<string, number>();

  /** `load` is noble by default; tests hand in an object with noble's scanning surface (and a clock, ms). */
  constructor(
    private readonly load: () => Promise<Noble> = loadNoble,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async scan(opts: BleScanOptions, onFound: (ad: BleAdvertisement) => void): Promise<void> {
    const noble = await this.load();
    await poweredOn(noble);
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    const want = opts.serviceUuids?.length ? new Set(opts.serviceUuids) : null;
    const onDiscover = (p: Peripheral) => {
      this.seen.set(p.id, p);
      this.heardAt.set(p.id, this.now());
      const ad: BleAdvertisement = { id: p.id, address: p.address, name: p.advertisement?.localName ?? '', rssi: p.rssi, serviceUuids: p.advertisement?.serviceUuids ?? [] };
      // Filtered here, not by the radio: the one radio scan serves every scanner.
      if (want && !ad.serviceUuids.some((u) => want.has(u))) return;
      onFound(ad);
      if (opts.until?.(ad)) finish();
    };
    noble.on('discover', onDiscover);
    this.scanners++;
    const timer = setTimeout(finish, opts.durationMs);
    opts.signal?.addEventListener('abort', finish, { once: true });
    if (opts.signal?.aborted) finish();
    try {
      if (this.scanners === 1) await noble.startScanningAsync([], true);
      await finished;
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', finish);
      noble.removeListener('discover', onDiscover);
      if (--this.scanners === 0) await noble.stopScanningAsync().catch(() => undefined);
    }
  }

  async connect(id: string, timeoutMs: number, signal?: AbortSignal): Promise<BleLink> {
    signal?.throwIfAborted();
    let p = this.seen.get(id);
    if (!p || !(this.now() - (this.heardAt.get(id) ?? -Infinity) <= HEARD_LATELY_MS)) {
      // Listening is the only way to know the device is there: it ends the moment the device is
      // heard (a headset just switched on connects in well under a second, not after 8 s).
      const from = this.now();
      await this.scan({ durationMs: Math.min(timeoutMs, CONNECT_SCAN_MS), until: (ad) => ad.id === id, signal }, () => undefined);
      signal?.throwIfAborted();
      p = (this.heardAt.get(id) ?? -Infinity) >= from ? this.seen.get(id) : undefined;
    }
    if (!p) throw new DeviceError('unavailable', `Bluetooth device ${id} not found (out of range, switched off, or connected to another app?)`);
    const peripheral = p;
    // Cancelled mid-way: a connect still pending is called off (noble then fails it), and a link
    // that came up is closed, so nothing stays connected to a device nobody wants any more.
    const hangUp = () => {
      if (peripheral.state === 'connecting') peripheral.cancelConnect();
      else void peripheral.disconnectAsync().catch(() => undefined);
    };
    await withTimeout(peripheral.connectAsync(), timeoutMs, `connecting to ${id}`, signal, hangUp);
    let discovered;
    try {
      discovered = await withTimeout(peripheral.discoverAllServicesAndCharacteristicsAsync(), timeoutMs, `discovering services of ${id}`, signal, hangUp);
    } catch (e) {
      await peripheral.disconnectAsync().catch(() => undefined);
      throw e;
    }
    if (signal?.aborted) {
      await peripheral.disconnectAsync().catch(() => undefined);
      signal.throwIfAborted();
    }
    const chars = new Map<string, Characteristic>();
    for (const s of discovered.services) for (const c of s.characteristics ?? []) chars.set(`${s.uuid}/${c.uuid}`, c);
    let lostCb: ((reason: string) => void) | null = null;
    let leaving = false;
    peripheral.once('disconnect', (reason: string) => {
      if (!leaving) lostCb?.(reason ? String(reason) : 'link lost');
    });
    const get = (service: string, characteristic: string) => {
      const c = chars.get(`${service}/${characteristic}`);
      if (!c) throw new DeviceError('not-supported', `${peripheral.advertisement?.localName ?? id} has no characteristic ${characteristic} in service ${service}`, false);
      return c;
    };
    return {
      id,
      name: peripheral.advertisement?.localName ?? id,
      has: (s, c) => chars.has(`${s}/${c}`),
      read: async (s, c) => new Uint8Array(await get(s, c).readAsync()),
      write: async (s, c, data, withResponse) => get(s, c).writeAsync(Buffer.from(data), !withResponse),
      subscribe: async (s, c, onData) => {
        const ch = get(s, c);
        ch.on('data', (buf: Buffer) => onData(new Uint8Array(buf.buffer, buf.byteOffset, buf.length)));
        await ch.subscribeAsync();
      },
      readRssi: () => peripheral.updateRssiAsync(),
      onDisconnect: (cb) => {
        lostCb = cb;
      },
      disconnect: async () => {
        leaving = true;
        await peripheral.disconnectAsync().catch(() => undefined);
      },
    };
  }
}

/** `p`, or a timeout after `ms`, or (aborted) `signal`'s reason once `onAbort` ran. */
function withTimeout<T>(p: Promise<T>, ms: number, what: string, signal?: AbortSignal, onAbort?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      clearTimeout(t);
      onAbort?.();
      reject(signal!.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      reject(new DeviceError('timeout', `Bluetooth: ${what} took longer than ${(ms / 1000).toFixed(0)} s`));
    }, ms);
    if (signal?.aborted) return abort();
    signal?.addEventListener('abort', abort, { once: true });
    p.then(
      (v) => {
        clearTimeout(t);
        signal?.removeEventListener('abort', abort);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        signal?.removeEventListener('abort', abort);
        reject(e instanceof DeviceError ? e : new DeviceError('disconnected', `Bluetooth: ${what} failed: ${(e as Error).message ?? e}`));
      },
    );
  });
}
