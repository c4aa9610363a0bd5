// Subject-wise splits: every window of a subject lands in exactly one of train / validation /
// test, so a model is always scored on people it has never seen. Window-wise random splits of
// physiological data leak the subject's identity into the test set and inflate every metric.
import { EvalError, EvalErrorCode, type SubjectFold, type SubjectId } from './eval.types';
import { seededRandom, shuffled } from '../seeded-random';

export interface SplitOptions {
  /**
   * Window labels (non-negative integer classes). With them, k-fold balances each class's share
   * across folds and the validation subjects are chosen to cover every class, where possible.
   */
  labels?: ArrayLike<number>;
  /** Subjects held out of each fold's training set for validation / model selection. Default 0. */
  validationSubjects?: number;
  /** Seed of every random choice (subject order, validation subjects). Default 0. */
  seed?: number;
}

interface SubjectTable {
  /** Distinct subjects, sorted naturally ("S2" before "S10"). */
  ids: SubjectId[];
  /** Window indices of each subject, ascending. */
  windows: Map<SubjectId, number[]>;
  /** Class counts of each subject (empty arrays without labels). */
  classCounts: Map<SubjectId, number[]>;
  numClasses: number;
}

const naturalOrder = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

function tabulate(subjects: ArrayLike<SubjectId | number>, labels: ArrayLike<number> | undefined): SubjectTable {
  const n = subjects.length;
  if (n === 0) throw new EvalError(EvalErrorCode.Empty, 'subject split: no windows');
  if (labels && labels.length !== n) throw new EvalError(EvalErrorCode.LengthMismatch, `subject split: ${n} subjects but ${labels.length} labels`);
  let numClasses = 0;
  if (labels) {
    for (let i = 0; i < n; i++) {
      const v = labels[i];
      if (!Number.isInteger(v) || v < 0) throw new EvalError(EvalErrorCode.BadLabel, `subject split: label ${String(v)} at window ${i} is not a non-negative integer class`);
      numClasses = Math.max(numClasses, v + 1);
    }
  }
  const windows = new Map<SubjectId, number[]>();
  for (let i = 0; i < n; i++) {
    const s = subjects[i];
    if ((typeof s !== 'string' && typeof s !== 'number') || s === '') throw new EvalError(EvalErrorCode.BadSplit, `subject split: window ${i} has no subject`);
    const id = String(s);
    let w = windows.get(id);
    if (!w) windows.set(id, (w = []));
    w.push(i);
  }
  const ids = [...windows.keys()].sort(naturalOrder);
  const classCounts = new Map<SubjectId, number[]>();
  for (const id of ids) {
    const c = new Array<number>(numClasses).fill(0);
    if (labels) for (const i of windows.get(id)!) c[labels[i]]++;
    classCounts.set(id, c);
  }
  return { ids, windows, classCounts, numClasses };
}

function windowsOf(table: SubjectTable, ids: SubjectId[]): Int32Array {
  const out: number[] = [];
  for (const id of ids) out.push(...table.windows.get(id)!);
  return Int32Array.from(out.sort((a, b) => a - b));
}

/** Picks `count` validation subjects from `candidates`, seeded, covering every class the candidates have where possible. */
function pickValidation(table: SubjectTable, candidates: SubjectId[], count: number, random: () => number): SubjectId[] {
  if (count === 0) return [];
  const order = shuffled(candidates, random);
  const chosen = order.slice(0, count);
  const rest = order.slice(count);
  for (let c = 0; c < table.numClasses; c++) {
    const has = (id: SubjectId) => table.classCounts.get(id)![c] > 0;
    if (chosen.some(has)) continue;
    const inRest = rest.findIndex(has);
    if (inRest < 0) continue; // no candidate has this class: cannot cover it
    // Replace the last chosen subject whose removal loses no class the validation set covers only through it.
    for (let j = chosen.length - 1; j >= 0; j--) {
      const without = chosen.filter((_, k) => k !== j);
      const losesClass = table.classCounts.get(chosen[j])!.some((cnt, cls) => cnt > 0 && !without.some((id) => table.classCounts.get(id)![cls] > 0));
      if (!losesClass) {
        rest.push(chosen[j]);
        chosen[j] = rest.splice(inRest, 1)[0];
        break;
      }
    }
  }
  return chosen.sort(naturalOrder);
}

