// WFDB (PhysioNet) records: header, signal files and MIT-format annotation files.
// Field names follow the WFDB header(5) and signal(5) manual pages.

/** Signal file formats we decode (WFDB signal(5)). */
export const WFDB_SUPPORTED_FORMATS = [8, 16, 24, 32, 61, 80, 160, 212] as const;
export type WfdbFormat = (typeof WFDB_SUPPORTED_FORMATS)[number];

export interface WfdbSignalSpec {
  /** Signal file name as the header writes it ('100.dat'). */
  fileName: string;
  format: number;
  /** Samples of this signal per frame (the 'x' in '16x2'); 1 for single-rate records. */
  samplesPerFrame: number;
  /** Skew in frames (the ':' part); kept, not applied. */
  skew: number;
  /** Bytes to skip at the start of the signal file (the '+' part). */
  byteOffset: number;
  /** Counts per physical unit. A header gain of 0 means "uncalibrated": 200 is used, as WFDB does. */
  adcGain: number;
  /** True when the header gave no gain or a gain of 0 (physical values are then nominal). */
  uncalibrated: boolean;
  /** Count that corresponds to 0 physical units (defaults to adcZero). */
  baseline: number;
  /** Physical unit ('mV' when the header names none). */
  units: string;
  /** ADC resolution in bits (0 when unknown). */
  adcResolution: number;
  adcZero: number;
  /** First sample's value, as the header states it (null when absent). */
  initialValue: number | null;
  /** 16-bit signed sum of all samples, as the header states it (null when absent). */
  checksum: number | null;
  blockSize: number;
  /** Signal description ('MLII', 'ECG 1'). */
  description: string;
}

export interface WfdbHeader {
  recordName: string;
  /** Number of segments for multi-segment records (we read single-segment records only). */
  segments: number;
  /** Frames per second. */
  frequencyHz: number;
  counterFrequencyHz: number | null;
  baseCounter: number | null;
  /** Frames per signal; null when the header leaves it out (then the signal files decide). */
  samplesPerSignal: number | null;
  /** 'HH:MM:SS(.sss)' as written, or null. */
  baseTime: string | null;
  /** 'DD/MM/YYYY' as written, or null. */
  baseDate: string | null;
  signals: WfdbSignalSpec[];
  /** Comment lines ('#' stripped), in file order: patient info, diagnoses. */
  comments: string[];
}

export interface WfdbSignal {
  spec: WfdbSignalSpec;
  /** frequencyHz × samplesPerFrame. */
  rateHz: number;
  /** The file's integers. Invalid samples (WFDB's sentinel) are kept as written. */
  digital: Int32Array;
  /**
   * (digital − baseline) / gain. Float32 for formats up to 16 bits, Float64 for 24/32-bit
   * formats (Float32 would round them). Invalid samples are NaN.
   */
  physical: Float32Array | Float64Array;
  /** Whether the samples sum to the header's checksum; null when the header gives none or the file was cut short. */
  checksumOk: boolean | null;
}

export interface WfdbSignals {
  /** Frames decoded (= samples per signal for single-rate records). */
  frames: number;
  signals: WfdbSignal[];
  /** What did not stop the decoding: a signal file shorter than the header says (read up to its end). */
  warnings: string[];
}

export interface WfdbAnnotation {
  /** Sample number (in frames, or in ticks of timeResolutionHz when the file sets one). */
  sample: number;
  /** MIT annotation code (1 = N, 5 = V, 8 = A …). */
  code: number;
  /** Mnemonic ('N', 'V', '+', '"'); custom mnemonics defined in the file are applied. */
  symbol: string;
  subtype: number;
  chan: number;
  num: number;
  /** Auxiliary string ('(AFIB' for rhythm changes, note texts); '' when none. */
  aux: string;
}

export interface WfdbAnnotationFile {
  annotations: WfdbAnnotation[];
  /** From a '## time resolution: N' note at the start of the file; null when absent. */
  timeResolutionHz: number | null;
  /** Custom codes defined in the file (modification labels): code → [symbol, description]. */
  customCodes: Map<number, [string, string]>;
  /** What did not stop the reading: a file cut short (no end-of-file word) keeps what came before. */
  warnings: string[];
}
