// TensorOps on @jax-js/jax arrays: the backend of training and of the reference forward. Works on
// concrete arrays and on tracers (inside grad, jit, vmap), so the same calls differentiate.
import { defaultDevice, lax, nn, numpy as np, random } from '@jax-js/jax';
import type { Dim, TensorOps } from './ops';

type A = np.Array;

export interface JaxOpsOptions {
  /** Dropout active (training). */
  train?: boolean;
  /** PRNG key for dropout (consumed); required when training with dropout. */
  key?: A;
  /**
   * How small products are written (same arithmetic, other kernels): 'vectorised', the layouts
   * jax-js's WASM code generator vectorises (smallKMatmul, batchLastMatmul); 'matmul', plain np.matmul,
   * which jax-js's WebGPU backend runs as tiled matrix kernels (the vectorised layouts made a fused
   * training step on an H200 2× slower). Default: 'matmul' on WebGPU, else 'vectorised'.
   */
  products?: ProductLayout;
}

export type ProductLayout = 'vectorised' | 'matmul';

export class JaxOps implements TensorOps<A, number> {
  readonly train: boolean;
  private key: A | null;
  private readonly vec: boolean;

  constructor(opts: JaxOpsOptions = {}) {
    this.train = opts.train ?? false;
    this.key = opts.key ?? null;
    this.vec = (opts.products ?? (defaultDevice() === 'webgpu' ? 'matmul' : 'vectorised')) === 'vectorised';
  }

  /** Releases the dropout key still held. Call once after the forward. */
  dispose(): void {
    if (this.key) this.key.dispose();
    this.key = null;
  }

  keep(x: A): A {
    return x.ref;
  }
  drop(x: A): void {
    x.dispose();
  }
  dims(x: A): number[] {
    return x.shape;
  }
  staticDim(x: A, axis: number): number {
    return x.shape[axis];
  }
  dmul(...ds: Dim<number>[]): number {
    return ds.reduce<number>((a, b) => a * b, 1);
  }
  constant(data: Float32Array, shape: number[]): A {
    return np.array(data).reshape(shape);
  }
  reshape(x: A, shape: number[]): A {
    return x.reshape(shape);
  }
  transpose(x: A, perm: number[]): A {
    return x.transpose(perm);
  }
  expand(x: A, shape: number[]): A {
    return np.broadcastTo(x, shape);
  }
  slice(x: A, axis: number, start: number, end: number): A {
    const index: ([] | [number, number])[] = x.shape.map(() => [] as []);
    index[axis] = [start, end];
    return x.slice(...index);
  }
  concat(xs: A[], axis: number): A {
    return np.concatenate(xs, axis);
  }
  add(x: A, y: A | number): A {
    return x.add(y);
  }
  sub(x: A, y: A | number): A {
    return x.sub(y);
  }
  mul(x: A, y: A | number): A {
    return x.mul(y);
  }
  div(x: A, y: A | number): A {
    return x.div(y);
  }
  sqrt(x: A): A {
    return np.sqrt(x);
  }
  matmul(a: A, b: A): A {
    return (this.vec && batchLastMatmul(a, b)) || np.matmul(a, b);
  }
  linear(x: A, w: A, b: A | null): A {
    const y = linearProduct(x, w, this.vec);
    return b ? y.add(b) : y;
  }
  conv2d(x: A, w: A, b: A | null, o: { stride: [number, number]; padding: [number, number]; groups: number }): A {
    // Layouts where jax-js's general convolution is slow on wasm (measured in
    // bench/training-step.bench.ts): one-row convolutions (CBraMod's patch convs: the strided one's
    // backward takes ~20× the time of the same product as a matmul, the 1×3 ones ~2×) and the
    // depthwise ACPE. Same arithmetic, written as matmuls or shifted sums.
    const [, cin, , ] = x.shape;
    const [cout, , kh, kw] = w.shape;
    if (kh === 1 && o.groups === 1 && o.stride[0] === 1 && o.padding[0] === 0 && o.stride[1] > 1) {
      const y = rowConvAsMatmul(x, w, o.stride[1], o.padding[1], cin, cout, kw, this.vec);
      return b ? y.add(b.reshape([-1, 1, 1])) : y;
    }
    if (kh === 1 && o.groups === 1 && o.stride[0] === 1 && o.padding[0] === 0 && o.stride[1] === 1) {
      const y = rowConvAsShiftedMatmuls(x, w, o.padding[1], cin, cout, kw, this.vec);
      return b ? y.add(b.reshape([-1, 1, 1])) : y;
    }
    if (o.groups === cin && o.groups === cout && w.shape[1] === 1 && o.stride[0] === 1 && o.stride[1] === 1) {
      // Inference: shifted sums (fastest forward); training: banded matmuls (fastest backward).
      const y = this.train ? depthwiseAsBandedMatmuls(x, w, o.padding, this.vec) : depthwiseAsShifts(x, w, o.padding);
      return b ? y.add(b.reshape([-1, 1, 1])) : y;
    }
    const y = lax.convGeneralDilated(
      x,
      w,
      o.stride,
      [
        [o.padding[0], o.padding[0]],
        [o.padding[1], o.padding[1]],
      ],
      { featureGroupCount: o.groups },
    );
    return b ? y.add(b.reshape([-1, 1, 1])) : y;
  }
  mean(x: A, axes: number[], keepdims: boolean): A {
    return x.mean(axes, { keepdims });
  }
  layerNorm(x: A, w: A, b: A, eps: number): A {
    return nn.standardize(x, -1, { epsilon: eps }).mul(w).add(b);
  }
  gelu(x: A): A {
    return nn.gelu(x, { approximate: false });
  }
  elu(x: A): A {
    return nn.elu(x);
  }
  sigmoid(x: A): A {
    return nn.sigmoid(x);
  }
  softmax(x: A, axis: number): A {
    return nn.softmax(x, axis);
  }
  dropout(x: A, p: number): A {
    if (!this.train || p === 0) return x;
    if (!this.key) {
      x.dispose();
      throw new Error('JaxOps: training with dropout needs a PRNG key');
    }
    const keys = random.split(this.key, 2);
    this.key = keys.ref.slice(0);
    const keepMask = random.bernoulli(keys.slice(1), 1 - p, x.shape).astype(np.float32);
    return x.mul(keepMask).mul(1 / (1 - p));
  }
  frozen(x: A): A {
    return lax.stopGradient(x);
  }
}

