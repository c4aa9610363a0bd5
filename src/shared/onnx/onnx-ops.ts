// TensorOps that record an ONNX graph instead of computing: running the model definition
// (src/shared/model) through this backend writes the exported graph, so the export cannot drift from
// the architecture. Dimensions are symbolic where the model's inputs are dynamic (batch, channels,
// patches): one file serves a 4-channel headset and a 19-channel cap.
//
// Only standard ONNX ops of opset 17 that onnxruntime-web runs on WebGPU and WASM are emitted:
// MatMul, Add/Sub/Mul/Div, Sqrt, Erf, Conv, ReduceMean, LayerNormalization, Softmax, Sigmoid, Elu,
// Reshape, Transpose, Slice, Concat, Expand, Shape, Gather.
import type { Dim, TensorOps } from '../model/ops';
import type { HostTensor } from '../model/model.types';
import type { onnx as OnnxProto } from 'onnx-proto';
import { onnx } from './onnx-proto';

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

/** A product of named dynamic dimensions times a constant, e.g. eeg_channels·eeg_patches. */
export class SymDim {
  readonly key: string;
  constructor(
    readonly factors: readonly string[],
    readonly k: number,
  ) {
    this.factors = [...factors].sort();
    this.key = `${this.factors.join('*')}*${k}`;
  }
  toString(): string {
    return this.k === 1 ? this.factors.join('*') : `${this.factors.join('*')}*${this.k}`;
  }
}

export type ODim = number | SymDim;

export interface OTensor {
  name: string;
  dims: ODim[];
  /** Data of a parameter or constant not yet written as an initializer (written on first use). */
  host?: HostTensor;
}

function dimEq(a: ODim, b: ODim): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return a.key === b.key;
}

function isOne(d: ODim): boolean {
  return d === 1;
}

type Attr = { name: string; type: number; i?: number; f?: number; ints?: number[] };
const AT = onnx.AttributeProto.AttributeType;
const DT = onnx.TensorProto.DataType;

export const attrInt = (name: string, i: number): Attr => ({ name, type: AT.INT, i });
export const attrFloat = (name: string, f: number): Attr => ({ name, type: AT.FLOAT, f });
export const attrInts = (name: string, ints: number[]): Attr => ({ name, type: AT.INTS, ints });

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function floatBytes(a: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.length * 4);
  const dv = new DataView(out.buffer);
  a.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  return out;
}

/** Records nodes, initializers and symbolic shapes of one graph. */
export class OnnxGraphBuilder {
  readonly nodes: OnnxProto.INodeProto[] = [];
  readonly initializers: OnnxProto.ITensorProto[] = [];
  private readonly initNames = new Set<string>();
  private readonly used = new Set<string>();
  private counter = 0;
  /** Where each symbol can be read at run time: a graph input and its axis. */
  private readonly symbolSources = new Map<string, { input: string; axis: number }>();
  private readonly shapeOf = new Map<string, string>();
  private readonly dimOf = new Map<string, string>();

  fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  bindSymbol(symbol: string, input: string, axis: number): void {
    if (!this.symbolSources.has(symbol)) this.symbolSources.set(symbol, { input, axis });
  }

  node(op: string, inputs: string[], attrs: Attr[] = [], outName?: string): string {
    const out = outName ?? this.fresh(op.toLowerCase());
    this.nodes.push({ opType: op, input: inputs, output: [out], name: this.fresh(`n_${op}`), attribute: attrs });
    return out;
  }

  addInitializer(name: string, t: HostTensor): string {
    if (this.initNames.has(name)) return name;
    this.initNames.add(name);
    this.initializers.push({ name, dims: t.shape, dataType: DT.FLOAT, rawData: floatBytes(t.data) });
    return name;
  }

  int64(values: number[], hint = 'i64', scalar = false): string {
    const name = this.fresh(hint);
    this.initNames.add(name);
    this.initializers.push({ name, dims: scalar ? [] : [values.length], dataType: DT.INT64, int64Data: values });
    return name;
  }

  scalar(v: number): string {
    const name = `c_${v}`;
    if (!this.initNames.has(name)) this.addInitializer(name, { shape: [], data: new Float32Array([v]) });
    return name;
  }

  hasInitializer(name: string): boolean {
    return this.initNames.has(name);
  }

  markUsed(name: string): void {
    this.used.add(name);
  }

