import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceBuffer } from '../../../src/renderer/src/live/trace-buffer';
import type { ConditionedBlock } from '../../../src/shared/window.types';

const RATE = 200;
function block(startSample: number, count: number, channels = ['C3', 'C4']): ConditionedBlock {
  const data = new Float32Array(channels.length * count);
  for (let c = 0; c < channels.length; c++) for (let i = 0; i < count; i++) data[c * count + i] = (c + 1) * 1000 + startSample + i;
  return { streamId: 's', modality: 'eeg', channels, startTime: 1000 + startSample / RATE, rateHz: RATE, count, data };
}

function collect(buf: TraceBuffer, channel: number, t0 = -Infinity, t1 = Infinity): number[] {
  const out: number[] = [];
  buf.forEachInRange(channel, t0, t1, (_t, v) => out.push(v));
  return out;
}

describe('TraceBuffer', () => {
  test('appends planar blocks per channel and wraps around its capacity', () => {
    const buf = new TraceBuffer(['C3', 'C4'], RATE, 0.05); // 10 samples
    buf.append(block(0, 6));
    buf.append(block(6, 7));
    assert.equal(buf.size, 10);
    assert.deepEqual(collect(buf, 0), [1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012]);
    assert.deepEqual(collect(buf, 1), [2003, 2004, 2005, 2006, 2007, 2008, 2009, 2010, 2011, 2012]);
    assert.ok(Math.abs(buf.endTime - (1000 + 13 / RATE)) < 1e-9, `endTime ${buf.endTime}, expected ${1000 + 13 / RATE}`);
    assert.equal(buf.valueAt(1, 1000 + 12 / RATE), 2012);
    assert.ok(Number.isNaN(buf.valueAt(0, 1000)), 'outside what is held');
  });

  test('a hole in time becomes NaN (a break in the trace), never bridged', () => {
    const buf = new TraceBuffer(['C3', 'C4'], RATE, 1);
    buf.append(block(0, 4));
    buf.append(block(7, 2));
    assert.deepEqual(collect(buf, 0).map((v) => (Number.isNaN(v) ? 'gap' : v)), [1000, 1001, 1002, 1003, 'gap', 'gap', 'gap', 1007, 1008]);
  });

  test('an overlapping block keeps only its new part; an old one changes nothing', () => {
    const buf = new TraceBuffer(['C3', 'C4'], RATE, 1);
    buf.append(block(0, 5));
    buf.append(block(3, 4));
    assert.deepEqual(collect(buf, 0), [1000, 1001, 1002, 1003, 1004, 1005, 1006]);
    buf.append(block(0, 3));
    assert.deepEqual(collect(buf, 0), [1000, 1001, 1002, 1003, 1004, 1005, 1006]);
  });

  test('ranges are inclusive on the sample grid; a different shape is refused', () => {
    const buf = new TraceBuffer(['C3', 'C4'], RATE, 1);
    buf.append(block(0, 20));
    assert.deepEqual(collect(buf, 0, 1000 + 5 / RATE, 1000 + 8 / RATE), [1005, 1006, 1007, 1008]);
    assert.equal(buf.accepts(block(20, 1)), true);
    assert.equal(buf.accepts(block(20, 1, ['C3'])), false);
    assert.equal(buf.accepts({ ...block(20, 1), rateHz: 250 }), false);
  });

  test('amplitude is robust to a single spike', () => {
    const buf = new TraceBuffer(['x'], RATE, 5);
    const n = 1000;
    const data = Float32Array.from({ length: n }, (_, i) => 10 * Math.sin((2 * Math.PI * 10 * i) / RATE));
    data[500] = 5000;
    buf.append({ streamId: 's', modality: 'eeg', channels: ['x'], startTime: 0, rateHz: RATE, count: n, data });
    const a = buf.amplitude(0, 5);
    assert.ok(a > 9 && a < 11, `amplitude ${a}`);
  });

  test('amplitude is half the 2nd–98th percentile range of the finite samples, across the wrap and calls', () => {
    // Reference: a full sort of the same samples (the buffer selects the two order statistics).
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 200 - 100;
    const buf = new TraceBuffer(['x', 'y'], RATE, 3);
    for (const [count, nanEvery] of [[450, 0], [333, 17], [800, 5], [25, 0], [600, 0]] as const) {
      const data = Float32Array.from({ length: 2 * count }, (_, i) => (nanEvery && i % nanEvery === 0 ? NaN : i % 97 === 0 ? 1e4 : rand()));
      buf.append({ streamId: 's', modality: 'eeg', channels: ['x', 'y'], startTime: buf.size ? buf.endTime : 0, rateHz: RATE, count, data });
      for (const seconds of [0.5, 2, 3]) {
        for (const c of [0, 1]) {
          const recent = collect(buf, c).slice(-Math.round(seconds * RATE)).filter(Number.isFinite);
          const sorted = Float32Array.from(recent).sort();
          const m = sorted.length;
          const want = (sorted[Math.floor(m * 0.98) - 1] - sorted[Math.floor(m * 0.02)]) / 2;
          assert.equal(buf.amplitude(c, seconds), want, `channel ${c}, last ${seconds} s after a block of ${count}`);
        }
      }
    }
  });
});

test('span() points at the same samples forEachInRange() visits, across the wrap', async () => {
  const { emptySpan } = await import('../../../src/renderer/src/live/trace-buffer');
  const buf = new TraceBuffer(['C3', 'C4'], RATE, 0.05);
  buf.append(block(0, 6));
  buf.append(block(6, 7));
  const s = buf.span(1, 1000 + 5 / RATE, 1000 + 11 / RATE, emptySpan());
  const got: number[] = [];
  for (let k = 0; k < s.count; k++) got.push(s.data[s.base + ((s.first + k) % s.capacity)]);
  assert.deepEqual(got, collect(buf, 1, 1000 + 5 / RATE, 1000 + 11 / RATE));
  assert.ok(Math.abs(s.time0 - (1000 + 5 / RATE)) < 1e-9, `time0 ${s.time0}, expected ${1000 + 5 / RATE}`);
});
