// Model cards: validation of card.json, the rendered text (card.md), and the check of a model's
// input contract against the devices that are connected.
import { TASK_NAME_RE, taskProblems, validateModelConfig, ModelConfigError, defaultContract } from './config';
import { MODEL_CARD_FORMAT, type FusedModelConfig, type InputContract, type ModalityContract, type ModelCard, type ModelModality } from './model.types';
import { electrodeKey } from '../channel-label';
import { plural } from '../plural';
import { meanSdText } from '../eval/report';
import { chanceNote } from '../train/report-text';
import { MODEL_RATE_HZ } from '../window.types';

export const MODEL_ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** A file name inside the model folder: no separators, not '.' or '..'. */
const ONNX_FILE_RE = /^(?!\.\.?$)[^\\/]+$/;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;
const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function modalityProblems(m: unknown, label: string): string[] {
  if (!isObj(m)) return [`input.${label} must be an object`];
  const p: string[] = [];
  if (!(m.channels === 'any' || (isStrArr(m.channels) && m.channels.length > 0))) p.push(`input.${label}.channels must be 'any' or a list of labels`);
  if (!Number.isInteger(m.minChannels) || (m.minChannels as number) < 1) p.push(`input.${label}.minChannels must be an integer ≥ 1`);
  if (!Number.isInteger(m.maxChannels) || (m.maxChannels as number) < (m.minChannels as number)) p.push(`input.${label}.maxChannels must be an integer ≥ minChannels`);
  if (m.unit !== 'uV') p.push(`input.${label}.unit must be 'uV'`);
  if (typeof m.scaleDivisor !== 'number' || !(m.scaleDivisor > 0)) p.push(`input.${label}.scaleDivisor must be a positive number`);
  return p;
}

/** Checks a parsed card.json; returns every problem (empty when the card is complete). */
export function cardProblems(v: unknown): string[] {
  if (!isObj(v)) return ['card.json must hold a JSON object'];
  const p: string[] = [];
  if (v.format !== MODEL_CARD_FORMAT) p.push(`format must be '${MODEL_CARD_FORMAT}'`);
  if (!isStr(v.id) || !MODEL_ID_RE.test(v.id)) p.push(`id must match ${MODEL_ID_RE}`);
  for (const k of ['name', 'version', 'description', 'created'] as const) if (!isStr(v[k])) p.push(`${k} is required`);
  if (!isObj(v.config)) p.push('config (the architecture and its tasks) is required');
  else {
    try {
      validateModelConfig(v.config as never);
    } catch (e) {
      p.push(...(e instanceof ModelConfigError ? e.problems.map((x) => `config: ${x}`) : [`config: ${(e as Error).message}`]));
    }
  }
  if (!isObj(v.input)) p.push('input (the input contract) is required');
  else {
    const inp = v.input;
    if (typeof inp.rateHz !== 'number' || !(inp.rateHz > 0)) p.push('input.rateHz must be a positive number');
    // The pipeline cuts every window at one rate: a model reading another would skip every window as "the window is at 200 Hz".
    else if (inp.rateHz !== MODEL_RATE_HZ) p.push(`input.rateHz is ${inp.rateHz} Hz: HeartMind's pipeline cuts windows at ${MODEL_RATE_HZ} Hz (CBraMod's patch rate), so this model could read none`);
    if (!Number.isInteger(inp.windowSeconds) || (inp.windowSeconds as number) < 1) p.push('input.windowSeconds must be a whole number of seconds ≥ 1');
    if (!inp.eeg && !inp.ecg) p.push('input must declare eeg and/or ecg');
    if (inp.eeg) p.push(...modalityProblems(inp.eeg, 'eeg'));
    if (inp.ecg) p.push(...modalityProblems(inp.ecg, 'ecg'));
    if (isObj(v.config)) {
      for (const m of ['eeg', 'ecg'] as const) {
        if (Boolean((v.config as Record<string, unknown>)[m]) !== Boolean(inp[m])) p.push(`input.${m} must be declared exactly when the model has an ${m} encoder`);
      }
    }
  }
  if (!isObj(v.onnx) || !isStr(v.onnx.file) || !Number.isInteger(v.onnx.opset)) p.push('onnx.file and onnx.opset are required');
  // The registry reads <folder>/<onnx.file>: a path ('../other/model.onnx') would run another folder's file under this card.
  else if (!ONNX_FILE_RE.test(v.onnx.file)) p.push(`onnx.file must be a file name in the model's folder (got '${v.onnx.file}')`);
  if (!isObj(v.training) || !isStrArr(v.training.data) || !isStr(v.training.procedure) || !isStr(v.training.provenance)) p.push('training.data (list), training.procedure and training.provenance are required');
  if (!isObj(v.evaluation) || !isStr(v.evaluation.protocol) || !Array.isArray(v.evaluation.metrics)) p.push('evaluation.protocol and evaluation.metrics are required');
  else {
    const f = v.evaluation.folds;
    if (f !== undefined && !(Number.isInteger(f) && (f as number) >= 1)) p.push('evaluation.folds must be a whole number ≥ 1');
    for (const m of v.evaluation.metrics as unknown[]) {
      if (!isObj(m) || !isStr(m.task) || !isStr(m.metric) || typeof m.value !== 'number') p.push('each evaluation metric needs task, metric and a numeric value');
      // Optional figures (a card written before baselineSd existed lacks it): numbers when present.
      else {
        for (const k of ['sd', 'baseline', 'baselineSd', 'chance'] as const) if (m[k] !== undefined && typeof m[k] !== 'number') p.push(`evaluation metric ${m.task} ${m.metric}: ${k} must be a number`);
        for (const k of ['folds', 'baselineFolds'] as const) if (m[k] !== undefined && !(Number.isInteger(m[k]) && (m[k] as number) >= 1)) p.push(`evaluation metric ${m.task} ${m.metric}: ${k} must be a whole number ≥ 1`);
      }
    }
  }
  if (!isObj(v.licence) || !isStr(v.licence.model) || !isStrArr(v.licence.data)) p.push('licence.model and licence.data are required');
  if (!isStrArr(v.limitations)) p.push('limitations must be a list (may be empty)');
  return p;
}

