// A simulated ECG chest strap or 3-lead amplifier.
//
// Beats: each RR interval is 60/HR modulated by respiratory sinus arrhythmia (0.25 Hz, the
// "HRV" setting is its amplitude), a Mayer wave (0.1 Hz) and beat-to-beat noise. The waveform is
// the sum of five Gaussians per beat — P, Q, R, S, T — placed relative to the R peak, with the
// QT interval scaled by √RR (Bazett), as in the ECGSYN family of models (McSharry et al., IEEE
// TBME 50(3), 2003) but evaluated directly in time. Leads I, II, III follow Einthoven's law
// (II = I + III). Added: respiratory baseline wander, EMG noise, a little mains hum.
// The true R-peak times are kept, so tests can check detection against them.
import { pmdTimeUnixS } from '../../shared/devices/polar/polar-parse';
import { PMD_EPOCH_UNIX_S } from '../../shared/devices/polar/polar.types';
import type { ChannelInfo } from '../../shared/stream.types';
import { SimDevice, type SimDeviceOptions, type SimSettingDef, type SimStreamLayout } from './sim-device';

export interface EcgPreset {
  label: string;
  model: string;
  rateHz: number;
  packet: number;
  /** Lead labels and their gain relative to lead II. */
  leads: { label: string; gain: number }[];
  resolutionUv: number;
  rangeUv: number;
  /** Sampling-rate error against the device's own clock (ppm). */
  rateErrorPpm: number;
}

export const ECG_PRESETS: Record<string, EcgPreset> = {
  // Polar H10: 130 Hz, µV integers, ±20 mV range, 73 samples per PMD notification at the default MTU.
  'polar-h10': { label: 'Polar H10-like, 1 lead @ 130 Hz', model: 'sim-polar-h10', rateHz: 130, packet: 73, leads: [{ label: 'ECG', gain: 1 }], resolutionUv: 1, rangeUv: 20000, rateErrorPpm: 350 },
  '3-lead': {
    label: '3-lead @ 500 Hz',
    model: 'sim-ecg-3lead',
    rateHz: 500,
    packet: 25,
    leads: [
      { label: 'I', gain: 0.65 },
      { label: 'II', gain: 1 },
      { label: 'III', gain: 0.35 },
    ],
    resolutionUv: 0.1,
    rangeUv: 50000,
    rateErrorPpm: 0,
  },
};

/** P, Q, R, S, T: amplitude (µV, lead II), centre (s from R; T scaled by √RR), width σ (s). */
const WAVES = [
  { amp: 120, at: -0.19, sigma: 0.022, qt: false },
  { amp: -140, at: -0.028, sigma: 0.009, qt: false },
  { amp: 1300, at: 0, sigma: 0.011, qt: false },
  { amp: -280, at: 0.03, sigma: 0.011, qt: false },
  { amp: 320, at: 0.26, sigma: 0.045, qt: true },
];

export class SimEcgStrap extends SimDevice {
  private beats: number[] = [];
  private nextBeat = NaN;
  private readonly trueBeats: number[] = [];
  private wander = 0;

  constructor(opts: SimDeviceOptions) {
    super(opts);
    this.ensureSettings();
  }

  protected deviceSettings(): SimSettingDef[] {
    return [
      { key: 'preset', label: 'Leads / rate', default: 'polar-h10', options: Object.entries(ECG_PRESETS).map(([k, p]) => ({ value: k, label: p.label })), restartsStream: true },
      { key: 'heartRateBpm', label: 'Heart rate', default: 68, options: [50, 68, 90, 120, 160].map((v) => ({ value: v, label: `${v} bpm` })) },
      { key: 'hrvMs', label: 'HRV (RSA amplitude)', default: 40, options: [0, 15, 40, 80].map((v) => ({ value: v, label: `${v} ms` })) },
      { key: 'mainsHz', label: 'Mains', default: 50, options: [50, 60].map((v) => ({ value: v, label: `${v} Hz` })) },
    ];
  }

