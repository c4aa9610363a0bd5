// Streaming R-peak detection (Pan & Tompkins, IEEE TBME 32(3):230-236, 1985, with Hamilton &
// Tompkins' refinements): band-pass 5–15 Hz → five-point derivative → square → 150 ms moving
// integration → adaptive signal/noise thresholds with a 200 ms refractory period, T-wave
// rejection within 360 ms, and search-back at half threshold when a beat is overdue.
// The R peak itself is then placed at the largest deflection of the input signal near the QRS.
//
// Causal and sample-by-sample: decisions lag the R peak by ~0.2–0.4 s (search-back by up to
// 1.66 RR); peaks are reported in time order as sample indices of the pushed signal.
import { designButterworth } from './sos-design';
import { SosFilterBank } from './sos-filter';

const LEARN_SEC = 2;
const REFRACTORY_SEC = 0.2;
const T_WAVE_SEC = 0.36;
const MWI_SEC = 0.15;
const RING = 2048;

interface Candidate {
  /** Sample index of the integrator peak. */
  at: number;
  value: number;
}

export class RPeakDetector {
  readonly fs: number;
  private readonly bp: SosFilterBank;
  private readonly w: number;
  private readonly refractory: number;
  private readonly tWave: number;
  private readonly learn: number;
  // Histories (ring buffers indexed by absolute sample index).
  private readonly x = new Float64Array(RING);
  private readonly band = new Float64Array(RING);
  private readonly slope = new Float64Array(RING);
  private scratch = new Float64Array(256);
  private n = 0;
  private mwiSum = 0;
  // Integrator peak tracking.
  private curMax = 0;
  private curAt = -1;
  private rising = true;
  // Thresholds.
  private spki = 0;
  private npki = 0;
  private learned = false;
  private learnPeaks: Candidate[] = [];
  private learnMax = 0;
  private learnSum = 0;
  /** Samples learned from so far (across restarts: stretches shorter than the learning period add up). */
  private learnN = 0;
  private noiseSinceBeat: Candidate[] = [];
  private lastBeatAt = -Infinity;
  private lastBeatSlope = 0;
  private rr: number[] = [];
  private out: number[] = [];
  private primed = false;

  constructor(fs: number) {
    this.fs = fs;
    this.bp = new SosFilterBank(designButterworth(2, [5, 15], 'bandpass', fs), 1);
    this.w = Math.max(1, Math.round(MWI_SEC * fs));
    this.refractory = Math.round(REFRACTORY_SEC * fs);
    this.tWave = Math.round(T_WAVE_SEC * fs);
    this.learn = Math.round(LEARN_SEC * fs);
  }

  /**
   * A new stretch of the same signal after a short gap: the history goes (no beat is paired across
   * the gap, nothing is searched back into it), the learned thresholds stay, so beats are found
   * from the first QRS on instead of after another 2-s learning period — with a packet lost every
   * second or so, a stretch may never last that long.
   */
  restart(): void {
    const { spki, npki, rr, learned, learnMax, learnSum, learnN } = this;
    this.reset();
    if (learned) {
      this.spki = spki;
      this.npki = npki;
      this.rr = rr;
      this.learned = true;
    } else {
      // Still learning: the statistics carry on; the stretch's candidate peaks cannot (their
      // indices belong to the stretch that ended).
      this.learnMax = learnMax;
      this.learnSum = learnSum;
      this.learnN = learnN;
    }
  }

  /**
   * The signal ends here (a gap follows): an integrator peak still waiting for its fall is decided
   * now, with the usual thresholds, so a beat just before a gap is not dropped. Returns the R peaks
   * decided (sample indices since the last reset or restart).
   */
  finish(): number[] {
    this.out = [];
    if (this.learned && this.rising && this.curAt >= 0 && this.curMax > 0) {
      this.classify({ at: this.curAt, value: this.curMax });
      this.rising = false;
    }
    return this.out;
  }

  /** Starts over (a new signal): thresholds are learned again, no beat is paired across the reset. */
  reset(): void {
    this.n = 0;
    this.mwiSum = 0;
    this.curMax = 0;
    this.curAt = -1;
    this.rising = true;
    this.spki = 0;
    this.npki = 0;
    this.learned = false;
    this.learnPeaks = [];
    this.learnMax = 0;
    this.learnSum = 0;
    this.learnN = 0;
    this.noiseSinceBeat = [];
    this.lastBeatAt = -Infinity;
    this.lastBeatSlope = 0;
    this.rr = [];
    this.primed = false;
  }

  /**
   * Feeds samples x[offset + i·step] for i < count; returns the sample indices (counted from the
   * last reset) of the R peaks decided during this call, in order.
   */
  push(xs: ArrayLike<number>, offset: number, count: number, step = 1): number[] {
    this.out = [];
    if (count <= 0) return this.out;
    if (this.scratch.length < count) this.scratch = new Float64Array(2 * count);
    const f = this.scratch;
    for (let i = 0; i < count; i++) f[i] = xs[offset + i * step];
    if (!this.primed) {
      this.bp.resetSteady([f[0]]);
      this.primed = true;
    }
    const raw = Float64Array.from(f.subarray(0, count));
    this.bp.processPlanar(f, count);
    const band = this.band;
    for (let i = 0; i < count; i++) {
      const n = this.n;
      const r = n % RING;
      this.x[r] = raw[i];
      band[r] = f[i];
      // Five-point derivative (Pan–Tompkins), then square and integrate over the MWI window.
      const b1 = n >= 1 ? band[(n - 1) % RING] : band[r];
      const b3 = n >= 3 ? band[(n - 3) % RING] : band[r];
      const b4 = n >= 4 ? band[(n - 4) % RING] : band[r];
      const d = (2 * band[r] + b1 - b3 - 2 * b4) / 8;
      this.slope[r] = d;
      this.mwiSum += d * d;
      if (n >= this.w) {
        const old = this.slope[(n - this.w) % RING];
        this.mwiSum -= old * old;
      }
      const m = Math.max(0, this.mwiSum) / this.w;
      this.n++;
      this.track(n, m);
    }
    return this.out;
  }

