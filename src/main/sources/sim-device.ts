// What every simulated device shares: its own clock, a radio that delivers packets late, out of
// step and sometimes not at all, runtime settings, fault injection and a status.
//
// Time model. The host clock is the truth. The device samples on its own crystal: sample j of a
// stream that started at host time tS is taken at true time tS + j / (rate · (1 + drift)), and the
// device stamps it with its own clock, devClock(t) = epoch + (1 + drift)·(t − t0) + jumps. A packet
// is ready when its last sample is taken; it reaches the host latency + jitter later (never
// overtaking the previous packet, as on a BLE link), unless it is lost. Delivery is batched on one
// timer per device (every tickSec) to keep the CPU cost negligible; each chunk still carries the
// host time its simulated radio delivered it.
import type { DeviceState, DeviceStatus, Source, SourceSink } from '../../shared/device.types';
import type { HostClock, Modality, SampleChunk, StreamInfo, ChannelInfo } from '../../shared/stream.types';
import type { DeviceFaultSpec, DeviceSettingSpec } from '../../shared/ipc/pipeline.schema';
import type { Scheduler } from './host-clock';
import { SimRandom } from './sim-random';

export type SettingValue = string | number | boolean;

/** A setting of a simulated device: its default and the choices the device panel offers. */
export interface SimSettingDef {
  key: string;
  label: string;
  default: SettingValue;
  options: { value: SettingValue; label: string }[];
  /** Changing it restarts the stream (new channels, rate or stated latency). */
  restartsStream?: boolean;
}

/** Radio and clock settings every simulated device has. */
export const SIM_CLOCK_SETTINGS: SimSettingDef[] = [
  { key: 'driftPpm', label: 'Clock drift', default: 30, options: [-100, -30, 0, 30, 100].map((v) => ({ value: v, label: `${v > 0 ? '+' : ''}${v} ppm` })) },
  { key: 'jitterMs', label: 'Radio jitter (mean)', default: 8, options: [0, 2, 8, 30].map((v) => ({ value: v, label: `${v} ms` })) },
  // The stream states its latency (StreamInfo.latencySec, which the clock model subtracts): a new
  // latency is announced with the stream, or the device's data would map late by the difference.
  { key: 'latencyMs', label: 'Radio latency', default: 15, options: [0, 7.5, 15, 45].map((v) => ({ value: v, label: `${v} ms` })), restartsStream: true },
  { key: 'lossPercent', label: 'Packet loss', default: 0.1, options: [0, 0.1, 1, 5].map((v) => ({ value: v, label: `${v} %` })) },
];

export const SIM_FAULTS: (DeviceFaultSpec & { description: string })[] = [
  { id: 'nan-samples', label: 'NaN / Inf samples', description: 'the next packet carries NaN and Inf values' },
  { id: 'wrong-channels', label: 'Wrong channel count', description: 'the next packet is missing a channel (a one-lead strap\'s has one too many)' },
  { id: 'time-backwards', label: 'Timestamp goes back', description: 'the previous packet is sent again (a duplicate)' },
  { id: 'time-jump', label: 'Timestamp jumps ahead', description: 'the device clock jumps 5 s ahead' },
  { id: 'clock-reset', label: 'Device clock reset', description: 'the device clock restarts from zero' },
  { id: 'stop-mid-packet', label: 'Stop mid-packet', description: 'the next packet is cut short, then the device is silent for 5 s' },
  { id: 'stall', label: 'Radio stall (5 s)', description: 'nothing arrives for 5 s, then the held packets arrive in a burst' },
  { id: 'dropout', label: 'Dropout (3 s lost)', description: 'every packet of the next 3 s is lost' },
  { id: 'flat-channel', label: 'Electrode off (flat)', description: 'the first channel goes flat for 10 s' },
  { id: 'railed-channel', label: 'Railed channel', description: 'the second channel (the only one of a one-lead strap) sits at the amplifier limit for 10 s' },
  { id: 'artifact', label: 'Movement artefact', description: 'the first channel swings far beyond a body\'s signal for 10 s (400 µV on EEG, 6 mV on ECG, at 1.3 Hz)' },
  { id: 'line-noise', label: 'Strong mains noise', description: 'the third channel (the last one of a smaller device) picks up strong mains hum for 10 s (60 µV on EEG, 250 µV on ECG)' },
];

/** The stream layout a preset gives. */
export interface SimStreamLayout {
  modality: Modality;
  model: string;
  rateHz: number;
  /** Samples per packet, as the real radio sends them. */
  packet: number;
  channels: ChannelInfo[];
}

