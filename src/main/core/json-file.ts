// Small JSON files in the user profile (paired devices, signal settings): written atomically
// (temp file + rename) so a crash never leaves half a file; a damaged file is set aside, never fatal.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeJsonAtomic(file: string, data: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n');
  renameSync(tmp, file);
}

/** Renames a file that could not be read to `<file>.damaged-<now>` (kept for the user); returns that name. */
export function setAside(file: string, now = Date.now()): string {
  const aside = `${file}.damaged-${now}`;
  try {
    renameSync(file, aside);
  } catch {
    /* leave it where it is */
  }
  return aside;
}