  private track(n: number, m: number): void {
    if (!this.learned && this.learnN < this.learn) {
      this.learnMax = Math.max(this.learnMax, m);
      this.learnSum += m;
      this.learnN++;
    }
    if (m > this.curMax) {
      this.curMax = m;
      this.curAt = n;
      this.rising = true;
    } else if (this.rising && m < this.curMax / 2) {
      this.rising = false;
      this.peak({ at: this.curAt, value: this.curMax });
      this.curMax = m;
      this.curAt = n;
    } else if (!this.rising && m < this.curMax) {
      this.curMax = m;
      this.curAt = n;
    }
    if (!this.learned && this.learnN === this.learn) {
      this.spki = this.learnMax * 0.25;
      this.npki = (this.learnSum / this.learn) * 0.5;
      this.learned = true;
      const pending = this.learnPeaks;
      this.learnPeaks = [];
      for (const p of pending) this.classify(p);
    }
  }

  private peak(p: Candidate): void {
    if (!this.learned) {
      this.learnPeaks.push(p);
      return;
    }
    this.classify(p);
  }

  private get thr1(): number {
    return this.npki + 0.25 * (this.spki - this.npki);
  }

  private classify(p: Candidate): void {
    // Search-back: a beat is overdue, take the biggest earlier peak above half threshold.
    if (this.rr.length > 0 && this.lastBeatAt > -Infinity) {
      const rrAvg = this.rr.reduce((a, b) => a + b, 0) / this.rr.length;
      if (p.at - this.lastBeatAt > 1.66 * rrAvg) {
        let best: Candidate | undefined;
        for (const q of this.noiseSinceBeat) if (q.value > 0.5 * this.thr1 && q.at - this.lastBeatAt > this.refractory && (!best || q.value > best.value)) best = q;
        if (best) {
          this.spki = 0.25 * best.value + 0.75 * this.spki;
          this.beat(best);
        }
      }
    }
    if (p.at - this.lastBeatAt <= this.refractory) return;
    if (p.value > this.thr1) {
      const s = this.maxSlope(p.at);
      if (p.at - this.lastBeatAt < this.tWave && s < 0.5 * this.lastBeatSlope) {
        this.noise(p);
        return;
      }
      this.spki = 0.125 * p.value + 0.875 * this.spki;
      this.beat(p);
    } else {
      this.noise(p);
    }
  }

  private noise(p: Candidate): void {
    this.npki = 0.125 * p.value + 0.875 * this.npki;
    this.noiseSinceBeat.push(p);
  }

  /** Largest |slope| in the integration window ending at sample `at`. */
  private maxSlope(at: number): number {
    let s = 0;
    for (let k = Math.max(0, at - this.w, this.n - RING + 1); k <= at; k++) s = Math.max(s, Math.abs(this.slope[k % RING]));
    return s;
  }

  private beat(p: Candidate): void {
    const r = this.locate(p.at);
    if (this.lastBeatAt > -Infinity) {
      this.rr.push(p.at - this.lastBeatAt);
      if (this.rr.length > 8) this.rr.shift();
    }
    this.lastBeatAt = p.at;
    this.lastBeatSlope = this.maxSlope(p.at);
    this.noiseSinceBeat = [];
    if (this.out.length === 0 || r > this.out[this.out.length - 1]) this.out.push(r);
  }

  /**
   * The R peak of the QRS whose integrator peak is at `at`: the integrator lags the QRS by up to
   * its window plus the band-pass delay, so look back over that span for the largest band-passed
   * deflection, then take the largest deviation of the input from its local mean within ±50 ms.
   */
  private locate(at: number): number {
    const lo = Math.max(0, at - this.w - Math.round(0.1 * this.fs), this.n - RING + 1);
    let best = lo;
    let bestV = -1;
    for (let k = lo; k <= at; k++) {
      const v = Math.abs(this.band[k % RING]);
      if (v > bestV) {
        bestV = v;
        best = k;
      }
    }
    const half = Math.round(0.05 * this.fs);
    const a = Math.max(lo, best - half, this.n - RING + 1);
    const z = Math.min(this.n - 1, best + half);
    let mean = 0;
    for (let k = a; k <= z; k++) mean += this.x[k % RING];
    mean /= z - a + 1;
    let r = best;
    let rv = -1;
    for (let k = a; k <= z; k++) {
      const v = Math.abs(this.x[k % RING] - mean);
      if (v > rv) {
        rv = v;
        r = k;
      }
    }
    return r;
  }
}

/** Batch convenience: all R peaks of a signal (sample indices). */
export function detectRPeaks(x: ArrayLike<number>, fs: number): number[] {
  const d = new RPeakDetector(fs);
  return d.push(x, 0, x.length);
}
