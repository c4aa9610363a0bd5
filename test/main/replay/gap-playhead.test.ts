// The playhead moves on through a stretch without data (a gap, or a seek into one), as the replay's
// time passes: it stood still at the last sample until the next one came, as if the replay had
// hung (an imported XDF's 283-s break: almost 5 minutes at 1×, 18 s at 16×).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { packChunks, type StoredChunk } from '../../../src/main/db/sample-codec';
import { ReplaySource } from '../../../src/main/replay/replay-source';
import type { StreamInfo } from '../../../src/shared/stream.types';
import { tempDir } from '../db/db-test-util';

const info: StreamInfo = {
  id: 'sim-eeg-1/eeg',
  deviceId: 'sim-eeg-1',
  deviceName: 'Simulated headset',
  deviceModel: 'sim-eeg',
  modality: 'eeg',
  nominalRateHz: 100,
  channels: [{ label: 'Cz', unit: 'uV', resolution: 0.5 }],
};

test('a replay\'s playhead advances through a gap at the replay\'s speed, never past the next sample', async (t) => {
  const db = await DbClient.open({ path: join(tempDir(t), 'recordings.sqlite') });
  t.after(() => db.close());
  const t0 = 1_800_000_000;
  const sessionId = await db.api.createSession({ name: 'gap', startTime: t0, appVersion: 't', origin: 'recorded', state: 'recording' });
  const streamId = await db.api.addStream(sessionId, { device: { deviceKey: info.deviceId, name: info.deviceName, model: info.deviceModel, serial: '', transport: 'sim' }, info });
  // 1 s of data, 24 s without any, 1 s of data: 10-sample chunks.
  let seq = 0;
  const chunks = (from: number): StoredChunk[] =>
    Array.from({ length: 10 }, (_, k) => ({ seq: seq++, deviceTime: from + k * 0.1, hostTime: t0 + from + (k + 1) * 0.1, count: 10, data: new Float32Array(10).fill(k) }));
  for (const from of [0, 25]) await db.api.appendBatch({ sessionId, blocks: [{ streamId, chunks: packChunks(chunks(from)) }], gaps: [] });
  await db.api.finishSession(sessionId);

  const positions: number[] = [];
  const replay = new ReplaySource({ db, sessionId, speed: 16, onStatus: (s) => s.position !== null && positions.push(s.position - t0) });
  await replay.start({ streams: () => {}, chunk: () => {}, gap: () => {}, status: () => {} });
  replay.play();
  await replay.whenEnded();
  // 24 s at 16× is 1.5 s of waiting: the playhead reported inside the gap several times, in order.
  const inGap = positions.filter((p) => p > 1.05 && p < 25.05);
  assert.ok(inGap.length >= 4, `positions inside the gap: ${inGap.map((p) => p.toFixed(1)).join(' ')}`);
  // In order, and never past the next sample (the chunk at 25.1 s would then step back).
  for (let i = 1; i < positions.length; i++) assert.ok(positions[i] >= positions[i - 1], `the playhead went back: ${positions[i - 1]} → ${positions[i]}`);
  assert.equal(positions[positions.length - 1], 26, 'it ends at the session end');
});