interface Packet {
  chunk: SampleChunk;
  arrival: number;
}

interface Condition {
  kind: 'flat-channel' | 'railed-channel' | 'line-noise' | 'artifact' | 'dropout';
  until: number; // true (host) time
  /** The value a flat channel is stuck at (its first sample under the condition). */
  value?: number;
}

export interface SimDeviceOptions {
  deviceId: string;
  name: string;
  clock: HostClock;
  scheduler: Scheduler;
  seed?: number;
  settings?: Record<string, SettingValue>;
  /** Delivery timer period (s). */
  tickSec?: number;
}

export class SimSettingsError extends Error {
  override name = 'SimSettingsError';
}

export abstract class SimDevice implements Source {
  readonly deviceId: string;
  readonly name: string;
  protected readonly clock: HostClock;
  protected readonly scheduler: Scheduler;
  protected readonly rng: SimRandom;
  protected readonly radioRng: SimRandom;
  protected settings: Record<string, SettingValue> = {};
  private readonly tickSec: number;
  private sink: SourceSink | null = null;
  private cancelTimer: (() => void) | null = null;
  private state: DeviceState = 'idle';
  private layout!: SimStreamLayout;
  private info!: StreamInfo;

  // Device clock: devClock(t) = clockEpoch + (1 + drift)·(t − clockT0) + stampOffset.
  private clockEpoch: number;
  private clockT0 = 0;
  private stampOffset = 0;
  // Current stream segment: sample j taken at true time streamT0 + j · dtTrue.
  private streamT0 = 0;
  private streamDev0 = 0;
  private dtTrue = 0;
  private dtDev = 0;
  private nextJ = 0;
  private queue: Packet[] = [];
  private lastArrival = -Infinity;
  private lastChunk: SampleChunk | null = null;
  private pendingFaults: string[] = [];
  private conditions: Condition[] = [];
  private silentUntil = -Infinity;
  private holdUntil = -Infinity;
  private pulses: { t: number; amp: number; sigma: number }[] = [];
  private battery = 100;

  constructor(opts: SimDeviceOptions) {
    this.deviceId = opts.deviceId;
    this.name = opts.name;
    this.clock = opts.clock;
    this.scheduler = opts.scheduler;
    const seed = opts.seed ?? hashString(opts.deviceId);
    this.rng = new SimRandom(seed);
    this.radioRng = new SimRandom(seed ^ 0x5bd1e995);
    this.tickSec = opts.tickSec ?? 0.05;
    this.clockEpoch = this.initialDeviceClock();
    this.clockT0 = this.clock.now();
    this.initialSettings = opts.settings ?? {};
  }

  private initialSettings: Record<string, SettingValue>;

  /** Device-specific settings (preset, eyes closed, heart rate…), before the clock/radio ones. */
  protected abstract deviceSettings(): SimSettingDef[];
  /** The stream layout for the current settings. */
  protected abstract streamLayout(): SimStreamLayout;
  /** Fills planar out[c·count + i] with the samples at true times t0 + i·dt (µV, before quantisation). */
  protected abstract fill(out: Float32Array, count: number, t0: number, dt: number): void;
  /** Device clock reading at power-on (s, the device's own epoch). */
  protected abstract initialDeviceClock(): number;
  /** Called when a restarting setting changed (re-create generators). */
  protected onLayoutChange(): void {}

  settingDefs(): SimSettingDef[] {
    return [...this.deviceSettings(), ...SIM_CLOCK_SETTINGS];
  }

  /** The settings as the device panel lists them. */
  settingSpecs(): DeviceSettingSpec[] {
    return this.settingDefs().map((d) => ({ key: d.key, label: d.label, options: d.options }));
  }

  faultSpecs(): DeviceFaultSpec[] {
    return SIM_FAULTS.map(({ id, label }) => ({ id, label }));
  }

  protected ensureSettings(): void {
    if (Object.keys(this.settings).length > 0) return;
    for (const d of this.settingDefs()) this.settings[d.key] = d.default;
    for (const [k, v] of Object.entries(this.initialSettings)) this.settings[k] = v;
    this.validate(this.settings);
  }

