// The app's own inference worker (as electron-vite built it, with ORT's wasm files bundled) in real
// Chromium: the full 12-layer fused model on real EEGMAT windows, on WASM and on WebGPU (Chromium's
// software adapter here: correctness, not speed), agrees with the jax-js forward within 1e-4.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { cpus } from 'node:os';
import type { Browser } from 'playwright-core';
import { init, numpy as np } from '@jax-js/jax';
import { CBRAMOD_EEG_CHANNELS, defaultFusedConfig, labelledChannels, anyChannels, TASK_MENTAL_ARITHMETIC } from '../../src/shared/model/config';
import { initHostParams } from '../../src/shared/model/params';
import { jitForward, toJaxParams } from '../../src/shared/model/jax-model';
import { taskProbabilities } from '../../src/shared/model/fusion';
import { JaxOps } from '../../src/shared/model/jax-ops';
import { exportFusedOnnx } from '../../src/shared/onnx/export';
import { prepareWindow } from '../../src/shared/model/window-input';
import type { InputContract } from '../../src/shared/model/model.types';
import type { SyncWindow } from '../../src/shared/window.types';
import { chromiumMissing, launchChromium } from './support/chromium';
import { plainWindow, runInPage, serveWorker, workerAsset } from './inference-harness';
import { eegmatWindows, noEegmat } from '../shared/model/eegmat-windows';
import { maxAbsDiff } from '../shared/model/torch-reference';

