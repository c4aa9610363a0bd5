// Which process is recording a session, across processes: a small file beside the database,
// `<db>.rec-<id>.pid`, holding the recorder's pid. SQLite's locks last one transaction; a
// recording lasts minutes and may run in another process (`heartmind record` while the app is
// open), which must neither delete it under the recorder nor show it as interrupted. A recorder
// that crashed leaves its file behind; a pid that no longer runs does not count.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const lockPath = (dbFile: string, id: number) => `${dbFile}.rec-${id}.pid`;
/** In-memory and temporary databases have no file to put a lock beside. */
const hasFile = (dbFile: string) => dbFile !== '' && dbFile !== ':memory:';

export function markRecording(dbFile: string, id: number): void {
  if (hasFile(dbFile)) writeFileSync(lockPath(dbFile, id), String(process.pid));
}

export function clearRecording(dbFile: string, id: number): void {
  if (hasFile(dbFile)) rmSync(lockPath(dbFile, id), { force: true });
}

/** The pid of a live process recording session `id`, or null. */
export function recorderProcess(dbFile: string, id: number): number | null {
  if (!hasFile(dbFile)) return null;
  let pid: number;
  try {
    pid = Number(readFileSync(lockPath(dbFile, id), 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}
