// Parameter specs (names, shapes, initialisers) of the encoder and the fused model, seeded
// initialisation, and parameter counting. Names are CBraMod's PyTorch state_dict keys
// (../shared/MODEL.md §6), so a checkpoint maps onto them one to one.
//
// Initialisation follows CBraMod's code: PyTorch defaults (Conv2d and Linear biases
// U(±1/√fan_in), Conv2d weights kaiming_uniform(a=√5) = U(±1/√fan_in), MultiheadAttention
// in_proj xavier_uniform with zero biases, norms 1/0), then CBraMod's `_weights_init`, which
// re-draws every nn.Linear weight (out_proj included) with kaiming_normal(fan_out, relu). We draw
// that one from the uniform with the same variance (bound √3·√(2/fan_out)) so that every value comes
// from integer bits and is identical on every machine (prng.ts).
import { SPECTRAL_BINS, fusionWidth, taskOutputs, validateModelConfig } from './config';
import type { EncoderConfig, FusedModelConfig, HostParams, HostTensor, ParamSpec } from './model.types';
import { fillUniform, streamId } from './prng';

const defaultBound = (fanIn: number) => 1 / Math.sqrt(fanIn);
const kaimingFanOutBound = (fanOut: number) => Math.sqrt(3) * Math.sqrt(2 / fanOut);

function linear(name: string, out: number, inp: number, weightBound = kaimingFanOutBound(out), zeroBias = false): ParamSpec[] {
  return [
    { name: `${name}.weight`, shape: [out, inp], init: { kind: 'uniform', bound: weightBound } },
    { name: `${name}.bias`, shape: [out], init: zeroBias ? { kind: 'zeros' } : { kind: 'uniform', bound: defaultBound(inp) } },
  ];
}

function conv(name: string, out: number, inPerGroup: number, kh: number, kw: number): ParamSpec[] {
  const fanIn = inPerGroup * kh * kw;
  return [
    { name: `${name}.weight`, shape: [out, inPerGroup, kh, kw], init: { kind: 'uniform', bound: defaultBound(fanIn) } },
    { name: `${name}.bias`, shape: [out], init: { kind: 'uniform', bound: defaultBound(fanIn) } },
  ];
}

function norm(name: string, n: number): ParamSpec[] {
  return [
    { name: `${name}.weight`, shape: [n], init: { kind: 'ones' } },
    { name: `${name}.bias`, shape: [n], init: { kind: 'zeros' } },
  ];
}

function attention(name: string, e: number): ParamSpec[] {
  return [
    { name: `${name}.in_proj_weight`, shape: [3 * e, e], init: { kind: 'uniform', bound: Math.sqrt(6 / (e + 3 * e)) } },
    { name: `${name}.in_proj_bias`, shape: [3 * e], init: { kind: 'zeros' } },
    ...linear(`${name}.out_proj`, e, e, kaimingFanOutBound(e), true),
  ];
}

/**
 * The encoder's parameters in CBraMod's state_dict order. `withProjOut` adds the pretraining
 * reconstruction layer proj_out.0 (Linear d_model → patch samples).
 */
export function encoderParamSpecs(e: EncoderConfig, withProjOut = true): ParamSpec[] {
  const d = e.dModel;
  const h = d / 2;
  const cc = e.convChannels;
  const specs: ParamSpec[] = [
    ...conv('patch_embedding.positional_encoding.0', d, 1, e.acpeKernel[0], e.acpeKernel[1]),
    { name: 'patch_embedding.mask_encoding', shape: [e.patchSamples], init: { kind: 'zeros' }, frozen: true },
    ...conv('patch_embedding.proj_in.0', cc, 1, 1, e.conv1.kernel),
    ...norm('patch_embedding.proj_in.1', cc),
    ...conv('patch_embedding.proj_in.3', cc, cc, 1, e.conv23.kernel),
    ...norm('patch_embedding.proj_in.4', cc),
    ...conv('patch_embedding.proj_in.6', cc, cc, 1, e.conv23.kernel),
    ...norm('patch_embedding.proj_in.7', cc),
    ...linear('patch_embedding.spectral_proj.0', d, SPECTRAL_BINS),
  ];
  for (let i = 0; i < e.nLayers; i++) {
    const l = `encoder.layers.${i}`;
    specs.push(
      ...attention(`${l}.self_attn_s`, h),
      ...attention(`${l}.self_attn_t`, h),
      ...linear(`${l}.linear1`, e.dimFeedforward, d),
      ...linear(`${l}.linear2`, d, e.dimFeedforward),
      ...norm(`${l}.norm1`, d),
      ...norm(`${l}.norm2`, d),
    );
  }
  if (withProjOut) specs.push(...linear('proj_out.0', e.patchSamples, d));
  return specs;
}

