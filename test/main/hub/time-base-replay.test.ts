// A headset whose transport delay rises 15 ms and stays, through the real hub and recorder, then
// replayed through a fresh hub: the clock model splits its time base ~20 s later live, the move is
// marked once (a 'time-base' gap, recorded), and the replay, fed that gap before its chunk, moves
// the time base again without reporting it twice: the windows match byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { StreamHub } from '../../../src/main/hub/hub';
import { Recorder } from '../../../src/main/recorder/recorder';
import { ReplaySource } from '../../../src/main/replay/replay-source';
import { VirtualClock, VirtualScheduler } from '../../../src/main/sources';
import type { Gap } from '../../../src/shared/stream.types';
import type { SyncWindow } from '../../../src/shared/window.types';
import { tempDir } from '../db/db-test-util';
import { ScriptedSource } from './hub-rig';
import { generate, infoOf, T0, type DeviceSpec } from '../../shared/pipeline/chunk-gen';

const HEADSET: DeviceSpec = { id: 'hs', modality: 'eeg', rateHz: 256, labels: ['TP9', 'AF7'], packet: 12, driftPpm: 40, latencySec: 0.012, jitterMeanSec: 0.002, deviceEpoch: 77 };
const INFO = infoOf(HEADSET);

test('a lasting 15-ms rise of the transport delay: the time-base move is marked once live and once on replay, the same windows byte for byte', async (t) => {
  const db = await DbClient.open({ path: join(tempDir(t), 'time-base.sqlite') });
  t.after(() => db.close());
  const clock = new VirtualClock(T0);
  const scheduler = new VirtualScheduler(clock);
  const hub = new StreamHub({ clock, scheduler });
  const live: SyncWindow[] = [];
  const liveGaps: Gap[] = [];
  hub.subscribe({ window: (w) => live.push(w), gap: (g) => liveGaps.push(g) });
  const recorder = new Recorder({ db, hub, clock, appVersion: 'test', flushIntervalMs: 60_000 });
  const { sessionId } = await recorder.start({ name: 'time base' });
  const source = new ScriptedSource(INFO, 'ble');
  await hub.addSource(source);
  const sig = (c: number, t: number) => 15 * Math.sin(2 * Math.PI * 10 * t + c) + 2500;
  const chunks = generate(HEADSET, 0, 110, sig).map((c) => (c.hostTime - T0 > 60 ? { ...c, hostTime: c.hostTime + 0.015 } : c));
  let i = 0;
  for (const chunk of chunks) {
    scheduler.runUntil(chunk.hostTime);
    source.sink!.chunk(chunk);
    if (i++ % 250 === 249) await recorder.flush();
  }
  await hub.close();
  await recorder.stop();
  assert.deepEqual(liveGaps.map((g) => g.reason), ['time-base'], `live gaps: ${JSON.stringify(liveGaps)}`);

  const replayClock = new VirtualClock(1_800_000_000);
  const hub2 = new StreamHub({ clock: replayClock, scheduler: new VirtualScheduler(replayClock) });
  const replayed: SyncWindow[] = [];
  const replayGaps: Gap[] = [];
  hub2.subscribe({ window: (w) => replayed.push(w), gap: (g) => replayGaps.push(g) });
  const replay = new ReplaySource({ db, sessionId: sessionId!, speed: 'max', hub: hub2 });
  await hub2.addSource(replay);
  replay.play();
  await replay.whenEnded();
  await hub2.close();

  assert.deepEqual(replayGaps.map((g) => [g.reason, g.startTime, g.endTime, g.missingSamples]), liveGaps.map((g) => [g.reason, g.startTime, g.endTime, g.missingSamples]), 'the recorded gap, once');
  assert.ok(live.length > 80, `${live.length} live windows`);
  const bridged = live.filter((w) => (w.eeg.quality[0]?.bridgedMs ?? 0) > 0);
  assert.ok(bridged.length >= 4, `${bridged.length} windows say the move was bridged`);
  // The live hub's last windows come out as it closes, after the stream is gone: compared as far as both go.
  assert.ok(replayed.length >= live.length - 2, `${replayed.length} replayed windows, ${live.length} live`);
  const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  for (let k = 0; k < Math.min(live.length, replayed.length); k++) {
    const w = live[k];
    const q = replayed[k];
    assert.equal(q.startTime, w.startTime, `window ${k} start`);
    assert.equal(q.eeg.present, w.eeg.present, `window ${k} EEG present`);
    assert.equal(q.eeg.quality[0]?.bridgedMs, w.eeg.quality[0]?.bridgedMs, `window ${k} bridged`);
    assert.ok(bytes(q.eeg.data).equals(bytes(w.eeg.data)), `window ${k} EEG data differs`);
  }
});
