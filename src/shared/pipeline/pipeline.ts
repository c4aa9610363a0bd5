// The pipeline: streams in, conditioned samples, gaps, windows and features out.
//
//   push(chunk) ──► StreamConditioner (per stream) ──► conditioned blocks ─┬─► Windower ──► windows, quality
//                                                                          └─► FeatureExtractor ──► heart, eeg
//
// Pure and deterministic: the output is a function of the sequence of calls (setStreams, push,
// sourceGap, endOfData, removeDevice, reconfigure) and their arguments, including each chunk's hostTime. No
// clock is read, nothing is random. The live hub and a replayed session drive the same class; the
// same call sequence gives bit-identical output. Callbacks run synchronously inside the call.
//
// Between two calls the whole state can be captured (snapshot) and put back into another pipeline
// with the same configuration and streams (restore): from then on the same calls give the same
// output, bit for bit — windows from the snapshot's `windowsFrom` on, conditioned samples, gaps,
// problems and clock states. Features start afresh at a restore (windows do not depend on them).
import type { Gap, SampleChunk, StreamInfo } from '../stream.types';
import type { ConditionedBlock } from '../window.types';
import { MODEL_RATE_HZ } from '../window.types';
import type { PipelineConfig, PipelineEvents, PipelineSnapshot, PipelineState, RestoreOptions, StreamClockState, WindowerStreamState } from './pipeline.types';
import { PipelineSnapshotError, configHash, decodePipelineSnapshot, encodePipelineSnapshot, layoutHash } from './pipeline-snapshot';
import { resolvePipelineConfig, type PipelineConfigPatch } from './pipeline-config';
import { StreamConditioner } from './stream-conditioner';
import { Windower } from './windower';
import { FeatureExtractor } from './features';

/**
 * After a restore with `outputFrom`, features start this long before it (as warm as the 10-s seek
 * pre-roll left them: heart rate over 8 beats, band power over 4 s).
 */
export const FEATURE_LEAD_SEC = 10;

export class Pipeline {
  private cfg: PipelineConfig;
  private readonly events: PipelineEvents;
  private readonly devices = new Map<string, StreamInfo[]>();
  private readonly conditioners = new Map<string, StreamConditioner>();
  private windower: Windower;
  private features: FeatureExtractor | null;
  private frontier = -Infinity;
  private acceptedSinceAdvance = false;
  /** Calls in progress (callbacks run inside them): snapshots are taken between calls only. */
  private depth = 0;
  /** Conditioned samples before this grid index are not fed to the features (restore with outputFrom). */
  private featuresFromK = -Infinity;

  constructor(config: PipelineConfigPatch = {}, events: PipelineEvents = {}) {
    this.cfg = resolvePipelineConfig(config);
    this.events = events;
    this.windower = this.makeWindower();
    this.features = this.makeFeatures();
  }

  get config(): PipelineConfig {
    return this.cfg;
  }

  /** Announces (or replaces) a device's streams. A replaced stream restarts from scratch. */
  setStreams(deviceId: string, infos: StreamInfo[]): void {
    this.depth++;
    try {
      this.applyStreams(deviceId, infos);
    } finally {
      this.depth--;
    }
  }

  private applyStreams(deviceId: string, infos: StreamInfo[]): void {
    for (const info of infos) {
      if (info.deviceId !== deviceId) throw new RangeError(`stream ${info.id} belongs to device ${info.deviceId}, not ${deviceId}`);
      if (!(info.nominalRateHz > 0) || info.channels.length === 0) throw new RangeError(`stream ${info.id} needs a positive rate and at least one channel`);
    }
    const old = this.devices.get(deviceId) ?? [];
    for (const o of old) if (!infos.some((i) => i.id === o.id && sameInfo(i, o))) this.dropStream(o.id);
    // A stream announced again unchanged (a reconnect) keeps its original object, so that nothing
    // downstream mistakes it for a new stream and drops its state.
    infos = infos.map((i) => old.find((o) => o.id === i.id && sameInfo(i, o)) ?? i);
    this.devices.set(deviceId, infos);
    for (const info of infos) {
      const c = this.conditioners.get(info.id);
      if (c && sameInfo(c.info, info)) continue;
      if (c) this.dropStream(info.id);
      this.conditioners.set(info.id, this.makeConditioner(info));
    }
    this.syncStreams();
  }