/** Head parameters: absent-modality embeddings, then the MLP. */
export function headParamSpecs(c: FusedModelConfig): ParamSpec[] {
  const width = fusionWidth(c);
  const outs = c.tasks.reduce((s, t) => s + taskOutputs(t), 0);
  const specs: ParamSpec[] = [];
  if (c.eeg) specs.push({ name: 'absent_eeg', shape: [c.eeg.dModel], init: { kind: 'zeros' } });
  if (c.ecg) specs.push({ name: 'absent_ecg', shape: [c.ecg.dModel], init: { kind: 'zeros' } });
  // The head keeps PyTorch's default Linear init (it is not part of CBraMod's _weights_init).
  if (c.head.hidden > 0) {
    specs.push(...linear('fc1', c.head.hidden, width, defaultBound(width)));
    specs.push(...linear('fc2', outs, c.head.hidden, defaultBound(c.head.hidden)));
  } else {
    specs.push(...linear('fc2', outs, width, defaultBound(width)));
  }
  return specs;
}

export type ParamGroup = 'eeg' | 'ecg' | 'head';

/** Every parameter of a fused model, grouped like HostParams (encoders without proj_out). */
export function fusedParamSpecs(c: FusedModelConfig): { group: ParamGroup; spec: ParamSpec }[] {
  const out: { group: ParamGroup; spec: ParamSpec }[] = [];
  if (c.eeg) for (const spec of encoderParamSpecs(c.eeg, false)) out.push({ group: 'eeg', spec });
  if (c.ecg) for (const spec of encoderParamSpecs(c.ecg, false)) out.push({ group: 'ecg', spec });
  for (const spec of headParamSpecs(c)) out.push({ group: 'head', spec });
  return out;
}

export function countSpecs(specs: ParamSpec[]): number {
  return specs.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
}

/** Parameters of one encoder (mask_encoding counted, as CBraMod's state_dict does). */
export function countEncoderParams(e: EncoderConfig, withProjOut = false): number {
  return countSpecs(encoderParamSpecs(e, withProjOut));
}

export function countFusedParams(c: FusedModelConfig): { eeg: number; ecg: number; head: number; total: number } {
  const eeg = c.eeg ? countEncoderParams(c.eeg) : 0;
  const ecg = c.ecg ? countEncoderParams(c.ecg) : 0;
  const head = countSpecs(headParamSpecs(c));
  return { eeg, ecg, head, total: eeg + ecg + head };
}

/** Draws one tensor. `stream` makes each parameter's numbers independent of the others and of order. */
export function initTensor(spec: ParamSpec, seed: number, stream: string): HostTensor {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  if (spec.init.kind === 'ones') data.fill(1);
  else if (spec.init.kind === 'uniform') fillUniform(data, seed, streamId(stream), spec.init.bound);
  return { shape: [...spec.shape], data };
}

/** Seeded encoder parameters (names without a group prefix). */
export function initEncoderHostParams(e: EncoderConfig, seed: number, opts: { withProjOut?: boolean; stream?: string } = {}): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const spec of encoderParamSpecs(e, opts.withProjOut ?? false)) out[spec.name] = initTensor(spec, seed, `${opts.stream ?? 'eeg'}.${spec.name}`);
  return out;
}

/** Seeded parameters of a whole fused model; the same seed gives the same numbers everywhere. */
export function initHostParams(c: FusedModelConfig, seed: number): HostParams {
  validateModelConfig(c);
  const out: HostParams = { head: {} };
  for (const { group, spec } of fusedParamSpecs(c)) {
    const t = initTensor(spec, seed, `${group}.${spec.name}`);
    (out[group] ??= {})[spec.name] = t;
  }
  return out;
}

/** Names of parameters that are stored but never trained. */
export function isFrozenParam(name: string): boolean {
  return name === 'patch_embedding.mask_encoding';
}
