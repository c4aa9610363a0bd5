// In-memory Bluetooth peripherals that speak the real byte protocols: a Polar H10 (PMD control
// point, ECG frames at 130 Hz with ns timestamps, heart rate with RR) and a Muse (control
// commands and JSON replies, per-electrode EEG packets at 256 Hz, telemetry, PPG). They stand in
// for the radio only, so the drivers' whole protocol path runs in tests, benchmarks and the
// no-hardware demo. Each can drop out of range and come back.
import { DeviceError } from '../../../shared/devices/device-error';
import { asciiText } from '../../../shared/devices/bytes';
import { encodeHeartRateMeasurement, encodePmdEcgFrame, encodePmdResponse } from '../../../shared/devices/polar/polar-encode';
import {
  HEART_RATE_MEASUREMENT_UUID,
  HEART_RATE_SERVICE_UUID,
  BATTERY_LEVEL_UUID,
  BATTERY_SERVICE_UUID,
  PMD_CONTROL_POINT_UUID,
  PMD_DATA_UUID,
  PMD_SERVICE_UUID,
  POLAR_H10_ECG_RATE_HZ,
  PmdOpCode,
} from '../../../shared/devices/polar/polar.types';
import { encodeMuseControlReply, encodeMuseEegPacket, encodeMuseTelemetry } from '../../../shared/devices/muse/muse-encode';
import { MUSE_CONTROL_UUID, MUSE_EEG_UUIDS, MUSE_PPG_UUIDS, MUSE_SERVICE_UUID, MUSE_TELEMETRY_UUID } from '../../../shared/devices/muse/muse.types';
import type { BleAdvertisement, BleCentral, BleLink, BleScanOptions } from '../ble/ble.types';

type Notify = (bytes: Uint8Array) => void;

export abstract class EmulatedPeripheral {
  available = true;
  connected = false;
  /** Characteristics as `service/characteristic`. */
  protected abstract readonly characteristics: string[];
  protected readonly notify = new Map<string, Notify>();
  /** The running schedules (every), by their stop functions. */
  private readonly timers = new Set<() => void>();
  private lostCb: ((reason: string) => void) | null = null;
  /** Control-point and command writes seen, for tests. */
  readonly writes: { key: string; bytes: Uint8Array }[] = [];

  constructor(
    readonly id: string,
    readonly name: string,
    readonly serviceUuids: string[],
    public rssi = -60,
  ) {}

  protected abstract onWrite(key: string, bytes: Uint8Array): void;
  protected abstract onRead(key: string): Uint8Array;

  protected send(key: string, bytes: Uint8Array): void {
    if (this.connected) this.notify.get(key)?.(bytes);
  }

  /**
   * Runs `tick(n)` to emit the `n` items due at `rateHz`, catching up on timer lateness. A timer is
   * set for each item's own due time: a Polar sends ~1.8 ECG frames and one heart rate a second,
   * and polling every 20 and 50 ms for them woke the app's process ~70 times a second (~1 % of a
   * core in the devices-cpu bench, all of it the emulator's).
   */
  protected every(rateHz: number, tick: (due: number) => void): () => void {
    const t0 = performance.now();
    let sent = 0;
    let timer: ReturnType<typeof setTimeout>;
    const arm = () => {
      // Whole ms up: a timer may fire a little before performance.now() reaches its due time.
      timer = setTimeout(run, Math.max(1, Math.ceil(t0 + ((sent + 1) / rateHz) * 1000 - performance.now())));
    };
    const run = () => {
      const due = Math.floor(((performance.now() - t0) / 1000) * rateHz) - sent;
      if (due > 0) {
        sent += due;
        tick(due);
      }
      // A tick that stopped this schedule (a drop, a freeze) set nothing more.
      if (this.timers.has(stop)) arm();
    };
    const stop = () => {
      clearTimeout(timer);
      this.timers.delete(stop);
    };
    this.timers.add(stop);
    arm();
    return stop;
  }

  protected stopTimers(): void {
    for (const stop of [...this.timers]) stop();
  }

  /** Out of range / battery gone: the link drops and connecting fails until `comeBack()`. */
  drop(reason = 'connection timeout'): void {
    this.available = false;
    if (!this.connected) return;
    this.connected = false;
    this.stopTimers();
    this.onDisconnected();
    this.lostCb?.(reason);
  }

  comeBack(): void {
    this.available = true;
  }

  /** The radio link stays up but the device stops sending (a hung firmware, a stuck stream). */
  freeze(): void {
    this.stopTimers();
    this.onDisconnected();
  }

  protected onDisconnected(): void {}

