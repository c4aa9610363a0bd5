// Cuts synchronised EEG+ECG windows from the conditioned 200 Hz streams.
//
// Windows start at multiples of the hop on the host clock and span `lengthSec`. A window is
// emitted, in order, as soon as EITHER every stream that feeds it has conditioned data up to its
// end, OR the host-time frontier (the latest chunk arrival seen on any stream) has passed its end
// plus `allowanceSec` — then whatever has not delivered is marked absent. Both conditions depend
// only on the chunk sequence, so replay emits the same windows at the same points.
//
// A modality is absent ('no-device') when no stream of it exists, ('gap') when any feeding stream
// lacks a sample in the window (lost packets, a stall, not delivered in time), ('starting') when a
// feeding stream's first sample comes after the window's start (the app started, a device connected,
// a stream was announced anew: nothing was lost, it had not begun) and it is whole from there on,
// ('warming-up') when the window overlaps the first warmUpSec of a segment, ('bad-quality') when
// every channel is flat or railed. Windows where no modality is present are not emitted (nothing to show or classify).
// Short packet losses bridged by interpolation (StreamConditioner) keep the modality present; each
// channel's quality says how much of the span was bridged (`bridgedMs`), and a window more than
// MAX_BRIDGED_SHARE bridged on a feeding stream is absent ('gap') as if the losses had not been bridged.
import type { Modality, StreamInfo } from '../stream.types';
import type { AbsentReason, ChannelQuality, ModalityBlock, SyncWindow } from '../window.types';
import { MODEL_RATE_HZ } from '../window.types';
import type { QualityReport } from '../features.types';
import type { PipelineConfig, WindowerStreamState } from './pipeline.types';
import { resolveMontage, type MontageSlot } from './montage';
import { BLOCK_FIELDS, BlockAnalyzer, F_BAND, F_LINE, F_LINE_OTHER, F_SLOPE_MED, addBlockStats, channelQuality, clearBlockStats, medianOf, type QualityThresholds } from '../dsp/quality';

export interface WindowerSink {
  window(w: SyncWindow): void;
  quality(r: QualityReport): void;
}

/**
 * A window in which more than this share of a feeding stream's samples was bridged is absent
 * ('gap'): one or two lost packets in a 5-s window (≤ 2 %) are routine on a radio, but an
 * interpolated tenth of the window is a line a model would read as signal.
 */
export const MAX_BRIDGED_SHARE = 0.1;

interface Segment {
  k0: number;
  /** One past the last sample; Infinity while open. */
  kEnd: number;
  warmEnd: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

class StreamBuffer {
  readonly info: StreamInfo;
  readonly C: number;
  readonly cap: number;
  readonly ring: Float32Array;
  /** One past the last sample written. */
  nextK = -Infinity;
  /**
   * Grid index of the stream's first sample since it was announced (NaN: none yet). Windows that
   * start before it are 'starting', not 'gap': the stream had not begun, nothing of it was lost.
   */
  firstK = NaN;
  segments: Segment[] = [];
  /** Bridged stretches [from, to) in fractional grid indices, in time order. */
  bridges: { from: number; to: number }[] = [];
  ended = false;
  /** Block statistics by block index (k / blockSize). */
  readonly blocks = new Map<number, Float64Array>();
  // The block being filled.
  partIndex = NaN;
  partFrom = 0;
  partFill = 0;
  readonly partRaw: Float64Array;
  readonly partCond: Float64Array;
  readonly rangeUv: Float64Array;

  constructor(info: StreamInfo, cap: number, blockSize: number) {
    this.info = info;
    this.C = info.channels.length;
    this.cap = cap;
    this.ring = new Float32Array(this.C * cap);
    this.partRaw = new Float64Array(this.C * blockSize);
    this.partCond = new Float64Array(this.C * blockSize);
    this.rangeUv = Float64Array.from(info.channels, (c) => c.rangeUv ?? 0);
  }

  /** The segment holding k, if any. */
  segmentAt(k: number): Segment | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i];
      if (k >= s.k0 && k < Math.min(s.kEnd, this.nextK)) return s;
      if (s.k0 <= k) break;
    }
    return undefined;
  }
}

