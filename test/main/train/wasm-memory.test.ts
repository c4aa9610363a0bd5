// jax-js's WASM memory grows in chunks in a training process (each grow can cost V8 a full GC):
// a small grow adds a whole chunk, a grow past the memory's maximum still gets what it asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installChunkedWasmGrowth, WASM_GROW_CHUNK_PAGES } from '../../../src/main/train/wasm-memory';

const pages = (m: WebAssembly.Memory) => m.buffer.byteLength / 65536;

test('WebAssembly.Memory.grow adds at least a chunk, and the exact request where a chunk would pass the maximum', () => {
  installChunkedWasmGrowth();
  installChunkedWasmGrowth(); // idempotent: not wrapped twice

  const m = new WebAssembly.Memory({ initial: 1 });
  assert.equal(m.grow(1), 1, 'grow returns the old size in pages');
  assert.equal(pages(m), 1 + WASM_GROW_CHUNK_PAGES);
  assert.equal(m.grow(0), 1 + WASM_GROW_CHUNK_PAGES);
  assert.equal(pages(m), 1 + WASM_GROW_CHUNK_PAGES);
  assert.equal(m.grow(WASM_GROW_CHUNK_PAGES + 3), 1 + WASM_GROW_CHUNK_PAGES, 'a grow larger than a chunk is made as asked');
  assert.equal(pages(m), 4 + 2 * WASM_GROW_CHUNK_PAGES);

  const capped = new WebAssembly.Memory({ initial: 1, maximum: 10 });
  capped.grow(2);
  assert.equal(pages(capped), 3);
  assert.throws(() => capped.grow(8), RangeError, 'past the maximum a grow still fails as before');
  assert.equal(pages(capped), 3);
});
