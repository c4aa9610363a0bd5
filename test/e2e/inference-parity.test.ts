// The app's own inference worker (as electron-vite built it, with ORT's wasm files bundled) in real
// Chromium: the full 12-layer fused model on real EEGMAT windows, on WASM and on WebGPU (Chromium's
// software adapter here: correctness, not speed), agrees with the jax-js forward within 1e-4.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { init, numpy as np } from '@jax-js/jax';
import { CBRAMOD_EEG_CHANNELS, defaultFusedConfig, labelledChannels, anyChannels, TASK_MENTAL_ARITHMETIC } from '../../src/shared/model/config';
import { initHostParams } from '../../src/shared/model/params';
import { jitForward, toJaxParams } from '../../src/shared/model/jax-model';
import { taskProbabilities } from '../../src/shared/model/fusion';
import { JaxOps } from '../../src/shared/model/jax-ops';
import { exportFusedOnnx } from '../../src/shared/onnx/export';
import { prepareWindow } from '../../src/shared/model/window-input';
import type { FusedModelConfig, InputContract } from '../../src/shared/model/model.types';
import type { SyncWindow } from '../../src/shared/window.types';
import { chromiumMissing, collectPageProblems, launchChromium } from './support/chromium';
import { eegmatWindows, noEegmat } from '../shared/model/eegmat-windows';
import { maxAbsDiff } from '../shared/model/torch-reference';

const RENDERER_DIR = resolve(process.env.HEARTMIND_RENDERER_DIR ?? join('out', 'renderer'));
const workerAsset = (): string | null => {
  const dir = join(RENDERER_DIR, 'assets');
  if (!existsSync(dir)) return null;
  return readdirSync(dir).find((f) => /^inference-worker-[\w-]+\.js$/.test(f)) ?? null;
};
const skip = chromiumMissing() || noEegmat || (!workerAsset() && 'needs the built renderer with the inference worker: run `npx electron-vite build`');

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.css': 'text/css' };
const PAGE = '<!doctype html><meta charset="utf-8"><title>inference parity</title>';