  protected initialDeviceClock(): number {
    // The strap's PMD clock (ns since 2000-01-01 UTC, set from a phone a while ago: a second or two
    // off), put on the Unix epoch as the Polar driver puts it. It was handed on in seconds since
    // 2000, which no strap's driver gives: the demo's clock line and recordings differed from a real
    // H10's ('counts from 2000-01-01 UTC (Polar's epoch) · offset −1.680 s' for 'offset −1.680 s').
    const pmdNs = BigInt(Math.round((this.clock.now() - PMD_EPOCH_UNIX_S + this.rng.range(-2, 2)) * 1e9));
    return pmdTimeUnixS(pmdNs);
  }

  protected override mainsHz(): number {
    return this.num('mainsHz');
  }

  /** An ECG's QRS carries ~30× the power of EEG in 1–45 Hz: hum must be stronger to dominate it. */
  protected override faultHumUv(): number {
    return 250;
  }

  protected override faultArtifactUv(): number {
    return 6000;
  }

  protected override rateErrorPpm(): number {
    return this.preset().rateErrorPpm;
  }

  private preset(): EcgPreset {
    return ECG_PRESETS[this.settings.preset as string] ?? ECG_PRESETS['polar-h10'];
  }

  protected streamLayout(): SimStreamLayout {
    const p = this.preset();
    const channels: ChannelInfo[] = p.leads.map((l) => ({ label: l.label, unit: 'uV', resolution: p.resolutionUv, rangeUv: p.rangeUv }));
    return { modality: 'ecg', model: p.model, rateHz: p.rateHz, packet: p.packet, channels };
  }

  /** True R-peak times (host s) of the most recent beats, oldest first (for tests). */
  recentBeats(): number[] {
    return this.trueBeats.slice();
  }

  private rr(t: number): number {
    const hr = this.num('heartRateBpm');
    const rsa = this.num('hrvMs') / 1000;
    return 60 / hr + rsa * Math.sin(2 * Math.PI * 0.25 * t) + 0.4 * rsa * Math.sin(2 * Math.PI * 0.1 * t + 1) + this.rng.gauss() * 0.008;
  }

  protected fill(out: Float32Array, count: number, t0: number, dt: number): void {
    const p = this.preset();
    const t1 = t0 + count * dt;
    if (Number.isNaN(this.nextBeat)) {
      this.nextBeat = t0 + this.rng.range(0.1, 0.6);
      this.beats = [this.nextBeat - this.rr(t0)];
    }
    while (this.nextBeat < t1 + 1) {
      this.beats.push(this.nextBeat);
      this.trueBeats.push(this.nextBeat);
      if (this.trueBeats.length > 600) this.trueBeats.splice(0, 100);
      this.nextBeat += Math.max(0.25, this.rr(this.nextBeat));
    }
    while (this.beats.length > 3 && this.beats[1] < t0 - 1) this.beats.shift();
    const mains = this.num('mainsHz');
    const keep = Math.exp(-dt / 8);
    for (let i = 0; i < count; i++) {
      const t = t0 + i * dt;
      let v = 0;
      for (let b = 0; b < this.beats.length; b++) {
        const tb = this.beats[b];
        const d = t - tb;
        if (d < -0.4 || d > 0.8) continue;
        const rrLocal = b + 1 < this.beats.length ? this.beats[b + 1] - tb : 60 / this.num('heartRateBpm');
        const qt = Math.sqrt(Math.max(0.3, rrLocal));
        for (const w of WAVES) {
          const c = w.qt ? w.at * qt : w.at;
          const s = w.qt ? w.sigma * qt : w.sigma;
          const z = (d - c) / s;
          if (z > -5 && z < 5) v += w.amp * Math.exp(-0.5 * z * z);
        }
      }
      this.wander = this.wander * keep + this.rng.gauss() * 6;
      const base = 60 * Math.sin(2 * Math.PI * 0.25 * t) + this.wander;
      const hum = 4 * Math.sin(2 * Math.PI * mains * t);
      // The heart's vector and respiration's effect on it project onto each lead by its gain
      // (Einthoven holds for both); electrode/EMG noise is each lead's own.
      for (let c = 0; c < p.leads.length; c++) out[c * count + i] = p.leads[c].gain * (v + base) + hum + this.rng.gauss() * 8;
    }
  }
}
