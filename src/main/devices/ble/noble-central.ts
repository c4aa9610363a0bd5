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

export class NobleCentral implements BleCentral {
  /** Peripherals seen while scanning, by id: noble connects only to discovered peripherals. */
  private readonly seen = new Map<string, Peripheral>();

  async scan(opts: BleScanOptions, onFound: (ad: BleAdvertisement) => void): Promise<void> {
    const noble = await loadNoble();
    await poweredOn(noble);
    const onDiscover = (p: Peripheral) => {
      this.seen.set(p.id, p);
      onFound({ id: p.id, address: p.address, name: p.advertisement?.localName ?? '', rssi: p.rssi, serviceUuids: p.advertisement?.serviceUuids ?? [] });
    };
    noble.on('discover', onDiscover);
    try {
      await noble.startScanningAsync(opts.serviceUuids ?? [], true);
      await new Promise((r) => setTimeout(r, opts.durationMs));
    } finally {
      noble.removeListener('discover', onDiscover);
      await noble.stopScanningAsync().catch(() => undefined);
    }
  }

  async connect(id: string, timeoutMs: number): Promise<BleLink> {
    let p = this.seen.get(id);
    if (!p) {
      await this.scan({ durationMs: Math.min(timeoutMs, 8000) }, () => undefined);
      p = this.seen.get(id);
    }
    if (!p) throw new DeviceError('unavailable', `Bluetooth device ${id} not found (out of range, switched off, or connected to another app?)`);
    const peripheral = p;
    await withTimeout(peripheral.connectAsync(), timeoutMs, `connecting to ${id}`);
    let discovered;
    try {
      discovered = await withTimeout(peripheral.discoverAllServicesAndCharacteristicsAsync(), timeoutMs, `discovering services of ${id}`);
    } catch (e) {
      await peripheral.disconnectAsync().catch(() => undefined);
      throw e;
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

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new DeviceError('timeout', `Bluetooth: ${what} took longer than ${(ms / 1000).toFixed(0)} s`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e instanceof DeviceError ? e : new DeviceError('disconnected', `Bluetooth: ${what} failed: ${(e as Error).message ?? e}`));
      },
    );
  });
}
