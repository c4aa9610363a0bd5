// The Training view's custom-dataset form as data (new-run.tsx draws it): its defaults, and the
// dataset, preview request and job it stands for. No JSX, so that tests read it as the view does.
import type { DatasetPreview } from '../../../../shared/ipc/training.schema';
import type { LabelSource } from '../../../../shared/datasets/windows.types';
import type { DatasetSpec, EncoderSource, JobSpec, RunSummary, SourceSpec } from '../../../../shared/train/job.types';
import type { EncoderInit, EvaluationConfig } from '../../../../shared/train/train.types';
import { ablationArms, DEFAULT_EVALUATION, DEFAULT_FINETUNE } from '../../../../shared/train/defaults';
import { CBRAMOD_ENCODER, encoderWithLayers, TASK_MENTAL_ARITHMETIC } from '../../../../shared/model/config';
import { splitPathClass } from '../../../../shared/train/path-class';
import { dreamerTask } from '../../../../shared/datasets/dreamer-task';
import { sessionSignalProblem, signalCounts } from '../../../../shared/train/label-classes';
import type { SessionSummary } from '../../../../shared/session.types';
import { clockDuration } from '../../../../shared/clock-duration';
import { plural } from '../../../../shared/plural';

export interface CustomForm {
  eegmatDir: string;
  files: string;
  filesSubject: string;
  sessions: number[];
  dreamer: string;
  dimension: 'valence' | 'arousal' | 'dominance';
  dreamerThreshold: number;
  labels: 'file' | 'annotations' | 'self-report';
  annotationMap: string;
  selfDimension: 'valence' | 'arousal' | 'dominance';
  selfThreshold: number;
  taskName: string;
  classNeg: string;
  classPos: string;
  windowSec: number;
  hopSec: number;
  mains: 50 | 60;
  montage: string;
  encoders: string;
  modalities: 'fused' | 'eeg' | 'ecg';
  freeze: 'encoders' | 'none';
  classWeight: 'balanced' | 'none';
  epochs: number;
  batch: number;
  /** AdamW learning rates at the reference batch (the CLI's --head-lr, --encoder-lr); the encoders' only for end-to-end training. */
  headLr: number;
  encoderLr: number;
  split: string;
  /** Evaluate the model's ablations too (ablationArms), on the same folds. */
  ablations: boolean;
  validation: number;
  layers: number;
  seed: number;
  exportId: string;
}

export const INITIAL: CustomForm = {
  eegmatDir: '',
  files: '',
  filesSubject: '',
  sessions: [],
  dreamer: '',
  dimension: 'arousal',
  dreamerThreshold: 4,
  labels: 'file',
  annotationMap: 'rest=rest, task=arithmetic',
  selfDimension: 'arousal',
  selfThreshold: 5,
  taskName: TASK_MENTAL_ARITHMETIC.name,
  classNeg: 'rest',
  classPos: 'arithmetic',
  windowSec: 5,
  hopSec: 5,
  mains: 50,
  montage: 'auto',
  encoders: 'random',
  modalities: 'fused',
  freeze: 'encoders',
  classWeight: DEFAULT_FINETUNE.classWeight,
  epochs: DEFAULT_FINETUNE.epochs,
  batch: DEFAULT_FINETUNE.batchSize,
  headLr: DEFAULT_FINETUNE.headLr,
  encoderLr: DEFAULT_FINETUNE.backboneLr,
  split: 'loso',
  ablations: false,
  validation: DEFAULT_EVALUATION.validationSubjects,
  layers: CBRAMOD_ENCODER.nLayers,
  seed: 42,
  exportId: '',
};

/** Recordings the preview should point at (no windows, dropped or unlabelled ones, warnings); sessions first, the user's own. */
export function problemRecordings(p: DatasetPreview): DatasetPreview['recordings'] {
  const bad = p.recordings.filter((r) => r.windows === 0 || Object.keys(r.dropped).length || r.warnings.length || r.unlabelled);
  return [...bad.filter((r) => r.id.startsWith('session:')), ...bad.filter((r) => !r.id.startsWith('session:'))];
}

/** Recordings named in one line before '… and N more'. */
const NAMED_PER_LINE = 3;

/**
 * The preview's problem recordings as lines, those with the same words together ('S01-clip03,
 * S01-clip04, S01-clip06 and 10 more: 0 windows — shorter than one 2-s window …'), in
 * problemRecordings' order: DREAMER's short clips said one sentence thirteen times, one per clip.
 */
