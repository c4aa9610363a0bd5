// Starting HeartMind's worker threads (the database, training, import) the same way in both ways the
// code runs: under tsx (tests, benches, the dev CLI) a worker's entry is the TypeScript source next to
// the module that starts it, loaded through tsx's tsImport (Node 20 does not apply `--import tsx` to
// a worker's own entry); in the built app it is out/main/<bundle>.js (one entry per worker in
// electron.vite.config.ts), next to or one folder above the chunk that holds the caller.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export type WorkerEntry = { url: URL } | { evalCode: string };

/**
 * Where a worker's entry is. `callerUrl` is the caller's import.meta.url, `source` the entry's file
 * name beside the caller's source, `bundle` its built file name. Null when the built file is missing
 * (the caller throws its own error, in its own error class).
 */
export function findWorkerEntry(callerUrl: string, source: string, bundle: string): WorkerEntry | null {
  if (callerUrl.endsWith('.ts')) {
    const entry = new URL(source, callerUrl).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    return { evalCode: `import(${JSON.stringify(tsx)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(callerUrl)}))` };
  }
  const dir = dirname(fileURLToPath(callerUrl));
  for (const candidate of [join(dir, bundle), join(dir, '..', bundle)]) {
    if (existsSync(candidate)) return { url: pathToFileURL(candidate) };
  }
  return null;
}

export function startWorker(entry: WorkerEntry, options: WorkerOptions): Worker {
  return 'url' in entry ? new Worker(entry.url, options) : new Worker(entry.evalCode, { ...options, eval: true });
}

/** An error a worker posted as plain fields, made an Error again with its name and code (a TrainError's 'not-found', an fs 'ENOENT'). */
export function errorFromWorker(e: { message: string; name?: string; code?: string }): Error {
  return Object.assign(new Error(e.message), { name: e.name ?? 'Error', code: e.code });
}

/**
 * A short-lived worker that answers once (a dataset preview, a file import): resolves or rejects with
 * what `answer` makes of its messages (undefined: not the answer yet), then ends the thread. A worker
 * that fails or exits first rejects, saying `what` stopped before it finished.
 */
export function askWorkerOnce<M, T>(entry: WorkerEntry, options: WorkerOptions, answer: (message: M) => { value: T } | { error: Error } | undefined, what: string): Promise<T> {
  const worker = startWorker(entry, options);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: M) => {
      const a = answer(m);
      if (a) settle(() => ('error' in a ? reject(a.error) : resolve(a.value)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`${what} stopped before it finished (worker exit code ${code})`))));
  });
}
