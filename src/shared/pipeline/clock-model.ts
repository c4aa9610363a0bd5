// Online device-clock → host-clock model: host = device + offset + drift·(device − anchor).
//
// Each chunk gives one observation (d, h): the device time of its last sample and the host time
// it arrived (minus the stream's known transport latency). Arrival is always late by a positive,
// jittery delay, so the true mapping is the LOWER ENVELOPE of the observations, not their mean.
// The model therefore:
//   1. keeps the minimum of (h − d) in each `bucketSec` of device time (many packets → one point
//      close to the envelope; removes most of the jitter at once);
//   2. fits a line to the last `windowSec` of bucket minima by weighted quantile regression at a
//      low quantile τ (pinball loss), with exponential forgetting (half-life `halfLifeSec`). The
//      τ-quantile tracks the envelope yet ignores up to a fraction τ of points that fall below it
//      (device timestamp noise), and all points above it (radio stalls, bursts);
//   3. estimates only the offset, with the drift held at its prior, until the buckets span
//      `minSlopeSpanSec` (a slope from two seconds of jittery points would be noise); the drift
//      is then searched within a crystal's ±`maxDriftPpm`, and goes beyond it (up to a real rate
//      MAX_RATE_ERROR off nominal: a counter clock — a text device's line count, a Cyton's or
//      Muse's sample count — runs at the real rate over the nominal one) only when that fit sits
//      on its edge AND the buckets say so on their own: the line found over ±`maxRateError`
//      is at least FAR_MIN_PPM, and the lines through each third of the buckets alone agree
//      with it within FAR_AGREE of its size. A stretch of raised delays (a busy host, a backlog
//      draining) tilts a line through all the buckets as much but not each third alike; taken
//      for drift (one rule over halves, from 3 s on), it placed a ±400 ppm device's samples
//      tens of ms off under load. Below the edge the fit is the crystal one, to the bit. Once
//      beyond, the drift is followed as in the crystal range (searched anew over the wide one
//      when the optimum reaches a search's edge) until the fit comes back within it;
//   4. is re-anchored by its owner when the device clock resets or jumps: the offset restarts from
//      the new observation, the drift (a property of the crystal) is kept;
//   5. starts a new TIME BASE when its owner says the device's time was re-placed (a reconnect: a
//      counter restarted from zero, put after the hole by host arrival times, lands a millisecond
//      or two off the old line). The buckets after it get an offset of their own while the drift
//      stays one line through all of them: a step between time bases is not read as drift (a 2-ms
//      step fitted as one line over a 2-min window is ~30 ppm), and the drift keeps its history.
//   6. starts a new time base of its own accord where the transport delay FLOOR steps and stays
//      (a Bluetooth link moved to a longer connection interval, a USB hub under load): every
//      packet from then on arrives X ms later (or earlier). One line through both levels read the
//      step as drift for the two minutes the old points stayed in the window (+15 ms: ~340 ppm,
//      the mapping ramping to the new floor over ~20 s, 30 s after the step, and ~1 ms past it).
//      A rise counts when every one of 20 buckets lies above the 10 before them (their third
//      lowest) by more than 4× the buckets' spread (median − minimum) and 0.5 ms; a raised
//      stretch shorter than that (a busy host, a radio burst) is ridden out as before. A drop
//      counts when 3 buckets lie that far below all of the 10 before (the τ-quantile follows a
//      drop within a bucket or two, and tilts the line as fast), unless the floor of the 20
//      buckets before those was as low already (the end of a raised stretch). Only a settled
//      mapping is judged (drift estimated, 30 buckets). As in 5., the offset then follows the new
//      floor: one-way arrivals cannot tell a longer delay from a clock that moved. Where it does
//      not fire the fit is the one without it, to the bit. Where it does, it counts in `resets` as
//      5. does (the offset starts over; the buckets are kept, unlike a re-anchor's), so the
//      dashboard's clock line says so; the owner marks the mapping's jump (StreamConditioner).
// Pure and deterministic: the state is a function of the observation sequence only.
import type { ClockModelState } from './pipeline.types';

/**
 * How far (fraction) a device's real sample rate may lie off its nominal rate for the pipeline to
 * follow it: the clock model's drift beyond a crystal's (3. above) and the conditioner's sample
 * period (a device stamping its own samples) are both limited to a real rate nominal·(1 ± this).
 * Crystals are off by ppm, but a nominal rate is often only roughly right (a Muse's 256 Hz
 * delivering 255.x, an ESP32 or a text device printing slower than it says): held to ±1000 ppm, a
 * counter clock 2 % slow had its samples placed 0.9 s early at 50 s and one 9 % slow was missing
 * from the windows; held to ±5 %, a device's own timestamps 6 % fast made every few chunks an
 * 'overlap' that was dropped (and not recorded). Beyond it the rate is a wrong setting (the source
 * says so, and the windows fall behind).
 */
export const MAX_RATE_ERROR = 0.1;

