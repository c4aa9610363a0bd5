// A recorded session run through a model in the core (`heartmind sessions predict`, the Sessions
// library's Run model: predict-session.ts): a real EEGMAT recording imported into a fresh library,
// every window cut and answered by the shipped model and stored. Windows/s and × real time, and the
// core's event loop meanwhile (monitorEventLoopDelay: what the live pipeline and a recording would
// wait), with the model in its own thread (node-inference.ts) against the peer in the same run: the
// same runtime (onnxruntime-web WASM) loaded on the event loop itself, as the core ran it before.
// Then the predictions summary by marker segment (prediction-summary.ts) on a long synthetic study.
// First, the memory a run holds over a long recorded session (19 EEG channels at 500 Hz and an ECG
// strap, written as the recorder writes them), each measure in a process of its own: the run, which
// cuts the windows a replay cuts (replayWindows: the session read a page at a time, the replay paused
// while the model is behind; a stub answering every window: the model's memory, in its own thread,
// does not grow with the session), against the peer, the session read whole
// (readSessionFeed: what the run did before it cut a window, and what a dataset's read still does).
//   node --import tsx bench/predict-session.bench.ts [--file Subject00_1.edf] [--memory-hours 1]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as ort from 'onnxruntime-web';
import { benchFlags, header, median, POSITIVE, table, timeIt } from './bench-util';
import { DbClient, databasePathFor } from '../src/main/db/db-client';
import { toSessionImport, transferablesOf } from '../src/main/sessions/import-recording';
import { planPredict, predictSession, type PredictRequest } from '../src/main/sessions/predict-session';
import { predictRegistry } from '../src/main/sessions/predict-job';
import { readSessionFeed } from '../src/main/train/session-feed';
import { openDatabase } from '../src/main/db/open-database';
import { defaultThreads, openNodeModel } from '../src/main/model/node-inference';
import { importEdf } from '../src/shared/formats/edf';
import { MODEL_IO, TASK_MENTAL_ARITHMETIC } from '../src/shared/model/config';
import { summarizePredictions } from '../src/shared/model/prediction-summary';
import type { ModelCard } from '../src/shared/model/model.types';
import { writeLongSession } from '../test/main/sessions/long-session-util';

const flags = benchFlags(import.meta.url, 'A recorded EEGMAT session run through the shipped model in the core: windows/s and the event loop, model in its thread vs on the event loop; the summary by marker segment; the memory a run over a long recorded session holds.', {
  file: { type: 'string', default: 'Subject00_1.edf', help: 'the EEGMAT file imported as the session' },
  'memory-hours': { type: 'number', rule: POSITIVE, default: 1, value: 'H', help: 'length of the recorded session the memory is measured over' },
  // One memory measure, in a process of its own (the memory section below).
  'memory-child': { type: 'string', hidden: true, help: "'run' or 'whole'" },
  db: { type: 'string', hidden: true, help: 'the database' },
  session: { type: 'number', hidden: true, help: 'the session id' },
});
const { file } = flags;
const MODEL = 'heartmind-eegmat-arithmetic';

/** A model stub that answers any EEG and ECG (what a run reads of a card: its contract and tasks). */
const anyChannels = { channels: 'any', minChannels: 1, maxChannels: 64, unit: 'uV', scaleDivisor: 100 } as const;
const STUB_CARD = { id: 'stub', input: { rateHz: 200, windowSeconds: 5, eeg: anyChannels, ecg: anyChannels }, config: { tasks: [TASK_MENTAL_ARITHMETIC] } } as unknown as ModelCard;

if (flags['memory-child']) {
  // Peak RSS (the process's high-water mark: the DB worker's thread included) and the main thread's
  // JS heap + memory outside it (external: the chunks' samples, which arrive from the DB worker).
  const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
  let js = 0;
  const sample = () => {
    const m = process.memoryUsage();
    js = Math.max(js, m.heapUsed + m.external);
  };
  const db = await DbClient.open({ path: flags.db! });
  const base = { rss: hwm(), js: process.memoryUsage().heapUsed + process.memoryUsage().external };
  const timer = setInterval(sample, 10);
  const t0 = performance.now();
  if (flags['memory-child'] === 'run') {
    const plan = await planPredict(db, flags.session!, 'stub', STUB_CARD);
    await predictSession(db, plan, { run: async () => (sample(), { arithmetic: [0.5] }) });
  } else {
    const feed = await readSessionFeed(db, flags.session!);
    sample();
    if (!feed.events.length) throw new Error('nothing read');
  }
  clearInterval(timer);
  console.log(JSON.stringify({ s: (performance.now() - t0) / 1000, baseRss: base.rss, peakRss: hwm(), baseJs: base.js, peakJs: js }));
  await db.close();
  process.exit(0);
}

header('A recorded session through a model (sessions predict, Run model)');

