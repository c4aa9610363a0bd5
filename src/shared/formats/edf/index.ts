// EDF / EDF+ / BDF / BDF+ reading and writing.
export * from './edf.types';
export { parseEdfHeader, needsFloat64, parsePatientField, parseRecordingField } from './edf-header';
export { parseEdf, parseEdfAnnotations, decodeEdfSamples } from './edf-data';
export { importEdf } from './edf-import';
export { writeEdf, edfPieces, edfNumber, type EdfWriteOptions, type EdfWriteResult } from './edf-write';
