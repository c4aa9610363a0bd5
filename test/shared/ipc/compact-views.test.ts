import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactTypedArrayViews } from '../../../src/shared/ipc/compact-views';

test('views into a larger buffer become compact copies; the original message is untouched', () => {
  const ring = new Float32Array(10_000).map((_, i) => i);
  const view = ring.subarray(100, 104);
  const whole = Float32Array.of(1, 2);
  const msg = { type: 'pipeline:conditioned', block: { data: view, channels: ['a'] }, other: { whole }, list: [view, 3] };
  const out = compactTypedArrayViews(msg);
  assert.notEqual(out, msg);
  assert.equal(out.block.data.buffer.byteLength, 16, 'only the 4 samples travel');
  assert.deepEqual([...out.block.data], [100, 101, 102, 103]);
  assert.equal(out.other, msg.other, 'untouched branches are shared, not copied');
  assert.equal(out.other.whole, whole);
  assert.equal((out.list[0] as Float32Array).buffer.byteLength, 16);
  assert.equal(msg.block.data, view, 'input not mutated');
  assert.equal(msg.list[0], view);
});

test('a message without views comes back as the same object', () => {
  const msg = { a: Float64Array.of(1), b: [{ c: 'x' }] };
  assert.equal(compactTypedArrayViews(msg), msg);
  assert.equal(compactTypedArrayViews(null), null);
});
