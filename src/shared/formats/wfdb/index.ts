// WFDB (PhysioNet) records: header, signals, MIT annotations, and the record as an ImportedRecording.
export * from './wfdb.types';
export { parseWfdbHeader, wfdbStartTime, WFDB_DEFAULT_FREQUENCY_HZ, WFDB_DEFAULT_GAIN_PER_UNIT } from './wfdb-header';
export { decodeWfdbSignals, type BytesByFileName } from './wfdb-signals';
export { parseWfdbAnnotations, WFDB_ANNOTATION_SYMBOLS, WFDB_ANNOTATION_DESCRIPTIONS, WFDB_BEAT_CODES } from './wfdb-annotations';
export { importWfdb, wfdbSignalFileNames } from './wfdb-import';