  link(): BleLink {
    this.connected = true;
    this.notify.clear();
    this.lostCb = null;
    const has = (s: string, c: string) => this.characteristics.includes(`${s}/${c}`);
    const need = (s: string, c: string) => {
      if (!this.connected) throw new DeviceError('disconnected', `${this.name}: not connected`);
      if (!has(s, c)) throw new DeviceError('not-supported', `${this.name} has no characteristic ${c}`);
      return `${s}/${c}`;
    };
    return {
      id: this.id,
      name: this.name,
      has,
      read: async (s, c) => this.onRead(need(s, c)),
      write: async (s, c, bytes) => {
        const key = need(s, c);
        this.writes.push({ key, bytes: bytes.slice() });
        // The peripheral answers after the write completes, as a notification.
        queueMicrotask(() => this.onWrite(key, bytes));
      },
      subscribe: async (s, c, onData) => {
        this.notify.set(need(s, c), onData);
      },
      readRssi: async () => this.rssi,
      onDisconnect: (cb) => {
        this.lostCb = cb;
      },
      disconnect: async () => {
        this.connected = false;
        this.stopTimers();
        this.onDisconnected();
      },
    };
  }
}

export interface EmulatedPolarOptions {
  /** ECG µV of sample i (counted from power-on, so it continues across reconnects). */
  ecgAt?: (i: number) => number;
  heartRateBpm?: number;
  /** Status the strap answers an ECG start with (13 = in charger). */
  startStatus?: number;
  /** Samples per frame (73 at the H10's default MTU). */
  samplesPerFrame?: number;
  /** Device clock at power-on, ns since 2000. */
  bootNs?: bigint;
  battery?: number;
  /** Offer PMD (false: a plain heart-rate strap). */
  pmd?: boolean;
}

export class EmulatedPolarH10 extends EmulatedPeripheral {
  protected readonly characteristics: string[];
  private readonly bootMs = performance.now();
  private stopEcg: (() => void) | null = null;
  framesSent = 0;

  constructor(id: string, readonly opts: EmulatedPolarOptions = {}) {
    super(id, opts.pmd === false ? `HRM ${id.slice(-4)}` : `Polar H10 ${id.slice(-8).toUpperCase()}`, [HEART_RATE_SERVICE_UUID]);
    this.characteristics = [`${HEART_RATE_SERVICE_UUID}/${HEART_RATE_MEASUREMENT_UUID}`, `${BATTERY_SERVICE_UUID}/${BATTERY_LEVEL_UUID}`];
    if (opts.pmd !== false) this.characteristics.push(`${PMD_SERVICE_UUID}/${PMD_CONTROL_POINT_UUID}`, `${PMD_SERVICE_UUID}/${PMD_DATA_UUID}`);
  }

  override link(): BleLink {
    const l = super.link();
    const bpm = this.opts.heartRateBpm ?? 60;
    this.every(1, () => this.send(`${HEART_RATE_SERVICE_UUID}/${HEART_RATE_MEASUREMENT_UUID}`, encodeHeartRateMeasurement(bpm, [60_000 / bpm])));
    return l;
  }

  protected onRead(key: string): Uint8Array {
    if (key.endsWith(PMD_CONTROL_POINT_UUID)) return Uint8Array.of(0x0f, 0x05, 0x00); // ECG + ACC
    if (key.endsWith(BATTERY_LEVEL_UUID)) return Uint8Array.of(this.opts.battery ?? 87);
    return new Uint8Array(0);
  }

  protected onWrite(key: string, b: Uint8Array): void {
    if (!key.endsWith(PMD_CONTROL_POINT_UUID)) return;
    const cp = `${PMD_SERVICE_UUID}/${PMD_CONTROL_POINT_UUID}`;
    if (b[0] === PmdOpCode.REQUEST_MEASUREMENT_START) {
      const status = this.opts.startStatus ?? (this.stopEcg ? 6 : 0);
      this.send(cp, encodePmdResponse(b[0], b[1], status));
      if (status === 0) this.startEcg();
    } else if (b[0] === PmdOpCode.STOP_MEASUREMENT) {
      this.stopEcg?.();
      this.stopEcg = null;
      this.send(cp, encodePmdResponse(b[0], b[1], 0));
    } else {
      this.send(cp, encodePmdResponse(b[0], b[1], 1));
    }
  }

  private startEcg(): void {
    const n = this.opts.samplesPerFrame ?? 73;
    const ecgAt = this.opts.ecgAt ?? ((i: number) => Math.round(1000 * Math.sin((2 * Math.PI * i) / POLAR_H10_ECG_RATE_HZ)));
    const boot = this.opts.bootNs ?? 599_616_000_000_000_000n;
    // Sample index from the strap's own clock: it keeps counting while nobody listens.
    let next = Math.floor(((performance.now() - this.bootMs) / 1000) * POLAR_H10_ECG_RATE_HZ);
    this.stopEcg = this.every(POLAR_H10_ECG_RATE_HZ / n, (due) => {
      for (let f = 0; f < due; f++) {
        const samples = new Float32Array(n);
        for (let k = 0; k < n; k++) samples[k] = ecgAt(next + k);
        const lastNs = boot + BigInt(Math.round(((next + n - 1) * 1e9) / POLAR_H10_ECG_RATE_HZ));
        next += n;
        this.send(`${PMD_SERVICE_UUID}/${PMD_DATA_UUID}`, encodePmdEcgFrame(lastNs, samples));
        this.framesSent++;
      }
    });
  }