/** Everything a new card needs beyond what the exporter fills in. */
export interface NewCardFields {
  id: string;
  name: string;
  version?: string;
  description: string;
  config: FusedModelConfig;
  /** Defaults to defaultContract(config, windowSeconds): any channel count. */
  input?: InputContract;
  windowSeconds: number;
  training: ModelCard['training'];
  evaluation: ModelCard['evaluation'];
  licence: ModelCard['licence'];
  limitations: string[];
  authors?: string[];
  /** ISO date; defaults to now. */
  created?: string;
}

/** A complete card for an exported model (the ONNX opset is the exporter's). */
export function newModelCard(f: NewCardFields, onnxOpset: number): ModelCard {
  return {
    format: MODEL_CARD_FORMAT,
    id: f.id,
    name: f.name,
    version: f.version ?? '1.0.0',
    description: f.description,
    created: f.created ?? new Date().toISOString(),
    config: f.config,
    input: f.input ?? defaultContract(f.config, f.windowSeconds),
    onnx: { file: 'model.onnx', opset: onnxOpset },
    training: f.training,
    evaluation: f.evaluation,
    licence: f.licence,
    limitations: f.limitations,
    ...(f.authors ? { authors: f.authors } : {}),
  };
}

/** The channels a modality contract reads: '19 channels: Fp1 Fp2 … Pz', or for 'any' only the count ('1 channel, any label', '1–12 channels, any labels'). */
function channelsText(m: ModalityContract): string {
  const count = m.minChannels === m.maxChannels ? plural(m.minChannels, 'channel') : `${m.minChannels}–${m.maxChannels} channels`;
  return m.channels === 'any' ? `${count}, any ${m.maxChannels === 1 ? 'label' : 'labels'}` : `${plural(m.channels.length, 'channel')}: ${m.channels.join(' ')}`;
}

function contractLine(m: ModalityContract | undefined): string {
  return m ? `${channelsText(m)}; µV ÷ ${m.scaleDivisor}` : 'not used';
}

/**
 * What a model reads, for one waiting for its devices: 'it reads EEG (19 channels: Fp1 … Pz) and
 * ECG (1 channel, any label); either alone will do'. "No EEG or ECG device connected" alone left the
 * researcher to open the card to learn which headset it wants.
 */
export function readsText(input: InputContract): string {
  const reads = (['eeg', 'ecg'] as const).filter((m) => input[m]).map((m) => `${m.toUpperCase()} (${channelsText(input[m]!)})`);
  return `it reads ${reads.join(' and ')}${reads.length > 1 ? '; either alone will do' : ''}`;
}

/**
 * A card figure as the CLI's report and the Training view write the run's: mean ± sd over the folds,
 * '(1 fold)' for a mean over one, '* (n of K folds)' where a test fold of one class left folds out
 * (meanSdText). A card exported before it recorded fold counts: a model figure without its sd is a
 * one-fold mean (the exporter always wrote the sd of two or more), a baseline figure without its sd
 * says it has none recorded (older cards did not write the baseline's).
 */
export function cardFigureText(mean: number, sd: number | undefined, n: number | undefined, folds: number | undefined, kind: 'model' | 'baseline' = 'model'): string {
  if (n === undefined && sd === undefined && kind === 'baseline') return `${mean.toFixed(3)} (no sd recorded)`;
  const count = n ?? (sd === undefined ? 1 : 2);
  return meanSdText({ mean, sd: sd ?? NaN, n: count }, folds ?? count, { spellFolds: true });
}