export function problemLines(p: DatasetPreview): string[] {
  const groups = new Map<string, string[]>();
  for (const r of problemRecordings(p)) {
    const text = `${plural(r.windows, 'window')}${r.unlabelled ? `, ${r.unlabelled} without a label` : ''}${Object.entries(r.dropped)
      .map(([k, v]) => `, ${v} dropped (${k})`)
      .join('')}${r.warnings.length ? ` — ${r.warnings[0]}` : ''}`;
    groups.set(text, [...(groups.get(text) ?? []), r.id]);
  }
  return [...groups].map(([text, ids]) => `${ids.slice(0, NAMED_PER_LINE).join(', ')}${ids.length > NAMED_PER_LINE ? ` and ${ids.length - NAMED_PER_LINE} more` : ''}: ${text}`);
}

/** Form fields the suggested task depends on. */
export const TASK_INPUTS = ['labels', 'selfDimension', 'dreamer', 'dimension'] as const;

/**
 * The task the labels suggest: low/high of the rated dimension for self-reports and for DREAMER's
 * clip ratings, EEGMAT's rest/arithmetic otherwise.
 */
export function suggestedTask(f: Pick<CustomForm, (typeof TASK_INPUTS)[number]>): Pick<CustomForm, 'taskName' | 'classNeg' | 'classPos'> {
  if (f.labels === 'self-report') return { taskName: f.selfDimension, classNeg: 'low', classPos: 'high' };
  if (f.labels === 'file' && f.dreamer.trim()) return { taskName: f.dimension, classNeg: 'low', classPos: 'high' };
  return { taskName: TASK_MENTAL_ARITHMETIC.name, classNeg: 'rest', classPos: 'arithmetic' };
}

export function datasetOf(f: CustomForm): DatasetSpec {
  const sources: SourceSpec[] = [];
  if (f.eegmatDir.trim()) sources.push({ kind: 'eegmat', dir: f.eegmatDir.trim() });
  // 'PATH = CLASS' gives the recording its own class (file labels), as the CLI's --file PATH=CLASS.
  for (const line of f.files.split('\n').map((x) => x.trim()).filter(Boolean)) {
    const { path, label } = splitPathClass(line, [f.classNeg.trim(), f.classPos.trim()]);
    sources.push({ kind: 'file', path, ...(label ? { label } : {}), ...(f.filesSubject.trim() ? { subject: f.filesSubject.trim() } : {}) });
  }
  for (const id of f.sessions) sources.push({ kind: 'session', id });
  if (f.dreamer.trim()) sources.push({ kind: 'dreamer', path: f.dreamer.trim(), dimension: f.dimension, threshold: f.dreamerThreshold });
  let labels: LabelSource;
  if (f.labels === 'annotations') {
    const classes: Record<string, string> = {};
    for (const pair of f.annotationMap.split(',')) {
      const [k, v] = pair.split('=').map((x) => x?.trim());
      if (k && v) classes[k] = v;
    }
    labels = { kind: 'annotations', classes };
  } else if (f.labels === 'self-report') labels = { kind: 'self-report', dimension: f.selfDimension, threshold: f.selfThreshold };
  else labels = { kind: 'file' };
  // DREAMER's own labels: the task says at which score they were cut, as the CLI's does (dreamerTask).
  const dreamerLabels = f.labels === 'file' && f.dreamer.trim() && f.taskName === f.dimension;
  const task = { name: f.taskName, kind: 'binary' as const, classes: [f.classNeg, f.classPos], ...(dreamerLabels ? { description: dreamerTask(f.dimension, f.dreamerThreshold).description } : {}) };
  const m = f.montage.trim();
  return {
    name: sources.map((s) => (s.kind === 'eegmat' ? 'EEGMAT' : s.kind === 'session' ? `session ${s.id}` : s.kind === 'dreamer' ? `DREAMER ${s.dimension}` : s.kind === 'file' ? s.path.split(/[\\/]/).pop() : 'folder')).join(' + ') || 'dataset',
    sources,
    task,
    labels,
    windowing: { windowSec: f.windowSec, hopSec: f.hopSec, eegMontage: m === 'auto' || m === 'device' ? m : m.split(',').map((x) => x.trim()), ecgMontage: 'device', mainsHz: f.mains, modalities: f.modalities === 'fused' ? ['eeg', 'ecg'] : [f.modalities], require: 'all' },
  };
}

