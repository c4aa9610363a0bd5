// jax-js grows its WASM memory by exactly the pages each new buffer needs. Every grow of a
// WebAssembly.Memory hands V8 a new buffer that it counts as newly allocated external memory, and
// past V8's external-memory limit each such grow starts a full mark-compact GC (~85 ms with a
// training step's heap). A 12-layer training step that grew its memory in hundreds of small grows
// spent 25 s of a 30-s step in those GCs (node --trace-gc: "external memory pressure"). Growing in
// chunks makes the grows, and the GCs, rare. The extra pages are reserved address space: they cost
// memory only once written.
/** 256 MiB. */
export const WASM_GROW_CHUNK_PAGES = 4096;

const installed = Symbol.for('heartmind.chunkedWasmGrowth');

/**
 * Makes WebAssembly.Memory.grow add at least WASM_GROW_CHUNK_PAGES at a time in this realm (a Node
 * process or worker; call before jax-js's WASM backend starts). Where the larger grow would pass the
 * memory's maximum, the exact request is made, so nothing that fitted before fails now.
 */
export function installChunkedWasmGrowth(): void {
  const proto = WebAssembly.Memory.prototype as WebAssembly.Memory & { [installed]?: true };
  if (proto[installed]) return;
  const grow = proto.grow;
  proto.grow = function (this: WebAssembly.Memory, delta: number): number {
    if (delta > 0 && delta < WASM_GROW_CHUNK_PAGES) {
      try {
        return grow.call(this, WASM_GROW_CHUNK_PAGES);
      } catch {
        // Past the maximum: fall through to the exact request.
      }
    }
    return grow.call(this, delta);
  };
  proto[installed] = true;
}