  removeDevice(deviceId: string): void {
    const old = this.devices.get(deviceId);
    if (!old) return;
    this.depth++;
    try {
      for (const o of old) this.dropStream(o.id);
      // The flush may complete the window that ends at the last sample: it comes out before the
      // streams go (as at the end of a replay, endOfData), not lost with them.
      this.windower.advance(this.frontier);
      this.devices.delete(deviceId);
      this.syncStreams();
    } finally {
      this.depth--;
    }
  }

  /**
   * The device has delivered everything it has (a replayed session at its end): each of its streams
   * flushes what its resampler holds (the right edge repeating the last sample, as at a gap) and the
   * windows that are then complete come out. Without it the window ending at the last sample never
   * did: its last few conditioned samples wait for look-ahead that never comes. A chunk after this
   * starts a new segment.
   */
  endOfData(deviceId: string): void {
    const infos = this.devices.get(deviceId);
    if (!infos) return;
    this.depth++;
    try {
      for (const info of infos) this.conditioners.get(info.id)?.finish();
      this.windower.advance(this.frontier);
    } finally {
      this.depth--;
    }
  }

  streams(): StreamInfo[] {
    return [...this.devices.values()].flat();
  }

  stream(id: string): StreamInfo | undefined {
    return this.conditioners.get(id)?.info;
  }

  push(chunk: SampleChunk): void {
    const c = this.conditioners.get(chunk.streamId);
    if (!c) {
      this.events.problem?.({ streamId: chunk.streamId, deviceId: '', code: 'bad-frame', message: `chunk for unknown stream '${chunk.streamId}' dropped`, time: chunk.hostTime, dropped: true });
      return;
    }
    this.acceptedSinceAdvance = false;
    this.depth++;
    try {
      c.push(chunk);
      // Windows are due-checked once the chunk's samples are in, and only for accepted chunks, so a
      // replay of the accepted chunks alone reaches the same decisions.
      if (this.acceptedSinceAdvance) this.windower.advance(this.frontier);
    } finally {
      this.depth--;
    }
  }

  /**
   * A gap the source announced itself (device dropped, paused): the stream's next chunk starts a
   * new segment — except a packet loss short enough to bridge, which the next chunk's device time
   * decides (see StreamConditioner.breakSegment).
   */
  sourceGap(gap: Gap): void {
    this.depth++;
    try {
      this.conditioners.get(gap.streamId)?.breakSegment(gap);
    } finally {
      this.depth--;
    }
  }

  /**
   * New configuration: every stream's resampler and filters restart, as after a gap; windows
   * continue in sequence. Each stream keeps its clock model, device time-base and output grid
   * (StreamConditioner.continueFrom) unless the clock's own settings changed: a new notch or
   * pass-band threw away a 2-minute drift fit, and the ECG strap's offset then rested on its one
   * or two packets since (2.5 ms off at the default 8-ms jitter, 'estimating drift…' again).
   */
  reconfigure(patch: PipelineConfigPatch): void {
    const next = resolvePipelineConfig(patch, this.cfg);
    const sameClock = JSON.stringify(next.clock) === JSON.stringify(this.cfg.clock);
    this.depth++;
    try {
      const carried = new Map<string, StreamConditioner>();
      for (const [id, c] of [...this.conditioners]) {
        this.dropStream(id);
        if (sameClock) carried.set(id, c);
      }
      this.cfg = next;
      this.windower = this.makeWindower(this.windower.nextSeq);
      this.features = this.makeFeatures();
      this.featuresFromK = -Infinity;
      for (const info of this.streams()) {
        const c = this.makeConditioner(info);
        const before = carried.get(info.id);
        if (before) c.continueFrom(before);
        this.conditioners.set(info.id, c);
      }
      this.syncStreams();
    } finally {
      this.depth--;
    }
  }

