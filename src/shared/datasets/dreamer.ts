// DREAMER (Katsigiannis & Ramzan, IEEE JBHI 2018): 23 subjects × 18 film clips, Emotiv EPOC EEG
// (14 ch, 128 Hz), Shimmer2 ECG (2 ch, 256 Hz), self-assessed valence/arousal/dominance 1–5.
// Users bring their own DREAMER.mat (it is not openly licensed); this reads it without MATLAB
// through our MAT v5 reader and checks every part of the structure it relies on, so a file that
// is not DREAMER fails with the path of what is missing instead of deep inside training.
import { parseMat } from '../formats/mat/mat-parse';
import { FormatError } from '../formats/format-error';
import type { MatFile, MatValue, MatStruct } from '../formats/mat/mat.types';
import {
  DatasetError,
  DatasetErrorCode,
  DREAMER_DEFAULT_THRESHOLD,
  DREAMER_DIMENSIONS,
  DREAMER_ECG_CHANNELS,
  type DreamerClip,
  type DreamerDataset,
  type DreamerDimension,
  type DreamerOptions,
  type DreamerSignals,
  type DreamerSubject,
  type DreamerTrial,
} from './datasets.types';

const EEG_CHANNEL_COUNT = 14;
const ECG_CHANNEL_COUNT = 2;
const SCORE_FIELDS: Record<DreamerDimension, string> = { valence: 'ScoreValence', arousal: 'ScoreArousal', dominance: 'ScoreDominance' };

/**
 * Reads DREAMER.mat. Throws FormatError for a file that is not a readable MAT v5 file, and
 * DatasetError 'not-dreamer' for one that is but does not hold the DREAMER structure.
 */
export function parseDreamer(bytes: Uint8Array, fileName = 'DREAMER.mat', opts: DreamerOptions = {}): DreamerDataset {
  checkThreshold(opts.threshold);
  let mat: MatFile;
  try {
    mat = parseMat(bytes, fileName, { variables: ['DREAMER'] });
  } catch (e) {
    throw damagedSaid(e);
  }
  return decodeDreamer(mat, fileName, opts);
}

/**
 * A MAT-file whose bytes stop decoding part-way (a download or copy gone wrong: its header and the
 * first bytes of each variable, which a run checks before it starts, read fine) said as damaged,
 * with what to do, before the reader's detail: 'DREAMER.mat: compressed element at offset 128
 * inflates to more than the 3974920 bytes its tag declares' left the user to guess both. Same code
 * and file, so a resume once the file is fetched again continues.
 */
function damagedSaid(e: unknown): unknown {
  if (!(e instanceof FormatError) || (e.code !== 'bad-data' && e.code !== 'truncated')) return e;
  return new FormatError(e.code, e.fileName, `the file is damaged (a download or copy gone wrong? fetch it again): ${e.detail}`);
}

/** The struct fields of DREAMER that decodeDreamer needs, in the order it reads them (noOfSubjects … are optional). */
const DREAMER_FIELDS = ['EEG_SamplingRate', 'ECG_SamplingRate', 'EEG_Electrodes', 'Data'];

const MX_CLASS_NAMES: Record<number, string> = { 1: 'a cell array', 3: 'an object', 4: 'a char array', 5: 'a sparse array', 6: 'a double array', 7: 'a single array' };

/** A MAT-file's top-level variables as their first bytes tell: class (mxSTRUCT_CLASS = 2) and a struct's field names. */
export interface DreamerShape {
  variables: Map<string, { mxClass: number; fields: string[] | null }>;
}

/**
 * Why a MAT-file's top level is not DREAMER's (no variable DREAMER, not a struct, a field missing),
 * in decodeDreamer's words, or null: what a run can check from the file's first bytes before it
 * reads the whole of it.
 */