/**
 * A finished run that pretrained encoders as the Encoders-from list offers it, with the encoders it
 * holds ('run ecgpre (…) · ECG encoder'): a `heartmind pretrain` run holds one modality's, and the
 * list named the run alone, so a fused model from it was found wanting only at Start.
 */
export function encoderRunLabel(r: Pick<RunSummary, 'id' | 'name' | 'completedPhases'>): string {
  const ms = (['eeg', 'ecg'] as const).filter((m) => r.completedPhases.includes(`pretrain-${m}`));
  return `run ${r.name} (${r.id}) · ${ms.map((m) => m.toUpperCase()).join(' + ')} encoder${ms.length > 1 ? 's' : ''}`;
}

export function encoderSource(v: string): EncoderSource {
  if (v === 'random') return { kind: 'random' };
  if (/\.pth$/i.test(v)) return { kind: 'pth', path: v };
  return { kind: 'run', runId: v };
}

/** Random-init or pretrained encoders, as the form's encoder source says. */
export const initOf = (f: CustomForm): EncoderInit => (encoderSource(f.encoders).kind === 'random' ? 'random' : 'pretrained');

/** The subject-wise evaluation the form asks for (a run's, and the preview's readiness check). */
export function evaluationOf(f: CustomForm): EvaluationConfig {
  const split = f.split === 'loso' ? { kind: 'loso' as const } : { kind: 'kfold' as const, k: Number(f.split.replace('kfold:', '')) || 5 };
  const arms = f.ablations ? ablationArms(f.modalities, initOf(f)) : [{ modalities: f.modalities, init: initOf(f) }];
  return { ...DEFAULT_EVALUATION, split, validationSubjects: f.validation, arms };
}

/** The preview's request: the dataset and the readiness check of the run the form would start. */
export function previewRequest(f: CustomForm) {
  return { dataset: datasetOf(f), check: { modalities: f.modalities, evaluation: evaluationOf(f) } };
}

/** Identifies what a preview was built from, so Start reads its verdict only while the form still says the same. */
export const previewKey = (f: CustomForm) => JSON.stringify(previewRequest(f));

export function customJob(f: CustomForm): JobSpec {
  const dataset = datasetOf(f);
  const enc = encoderSource(f.encoders);
  const init = initOf(f);
  return {
    kind: 'finetune',
    name: `${dataset.name} ${f.modalities}`,
    seed: f.seed,
    dataset,
    corpora: {},
    pretrain: {},
    encoders: { ...(f.modalities !== 'ecg' ? { eeg: enc } : {}), ...(f.modalities !== 'eeg' ? { ecg: enc.kind === 'pth' ? { kind: 'random' } : enc } : {}) },
    // A pretraining run's encoders bring their own layers (the random-init arms take them too): the
    // field is disabled then, as the CLI refuses --layers with --encoders RUN, and config.json held
    // a 12-layer encoder for a run that used the quick try's wiring-size ones.
    ...(enc.kind === 'run' ? {} : { encoderConfig: encoderWithLayers(f.layers) }),
    finetune: { ...DEFAULT_FINETUNE, task: dataset.task!, modalities: f.modalities, init, freeze: f.freeze, classWeight: f.classWeight, epochs: f.epochs, batchSize: f.batch,
      // Frozen encoders take no step: the field is disabled then, and the run records the default, as the CLI refuses --encoder-lr there.
      headLr: f.headLr, backboneLr: f.freeze === 'none' ? f.encoderLr : DEFAULT_FINETUNE.backboneLr },
    evaluation: evaluationOf(f),
    finalFit: true,
    export: f.exportId.trim() ? { modelId: f.exportId.trim(), name: f.exportId.trim(), version: '1.0.0', target: { kind: 'user' } } : null,
    recipe: { name: 'custom', command: 'Training view' },
  };
}

/**
 * A recorded session in the form's list: what it holds for training ('EEG 19 ch 500 Hz · ECG 1 ch
 * 130 Hz · 4:10', 'no EEG or ECG · 0:40'; from the list's own brief of its streams, no request per
 * session) and why Start would refuse it with the form's signals (sessionSignalProblem, the words
 * the CLI and Start use), or null. The list said only its subject, markers and reports, so a session
 * of ECG only was picked for a fused run and Start refused it.
 */
