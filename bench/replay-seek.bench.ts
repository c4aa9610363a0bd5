// Replay seek in a 2-hour, 32-channel session (goal < 100 ms).
//
// Set-up (fast): the session is written straight into a database the way the recorder writes it
// (250 ms batches of 10-sample packets; 32 ch EEG @ 250 Hz, 24-bit, plus a 1-lead ECG @ 130 Hz),
// and, as the recorder does, with pipeline snapshots at the start and then on the recorder's
// schedule (SnapshotSchedule: about 4 % of the sample data, every 10–120 s), taken from a real
// pipeline fed the same chunks. Then, through the real path (DB worker
// → ReplaySource → the live hub and pipeline), random seeks: the time from seek() until the first
// chunk at or after the target reaches the hub's listeners —
//   * exact seeks (the app's): the newest snapshot before the target restored into the hub, then
//     everything after it re-fed through the pipeline up to the target;
//   * pre-roll seeks (sessions recorded before snapshots): 10 s re-fed into a fresh pipeline.
// Then `heartmind sessions show`'s placing of every stream on the shared clock (sampleSpans: the
// clock model re-fed every chunk of each run, as an export places the samples): the first time,
// which stores the placement (schema 80), and then from it.
// Peers in the same run: the same lookup without the time index, and MNE-Python reading 10 s at a
// random time from the session exported as EDF+ (read_raw_edf without preload, then get_data).
// Usage: node --import tsx bench/replay-seek.bench.ts [--hours H] [--seeks N] [--snapshot-share F] [--no-mne]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DbClient } from '../src/main/db/db-client';
import { openDatabase } from '../src/main/db/open-database';
import { packChunks, type StoredChunk } from '../src/main/db/sample-codec';
import { addStream, appendBatch, createSession, finishSession } from '../src/main/db/server';
import { StreamHub } from '../src/main/hub/hub';
import { SnapshotSchedule } from '../src/main/recorder/recorder';
import { ReplaySource } from '../src/main/replay/replay-source';
import { VirtualClock } from '../src/main/sources';
import { Pipeline } from '../src/shared/pipeline';
import type { StreamInfo } from '../src/shared/stream.types';
import { benchFlags, benchStreams, COUNT, CYTON_GAIN24_RES_UV, header, median, percentile, POSITIVE, runPeer, table } from './bench-util';

const flags = benchFlags(import.meta.url, 'Replay seek time in a long 32-channel session (goal < 100 ms), against MNE reading 10 s of it as EDF+.', {
  hours: { type: 'number', rule: POSITIVE, default: 2, help: 'length of the session' },
  seeks: { type: 'number', rule: COUNT, default: 20, help: 'random seeks timed per kind' },
  'snapshot-share': { type: 'number', rule: POSITIVE, value: 'F', defaultText: '0.04, the recorder’s', help: 'pipeline snapshots as this share of the sample data' },
  'no-mne': { type: 'boolean', help: 'leave out the MNE-Python peer' },
});
const HOURS = flags.hours;
const SEEKS = flags.seeks;
const WITH_MNE = !flags['no-mne'];
const SNAPSHOT_SHARE = flags['snapshot-share'];
const EEG_CH = 32;
const EEG_HZ = 250;
const ECG_HZ = 130;
const T0 = 1_790_000_000;
const SECONDS = HOURS * 3600;

const { eegInfo, ecgInfo } = benchStreams(
  { hz: EEG_HZ, channels: { count: EEG_CH, unit: 'uV', resolution: CYTON_GAIN24_RES_UV, rangeUv: 187500 } },
  { hz: ECG_HZ, channels: [{ label: 'ECG', unit: 'uV', resolution: 1, rangeUv: 20000 }] },
);

