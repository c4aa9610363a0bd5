// Seeded initialisation: Threefry known answers, fixed values that must never drift, bounds.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { threefry2x32, fillUniform } from '../../../src/shared/model/prng';
import { defaultFusedConfig, TASK_MENTAL_ARITHMETIC, TASKS_AFFECT, CBRAMOD_ENCODER, validateModelConfig, ModelConfigError } from '../../../src/shared/model/config';
import { countFusedParams, encoderParamSpecs, initHostParams, isFrozenParam } from '../../../src/shared/model/params';

describe('threefry2x32', () => {
  // Known-answer vectors of Random123's Threefry-2x32-20 (also in JAX's test suite).
  test('matches the published known answers', () => {
    assert.deepEqual(threefry2x32(0, 0, 0, 0), [0x6b200159, 0x99ba4efe]);
    assert.deepEqual(threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff), [0x1cb996fc, 0xbb002be7]);
    assert.deepEqual(threefry2x32(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3), [0xc4923a9c, 0x483df7a0]);
  });

  test('uniform fill stays in bounds with the right spread', () => {
    const a = new Float32Array(20000);
    fillUniform(a, 1, 2, 0.5);
    let s = 0;
    let s2 = 0;
    for (const v of a) {
      assert.ok(v >= -0.5 && v < 0.5, `${v} is in [-0.5, 0.5)`);
      s += v;
      s2 += v * v;
    }
    const mean = s / a.length;
    const variance = s2 / a.length - mean * mean;
    assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(variance - 0.25 / 3) < 0.003, `variance ${variance}`);
  });
});

describe('initHostParams', () => {
  const cfg = defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: 1 });

  test('the same seed gives these exact numbers (on every machine)', () => {
    const p = initHostParams(cfg, 42);
    // Fixed values: a change here changes every model trained from seed 42.
    assert.deepEqual(Array.from(p.eeg!['encoder.layers.0.linear1.weight'].data.slice(0, 3)), [-0.06811336427927017, -0.06173026189208031, 0.04316117614507675]);
    assert.deepEqual(Array.from(p.ecg!['encoder.layers.0.linear1.weight'].data.slice(0, 3)), [-0.027810625731945038, 0.02712721936404705, -0.011744251474738121]);
    assert.deepEqual(Array.from(p.head['fc1.weight'].data.slice(0, 3)), [0.013269257731735706, -0.00982162356376648, 0.04235610365867615]);
    const q = initHostParams(cfg, 42);
    for (const g of ['eeg', 'ecg', 'head'] as const) for (const [k, t] of Object.entries(p[g]!)) assert.deepEqual(t.data, q[g]![k].data, k);
    const r = initHostParams(cfg, 43);
    assert.notDeepEqual(r.eeg!['encoder.layers.0.linear1.weight'].data, p.eeg!['encoder.layers.0.linear1.weight'].data);
  });

  test('initialisers follow CBraMod: norms 1/0, MHA biases 0, mask token 0, kaiming(fan_out) linears', () => {
    const p = initHostParams(cfg, 1).eeg!;
    assert.ok(p['encoder.layers.0.norm1.weight'].data.every((v) => v === 1), 'norm1.weight is all ones');
    assert.ok(p['encoder.layers.0.norm1.bias'].data.every((v) => v === 0), 'norm1.bias is all zeros');
    assert.ok(p['encoder.layers.0.self_attn_s.in_proj_bias'].data.every((v) => v === 0), 'self_attn_s.in_proj_bias is all zeros');
    assert.ok(p['encoder.layers.0.self_attn_t.out_proj.bias'].data.every((v) => v === 0), 'self_attn_t.out_proj.bias is all zeros');
    assert.ok(p['patch_embedding.mask_encoding'].data.every((v) => v === 0), 'mask_encoding is all zeros');
    const w = p['encoder.layers.0.linear2.weight'].data; // fan_out 200: std √(2/200) = 0.1
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    assert.ok(Math.abs(std - 0.1) < 0.002, `std ${std}`);
    assert.ok(isFrozenParam('patch_embedding.mask_encoding'), 'mask_encoding is frozen');
    assert.equal(encoderParamSpecs(CBRAMOD_ENCODER).filter((s) => s.frozen).length, 1);
  });

  test('fused parameter count: two encoders + head', () => {
    const c = defaultFusedConfig(TASKS_AFFECT);
    const n = countFusedParams(c);
    assert.equal(n.eeg, 4_883_800);
    assert.equal(n.ecg, 4_883_800);
    // absent embeddings 2·200, fc1 400→200, fc2 200→3
    assert.equal(n.head, 400 + 400 * 200 + 200 + 200 * 3 + 3);
  });

  test('bad configs list every problem', () => {
    const bad = defaultFusedConfig([{ name: 'Bad Name', kind: 'binary', classes: ['a'] }], { eeg: false, ecg: false });
    assert.throws(() => validateModelConfig(bad), (e: unknown) => e instanceof ModelConfigError && e.problems.length === 3);
    const wrongWidth = defaultFusedConfig([TASK_MENTAL_ARITHMETIC]);
    wrongWidth.eeg!.convChannels = 30;
    assert.throws(() => validateModelConfig(wrongWidth), /time branch gives/);
  });
});