export class Windower {
  private readonly cfg: PipelineConfig;
  private readonly sink: WindowerSink;
  readonly N: number;
  readonly hopK: number;
  readonly blockSize: number;
  /** Samples (the window's newest) a stream's quality report judges. */
  readonly reportK: number;
  private readonly allowanceK: number;
  private readonly warmK: number;
  private readonly cap: number;
  private readonly analyzer: BlockAnalyzer;
  private readonly streams = new Map<string, StreamBuffer>();
  private montage: Record<'eeg' | 'ecg', MontageSlot[]> = { eeg: [], ecg: [] };
  private nextStartK = NaN;
  private frontierK = -Infinity;
  private seq = 0;
  /**
   * Windows starting before this grid index are not emitted (nor their quality reports): set by a
   * snapshot restore, whose sample rings start empty, so earlier windows would lack data.
   */
  private emitFromK = -Infinity;
  /** Block statistics are gathered from this grid index on (a restore for a later target skips the rest). */
  private statsFromK = -Infinity;
  private readonly acc: Float64Array = new Float64Array(BLOCK_FIELDS);
  /** The blocks' median |slope| of the span being gathered (ECG), for their median. */
  private slopeMeds = new Float64Array(64);

  constructor(cfg: PipelineConfig, sink: WindowerSink, firstSeq = 0) {
    this.cfg = cfg;
    this.seq = firstSeq;
    this.sink = sink;
    this.N = Math.round(cfg.window.lengthSec * MODEL_RATE_HZ);
    this.hopK = Math.round(cfg.window.hopSec * MODEL_RATE_HZ);
    this.blockSize = gcd(this.N, this.hopK);
    // One hop, at least a second (in whole blocks, at most the window): shorter spans judge noise.
    this.reportK = Math.min(this.N, Math.ceil(Math.max(this.hopK, MODEL_RATE_HZ) / this.blockSize) * this.blockSize);
    this.allowanceK = Math.ceil(cfg.window.allowanceSec * MODEL_RATE_HZ);
    this.warmK = Math.round(cfg.warmUpSec * MODEL_RATE_HZ);
    this.cap = this.N + this.allowanceK + 4 * MODEL_RATE_HZ + this.blockSize;
    this.analyzer = new BlockAnalyzer(MODEL_RATE_HZ, cfg.quality.mainsHz);
  }

  /** Sequence number the next window will carry. */
  get nextSeq(): number {
    return this.seq;
  }

  /**
   * The registered streams changed: new ones get buffers; missing ones end. A stream that ends stops
   * feeding windows at once (its modality becomes 'no-device' unless another stream provides it).
   */
  setStreams(infos: StreamInfo[]): void {
    const ids = new Set(infos.map((i) => i.id));
    for (const [id, b] of this.streams) if (!ids.has(id)) this.endStream(id, b);
    for (const info of infos) {
      const b = this.streams.get(info.id);
      if (!b || b.info !== info) {
        if (b) this.endStream(info.id, b);
        this.streams.set(info.id, new StreamBuffer(info, this.cap, this.blockSize));
      }
    }
    this.resolveMontages();
  }

  private endStream(id: string, b: StreamBuffer): void {
    this.finishPart(b);
    const open = b.segments[b.segments.length - 1];
    if (open && open.kEnd === Infinity) open.kEnd = b.nextK;
    b.ended = true;
    this.streams.delete(id);
  }

  private resolveMontages(): void {
    const live = (m: Modality) => [...this.streams.values()].filter((b) => !b.ended && b.info.modality === m).map((b) => b.info);
    this.montage = {
      eeg: resolveMontage(this.cfg.window.eegMontage, live('eeg')),
      ecg: resolveMontage(this.cfg.window.ecgMontage, live('ecg')),
    };
  }

  private live(id: string): StreamBuffer | undefined {
    const b = this.streams.get(id);
    return b && !b.ended ? b : undefined;
  }