export function dreamerShapeProblem(shape: DreamerShape): string | null {
  const top = shape.variables.get('DREAMER');
  const names = [...shape.variables.keys()].filter((n) => n !== '');
  if (!top) return `it has no variable named DREAMER${names.length ? ` (its variables: ${names.join(', ')})` : ''}`;
  if (top.mxClass !== 2 || !top.fields) return `DREAMER should be a 1×1 struct, found ${MX_CLASS_NAMES[top.mxClass] ?? `an array of MATLAB class ${top.mxClass}`}`;
  const missing = DREAMER_FIELDS.find((f) => !top.fields!.includes(f));
  return missing ? `DREAMER.${missing} is missing (DREAMER has fields: ${top.fields.join(', ') || 'none'})` : null;
}

/** Turns a parsed MAT-file holding struct `DREAMER` into typed per-subject, per-clip records. */
export function decodeDreamer(mat: MatFile, fileName = 'DREAMER.mat', opts: DreamerOptions = {}): DreamerDataset {
  const threshold = checkThreshold(opts.threshold);
  const fail = (detail: string): never => {
    throw new DatasetError(DatasetErrorCode.NotDreamer, `${fileName} is not the DREAMER structure: ${detail}`);
  };
  const top = mat.variables.get('DREAMER');
  // parseDreamer reads only DREAMER, so an empty list here says nothing of what else the file holds.
  const names = [...mat.variables.keys()];
  if (!top) fail(`it has no variable named DREAMER${names.length ? ` (its variables: ${names.join(', ')})` : ''}`);
  const root = structOf(top!.value, 'DREAMER', fail);

  const eegRate = scalar(field(root, 'EEG_SamplingRate', 'DREAMER', fail), 'DREAMER.EEG_SamplingRate', fail);
  const ecgRate = scalar(field(root, 'ECG_SamplingRate', 'DREAMER', fail), 'DREAMER.ECG_SamplingRate', fail);
  for (const [name, r] of [['EEG_SamplingRate', eegRate], ['ECG_SamplingRate', ecgRate]] as const) {
    if (!(r > 0)) fail(`DREAMER.${name} is ${r}, not a positive rate in Hz`);
  }
  const electrodes = cellOf(field(root, 'EEG_Electrodes', 'DREAMER', fail), 'DREAMER.EEG_Electrodes', fail).map((v, i) => text(v, `DREAMER.EEG_Electrodes{${i + 1}}`, fail));
  if (electrodes.length !== EEG_CHANNEL_COUNT) fail(`DREAMER.EEG_Electrodes has ${electrodes.length} labels, expected ${EEG_CHANNEL_COUNT}`);

  const data = cellOf(field(root, 'Data', 'DREAMER', fail), 'DREAMER.Data', fail);
  if (data.length === 0) fail('DREAMER.Data holds no subjects');
  const declared = optionalScalar(root, 'noOfSubjects', fail);
  if (declared !== null && declared !== data.length) fail(`DREAMER.noOfSubjects is ${declared} but DREAMER.Data holds ${data.length} subjects`);
  const declaredClips = optionalScalar(root, 'noOfVideoSequences', fail);

  const width = String(data.length).length < 2 ? 2 : String(data.length).length;
  const subjects = data.map((v, s): DreamerSubject => {
    const path = `DREAMER.Data{${s + 1}}`;
    const subj = structOf(v, path, fail);
    const eeg = structOf(field(subj, 'EEG', path, fail), `${path}.EEG`, fail);
    const ecg = structOf(field(subj, 'ECG', path, fail), `${path}.ECG`, fail);
    const blocks = {
      eegBaseline: signalsList(field(eeg, 'baseline', `${path}.EEG`, fail), `${path}.EEG.baseline`, EEG_CHANNEL_COUNT, fail),
      eegStimuli: signalsList(field(eeg, 'stimuli', `${path}.EEG`, fail), `${path}.EEG.stimuli`, EEG_CHANNEL_COUNT, fail),
      ecgBaseline: signalsList(field(ecg, 'baseline', `${path}.ECG`, fail), `${path}.ECG.baseline`, ECG_CHANNEL_COUNT, fail),
      ecgStimuli: signalsList(field(ecg, 'stimuli', `${path}.ECG`, fail), `${path}.ECG.stimuli`, ECG_CHANNEL_COUNT, fail),
    };
    const nClips = blocks.eegStimuli.length;
    for (const [name, list] of Object.entries(blocks)) {
      if (list.length !== nClips) fail(`${path}: ${name} has ${list.length} clips but EEG.stimuli has ${nClips}`);
    }
    if (declaredClips !== null && declaredClips !== nClips) fail(`DREAMER.noOfVideoSequences is ${declaredClips} but ${path}.EEG.stimuli holds ${nClips} clips`);
    const scores = Object.fromEntries(
      DREAMER_DIMENSIONS.map((d) => {
        const p = `${path}.${SCORE_FIELDS[d]}`;
        const values = numbers(field(subj, SCORE_FIELDS[d], path, fail), p, fail);
        if (values.length !== nClips) fail(`${p} has ${values.length} scores for ${nClips} clips`);
        values.forEach((x, i) => Number.isFinite(x) || fail(`${p}(${i + 1}) is ${x}, not a score`));
        return [d, values];
      }),
    ) as Record<DreamerDimension, Float64Array>;
    const clips = Array.from({ length: nClips }, (_, c): DreamerClip => {
      const sc = { valence: scores.valence[c], arousal: scores.arousal[c], dominance: scores.dominance[c] };
      return {
        clip: c + 1,
        eeg: { baseline: blocks.eegBaseline[c], stimulus: blocks.eegStimuli[c] },
        ecg: { baseline: blocks.ecgBaseline[c], stimulus: blocks.ecgStimuli[c] },
        scores: sc,
        labels: { valence: binarise(sc.valence, threshold), arousal: binarise(sc.arousal, threshold), dominance: binarise(sc.dominance, threshold) },
      };
    });
    const ageValue = subj.elements[0].get('Age');
    const genderValue = subj.elements[0].get('Gender');
    return {
      index: s + 1,
      id: `S${String(s + 1).padStart(width, '0')}`,
      age: ageValue ? ageOf(ageValue) : null,
      gender: genderValue?.kind === 'char' ? genderValue.rows.join(' ').trim() : '',
      clips,
    };
  });
  return { eegChannels: electrodes, ecgChannels: [...DREAMER_ECG_CHANNELS], eegSampleRateHz: eegRate, ecgSampleRateHz: ecgRate, threshold, subjects };
}