  /**
   * Captures everything that decides future output (per stream: clock model, device time-base,
   * segment and gap state, resampler history from its floor, filter states; the windower's
   * position, frontier and segments). Only between calls — never from inside a callback, where a
   * chunk is half processed. Sample rings of the windower are not kept: windows starting at or
   * after `windowsFrom` never read samples from before the snapshot.
   */
  snapshot(): PipelineSnapshot {
    if (this.depth > 0) throw new PipelineSnapshotError('busy', 'a pipeline snapshot is taken between calls, not from inside a pipeline callback');
    const infos = this.streams();
    const w = this.windower.exportState();
    const state: PipelineState = {
      configHash: configHash(this.cfg),
      frontier: this.frontier,
      windowsFromK: w.windowsFromK,
      windower: { nextStartK: w.nextStartK, frontierK: w.frontierK },
      streams: infos.map((info) => ({
        id: info.id,
        layoutHash: layoutHash(info),
        channels: info.channels.length,
        conditioner: this.conditioners.get(info.id)!.exportState(),
        windower: this.windower.exportStream(info.id),
      })),
    };
    return { bytes: encodePipelineSnapshot(state), hostTime: this.frontier, windowsFrom: w.windowsFromK / MODEL_RATE_HZ, streamIds: infos.map((i) => i.id) };
  }

  /**
   * Puts this pipeline in the state a snapshot captured. The pipeline must have the same
   * configuration and have every stream of the snapshot announced (ids mapped by
   * `options.streamId`) with the same layout; streams it has beyond those start as announced (no
   * data yet). The current timeline is discarded without flushing anything; window numbers
   * continue this pipeline's own sequence; features start afresh. On any problem nothing changes
   * and a PipelineSnapshotError names it. Returns the snapshot's header.
   */
  restore(bytes: Uint8Array, options: RestoreOptions = {}): Omit<PipelineSnapshot, 'bytes'> {
    if (this.depth > 0) throw new PipelineSnapshotError('busy', 'a pipeline snapshot is restored between calls, not from inside a pipeline callback');
    const state = decodePipelineSnapshot(bytes);
    if (state.configHash !== configHash(this.cfg)) {
      throw new PipelineSnapshotError('config-mismatch', 'pipeline snapshot was taken under another pipeline configuration');
    }
    const mapId = options.streamId ?? ((id: string) => id);
    const targets = new Map<string, PipelineState['streams'][number]>();
    for (const s of state.streams) {
      const id = mapId(s.id);
      const c = this.conditioners.get(id);
      if (!c) throw new PipelineSnapshotError('stream-mismatch', `pipeline snapshot holds stream '${s.id}', which this pipeline has not announced${id !== s.id ? ` (as '${id}')` : ''}`);
      if (layoutHash(c.info) !== s.layoutHash || c.info.channels.length !== s.channels) {
        throw new PipelineSnapshotError('stream-mismatch', `pipeline snapshot's stream '${s.id}' had another layout (channels, rate or modality) than '${id}' here`);
      }
      if (targets.has(id)) throw new PipelineSnapshotError('stream-mismatch', `pipeline snapshot holds two streams for '${id}'`);
      targets.set(id, s);
    }
    // Build the whole new state aside; swap it in only once every part fitted.
    const conditioners = new Map(this.streams().map((info) => [info.id, this.makeConditioner(info)]));
    const windower = this.makeWindower(this.windower.nextSeq);
    windower.setStreams(this.streams());
    const windowed = new Map<string, WindowerStreamState>();
    try {
      for (const [id, s] of targets) {
        conditioners.get(id)!.importState(s.conditioner);
        if (s.windower) windowed.set(id, s.windower);
      }
      const outputFromK = options.outputFrom === undefined ? -Infinity : Math.floor(options.outputFrom * MODEL_RATE_HZ);
      windower.importState({ ...state.windower, windowsFromK: state.windowsFromK }, windowed, outputFromK);
    } catch (err) {
      if (err instanceof PipelineSnapshotError) throw err;
      throw new PipelineSnapshotError('corrupt', `pipeline snapshot does not fit its streams: ${(err as Error).message}`);
    }
    this.conditioners.clear();
    for (const [id, c] of conditioners) this.conditioners.set(id, c);
    this.windower = windower;
    this.features = this.makeFeatures();
    this.features?.setStreams(this.streams());
    this.featuresFromK = options.outputFrom === undefined ? -Infinity : Math.ceil((options.outputFrom - FEATURE_LEAD_SEC) * MODEL_RATE_HZ);
    this.frontier = state.frontier;
    return { hostTime: state.frontier, windowsFrom: state.windowsFromK / MODEL_RATE_HZ, streamIds: state.streams.map((s) => s.id) };
  }

