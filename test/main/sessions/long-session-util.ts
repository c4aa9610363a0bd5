// A long recorded session written straight into a database the way the recorder writes it (batches
// of 0.25 s, the two devices' packets in arrival order): a headset's EEG (10-sample packets at
// 250 Hz unless asked) and a strap's ECG (73-sample packets at 130 Hz, Polar-like), each device
// clock off the host's by its own drift, each packet late by a random (exponential) transport
// delay, a dropout in each stream, and the headset's clock reset once. For the placement tests and
// the benches: what an export and `sessions show` place is the clock model fitted over such runs;
// what a run through a model reads page by page (bench/predict-session.bench.ts).
import { join } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import type { ReadableDb, WritableDb } from '../../../src/main/db/db.types';
import { openDatabase } from '../../../src/main/db/open-database';
import { packChunks, type ChunkTimes, type StoredChunk } from '../../../src/main/db/sample-codec';
import { addStream, appendBatch, createSession, finishSession, readStreamChunkTimes, type BlockCursor } from '../../../src/main/db/server';
import { mulberry32 } from '../../../src/shared/seeded-random';
import type { StreamInfo } from '../../../src/shared/stream.types';
import { tempDir } from '../db/db-test-util';

export const LONG_SESSION_T0 = 1_790_000_000;

export interface LongSessionOptions {
  seconds: number;
  eegChannels?: number;
  /** The headset's rate (Hz; 250 by default). */
  eegRateHz?: number;
  seed?: number;
  /** Leave the session recording (no finishSession). */
  unfinished?: boolean;
}

interface Dev {
  streamId: number;
  per: number;
  rate: number;
  channels: number;
  /** Device clock rate error: device seconds per true second − 1. */
  drift: number;
  dev0: number;
  latency: number;
  meanDelay: number;
  gapAt: number;
  gapS: number;
  resetAt: number;
  k: number;
}

export function writeLongSession(db: WritableDb, o: LongSessionOptions): { sessionId: number; eegId: number; ecgId: number } {
  const seconds = o.seconds;
  const eegChannels = o.eegChannels ?? 4;
  const eegRate = o.eegRateHz ?? 250;
  const info = (device: string, modality: 'eeg' | 'ecg', rate: number, channels: number, latencySec?: number): StreamInfo => ({
    id: `${device}/${modality}`,
    deviceId: device,
    deviceName: device,
    deviceModel: 'long-session',
    modality,
    nominalRateHz: rate,
    channels: Array.from({ length: channels }, (_, i) => ({ label: `${modality.toUpperCase()}${i + 1}`, unit: 'uV', resolution: 0.1 })),
    ...(latencySec === undefined ? {} : { latencySec }),
  });
  const eegInfo = info('headset', 'eeg', eegRate, eegChannels);
  const ecgInfo = info('strap', 'ecg', 130, 1, 0.008);
  const sessionId = createSession(db, { name: 'long', startTime: LONG_SESSION_T0, appVersion: 'test', origin: 'recorded', state: 'recording' });
  const device = (i: StreamInfo) => ({ deviceKey: i.deviceId, name: i.deviceName, model: i.deviceModel, serial: '', transport: 'sim' });
  const eegId = addStream(db, sessionId, { device: device(eegInfo), info: eegInfo });
  const ecgId = addStream(db, sessionId, { device: device(ecgInfo), info: ecgInfo });
  const rnd = mulberry32(o.seed ?? 7);
  const devs: Dev[] = [
    { streamId: eegId, per: 10, rate: eegRate, channels: eegChannels, drift: 120e-6, dev0: 100, latency: 0.012, meanDelay: 0.006, gapAt: seconds * 0.4, gapS: 30, resetAt: seconds * 0.7, k: 0 },
    { streamId: ecgId, per: 73, rate: 130, channels: 1, drift: -350e-6, dev0: 900, latency: 0.008, meanDelay: 0.015, gapAt: seconds * 0.55, gapS: 12, resetAt: Infinity, k: 0 },
  ];
  const next = (d: Dev): { host: number; dev: Dev; chunk: StoredChunk } => {
    // True time of the packet's first sample; the device sends nothing during its dropout.
    let t = (d.k * d.per) / d.rate;
    if (t >= d.gapAt) t += d.gapS;
    let deviceTime = d.dev0 + t * (1 + d.drift);
    if (t >= d.resetAt) deviceTime -= d.dev0 + d.resetAt - 5; // the clock restarts near 5 s
    const host = LONG_SESSION_T0 + t + (d.per - 1) / d.rate + d.latency - Math.log(1 - rnd()) * d.meanDelay;
    const data = new Float32Array(d.channels * d.per);
    for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.sin(0.1 * (i + d.k)) * 500) / 10;
    d.k++;
    return { host, dev: d, chunk: { seq: 0, deviceTime, hostTime: host, count: d.per, data } };
  };
  const pending = devs.map(next);
  let seq = 0;
  db.transaction(() => {
    for (let b = 0.25; b <= seconds + 1e-9; b += 0.25) {
      const blocks = new Map<number, StoredChunk[]>();
      for (;;) {
        pending.sort((x, y) => x.host - y.host);
        if (pending[0].host > LONG_SESSION_T0 + b) break;
        const p = pending.shift()!;
        p.chunk.seq = seq++;
        const list = blocks.get(p.dev.streamId) ?? [];
        list.push(p.chunk);
        blocks.set(p.dev.streamId, list);
        pending.push(next(p.dev));
      }
      if (blocks.size > 0) appendBatch(db, { sessionId, blocks: [...blocks].map(([streamId, chunks]) => ({ streamId, chunks: packChunks(chunks) })), gaps: [], snapshots: [] });
    }
  })();
  if (!o.unfinished) finishSession(db, sessionId, LONG_SESSION_T0 + seconds);
  return { sessionId, eegId, ecgId };
}

