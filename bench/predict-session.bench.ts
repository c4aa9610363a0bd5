// A recorded session run through a model in the core (`heartmind sessions predict`, the Sessions
// library's Run model: predict-session.ts): a real EEGMAT recording imported into a fresh library,
// every window cut and answered by the shipped model and stored. Windows/s and × real time, and the
// core's event loop meanwhile (monitorEventLoopDelay: what the live pipeline and a recording would
// wait), with the model in its own thread (node-inference.ts) against the peer in the same run: the
// same runtime (onnxruntime-web WASM) loaded on the event loop itself, as the core ran it before.
// Then the predictions summary by marker segment (prediction-summary.ts) on a long synthetic study.
//   node --import tsx bench/predict-session.bench.ts [--file Subject00_1.edf]
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as ort from 'onnxruntime-web';
import { benchFlags, header, median, table, timeIt } from './bench-util';
import { DbClient, databasePathFor } from '../src/main/db/db-client';
import { toSessionImport, transferablesOf } from '../src/main/sessions/import-recording';
import { planPredict, predictSession, type PredictRequest } from '../src/main/sessions/predict-session';
import { predictRegistry } from '../src/main/sessions/predict-job';
import { defaultThreads, openNodeModel } from '../src/main/model/node-inference';
import { importEdf } from '../src/shared/formats/edf';
import { MODEL_IO } from '../src/shared/model/config';
import { summarizePredictions } from '../src/shared/model/prediction-summary';

const { file } = benchFlags(import.meta.url, 'A recorded EEGMAT session run through the shipped model in the core: windows/s and the event loop, model in its thread vs on the event loop; the summary by marker segment.', {
  file: { type: 'string', default: 'Subject00_1.edf', help: 'the EEGMAT file imported as the session' },
});
const MODEL = 'heartmind-eegmat-arithmetic';
header('A recorded session through a model (sessions predict, Run model)');
const path = resolve('..', 'shared', 'data', 'edf-eegmat', file);
if (!existsSync(path)) {
  console.log(`skipped: needs ${path}`);
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
