// PhysioNet EEGMAT, "EEG during mental arithmetic tasks" (Zyma et al., Data 4(1):14, 2019):
// per subject SubjectNN_1.edf (rest) and SubjectNN_2.edf (serial subtraction), 19 EEG channels
// (10-20, linked-ear reference) + A2-A1 + one ECG lead at 500 Hz. The label is the file's: rest
// 0, arithmetic 1 (CBraMod: file suffix − 1). The files are read by the EDF importer and cut by
// the live Pipeline (recording-windows.ts), so training windows are the live windows.
import { importEdf } from '../formats/edf';
import { hostZeroFor } from './build-windows';
import type { PipelineProblem } from '../pipeline';
import type { SyncWindow } from '../window.types';
import { DatasetError, DatasetErrorCode } from './datasets.types';
import { recordingWindows, type RecordingWindowOptions } from './recording-windows';

export type EegmatTask = 'rest' | 'arithmetic';

export interface EegmatFile {
  /** 'Subject00' … 'Subject35', as in the file name. */
  subject: string;
  task: EegmatTask;
  /** 0 = rest, 1 = mental arithmetic. */
  label: 0 | 1;
}

export interface EegmatWindow extends EegmatFile {
  fileName: string;
  window: SyncWindow;
}

export interface EegmatOptions extends RecordingWindowOptions {
  /** Which modalities a window must have present to be kept. Default 'both'. */
  require?: 'both' | 'eeg' | 'ecg';
}

export interface EegmatWindows {
  windows: EegmatWindow[];
  /** Host time (s) the file's zero was replayed at: a window starts `window.startTime − zero` s into the file. */
  zero: number;
  /** Windows the pipeline emitted but `require` dropped (warm-up, gaps, bad quality), with why. */
  dropped: { startTime: number; eeg: string; ecg: string }[];
  problems: PipelineProblem[];
  /** Host times (s) of the R peaks in the recording's ECG, found on the continuous signal by the pipeline. */
  rPeakTimes: Float64Array;
}

/**
 * The EEGMAT windowing: CBraMod's non-overlapping 5 s windows (MODEL.md §5), cut by the
 * Pipeline with its defaults otherwise (19-channel 10-20 montage, band-pass, notch, 200 Hz).
 */
export const EEGMAT_PIPELINE = { window: { lengthSec: 5, hopSec: 5 } } as const;

const NAME_RE = /(?:^|[\\/])(Subject\d+)_([12])\.edf$/i;

/** Subject and task of an EEGMAT file from its name ('…/Subject07_2.edf' → Subject07, arithmetic). */
export function parseEegmatFileName(fileName: string): EegmatFile {
  const m = NAME_RE.exec(fileName);
  if (!m) throw new DatasetError(DatasetErrorCode.NotEegmat, `${fileName} is not an EEGMAT file name (SubjectNN_1.edf for rest, SubjectNN_2.edf for arithmetic)`);
  const label = m[2] === '1' ? 0 : 1;
  return { subject: m[1][0].toUpperCase() + m[1].slice(1).toLowerCase(), task: label === 0 ? 'rest' : 'arithmetic', label };
}

/**
 * Reads one EEGMAT EDF and cuts its labelled windows: the windows the training dataset builder cuts
 * from the file (build-windows.ts), its zero replayed at the same host time (hostZeroFor: the 1-s
 * warm-up ends on a window boundary; 12 windows of a 62-s arithmetic file, 36 of a 182-s rest one).
 * This cut them on the grid of the file's start date instead: the first window began at 5 s, the
 * 4 s after the warm-up were lost, 11 and 35 windows.
 */
export function eegmatWindows(bytes: Uint8Array, fileName: string, opts: EegmatOptions = {}): EegmatWindows {
  const file = parseEegmatFileName(fileName);
  const rec = importEdf(bytes, fileName);
  const eeg = rec.streams.find((s) => s.modality === 'eeg');
  const ecg = rec.streams.find((s) => s.modality === 'ecg');
  const need = opts.require ?? 'both';
  if (need !== 'ecg' && !eeg) throw new DatasetError(DatasetErrorCode.NotEegmat, `${fileName} has no EEG channels; EEGMAT files hold 19 EEG channels and an ECG lead`);
  if (need !== 'eeg' && !ecg) throw new DatasetError(DatasetErrorCode.NotEegmat, `${fileName} has no ECG channel; EEGMAT files hold 19 EEG channels and an ECG lead`);
  const pipeline = { ...opts.pipeline, window: { ...EEGMAT_PIPELINE.window, ...opts.pipeline?.window } };
  // The streams recordingWindows replays, their first sample as the builder takes it.
  const used = rec.streams.filter((x) => (x.modality === 'eeg' || x.modality === 'ecg') && x.rateHz > 0 && x.segments.length > 0);
  const zero = opts.startTime ?? hostZeroFor(Math.min(...used.map((x) => x.segments[0].start)), pipeline.window.hopSec ?? EEGMAT_PIPELINE.window.hopSec, opts.pipeline?.warmUpSec);
  const { windows, problems, rPeakTimes } = recordingWindows(rec, { ...opts, pipeline, startTime: zero });
  const out: EegmatWindow[] = [];
  const dropped: EegmatWindows['dropped'] = [];
  for (const w of windows) {
    const keep = need === 'both' ? w.eeg.present && w.ecg.present : need === 'eeg' ? w.eeg.present : w.ecg.present;
    if (keep) out.push({ ...file, fileName, window: w });
    else dropped.push({ startTime: w.startTime, eeg: w.eeg.present ? 'present' : (w.eeg.absentReason ?? 'absent'), ecg: w.ecg.present ? 'present' : (w.ecg.absentReason ?? 'absent') });
  }
  return { windows: out, zero, dropped, problems, rPeakTimes: [...rPeakTimes.values()][0] ?? new Float64Array(0) };
}
