// Shared set-up for recorder tests: the simulated headset and strap streaming through the real hub
// in accelerated (virtual) time, recorded into a real database.
import { StreamHub } from '../../../src/main/hub/hub';
import { Recorder } from '../../../src/main/recorder/recorder';
import { createDemoSources, VirtualClock, VirtualScheduler } from '../../../src/main/sources';
import type { DbClient } from '../../../src/main/db/db-client';
import type { RecordingStatus } from '../../../src/shared/session.types';

export interface SimRecording {
  hub: StreamHub;
  recorder: Recorder;
  clock: VirtualClock;
  statuses: RecordingStatus[];
  /** Values (samples × channels) the hub handed the recorder so far. */
  delivered(): number;
  /** Streams `seconds` of simulated time, committing after each simulated second (stopping early once the recording failed, unless told to go on). */
  run(seconds: number, goOnAfterFailure?: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function startSimRecording(db: DbClient, name = 'sim'): Promise<SimRecording> {
  const clock = new VirtualClock(1_790_000_000);
  const scheduler = new VirtualScheduler(clock);
  const hub = new StreamHub({ clock, scheduler });
  const statuses: RecordingStatus[] = [];
  let delivered = 0;
  hub.subscribe({ rawChunk: (c) => (delivered += c.data.length) });
  const recorder = new Recorder({ db, hub, clock, appVersion: 'test', flushIntervalMs: 60_000, onStatus: (s) => statuses.push(s) });
  await recorder.start({ name });
  for (const s of createDemoSources({ clock, scheduler, seed: 3 })) await hub.addSource(s);
  return {
    hub,
    recorder,
    clock,
    statuses,
    delivered: () => delivered,
    async run(seconds, goOnAfterFailure = false) {
      for (let i = 0; i < seconds; i++) {
        scheduler.advance(1);
        await recorder.flush();
        // A recording that failed stops here (the hub would go on without it).
        if (!goOnAfterFailure && recorder.status().state === 'failed') break;
      }
    },
    async close() {
      await recorder.stop();
      await hub.close();
    },
  };
}