/** The built renderer's files plus the model, cross-origin isolated (so WASM may use threads). */
function serve(model: Uint8Array): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    if (path === '/favicon.ico') return res.writeHead(204).end();
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (path === '/model.onnx') return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(model);
    const file = normalize(join(RENDERER_DIR, path));
    if (!file.startsWith(RENDERER_DIR) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

type PlainWindow = Omit<SyncWindow, 'eeg' | 'ecg'> & { eeg: Omit<SyncWindow['eeg'], 'data'> & { data: number[] }; ecg: Omit<SyncWindow['ecg'], 'data'> & { data: number[] } };
const plain = (w: SyncWindow): PlainWindow => ({ ...w, eeg: { ...w.eeg, data: Array.from(w.eeg.data) }, ecg: { ...w.ecg, data: Array.from(w.ecg.data) } });

interface PageRun {
  loaded: { backend: string; detail: string; threads: number };
  results: { probabilities: Record<string, number[]>; fed: string[]; backend: string; latencyMs: number }[];
  crossOriginIsolated: boolean;
}

/** In the page: the built worker, driven by its own protocol (load, then one run per window). */
async function runInPage(browser: Browser, url: string, worker: string, config: FusedModelConfig, contract: InputContract, windows: SyncWindow[], prefer: 'wasm' | 'webgpu'): Promise<{ run: PageRun; problems: string[] }> {
  const page = await browser.newPage();
  const problems = collectPageProblems(page);
  // tsx compiles this file with esbuild's keepNames, which wraps functions in __name(); the function
  // handed to page.evaluate runs in the page, where that helper does not exist.
  await page.addInitScript('globalThis.__name = (f) => f');
  await page.goto(url);
  const run = (await page.evaluate(
    async ({ worker, tasks, contract, windows, prefer }) => {
      const w = new Worker(`/assets/${worker}`, { type: 'module' });
      const bytes = new Uint8Array(await (await fetch('/model.onnx')).arrayBuffer());
      const next = () => new Promise<{ type: string; message?: string } & Record<string, unknown>>((r) => (w.onmessage = (e) => r(e.data)));
      let m = next();
      w.postMessage({ type: 'load', modelId: 'parity', bytes, input: contract, tasks, prefer }, [bytes.buffer]);
      const loaded = await m;
      if (loaded.type !== 'loaded') throw new Error(`load failed: ${loaded.message}`);
      const results = [];
      for (const win of windows) {
        m = next();
        const window = { ...win, eeg: { ...win.eeg, data: new Float32Array(win.eeg.data) }, ecg: { ...win.ecg, data: new Float32Array(win.ecg.data) } };
        w.postMessage({ type: 'run', seq: win.seq, window });
        const r = await m;
        if (r.type !== 'result') throw new Error(`run failed: ${r.message}`);
        results.push(r);
      }
      w.terminate();
      return { loaded, results, crossOriginIsolated: self.crossOriginIsolated };
    },
    { worker, tasks: config.tasks, contract, windows: windows.map(plain), prefer },
  )) as unknown as PageRun;
  await page.close();
  return { run, problems };
}

describe('inference worker in Chromium', { skip }, () => {
  let browser: Browser;
  let server: Server;
  let url = '';
  // One layer per encoder: every op type of the model is in it, and the WebGPU adapter here is
  // software (SwiftShader), which spends most of a minute compiling shaders and seconds per window.
  // The 12-layer model's parity on the same ORT WASM kernels is in
  // test/shared/onnx/parity-eegmat.test.ts; bench/inference.bench.ts times it in Chromium.
  const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC, { name: 'load', kind: 'multiclass', classes: ['low', 'mid', 'high'] }], { nLayers: 1 });
  const contract: InputContract = { rateHz: 200, windowSeconds: 5, eeg: labelledChannels(CBRAMOD_EEG_CHANNELS), ecg: anyChannels(1, 12) };
  const host = initHostParams(config, 42);
  let windows: SyncWindow[] = [];
  const reference: Record<string, number[]>[] = [];

  before(async () => {
    await init('wasm');
    windows = [eegmatWindows('Subject02_1.edf', 1)[0], eegmatWindows('Subject02_2.edf', 4, 3)[3]];
    const f = jitForward(config);
    for (const w of windows) {
      const p = prepareWindow(w, contract);
      const t = (n: string) => np.array(p.feeds[n].data).reshape(p.feeds[n].dims);
      const probs = taskProbabilities(new JaxOps(), config, f(toJaxParams(host), { eeg: t('eeg'), ecg: t('ecg'), eegPresent: t('eeg_present'), ecgPresent: t('ecg_present') }));
      const r: Record<string, number[]> = {};
      for (const task of config.tasks) {
        const v = Array.from((await probs[task.name].data()) as Float32Array);
        r[task.name] = task.kind === 'binary' ? [1 - v[0], v[0]] : v;
      }
      reference.push(r);
    }
    ({ server, url } = await serve(exportFusedOnnx(config, host)));
    browser = await launchChromium(['--enable-unsafe-webgpu']);
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  for (const prefer of ['wasm', 'webgpu'] as const) {
    test(`${prefer}: the built worker's probabilities match jax-js within 1e-4 on EEGMAT windows`, async (t) => {
      if (prefer === 'webgpu') {
        const page = await browser.newPage();
        await page.goto(url);
        const adapter = await page.evaluate('(async () => !!(navigator.gpu && (await navigator.gpu.requestAdapter())))()');
        await page.close();
        if (!adapter) return t.skip('this Chromium offers no WebGPU adapter (even with --enable-unsafe-webgpu)');
      }
      const { run, problems } = await runInPage(browser, url, workerAsset()!, config, contract, windows, prefer);
      assert.equal(run.loaded.backend, prefer, run.loaded.detail);
      if (prefer === 'wasm') assert.ok(run.crossOriginIsolated && run.loaded.threads >= 1);
      run.results.forEach((r, i) => {
        assert.deepEqual(r.fed, ['eeg', 'ecg']);
        for (const t of config.tasks) {
          const d = maxAbsDiff(r.probabilities[t.name], reference[i][t.name]);
          assert.ok(d < 1e-4, `${prefer}, window ${i}, ${t.name}: max |Δ| ${d}`);
        }
      });
      console.log(`# ${prefer}: ${run.loaded.detail}; ${run.results.map((r) => r.latencyMs.toFixed(0)).join(', ')} ms per window`);
      assert.deepEqual(problems, [], problems.join('\n'));
    });
  }
});

