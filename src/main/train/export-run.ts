// Export of a finished run to the model registry: the final model (artifacts/model.hmck) becomes an
// ONNX file written from the one model definition (src/shared/onnx), with a model card built from
// the run's own record: what it was trained on, how, the subject-wise evaluation next to the
// baseline, and what it cannot tell. Written with the registry's writer (atomic folder), into the
// user's models folder (the app lists it at once) or any folder (the repository's models/).
import type { WindowingOptions } from '../../shared/datasets/windows.types';
import type { MeanSd } from '../../shared/eval/eval.types';
import { labelledChannels, anyChannels } from '../../shared/model/config';
import { MODEL_CARD_FORMAT, type CardMetric, type FusedModelConfig, type HostParams, type InputContract, type ModelCard } from '../../shared/model/model.types';
import { exportFusedOnnx } from '../../shared/onnx/export';
import type { ExportSpec, JobSpec } from '../../shared/train/job.types';
import { TrainError, TrainErrorCode, type ArmResult, type EvaluationReport, type FinetuneConfig } from '../../shared/train/train.types';
import { plural } from '../../shared/plural';
import { reportChance } from '../../shared/train/report-text';
import { writeModelDir } from '../model/registry';
import { finalFitEpochs } from '../../shared/train/defaults';
import { pretrainsEncoder } from '../../shared/train/metric-records';
import type { RunFolder } from './run-store';
import { readCodeVersions } from './code-version';
import { resolve } from 'node:path';
import { askWorkerOnce, errorFromWorker } from '../core/worker-entry';
import { trainWorkerEntry } from './job-runner';
import type { TrainWorkerData, TrainWorkerReply } from './train-worker.node';

export const MODEL_ARTIFACT = 'model.hmck';
export const ONNX_OPSET = 17;

export interface ModelArtifactMeta {
  model: FusedModelConfig;
  finetune: FinetuneConfig;
  windowing: WindowingOptions;
  eegChannels: string[];
  ecgChannels: string[];
  subjects: string[];
  windows: number;
  encoders: string[];
}

/** The input contract of a trained model: the montage and lead count it learned on, at 200 Hz, µV ÷ 100. */
export function contractOf(meta: ModelArtifactMeta): InputContract {
  const c: InputContract = { rateHz: 200, windowSeconds: meta.windowing.windowSec };
  if (meta.model.eeg) c.eeg = labelledChannels(meta.eegChannels);
  if (meta.model.ecg) c.ecg = anyChannels(Math.max(1, meta.ecgChannels.length), Math.max(1, meta.ecgChannels.length));
  return c;
}

const CARD_METRICS: [keyof ArmResult['table']['summary'], string][] = [
  ['auroc', 'auroc'],
  ['aucPr', 'auc_pr'],
  ['balancedAccuracy', 'balanced_accuracy'],
  ['f1', 'f1'],
  ['f1Weighted', 'f1_weighted'],
  ['cohenKappa', 'kappa'],
];

/** Card metrics: the shipped arm with its baseline, then the ablations' AUROC with theirs. */
export function cardMetrics(report: EvaluationReport, shipped: string): CardMetric[] {
  const task = report.task.name;
  const arm = report.arms.find((a) => a.arm === shipped);
  const out: CardMetric[] = [];
  if (!arm) return out;
  // A figure's mean, and its sd over the folds where there are several: the model's and the baseline's alike.
  // With the folds it is over, so that a one-fold mean reads '(1 fold)' on the card as in the report.
  const of = (s: MeanSd): Pick<CardMetric, 'value' | 'sd' | 'folds'> => ({ value: s.mean, ...(s.n > 1 ? { sd: s.sd } : {}), folds: s.n });
  const baseline = (s: MeanSd | undefined): Pick<CardMetric, 'baseline' | 'baselineSd' | 'baselineFolds'> => (s?.n ? { baseline: s.mean, ...(s.n > 1 ? { baselineSd: s.sd } : {}), baselineFolds: s.n } : {});
  const base = report.arms.find((a) => a.arm === `baseline/${arm.modalities}`);
  // Each figure's chance level on the same test folds, as the report gives it under the arms (none for F1).
  const levels = reportChance(report);
  const chance = (k: keyof typeof levels): Pick<CardMetric, 'chance'> => (levels[k] === null ? {} : { chance: levels[k] });
  for (const [k, name] of CARD_METRICS) {
    const s = arm.table.summary[k];
    if (!s.n) continue;
    out.push({ task, metric: name, ...of(s), ...baseline(base?.table.summary[k]), ...chance(k) });
  }
  for (const a of report.arms) {
    if (a.arm === shipped || a.init === 'baseline') continue;
    const s = a.table.summary.auroc;
    const b = report.arms.find((x) => x.arm === `baseline/${a.modalities}`);
    if (s.n) out.push({ task, metric: `auroc [${a.arm} ablation]`, ...of(s), ...baseline(b?.table.summary.auroc), ...chance('auroc') });
  }
  return out;
}