  segmentStart(id: string, k0: number): void {
    const b = this.live(id);
    if (!b) return;
    b.segments.push({ k0, kEnd: Infinity, warmEnd: k0 + this.warmK });
    b.nextK = k0;
    if (Number.isNaN(b.firstK)) b.firstK = k0;
    if (Number.isNaN(this.nextStartK)) this.nextStartK = Math.ceil(k0 / this.hopK) * this.hopK;
  }

  /** Samples of stream `id` lost and bridged over grid positions [from, to) (fractional). */
  bridge(id: string, from: number, to: number): void {
    const b = this.live(id);
    if (b) b.bridges.push({ from, to });
  }

  /** Grid samples' worth of [s, e) that stream b bridged. */
  private bridgedK(b: StreamBuffer, s: number, e: number): number {
    let k = 0;
    for (const x of b.bridges) {
      const o = Math.min(x.to, e) - Math.max(x.from, s);
      if (o > 0) k += o;
    }
    return k;
  }

  segmentEnd(id: string, kEnd: number): void {
    const b = this.live(id);
    if (!b) return;
    this.finishPart(b);
    const s = b.segments[b.segments.length - 1];
    if (s) s.kEnd = kEnd;
  }

  samples(id: string, k0: number, n: number, cond: Float64Array, raw: Float64Array, stride: number): void {
    const b = this.live(id);
    if (!b) return;
    const { C, cap, ring } = b;
    const at = k0 % cap;
    const first = Math.min(n, cap - at);
    for (let c = 0; c < C; c++) {
      const base = c * cap;
      const src = c * stride;
      for (let i = 0; i < first; i++) ring[base + at + i] = cond[src + i];
      for (let i = first; i < n; i++) ring[base + i - first] = cond[src + i];
    }
    b.nextK = k0 + n;
    // Block statistics: copy into the part buffer; analyse each block once it is complete.
    const B = this.blockSize;
    let i = Math.max(0, this.statsFromK - k0);
    while (i < n) {
      const k = k0 + i;
      const blk = Math.floor(k / B);
      if (blk !== b.partIndex || k !== b.partIndex * B + b.partFrom + b.partFill) {
        this.finishPart(b);
        b.partIndex = blk;
        b.partFrom = k - blk * B;
        b.partFill = 0;
      }
      const take = Math.min(n - i, B - (b.partFrom + b.partFill));
      for (let c = 0; c < C; c++) {
        const dst = c * B + b.partFill;
        const src = c * stride + i;
        for (let j = 0; j < take; j++) {
          b.partRaw[dst + j] = raw[src + j];
          b.partCond[dst + j] = cond[src + j];
        }
      }
      b.partFill += take;
      i += take;
      if (b.partFrom + b.partFill === B) this.finishPart(b);
    }
  }

  private finishPart(b: StreamBuffer): void {
    if (Number.isNaN(b.partIndex) || b.partFill === 0) {
      b.partIndex = NaN;
      return;
    }
    const stats = new Float64Array(b.C * BLOCK_FIELDS);
    this.analyzer.analyze(b.partRaw, b.partCond, b.C, this.blockSize, 0, b.partFill, b.rangeUv, stats, 0, b.info.modality === 'ecg');
    const prev = b.blocks.get(b.partIndex);
    if (prev) for (let c = 0; c < b.C; c++) addBlockStats(prev, c * BLOCK_FIELDS, stats, c * BLOCK_FIELDS);
    else b.blocks.set(b.partIndex, stats);
    b.partIndex = NaN;
    b.partFill = 0;
  }

  /** The latest chunk arrival (host s) on any stream moved to `hostTime`: emit what is due. */
  advance(hostTime: number): void {
    const fk = Math.floor(hostTime * MODEL_RATE_HZ);
    if (fk > this.frontierK) this.frontierK = fk;
    this.emitDue();
  }

  private emitDue(): void {
    if (Number.isNaN(this.nextStartK)) return;
    for (;;) {
      this.skipEmpty();
      const s = this.nextStartK;
      const e = s + this.N;
      const timedOut = this.frontierK >= e + this.allowanceK;
      if (!timedOut && !this.allFeedersComplete(e)) return;
      this.emit(s, e);
      this.nextStartK = s + this.hopK;
      this.prune();
    }
  }

