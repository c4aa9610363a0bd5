// EEGMAT (PhysioNet "EEG During Mental Arithmetic Tasks", eegmat.ts) as a training dataset
// source: the check that a file is one (and its label). 19 EEG
// channels (10-20) + A2-A1 + one ECG lead at 500 Hz, prefiltered 0.5–45 Hz with a 50 Hz notch;
// the label is the file's (rest / arithmetic, eegmat.ts's parseEegmatFileName).
import { TASK_MENTAL_ARITHMETIC } from '../model/config';
import type { ImportedRecording } from '../formats/recording.types';
import { electrodeKey } from '../channel-label';
import { TEN_TWENTY_19 } from '../pipeline/montage';
import { DatasetError, DatasetErrorCode } from './datasets.types';
import { parseEegmatFileName } from './eegmat';
import type { RecordingSource } from './windows.types';

export const EEGMAT_TASK = TASK_MENTAL_ARITHMETIC;
export const EEGMAT_SAMPLE_RATE_HZ = 500;

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
