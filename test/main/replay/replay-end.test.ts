// The end of a recording: the window that ends at the last sample comes out live and on replay,
// the same bytes. It waited for resampler look-ahead past the last sample, which a replay never
// delivers: a 182-s EDF gave windows up to 176..181 s, and a device streaming exactly 20 s gave
// none ending at 20 s. Now the replay flushes the pipeline at its end (Pipeline.endOfData), as the
// hub does for a live device that stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { StreamHub } from '../../../src/main/hub/hub';
import { Recorder } from '../../../src/main/recorder/recorder';
import { ReplaySource } from '../../../src/main/replay/replay-source';
import { VirtualClock, VirtualScheduler } from '../../../src/main/sources';
import type { Source, SourceSink } from '../../../src/shared/device.types';
import type { StreamInfo } from '../../../src/shared/stream.types';
import type { SyncWindow } from '../../../src/shared/window.types';
import { tempDir } from '../db/db-test-util';
import { startServiceRig } from './service-rig';
import { heartbeat } from '../../shared/pipeline/chunk-gen';

const T0 = 1_790_000_000;
const RATE_HZ = 250;
const CHUNK = 25; // 0.1 s
const end = (w: SyncWindow) => w.startTime + w.samples / w.rateHz;
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** An EEG and an ECG stream at 250 Hz, 0.1-s chunks arriving as their last sample is taken, for exactly `seconds`. */
function exactSource(scheduler: VirtualScheduler, clock: VirtualClock, seconds: number): Source {
  const deviceId = 'exact';
  const info = (modality: 'eeg' | 'ecg', labels: string[]): StreamInfo => ({
    id: `exact/${modality}`,
    deviceId,
    deviceName: 'Exact',
    deviceModel: 'test',
    modality,
    nominalRateHz: RATE_HZ,
    channels: labels.map((label) => ({ label, unit: 'uV', resolution: 0 })),
  });
  const streams = [info('eeg', ['Fz', 'Cz', 'Pz', 'Oz']), info('ecg', ['ECG'])];
  let cancel = () => {};
  let n = 0;
  return {
    deviceId,
    async start(sink: SourceSink) {
      sink.streams(deviceId, streams);
      cancel = scheduler.every(CHUNK / RATE_HZ, () => {
        if (n >= (seconds * RATE_HZ) / CHUNK) return;
        for (const s of streams) {
          const C = s.channels.length;
          const data = new Float32Array(C * CHUNK);
          // The ECG beats (a sine alone has no QRS: its windows would lack ECG, 'no-qrs').
          const beat = (k: number) => (s.modality === 'ecg' ? heartbeat(k / RATE_HZ) : 0);
          for (let c = 0; c < C; c++) for (let i = 0; i < CHUNK; i++) data[c * CHUNK + i] = 20 * Math.sin((2 * Math.PI * (7 + c) * (n * CHUNK + i)) / RATE_HZ) + 3 * c + beat(n * CHUNK + i);
          sink.chunk({ streamId: s.id, deviceTime: (n * CHUNK) / RATE_HZ, hostTime: clock.now(), count: CHUNK, data });
        }
        n++;
      });
    },
    async stop() {
      cancel();
    },
    status: () => ({ deviceId, name: 'Exact', model: 'test', transport: 'sim', state: 'streaming', streamIds: streams.map((s) => s.id) }),
  };
}