/** Where each encoder of the model came from, in the card's words (a random encoder must not read as pretrained). */
function encoderOrigin(spec: JobSpec, m: 'eeg' | 'ecg'): string {
  const src = spec.encoders[m];
  switch (src?.kind) {
    case 'pretrain':
      return m === 'ecg' ? 'ECG pretrained with dual masking' : 'EEG pretrained by masked patch reconstruction';
    case 'run':
      return `${m.toUpperCase()} pretrained in run ${src.runId}`;
    case 'pth':
      return `${m.toUpperCase()} from an imported CBraMod checkpoint`;
    default:
      return `${m.toUpperCase()} randomly initialised (not pretrained)`;
  }
}

function isEegmat(spec: JobSpec): boolean {
  return !!spec.dataset?.sources.some((s) => s.kind === 'eegmat');
}

const baseName = (p: string) => p.split(/[\\/]/).filter(Boolean).pop() ?? p;

/**
 * The data lines of the card's licence for the sources other than EEGMAT (whose lines buildCard
 * writes): DREAMER is not openly licensed, so a model trained on it says that its terms travel with
 * it; recordings name themselves. "See the run's dataset sources" sent a reader of a shared model to
 * a run folder they do not have.
 */
function otherDataLicences(spec: JobSpec): string[] {
  const out: string[] = [];
  const sources = spec.dataset?.sources ?? [];
  if (sources.some((s) => s.kind === 'dreamer')) {
    out.push('DREAMER (Katsigiannis & Ramzan, IEEE JBHI 22(1):98–107, 2018) is not openly licensed: it was used under the terms its user obtained it with, which may limit sharing or using this model');
  }
  const sessions = sources.flatMap((s) => (s.kind === 'session' ? [s.id] : []));
  if (sessions.length) out.push(`HeartMind recorded ${plural(sessions.length, 'session')} (${sessions.join(', ')}): the recordings of their own participants, under the consent they gave`);
  const files = sources.flatMap((s) => (s.kind === 'file' ? [baseName(s.path)] : s.kind === 'folder' ? [`${baseName(s.dir)}/`] : []));
  if (files.length) out.push(`${files.length > 6 ? `${files.slice(0, 6).join(', ')} and ${files.length - 6} more` : files.join(', ')}: under the licences of their sources`);
  return out;
}

/**
 * The shipped arm against the baseline on mean AUROC, as the folds support it: "within the fold
 * spread" only where the difference is no larger than the larger of the two fold sds, a lead and a
 * shortfall alike. A shortfall within the spread named the baseline "the better classifier" as
 * firmly as one of 0.2 (a tie, 0.389 vs 0.389, too).
 */
