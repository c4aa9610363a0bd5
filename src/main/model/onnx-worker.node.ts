// The ONNX worker (one of OnnxCheckPool's threads, onnx-pool.ts): for each file it is given, reads
// it, hashes and decodes it, and hands back its size, SHA-256 and signature, or why it is not an ONNX
// model; then waits for the next. Off the core's main thread, so a registry scan does not stall the
// pipeline. Runs without Electron.
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import type { OnnxWorkerReply, OnnxWorkerRequest } from './onnx-pool';
import { readOnnxFacts } from './registry';

const facts = (bytes: Uint8Array): Extract<OnnxWorkerReply, { type: 'read' }>['facts'] => {
  const { error, ...rest } = readOnnxFacts(bytes);
  return { ...rest, error: error && { code: error.code, message: error.message, details: [...error.details] } };
};

async function answer(req: OnnxWorkerRequest): Promise<void> {
  try {
    if ('bytes' in req) {
      // Bytes the caller read (an install): checked and moved back, so they are not copied twice.
      parentPort!.postMessage({ id: req.id, type: 'read', facts: facts(req.bytes), bytes: req.bytes } satisfies OnnxWorkerReply, [req.bytes.buffer as ArrayBuffer]);
    } else {
      const buf = await readFile(req.path);
      parentPort!.postMessage({ id: req.id, type: 'read', facts: facts(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)) } satisfies OnnxWorkerReply);
    }
  } catch (err) {
    // A file that cannot be read (gone, a folder, no permission): this file's answer; the thread goes on.
    const e = err instanceof Error ? err : new Error(String(err));
    parentPort!.postMessage({ id: req.id, type: 'failed', error: { name: e.name, message: e.message, code: (e as NodeJS.ErrnoException).code } } satisfies OnnxWorkerReply);
  }
}

parentPort!.on('message', (req: OnnxWorkerRequest) => void answer(req));