test('a device streaming exactly 20 s: the window ending at its last sample comes out live (device stopped) and on replay, byte for byte', async (t) => {
  const db = await DbClient.open({ path: join(tempDir(t), 'recordings.sqlite') });
  t.after(() => db.close());
  const clock = new VirtualClock(T0);
  const scheduler = new VirtualScheduler(clock);
  const hub = new StreamHub({ clock, scheduler });
  const live: SyncWindow[] = [];
  hub.subscribe({ window: (w) => live.push(w) });
  const recorder = new Recorder({ db, hub, clock, appVersion: 'test', flushIntervalMs: 60_000 });
  const { sessionId } = await recorder.start({ name: 'exactly 20 s' });
  const source = exactSource(scheduler, clock, 20);
  await hub.addSource(source);
  scheduler.advance(20);
  await recorder.flush();
  // The device stops with its last sample: the hub flushes its streams as it removes them.
  await hub.removeSource(source.deviceId);
  await recorder.stop();
  await hub.close();

  const rclock = new VirtualClock(T0 + 1000);
  const hub2 = new StreamHub({ clock: rclock, scheduler: new VirtualScheduler(rclock) });
  const replayed: SyncWindow[] = [];
  hub2.subscribe({ window: (w) => replayed.push(w) });
  const replay = new ReplaySource({ db, sessionId: sessionId!, speed: 'max', hub: hub2 });
  await hub2.addSource(replay);
  replay.play();
  await replay.whenEnded();
  // At its end, before anything is removed: the replay flushed the pipeline itself.
  const atEnd = replayed.length;
  await hub2.close();

  const rel = (ws: SyncWindow[]) => ws.map((w) => `${(w.startTime - T0).toFixed(2)}..${(end(w) - T0).toFixed(2)}`);
  assert.equal(end(live.at(-1)!) - T0, 20, `the last live window ends at the last sample (+20 s): ${rel(live).slice(-2)}`);
  assert.deepEqual(rel(replayed), rel(live), 'the same windows live and on replay');
  assert.equal(atEnd, replayed.length, 'the last window came out when the replay ended');
  live.forEach((w, i) => {
    const r = replayed[i];
    for (const m of ['eeg', 'ecg'] as const) {
      assert.equal(r[m].present, w[m].present, `window ${i} ${m} present`);
      assert.equal(r[m].absentReason, w[m].absentReason, `window ${i} ${m} absent reason`);
      assert.ok(bytes(r[m].data).equals(bytes(w[m].data)), `window ${i} (${rel([w])}) ${m} data differs`);
    }
  });
  assert.ok(live.at(-1)!.eeg.present && live.at(-1)!.ecg.present, 'the last window holds both modalities');
});

const EDF = resolve('..', 'shared', 'data', 'edf-eegmat', 'Subject00_1.edf');

test('an imported 182-s EDF replays up to the window ending at its last sample', { skip: !existsSync(EDF) && 'needs ../shared/data' }, async (t) => {
  const rig = await startServiceRig(t, { seed: 1 });
  const imported = await rig.service.importFile({ path: EDF });
  const s = await rig.service.get(imported.id);
  await rig.service.openReplay({ sessionId: imported.id, speed: 'max', play: true });
  await rig.service.currentReplay()!.whenEnded();
  const last = rig.windows.at(-1)!;
  // 91 000 samples at 500 Hz: the data spans [0, 182) s; the last 5-s window on the 1-s grid is 177..182.
  assert.equal(Math.round((end(last) - s.startTime) * 1000) / 1000, 182, `the last window ends at +182 s, not before (${rig.windows.length} windows)`);
  assert.ok(last.eeg.present && last.ecg.present, 'both modalities present in it');
  await rig.service.closeReplay();
});

test('Play after the end (flushed) starts over and gives the same windows again, the last one included', async (t) => {
  const rig = await startServiceRig(t, { seed: 4 });
  await rig.hub.addSource(rig.headset);
  await rig.hub.addSource(rig.strap);
  rig.scheduler.advance(3);
  const { sessionId } = await rig.service.startRecording({ name: 'twice' });
  for (let s = 0; s < 12; s++) {
    rig.scheduler.advance(1);
    await rig.service.recorder.flush();
  }
  await rig.service.stopRecording();
  await rig.hub.removeSource(rig.headset.deviceId);
  await rig.hub.removeSource(rig.strap.deviceId);

  rig.windows.length = 0;
  await rig.service.openReplay({ sessionId: sessionId!, speed: 'max', play: true });
  const replay = rig.service.currentReplay()!;
  await replay.whenEnded();
  const first = rig.windows.splice(0);
  assert.ok(first.length >= 5, `${first.length} windows`);
  rig.service.play();
  const deadline = Date.now() + 20_000;
  while (replay.replayStatus().state !== 'playing' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await replay.whenEnded();
  const again = rig.windows.splice(0);
  assert.deepEqual(again.map((w) => w.startTime), first.map((w) => w.startTime), 'the same windows the second time');
  again.forEach((w, i) => assert.ok(bytes(w.eeg.data).equals(bytes(first[i].eeg.data)) && bytes(w.ecg.data).equals(bytes(first[i].ecg.data)), `window ${i} the same bytes`));
  await rig.service.closeReplay();
});
