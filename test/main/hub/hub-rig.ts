// Test rig for the hub: a hub on a virtual clock with every listener recorded.
import { createHub, type StreamHub } from '../../../src/main/hub/hub';
import { VirtualClock, VirtualScheduler, SimEegHeadset, SimEcgStrap, DEMO_HEADSET_ID, DEMO_STRAP_ID } from '../../../src/main/sources';
import type { DeviceStatus, Source, SourceSink } from '../../../src/shared/device.types';
import type { LogEntry } from '../../../src/shared/log.types';
import type { Gap, SampleChunk, StreamInfo } from '../../../src/shared/stream.types';
import type { SyncWindow } from '../../../src/shared/window.types';
import type { HeartFeatures, EegFeatures, QualityReport } from '../../../src/shared/features.types';
import type { PipelineConfigPatch } from '../../../src/shared/pipeline';

export interface Rig {
  clock: VirtualClock;
  sched: VirtualScheduler;
  hub: StreamHub;
  windows: SyncWindow[];
  logs: LogEntry[];
  statuses: DeviceStatus[];
  gaps: Gap[];
  raw: ({ chunk: SampleChunk } | { gap: Gap })[];
  hearts: HeartFeatures[];
  eegs: EegFeatures[];
  quality: QualityReport[];
  streams: StreamInfo[][];
}

export function rig(pipelineConfig: PipelineConfigPatch = {}): Rig {
  const clock = new VirtualClock(1_750_000_000);
  const sched = new VirtualScheduler(clock);
  const hub = createHub({ clock, scheduler: sched, pipelineConfig });
  const r: Rig = { clock, sched, hub, windows: [], logs: [], statuses: [], gaps: [], raw: [], hearts: [], eegs: [], quality: [], streams: [] };
  hub.subscribe({
    window: (w) => r.windows.push(w),
    log: (e) => r.logs.push(e),
    deviceStatus: (s) => r.statuses.push(s),
    gap: (g) => {
      r.gaps.push(g);
      r.raw.push({ gap: g });
    },
    rawChunk: (chunk) => r.raw.push({ chunk }),
    heart: (f) => r.hearts.push(f),
    eeg: (f) => r.eegs.push(f),
    quality: (q) => r.quality.push(q),
    streams: (s) => r.streams.push(s),
  });
  return r;
}

/** Headset (Muse-like, fast to simulate) and strap on a fresh rig, streaming. */
export async function streamingRig(config: PipelineConfigPatch = {}) {
  const r = rig(config);
  const headset = new SimEegHeadset({ deviceId: DEMO_HEADSET_ID, name: 'Simulated headset', clock: r.clock, scheduler: r.sched, seed: 11, settings: { preset: 'muse', lossPercent: 0 } });
  const strap = new SimEcgStrap({ deviceId: DEMO_STRAP_ID, name: 'Simulated chest strap', clock: r.clock, scheduler: r.sched, seed: 12, settings: { lossPercent: 0 } });
  await r.hub.addSource(headset);
  await r.hub.addSource(strap);
  return { r, headset, strap };
}

/** A source that announces one stream and delivers what the test hands its sink, at the virtual clock's time (drops and reconnects are the test's too). */
export class ScriptedSource implements Source {
  readonly watchesStalls = true;
  sink: SourceSink | null = null;
  constructor(
    private readonly info: StreamInfo,
    private readonly transport: DeviceStatus['transport'],
  ) {}
  get deviceId(): string {
    return this.info.deviceId;
  }
  async start(sink: SourceSink): Promise<void> {
    this.sink = sink;
    sink.streams(this.deviceId, [this.info]);
  }
  async stop(): Promise<void> {
    this.sink = null;
  }
  status(): DeviceStatus {
    return { deviceId: this.deviceId, name: this.info.deviceName, model: 'test', transport: this.transport, state: 'streaming', streamIds: [this.info.id] };
  }
}
