// One stream's path from raw chunks to 200 Hz conditioned samples on the host-clock grid.
//
//   chunk → shape check → arrival-time check → continuity check on the device clock
//         → (gap? end the segment, mark it) → NaN repair → accepted
//         → clock model (device → host) and device time-base (sample index → device time)
//         → band-limited resampling at the host grid points k/200 → causal filters → samples out
//
// A SEGMENT is a run of chunks whose device times follow on from each other. Data is never
// carried across a segment boundary: the resampler and the filters restart (the filters from the
// steady state of the new segment's first sample), and the output grid resumes after the gap.
// A short packet loss (at most bridgeMaxSec of missing samples, the device clock otherwise
// consistent) is BRIDGED instead: the missing samples are filled on the device's own sample grid by
// linear interpolation between the last sample before and the first after, and the segment goes on.
// The gap is still reported, and the bridged stretch is passed on so windows can say so.
// Everything here is a function of the chunk sequence (including each chunk's hostTime): no clock
// is read, so replaying the same chunks gives the same samples, bit for bit.
import type { Gap, GapReason, SampleChunk, StreamInfo } from '../stream.types';
import type { DeviceProblemCode } from '../device.types';
import { MODEL_RATE_HZ } from '../window.types';
import { ClockModel, MAX_RATE_ERROR, rateOffset } from './clock-model';
import { Resampler, designResampleKernel, type ResampleKernel } from '../dsp/resampler';
import { SosFilterBank } from '../dsp/sos-filter';
import { concatSos, designButterworth, designNotch } from '../dsp/sos-design';
import type { Sos } from '../dsp/dsp.types';
import type { ConditionerState, FilterConfig, PipelineConfig, StreamClockState } from './pipeline.types';
import { checkChunkShape, repairNonFinite } from './validate';

export interface ConditionerSink {
  problem(code: DeviceProblemCode, message: string, time: number, dropped: boolean): void;
  accepted(chunk: SampleChunk): void;
  gap(gap: Gap): void;
  /** A new segment starts; its first output is grid index k0 (time k0 / 200). */
  segmentStart(k0: number): void;
  /**
   * n output samples starting at grid index k0: conditioned (filtered) and raw (resampled, not
   * filtered), planar with `stride` values per channel. Valid only during the call.
   */
  samples(k0: number, n: number, conditioned: Float64Array, raw: Float64Array, stride: number): void;
  /** The current segment ended; kEnd is one past its last output. */
  segmentEnd(kEnd: number): void;
  /**
   * Samples lost and bridged by interpolation: they cover host grid positions [from, to)
   * (fractional indices, time × 200): the missing samples' periods, each centred on its sample.
   */
  bridge(from: number, to: number): void;
}

/**
 * The `missing` samples between `before` (last sample of each channel) and the first sample of
 * `next` (planar, `next.length / C` samples per channel), linearly interpolated on the device's
 * sample grid: sample i (0-based) of channel c is before[c] + (after[c] − before[c])·(i+1)/(missing+1).
 * Planar [C × missing], float64.
 */
export function bridgeSamples(before: ArrayLike<number>, next: ArrayLike<number>, nextCount: number, missing: number): Float64Array {
  const C = before.length;
  const out = new Float64Array(C * missing);
  for (let c = 0; c < C; c++) {
    const a = before[c];
    const b = next[c * nextCount];
    for (let i = 0; i < missing; i++) out[c * missing + i] = a + ((b - a) * (i + 1)) / (missing + 1);
  }
  return out;
}

/** The cascade for one modality at the model rate, or null when it filters nothing. */
export function designConditioningFilter(f: FilterConfig, fs = MODEL_RATE_HZ): Sos | null {
  const parts: Sos[] = [];
  if (f.highpassHz !== null && f.lowpassHz !== null) parts.push(designButterworth(f.order, [f.highpassHz, f.lowpassHz], 'bandpass', fs));
  else if (f.highpassHz !== null) parts.push(designButterworth(f.order, f.highpassHz, 'highpass', fs));
  else if (f.lowpassHz !== null) parts.push(designButterworth(f.order, f.lowpassHz, 'lowpass', fs));
  for (const n of f.notchHz) parts.push(designNotch(n, f.notchQ, fs));
  return parts.length > 0 ? concatSos(...parts) : null;
}

