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
