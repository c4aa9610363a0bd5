// The model registry's scan (src/main/model/registry.ts, docs/model.md "Registry and model cards"):
// a copy of the shipped 38-MiB model as the shipped folder and --models one-layer models (4 MB
// each) as the user's, every ONNX file of 2 MiB or more read, hashed and decoded in a worker thread.
//   - a cold scan (a new registry: every file read), a warm rescan with nothing changed (every file's
//     stamp matches the last scan's: none read), a rescan after one file changed (a user model, then
//     the shipped one, written again with the same bytes: that one file read);
//   - the peer in the same run: the cold scan with every file read in place on the event loop (the
//     registry before the worker), for the time and the event loop's longest stall;
//   - the watch: the core's models area (ModelsArea) running, the shipped model written again, until
//     the pages are told (models:changed): the watcher, its 500-ms settling delay and the rescan.
//   - per file (the 4-MB model and the 38-MiB one): read and checked in place, in the worker as the
//     registry starts it here (under tsx, which compiles the worker's TypeScript on each start), and
//     in the built app's worker (out/main/onnx-worker.js, when a build is there), which is what the
//     app and `heartmind models` start.
// For each: the wall time and the longest the event loop was held (perf_hooks' event-loop delay,
// 1-ms resolution), the core's pipeline and pages being what waits on it.
// Usage: node --import tsx bench/model-registry.bench.ts [--models N] [--rounds K]
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { benchFlags, COUNT, header, loadAverages, median, table } from './bench-util';
import { ModelsArea } from '../src/main/model/models.core';
import { readFileBytes } from '../src/main/core/read-bytes';
import { CARD_FILE, ModelRegistry, ONNX_FILE, ONNX_WORKER_BUNDLE, readOnnxFacts, readOnnxInWorker, writeModelDir, type OnnxWorkerReply, type RegistryRoot } from '../src/main/model/registry';
import type { CoreContext } from '../src/main/core/core.types';
import type { PushMessage } from '../src/shared/ipc-schema';
import { defaultFusedConfig, TASK_MENTAL_ARITHMETIC } from '../src/shared/model/config';
import type { ModelCard } from '../src/shared/model/model.types';
import { initHostParams } from '../src/shared/model/params';
import { exportFusedOnnx } from '../src/shared/onnx/export';

const flags = benchFlags(import.meta.url, 'The model registry: cold scan, warm rescan, rescan after one change, the folder watch; against reading every file in place.', {
  models: { type: 'number', rule: COUNT, default: 4, help: 'one-layer models in the user folder (beside the shipped one)' },
  rounds: { type: 'number', rule: COUNT, default: 5, help: 'times each case runs' },
});

const SHIPPED = resolve('models', 'heartmind-eegmat-arithmetic');
const work = mkdtempSync(join(tmpdir(), 'hm-bench-registry-'));
const shippedRoot = join(work, 'shipped');
const userRoot = join(work, 'user');

/** The shipped model copied (the bench writes it again), and the user's models written as an export writes them. */
async function setUp(): Promise<void> {
  mkdirSync(join(shippedRoot, 'heartmind-eegmat-arithmetic'), { recursive: true });
  for (const f of [ONNX_FILE, CARD_FILE, 'card.md']) copyFileSync(join(SHIPPED, f), join(shippedRoot, 'heartmind-eegmat-arithmetic', f));
  const card = JSON.parse(readFileSync(join(SHIPPED, CARD_FILE), 'utf8')) as ModelCard;
  for (let i = 0; i < flags.models; i++) {
    const config = defaultFusedConfig([TASK_MENTAL_ARITHMETIC], { nLayers: 1 });
    await writeModelDir(userRoot, { ...card, id: `mine-${i}`, config, onnx: { ...card.onnx, sha256: '' } }, exportFusedOnnx(config, initHostParams(config, i + 1)));
  }
}

const roots: RegistryRoot[] = [
  { dir: shippedRoot, source: 'builtin' },
  { dir: userRoot, source: 'user' },
];

/** Wall time of `fn` and the event loop's longest delay meanwhile, both in ms. */
async function measure(fn: () => Promise<unknown>): Promise<{ ms: number; heldMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t = performance.now();
  await fn();
  const ms = performance.now() - t;
  // The delay of a stall is recorded when the loop turns again: a work done synchronously to the
  // end (a file read in place) is seen only after one more timer.
  await new Promise((r) => setTimeout(r, 5));
  h.disable();
  return { ms, heldMs: h.max / 1e6 };
}

/** A file written again with the same bytes: a new stamp (times, maybe inode), the same facts. */
function rewrite(path: string): void {
  writeFileSync(path, readFileSync(path));
}