/** card.md: the card as text a person reads (the registry writes it next to card.json). */
export function renderModelCard(card: ModelCard): string {
  const L: string[] = [];
  L.push(`# ${card.name} (${card.id} ${card.version})`, '', card.description, '');
  L.push('## Tasks', '');
  for (const t of card.config.tasks) L.push(`- **${t.name}** (${t.kind}): ${t.classes.join(' / ')}${t.description ? ` — ${t.description}` : ''}`);
  L.push('', '## Input', '');
  L.push(`- Windows of ${card.input.windowSeconds} s at ${card.input.rateHz} Hz (1-s patches of ${card.input.rateHz} samples)`);
  L.push(`- EEG: ${contractLine(card.input.eeg)}`);
  L.push(`- ECG: ${contractLine(card.input.ecg)}`);
  const enc = (['eeg', 'ecg'] as const).filter((m) => card.config[m]).map((m) => `${m.toUpperCase()} CBraMod ${plural(card.config[m]!.nLayers, 'layer')}`);
  L.push(`- Architecture: ${enc.join(' + ')}, ${card.config.pooling} pooling, head ${card.config.head.hidden || 'linear'}; a missing modality is replaced by its learned "absent" embedding`);
  L.push('', '## Training', '');
  L.push(`- Data: ${card.training.data.join('; ')}`, `- Procedure: ${card.training.procedure}`, `- Provenance: ${card.training.provenance}`);
  L.push('', '## Evaluation', '', card.evaluation.protocol, '');
  if (card.evaluation.metrics.length) {
    // A chance column where the card records one (cards exported before it keep their four columns).
    const chance = card.evaluation.metrics.some((m) => m.chance !== undefined);
    L.push(`| task | metric | model | baseline |${chance ? ' chance |' : ''}`, `|---|---|---|---|${chance ? '---|' : ''}`);
    for (const m of card.evaluation.metrics) {
      const folds = card.evaluation.folds;
      const b = m.baseline === undefined ? '–' : cardFigureText(m.baseline, m.baselineSd, m.baselineFolds, folds, 'baseline');
      L.push(`| ${m.task} | ${m.metric} | ${cardFigureText(m.value, m.sd, m.folds, folds)} | ${b} |${chance ? ` ${m.chance === undefined ? '–' : m.chance.toFixed(3)} |` : ''}`);
    }
    if (chance) {
      const tasks = card.config.tasks;
      const task = tasks.find((t) => t.name === card.evaluation.metrics[0].task) ?? tasks[0];
      L.push('', chanceNote(task?.classes[1] ?? 'positive'));
    }
  } else L.push('No evaluation recorded.');
  L.push('', '## Limitations', '');
  if (card.limitations.length) for (const l of card.limitations) L.push(`- ${l}`);
  else L.push('- None stated.');
  L.push('', '## Licence', '', `- Weights: ${card.licence.model}`, ...card.licence.data.map((d) => `- Data: ${d}`), '');
  L.push(`Created ${card.created}${card.authors?.length ? ` by ${card.authors.join(', ')}` : ''}. ONNX opset ${card.onnx.opset}, file ${card.onnx.file}.`, '');
  return L.join('\n');
}

/**
 * What is connected now, per modality: the channel labels each device stream offers; and, where
 * known, the window length (s) the pipeline cuts under the signal settings in force.
 */
export type AvailableInputs = Partial<Record<ModelModality, string[]>> & { windowSec?: number };

export interface ContractCheck {
  ok: boolean;
  /** Modalities that will feed the model. */
  fed: ModelModality[];
  /**
   * What the refusal is about, as the words after "the model …": 'does not fit the connected devices',
   * 'does not fit the signal settings' (a window length), or both; 'is waiting for its devices' with
   * nothing connected that it reads (awaitingDevices; SETTINGS_AND_AWAITING_REFUSAL beside a
   * window-length mismatch); empty when ok. A window-length mismatch said as a device problem sent
   * the user to the headset instead of the settings.
   */
  refusal: string;
  /** Why the model cannot run, in words (empty when ok). */
  problems: string[];
  /** Notes that do not block (e.g. "no ECG connected: answers from EEG alone"). */
  notes: string[];
  /**
   * Refused only because no device of a modality it reads is connected (and the signal settings fit):
   * there is nothing to check its montage against yet. Such a model can still be chosen; it runs once
   * a device that fits it connects (a model picked before the headset is on, or before a replay starts).
   */
  awaitingDevices?: true;
}

/**
 * Channel indices in `labels` for a modality contract, or the labels that are missing. Labels are
 * compared by electrodeKey, the key the montage fills its rows by, so 'EEG Fp1-REF' is Fp1 and T7 is T3.
 */