  /** Every live stream that feeds a window block has conditioned data up to e (or an ended one). */
  private allFeedersComplete(e: number): boolean {
    let any = false;
    for (const m of ['eeg', 'ecg'] as const) {
      for (const id of this.feeders(m)) {
        const b = this.streams.get(id);
        if (!b) continue;
        any = true;
        if (b.nextK < e) return false;
      }
    }
    return any;
  }

  private feeders(m: 'eeg' | 'ecg'): string[] {
    const ids: string[] = [];
    for (const slot of this.montage[m]) if (slot.source && !ids.includes(slot.source.streamId)) ids.push(slot.source.streamId);
    return ids;
  }

  /** Jumps over a stretch where no stream holds any data (e.g. after everything stalled). */
  private skipEmpty(): void {
    let earliest = Infinity;
    for (const b of this.streams.values()) {
      for (const seg of b.segments) {
        const end = Math.min(seg.kEnd, b.nextK);
        if (end > this.nextStartK) earliest = Math.min(earliest, Math.max(seg.k0, this.nextStartK));
      }
    }
    if (earliest === Infinity) {
      // No data ahead at all: jump straight past every window that is already due.
      const due = Math.floor((this.frontierK - this.allowanceK - this.N) / this.hopK) * this.hopK + this.hopK;
      if (due > this.nextStartK) this.nextStartK = due;
      return;
    }
    const first = Math.ceil((earliest - this.N + 1) / this.hopK) * this.hopK;
    if (first > this.nextStartK) this.nextStartK = first;
  }

  private emit(s: number, e: number): void {
    if (s < this.emitFromK) return;
    // Quality reports for every stream that has any data in the window. They judge amplitude (flat,
    // railed, implausible, missing) over the window's newest reportK samples, the data new since the
    // previous report: judged over the whole window, an electrode going flat was flagged a window
    // late (the window is flat only once all of it is) and a railed one cleared a window late. The
    // line-noise ratio stays a whole window's: mains hum is a lasting condition, and a ratio of
    // powers from one second wanders twice as far (clean channels crossed the threshold now and
    // then). The window's own quality judges all of the window.
    const r = Math.max(s, e - this.reportK);
    for (const b of this.streams.values()) {
      if (!this.hasDataIn(b, s, e)) continue;
      this.sink.quality({ streamId: b.info.id, time: e / MODEL_RATE_HZ, channels: b.info.channels.map((ch, c) => this.quality(b, c, ch.label, s, e, r)) });
    }
    const eeg = this.block('eeg', s, e);
    const ecg = this.block('ecg', s, e);
    if (!eeg.present && !ecg.present) return;
    this.sink.window({ seq: this.seq++, startTime: s / MODEL_RATE_HZ, rateHz: MODEL_RATE_HZ, samples: this.N, eeg, ecg });
  }

  private hasDataIn(b: StreamBuffer, s: number, e: number): boolean {
    return b.segments.some((seg) => seg.k0 < e && Math.min(seg.kEnd, b.nextK) > s);
  }

  private thresholds(m: Modality): QualityThresholds | null {
    if (m === 'other') return null;
    const q = this.cfg.quality;
    return { flatRmsUv: q.flatRmsUv[m], maxRmsUv: q.maxRmsUv[m], maxAbsUv: q.maxAbsUv[m], railedFraction: q.railedFraction, lineNoiseRatio: q.lineNoiseRatio, qrs: m === 'ecg' };
  }