  /** A 1-element int64 tensor holding a symbol's value at run time. */
  private symbolValue(sym: string): string {
    const cached = this.dimOf.get(sym);
    if (cached) return cached;
    const src = this.symbolSources.get(sym);
    if (!src) throw new Error(`onnx export: no graph input defines dimension '${sym}'`);
    let shape = this.shapeOf.get(src.input);
    if (!shape) {
      shape = this.node('Shape', [src.input], [], this.fresh(`shape_${src.input}`));
      this.shapeOf.set(src.input, shape);
    }
    const v = this.node('Gather', [shape, this.int64([src.axis])], [attrInt('axis', 0)], this.fresh(`dim_${sym}`));
    this.dimOf.set(sym, v);
    return v;
  }

  /** A 1-element int64 tensor holding one (possibly symbolic) dimension. */
  dimValue(d: ODim): string {
    if (typeof d === 'number') return this.int64([d]);
    const key = `dim:${d.key}`;
    const cached = this.dimOf.get(key);
    if (cached) return cached;
    let acc = this.symbolValue(d.factors[0]);
    for (const f of d.factors.slice(1)) acc = this.node('Mul', [acc, this.symbolValue(f)]);
    if (d.k !== 1) acc = this.node('Mul', [acc, this.int64([d.k])]);
    this.dimOf.set(key, acc);
    return acc;
  }

  /**
   * A shape tensor for Reshape: static dims as numbers, dims equal to the input's at the same axis
   * as 0 (copy), one remaining dynamic dim as -1; only otherwise computed from the graph inputs.
   */
  reshapeTarget(input: ODim[], target: ODim[]): string {
    const spec: (number | null)[] = target.map((d, i) => (typeof d === 'number' ? d : i < input.length && dimEq(input[i], d) ? 0 : null));
    const unresolved = spec.filter((s) => s === null).length;
    if (unresolved === 0 && !spec.includes(0)) return this.int64(spec as number[], 'shape');
    if (unresolved <= 1) return this.int64(spec.map((s) => (s === null ? -1 : s)), 'shape');
    return this.shapeTensor(target);
  }

  /** A 1-D int64 shape tensor computed at run time. */
  shapeTensor(target: ODim[]): string {
    if (target.every((d) => typeof d === 'number')) return this.int64(target as number[], 'shape');
    return this.node('Concat', target.map((d) => this.dimValue(d)), [attrInt('axis', 0)]);
  }
}

function mulDims(ds: ODim[]): ODim {
  let k = 1;
  const factors: string[] = [];
  for (const d of ds) {
    if (typeof d === 'number') k *= d;
    else {
      k *= d.k;
      factors.push(...d.factors);
    }
  }
  return factors.length === 0 ? k : new SymDim(factors, k);
}

function broadcastDims(a: ODim[], b: ODim[]): ODim[] {
  const n = Math.max(a.length, b.length);
  const out: ODim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (isOne(x)) out.push(y);
    else if (isOne(y) || dimEq(x, y)) out.push(x);
    else throw new Error(`onnx export: cannot broadcast ${a.map(String)} with ${b.map(String)}`);
  }
  return out;
}

/** The recording backend. Parameters and constants become initializers when first used. */
export class OnnxOps implements TensorOps<OTensor, ODim> {
  constructor(readonly g: OnnxGraphBuilder) {}

  /** A graph input with its (partly symbolic) shape; symbols are bound to this input's axes. */
  input(name: string, dims: (number | string)[]): OTensor {
    const od = dims.map((d, axis) => {
      if (typeof d === 'number') return d;
      this.g.bindSymbol(d, name, axis);
      return new SymDim([d], 1);
    });
    return { name, dims: od };
  }

  /** A parameter: written as an initializer under its own name when an op uses it. */
  param(name: string, t: HostTensor): OTensor {
    return { name, dims: [...t.shape], host: t };
  }

  private use(t: OTensor): string {
    if (t.host && !this.g.hasInitializer(t.name)) this.g.addInitializer(t.name, t.host);
    this.g.markUsed(t.name);
    return t.name;
  }

  private operand(y: OTensor | number): OTensor {
    return typeof y === 'number' ? { name: this.g.scalar(y), dims: [] } : y;
  }

  private binary(op: string, x: OTensor, y: OTensor | number): OTensor {
    const b = this.operand(y);
    return { name: this.g.node(op, [this.use(x), this.use(b)]), dims: broadcastDims(x.dims, b.dims) };
  }