/** Time constant (device seconds) of the sample-period estimate's forgetting. */
const PERIOD_MEMORY_SEC = 30;
/**
 * The period estimate stands for a real rate within nominal·(1 ± MAX_RATE_ERROR), the clock
 * model's limit too: held to ±5 %, a device 6 % fast against its own timestamps had every few
 * chunks dropped as an 'overlap' (not recorded either) and the lost one bridged; 6 % slow, a
 * bridged 'loss' every few.
 */
const PERIOD_MIN = 1 / (1 + MAX_RATE_ERROR);
const PERIOD_MAX = 1 / (1 - MAX_RATE_ERROR);

const fmtMs = (s: number) => `${(s * 1000).toFixed(1)} ms`;
/**
 * Seconds to the ms, and past a day the span in days or years beside them: a device clock reset to
 * its start went back by the whole of its epoch, 'went back 1795821007.734 s', a number nobody reads.
 */
const fmtSpan = (s: number) => {
  const days = s / 86_400;
  const span = days < 1 ? '' : days < 365.25 ? ` (${days.toFixed(1)} days)` : ` (${(days / 365.25).toFixed(1)} years)`;
  return `${s.toFixed(3)} s${span}`;
};

/**
 * Input samples per channel the resampler holds before it compacts (it grows for bigger chunks). It
 * needs about three kernel half-widths plus a chunk; a small buffer keeps a stream's memory low and
 * makes (re)creating conditioners — every seek — cheap.
 */
const RESAMPLER_CAPACITY = 1024;

/** Kernels are pure functions of the rates and options, and read-only: designed once per kind of stream. */
const kernels = new Map<string, ResampleKernel>();
function resampleKernel(rateHz: number, cfg: PipelineConfig): ResampleKernel {
  const key = `${rateHz}|${cfg.resampler.zeroCrossings}|${cfg.resampler.cutoff}|${cfg.resampler.kaiserBeta}|${cfg.resampler.phases}`;
  let k = kernels.get(key);
  if (!k) {
    if (kernels.size >= 64) kernels.clear();
    k = designResampleKernel(rateHz, MODEL_RATE_HZ, cfg.resampler);
    kernels.set(key, k);
  }
  return k;
}

export class StreamConditioner {
  readonly info: StreamInfo;
  private readonly cfg: PipelineConfig;
  private readonly sink: ConditionerSink;
  private readonly nch: number;
  private readonly latency: number;
  private readonly nominalPeriod: number;
  readonly clock: ClockModel;
  private readonly resampler: Resampler;
  private readonly filter: SosFilterBank | null;
  private readonly hold: Float64Array;

  // Device time-base: device time of segment sample j = d0 + period · j.
  private period: number;
  private sumDd = 0;
  private sumDj = 0;
  private d0Sum = 0;
  private d0W = 0;
  private d0 = 0;
  private segActive = false;
  /**
   * The source announced the loss the next chunk reveals (a device counting its packets, or a
   * replay feeding back the gap recorded live): it is bridged without a second gap event. Not in
   * snapshots (a snapshot between the two would cost one repeated gap event, no sample).
   */
  private lossAnnounced = false;
  /** The same for a time-base move (a replay feeds back the gap recorded live before its chunk). */
  private moveAnnounced = false;
  private segIndex = 0;
  private lastStart = 0;
  private lastCount = 0;
  /** Device time just after the last accepted sample (for clock-reset checks after a break). */
  private lastDevEnd = -Infinity;
  private lastHost = -Infinity;
  private filterPrimed = false;

  // Output grid.
  private nextK = 0;
  private lastK = -Infinity;
  private uList = new Float64Array(256);
  private raw = new Float64Array(0);
  private cond = new Float64Array(0);

  private nSegments = 0;
  private nGaps = 0;

