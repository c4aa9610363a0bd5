// What offline training builds on: gradients through the whole definition are finite (masked zero
// patches included), the frozen mask token gets none, dropout is seeded, and a step lowers the loss.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { init, numpy as np, random, tree, valueAndGrad } from '@jax-js/jax';
import { defaultFusedConfig, encoderWithLayers, TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import { initEncoderHostParams, initHostParams } from '../../../src/shared/model/params';
import { encode, forward, hostTensorToJax, maskedReconstructionLoss, taskLoss, toJaxParams, type JaxParams } from '../../../src/shared/model/jax-model';
import { syntheticInput } from './torch-reference';

before(async () => {
  await init('wasm');
});

async function allFinite(t: Record<string, np.Array>): Promise<string[]> {
  const bad: string[] = [];
  for (const [k, v] of Object.entries(t)) if (!((await v.ref.data()) as Float32Array).every(Number.isFinite)) bad.push(k);
  return bad;
}

describe('training API', () => {
  test('pretraining: finite gradients with masked (all-zero) patches, zero for mask_encoding, and an SGD step lowers the loss', async () => {
    const e = encoderWithLayers(1);
    const host = initEncoderHostParams(e, 3, { withProjOut: true });
    const x = syntheticInput(2, 3, 2);
    const mask = new Float32Array(12).map((_, i) => (i % 2 ? 1 : 0));
    const lossFn = (p: Record<string, np.Array>, xs: np.Array, m: np.Array) => {
      const out = encode(e, p, xs.ref, { mask: m.ref, reconstruct: true });
      out.features.dispose();
      return maskedReconstructionLoss(out.reconstruction!, xs, m);
    };
    const params = Object.fromEntries(Object.entries(host).map(([k, v]) => [k, hostTensorToJax(v)]));
    const xs = () => hostTensorToJax(x);
    const ms = () => np.array(mask).reshape([2, 3, 2]);
    const [loss0, grads] = valueAndGrad(lossFn)(tree.ref(params), xs(), ms());
    assert.deepEqual(await allFinite(grads), []);
    assert.ok(((await grads['patch_embedding.mask_encoding'].ref.data()) as Float32Array).every((v) => v === 0), "the frozen mask_encoding's gradient is all zeros");
    const lr = 0.01;
    const stepped = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.ref.sub(grads[k].ref.mul(lr))]));
    const loss1 = lossFn(stepped, xs(), ms());
    const [a, b] = [(await loss0.data())[0], (await loss1.data())[0]];
    assert.ok(b < a, `loss ${a} → ${b}`);
  });

  test('fine-tuning: task loss gradients reach both encoders and the head; dropout depends only on the key', async () => {
    const c = defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: 1 });
    const params: JaxParams = toJaxParams(initHostParams(c, 5));
    const inputs = () => ({ eeg: hostTensorToJax(syntheticInput(2, 4, 2)), ecg: hostTensorToJax(syntheticInput(2, 1, 2)) });
    const labels = () => ({ arithmetic: np.array(new Float32Array([0, 1])) });
    const lossFn = (p: JaxParams, k: np.Array) => taskLoss(c, forward(c, p, inputs(), { train: true, key: k }).logits, labels());
    const [, grads] = valueAndGrad(lossFn)(tree.ref(params), random.key(7));
    for (const g of ['eeg', 'ecg', 'head'] as const) assert.deepEqual(await allFinite(grads[g]!), [], g);
    const gl = (await grads.eeg!['encoder.layers.0.linear1.weight'].data()) as Float32Array;
    assert.ok(gl.some((v) => v !== 0), 'some gradient is nonzero');
    const once = async (seed: number) => (await lossFn(tree.ref(params), random.key(seed)).data())[0];
    assert.equal(await once(11), await once(11));
    assert.notEqual(await once(11), await once(12));
    const evalLoss = async () => (await taskLoss(c, forward(c, tree.ref(params), inputs()).logits, labels()).data())[0];
    assert.equal(await evalLoss(), await evalLoss());
  });
});
