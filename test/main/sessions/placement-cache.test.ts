// Where a recorded stream's samples lie on the shared clock (export, `sessions show`) comes from the
// clock model re-fed every chunk of each continuous run: about a second per recorded hour. Schema
// 80 caches each stream's placement; these tests hold the cached path to the computed one, to the
// bit, over a long session with drift, transport jitter, dropouts and a device clock reset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { openDatabase } from '../../../src/main/db/open-database';
import { packChunks } from '../../../src/main/db/sample-codec';
import { appendBatch, finishSession, getSession, getStreamPlacement } from '../../../src/main/db/server';
import type { ReadableDb } from '../../../src/main/db/db.types';
import { placeRuns, sampleSpansSteps, type StreamSampleSpan } from '../../../src/main/sessions/export-session';
import type { SessionStream } from '../../../src/shared/session.types';
import { tempDir } from '../db/db-test-util';
import { chunkTimes, drain, LONG_SESSION_T0, PINNED, PINNED_FITTED_RESET_S, PINNED_SECONDS, writeLongSession } from './long-session-util';

const SECONDS = PINNED_SECONDS;

/** Each stream's first and last sample by placeRuns over its chunks (the computed path). */
function computedSpans(db: ReadableDb, sessionId: number): StreamSampleSpan[] {
  const s = getSession(db, sessionId);
  return s.streams.map((st: SessionStream) => {
    const runs = drain(placeRuns(st, chunkTimes(db, st.id), s.startTime));
    const last = runs[runs.length - 1];
    return { streamId: st.id, firstTime: s.startTime + runs[0].start, lastTime: s.startTime + last.start + (last.count - 1) / st.info.nominalRateHz };
  });
}

function sameSpans(a: StreamSampleSpan[], b: StreamSampleSpan[], what: string): void {
  assert.equal(a.length, b.length, `${what}: ${a.length} spans, ${b.length} expected`);
  for (let i = 0; i < a.length; i++) {
    for (const k of ['streamId', 'firstTime', 'lastTime'] as const) {
      if (!Object.is(a[i][k], b[i][k])) assert.fail(`${what}: stream ${b[i].streamId} ${k} ${a[i][k]}, expected ${b[i][k]} (${(a[i][k] - b[i][k]) * 1e6} µs apart)`);
    }
  }
}

function newSession(t: { after(fn: () => void): void }, unfinished = false, seconds = SECONDS) {
  const dir = tempDir(t, 'hm-placement-');
  const path = join(dir, 'recordings.sqlite');
  const o = openDatabase(path);
  const ids = writeLongSession(o.writable!, { seconds, unfinished });
  o.db.close();
  return { dir, path, ...ids };
}

test('sessions show reads a stream\'s cached placement: the same first and last samples, to the bit, and an export writes the same file', async (t) => {
  const { dir, path, sessionId, eegId } = newSession(t);
  // A copy that is never cached: the export from the computed path.
  copyFileSync(path, join(dir, 'uncached.sqlite'));
  const { db: raw } = openDatabase(path, { readonly: true });
  const expected = computedSpans(raw, sessionId);
  raw.close();

  const db = await DbClient.open({ path });
  t.after(() => db.close());
  const first = await db.api.sampleSpans(sessionId);
  sameSpans(first, expected, 'computed, then cached');
  const { db: peek } = openDatabase(path, { readonly: true });
  const cached = getStreamPlacement(peek, eegId);
  peek.close();
  assert.ok(cached, 'the first show cached the headset stream\'s placement');
  const runs = (JSON.parse(cached) as { runs: number[][] }).runs;
  // As fitted: the third run before it is moved to the end of the second.
  const fitted = PINNED['headset/eeg'].map(([c, n, s], i) => [c, n, i === 2 ? PINNED_FITTED_RESET_S : s]);
  assert.deepEqual(runs.map((r) => [r[0], r[1], r[2] - LONG_SESSION_T0]), fitted, 'the cached runs: chunks, samples, host time of the first sample');
  sameSpans(await db.api.sampleSpans(sessionId), expected, 'from the cache');

  // The export places its samples by the cached runs as by the computed ones: the same file (a
  // range across the headset's dropout and clock reset and the strap's dropout; a range too is
  // placed by its streams' whole runs).
  const range = { sessionId, format: 'csv' as const, fromTime: LONG_SESSION_T0 + 500, toTime: LONG_SESSION_T0 + 860 };
  await db.api.exportSession({ ...range, path: join(dir, 'cached.csv') });
  const plain = await DbClient.open({ path: join(dir, 'uncached.sqlite'), readonly: true });
  await plain.api.exportSession({ ...range, path: join(dir, 'computed.csv') });
  await plain.close();
  for (const name of ['eeg', 'ecg']) {
    const a = readFileSync(join(dir, `cached-${name}.csv`), 'utf8');
    const b = readFileSync(join(dir, `computed-${name}.csv`), 'utf8');
    assert.ok(a.length > 1e6, `${name}: ${a.length} characters exported`);
    assert.ok(a.length === b.length, `${name}: ${a.length} characters from the cached placement, ${b.length} from the computed one`);
    assert.ok(a === b, `${name}: the export from the cached placement differs from the computed one`);
  }
});

