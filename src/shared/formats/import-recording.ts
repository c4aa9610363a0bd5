// One entry point for imports: which format a file is (by its bytes first, its name second),
// then the matching reader. The recorder calls this with the files the Node side read.
import { parseBrainFlowCsv, type BrainFlowCsvOptions } from './brainflow-csv';
import { csvExportBase, importHeartMindCsvExport, parseHeartMindCsv } from './csv';
import { importEdf } from './edf';
import { FormatError } from './format-error';
import { parseOpenBciGui } from './openbci';
import type { ImportedRecording, NamedBytes, RecordingFormat } from './recording.types';
import { decodeLatin1 } from './text';
import { importWfdb } from './wfdb';
import { importXdf } from './xdf';

export type DetectedFormat = 'edf' | 'bdf' | 'wfdb' | 'xdf' | 'openbci-gui' | 'brainflow-csv' | 'csv';

/**
 * The format of `file`: by its signature first (whatever the file is called), then by its name
 * for WFDB headers (plain text with no signature), then by the look of its first line (BrainFlow
 * files are bare tab-separated numbers). Null when nothing fits.
 */
export function detectFormat(file: NamedBytes): DetectedFormat | null {
  const b = file.bytes;
  const head = decodeLatin1(b, 0, Math.min(b.length, 512));
  if (b.length >= 8 && b[0] === 0xff && head.slice(1, 8) === 'BIOSEMI') return 'bdf';
  if (head.startsWith('0       ')) return 'edf';
  if (head.startsWith('XDF:')) return 'xdf';
  if (/^%OpenBCI Raw (EXG|EEG) Data/i.test(head)) return 'openbci-gui';
  // (after the byte-order mark Excel's "CSV UTF-8" starts with)
  if (/^(\xef\xbb\xbf)?(time_s|onset_s),/.test(head)) return 'csv';
  if (/\.hea$/i.test(file.name)) return 'wfdb';
  const first = head.split(/\r?\n/)[0];
  if (/^[-+0-9.eEnaif]+(\t[-+0-9.eEnaif]+)+\s*$/.test(first)) return 'brainflow-csv';
  return null;
}

/** Extensions of the files beside a WFDB header: signals (.dat) and the usual annotators. */
const WFDB_COMPANION = /\.(dat|atr|qrs|ecg|ari|apn|pu[01]?|wqrs|sqrs|gqrs|st|16)$/i;
/** An annotation file of a WFDB record that is an EDF file (PhysioNet's eegmmidb: 'S001R04.edf.event'). */
const EDF_ANNOTATOR = /\.(edf|bdf)\.[^.]+$/i;

export interface ImportOptions {
  /** For BrainFlow files: the board (and preset) that wrote them. */
  brainflow?: BrainFlowCsvOptions;
  /**
   * The recording (file name) beside the file, when the caller can see its folder: a WFDB signal
   * or annotation file given on its own is answered with its record's header ('100.hea'), or with
   * the EDF it annotates ('S001R04.edf' for PhysioNet's 'S001R04.edf.event').
   */
  recordBeside?: string;
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
    case 'csv': {
      // The files of one export (the reader brought them: csvExportFiles) become one recording.
      const base = files.length > 1 ? csvExportBase(main.name, files.map((f) => f.name)) : null;
      return base !== null ? importHeartMindCsvExport(files, base) : parseHeartMindCsv(main.bytes, main.name);
    }
    case 'brainflow-csv':
      try {
        return parseBrainFlowCsv(main.bytes, main.name, opts.brainflow);
      } catch (err) {
        // The reader asks for the board when the column count fits several boards: say how to name it.
        if (err instanceof FormatError && err.code === 'ambiguous-board') {
          const example = err.boards[0] ?? 'Cyton';
          throw new FormatError(err.code, err.fileName, `${err.detail} that wrote it (--board ${example} for heartmind sessions import, the Board choice when importing in the app)`, err.boards);
        }
        throw err;
      }
    default: {
      if (main.bytes.length === 0) throw new FormatError('empty', main.name, 'the file is empty');
      const stem = main.name.replace(/\.[^.]*$/, '');
      const beside = opts.recordBeside;
      if (beside && /\.hea$/i.test(beside)) {
        throw new FormatError('not-this-format', main.name, `a file of WFDB record ${stem}: WFDB records are imported through their .hea header; import ${beside} (beside it) instead`);
      }
      if (beside) {
        throw new FormatError('not-this-format', main.name, `an annotation file of the recording ${beside}: import ${beside} (beside it) instead; its annotations are read from the EDF itself (EDF+ annotations), a separate annotation file is not attached`);
      }
      if (decodeLatin1(main.bytes, 0, Math.min(main.bytes.length, 10)) === 'MATLAB 5.0') {
        // A DREAMER.mat is a dataset of many subjects and clips, not one recording: training reads it.
        throw new FormatError('not-this-format', main.name, 'a MATLAB file: sessions are not imported from .mat files; a DREAMER.mat is read by training and evaluation (heartmind train --dreamer FILE, the Training view)');
      }
      if (EDF_ANNOTATOR.test(main.name)) {
        throw new FormatError('not-this-format', main.name, `not a format HeartMind reads on its own: if it is an annotation file of the recording ${stem}, import ${stem} instead`);
      }
      if (WFDB_COMPANION.test(main.name)) {
        throw new FormatError('not-this-format', main.name, `not a format HeartMind reads on its own: if it is a WFDB signal or annotation file, import its record's .hea header (${stem}.hea), kept beside it`);
      }
      throw new FormatError('not-this-format', main.name, 'not a format HeartMind reads (EDF/EDF+/BDF, WFDB .hea, XDF, OpenBCI GUI text, BrainFlow CSV, HeartMind CSV)');
    }
  }
}

export type { RecordingFormat };
