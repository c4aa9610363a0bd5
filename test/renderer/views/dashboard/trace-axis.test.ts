import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { traceTickLabel, traceTickStep } from '../../../../src/renderer/src/views/dashboard/charts/trace-axis';

describe('trace time axis', () => {
  test('a step that gives at most 10 intervals over each span the dashboard offers', () => {
    assert.deepEqual([2, 5, 10, 20, 30].map(traceTickStep), [0.2, 0.5, 1, 2, 5]);
  });

  test('no two ticks read the same: every tick of a span has its own label', () => {
    for (const span of [2, 5, 10, 20, 30]) {
      const step = traceTickStep(span);
      const labels: string[] = [];
      for (let i = 0; i * step <= span + 1e-9; i++) labels.push(traceTickLabel(-i * step, step));
      assert.equal(new Set(labels).size, labels.length, `${span} s: ${labels.join(', ')}`);
    }
    // On a 2-s span the ticks beyond a second keep their decimal (they read "−2 s, −2 s, −2 s, −1 s …").
    assert.equal(traceTickLabel(-1.8, 0.2), '-1.8 s');
    assert.equal(traceTickLabel(-2, 0.2), '-2.0 s');
    assert.equal(traceTickLabel(-1.4000000000000001, 0.2), '-1.4 s');
    assert.equal(traceTickLabel(-4, 1), '-4 s');
    assert.equal(traceTickLabel(-0, 0.2), '0 s');
    assert.equal(traceTickLabel(-1e-12, 0.5), '0 s');
  });
});
