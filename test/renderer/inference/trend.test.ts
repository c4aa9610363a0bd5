import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addTrendPoint, type TrendPoint } from '../../../src/renderer/src/inference/trend';

const pt = (t: number, p1 = 0.5): TrendPoint => ({ t, p: [1 - p1, p1] });
const times = (s: TrendPoint[]) => s.map((x) => x.t);

test('the trend keeps the last minutes in time order', () => {
  const s: TrendPoint[] = [];
  for (const t of [100, 101, 102, 700, 701]) addTrendPoint(s, pt(t), 600);
  assert.deepEqual(times(s), [101, 102, 700, 701], 'older than 600 s before the newest: gone');
});

test('an answer earlier than the last (a replay sought back) drops the points at or after it, which sat right of "now"', () => {
  const s: TrendPoint[] = [];
  for (const t of [1000, 1001, 1002, 1003, 1004]) addTrendPoint(s, pt(t), 600);
  addTrendPoint(s, pt(1002, 0.9), 600);
  assert.deepEqual(times(s), [1000, 1001, 1002]);
  assert.equal(s[2].p[1], 0.9, 'the new answer for that window');
  // Another session replayed, hours earlier: only its answers.
  addTrendPoint(s, pt(10), 600);
  assert.deepEqual(times(s), [10]);
});
