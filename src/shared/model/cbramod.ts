// CBraMod, the criss-cross transformer encoder (../shared/MODEL.md §2–3), written once against
// TensorOps. The EEG encoder and the "symmetric" ECG encoder both are this function (leads in place
// of channels). Input x [B, C, N, P]: C channels, N one-second patches of P = 200 samples, µV ÷ 100.
import { SPECTRAL_BINS } from './config';
import type { EncoderConfig } from './model.types';
import { ParamTaker, type TensorOps } from './ops';

/**
 * Real and imaginary DFT matrices [P/2+1, P] of rfft(norm='forward'): X[k] = (1/P) Σ x[n] e^{-2πikn/P},
 * laid out like a Linear weight [out, in] so the product runs as ops.linear: jax-js vectorises a
 * product on WASM only when the summed axis is contiguous in both operands (a [P, bins] matrix made
 * this product ~20× slower per MAC than the encoder's Linear layers). Built in float64 from integer
 * phases (kn mod P) so the ONNX file and the jax forward hold the same numbers; the magnitude is
 * then √(re² + im²), as CBraMod computes it.
 */
export function dftMatrices(p: number): { re: Float32Array; im: Float32Array; bins: number } {
  const bins = Math.floor(p / 2) + 1;
  const re = new Float32Array(p * bins);
  const im = new Float32Array(p * bins);
  for (let n = 0; n < p; n++) {
    for (let k = 0; k < bins; k++) {
      const phase = (2 * Math.PI * ((k * n) % p)) / p;
      re[k * p + n] = Math.cos(phase) / p;
      im[k * p + n] = -Math.sin(phase) / p;
    }
  }
  return { re, im, bins };
}

/** GroupNorm over [B, Ch, H, W] (statistics per sample and group over Ch/G × H × W), then affine. */
function groupNorm<T, D>(ops: TensorOps<T, D>, x: T, groups: number, w: T, b: T, eps: number): T {
  const [B, Ch, H, W] = ops.dims(x);
  const chNum = ops.staticDim(x, 1);
  const g = ops.reshape(x, [B, groups, chNum / groups, H, W]);
  const mu = ops.mean(ops.keep(g), [2, 3, 4], true);
  const centred = ops.sub(g, mu);
  const variance = ops.mean(ops.mul(ops.keep(centred), ops.keep(centred)), [2, 3, 4], true);
  const normed = ops.div(centred, ops.sqrt(ops.add(variance, eps)));
  const y = ops.reshape(normed, [B, Ch, H, W]);
  return ops.add(ops.mul(y, ops.reshape(w, [chNum, 1, 1])), ops.reshape(b, [chNum, 1, 1]));
}

/**
 * Patch embedding: time branch (three convs along each patch, GroupNorm over the whole sample,
 * GELU) + spectral branch (|rfft| → Linear), summed, then the ACPE depthwise conv added.
 * `mask` [B, C, N] (1 = masked) replaces masked patches by mask_encoding (pretraining).
 */
export function patchEmbedding<T, D>(ops: TensorOps<T, D>, e: EncoderConfig, p: ParamTaker<T>, x: T, mask: T | null): T {
  const [B, C, N, P] = ops.dims(x);
  const maskEnc = ops.frozen(p.take('patch_embedding.mask_encoding'));
  let xm: T;
  if (mask) {
    const m = ops.reshape(mask, [B, C, N, 1]);
    // x·(1 − m) + m·mask_encoding
    xm = ops.add(ops.sub(x, ops.mul(ops.keep(x), ops.keep(m))), ops.mul(m, maskEnc));
  } else {
    ops.drop(maskEnc);
    xm = x;
  }

  // Time branch on [B, 1, C·N, P]: kernels span one row, so each patch is convolved on its own.
  let t = ops.reshape(ops.keep(xm), [B, 1, ops.dmul(C, N), P]);
  const convs: [string, string, [number, number], [number, number]][] = [
    ['patch_embedding.proj_in.0', 'patch_embedding.proj_in.1', [1, e.conv1.stride], [0, e.conv1.padding]],
    ['patch_embedding.proj_in.3', 'patch_embedding.proj_in.4', [1, 1], [0, e.conv23.padding]],
    ['patch_embedding.proj_in.6', 'patch_embedding.proj_in.7', [1, 1], [0, e.conv23.padding]],
  ];
  for (const [convName, normName, stride, padding] of convs) {
    t = ops.conv2d(t, p.take(`${convName}.weight`), p.take(`${convName}.bias`), { stride, padding, groups: 1 });
    t = groupNorm(ops, t, e.groupNormGroups, p.take(`${normName}.weight`), p.take(`${normName}.bias`), e.normEps);
    t = ops.gelu(t);
  }
  // [B, 25, C·N, 8] → [B, C·N, 25, 8] → [B, C, N, 200]: feature = conv_channel·8 + time_pos.
  t = ops.transpose(t, [0, 2, 1, 3]);
  t = ops.reshape(t, [B, C, N, e.dModel]);

  // Spectral branch: |rfft(patch, norm='forward')| as a DFT matrix product.
  const dft = dftMatrices(e.patchSamples);
  const re = ops.linear(ops.keep(xm), ops.constant(dft.re, [SPECTRAL_BINS, e.patchSamples], `dft_re_${e.patchSamples}`), null);
  const im = ops.linear(xm, ops.constant(dft.im, [SPECTRAL_BINS, e.patchSamples], `dft_im_${e.patchSamples}`), null);
  const mag = ops.sqrt(ops.add(ops.mul(ops.keep(re), re), ops.mul(ops.keep(im), im)));
  let s = ops.linear(mag, p.take('patch_embedding.spectral_proj.0.weight'), p.take('patch_embedding.spectral_proj.0.bias'));
  s = ops.dropout(s, e.dropout);

  const emb = ops.add(t, s);
  // ACPE: depthwise conv over the channel × patch grid, on [B, d, C, N].
  const grid = ops.transpose(ops.keep(emb), [0, 3, 1, 2]);
  const pos = ops.conv2d(grid, p.take('patch_embedding.positional_encoding.0.weight'), p.take('patch_embedding.positional_encoding.0.bias'), {
    stride: [1, 1],
    padding: e.acpePadding,
    groups: e.dModel,
  });
  return ops.add(emb, ops.transpose(pos, [0, 2, 3, 1]));
}