  constructor(info: StreamInfo, cfg: PipelineConfig, sink: ConditionerSink) {
    this.info = info;
    this.cfg = cfg;
    this.sink = sink;
    this.nch = info.channels.length;
    this.latency = info.latencySec ?? 0;
    this.nominalPeriod = 1 / info.nominalRateHz;
    this.period = this.nominalPeriod;
    this.clock = new ClockModel(cfg.clock);
    this.resampler = new Resampler(this.nch, resampleKernel(info.nominalRateHz, cfg), RESAMPLER_CAPACITY);
    const sos = designConditioningFilter(cfg.filters[info.modality]);
    this.filter = sos ? new SosFilterBank(sos, this.nch) : null;
    this.hold = new Float64Array(this.nch);
  }

  /** Samples of look-ahead the resampler needs (its half-width), in seconds: the conditioned latency. */
  get lookaheadSec(): number {
    return this.resampler.kernel.halfWidth / this.info.nominalRateHz;
  }

  push(input: SampleChunk): void {
    const shape = checkChunkShape(input, this.info);
    if (shape) {
      this.sink.problem(shape.code, `${shape.message}; chunk dropped`, Number.isFinite(input.hostTime) ? input.hostTime : this.lastHost, true);
      return;
    }
    let h = input.hostTime;
    if (h < this.lastHost) {
      this.sink.problem('time-backwards', `arrival time went back ${fmtMs(this.lastHost - h)} (a source stamping bug); the previous arrival time is used`, this.lastHost, false);
      h = this.lastHost;
    }
    const hArr = h - this.latency;
    const d = input.deviceTime;
    const n = input.count;
    const P = this.period;
    const dEnd = d + (n - 1) * P;

    let startSegment = !this.segActive;
    let reanchor = !this.clock.ready;
    let gapReason: GapReason | null = null;
    let gapStart = 0;
    let missing = 0;
    /** Samples lost in a short packet loss that is bridged (0: none). */
    let bridged = 0;

    // Whether the device clock is still the one the model knows, for a chunk that starts a new
    // segment. One rule for every new segment — after a detected gap or after a gap the source (or
    // a replayed recording) announced — so live and replay take the same decision.
    const needsReanchor = (): boolean => {
      const resid = hArr - this.clock.toHost(dEnd);
      return d < this.lastDevEnd - this.cfg.clockResetBackwardsSec || resid < -this.cfg.clockJumpToleranceSec || resid > this.cfg.maxDelaySec;
    };

    if (this.segActive) {
      const expected = this.d0 + P * this.segIndex;
      const mismatch = d - expected;
      const tol = Math.max(this.cfg.gapToleranceSamples * P, this.cfg.rateTolerance * this.lastCount * P);
      if (d < this.lastDevEnd - this.cfg.clockResetBackwardsSec) {
        this.sink.problem('time-backwards', `device clock went back ${fmtSpan(this.lastDevEnd - d)}: treated as a clock reset, a gap is marked`, h, false);
        startSegment = true;
        gapReason = 'time-jump';
        gapStart = this.clock.toHost(expected);
      } else if (mismatch < -tol) {
        this.sink.problem('time-backwards', `chunk starts ${fmtMs(-mismatch)} before the previous one ended (overlap or duplicate); chunk dropped`, h, true);
        return;
      } else if (mismatch > tol) {
        gapStart = this.clock.toHost(expected);
        startSegment = true;
        if (needsReanchor()) {
          // How late the data came against when it was due on the clock before the jump: about 0
          // when the clock jumped and the data did not ('… but the data arrived -4.994 s off that'
          // said it as the arrival against the jumped clock, a negative figure to work back from).
          const late = hArr - this.clock.toHost(dEnd) + mismatch;
          this.sink.problem('time-jump', `device clock jumped ${mismatch.toFixed(3)} s ahead, but the data arrived ${Math.abs(late).toFixed(3)} s ${late < 0 ? 'before' : 'after'} it was due: re-anchored, a gap is marked`, h, false);
          gapReason = 'time-jump';
        } else {
          missing = Math.round(mismatch / P);
          gapReason = 'packet-loss';
          if (this.bridges(missing)) {
            bridged = missing;
            startSegment = false;
            this.sink.problem('packet-loss', `${missing} samples (${fmtMs(mismatch)}) missing: a gap is marked, bridged by linear interpolation`, h, false);
          } else {
            const code: DeviceProblemCode = mismatch > this.cfg.maxPacketLossSec ? 'time-jump' : 'packet-loss';
            this.sink.problem(code, `${missing} samples (${fmtMs(mismatch)}) missing: a gap is marked`, h, false);
          }
        }
      }
      if (startSegment) reanchor = needsReanchor();
    } else if (this.clock.ready) {
      reanchor = needsReanchor();
      if (reanchor) {
        const resid = hArr - this.clock.toHost(dEnd);
        this.sink.problem('time-jump', `device clock changed across the gap (arrival ${resid >= 0 ? '+' : ''}${resid.toFixed(3)} s off the model): re-anchored`, h, false);
      }
    }

    if (startSegment && this.segActive) this.endSegment();

    // Accepted from here on. State first (clock, segment), then the gap event, then the chunk
    // itself: a detected gap is reported BEFORE the chunk that revealed it, so a recording of the
    // event stream replays in an order that reproduces this one exactly.
    // The last sample before the loss (after NaN repair, hold is each channel's last sample).
    const before = bridged > 0 ? this.hold.slice() : null;
    const repaired = repairNonFinite(input, this.hold);
    if (repaired.replaced > 0) {
      this.sink.problem('non-finite-samples', `${repaired.replaced} NaN/Inf samples replaced by the channel's last finite value`, h, false);
    }
    const chunk = repaired.chunk;
    this.lastHost = h;

    /**
     * Host s the model's split (a new time base at a floor step) or its taking a rate off nominal
     * moved the next output's device time by, within a segment (markMove); 0 when it did neither.
     * Refits without one move the mapping too, as they always did, and pass unmarked
     * (docs/pipeline.md §3).
     */
    let moved = 0;
    let why: 'floor-step' | 'rate' | false = false;
    /** That device time: where the output left off. */
    let dNext = NaN;
    if (reanchor) this.clock.reanchor(dEnd, hArr);
    else {
      const continuing = !startSegment;
      if (continuing) dNext = this.clock.toDevice(this.nextK / MODEL_RATE_HZ);
      why = this.clock.observe(dEnd, hArr);
      if (why && continuing) moved = this.clock.toHost(dNext) - this.nextK / MODEL_RATE_HZ;
    }

    if (startSegment) {
      this.segActive = true;
      this.segIndex = 0;
      this.d0Sum = d;
      this.d0W = 1;
      this.d0 = d;
      this.resampler.reset();
      this.filterPrimed = false;
      this.nSegments++;
      const k0 = Math.max(Math.ceil(this.clock.toHost(d) * MODEL_RATE_HZ), this.lastK + 1);
      this.nextK = k0;
      if (gapReason) {
        this.nGaps++;
        const end = k0 / MODEL_RATE_HZ;
        this.sink.gap({
          streamId: this.info.id,
          startTime: Math.min(gapStart, end),
          endTime: end,
          missingSamples: gapReason === 'packet-loss' ? missing : Math.max(0, Math.round((end - gapStart) * this.info.nominalRateHz)),
          reason: gapReason,
        });
      }
      this.sink.segmentStart(k0);
    }
    let fill: Float64Array | null = null;
    if (bridged > 0) {
      // The lost samples take their places on the device grid (segment indices segIndex …
      // segIndex + bridged − 1); the chunk's own samples follow at their true times.
      fill = bridgeSamples(before!, chunk.data, n, bridged);
      this.lastCount += bridged;
      this.segIndex += bridged;
    }
    if (!startSegment) {
      // Continuous: refine the sample period and the segment's intercept.
      const dd = d - this.lastStart;
      const decay = Math.exp(-dd / PERIOD_MEMORY_SEC);
      this.sumDd = this.sumDd * decay + dd;
      this.sumDj = this.sumDj * decay + this.lastCount;
      const p = this.sumDd / this.sumDj;
      const lo = this.nominalPeriod * PERIOD_MIN;
      const hi = this.nominalPeriod * PERIOD_MAX;
      this.period = p < lo ? lo : p > hi ? hi : p;
      this.d0Sum = this.d0Sum * decay + (d - this.period * this.segIndex);
      this.d0W = this.d0W * decay + 1;
      this.d0 = this.d0Sum / this.d0W;
    }
    if (fill) {
      // Reported like a detected gap, before the chunk that revealed it (replay order), from the
      // last real sample to the first after — unless the source announced it already; the bridged
      // stretch is the missing samples' own periods.
      const j0 = this.segIndex - bridged;
      const P1 = this.period;
      const devAt = (j: number) => this.d0 + P1 * j;
      if (!this.lossAnnounced) {
        this.nGaps++;
        this.sink.gap({
          streamId: this.info.id,
          startTime: gapStart,
          endTime: Math.max(gapStart, this.clock.toHost(devAt(j0 + bridged))),
          missingSamples: bridged,
          reason: 'packet-loss',
        });
      }
      this.sink.bridge(this.clock.toHost(devAt(j0 - 0.5)) * MODEL_RATE_HZ, this.clock.toHost(devAt(j0 + bridged - 0.5)) * MODEL_RATE_HZ);
    }
    this.lossAnnounced = false;
    if (moved !== 0) this.markMove(moved, h, why || 'floor-step');
    this.moveAnnounced = false;
    this.sink.accepted(chunk);
    this.lastStart = d;
    this.lastCount = n;
    this.segIndex += n;
    this.lastDevEnd = d + n * this.period;

    // Keep one more kernel half-width below what the next output reads, for grid positions that a
    // later clock-model update moves back (the resampler's floor; reads below it repeat it).
    const H = this.resampler.kernel.halfWidth;
    const keepFrom = Math.floor(this.positionOf(this.nextK)) - 2 * H + 1;
    if (fill) this.resampler.append(fill, bridged, bridged, 0, keepFrom);
    this.resampler.append(chunk.data, n, n, 0, keepFrom);
    if (moved > 0) {
      // Later: the grid points up to the new mapping of where the output left off hold that point's
      // value (read once, at most at the newest sample), instead of repeating the signal before it.
      const holdToK = Math.ceil(this.clock.toHost(dNext) * MODEL_RATE_HZ);
      this.produce(this.resampler.readyUpTo, holdToK, Math.min((dNext - this.d0) / this.period, this.resampler.readyUpTo));
    } else {
      this.produce(this.resampler.readyUpTo);
    }
  }

