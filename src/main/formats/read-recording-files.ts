// Node side of import: read a recording file and the companion files it needs into memory,
// so the pure parsers in src/shared/formats can work on bytes.
//   WFDB:  'x.hea' → x.hea + the signal files it names + annotation files 'x.<annotator>'
//   other: the one file.
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { FormatError } from '../../shared/formats/format-error';
import { detectFormat, importRecording, type ImportOptions } from '../../shared/formats/import-recording';
import type { ImportedRecording, NamedBytes } from '../../shared/formats/recording.types';
import { decodeLatin1 } from '../../shared/formats/text';
import { parseWfdbHeader, wfdbSignalFileNames } from '../../shared/formats/wfdb';

/** Extensions that are never WFDB annotation files even when they share the record's name. */
const NOT_ANNOTATIONS = /\.(hea|dat|xyz|mat|edf|bdf|csv|txt|json|md|png|pdf|zip|gz)$/i;

async function readBytes(p: string): Promise<Uint8Array> {
  const buf = await readFile(p);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Reads `filePath` and, for a WFDB header, its signal files and annotation files from the same
 * folder. Names in the result are base names ('100.dat'), as the header refers to them.
 * A WFDB signal file the header names but the folder lacks gives FormatError 'missing-file'.
 */
export async function readRecordingFiles(filePath: string, opts: { annotations?: boolean } = {}): Promise<NamedBytes[]> {
  const dir = path.dirname(filePath);
  const name = path.basename(filePath);
  const main = { name, bytes: await readBytes(filePath) };
  if (detectFormat(main) !== 'wfdb') return [main]; // an EDF called x.hea is an EDF

  const header = parseWfdbHeader(decodeLatin1(main.bytes), name);
  const files: NamedBytes[] = [main];
  for (const sig of wfdbSignalFileNames(header)) {
    const p = path.join(dir, sig);
    try {
      files.push({ name: path.basename(sig), bytes: await readBytes(p) });
    } catch {
      throw new FormatError('missing-file', name, `signal file "${sig}" not found beside the header (${dir})`);
    }
  }
  if (opts.annotations !== false) {
    const prefix = `${header.recordName}.`;
    for (const entry of await readdir(dir)) {
      if (!entry.startsWith(prefix) || NOT_ANNOTATIONS.test(entry) || files.some((f) => f.name === entry)) continue;
      const p = path.join(dir, entry);
      if ((await stat(p)).isFile()) files.push({ name: entry, bytes: await readBytes(p) });
    }
  }
  return files;
}

/** Reads a recording file (and its companions) and imports it. */
export async function importRecordingFile(filePath: string, opts: ImportOptions = {}): Promise<ImportedRecording> {
  return importRecording(await readRecordingFiles(filePath), opts);
}