/**
 * Flattens the dataset into one trial per (subject, clip) labelled on one dimension, the unit
 * subject-wise splits work on. `lastSeconds` keeps only the end of each stimulus (some DREAMER
 * studies use the last 60 s, when the film's emotional content is strongest); shorter clips stay whole.
 */
export function dreamerTrials(ds: DreamerDataset, dimension: DreamerDimension, opts: { lastSeconds?: number } = {}): DreamerTrial[] {
  if (!DREAMER_DIMENSIONS.includes(dimension)) throw new DatasetError(DatasetErrorCode.BadOption, `unknown DREAMER dimension ${String(dimension)} (valence, arousal or dominance)`);
  const last = opts.lastSeconds;
  if (last !== undefined && !(last > 0 && Number.isFinite(last))) throw new DatasetError(DatasetErrorCode.BadOption, `lastSeconds must be a positive number of seconds, got ${last}`);
  const tail = (s: DreamerSignals, rateHz: number): DreamerSignals => {
    if (last === undefined) return s;
    const n = Math.min(s.length, Math.round(last * rateHz));
    return { channels: s.channels.map((c) => c.subarray(s.length - n)), length: n };
  };
  return ds.subjects.flatMap((subj) =>
    subj.clips.map((c) => ({
      subject: subj.id,
      clip: c.clip,
      eeg: tail(c.eeg.stimulus, ds.eegSampleRateHz),
      ecg: tail(c.ecg.stimulus, ds.ecgSampleRateHz),
      eegBaseline: c.eeg.baseline,
      ecgBaseline: c.ecg.baseline,
      score: c.scores[dimension],
      label: c.labels[dimension],
    })),
  );
}

