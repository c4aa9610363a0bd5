// The ONNX exporter against the jax-js forward of the same definition, on onnxruntime-node (native
// CPU) and onnxruntime-web (WASM, in Node). Small models here; the full 12-layer model on real EEGMAT
// windows is in parity-eegmat.test.ts.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { init, numpy as np } from '@jax-js/jax';
import * as ortNode from 'onnxruntime-node';
import { defaultFusedConfig, encoderWithLayers, MODEL_IO, TASKS_AFFECT } from '../../../src/shared/model/config';
import { initEncoderHostParams, initHostParams } from '../../../src/shared/model/params';
import { encode, hostTensorToJax, jitForward, toJaxParams } from '../../../src/shared/model/jax-model';
import { taskProbabilities } from '../../../src/shared/model/fusion';
import { JaxOps } from '../../../src/shared/model/jax-ops';
import { exportEncoderOnnx, exportFusedOnnx } from '../../../src/shared/onnx/export';
import type { FusedModelConfig } from '../../../src/shared/model/model.types';
import { maxAbsDiff, syntheticInput } from '../model/torch-reference';
import { RUNTIMES, startOrtWeb } from './ort-runtimes';

before(async () => {
  await init('wasm');
  await startOrtWeb();
});

const cfg: FusedModelConfig = defaultFusedConfig([...TASKS_AFFECT, { name: 'state', kind: 'multiclass', classes: ['calm', 'focus', 'stress'] }], { nLayers: 2 });

describe('fused model export', () => {
  const host = initHostParams(cfg, 5);
  // Non-zero absent embeddings, so that the absent path is visible in the output.
  host.head.absent_eeg.data.forEach((_, i, a) => (a[i] = 0.5 * Math.cos(i)));
  host.head.absent_ecg.data.forEach((_, i, a) => (a[i] = -0.3 * Math.sin(i)));
  const bytes = exportFusedOnnx(cfg, host);
  const fwd = jitForward(cfg);

  async function jaxProbs(eeg: { shape: number[]; data: Float32Array }, ecg: { shape: number[]; data: Float32Array }, eegPresent: number[], ecgPresent: number[]) {
    const out = taskProbabilities(new JaxOps(), cfg, fwd(toJaxParams(host), {
      eeg: hostTensorToJax(eeg),
      ecg: hostTensorToJax(ecg),
      eegPresent: np.array(new Float32Array(eegPresent)),
      ecgPresent: np.array(new Float32Array(ecgPresent)),
    }));
    const r: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(out)) r[k] = (await v.data()) as Float32Array;
    return r;
  }

  for (const { name, ort, options: opts } of RUNTIMES) {
    test(`${name}: same probabilities as jax-js within 1e-4, for 19 and 4 channels, absent EEG in one window`, async () => {
      const session = await ort.InferenceSession.create(bytes, opts);
      assert.deepEqual([...session.inputNames].sort(), ['ecg', 'ecg_present', 'eeg', 'eeg_present']);
      assert.deepEqual([...session.outputNames].sort(), [...cfg.tasks.flatMap((t) => [MODEL_IO.logits(t.name), MODEL_IO.probs(t.name)])].sort());
      for (const channels of [19, 4]) {
        const eeg = syntheticInput(2, channels, 3);
        const ecg = syntheticInput(2, 1, 3);
        const eegPresent = [1, 0];
        const ecgPresent = [1, 1];
        const feeds = {
          eeg: new ort.Tensor('float32', eeg.data, eeg.shape),
          ecg: new ort.Tensor('float32', ecg.data, ecg.shape),
          eeg_present: new ort.Tensor('float32', new Float32Array(eegPresent), [2]),
          ecg_present: new ort.Tensor('float32', new Float32Array(ecgPresent), [2]),
        };
        const out = await session.run(feeds as never);
        const ref = await jaxProbs(eeg, ecg, eegPresent, ecgPresent);
        for (const t of cfg.tasks) {
          const got = out[MODEL_IO.probs(t.name)];
          assert.deepEqual(got.dims, [2, t.kind === 'binary' ? 1 : t.classes.length], `${t.name}: output dims`);
          const d = maxAbsDiff(got.data as Float32Array, ref[t.name]);
          assert.ok(d < 1e-4, `${t.name}, ${channels} ch: max |Δ| ${d}`);
        }
      }
      await session.release();
    });
  }

  test('absent EEG: the answer comes from the absent embedding, whatever the EEG tensor holds', async () => {
    const session = await ortNode.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    const ecg = syntheticInput(1, 1, 3);
    const run = async (eeg: { shape: number[]; data: Float32Array }) =>
      (
        await session.run({
          eeg: new ortNode.Tensor('float32', eeg.data, eeg.shape),
          ecg: new ortNode.Tensor('float32', ecg.data, ecg.shape),
          eeg_present: new ortNode.Tensor('float32', new Float32Array([0]), [1]),
          ecg_present: new ortNode.Tensor('float32', new Float32Array([1]), [1]),
        })
      ).prob_valence.data as Float32Array;
    const a = await run(syntheticInput(1, 19, 3));
    const b = await run({ shape: [1, 1, 1, 200], data: new Float32Array(200) }); // the worker's stand-in
    assert.ok(maxAbsDiff(a, b) < 1e-6, `max |a - b| is ${maxAbsDiff(a, b)}, expected under 1e-6`);
    await session.release();
  });
});

describe('encoder export', () => {
  const e = encoderWithLayers(2);
  const params = initEncoderHostParams(e, 9, { withProjOut: true });
  params['patch_embedding.mask_encoding'].data.forEach((_, i, a) => (a[i] = 0.02 * Math.sin(i)));

  for (const { name, ort, options: opts } of RUNTIMES) {
    test(`${name}: features and reconstruction of a masked input match jax-js within 1e-4`, async () => {
      const bytes = exportEncoderOnnx(e, params, { withMask: true, reconstruct: true });
      const session = await ort.InferenceSession.create(bytes, opts);
      const x = syntheticInput(1, 6, 4);
      const mask = new Float32Array(6 * 4).map((_, i) => (i % 5 === 2 ? 1 : 0));
      const out = await session.run({ x: new ort.Tensor('float32', x.data, x.shape), mask: new ort.Tensor('float32', mask, [1, 6, 4]) } as never);
      const ref = encode(e, Object.fromEntries(Object.entries(params).map(([k, v]) => [k, hostTensorToJax(v)])), hostTensorToJax(x), {
        mask: np.array(mask).reshape([1, 6, 4]),
        reconstruct: true,
      });
      const df = maxAbsDiff(out.features.data as Float32Array, (await ref.features.data()) as Float32Array);
      const dr = maxAbsDiff(out.reconstruction.data as Float32Array, (await ref.reconstruction!.data()) as Float32Array);
      assert.ok(df < 1e-4 && dr < 1e-4, `features ${df}, reconstruction ${dr}`);
      await session.release();
    });
  }
});
