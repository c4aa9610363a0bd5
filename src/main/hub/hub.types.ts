// What the stream hub offers the rest of the core (transports, recorder, device manager).
import type { DeviceStatus, Source } from '../../shared/device.types';
import type { HeartFeatures, EegFeatures, QualityReport } from '../../shared/features.types';
import type { LogEntry } from '../../shared/log.types';
import type { Gap, SampleChunk, StreamInfo } from '../../shared/stream.types';
import type { ConditionedBlock, SyncWindow } from '../../shared/window.types';
import type { PipelineConfig, PipelineConfigPatch, StreamClockState } from '../../shared/pipeline';

/** Subscribe to what you need; every callback is optional. Callbacks must not throw (the hub logs and drops listeners that do). */
export interface HubListener {
  streams?(streams: StreamInfo[]): void;
  /** A validated raw chunk as the device delivered it (the recorder's feed), before conditioning. */
  rawChunk?(chunk: SampleChunk, info: StreamInfo): void;
  gap?(gap: Gap): void;
  conditioned?(block: ConditionedBlock): void;
  window?(window: SyncWindow): void;
  heart?(features: HeartFeatures): void;
  eeg?(features: EegFeatures): void;
  quality?(report: QualityReport): void;
  deviceStatus?(status: DeviceStatus): void;
  log?(entry: LogEntry): void;
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
  /** New filters/windowing: every stream restarts as after a gap; windows continue in sequence. */
  setPipelineConfig?(patch: PipelineConfigPatch): void;
  /** Clock offset/drift, device rate, segments and gaps per stream (device panel, recorder). */
  clockStates?(): StreamClockState[];
  /** Stop every source and the hub's timers. */
  close?(): Promise<void>;
}