  private validate(s: Record<string, SettingValue>): void {
    const defs = this.settingDefs();
    for (const [k, v] of Object.entries(s)) {
      const d = defs.find((x) => x.key === k);
      if (!d) throw new SimSettingsError(`${this.name} has no setting '${k}'`);
      if (typeof v !== typeof d.default) throw new SimSettingsError(`${this.name}: '${k}' must be a ${typeof d.default}, got ${typeof v}`);
      if (typeof v === 'number' && !Number.isFinite(v)) throw new SimSettingsError(`${this.name}: '${k}' must be a finite number`);
      if (typeof v === 'string' && !d.options.some((o) => o.value === v)) throw new SimSettingsError(`${this.name}: '${v}' is not a valid ${d.label}`);
    }
  }

  protected num(key: string): number {
    return this.settings[key] as number;
  }

  async start(sink: SourceSink): Promise<void> {
    if (this.state === 'streaming') return;
    this.ensureSettings();
    this.sink = sink;
    const now = this.clock.now();
    // The device clock ran on while nothing streamed (a Polar's PMD clock is a real-time clock, a
    // headset's counts from its power-on, and Stop is neither): it was set back to its power-on
    // reading at every start, so a strap Stopped and Started again was as far behind the host as
    // the app had run ('ECG clock: offset +16.017 s' for the second or two its clock is off).
    this.clockEpoch = this.devClock(now) - this.stampOffset;
    this.clockT0 = now;
    this.setState('connecting');
    this.beginStream(now);
    this.setState('streaming');
    this.cancelTimer = this.scheduler.every(this.tickSec, () => this.tick());
  }

  async stop(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (this.state === 'streaming' || this.state === 'connecting') {
      this.flushDue(this.clock.now());
      this.queue = [];
      this.setState('stopped');
    }
    this.sink = null;
  }

  status(): DeviceStatus {
    this.ensureSettings();
    return {
      deviceId: this.deviceId,
      name: this.name,
      model: this.streamLayout().model,
      transport: 'sim',
      state: this.state,
      batteryPercent: Math.round(this.battery),
      rssiDbm: -58,
      streamIds: [`${this.deviceId}/${this.streamLayout().modality}`],
      settings: { ...this.settings },
    };
  }

  async configure(patch: Record<string, SettingValue>): Promise<void> {
    this.ensureSettings();
    this.validate(patch);
    const defs = this.settingDefs();
    const now = this.clock.now();
    const restart = Object.entries(patch).some(([k, v]) => defs.find((d) => d.key === k)?.restartsStream && this.settings[k] !== v);
    const driftChanged = 'driftPpm' in patch && patch.driftPpm !== this.settings.driftPpm;
    const streaming = this.state === 'streaming';
    // Packets complete by now are made under the settings their samples were taken with.
    if (streaming && (restart || driftChanged)) this.tick();
    if (driftChanged) this.rebaseClock(streaming ? this.streamT0 + this.nextJ * this.dtTrue : now, 1 + (patch.driftPpm as number) * 1e-6, streaming);
    Object.assign(this.settings, patch);
    if (streaming && restart) {
      // A new layout or stated latency is a new stream: what is still in the air under the old
      // one is lost with it.
      this.queue = this.queue.filter((p) => p.arrival <= now);
      this.flushDue(now);
      this.onLayoutChange();
      this.beginStream(now);
    } else if (!streaming && restart) this.onLayoutChange();
    this.sink?.status(this.status());
  }

  /** Injects a named fault (see SIM_FAULTS). */
  injectFault(id: string): void {
    if (!SIM_FAULTS.some((f) => f.id === id)) throw new SimSettingsError(`${this.name} cannot simulate '${id}'`);
    const now = this.clock.now();
    switch (id) {
      case 'time-jump':
        this.stampOffset += 5;
        break;
      case 'clock-reset':
        this.stampOffset -= this.devClock(now) - this.rng.range(0.01, 0.5);
        break;
      case 'stall':
        this.holdUntil = now + 5;
        break;
      case 'dropout':
        this.conditions.push({ kind: 'dropout', until: now + 3 });
        break;
      case 'flat-channel':
      case 'railed-channel':
      case 'line-noise':
      case 'artifact':
        this.conditions.push({ kind: id, until: now + 10 });
        break;
      default:
        this.pendingFaults.push(id);
    }
  }

  /**
   * Adds a Gaussian pulse (σ = sigmaSec) of amp µV to every channel at TRUE host time t: a sync
   * event for alignment tests and demos (like a photodiode or a tap seen by both devices).
   */
  injectPulse(t: number, ampUv: number, sigmaSec = 0.015): void {
    this.pulses.push({ t, amp: ampUv, sigma: sigmaSec });
  }

