// JaxOps writes CBraMod's convolutions and small products in layouts that jax-js vectorises on WASM
// (shifted products summed over the channel axis, banded matmuls, batch-last attention products,
// broadcast-sum Linear layers), and as plain matmuls on WebGPU (tested here on WASM: the same
// graph). Each must compute what jax-js's own general convolution and matmul
// compute — the forward and the gradients with respect to the input and the weights — or training
// would learn something else than the model it exports.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { init, lax, numpy as np, random, valueAndGrad } from '@jax-js/jax';
import { JaxOps, type ProductLayout } from '../../../src/shared/model/jax-ops';

type A = np.Array;

before(async () => {
  await init('wasm');
});

const normal = (seed: number, shape: number[]): A => random.normal(random.key(seed), shape);

/** Value and gradients (x, w) of Σ f(x, w)·t, as host arrays. */
async function valueAndGrads(f: (x: A, w: A) => A, x: A, w: A, t: A): Promise<Float32Array[]> {
  const loss = (x: A, w: A, t: A): A => f(x, w).mul(t).sum();
  const y = f(x.ref, w.ref);
  const [v, [gx, gw]] = valueAndGrad(loss, { argnums: [0, 1] })(x, w, t) as unknown as [A, [A, A]];
  return [(await y.data()) as Float32Array, (await v.data()) as Float32Array, (await gx.data()) as Float32Array, (await gw.data()) as Float32Array];
}

function assertClose(actual: Float32Array[], expected: Float32Array[]): void {
  const names = ['output', 'loss', 'gradient wrt input', 'gradient wrt weights'];
  for (let i = 0; i < expected.length; i++) {
    assert.equal(actual[i].length, expected[i].length, names[i]);
    let scale = 1;
    for (const v of expected[i]) scale = Math.max(scale, Math.abs(v));
    let worst = 0;
    for (let j = 0; j < expected[i].length; j++) worst = Math.max(worst, Math.abs(actual[i][j] - expected[i][j]));
    assert.ok(worst <= 1e-5 * scale, `${names[i]}: max abs diff ${worst} (scale ${scale})`);
  }
}

const generalConv = (stride: [number, number], padding: [number, number], groups: number) => (x: A, w: A): A =>
  lax.convGeneralDilated(x, w, stride, [[padding[0], padding[0]], [padding[1], padding[1]]], { featureGroupCount: groups });

for (const products of ['vectorised', 'matmul'] as ProductLayout[]) describe(`JaxOps ${products} layouts agree with jax-js’s general convolution and matmul (forward and gradients)`, () => {
  for (const train of [false, true]) {
    const ops = new JaxOps({ train, products });
    const conv = (stride: [number, number], padding: [number, number], groups: number) => (x: A, w: A): A => ops.conv2d(x, w, null, { stride, padding, groups });

    test(`first patch convolution, 1×49 stride 25 (train: ${train})`, async () => {
      const x = () => normal(1, [2, 1, 6, 200]);
      const w = () => normal(2, [25, 1, 1, 49]);
      const t = () => normal(3, [2, 25, 6, 8]);
      assertClose(await valueAndGrads(conv([1, 25], [0, 24], 1), x(), w(), t()), await valueAndGrads(generalConv([1, 25], [0, 24], 1), x(), w(), t()));
    });

    test(`1×3 convolutions over 25 channels (train: ${train})`, async () => {
      const x = () => normal(4, [3, 25, 6, 8]);
      const w = () => normal(5, [25, 25, 1, 3]);
      const t = () => normal(6, [3, 25, 6, 8]);
      assertClose(await valueAndGrads(conv([1, 1], [0, 1], 1), x(), w(), t()), await valueAndGrads(generalConv([1, 1], [0, 1], 1), x(), w(), t()));
    });

    test(`ACPE depthwise 19×7 over a 19-channel × 5-patch grid (train: ${train})`, async () => {
      const x = () => normal(7, [2, 8, 19, 5]);
      const w = () => normal(8, [8, 1, 19, 7]);
      const t = () => normal(9, [2, 8, 19, 5]);
      assertClose(await valueAndGrads(conv([1, 1], [9, 3], 8), x(), w(), t()), await valueAndGrads(generalConv([1, 1], [9, 3], 8), x(), w(), t()));
    });
  }

  const ops = new JaxOps({ products });
  test('attention products: scores over 19 channels and context of head width 25, batch last', async () => {
    const q = () => normal(10, [2, 5, 4, 19, 25]);
    const k = () => normal(11, [2, 5, 4, 25, 19]);
    const t = () => normal(12, [2, 5, 4, 19, 19]);
    assertClose(await valueAndGrads((a, b) => ops.matmul(a, b), q(), k(), t()), await valueAndGrads((a, b) => np.matmul(a, b), q(), k(), t()));
    const p = () => normal(13, [2, 19, 4, 5, 5]);
    const v = () => normal(14, [2, 19, 4, 5, 25]);
    const u = () => normal(15, [2, 19, 4, 5, 25]);
    assertClose(await valueAndGrads((a, b) => ops.matmul(a, b), p(), v(), u()), await valueAndGrads((a, b) => np.matmul(a, b), p(), v(), u()));
  });

  test('Linear over 101 spectral bins (not a multiple of 4)', async () => {
    const x = () => normal(16, [2, 3, 5, 101]);
    const w = () => normal(17, [200, 101]);
    const t = () => normal(18, [2, 3, 5, 200]);
    assertClose(await valueAndGrads((a, b) => ops.linear(a, b, null), x(), w(), t()), await valueAndGrads((a, b) => np.matmul(a, b.transpose()), x(), w(), t()));
  });
});
