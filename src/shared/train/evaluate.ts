// Subject-wise evaluation of the fused model and its ablations, with the baseline under the same
// folds. The folds come from src/shared/eval (leave-one-subject-out or k-fold by subject, with the
// leakage guard); every arm (fused / EEG-only / ECG-only × pretrained / random init) and the
// band-power + heart-rate logistic regression are trained on each fold's training subjects,
// choose their epoch (the model) or C (the baseline) without seeing the test subjects, and predict
// the test subjects once. The metrics are src/shared/eval's (checked against scikit-learn).
import { chanceLevels, foldLabel, foldMetricTable, rocCurve } from '../eval';
import type { FoldPredictions } from '../eval/eval.types';
import { baselineFeatureMatrix, evaluateBaseline, type BaselineWindow } from './baseline';
import type { BaselineModality } from './baseline/baseline.types';
import { initEncoderHostParams } from '../model/params';
import type { EncoderConfig, HostParams, HostTensor, ModelModality } from '../model/model.types';
import type { LabelledWindow, WindowDataset } from '../datasets/windows.types';
import type { SignalItem } from './batches';
import { checkControl, embedItems, finetuneModelConfig, fitFull, fitHead, initHeadParams, predictFull, predictHead, type EmbeddingCache } from './finetune';
import { makeFolds, modalitiesOf, oneClassTrainingFoldsProblem, trainableWindows, type TrainableData } from './trainable';
import type { TrainHooks } from './pretrain';
import { TrainError, TrainErrorCode, type ArmResult, type CurvePoints, type EncoderInit, type EvaluationConfig, type EvaluationReport, type FinetuneConfig, type ModalitySet } from './train.types';
import { plural } from '../plural';
import type { EvalStage } from './progress-model';

export { DEFAULT_EVALUATION } from './defaults';

export interface EncoderSet {
  /** Architecture of each encoder. */
  config: Partial<Record<ModelModality, EncoderConfig>>;
  /** Pretrained weights (ours, or an imported CBraMod checkpoint). */
  pretrained: Partial<Record<ModelModality, Record<string, HostTensor>>>;
  /** Seed of the random-init arm's encoders. */
  randomSeed: number;
}

export interface FoldOutcome {
  scores: number[];
  bestEpoch: number;
}

export interface EvalHooks extends TrainHooks {
  /** `part` of the evaluation (embeddings, fold fits, baseline) is `done` of `total` units (fractional within one). */
  progress?(message: string, part: EvalStage, done: number, total: number): void;
  /** Embeddings computed (key '<modality>/<init>'): persist them to resume without recomputing. */
  onEmbedded?(key: string, data: Float32Array): void | Promise<void>;
  /** One arm's fold finished (key '<arm>#<fold>'): persist it to resume without retraining. */
  onFold?(key: string, outcome: FoldOutcome): void | Promise<void>;
}

/** What a resumed evaluation already has. */
export interface EvalResume {
  caches?: Record<string, Float32Array>;
  folds?: Record<string, FoldOutcome>;
}

export function signalItems(windows: LabelledWindow[], m: ModelModality): SignalItem[] {
  return windows.map((w) => {
    const data = w[m];
    const ch = m === 'eeg' ? w.eegChannels.length : w.ecgChannels.length;
    if (!data) throw new TrainError(TrainErrorCode.BadDataset, `a window of ${w.recording} at ${w.start} s has no ${m.toUpperCase()}`);
    return { data, channels: ch };
  });
}

/**
 * What was evaluated, in a line a paper's table can cite: the split, subjects, windows (per class
 * when `classCounts` gives them, in the task's class order), how the epoch was chosen, and that
 * the ± is the sample sd over the folds.
 */
export function protocolText(cfg: EvaluationConfig, subjects: number, windows: number, classCounts?: { names: readonly string[]; counts: readonly number[] }): string {
  const split = cfg.split.kind === 'loso' ? 'leave-one-subject-out' : `${cfg.split.k}-fold by subject`;
  const v = cfg.validationSubjects;
  const val = v ? `, ${plural(v, 'training subject')} per fold held out to choose the epoch` : ', last epoch';
  const perClass = classCounts ? `: ${classCounts.counts.map((n, c) => `${n} ${classCounts.names[c] ?? `class ${c}`}`).join(', ')}` : '';
  return `${split} over ${plural(subjects, 'subject')} (${plural(windows, 'window')}${perClass})${val}; metrics per fold and their mean ± sd over the folds (sample sd, n − 1), threshold ${cfg.threshold}`;
}

function curve(y: number[], s: number[]): CurvePoints {
  if (!(y.includes(0) && y.includes(1))) return { x: [], y: [] };
  const r = rocCurve(y, s);
  return { x: Array.from(r.fpr), y: Array.from(r.tpr) };
}

