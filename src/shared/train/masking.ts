// Pretraining masks. EEG: CBraMod's masked patch reconstruction, every patch masked independently
// with probability 0.5 (../shared/MODEL.md §4). ECG: the dual masking of arXiv 2512.15250 (whole
// leads, then time patches of the leads left visible). The paper publishes neither ratio nor the
// exact scheme; DEFAULT_ECG_MASK holds ours (docs/training.md says why).
//
// Masks are drawn from a counter-based generator (Threefry-2x32, model/prng.ts) keyed by the run's
// seed and the optimiser step, so the mask of step s is the same whether the run went straight
// through or was paused and resumed at s, on any machine.
import { threefry2x32, streamId } from '../model/prng';
import { TrainError, TrainErrorCode, type EcgMaskConfig, type EegMaskConfig, type MaskConfig } from './train.types';

export const DEFAULT_EEG_MASK: EegMaskConfig = { kind: 'eeg', patchRatio: 0.5 };
/**
 * ECG defaults: about a quarter of the leads masked whole (none with one lead, one of 2–5 leads,
 * 3 of 12), then half of the time patches of the visible leads, the same patches in every visible
 * lead, so that a masked instant cannot simply be copied from a neighbouring lead.
 */
export const DEFAULT_ECG_MASK: EcgMaskConfig = { kind: 'ecg', leadRatio: 0.25, patchRatio: 0.5, temporal: 'shared' };

/** Uniform in [0, 1) at counter (a, b) of stream `tag` under `seed` (24 bits, exact in float32). */
export function uniformAt(seed: number, tag: number, a: number, b: number): number {
  const [w] = threefry2x32(seed >>> 0, tag >>> 0, a >>> 0, b >>> 0);
  return (w >>> 8) / 16777216;
}

export function validateMask(m: MaskConfig): void {
  const p: string[] = [];
  // typeof first: a NaN ratio saved to config.json comes back as null, and null >= 0 is true in JS.
  const ratio = (x: number, name: string) => {
    if (typeof x !== 'number' || !(x >= 0 && x < 1)) p.push(`${name} must be a number in [0, 1), got ${String(x)}`);
  };
  if (m.kind === 'eeg') ratio(m.patchRatio, 'mask.patchRatio');
  else if (m.kind === 'ecg') {
    ratio(m.leadRatio, 'mask.leadRatio');
    ratio(m.patchRatio, 'mask.patchRatio');
    if (m.temporal !== 'shared' && m.temporal !== 'per-lead') p.push(`mask.temporal must be 'shared' or 'per-lead'`);
    if (m.leadRatio === 0 && m.patchRatio === 0) p.push('an ECG mask with both ratios 0 masks nothing');
  } else p.push(`unknown mask kind '${String((m as { kind: unknown }).kind)}'`);
  if (m.kind === 'eeg' && m.patchRatio === 0) p.push('an EEG mask with patchRatio 0 masks nothing');
  if (p.length) throw new TrainError(TrainErrorCode.BadConfig, p.join('; '), p);
}

const TAG_PATCH = streamId('mask.patch');
const TAG_LEAD = streamId('mask.lead');
const TAG_LEAD_COUNT = streamId('mask.lead-count');

/**
 * Mask [B, C, N] (1 = masked) for batch `step` of a run seeded `seed`. `sampleIds` (one per batch
 * row, e.g. the window's index in the corpus) make each window's mask independent of where it
 * lands in the batch. Every sample keeps at least one visible patch and masks at least one.
 */
export function drawMask(cfg: MaskConfig, B: number, C: number, N: number, seed: number, step: number, sampleIds?: ArrayLike<number>): Float32Array {
  const out = new Float32Array(B * C * N);
  for (let b = 0; b < B; b++) {
    const id = sampleIds ? sampleIds[b] : b;
    // Counter b mixes the step and the sample: (step, id) pairs never repeat within a run.
    const row = out.subarray(b * C * N, (b + 1) * C * N);
    if (cfg.kind === 'eeg') {
      for (let i = 0; i < C * N; i++) row[i] = uniformAt(seed, TAG_PATCH, id * C * N + i, step) < cfg.patchRatio ? 1 : 0;
    } else {
      ecgMaskInto(cfg, row, C, N, seed, step, id);
    }
    ensureSomeMaskedSomeVisible(row, seed, step, id);
  }
  return out;
}

function ecgMaskInto(cfg: EcgMaskConfig, row: Float32Array, L: number, N: number, seed: number, step: number, id: number): void {
  // Lead-wise: k = stochastic rounding of leadRatio × L, at most L − 1, chosen by a seeded shuffle.
  let masked = new Uint8Array(L);
  if (L > 1 && cfg.leadRatio > 0) {
    const want = cfg.leadRatio * L;
    let k = Math.floor(want) + (uniformAt(seed, TAG_LEAD_COUNT, id, step) < want - Math.floor(want) ? 1 : 0);
    k = Math.min(k, L - 1);
    const order = Array.from({ length: L }, (_, i) => i).sort((a, b) => uniformAt(seed, TAG_LEAD, id * L + a, step) - uniformAt(seed, TAG_LEAD, id * L + b, step) || a - b);
    masked = new Uint8Array(L);
    for (let i = 0; i < k; i++) masked[order[i]] = 1;
  }
  for (let l = 0; l < L; l++) {
    for (let n = 0; n < N; n++) {
      if (masked[l]) {
        row[l * N + n] = 1;
        continue;
      }
      const counter = cfg.temporal === 'shared' ? id * N + n : (id * L + l) * N + n;
      row[l * N + n] = uniformAt(seed, TAG_PATCH, counter, step) < cfg.patchRatio ? 1 : 0;
    }
  }
}

/**
 * A sample whose mask came out all-visible (nothing to learn from) or all-masked (nothing to learn
 * with) gets one patch flipped, chosen by the same generator.
 */
function ensureSomeMaskedSomeVisible(row: Float32Array, seed: number, step: number, id: number): void {
  let ones = 0;
  for (let i = 0; i < row.length; i++) ones += row[i];
  if (ones > 0 && ones < row.length) return;
  if (row.length < 2) return;
  const i = Math.floor(uniformAt(seed, TAG_PATCH ^ 0x5bd1e995, id, step) * row.length);
  row[i] = ones === 0 ? 1 : 0;
}

/** Fraction of masked patches (for the log). */
export function maskedFraction(mask: Float32Array): number {
  let s = 0;
  for (let i = 0; i < mask.length; i++) s += mask[i];
  return mask.length ? s / mask.length : 0;
}
