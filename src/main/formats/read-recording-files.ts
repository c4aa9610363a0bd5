// Node side of import: read a recording file and the companion files it needs into memory,
// so the pure parsers in src/shared/formats can work on bytes.
//   WFDB:  'x.hea' → x.hea + the signal files it names + annotation files 'x.<annotator>'
//   other: the one file.
// Only regular files are read (a named pipe would block forever, /dev/zero never ends), each
// checked against a size bound before a byte is read, and a WFDB header cannot reach a file outside
// its own folder. Every refusal is a FormatError that names the file and the real reason.
import { access, open, readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatBytes } from '../../shared/byte-size';
import { FormatError, quote } from '../../shared/formats/format-error';
import { csvExportBase, csvExportFiles } from '../../shared/formats/csv';
import { detectFormat, importRecording, type ImportOptions } from '../../shared/formats/import-recording';
import type { ImportedRecording, NamedBytes } from '../../shared/formats/recording.types';
import { decodeLatin1 } from '../../shared/formats/text';
import { parseWfdbHeader, wfdbSignalFileNames } from '../../shared/formats/wfdb';
import { fsReason } from '../core/fs-reason';

/** Extensions that are never WFDB annotation files even when they share the record's name. */
const NOT_ANNOTATIONS = /\.(hea|dat|xyz|mat|edf|bdf|csv|txt|json|md|png|pdf|zip|gz)$/i;

/** The most Node reads into one buffer in one call (fs kIoMaxLength, 2 GiB − 1). */
const NODE_READ_MAX_BYTES = 2 ** 31 - 1;

/**
 * The largest recording (all of its files together) an import reads, in bytes: 2 GiB, or an eighth
 * of this computer's memory when that is less. An import holds the whole file, then its samples as
 * floats, then the chunks handed to the database: its memory grows by about 4 times a binary file's
 * size (a 112 MiB 16-bit EDF, 64 channels for 30 min: 457 MiB over the process's own; a 56 MiB
 * BDF: 231 MiB) and 6 to 7 times a text file's (a 40 MiB OpenBCI GUI file: 266 MiB). At a quarter
 * of the memory, a file at the bound took all of it and more, and pushed the machine into swap or
 * the app, a recording in progress with it, out of memory; at an eighth, about half. 2 GiB is also
 * the most Node reads in one piece. Real recordings are far smaller (a 24-hour 64-channel 256 Hz
 * EDF is 2.8 GB at the extreme; a typical session is MBs).
 */
export function recordingMaxBytes(totalMemoryBytes: number = os.totalmem()): number {
  return Math.min(NODE_READ_MAX_BYTES, Math.floor(totalMemoryBytes / 8));
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}


interface ReadTarget {
  /** Full path. */
  path: string;
  /** How the messages name the file: its base name. */
  name: string;
  /** What the file is to the import, for messages: '' for the file asked for, 'the signal file of 100.hea'. */
  role: string;
  /** The size bound of the whole recording, and the bytes its other files already took. */
  limit: number;
  used: number;
}

/**
 * Reads one regular file whole. The type and size are checked on the path first (opening a FIFO
 * would wait for a writer), then again on the open file, whose size bounds the read (a file still
 * being written cannot grow the read past the check).
 */
async function readBytes(t: ReadTarget): Promise<Uint8Array> {
  const of = t.role ? `; it is ${t.role}` : '';
  const refuse = (st: Stats) => {
    if (!st.isFile()) throw new FormatError('unreadable', t.name, `${t.path} is ${kindOf(st)}, not a regular file${of}; only recording files can be imported`);
    if (st.size > t.limit - t.used) {
      const size = t.used > 0 ? `${formatBytes(st.size)}, ${formatBytes(st.size + t.used)} with the record's other files` : formatBytes(st.size);
      throw new FormatError(
        'too-large',
        t.name,
        `${t.path} is ${size}; an import reads a recording whole into memory and takes recordings of up to ${formatBytes(t.limit)} (2 GiB, or an eighth of this computer's memory when less)${of}`,
      );
    }
  };
  const cannotRead = (err: unknown) => {
    if (err instanceof FormatError) return err;
    const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing-file' : 'unreadable';
    return new FormatError(code, t.name, `cannot read ${t.path}: ${fsReason(err)}${of}`);
  };
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    refuse(await stat(t.path));
    fh = await open(t.path, 'r');
  } catch (err) {
    throw cannotRead(err);
  }
  try {
    const st = await fh.stat();
    refuse(st);
    const bytes = new Uint8Array(st.size);
    let got = 0;
    while (got < st.size) {
      const { bytesRead } = await fh.read(bytes, got, st.size - got, got);
      if (bytesRead === 0) break; // shrank since the stat: keep what is there
      got += bytesRead;
    }
    return got === st.size ? bytes : bytes.subarray(0, got);
  } catch (err) {
    throw cannotRead(err);
  } finally {
    await fh.close();
  }
}

