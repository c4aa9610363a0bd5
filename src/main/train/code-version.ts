// Which code trained a model, for its card: `git describe --always --dirty` of the checkout the app
// runs from ("abd7419", or "abd7419-dirty" with uncommitted changes), taken when a job starts (the
// tree may change while a long run goes on), kept in the run folder. Null outside a git checkout
// (a packaged app).
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunFolder } from './run-store';

/** The code each start of a run ran, oldest first (more than one after a resume on newer code). */
export const CODE_ARTIFACT = 'code-version.json';

export function codeVersion(): string | null {
  try {
    const r = spawnSync('git', ['describe', '--always', '--dirty', '--abbrev=7'], { cwd: dirname(fileURLToPath(import.meta.url)), encoding: 'utf8', timeout: 5000 });
    return r.status === 0 ? r.stdout.trim() || null : null;
  } catch {
    return null;
  }
}

/** Adds the code this (re)start runs to the run's record (CODE_ARTIFACT), for the model card's provenance. */
export async function noteCodeVersion(folder: RunFolder): Promise<void> {
  const version = codeVersion();
  if (!version) return;
  const seen = await readCodeVersions(folder);
  if (!seen.includes(version)) await folder.writeArtifact(CODE_ARTIFACT, JSON.stringify({ versions: [...seen, version] }) + '\n');
}

/** The code versions a run was trained with, oldest first (more than one after a resume on newer code). */
export async function readCodeVersions(folder: RunFolder): Promise<string[]> {
  const b = await folder.readArtifact(CODE_ARTIFACT);
  if (!b) return [];
  try {
    const v = (JSON.parse(new TextDecoder().decode(b)) as { versions?: unknown }).versions;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
