// Serve mode in this process, on a free port, with a throwaway data folder: the real core and the
// real built renderer (out/renderer, made by `electron-vite build`, which `npm test` runs first).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServe, type ServeHandle } from '../../../src/main/serve/serve-command';
import type { LogEntry } from '../../../src/shared/log.types';

export const RENDERER_DIR = resolve('out', 'renderer');

export function rendererMissing(): string | false {
  return existsSync(join(RENDERER_DIR, 'index.html')) ? false : 'needs the built renderer: run `npx electron-vite build` (npm test does)';
}

export interface ServeFixture extends ServeHandle {
  url: string;
  logs: LogEntry[];
  close(): Promise<void>;
}

/**
 * `builtinModels`: list the models shipped in the repository's models/ (default false: an empty
 * built-in folder, so a test starts with no model installed unless it installs one). `prepare`:
 * fills the data folder before the core opens it (sessions imported, models installed).
 */
export async function startServeFixture(opts: { demo?: boolean; builtinModels?: boolean; prepare?: (dataDir: string) => Promise<void> } = {}): Promise<ServeFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hm-e2e-'));
  const logs: LogEntry[] = [];
  if (!opts.builtinModels) {
    // The documented override of the built-in models folder (src/main/model/models.core.ts).
    process.env.HEARTMIND_MODELS_DIR = join(dataDir, 'no-builtin-models');
    mkdirSync(process.env.HEARTMIND_MODELS_DIR);
  } else delete process.env.HEARTMIND_MODELS_DIR;
  try {
    await opts.prepare?.(dataDir);
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const handle = await startServe({ port: 0, dataDir, rendererDir: RENDERER_DIR, demo: opts.demo ?? true, onLog: (e) => logs.push(e) });
  return {
    ...handle,
    url: handle.server.url,
    logs,
    async close() {
      await handle.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
