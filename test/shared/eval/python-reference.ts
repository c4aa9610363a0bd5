// Runs a Python snippet under Debian's /usr/bin/python3 (scikit-learn, scipy, numpy) with JSON
// in on stdin and JSON out on stdout: the independent reference our TypeScript is checked against.
// Never the pyenv python3 on PATH, which lacks these packages.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';
export const hasPython = existsSync(PYTHON);

/** `script` reads `data = json.load(sys.stdin)` and must print one JSON document. */
export function runPython<T>(script: string, input: unknown): T {
  const res = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (res.status !== 0) throw new Error(`python reference failed (${res.status}): ${res.stderr}`);
  return JSON.parse(res.stdout) as T;
}