  /**
   * The clock model started a new time base at a floor step (clock-model.ts 6.), or took a drift
   * beyond a crystal's (a rate off nominal, 3.: the mapping at a crystal's drift had fallen behind
   * or run ahead of the device), and the mapping of the next output moved by `moved` s. Later (the
   * delay rose, or a slow device's drift was taken): the next |moved| of host time would
   * repeat signal already out; those grid points hold instead (push), and are marked. Earlier (it
   * dropped): |moved| of signal is skipped, as the grid points it now belongs to are out already;
   * the stretch it skipped into is marked. Either way a gap ('time-base', the segment goes on; a
   * replay feeds it back first, breakSegment) and a bridged stretch, so windows spanning it say so.
   */
  private markMove(moved: number, h: number, reason: 'floor-step' | 'rate'): void {
    const k = this.nextK;
    const t = k / MODEL_RATE_HZ;
    const ms = Math.abs(moved) * 1000;
    const missing = Math.round(Math.abs(moved) * this.info.nominalRateHz);
    const [from, to] = moved > 0 ? [t, t + moved] : [t + moved, t];
    const why = reason === 'rate' ? this.rateText() : `the transport delay ${moved > 0 ? 'rose' : 'dropped'} and stayed: new time base`;
    const what = moved > 0 ? `${ms.toFixed(1)} ms held (not repeated)` : `${missing} samples (${ms.toFixed(1)} ms) skipped`;
    this.sink.problem('time-jump', `${why}, the data placed ${ms.toFixed(1)} ms ${moved > 0 ? 'later' : 'earlier'} from here; ${what}, a gap is marked`, h, false);
    if (!this.moveAnnounced) {
      this.nGaps++;
      this.sink.gap({ streamId: this.info.id, startTime: from, endTime: to, missingSamples: missing, reason: 'time-base' });
    }
    this.sink.bridge(from * MODEL_RATE_HZ - 0.5, to * MODEL_RATE_HZ - 0.5);
  }

