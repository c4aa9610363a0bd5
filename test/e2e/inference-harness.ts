// Drives the app's built inference worker (out/renderer/assets/inference-worker-*.js, ORT's wasm
// bundled next to it) in real Chromium: a tiny static server (cross-origin isolated, so WASM may use
// threads) and the worker's own protocol. Used by the Chromium parity test and the inference bench.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import type { FusedModelConfig, InputContract } from '../../src/shared/model/model.types';
import type { SyncWindow } from '../../src/shared/window.types';
import type { ThreadPreference } from '../../src/renderer/src/inference/wasm-threads';
import { collectPageProblems } from './support/chromium';

export const RENDERER_DIR = resolve(process.env.HEARTMIND_RENDERER_DIR ?? join('out', 'renderer'));
export const workerAsset = (): string | null => {
  const dir = join(RENDERER_DIR, 'assets');
  if (!existsSync(dir)) return null;
  return readdirSync(dir).find((f) => /^inference-worker-[\w-]+\.js$/.test(f)) ?? null;
};

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.css': 'text/css' };
const PAGE = '<!doctype html><meta charset="utf-8"><title>inference parity</title>';

/** The built renderer's files plus the model, cross-origin isolated (so WASM may use threads). */
export function serveWorker(model: Uint8Array, opts: { isolated?: boolean } = {}): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (opts.isolated !== false) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    if (path === '/favicon.ico') return res.writeHead(204).end();
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (path === '/model.onnx') return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(model);
    const file = normalize(join(RENDERER_DIR, path));
    if (!file.startsWith(RENDERER_DIR) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

export type PlainWindow = Omit<SyncWindow, 'eeg' | 'ecg'> & { eeg: Omit<SyncWindow['eeg'], 'data'> & { data: number[] }; ecg: Omit<SyncWindow['ecg'], 'data'> & { data: number[] } };
export const plainWindow = (w: SyncWindow): PlainWindow => ({ ...w, eeg: { ...w.eeg, data: Array.from(w.eeg.data) }, ecg: { ...w.ecg, data: Array.from(w.ecg.data) } });

export interface PageRun {
  loaded: { backend: string; detail: string; threads: number };
  results: { probabilities: Record<string, number[]>; fed: string[]; backend: string; latencyMs: number }[];
  /** Every run's latency (ms), in order. */
  latencies: number[];
  crossOriginIsolated: boolean;
}

/**
 * In the page: the built worker, driven by its own protocol (load, then one run per window, each
 * window `repeat` times; results keep the last run of each window), with `threads` WASM threads.
 */
export async function runInPage(
  browser: Browser,
  url: string,
  config: FusedModelConfig,
  contract: InputContract,
  windows: SyncWindow[],
  prefer: 'wasm' | 'webgpu',
  repeat = 1,
  threads: ThreadPreference = 'auto',
): Promise<{ run: PageRun; problems: string[] }> {
  const worker = workerAsset();
  if (!worker) throw new Error(`no inference worker in ${RENDERER_DIR}/assets: build the renderer first`);
  const page = await browser.newPage();
  const problems = collectPageProblems(page);
  // tsx compiles this file with esbuild's keepNames, which wraps functions in __name(); the function
  // handed to page.evaluate runs in the page, where that helper does not exist.
  await page.addInitScript('globalThis.__name = (f) => f');
  await page.goto(url);
  const run = (await page.evaluate(
    async ({ worker, tasks, contract, windows, prefer, repeat, threads }) => {
      const w = new Worker(`/assets/${worker}`, { type: 'module' });
      const bytes = new Uint8Array(await (await fetch('/model.onnx')).arrayBuffer());
      const next = () => new Promise<{ type: string; message?: string } & Record<string, unknown>>((r) => (w.onmessage = (e) => r(e.data)));
      let m = next();
      w.postMessage({ type: 'load', modelId: 'parity', bytes, input: contract, tasks, prefer, threads }, [bytes.buffer]);
      const loaded = await m;
      if (loaded.type !== 'loaded') throw new Error(`load failed: ${loaded.message}`);
      const results = [];
      const latencies: number[] = [];
      for (const win of windows) {
        let r: Record<string, unknown> = {};
        for (let i = 0; i < repeat; i++) {
          m = next();
          const window = { ...win, eeg: { ...win.eeg, data: new Float32Array(win.eeg.data) }, ecg: { ...win.ecg, data: new Float32Array(win.ecg.data) } };
          w.postMessage({ type: 'run', seq: win.seq, window });
          r = await m;
          if (r.type !== 'result') throw new Error(`run failed: ${String(r.message)}`);
          latencies.push(r.latencyMs as number);
        }
        results.push(r);
      }
      w.terminate();
      return { loaded, results, latencies, crossOriginIsolated: self.crossOriginIsolated };
    },
    { worker, tasks: config.tasks, contract, windows: windows.map(plainWindow), prefer, repeat, threads },
  )) as unknown as PageRun;
  await page.close();
  return { run, problems };
}