/**
 * The path of a file a WFDB header names, refused unless it lies inside the header's folder:
 * WFDB file names are plain names ('100.dat'), and a header must not make an import read
 * '../../etc/passwd' or '/home/…'.
 */
function companionPath(dir: string, headerName: string, fileName: string): string {
  const p = path.resolve(dir, fileName);
  const rel = path.relative(path.resolve(dir), p);
  if (fileName === '' || path.isAbsolute(fileName) || rel === '' || rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel)) {
    throw new FormatError('bad-header', headerName, `signal file name ${quote(fileName)} points outside the header's folder; WFDB names its files plainly ('100.dat'), beside the header`);
  }
  return p;
}

export interface ReadRecordingOptions {
  /** Read the WFDB annotation files beside a header (default true). */
  annotations?: boolean;
  /**
   * Collects what does not stop the import: an annotation file that cannot be read. Without it,
   * such a file is an error (a caller that cannot show warnings must not lose markers silently).
   */
  warnings?: string[];
  /** Bytes the recording's files may take together (default recordingMaxBytes()). */
  maxBytes?: number;
}

/** Files an import opens on their own (not WFDB signal or annotation files). */
const RECORDING_FILE = /\.(hea|edf|bdf|xdf|txt|csv)$/i;

/**
 * The error for a path that is not a file, with where the recording may be: a WFDB record named
 * without its extension ('100', as WFDB tools take it) points to '100.hea'; a folder names the
 * recordings in it. Other errors come back as they are.
 */
async function withRecordHint(err: unknown, filePath: string): Promise<unknown> {
  if (!(err instanceof FormatError) || (err.code !== 'missing-file' && err.code !== 'unreadable')) return err;
  const hea = `${filePath}.hea`;
  if (err.code === 'missing-file' && (await stat(hea).then((st) => st.isFile(), () => false))) {
    return new FormatError(err.code, err.fileName, `${err.detail}; a WFDB record is imported through its header: import ${path.basename(hea)}`);
  }
  const inside = await readdir(filePath, { withFileTypes: true }).catch(() => null);
  if (!inside) return err;
  const names = inside.filter((e) => e.isFile() && RECORDING_FILE.test(e.name)).map((e) => e.name).sort();
  if (names.length === 0) return err;
  const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
  return new FormatError(err.code, err.fileName, `${err.detail}: import one of the recordings in it (${shown})`);
}

/**
 * The other files of the CSV export `name` belongs to ('x-EEG.csv' → 'x-ECG.csv', 'x-markers.csv'),
 * so an exported session imports whole; none when it is not part of one (no '<base>-markers.csv').
 */
async function csvExportCompanions(dir: string, name: string, limit: number, used: number): Promise<NamedBytes[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = entries.filter((e) => e.isFile()).map((e) => e.name);
  const base = csvExportBase(name, names);
  if (base === null) return [];
  const out: NamedBytes[] = [];
  for (const file of csvExportFiles(base, names)) {
    if (file === name) continue;
    const bytes = await readBytes({ path: path.join(dir, file), name: file, role: `a file of the CSV export ${base} (beside ${name})`, limit, used });
    // A CSV of the user's own that shares the name ('S-analysis.csv') is not part of the export.
    if (detectFormat({ name: file, bytes }) !== 'csv') continue;
    used += bytes.length;
    out.push({ name: file, bytes });
  }
  return out;
}

/**
 * Of several files given to one import (`heartmind sessions import data/*`), those that another
 * file of the list reads with it: a WFDB record's signal and annotation files ('1.dat', '1.ii')
 * when its header ('1.hea') is listed, the other files of a CSV export when one of them is. Each
 * maps to the listed file that reads it; imported on their own they were refused one by one (a
 * record's .dat) or made the same session again (each file of a CSV export imports the whole export).
 */
export async function filesReadWith(paths: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const dirOf = (p: string) => path.dirname(path.resolve(p));
  const claim = (main: string, takes: (name: string) => boolean) => {
    for (const q of paths) if (q !== main && !out.has(q) && !out.has(main) && dirOf(q) === dirOf(main) && takes(path.basename(q))) out.set(q, main);
  };
  for (const p of paths) {
    if (out.has(p)) continue;
    const name = path.basename(p);
    if (/\.hea$/i.test(name)) {
      const record = `${name.slice(0, -4)}.`;
      claim(p, (n) => n.startsWith(record) && !/\.hea$/i.test(n));
    } else if (/\.csv$/i.test(name)) {
      const names = await readdir(path.dirname(p)).catch(() => [] as string[]);
      const base = csvExportBase(name, names);
      if (base === null) continue;
      const files = new Set(csvExportFiles(base, names));
      // (its model predictions are not a file of the export the import reads: they read nothing with them)
      if (!files.has(name)) continue;
      claim(p, (n) => files.has(n));
    }
  }
  return out;
}