  /**
   * A rate off nominal, taken by the clock model (a counter clock: device time = sample index /
   * nominal rate, so the drift host/device − 1 is nominal / real − 1): 'samples come at 245.1 Hz,
   * not the 250 Hz set (2.0 % slow): followed at that rate'.
   */
  private rateText(): string {
    const nominal = this.info.nominalRateHz;
    const off = rateOffset(this.clock.estimate().driftPpm) * 100;
    const real = nominal * (1 + off / 100);
    return `samples come at ${real.toFixed(1)} Hz on the host clock, not the ${Number(nominal.toFixed(2))} Hz set (${Math.abs(off).toFixed(Math.abs(off) < 1 ? 2 : 1)} % ${off < 0 ? 'slow' : 'fast'}): followed at that rate`;
  }

  /**
   * A gap the source announced (device dropped, paused): the next chunk starts a new segment. A
   * packet loss short enough to bridge is left to the next chunk's own continuity check on the
   * device clock, which bridges it: a device that counts its packets announces the loss first, and
   * a replay feeds back the gap the pipeline reported for a bridged loss before its chunk.
   */
  breakSegment(gap?: Gap): void {
    if (gap && gap.reason === 'packet-loss' && this.bridges(gap.missingSamples)) {
      this.lossAnnounced = true;
      return;
    }
    // A time-base move the pipeline reported live (markMove), fed back by a replay: the next chunk
    // moves it again, from the same observations; the segment goes on.
    if (gap?.reason === 'time-base') {
      this.moveAnnounced = true;
      return;
    }
    if (this.segActive) this.endSegment();
    // A drop or pause ends the device's session: its next one (a counter from zero, put after
    // the hole by host arrival times) is a new time base, a millisecond or two off the old line,
    // which a single line through both would read as drift. Decided here, from the announced gap
    // (recorded, and fed back in place by a replay), never from how the next chunk arrives.
    if (gap && (gap.reason === 'device-dropped' || gap.reason === 'paused')) this.clock.newTimeBase();
  }

