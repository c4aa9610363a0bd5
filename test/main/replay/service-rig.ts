// Shared set-up for replay tests in the app's arrangement: the simulated headset and strap
// streaming through the real hub in virtual time, with the sessions service (recorder + replay)
// over a real database file in a temporary folder.
import type { TestContext } from 'node:test';
import { join } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { StreamHub } from '../../../src/main/hub/hub';
import { SessionsService } from '../../../src/main/sessions/sessions-service';
import { createDemoSources, VirtualClock, VirtualScheduler } from '../../../src/main/sources';
import type { SyncWindow } from '../../../src/shared/window.types';
import { tempDir } from '../db/db-test-util';

export async function startServiceRig(t: TestContext, opts: { seed: number; seekPreRollS?: number }) {
  const path = join(tempDir(t), 'recordings.sqlite');
  const db = await DbClient.open({ path });
  t.after(() => db.close());
  const clock = new VirtualClock(1_790_000_000);
  const scheduler = new VirtualScheduler(clock);
  const hub = new StreamHub({ clock, scheduler });
  t.after(() => hub.close());
  const logs: string[] = [];
  const service = new SessionsService({ db, hub, clock, appVersion: 'test', seekPreRollS: opts.seekPreRollS, log: (level, m) => logs.push(`${level} ${m}`) });
  /** Every window the hub emits (live and replayed). */
  const windows: SyncWindow[] = [];
  hub.subscribe({ window: (w) => windows.push(w) });
  const [headset, strap] = createDemoSources({ clock, scheduler, seed: opts.seed });
  return { path, db, clock, scheduler, hub, service, logs, windows, headset, strap };
}