/**
 * The real rate's offset from nominal (a fraction: −0.02 is 2 % slow) that a drift (ppm, host/device
 * − 1) stands for in a device counting its samples (device time = sample index / nominal rate, so
 * the drift is nominal / real − 1).
 */
export function rateOffset(driftPpm: number): number {
  return 1 / (1 + driftPpm * 1e-6) - 1;
}

export interface ClockModelOptions {
  bucketSec: number;
  windowSec: number;
  halfLifeSec: number;
  quantile: number;
  minSlopeSpanSec: number;
  /** A crystal's drift range (ppm): the fit's, unless the buckets show a rate off nominal (3. above). */
  maxDriftPpm: number;
  /** How far off nominal (fraction) a real rate is followed beyond maxDriftPpm (3. above); 0: never. */
  maxRateError: number;
}

export const CLOCK_MODEL_DEFAULTS: ClockModelOptions = {
  bucketSec: 1,
  windowSec: 120,
  halfLifeSec: 60,
  quantile: 0.05,
  minSlopeSpanSec: 10,
  maxDriftPpm: 1000,
  maxRateError: MAX_RATE_ERROR,
};

/** A snapshot for the device panel and the recorder. */
export interface ClockEstimate {
  /** host − device (s) at the latest observation. */
  offsetSec: number;
  /** Device clock rate error seen from the host, ppm (positive: device clock slow, host advances more). */
  driftPpm: number;
  /** Whether the drift has been estimated (enough span) or is still the prior. */
  driftEstimated: boolean;
  observations: number;
  /** Times the offset started over: re-anchors (clock resets/jumps) and new time bases (reconnects, floor steps). */
  resets: number;
  /** Median of recent (arrival − model) residuals, ms: the typical transport delay beyond the envelope. */
  medianDelayMs: number;
  /**
   * Interquartile range of the same recent residuals, ms: how much the transport delay varies
   * from packet to packet (the radio's jitter; for an exponential delay of mean μ it is μ·ln 3).
   * NaN before 4 residuals.
   */
  jitterMs: number;
  /**
   * Median distance (ms) of the per-bucket earliest arrivals from the fitted line: how tightly the
   * lower envelope is pinned down, i.e. the typical error of a mapped timestamp. NaN before a
   * bucket has closed.
   */
  fitMs: number;
  /**
   * Standard error of driftPpm: fitMs spread over the buckets' span, σ·√(12/n)/span for n points a
   * second apart (a line through 15 s of jittery points is off by tens of ppm, through 2 min by
   * one), widened by √((1 + ρ)/(1 − ρ)) for the lag-1 correlation ρ of the buckets' residuals: a
   * busy host delays every packet for seconds at a time, and a floor raised for a stretch tilts a
   * lower-envelope fit (a 1-ms rise 5 s into 15 s reads as ~160 ppm) while the residuals, counted
   * as independent, said ±54 (now ±112). Or, where it is larger, the jackknife's: how far the
   * drift moves with each fifth of the buckets left out in turn (jackknifeSdPpm: a fit resting on
   * one stretch of buckets, which the residuals do not show). NaN while the drift is the prior.
   */
  driftSdPpm: number;
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;
/** Search half-width around the previous drift (ppm); the full ±maxDrift range is searched when the optimum sits on its edge. */
const LOCAL_SEARCH_PPM = 20;
/**
 * Once estimated, the drift is re-searched every this many closed buckets; in between only the
 * offset is refitted (drift moves on a scale of minutes, the offset must follow every bucket).
 */
const DRIFT_REFIT_BUCKETS = 5;
/** A drift beyond maxDriftPpm (3. above) is looked for when the crystal fit lies within this fraction of the range's edge. */
const EDGE = 0.01;
/** The least drift (ppm) taken beyond a crystal's: a rate off nominal, not a crystal under a busy host. */
const FAR_MIN_PPM = 1500;
/** How closely (a fraction of its size) the line through each third of the buckets must agree with the far drift. */
const FAR_AGREE = 0.25;
/** The far drift is searched this much beyond its limit, so that one at the limit is not on the search's edge. */
const FAR_SEARCH = 1.05;
/** The drift's jackknife (ClockModel.jackknifeSdPpm): runs of buckets left out in turn, at most and at least. */
const JACK_GROUPS = 5;
const JACK_MIN_GROUPS = 3;
/** Floor-step test (6. above): buckets before a split that set the level it is judged against. */
const STEP_LEVEL_BUCKETS = 10;
/** Buckets after a split that must all lie above that level, for a rise (a busy host, a burst: shorter). */
const STEP_RISE_AFTER = 20;
/** Buckets after a split that must lie below it, for a drop. */
const STEP_DROP_AFTER = 3;
/** Buckets before the level whose floor, already as low as a drop's, makes the drop the end of a raised stretch. */
const STEP_FLOOR_BEFORE = 20;
/** The latest time base's buckets examined, at most. */
const STEP_TAIL_BUCKETS = STEP_FLOOR_BEFORE + STEP_LEVEL_BUCKETS + STEP_RISE_AFTER;
/** Closed buckets the model needs (with its drift estimated) before it judges a step. */
const STEP_MIN_WINDOW_BUCKETS = 30;
/** A step must exceed this (s) and STEP_SPREADS × the bucket minima's spread (median − minimum). */
const STEP_MIN_SEC = 0.0005;
const STEP_SPREADS = 4;
/** A side's level: its (rank + 1)-th lowest bucket (one or two below the floor — device timestamp noise — do not set it). */
const STEP_LOW_RANK = 2;

export class ClockModel {
  readonly opts: ClockModelOptions;
  /** Reference point: all arithmetic is on (d − xRef, h − yRef) to keep precision with epoch times. */
  private xRef = 0;
  private yRef = 0;
  private anchored = false;
  // Fitted model in relative coordinates: z = y − x = a + c·(x − xA).
  private a = 0;
  private c = 0;
  private xA = 0;
  private driftEstimated = false;
  // Closed buckets, oldest first (x at the bucket's minimum, z minimum).
  private bx: number[] = [];
  private bz: number[] = [];
  /**
   * Indices into bx where a time base begins (ascending, each > 0; the first starts at 0). One
   * equal to bx.length: the open bucket is the first of the latest.
   */
  private segStarts: number[] = [];
  private curBucket = -Infinity;
  private curX = 0;
  private curZ = Infinity;
  private lastX = 0;
  private nObs = 0;
  private nResets = 0;
  // Recent residuals (arrival − model) for the delay statistic.
  private readonly recent = new Float64Array(64);
  private recentN = 0;
  // Scratch for the quantile search: points (closed buckets plus the open one), weights, residuals.
  private xs: Float64Array = new Float64Array(0);
  private zs: Float64Array = new Float64Array(0);
  private rs: Float64Array = new Float64Array(0);
  private ws: Float64Array = new Float64Array(0);
  /** The smallest residuals of a time base, in (residual, index) order (quantileOffset). */
  private low: Int32Array = new Int32Array(0);
  /** A refit's time-base ranges over its points, and each range's total weight (fixed during the refit). */
  private bounds: number[] = [];
  private totals: number[] = [];
  private sinceDriftFit = 0;
  /** The last refit took a drift beyond the crystal range (3. above): observe says the mapping moved. */
  private tookFar = false;
  /**
   * jackknifeSdPpm's result and the search range it used; null once the buckets or time bases
   * change. A cache of a function of the state (not part of it): estimate() is asked for far more
   * often than a bucket closes (each stream's clock push reads every stream's estimate).
   */
  private jack: { range: number; sdPpm: number } | null = null;

