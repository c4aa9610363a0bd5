// Which process is recording a session, across processes: a small file beside the database,
// `<db>.rec-<id>.pid`, holding the recorder's pid. SQLite's locks last one transaction; a
// recording lasts minutes and may run in another process (`heartmind record` while the app is
// open), which must neither delete it under the recorder nor show it as interrupted. A recorder
// that crashed leaves its file behind; a pid that no longer runs does not count, nor one written
// before the machine last started, nor (on Linux) a pid now reused by a process that is not Node or
// Electron.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { uptime } from 'node:os';

const lockPath = (dbFile: string, id: number) => `${dbFile}.rec-${id}.pid`;
/** In-memory and temporary databases have no file to put a lock beside. */
const hasFile = (dbFile: string) => dbFile !== '' && dbFile !== ':memory:';

/** Best effort: without the file, this process still refuses to delete its own recording. */
export function markRecording(dbFile: string, id: number): void {
  try {
    if (hasFile(dbFile)) writeFileSync(lockPath(dbFile, id), String(process.pid));
  } catch {
    // another process may then show the session as interrupted; nothing recorded is at risk
  }
}

export function clearRecording(dbFile: string, id: number): void {
  if (hasFile(dbFile)) rmSync(lockPath(dbFile, id), { force: true });
}

/** The pid of a live process recording session `id`, or null. */
export function recorderProcess(dbFile: string, id: number): number | null {
  if (!hasFile(dbFile)) return null;
  let pid: number;
  try {
    const path = lockPath(dbFile, id);
    if (statSync(path).mtimeMs < Date.now() - uptime() * 1000) return null; // from before this boot
    pid = Number(readFileSync(path, 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return pid === process.pid || runsNode(pid) ? pid : null;
}

/** Whether a live pid is a Node or Electron process (Linux tells; elsewhere assume it is). */
function runsNode(pid: number): boolean {
  let cmd: string;
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return true;
  }
  return /node|electron|heartmind/i.test(cmd);
}
