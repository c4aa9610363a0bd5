// The page's model answers a replay's windows a second or so late (it sends its rows about once a
// second, after the model ran). Each row is stored in the session whose window it answers: those of
// the last windows of a replay replaced by another (Replay on another row) or just closed went into
// the next session, at times outside its span, and a replay opened right after Stop gave its first
// answers to the session just recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LATE_PREDICTION_S } from '../../../src/main/sessions/sessions-service';
import { recordSteps, startServiceRig } from './service-rig';

test("a replay's predictions go to the session whose windows they answer, also when they come after the replay was replaced or closed, or right after a recording stopped", async (t) => {
  const rig = await startServiceRig(t, { seed: 4 });
  await rig.hub.addSource(rig.headset);
  const a = await recordSteps(rig, 'A', 6, () => {});
  const b = await recordSteps(rig, 'B', 6, () => {});
  const [A, B] = [await rig.service.get(a.sessionId), await rig.service.get(b.sessionId)];
  const row = (s: { startTime: number }, at: number) => ({ modelId: 'm', windowTime: s.startTime + at, outputs: { 'task:0': at } });
  const stored = async (id: number) => (await rig.db.api.listPredictions(id, 'm')).map((p) => +(p.windowTime - (id === A.id ? A.startTime : B.startTime)).toFixed(3));

  // B was recorded just now: a replay of A opened at once gives A its answers, not B.
  await rig.service.openReplay({ sessionId: A.id, play: false });
  assert.equal(await rig.service.storePredictions([row(A, 1)]), 1);
  assert.deepEqual([await stored(A.id), await stored(B.id)], [[1], []], 'the row of A, in A (it went into B, just recorded)');
  // Replay on B's row replaces A's replay: A's late answer goes to A, B's to B, and a row of neither nowhere.
  await rig.service.openReplay({ sessionId: B.id, play: false });
  assert.equal(await rig.service.storePredictions([row(A, 2), row(B, 1), row(B, 3600)]), 2);
  assert.deepEqual([await stored(A.id), await stored(B.id)], [[1, 2], [1]], 'each row in its own session (A’s went into B)');
  // Closed: answers still on their way go to B, for LATE_PREDICTION_S.
  await rig.service.closeReplay();
  assert.equal(await rig.service.storePredictions([row(B, 2)]), 1);
  await rig.hub.removeSource(rig.headset.deviceId);
  rig.scheduler.advance(LATE_PREDICTION_S + 1);
  assert.equal(await rig.service.storePredictions([row(B, 3)]), 0, 'too late, nothing open: not stored');
  assert.deepEqual(await stored(B.id), [1, 2]);
});
