// The runs table's comparison: which arms get a column, and what a run's cell says.
import type { RunSummary } from '../../../../shared/train/job.types';
import { fmt3 } from './use-training';

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
  if (!a) return '–';
  return `${fmt3(a.auroc)}${a.aurocSd !== null ? ` ± ${fmt3(a.aurocSd)}` : ''}${a.aurocFolds ? `* (${a.aurocFolds[0]} of ${a.aurocFolds[1]} folds)` : ''}`;
}