  constructor(opts: Partial<ClockModelOptions> = {}) {
    this.opts = { ...CLOCK_MODEL_DEFAULTS, ...opts };
  }

  get ready(): boolean {
    return this.anchored;
  }

  /** host time of device time d. */
  toHost(d: number): number {
    const x = d - this.xRef;
    return this.yRef + x + this.a + this.c * (x - this.xA);
  }

  /** device time of host time h (inverse of toHost). */
  toDevice(h: number): number {
    const y = h - this.yRef;
    return this.xRef + (y - this.a + this.c * this.xA) / (1 + this.c);
  }

  /** arrival − model for an observation: ≥ 0 when the model holds (the transport delay). */
  residual(d: number, h: number): number {
    return h - this.toHost(d);
  }

  /** Starts over from (d, h), keeping the drift estimate (the crystal has not changed). */
  reanchor(d: number, h: number): void {
    if (this.anchored) this.nResets++;
    this.xRef = d;
    this.yRef = h;
    this.a = 0;
    this.xA = 0;
    this.bx = [];
    this.bz = [];
    this.segStarts = [];
    this.jack = null;
    this.curBucket = -Infinity;
    this.curZ = Infinity;
    this.lastX = 0;
    this.anchored = true;
    this.recentN = 0;
    this.addToBucket(0, 0);
  }

  /**
   * The device's time base was re-placed (see 5. above): later observations get an offset of their
   * own, the drift and the buckets so far are kept. The open bucket is closed now. Counts as a
   * re-anchor (the offset starts over). Before the first observation it does nothing.
   */
  newTimeBase(): void {
    if (!this.anchored) return;
    this.closeBucket();
    this.curBucket = -Infinity;
    if (this.bx.length > this.latestStart) this.segStarts.push(this.bx.length);
    this.jack = null;
    this.nResets++;
  }

  /** Index into bx where the latest time base begins (bx.length: none of its buckets is closed yet). */
  private get latestStart(): number {
    return this.segStarts.at(-1) ?? 0;
  }

  /** Closed buckets of the latest time base. */
  private get segBuckets(): number {
    return this.bx.length - this.latestStart;
  }