function armResult(arm: string, modalities: ModalitySet, init: EncoderInit | 'baseline', folds: FoldPredictions[], threshold: number, bestEpochs: (number | null)[], baselineC?: number[]): ArmResult {
  const table = foldMetricTable(folds, { threshold });
  const y = folds.flatMap((f) => Array.from(f.yTrue));
  const s = folds.flatMap((f) => Array.from(f.scores));
  const predictions = folds.map((f) => ({ fold: f.fold, yTrue: Array.from(f.yTrue), scores: Array.from(f.scores), subjects: Array.from(f.subjects ?? []) }));
  const out: ArmResult = { arm, modalities, init, table, roc: curve(y, s), confusion: table.pooled ? Array.from(table.pooled.confusion.counts) : [], bestEpochs, predictions };
  return baselineC ? { ...out, baselineC } : out;
}

export function baselineInputs(windows: LabelledWindow[]): BaselineWindow[] {
  return windows.map((w) => {
    const out: BaselineWindow = { rrMs: w.rrMs };
    if (w.eeg) {
      const n = w.eeg.length / w.eegChannels.length;
      out.eeg = { channels: w.eegChannels.map((_, c) => w.eeg!.subarray(c * n, (c + 1) * n)), sampleRateHz: 200 };
    }
    return out;
  });
}

export interface CrossValidation {
  report: EvaluationReport;
  /** What the dataset and the split call for (folds that train on one subject: the job says those, oneSubjectFoldsNote). */
  notes: string[];
  /** Embedding caches by '<modality>/<init>' (frozen encoders), for the final fit to reuse. */
  caches: Record<string, Float32Array>;
  data: TrainableData;
}