/** 10 s of signal per channel, repeated: pink-ish background + alpha, quantised. */
function pattern(channels: number, rate: number, res: number, ecg: boolean): Float32Array[] {
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5);
  return Array.from({ length: channels }, (_, c) => {
    const n = rate * 10;
    const out = new Float32Array(n);
    let ar = 0;
    for (let i = 0; i < n; i++) {
      const t = i / rate;
      const v = ecg ? 1000 * Math.exp(-((((t * 1.2) % 1) - 0.3) ** 2) / 0.0003) + rnd() * 10 : ((ar = 0.99 * ar + rnd() * 5), ar + 15 * Math.sin(2 * Math.PI * 10 * t + c));
      out[i] = Math.round(v / res) * res;
    }
    return out;
  });
}

interface Built {
  sessionId: number;
  values: number;
  ms: number;
  /** Of which the pipeline pass that takes the snapshots. */
  pipelineMs: number;
  snapshots: number;
  snapshotBytes: number;
  snapshotMs: number[];
}

function buildSession(path: string): Built {
  const t = performance.now();
  const o = openDatabase(path);
  const db = o.writable!;
  const eegPat = pattern(EEG_CH, EEG_HZ, CYTON_GAIN24_RES_UV, false);
  const ecgPat = pattern(1, ECG_HZ, 1, true);
  const sessionId = createSession(db, { name: `${HOURS} h bench`, startTime: T0, appVersion: 'bench', origin: 'recorded', state: 'recording' });
  const dev = (info: StreamInfo) => ({ deviceKey: info.deviceId, name: info.deviceName, model: 'bench', serial: '', transport: 'sim' });
  const se = addStream(db, sessionId, { device: dev(eegInfo), info: eegInfo });
  const sc = addStream(db, sessionId, { device: dev(ecgInfo), info: ecgInfo });
  // The live pipeline the recorder would snapshot, fed the same chunks in arrival order.
  const pipeline = new Pipeline({}, {});
  pipeline.setStreams(eegInfo.deviceId, [eegInfo]);
  pipeline.setStreams(ecgInfo.deviceId, [ecgInfo]);
  let pipelineMs = 0;
  const snapshotMs: number[] = [];
  let snapshotBytes = 0;
  let snapshots = 0;
  const schedule = new SnapshotSchedule(SNAPSHOT_SHARE === undefined ? {} : { share: SNAPSHOT_SHARE });
  let blobBytes = 0;
  let seq = 0;
  let values = 0;
  let eegK = 0;
  let ecgK = 0;
  const eegPer = 10;
  const ecgPer = 13;
  const chunkOf = (pat: Float32Array[], k: number, per: number, rate: number, lat: number, dev0: number): StoredChunk => {
    const data = new Float32Array(pat.length * per);
    const off = (k * per) % pat[0].length;
    for (let c = 0; c < pat.length; c++) data.set(pat[c].subarray(off, off + per), c * per);
    values += data.length;
    return { seq: 0, deviceTime: dev0 + (k * per) / rate, hostTime: T0 + ((k + 1) * per) / rate + lat, count: per, data };
  };
  db.transaction(() => {
    for (let b = 0.25; b <= SECONDS + 1e-9; b += 0.25) {
      const e: StoredChunk[] = [];
      const c: StoredChunk[] = [];
      const order: [string, StoredChunk][] = [];
      // The two devices' packets in arrival order within the batch.
      for (;;) {
        const te = T0 + ((eegK + 1) * eegPer) / EEG_HZ + 0.012;
        const tc = T0 + ((ecgK + 1) * ecgPer) / ECG_HZ + 0.008;
        if (Math.min(te, tc) > T0 + b) break;
        if (te <= tc) order.push([eegInfo.id, e[e.push({ ...chunkOf(eegPat, eegK++, eegPer, EEG_HZ, 0.012, 100), seq: seq++ }) - 1]]);
        else order.push([ecgInfo.id, c[c.push({ ...chunkOf(ecgPat, ecgK++, ecgPer, ECG_HZ, 0.008, 900), seq: seq++ }) - 1]]);
      }
      // The recorder's flush: a snapshot when one is due (and one before the first chunk).
      const snaps: { afterSeq: number; data: Uint8Array }[] = [];
      const snap = (afterSeq: number) => {
        const ts = performance.now();
        const s = pipeline.snapshot();
        snapshotMs.push(performance.now() - ts);
        schedule.taken(T0 + b, blobBytes, s.bytes.length);
        snaps.push({ afterSeq, data: s.bytes });
        snapshotBytes += s.bytes.length;
        snapshots++;
      };
      if (seq === order.length) snap(-1);
      const tp = performance.now();
      for (const [streamId, ch] of order) pipeline.push({ streamId, deviceTime: ch.deviceTime, hostTime: ch.hostTime, count: ch.count, data: ch.data });
      pipelineMs += performance.now() - tp;
      if (schedule.due(T0 + b, blobBytes)) snap(seq - 1);
      blobBytes += appendBatch(db, {
        sessionId,
        blocks: [
          { streamId: se, chunks: packChunks(e) },
          { streamId: sc, chunks: packChunks(c) },
        ].filter((x) => x.chunks.seqs.length > 0),
        gaps: [],
        snapshots: snaps,
      }).bytes;
    }
  })();
  finishSession(db, sessionId, T0 + SECONDS);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  snapshotMs.sort((a, b) => a - b);
  return { sessionId, values, ms: performance.now() - t, pipelineMs, snapshots, snapshotBytes, snapshotMs };
}

