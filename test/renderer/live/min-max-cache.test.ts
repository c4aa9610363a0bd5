import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MinMaxCache } from '../../../src/renderer/src/live/min-max-cache';
import { emptySpan, TraceBuffer } from '../../../src/renderer/src/live/trace-buffer';
import type { ConditionedBlock } from '../../../src/shared/window.types';

const RATE = 200;

/** A seeded stream of values with runs of NaN (holes) and the occasional spike. */
function values(seed: number, n: number): number[] {
  let x = seed >>> 0;
  const rnd = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(rnd() < 0.01 ? NaN : rnd() < 0.02 ? 500 * (rnd() - 0.5) : Math.sin(i / 7) * 20 + rnd());
  return out;
}

function block(start: number, v: number[]): ConditionedBlock {
  return { streamId: 's', modality: 'eeg', channels: ['C3'], startTime: 1000 + start / RATE, rateHz: RATE, count: v.length, data: Float32Array.from(v) };
}

/** The points a direct min-max pass over the span gives, buckets fixed at multiples of `size` (absolute index). */
function reference(all: number[], index0: number, count: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let b = Math.floor(index0 / size); b * size < index0 + count; b++) {
    const from = Math.max(b * size, index0);
    const to = Math.min(b * size + size, index0 + count);
    let minI = -1, maxI = -1, nanI = -1;
    for (let i = from; i < to; i++) {
      const v = Math.fround(all[i]);
      if (Number.isNaN(v)) { if (nanI < 0) nanI = i; continue; }
      if (minI < 0 || v < Math.fround(all[minI])) minI = i;
      if (maxI < 0 || v > Math.fround(all[maxI])) maxI = i;
    }
    // Ties keep the first index, as the cache does.
    const pts: [number, number][] = [];
    if (nanI >= 0) pts.push([nanI, NaN]);
    if (minI >= 0) pts.push([minI, Math.fround(all[minI])]);
    if (maxI >= 0 && maxI !== minI) pts.push([maxI, Math.fround(all[maxI])]);
    pts.sort((p, q) => p[0] - q[0]);
    // One NaN point per bucket, then the min and max in time order.
    out.push(...pts.map(([i, v]) => [i - index0, v] as [number, number]));
  }
  return out;
}

describe('MinMaxCache', () => {
  test('gives the points of a direct min-max pass, frame after frame, as the ring fills and wraps', () => {
    const all = values(7, 6000);
    const buf = new TraceBuffer(['C3'], RATE, 10); // 2000 samples: wraps three times
    const size = 13;
    const cache = new MinMaxCache(size, buf.capacity);
    const span = emptySpan();
    let written = 0;
    let frames = 0;
    while (written < all.length) {
      const n = 1 + ((written * 7) % 37);
      buf.append(block(written, all.slice(written, written + n)));
      written = Math.min(all.length, written + n);
      // The visible span lags the newest sample a little and covers most of what is held.
      const edge = buf.endTime - 0.03;
      buf.span(0, edge - 8, edge, span);
      const got: [number, number][] = [];
      cache.emit(span, (k, v) => got.push([k, v]));
      assert.deepEqual(got, reference(all, span.index0, span.count, size), `frame ${frames}`);
      frames++;
    }
    assert.ok(frames > 100, `${frames} frames, expected over 100`);
  });

  test('a hole longer than the buffer and then new data: nothing stale comes back', () => {
    const buf = new TraceBuffer(['C3'], RATE, 1); // 200 samples
    const cache = new MinMaxCache(10, buf.capacity);
    const span = emptySpan();
    const first = values(3, 150);
    buf.append(block(0, first));
    cache.emit(buf.span(0, -Infinity, Infinity, span), () => {});
    const later = values(4, 120).map((v) => (Number.isNaN(v) ? 0 : v));
    buf.append(block(1000, later)); // 850 samples later: the ring holds NaN, then `later`
    const got: [number, number][] = [];
    cache.emit(buf.span(0, -Infinity, Infinity, span), (k, v) => got.push([k, v]));
    const held = [...new Array(80).fill(NaN), ...later];
    assert.equal(span.count, 200);
    assert.deepEqual(got, reference([...new Array(span.index0).fill(0), ...held], span.index0, span.count, 10));
  });
});
