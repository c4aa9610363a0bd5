// The CBraMod encoder against an independent PyTorch build of MODEL.md's facts, parameter counts, and
// the seeded initialisation.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { init, numpy as np } from '@jax-js/jax';
import { CBRAMOD_ENCODER, encoderWithLayers } from '../../../src/shared/model/config';
import { countEncoderParams, encoderParamSpecs, initEncoderHostParams } from '../../../src/shared/model/params';
import { hostTensorToJax, jitEncode } from '../../../src/shared/model/jax-model';
import type { HostTensor } from '../../../src/shared/model/model.types';
import { hasTorch, maxAbsDiff, syntheticInput, torchEncoderForward } from './torch-reference';

const noTorch = !hasTorch() && 'needs /usr/bin/python3 with python3-torch';

before(async () => {
  await init('wasm');
});

function jaxParams(p: Record<string, HostTensor>): Record<string, np.Array> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, hostTensorToJax(v)]));
}

describe('CBraMod encoder', () => {
  test('parameter count is exactly CBraMod’s: 4,883,800 backbone, 4,924,000 with proj_out, 211 tensors', () => {
    assert.equal(countEncoderParams(CBRAMOD_ENCODER), 4_883_800);
    assert.equal(countEncoderParams(CBRAMOD_ENCODER, true), 4_924_000);
    assert.equal(encoderParamSpecs(CBRAMOD_ENCODER, true).length, 211);
  });

  test('full 12-layer forward and reconstruction match PyTorch within 1e-4', { skip: noTorch }, async () => {
    const params = initEncoderHostParams(CBRAMOD_ENCODER, 7, { withProjOut: true });
    const x = syntheticInput(1, 19, 5);
    const ref = torchEncoderForward(params, 12, x);
    assert.equal(ref.params, 4_924_000, 'PyTorch module built from MODEL.md has the same size');
    const out = jitEncode(CBRAMOD_ENCODER, { reconstruct: true })(jaxParams(params), hostTensorToJax(x));
    const feats = (await out.features.data()) as Float32Array;
    const recon = (await out.reconstruction!.data()) as Float32Array;
    const df = maxAbsDiff(feats, ref.features);
    const dr = maxAbsDiff(recon, ref.reconstruction);
    console.log(`# 12 layers vs PyTorch: features max |Δ| ${df.toExponential(2)}, reconstruction ${dr.toExponential(2)}, |features| max ${Math.max(...feats.map(Math.abs)).toFixed(2)}`);
    assert.ok(df < 1e-4, `features max |Δ| ${df}`);
    assert.ok(dr < 1e-4, `reconstruction max |Δ| ${dr}`);
  });

  test('masking, batch of 2 and a 4-channel montage match PyTorch (2 layers)', { skip: noTorch }, async () => {
    const e = encoderWithLayers(2);
    const params = initEncoderHostParams(e, 11, { withProjOut: true });
    // A non-zero mask token proves masked patches take mask_encoding, not just zeros.
    params['patch_embedding.mask_encoding'].data.forEach((_, i, a) => (a[i] = 0.01 * Math.sin(i)));
    const x = syntheticInput(2, 4, 3);
    const mask = new Float32Array(2 * 4 * 3).map((_, i) => (i % 3 === 1 ? 1 : 0));
    const ref = torchEncoderForward(params, 2, x, mask);
    const out = jitEncode(e, { reconstruct: true, withMask: true })(jaxParams(params), hostTensorToJax(x), np.array(mask).reshape([2, 4, 3]));
    const df = maxAbsDiff((await out.features.data()) as Float32Array, ref.features);
    const dr = maxAbsDiff((await out.reconstruction!.data()) as Float32Array, ref.reconstruction);
    assert.ok(df < 1e-4, `features max |Δ| ${df}`);
    assert.ok(dr < 1e-4, `reconstruction max |Δ| ${dr}`);
  });
});

describe('MAC count (from the same definition)', () => {
  test('19 ch × 30 s: per layer FFN 182.4M + projections 45.6M + attention 5.586M; embedding 72.39M (49.4M + the 23.0M DFT product)', async () => {
    const { countEncoderMacs } = await import('../../../src/shared/model/count-ops');
    const tokens = 19 * 30;
    const perLayer = tokens * 2 * 200 * 800 + tokens * 2 * (100 * 300 + 100 * 100) + (30 * 4 * 19 * 19 * 25 + 19 * 4 * 30 * 30 * 25) * 2;
    assert.equal(perLayer, 233_586_000);
    const embedding = tokens * 25 * 8 * 49 + 2 * tokens * 25 * 8 * 25 * 3 + tokens * 200 * 101 * 2 + tokens * 101 * 200 + 200 * tokens * 19 * 7;
    assert.equal(countEncoderMacs(encoderWithLayers(0), 19, 30).macs, embedding);
    assert.equal(countEncoderMacs(CBRAMOD_ENCODER, 19, 30).macs, embedding + 12 * perLayer);
    // MODEL.md §9 estimates ≈ 2.9 GMAC for this input.
    assert.ok(Math.abs(countEncoderMacs(CBRAMOD_ENCODER, 19, 30).macs / 2.9e9 - 1) < 0.01, `${countEncoderMacs(CBRAMOD_ENCODER, 19, 30).macs} MACs, expected 2.9e9 within 1%`);
  });
});