/**
 * Convolution with a one-row kernel [cout, cin, 1, kw] and stride s along the row, as im2col + one
 * matmul: the row is padded, cut into ceil(kw/s) reshaped blocks of s samples that together hold
 * every window, and the windows are multiplied with the kernel. x [B, cin, R, W] → [B, cout, R, Wo].
 */
function rowConvAsMatmul(x: A, w: A, s: number, pad: number, cin: number, cout: number, kw: number, vec: boolean): A {
  const [B, , R, W] = x.shape;
  const wo = Math.floor((W + 2 * pad - kw) / s) + 1;
  const blocks = Math.ceil(kw / s);
  // Enough right padding for the last block of the last window (the extra is cut off below).
  const right = Math.max(pad, (blocks - 1) * s + wo * s - W - pad);
  const xp = np.pad(x, [[0, 0], [0, 0], [0, 0], [pad, right]]);
  const parts: A[] = [];
  for (let t = 0; t < blocks; t++) parts.push(xp.ref.slice([], [], [], [t * s, t * s + wo * s]).reshape([B, cin, R, wo, s]));
  xp.dispose();
  const windows = (parts.length === 1 ? parts[0] : np.concatenate(parts, 4)).slice([], [], [], [], [0, kw]); // [B, cin, R, wo, kw]
  const cols = windows.transpose([0, 2, 3, 1, 4]).reshape([B, R, wo, cin * kw]);
  const y = linearProduct(cols, w.reshape([cout, cin * kw]), vec); // [B, R, wo, cout]
  return y.transpose([0, 3, 1, 2]);
}

