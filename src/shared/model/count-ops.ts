// A TensorOps backend that only tracks shapes and counts multiply-accumulates, so the MAC figures
// in the docs and benchmarks come from the same model definition as the forward and the export.
// Counted: matmul/linear and convolutions (the arithmetic that dominates); element-wise ops, norms
// and softmax are listed separately as element operations.
import { cbramodEncoder } from './cbramod';
import { fusedForward, type FusedParams } from './fusion';
import type { EncoderConfig, FusedModelConfig, HostTensor } from './model.types';
import type { Dim, TensorOps } from './ops';
import { encoderParamSpecs, headParamSpecs } from './params';

interface S {
  shape: number[];
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function broadcast(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    out.push(x === 1 ? y : x);
  }
  return out;
}

export class CountOps implements TensorOps<S, number> {
  macs = 0;
  elementOps = 0;

  private el(s: number[]): S {
    this.elementOps += size(s);
    return { shape: s };
  }

  keep(x: S): S {
    return x;
  }
  drop(): void {}
  dims(x: S): number[] {
    return x.shape;
  }
  staticDim(x: S, axis: number): number {
    return x.shape[axis];
  }
  dmul(...ds: Dim<number>[]): number {
    return ds.reduce<number>((a, b) => a * b, 1);
  }
  constant(_d: Float32Array, shape: number[]): S {
    return { shape };
  }
  reshape(_x: S, shape: number[]): S {
    return { shape };
  }
  transpose(x: S, perm: number[]): S {
    return { shape: perm.map((p) => x.shape[p]) };
  }
  expand(x: S, shape: number[]): S {
    return { shape: broadcast(x.shape, shape) };
  }
  slice(x: S, axis: number, start: number, end: number): S {
    const shape = [...x.shape];
    shape[axis] = end - start;
    return { shape };
  }
  concat(xs: S[], axis: number): S {
    const shape = [...xs[0].shape];
    shape[axis] = xs.reduce((s, t) => s + t.shape[axis], 0);
    return { shape };
  }
  private bin(x: S, y: S | number): S {
    return this.el(typeof y === 'number' ? x.shape : broadcast(x.shape, y.shape));
  }
  add(x: S, y: S | number): S {
    return this.bin(x, y);
  }
  sub(x: S, y: S | number): S {
    return this.bin(x, y);
  }
  mul(x: S, y: S | number): S {
    return this.bin(x, y);
  }
  div(x: S, y: S | number): S {
    return this.bin(x, y);
  }
  sqrt(x: S): S {
    return this.el(x.shape);
  }
  matmul(a: S, b: S): S {
    const batch = broadcast(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const m = a.shape[a.shape.length - 2];
    const k = a.shape[a.shape.length - 1];
    const n = b.shape[b.shape.length - 1];
    this.macs += size(batch) * m * k * n;
    return { shape: [...batch, m, n] };
  }
  linear(x: S, w: S, b: S | null): S {
    const [out, inp] = w.shape;
    const rows = size(x.shape.slice(0, -1));
    this.macs += rows * out * inp;
    if (b) this.elementOps += rows * out;
    return { shape: [...x.shape.slice(0, -1), out] };
  }
  conv2d(x: S, w: S, _b: S | null, o: { stride: [number, number]; padding: [number, number]; groups: number }): S {
    const [cout, cinPerGroup, kh, kw] = w.shape;
    const h = Math.floor((x.shape[2] + 2 * o.padding[0] - kh) / o.stride[0]) + 1;
    const wd = Math.floor((x.shape[3] + 2 * o.padding[1] - kw) / o.stride[1]) + 1;
    this.macs += x.shape[0] * cout * h * wd * cinPerGroup * kh * kw;
    return { shape: [x.shape[0], cout, h, wd] };
  }
  mean(x: S, axes: number[], keepdims: boolean): S {
    this.elementOps += size(x.shape);
    return { shape: keepdims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i)) };
  }
  layerNorm(x: S): S {
    return this.el(x.shape);
  }
  gelu(x: S): S {
    return this.el(x.shape);
  }
  elu(x: S): S {
    return this.el(x.shape);
  }
  sigmoid(x: S): S {
    return this.el(x.shape);
  }
  softmax(x: S): S {
    return this.el(x.shape);
  }
  dropout(x: S): S {
    return x;
  }
  frozen(x: S): S {
    return x;
  }
}

function shapes(specs: { name: string; shape: number[] }[]): Record<string, S> {
  return Object.fromEntries(specs.map((s) => [s.name, { shape: s.shape }]));
}

export interface MacCount {
  macs: number;
  elementOps: number;
}

/** MACs of one encoder on [batch, channels, patches, P]. */
export function countEncoderMacs(e: EncoderConfig, channels: number, patches: number, batch = 1, reconstruct = false): MacCount {
  const ops = new CountOps();
  cbramodEncoder(ops, e, shapes(encoderParamSpecs(e, reconstruct)), { shape: [batch, channels, patches, e.patchSamples] }, { reconstruct });
  return { macs: ops.macs, elementOps: ops.elementOps };
}

/** MACs of the fused model for the given EEG channels and ECG leads (0 = absent) over `patches` s. */
export function countFusedMacs(c: FusedModelConfig, eegChannels: number, ecgLeads: number, patches: number, batch = 1): MacCount {
  const ops = new CountOps();
  const params: FusedParams<S> = { head: shapes(headParamSpecs(c)) };
  if (c.eeg) params.eeg = shapes(encoderParamSpecs(c.eeg, false));
  if (c.ecg) params.ecg = shapes(encoderParamSpecs(c.ecg, false));
  fusedForward(ops, c, params, {
    eeg: c.eeg && eegChannels > 0 ? { shape: [batch, eegChannels, patches, c.eeg.patchSamples] } : null,
    ecg: c.ecg && ecgLeads > 0 ? { shape: [batch, ecgLeads, patches, c.ecg.patchSamples] } : null,
  });
  return { macs: ops.macs, elementOps: ops.elementOps };
}

export type { HostTensor };
