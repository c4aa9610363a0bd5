// Reads an ONNX file's signature (inputs, outputs, opset, metadata) and checks it against what a
// model card declares, so that a dropped-in file that is not ONNX, or whose inputs differ from its
// card, is refused with the reason before any session is created.
import { MODEL_IO } from '../model/config';
import { ModelError, ModelErrorCode } from '../model/model-error';
import type { ModelCard } from '../model/model.types';
import { wrongFileKind } from '../model/wrong-file';
import type { onnx as OnnxProto } from 'onnx-proto';
import { onnx } from './onnx-proto';

export interface OnnxValue {
  name: string;
  /** Static sizes as numbers, dynamic ones by name ('' when unnamed). */
  dims: (number | string)[];
  /** ONNX element type name, e.g. 'FLOAT'. */
  elemType: string;
}

export interface OnnxSignature {
  irVersion: number;
  opset: number;
  producer: string;
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  metadata: Record<string, string>;
}

function values(list: OnnxProto.IValueInfoProto[] | null | undefined, initializers: Set<string>): OnnxValue[] {
  return (list ?? [])
    .filter((v) => !initializers.has(v.name ?? ''))
    .map((v) => {
      const t = v.type?.tensorType;
      const dims = (t?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0 ? Number(d.dimValue) : (d.dimParam ?? '')));
      return { name: v.name ?? '', dims, elemType: onnx.TensorProto.DataType[t?.elemType ?? 0] ?? String(t?.elemType) };
    });
}

/** Decodes an ONNX model's signature. Throws ModelError(NotOnnx) for anything that is not one. */
export function readOnnxSignature(bytes: Uint8Array): OnnxSignature {
  const wrong = wrongFileKind(bytes);
  if (wrong) throw new ModelError(ModelErrorCode.NotOnnx, `not an ONNX model: ${wrong}`);
  let m: OnnxProto.ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    const why = (e as Error).message;
    // An ONNX file opens with its IR version (field 1, a small varint: 08 03…08 0f). One that opens
    // so and then runs out inside a field is an ONNX file cut short (a copy or download that
    // stopped), not some other kind of file: said so, or the user looks for a format problem.
    if (bytes[0] === 0x08 && bytes[1] >= 3 && bytes[1] <= 15 && /index out of range/.test(why)) {
      throw new ModelError(ModelErrorCode.NotOnnx, `the ONNX file is cut short or damaged: it ends inside a field after ${bytes.length.toLocaleString('en-US')} bytes; copy or export it again`);
    }
    throw new ModelError(ModelErrorCode.NotOnnx, `not an ONNX model: the protobuf does not decode (${why})`);
  }
  const g = m.graph;
  const irVersion = Number(m.irVersion ?? 0);
  if (!g || irVersion <= 0 || !g.input?.length || !g.output?.length) {
    throw new ModelError(ModelErrorCode.NotOnnx, 'not an ONNX model: no graph with inputs and outputs was found');
  }
  const inits = new Set((g.initializer ?? []).map((t) => t.name ?? ''));
  const opset = Number((m.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0);
  const metadata: Record<string, string> = {};
  for (const p of m.metadataProps ?? []) if (p.key) metadata[p.key] = p.value ?? '';
  return { irVersion, opset, producer: `${m.producerName ?? ''} ${m.producerVersion ?? ''}`.trim(), inputs: values(g.input, inits), outputs: values(g.output, inits), metadata };
}

/**
 * Differences between a signature and the card's contract: for every modality of the card an input
 * `<m>` of rank 4 ending in the patch size and `<m>_present` of rank 1, and for every task an output
 * `prob_<task>` [batch, classes or 1]. Empty when they agree.
 */
export function signatureProblems(sig: OnnxSignature, card: ModelCard): string[] {
  const p: string[] = [];
  const byName = new Map(sig.inputs.map((v) => [v.name, v]));
  const patch = card.input.rateHz;
  const expectedInputs = new Set<string>();
  for (const m of ['eeg', 'ecg'] as const) {
    if (!card.input[m]) continue;
    const x = byName.get(MODEL_IO.input(m));
    const pres = byName.get(MODEL_IO.present(m));
    expectedInputs.add(MODEL_IO.input(m));
    expectedInputs.add(MODEL_IO.present(m));
    if (!x) p.push(`input '${MODEL_IO.input(m)}' is missing`);
    else {
      if (x.dims.length !== 4) p.push(`input '${x.name}' has rank ${x.dims.length}, expected 4 [batch, channels, patches, ${patch}]`);
      else if (x.dims[3] !== patch) p.push(`input '${x.name}' patches have ${x.dims[3]} samples, the card says ${patch}`);
      const c = card.input[m]!;
      const ch = x.dims[1];
      if (typeof ch === 'number' && (ch < c.minChannels || ch > c.maxChannels)) p.push(`input '${x.name}' has ${ch} channels fixed, the card allows ${c.minChannels}–${c.maxChannels}`);
      const n = x.dims[2];
      if (typeof n === 'number' && n !== card.input.windowSeconds) p.push(`input '${x.name}' has ${n} patches fixed, the card says ${card.input.windowSeconds}-s windows`);
      if (x.elemType !== 'FLOAT') p.push(`input '${x.name}' is ${x.elemType}, expected FLOAT`);
    }
    if (!pres) p.push(`input '${MODEL_IO.present(m)}' is missing`);
    else if (pres.dims.length !== 1) p.push(`input '${pres.name}' has rank ${pres.dims.length}, expected 1 [batch]`);
    // The worker feeds float 1/0: another exporter's bool or int64 flag passed here, then failed on every window in ORT.
    if (pres && pres.elemType !== 'FLOAT') p.push(`input '${pres.name}' is ${pres.elemType}, expected FLOAT (1 = present, 0 = absent)`);
  }
  for (const v of sig.inputs) if (!expectedInputs.has(v.name)) p.push(`input '${v.name}' is not in the card's contract`);
  const outs = new Map(sig.outputs.map((v) => [v.name, v]));
  for (const t of card.config.tasks) {
    const o = outs.get(MODEL_IO.probs(t.name));
    const k = t.kind === 'binary' ? 1 : t.classes.length;
    if (!o) p.push(`output '${MODEL_IO.probs(t.name)}' (task ${t.name}) is missing`);
    else {
      if (o.dims.length !== 2 || (typeof o.dims[1] === 'number' && o.dims[1] !== k)) p.push(`output '${o.name}' has shape [${o.dims.join(', ')}], expected [batch, ${k}]`);
      // The inference worker reads each output as a Float32Array (the GPU path binds float32 buffers): a
      // DOUBLE or FLOAT16 output was listed usable, then every window's probabilities failed or were misread.
      if (o.elemType !== 'FLOAT') p.push(`output '${o.name}' is ${o.elemType}, expected FLOAT (probabilities)`);
    }
  }
  return p;
}