export function matchChannels(contract: ModalityContract, labels: string[]): { indices: number[] } | { missing: string[]; reason: string } {
  if (contract.channels === 'any') {
    if (labels.length < contract.minChannels || labels.length > contract.maxChannels) {
      return { missing: [], reason: `${plural(labels.length, 'channel')}, the model reads ${contract.minChannels === contract.maxChannels ? contract.minChannels : `${contract.minChannels}–${contract.maxChannels}`}` };
    }
    return { indices: labels.map((_, i) => i) };
  }
  const keys = labels.map(electrodeKey);
  const indices: number[] = [];
  const missing: string[] = [];
  for (const want of contract.channels) {
    const i = keys.indexOf(electrodeKey(want));
    if (i < 0) missing.push(want);
    else indices.push(i);
  }
  return missing.length ? { missing, reason: `missing ${missing.join(', ')}` } : { indices };
}

/** Labels for a message: all of a headset's, the first 12 and the count of a large cap's. */
function listLabels(labels: string[], max = 12): string {
  return labels.length <= max ? labels.join(', ') : `${labels.slice(0, max).join(', ')}, … (${labels.length} channels)`;
}

/**
 * Can this model run on what is connected? Every modality whose device is connected must satisfy the
 * contract (a model is refused, with what is missing, rather than fed the wrong montage); a modality
 * with no device connected is allowed (its "absent" embedding answers) as long as one modality feeds;
 * and the windows cut now must be as long as the model reads.
 */
export function checkContract(input: InputContract, available: AvailableInputs): ContractCheck {
  const problems: string[] = [];
  const notes: string[] = [];
  const absentNotes: string[] = [];
  const fed: ModelModality[] = [];
  let settings = false;
  for (const m of ['eeg', 'ecg'] as const) {
    const contract = input[m];
    const labels = available[m];
    const name = m.toUpperCase();
    if (!contract) {
      if (labels?.length) notes.push(`${name} is connected but this model does not read it`);
      continue;
    }
    if (!labels || labels.length === 0) {
      absentNotes.push(`no ${name} connected: the model answers without it`);
      continue;
    }
    const r = matchChannels(contract, labels);
    // Name what is connected too: "missing Fp1, …" alone leaves the user to guess what the headset has.
    if ('missing' in r) problems.push(r.missing.length ? `${name}: ${r.reason} (connected: ${listLabels(labels)})` : `${name}: ${r.reason}`);
    else fed.push(m);
  }
  const nothingConnected = problems.length === 0 && fed.length === 0;
  if (nothingConnected) {
    const wanted = (['eeg', 'ecg'] as const).filter((m) => input[m]).map((m) => m.toUpperCase());
    problems.push(`no ${wanted.join(' or ')} device connected`);
    notes.push(readsText(input));
  }
  // It answers without a modality only while another feeds it: with nothing connected, 'no EEG
  // connected: the model answers without it' and the same of ECG stood under 'no EEG or ECG device connected'.
  else notes.push(...absentNotes);
  const misfit = problems.length > 0 && !nothingConnected;
  // A model reads the window length it was trained on: fed another, it would skip every window.
  if (available.windowSec !== undefined && available.windowSec !== input.windowSeconds) {
    settings = true;
    problems.push(windowLengthProblem(input.windowSeconds, available.windowSec));
  }
  return { ok: problems.length === 0, fed, refusal: refusalText(misfit, settings, nothingConnected), problems, notes, ...(nothingConnected && !settings ? { awaitingDevices: true as const } : {}) };
}

/** A window-length mismatch in words: what the model reads, what is cut, and where to change it. */
export function windowLengthProblem(modelSec: number, cutSec: number): string {
  return `window length: the model reads ${modelSec}-s windows, the signal settings cut ${cutSec}-s windows (set Window to ${modelSec} s in Live → Signal settings)`;
}

/** The refusal of a model with nothing connected that it reads (and the signal settings fit): it waits, it is not a misfit. */
export const AWAITING_DEVICES_REFUSAL = 'is waiting for its devices';
/** The same with windows of another length cut meanwhile. */
export const SETTINGS_AND_AWAITING_REFUSAL = 'does not fit the signal settings, and is waiting for its devices';

/**
 * `misfit`: a connected device does not fit; `waiting`: nothing it reads is connected. With nothing
 * connected the model read 'does not fit the connected devices', as if the headset on were wrong.
 */
function refusalText(misfit: boolean, settings: boolean, waiting: boolean): string {
  if (misfit && settings) return 'does not fit the connected devices or the signal settings';
  if (settings) return waiting ? SETTINGS_AND_AWAITING_REFUSAL : 'does not fit the signal settings';
  if (waiting) return AWAITING_DEVICES_REFUSAL;
  return misfit ? 'does not fit the connected devices' : '';
}

export { TASK_NAME_RE, taskProblems };
