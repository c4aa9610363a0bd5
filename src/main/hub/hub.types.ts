// What the stream hub offers the rest of the core (transports, recorder, device manager).
import type { DeviceStatus, Source } from '../../shared/device.types';
import type { HeartFeatures, EegFeatures, QualityReport } from '../../shared/features.types';
import type { LogEntry } from '../../shared/log.types';
import type { Gap, SampleChunk, StreamInfo } from '../../shared/stream.types';
import type { ConditionedBlock, SyncWindow } from '../../shared/window.types';
import type { PipelineConfig, PipelineConfigPatch, PipelineSnapshot, StreamClockState } from '../../shared/pipeline';

/** Subscribe to what you need; every callback is optional. Callbacks must not throw (the hub logs and drops listeners that do). */
export interface HubListener {
  streams?(streams: StreamInfo[]): void;
  /** A validated raw chunk as the device delivered it (the recorder's feed), before conditioning. */
  rawChunk?(chunk: SampleChunk, info: StreamInfo): void;
  gap?(gap: Gap): void;
  conditioned?(block: ConditionedBlock): void;
  window?(window: SyncWindow): void;
  heart?(features: HeartFeatures): void;
  /** An R peak as soon as it is decided (host s), before the next heart features list it. */
  rPeak?(streamId: string, time: number): void;
  eeg?(features: EegFeatures): void;
  quality?(report: QualityReport): void;
  deviceStatus?(status: DeviceStatus): void;
  /** A device was taken off the hub (removeSource), after its 'stopped' status: devices() no longer lists it. */
  deviceRemoved?(deviceId: string): void;
  log?(entry: LogEntry): void;
  /** The pipeline's configuration changed (setPipelineConfig: the user's settings, a replay's recorded ones). */
  config?(config: PipelineConfig): void;
}

export interface Hub {
  subscribe(listener: HubListener): () => void;
  /** Start a source feeding the hub; its failures become device statuses and log lines. */
  addSource(source: Source): Promise<void>;
  removeSource(deviceId: string): Promise<void>;
  sources(): Source[];
  streams(): StreamInfo[];
  devices(): DeviceStatus[];
  // Optional extras: the live hub (createHub in ./hub.ts) has them all; test doubles need not.
  /** Change a running device's settings (Source.configure); rejects with the source's message. */
  configureSource?(deviceId: string, settings: Record<string, string | number | boolean>): Promise<void>;
  /** The pipeline configuration in force (store it with a recording). */
  pipelineConfig?(): PipelineConfig;
  /** New filters/windowing: every stream's filters restart as after a gap (its clock model goes on); windows continue in sequence. */
  setPipelineConfig?(patch: PipelineConfigPatch): void;
  /** Clock offset/drift, device rate, segments and gaps per stream (device panel, recorder). */
  clockStates?(): StreamClockState[];
  /** The pipeline's state between two chunks (the recorder stores one every few seconds); see StreamHub. */
  pipelineSnapshot?(): PipelineSnapshot;
  /** Restores a recorded snapshot for a device alone in the pipeline (a replay seeking); see StreamHub. */
  restorePipeline?(deviceId: string, snapshot: Uint8Array, options?: RestorePipelineOptions): Omit<PipelineSnapshot, 'bytes'>;
  /**
   * Output ending before host time `time` is not passed to listeners until the pipeline's last
   * stream goes: a replay seeking without a snapshot re-feeds a pre-roll, as `emitFrom` of restorePipeline.
   */
  withholdOutputBefore?(time: number): void;
  /** Stop every source and the hub's timers. */
  close?(): Promise<void>;
}

export interface RestorePipelineOptions {
  /** The pipeline's id for a stream the snapshot holds under `snapshotId` (a replay prefixes them). */
  streamId?(snapshotId: string): string;
  /**
   * Host time (s): pipeline output that ends before it — windows, quality, features, conditioned
   * blocks, gaps, problems, raw chunks — is not passed to listeners (the seek target).
   */
  emitFrom?: number;
}
