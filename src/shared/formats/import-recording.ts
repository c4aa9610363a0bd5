// One entry point for imports: which format a file is (by its bytes first, its name second),
// then the matching reader. The recorder calls this with the files the Node side read.
import { parseBrainFlowCsv, type BrainFlowCsvOptions } from './brainflow-csv';
import { csvExportBase, importHeartMindCsvExport, parseHeartMindCsv } from './csv';
import { PREDICTIONS_FILE_SUFFIX, PREDICTIONS_HEAD_START } from './csv/predictions-csv';
import { importEdf } from './edf';
import { FormatError } from './format-error';
import { parseOpenBciGui } from './openbci';
import type { ImportedRecording, NamedBytes, RecordingFormat } from './recording.types';
import { decodeLatin1, withoutByteOrderMark } from './text';
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
  // text formats after the byte-order mark a Windows editor or Excel may put in front
  const text = withoutByteOrderMark(head);
  if (b.length >= 8 && b[0] === 0xff && head.slice(1, 8) === 'BIOSEMI') return 'bdf';
  if (head.startsWith('0       ')) return 'edf';
  if (head.startsWith('XDF:')) return 'xdf';
  if (/^%OpenBCI Raw (EXG|EEG) Data/i.test(text)) return 'openbci-gui';
  // (after the byte-order mark Excel's "CSV UTF-8" starts with)
  // (our export's info file, 'field,value': read with the export's other files)
  if (/^(\xef\xbb\xbf)?((time_s|onset_s),|field,value\r?\n)/.test(head)) return 'csv';
  if (/\.hea$/i.test(file.name)) return 'wfdb';
  const first = text.split(/\r?\n/)[0];
  if (/^[-+0-9.eEnaif]+(\t[-+0-9.eEnaif]+)+\s*$/.test(first)) return 'brainflow-csv';
  return null;
}

/** Archives and compressed files by their signatures: [bytes, what it is, what to do]. */
const PACKED: [number[], string, string][] = [
  [[0x1f, 0x8b], 'a gzip-compressed file', 'decompress it (gunzip, or open it with an archive tool) and import the file it holds'],
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive', 'extract it and import the recording files inside'],
  [[0x42, 0x5a, 0x68], 'a bzip2-compressed file', 'decompress it (bunzip2) and import the file it holds'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'an xz-compressed file', 'decompress it (unxz) and import the file it holds'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 'a 7-Zip archive', 'extract it and import the recording files inside'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'a zstd-compressed file', 'decompress it (unzstd) and import the file it holds'],
];

/**
 * Why a file no reader took may still hold a recording: an archive or a compressed file (PhysioNet
 * and OpenBCI hand out .zip and .gz downloads; 'S001R04.edf.gz' was answered as an annotation
 * file of S001R04.edf). Null when it is none.
 */
export function archiveProblem(b: Uint8Array): string | null {
  for (const [sig, what, todo] of PACKED) if (b.length >= sig.length && sig.every((x, i) => b[i] === x) && (sig[0] !== 0x42 || (b[3] >= 0x31 && b[3] <= 0x39))) return `${what}: ${todo}`;
  return null;
}

/**
 * Why a text file no reader took is none of the formats although it may hold one: text in UTF-16
 * (a spreadsheet's "Unicode Text"), or our CSV re-saved by a spreadsheet with ';' or tabs between
 * fields (one set to a language with decimal commas). Null when it is neither; the error then
 * lists the formats read.
 */
