// The model registry's scan (src/main/model/registry.ts, docs/model.md "Registry and model cards"):
// a copy of the shipped 38-MiB model as the shipped folder and --models one-layer models (4 MB
// each) as the user's, every ONNX file of 2 MiB or more read, hashed and decoded in a worker thread
// of the registry's pool (onnx-pool.ts: started once, reused for every file).
//   - a cold scan (a new registry and a new pool: every file read, the threads started), in the
//     worker under tsx (which compiles the worker's TypeScript on each start) and in the built
//     app's worker (out/main/onnx-worker.js, when a build is there), which is what the app and
//     `heartmind models` start;
//   - the peers in the same run: the cold scan with a thread started for each file (the registry
//     before the pool), and with every file read in place on the event loop (before the worker);
//   - a warm rescan with nothing changed (every file's stamp matches the last scan's: none read), a
//     rescan after one file changed (a user model, then the shipped one, written again with the same
//     bytes: that one file read, in the pool's thread still running);
//   - the watch: the core's models area (ModelsArea) running, the shipped model written again, until
//     the pages are told (models:changed): the watcher, its 500-ms settling delay and the rescan.
//   - per file (the 4-MB model and the 38-MiB one): read and checked in place, in a thread started
//     for it (under tsx, and built), and in a thread already running.
// For each: the wall time and the longest the event loop was held (perf_hooks' event-loop delay,
// 1-ms resolution), the core's pipeline and pages being what waits on it.
// Usage: node --import tsx bench/model-registry.bench.ts [--models N] [--rounds K]
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { benchFlags, COUNT, header, loadAverages, median, table } from './bench-util';
import { ModelsArea } from '../src/main/model/models.core';
import { readFileBytes } from '../src/main/core/read-bytes';
import { CARD_FILE, ModelRegistry, ONNX_FILE, ONNX_WORKER_FROM_BYTES, readOnnxFacts, writeModelDir, type RegistryRoot } from '../src/main/model/registry';
import { OnnxCheckPool, ONNX_WORKER_BUNDLE, type OnnxChecks, type OnnxPoolOptions } from '../src/main/model/onnx-pool';
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
const BUILT: OnnxPoolOptions | null = existsSync(BUILT_WORKER) ? { entry: { url: pathToFileURL(BUILT_WORKER) } } : null;

/** A registry with a pool of its own (its threads not yet started), closed after `fn`. */
async function withPool<T>(opts: OnnxPoolOptions, fn: (pool: OnnxCheckPool) => Promise<T>): Promise<T> {
  const pool = new OnnxCheckPool(opts);
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}

/** The registry before the pool: a thread started for each file, ended when it has answered. */
const threadPerFile = (opts: OnnxPoolOptions): OnnxChecks => ({
  read: (path) => withPool(opts, (p) => p.read(path)),
  check: (bytes) => withPool(opts, (p) => p.check(bytes)),
});

type Case =
  | 'cold, one pool (tsx)'
  | 'cold, one pool (built)'
  | 'cold, a thread per file (tsx, peer)'
  | 'cold, a thread per file (built, peer)'
  | 'cold, read in place (peer)'
  | 'warm, nothing changed'
  | 'one user model changed'
  | 'the shipped model changed'
  | 'watch: shipped model written → pages told';
const results = new Map<Case, { ms: number; heldMs: number }[]>();
const add = (c: Case, r: { ms: number; heldMs: number }) => results.set(c, [...(results.get(c) ?? []), r]);

