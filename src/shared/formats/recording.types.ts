// One shape for every recording that comes in from a file (EDF/BDF, WFDB, XDF, OpenBCI, BrainFlow)
// and for every session that goes out to one (EDF+, BDF+, CSV writers). The recorder imports
// this into a SQLite session; the session library exports a session by building one.
import type { ChannelInfo, Modality } from '../stream.types';

export type RecordingFormat =
  | 'edf' // plain EDF (1992)
  | 'edf+c' // EDF+ continuous
  | 'edf+d' // EDF+ discontinuous (records carry their own start times)
  | 'bdf' // BioSemi 24-bit
  | 'bdf+c'
  | 'bdf+d'
  | 'wfdb' // PhysioNet header + signal files (+ MIT annotation files)
  | 'xdf' // Lab Streaming Layer recording
  | 'openbci-gui' // OpenBCI GUI raw text
  | 'brainflow-csv' // BrainFlow DataFilter.write_file
  | 'csv'; // HeartMind CSV export

/**
 * What a channel measures. Finer than Modality: an EDF can hold EEG, EOG and a trigger line
 * at the same rate; only `eeg`/`ecg` channels feed the models.
 */
export type ChannelKind =
  | 'eeg'
  | 'ecg'
  | 'eog'
  | 'emg'
  | 'resp'
  | 'ppg'
  | 'eda'
  | 'temp'
  | 'accel'
  | 'gyro'
  | 'stim' // trigger / status lines (BDF Status, EDF 'DIG DTRIG')
  | 'marker' // numeric marker channel (BrainFlow, OpenBCI)
  | 'time' // timestamp column
  | 'counter' // package / sample counter
  | 'battery'
  | 'misc';

export interface ImportedChannel extends ChannelInfo {
  kind: ChannelKind;
  /**
   * physical = count × resolution + offset. With `resolution` (ChannelInfo) this recovers the
   * file's exact integers: count = round((value − offset) / resolution). 0 for unquantised data.
   */
  offset: number;
  /** 10-20 (or 10-10) electrode name when the label names one ('EEG Fp1' → 'Fp1'), else absent. */
  position?: string;
  /** The unit as the file wrote it, when the import converted the data (EXG 'mV' → 'uV'). */
  fileUnit?: string;
  /** EDF transducer field, if any. */
  transducer?: string;
  /** EDF prefiltering field ('HP:0.5Hz LP:45Hz N:50Hz'), if any. */
  prefilter?: string;
  /** Physical range the file declares, in `unit` (EDF phys min/max), if any. */
  physicalRange?: [number, number];
  /**
   * The channel's place among the file's signals (0-based), where the import grouped them into
   * streams by modality and rate (streamGroups): an EDF/BDF export writes the signals back in this
   * order, not stream by stream.
   */
  fileIndex?: number;
}

/** A stretch of samples without gaps. */
export interface ImportedSegment {
  /** Seconds from the recording's zero (startTime, or the first sample when startTime is null). */
  start: number;
  /** Samples per channel. */
  count: number;
  /**
   * Planar [channels × count]: channel c occupies data[c * count, (c + 1) * count).
   * Float64Array where Float32 would not keep the values exact (24/32-bit integers, double streams).
   */
  data: Float32Array | Float64Array;
  /**
   * Per-sample times (s, same zero as `start`) for irregular streams (rateHz 0). Absent for
   * regular streams: sample i is at start + i / rateHz.
   */
  times?: Float64Array;
}

export interface ImportedStream {
  /** User-visible name: the file's stream name (XDF), or a group name ('EEG', 'ECG'). */
  name: string;
  /** The stream's type as the file says ('EEG', 'Markers'), if it says one. */
  type?: string;
  modality: Modality;
  /** Nominal sampling rate; 0 for irregular streams (see ImportedSegment.times). */
  rateHz: number;
  channels: ImportedChannel[];
  /** In time order, not overlapping. */
  segments: ImportedSegment[];
  /** Provenance the user may want to see (XDF hostname/source_id, BrainFlow board). */
  meta?: Record<string, string>;
}

export interface ImportedAnnotation {
  /** Seconds from the recording's zero. */
  onset: number;
  /** Seconds; 0 for an instant. */
  duration: number;
  label: string;
  /** Where it came from: 'edf+', 'wfdb:atr', 'xdf:<stream>', 'openbci:marker', 'brainflow:marker', 'csv'. */
  source: string;
  /** Channel it is attached to, where the file says (WFDB chan, LUDB lead files). */
  channel?: string;
}

export interface ImportedRecording {
  /** The file the user opened (for WFDB: the header's name). */
  fileName: string;
  format: RecordingFormat;
  /**
   * Unix seconds of the recording's zero. EDF and WFDB store local wall-clock time without a zone;
   * it is read as UTC (as MNE-Python does). null when the file has no date.
   */
  startTime: number | null;
  /** Subject identification as the file gives it (EDF+ patient field, WFDB comments). */
  subject: { code?: string; name?: string; sex?: string; birthdate?: string; age?: string };
  /** Other header fields worth keeping, as text (equipment, technician, comments …). */
  info: Record<string, string>;
  streams: ImportedStream[];
  annotations: ImportedAnnotation[];
  /** Problems that did not stop the import (checksum mismatch, clock reset repaired …). */
  warnings: string[];
}

/** One file handed to a parser: the name the user sees and its bytes. */
export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}