  /**
   * Adds an observation. Returns why the mapping of the latest samples moved at once, which the
   * owner must not pass on silently (StreamConditioner marks it): 'floor-step' when it started a
   * new time base of its own accord (6. above), 'rate' when it took a drift beyond a crystal's (a
   * rate off nominal, 3. above: the samples so far were placed by the crystal fit); else false.
   */
  observe(d: number, h: number): 'floor-step' | 'rate' | false {
    this.nObs++;
    if (!this.anchored) {
      this.reanchor(d, h);
      return false;
    }
    const res = this.residual(d, h);
    this.recent[this.recentN++ % this.recent.length] = res;
    const x = d - this.xRef;
    const z = h - this.yRef - x;
    const closed = this.addToBucket(x, z);
    // During start-up refit on every observation (the offset is still settling); afterwards once
    // per closed bucket, which is where new information about the envelope appears.
    this.tookFar = false;
    if (closed || this.segBuckets < 3) this.refit();
    if (closed && this.splitFloorStep()) {
      this.nResets++;
      // The drift from both levels at once, not in up to DRIFT_REFIT_BUCKETS buckets' time.
      this.sinceDriftFit = DRIFT_REFIT_BUCKETS;
      this.refit();
      return 'floor-step';
    }
    return this.tookFar ? 'rate' : false;
  }

  /** Returns true when a bucket was closed. */
  private addToBucket(x: number, z: number): boolean {
    const b = Math.floor(x / this.opts.bucketSec);
    let closed = false;
    if (b !== this.curBucket) {
      if (this.curBucket !== -Infinity) closed = this.closeBucket();
      this.curBucket = b;
      this.curZ = Infinity;
    }
    if (z < this.curZ) {
      this.curZ = z;
      this.curX = x;
    }
    if (x > this.lastX) this.lastX = x;
    return closed;
  }

  /** Moves the open bucket (when it holds a point) to the closed ones; true when it did. */
  private closeBucket(): boolean {
    if (this.curZ === Infinity) return false;
    this.bx.push(this.curX);
    this.bz.push(this.curZ);
    this.curZ = Infinity;
    this.jack = null;
    const maxBuckets = Math.max(2, Math.round(this.opts.windowSec / this.opts.bucketSec));
    const drop = this.bx.length - maxBuckets;
    if (drop > 0) {
      this.bx.splice(0, drop);
      this.bz.splice(0, drop);
      // Indices moved: a time base whose buckets all left the window is gone.
      if (this.segStarts.length > 0) this.segStarts = this.segStarts.map((i) => i - drop).filter((i) => i > 0);
    }
    return true;
  }

  /**
   * A lasting step of the delay floor (6. above): the split of the latest time base's last buckets
   * where one side lies above the other's level by the most beyond the threshold; starts a new
   * time base there and returns true. Reads only the buckets and the drift: a function of the state.
   */
  private splitFloorStep(): boolean {
    const nb = this.bx.length;
    const start = Math.max(this.latestStart, nb - STEP_TAIL_BUCKETS);
    const n = nb - start;
    if (!this.driftEstimated || nb < STEP_MIN_WINDOW_BUCKETS || n < STEP_LEVEL_BUCKETS + STEP_DROP_AFTER) return false;
    // Bucket minima less the drift (the offset cancels in a comparison of levels).
    const e = new Float64Array(n);
    for (let i = 0; i < n; i++) e[i] = this.bz[start + i] - this.c * this.bx[start + i];
    // Each split's right side (e[j..n)): its lowest and its (STEP_LOW_RANK + 1)-th lowest.
    const low0 = new Float64Array(n + 1).fill(Infinity);
    const lowK = new Float64Array(n + 1).fill(Infinity);
    const lows = new Float64Array(STEP_LOW_RANK + 1).fill(Infinity);
    for (let j = n - 1; j >= 0; j--) {
      if (e[j] < lows[STEP_LOW_RANK]) insertSorted(lows, STEP_LOW_RANK, e[j]);
      low0[j] = lows[0];
      lowK[j] = lows[STEP_LOW_RANK];
    }
    const left = new Float64Array(STEP_LEVEL_BUCKETS);
    const near = new Float64Array(STEP_LEVEL_BUCKETS);
    let best = 0;
    let at = -1;
    for (let j = STEP_LEVEL_BUCKETS; j <= n - STEP_DROP_AFTER; j++) {
      // The level from the 10 buckets just before j, not all of them: a drop tilts the line within
      // seconds, and a long side would carry that tilt into its level and spread. The spread from
      // those and the (up to) 10 just after.
      for (let i = 0; i < STEP_LEVEL_BUCKETS; i++) insertSorted(left, i, e[j - STEP_LEVEL_BUCKETS + i]);
      const m = Math.min(STEP_LEVEL_BUCKETS, n - j);
      for (let i = 0; i < m; i++) insertSorted(near, i, e[j + i]);
      const spread = Math.max(left[STEP_LEVEL_BUCKETS >> 1] - left[0], near[m >> 1] - near[0]);
      const threshold = Math.max(STEP_MIN_SEC, STEP_SPREADS * spread);
      const up = n - j >= STEP_RISE_AFTER ? low0[j] - left[STEP_LOW_RANK] : -Infinity;
      // A drop is judged while fresh (it shows within STEP_DROP_AFTER buckets): later, the floor
      // it returned to can have left the tail, and the end of a raised stretch would read as one.
      let down = n - j <= STEP_LEVEL_BUCKETS ? left[0] - lowK[j] : -Infinity;
      // A floor as low before the level: the end of a raised stretch the fit rode out, not a new floor.
      for (let i = Math.max(0, j - STEP_LEVEL_BUCKETS - STEP_FLOOR_BEFORE); i < j - STEP_LEVEL_BUCKETS && down > threshold; i++) {
        if (e[i] < lowK[j] + threshold) down = -Infinity;
      }
      const score = Math.max(up, down) - threshold;
      if (score > best) {
        best = score;
        at = j;
      }
    }
    if (at < 0) return false;
    this.segStarts.push(start + at);
    this.jack = null;
    return true;
  }

