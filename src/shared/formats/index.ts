// File formats labs use, in and out. Pure: bytes in, ImportedRecording out (and back).
export * from './recording.types';
export { FormatError, type FormatErrorCode } from './format-error';
export { importRecording, detectFormat, type DetectedFormat, type ImportOptions } from './import-recording';
export { guessChannelKind, electrodePosition, microvoltFactor } from './channel-kind';
export { importEdf, parseEdf, parseEdfHeader, writeEdf, type EdfWriteOptions, type EdfWriteResult } from './edf';
export { importWfdb, parseWfdbHeader, decodeWfdbSignals, parseWfdbAnnotations } from './wfdb';
export { importXdf, parseXdf, syncXdfStream } from './xdf';
export { parseOpenBciGui } from './openbci';
export { parseBrainFlowCsv, BRAINFLOW_BOARDS, brainflowBoardDescription } from './brainflow-csv';
export { writeCsv, parseHeartMindCsv, type CsvFile } from './csv';
