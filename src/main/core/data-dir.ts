// Where a user's HeartMind data lives when Electron does not say (serve mode, the CLI): the
// platform's usual per-user application-data folder, overridable with HEARTMIND_DATA_DIR or a
// command's --data-dir. The desktop app sets Electron's userData folder to this one (app-main.ts).
// The sessions area creates it (prepareDataDir) and says in words what stands in the way.
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const APP_DIR_NAME = 'HeartMind';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.HEARTMIND_DATA_DIR) return env.HEARTMIND_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME);
}

/** What stands in the way of creating or writing a path: its kind, the part at fault, and the words. */
export interface FsProblem {
  kind: 'not-a-folder' | 'no-permission' | 'read-only' | 'disk-full' | 'name-too-long' | 'other';
  /** The part at fault: the file in the way, or the nearest folder that exists. */
  path: string;
  /** In words: "/tmp/afile is a file, not a folder", "/mnt/share is on a read-only file system". */
  text: string;
}

/**
 * What stands in the way of creating or writing `path` after `err` from fs. Looks at the path
 * itself (the error codes vary: a recursive mkdir under a read-only mount reports ENOENT) and
 * names the part at fault: the file in the way, or the nearest folder that exists.
 */
export function describeFsProblem(err: unknown, path: string): FsProblem {
  const file = firstFileOnPath(path);
  if (file) return { kind: 'not-a-folder', path: file, text: `${file} is a file, not a folder` };
  const existing = nearestExisting(path);
  let code = (err as NodeJS.ErrnoException | null)?.code;
  try {
    accessSync(existing, constants.W_OK);
  } catch (e) {
    code = (e as NodeJS.ErrnoException).code ?? code;
  }
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return { kind: 'no-permission', path: existing, text: `no permission to write in ${existing}` };
    case 'EROFS':
      return { kind: 'read-only', path: existing, text: `${existing} is on a read-only file system` };
    case 'ENOSPC':
    case 'EDQUOT':
      return { kind: 'disk-full', path: existing, text: `the disk holding ${existing} is full` };
    case 'ENAMETOOLONG':
      return { kind: 'name-too-long', path: resolve(path), text: 'the path is too long' };
    default:
      return { kind: 'other', path: resolve(path), text: (err as Error)?.message ?? String(err) };
  }
}

/**
 * Creates the data folder if it is missing. Returns null when the folder is there (read-only is
 * fine for what only reads: an existing library opens read-only), or what stands in the way.
 */
export function prepareDataDir(dir: string): string | null {
  try {
    mkdirSync(dir, { recursive: true });
    return null;
  } catch (err) {
    const abs = resolve(dir);
    const problem = describeFsProblem(err, abs);
    // The folder itself is a file: say so once; anything else is in the way of creating it.
    if (problem.kind === 'not-a-folder' && problem.path === abs) return `the data folder ${problem.text}`;
    return `the data folder ${abs} cannot be created: ${problem.text}`;
  }
}

/** How to choose another data folder, for messages (serve mode and the CLI take --data-dir). */
export function dataDirHint(runtime: 'electron' | 'serve'): string {
  return runtime === 'serve' ? 'choose a folder you can write with --data-dir DIR (or HEARTMIND_DATA_DIR)' : 'set HEARTMIND_DATA_DIR to a folder you can write and restart HeartMind';
}

function nearestExisting(path: string): string {
  let p = resolve(path);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

/** The first part of `path` (from the root) that exists and is not a folder. */
function firstFileOnPath(path: string): string | null {
  const parts: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    parts.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const p of parts) {
    try {
      if (!statSync(p).isDirectory()) return p;
    } catch {
      return null;
    }
  }
  return null;
}
