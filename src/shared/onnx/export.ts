// ONNX export of the fused model or one encoder, from the one model definition (src/shared/model) run
// through the recording backend. No Python: the protobuf is written with onnx-proto.
import { cbramodEncoder } from '../model/cbramod';
import { MODEL_IO, validateModelConfig } from '../model/config';
import { fusedForward, taskProbabilities, type FusedParams } from '../model/fusion';
import type { EncoderConfig, FusedModelConfig, HostParams, HostTensor, ModelModality } from '../model/model.types';
import { newModelCard, type NewCardFields } from '../model/card';
import type { ModelCard } from '../model/model.types';
import { encodeModel, ONNX_OPSET, OnnxGraphBuilder, OnnxOps, outputAs, valueInfo, type OTensor } from './onnx-ops';
import type { onnx as OnnxProto } from 'onnx-proto';

export interface ExportOptions {
  /** Written to producer_version. */
  producerVersion?: string;
  docString?: string;
  /** Extra metadata_props (the exporter adds heartmind.kind and heartmind.config). */
  metadata?: Record<string, string>;
}

export const ONNX_META_KIND = 'heartmind.kind';
export const ONNX_META_CONFIG = 'heartmind.config';

function paramRecord(ops: OnnxOps, group: string, r: Record<string, HostTensor>): Record<string, OTensor> {
  const out: Record<string, OTensor> = {};
  for (const [k, v] of Object.entries(r)) out[k] = ops.param(`${group}.${k}`, v);
  return out;
}

/**
 * The fused model as ONNX. Inputs per modality of the model: `<m>` [batch, channels, patches, P]
 * and `<m>_present` [batch]; outputs `logits_<task>` and `prob_<task>` (MODEL_IO).
 */
export function exportFusedOnnx(c: FusedModelConfig, params: HostParams, opts: ExportOptions = {}): Uint8Array {
  validateModelConfig(c);
  const g = new OnnxGraphBuilder();
  const ops = new OnnxOps(g);
  const modalities: ModelModality[] = (['eeg', 'ecg'] as const).filter((m) => c[m]);
  const inputs: OnnxProto.IValueInfoProto[] = [];
  const feed: Partial<Record<string, OTensor>> = {};
  for (const m of modalities) {
    const e = c[m]!;
    const x = ops.input(MODEL_IO.input(m), [MODEL_IO.batchDim, MODEL_IO.channelsDim(m), MODEL_IO.patchesDim(m), e.patchSamples]);
    const present = ops.input(MODEL_IO.present(m), [MODEL_IO.batchDim]);
    inputs.push(valueInfo(x.name, x.dims), valueInfo(present.name, present.dims));
    feed[m] = x;
    feed[`${m}Present`] = present;
  }
  const p: FusedParams<OTensor> = { head: paramRecord(ops, 'head', params.head) };
  for (const m of modalities) {
    const r = params[m];
    if (!r) throw new Error(`exportFusedOnnx: parameters of the ${m} encoder are missing`);
    p[m] = paramRecord(ops, m, r);
  }
  const { logits } = fusedForward(ops, c, p, {
    eeg: feed.eeg ?? null,
    ecg: feed.ecg ?? null,
    eegPresent: feed.eegPresent ?? null,
    ecgPresent: feed.ecgPresent ?? null,
  });
  const probs = taskProbabilities(ops, c, logits);
  // Outputs are named once the graph is complete (outputAs renames tensors already in it).
  const outputs: OnnxProto.IValueInfoProto[] = [];
  for (const t of c.tasks) outputs.push(outputAs(g, logits[t.name], MODEL_IO.logits(t.name)));
  for (const t of c.tasks) outputs.push(outputAs(g, probs[t.name], MODEL_IO.probs(t.name)));
  return encodeModel(g, { inputs, outputs }, {
    graphName: 'heartmind_fused',
    docString: opts.docString ?? `HeartMind fused model (${modalities.join(' + ')}; tasks ${c.tasks.map((t) => t.name).join(', ')})`,
    metadata: { [ONNX_META_KIND]: 'fused', [ONNX_META_CONFIG]: JSON.stringify(c), ...(opts.metadata ?? {}) },
    producerVersion: opts.producerVersion ?? '0.1.0',
  });
}

/**
 * One encoder alone: input `x` [batch, channels, patches, P] (and `mask` [batch, channels, patches]
 * when withMask) → `features` [batch, channels, patches, d] (and `reconstruction` with proj_out).
 */
export function exportEncoderOnnx(e: EncoderConfig, params: Record<string, HostTensor>, opts: ExportOptions & { withMask?: boolean; reconstruct?: boolean } = {}): Uint8Array {
  const g = new OnnxGraphBuilder();
  const ops = new OnnxOps(g);
  const x = ops.input(MODEL_IO.encoderInput, ['batch', 'channels', 'patches', e.patchSamples]);
  const inputs = [valueInfo(x.name, x.dims)];
  let mask: OTensor | null = null;
  if (opts.withMask) {
    mask = ops.input(MODEL_IO.encoderMask, ['batch', 'channels', 'patches']);
    inputs.push(valueInfo(mask.name, mask.dims));
  }
  const out = cbramodEncoder(ops, e, paramRecord(ops, 'encoder', params), x, { mask, reconstruct: opts.reconstruct });
  const outputs = [outputAs(g, out.features, MODEL_IO.features)];
  if (out.reconstruction) outputs.push(outputAs(g, out.reconstruction, MODEL_IO.reconstruction));
  return encodeModel(g, { inputs, outputs }, {
    graphName: 'heartmind_cbramod_encoder',
    docString: opts.docString ?? `CBraMod encoder, ${e.nLayers} layers`,
    metadata: { [ONNX_META_KIND]: 'encoder', [ONNX_META_CONFIG]: JSON.stringify(e), ...(opts.metadata ?? {}) },
    producerVersion: opts.producerVersion ?? '0.1.0',
  });
}

/**
 * A registry model: the fused ONNX and its card, ready for writeModelDir (src/main/model/registry.ts)
 * or the registry's install. The card's config is the one exported.
 */
export function exportRegistryModel(fields: NewCardFields, params: HostParams, opts: ExportOptions = {}): { card: ModelCard; onnx: Uint8Array } {
  const card = newModelCard(fields, ONNX_OPSET);
  const onnx = exportFusedOnnx(fields.config, params, { ...opts, metadata: { 'heartmind.model_id': fields.id, ...(opts.metadata ?? {}) } });
  return { card, onnx };
}
