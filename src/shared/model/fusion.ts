// The fused model (arXiv 2512.15250's "simple fusion"): each encoder's features are pooled to one
// embedding, the embeddings are concatenated in a fixed order [EEG, ECG], and an MLP head answers
// the declared tasks. Written once against TensorOps like the encoder.
//
// Pooling: the mean over channels and patches (CBraMod's `avgpooling_patch_reps`). It accepts any
// channel/lead and patch count, so a 4-channel headset and a 19-channel cap feed the same head, and
// it is order-invariant over channels.
//
// Absent modality: each modality has a learned embedding `absent_<m>` (zeros at init). Per window,
// present[b] ∈ {0, 1} selects pooled features or that embedding: e = absent + present·(pooled − absent).
// Trained with modality dropout, the head learns to answer from the remaining modality; the output
// records which modalities fed it.
import { cbramodEncoder } from './cbramod';
import { taskOutputs } from './config';
import type { FusedModelConfig, ModelModality } from './model.types';
import { ParamTaker, type TensorOps } from './ops';

export type FusedParams<T> = {
  eeg?: Record<string, T>;
  ecg?: Record<string, T>;
  head: Record<string, T>;
};

export interface FusedInputs<T> {
  /** [B, C, N, P] µV ÷ 100; null/undefined = absent for the whole batch. */
  eeg?: T | null;
  /** [B, L, N, P] µV ÷ 100. */
  ecg?: T | null;
  /** [B] 1 = present, 0 = absent for that window (default: all present when the tensor is given). */
  eegPresent?: T | null;
  ecgPresent?: T | null;
}

export interface FusedOutputs<T> {
  /** Per task: [B, 1] (binary) or [B, K] (multiclass) logits. */
  logits: Record<string, T>;
  /** The concatenated embedding [B, width] (only when asked). */
  embedding?: T;
}

/** Mean over channels and patches: [B, C, N, d] → [B, d]. */
export function poolFeatures<T, D>(ops: TensorOps<T, D>, features: T): T {
  return ops.mean(features, [1, 2], false);
}

function disposeRecord<T, D>(ops: TensorOps<T, D>, r: Record<string, T> | undefined): void {
  if (r) for (const v of Object.values(r)) ops.drop(v);
}

/**
 * The fused forward. Consumes params and inputs. At least one modality of the model must be given.
 */
export function fusedForward<T, D>(
  ops: TensorOps<T, D>,
  c: FusedModelConfig,
  params: FusedParams<T>,
  inputs: FusedInputs<T>,
  opts: { returnEmbedding?: boolean } = {},
): FusedOutputs<T> {
  const modalities: ModelModality[] = [];
  if (c.eeg) modalities.push('eeg');
  if (c.ecg) modalities.push('ecg');

  // Extra inputs for a modality the model does not have are dropped, as are its presence flags.
  for (const m of ['eeg', 'ecg'] as const) {
    if (!c[m]) {
      if (inputs[m]) ops.drop(inputs[m]!);
      const pres = inputs[`${m}Present`];
      if (pres) ops.drop(pres);
      disposeRecord(ops, params[m]);
    }
  }
  const given = modalities.filter((m) => inputs[m]);
  if (given.length === 0) {
    for (const m of modalities) {
      const pres = inputs[`${m}Present`];
      if (pres) ops.drop(pres);
      disposeRecord(ops, params[m]);
    }
    disposeRecord(ops, params.head);
    throw new Error(`fusedForward: no input for any modality of the model (${modalities.join(', ')})`);
  }

  const pooled: Partial<Record<ModelModality, T>> = {};
  for (const m of given) {
    const enc = c[m]!;
    const encParams = params[m];
    if (!encParams) throw new Error(`fusedForward: parameters of the ${m} encoder are missing`);
    const { features } = cbramodEncoder(ops, enc, encParams, inputs[m]!, { prefix: `${m}.` });
    pooled[m] = poolFeatures(ops, features);
  }
  const present: Partial<Record<ModelModality, T | null>> = {};
  for (const m of modalities) {
    if (pooled[m] === undefined) disposeRecord(ops, params[m]);
    present[m] = inputs[`${m}Present`] ?? null;
  }
  return fusionHead(ops, c, params.head, pooled, present, opts);
}

/**
 * The head alone, from pooled embeddings [B, dModel] per modality (what fusedForward computes from
 * the encoders; offline training feeds cached embeddings of frozen encoders here). A modality of
 * the model without an embedding uses its learned absent embedding; `present[m]` [B] mixes per
 * window. Consumes the head parameters, the embeddings and the presence flags.
 */
export function fusionHead<T, D>(
  ops: TensorOps<T, D>,
  c: FusedModelConfig,
  headParams: Record<string, T>,
  pooled: Partial<Record<ModelModality, T>>,
  present: Partial<Record<ModelModality, T | null>> = {},
  opts: { returnEmbedding?: boolean } = {},
): FusedOutputs<T> {
  const head = new ParamTaker(ops, headParams, 'head.');
  const modalities: ModelModality[] = [];
  if (c.eeg) modalities.push('eeg');
  if (c.ecg) modalities.push('ecg');
  for (const m of ['eeg', 'ecg'] as const) {
    if (c[m]) continue;
    if (pooled[m] !== undefined) ops.drop(pooled[m]!);
    if (present[m]) ops.drop(present[m]!);
  }
  const given = modalities.filter((m) => pooled[m] !== undefined);
  if (given.length === 0) {
    for (const m of modalities) if (present[m]) ops.drop(present[m]!);
    head.finish();
    throw new Error(`fusionHead: no embedding for any modality of the model (${modalities.join(', ')})`);
  }
  const B = ops.dims(pooled[given[0]]!)[0];

  const parts: T[] = [];
  for (const m of modalities) {
    const absent = head.take(`absent_${m}`);
    const pres = present[m];
    const d = c[m]!.dModel;
    const pm = pooled[m];
    if (pm === undefined) {
      if (pres) ops.drop(pres);
      parts.push(ops.expand(ops.reshape(absent, [1, d]), [B, d]));
    } else if (pres) {
      const w = ops.reshape(pres, [B, 1]);
      parts.push(ops.add(ops.mul(ops.sub(pm, ops.keep(absent)), w), absent));
    } else {
      ops.drop(absent);
      parts.push(pm);
    }
  }
  const z = parts.length === 1 ? parts[0] : ops.concat(parts, 1);

  let h: T;
  const embeddingOut = opts.returnEmbedding ? ops.keep(z) : undefined;
  if (c.head.hidden > 0) {
    h = ops.elu(ops.linear(z, head.take('fc1.weight'), head.take('fc1.bias')));
    h = ops.dropout(h, c.head.dropout);
  } else {
    h = z;
  }
  const out = ops.linear(h, head.take('fc2.weight'), head.take('fc2.bias'));
  head.finish();

  const logits: Record<string, T> = {};
  let at = 0;
  c.tasks.forEach((t, i) => {
    const k = taskOutputs(t);
    logits[t.name] = c.tasks.length === 1 ? out : ops.slice(i < c.tasks.length - 1 ? ops.keep(out) : out, 1, at, at + k);
    at += k;
  });
  return embeddingOut === undefined ? { logits } : { logits, embedding: embeddingOut };
}

/** Sigmoid for binary tasks ([B, 1] → P(positive class)), softmax for multiclass. Consumes logits. */
export function taskProbabilities<T, D>(ops: TensorOps<T, D>, c: FusedModelConfig, logits: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const t of c.tasks) out[t.name] = t.kind === 'binary' ? ops.sigmoid(logits[t.name]) : ops.softmax(logits[t.name], 1);
  return out;
}
