// The ONNX worker (a short-lived worker thread per file, readOnnxInWorker): reads one model's ONNX
// file, hashes and decodes it, and hands back its size, SHA-256 and signature, or why it is not an
// ONNX model. Off the core's main thread, so a registry scan does not stall the pipeline. Runs
// without Electron.
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { readOnnxFacts, type OnnxWorkerData, type OnnxWorkerReply } from './registry';

const data = workerData as OnnxWorkerData;
const post = (reply: OnnxWorkerReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(reply, transfer);
const facts = (bytes: Uint8Array): Extract<OnnxWorkerReply, { type: 'read' }>['facts'] => {
  const { error, ...rest } = readOnnxFacts(bytes);
  return { ...rest, error: error && { code: error.code, message: error.message, details: [...error.details] } };
};
if ('bytes' in data) {
  // Bytes the caller read (an install): checked and moved back, so they are not copied twice.
  post({ type: 'read', facts: facts(data.bytes), bytes: data.bytes }, [data.bytes.buffer as ArrayBuffer]);
} else {
  readFile(data.path).then(
    (buf) => post({ type: 'read', facts: facts(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)) }),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      post({ type: 'failed', error: { name: e.name, message: e.message, code: (e as NodeJS.ErrnoException).code } });
    },
  );
}