try {
  await setUp();
  header(`Model registry: the shipped model (38 MiB) + ${flags.models} one-layer models (4 MB each), ${flags.rounds} rounds`);
  const files = 1 + flags.models;
  let threadsPerColdScan = 0;
  const expectAll = (list: Awaited<ReturnType<ModelRegistry['scan']>>) => {
    const bad = list.filter((m) => m.problems.length);
    if (bad.length || list.length !== files) throw new Error(`the scan found ${list.length} models, ${bad.length} unusable: ${bad.map((m) => m.problems.join('; ')).join(' | ')}`);
  };
  for (let round = 0; round < flags.rounds; round++) {
    // The cold scans each way, their order turned each round: the machine's load moves.
    const cold: [Case, () => Promise<unknown>][] = [
      ['cold, read in place (peer)', async () => expectAll(await new ModelRegistry(roots, Infinity).scan())],
      ['cold, a thread per file (tsx, peer)', async () => expectAll(await new ModelRegistry(roots, ONNX_WORKER_FROM_BYTES, threadPerFile({})).scan())],
      ...(BUILT ? [['cold, a thread per file (built, peer)', async () => expectAll(await new ModelRegistry(roots, ONNX_WORKER_FROM_BYTES, threadPerFile(BUILT)).scan())] as [Case, () => Promise<unknown>]] : []),
      ...(BUILT
        ? [
            [
              'cold, one pool (built)',
              () =>
                withPool(BUILT, async (pool) => {
                  expectAll(await new ModelRegistry(roots, ONNX_WORKER_FROM_BYTES, pool).scan());
                  threadsPerColdScan = pool.started;
                }),
            ] as [Case, () => Promise<unknown>],
          ]
        : []),
    ];
    for (const [c, fn] of round % 2 ? [...cold].reverse() : cold) add(c, await measure(fn));
    // The pool under tsx, kept for the rescans that follow (its thread still running, as in the app).
    await withPool({}, async (pool) => {
      const reg = new ModelRegistry(roots, ONNX_WORKER_FROM_BYTES, pool);
      add('cold, one pool (tsx)', await measure(() => reg.scan()));
      add('warm, nothing changed', await measure(() => reg.scan()));
      rewrite(join(userRoot, 'mine-0', ONNX_FILE));
      add('one user model changed', await measure(() => reg.scan()));
      rewrite(join(shippedRoot, 'heartmind-eegmat-arithmetic', ONNX_FILE));
      add('the shipped model changed', await measure(() => reg.scan()));
      expectAll(reg.list());
      if (!BUILT) threadsPerColdScan = pool.started;
    });
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
  const running = new OnnxCheckPool(BUILT ?? {});
  const ways: [string, (path: string) => Promise<unknown>][] = [
    ['in place', async (p) => readOnnxFacts(await readFileBytes(p))],
    ['a thread started for it, tsx', (p) => threadPerFile({}).read(p)],
    ...(BUILT ? [['a thread started for it, built', (p: string) => threadPerFile(BUILT).read(p)] as [string, (path: string) => Promise<unknown>]] : []),
    [`a thread already running, ${BUILT ? 'built' : 'tsx'}`, (p) => running.read(p)],
  ];
  const sample = [
    ['4 MB', join(userRoot, 'mine-0', ONNX_FILE)],
    ['38 MiB', join(shippedRoot, 'heartmind-eegmat-arithmetic', ONNX_FILE)],
  ];
  try {
    await running.read(sample[0][1]); // started
    for (let round = 0; round < flags.rounds; round++) {
      for (const [size, path] of sample) {
        for (const [way, fn] of round % 2 ? [...ways].reverse() : ways) (perFile[`${size}, ${way}`] ??= []).push(await measure(() => fn(path)));
      }
    }
  } finally {
    await running.close();
  }
  const pooled = `${files}, in ${threadsPerColdScan === 1 ? 'one thread' : `${threadsPerColdScan} threads`}`;
  const read: Record<Case, string> = {
    'cold, one pool (tsx)': pooled,
    'cold, one pool (built)': pooled,
    'cold, a thread per file (tsx, peer)': `${files}, in ${files} threads one after another`,
    'cold, a thread per file (built, peer)': `${files}, in ${files} threads one after another`,
    'cold, read in place (peer)': `${files}, on the event loop`,
    'warm, nothing changed': '0',
    'one user model changed': '1 (4 MB), thread running',
    'the shipped model changed': '1 (38 MiB), thread running',
    'watch: shipped model written → pages told': '1 (38 MiB), after the 500-ms settling delay',
  };
  table(
    [...results].map(([c, rs]) => {
      const ms = rs.map((r) => r.ms).sort((a, b) => a - b);
      const held = rs.map((r) => r.heldMs).sort((a, b) => a - b);
      return { case: c, 'ONNX files read': read[c], 'median ms': median(ms), 'fastest ms': ms[0], 'event loop held, median ms': median(held), 'longest ms': held[held.length - 1] };
    }),
  );
  console.log(`\nOne ONNX file read, hashed and decoded${BUILT ? '' : ` (no build: ${BUILT_WORKER} is missing, so no built worker's rows)`}:\n`);
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
