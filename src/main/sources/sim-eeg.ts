// A simulated EEG headset. Each channel is the sum of
//   - an electrode offset (DC) and a slow drift (electrode potentials wander);
//   - a 1/f ("pink") background, ~8 µV rms (Kellet's three-pole filter on white noise);
//   - a posterior-dominant alpha rhythm near 10 Hz whose amplitude waxes and wanes (slow random
//     modulation) and roughly triples with the eyes closed;
//   - blinks when the eyes are open (~17/min, 0.3 s, up to ~150 µV at Fp1/Fp2, fading backwards);
//   - mains hum at 50 or 60 Hz, a few µV, different per electrode;
//   - white amplifier noise.
// Topographic weights come from the electrode name, so every montage (Muse, 10-20, 10-10) gets a
// plausible distribution. Samples are quantised to the amplifier's resolution and clipped at its
// range, as a real ADC would.
import type { ChannelInfo } from '../../shared/stream.types';
import { SimDevice, type SimDeviceOptions, type SimSettingDef, type SimStreamLayout } from './sim-device';

export interface EegPreset {
  label: string;
  model: string;
  rateHz: number;
  packet: number;
  labels: string[];
  resolutionUv: number;
  rangeUv: number;
}

/** Muse-like, 10-20 cap, 32 and 64 channel 10-10 caps. */
export const EEG_PRESETS: Record<string, EegPreset> = {
  muse: { label: 'Muse-like, 4 ch @ 256 Hz', model: 'sim-muse', rateHz: 256, packet: 12, labels: ['TP9', 'AF7', 'AF8', 'TP10'], resolutionUv: 0.48828125, rangeUv: 1000 },
  '10-20': {
    label: '10-20 cap, 19 ch @ 500 Hz',
    model: 'sim-cap-19',
    rateHz: 500,
    packet: 25,
    labels: ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T3', 'T4', 'T5', 'T6', 'Fz', 'Cz', 'Pz'],
    resolutionUv: 0.02235,
    rangeUv: 187500,
  },
  '32ch': {
    label: '10-10 cap, 32 ch @ 250 Hz',
    model: 'sim-cap-32',
    rateHz: 250,
    packet: 10,
    labels: ['Fp1', 'Fp2', 'AF3', 'AF4', 'F7', 'F3', 'Fz', 'F4', 'F8', 'FC5', 'FC1', 'FC2', 'FC6', 'T7', 'C3', 'Cz', 'C4', 'T8', 'CP5', 'CP1', 'CP2', 'CP6', 'P7', 'P3', 'Pz', 'P4', 'P8', 'PO3', 'PO4', 'O1', 'Oz', 'O2'],
    resolutionUv: 0.02235,
    rangeUv: 187500,
  },
  '64ch': {
    label: '10-10 cap, 64 ch @ 1 kHz',
    model: 'sim-cap-64',
    rateHz: 1000,
    packet: 50,
    // BioSemi 64 order
    labels: [
      'Fp1', 'AF7', 'AF3', 'F1', 'F3', 'F5', 'F7', 'FT7', 'FC5', 'FC3', 'FC1', 'C1', 'C3', 'C5', 'T7', 'TP7', 'CP5', 'CP3', 'CP1', 'P1', 'P3', 'P5', 'P7', 'P9', 'PO7', 'PO3', 'O1', 'Iz', 'Oz', 'POz', 'Pz', 'CPz',
      'Fpz', 'Fp2', 'AF8', 'AF4', 'AFz', 'Fz', 'F2', 'F4', 'F6', 'F8', 'FT8', 'FC6', 'FC4', 'FC2', 'FCz', 'Cz', 'C2', 'C4', 'C6', 'T8', 'TP8', 'CP6', 'CP4', 'CP2', 'P2', 'P4', 'P6', 'P8', 'P10', 'PO8', 'PO4', 'O2',
    ],
    resolutionUv: 0.02235,
    rangeUv: 187500,
  },
};

/** Alpha weight by scalp region (posterior strongest). */
function alphaWeight(label: string): number {
  const l = label.toUpperCase();
  if (/^(O|PO|IZ)/.test(l)) return 1;
  if (/^P/.test(l) || /^T[56]$/.test(l) || /^TP(9|10)$/.test(l)) return 0.8;
  if (/^(C|CP|T|TP)/.test(l)) return 0.45;
  if (/^(FC|FT)/.test(l)) return 0.3;
  return 0.2; // F, AF, Fp
}

