// The runs table's comparison: which arms get a column, and what a run's cell says.
import type { RunSummary } from '../../../../shared/train/job.types';
import { meanSdText } from '../../../../shared/train/report-text';

const MODALITY_SETS = ['fused', 'eeg', 'ecg'] as const;
/** Each modality set's columns: the model arms, then the baseline on the same folds beside them. */
const ARM_ORDER = MODALITY_SETS.flatMap((m) => [`${m}/pretrained`, `${m}/random`, `baseline/${m}`]);
/** Before any run has an evaluation: the shipped arm and its baseline, so the table says what it compares. */
const NO_EVALUATION_YET = ['fused/pretrained', 'baseline/fused'];

/**
 * The arm columns: every arm a listed run was evaluated with, each modality set's baseline next to
 * its model arms. A fixed list left out the EEG-only and ECG-only baselines and the random-init
 * ablations: an `evaluate --arms eeg` run showed its model's AUROC and '–' for the baseline.
 */
export function comparisonArms(runs: readonly RunSummary[]): string[] {
  const seen = new Set(runs.flatMap((r) => r.summary?.arms.map((a) => a.arm) ?? []));
  const arms = ARM_ORDER.filter((a) => seen.has(a));
  return arms.length ? arms : NO_EVALUATION_YET;
}

/** A run's AUROC for an arm: mean ± sd over the folds, marked where the mean is over fewer folds (a test fold of one class); '–' when the run has no such arm. */
export function armCell(r: RunSummary, arm: string): string {
  const a = r.summary?.arms.find((x) => x.arm === arm);
  if (!a || a.auroc === null || !Number.isFinite(a.auroc)) return '–';
  // The summary keeps no fold count of a whole mean: an sd means two folds or more, none means one.
  const n = a.aurocFolds?.[0] ?? (a.aurocSd === null ? 1 : 2);
  return meanSdText({ mean: a.auroc, sd: a.aurocSd ?? NaN, n }, a.aurocFolds?.[1] ?? n, { spellFolds: true });
}