  keep(x: OTensor): OTensor {
    return x;
  }
  drop(): void {}
  dims(x: OTensor): ODim[] {
    return x.dims;
  }
  staticDim(x: OTensor, axis: number): number {
    const d = x.dims[axis < 0 ? x.dims.length + axis : axis];
    if (typeof d !== 'number') throw new Error(`onnx export: axis ${axis} of ${x.name} is dynamic (${d})`);
    return d;
  }
  dmul(...ds: Dim<ODim>[]): ODim {
    return mulDims(ds);
  }
  constant(data: Float32Array, shape: number[], name: string): OTensor {
    return { name, dims: [...shape], host: { shape: [...shape], data } };
  }
  reshape(x: OTensor, shape: ODim[]): OTensor {
    const target = this.g.reshapeTarget(x.dims, shape);
    return { name: this.g.node('Reshape', [this.use(x), target]), dims: [...shape] };
  }
  transpose(x: OTensor, perm: number[]): OTensor {
    return { name: this.g.node('Transpose', [this.use(x)], [attrInts('perm', perm)]), dims: perm.map((p) => x.dims[p]) };
  }
  expand(x: OTensor, shape: ODim[]): OTensor {
    return { name: this.g.node('Expand', [this.use(x), this.g.shapeTensor(shape)]), dims: broadcastDims(x.dims, shape) };
  }
  slice(x: OTensor, axis: number, start: number, end: number): OTensor {
    const name = this.g.node('Slice', [this.use(x), this.g.int64([start]), this.g.int64([end]), this.g.int64([axis])]);
    const dims = [...x.dims];
    dims[axis] = end - start;
    return { name, dims };
  }
  concat(xs: OTensor[], axis: number): OTensor {
    const dims = [...xs[0].dims];
    dims[axis] = xs.reduce((s, t) => {
      const d = t.dims[axis];
      if (typeof d !== 'number') throw new Error('onnx export: concat along a dynamic axis');
      return s + d;
    }, 0);
    return { name: this.g.node('Concat', xs.map((t) => this.use(t)), [attrInt('axis', axis)]), dims };
  }
  add(x: OTensor, y: OTensor | number): OTensor {
    return this.binary('Add', x, y);
  }
  sub(x: OTensor, y: OTensor | number): OTensor {
    return this.binary('Sub', x, y);
  }
  mul(x: OTensor, y: OTensor | number): OTensor {
    return this.binary('Mul', x, y);
  }
  div(x: OTensor, y: OTensor | number): OTensor {
    return this.binary('Div', x, y);
  }
  sqrt(x: OTensor): OTensor {
    return { name: this.g.node('Sqrt', [this.use(x)]), dims: x.dims };
  }
  matmul(a: OTensor, b: OTensor): OTensor {
    const batch = broadcastDims(a.dims.slice(0, -2), b.dims.slice(0, -2));
    return { name: this.g.node('MatMul', [this.use(a), this.use(b)]), dims: [...batch, a.dims[a.dims.length - 2], b.dims[b.dims.length - 1]] };
  }
  linear(x: OTensor, w: OTensor, b: OTensor | null): OTensor {
    if (!w.host) throw new Error('onnx export: linear weights must be parameters');
    const [out, inp] = w.host.shape;
    // Pre-transpose to [in, out] so the product is a plain MatMul (no Transpose node at run time).
    const wt = new Float32Array(out * inp);
    for (let o = 0; o < out; o++) for (let i = 0; i < inp; i++) wt[i * out + o] = w.host.data[o * inp + i];
    const wtName = this.g.addInitializer(`${w.name}.T`, { shape: [inp, out], data: wt });
    const y = this.g.node('MatMul', [this.use(x), wtName]);
    const dims = [...x.dims.slice(0, -1), out];
    return b ? { name: this.g.node('Add', [y, this.use(b)]), dims } : { name: y, dims };
  }
  conv2d(x: OTensor, w: OTensor, b: OTensor | null, o: { stride: [number, number]; padding: [number, number]; groups: number }): OTensor {
    const [cout, , kh, kw] = w.dims as number[];
    const spatial = [2, 3].map((axis, j) => {
      const d = x.dims[axis];
      const k = j === 0 ? kh : kw;
      const s = o.stride[j];
      const p = o.padding[j];
      if (typeof d === 'number') return Math.floor((d + 2 * p - k) / s) + 1;
      if (s === 1 && k === 2 * p + 1) return d;
      throw new Error('onnx export: a convolution would change a dynamic axis');
    });
    const inputs = [this.use(x), this.use(w), ...(b ? [this.use(b)] : [])];
    const attrs = [
      attrInts('kernel_shape', [kh, kw]),
      attrInts('strides', o.stride),
      attrInts('pads', [o.padding[0], o.padding[1], o.padding[0], o.padding[1]]),
      attrInts('dilations', [1, 1]),
      attrInt('group', o.groups),
    ];
    return { name: this.g.node('Conv', inputs, attrs), dims: [x.dims[0], cout, ...spatial] };
  }
  mean(x: OTensor, axes: number[], keepdims: boolean): OTensor {
    const dims = keepdims ? x.dims.map((d, i) => (axes.includes(i) ? 1 : d)) : x.dims.filter((_, i) => !axes.includes(i));
    return { name: this.g.node('ReduceMean', [this.use(x)], [attrInts('axes', axes), attrInt('keepdims', keepdims ? 1 : 0)]), dims };
  }
  layerNorm(x: OTensor, w: OTensor, b: OTensor, eps: number): OTensor {
    return {
      name: this.g.node('LayerNormalization', [this.use(x), this.use(w), this.use(b)], [attrInt('axis', -1), attrFloat('epsilon', eps)]),
      dims: x.dims,
    };
  }
  gelu(x: OTensor): OTensor {
    // x · ½ · (1 + erf(x / √2)), PyTorch's exact GELU, written in the node pattern onnxruntime's
    // GeluFusion recognises (Div by √2 → Erf → Add 1 → Mul x → Mul ½), so it runs as one Gelu kernel.
    const xi = this.use(x);
    const e = this.g.node('Erf', [this.g.node('Div', [xi, this.g.scalar(Math.SQRT2)])]);
    const y = this.g.node('Mul', [xi, this.g.node('Add', [e, this.g.scalar(1)])]);
    return { name: this.g.node('Mul', [y, this.g.scalar(0.5)]), dims: x.dims };
  }
  elu(x: OTensor): OTensor {
    return { name: this.g.node('Elu', [this.use(x)], [attrFloat('alpha', 1)]), dims: x.dims };
  }
  sigmoid(x: OTensor): OTensor {
    return { name: this.g.node('Sigmoid', [this.use(x)]), dims: x.dims };
  }
  softmax(x: OTensor, axis: number): OTensor {
    return { name: this.g.node('Softmax', [this.use(x)], [attrInt('axis', axis)]), dims: x.dims };
  }
  dropout(x: OTensor): OTensor {
    return x; // an exported graph is for inference
  }
  frozen(x: OTensor): OTensor {
    return x;
  }
}

