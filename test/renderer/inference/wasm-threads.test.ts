import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_WASM_THREADS, parseThreadPreference, wasmThreads } from '../../../src/renderer/src/inference/wasm-threads';

test('auto leaves one core to the page, at least one thread and at most four', () => {
  assert.deepEqual([1, 2, 3, 4, 8, 64].map((c) => wasmThreads('auto', c, true).threads), [1, 1, 2, 3, 4, MAX_WASM_THREADS]);
  assert.match(wasmThreads('auto', 2, true).why, /auto: 2 cores, one left to the page/);
});

test('a picked count is honoured up to the cores there are', () => {
  assert.deepEqual(wasmThreads(2, 2, true), { threads: 2, why: 'as asked' });
  assert.deepEqual(wasmThreads(4, 2, true), { threads: 2, why: '4 asked, 2 cores' });
  assert.equal(wasmThreads(1, 16, true).threads, 1);
});

test('without cross-origin isolation there is no SharedArrayBuffer: one thread, and the reason', () => {
  for (const pref of ['auto', 1, 2, 4] as const) {
    const t = wasmThreads(pref, 8, false);
    assert.equal(t.threads, 1, `preference ${pref}: one thread`);
    assert.match(t.why, /not cross-origin isolated/, `preference ${pref}: the reason`);
  }
});

test('odd core counts from the browser still give one thread', () => {
  assert.equal(wasmThreads('auto', 0, true).threads, 1);
  assert.equal(wasmThreads(2, NaN, true).threads, 1);
});

test('preferences are parsed from storage and messages, anything else is refused', () => {
  assert.deepEqual(['auto', '1', '2', '4', 2].map(parseThreadPreference), ['auto', 1, 2, 4, 2]);
  assert.deepEqual(['3', '', null, undefined, 'x', 8, '2.0 '].map(parseThreadPreference), [null, null, null, null, null, null, null]);
});