export function sessionPick(f: CustomForm, s: Pick<SessionSummary, 'id' | 'name' | 'startTime' | 'endTime' | 'selfReportCount' | 'signals'>): { signals: string; problem: string | null } {
  const held = signalCounts(s.signals);
  const parts = (['eeg', 'ecg'] as const)
    .filter((m) => (held.channels[m] ?? 0) > 0)
    .map((m) => {
      // The rates of its streams that hold samples, each once ('256/500 Hz' for two devices).
      const rates = [...new Set(s.signals.filter((x) => x.modality === m && x.samples > 0).map((x) => x.rateHz))].sort((a, b) => a - b);
      return `${m.toUpperCase()} ${held.channels[m]} ch ${rates.map((r) => +r.toFixed(2)).join('/')} Hz`;
    });
  const signals = `${parts.length ? parts.join(' · ') : 'no EEG or ECG'} · ${clockDuration(Math.max(0, s.endTime - s.startTime))}`;
  // Said beside the session's name: 'This session holds no EEG …', not its number and name again.
  const problem = sessionSignalProblem(datasetOf(f), { id: s.id, name: s.name, markers: [], selfReports: s.selfReportCount, samples: held.samples }, 'This session');
  return { signals, problem };
}

/** The EEGMAT subjects of the recordings folder shipped beside the app (../shared/data), which the default recipe takes whole. */
const SHIPPED_EEGMAT_SUBJECTS = 12;

/**
 * Who a fold of `ev` over `subjects` subjects trains on, in words: 'each fold trains on 1 subject,
 * 1 more choosing the epoch' (the fewest, where k folds split the subjects unevenly).
 */
export function foldWords(ev: Pick<EvaluationConfig, 'split' | 'validationSubjects'>, subjects: number): string {
  const test = ev.split.kind === 'loso' ? 1 : Math.ceil(subjects / ev.split.k);
  const train = subjects - test - ev.validationSubjects;
  return `each fold trains on ${plural(train, 'subject')}${ev.validationSubjects ? `, ${ev.validationSubjects} more choosing the epoch` : ''}`;
}

/**
 * What the Quick try and Default recipe buttons will run, from the recipes' own specs (subjects,
 * steps, folds, validation subjects), so that the note says what a run does: it said 'about a
 * minute' for a run of 24 s on a loaded 2-core machine, and not that each fold of the quick try
 * trains on one subject, which the run's log then warns of.
 */
export function recipeNote(mode: 'quick' | 'default', spec: JobSpec): string {
  const ev = spec.evaluation;
  const eegmat = spec.dataset?.sources.find((s) => s.kind === 'eegmat');
  const subjects = (eegmat?.kind === 'eegmat' && eegmat.subjects?.length) || SHIPPED_EEGMAT_SUBJECTS;
  const split = !ev ? 'no evaluation' : `${ev.split.kind === 'loso' ? 'leave-one-subject-out evaluation' : `${ev.split.k}-fold evaluation by subject`} (${foldWords(ev, subjects)})`;
  if (mode === 'quick') {
    const steps = [...new Set((['ecg', 'eeg'] as const).map((m) => spec.pretrain[m]?.maxSteps).filter((n): n is number => typeof n === 'number'))];
    return `${subjects} EEGMAT subjects, wiring-size encoders pretrained for ${steps.length === 1 ? `${plural(steps[0], 'step')} each` : 'a few steps'}, ${split} with the baseline${spec.export ? '' : '; not exported'}. About half a minute on a 2-core machine: a tour of the whole pipeline, not a useful model.`;
  }
  const arms = ev?.arms.length ? `; ${[...new Set(ev.arms.map((a) => a.modalities))].map((m) => (m === 'fused' ? 'fused' : `${m.toUpperCase()}-only`)).join(' / ')} × ${[...new Set(ev.arms.map((a) => a.init))].join(' / ')}, with the baseline` : '';
  return `The shipped model's recipe: ECG encoder pretrained with dual masking on the ECG recordings, EEG encoder on the EEG, fused head on the ${subjects} EEGMAT subjects, ${split.replace(/\)$/, `${arms})`)}, final fit${spec.export ? `, export to your models as '${spec.export.modelId}'` : ''}. About half an hour on a quiet 2-core machine, up to an hour on a busy one.`;
}