const skip = chromiumMissing() || noEegmat || (!workerAsset() && 'needs the built renderer with the inference worker: run `npx electron-vite build`');

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
  // Every channel count pinned (like the shipped model's card): WebGPU runs with graph capture.
  const pinned: InputContract = { ...contract, ecg: anyChannels(1, 1) };
  const host = initHostParams(config, 42);
  let windows: SyncWindow[] = [];
  let reference: Record<string, number[]>[] = [];

  /** The jax-js forward's probabilities for each window, as the worker would prepare it. */
  async function referencesFor(ws: SyncWindow[], c: InputContract): Promise<Record<string, number[]>[]> {
    const f = jitForward(config);
    const out: Record<string, number[]>[] = [];
    for (const w of ws) {
      const p = prepareWindow(w, c);
      const t = (n: string) => np.array(p.feeds[n].data).reshape(p.feeds[n].dims);
      const probs = taskProbabilities(new JaxOps(), config, f(toJaxParams(host), { eeg: t('eeg'), ecg: t('ecg'), eegPresent: t('eeg_present'), ecgPresent: t('ecg_present') }));
      const r: Record<string, number[]> = {};
      for (const task of config.tasks) {
        const v = Array.from((await probs[task.name].data()) as Float32Array);
        r[task.name] = task.kind === 'binary' ? [1 - v[0], v[0]] : v;
      }
      out.push(r);
    }
    return out;
  }

  before(async () => {
    await init('wasm');
    windows = [eegmatWindows('Subject00_1.edf', 1)[0], eegmatWindows('Subject02_2.edf', 4, 3)[3]];
    reference = await referencesFor(windows, contract);
    ({ server, url } = await serveWorker(exportFusedOnnx(config, host)));
    browser = await launchChromium(['--enable-unsafe-webgpu']);
  });

  async function noAdapter(): Promise<boolean> {
    const page = await browser.newPage();
    await page.goto(url);
    const adapter = await page.evaluate('(async () => !!(navigator.gpu && (await navigator.gpu.requestAdapter())))()');
    await page.close();
    return !adapter;
  }
  after(async () => {
    await browser?.close();
    server?.close();
  });

  for (const prefer of ['wasm', 'webgpu'] as const) {
    test(`${prefer}: the built worker's probabilities match jax-js within 1e-4 on EEGMAT windows`, async (t) => {
      if (prefer === 'webgpu' && (await noAdapter())) return t.skip('this Chromium offers no WebGPU adapter (even with --enable-unsafe-webgpu)');
      // WASM on two threads (where there are two cores): the threaded kernels must agree too.
      const { run, problems } = await runInPage(browser, url, config, contract, windows, prefer, 1, prefer === 'wasm' ? 2 : 'auto');
      assert.equal(run.loaded.backend, prefer, run.loaded.detail);
      if (prefer === 'wasm') {
        assert.ok(run.crossOriginIsolated, 'the harness page is cross-origin isolated');
        assert.equal(run.loaded.threads, Math.min(2, cpus().length), run.loaded.detail);
      } else assert.match(run.loaded.detail, /graph capture off: the model takes a range of channel counts/);
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

  test('webgpu with graph capture (every channel count pinned): replayed runs match jax-js within 1e-4, also with EEG absent', async (t) => {
    if (await noAdapter()) return t.skip('this Chromium offers no WebGPU adapter (even with --enable-unsafe-webgpu)');
    const eegAbsent: SyncWindow = { ...windows[1], eeg: { ...windows[1].eeg, present: false, absentReason: 'gap', data: new Float32Array(0) } };
    const ws = [windows[0], eegAbsent];
    const expected = await referencesFor(ws, pinned);
    // Two runs per window: the first records the GPU commands, the second replays them.
    const { run, problems } = await runInPage(browser, url, config, pinned, ws, 'webgpu', 2);
    assert.equal(run.loaded.backend, 'webgpu', run.loaded.detail);
    assert.match(run.loaded.detail, /graph capture on/);
    assert.deepEqual(run.results.map((r) => r.fed), [['eeg', 'ecg'], ['ecg']]);
    run.results.forEach((r, i) => {
      for (const task of config.tasks) {
        const d = maxAbsDiff(r.probabilities[task.name], expected[i][task.name]);
        assert.ok(d < 1e-4, `graph capture, window ${i}, ${task.name}: max |Δ| ${d}`);
      }
    });
    console.log(`# webgpu, graph capture: ${run.latencies.map((ms) => ms.toFixed(0)).join(', ')} ms per run`);
    assert.deepEqual(problems, [], problems.join('\n'));
  });

  test('bad input: bytes that are not ONNX fail to load with the reason; a NaN window and a 4-channel window are skipped and the next window runs', async () => {
    const page = await browser.newPage();
    await page.addInitScript('globalThis.__name = (f) => f');
    await page.goto(url);
    const good = plainWindow(windows[0]);
    const out = (await page.evaluate(
      async ({ worker, tasks, contract, good }) => {
        const w = new Worker(`/assets/${worker}`, { type: 'module' });
        const next = () => new Promise<Record<string, unknown>>((r) => (w.onmessage = (e) => r(e.data)));
        const log: Record<string, unknown>[] = [];
        let m = next();
        w.postMessage({ type: 'load', modelId: 'junk', bytes: new TextEncoder().encode('this is not an ONNX file'), input: contract, tasks, prefer: 'wasm' });
        log.push(await m);
        const bytes = new Uint8Array(await (await fetch('/model.onnx')).arrayBuffer());
        m = next();
        w.postMessage({ type: 'load', modelId: 'parity', bytes, input: contract, tasks, prefer: 'wasm' }, [bytes.buffer]);
        log.push(await m);
        const win = (eegData: number[], channels: string[]) => ({ ...good, eeg: { ...good.eeg, channels, data: new Float32Array(eegData) }, ecg: { ...good.ecg, data: new Float32Array(good.ecg.data) } });
        const nan = good.eeg.data.slice();
        nan[1234] = NaN;
        for (const [seq, wdw] of [
          [1, win(nan, good.eeg.channels)],
          [2, win(good.eeg.data.slice(0, 4 * good.samples), good.eeg.channels.slice(14, 18))],
          [3, win(good.eeg.data, good.eeg.channels)],
        ] as const) {
          m = next();
          w.postMessage({ type: 'run', seq, window: wdw });
          log.push(await m);
        }
        w.terminate();
        return log;
      },
      { worker: workerAsset()!, tasks: config.tasks, contract, good },
    )) as { type: string; message?: string; seq?: number }[];
    await page.close();
    assert.equal(out[0].type, 'error');
    assert.match(out[0].message!, /protobuf|model|parse|load/i);
    assert.equal(out[1].type, 'loaded');
    assert.deepEqual([out[2].type, out[2].seq], ['skipped', 1]);
    assert.match(out[2].message!, /EEG channel \w+ holds NaN at sample/);
    assert.deepEqual([out[3].type, out[3].seq], ['skipped', 2]);
    assert.match(out[3].message!, /EEG does not fit the model: missing/);
    assert.deepEqual([out[4].type, out[4].seq], ['result', 3]);
  });

  test('a page that is not cross-origin isolated runs WASM on one thread, says why, and still agrees with jax-js', async () => {
    const plain = await serveWorker(exportFusedOnnx(config, host), { isolated: false });
    try {
      const { run } = await runInPage(browser, plain.url, config, contract, windows.slice(0, 1), 'wasm', 1, 2);
      assert.equal(run.crossOriginIsolated, false);
      assert.equal(run.loaded.threads, 1);
      assert.match(run.loaded.detail, /1 thread \(the page is not cross-origin isolated/);
      for (const t of config.tasks) {
        const d = maxAbsDiff(run.results[0].probabilities[t.name], reference[0][t.name]);
        assert.ok(d < 1e-4, `one thread, ${t.name}: max |Δ| ${d}`);
      }
    } finally {
      plain.server.close();
    }
  });
});