/** Depthwise convolution (one filter per channel) as a sum of shifted, scaled copies of the padded input. */
function depthwiseAsShifts(x: A, w: A, padding: [number, number]): A {
  const [B, d, H, W] = x.shape;
  const [, , kh, kw] = w.shape;
  const [ph, pw] = padding;
  const xp = np.pad(x, [[0, 0], [0, 0], [ph, ph], [pw, pw]]);
  const taps = w.reshape([d, kh * kw]);
  const terms: A[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      // A tap whose window lies wholly in the padding adds zeros: skip it.
      if (i + H <= ph || i >= ph + H || j + W <= pw || j >= pw + W) continue;
      terms.push(xp.ref.slice([], [], [i, i + H], [j, j + W]).mul(taps.ref.slice([], [i * kw + j, i * kw + j + 1]).reshape([d, 1, 1])));
    }
  }
  xp.dispose();
  taps.dispose();
  return terms.length ? pairwiseSum(terms) : np.zeros([B, d, H, W]);
}

/**
 * Sums arrays as a balanced tree. jax-js fuses a chain of adds into one kernel expression; written
 * left to right, the 19 × 7 ACPE taps nest 133 deep, past the WGSL parser's recursion limit
 * (Dawn/Tint: "maximum parser recursive depth reached", on a real GPU); as a tree they nest 8 deep.
 */
function pairwiseSum(terms: A[]): A {
  while (terms.length > 1) {
    const next: A[] = [];
    for (let i = 0; i + 1 < terms.length; i += 2) next.push(terms[i].add(terms[i + 1]));
    if (terms.length % 2) next.push(terms[terms.length - 1]);
    terms = next;
  }
  return terms[0];
}

/**
 * a [..., M, K] @ b [..., K, N]. Vectorised: as one broadcast multiply and sum over K, so that jax-js
 * keeps N, the long contiguous axis, last in every kernel of the forward and the backward, and its
 * WASM code generator vectorises along it; np.matmul lays the operands out with K last, which it
 * vectorises only where K is a multiple of 4 (CBraMod's 25 conv channels, 19 EEG channels,
 * 5 patches and head width 25 are not). Otherwise plain np.matmul (WebGPU).
 */
function smallKMatmul(a: A, b: A, vec: boolean): A {
  return vec ? sumOverK(a, b.reshape([...b.shape.slice(0, -2), 1, ...b.shape.slice(-2)])) : np.matmul(a, b);
}

/** a [P, K] · b [P, K, N] summed over K (P leading axes, broadcast against each other) → [P, N]. */
function sumOverK(a: A, b: A): A {
  return a.reshape([...a.shape, 1]).mul(b).sum(-2);
}

/**
 * x [..., K] @ w [O, K]ᵀ. Vectorised, where K is not a multiple of 4 (the spectral projection's 101
 * bins, the first patch convolution's 49 taps): sumOverK, which vectorises along O in the forward
 * and the weight gradient alike (measured 1.4–2× faster forward + backward); otherwise np.matmul,
 * which vectorises along K.
 */
function linearProduct(x: A, w: A, vec: boolean): A {
  return vec && x.shape[x.ndim - 1] % 4 !== 0 ? sumOverK(x, w.transpose()) : np.matmul(x, w.transpose());
}

/**
 * Batched product a [..., M, K] @ b [..., K, N] of small matrices (attention's scores and context:
 * sequences of 19 channels or 5 patches, head width 25) with the batch moved last, where it is long
 * and a multiple of 4, so the product runs on jax-js's vectorised WASM path (see smallKMatmul).
 * Null where the layout does not apply (the batch axes differ or are not a multiple of 4, or the
 * product is not small): np.matmul is used as is.
 */
function batchLastMatmul(a: A, b: A): A | null {
  if (a.ndim < 3 || a.ndim !== b.ndim) return null;
  const batch = a.shape.slice(0, -2);
  if (batch.some((n, i) => n !== b.shape[i])) return null;
  const [M, K] = a.shape.slice(-2);
  const N = b.shape[b.ndim - 1];
  const P = batch.reduce((x, y) => x * y, 1);
  if (P % 4 !== 0 || (K % 4 === 0 && N % 4 === 0) || M * K * N > 64 ** 3) return null;
  const at = a.reshape([P, M, K]).transpose([1, 2, 0]); // [M, K, P]
  const bt = b.reshape([P, K, N]).transpose([1, 2, 0]); // [K, N, P]
  const y = at.reshape([M, K, 1, P]).mul(bt.reshape([1, K, N, P])).sum(1); // [M, N, P]
  return y.transpose([2, 0, 1]).reshape([...batch, M, N]);
}