  /** The search's scratch holds at least n points. */
  private reserve(n: number): void {
    if (this.xs.length < n) {
      this.xs = new Float64Array(2 * n);
      this.zs = new Float64Array(2 * n);
      this.rs = new Float64Array(2 * n);
      this.ws = new Float64Array(2 * n);
      this.low = new Int32Array(2 * n);
    }
  }

  /** [from, to) ranges of the time bases over n points (closed buckets plus the open one). */
  private ranges(n: number): number[] {
    const r = [0];
    for (const i of this.segStarts) if (i < n) r.push(i);
    r.push(n);
    return r;
  }

  private refit(): void {
    // Points: closed buckets plus the open one (its minimum so far).
    const nb = this.bx.length;
    const n = nb + 1;
    this.reserve(n);
    const xs = this.xs;
    const zs = this.zs;
    for (let i = 0; i < nb; i++) {
      xs[i] = this.bx[i];
      zs[i] = this.bz[i];
    }
    xs[nb] = this.curX;
    zs[nb] = this.curZ;
    const xLast = this.lastX;
    const ln2h = Math.LN2 / this.opts.halfLifeSec;
    const w = this.ws;
    for (let i = 0; i < n; i++) w[i] = Math.exp(-(xLast - xs[i]) * ln2h);
    // Each time base's total weight, summed once per refit in index order (every search step reuses it).
    const bounds = (this.bounds = this.ranges(n));
    this.totals.length = 0;
    for (let k = 0; k + 1 < bounds.length; k++) {
      let total = 0;
      for (let i = bounds[k]; i < bounds[k + 1]; i++) total += w[i];
      this.totals.push(total);
    }
    const span = xs[n - 1] - xs[0];
    this.xA = xLast;
    this.sinceDriftFit++;
    const due = !this.driftEstimated || this.sinceDriftFit >= DRIFT_REFIT_BUCKETS;
    if (span >= this.opts.minSlopeSpanSec && n >= 3 && due) {
      this.sinceDriftFit = 0;
      // Beyond a crystal's range already (3. above): followed over the wide one.
      const crystal = this.opts.maxDriftPpm * 1e-6;
      const beyond = Math.abs(this.c) > crystal;
      const m = beyond ? Math.max(crystal, FAR_SEARCH * this.farLimit()) : crystal;
      if (this.driftEstimated) {
        const d = LOCAL_SEARCH_PPM * 1e-6;
        const lo = Math.max(-m, this.c - d);
        const hi = Math.min(m, this.c + d);
        const c = this.search(lo, hi, 30);
        const edge = (hi - lo) * 0.01;
        this.c = (c - lo < edge && lo > -m) || (hi - c < edge && hi < m) ? this.search(-m, m, 45) : c;
      } else {
        this.c = this.search(-m, m, 45);
      }
      this.driftEstimated = true;
      // On the crystal range's edge: a rate off nominal, if the buckets say so (3. above).
      if (!beyond && Math.abs(this.c) >= crystal * (1 - 2 * EDGE) && this.opts.maxRateError > 0) {
        const far = this.farDrift(n);
        if (!Number.isNaN(far)) {
          this.c = far;
          this.tookFar = true;
        }
      }
    }
    const last = bounds.length - 2;
    this.a = this.quantileOffset(bounds[last], bounds[last + 1], this.totals[last], this.c);
  }

  /**
   * The drift (host/device − 1) of a real rate nominal·(1 ± e), e = maxRateError, at most: e/(1 − e)
   * either way (11.1 % for 10 %: a text device printing 227 Hz set to 250 needs +10.1 %), which
   * covers a fast one's −e/(1 + e).
   */
  private farLimit(): number {
    const e = this.opts.maxRateError;
    return e / (1 - e);
  }