/** Runs every arm and the baseline over the same subject-wise folds. */
export async function crossValidate(ds: WindowDataset, ft: FinetuneConfig, ev: EvaluationConfig, enc: EncoderSet, hooks: EvalHooks = {}, resume: EvalResume = {}): Promise<CrossValidation> {
  if (ev.arms.length === 0) throw new TrainError(TrainErrorCode.BadConfig, 'evaluation needs at least one arm (fused, eeg or ecg)');
  const need = [...new Set(ev.arms.flatMap((a) => modalitiesOf(a.modalities)))];
  const data = trainableWindows(ds, need);
  const { windows, labels, subjects } = data;
  const folds = makeFolds(ev, subjects, labels);
  // Before minutes of embeddings, not at the fold that cannot fit.
  const untrainable = oneClassTrainingFoldsProblem(folds, labels, ds.task?.classes ?? []);
  if (untrainable) throw new TrainError(TrainErrorCode.BadDataset, untrainable);
  const items: Partial<Record<ModelModality, SignalItem[]>> = {};
  for (const m of need) items[m] = signalItems(windows, m);

  const weights = (m: ModelModality, init: EncoderInit): Record<string, HostTensor> => {
    const e = enc.config[m];
    if (!e) throw new TrainError(TrainErrorCode.BadConfig, `no ${m.toUpperCase()} encoder configured`);
    if (init === 'pretrained') {
      const w = enc.pretrained[m];
      if (!w) throw new TrainError(TrainErrorCode.BadConfig, `no pretrained ${m.toUpperCase()} encoder: pretrain one or import a checkpoint, or evaluate the random-init arm`);
      return w;
    }
    return initEncoderHostParams(e, enc.randomSeed, { stream: m });
  };

  const frozen = ft.freeze === 'encoders';
  const caches: Record<string, Float32Array> = { ...(resume.caches ?? {}) };
  // Each encoder embeds once, however many arms use it: counted per arm (the default recipe's six
  // arms share four encoders) the progress ran past its total and read 100 %, ETA 0 s, four folds
  // before the end and through the whole baseline. The three parts are reported apart: an
  // embedding at 12 layers takes minutes, a head fit seconds (progress-model.ts times each part).
  const embeddings = frozen ? [...new Map(ev.arms.flatMap((a) => modalitiesOf(a.modalities).map((m): [string, { m: ModelModality; init: EncoderInit }] => [`${m}/${a.init}`, { m, init: a.init }]))).entries()] : [];
  const baselineSets = [...new Set(ev.arms.map((a) => a.modalities))];
  if (frozen) {
    hooks.progress?.(`embedding ${plural(windows.length, 'window')}`, 'embeddings', 0, embeddings.length);
    let done = 0;
    for (const [key, { m, init }] of embeddings) {
      if (caches[key]?.length === windows.length * enc.config[m]!.dModel) {
        hooks.progress?.(`embeddings ${key} (kept)`, 'embeddings', ++done, embeddings.length);
        continue;
      }
      hooks.log?.(`embedding ${plural(windows.length, 'window')} with the ${init} ${m.toUpperCase()} encoder`);
      caches[key] = await embedItems(
        enc.config[m]!,
        weights(m, init),
        items[m]!,
        undefined,
        // The bar moves within an encoder's embedding (minutes at 12 layers), and pause / cancel act between batches.
        (n) => hooks.progress?.(`embedding ${key}: ${n}/${plural(windows.length, 'window')}`, 'embeddings', done + n / windows.length, embeddings.length),
        () => checkControl(hooks, `embedding ${key}`),
      );
      await hooks.onEmbedded?.(key, caches[key]);
      hooks.progress?.(`embedded ${key}`, 'embeddings', ++done, embeddings.length);
    }
  }

  const arms: ArmResult[] = [];
  const fits = ev.arms.length * folds.length;
  let fitted = 0;
  hooks.progress?.(`fitting ${plural(fits, 'fold')} (${plural(ev.arms.length, 'arm')})`, 'folds', 0, fits);
  for (const a of ev.arms) {
    const name = `${a.modalities}/${a.init}`;
    const cfg: FinetuneConfig = { ...ft, modalities: a.modalities, init: a.init };
    const model = finetuneModelConfig(cfg, enc.config);
    const preds: FoldPredictions[] = [];
    const bestEpochs: number[] = [];
    for (const f of folds) {
      const phase = `evaluate ${name} fold ${f.index + 1}/${folds.length}`;
      const key = `${name}#${f.index}`;
      let scores: ArrayLike<number>;
      const kept = resume.folds?.[key];
      if (kept && kept.scores.length === f.test.length) {
        scores = kept.scores;
        bestEpochs.push(kept.bestEpoch);
      } else if (frozen) {
        const cache: EmbeddingCache = {};
        for (const m of modalitiesOf(a.modalities)) cache[m] = caches[`${m}/${a.init}`];
        const fit = await fitHead({ cfg, model, labels, train: f.train, validation: f.validation, cache, hooks, phase, fold: f.index, arm: name });
        scores = await predictHead(model, fit.params.head, cache, f.test);
        bestEpochs.push(fit.bestEpoch);
      } else {
        const init: HostParams = { head: initHeadParams(model, cfg.seed) };
        for (const m of modalitiesOf(a.modalities)) init[m] = weights(m, a.init);
        const fit = await fitFull({ cfg, model, labels, train: f.train, validation: f.validation, windows: items, init, hooks, phase, fold: f.index, arm: name });
        scores = await predictFull(model, fit.params, items, f.test);
        bestEpochs.push(fit.bestEpoch);
      }
      if (!kept) await hooks.onFold?.(key, { scores: Array.from(scores), bestEpoch: bestEpochs[bestEpochs.length - 1] });
      preds.push({ fold: foldLabel(f), yTrue: Array.from(f.test, (i) => labels[i]), scores, subjects: Array.from(f.test, (i) => subjects[i]) });
      hooks.progress?.(phase, 'folds', ++fitted, fits);
    }
    arms.push(armResult(name, a.modalities, a.init, preds, ev.threshold, bestEpochs));
  }

  // The baseline for every modality set an arm used, same folds. Its nested choice of C takes
  // minutes over EEGMAT's folds: the progress names each fold, and cancel / pause act between folds
  // (they waited for every baseline to finish, the bar at the last arm's fold meanwhile).
  // Each set's share of the bar is its feature count (+1, the intercept): the EEG sets' 190 features
  // take seconds a fold, the heart's 3 next to nothing; counted alike, the ECG baseline's share made
  // the ETA of the remaining sets twice too long.
  const bw = baselineInputs(windows);
  const eegLabels = windows[0].eegChannels;
  const matrices = baselineSets.map((set) => baselineFeatureMatrix(bw, set as BaselineModality, eegLabels));
  const weight = matrices.map((X) => X.cols + 1);
  const allWeight = weight.reduce((a, b) => a + b, 0);
  let before = 0;
  for (const [si, set] of baselineSets.entries()) {
    const X = matrices[si];
    const beforeFold = (done: number, total: number) => {
      const phase = `baseline/${set} fold ${done + 1}/${total}`;
      checkControl(hooks, phase);
      hooks.progress?.(phase, 'baseline', before + (weight[si] * done) / total, allWeight);
    };
    const res = evaluateBaseline(X, labels, subjects, folds, { classWeight: ft.classWeight === 'balanced' ? 'balanced' : null, threshold: ev.threshold }, beforeFold);
    const preds: FoldPredictions[] = res.predictions.map((p) => {
      const f = folds[p.fold];
      return { fold: foldLabel(f), yTrue: Array.from(p.test, (i) => labels[i]), scores: p.scores, subjects: Array.from(p.test, (i) => subjects[i]) };
    });
    arms.push(armResult(`baseline/${set}`, set, 'baseline', preds, ev.threshold, folds.map(() => null), res.models.map((m) => m.C)));
    before += weight[si];
    hooks.progress?.(`baseline/${set}`, 'baseline', before, allWeight);
  }

  const positives = labels.reduce((s, v) => s + v, 0);
  const report: EvaluationReport = {
    task: ds.task!,
    protocol: protocolText(ev, new Set(subjects).size, windows.length, { names: ds.task!.classes, counts: [windows.length - positives, positives] }),
    // In the folds' order ('S2' before 'S10'), not the characters' ('S10' before 'S2').
    subjects: [...new Set(subjects)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    windows: windows.length,
    positives,
    folds: folds.map((f) => ({ index: f.index, trainSubjects: f.trainSubjects, validationSubjects: f.validationSubjects, testSubjects: f.testSubjects })),
    arms,
    // Every arm is scored on the same test windows: one chance level for all.
    chance: chanceLevels(arms[0].table.rows),
  };
  // The folds that train on one subject are said by the job (oneSubjectFoldsNote), which knows whether a recipe fixed the split.
  return { report, notes: data.notes, caches, data };
}
