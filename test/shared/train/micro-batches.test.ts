// A batch larger than MICRO_BATCH trains as micro-batches whose gradients are summed. With each
// micro-batch's loss scaled by its share of the batch's normaliser (class weights; masked patches),
// the sums must be the whole batch's loss and gradients — otherwise a batch of 32 would train
// differently from the same batch taken at once.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { init, numpy as np, valueAndGrad } from '@jax-js/jax';
import { batchTensor, microBatchBudget, microBatches, sharesOf } from '../../../src/shared/train/batches';
import { accumulate, hostToGroups, refGroups, type ParamGroups } from '../../../src/shared/train/optimizer';
import { encode, forward, maskedReconstructionLoss, taskLoss } from '../../../src/shared/model/jax-model';
import { initEncoderHostParams, initHostParams } from '../../../src/shared/model/params';
import { defaultFusedConfig, TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import { sineItems, TINY_ENCODER } from './tiny';

type A = np.Array;

before(async () => {
  await init('wasm');
});

const NO_DROPOUT = { ...TINY_ENCODER, dropout: 0 };

async function flat(g: ParamGroups): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [grp, r] of Object.entries(g)) for (const [k, v] of Object.entries(r)) out.set(`${grp}.${k}`, (await v.data()) as Float32Array);
  return out;
}

async function assertSameGradients(actual: ParamGroups, expected: ParamGroups): Promise<void> {
  const [a, e] = [await flat(actual), await flat(expected)];
  assert.deepEqual([...a.keys()], [...e.keys()]);
  for (const [k, ev] of e) {
    const av = a.get(k)!;
    let scale = 0;
    for (const v of ev) scale = Math.max(scale, Math.abs(v));
    let worst = 0;
    for (let i = 0; i < ev.length; i++) worst = Math.max(worst, Math.abs(av[i] - ev[i]));
    // Relative, with an absolute floor for gradients that are zero in exact arithmetic (a conv bias
    // followed by GroupNorm) and float32 noise here.
    assert.ok(worst <= 1e-4 * scale + 1e-6, `${k}: max abs diff ${worst} at scale ${scale}`);
  }
}

describe('micro-batches', () => {
  test('a batch is split into as few, as equal micro-batches as the limit allows', () => {
    // Fused 19 ch + 1 lead × 5 s: 100 channel-patches a window, 16 windows a micro-batch.
    assert.deepEqual(microBatches(32, 100), [[0, 16], [16, 32]]);
    assert.deepEqual(microBatches(16, 100), [[0, 16]]);
    assert.deepEqual(microBatches(17, 100), [[0, 9], [9, 17]]);
    assert.deepEqual(microBatches(64, 100), [[0, 16], [16, 32], [32, 48], [48, 64]]);
    // One ECG lead: a batch of 32 at once; a 64-channel cap: 5 windows a micro-batch.
    assert.deepEqual(microBatches(32, 5), [[0, 32]]);
    assert.deepEqual(microBatches(16, 320), [[0, 4], [4, 8], [8, 12], [12, 16]]);
    // A GPU takes the fused batch of 32 in one call.
    assert.equal(microBatchBudget('wasm'), 1600);
    assert.deepEqual(microBatches(32, 100, microBatchBudget('webgpu')), [[0, 32]]);
    assert.deepEqual(sharesOf([[0, 1], [1, 2]], Float32Array.of(3, 1)), [0.75, 0.25]);
    assert.deepEqual(sharesOf([[0, 1], [1, 2]], Float32Array.of(0, 0)), [0.5, 0.5]);
    assert.deepEqual(sharesOf([[0, 1], [1, 2]], Float32Array.of(1, 2, 0, 1), 2), [0.75, 0.25]);
  });

  test('fine-tuning: class-weighted loss and gradients of micro-batches sum to the whole batch’s', async () => {
    const base = defaultFusedConfig([TASK_MENTAL_ARITHMETIC]);
    const c = { ...base, eeg: NO_DROPOUT, ecg: NO_DROPOUT, head: { ...base.head, dropout: 0 } };
    const host = initHostParams(c, 4);
    const params = hostToGroups(host as never);
    const eeg = sineItems(6, 4, 2, 1);
    const ecg = sineItems(6, 1, 2, 2);
    const labels = [1, 1, 0, 0, 0, 0]; // unequal class weight per micro-batch: shares 0.75 and 0.25
    const weights = Float32Array.from(labels, (y) => (y ? 2 : 0.5));
    const loss = (p: ParamGroups, x: Record<string, A>, y: A, w: A, share: A): A =>
      taskLoss(c, forward(c, p as never, x, { train: true }).logits, { arithmetic: y }, { arithmetic: w }).mul(share);
    const step = (p: ParamGroups, s: number, e: number, share: A) =>
      valueAndGrad(loss)(p, { eeg: batchTensor(eeg.slice(s, e)), ecg: batchTensor(ecg.slice(s, e)) }, np.array(Float32Array.from(labels.slice(s, e))), np.array(weights.slice(s, e)), share) as unknown as [A, ParamGroups];

    const [wholeLoss, wholeGrads] = step(refGroups(params), 0, 6, np.array(new Float32Array([1])).reshape([]));
    const parts = microBatches(6, 1, 4);
    assert.deepEqual(parts, [[0, 3], [3, 6]]);
    const shares = sharesOf(parts, weights);
    assert.deepEqual(shares, [0.75, 0.25]);
    const acc = await accumulate(shares, (j, share) => step(refGroups(params), parts[j][0], parts[j][1], share));
    const whole = ((await wholeLoss.data()) as Float32Array)[0];
    assert.ok(Math.abs(acc.loss - whole) <= 1e-6 * Math.abs(whole), `loss ${acc.loss} vs ${whole}`);
    await assertSameGradients(acc.grads, wholeGrads);
  });

  test('pretraining: the masked-patch mean of micro-batches with unequal masked counts sums to the whole batch’s', async () => {
    const params = hostToGroups({ enc: initEncoderHostParams(NO_DROPOUT, 5, { withProjOut: true }) });
    const items = sineItems(4, 3, 2, 3);
    const [C, N] = [3, 2];
    // 5 masked patches in the first two windows, 1 in the last two.
    const mask = new Float32Array(4 * C * N);
    [0, 2, 4, 7, 9, 20].forEach((i) => (mask[i] = 1));
    const loss = (p: ParamGroups, x: A, m: A, share: A): A => {
      const out = encode(NO_DROPOUT, p.enc, x.ref, { mask: m.ref, reconstruct: true, train: true });
      out.features.dispose();
      return maskedReconstructionLoss(out.reconstruction!, x, m).mul(share);
    };
    const step = (p: ParamGroups, s: number, e: number, share: A) =>
      valueAndGrad(loss)(p, batchTensor(items.slice(s, e)), np.array(mask.slice(s * C * N, e * C * N)).reshape([e - s, C, N]), share) as unknown as [A, ParamGroups];

    const [wholeLoss, wholeGrads] = step(refGroups(params), 0, 4, np.array(new Float32Array([1])).reshape([]));
    const parts = microBatches(4, 1, 2);
    const shares = sharesOf(parts, mask, C * N);
    assert.deepEqual(shares, [5 / 6, 1 / 6]);
    const acc = await accumulate(shares, (j, share) => step(refGroups(params), parts[j][0], parts[j][1], share));
    const whole = ((await wholeLoss.data()) as Float32Array)[0];
    assert.ok(Math.abs(acc.loss - whole) <= 1e-6 * Math.abs(whole), `loss ${acc.loss} vs ${whole}`);
    await assertSameGradients(acc.grads, wholeGrads);
  });
});