  /**
   * A drift beyond the crystal range (3. above) over the refit's n points, or NaN: the best over
   * the wide range, when it is at least FAR_MIN_PPM and the lines through each third of the points
   * alone (neighbouring thirds share a point) agree with it within FAR_AGREE of its size. A rate
   * off nominal is the same slope throughout; a stretch of raised delays (a backlog draining, a busy
   * host) is steep in one part and flat in another. Not one beyond farLimit: a rate further off
   * than maxRateError is a wrong setting (the source says so), not followed.
   */
  private farDrift(n: number): number {
    const M = FAR_SEARCH * this.farLimit();
    const c = this.search(-M, M, 45);
    if (!(Math.abs(c) >= FAR_MIN_PPM * 1e-6 && Math.abs(c) <= this.farLimit()) || n < 7) return NaN;
    const k1 = Math.floor((n - 1) / 3);
    const k2 = Math.floor((2 * (n - 1)) / 3);
    for (const [from, to] of [[0, k1 + 1], [k1, k2 + 1], [k2, n]]) {
      if (Math.abs(this.searchOver(from, to, M) - c) > FAR_AGREE * Math.abs(c)) return NaN;
    }
    return c;
  }

  /** The drift within ±M of the points [from, to) alone; the refit's ranges and totals are put back. */
  private searchOver(from: number, to: number, M: number): number {
    const bounds = this.bounds;
    const totals = this.totals;
    const sub = [from];
    for (const b of bounds) if (b > from && b < to) sub.push(b);
    sub.push(to);
    const subTotals: number[] = [];
    for (let k = 0; k + 1 < sub.length; k++) {
      let t = 0;
      for (let i = sub[k]; i < sub[k + 1]; i++) t += this.ws[i];
      subTotals.push(t);
    }
    this.bounds = sub;
    this.totals = subTotals;
    const c = this.search(-M, M, 45);
    this.bounds = bounds;
    this.totals = totals;
    return c;
  }

  /** Golden-section search of the (convex, piecewise-linear) loss over drift in [lo, hi]. */
  private search(lo: number, hi: number, iterations: number): number {
    let c1 = hi - GOLDEN * (hi - lo);
    let c2 = lo + GOLDEN * (hi - lo);
    let f1 = this.loss(c1);
    let f2 = this.loss(c2);
    for (let it = 0; it < iterations; it++) {
      if (f1 <= f2) {
        hi = c2;
        c2 = c1;
        f2 = f1;
        c1 = hi - GOLDEN * (hi - lo);
        f1 = this.loss(c1);
      } else {
        lo = c1;
        c1 = c2;
        f1 = f2;
        c2 = lo + GOLDEN * (hi - lo);
        f2 = this.loss(c2);
      }
    }
    return (lo + hi) / 2;
  }

  /**
   * Weighted τ-quantile of z − c·(x − xA) over the refit's points [from, to) (one time base),
   * `total` their summed weight: the best offset for drift c. The smallest residual, in
   * (residual, index) order, whose weight with all before it reaches τ of the total. Leaves the
   * residuals in rs[from, to).
   *
   * Only the lowest few residuals are ordered (τ = 0.05 of a 2-min window is some 6 of 121
   * points): a list of the smallest so far, cut after the first that reaches the target, which a
   * later point can only move earlier. Its running sums are the full order's, added in the same
   * order, so the result is the one a full sort gives, to the bit; a full insertion sort per
   * search step made re-fitting a recorded hour (export, `sessions show`) take about a second.
   */
  private quantileOffset(from: number, to: number, total: number, c: number): number {
    const r = this.rs;
    const xs = this.xs;
    const zs = this.zs;
    const w = this.ws;
    const xA = this.xA;
    for (let i = from; i < to; i++) r[i] = zs[i] - c * (xs[i] - xA);
    const target = this.opts.quantile * total;
    const low = this.low;
    let k = 0;
    let reached = false;
    for (let i = from; i < to; i++) {
      const rv = r[i];
      // After the cut (ties go by index, and i is the largest yet): it cannot move the answer.
      if (reached && !(rv < r[low[k - 1]])) continue;
      let j = k - 1;
      while (j >= 0 && r[low[j]] > rv) {
        low[j + 1] = low[j];
        j--;
      }
      low[j + 1] = i;
      k++;
      let acc = 0;
      for (let m = 0; m < k; m++) {
        acc += w[low[m]];
        if (acc >= target) {
          k = m + 1;
          reached = true;
          break;
        }
      }
    }
    // Unreached (only by rounding, or τ = 1): the largest, as the full order's last.
    return r[low[k - 1]];
  }

  /** Weighted pinball loss of the best lines with drift c: one offset per time base. */
  private loss(c: number): number {
    const tau = this.opts.quantile;
    const bounds = this.bounds;
    const r = this.rs;
    const w = this.ws;
    let s = 0;
    for (let k = 0; k + 1 < bounds.length; k++) {
      const from = bounds[k];
      const to = bounds[k + 1];
      const a = this.quantileOffset(from, to, this.totals[k], c);
      for (let i = from; i < to; i++) {
        const e = r[i] - a;
        s += w[i] * (e >= 0 ? tau * e : (tau - 1) * e);
      }
    }
    return s;
  }

