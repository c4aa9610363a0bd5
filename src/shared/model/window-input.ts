// From a synchronised window (the pipeline's output) to the tensors a model reads: channel selection
// by the model's contract, the µV ÷ 100 scaling, [1, C, N, 200] layout, and the presence flags. The
// renderer's inference worker and the offline tools use this same function, so live and offline
// inputs match. Bad windows throw ModelError(BadWindow) with the reason; the caller skips the window
// and the pipeline keeps running.
import { MODEL_RATE_HZ, type AbsentReason, type ModalityBlock, type SyncWindow } from '../window.types';
import { matchChannels } from './card';
import { MODEL_IO } from './config';
import { ModelError, ModelErrorCode } from './model-error';
import type { InputContract, ModelModality } from './model.types';

export interface ModelTensor {
  data: Float32Array;
  dims: number[];
}

export interface PreparedWindow {
  /** Feeds by ONNX input name: `<m>` [1, C, N, P] and `<m>_present` [1] for every modality of the model. */
  feeds: Record<string, ModelTensor>;
  /** Modalities whose signal feeds this answer. */
  fed: ModelModality[];
  /** Why a modality of the model did not feed it. */
  absent: Partial<Record<ModelModality, string>>;
}

/** Why a modality did not feed a window, in words (the dashboard's "no ECG (…)" and skip messages). */
export const ABSENT_REASON_TEXT: Readonly<Record<AbsentReason, string>> = {
  'no-device': 'no device connected',
  gap: 'a gap in its stream',
  starting: 'its stream had not started yet, nothing lost',
  'warming-up': 'its filters are still settling',
  'bad-quality': 'signal quality too poor on every channel',
};

export function absentReasonText(reason: string): string {
  return ABSENT_REASON_TEXT[reason as AbsentReason] ?? reason;
}

function bad(message: string): ModelError {
  return new ModelError(ModelErrorCode.BadWindow, message);
}

function blockTensor(m: ModelModality, block: ModalityBlock, indices: number[], samples: number, patch: number, divisor: number): ModelTensor {
  const c = indices.length;
  const n = samples / patch;
  const out = new Float32Array(c * samples);
  for (let k = 0; k < c; k++) {
    const src = indices[k] * samples;
    for (let i = 0; i < samples; i++) {
      const v = block.data[src + i];
      if (!Number.isFinite(v)) throw bad(`${m.toUpperCase()} channel ${block.channels[indices[k]]} holds ${v} at sample ${i}: the window is skipped`);
      out[k * samples + i] = v / divisor;
    }
  }
  // Planar [C × samples] is already [C, N, P] row-major.
  return { data: out, dims: [1, c, n, patch] };
}

/** Tensors for one window under a model's input contract. Throws ModelError(BadWindow). */
export function prepareWindow(w: SyncWindow, contract: InputContract): PreparedWindow {
  if (w.rateHz !== contract.rateHz) throw bad(`the window is at ${w.rateHz} Hz, the model reads ${contract.rateHz} Hz`);
  if (contract.rateHz !== MODEL_RATE_HZ) throw bad(`the model's rate ${contract.rateHz} Hz is not the pipeline's ${MODEL_RATE_HZ} Hz`);
  const want = contract.windowSeconds * contract.rateHz;
  if (w.samples !== want) throw bad(`the window holds ${w.samples} samples (${(w.samples / w.rateHz).toFixed(2)} s), the model reads ${contract.windowSeconds} s = ${want}`);
  const patch = contract.rateHz; // 1-s patches
  const feeds: Record<string, ModelTensor> = {};
  const fed: ModelModality[] = [];
  const absent: Partial<Record<ModelModality, string>> = {};
  for (const m of ['eeg', 'ecg'] as const) {
    const c = contract[m];
    if (!c) continue;
    const block = w[m];
    let tensor: ModelTensor | null = null;
    if (!block || !block.present) {
      absent[m] = block?.absentReason ?? 'no-device';
    } else {
      if (block.data.length !== block.channels.length * w.samples) {
        throw bad(`${m.toUpperCase()} block holds ${block.data.length} values for ${block.channels.length} channels × ${w.samples} samples`);
      }
      const match = matchChannels(c, block.channels);
      if ('missing' in match) throw bad(`${m.toUpperCase()} does not fit the model: ${match.reason}`);
      tensor = blockTensor(m, block, match.indices, w.samples, patch, c.scaleDivisor);
      fed.push(m);
    }
    // An absent modality still needs a tensor for the graph: one zero patch is the cheapest; its
    // presence flag 0 makes the model use the learned absent embedding instead.
    feeds[MODEL_IO.input(m)] = tensor ?? { data: new Float32Array(patch), dims: [1, 1, 1, patch] };
    feeds[MODEL_IO.present(m)] = { data: new Float32Array([tensor ? 1 : 0]), dims: [1] };
  }
  if (fed.length === 0) {
    const why = Object.entries(absent)
      .map(([m, r]) => `${m.toUpperCase()}: ${absentReasonText(r)}`)
      .join('; ');
    throw bad(`no modality of the model is present in this window (${why})`);
  }
  return { feeds, fed, absent };
}
