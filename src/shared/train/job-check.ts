// The checks a job spec gets before its run folder is made, without jax-js (the core runs them when
// the Training view starts a run): a run the worker would refuse minutes later — after building
// the datasets and embedding every window — is refused at once, naming every problem. The CLI
// reaches the same checks through its flag parsing (cli-train.ts); this is the app's door.
import { validateWindowing } from '../datasets/build-windows';
import { DatasetError } from '../datasets/datasets.types';
import { encoderProblems, taskProblems } from '../model/config';
import { validateFinetune } from './defaults';
import { labelClassProblems } from './label-classes';
import { modelIdProblem } from './model-id';
import type { DatasetSpec, JobSpec } from './job.types';
import { TrainError, TrainErrorCode } from './train.types';

/** Seeds are 32-bit (model/prng.ts): a larger one would alias a smaller one. */
export const MAX_SEED = 0xffffffff;

function windowingProblem(d: DatasetSpec | undefined | null, label: string): string | null {
  if (!d) return null;
  try {
    validateWindowing(d.windowing);
    return null;
  } catch (e) {
    if (e instanceof DatasetError) return `${label}: ${e.message}`;
    throw e;
  }
}

/** Every problem of a job spec that needs no file to see, as sentences; empty when it can start. */
export function jobSpecProblems(spec: JobSpec): string[] {
  const p: string[] = [];
  if (!(Number.isInteger(spec.seed) && spec.seed >= 0 && spec.seed <= MAX_SEED)) p.push(`the seed must be a whole number from 0 to ${MAX_SEED}, got ${spec.seed}`);
  for (const w of [windowingProblem(spec.dataset, 'windows'), windowingProblem(spec.corpora.eeg, 'EEG corpus'), windowingProblem(spec.corpora.ecg, 'ECG corpus')]) if (w) p.push(w);
  const task = spec.dataset?.task ?? spec.finetune?.task ?? null;
  let classesOk = false;
  if (task) {
    const before = p.length;
    p.push(...taskProblems([task]));
    const [neg, pos] = task.classes;
    if (task.classes.some((c) => !c?.trim())) p.push('both classes need a name');
    else if (neg === pos) p.push(`the two classes have the same name '${neg}'`);
    classesOk = p.length === before;
  }
  if (spec.finetune) {
    try {
      validateFinetune(spec.finetune);
    } catch (e) {
      if (!(e instanceof TrainError)) throw e;
      p.push(...(e.details.length ? e.details.map((d) => `fine-tuning: ${d}`) : [e.message]));
    }
  }
  if (spec.encoderConfig) p.push(...encoderProblems(spec.encoderConfig, 'encoder'));
  const ev = spec.evaluation;
  if (ev) {
    if (!(Number.isInteger(ev.validationSubjects) && ev.validationSubjects >= 0)) p.push(`validation subjects per fold must be a whole number ≥ 0, got ${ev.validationSubjects}`);
    if (ev.split.kind === 'kfold' && !(Number.isInteger(ev.split.k) && ev.split.k >= 2)) p.push(`k-fold needs k ≥ 2, got ${ev.split.k}`);
  }
  const idProblem = spec.export && modelIdProblem(spec.export.modelId);
  if (idProblem) p.push(idProblem);
  // `file` labels come from each recording's own class: a recording without one (a session, a file given no class) would add only unlabelled windows.
  const d = spec.dataset;
  // A label source that can give one class only: the run would fail once the windows are built.
  if (d && classesOk && (spec.finetune || spec.evaluation)) p.push(...labelClassProblems(d).map((x) => `labels: ${x}`));
  if (d && d.labels.kind === 'file' && (spec.finetune || spec.evaluation)) {
    const bare = d.sources.filter((s) => (s.kind === 'file' || s.kind === 'folder') && !s.label);
    const sessions = d.sources.filter((s) => s.kind === 'session');
    if (sessions.length) p.push(`file labels take each recording's own class, and a recorded session (${sessions.map((s) => (s.kind === 'session' ? s.id : '')).join(', ')}) has none: label its windows from its markers (annotations) or its SAM reports (self-reports)`);
    if (bare.length) p.push(`file labels take each recording's own class, and ${bare.map((s) => (s.kind === 'file' ? s.path : s.kind === 'folder' ? s.dir : '')).join(', ')} ${bare.length === 1 ? 'has' : 'have'} none: give it one (PATH = CLASS${task ? `, CLASS ${task.classes.join(' or ')}` : ''}) or label from annotations`);
  }
  return p;
}

/** Throws TrainError(BadConfig) listing every problem of `spec`, or returns. */
export function checkJobSpec(spec: JobSpec): void {
  const p = jobSpecProblems(spec);
  if (p.length) throw new TrainError(TrainErrorCode.BadConfig, `this run cannot start: ${p.join('; ')}`, p);
}
