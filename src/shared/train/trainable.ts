// What a dataset offers training, checked the same way before a run (the Training view's preview)
// and when it starts: the labelled windows with every modality the arms need, and the subject-wise
// folds they split into. Pure and light (no model code), so the core answers a preview without
// loading the model backend.
import { leaveOneSubjectOut, subjectKFold } from '../eval';
import { EvalError, type SubjectFold } from '../eval/eval.types';
import type { ModelModality } from '../model/model.types';
import type { LabelledWindow, WindowDataset } from '../datasets/windows.types';
import { TrainError, TrainErrorCode, type EvaluationConfig, type ModalitySet } from './train.types';
import { plural } from '../plural';
import { RECIPES } from './recipes';

export function modalitiesOf(set: ModalitySet): ModelModality[] {
  return set === 'fused' ? ['eeg', 'ecg'] : [set];
}

export interface TrainableData {
  windows: LabelledWindow[];
  labels: Int32Array;
  subjects: string[];
  /** Windows left out, in words. */
  notes: string[];
}

/**
 * The labelled windows training can use: a label, and every modality `need` present. Throws
 * TrainError(BadDataset) for a dataset with no task, one class only, or no usable window; lists
 * subjects left without windows and windows without labels in `notes`.
 */
export function trainableWindows(ds: WindowDataset, need: ModelModality[]): TrainableData {
  if (!ds.task) throw new TrainError(TrainErrorCode.BadDataset, `dataset '${ds.name}' has no task: choose a label source to fine-tune on it`);
  const notes: string[] = [];
  const unlabelled = ds.windows.filter((w) => w.label === null).length;
  if (unlabelled) notes.push(`${unlabelled} of ${plural(ds.windows.length, 'window')} ${unlabelled === 1 ? 'has' : 'have'} no label and ${unlabelled === 1 ? 'was' : 'were'} left out`);
  const missing = ds.windows.filter((w) => w.label !== null && need.some((m) => !w[m])).length;
  if (missing) notes.push(`${plural(missing, 'labelled window')} ${missing === 1 ? 'lacks' : 'lack'} ${need.map((m) => m.toUpperCase()).join(' or ')} and ${missing === 1 ? 'was' : 'were'} left out`);
  const windows = ds.windows.filter((w) => w.label !== null && need.every((m) => w[m]));
  if (windows.length === 0) throw new TrainError(TrainErrorCode.BadDataset, `dataset '${ds.name}' has no labelled window with ${need.map((m) => m.toUpperCase()).join(' and ')}${notes.length ? ` (${notes.join('; ')})` : ''}`);
  const labels = Int32Array.from(windows, (w) => w.label!);
  const classes = new Set(labels);
  if (classes.size < 2) {
    const only = ds.task.classes[labels[0]] ?? String(labels[0]);
    const missing = ds.task.classes.filter((_, k) => k !== labels[0]);
    throw new TrainError(TrainErrorCode.BadDataset, `dataset '${ds.name}' holds one class only ('${only}', ${plural(windows.length, 'window')}): no window of class ${missing.map((c) => `'${c}'`).join(', ')}, and a classifier needs both ${ds.task.classes.join(' and ')}`);
  }
  const withWindows = new Set(windows.map((w) => w.subject));
  const empty = [...new Set(ds.recordings.map((r) => r.subject))].filter((s) => !withWindows.has(s));
  for (const s of empty) {
    const why = ds.recordings
      .filter((r) => r.subject === s)
      .flatMap((r) => [...Object.entries(r.dropped).map(([k, v]) => `${v} dropped (${k})`), ...r.warnings])
      .slice(0, 3);
    notes.push(`subject ${s} has no usable window${why.length ? `: ${why.join('; ')}` : ''}; left out of the evaluation`);
  }
  return { windows, labels, subjects: windows.map((w) => w.subject), notes };
}

/**
 * Why the split cannot be made from `n` subjects, or null: the subject count alone decides, so it is
 * checked on the windows (makeFolds) and, where a folder's listing names the subjects (EEGMAT), before
 * a run starts.
 */
export function foldSubjectsProblem(cfg: EvaluationConfig, n: number, what = 'the dataset'): string | null {
  if (cfg.split.kind === 'loso') {
    return n < 2 + cfg.validationSubjects ? `leave-one-subject-out with ${cfg.validationSubjects} validation subjects needs at least ${2 + cfg.validationSubjects} subjects; ${what} has ${n}` : null;
  }
  const k = cfg.split.k;
  const need = kFoldMinSubjects(k, cfg.validationSubjects);
  if (n >= need) return null;
  const val = cfg.validationSubjects ? ` with ${plural(cfg.validationSubjects, 'validation subject')} per fold` : '';
  return `${k}-fold by subject${val} needs at least ${need} subjects; ${what} has ${n}`;
}

export function makeFolds(cfg: EvaluationConfig, subjects: string[], labels: Int32Array): SubjectFold[] {
  const problem = foldSubjectsProblem(cfg, new Set(subjects).size);
  if (problem) throw new TrainError(TrainErrorCode.BadDataset, problem);
  const opts = { labels, validationSubjects: cfg.validationSubjects, seed: cfg.seed };
  return cfg.split.kind === 'loso' ? leaveOneSubjectOut(subjects, opts) : subjectKFold(subjects, cfg.split.k, opts);
}

/**
 * Fewest subjects k-fold by subject can split with `validation` subjects held out of each fold's
 * training set: k folds, and outside the largest test fold (⌈S/k⌉ subjects) the validation
 * subjects plus at least one that trains.
 */
