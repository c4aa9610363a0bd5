// Public datasets read into typed records: the one error class of this layer, and DREAMER's shapes.
import { CodedError } from '../coded-error';

export enum DatasetErrorCode {
  /** The file is a readable MAT-file but not the DREAMER structure; the message names what is missing or wrong. */
  NotDreamer = 'not-dreamer',
  /** An option is out of range (threshold, seconds). */
  BadOption = 'bad-option',
  /** A recording has no EEG or ECG stream to cut windows from. */
  NoSignals = 'no-signals',
  /** A file is not one of the EEGMAT recordings (name, channels or rate do not match). */
  NotEegmat = 'not-eegmat',
}

export class DatasetError extends CodedError<DatasetErrorCode> {
  override readonly name = 'DatasetError';
}

/** DREAMER's Emotiv EPOC channel order, as in the file's EEG_Electrodes (Katsigiannis & Ramzan 2018). */
export const DREAMER_EEG_CHANNELS = ['AF3', 'F7', 'F3', 'FC5', 'T7', 'P7', 'O1', 'O2', 'P8', 'T8', 'FC6', 'F4', 'F8', 'AF4'] as const;
/** The Shimmer2 ECG's two channels. The file does not name its leads; these are the column numbers. */
export const DREAMER_ECG_CHANNELS = ['ECG1', 'ECG2'] as const;
/** Default binarisation: a 1–5 self-assessment score ≥ 4 is "high" (1), ≤ 3 "low" (0). */
export const DREAMER_DEFAULT_THRESHOLD = 4;
/** DREAMER's self-assessment scores run 1 … 5 (a threshold outside (1, 5] labels every clip alike). */
export const DREAMER_SCORE_MIN = 1;
export const DREAMER_SCORE_MAX = 5;

export type DreamerDimension = 'valence' | 'arousal' | 'dominance';
export const DREAMER_DIMENSIONS: readonly DreamerDimension[] = ['valence', 'arousal', 'dominance'];

/**
 * Signals of one clip, planar: `channels[c]` holds channel c's samples in time order (column c of
 * the file's [samples × channels] matrix, a zero-copy view when the file stores doubles). Values
 * as stored in the file, no scaling.
 */
export interface DreamerSignals {
  channels: Float64Array[];
  /** Samples per channel. */
  length: number;
}

export interface DreamerClip {
  /** 1-based film clip number (row of the 18×1 cells). */
  clip: number;
  eeg: { baseline: DreamerSignals; stimulus: DreamerSignals };
  ecg: { baseline: DreamerSignals; stimulus: DreamerSignals };
  /** Self-assessment scores, 1–5, as rated after the clip. */
  scores: Record<DreamerDimension, number>;
  /** Scores binarised: 1 = high (score ≥ threshold), 0 = low. */
  labels: Record<DreamerDimension, 0 | 1>;
}

export interface DreamerSubject {
  /** 1-based position in Data{1×N}. */
  index: number;
  /** Stable subject id for splits: "S01", "S02", … */
  id: string;
  /** Age in years; null where the file leaves it empty or non-numeric. */
  age: number | null;
  gender: string;
  clips: DreamerClip[];
}

export interface DreamerDataset {
  eegChannels: string[];
  ecgChannels: string[];
  eegSampleRateHz: number;
  ecgSampleRateHz: number;
  /** The threshold the labels were binarised with. */
  threshold: number;
  subjects: DreamerSubject[];
}

export interface DreamerOptions {
  /** A score ≥ threshold is labelled high (1). Default 4 (DREAMER_DEFAULT_THRESHOLD). */
  threshold?: number;
}

/** One clip of one subject flattened for training: signals, a label on one dimension, the subject for splits. */
export interface DreamerTrial {
  subject: string;
  clip: number;
  eeg: DreamerSignals;
  ecg: DreamerSignals;
  /** EEG and ECG of the clip's neutral baseline, for baseline correction. */
  eegBaseline: DreamerSignals;
  ecgBaseline: DreamerSignals;
  score: number;
  label: 0 | 1;
}