async function main() {
  header(`Replay seek: ${HOURS} h session, ${EEG_CH} ch EEG @ ${EEG_HZ} Hz + ECG @ ${ECG_HZ} Hz`);
  const dir = mkdtempSync(join(tmpdir(), 'hm-bench-seek-'));
  try {
    const path = join(dir, 'recordings.sqlite');
    const built = buildSession(path);
    const size = statSync(path).size;
    const perHour = built.snapshotBytes / HOURS;
    console.log(`set-up: ${(built.values / 1e6).toFixed(0)} M values written in ${(built.ms / 1000).toFixed(1)} s (pipeline pass for the snapshots ${(built.pipelineMs / 1000).toFixed(1)} s), ${(size / 1e6).toFixed(0)} MB (${(size / built.values).toFixed(2)} bytes/value)`);
    console.log(
      `snapshots: ${built.snapshots} (one every ${((SECONDS / (built.snapshots - 1)) || 0).toFixed(1)} s), ${(built.snapshotBytes / built.snapshots / 1000).toFixed(1)} kB each, ${(perHour / 1e6).toFixed(2)} MB per hour = ${((100 * built.snapshotBytes) / size).toFixed(1)} % of the session; taking one: median ${median(built.snapshotMs).toFixed(2)} ms, max ${built.snapshotMs[built.snapshotMs.length - 1].toFixed(2)} ms\n`,
    );

    const db = await DbClient.open({ path });
    const clock = new VirtualClock(T0 + SECONDS + 10);
    const hub = new StreamHub({ clock });
    let waiting: { target: number; resolve: () => void } | null = null;
    let windows = 0;
    hub.subscribe({
      rawChunk: (c) => {
        if (waiting && c.hostTime >= waiting.target) {
          const w = waiting;
          waiting = null;
          w.resolve();
        }
      },
      window: () => windows++,
    });

    let rnd = 7;
    const next = () => ((rnd = (Math.imul(rnd, 1664525) + 1013904223) >>> 0) / 4294967296);
    /** Random seeks through a replay in the hub: ms until the first chunk at the target reaches the listeners. */
    const seeks = async (exact: boolean) => {
      const replay = new ReplaySource({ db, sessionId: built.sessionId, speed: 1, ...(exact ? { hub } : {}) });
      await hub.addSource(replay);
      const ms: number[] = [];
      const refed: number[] = [];
      for (let i = 0; i < SEEKS + 2; i++) {
        const target = T0 + 60 + next() * (SECONDS - 120);
        const t = performance.now();
        const arrived = new Promise<void>((resolve) => (waiting = { target, resolve }));
        await replay.seek(target);
        replay.play();
        await arrived;
        const dt = performance.now() - t;
        replay.pause();
        const info = replay.seekInfo();
        if (exact && info.mode !== 'snapshot') throw new Error(`seek to ${target} did not restore a snapshot`);
        // the first two warm up the JIT and SQLite's cache
        if (i >= 2) {
          ms.push(dt);
          refed.push(target - info.from!);
        }
      }
      await hub.removeSource(replay.deviceId);
      return { ms: ms.sort((a, b) => a - b), refed: refed.sort((a, b) => a - b) };
    };
    const windowsBefore = windows;
    const exact = await seeks(true);
    const preRoll = await seeks(false);
    const locateMs: number[] = [];
    for (let i = 0; i < SEEKS; i++) {
      const target = T0 + 60 + next() * (SECONDS - 120);
      const tl = performance.now();
      const snap = await db.api.seekSnapshot(built.sessionId, target - 5);
      await db.api.readReplayPage(built.sessionId, snap!.readFromSeq, 16);
      locateMs.push(performance.now() - tl);
    }
    locateMs.sort((a, b) => a - b);
    // `sessions show`: the first call computes and caches each stream's placement, later ones read it.
    let t0 = performance.now();
    const spans = await db.api.sampleSpans(built.sessionId);
    const showFirstMs = performance.now() - t0;
    const showCachedMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      t0 = performance.now();
      const again = await db.api.sampleSpans(built.sessionId);
      showCachedMs.push(performance.now() - t0);
      if (JSON.stringify(again) !== JSON.stringify(spans)) throw new Error('the cached placement gave other sample times');
    }
    showCachedMs.sort((a, b) => a - b);
    await hub.close();
    await db.close();

    // Peer 1: the same lookup without the time index (a full scan of the block table).
    const o = openDatabase(path, { readonly: true });
    const scanMs: number[] = [];
    const idxMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const target = T0 + next() * SECONDS;
      let t = performance.now();
      o.db.prepare('SELECT seq_start FROM sample_blocks NOT INDEXED WHERE session_id = ? AND host_end >= ? ORDER BY host_end LIMIT 1').get(built.sessionId, target);
      scanMs.push(performance.now() - t);
      t = performance.now();
      o.db.prepare('SELECT seq_start FROM sample_blocks WHERE session_id = ? AND host_end >= ? ORDER BY host_end LIMIT 1').get(built.sessionId, target);
      idxMs.push(performance.now() - t);
    }
    o.db.close();
    scanMs.sort((a, b) => a - b);
    idxMs.sort((a, b) => a - b);

    const rows: Record<string, string | number>[] = [
      { what: `exact seek → first chunk at target (snapshot restored, ${median(exact.refed).toFixed(0)} s re-fed, max ${exact.refed[exact.refed.length - 1].toFixed(0)} s)`, 'median ms': median(exact.ms), 'p95 ms': percentile(exact.ms, 95), 'max ms': exact.ms[exact.ms.length - 1] },
      { what: 'pre-roll seek → first chunk at target (no snapshots: 10 s re-fed)', 'median ms': median(preRoll.ms), 'p95 ms': percentile(preRoll.ms, 95), 'max ms': preRoll.ms[preRoll.ms.length - 1] },
      { what: 'find the snapshot + read one page (DB worker)', 'median ms': median(locateMs), 'p95 ms': percentile(locateMs, 95), 'max ms': locateMs[locateMs.length - 1] },
      { what: 'time lookup with the index', 'median ms': median(idxMs), 'p95 ms': percentile(idxMs, 95), 'max ms': idxMs[idxMs.length - 1] },
      { what: 'peer: time lookup without the index (full scan)', 'median ms': median(scanMs), 'p95 ms': percentile(scanMs, 95), 'max ms': scanMs[scanMs.length - 1] },
      { what: 'sessions show, placing the streams the first time (every chunk read, the clock model re-fitted, cached)', 'median ms': showFirstMs, 'p95 ms': showFirstMs, 'max ms': showFirstMs },
      { what: 'sessions show, placing the streams from the cached placement (5 times)', 'median ms': median(showCachedMs), 'p95 ms': percentile(showCachedMs, 95), 'max ms': showCachedMs[showCachedMs.length - 1] },
    ];

    // Peer 2: MNE-Python reading 10 s at random times from the same session as EDF+.
    // (The export is timed only with MNE: it writes the EDF the peer reads.)
    const mneReady = WITH_MNE ? runPeer<string>(['-c', 'import json, mne; print(json.dumps(mne.__version__))']) : { why: '--no-mne' };
    let mneLine = 'why' in mneReady ? `MNE peer and the EDF export skipped: ${mneReady.why}` : '';
    if (!('why' in mneReady)) {
      const db2 = await DbClient.open({ path });
      const edf = join(dir, 'session.edf');
      // While it exports, a small request every 20 ms (as a recording's batch would come): how long
      // the export keeps the database worker from answering (it reads in steps; see export-session.ts).
      const te = performance.now();
      let exporting = true;
      const exported = db2.api.exportSession({ sessionId: built.sessionId, format: 'edf', path: edf }).finally(() => (exporting = false));
      const waits: number[] = [];
      while (exporting) {
        const t = performance.now();
        await db2.api.dbInfo();
        waits.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
      await exported;
      const exportMs = performance.now() - te;
      waits.sort((a, b) => a - b);
      rows.push({ what: `a request during the EDF export of the session (${waits.length} requests)`, 'median ms': median(waits), 'p95 ms': percentile(waits, 95), 'max ms': waits[waits.length - 1] });
      await db2.close();
      const script = `
import sys, time, json, random, mne
raw = mne.io.read_raw_edf(sys.argv[1], preload=False, verbose='error')
random.seed(1)
n = int(sys.argv[2]); sf = raw.info['sfreq']; ts = []
for i in range(n + 2):
    s = int(random.uniform(60, raw.times[-1] - 70) * sf)
    t = time.perf_counter(); raw.get_data(start=s, stop=s + int(10 * sf)); ts.append((time.perf_counter() - t) * 1000)
print(json.dumps(sorted(ts[2:])))`;
      const r = runPeer<number[]>(['-c', script, edf, String(SEEKS)]);
      if ('value' in r) {
        const ms = r.value;
        rows.push({ what: 'peer: MNE read_raw_edf + get_data(10 s) at random times', 'median ms': median(ms), 'p95 ms': percentile(ms, 95), 'max ms': ms[ms.length - 1] });
        mneLine = `MNE reads 10 s in ${median(ms).toFixed(1)} ms (median); HeartMind's exact seek, the pipeline re-fed from the snapshot included, is ${(median(exact.ms) / median(ms)).toFixed(2)}× that. (EDF export of the session: ${(exportMs / 1000).toFixed(1)} s)`;
      } else mneLine = `MNE peer failed: ${r.why}`;
    }
    table(rows);
    console.log(
      `\nexact seek median ${median(exact.ms).toFixed(1)} ms, p95 ${percentile(exact.ms, 95).toFixed(1)} ms (goal < 100 ms; pre-roll seek ${median(preRoll.ms).toFixed(1)} / ${percentile(preRoll.ms, 95).toFixed(1)} ms) over ${SEEKS} random seeks each; ${windows - windowsBefore} windows reached the listeners while seeking (exact seeks withhold those before the target)`,
    );
    console.log(`sessions show places the streams in ${median(showCachedMs).toFixed(1)} ms from the cached placement, ${(showFirstMs / 1000).toFixed(2)} s the first time (${(showFirstMs / HOURS / 1000).toFixed(2)} s per recorded hour): ${(showFirstMs / median(showCachedMs)).toFixed(0)}× faster`);
    console.log(mneLine);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
