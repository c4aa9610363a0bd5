// A file's bytes as a plain Uint8Array, without copying them.
import { readFile } from 'node:fs/promises';

/**
 * A file's bytes, as a Uint8Array over the buffer readFile filled: `new Uint8Array(await readFile())`
 * copied them, 38 MiB element by element, 45–100 ms of the core's event loop on each model read.
 * A view only where readFile's Buffer covers its whole ArrayBuffer (offset 0, same length), so the
 * result is indistinguishable from that copy: readers that view `bytes.buffer` at offset 0 (typed
 * arrays over weights) still may, and writing to it touches no other Buffer. A Buffer carved out of
 * Node's shared pool (a small file whose size was unknown up front) is still copied: a few KiB.
 */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const b = await readFile(path);
  return ownsWholeBuffer(b) ? new Uint8Array(b.buffer) : new Uint8Array(b);
}

/** Whether `bytes` cover the whole of a plain ArrayBuffer: then it can be viewed from 0, or moved to a worker, as they are. */
export function ownsWholeBuffer(bytes: Uint8Array): bytes is Uint8Array<ArrayBuffer> {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
}
