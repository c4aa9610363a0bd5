// What a session's stored predictions say about their inputs, per model: how many windows each
// modality fed, and why it was absent from the others ('absent:<m>:<reason>' in the outputs,
// stored since the reason reached the core; older rows count as reason 'unrecorded'). A
// researcher reviewing a session tells "no strap" (no-device) from "strap dropped" (gap).
import type { Prediction } from '../session.types';

export interface ModalityFeedSummary {
  fed: number;
  absent: number;
  /** Absent windows per reason: an AbsentReason, or 'unrecorded' (a row stored without one). */
  reasons: Record<string, number>;
}

export interface PredictionSummary {
  modelId: string;
  windows: number;
  /** Per modality the model reads (those with a fed:<m> output). */
  modalities: Record<string, ModalityFeedSummary>;
}

const FED = /^fed:(.+)$/;

/** Per model, in order of first appearance. */
export function summarizePredictions(predictions: readonly Pick<Prediction, 'modelId' | 'outputs'>[]): PredictionSummary[] {
  const byModel = new Map<string, PredictionSummary>();
  for (const p of predictions) {
    let s = byModel.get(p.modelId);
    if (!s) byModel.set(p.modelId, (s = { modelId: p.modelId, windows: 0, modalities: {} }));
    s.windows++;
    for (const [key, v] of Object.entries(p.outputs)) {
      const m = FED.exec(key)?.[1];
      if (!m) continue;
      const f = (s.modalities[m] ??= { fed: 0, absent: 0, reasons: {} });
      if (v === 1) {
        f.fed++;
        continue;
      }
      f.absent++;
      const prefix = `absent:${m}:`;
      const reason = Object.keys(p.outputs).find((k) => k.startsWith(prefix) && p.outputs[k] === 1)?.slice(prefix.length) ?? 'unrecorded';
      f.reasons[reason] = (f.reasons[reason] ?? 0) + 1;
    }
  }
  return [...byModel.values()];
}

/** One line per model: `'eegmat' 120 windows: EEG fed 118, absent 2 (gap 2); ECG fed 0, absent 120 (no-device 100, gap 20)`. */
export function predictionSummaryText(s: PredictionSummary): string {
  const parts = Object.entries(s.modalities).map(([m, f]) => {
    const reasons = Object.entries(f.reasons)
      .sort((a, b) => b[1] - a[1])
      .map(([r, n]) => `${r} ${n}`)
      .join(', ');
    return `${m.toUpperCase()} fed ${f.fed}${f.absent ? `, absent ${f.absent} (${reasons})` : ''}`;
  });
  return `'${s.modelId}' ${s.windows} window${s.windows === 1 ? '' : 's'}${parts.length ? `: ${parts.join('; ')}` : ''}`;
}