  /**
   * Everything that decides future fits and estimates (pipeline snapshots). The refit's scratch
   * (points, weights, residuals) is left out: each refit fills it anew.
   */
  exportState(): ClockModelState {
    return {
      xRef: this.xRef,
      yRef: this.yRef,
      anchored: this.anchored,
      a: this.a,
      c: this.c,
      xA: this.xA,
      driftEstimated: this.driftEstimated,
      bx: Float64Array.from(this.bx),
      bz: Float64Array.from(this.bz),
      segStarts: this.segStarts.slice(),
      curBucket: this.curBucket,
      curX: this.curX,
      curZ: this.curZ,
      lastX: this.lastX,
      nObs: this.nObs,
      nResets: this.nResets,
      recent: this.recent.slice(0, Math.min(this.recentN, this.recent.length)),
      recentN: this.recentN,
      sinceDriftFit: this.sinceDriftFit,
    };
  }

  /** Puts back a state from exportState (options must be the same). */
  importState(s: ClockModelState): void {
    if (s.bx.length !== s.bz.length) throw new RangeError('clock model state: bucket lists differ in length');
    if (s.recent.length !== Math.min(s.recentN, this.recent.length)) throw new RangeError('clock model state: recent residuals do not match their count');
    for (let i = 0; i < s.segStarts.length; i++) {
      const v = s.segStarts[i];
      if (!Number.isInteger(v) || v <= (i > 0 ? s.segStarts[i - 1] : 0) || v > s.bx.length) throw new RangeError('clock model state: time-base starts out of order or range');
    }
    this.xRef = s.xRef;
    this.yRef = s.yRef;
    this.anchored = s.anchored;
    this.a = s.a;
    this.c = s.c;
    this.xA = s.xA;
    this.driftEstimated = s.driftEstimated;
    this.bx = Array.from(s.bx);
    this.bz = Array.from(s.bz);
    this.segStarts = s.segStarts.slice();
    this.curBucket = s.curBucket;
    this.curX = s.curX;
    this.curZ = s.curZ;
    this.lastX = s.lastX;
    this.nObs = s.nObs;
    this.nResets = s.nResets;
    this.recent.fill(0);
    this.recent.set(s.recent);
    this.recentN = s.recentN;
    this.sinceDriftFit = s.sinceDriftFit;
    this.jack = null;
  }

  estimate(): ClockEstimate {
    const k = Math.min(this.recentN, this.recent.length);
    const sorted = Array.from(this.recent.subarray(0, k)).sort((p, q) => p - q);
    const dLast = this.xRef + this.lastX;
    const res = this.envelopeResiduals();
    const n = this.bx.length;
    const fitMs = n > 0 ? quantileOfSorted(res.map(Math.abs).sort(), 0.5) * 1000 : NaN;
    const span = n > 0 ? this.bx[n - 1] - this.bx[0] : 0;
    // Bucket minima late together (a busy host raises the delay floor for seconds at a time) carry
    // less than n points' worth: the standard error of a mean of AR(1) errors grows by
    // √((1 + ρ)/(1 − ρ)). Only a positive ρ widens it; capped, as ρ of a few points is rough.
    const rho = Math.min(0.9, Math.max(0, lag1Correlation(res, this.ranges(n))));
    const correlated = Math.sqrt((1 + rho) / (1 - rho));
    const scatterSd = this.driftEstimated && n >= 3 && span > 0 ? ((fitMs / 1000) * Math.sqrt(12 / n) * correlated * 1e6) / span : NaN;
    // The larger of that and the jackknife's (a fit that rests on one stretch of buckets).
    const jack = Number.isNaN(scatterSd) ? NaN : this.jackknifeSdPpm();
    return {
      offsetSec: this.toHost(dLast) - dLast,
      driftPpm: this.c * 1e6,
      driftEstimated: this.driftEstimated,
      observations: this.nObs,
      resets: this.nResets,
      medianDelayMs: k > 0 ? sorted[k >> 1] * 1000 : NaN,
      jitterMs: k >= 4 ? (quantileOfSorted(sorted, 0.75) - quantileOfSorted(sorted, 0.25)) * 1000 : NaN,
      fitMs,
      driftSdPpm: Number.isNaN(jack) ? scatterSd : Math.max(scatterSd, jack),
    };
  }

