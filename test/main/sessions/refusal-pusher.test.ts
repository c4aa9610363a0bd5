// Refused markers reach the pages as pushes: the first at once, then those of each following
// REFUSAL_PUSH_MS as one push with their count and the last one's error (a sender stuck on one
// mistake at 100/s pushed 100 a second to every page, each re-rendering its record bar).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REFUSAL_PUSH_MS, refusalPusher } from '../../../src/main/sessions/sessions.core';

test('refusalPusher: the first at once, the rest of the window as one push with their count; none lost', async (t) => {
  const pushed: { error: string; count: number }[] = [];
  const p = refusalPusher((r) => pushed.push({ error: r.error, count: r.count }));
  t.after(() => p.stop());
  for (let i = 0; i < 100; i++) p.add({ source: 'udp', error: `e${i}` });
  assert.deepEqual(pushed, [{ error: 'e0', count: 1 }], 'the first at once');
  await new Promise((r) => setTimeout(r, REFUSAL_PUSH_MS + 50));
  assert.deepEqual(pushed, [{ error: 'e0', count: 1 }, { error: 'e99', count: 99 }], 'then the rest as one, with the last error');
  await new Promise((r) => setTimeout(r, REFUSAL_PUSH_MS + 50));
  assert.equal(pushed.length, 2, 'nothing more when nothing came');
  p.add({ source: 'websocket', error: 'later' });
  assert.deepEqual(pushed.at(-1), { error: 'later', count: 1 }, 'after a quiet window, at once again');
  // Datagrams the system dropped come as one refusal of many: counted as many.
  p.add({ source: 'udp', error: 'lost', count: 37 });
  p.add({ source: 'udp', error: 'e', count: undefined });
  await new Promise((r) => setTimeout(r, REFUSAL_PUSH_MS + 50));
  assert.deepEqual(pushed.at(-1), { error: 'e', count: 38 }, 'a refusal of 37 and one of 1 in a window: 38');
});