function baselineVerdict(arm: ArmResult, base: ArmResult, subjects: number, shippedRecipe: boolean): string {
  const a = arm.table.summary.auroc;
  const b = base.table.summary.auroc;
  const m = a.mean;
  const bm = b.mean;
  const sds = [a, b].filter((s) => s.n > 1 && Number.isFinite(s.sd)).map((s) => s.sd);
  const spread = sds.length ? Math.max(...sds) : null;
  const within = (d: number) => `the difference (${d.toFixed(3)}) is within the fold spread (sd up to ${spread!.toFixed(3)}) over ${plural(subjects, 'subject')}`;
  if (m <= bm) {
    const lead = `Under the same subject-wise folds it does NOT beat the simple baseline (band power + heart rate, logistic regression): mean AUROC ${m.toFixed(3)} vs ${bm.toFixed(3)}`;
    const ships = ' It ships so that the live dashboard runs a real trained model end to end.';
    // Equal to three decimals, or apart by no more than the folds vary: neither is shown the better.
    if (m.toFixed(3) === bm.toFixed(3)) return `${lead}: the two score alike on these folds, so neither is shown the better classifier.${shippedRecipe ? ships : ''}`;
    if (spread !== null && bm - m <= spread) return `${lead}; ${within(bm - m)}, so neither is shown the better classifier.${shippedRecipe ? ships : ''}`;
    // One sentence either way: the shipped recipe's reason to ship joins it with a semicolon (the
    // shipped card's wording; a template here gave 'vs 0.630.  For' and '0.791.  It ships …; For').
    const why = shippedRecipe ? ' It ships so that the live dashboard runs a real trained model end to end; for' : ' For';
    return `${lead}.${why} this task the baseline's features are the better classifier.`;
  }
  const lead = `Under the same subject-wise folds it beats the simple baseline on mean AUROC (${m.toFixed(3)} vs ${bm.toFixed(3)})`;
  if (spread === null) return `${lead}; with one fold there is no spread to judge the difference by, so treat it as indicative.`;
  if (m - bm <= spread) return `${lead}; ${within(m - bm)}, so treat it as indicative.`;
  return `${lead}, by more than the fold sd (${(m - bm).toFixed(3)} against up to ${spread.toFixed(3)}); with ${plural(subjects, 'subject')}, still treat it as indicative.`;
}

/**
 * The shipped arm's mean AUROC against chance (0.5) on the same folds, where it does not clear it
 * by more than its fold sd: a model below chance (the quick try's 0.448) said only that it did not
 * beat the baseline, and the live page showed its estimate with no word that it guesses no better
 * than a coin. Null when it clears chance by more than its sd.
 */
function chanceVerdict(arm: ArmResult, classes: readonly string[]): string | null {
  const a = arm.table.summary.auroc;
  const what = `on these folds its scores ${classes.length === 2 ? `do not tell '${classes[0]}' from '${classes[1]}'` : 'do not tell the classes apart'} better than a guess that ignores the windows`;
  if (a.mean <= 0.5) return `Its mean AUROC (${a.mean.toFixed(3)}) is not above chance (0.5): ${what}.`;
  if (a.n > 1 && Number.isFinite(a.sd) && a.mean - 0.5 <= a.sd) {
    return `Its mean AUROC (${a.mean.toFixed(3)}) is above chance (0.5) by ${(a.mean - 0.5).toFixed(3)}, within its fold sd (${a.sd.toFixed(3)} over ${plural(a.n, 'fold')}): ${what.replace('do not tell', 'are not shown to tell')}.`;
  }
  return null;
}

/**
 * Folds the class-comparing metrics leave out: a test fold of one class (a subject who rated every
 * clip high, a recording given one class) has no AUROC, F1, balanced accuracy or κ, so the card's
 * means are over fewer folds than its protocol names. Null when every fold counts.
 */
function partialFoldsLimitation(report: EvaluationReport, arm: ArmResult): string | null {
  const rows = arm.table.rows ?? [];
  const single = rows.filter((r) => r.metrics.auroc === null);
  if (!single.length) return null;
  const who = single.flatMap((r) => (r.subjects.length ? r.subjects : [r.fold]));
  return `In ${single.length} of the ${report.folds.length} evaluation folds the test windows held one class only (${who.join(', ')}): AUROC, AUC-PR, F1, balanced accuracy and κ are undefined there, so the model's and the baseline's means are over the other ${plural(report.folds.length - single.length, 'fold')}.`;
}

/**
 * The subjects a card names: a range only where it is one ('Subject00–Subject11'), else each of
 * them: the quick recipe's Subject00, 01, 03, 04 read 'Subject00–Subject04', five for four.
 */
