// Recording: sustained throughput with the live pipeline running, and bytes on disk per sample.
//
// A 32-channel EEG amplifier at 1 kHz (24-bit, Cyton-like resolution) and a 3-lead ECG at 500 Hz
// stream into the real hub as fast as it takes them; the recorder commits them to a real database
// through its worker. Figures:
//   pipeline alone          values/s through the hub (no recorder)
//   pipeline + recorder     values/s until the last value is committed (goal ≥ 2 M/s)
//   DB worker alone         values/s of encode + insert on the worker thread
//   naive SQLite (peer)     one row per chunk, raw float32 BLOB, same data, same machine
//   bytes/sample            database file size / values (goal ≤ 4.5), and BLOB bytes / values
//   marker writes           a stimulus script's flood (a burst of --markers back to back, then
//                           333/s for 3 s): markers/s stored, requests, bytes the process wrote per
//                           marker (Linux), the slowest marker's wait; peer: one addMarker request
//                           (one commit) per marker, as every marker was written before batching
// Usage: node --import tsx bench/recording.bench.ts [--seconds N] [--markers N]   (default 60 s of signal, 10000 markers)
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DbClient } from '../src/main/db/db-client';
import { packChunks } from '../src/main/db/sample-codec';
import { StreamHub } from '../src/main/hub/hub';
import { Recorder } from '../src/main/recorder/recorder';
import { MarkerWriter } from '../src/main/recorder/marker-writer';
import { VirtualClock } from '../src/main/sources';
import type { DeviceStatus, Source, SourceSink } from '../src/shared/device.types';
import type { SampleChunk, StreamInfo } from '../src/shared/stream.types';
import { mulberry32 } from '../src/shared/seeded-random';
import { benchFlags, benchStreams, COUNT, CYTON_GAIN24_RES_UV, header, POSITIVE, table } from './bench-util';

const { seconds: SECONDS, markers: MARKERS } = benchFlags(import.meta.url, 'Recording: values/s committed with the live pipeline running, and bytes on disk per value, against naive SQLite; marker writes under a flood.', {
  seconds: { type: 'number', rule: POSITIVE, default: 60, help: 'seconds of signal recorded' },
  markers: { type: 'number', rule: COUNT, default: 10_000, help: 'markers in the burst of the marker-write rows' },
});
const EEG_CH = 32;
const EEG_HZ = 1000;
const EEG_PER_CHUNK = 10;
const ECG_CH = 3;
const ECG_HZ = 500;
const ECG_PER_CHUNK = 25;
const ECG_RES_UV = 0.5;
const T0 = 1_790_000_000;

const { eegInfo, ecgInfo } = benchStreams(
  { hz: EEG_HZ, channels: { count: EEG_CH, unit: 'uV', resolution: CYTON_GAIN24_RES_UV } },
  { hz: ECG_HZ, channels: ['I', 'II', 'III'].map((label) => ({ label, unit: 'uV', resolution: ECG_RES_UV })) },
);

/** 10 s of a plausible signal per channel: 1/f-like background + alpha + mains + amplifier noise, quantised. */
function makeSignal(channels: number, rate: number, res: number, seed: number, ecg: boolean): Float32Array[] {
  const uniform = mulberry32(seed);
  const rnd = () => uniform() - 0.5;
  const n = rate * 10;
  return Array.from({ length: channels }, (_, c) => {
    const out = new Float32Array(n);
    let ar = 0;
    for (let i = 0; i < n; i++) {
      const t = i / rate;
      let v: number;
      if (ecg) {
        const phase = (t * 1.1 + c * 0.01) % 1;
        v = 1200 * Math.exp(-((phase - 0.3) ** 2) / 0.0002) - 150 * Math.exp(-((phase - 0.33) ** 2) / 0.0005) + 200 * Math.exp(-((phase - 0.6) ** 2) / 0.004) + rnd() * 8;
      } else {
        ar = 0.995 * ar + rnd() * 6;
        v = ar + 12 * Math.sin(2 * Math.PI * 10 * t + c) + 2 * Math.sin(2 * Math.PI * 50 * t) + rnd() * 1.5;
      }
      out[i] = Math.round(v / res) * res;
    }
    return out;
  });
}

