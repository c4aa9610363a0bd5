// One entry point for imports: which format a file is (by its bytes first, its name second),
// then the matching reader. The recorder calls this with the files the Node side read.
import { parseBrainFlowCsv, type BrainFlowCsvOptions } from './brainflow-csv';
import { parseHeartMindCsv } from './csv';
import { importEdf } from './edf';
import { FormatError } from './format-error';
import { parseOpenBciGui } from './openbci';
import type { ImportedRecording, NamedBytes, RecordingFormat } from './recording.types';
import { decodeLatin1 } from './text';
import { importWfdb } from './wfdb';
import { importXdf } from './xdf';

export type DetectedFormat = 'edf' | 'bdf' | 'wfdb' | 'xdf' | 'openbci-gui' | 'brainflow-csv' | 'csv';

/** The format of `file` from its first bytes (and name for WFDB headers), or null. */
export function detectFormat(file: NamedBytes): DetectedFormat | null {
  const b = file.bytes;
  const head = decodeLatin1(b, 0, Math.min(b.length, 512));
  if (/\.hea$/i.test(file.name)) return 'wfdb';
  if (b.length >= 8 && b[0] === 0xff && head.slice(1, 8) === 'BIOSEMI') return 'bdf';
  if (head.startsWith('0       ')) return 'edf';
  if (head.startsWith('XDF:')) return 'xdf';
  if (/^%OpenBCI Raw (EXG|EEG) Data/i.test(head)) return 'openbci-gui';
  if (/^(time_s|onset_s),/.test(head)) return 'csv';
  const first = head.split(/\r?\n/)[0];
  if (/^[-+0-9.eEnaif]+(\t[-+0-9.eEnaif]+)+\s*$/.test(first)) return 'brainflow-csv';
  return null;
}

export interface ImportOptions {
  /** For BrainFlow files: the board (and preset) that wrote them. */
  brainflow?: BrainFlowCsvOptions;
}

/**
 * Imports a recording from its files: one file, or a WFDB header with its signal and annotation
 * files. Throws FormatError naming the file and the problem.
 */
export function importRecording(files: NamedBytes[], opts: ImportOptions = {}): ImportedRecording {
  if (files.length === 0) throw new FormatError('missing-file', 'recording', 'no file given');
  const hea = files.find((f) => /\.hea$/i.test(f.name));
  const main = hea ?? files[0];
  const format = detectFormat(main);
  switch (format) {
    case 'wfdb':
      return importWfdb(files, main.name);
    case 'edf':
    case 'bdf':
      return importEdf(main.bytes, main.name);
    case 'xdf':
      return importXdf(main.bytes, main.name);
    case 'openbci-gui':
      return parseOpenBciGui(main.bytes, main.name);
    case 'csv':
      return parseHeartMindCsv(main.bytes, main.name);
    case 'brainflow-csv':
      return parseBrainFlowCsv(main.bytes, main.name, opts.brainflow);
    default:
      if (main.bytes.length === 0) throw new FormatError('empty', main.name, 'the file is empty');
      throw new FormatError('not-this-format', main.name, 'not a format HeartMind reads (EDF/EDF+/BDF, WFDB .hea, XDF, OpenBCI GUI text, BrainFlow CSV, HeartMind CSV)');
  }
}

export type { RecordingFormat };
