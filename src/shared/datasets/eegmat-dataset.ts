// EEGMAT (PhysioNet "EEG During Mental Arithmetic Tasks", eegmat.ts) as a training dataset
// source: file validation, the windowing of the shipped model, and subject-info.csv. 19 EEG
// channels (10-20) + A2-A1 + one ECG lead at 500 Hz, prefiltered 0.5–45 Hz with a 50 Hz notch;
// the label is the file's (rest / arithmetic, eegmat.ts's parseEegmatFileName).
import { TASK_MENTAL_ARITHMETIC } from '../model/config';
import type { ImportedRecording } from '../formats/recording.types';
import { electrodeKey, TEN_TWENTY_19 } from '../pipeline/montage';
import { DatasetError, DatasetErrorCode } from './datasets.types';
import { parseEegmatFileName } from './eegmat';
import type { LabelSource, RecordingSource, WindowingOptions } from './windows.types';

export const EEGMAT_TASK = TASK_MENTAL_ARITHMETIC;
export const EEGMAT_SAMPLE_RATE_HZ = 500;
/** The recordings' notch says 50 Hz; the pipeline notches the same. */
export const EEGMAT_MAINS_HZ = 50;
export const EEGMAT_LABELS: LabelSource = { kind: 'file' };

/** CBraMod's EEGMAT windows: 5 s, non-overlapping; 19 EEG channels in the 10-20 order of MODEL.md, the ECG lead. */
export const EEGMAT_WINDOWING: WindowingOptions = {
  windowSec: 5,
  hopSec: 5,
  eegMontage: [...TEN_TWENTY_19],
  ecgMontage: 'device',
  mainsHz: EEGMAT_MAINS_HZ,
  modalities: ['eeg', 'ecg'],
  require: 'all',
};

/**
 * Checks that an imported file is an EEGMAT recording (name, 19 EEG channels of the 10-20 set at
 * 500 Hz, an ECG lead) and returns it as a dataset source labelled by its suffix. Anything else is a
 * DatasetError(NotEegmat) that says what differs.
 */
export function eegmatSource(rec: ImportedRecording): RecordingSource {
  const f = parseEegmatFileName(rec.fileName);
  const eeg = rec.streams.find((s) => s.modality === 'eeg');
  const ecg = rec.streams.find((s) => s.modality === 'ecg');
  const problems: string[] = [];
  if (!eeg) problems.push('no EEG stream');
  else {
    const have = new Set(eeg.channels.map((c) => electrodeKey(c.label)));
    const missing = TEN_TWENTY_19.filter((l) => !have.has(electrodeKey(l)));
    if (missing.length) problems.push(`EEG lacks ${missing.join(', ')}`);
    if (eeg.rateHz !== EEGMAT_SAMPLE_RATE_HZ) problems.push(`EEG at ${eeg.rateHz} Hz, EEGMAT is ${EEGMAT_SAMPLE_RATE_HZ} Hz`);
  }
  if (!ecg) problems.push('no ECG channel');
  if (problems.length) throw new DatasetError(DatasetErrorCode.NotEegmat, `${rec.fileName} does not look like an EEGMAT recording: ${problems.join('; ')}`);
  return { id: rec.fileName.split(/[\\/]/).pop() ?? rec.fileName, subject: f.subject, input: { kind: 'file', recording: rec }, annotations: [], selfReports: [], fileLabel: EEGMAT_TASK.classes[f.label] };
}

export interface EegmatSubjectInfo {
  subject: string;
  age: number | null;
  gender: string;
  recordingYear: number | null;
  /** Subtractions performed during the 4-min task. */
  subtractions: number | null;
  /** 1 = good counter, 0 = bad (Zyma et al.'s split). */
  countQuality: 0 | 1 | null;
}

/** subject-info.csv of EEGMAT: one row per subject. */
export function parseEegmatSubjectInfo(text: string): EegmatSubjectInfo[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length);
  if (lines.length === 0 || !/^subject\s*,/i.test(lines[0])) throw new DatasetError(DatasetErrorCode.NotEegmat, 'subject-info.csv must start with the header "Subject,Age,Gender,…"');
  const num = (s: string | undefined) => {
    const v = s === undefined || s.trim() === '' ? NaN : Number(s);
    return Number.isFinite(v) ? v : null;
  };
  return lines.slice(1).map((l) => {
    const c = l.split(',');
    const q = num(c[5]);
    return { subject: c[0].trim(), age: num(c[1]), gender: (c[2] ?? '').trim(), recordingYear: num(c[3]), subtractions: num(c[4]), countQuality: q === 0 || q === 1 ? q : null };
  });
}
