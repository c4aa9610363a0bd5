// XDF (Lab Streaming Layer) reading: chunks, clock synchronisation, import.
export * from './xdf.types';
export { parseXdf } from './xdf-parse';
export { syncXdfStream, robustLinearFit, clockResetRanges } from './xdf-sync';
export { importXdf } from './xdf-import';
