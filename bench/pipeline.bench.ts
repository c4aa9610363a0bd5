// Pipeline throughput: ingest + validate + clock alignment + resample + filter + window (with
// per-window quality) for 64 EEG channels @ 1 kHz + 3-lead ECG @ 500 Hz, as a multiple of real
// time on one core; then the stages one by one, the dashboard features, and scipy doing the same
// filtering and resampling in the same run (the peer).
//
//   node --import tsx bench/pipeline.bench.ts [--seconds 60] [--rounds 5]
//
// Data come from the simulated devices (drifting clocks, jitter, 0.1 % packet loss), generated
// before timing. Figures are CPU time of this process (process.cpuUsage), so other load on a
// shared machine inflates them less than wall time would; both are printed.
import os from 'node:os';
import { existsSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { benchFlags, COUNT, header, PEER_PYTHON, POSITIVE, runPeer, table } from './bench-util';
import { Pipeline, designConditioningFilter, DEFAULT_PIPELINE_CONFIG, ClockModel } from '../src/shared/pipeline';
import { VirtualClock, VirtualScheduler, SimEegHeadset, SimEcgStrap, createDemoSources } from '../src/main/sources';
import { createHub } from '../src/main/hub/hub';
import type { SampleChunk, StreamInfo } from '../src/shared/stream.types';
import { designResampleKernel, Resampler } from '../src/shared/dsp/resampler';
import { SosFilterBank } from '../src/shared/dsp/sos-filter';
import { BlockAnalyzer, BLOCK_FIELDS } from '../src/shared/dsp/quality';
import { FeatureExtractor } from '../src/shared/pipeline/features';
import { resolvePipelineConfig } from '../src/shared/pipeline/pipeline-config';
import { MODEL_RATE_HZ } from '../src/shared/window.types';

const { seconds: SECONDS, rounds: ROUNDS } = benchFlags(import.meta.url, 'Pipeline throughput, 64 EEG ch @ 1 kHz + 3-lead ECG, × real time on one core, against scipy.', {
  seconds: { type: 'number', rule: POSITIVE, default: 60, help: 'seconds of signal generated and processed' },
  rounds: { type: 'number', rule: COUNT, default: 5, help: 'timed rounds per figure (median; after one warm-up)' },
});

function cpuMs<T>(fn: () => T): { ms: number; wallMs: number; out: T } {
  const c = process.cpuUsage();
  const w = performance.now();
  const out = fn();
  const u = process.cpuUsage(c);
  return { ms: (u.user + u.system) / 1000, wallMs: performance.now() - w, out };
}

/** Median over rounds (after one warm-up round). */
function measure(fn: () => unknown, rounds = ROUNDS): { ms: number; wallMs: number } {
  fn();
  const r = Array.from({ length: rounds }, () => cpuMs(fn));
  const ms = r.map((x) => x.ms).sort((a, b) => a - b);
  const wall = r.map((x) => x.wallMs).sort((a, b) => a - b);
  return { ms: ms[rounds >> 1], wallMs: wall[rounds >> 1] };
}

// ── data ──────────────────────────────────────────────────────────────────────────────────
function generate(): { infos: StreamInfo[]; chunks: SampleChunk[] } {
  const clock = new VirtualClock(1_750_000_000);
  const scheduler = new VirtualScheduler(clock);
  const eeg = new SimEegHeadset({ deviceId: 'cap', name: 'Cap', clock, scheduler, seed: 1, settings: { preset: '64ch', driftPpm: 30, jitterMs: 8, lossPercent: 0.1 } });
  const ecg = new SimEcgStrap({ deviceId: 'ecg', name: 'ECG', clock, scheduler, seed: 2, settings: { preset: '3-lead', driftPpm: -30, jitterMs: 8, lossPercent: 0.1 } });
  const chunks: SampleChunk[] = [];
  const infos: StreamInfo[] = [];
  const sink = { streams: (_: string, s: StreamInfo[]) => void infos.push(...s), chunk: (c: SampleChunk) => void chunks.push(c), gap: () => undefined, status: () => undefined };
  void eeg.start(sink);
  void ecg.start(sink);
  scheduler.advance(SECONDS);
  void eeg.stop();
  void ecg.stop();
  return { infos, chunks };
}

header(`Pipeline throughput: 64 EEG ch @ 1 kHz + 3-lead ECG @ 500 Hz, ${SECONDS} s of data`);
console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (a shared machine inflates figures)\n`);
const gen = cpuMs(generate);
const { infos, chunks } = gen.out;
const eegInfo = infos.find((i) => i.modality === 'eeg')!;
const ecgInfo = infos.find((i) => i.modality === 'ecg')!;
const values = chunks.reduce((s, c) => s + c.data.length, 0);
console.log(`generated ${chunks.length} chunks, ${(values / 1e6).toFixed(1)} M samples (simulators: ${(gen.ms / SECONDS).toFixed(1)} ms CPU per second of data, ${((100 * gen.ms) / (SECONDS * 1000)).toFixed(2)} % of a core at real rate)\n`);

const rows: Record<string, string | number>[] = [];
const row = (stage: string, m: { ms: number; wallMs: number }, note = '') =>
  rows.push({ stage, 'CPU ms per s of data': m.ms / SECONDS, '× real time (CPU)': (SECONDS * 1000) / m.ms, '× real time (wall)': (SECONDS * 1000) / m.wallMs, note });

function runPipeline(features: boolean, traces: boolean): number {
  let windows = 0;
  // The pipeline computes only what has listeners: the features need the heart and EEG ones.
  const p = new Pipeline(
    { features: { enabled: features } },
    { window: () => void windows++, ...(features ? { heart: () => undefined, eeg: () => undefined } : {}), ...(traces ? { conditioned: () => undefined } : {}) },
  );
  p.setStreams('cap', [eegInfo]);
  p.setStreams('ecg', [ecgInfo]);
  for (const c of chunks) p.push(c);
  return windows;
}

// ── the headline: ingest + align + resample + filter + window ─────────────────────────────
const headline = measure(() => runPipeline(false, false));
row('pipeline: ingest → windows', headline, 'validate, gaps, clock, resample, filter, windows + quality');
row('  + features (R peaks, HRV, band power)', measure(() => runPipeline(true, false)));
row('  + conditioned blocks for traces', measure(() => runPipeline(true, true)), 'what the live hub runs');

// ── stages in isolation, on the same data ─────────────────────────────────────────────────
const cfg = resolvePipelineConfig();
row(
  'clock model (one observation per chunk)',
  measure(() => {
    const models = new Map<string, ClockModel>();
    for (const c of chunks) {
      let m = models.get(c.streamId);
      if (!m) models.set(c.streamId, (m = new ClockModel()));
      m.observe(c.deviceTime, c.hostTime);
    }
  }),
);

function resampleAll(): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const info of [eegInfo, ecgInfo]) {
    const C = info.channels.length;
    const rs = new Resampler(C, designResampleKernel(info.nominalRateHz, MODEL_RATE_HZ));
    const step = info.nominalRateHz / MODEL_RATE_HZ;
    const total = Math.floor((SECONDS - 1) * MODEL_RATE_HZ);
    const res = new Float64Array(C * total);
    const us = new Float64Array(64);
    let k = 0;
    let buf = new Float64Array(C * 64);
    for (const c of chunks) {
      if (c.streamId !== info.id) continue;
      rs.append(c.data, c.count, c.count, 0, Math.floor(k * step) - rs.kernel.halfWidth + 1);
      let m = 0;
      while (k + m < total && (k + m) * step <= rs.readyUpTo && m < 64) {
        us[m] = (k + m) * step;
        m++;
      }
      if (m === 0) continue;
      if (buf.length < C * m) buf = new Float64Array(C * m);
      rs.evaluateBatch(us, m, buf, m);
      for (let ch = 0; ch < C; ch++) res.set(buf.subarray(ch * m, ch * m + m), ch * total + k);
      k += m;
    }
    out.set(info.id, res);
  }
  return out;
}
row('resample to 200 Hz (Kaiser sinc)', measure(resampleAll));
const resampled = resampleAll();
row(
  'filter at 200 Hz (band-pass + notch, SOS)',
  measure(() => {
    for (const info of [eegInfo, ecgInfo]) {
      const x = Float64Array.from(resampled.get(info.id)!);
      const n = x.length / info.channels.length;
      new SosFilterBank(designConditioningFilter(DEFAULT_PIPELINE_CONFIG.filters[info.modality])!, info.channels.length).processPlanar(x, n);
    }
  }),
);
row(
  'quality statistics per 1 s block',
  measure(() => {
    const an = new BlockAnalyzer(MODEL_RATE_HZ, 50);
    for (const info of [eegInfo, ecgInfo]) {
      const x = resampled.get(info.id)!;
      const C = info.channels.length;
      const n = x.length / C;
      const out = new Float64Array(C * BLOCK_FIELDS);
      const rng = new Float64Array(C);
      for (let b = 0; b + 200 <= n; b += 200) an.analyze(x, x, C, n, b, 200, rng, out, 0);
    }
  }),
);
row(
  'features alone (R peaks, HRV, Welch band power)',
  measure(() => {
    const fx = new FeatureExtractor(cfg, { heart: () => undefined, eeg: () => undefined });
    fx.setStreams([eegInfo, ecgInfo]);
    for (const info of [eegInfo, ecgInfo]) {
      const x = resampled.get(info.id)!;
      const n = x.length / info.channels.length;
      fx.segmentStart(info.id, 0);
      for (let k = 0; k + 200 <= n; k += 200) fx.samples(info.id, k, 200, x.subarray(k), n);
    }
  }),
);

table(rows);
const x = (SECONDS * 1000) / headline.ms;

// ── the built-in demo as the core runs it, at real rate ──────────────────────────────────────
// Simulators (19 ch @ 500 Hz headset, Polar-like strap) + hub + pipeline + features + blocks for
// the traces, in virtual time; the transport to the renderer is not included.
const demo = measure(() => {
  const clock = new VirtualClock(1_750_000_000);
  const scheduler = new VirtualScheduler(clock);
  const hub = createHub({ clock, scheduler });
  hub.subscribe({ conditioned: () => undefined, window: () => undefined, heart: () => undefined, eeg: () => undefined, quality: () => undefined, rawChunk: () => undefined });
  for (const d of createDemoSources({ clock, scheduler })) void hub.addSource(d);
  scheduler.advance(SECONDS);
  void hub.close();
}, Math.max(3, ROUNDS - 2));
console.log(`\nBuilt-in demo (simulated 19-ch headset @ 500 Hz + Polar-like strap) through the hub with features and trace blocks: ${(demo.ms / SECONDS).toFixed(2)} ms CPU per second at real rate = ${((100 * demo.ms) / (SECONDS * 1000)).toFixed(2)} % of one core (transport to the renderer not included).`);
console.log(`\nHeadline: ${x.toFixed(0)}× real time on one core (goal ≥ 200×): ${(headline.ms / SECONDS).toFixed(2)} ms of CPU per second of 64-ch + 3-lead data.`);

// ── peer: scipy on the same samples (filter + resample only) ───────────────────────────────
if (existsSync(PEER_PYTHON)) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hm-bench-'));
  try {
    // The same 64-ch @ 1 kHz and 3-lead @ 500 Hz samples, contiguous (packet boundaries dropped).
    const dump = (info: StreamInfo) => {
      const C = info.channels.length;
      const parts = chunks.filter((c) => c.streamId === info.id);
      const n = parts.reduce((s, c) => s + c.count, 0);
      const a = new Float32Array(C * n);
      let at = 0;
      for (const c of parts) {
        for (let ch = 0; ch < C; ch++) a.set(c.data.subarray(ch * c.count, (ch + 1) * c.count), ch * n + at);
        at += c.count;
      }
      const f = path.join(dir, `${info.modality}.f32`);
      writeFileSync(f, Buffer.from(a.buffer));
      return { f, C, n, rate: info.nominalRateHz };
    };
    const e = dump(eegInfo);
    const c = dump(ecgInfo);
    const script = `
import numpy as np, time, json, sys, resource
from scipy import signal
def load(f, C, n): return np.fromfile(f, dtype=np.float32).reshape(C, n).astype(np.float64)
e = load(${JSON.stringify(e.f)}, ${e.C}, ${e.n}); c = load(${JSON.stringify(c.f)}, ${c.C}, ${c.n})
sos_e = np.vstack([signal.butter(2, [0.3, 75], 'bandpass', fs=200, output='sos'), signal.tf2sos(*signal.iirnotch(50, 30, fs=200))])
sos_c = np.vstack([signal.butter(2, [0.5, 40], 'bandpass', fs=200, output='sos'), signal.tf2sos(*signal.iirnotch(50, 30, fs=200))])
def run():
    y = signal.resample_poly(e, 1, 5, axis=1); signal.sosfilt(sos_e, y, axis=1)
    z = signal.resample_poly(c, 2, 5, axis=1); signal.sosfilt(sos_c, z, axis=1)
run()
ts = []
for _ in range(${ROUNDS}):
    t = time.process_time(); run(); ts.append(time.process_time() - t)
print(json.dumps({'ms': sorted(ts)[len(ts)//2] * 1000}))
`;
    const r = runPeer<{ ms: number }>(['-c', script], { env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
    if ('value' in r) {
      const { ms } = r.value;
      const ours = rows.find((x) => String(x.stage).startsWith('resample'))!['CPU ms per s of data'] as number;
      const oursF = rows.find((x) => String(x.stage).startsWith('filter'))!['CPU ms per s of data'] as number;
      console.log(`\nPeer (same run): scipy resample_poly + sosfilt on the same samples: ${(ms / SECONDS).toFixed(2)} ms CPU per s of data (${((SECONDS * 1000) / ms).toFixed(0)}× real time).`);
      console.log(`HeartMind resample + filter: ${(ours + oursF).toFixed(2)} ms per s → ${(ms / SECONDS / (ours + oursF)).toFixed(2)}× scipy's speed (scipy's polyphase FIR is fixed-ratio and offline; ours follows a drifting clock, causally).`);
    } else console.log(`\n(scipy peer skipped: ${r.why})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else console.log(`\n(scipy peer skipped: ${PEER_PYTHON} not found)`);
