// Channel order of a window's modality block: which stream channel fills which row.
import { electrodeKey } from '../channel-label';
import type { StreamInfo } from '../stream.types';
import type { MontageSpec } from './pipeline.types';

/** The 19-channel 10-20 order CBraMod was pretrained on (../shared/MODEL.md §1), old T3/T4/T5/T6 names. */
export const TEN_TWENTY_19 = ['Fp1', 'Fp2', 'F3', 'F4', 'C3', 'C4', 'P3', 'P4', 'O1', 'O2', 'F7', 'F8', 'T3', 'T4', 'T5', 'T6', 'Fz', 'Cz', 'Pz'] as const;

export interface MontageSlot {
  label: string;
  /** Where the samples come from; null when no stream has this electrode. */
  source: { streamId: string; channel: number } | null;
}

/**
 * Resolves a montage over the streams of one modality (given in any order; 'device' order is by
 * stream id, then channel order as delivered). Returns the rows of the block in order.
 */
export function resolveMontage(spec: MontageSpec, streams: StreamInfo[]): MontageSlot[] {
  const sorted = [...streams].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byKey = new Map<string, { streamId: string; channel: number }>();
  for (const s of sorted) {
    s.channels.forEach((ch, i) => {
      const k = electrodeKey(ch.label);
      if (!byKey.has(k)) byKey.set(k, { streamId: s.id, channel: i });
    });
  }
  const device = (): MontageSlot[] => {
    // Two headsets of one model (or a Cyton beside a BrainFlow board) bring the same electrode
    // names: a later one is named after its device ('C3 (Muse-1A2B)'), so every row of the block
    // has its own name, and a model that takes channels by name reads the first device's C3 (the
    // suffixed label is no 10-20 name any more).
    const taken = new Set<string>();
    return sorted.flatMap((s) =>
      s.channels.map((ch, i) => {
        const k = electrodeKey(ch.label);
        // Two devices of one name too: the stream id, unique while the app runs.
        const label = !taken.has(k) ? ch.label : !taken.has(electrodeKey(`${ch.label} (${s.deviceName})`)) ? `${ch.label} (${s.deviceName})` : `${ch.label} (${s.id})`;
        taken.add(electrodeKey(label));
        return { label, source: { streamId: s.id, channel: i } };
      }),
    );
  };
  if (spec === 'device') return device();
  if (spec === 'auto') {
    const all = TEN_TWENTY_19.every((l) => byKey.has(electrodeKey(l)));
    return all ? TEN_TWENTY_19.map((l) => ({ label: l, source: byKey.get(electrodeKey(l)) ?? null })) : device();
  }
  return spec.map((l) => ({ label: l, source: byKey.get(electrodeKey(l)) ?? null }));
}

/**
 * Lead preference for R-peak detection, compared by electrodeKey (so EDF's 'ECG II' is lead 'II',
 * and 'ECG ECG' is 'ECG'); otherwise the first channel.
 */
const LEAD_PREFERENCE = ['II', 'MLII', 'ECG', 'LEAD II', 'ECG2', 'V5'];

/**
 * The lead (channel index) R peaks are detected on: the first of LEAD_PREFERENCE the stream has,
 * else the first channel. The dashboard draws the peaks on this lead's trace.
 */
export function rPeakLead(labels: readonly string[]): number {
  const keys = labels.map((l) => electrodeKey(l));
  return LEAD_PREFERENCE.map((l) => keys.indexOf(electrodeKey(l))).find((i) => i >= 0) ?? 0;
}