/**
 * placeRuns over the 20-minute session of writeLongSession (seed 7): [chunks, samples, start s] per
 * run, as the clock model placed it before its refit stopped sorting every residual (the times
 * exports of recorded sessions have always had). The headset's third run (after its clock reset)
 * is put right after the second one ends: the fit lands it 15 µs into it (PINNED_FITTED_RESET_S).
 * If the placement changes on purpose (segmentsOf, runStartHost, the ClockModel's fit), bump
 * PLACEMENT_VERSION in export-session.ts (cached placements are then computed anew) and update these.
 */
export const PINNED_SECONDS = 1200;
export const PINNED: Record<string, [number, number, number][]> = {
  'headset/eeg': [
    [12000, 120000, 0.012011051177978516],
    [8250, 82500, 510.01201033592224],
    [8999, 89990, 840.0120103359222],
  ],
  'strap/ecg': [
    [1176, 85848, -0.0010712146759033203],
    [939, 68547, 672.3720479011536],
  ],
};
/** The headset's third run as fitted, before it is moved to the end of the second. */
export const PINNED_FITTED_RESET_S = 840.0119957923889;

export function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** A stream's stored chunk times, in the order export-session reads them. */
export function chunkTimes(db: ReadableDb, streamId: number): ChunkTimes[] {
  const out: ChunkTimes[] = [];
  for (let after: BlockCursor | null = null; ; ) {
    const page = readStreamChunkTimes(db, streamId, after, 5000);
    out.push(...page.chunks);
    if (!page.next) return out;
    after = page.next;
  }
}

/** A long session written into a fresh database in a temporary folder, then opened through the DB worker (closed after the test). */
export async function longSessionClient(t: { after(fn: () => unknown): void }, prefix: string, o: LongSessionOptions): Promise<{ client: DbClient; sessionId: number }> {
  const path = join(tempDir(t, prefix), 'recordings.sqlite');
  const db = openDatabase(path);
  const { sessionId } = writeLongSession(db.writable!, o);
  db.db.close();
  const client = await DbClient.open({ path });
  t.after(() => client.close());
  return { client, sessionId };
}
