import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TREND_BREAK_S, trendAxis, trendLine, trendTickLabel } from '../../../../src/renderer/src/views/models/trend-axis';

/** The labels of the ticks chart.js places at every stepS from min to 0. */
function labels(oldestS: number): string[] {
  const axis = trendAxis(oldestS);
  const out: string[] = [];
  for (let v = axis.min; v <= 1e-9; v += axis.stepS) out.push(trendTickLabel(v, axis));
  return out;
}

describe('trend axis', () => {
  test('a few seconds of answers: a minute-wide axis with distinct labels (it read "-1 s, -1 s, -1 s, 0 s, 0 s, 0 s")', () => {
    assert.deepEqual(labels(2.5), ['−60 s', '−50 s', '−40 s', '−30 s', '−20 s', '−10 s', 'now']);
    assert.deepEqual(labels(0), labels(2.5));
  });

  test('it grows by whole minutes; past two minutes the labels are m:ss', () => {
    assert.deepEqual(labels(61), ['−120 s', '−100 s', '−80 s', '−60 s', '−40 s', '−20 s', 'now']);
    assert.deepEqual(labels(590), ['−10:00', '−8:20', '−6:40', '−5:00', '−3:20', '−1:40', 'now']);
    for (const s of [5, 61, 150, 299, 600]) {
      const l = labels(s);
      assert.equal(new Set(l).size, l.length, `labels at ${s} s: ${l.join(', ')}`);
    }
  });
});

test("the trend's line: seconds before the latest answer, and a break where answers are more than TREND_BREAK_S apart (it bridged a stop)", () => {
  const pts = [100, 101, 102, 140, 141].map((t) => ({ t, p: [0.3, 0.7] }));
  assert.deepEqual(trendLine(pts, 1), [
    { x: -41, y: 0.7 },
    { x: -40, y: 0.7 },
    { x: -39, y: 0.7 },
    { x: -20, y: null },
    { x: -1, y: 0.7 },
    { x: 0, y: 0.7 },
  ]);
  assert.deepEqual(trendLine(pts, 0)[0], { x: -41, y: 0.3 }, 'the class asked for');
  const dense = [0, TREND_BREAK_S, 2 * TREND_BREAK_S].map((t) => ({ t, p: [0.5, 0.5] }));
  assert.equal(trendLine(dense, 1).filter((q) => q.y === null).length, 0, 'answers TREND_BREAK_S apart stay joined');
  assert.deepEqual(trendLine([], 1), []);
});
