// The evaluation report as the command line prints it: every arm (the baseline among them) with
// each metric's mean ± sd over the folds and the chance level under them, then each fold's AUROC
// per arm with its test subjects and windows per class — the numbers of report.json, so a
// researcher reading the terminal sees what the file holds.
import { BINARY_METRIC_NAMES, type BinaryMetricName } from '../eval/eval.types';
import type { EvaluationReport } from './train.types';
import { chanceLevels, meanSdText, partialMark } from '../eval/report';

// The one formatter of a mean ± sd over folds lives with the fold tables (the model card uses it too).
export { meanSdText, partialMark };

/** Each metric's column heading, in the terminal and the Training view alike. */
export const METRIC_HEADINGS: Record<BinaryMetricName, string> = {
  auroc: 'AUROC',
  aucPr: 'AUC-PR',
  f1: 'F1',
  f1Weighted: 'F1 (weighted)',
  balancedAccuracy: 'bal. acc.',
  cohenKappa: 'κ',
  accuracy: 'accuracy',
};

/** The metrics an arm is shown with, in this order (the CLI's report and the Training view's table): the field's (issue 6), accuracy left to report.json. */
export const ARM_METRICS = BINARY_METRIC_NAMES.filter((m) => m !== 'accuracy');

const cell = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(3));

/** The footnote of a mean taken over fewer folds than the evaluation made ('*'). */
export function partialFoldsNote(folds: number): string {
  return `* over fewer than the ${folds} folds: undefined in a fold whose test windows hold one class (report.json notes which)`;
}

/** The chance row's footnote: what chance means for each figure, in the task's class names. */
export function chanceNote(positiveClass: string): string {
  return `chance: what a guess that ignores the window scores (AUC-PR: the share of '${positiveClass}' among the test windows, mean over the folds; F1 has none, it depends on how often the guess says '${positiveClass}')`;
}

/**
 * Each metric's chance level on the report's test folds: report.json's `chance`, or for a report
 * written before it was kept, from its first arm's folds (every arm is scored on the same test windows).
 */
export function reportChance(r: EvaluationReport): Record<BinaryMetricName, number | null> {
  return r.chance ?? chanceLevels(r.arms[0]?.table.rows ?? []);
}

/** A fold's test windows per class: '35 rest, 12 arithmetic'. */
function testWindowsText(n: number, positives: number, classes: readonly string[]): string {
  return `${n - positives} ${classes[0] ?? 'negative'}, ${positives} ${classes[1] ?? 'positive'}`;
}

/**
 * Lines of the report: the protocol, the mean ± sd table (n of folds marked where a metric is
 * undefined in some) with the chance level under it, AUROC per fold with each fold's test subjects
 * and test windows per class.
 */
export function reportLines(r: EvaluationReport): string[] {
  const folds = r.folds.length;
  const armWidth = Math.max(14, ...r.arms.map((a) => a.arm.length)) + 2;
  const col = 16;
  const out = [`${r.task.name}: ${r.protocol}`, `${'mean ± sd'.padEnd(armWidth)}${ARM_METRICS.map((m) => METRIC_HEADINGS[m].padEnd(col)).join('')}`.trimEnd()];
  let partial = false;
  for (const a of r.arms) {
    const cells = ARM_METRICS.map((m) => {
      const s = a.table.summary[m];
      if (partialMark(s, folds)) partial = true;
      return meanSdText(s, folds).padEnd(col);
    });
    out.push(`${a.arm.padEnd(armWidth)}${cells.join('')}`.trimEnd());
  }
  const chance = reportChance(r);
  const chanceShown = ARM_METRICS.some((m) => chance[m] !== null);
  if (chanceShown) out.push(`${'chance'.padEnd(armWidth)}${ARM_METRICS.map((m) => cell(chance[m]).padEnd(col)).join('')}`.trimEnd());
  if (partial) out.push(partialFoldsNote(folds));
  if (chanceShown) out.push(chanceNote(r.task.classes[1] ?? 'positive'));
  const armCol = (arm: string) => Math.max(col, arm.length + 2);
  out.push('', `${'AUROC per fold'.padEnd(armWidth)}${r.arms.map((a) => a.arm.padEnd(armCol(a.arm))).join('')}test subjects (test windows)`);
  r.folds.forEach((f, i) => {
    // Each arm's rows are written in fold order (crossValidate): row i is fold i. Not a match on the
    // fold's number: a row's label is its test subject under leave-one-subject-out (foldLabel), and
    // a subject id may read as another fold's number (an EDF patient code '2').
    const vals = r.arms.map((a) => cell(a.table.rows[i]?.metrics.auroc ?? null).padEnd(armCol(a.arm)));
    const row = r.arms[0]?.table.rows[i];
    const windows = row ? ` (${testWindowsText(row.n, row.positives, r.task.classes)})` : '';
    out.push(`${`fold ${f.index + 1}`.padEnd(armWidth)}${vals.join('')}${f.testSubjects.join(', ')}${windows}`);
  });
  return out;
}
