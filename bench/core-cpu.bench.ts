// CPU of the core while streaming both simulated devices at real rate (goal < 5 % of one core),
// measured with process.cpuUsage() in the core's own process:
//   1. the core alone (devices → hub → pipeline → push bus, nobody listening);
//   2. serve mode with one page connected (a WebSocket client in another process, so its
//      decoding is not counted): adds frame encoding and sending.
// Prints figures; asserts nothing.   node --import tsx bench/core-cpu.bench.ts [--seconds 15] [--warmup 4]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchFlags, header, POSITIVE, table } from './bench-util';
import { startCore } from '../src/main/core/start-core';
import { startServe } from '../src/main/serve/serve-command';
import { WS_PATH } from '../src/shared/ipc/transport-protocol';

const flags = benchFlags(import.meta.url, 'CPU of the core streaming both simulated devices, alone and serving one page (goal < 5 % of one core).', {
  seconds: { type: 'number', rule: POSITIVE, default: 15, help: 'seconds measured per setup' },
  warmup: { type: 'number', rule: { min: 0 }, default: 4, help: 'seconds streamed before measuring' },
});
const SECONDS = flags.seconds;
const WARMUP = flags.warmup;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(seconds: number): Promise<{ cpuPct: number; userPct: number; sysPct: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const c = process.cpuUsage(c0);
  const wallUs = (performance.now() - t0) * 1000;
  return { cpuPct: (100 * (c.user + c.system)) / wallUs, userPct: (100 * c.user) / wallUs, sysPct: (100 * c.system) / wallUs };
}

async function main() {
  header('Core CPU while streaming both simulated devices at real rate');
  const dataDir = mkdtempSync(join(tmpdir(), 'hm-bench-'));
  const rows: Record<string, string | number>[] = [];
  try {
    // 1. The core alone.
    const core = await startCore({ runtime: 'serve', dataDir, demo: true, onLog: () => {} });
    let samples = 0;
    let windows = 0;
    core.hub.subscribe({ rawChunk: (c, info) => void (samples += c.count * info.channels.length), window: () => void windows++ });
    await sleep(WARMUP * 1000);
    samples = 0;
    windows = 0;
    const alone = await measure(SECONDS);
    rows.push({ setup: 'core alone', 'CPU % of one core': alone.cpuPct, 'user %': alone.userPct, 'sys %': alone.sysPct, 'samples/s in': samples / SECONDS, 'windows/s': windows / SECONDS });
    await core.stop();

    // 2. Serve mode with one connected page (a ws client in a child process).
    const serve = await startServe({ port: 0, dataDir, rendererDir: resolve('out', 'renderer'), onLog: () => {} });
    const origin = serve.server.url.replace(/\/$/, '');
    const client = spawn(
      process.execPath,
      [
        '-e',
        `const W=require('ws');let n=0,b=0;const w=new W(${JSON.stringify(`ws://127.0.0.1:${serve.server.port}${WS_PATH}`)},{origin:${JSON.stringify(origin)}});` +
          `w.on('message',(d)=>{n++;b+=d.length});process.on('SIGTERM',()=>{console.log(JSON.stringify({n,b}));process.exit(0)})`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    client.stdout.on('data', (d) => (out += d));
    await sleep(WARMUP * 1000);
    const served = await measure(SECONDS);
    client.kill('SIGTERM');
    await new Promise((r) => client.once('exit', r));
    const got = JSON.parse(out || '{"n":0,"b":0}') as { n: number; b: number };
    rows.push({
      setup: 'serve + 1 page',
      'CPU % of one core': served.cpuPct,
      'user %': served.userPct,
      'sys %': served.sysPct,
      'samples/s in': NaN,
      'windows/s': NaN,
      'frames/s out': got.n / (SECONDS + WARMUP),
      'kB/s out': got.b / 1024 / (SECONDS + WARMUP),
    });
    await serve.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  for (const r of rows) for (const k of ['frames/s out', 'kB/s out']) r[k] ??= '';
  table(rows);
  console.log(`\nmeasured over ${SECONDS} s after ${WARMUP} s warm-up; goal < 5 % of one core`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