  /**
   * Delete-a-group jackknife standard error of the drift (ppm): the closed buckets cut into
   * JACK_GROUPS runs of consecutive ones, the drift refitted (the full search, each time base its
   * own offset) with each run left out, and √((g − 1)/g · Σ(c₋ⱼ − mean)²). It measures what the
   * residuals' scatter cannot: how much the drift rests on which stretch of buckets is in the fit.
   * A low-quantile line is pinned by its two or three lowest buckets; where a stretch of them sits
   * low or high (a busy host, a floor that wanders with the read phase) another pair serves almost
   * as well, the loss is flat over hundreds of ppm, and one more bucket can move the drift there
   * (−490 to −246 ppm, true −400, at ±35 from the scatter). NaN under 6 buckets (3 runs of 2).
   * Each search is the refit's over the same range (the crystal's, or the wide one once beyond it),
   * with the refit's weights (scaled from the newest closed bucket, so that the result holds until
   * one closes: the line is the same). Uses the refit's scratch, which every refit fills anew: the
   * fits and mappings do not change.
   */
  private jackknifeSdPpm(): number {
    const nb = this.bx.length;
    const g = Math.min(JACK_GROUPS, Math.floor(nb / 2));
    if (g < JACK_MIN_GROUPS) return NaN;
    const crystal = this.opts.maxDriftPpm * 1e-6;
    const m = Math.abs(this.c) > crystal ? Math.max(crystal, FAR_SEARCH * this.farLimit()) : crystal;
    if (this.jack && this.jack.range === m) return this.jack.sdPpm;
    this.reserve(nb);
    const ln2h = Math.LN2 / this.opts.halfLifeSec;
    const xNew = this.bx[nb - 1];
    const ranges = this.ranges(nb);
    const bounds = this.bounds;
    const totals = this.totals;
    const cs: number[] = [];
    for (let j = 0; j < g; j++) {
      // The buckets less the j-th run, each time base's kept ones together (one left empty is dropped).
      const sub = [0];
      const subTotals: number[] = [];
      let k = 0;
      for (let r = 0; r + 1 < ranges.length; r++) {
        let total = 0;
        for (let i = ranges[r]; i < ranges[r + 1]; i++) {
          if (Math.floor((i * g) / nb) === j) continue;
          this.xs[k] = this.bx[i];
          this.zs[k] = this.bz[i];
          this.ws[k] = Math.exp(-(xNew - this.bx[i]) * ln2h);
          total += this.ws[k++];
        }
        if (k > sub[sub.length - 1]) {
          sub.push(k);
          subTotals.push(total);
        }
      }
      this.bounds = sub;
      this.totals = subTotals;
      cs.push(this.search(-m, m, 45));
    }
    this.bounds = bounds;
    this.totals = totals;
    let mean = 0;
    for (const c of cs) mean += c / g;
    let ss = 0;
    for (const c of cs) ss += (c - mean) ** 2;
    const sdPpm = Math.sqrt(((g - 1) / g) * ss) * 1e6;
    this.jack = { range: m, sdPpm };
    return sdPpm;
  }

  /** Bucket minimum − line over the closed buckets, s, each time base against its own offset. */
  private envelopeResiduals(): Float64Array {
    const n = this.bx.length;
    const dev = new Float64Array(n);
    // Each earlier time base against its own offset (its weighted τ-quantile at the current drift).
    const bounds = this.ranges(n);
    const ln2h = Math.LN2 / this.opts.halfLifeSec;
    for (let k = 0; k + 1 < bounds.length; k++) {
      const from = bounds[k];
      const to = bounds[k + 1];
      let a = this.a; // the latest time base's, as fitted
      if (to < n || from < this.latestStart) {
        const res: number[] = [];
        const w: number[] = [];
        for (let i = from; i < to; i++) {
          res.push(this.bz[i] - this.c * (this.bx[i] - this.xA));
          w.push(Math.exp(-(this.lastX - this.bx[i]) * ln2h));
        }
        a = weightedQuantile(res, w, this.opts.quantile);
      }
      for (let i = from; i < to; i++) dev[i] = this.bz[i] - (a + this.c * (this.bx[i] - this.xA));
    }
    return dev;
  }
}

/** Inserts v into ascending a[0..k) (k < a.length): a[0..k] ascending after, a[k]'s old value dropped. */
function insertSorted(a: Float64Array, k: number, v: number): void {
  let i = k;
  while (i > 0 && a[i - 1] > v) {
    a[i] = a[i - 1];
    i--;
  }
  a[i] = v;
}

/** The smallest value whose weight, with all smaller ones', reaches q of the total (ties by index). */
function weightedQuantile(v: number[], w: number[], q: number): number {
  const order = v.map((_, i) => i).sort((i, j) => v[i] - v[j] || i - j);
  const target = q * w.reduce((s, x) => s + x, 0);
  let acc = 0;
  for (const i of order) {
    acc += w[i];
    if (acc >= target) return v[i];
  }
  return v[order[order.length - 1]];
}

/**
 * Lag-1 autocorrelation of v about its mean, over neighbours within the same [from, to) range
 * (`bounds` as ranges gives them); 0 when it cannot be told (fewer than 3 values, no spread).
 */
function lag1Correlation(v: ArrayLike<number>, bounds: number[]): number {
  const n = v.length;
  if (n < 3) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += v[i];
  mean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) den += (v[i] - mean) ** 2;
  for (let k = 0; k + 1 < bounds.length; k++) for (let i = bounds[k]; i + 1 < bounds[k + 1]; i++) num += (v[i] - mean) * (v[i + 1] - mean);
  return den > 0 ? num / den : 0;
}

/** Linear-interpolated quantile q of ascending values (at least one). */
function quantileOfSorted(v: ArrayLike<number>, q: number): number {
  const pos = q * (v.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < v.length ? v[i] + f * (v[i + 1] - v[i]) : v[i];
}