/**
 * Stride-1 convolution with a one-row kernel [cout, cin, 1, kw]: per tap of the kernel, the input
 * shifted along the row times the tap's [cout, cin] matrix, summed over cin with the row (R·W',
 * long) last (smallKMatmul). x [B, cin, R, W] → [B, cout, R, W'] without transposing x.
 */
function rowConvAsShiftedMatmuls(x: A, w: A, pad: number, cin: number, cout: number, kw: number, vec: boolean): A {
  const [B, , R, W] = x.shape;
  const wo = W + 2 * pad - kw + 1;
  const xp = pad > 0 ? np.pad(x, [[0, 0], [0, 0], [0, 0], [pad, pad]]) : x;
  const terms: A[] = [];
  for (let k = 0; k < kw; k++) {
    const xk = xp.ref.slice([], [], [], [k, k + wo]).reshape([B, cin, R * wo]);
    // Broadcast over the batch explicitly: the backward then sums the tap's gradient per sample over
    // the (contiguous) row and only after that over the batch (and jax-js 0.1's matmul mis-broadcasts
    // a 2-D left operand).
    const wk = np.broadcastTo(w.ref.slice([], [], [], [k, k + 1]).reshape([1, cout, cin]), [B, cout, cin]);
    terms.push(smallKMatmul(wk, xk, vec));
  }
  xp.dispose();
  w.dispose();
  return pairwiseSum(terms).reshape([B, cout, R, wo]);
}

const bandCache = new Map<string, Float32Array>();
/** 0/1 matrix [kh, H·H] placing kernel row i on the band of a [H_out, H_in] Toeplitz matrix. */
function bandSelection(H: number, kh: number, ph: number): Float32Array {
  const key = `${H}:${kh}:${ph}`;
  let S = bandCache.get(key);
  if (!S) {
    S = new Float32Array(kh * H * H);
    for (let o = 0; o < H; o++) for (let i = 0; i < H; i++) {
      const t = i - o + ph;
      if (t >= 0 && t < kh) S[t * H * H + o * H + i] = 1;
    }
    bandCache.set(key, S);
  }
  return S;
}

/**
 * Depthwise convolution as banded matmuls: along the first spatial axis each channel's kernel
 * column is a banded (Toeplitz) matrix, applied to the input shifted along the second axis, one
 * batched product per column of the kernel. The input is laid out [d, H, W, B] so that a shift
 * along W is a contiguous block of W·B values per row, the long axis of each product (smallKMatmul).
 * x [B, d, H, W] → [B, d, H, W].
 */
function depthwiseAsBandedMatmuls(x: A, w: A, padding: [number, number], vec: boolean): A {
  const [B, d, H, W] = x.shape;
  const [, , kh, kw] = w.shape;
  const [ph, pw] = padding;
  const S = np.array(bandSelection(H, kh, ph)).reshape([kh, H * H]);
  // [d, kw, kh] @ [kh, H·H] → per channel and kernel column, the [H, H] band matrix.
  const T = np.matmul(w.reshape([d, kh, kw]).transpose([0, 2, 1]), np.broadcastTo(S, [d, kh, H * H])).reshape([d, kw, H, H]);
  const xt = np.pad(x.transpose([1, 2, 3, 0]), [[0, 0], [0, 0], [pw, pw], [0, 0]]); // [d, H, W + 2pw, B]
  const terms: A[] = [];
  for (let j = 0; j < kw; j++) {
    if (j + W <= pw || j >= pw + W) continue;
    const xj = xt.ref.slice([], [], [j, j + W]).reshape([d, H, W * B]);
    terms.push(smallKMatmul(T.ref.slice([], [j, j + 1]).reshape([d, H, H]), xj, vec));
  }
  xt.dispose();
  T.dispose();
  return terms.length ? pairwiseSum(terms).reshape([d, H, W, B]).transpose([3, 0, 1, 2]) : np.zeros([B, d, H, W]);
}