/**
 * PyTorch nn.MultiheadAttention self-attention over the second-to-last axis of x [B, S, L, E]
 * (S independent sequences of length L). in_proj stacks Q, K, V rows; scale 1/√head_dim.
 */
function selfAttention<T, D>(ops: TensorOps<T, D>, p: ParamTaker<T>, name: string, x: T, heads: number, dropout: number): T {
  const [B, S, L] = ops.dims(x);
  const width = ops.staticDim(x, 3);
  const hd = width / heads;
  const qkv = ops.linear(x, p.take(`${name}.in_proj_weight`), p.take(`${name}.in_proj_bias`));
  const split = (i: number) => {
    const part = ops.slice(i < 2 ? ops.keep(qkv) : qkv, 3, i * width, (i + 1) * width);
    // [B, S, L, heads, hd] → [B, S, heads, L, hd]
    return ops.transpose(ops.reshape(part, [B, S, L, heads, hd]), [0, 1, 3, 2, 4]);
  };
  const q = ops.mul(split(0), 1 / Math.sqrt(hd));
  const k = split(1);
  const v = split(2);
  const scores = ops.matmul(q, ops.transpose(k, [0, 1, 2, 4, 3]));
  const probs = ops.dropout(ops.softmax(scores, 4), dropout);
  const ctx = ops.transpose(ops.matmul(probs, v), [0, 1, 3, 2, 4]);
  const merged = ops.reshape(ctx, [B, S, L, width]);
  return ops.linear(merged, p.take(`${name}.out_proj.weight`), p.take(`${name}.out_proj.bias`));
}

/** Criss-cross attention: spatial half across channels, temporal half across patches, concatenated. */
function crissCross<T, D>(ops: TensorOps<T, D>, e: EncoderConfig, p: ParamTaker<T>, l: string, h: T): T {
  const half = e.dModel / 2;
  // Spatial: [B, C, N, half] → [B, N, C, half]: one sequence over channels per patch.
  const hs = ops.transpose(ops.slice(ops.keep(h), 3, 0, half), [0, 2, 1, 3]);
  const ys = ops.transpose(selfAttention(ops, p, `${l}.self_attn_s`, hs, e.headsPerHalf, e.dropout), [0, 2, 1, 3]);
  // Temporal: [B, C, N, half]: one sequence over patches per channel.
  const ht = ops.slice(h, 3, half, e.dModel);
  const yt = selfAttention(ops, p, `${l}.self_attn_t`, ht, e.headsPerHalf, e.dropout);
  return ops.concat([ys, yt], 3);
}

/** One pre-norm layer: x + Drop(CC(LN1(x))), then x + Drop(Lin2(Drop(GELU(Lin1(LN2(x)))))). */
function encoderLayer<T, D>(ops: TensorOps<T, D>, e: EncoderConfig, p: ParamTaker<T>, i: number, x: T): T {
  const l = `encoder.layers.${i}`;
  const n1 = ops.layerNorm(ops.keep(x), p.take(`${l}.norm1.weight`), p.take(`${l}.norm1.bias`), e.normEps);
  const x1 = ops.add(x, ops.dropout(crissCross(ops, e, p, l, n1), e.dropout));
  const n2 = ops.layerNorm(ops.keep(x1), p.take(`${l}.norm2.weight`), p.take(`${l}.norm2.bias`), e.normEps);
  let f = ops.gelu(ops.linear(n2, p.take(`${l}.linear1.weight`), p.take(`${l}.linear1.bias`)));
  f = ops.dropout(f, e.dropout);
  f = ops.linear(f, p.take(`${l}.linear2.weight`), p.take(`${l}.linear2.bias`));
  return ops.add(x1, ops.dropout(f, e.dropout));
}

export interface EncoderOutputs<T> {
  /** Encoder features [B, C, N, dModel]. */
  features: T;
  /** proj_out reconstruction [B, C, N, P] (only when asked). */
  reconstruction?: T;
}

/**
 * The encoder. Consumes `params` (a record keyed by CBraMod state_dict names), `x` and `mask`.
 * With `reconstruct`, also applies proj_out (the pretraining head) to the features.
 */
export function cbramodEncoder<T, D>(
  ops: TensorOps<T, D>,
  e: EncoderConfig,
  params: Record<string, T>,
  x: T,
  opts: { mask?: T | null; reconstruct?: boolean; prefix?: string } = {},
): EncoderOutputs<T> {
  const p = new ParamTaker(ops, params, opts.prefix ?? '');
  let h = patchEmbedding(ops, e, p, x, opts.mask ?? null);
  for (let i = 0; i < e.nLayers; i++) h = encoderLayer(ops, e, p, i, h);
  let reconstruction: T | undefined;
  if (opts.reconstruct) {
    reconstruction = ops.linear(ops.keep(h), p.take('proj_out.0.weight'), p.take('proj_out.0.bias'));
  }
  p.finish();
  return reconstruction === undefined ? { features: h } : { features: h, reconstruction };
}
