// A file path as a researcher types or pastes it into the Sessions view's Import and Export fields
// (or sends it in a request). A shell would have read `~/data/x.edf` and `"C:\…\x.edf"`; the fields
// took them literally and said "not found": Windows Explorer's "Copy as path" adds the quotes, and
// `~` is how paths are written on Linux and macOS. A relative path is made absolute against the
// core's working folder, so a message names where it looked (serve mode: the folder serve was
// started in, not the browser's).
import { homedir } from 'node:os';
import { isAbsolute, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PathBase {
  cwd: string;
  home: string;
}

const defaultBase = (): PathBase => ({ cwd: process.cwd(), home: homedir() });

/**
 * The path `text` names: trimmed, one pair of surrounding quotes removed, a file:// URL read as its
 * path, a leading `~` as the home folder, then absolute. A trailing separator (a folder meant, for
 * an export) is kept.
 */
export function typedPath(text: string, base: PathBase = defaultBase()): string {
  let p = text.trim();
  if (p.length >= 2 && (p[0] === '"' || p[0] === "'") && p.at(-1) === p[0]) p = p.slice(1, -1).trim();
  if (/^file:\/\//i.test(p)) {
    try {
      p = fileURLToPath(p);
    } catch {
      // not a usable file URL (another host): left as typed, and "not found" names it
    }
  }
  if (p === '~' || p.startsWith('~/') || (sep === '\\' && p.startsWith('~\\'))) p = base.home + p.slice(1);
  if (p === '') return p;
  const folder = p.endsWith('/') || p.endsWith(sep);
  const abs = isAbsolute(p) ? p : resolve(base.cwd, p);
  return folder && !abs.endsWith(sep) && !abs.endsWith('/') ? abs + sep : abs;
}
