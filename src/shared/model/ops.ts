// The small tensor algebra the model definition is written against. The architecture lives once, in
// cbramod.ts and fusion.ts, as functions over `TensorOps`; each backend gives the ops a meaning:
//   - jax-ops.ts: real arrays on @jax-js/jax (forward, grad, jit: training and the reference forward);
//   - ../onnx/onnx-ops.ts: ONNX graph nodes (the exporter);
//   - count-ops.ts: shapes and multiply-accumulates only (MAC counts for the docs and benchmarks).
//
// Ownership follows jax-js: every op consumes its tensor arguments. Use `keep(x)` (jax: `x.ref`) to
// use a tensor again. `dims` does not consume.
//
// Dimensions are of type D. The jax and counting backends use numbers; the ONNX backend uses symbolic
// dimensions so that one exported file accepts any batch, channel and patch count. The model builds
// shapes only from `dims()` results, integers and `dmul`, never with JS arithmetic on a D.

export type Dim<D> = D | number;

export interface TensorOps<T, D = number> {
  /** Another reference to x (jax: x.ref). */
  keep(x: T): T;
  /** Drops a reference (jax: dispose). */
  drop(x: T): void;
  /** The shape of x (not consumed). */
  dims(x: T): D[];
  /** The size of a static axis (feature widths); throws for a dynamic one. */
  staticDim(x: T, axis: number): number;
  /** Product of dimensions. */
  dmul(...ds: Dim<D>[]): D;

  /** A constant tensor (e.g. the DFT matrices). */
  constant(data: Float32Array, shape: number[], name: string): T;

  reshape(x: T, shape: Dim<D>[]): T;
  transpose(x: T, perm: number[]): T;
  /** Broadcasts x to `shape` (NumPy rules). */
  expand(x: T, shape: Dim<D>[]): T;
  /** x[..., start:end, ...] along one axis (static bounds). */
  slice(x: T, axis: number, start: number, end: number): T;
  concat(xs: T[], axis: number): T;

  add(x: T, y: T | number): T;
  sub(x: T, y: T | number): T;
  mul(x: T, y: T | number): T;
  div(x: T, y: T | number): T;
  sqrt(x: T): T;

  /** Batched matrix product with NumPy broadcasting of the leading axes. */
  matmul(a: T, b: T): T;
  /** x[..., in] · wᵀ + b with w in PyTorch's [out, in] layout. */
  linear(x: T, w: T, b: T | null): T;
  /** 2-D convolution (cross-correlation), NCHW, weight [out, in/groups, kh, kw]. */
  conv2d(x: T, w: T, b: T | null, opts: { stride: [number, number]; padding: [number, number]; groups: number }): T;

  /** Mean over `axes` (kept as size-1 axes when keepdims). */
  mean(x: T, axes: number[], keepdims: boolean): T;
  /** LayerNorm over the last axis (biased variance, like PyTorch). */
  layerNorm(x: T, w: T, b: T, eps: number): T;

  /** GELU, exact erf form (PyTorch F.gelu). */
  gelu(x: T): T;
  elu(x: T): T;
  sigmoid(x: T): T;
  softmax(x: T, axis: number): T;

  /** Dropout with rate p when the backend trains; identity otherwise. */
  dropout(x: T, p: number): T;
  /** A parameter that is stored but never trained (gradient stopped). */
  frozen(x: T): T;
}

/**
 * Hands out each named parameter once and drops the ones the forward did not use, so a forward
 * consumes its whole parameter tree (the jax-js ownership rule) whatever branch it took.
 */
export class ParamTaker<T> {
  private readonly used = new Set<string>();
  constructor(
    private readonly ops: TensorOps<T, unknown>,
    private readonly params: Record<string, T>,
    private readonly prefix = '',
  ) {}

  take(name: string): T {
    const full = this.prefix + name;
    const p = this.params[name];
    if (p === undefined) throw new Error(`missing parameter ${full}`);
    if (this.used.has(name)) throw new Error(`parameter ${full} taken twice`);
    this.used.add(name);
    return p;
  }

  has(name: string): boolean {
    return this.params[name] !== undefined;
  }

  /** Drops every parameter not taken. */
  finish(): void {
    for (const [k, v] of Object.entries(this.params)) if (!this.used.has(k)) this.ops.drop(v);
  }
}