  /** The StreamInfo currently announced. */
  streamInfo(): StreamInfo {
    this.ensureSettings();
    return this.info ?? this.makeInfo(this.streamLayout());
  }

  private makeInfo(l: SimStreamLayout): StreamInfo {
    return {
      id: `${this.deviceId}/${l.modality}`,
      deviceId: this.deviceId,
      deviceName: this.name,
      deviceModel: l.model,
      modality: l.modality,
      nominalRateHz: l.rateHz,
      channels: l.channels,
      latencySec: this.num('latencyMs') / 1000,
    };
  }

  /** The device clock's reading at host time t: the truth a clock estimate is checked against (tests). */
  deviceClockAt(t: number): number {
    return this.devClock(t);
  }

  private devClock(t: number): number {
    return this.clockEpoch + (1 + this.num('driftPpm') * 1e-6) * (t - this.clockT0) + this.stampOffset;
  }

  /**
   * A new clock rate from true time t on, the device clock continuous there. While streaming, t is
   * the next sample's time and the stream goes on without a break: a crystal that drifts
   * differently loses no samples (restarting the stream here dropped the packet being filled and
   * those in the air: a spurious packet loss, 0.25 s on a Polar-like strap, every time the drift
   * setting changed).
   */
  private rebaseClock(t: number, drift: number, streaming: boolean): void {
    if (streaming) {
      // Sample nextJ keeps its device time; from it on samples are spaced by the new rate in true time.
      this.streamDev0 += this.nextJ * this.dtDev;
      this.streamT0 = t;
      this.nextJ = 0;
      this.dtTrue = this.dtDev / drift;
      this.clockEpoch = this.streamDev0;
    } else this.clockEpoch = this.devClock(t) - this.stampOffset;
    this.clockT0 = t;
  }

  private beginStream(now: number): void {
    this.layout = this.streamLayout();
    this.info = this.makeInfo(this.layout);
    const drift = 1 + this.num('driftPpm') * 1e-6;
    const rateErr = 1 + this.rateErrorPpm() * 1e-6;
    this.streamT0 = now;
    this.streamDev0 = this.devClock(now) - this.stampOffset;
    this.dtDev = 1 / (this.layout.rateHz * rateErr);
    this.dtTrue = this.dtDev / drift;
    this.nextJ = 0;
    this.lastChunk = null;
    this.sink?.streams(this.deviceId, [this.info]);
  }

  /** Sampling-rate error against the device's own clock (ppm); Polar H10s are off by up to ±2 %. */
  protected rateErrorPpm(): number {
    return 0;
  }

  /** Produces every packet whose last sample has been taken by now, and delivers those that have arrived. */
  tick(): void {
    if (this.state !== 'streaming' || !this.sink) return;
    const now = this.clock.now();
    this.battery = Math.max(5, this.battery - this.tickSec / 360); // ~1 % per 6 minutes
    const P = this.layout.packet;
    const C = this.layout.channels.length;
    for (;;) {
      const tLast = this.streamT0 + (this.nextJ + P - 1) * this.dtTrue;
      if (tLast > now) break;
      const t0 = this.streamT0 + this.nextJ * this.dtTrue;
      const j = this.nextJ;
      this.nextJ += P;
      if (t0 < this.silentUntil) continue; // the device is silent: these samples are never sent
      if (this.conditions.length > 0) {
        if (this.conditions.some((c) => c.until <= t0)) this.conditions = this.conditions.filter((c) => c.until > t0);
        if (this.conditions.some((c) => c.kind === 'dropout')) continue;
      }
      if (this.radioRng.next() * 100 < this.num('lossPercent')) continue;
      let data = new Float32Array(C * P);
      this.fill(data, P, t0, this.dtTrue);
      this.applyConditions(data, P, t0);
      this.addPulses(data, P, t0);
      this.quantise(data);
      const deviceTime = this.streamDev0 + this.stampOffset + j * this.dtDev;
      let chunk: SampleChunk = { streamId: this.info.id, deviceTime, hostTime: 0, count: P, data };
      const fault = this.pendingFaults.shift();
      let stopAfter = false;
      if (fault === 'nan-samples') {
        data[1] = NaN;
        data[Math.min(data.length - 1, P + 3)] = Infinity;
        data[data.length - 1] = NaN;
      } else if (fault === 'wrong-channels') {
        // One channel short; a one-channel device cannot lose one, so its packet carries two.
        let wrong = data.slice(0, (C - 1) * P);
        if (C === 1) {
          wrong = new Float32Array(2 * P);
          wrong.set(data, 0);
          wrong.set(data, P);
        }
        chunk = { ...chunk, data: wrong };
      } else if (fault === 'time-backwards' && this.lastChunk) {
        chunk = { ...this.lastChunk, hostTime: 0 };
        this.nextJ -= P; // this packet's samples go out next time
      } else if (fault === 'stop-mid-packet') {
        data = data.slice(0, Math.floor((C * P) / 2) + 1);
        chunk = { ...chunk, data };
        stopAfter = true;
      }
      const ready = tLast;
      const delay = this.num('latencyMs') / 1000 + this.radioRng.exp(this.num('jitterMs') / 1000);
      let arrival = Math.max(this.lastArrival, ready + delay);
      if (arrival < this.holdUntil) arrival = this.holdUntil + this.radioRng.exp(0.002);
      this.lastArrival = arrival;
      chunk.hostTime = arrival;
      this.queue.push({ chunk, arrival });
      if (fault !== 'time-backwards') this.lastChunk = chunk;
      if (stopAfter) this.silentUntil = now + 5;
    }
    this.flushDue(now);
  }