/** Blink (EOG) weight: frontopolar strongest, fading backwards. */
function blinkWeight(label: string): number {
  const l = label.toUpperCase();
  if (/^FP/.test(l)) return 1;
  if (/^AF/.test(l)) return 0.75;
  if (/^F[0-9Z]/.test(l)) return 0.45;
  if (/^(FC|FT)/.test(l)) return 0.25;
  if (/^(C|T[34789]|T$)/.test(l)) return 0.1;
  if (/^TP(9|10)$/.test(l)) return 0.08;
  return 0.03;
}

const BLINK_DURATION_SEC = 0.3;
const BLINK_RATE_PER_MIN = 17;

export class SimEegHeadset extends SimDevice {
  // Per-channel generator state (sized on layout change).
  private C = 0;
  private dc = new Float64Array(0);
  private drift = new Float64Array(0);
  private p0 = new Float64Array(0);
  private p1 = new Float64Array(0);
  private p2 = new Float64Array(0);
  private driftNext = new Float64Array(0);
  private aW = new Float64Array(0);
  private bW = new Float64Array(0);
  private lineAmp = new Float64Array(0);
  private lineCos = new Float64Array(0);
  private lineSin = new Float64Array(0);
  private alphaCos = new Float64Array(0);
  private alphaSin = new Float64Array(0);
  // Shared state.
  private alphaPhase = 0;
  private alphaMod = 1;
  private nextBlink = NaN;
  private blinks: { t: number; amp: number }[] = [];

  constructor(opts: SimDeviceOptions) {
    super(opts);
    this.ensureSettings();
    this.onLayoutChange();
  }

  protected deviceSettings(): SimSettingDef[] {
    return [
      { key: 'preset', label: 'Montage / rate', default: '10-20', options: Object.entries(EEG_PRESETS).map(([k, p]) => ({ value: k, label: p.label })), restartsStream: true },
      { key: 'eyesClosed', label: 'Eyes closed', default: false, options: [{ value: false, label: 'open' }, { value: true, label: 'closed' }] },
      { key: 'mainsHz', label: 'Mains', default: 50, options: [50, 60].map((v) => ({ value: v, label: `${v} Hz` })) },
      { key: 'lineNoiseUv', label: 'Mains hum', default: 2, options: [0, 2, 10, 40].map((v) => ({ value: v, label: `${v} µV` })) },
      { key: 'blinks', label: 'Blinks', default: true, options: [{ value: true, label: 'on' }, { value: false, label: 'off' }] },
    ];
  }

  protected initialDeviceClock(): number {
    return this.rng.range(5, 600); // seconds since the headset was switched on
  }

  protected override mainsHz(): number {
    return this.num('mainsHz');
  }

  private preset(): EegPreset {
    return EEG_PRESETS[this.settings.preset as string] ?? EEG_PRESETS['10-20'];
  }

  protected streamLayout(): SimStreamLayout {
    const p = this.preset();
    const channels: ChannelInfo[] = p.labels.map((label) => ({ label, unit: 'uV', resolution: p.resolutionUv, rangeUv: p.rangeUv }));
    return { modality: 'eeg', model: p.model, rateHz: p.rateHz, packet: p.packet, channels };
  }

  protected override onLayoutChange(): void {
    const labels = this.preset().labels;
    const C = labels.length;
    this.C = C;
    this.dc = Float64Array.from(labels, () => this.rng.range(-400, 400));
    this.drift = new Float64Array(C);
    this.driftNext = new Float64Array(C);
    this.p0 = new Float64Array(C);
    this.p1 = new Float64Array(C);
    this.p2 = new Float64Array(C);
    this.aW = Float64Array.from(labels, alphaWeight);
    this.bW = Float64Array.from(labels, blinkWeight);
    this.lineAmp = Float64Array.from(labels, () => this.rng.range(0.5, 1.5));
    const linePhase = Float64Array.from(labels, () => this.rng.range(0, 2 * Math.PI));
    this.lineCos = linePhase.map(Math.cos);
    this.lineSin = linePhase.map(Math.sin);
    const alphaOffset = Float64Array.from(labels, () => this.rng.range(-0.4, 0.4));
    this.alphaCos = alphaOffset.map(Math.cos);
    this.alphaSin = alphaOffset.map(Math.sin);
  }