function makeFold(table: SubjectTable, index: number, testIds: SubjectId[], opts: SplitOptions, subjects: ArrayLike<SubjectId | number>): SubjectFold {
  const v = opts.validationSubjects ?? 0;
  const testSet = new Set(testIds);
  const others = table.ids.filter((id) => !testSet.has(id));
  if (v >= others.length) {
    throw new EvalError(EvalErrorCode.BadSplit, `fold ${index}: ${v} validation subject(s) asked for, but only ${others.length} subject(s) remain outside the test set (at least one must train)`);
  }
  // One random stream per fold, so that fold i's validation subjects do not depend on how many folds there are.
  const random = seededRandom(((opts.seed ?? 0) * 1000003 + index * 7919) | 0);
  const validationSubjects = pickValidation(table, others, v, random);
  const valSet = new Set(validationSubjects);
  const trainSubjects = others.filter((id) => !valSet.has(id));
  const fold: SubjectFold = {
    index,
    trainSubjects,
    validationSubjects,
    testSubjects: [...testIds].sort(naturalOrder),
    train: windowsOf(table, trainSubjects),
    validation: windowsOf(table, validationSubjects),
    test: windowsOf(table, testIds),
  };
  assertSubjectDisjoint(subjects, fold);
  return fold;
}

function checkOptions(opts: SplitOptions): void {
  const v = opts.validationSubjects ?? 0;
  if (!Number.isInteger(v) || v < 0) throw new EvalError(EvalErrorCode.BadOption, `validationSubjects must be a non-negative integer, got ${v}`);
  if (opts.seed !== undefined && !Number.isFinite(opts.seed)) throw new EvalError(EvalErrorCode.BadOption, `seed must be a finite number, got ${opts.seed}`);
}

/**
 * The label of a fold in tables and in `FoldPredictions.fold`: its test subject when it has one
 * (leave-one-subject-out), else its 1-based number. One rule for the writer and every reader: a
 * subject id may itself be a number ('2', an EDF patient code), so a reader matching rows by the
 * fold number would take subject 2's row for fold 2.
 */
export function foldLabel(fold: Pick<SubjectFold, 'index' | 'testSubjects'>): string {
  return fold.testSubjects.length === 1 ? fold.testSubjects[0] : String(fold.index + 1);
}

/**
 * Leave-one-subject-out: one fold per subject (in natural order of the ids), that subject's
 * windows are the test set, all others train (minus `validationSubjects` of them, seeded).
 * `subjects` gives the subject of each window.
 */
export function leaveOneSubjectOut(subjects: ArrayLike<SubjectId | number>, opts: SplitOptions = {}): SubjectFold[] {
  checkOptions(opts);
  const table = tabulate(subjects, opts.labels);
  if (table.ids.length < 2) throw new EvalError(EvalErrorCode.BadSplit, `leave-one-subject-out needs at least 2 subjects, got ${table.ids.length}`);
  return table.ids.map((id, i) => makeFold(table, i, [id], opts, subjects));
}

/**
 * k-fold by subject, seeded: each subject's windows go to one test fold; folds get ⌊S/k⌋ or
 * ⌈S/k⌉ subjects. Subjects are shuffled by `seed`, then (with labels) taken most class-skewed
 * first and each is put in the fold, among those with room, that keeps every class's share
 * across folds most even (the criterion of scikit-learn's StratifiedGroupKFold: mean over
 * classes of the sd across folds of the fold's share of that class); ties go to the fold with
 * fewer windows, then the lower fold number. Without labels only the window counts are balanced.
 */