class BenchSource implements Source {
  sink: SourceSink | null = null;
  constructor(
    readonly deviceId: string,
    private readonly info: StreamInfo,
  ) {}
  async start(sink: SourceSink): Promise<void> {
    this.sink = sink;
    sink.streams(this.deviceId, [this.info]);
  }
  async stop(): Promise<void> {
    this.sink = null;
  }
  status(): DeviceStatus {
    return { deviceId: this.deviceId, name: this.info.deviceName, model: 'bench', transport: 'sim', state: 'streaming', streamIds: [this.info.id] };
  }
}

/** The chunk sequence (both devices interleaved in arrival order) for SECONDS of signal. */
function* chunks(): Generator<SampleChunk> {
  const eeg = makeSignal(EEG_CH, EEG_HZ, CYTON_GAIN24_RES_UV, 1, false);
  const ecg = makeSignal(ECG_CH, ECG_HZ, ECG_RES_UV, 2, true);
  const eegPeriod = EEG_PER_CHUNK / EEG_HZ;
  const ecgPeriod = ECG_PER_CHUNK / ECG_HZ;
  let ke = 0;
  let kc = 0;
  while (ke * eegPeriod < SECONDS) {
    const eegArrival = (ke + 1) * eegPeriod + 0.012;
    const ecgArrival = (kc + 1) * ecgPeriod + 0.008;
    if (eegArrival <= ecgArrival) {
      const data = new Float32Array(EEG_CH * EEG_PER_CHUNK);
      const off = (ke * EEG_PER_CHUNK) % eeg[0].length;
      for (let c = 0; c < EEG_CH; c++) data.set(eeg[c].subarray(off, off + EEG_PER_CHUNK), c * EEG_PER_CHUNK);
      yield { streamId: eegInfo.id, deviceTime: 50 + ke * eegPeriod, hostTime: T0 + eegArrival, count: EEG_PER_CHUNK, data };
      ke++;
    } else {
      const data = new Float32Array(ECG_CH * ECG_PER_CHUNK);
      const off = (kc * ECG_PER_CHUNK) % ecg[0].length;
      for (let c = 0; c < ECG_CH; c++) data.set(ecg[c].subarray(off, off + ECG_PER_CHUNK), c * ECG_PER_CHUNK);
      yield { streamId: ecgInfo.id, deviceTime: 900 + kc * ecgPeriod, hostTime: T0 + ecgArrival, count: ECG_PER_CHUNK, data };
      kc++;
    }
  }
}

const all = [...chunks()];
const totalValues = all.reduce((a, c) => a + c.data.length, 0);
const yieldNow = () => new Promise((r) => setImmediate(r));

async function runHub(record: DbClient | null): Promise<{ ms: number; windows: number; committed: number }> {
  const clock = new VirtualClock(T0);
  const hub = new StreamHub({ clock });
  let windows = 0;
  hub.subscribe({ window: () => windows++ });
  const eegSrc = new BenchSource('amp', eegInfo);
  const ecgSrc = new BenchSource('strap', ecgInfo);
  const recorder = record ? new Recorder({ db: record, hub, clock, appVersion: 'bench', flushIntervalMs: 3_600_000 }) : null;
  if (recorder) await recorder.start({ name: 'bench' });
  await hub.addSource(eegSrc);
  await hub.addSource(ecgSrc);
  const t = performance.now();
  let nextFlush = T0 + 0.25;
  for (const c of all) {
    (c.streamId === eegInfo.id ? eegSrc : ecgSrc).sink!.chunk(c);
    if (c.hostTime >= nextFlush) {
      // The recorder's 250 ms commit, on the signal's clock; let the worker's answers in.
      nextFlush += 0.25;
      if (recorder) void recorder.flush();
      clock.set(c.hostTime);
      await yieldNow();
    }
  }
  if (recorder) await recorder.stop();
  const ms = performance.now() - t;
  await hub.close();
  return { ms, windows, committed: recorder?.status().committedSamples ?? 0 };
}