export function textLayoutProblem(b: Uint8Array): string | null {
  // UTF-16: its byte-order mark, or its first characters ASCII text with a zero byte beside each
  const text16 = (zero: number) => {
    const n = Math.min(b.length, 64) & ~1;
    for (let i = 0; i < n; i += 2) {
      const c = b[i + 1 - zero];
      if (b[i + zero] !== 0 || !(c === 9 || c === 10 || c === 13 || (c >= 0x20 && c < 0x7f))) return false;
    }
    return n >= 16;
  };
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff) || text16(0) || text16(1)) {
    return 'text in UTF-16 (a spreadsheet\'s "Unicode Text" saves so): save it as "CSV UTF-8" (or plain UTF-8 text) and import that';
  }
  const head = decodeLatin1(b, 0, Math.min(b.length, 64)).replace(/^\xef\xbb\xbf/, '');
  const sep = /^"?(time_s|onset_s)"?([;\t])/.exec(head);
  if (sep) {
    return `a HeartMind CSV with ${sep[2] === ';' ? "';'" : 'tabs'} between its fields (a spreadsheet saved it so${sep[2] === ';' ? ', set to a language that writes decimal commas' : ''}): import the file HeartMind exported, or save this one as CSV with commas between fields and points in numbers`;
  }
  return null;
}

/** How each format whose name a file may carry starts (detectFormat's signatures), in words. */
const NAMED_SIGNATURES: Record<string, string> = {
  edf: "an EDF starts with '0' and 7 spaces, a BDF with byte 255 and 'BIOSEMI'",
  bdf: "a BDF starts with byte 255 and 'BIOSEMI', an EDF with '0' and 7 spaces",
  xdf: "an XDF starts with 'XDF:'",
};

/**
 * Why a file named as a format we read (.edf, .bdf, .xdf) is none: its first bytes, and how that
 * format starts (a damaged EDF was told only 'not a format HeartMind reads (EDF/EDF+/BDF, …)', as
 * if EDF were not read). Null for other names.
 */
export function namedFormatProblem(name: string, b: Uint8Array): string | null {
  const ext = /\.([^.]+)$/.exec(name)?.[1].toLowerCase();
  const how = ext ? NAMED_SIGNATURES[ext] : undefined;
  if (!how) return null;
  let first = '';
  for (const c of b.subarray(0, 8)) first += c >= 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  return `named .${ext}, but it does not start as one: ${how}; this one starts with "${first}" (a damaged file, or another format under this name)`;
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
      const packed = archiveProblem(main.bytes);
      if (packed !== null) throw new FormatError('not-this-format', main.name, packed);
      if (decodeLatin1(main.bytes, 0, Math.min(main.bytes.length, PREDICTIONS_HEAD_START.length)) === PREDICTIONS_HEAD_START) {
        // An export's '<base>-predictions.csv' (predictions-csv.ts): no samples, and the import stores no predictions.
        const base = main.name.endsWith(PREDICTIONS_FILE_SUFFIX) ? main.name.slice(0, -PREDICTIONS_FILE_SUFFIX.length) : null;
        throw new FormatError('not-this-format', main.name, `the model predictions of a HeartMind export, which an import does not read: import the recording exported with it${base ? ` (${base}.edf, or one of its stream files ${base}-<stream>.csv, which brings the others)` : ''}`);
      }
      if (EDF_ANNOTATOR.test(main.name)) {
        throw new FormatError('not-this-format', main.name, `not a format HeartMind reads on its own: if it is an annotation file of the recording ${stem}, import ${stem} instead`);
      }
      if (WFDB_COMPANION.test(main.name)) {
        throw new FormatError('not-this-format', main.name, `not a format HeartMind reads on its own: if it is a WFDB signal or annotation file, import its record's .hea header (${stem}.hea), kept beside it`);
      }
      const layout = textLayoutProblem(main.bytes);
      if (layout !== null) throw new FormatError('not-this-format', main.name, layout);
      const named = namedFormatProblem(main.name, main.bytes);
      if (named !== null) throw new FormatError('not-this-format', main.name, named);
      throw new FormatError('not-this-format', main.name, 'not a format HeartMind reads (EDF/EDF+/BDF, WFDB .hea, XDF, OpenBCI GUI text, BrainFlow CSV, HeartMind CSV)');
    }
  }
}

export type { RecordingFormat };
