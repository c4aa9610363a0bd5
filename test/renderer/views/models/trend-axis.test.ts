import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { trendAxis, trendTickLabel } from '../../../../src/renderer/src/views/models/trend-axis';

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