/** Bytes this process (the DB worker is a thread of it) has written so far: Linux's /proc/self/io; null elsewhere. */
function bytesWritten(): number | null {
  try {
    return Number(/^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? NaN);
  } catch {
    return null;
  }
}

/**
 * A stimulus script's markers into a fresh database: a burst of `MARKERS` sent back to back, then
 * 333/s for 3 s (one every 3 ms), each stored either through the MarkerWriter or as its own
 * addMarker request (`alone`, the peer). What the worker took, what it wrote, how long a marker waited.
 */
async function markerFlood(dir: string, alone: boolean): Promise<Record<string, string | number>[]> {
  const db = await DbClient.open({ path: join(dir, `markers-${alone ? 'alone' : 'batched'}.sqlite`) });
  try {
    const sessionId = await db.api.createSession({ name: 'markers', startTime: T0, appVersion: 'bench', origin: 'recorded', state: 'recording' });
    const writer = new MarkerWriter(db);
    let requests = 0;
    const store = (i: number) => {
      const m = { label: `stim ${i}`, source: 'udp' as const, time: T0 + 1 + i / 1000 };
      if (!alone) return writer.add(sessionId, m);
      requests++;
      return db.api.addMarker(sessionId, m);
    };
    const row = async (what: string, sends: (mark: (i: number) => Promise<number>) => Promise<number[]>) => {
      const [w0, r0, b0] = [writer.stats.writes, requests, bytesWritten()];
      const t = performance.now();
      const waits = await sends(async (i) => {
        const sent = performance.now();
        await store(i);
        return performance.now() - sent;
      });
      const ms = performance.now() - t;
      const b1 = bytesWritten();
      const n = waits.length;
      return {
        markers: `${what}, ${alone ? 'one request each (peer)' : 'MarkerWriter'}`,
        'markers/s': n / (ms / 1000),
        requests: String(alone ? requests - r0 : writer.stats.writes - w0),
        'kB written/marker': b0 === null || b1 === null ? '-' : (b1 - b0) / n / 1000,
        'longest wait ms': Math.max(...waits),
      };
    };
    const burst = await row(`burst of ${MARKERS}`, (mark) => Promise.all(Array.from({ length: MARKERS }, (_, i) => mark(i))));
    const paced = await row('333/s for 3 s', async (mark) => {
      const waits: Promise<number>[] = [];
      const t = performance.now();
      for (let i = 0; i < 1000; i++) {
        const wait = t + i * 3 - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        waits.push(mark(MARKERS + i));
      }
      return Promise.all(waits);
    });
    return [burst, paced];
  } finally {
    await db.close();
  }
}