/** The models area with a core that has no devices: its pushes are what the bench waits for. */
function startArea(): { area: ModelsArea; pushes: PushMessage[]; stop: () => void } {
  const pushes: PushMessage[] = [];
  const stops: (() => void)[] = [];
  const ctx = {
    runtime: 'serve',
    dataDir: work,
    hub: { streams: () => [], subscribe: () => () => undefined, pipelineConfig: undefined },
    push: (m: PushMessage) => pushes.push(m),
    log: () => undefined,
    onStop: (f: () => void) => stops.push(f),
  } as unknown as CoreContext;
  const area = new ModelsArea(ctx, { builtinDir: shippedRoot, userDir: userRoot });
  return { area, pushes, stop: () => stops.forEach((f) => f()) };
}

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const t0 = performance.now();
  while (!ok()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const BUILT_WORKER = resolve('out', 'main', ONNX_WORKER_BUNDLE);

/** The built app's ONNX worker on one file, as the registry asks it (one thread per file). */
function builtWorker(path: string): Promise<void> {
  return new Promise((res, rej) => {
    const w = new Worker(BUILT_WORKER, { workerData: { path } });
    w.once('message', (m: OnnxWorkerReply) => {
      void w.terminate();
      if (m.type === 'read' && !m.facts.error) res();
      else rej(new Error(`the built worker did not read ${path}: ${JSON.stringify(m)}`));
    });
    w.once('error', rej);
  });
}

type Case = 'cold' | 'cold, read in place (peer)' | 'warm, nothing changed' | 'one user model changed' | 'the shipped model changed' | 'watch: shipped model written → pages told';
const results = new Map<Case, { ms: number; heldMs: number }[]>();
const add = (c: Case, r: { ms: number; heldMs: number }) => results.set(c, [...(results.get(c) ?? []), r]);

try {
  await setUp();
  header(`Model registry: the shipped model (38 MiB) + ${flags.models} one-layer models (4 MB each), ${flags.rounds} rounds`);
  console.log(`load average at start: ${loadAverages()}\n`);
  const files = 1 + flags.models;
  for (let round = 0; round < flags.rounds; round++) {
    // The peer first in even rounds, second in odd ones: the machine's load moves.
    const peer = () => measure(() => new ModelRegistry(roots, Infinity).scan());
    if (round % 2 === 0) add('cold, read in place (peer)', await peer());
    const reg = new ModelRegistry(roots);
    add('cold', await measure(() => reg.scan()));
    if (round % 2 === 1) add('cold, read in place (peer)', await peer());
    add('warm, nothing changed', await measure(() => reg.scan()));
    rewrite(join(userRoot, 'mine-0', ONNX_FILE));
    add('one user model changed', await measure(() => reg.scan()));
    rewrite(join(shippedRoot, 'heartmind-eegmat-arithmetic', ONNX_FILE));
    add('the shipped model changed', await measure(() => reg.scan()));
    const bad = reg.list().filter((m) => m.problems.length);
    if (bad.length || reg.list().length !== files) throw new Error(`the scan found ${reg.list().length} models, ${bad.length} unusable: ${bad.map((m) => m.problems.join('; ')).join(' | ')}`);
  }
  // The watch: one area for all rounds, as the core runs one.
  const { area, pushes, stop } = startArea();
  await area.start();
  try {
    for (let round = 0; round < flags.rounds; round++) {
      const seen = pushes.length;
      add(
        'watch: shipped model written → pages told',
        await measure(async () => {
          rewrite(join(shippedRoot, 'heartmind-eegmat-arithmetic', ONNX_FILE));
          await until('models:changed', () => pushes.slice(seen).some((p) => p.type === 'models:changed'));
        }),
      );
      // Let the last watcher events settle before the next write.
      await new Promise((r) => setTimeout(r, 700));
    }
  } finally {
    stop();
  }
  // Per file: what one file costs each way; the ways take turns within a round.
  const perFile: Record<string, { ms: number; heldMs: number }[]> = {};
  const ways: [string, (path: string) => Promise<unknown>][] = [
    ['in place', async (p) => readOnnxFacts(await readFileBytes(p))],
    ['worker, under tsx', (p) => readOnnxInWorker(p)],
    ...(existsSync(BUILT_WORKER) ? [['worker, built (out/main)', builtWorker] as [string, (path: string) => Promise<unknown>]] : []),
  ];
  const sample = [
    ['4 MB', join(userRoot, 'mine-0', ONNX_FILE)],
    ['38 MiB', join(shippedRoot, 'heartmind-eegmat-arithmetic', ONNX_FILE)],
  ];
  for (let round = 0; round < flags.rounds; round++) {
    for (const [size, path] of sample) {
      for (const [way, fn] of round % 2 ? [...ways].reverse() : ways) (perFile[`${size}, ${way}`] ??= []).push(await measure(() => fn(path)));
    }
  }
  const read: Record<Case, string> = {
    cold: `${files}, in worker threads`,
    'cold, read in place (peer)': `${files}, on the event loop`,
    'warm, nothing changed': '0',
    'one user model changed': '1 (4 MB)',
    'the shipped model changed': '1 (38 MiB)',
    'watch: shipped model written → pages told': '1 (38 MiB), after the 500-ms settling delay',
  };
  table(
    [...results].map(([c, rs]) => {
      const ms = rs.map((r) => r.ms).sort((a, b) => a - b);
      const held = rs.map((r) => r.heldMs).sort((a, b) => a - b);
      return { case: c, 'ONNX files read': read[c], 'median ms': median(ms), 'fastest ms': ms[0], 'event loop held, median ms': median(held), 'longest ms': held[held.length - 1] };
    }),
  );
  console.log(`\nOne ONNX file read, hashed and decoded${existsSync(BUILT_WORKER) ? '' : ` (no build: ${BUILT_WORKER} is missing, so no built worker's row)`}:\n`);
  table(
    Object.entries(perFile).map(([what, rs]) => {
      const ms = rs.map((r) => r.ms).sort((a, b) => a - b);
      const held = rs.map((r) => r.heldMs).sort((a, b) => a - b);
      return { file: what, 'median ms': median(ms), 'fastest ms': ms[0], 'event loop held, median ms': median(held), 'longest ms': held[held.length - 1] };
    }),
  );
  console.log(`\nload average at end: ${loadAverages()}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