function checkThreshold(t: number | undefined): number {
  const threshold = t ?? DREAMER_DEFAULT_THRESHOLD;
  if (!Number.isFinite(threshold)) throw new DatasetError(DatasetErrorCode.BadOption, `threshold must be a finite score, got ${t}`);
  return threshold;
}

function binarise(score: number, threshold: number): 0 | 1 {
  return score >= threshold ? 1 : 0;
}

// -------------------------------------------------------------------------------------------------
// Structure checks: each names the path of what is missing or of the wrong kind.

type Fail = (detail: string) => never;

function describeValue(v: MatValue): string {
  if (v.kind === 'numeric') return `a ${v.dims.join('×')} ${v.class} array`;
  if (v.kind === 'unsupported') return `a ${v.matlabClass} value`;
  return `a ${v.dims.join('×')} ${v.kind}`;
}

function structOf(v: MatValue, path: string, fail: Fail): MatStruct {
  if (v.kind !== 'struct' || v.elements.length !== 1) fail(`${path} should be a 1×1 struct, found ${describeValue(v)}`);
  return v as MatStruct;
}

function field(s: MatStruct, name: string, path: string, fail: Fail): MatValue {
  const v = s.elements[0].get(name);
  if (v === undefined) fail(`${path}.${name} is missing (${path} has fields: ${s.fieldNames.join(', ') || 'none'})`);
  return v!;
}

function cellOf(v: MatValue, path: string, fail: Fail): MatValue[] {
  if (v.kind !== 'cell') fail(`${path} should be a cell array, found ${describeValue(v)}`);
  return (v as { cells: MatValue[] }).cells;
}

function numbers(v: MatValue, path: string, fail: Fail): Float64Array {
  if (v.kind !== 'numeric' || v.imag) fail(`${path} should be a real numeric array, found ${describeValue(v)}`);
  const real = (v as { real: ArrayLike<number | bigint> }).real;
  if (real instanceof Float64Array) return real;
  return Float64Array.from(real as ArrayLike<number | bigint>, (x) => Number(x));
}

function scalar(v: MatValue, path: string, fail: Fail): number {
  const xs = numbers(v, path, fail);
  if (xs.length !== 1) fail(`${path} should be one number, found ${describeValue(v)}`);
  return xs[0];
}

function optionalScalar(s: MatStruct, name: string, fail: Fail): number | null {
  return s.elements[0].has(name) ? scalar(s.elements[0].get(name)!, `DREAMER.${name}`, fail) : null;
}

function text(v: MatValue, path: string, fail: Fail): string {
  if (v.kind !== 'char' || v.rows.length !== 1) fail(`${path} should be a string, found ${describeValue(v)}`);
  return (v as { rows: string[] }).rows[0].trim();
}

function ageOf(v: MatValue): number | null {
  // DREAMER stores Age as text ('22'); accept a number too.
  const x = v.kind === 'char' ? Number(v.rows.join('').trim()) : v.kind === 'numeric' && v.real.length === 1 ? Number(v.real[0]) : NaN;
  return Number.isFinite(x) && (v.kind !== 'char' || v.rows.join('').trim() !== '') ? x : null;
}

/** A cell of [samples × channels] matrices → planar signals per clip (views into the file's data). */
function signalsList(v: MatValue, path: string, nChannels: number, fail: Fail): DreamerSignals[] {
  return cellOf(v, path, fail).map((m, i) => {
    const p = `${path}{${i + 1}}`;
    if (m.kind !== 'numeric' || m.dims.length !== 2) fail(`${p} should be a [samples × ${nChannels}] matrix, found ${describeValue(m)}`);
    const [rows, cols] = m.dims;
    if (cols !== nChannels) fail(`${p} is ${rows}×${cols}, expected ${nChannels} channel columns`);
    const data = numbers(m, p, fail);
    return { channels: Array.from({ length: cols }, (_, c) => data.subarray(c * rows, (c + 1) * rows)), length: rows };
  });
}
