// What the stream hub offers the rest of the core (transports, recorder, device manager).
import type { DeviceStatus, Source } from '../../shared/device.types';
import type { HeartFeatures, EegFeatures, QualityReport } from '../../shared/features.types';
import type { LogEntry } from '../../shared/log.types';
import type { Gap, SampleChunk, StreamInfo } from '../../shared/stream.types';
import type { ConditionedBlock, SyncWindow } from '../../shared/window.types';

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
}