  /**
   * Whether a loss of `missing` samples is bridged: bridging on, and at most bridgeMaxSec of them at
   * the nominal rate (a count, not the estimated period: two 50-ms packets are 100 ms on every device).
   */
  private bridges(missing: number): boolean {
    return this.cfg.bridgeMaxSec > 0 && missing > 0 && missing * this.nominalPeriod <= this.cfg.bridgeMaxSec * (1 + 1e-9);
  }

  /** The stream is going away: flush what is held. */
  finish(): void {
    if (this.segActive) this.endSegment();
  }

  state(): StreamClockState {
    return {
      streamId: this.info.id,
      clock: this.clock.estimate(),
      deviceRateHz: 1 / this.period,
      conditionedUpTo: this.lastK === -Infinity ? NaN : this.lastK / MODEL_RATE_HZ,
      segments: this.nSegments,
      gaps: this.nGaps,
    };
  }

  /** Everything that decides this stream's future output (pipeline snapshots). */
  exportState(): ConditionerState {
    return {
      period: this.period,
      sumDd: this.sumDd,
      sumDj: this.sumDj,
      d0Sum: this.d0Sum,
      d0W: this.d0W,
      d0: this.d0,
      segActive: this.segActive,
      segIndex: this.segIndex,
      lastStart: this.lastStart,
      lastCount: this.lastCount,
      lastDevEnd: this.lastDevEnd,
      lastHost: this.lastHost,
      filterPrimed: this.filterPrimed,
      nextK: this.nextK,
      lastK: this.lastK,
      nSegments: this.nSegments,
      nGaps: this.nGaps,
      hold: this.hold.slice(),
      clock: this.clock.exportState(),
      // Outside a segment the resampler's samples are never read again (the next chunk resets it).
      resampler: this.segActive ? this.resampler.exportState() : { count: 0, floor: 0, samples: new Float64Array(0) },
      filter: this.filter ? this.filter.exportState() : null,
    };
  }