export function subjectsText(subjects: readonly string[]): string {
  if (subjects.length === 1) return subjects[0];
  const parts = subjects.map((x) => /^(.*?)(\d+)$/.exec(x));
  const contiguous = parts.every((m, i) => m && m[1] === parts[0]![1] && (i === 0 || Number(m[2]) === Number(parts[i - 1]![2]) + 1));
  return contiguous && subjects.length > 2 ? `${subjects[0]}–${subjects[subjects.length - 1]}` : subjects.join(', ');
}

/** The model card of a run's final model. */
export function buildCard(spec: JobSpec, meta: ModelArtifactMeta, report: EvaluationReport | null, exp: ExportSpec, runId: string, commit: string | null): ModelCard {
  const task = meta.model.tasks[0];
  const shipped = `${meta.finetune.modalities}/${meta.finetune.init}`;
  const eegmat = isEegmat(spec);
  const data: string[] = [];
  if (eegmat) {
    data.push(`PhysioNet EEGMAT (EEG During Mental Arithmetic Tasks): ${plural(meta.subjects.length, 'subject')} (${subjectsText(meta.subjects)}), ${plural(meta.windows, 'window')} of ${meta.windowing.windowSec} s; rest (about 3 min) vs serial subtraction (1 min); 19 EEG channels (10-20, linked ears) + 1 ECG lead at 500 Hz`);
  } else if (spec.dataset) {
    data.push(`${spec.dataset.name}: ${plural(meta.subjects.length, 'subject')}, ${plural(meta.windows, 'window')} of ${meta.windowing.windowSec} s`);
  }
  for (const m of ['ecg', 'eeg'] as const) {
    const c = spec.corpora[m];
    if (c && spec.encoders[m]?.kind === 'pretrain') data.push(`${m.toUpperCase()} encoder pretrained (self-supervised, no labels) on ${c.name}`);
  }
  for (const n of meta.encoders) if (/imported/.test(n)) data.push(`EEG encoder from an imported CBraMod checkpoint (pretrained by its authors on TUEG)`);
  const pre = (['ecg', 'eeg'] as const)
    .filter((m) => pretrainsEncoder(spec, m))
    .map((m) => {
      const p = spec.pretrain[m]!;
      const mask = p.mask.kind === 'eeg' ? `Bernoulli ${p.mask.patchRatio} per patch` : `dual masking: ${p.mask.leadRatio} of leads whole + ${p.mask.patchRatio} of time patches (${p.mask.temporal})`;
      return `${m.toUpperCase()} encoder (CBraMod, ${plural(p.encoder.nLayers, 'layer')}) pretrained by masked patch reconstruction (${mask}; AdamW ${p.optimizer.lr}, wd ${p.optimizer.weightDecay}, cosine, clip ${p.optimizer.clipNorm}; batch ${p.batchSize}, ${plural(p.epochs, 'epoch')}${p.maxSteps ? `, at most ${plural(p.maxSteps, 'step')}` : ''}; seed ${p.seed})`;
    });
  const ft = meta.finetune;
  const procedure = [
    ...pre,
    `${ft.freeze === 'encoders' ? 'Encoders frozen; the fusion head (mean-pooled embeddings, concatenated, MLP ' + ft.headHidden + ') trained on their cached embeddings' : 'Encoders and head fine-tuned end to end (backbone lr ' + ft.backboneLr + ', head lr ' + ft.headLr + ' at batch ' + ft.referenceBatch + ', scaled)'}: AdamW, wd ${ft.weightDecay}, cosine, clip ${ft.clipNorm}, BCE with ${ft.classWeight} class weights, modality dropout ${ft.modalityDropout}, ${plural(ft.epochs, 'epoch')} (${finalFitEpochs(report?.arms.find((a) => a.arm === shipped)?.bestEpochs, ft.epochs).why}), seed ${ft.seed}`,
    `Windows cut by the live pipeline: resampled to 200 Hz, band-pass 0.3–75 Hz (EEG) / 0.5–40 Hz (ECG), notch ${meta.windowing.mainsHz} Hz, µV ÷ 100`,
  ].join('. ');
  const provenance = [exp.provenance ?? spec.recipe?.command ?? `heartmind train (run ${runId})`, `run ${runId}`, commit ? `commit ${commit}` : null].filter(Boolean).join('; ');
  const mods = (['eeg', 'ecg'] as const).filter((m) => meta.model[m]);
  const kinds = new Set(mods.map((m) => spec.encoders[m]?.kind ?? 'random'));
  const shippedRecipe = spec.recipe?.name.startsWith('default') ?? false;
  const verdict: string[] = [];
  const armRes = report?.arms.find((a) => a.arm === shipped);
  const baseRes = armRes ? report?.arms.find((a) => a.arm === `baseline/${armRes.modalities}`) : undefined;
  if (armRes?.table.summary.auroc.n && baseRes?.table.summary.auroc.n) verdict.push(baselineVerdict(armRes, baseRes, report!.subjects.length, shippedRecipe));
  const nearChance = armRes?.table.summary.auroc.n ? chanceVerdict(armRes, report!.task.classes) : null;
  if (nearChance) verdict.push(nearChance);
  const partial = report && armRes ? partialFoldsLimitation(report, armRes) : null;
  if (partial) verdict.push(partial);
  const limitations = [
    ...verdict,
    ...(eegmat
      ? [
          'It tells rest from mental arithmetic (serial subtraction) in a seated lab setting, nothing else. It is not an emotion, stress or workload model, and its output is not a measure of valence, arousal or dominance.',
          `Trained on ${meta.subjects.length} people (EEGMAT subjects are young adult students), with one session each; it may not transfer to other people, ages, caps or tasks.`,
          'EEGMAT rest recordings are 3 min, arithmetic 1 min: class frequencies differ, and a subject’s condition is confounded with recording order and duration.',
          'The EEG encoder expects the 19-channel 10-20 montage of EEGMAT (linked-ear reference); other headsets are refused by the contract check.',
        ]
      : [`Trained on ${plural(meta.subjects.length, 'subject')} of '${spec.dataset?.name ?? 'a dataset'}' for the task '${task.name}' only.`]),
    // Only what happened: pretraining here saw the evaluation subjects; a random encoder learned nothing before the head.
    ...(kinds.has('pretrain') ? ['Self-supervised pretraining saw the recordings of the evaluation subjects (without labels): the evaluation is subject-wise for the supervised part only.'] : []),
    ...mods.flatMap((m) => {
      const src = spec.encoders[m];
      return src?.kind === 'run' ? [`The ${m.toUpperCase()} encoder comes from pretraining run ${src.runId}: if its corpus held these subjects' recordings, the evaluation is subject-wise for the supervised part only.`] : [];
    }),
    ...(kinds.size === 1 && kinds.has('random') ? [`Its encoders are randomly initialised, not pretrained: ${ft.freeze === 'encoders' ? 'only the head learned, on the features of untrained encoders' : 'encoders and head learned from the labels alone'}.`] : []),
    report ? `Subject-wise evaluation over ${report.subjects.length} subjects: small samples give wide confidence intervals (see the fold sd).` : 'No subject-wise evaluation was run for this model.',
    'Not a medical device; not for diagnosis.',
    ...(exp.limitations ?? []),
  ];
  const descr = eegmat
    ? `Rest vs mental arithmetic from ${mods.map((m) => (m === 'eeg' ? 'EEG (19 ch)' : 'one ECG lead')).join(' and ')}, ${meta.windowing.windowSec}-s windows: ${mods.length === 2 ? 'two CBraMod encoders' : 'a CBraMod encoder'} (${mods.map((m) => encoderOrigin(spec, m)).join(', ')}), mean pooling, ${mods.length === 2 ? 'a fusion head' : 'a head'}. Trained on ${plural(meta.subjects.length, 'subject')} of PhysioNet EEGMAT.`
    : `${task.description ?? task.name} from ${meta.model.eeg ? 'EEG' : ''}${meta.model.eeg && meta.model.ecg ? ' + ' : ''}${meta.model.ecg ? 'ECG' : ''}, trained by HeartMind on ${spec.dataset?.name ?? 'a dataset'}.`;
  return {
    format: MODEL_CARD_FORMAT,
    id: exp.modelId,
    name: exp.name,
    version: exp.version,
    description: descr,
    created: new Date().toISOString().slice(0, 10),
    config: meta.model,
    input: contractOf(meta),
    onnx: { file: 'model.onnx', opset: ONNX_OPSET },
    training: { data, procedure, provenance },
    evaluation: {
      protocol: report ? `${report.protocol}. Model: ${shipped}. Baseline: EEG band power + heart-rate features, L2 logistic regression (C chosen inside the training subjects), same folds.` : 'none',
      ...(report ? { folds: report.folds.length } : {}),
      metrics: report ? cardMetrics(report, shipped) : [],
    },
    licence: {
      model: 'MIT (weights trained by HeartMind)',
      data: [
        ...(eegmat
          ? [
              'PhysioNet EEGMAT, ODC-By 1.0: Zyma I et al., "Electroencephalograms during Mental Arithmetic Task Performance", Data 4(1):14 (2019)',
              'PhysioNet: Goldberger AL et al., Circulation 101(23):e215–e220 (2000)',
              ...(kinds.has('pretrain') ? ['ECG pretraining records (MIT-BIH, PTB, LUDB, macecgdb) and EEG Motor Movement/Imagery: PhysioNet, ODC-By 1.0 / open access'] : []),
            ]
          : []),
        ...otherDataLicences(spec),
      ],
    },
    limitations,
    authors: ['HeartMind'],
  };
}

