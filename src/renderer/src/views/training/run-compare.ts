// The runs table's comparison: which arms get a column, and what a run's cell says.
import type { RunSummary } from '../../../../shared/train/job.types';
import { meanSdText } from '../../../../shared/train/report-text';

const MODALITY_SETS = ['fused', 'eeg', 'ecg'] as const;
/** Each modality set's columns: the model arms, then the baseline on the same folds beside them. */
const ARM_ORDER = MODALITY_SETS.flatMap((m) => [`${m}/pretrained`, `${m}/random`, `baseline/${m}`]);
/** States of a run whose evaluation may still come (a resume continues a paused or interrupted one). */
const STILL_TO_REPORT = new Set<RunSummary['state']>(['queued', 'running', 'paused', 'interrupted']);

/** The arms a run will report and has not yet: its planned ones while it has no evaluated arm and may still get them. */
function armsToCome(r: RunSummary): readonly string[] {
  return STILL_TO_REPORT.has(r.state) && !r.summary?.arms.length ? r.plannedArms : [];
}

/**
 * The arm columns: every arm a listed run was evaluated with or will report (armsToCome), each
 * modality set's baseline next to its model arms; none when no run evaluates. A fixed list left out
 * the EEG-only and ECG-only baselines and the random-init ablations (an `evaluate --arms eeg` run
 * showed its model's AUROC and '–' for the baseline), and before any evaluation the placeholders
 * 'fused/pretrained' and 'baseline/fused' stood over a running fused/random run.
 */
export function comparisonArms(runs: readonly RunSummary[]): string[] {
  const seen = new Set(runs.flatMap((r) => [...(r.summary?.arms.map((a) => a.arm) ?? []), ...armsToCome(r)]));
  return ARM_ORDER.filter((a) => seen.has(a));
}

/**
 * A run's AUROC for an arm: mean ± sd over the folds, marked where the mean is over fewer folds (a
 * test fold of one class); '…' for an arm its evaluation will still report; '–' when it has no such arm.
 */
export function armCell(r: RunSummary, arm: string): string {
  const a = r.summary?.arms.find((x) => x.arm === arm);
  if (!a) return armsToCome(r).includes(arm) ? '…' : '–';
  if (a.auroc === null || !Number.isFinite(a.auroc)) return '–';
  // The summary keeps no fold count of a whole mean: an sd means two folds or more, none means one.
  const n = a.aurocFolds?.[0] ?? (a.aurocSd === null ? 1 : 2);
  return meanSdText({ mean: a.auroc, sd: a.aurocSd ?? NaN, n }, a.aurocFolds?.[1] ?? n, { spellFolds: true });
}