export function subjectKFold(subjects: ArrayLike<SubjectId | number>, k: number, opts: SplitOptions = {}): SubjectFold[] {
  checkOptions(opts);
  const table = tabulate(subjects, opts.labels);
  const S = table.ids.length;
  if (!Number.isInteger(k) || k < 2) throw new EvalError(EvalErrorCode.BadOption, `k-fold needs an integer k ≥ 2, got ${k}`);
  if (k > S) throw new EvalError(EvalErrorCode.BadSplit, `${k}-fold by subject needs at least ${k} subjects, got ${S}`);
  const random = seededRandom(opts.seed ?? 0);
  let order = shuffled(table.ids, random);
  const C = table.numClasses;
  const classTotals = new Array<number>(C).fill(0);
  for (const id of table.ids) table.classCounts.get(id)!.forEach((c, j) => (classTotals[j] += c));
  if (C > 0) {
    const spread = (id: SubjectId) => populationSd(table.classCounts.get(id)!);
    order = order.map((id, i) => ({ id, i, s: spread(id) })).sort((a, b) => b.s - a.s || a.i - b.i).map((x) => x.id);
  }
  const capacity = Array.from({ length: k }, (_, f) => Math.floor(S / k) + (f < S % k ? 1 : 0));
  const members: SubjectId[][] = Array.from({ length: k }, () => []);
  const counts: number[][] = Array.from({ length: k }, () => new Array<number>(C).fill(0));
  const sizes = new Array<number>(k).fill(0);
  for (const id of order) {
    const cc = table.classCounts.get(id)!;
    let best = -1;
    let bestEval = Infinity;
    for (let f = 0; f < k; f++) {
      if (members[f].length >= capacity[f]) continue;
      let ev = 0;
      for (let c = 0; c < C; c++) {
        if (classTotals[c] === 0) continue;
        const shares = counts.map((row, g) => (row[c] + (g === f ? cc[c] : 0)) / classTotals[c]);
        ev += populationSd(shares);
      }
      ev = C > 0 ? ev / C : 0;
      const better = best < 0 || ev < bestEval - 1e-12 || (Math.abs(ev - bestEval) <= 1e-12 && sizes[f] < sizes[best]);
      if (better) {
        best = f;
        bestEval = ev;
      }
    }
    members[best].push(id);
    cc.forEach((c, j) => (counts[best][j] += c));
    sizes[best] += table.windows.get(id)!.length;
  }
  return members.map((ids, f) => makeFold(table, f, ids, opts, subjects));
}

function populationSd(xs: number[]): number {
  if (xs.length === 0) return 0;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) * (x - m), 0) / xs.length);
}

/**
 * The leakage guard: throws EvalError 'subject-leakage' if any subject has windows in more than
 * one of the fold's train / validation / test sets, and 'bad-split' if a window index is out of
 * range or listed twice. Every split made here passes through it; call it on hand-made splits too.
 */
export function assertSubjectDisjoint(subjects: ArrayLike<SubjectId | number>, fold: Pick<SubjectFold, 'train' | 'validation' | 'test'> & { index?: number }): void {
  const where = new Map<SubjectId, string>();
  const seen = new Uint8Array(subjects.length);
  const leaks = new Set<string>();
  const label = fold.index === undefined ? 'split' : `fold ${fold.index}`;
  for (const [part, idx] of [['train', fold.train], ['validation', fold.validation], ['test', fold.test]] as const) {
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k];
      if (!Number.isInteger(i) || i < 0 || i >= subjects.length) throw new EvalError(EvalErrorCode.BadSplit, `${label}: ${part} window index ${i} is outside 0..${subjects.length - 1}`);
      if (seen[i]) throw new EvalError(EvalErrorCode.BadSplit, `${label}: window ${i} is listed twice`);
      seen[i] = 1;
      const id = String(subjects[i]);
      const prev = where.get(id);
      if (prev === undefined) where.set(id, part);
      else if (prev !== part) leaks.add(`${id} (${prev} and ${part})`);
    }
  }
  if (leaks.size > 0) {
    throw new EvalError(EvalErrorCode.SubjectLeakage, `${label}: subject(s) in more than one set: ${[...leaks].join(', ')}`);
  }
}
