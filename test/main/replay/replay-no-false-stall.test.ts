// A replay's streams are announced when it opens (paused), and it streams only from Play: the time
// it took to open (its first pages read) and any pause are no silence of a streaming device. The
// hub counted them as one, so every replay began with "no data for 2.2 s" and a replay resumed
// after a pause warned at once; a replay that really stops delivering still warns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServiceRig } from './service-rig';
import { clockTimeS } from '../../../src/shared/clock-time';

test('a recorded session replayed after a slow open or a pause reports no stall; one that stops delivering still does', async (t) => {
  const rig = await startServiceRig(t, { seed: 11 });
  await rig.hub.addSource(rig.headset);
  await rig.hub.addSource(rig.strap);
  rig.scheduler.advance(2);
  const { sessionId } = await rig.service.startRecording({ name: 'stall' });
  for (let s = 0; s < 8; s++) {
    rig.scheduler.advance(1);
    await rig.service.recorder.flush();
  }
  await rig.service.stopRecording();

  const stalls: string[] = [];
  rig.hub.subscribe({ deviceStatus: (st) => { if (st.problem?.code === 'stalled') stalls.push(`${st.deviceId}: ${st.problem.message}`); } });
  // Opened paused; the open (reading the first pages) takes its time on the hub's clock.
  await rig.service.openReplay({ sessionId: sessionId!, speed: 1, play: false });
  const replay = rig.service.currentReplay()!;
  rig.scheduler.advance(2.2);
  assert.deepEqual(stalls, [], 'paused: no stall');
  rig.service.play();
  assert.equal(replay.status().state, 'streaming', 'playing');
  // Within the first 0.75 s of play, before any chunk is due to arrive at 1×: no stall.
  rig.scheduler.advance(0.75);
  assert.deepEqual(stalls, [], `no stall at the start of the replay: ${stalls.join('; ')}`);
  // Paused for 10 s, then played again: no stall either.
  rig.service.pause();
  rig.scheduler.advance(10);
  rig.service.play();
  rig.scheduler.advance(0.75);
  assert.deepEqual(stalls, [], `no stall on resuming: ${stalls.join('; ')}`);
  // Streaming and silent past the threshold (its wall-clock pacing frozen: the pause of its timer
  // keeps chunks from coming, as a stuck database read would): the stall is reported.
  const stopped = rig.clock.now();
  (replay as unknown as { clearTimer(): void }).clearTimer();
  rig.scheduler.advance(2);
  // Its silence is counted from its last chunk (within the 0.75 s played), not from before the pause.
  const since = new Set([0, 0.25, 0.5, 0.75, 1].map((d) => `no data since ${clockTimeS(stopped - d)}`));
  assert.ok(stalls.length > 0 && (stalls as string[]).every((s) => since.has(s.slice(s.lastIndexOf(': ') + 2))), `a real silence is reported, since the last chunk (${[...since].join(' or ')}): ${stalls.join('; ')}`);
  await rig.service.closeReplay();
});