  private flushDue(now: number): void {
    let n = 0;
    while (n < this.queue.length && this.queue[n].arrival <= now) n++;
    if (n === 0) return;
    const due = this.queue.splice(0, n);
    for (const p of due) this.sink?.chunk(p.chunk);
  }

  private applyConditions(data: Float32Array, P: number, t0: number): void {
    const C = this.layout.channels.length;
    for (const c of this.conditions) {
      if (c.kind === 'flat-channel') {
        c.value ??= data[0];
        data.fill(c.value, 0, P);
      }
      else if (c.kind === 'railed-channel') {
        // The second channel, or the only one: a one-lead strap offers this fault too.
        const ch = Math.min(1, C - 1);
        data.fill(this.layout.channels[ch].rangeUv ?? 5000, ch * P, (ch + 1) * P);
      }
      else if (c.kind === 'artifact') {
        // Inside the amplifier's range (not railed), far outside what a body produces.
        const amp = this.faultArtifactUv();
        for (let i = 0; i < P; i++) data[i] += amp * Math.sin(2 * Math.PI * 1.3 * (t0 + i * this.dtTrue));
      } else if (c.kind === 'line-noise') {
        const ch = Math.min(2, C - 1);
        const f = this.mainsHz();
        const amp = this.faultHumUv();
        for (let i = 0; i < P; i++) data[ch * P + i] += amp * Math.sin(2 * Math.PI * f * (t0 + i * this.dtTrue));
      }
    }
  }

  /** Amplitude of the 'line-noise' fault's hum (µV): enough to trip the line-noise check on this signal. */
  protected faultHumUv(): number {
    return 60;
  }

  /** Amplitude of the 'artifact' fault (µV): RMS above the implausible-amplitude check, below the rail. */
  protected faultArtifactUv(): number {
    return 400;
  }

  /** Mains frequency of the simulated surroundings (Hz). */
  protected mainsHz(): number {
    return 50;
  }

  private addPulses(data: Float32Array, P: number, t0: number): void {
    if (this.pulses.length === 0) return;
    const t1 = t0 + P * this.dtTrue;
    const C = this.layout.channels.length;
    for (const p of this.pulses) {
      if (p.t + 6 * p.sigma < t0 || p.t - 6 * p.sigma > t1) continue;
      for (let i = 0; i < P; i++) {
        const v = p.amp * Math.exp(-0.5 * ((t0 + i * this.dtTrue - p.t) / p.sigma) ** 2);
        for (let c = 0; c < C; c++) data[c * P + i] += v;
      }
    }
    if (this.pulses.some((p) => p.t + 6 * p.sigma < t0)) this.pulses = this.pulses.filter((p) => p.t + 6 * p.sigma >= t0);
  }

  /** Rounds to the device's resolution and clips at its range, as its ADC would. */
  private quantise(data: Float32Array): void {
    const P = this.layout.packet;
    this.layout.channels.forEach((ch, c) => {
      const res = ch.resolution;
      const lim = ch.rangeUv ?? Infinity;
      for (let i = c * P; i < (c + 1) * P; i++) {
        let v = data[i];
        if (res > 0) v = Math.round(v / res) * res;
        data[i] = v > lim ? lim : v < -lim ? -lim : v;
      }
    });
  }

  private setState(s: DeviceState): void {
    this.state = s;
    this.sink?.status(this.status());
  }
}

export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