  /**
   * Quality of channel c over [s, e); amplitude statistics from [from, e) only when `from` is given.
   * The QRS is judged over all of [s, e) either way (a second may hold no beat below 60 bpm), as is
   * the line-noise ratio.
   */
  private quality(b: StreamBuffer, c: number, label: string, s: number, e: number, from = s): ChannelQuality {
    const acc = this.acc;
    const t = this.thresholds(b.info.modality);
    const mainsHz = this.cfg.quality.mainsHz;
    this.gather(b, c, s, e, acc);
    let whole: ChannelQuality | null = null;
    if (from > s) {
      if (t?.qrs) whole = channelQuality(label, acc, 0, e - s, t, mainsHz);
      const line = acc[F_LINE];
      const band = acc[F_BAND];
      const other = acc[F_LINE_OTHER];
      this.gather(b, c, from, e, acc);
      acc[F_LINE] = line;
      acc[F_BAND] = band;
      acc[F_LINE_OTHER] = other;
    }
    // A block still being filled (the stream's newest samples) is not yet analysed: count what the
    // analysed blocks cover.
    const q = channelQuality(label, acc, 0, e - from, whole && t ? { ...t, qrs: false } : t, mainsHz);
    if (whole?.qrsRatio !== undefined) {
      q.qrsRatio = whole.qrsRatio;
      // Flat or railed now names the cause, as it does within one span.
      if (whole.flags.includes('no-qrs') && !q.flags.includes('flat') && !q.flags.includes('railed')) {
        q.flags.push('no-qrs');
        q.score = 0;
      }
    }
    const bridged = this.bridgedK(b, from, e);
    // In 0.1 ms; left out when nothing was bridged (so windows without are as they always were).
    if (bridged > 0) q.bridgedMs = Math.round((bridged * 10000) / MODEL_RATE_HZ) / 10;
    return q;
  }

  /** Sums channel c's block statistics over [s, e) into acc; the median |slope| is the median of the blocks'. */
  private gather(b: StreamBuffer, c: number, s: number, e: number, acc: Float64Array): void {
    clearBlockStats(acc, 0);
    const B = this.blockSize;
    const first = Math.floor(s / B);
    if (this.slopeMeds.length < Math.ceil(e / B) - first) this.slopeMeds = new Float64Array(2 * (Math.ceil(e / B) - first));
    let n = 0;
    for (let blk = first; blk * B < e; blk++) {
      const st = b.blocks.get(blk);
      if (!st) continue;
      addBlockStats(acc, 0, st, c * BLOCK_FIELDS);
      this.slopeMeds[n++] = st[c * BLOCK_FIELDS + F_SLOPE_MED];
    }
    if (n > 0) acc[F_SLOPE_MED] = medianOf(this.slopeMeds, n);
  }

  /**
   * Whether feeding stream b can fill [s, e): every sample there, from its first sample on when it
   * began inside the window ('starting'; entirely after the window: 'starting' too), no more than
   * MAX_BRIDGED_SHARE bridged, outside a segment's warm-up. A stream that has delivered nothing yet
   * is a 'gap' (announced but silent past the allowance: the stall watchdog says so as well).
   */
  private feederState(b: StreamBuffer, s: number, e: number): 'ok' | 'gap' | 'starting' | 'warming-up' {
    const starting = b.firstK > s;
    if (starting && b.firstK >= e) return 'starting';
    const from = starting ? b.firstK : s;
    const seg = b.segmentAt(from);
    const covered = seg !== undefined && Math.min(seg.kEnd, b.nextK) >= e && b.nextK - b.cap <= s;
    if (!covered || this.bridgedK(b, s, e) > MAX_BRIDGED_SHARE * (e - s)) return 'gap';
    if (starting) return 'starting';
    return seg.warmEnd > s ? 'warming-up' : 'ok';
  }