{
  const hours = flags['memory-hours'];
  const dir = mkdtempSync(join(tmpdir(), 'hm-bench-predict-memory-'));
  try {
    const path = join(dir, 'recordings.sqlite');
    const o = openDatabase(path);
    const { sessionId } = writeLongSession(o.writable!, { seconds: hours * 3600, eegChannels: 19, eegRateHz: 500 });
    o.db.close();
    const mb = (b: number) => (b / 1e6).toFixed(0);
    const rows: Record<string, string | number>[] = [];
    for (const [how, mode] of [['the run (replayWindows: a page at a time)', 'run'], ['the session read whole (readSessionFeed)', 'whole']] as const) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', 'bench/predict-session.bench.ts', '--memory-child', mode, '--db', path, '--session', String(sessionId)], { encoding: 'utf8' });
      if (child.status !== 0) {
        rows.push({ read: how, s: `failed: ${child.stderr.trim().split('\n').slice(-2).join(' ')}` });
        continue;
      }
      const m = JSON.parse(child.stdout.trim().split('\n').pop()!) as { s: number; baseRss: number; peakRss: number; baseJs: number; peakJs: number };
      rows.push({ read: how, s: m.s, 'peak RSS MB': mb(m.peakRss), 'RSS growth MB': mb(m.peakRss - m.baseRss), 'JS heap + external growth MB': mb(m.peakJs - m.baseJs) });
    }
    console.log(`The memory of a run over a ${hours}-h recorded session (19 EEG channels at 500 Hz + ECG at 130 Hz, 0.25-s batches), a stub answering every window, each in a process of its own:\n`);
    table(rows);
    console.log('');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const path = resolve('..', 'shared', 'data', 'edf-eegmat', file);
if (!existsSync(path)) {
  console.log(`the runs through the shipped model skipped: they need ${path}`);
  process.exit(0);
}

const dataDir = mkdtempSync(join(tmpdir(), 'hm-bench-predict-'));
const db = await DbClient.open({ path: databasePathFor(dataDir) });
try {
  const rec = importEdf(new Uint8Array(readFileSync(path)), file);
  const imp = toSessionImport(rec, { name: file }, { appVersion: 'bench', now: Date.now() / 1000, sourcePath: path });
  const { id: sessionId } = await db.callTransferring('importSession', transferablesOf(imp), imp);
  const { registry } = predictRegistry(dataDir);
  await registry.scan();
  const card = registry.usable(MODEL).card;
  const plan = await planPredict(db, sessionId, MODEL, card);
  const sessionS = plan.summary.endTime - plan.summary.startTime;
  const threads = defaultThreads();

  /** One run over the whole session with `run` answering each window; the event loop's delays meanwhile (sampled every 5 ms: 5 is its floor). */
  async function timed(how: string, run: PredictRequest['run']) {
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const t0 = performance.now();
    const r = await predictSession(db, plan, { run });
    const s = (performance.now() - t0) / 1000;
    lag.disable();
    const ms = (q: number) => lag.percentile(q) / 1e6;
    return { model: how, windows: r.stored, s, 'windows/s': r.stored / s, '× real time': sessionS / s, 'loop p50 ms': ms(50), 'loop p99 ms': ms(99), 'loop max ms': lag.max / 1e6 };
  }

  const rows: Record<string, string | number>[] = [];
  const model = await openNodeModel(await registry.readOnnx(MODEL), card.config.tasks, threads);
  try {
    rows.push(await timed(`own thread, ${threads} WASM threads`, model.run));
  } finally {
    await model.release();
  }
  // The peer: the same build on the core's event loop.
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  const session = await ort.InferenceSession.create(await registry.readOnnx(MODEL), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  try {
    const names = card.config.tasks.map((t) => MODEL_IO.probs(t.name));
    rows.push(
      await timed(`on the event loop, ${threads} WASM threads`, async (feeds) => {
        const tensors: Record<string, ort.Tensor> = {};
        for (const [name, t] of Object.entries(feeds)) tensors[name] = new ort.Tensor('float32', t.data, t.dims);
        const out = await session.run(tensors, names);
        return Object.fromEntries(card.config.tasks.map((t) => [t.name, out[MODEL_IO.probs(t.name)].data as Float32Array]));
      }),
    );
  } finally {
    await session.release();
  }
  console.log(`${file}: ${sessionS.toFixed(0)} s of 19 EEG channels + ECG at 500 Hz, ${MODEL}\n`);
  table(rows);

  // The summary by marker segment: a 10-hour study's windows (one a second), a marker every 7.2 s.
  const windows = 36_000;
  const rowsOf = Array.from({ length: windows }, (_, i) => ({ modelId: MODEL, windowTime: i, outputs: { 'arithmetic:0': 0.4, 'arithmetic:1': 0.6, 'fed:eeg': 1, 'fed:ecg': i % 3 ? 1 : 0 } }));
  const markers = Array.from({ length: 5000 }, (_, i) => ({ time: i * 7.2, duration: 0, label: `block ${i % 12}` }));
  const summary = [
    { markers: 0, ms: median(await timeIt(() => summarizePredictions(rowsOf, { markers: [], endTime: windows + 5 }), { minMs: 500 })) },
    { markers: markers.length, ms: median(await timeIt(() => summarizePredictions(rowsOf, { markers, endTime: windows + 5 }), { minMs: 500 })) },
  ];
  console.log(`\nThe predictions summary, ${windows} windows of one model:\n`);
  table(summary.map((r) => ({ markers: String(r.markers), 'ms (median)': r.ms })));
} finally {
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
}
