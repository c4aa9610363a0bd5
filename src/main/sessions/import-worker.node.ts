// The import worker (a short-lived worker thread per import, prepareImportInWorker): reads and
// parses one recording file and hands back what the database stores, its sample buffers moved,
// not copied. Runs without Electron.
import { parentPort, workerData } from 'node:worker_threads';
import { FormatError } from '../../shared/formats/format-error';
import { prepareImport, transferablesOf, type ImportWorkerData, type ImportWorkerReply } from './import-recording';

const { req, ctx } = workerData as ImportWorkerData;
const post = (reply: ImportWorkerReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(reply, transfer);
prepareImport(req, ctx).then(
  ({ imp, warnings }) => post({ type: 'prepared', imp, warnings }, transferablesOf(imp)),
  (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    post({
      type: 'failed',
      error: { name: e.name, message: e.message, ...(e instanceof FormatError ? { formatError: { code: e.code, fileName: e.fileName, detail: e.detail, boards: [...e.boards] } } : {}) },
    });
  },
);