/**
 * Reads `filePath` and, for a WFDB header, its signal files and annotation files from the same
 * folder. Names in the result are base names ('100.dat'), as the header refers to them.
 * FormatError, naming the file and the reason: 'missing-file' for a file that is absent,
 * 'unreadable' for one that cannot be read or is not a regular file, 'too-large' over the size
 * bound, 'bad-header' for a WFDB header naming a file outside its folder.
 */
export async function readRecordingFiles(filePath: string, opts: ReadRecordingOptions = {}): Promise<NamedBytes[]> {
  const limit = opts.maxBytes ?? recordingMaxBytes();
  let used = 0;
  const dir = path.dirname(filePath);
  const name = path.basename(filePath);
  const main = { name, bytes: await readBytes({ path: filePath, name, role: '', limit, used }).catch(async (err: unknown) => Promise.reject(await withRecordHint(err, filePath))) };
  used += main.bytes.length;
  const format = detectFormat(main);
  if (format === 'csv') return [main, ...(await csvExportCompanions(dir, name, limit, used))];
  if (format !== 'wfdb') return [main]; // an EDF called x.hea is an EDF

  const header = parseWfdbHeader(decodeLatin1(main.bytes), name);
  const files: NamedBytes[] = [main];
  for (const sig of wfdbSignalFileNames(header)) {
    const p = companionPath(dir, name, sig);
    const bytes = await readBytes({ path: p, name: path.basename(sig), role: `the signal file ${name} names (a WFDB record's files lie beside its header)`, limit, used });
    files.push({ name: path.basename(sig), bytes });
    used += bytes.length;
  }
  if (opts.annotations !== false) {
    const prefix = `${header.recordName}.`;
    const entries = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
      throw new FormatError('unreadable', name, `cannot list the folder ${dir} for the record's annotation files: ${fsReason(err)}`);
    });
    for (const entry of entries) {
      const file = entry.name;
      // A folder named 100.x is not an annotation file.
      if (entry.isDirectory() || !file.startsWith(prefix) || NOT_ANNOTATIONS.test(file) || files.some((f) => f.name === file)) continue;
      // Markers are worth a warning, not the recording: an annotation file that cannot be read is
      // reported like one that cannot be parsed, and the signals still import.
      let bytes: Uint8Array;
      try {
        bytes = await readBytes({ path: path.join(dir, file), name: file, role: `an annotation file of ${name}`, limit, used });
      } catch (err) {
        if (!opts.warnings || !(err instanceof FormatError)) throw err;
        opts.warnings.push(`${file}: not read as an annotation file (${err.detail})`);
        continue;
      }
      files.push({ name: file, bytes });
      used += bytes.length;
    }
  }
  return files;
}

/**
 * The recording a companion file belongs to, when it lies beside it: 'x.hea' for x.dat or x.atr,
 * 'x.edf' for x.edf.event (a WFDB annotation file of an EDF record, as PhysioNet's eegmmidb ships
 * one beside every EDF). Undefined for a header itself, or when nothing is beside it.
 */
async function recordBeside(filePath: string): Promise<string | undefined> {
  if (/\.hea$/i.test(filePath)) return undefined;
  const stem = path.basename(filePath, path.extname(filePath));
  const candidates = [`${stem}.hea`, ...(/\.(edf|bdf)$/i.test(stem) ? [stem] : [])];
  for (const name of candidates) {
    try {
      await access(path.join(path.dirname(filePath), name));
      return name;
    } catch {
      // not there: the next candidate
    }
  }
  return undefined;
}

/**
 * Reads a recording file (and its companions) and imports it; warnings about companion files join
 * the recording's. A WFDB signal or annotation file given on its own is answered with the header
 * beside it. FormatError as readRecordingFiles and importRecording throw it.
 */
export async function importRecordingFile(filePath: string, opts: Omit<ImportOptions, 'recordBeside'> = {}): Promise<ImportedRecording> {
  const warnings: string[] = [];
  const files = await readRecordingFiles(filePath, { warnings });
  const rec = importRecording(files, { ...opts, recordBeside: await recordBeside(filePath) });
  rec.warnings.push(...warnings);
  return rec;
}