  /** Clock and segment state of every stream (device panel, recorder). */
  states(): StreamClockState[] {
    return [...this.conditioners.values()].map((c) => c.state());
  }

  private dropStream(id: string): void {
    const c = this.conditioners.get(id);
    if (!c) return;
    c.finish();
    this.conditioners.delete(id);
  }

  private syncStreams(): void {
    const infos = this.streams();
    if (infos.length === 0 && this.frontier !== -Infinity) {
      // No stream left: the timeline starts over with the next one (a replay seeking back, or a
      // replay after live devices, whose host times lie behind the old frontier). Windows keep
      // their sequence numbers.
      this.frontier = -Infinity;
      this.windower = this.makeWindower(this.windower.nextSeq);
      this.features = this.makeFeatures();
      this.featuresFromK = -Infinity;
    }
    this.windower.setStreams(infos);
    this.features?.setStreams(infos);
  }

  private makeWindower(firstSeq = 0): Windower {
    return new Windower(this.cfg, { window: (w) => this.events.window?.(w), quality: (q) => this.events.quality?.(q) }, firstSeq);
  }

  private makeFeatures(): FeatureExtractor | null {
    // Only the features someone listens to are computed (a dataset build wants R peaks, not spectra).
    if (!this.cfg.features.enabled || (!this.events.heart && !this.events.eeg)) return null;
    return new FeatureExtractor(this.cfg, this.events);
  }

  private makeConditioner(info: StreamInfo): StreamConditioner {
    const id = info.id;
    const labels = info.channels.map((c) => c.label);
    return new StreamConditioner(info, this.cfg, {
      problem: (code, message, time, dropped) => this.events.problem?.({ streamId: id, deviceId: info.deviceId, code, message, time, dropped }),
      accepted: (chunk) => {
        this.events.accepted?.(chunk, info);
        if (chunk.hostTime > this.frontier) this.frontier = chunk.hostTime;
        this.acceptedSinceAdvance = true;
      },
      gap: (gap) => this.events.gap?.(gap),
      segmentStart: (k0) => {
        this.windower.segmentStart(id, k0);
        // Before featuresFromK the features are not fed; they start by themselves at their first samples.
        if (k0 >= this.featuresFromK) this.features?.segmentStart(id, k0);
      },
      samples: (k0, n, cond, raw, stride) => {
        if (this.events.conditioned && (this.events.wantsConditioned?.() ?? true)) {
          const data = new Float32Array(labels.length * n);
          for (let c = 0; c < labels.length; c++) for (let i = 0; i < n; i++) data[c * n + i] = cond[c * stride + i];
          const block: ConditionedBlock = { streamId: id, modality: info.modality, channels: labels, startTime: k0 / MODEL_RATE_HZ, rateHz: MODEL_RATE_HZ, count: n, data };
          this.events.conditioned(block);
        }
        this.windower.samples(id, k0, n, cond, raw, stride);
        const fk = this.featuresFromK;
        if (k0 >= fk) this.features?.samples(id, k0, n, cond, stride);
        else if (k0 + n > fk) this.features?.samples(id, fk, k0 + n - fk, cond.subarray(fk - k0), stride);
      },
      segmentEnd: (kEnd) => {
        this.windower.segmentEnd(id, kEnd);
        this.features?.segmentEnd(id, kEnd);
      },
      bridge: (from, to) => this.windower.bridge(id, from, to),
    });
  }
}

function sameInfo(a: StreamInfo, b: StreamInfo): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