test('a cached placement is used only while it matches: more chunks, a damaged cache or a recording still going recompute it; a read-only copy is not written', async (t) => {
  const { dir, path, sessionId, ecgId } = newSession(t);
  const db = await DbClient.open({ path });
  await db.api.sampleSpans(sessionId);
  // Proof that show reads the cache: a cached start moved by a second moves the first sample by it.
  await db.close();
  {
    const o = openDatabase(path);
    const p = JSON.parse(getStreamPlacement(o.db, ecgId)!) as { key: string; runs: number[][] };
    p.runs[0][2] += 1;
    o.writable!.prepare('UPDATE streams SET placement = ? WHERE id = ?').run(JSON.stringify(p), ecgId);
    o.db.close();
  }
  const { db: ro } = openDatabase(path, { readonly: true });
  const expected = computedSpans(ro, sessionId);
  const fromCache = drain(sampleSpansSteps(ro, sessionId)).find((s) => s.streamId === ecgId)!;
  assert.equal(fromCache.firstTime, expected.find((s) => s.streamId === ecgId)!.firstTime + 1, 'show took the first sample from the (edited) cache');
  ro.close();

  // More chunks after the cache was written (the stream grew): not the cached runs any more.
  {
    const o = openDatabase(path);
    const w = o.writable!;
    w.prepare("UPDATE sessions SET state = 'recording' WHERE id = ?").run(sessionId);
    const last = chunkTimes(w, ecgId).at(-1)!;
    const chunk = { seq: 1e6, deviceTime: last.deviceTime + 73 / 130, hostTime: last.hostTime + 73 / 130, count: 73, data: new Float32Array(73) };
    appendBatch(w, { sessionId, blocks: [{ streamId: ecgId, chunks: packChunks([chunk]) }], gaps: [], snapshots: [] });
    finishSession(w, sessionId, LONG_SESSION_T0 + SECONDS + 1);
    o.db.close();
  }
  const { db: grown } = openDatabase(path, { readonly: true });
  const afterGrowth = computedSpans(grown, sessionId);
  grown.close();
  const db2 = await DbClient.open({ path });
  t.after(() => db2.close());
  sameSpans(await db2.api.sampleSpans(sessionId), afterGrowth, 'after the stream grew');
  sameSpans(await db2.api.sampleSpans(sessionId), afterGrowth, 'after the stream grew, cached again');

  // A damaged cache is computed anew and written over.
  await db2.close();
  {
    const o = openDatabase(path);
    o.writable!.prepare("UPDATE streams SET placement = '{\"key\": [1' WHERE id = ?").run(ecgId);
    o.db.close();
  }
  const db3 = await DbClient.open({ path });
  sameSpans(await db3.api.sampleSpans(sessionId), afterGrowth, 'over a damaged cache');
  await db3.close();
  {
    const { db: peek } = openDatabase(path, { readonly: true });
    assert.ok(JSON.parse(getStreamPlacement(peek, ecgId) ?? '{}').runs, 'the damaged cache was written over');
    peek.close();
  }

  // A session still being recorded is not cached (its streams grow); nor is a read-only copy written.
  const rec = newSession(t, true, 120);
  const db4 = await DbClient.open({ path: rec.path });
  await db4.api.sampleSpans(rec.sessionId);
  await db4.close();
  const copy = join(dir, 'copy.sqlite');
  copyFileSync(rec.path, copy);
  {
    const o = openDatabase(copy);
    finishSession(o.writable!, rec.sessionId);
    o.db.close();
  }
  const db5 = await DbClient.open({ path: copy, readonly: true });
  sameSpans(await db5.api.sampleSpans(rec.sessionId), (() => {
    const { db: r } = openDatabase(copy, { readonly: true });
    try {
      return computedSpans(r, rec.sessionId);
    } finally {
      r.close();
    }
  })(), 'read-only');
  await db5.close();
  for (const [file, what] of [[rec.path, 'while recording'], [copy, 'read-only']] as const) {
    const { db: peek } = openDatabase(file, { readonly: true });
    const stored = getStreamPlacement(peek, rec.eegId);
    peek.close();
    assert.equal(stored, null, `no placement cached ${what}`);
  }
});

test('finishing a recording caches its placement in the background: the first show reads it', async (t) => {
  const { path, sessionId, eegId, ecgId } = newSession(t, true, 300);
  const db = await DbClient.open({ path });
  t.after(() => db.close());
  await db.api.finishSession(sessionId);
  const { db: peek } = openDatabase(path, { readonly: true });
  t.after(() => peek.close());
  const deadline = Date.now() + 30_000;
  while (!(getStreamPlacement(peek, eegId) && getStreamPlacement(peek, ecgId))) {
    if (Date.now() > deadline) assert.fail('no placement cached 30 s after the recording was finished');
    await new Promise((r) => setTimeout(r, 50));
  }
  sameSpans(await db.api.sampleSpans(sessionId), computedSpans(peek, sessionId), 'the first show after the recording');
});

test('sessions show reads a stream\'s cached placement once: on a miss it computes the runs without reading the cache again', (t) => {
  const { path, sessionId } = newSession(t, false, 120);
  // A read-only connection: nothing is cached, so every stream misses, on every show.
  const { db } = openDatabase(path, { readonly: true });
  t.after(() => db.close());
  let reads = 0;
  const prepare = db.prepare.bind(db);
  (db as { prepare: typeof db.prepare }).prepare = ((sql: string) => {
    const st = prepare(sql);
    if (!/SELECT placement FROM streams/.test(sql)) return st;
    const get = st.get.bind(st);
    return Object.assign(st, { get: (...args: unknown[]) => (reads++, get(...(args as []))) });
  }) as typeof db.prepare;
  const spans = drain(sampleSpansSteps(db, sessionId));
  sameSpans(spans, computedSpans(db, sessionId), 'computed on a miss');
  const streams = getSession(db, sessionId).streams.length;
  assert.equal(reads, streams, `${reads} reads of the placement cache for ${streams} streams`);
});
