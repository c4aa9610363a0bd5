// The desktop app's native file and folder dialogs ("Browse…" beside every path field). Only the
// Electron window has them: a browser page in serve mode cannot learn a file's path, so there the
// fields are typed. The request crosses from the page to main, so main checks it here first.

/** Page → main (ipcRenderer.invoke): show a native dialog; answers Envelope<string | null>. */
export const ELECTRON_PICK_PATH = 'hm:shell:pick-path';

export interface PickPathRequest {
  /** A file to open, a folder to open, or where to save a file. */
  mode: 'open-file' | 'open-folder' | 'save-file';
  /** The dialog's title (what the path is for). */
  title: string;
  /** File types offered, e.g. { name: 'EDF / BDF', extensions: ['edf', 'bdf'] }; none: any file. */
  filters?: { name: string; extensions: string[] }[];
  /** Where the dialog starts (a folder, or for save-file a suggested file path). */
  defaultPath?: string;
}

export class PickPathError extends Error {
  override name = 'PickPathError';
}

const MODES: PickPathRequest['mode'][] = ['open-file', 'open-folder', 'save-file'];
const MAX_TEXT = 4096;

function text(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length > MAX_TEXT) throw new PickPathError(`${what} must be a string of at most ${MAX_TEXT} characters`);
  return v;
}

/** The request as main will use it, or a PickPathError naming what is wrong. */
export function parsePickPathRequest(raw: unknown): PickPathRequest {
  if (typeof raw !== 'object' || raw === null) throw new PickPathError('the request must be an object');
  const r = raw as Record<string, unknown>;
  if (!MODES.includes(r.mode as PickPathRequest['mode'])) throw new PickPathError(`mode must be one of ${MODES.join(', ')}`);
  const out: PickPathRequest = { mode: r.mode as PickPathRequest['mode'], title: text(r.title, 'title') };
  if (r.defaultPath !== undefined) out.defaultPath = text(r.defaultPath, 'defaultPath');
  if (r.filters !== undefined) {
    if (!Array.isArray(r.filters) || r.filters.length > 20) throw new PickPathError('filters must be a list of at most 20');
    out.filters = r.filters.map((f: unknown, i) => {
      const o = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
      const exts = o.extensions;
      if (!Array.isArray(exts) || exts.length === 0 || exts.length > 20) throw new PickPathError(`filters[${i}].extensions must list 1 to 20 extensions`);
      return {
        name: text(o.name, `filters[${i}].name`),
        extensions: exts.map((e, j) => {
          const ext = text(e, `filters[${i}].extensions[${j}]`);
          if (!/^(\*|[A-Za-z0-9_-]{1,16})$/.test(ext)) throw new PickPathError(`filters[${i}].extensions[${j}] '${ext}' is not an extension (no dot, e.g. 'edf')`);
          return ext;
        }),
      };
    });
  }
  return out;
}