export function kFoldMinSubjects(k: number, validation: number): number {
  // S − ⌈S/k⌉ = ⌊S(k−1)/k⌋ ≥ v + 1  ⇔  S ≥ (v + 1)k / (k − 1), in integers.
  const a = (validation + 1) * k;
  return Math.max(k, Math.floor((a + k - 2) / (k - 1)));
}

/**
 * Test folds whose windows hold one class (a subject who rated every DREAMER clip high, a recording
 * given one class): AUROC, F1, balanced accuracy and κ are undefined there and the report's means
 * leave them out. Said before a run, not found in its report minutes later. Null when there are none.
 */
export function oneClassFoldsNote(folds: SubjectFold[], labels: ArrayLike<number>, classes: readonly string[]): string | null {
  const single = folds.filter((f) => f.test.length > 0 && Array.from(f.test).every((i) => labels[i] === labels[f.test[0]]));
  if (!single.length) return null;
  const which = single.map((f) => `${f.testSubjects.join(', ')}: all '${classes[labels[f.test[0]]] ?? labels[f.test[0]]}'`);
  return `${single.length} of ${plural(folds.length, 'test fold')} ${single.length === 1 ? 'holds' : 'hold'} one class only (${which.join('; ')}): AUROC, AUC-PR, F1, balanced accuracy and κ are undefined there, and their means are over the other folds`;
}

/**
 * A fold whose training windows hold one class has nothing to learn: the fit stopped the run there,
 * after the pretraining and every embedding ("the training windows hold one class only (12 positive,
 * 0 negative)", no fold named). A subject whose recordings of the other class gave no window (an
 * ECG judged bad throughout) does it on a small dataset. Null when every fold can train.
 */
export function oneClassTrainingFoldsProblem(folds: SubjectFold[], labels: ArrayLike<number>, classes: readonly string[]): string | null {
  const bad = folds.filter((f) => f.train.length > 0 && Array.from(f.train).every((i) => labels[i] === labels[f.train[0]]));
  if (!bad.length) return null;
  const which = bad.map((f) => `fold ${f.index + 1} trains on ${f.trainSubjects.join(', ')}: all '${classes[labels[f.train[0]]] ?? labels[f.train[0]]}'`);
  return `${bad.length} of ${plural(folds.length, 'fold')} would train on one class only (${which.join('; ')}): add subjects with both classes, hold out fewer validation subjects, or choose another split`;
}

/**
 * Folds that train on one subject: four subjects left one out with the default two validation
 * subjects train each fold on one person, and the preview said only "Ready to train … 4 folds".
 * Null when every fold trains on two subjects or more. `fixedBy`: the recipe whose split it is
 * (splitFixedBy), which takes no --validation: said instead of a change the run cannot take (the
 * quick recipe's log advised "--validation 0", which `--recipe quick` refuses).
 */
export function oneSubjectFoldsNote(folds: readonly Pick<SubjectFold, 'trainSubjects' | 'validationSubjects'>[], fixedBy?: string): string | null {
  const one = folds.filter((f) => f.trainSubjects.length === 1);
  if (!one.length) return null;
  const held = Math.max(...one.map((f) => f.validationSubjects.length));
  const which = one.length === folds.length ? `every fold trains on one subject` : `${one.length} of ${plural(folds.length, 'fold')} train on one subject`;
  // What to change, by number: the default of 2 stays as it is with few subjects (see docs/training.md), so the note says which value trains each of these folds on one more.
  const fewer = !held ? '' : fixedBy ? `; ${fixedBy} fixes the split` : `; hold out ${held - 1} instead (validation subjects per fold, --validation ${held - 1}) to train each on one more`;
  return `${which}${held ? ` (${plural(held, 'other subject')} held out of each to choose the epoch)` : ''}: the model and the baseline learn from one person's windows${fewer}`;
}

/**
 * The recipe that fixes a run's split, in words ('the quick recipe'), from its spec's recipe name
 * ('quick', 'default --paper'); undefined where the split was chosen (a dataset in the Training
 * view or `heartmind train`, `heartmind evaluate`), which takes --validation.
 */
export function splitFixedBy(recipe: { name: string } | undefined): string | undefined {
  const name = RECIPES.find((r) => recipe?.name === r || recipe?.name.startsWith(`${r} `));
  return name && `the ${name} recipe`;
}

/** Whether fine-tuning and its subject-wise evaluation can run on a dataset: what they will use, or why not. */
export type TrainingReadiness = { ok: true; windows: number; subjects: number; folds: number; notes: string[] } | { ok: false; problem: string };

/** The checks a fine-tuning run makes when it starts, as an answer (the builder's preview) instead of a failed run. */
export function trainingReadiness(ds: WindowDataset, modalities: ModalitySet, evaluation: EvaluationConfig): TrainingReadiness {
  try {
    const data = trainableWindows(ds, modalitiesOf(modalities));
    const folds = makeFolds(evaluation, data.subjects, data.labels);
    const untrainable = oneClassTrainingFoldsProblem(folds, data.labels, ds.task!.classes);
    if (untrainable) return { ok: false, problem: untrainable };
    const extra = [oneSubjectFoldsNote(folds), oneClassFoldsNote(folds, data.labels, ds.task!.classes)].filter((n): n is string => n !== null);
    return { ok: true, windows: data.windows.length, subjects: new Set(data.subjects).size, folds: folds.length, notes: [...data.notes, ...extra] };
  } catch (e) {
    // The split's own checks (src/shared/eval) answer with an EvalError: a dataset problem too.
    if (e instanceof TrainError || e instanceof EvalError) return { ok: false, problem: e.message };
    throw e;
  }
}
