// Which process is recording a session, across processes: a small file beside the database,
// `<db>.rec-<id>.pid`, holding the recorder's pid. SQLite's locks last one transaction; a
// recording lasts minutes and may run in another process (`heartmind record` while the app is
// open), which must neither delete it under the recorder nor show it as interrupted. A recorder
// that crashed leaves its file behind; a pid that no longer runs does not count, nor one written
// before the machine last started, nor (on Linux) a pid now reused by a process that is not Node or
// Electron, nor a pid reused by a process that started after the recorder did: in a container the
// app gets the same pid after every restart, and a crashed recording read as `recording` for good
// (it could not be replayed or deleted). The file holds `<pid> <process start, Unix ms>`.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { uptime } from 'node:os';

/** This process's start (Unix ms); process.uptime() is the process's, in a worker thread too. */
const PROCESS_START_MS = Date.now() - process.uptime() * 1000;
/** Two readings of one process's start agree within this (the kernel counts in 10-ms ticks; clocks are read apart). */
const START_TOLERANCE_MS = 2000;

const lockPath = (dbFile: string, id: number) => `${dbFile}.rec-${id}.pid`;
/** In-memory and temporary databases have no file to put a lock beside. */
const hasFile = (dbFile: string) => dbFile !== '' && dbFile !== ':memory:';

/** Best effort: without the file, this process still refuses to delete its own recording. */
export function markRecording(dbFile: string, id: number): void {
  try {
    if (hasFile(dbFile)) writeFileSync(lockPath(dbFile, id), `${process.pid} ${Math.round(PROCESS_START_MS)}`);
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
  /** When the recorder's process started (absent in a file from before it was written). */
  let startedMs: number | null;
  try {
    const path = lockPath(dbFile, id);
    if (statSync(path).mtimeMs < Date.now() - uptime() * 1000) return null; // from before this boot
    const [p, started] = readFileSync(path, 'utf8').trim().split(/\s+/);
    pid = Number(p);
    startedMs = started === undefined ? null : Number(started);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  // The pid's process now is not the one that wrote the file: it started at another time.
  const startNow = pid === process.pid ? PROCESS_START_MS : processStartMs(pid);
  if (startedMs !== null && Number.isFinite(startedMs) && startNow !== null && Math.abs(startNow - startedMs) > START_TOLERANCE_MS) return null;
  return pid === process.pid || runsNode(pid) ? pid : null;
}

/** When process `pid` started (Unix ms), from Linux's /proc/<pid>/stat; null elsewhere. */
function processStartMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, starttime, in clock ticks (USER_HZ, 100 on Linux) after boot; the fields after the
    // command name in parentheses (which may hold spaces) start at field 3.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isFinite(ticks) ? Date.now() - uptime() * 1000 + ticks * 10 : null;
  } catch {
    return null;
  }
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