  protected override onDisconnected(): void {
    this.stopEcg = null;
  }
}

export interface EmulatedMuseOptions {
  /** µV of electrode `ch`, sample `i` of the session. */
  eegAt?: (ch: number, i: number) => number;
  battery?: number;
  ppg?: boolean;
  /** Advertised name (a Muse S says "MuseS-…"); default "Muse-" and the id's last four digits. */
  name?: string;
  /** Electrode (0..3) whose packets are lost, to emulate a flaky characteristic. */
  loseElectrodePacket?: (ch: number, seq: number) => boolean;
}

export class EmulatedMuse extends EmulatedPeripheral {
  protected readonly characteristics: string[];
  private stopEeg: (() => void) | null = null;
  keepAlives = 0;
  commands: string[] = [];

  constructor(id: string, readonly opts: EmulatedMuseOptions = {}) {
    super(id, opts.name ?? `Muse-${id.slice(-4).toUpperCase()}`, [MUSE_SERVICE_UUID]);
    const S = MUSE_SERVICE_UUID;
    this.characteristics = [MUSE_CONTROL_UUID, ...MUSE_EEG_UUIDS, MUSE_TELEMETRY_UUID, ...(opts.ppg === false ? [] : MUSE_PPG_UUIDS)].map((c) => `${S}/${c}`);
  }

  protected onRead(): Uint8Array {
    return new Uint8Array(0);
  }

  private reply(json: object): void {
    for (const n of encodeMuseControlReply(JSON.stringify(json))) this.send(`${MUSE_SERVICE_UUID}/${MUSE_CONTROL_UUID}`, n);
  }

  protected onWrite(key: string, b: Uint8Array): void {
    if (!key.endsWith(MUSE_CONTROL_UUID)) return;
    const cmd = asciiText(b, 1, b[0]).trim();
    this.commands.push(cmd);
    if (cmd === 'v1') this.reply({ ap: 'headset', sp: 'RevE', tp: 'consumer', hw: '3.1', bn: 27, fw: '1.2.13', bl: '1.2.3', pv: 1, rc: 0 });
    else if (cmd === 's') this.reply({ hn: this.name, sn: '2031-TZRW-1324', ma: '00-55-da-b0-13-24', id: '07473435 32313630 004f003a', bp: this.opts.battery ?? 82, ts: 0, ps: 32, rc: 0 });
    else if (cmd === 'd') this.startEeg();
    else if (cmd === 'h') {
      this.stopEeg?.();
      this.stopEeg = null;
      this.reply({ rc: 0 });
    } else if (cmd === 'k') this.keepAlives++;
    else if (/^p\d\d$/.test(cmd)) this.reply({ rc: 0 });
    else this.reply({ rc: 69 });
  }

  private startEeg(): void {
    if (this.stopEeg) return;
    const eegAt = this.opts.eegAt ?? ((ch: number, i: number) => 50 * Math.sin((2 * Math.PI * 10 * i) / 256 + ch));
    let seq = 0;
    let tele = 0;
    const S = MUSE_SERVICE_UUID;
    const stopE = this.every(256 / 12, (due) => {
      for (let d = 0; d < due; d++) {
        const s = seq++ & 0xffff;
        for (let ch = 0; ch < 5; ch++) {
          if (this.opts.loseElectrodePacket?.(ch, s)) continue;
          const v = new Float32Array(12);
          for (let k = 0; k < 12; k++) v[k] = eegAt(ch, (seq - 1) * 12 + k);
          this.send(`${S}/${MUSE_EEG_UUIDS[ch]}`, encodeMuseEegPacket(s, v));
        }
      }
    });
    const stopT = this.every(1, () => this.send(`${S}/${MUSE_TELEMETRY_UUID}`, encodeMuseTelemetry(tele++, this.opts.battery ?? 82)));
    this.stopEeg = () => {
      stopE();
      stopT();
    };
  }

  protected override onDisconnected(): void {
    this.stopEeg = null;
  }
}

export class EmulatedCentral implements BleCentral {
  constructor(readonly peripherals: EmulatedPeripheral[]) {}

  async scan(opts: BleScanOptions, onFound: (ad: BleAdvertisement) => void): Promise<void> {
    for (const p of this.peripherals) {
      if (!p.available || p.connected) continue;
      if (opts.serviceUuids?.length && !p.serviceUuids.some((u) => opts.serviceUuids!.includes(u))) continue;
      onFound({ id: p.id, address: p.id, name: p.name, rssi: p.rssi, serviceUuids: p.serviceUuids });
    }
    await new Promise((r) => setTimeout(r, Math.min(opts.durationMs, 50)));
  }

  async connect(id: string, _timeoutMs?: number, signal?: AbortSignal): Promise<BleLink> {
    const p = this.peripherals.find((x) => x.id === id);
    await new Promise((r) => setTimeout(r, 5));
    signal?.throwIfAborted();
    if (!p || !p.available) throw new DeviceError('unavailable', `Bluetooth device ${id} not found (out of range, switched off, or connected to another app?)`);
    return p.link();
  }
}