  /** Puts back a state from exportState, taken from a conditioner of the same stream layout and configuration. */
  importState(s: ConditionerState): void {
    if (s.hold.length !== this.nch) throw new RangeError(`conditioner state has ${s.hold.length} channels, the stream ${this.nch}`);
    if ((s.filter === null) !== (this.filter === null)) throw new RangeError('conditioner state and stream disagree on filtering');
    this.clock.importState(s.clock);
    this.resampler.importState(s.resampler);
    if (this.filter && s.filter) this.filter.importState(s.filter);
    this.period = s.period;
    this.sumDd = s.sumDd;
    this.sumDj = s.sumDj;
    this.d0Sum = s.d0Sum;
    this.d0W = s.d0W;
    this.d0 = s.d0;
    this.segActive = s.segActive;
    this.segIndex = s.segIndex;
    this.lastStart = s.lastStart;
    this.lastCount = s.lastCount;
    this.lastDevEnd = s.lastDevEnd;
    this.lastHost = s.lastHost;
    this.filterPrimed = s.filterPrimed;
    this.nextK = s.nextK;
    this.lastK = s.lastK;
    this.nSegments = s.nSegments;
    this.nGaps = s.nGaps;
    this.hold.set(s.hold);
  }

  /**
   * Takes over the stream from the conditioner this one replaces under new settings (its segment
   * ended by finish): the clock model, the device time-base and the output grid go on; the
   * resampler and the filters (this one's, of the new design) start with the next chunk, as after
   * a gap.
   */
  continueFrom(before: StreamConditioner): void {
    const s = before.exportState();
    if (s.segActive) throw new RangeError('continueFrom: the conditioner replaced still has a segment open (finish it first)');
    this.importState({ ...s, filterPrimed: false, filter: this.filter ? this.filter.exportState() : null });
  }

  /** Fractional segment sample index of output grid point k under the current models. */
  private positionOf(k: number): number {
    return (this.clock.toDevice(k / MODEL_RATE_HZ) - this.d0) / this.period;
  }

  private endSegment(): void {
    // Flush: outputs up to the last held sample, the right edge repeating it.
    this.produce(this.resampler.count - 1);
    this.segActive = false;
    this.sink.segmentEnd(this.nextK);
  }

  /** Outputs up to segment position limitU; grid points before holdToK read position holdU (markMove). */
  private produce(limitU: number, holdToK = -Infinity, holdU = 0): void {
    let m = 0;
    for (;;) {
      const k = this.nextK + m;
      const u = k < holdToK ? holdU : this.positionOf(k);
      if (!(u <= limitU)) break;
      if (m === this.uList.length) {
        const nu = new Float64Array(2 * m);
        nu.set(this.uList);
        this.uList = nu;
      }
      this.uList[m++] = u;
    }
    if (m === 0) return;
    const C = this.nch;
    if (this.raw.length < C * m) {
      this.raw = new Float64Array(C * m * 2);
      this.cond = new Float64Array(C * m * 2);
    }
    const raw = this.raw;
    const cond = this.cond;
    this.resampler.evaluateBatch(this.uList, m, raw, m);
    cond.set(raw.subarray(0, C * m));
    if (this.filter) {
      if (!this.filterPrimed) {
        const first = new Float64Array(C);
        for (let c = 0; c < C; c++) first[c] = raw[c * m];
        this.filter.resetSteady(first);
      }
      this.filter.processPlanar(cond, m, m);
    }
    this.filterPrimed = true;
    const k0 = this.nextK;
    this.nextK += m;
    this.lastK = this.nextK - 1;
    this.sink.samples(k0, m, cond, raw, m);
  }
}