  protected fill(out: Float32Array, count: number, t0: number, dt: number): void {
    const C = this.C;
    const eyesClosed = this.settings.eyesClosed as boolean;
    const alphaBase = eyesClosed ? 24 : 8;
    const lineUv = this.num('lineNoiseUv');
    const mains = this.num('mainsHz');
    const blinksOn = (this.settings.blinks as boolean) && !eyesClosed;
    const rng = this.rng;
    // Blink schedule (Poisson) in true time.
    if (Number.isNaN(this.nextBlink)) this.nextBlink = t0 + rng.exp(60 / BLINK_RATE_PER_MIN);
    const t1 = t0 + count * dt;
    while (this.nextBlink < t1) {
      if (blinksOn) this.blinks.push({ t: this.nextBlink, amp: rng.range(90, 160) });
      this.nextBlink += 0.4 + rng.exp(60 / BLINK_RATE_PER_MIN - 0.4);
    }
    if (this.blinks.length > 0 && this.blinks[0].t + BLINK_DURATION_SEC <= t0) this.blinks = this.blinks.filter((b) => b.t + BLINK_DURATION_SEC > t0);
    const dAlpha = 2 * Math.PI * 10.2 * dt;
    // Electrode drift: an Ornstein–Uhlenbeck step per packet, interpolated linearly across it (a
    // per-sample random walk would cost a Gaussian per sample for a < 0.1 Hz component).
    const span = count * dt;
    const keep = Math.exp(-span / 20);
    const kick = 30 * Math.sqrt(1 - keep * keep);
    const { dc, drift, driftNext, p0, p1, p2, aW, bW, lineAmp, lineCos, lineSin, alphaCos, alphaSin } = this;
    for (let c = 0; c < C; c++) driftNext[c] = drift[c] * keep + rng.gauss() * kick;
    // Oscillators advance by rotation (no trigonometry per sample): alpha with its frequency
    // wobble and amplitude modulation updated once per packet, mains from its exact phase at t0.
    const modEnd = Math.max(0.1, this.alphaMod + (1 - this.alphaMod) * span * 0.5 + rng.gauss() * Math.sqrt(span) * 0.35);
    const modStart = this.alphaMod;
    this.alphaMod = modEnd;
    const dA = dAlpha * (1 + 0.02 * Math.sin(t0 * 0.7));
    const rc = Math.cos(dA);
    const rs = Math.sin(dA);
    let sA = Math.sin(this.alphaPhase);
    let cA = Math.cos(this.alphaPhase);
    this.alphaPhase = (this.alphaPhase + count * dA) % (2 * Math.PI);
    const wM = 2 * Math.PI * mains;
    let sM = Math.sin(wM * t0);
    let cM = Math.cos(wM * t0);
    const mc = Math.cos(wM * dt);
    const ms = Math.sin(wM * dt);
    const blinks = this.blinks;
    for (let i = 0; i < count; i++) {
      const frac = i / count;
      const aAmp = alphaBase * (modStart + (modEnd - modStart) * frac);
      const sAa = sA * aAmp;
      const cAa = cA * aAmp;
      let blink = 0;
      if (blinks.length > 0) {
        const t = t0 + i * dt;
        for (const b of blinks) {
          const u = (t - b.t) / BLINK_DURATION_SEC;
          if (u > 0 && u < 1) blink += b.amp * Math.sin(Math.PI * u) ** 2;
        }
      }
      const line = sM * lineUv;
      const lineC = cM * lineUv;
      for (let c = 0; c < C; c++) {
        const w = rng.gauss();
        // Kellet's economy pink filter, scaled to ~8 µV rms.
        const q0 = (p0[c] = 0.99765 * p0[c] + w * 0.099046);
        const q1 = (p1[c] = 0.963 * p1[c] + w * 0.2965164);
        const q2 = (p2[c] = 0.57 * p2[c] + w * 1.0526913);
        out[c * count + i] =
          dc[c] +
          drift[c] + (driftNext[c] - drift[c]) * frac +
          (q0 + q1 + q2 + w * 0.1848) * 2.2 +
          aW[c] * (sAa * alphaCos[c] + cAa * alphaSin[c]) +
          blink * bW[c] +
          lineAmp[c] * (line * lineCos[c] + lineC * lineSin[c]) +
          (rng.next() - 0.5) * 2.4; // amplifier noise, ~0.7 µV rms
      }
      const s1 = sA * rc + cA * rs;
      cA = cA * rc - sA * rs;
      sA = s1;
      const s2 = sM * mc + cM * ms;
      cM = cM * mc - sM * ms;
      sM = s2;
    }
    drift.set(driftNext);
  }
}