  private block(m: 'eeg' | 'ecg', s: number, e: number): ModalityBlock {
    const slots = this.montage[m];
    const channels = slots.map((x) => x.label);
    const feederIds = this.feeders(m);
    const absent = (reason: AbsentReason, quality: ChannelQuality[] = []): ModalityBlock => ({
      modality: m,
      present: false,
      absentReason: reason,
      channels,
      data: new Float32Array(0),
      quality,
      streamIds: feederIds,
    });
    if (feederIds.length === 0) return absent('no-device');
    const feeders = feederIds.map((id) => this.streams.get(id) as StreamBuffer);
    const quality = slots.map((slot) => {
      if (!slot.source) return { label: slot.label, score: 0, flags: ['missing'], rmsUv: 0, lineNoiseRatio: 0 } as ChannelQuality;
      return this.quality(this.streams.get(slot.source.streamId) as StreamBuffer, slot.source.channel, slot.label, s, e);
    });
    // A lost sample on any feeder outweighs a feeder only starting, which outweighs one warming up.
    let reason: AbsentReason | null = null;
    for (const b of feeders) {
      const r = this.feederState(b, s, e);
      if (r === 'gap') {
        reason = 'gap';
        break;
      }
      if (r === 'starting' || (r === 'warming-up' && reason === null)) reason = r;
    }
    if (reason) return absent(reason, quality);
    if (quality.every((q) => q.score === 0)) return absent('bad-quality', quality);
    const N = this.N;
    const data = new Float32Array(slots.length * N);
    slots.forEach((slot, row) => {
      if (!slot.source) return;
      const b = this.streams.get(slot.source.streamId) as StreamBuffer;
      const base = slot.source.channel * b.cap;
      const at = s % b.cap;
      const first = Math.min(N, b.cap - at);
      data.set(b.ring.subarray(base + at, base + at + first), row * N);
      if (first < N) data.set(b.ring.subarray(base, base + N - first), row * N + first);
    });
    return { modality: m, present: true, channels, data, quality, streamIds: feederIds };
  }

  /**
   * Scalar state for a pipeline snapshot: emission position, frontier, and per stream its write
   * position and segments. Sample rings and block statistics are left out: every window starting at
   * or after `windowsFromK` is cut from samples conditioned after this point (windows start on the
   * hop grid, a multiple of the statistics block, so no block straddles the boundary either).
   */
  exportState(): { nextStartK: number; frontierK: number; windowsFromK: number } {
    let maxK = -Infinity;
    for (const b of this.streams.values()) if (b.nextK > maxK) maxK = b.nextK;
    const windowsFromK = maxK === -Infinity ? -Infinity : Math.max(this.emitFromK, Math.ceil(maxK / this.hopK) * this.hopK);
    return { nextStartK: this.nextStartK, frontierK: this.frontierK, windowsFromK };
  }

  exportStream(id: string): WindowerStreamState | null {
    const b = this.streams.get(id);
    if (!b) return null;
    return { nextK: b.nextK, segments: b.segments.map((x) => ({ ...x })), bridges: b.bridges.map((x) => ({ ...x })) };
  }

  /**
   * Restores the scalar state (on a fresh windower that already has its streams): windows from
   * `windowsFromK` on come out as they did in the original; earlier ones are skipped, and so are
   * windows ending before `outputFromK` (nobody wants them: neither cut nor their blocks analysed).
   */
  importState(s: { nextStartK: number; frontierK: number; windowsFromK: number }, streams: Map<string, WindowerStreamState>, outputFromK = -Infinity): void {
    for (const [id, st] of streams) {
      const b = this.streams.get(id);
      if (!b) throw new RangeError(`windower has no stream ${id}`);
      b.nextK = st.nextK;
      b.segments = st.segments.map((x) => ({ ...x }));
      // Its true first sample may be pruned away, but every window from windowsFromK on starts at
      // or after nextK, past any sample it had: none of them is 'starting' either way.
      b.firstK = st.segments[0]?.k0 ?? NaN;
      b.bridges = st.bridges.map((x) => ({ ...x }));
    }
    this.nextStartK = s.nextStartK;
    this.frontierK = s.frontierK;
    // The first window ending at or after outputFromK, on the hop grid (a multiple of the block size).
    const wanted = outputFromK === -Infinity ? -Infinity : Math.floor((outputFromK - this.N) / this.hopK) * this.hopK;
    this.emitFromK = Math.max(s.windowsFromK, wanted);
    this.statsFromK = this.emitFromK;
  }

  /** Drops block statistics, segments and retired streams that no future window can touch. */
  private prune(): void {
    const s = this.nextStartK;
    const oldestBlock = Math.floor(s / this.blockSize);
    for (const b of this.streams.values()) {
      for (const blk of b.blocks.keys()) if (blk < oldestBlock) b.blocks.delete(blk);
      while (b.segments.length > 1 && Math.min(b.segments[0].kEnd, b.nextK) <= s) b.segments.shift();
      while (b.bridges.length > 0 && b.bridges[0].to <= s) b.bridges.shift();
    }
  }
}
