// readRecordingFiles as a user that file modes apply to. Root reads a file whatever its mode, so
// when the tests run as root (CI in a container) the 'permission denied' cases run in a child node
// as nobody: this same file, run as a script, reads the paths it is given and prints the outcomes.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readRecordingFiles } from '../../../src/main/formats/read-recording-files';
import { FormatError } from '../../../src/shared/formats/format-error';

/** Run as a script: the cases ([path, collect warnings][]) come in this variable, as JSON. */
const CASES_VAR = 'HM_READ_AS_USER_CASES';
/** The user the child runs as: nobody. */
const NOBODY = 65534;

export interface ReadOutcome {
  files?: string[];
  warnings?: string[];
  error?: { code: string; fileName: string; message: string };
}

/** readRecordingFiles in this process, as a plain outcome; `collect` passes a warnings list. */
export async function readOutcome(path: string, collect: boolean): Promise<ReadOutcome> {
  const warnings: string[] = [];
  try {
    const files = await readRecordingFiles(path, collect ? { warnings } : {});
    return { files: files.map((f) => f.name).sort(), warnings };
  } catch (e) {
    if (e instanceof FormatError) return { error: { code: e.code, fileName: e.fileName, message: e.message } };
    return { error: { code: 'not-a-format-error', fileName: '', message: String(e) } };
  }
}

/** True when file modes bind this process (it is not root). */
export const modesApply = process.getuid?.() !== 0;

/**
 * readOutcome for each case, in this process when modes bind it, else in a child node running as
 * nobody (the paths must then be reachable by everyone).
 */
export async function readAsUser(cases: [string, boolean][]): Promise<ReadOutcome[] | { skip: string }> {
  if (modesApply) return Promise.all(cases.map(([p, c]) => readOutcome(p, c)));
  const res = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    uid: NOBODY,
    gid: NOBODY,
    encoding: 'utf8',
    env: { ...process.env, [CASES_VAR]: JSON.stringify(cases) },
    timeout: 60_000,
  });
  // The checkout itself may be closed to nobody (a clone under /root): then the child cannot even
  // load this file, and the cases cannot be run here (readOutcome catches every read error).
  if (res.status !== 0 && /EACCES|permission denied/i.test(res.stderr) && !res.stdout) return { skip: `nobody cannot load the test code from this checkout: ${res.stderr.split('\n')[0]}` };
  if (res.status !== 0) throw new Error(`reading as nobody failed (${res.status ?? res.signal}): ${res.stderr || String(res.error)}`);
  return JSON.parse(res.stdout) as ReadOutcome[];
}

if (process.env[CASES_VAR]) {
  const cases = JSON.parse(process.env[CASES_VAR]) as [string, boolean][];
  const out: ReadOutcome[] = [];
  for (const [p, collect] of cases) out.push(await readOutcome(p, collect));
  process.stdout.write(JSON.stringify(out));
}