/**
 * exportRunModel in the training worker (a short-lived thread, as the dataset preview), for the
 * core: building the ONNX file of a 12-layer fused model (38 MiB) and hashing and decoding it took
 * 2.2–5.5 s and 0.6–2.5 s of the event loop on the loaded 2-core development machine, and the
 * Training view's Export held the live pipeline, the dashboard and the recorder that long. Its
 * errors keep their name and code (a TrainError's 'not-found', a ModelError's 'io').
 */
export function exportRunModelInWorker(folder: RunFolder, exp: ExportSpec, root: string): Promise<string> {
  const data: TrainWorkerData = { task: 'export', storeRoot: resolve(folder.dir, '..'), runId: folder.id, exp, root };
  return askWorkerOnce<TrainWorkerReply, string>(
    trainWorkerEntry(),
    { workerData: data, name: 'heartmind-export' },
    (m) => {
      if (m.type === 'exported') return { value: m.dir };
      if (m.type === 'failed') return { error: errorFromWorker(m.error) };
      return undefined;
    },
    `the export of run ${folder.id}`,
  );
}

/** Writes the run's final model to `root/<modelId>/` (model.onnx, card.json, card.md). Returns the folder. */
export async function exportRunModel(folder: RunFolder, exp: ExportSpec, root: string): Promise<string> {
  const spec = await folder.readConfig();
  const ck = await folder.readArtifactCheckpoint<ModelArtifactMeta>(MODEL_ARTIFACT);
  if (!ck) {
    const why = spec.finalFit && spec.finetune ? 'it did not reach the final fit' : `${spec.kind} runs train none: heartmind train DATASET, or a recipe, does`;
    throw new TrainError(TrainErrorCode.NotFound, `run ${folder.id} has no final model to export (${why})`);
  }
  const reportBytes = await folder.readArtifact('report.json');
  const report = reportBytes ? (JSON.parse(new TextDecoder().decode(reportBytes)) as EvaluationReport) : null;
  const params: HostParams = { head: ck.groups.head };
  if (ck.groups.eeg) params.eeg = ck.groups.eeg;
  if (ck.groups.ecg) params.ecg = ck.groups.ecg;
  const versions = await readCodeVersions(folder);
  const card = buildCard(spec, ck.meta, report, exp, folder.id, versions.length ? versions.join(' then ') : null);
  const onnx = exportFusedOnnx(ck.meta.model, params, { docString: card.description, metadata: { 'heartmind.run': folder.id } });
  return writeModelDir(root, card, onnx);
}
