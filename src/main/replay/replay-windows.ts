// The windows a replay of a recorded session cuts, from its start to its end, for a consumer in the
// core (a model run over the session, a dataset): a ReplaySource at full speed through a hub of its
// own, so they are the windows the app's replay cuts, byte for byte, and the live ones of a session
// recorded in the app. Fed from the stored chunks alone through a fresh pipeline, they were not: the
// replay restores the pipeline the recorder snapshotted at Record (filters and clock models warm from
// the seconds before it), announces and ends each stream where the recording did (a device joining
// or leaving), and announces a stream's next layout when its first chunk comes (a montage change).
//
// Memory stays bounded whatever the session's length: the replay reads the database a page at a
// time and pauses while the consumer is MAX_QUEUED windows behind.
import type { LogLevel } from '../../shared/log.types';
import type { SyncWindow } from '../../shared/window.types';
import type { DbClient } from '../db/db-client';
import { StreamHub } from '../hub/hub';
import { VirtualClock, VirtualScheduler } from '../sources/host-clock';
import { ReplayError, ReplaySource, type SeekInfo } from './replay-source';

/** Windows cut ahead of the consumer before the replay pauses for it. */
export const MAX_QUEUED_WINDOWS = 8;

export interface ReplayWindowsOptions {
  /** Polled between windows: true ends the run (the windows after it are not cut). */
  stopRequested?(): boolean;
  log?(level: LogLevel, message: string): void;
}

export interface ReplayWindowsResult {
  /** Windows given to the consumer. */
  windows: number;
  /** Ended by stopRequested before the session's end. */
  stopped: boolean;
  /** How the replay started: 'snapshot' where the recorder's pipeline at Record was restored. */
  start: SeekInfo['mode'];
}

/**
 * Replays session `sessionId` from its start as fast as `onWindow` takes the windows, each awaited
 * before the next is given. Throws (ReplayError) where the session cannot be replayed: one still
 * being recorded, one the database lacks, a read that fails part-way.
 */
export async function replayWindows(
  db: DbClient,
  sessionId: number,
  onWindow: (w: SyncWindow) => Promise<void> | void,
  opts: ReplayWindowsOptions = {},
): Promise<ReplayWindowsResult> {
  // The hub's clock only times its stall watchdog and log lines: a virtual one that never moves
  // keeps the watchdog quiet, as nothing here is late. No features: the windows do not depend on them.
  const clock = new VirtualClock(0);
  const hub = new StreamHub({ clock, scheduler: new VirtualScheduler(clock), features: false });
  const queue: SyncWindow[] = [];
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const replay = new ReplaySource({ db, sessionId, speed: 'max', streamIdPrefix: '', hub, log: opts.log });
  hub.subscribe({
    window: (w) => {
      queue.push(w);
      if (queue.length >= MAX_QUEUED_WINDOWS) replay.pause();
      notify();
    },
  });
  let done = false;
  let windows = 0;
  let stopped = false;
  try {
    await hub.addSource(replay);
    if (replay.replayStatus().state === 'closed') {
      const why = hub.devices().find((d) => d.deviceId === replay.deviceId)?.problem?.message.replace(/^could not start: /, '');
      throw new ReplayError(why ?? `session ${sessionId} could not be replayed`);
    }
    const start = replay.seekInfo().mode;
    void replay.whenEnded().then(() => {
      done = true;
      notify();
    });
    replay.play();
    for (;;) {
      while (queue.length > 0 && !stopped) {
        await onWindow(queue.shift()!);
        windows++;
        if (opts.stopRequested?.()) stopped = true;
      }
      if (stopped || done) break;
      if (replay.replayStatus().state === 'paused') replay.play();
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (done || queue.length > 0) notify();
      });
    }
    const { state, error } = replay.replayStatus();
    if (state === 'failed') throw new ReplayError(`session ${sessionId}: the replay failed part-way (${error})`);
    return { windows, stopped, start };
  } finally {
    await hub.close();
  }
}
