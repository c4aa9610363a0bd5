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

/** `eegPreset`: the simulated headset's preset ('10-20' is 19 ch @ 500 Hz, 'muse' 4 ch @ 256 Hz). */
export async function startSimRecording(db: DbClient, name = 'sim', eegPreset = '10-20'): Promise<SimRecording> {
  const clock = new VirtualClock(1_790_000_000);
  const scheduler = new VirtualScheduler(clock);
  const hub = new StreamHub({ clock, scheduler });
  const statuses: RecordingStatus[] = [];
  let delivered = 0;
  hub.subscribe({ rawChunk: (c) => (delivered += c.data.length) });
  const recorder = new Recorder({ db, hub, clock, appVersion: 'test', flushIntervalMs: 60_000, onStatus: (s) => statuses.push(s) });
  await recorder.start({ name });
  const [headset, strap] = createDemoSources({ clock, scheduler, seed: 3 });
  if (eegPreset !== '10-20') await headset.configure({ preset: eegPreset });
  await hub.addSource(headset);
  await hub.addSource(strap);
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

/** Records `seconds` of the simulated devices into `db` as session `name`, stops, and gives the session's id. */
export async function recordSimSession(db: DbClient, name: string, seconds: number): Promise<number> {
  const sim = await startSimRecording(db, name);
  const sessionId = sim.recorder.sessionId!;
  await sim.run(seconds);
  await sim.close();
  return sessionId;
}