/** ValueInfo of a float tensor with static and symbolic dims. */
export function valueInfo(name: string, dims: ODim[]): OnnxProto.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DT.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d.toString() })) },
      },
    },
  };
}

/**
 * Makes a tensor a graph output under `name`: the node that computes it writes `name` directly
 * (its consumers follow). No Identity node: ORT cannot drop one whose input is also consumed
 * inside the graph (logits feed the probabilities), and its WebGPU backend runs Identity on the
 * CPU, which rules out graph capture. A graph input or initializer still gets an Identity.
 * Call it once the graph is complete: later nodes would still name the tensor's old name.
 */
export function outputAs(g: OnnxGraphBuilder, t: OTensor, name: string): OnnxProto.IValueInfoProto {
  const producer = g.nodes.find((n) => n.output?.includes(t.name));
  if (!producer) g.node('Identity', [t.name], [], name);
  else {
    for (const n of g.nodes) {
      n.input = n.input?.map((x) => (x === t.name ? name : x));
      n.output = n.output?.map((x) => (x === t.name ? name : x));
    }
  }
  return valueInfo(name, t.dims);
}

export function encodeModel(g: OnnxGraphBuilder, io: { inputs: OnnxProto.IValueInfoProto[]; outputs: OnnxProto.IValueInfoProto[] }, meta: { graphName: string; docString: string; metadata: Record<string, string>; producerVersion: string }): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'heartmind',
    producerVersion: meta.producerVersion,
    docString: meta.docString,
    graph: {
      name: meta.graphName,
      node: g.nodes,
      initializer: g.initializers,
      input: io.inputs,
      output: io.outputs,
    },
    metadataProps: Object.entries(meta.metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}