async function main() {
  header(`Recording: ${SECONDS} s of ${EEG_CH} ch EEG @ ${EEG_HZ} Hz (24-bit) + ${ECG_CH}-lead ECG @ ${ECG_HZ} Hz = ${(totalValues / 1e6).toFixed(2)} M values`);
  const dir = mkdtempSync(join(tmpdir(), 'hm-bench-rec-'));
  try {
    const pipelineOnly = await runHub(null);

    const path = join(dir, 'recordings.sqlite');
    const db = await DbClient.open({ path });
    const withRecorder = await runHub(db);
    const sessions = await db.api.listSessions({});
    const blobBytes = sessions[0].diskBytes;
    await db.close();
    const fileBytes = statSync(path).size;

    // The DB worker on its own: the same chunks in 250 ms batches straight to appendBatch.
    const path2 = join(dir, 'worker-only.sqlite');
    const db2 = await DbClient.open({ path: path2 });
    const sid = await db2.api.createSession({ name: 'w', startTime: T0, appVersion: 'bench', origin: 'recorded', state: 'recording' });
    const se = await db2.api.addStream(sid, { device: { deviceKey: 'amp', name: 'amp', model: 'bench', serial: '', transport: 'sim' }, info: eegInfo });
    const sc = await db2.api.addStream(sid, { device: { deviceKey: 'strap', name: 'strap', model: 'bench', serial: '', transport: 'sim' }, info: ecgInfo });
    let t = performance.now();
    let seq = 0;
    let batch: { e: (SampleChunk & { seq: number })[]; c: (SampleChunk & { seq: number })[] } = { e: [], c: [] };
    let edge = T0 + 0.25;
    const pending: Promise<unknown>[] = [];
    const send = () => {
      pending.push(
        db2.api.appendBatch({
          sessionId: sid,
          blocks: [
            { streamId: se, chunks: packChunks(batch.e) },
            { streamId: sc, chunks: packChunks(batch.c) },
          ].filter((b) => b.chunks.seqs.length > 0),
          gaps: [],
        }),
      );
      batch = { e: [], c: [] };
    };
    for (const c of all) {
      (c.streamId === eegInfo.id ? batch.e : batch.c).push({ ...c, seq: seq++ });
      if (c.hostTime >= edge) {
        edge += 0.25;
        send();
      }
    }
    send();
    await Promise.all(pending);
    const workerMs = performance.now() - t;
    await db2.close();

    // Peer: what a simple recorder does — one row per chunk, raw float32, one transaction per 250 ms.
    const path3 = join(dir, 'naive.sqlite');
    const naive = new Database(path3);
    naive.pragma('journal_mode = WAL');
    naive.pragma('synchronous = NORMAL');
    naive.exec('CREATE TABLE chunks (id INTEGER PRIMARY KEY, stream TEXT, device_time REAL, host_time REAL, count INTEGER, data BLOB)');
    const ins = naive.prepare('INSERT INTO chunks (stream, device_time, host_time, count, data) VALUES (?, ?, ?, ?, ?)');
    t = performance.now();
    let group: SampleChunk[] = [];
    edge = T0 + 0.25;
    const commit = naive.transaction((g: SampleChunk[]) => {
      for (const c of g) ins.run(c.streamId, c.deviceTime, c.hostTime, c.count, Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength));
    });
    for (const c of all) {
      group.push(c);
      if (c.hostTime >= edge) {
        edge += 0.25;
        commit(group);
        group = [];
      }
    }
    commit(group);
    naive.pragma('wal_checkpoint(TRUNCATE)');
    const naiveMs = performance.now() - t;
    naive.close();
    const naiveBytes = statSync(path3).size;

    const rate = (ms: number) => totalValues / (ms / 1000);
    table([
      { what: 'pipeline alone (hub)', 'M values/s': rate(pipelineOnly.ms) / 1e6, 'x real time': (SECONDS * 1000) / pipelineOnly.ms, windows: pipelineOnly.windows },
      { what: 'pipeline + recorder (to last commit)', 'M values/s': rate(withRecorder.ms) / 1e6, 'x real time': (SECONDS * 1000) / withRecorder.ms, windows: withRecorder.windows },
      { what: 'DB worker alone (encode + insert)', 'M values/s': rate(workerMs) / 1e6, 'x real time': (SECONDS * 1000) / workerMs, windows: '-' },
      { what: 'naive SQLite peer (row per chunk, float32)', 'M values/s': rate(naiveMs) / 1e6, 'x real time': (SECONDS * 1000) / naiveMs, windows: '-' },
    ]);
    console.log();
    table([
      { storage: 'HeartMind database file', 'bytes/value': fileBytes / totalValues, 'vs float32': fileBytes / totalValues / 4 },
      { storage: 'HeartMind sample BLOBs', 'bytes/value': blobBytes / totalValues, 'vs float32': blobBytes / totalValues / 4 },
      { storage: 'naive SQLite peer file', 'bytes/value': naiveBytes / totalValues, 'vs float32': naiveBytes / totalValues / 4 },
    ]);
    console.log();
    table([...(await markerFlood(dir, false)), ...(await markerFlood(dir, true))]);
    console.log(
      `\ncommitted ${withRecorder.committed.toLocaleString()} of ${totalValues.toLocaleString()} values; recorder throughput ${(rate(withRecorder.ms) / 1e6).toFixed(2)} M values/s (goal ≥ 2), ` +
        `${(fileBytes / totalValues).toFixed(2)} bytes/value on disk (goal ≤ 4.5); naive peer ${(naiveMs / workerMs).toFixed(1)}× the worker's time, ${(naiveBytes / fileBytes).toFixed(1)}× its size`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
