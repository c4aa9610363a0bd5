// EDF (1992), EDF+ (2003) and BioSemi BDF/BDF+ files: a fixed-width ASCII header, then data
// records each holding samplesPerRecord samples of every signal (16-bit EDF, 24-bit BDF).

export const EDF_HEADER_BYTES = 256;
export const EDF_SIGNAL_HEADER_BYTES = 256;
export const EDF_ANNOTATION_LABELS = ['EDF Annotations', 'BDF Annotations'] as const;

export interface EdfSignalHeader {
  /** Label as written, trimmed ('EEG Fp1', 'EDF Annotations'). */
  label: string;
  transducer: string;
  /** Physical dimension ('uV', 'mV'). */
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  prefiltering: string;
  samplesPerRecord: number;
  reserved: string;
  /** True for EDF+/BDF+ annotation signals (TALs, not samples). */
  isAnnotation: boolean;
  /** physical = digital × gain + offset. 1 and 0 when the header's ranges do not define a scale. */
  gain: number;
  offset: number;
  /** samplesPerRecord / recordDurationS (0 when records have no duration). */
  rateHz: number;
}

export interface EdfHeader {
  /** 'edf' (16-bit samples) or 'bdf' (24-bit). */
  variant: 'edf' | 'bdf';
  /** EDF+/BDF+ continuity: 'C' continuous, 'D' discontinuous, null for plain EDF/BDF. */
  plus: 'C' | 'D' | null;
  patientId: string;
  recordingId: string;
  /** 'dd.mm.yy' and 'hh.mm.ss' as written. */
  startDate: string;
  startTimeOfDay: string;
  /** Unix seconds of the header's start date and time, read as UTC; null if it is not a valid date. */
  startTime: number | null;
  headerBytes: number;
  /** The 44-byte reserved field ('EDF+C', '24BIT', 'BDF+D' …). */
  reserved: string;
  /**
   * Data records read: the header's count, or the complete records the file holds when the header
   * says -1 or more than the file holds (a file cut short; header.warnings says so).
   */
  recordCount: number;
  /** The header's own count (-1 = unknown). */
  recordCountInHeader: number;
  recordDurationS: number;
  signals: EdfSignalHeader[];
  /** Bytes per sample: 2 (EDF) or 3 (BDF). */
  bytesPerSample: 2 | 3;
  /** Bytes in one data record. */
  recordBytes: number;
  /** Byte offset of each signal inside a record. */
  signalOffsets: number[];
  /** EDF+ patient subfields ('code sex birthdate name'), when the field follows EDF+. */
  patient: { code?: string; sex?: string; birthdate?: string; name?: string; extra?: string };
  /** EDF+ recording subfields ('Startdate dd-MMM-yyyy admincode technician equipment'). */
  recording: { startDate?: string; adminCode?: string; technician?: string; equipment?: string; extra?: string };
  /** Problems that do not stop reading (extra bytes, inconsistent header size …). */
  warnings: string[];
}

export interface EdfAnnotation {
  /** Seconds from the header's start time. */
  onset: number;
  /** Seconds; 0 when the TAL gives none. */
  duration: number;
  text: string;
}

export interface EdfSignalData {
  header: EdfSignalHeader;
  /** Physical values, all records in file order. Float64 for BDF (24-bit), Float32 for EDF. */
  physical: Float32Array | Float64Array;
  /** The file's integers (only when asked for). */
  digital?: Int32Array;
}

export interface EdfFile {
  header: EdfHeader;
  /** Data signals (annotation signals are parsed into `annotations`), in file order. */
  signals: EdfSignalData[];
  annotations: EdfAnnotation[];
  /** Start of each data record, seconds from the header's start time (EDF+ timekeeping TALs). */
  recordStarts: Float64Array;
}

/**
 * The EDF+ annotation that marks samples written as 0 because the stream has none there (the end of
 * the last record, a gap shorter than a record): MNE-Python's name for skipped acquisition (MNE
 * treats it as bad, like every 'BAD…' annotation), followed by the stream's channel labels
 * (comma-separated) when other streams do have data there. Our reader cuts such spans out again.
 */
export const SKIP_ANNOTATION = 'BAD_ACQ_SKIP';
