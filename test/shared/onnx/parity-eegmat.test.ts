// The full fused model (two 12-layer CBraMod encoders + head) on real EEGMAT windows: the exported
// ONNX on onnxruntime-node and onnxruntime-web (WASM) agrees with the jax-js forward within 1e-4.
// (Chromium WASM/WebGPU: test/e2e/inference-parity.test.ts.)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { init, numpy as np } from '@jax-js/jax';
import { CBRAMOD_EEG_CHANNELS, defaultFusedConfig, labelledChannels, anyChannels, MODEL_IO, TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import { initHostParams } from '../../../src/shared/model/params';
import { jitForward, toJaxParams } from '../../../src/shared/model/jax-model';
import { exportFusedOnnx } from '../../../src/shared/onnx/export';
import { prepareWindow } from '../../../src/shared/model/window-input';
import type { InputContract } from '../../../src/shared/model/model.types';
import { eegmatWindows, noEegmat } from '../model/eegmat-windows';
import { maxAbsDiff } from '../model/torch-reference';
import { RUNTIMES, startOrtWeb } from './ort-runtimes';

before(async () => {
  await init('wasm');
  await startOrtWeb();
});

test('12-layer fused model: ORT-node and ORT-web WASM match jax-js within 1e-4 on EEGMAT rest and arithmetic windows', { skip: noEegmat }, async () => {
  const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC, { name: 'load', kind: 'multiclass', classes: ['low', 'mid', 'high'] }]);
  const contract: InputContract = { rateHz: 200, windowSeconds: 5, eeg: labelledChannels(CBRAMOD_EEG_CHANNELS), ecg: anyChannels(1, 12) };
  const host = initHostParams(config, 42);
  const bytes = exportFusedOnnx(config, host);
  const windows = [eegmatWindows('Subject01_1.edf', 1)[0], eegmatWindows('Subject01_2.edf', 6, 5)[5]];
  const inputs = windows.map((w) => prepareWindow(w, contract));
  for (const p of inputs) assert.deepEqual(p.fed, ['eeg', 'ecg']);

  // jax-js reference: both windows as one batch of 2.
  const cat = (name: string) => {
    const a = inputs[0].feeds[name];
    const b = inputs[1].feeds[name];
    const data = new Float32Array(a.data.length + b.data.length);
    data.set(a.data);
    data.set(b.data, a.data.length);
    return np.array(data).reshape([2, ...a.dims.slice(1)]);
  };
  const ref = jitForward(config)(toJaxParams(host), { eeg: cat('eeg'), ecg: cat('ecg'), eegPresent: cat('eeg_present').reshape([2]), ecgPresent: cat('ecg_present').reshape([2]) });
  const refLogits: Record<string, Float32Array> = {};
  for (const t of config.tasks) refLogits[t.name] = (await ref[t.name].data()) as Float32Array;

  for (const { name, ort, options } of RUNTIMES) {
    const session = await ort.InferenceSession.create(bytes, options);
    for (let w = 0; w < 2; w++) {
      const feeds = Object.fromEntries(Object.entries(inputs[w].feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)]));
      const out = await session.run(feeds);
      for (const t of config.tasks) {
        const got = out[MODEL_IO.logits(t.name)].data as Float32Array;
        const k = got.length;
        const want = refLogits[t.name].subarray(w * k, (w + 1) * k);
        const d = maxAbsDiff(got, want);
        assert.ok(d < 1e-4, `${name}, window ${w}, ${t.name}: max |Δ logits| ${d}`);
      }
    }
    await session.release();
  }
});
