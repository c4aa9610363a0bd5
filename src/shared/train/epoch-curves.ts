// Which fit's epochs the Training view's "validation per epoch" chart draws. A job fine-tunes many
// times — every fold of every arm, then the final fit on all subjects, which has no validation
// subjects — and its epoch records arrive in that order.
import type { EpochRecord } from './train.types';

export interface FitCurve {
  /** The fit's phase ('evaluate fused/pretrained fold 2/4', 'final-fit'), or null when there is none. */
  label: string | null;
  epochs: EpochRecord[];
  /** Whether the fit has validation metrics (else only its training loss). */
  validated: boolean;
}

/** Fine-tuning epochs (folds, the final fit); pretraining's epochs are its loss summaries. */
const isFit = (e: EpochRecord) => e.validation !== null || e.fold !== undefined || e.phase === 'final-fit';

/**
 * The epochs of the latest fit with validation metrics — so that a finished run still shows the
 * last fold's validation curve rather than the final fit's, which has none — else of the latest fit.
 */
export function latestFitCurve(epochs: readonly EpochRecord[]): FitCurve {
  const fits = epochs.filter(isFit);
  const same = (a: EpochRecord, b: EpochRecord) => a.phase === b.phase && a.fold === b.fold && a.arm === b.arm;
  const lastValidated = [...fits].reverse().find((e) => e.validation !== null);
  const pick = lastValidated ?? fits[fits.length - 1];
  if (!pick) return { label: null, epochs: [], validated: false };
  return { label: pick.phase, epochs: fits.filter((e) => same(e, pick)), validated: !!lastValidated };
}
