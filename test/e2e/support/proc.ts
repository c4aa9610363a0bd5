// Chromium's renderer processes and their CPU and memory, read from Linux's /proc: for the E2E tests
// and benchmarks that watch what the page costs (bench/page-bench.ts, inference-switch).
import { readdirSync, readFileSync } from 'node:fs';

const CLK_TCK = 100; // Linux USER_HZ

/** Chromium's page renderers among the descendants of `ancestor` (its own UI pages, --top-chrome-webui, left out). Linux only. */
export function rendererPids(ancestor: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let p = parent.get(pid), n = 0; p !== undefined && p > 0 && n < 20; p = parent.get(p), n++) if (p === ancestor) return true;
    return false;
  };
  return [...parent.keys()].filter((pid) => {
    if (!isDescendant(pid)) return false;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmd.includes('--type=renderer') && !cmd.includes('--top-chrome-webui');
    } catch {
      return false;
    }
  });
}

/** utime + stime in seconds from a /proc stat file; NaN when the process is gone. */
function statCpuS(file: string): number {
  try {
    const stat = readFileSync(file, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** CPU seconds a process has used so far, all its threads. */
export const processCpuS = (pid: number): number => statCpuS(`/proc/${pid}/stat`);
/** CPU seconds a process's main thread has used so far. */
export const mainThreadCpuS = (pid: number): number => statCpuS(`/proc/${pid}/task/${pid}/stat`);

/** A process's resident memory in MiB; NaN when it is gone. */
export function rssMiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}
