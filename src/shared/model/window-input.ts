// From a synchronised window (the pipeline's output) to the tensors a model reads: channel selection
// by the model's contract, the µV ÷ 100 scaling, [1, C, N, 200] layout, and the presence flags. The
// renderer's inference worker and the offline tools use this same function, so live and offline
// inputs match. Bad windows throw ModelError(BadWindow) with the reason; the caller skips the window
// and the pipeline keeps running.
import { MODEL_RATE_HZ, type AbsentReason, type ModalityBlock, type QualityFlag, type SyncWindow } from '../window.types';
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
  /** For a modality absent for 'bad-quality': what made its channels unusable (unusableCounts), when every one names a cause. */
  unusable: Partial<Record<ModelModality, UnusableCounts>>;
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

/** The quality flags that make a channel unusable (score 0, dsp/quality.ts), in the order a channel's cause is picked. */
export const UNUSABLE_CAUSES = ['railed', 'flat', 'no-qrs', 'missing'] as const satisfies readonly QualityFlag[];
export type UnusableCause = (typeof UNUSABLE_CAUSES)[number];
/** Per cause, how many channels of a modality it makes unusable. */
export type UnusableCounts = Partial<Record<UnusableCause, number>>;

const CAUSE_WORDS: Readonly<Record<UnusableCause, { word: string; every: string; one: string }>> = {
  railed: { word: 'railed', every: 'railed', one: 'is railed' },
  flat: { word: 'flat', every: 'flat', one: 'is a flat line' },
  'no-qrs': { word: 'no QRS', every: 'without a QRS', one: 'shows no QRS' },
  missing: { word: 'no samples', every: 'without samples', one: 'sent no samples' },
};

/** Each channel's cause (the first of UNUSABLE_CAUSES it carries), counted; null when a channel names none (or there are none). */
export function unusableCounts(channels: readonly { flags: readonly QualityFlag[] }[]): UnusableCounts | null {
  if (channels.length === 0) return null;
  const counts: UnusableCounts = {};
  for (const c of channels) {
    const cause = UNUSABLE_CAUSES.find((u) => c.flags.includes(u));
    if (!cause) return null;
    counts[cause] = (counts[cause] ?? 0) + 1;
  }
  return counts;
}

/**
 * Why every channel of a modality is unusable, from unusableCounts: 'every channel flat', 'ECG
 * shows no QRS' (one channel: `label`, else 'its one channel'), 'every channel unusable: 17 flat,
 * 2 railed' (the most first). The pipeline withholds the modality ('bad-quality') when every
 * channel scores 0, and 'signal quality too poor on every channel' left the researcher to find
 * which flag. The Windows panel, the Estimates panel and a session's stored predictions (which
 * keep the counts, not the labels) all say it in these words. Null when no channel is counted.
 */
export function unusableCountsText(counts: UnusableCounts, label = 'its one channel'): string | null {
  const present = UNUSABLE_CAUSES.map((u) => ({ u, n: counts[u] ?? 0 })).filter((x) => x.n > 0);
  const total = present.reduce((a, x) => a + x.n, 0);
  if (total === 0) return null;
  if (total === 1) return `${label} ${CAUSE_WORDS[present[0].u].one}`;
  if (present.length === 1) return `every channel ${CAUSE_WORDS[present[0].u].every}`;
  present.sort((a, b) => b.n - a.n);
  return `every channel unusable: ${present.map((x) => `${x.n} ${CAUSE_WORDS[x.u].word}`).join(', ')}`;
}

/** unusableCountsText over channels with their labels (the one channel named). */
export function unusableText(channels: readonly { label: string; flags: readonly QualityFlag[] }[]): string | null {
  const counts = unusableCounts(channels);
  return counts && unusableCountsText(counts, channels[0].label);
}

/**
 * A modality's reason after its name ('EEG: every channel flat'), the name said once when the
 * reason starts with it, a lead labelled 'ECG' (a Polar's, the simulated strap's): 'ECG shows no
 * QRS', which read 'ECG: ECG shows no QRS'. Here (why a window fed no model) and on the dashboard
 * (why no window came).
 */
export function modalityReasonText(modality: string, why: string): string {
  const name = modality.toUpperCase();
  return why.toUpperCase().startsWith(`${name} `) ? why : `${name}: ${why}`;
}

/** Why a modality is absent, in words: for 'bad-quality' with the counts known, what makes its channels unusable. */
export function absentWhyText(reason: string, unusable?: UnusableCounts | null, label?: string): string {
  return (reason === 'bad-quality' && unusable && unusableCountsText(unusable, label)) || absentReasonText(reason);
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
  const unusable: Partial<Record<ModelModality, UnusableCounts>> = {};
  for (const m of ['eeg', 'ecg'] as const) {
    const c = contract[m];
    if (!c) continue;
    const block = w[m];
    let tensor: ModelTensor | null = null;
    if (!block || !block.present) {
      absent[m] = block?.absentReason ?? 'no-device';
      const counts = block?.absentReason === 'bad-quality' ? unusableCounts(block.quality) : null;
      if (counts) unusable[m] = counts;
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
      .map(([m, r]) => modalityReasonText(m, absentWhyText(r, unusable[m as ModelModality], w[m as ModelModality]?.quality[0]?.label)))
      .join('; ');
    throw bad(`no modality of the model is present in this window (${why})`);
  }
  return { feeds, fed, absent, unusable };
}
