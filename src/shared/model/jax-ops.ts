// TensorOps on @jax-js/jax arrays: the backend of training and of the reference forward. Works on
// concrete arrays and on tracers (inside grad, jit, vmap), so the same calls differentiate.
import { lax, nn, numpy as np, random } from '@jax-js/jax';
import type { Dim, TensorOps } from './ops';

type A = np.Array;

export interface JaxOpsOptions {
  /** Dropout active (training). */
  train?: boolean;
  /** PRNG key for dropout (consumed); required when training with dropout. */
  key?: A;
}

export class JaxOps implements TensorOps<A, number> {
  readonly train: boolean;
  private key: A | null;

  constructor(opts: JaxOpsOptions = {}) {
    this.train = opts.train ?? false;
    this.key = opts.key ?? null;
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
    return np.matmul(a, b);
  }
  linear(x: A, w: A, b: A | null): A {
    const y = np.matmul(x, w.transpose());
    return b ? y.add(b) : y;
  }
  conv2d(x: A, w: A, b: A | null, o: { stride: [number, number]; padding: [number, number]; groups: number }): A {
    // Two layouts where jax-js's general convolution is slow on wasm (measured in
    // bench/training-step.bench.ts): a strided convolution along rows (CBraMod's first patch conv,
    // whose backward takes ~20× the time of the same product as a matmul), and the depthwise ACPE
    // forward at inference. Same arithmetic, written as a matmul / shifted sums.
    const [, cin, , ] = x.shape;
    const [cout, , kh, kw] = w.shape;
    if (kh === 1 && o.groups === 1 && o.stride[0] === 1 && o.padding[0] === 0 && o.stride[1] > 1) {
      const y = rowConvAsMatmul(x, w, o.stride[1], o.padding[1], cin, cout, kw);
      return b ? y.add(b.reshape([-1, 1, 1])) : y;
    }
    if (!this.train && o.groups === cin && o.groups === cout && w.shape[1] === 1 && o.stride[0] === 1 && o.stride[1] === 1) {
      const y = depthwiseAsShifts(x, w, o.padding);
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
function rowConvAsMatmul(x: A, w: A, s: number, pad: number, cin: number, cout: number, kw: number): A {
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
  const y = np.matmul(cols, w.reshape([cout, cin * kw]).transpose()); // [B, R, wo, cout]
  return y.transpose([0, 3, 1, 2]);
}

/** Depthwise convolution (one filter per channel) as a sum of shifted, scaled copies of the padded input. */
function depthwiseAsShifts(x: A, w: A, padding: [number, number]): A {
  const [B, d, H, W] = x.shape;
  const [, , kh, kw] = w.shape;
  const [ph, pw] = padding;
  const xp = np.pad(x, [[0, 0], [0, 0], [ph, ph], [pw, pw]]);
  const taps = w.reshape([d, kh * kw]);
  let acc: A | null = null;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      // A tap whose window lies wholly in the padding adds zeros: skip it.
      if (i + H <= ph || i >= ph + H || j + W <= pw || j >= pw + W) continue;
      const term = xp.ref.slice([], [], [i, i + H], [j, j + W]).mul(taps.ref.slice([], [i * kw + j, i * kw + j + 1]).reshape([d, 1, 1]));
      acc = acc ? acc.add(term) : term;
    }
  }
  xp.dispose();
  taps.dispose();
  return acc ?? np.zeros([B, d, H, W]);
}
