// Marker writes in batches (group commit): a marker alone is written at once; those that come while
// a write is in flight go together in the next, in order, each answered as its own write would be.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { DbError } from '../../../src/main/db/db-error';
import { MAX_MARKERS_PER_WRITE, MarkerWriter } from '../../../src/main/recorder/marker-writer';
import { StreamHub } from '../../../src/main/hub/hub';
import { SessionsService } from '../../../src/main/sessions/sessions-service';
import { VirtualClock, VirtualScheduler } from '../../../src/main/sources';
import { tempDir } from '../db/db-test-util';

async function openDb(t: Parameters<typeof tempDir>[0]) {
  const db = await DbClient.open({ path: join(tempDir(t), 'recordings.sqlite') });
  t.after(() => db.close());
  const sessionId = await db.api.createSession({ name: 'flood', startTime: 1_790_000_000, appVersion: 'test', origin: 'recorded', state: 'recording' });
  return { db, sessionId };
}

test('a flood of markers is written in two requests, in the order they came, each answered with its own row', async (t) => {
  const { db, sessionId } = await openDb(t);
  const writer = new MarkerWriter(db);
  const t0 = 1_790_000_001;
  const stored = await Promise.all(Array.from({ length: 300 }, (_, i) => writer.add(sessionId, { label: `frame ${i}`, source: 'udp', time: t0 + i / 333 })));
  // The first went alone (nothing was in flight); the other 299 came while it was and went together.
  assert.deepEqual(writer.stats, { writes: 2, markers: 300, largest: 299 }, 'one write alone, then one for the rest');
  assert.deepEqual(
    stored.map((m) => m.label),
    stored.map((_, i) => `frame ${i}`),
    'each promise gets its own marker',
  );
  assert.ok(
    stored.every((m, i) => i === 0 || m.id > stored[i - 1].id),
    'ids rise in the order the markers came',
  );
  const listed = await db.api.listMarkers(sessionId);
  assert.deepEqual(
    listed.map((m) => [m.id, m.label, m.source]),
    stored.map((m) => [m.id, m.label, 'udp']),
  );
});

test(`a burst larger than ${MAX_MARKERS_PER_WRITE} goes in writes of at most ${MAX_MARKERS_PER_WRITE} (none holds the worker long), still in order`, async (t) => {
  const { db, sessionId } = await openDb(t);
  const writer = new MarkerWriter(db);
  const n = 2 * MAX_MARKERS_PER_WRITE + 200;
  const stored = await Promise.all(Array.from({ length: n }, (_, i) => writer.add(sessionId, { label: `trigger ${i}`, source: 'udp', time: 1_790_000_001 })));
  assert.deepEqual(writer.stats, { writes: 4, markers: n, largest: MAX_MARKERS_PER_WRITE }, `1, ${MAX_MARKERS_PER_WRITE}, ${MAX_MARKERS_PER_WRITE}, 199`);
  assert.deepEqual(
    (await db.api.listMarkers(sessionId)).map((m) => [m.id, m.label]),
    stored.map((m, i) => [m.id, `trigger ${i}`]),
  );
});

test('markers that come one after another, each awaited, are each written at once (no waiting for company)', async (t) => {
  const { db, sessionId } = await openDb(t);
  const writer = new MarkerWriter(db);
  const started = performance.now();
  for (let i = 0; i < 20; i++) await writer.add(sessionId, { label: `key ${i}`, source: 'keyboard', time: 1_790_000_001 + i });
  assert.deepEqual(writer.stats, { writes: 20, markers: 20, largest: 1 }, 'one write each');
  // No timer holds a lone marker back: 20 round trips to the worker, well under a second even on a loaded machine.
  assert.ok(performance.now() - started < 2000, `20 markers one after another took ${(performance.now() - started).toFixed(0)} ms`);
});

test('a marker refused in a batch is refused alone, with its own write\'s error; the others are stored', async (t) => {
  const { db, sessionId } = await openDb(t);
  const writer = new MarkerWriter(db);
  // The database's own checks (the service refuses these before, the database is the last line).
  const results = await Promise.allSettled([
    writer.add(sessionId, { label: 'first', source: 'api', time: 1_790_000_001 }),
    writer.add(sessionId, { label: 'a', source: 'api', time: 1_790_000_002 }),
    writer.add(sessionId, { label: 'ms by mistake', source: 'api', time: 1_790_000_003_000 }),
    writer.add(sessionId + 1, { label: 'no such session', source: 'api', time: 1_790_000_004 }),
    writer.add(sessionId, { label: 'b', source: 'api', time: 1_790_000_005 }),
  ]);
  assert.equal(writer.stats.largest, 4, 'the four after the first went in one write');
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled'],
  );
  // The same error the marker's own addMarker request gives.
  const alone = await db.api.addMarker(sessionId, { label: 'ms by mistake', source: 'api', time: 1_790_000_003_000 }).catch((e: unknown) => e);
  const [tooFar, missing] = [results[2], results[3]].map((r) => (r as PromiseRejectedResult).reason as DbError);
  assert.ok(tooFar instanceof DbError && alone instanceof DbError, 'refusals are DbErrors');
  assert.deepEqual([tooFar.kind, tooFar.message], [alone.kind, alone.message]);
  assert.match(tooFar.message, /^marker time .*milliseconds\?/);
  assert.deepEqual([missing.kind, missing.message], ['NotFound', `no session ${sessionId + 1}`]);
  assert.deepEqual(
    (await db.api.listMarkers(sessionId)).map((m) => m.label),
    ['first', 'a', 'b'],
  );
});

test('flush waits for every marker added so far; a closed database refuses the batch waiting', async (t) => {
  const { db, sessionId } = await openDb(t);
  const writer = new MarkerWriter(db);
  const pending = Array.from({ length: 50 }, (_, i) => writer.add(sessionId, { label: `m${i}`, source: 'api', time: 1_790_000_001 }));
  await writer.flush();
  assert.equal((await db.api.listMarkers(sessionId)).length, 50, 'all 50 stored when flush resolves');
  await Promise.all(pending);
  await db.close();
  await assert.rejects(writer.add(sessionId, { label: 'late', source: 'api', time: 1_790_000_001 }), (e: DbError) => e.kind === 'Closed' && /the database is closed/.test(e.message));
});

test('a full disk refuses the whole batch in the words one marker gets, and stores none of it', async (t) => {
  const db = await DbClient.open({ path: join(tempDir(t), 'recordings.sqlite'), maxSizeBytes: 200 * 1024 });
  t.after(() => db.close());
  const sessionId = await db.api.createSession({ name: 'full', startTime: 1_790_000_000, appVersion: 'test', origin: 'recorded', state: 'recording' });
  const writer = new MarkerWriter(db);
  // 1000-character labels: the batch after the first marker needs far more than the 200 kB allowed.
  const results = await Promise.allSettled(Array.from({ length: 400 }, (_, i) => writer.add(sessionId, { label: `${i} ${'x'.repeat(990)}`, source: 'udp', time: 1_790_000_001 })));
  assert.equal(results[0].status, 'fulfilled', 'the first, alone, fits');
  const reasons = new Set(results.slice(1).map((r) => (r.status === 'rejected' ? `${(r.reason as DbError).kind}: ${(r.reason as DbError).message}` : 'stored')));
  assert.equal(reasons.size, 1, [...reasons].join('\n'));
  assert.match([...reasons][0], /^DiskFull: The disk holding the recordings database is full \(.*\), so adding a marker failed and changed nothing; everything stored before is kept/);
  assert.equal((await db.api.listMarkers(sessionId)).length, 1, 'the batch was rolled back whole');
});

test('the sessions service closing writes the markers still waiting (a replayed session\'s) before the database closes', async (t) => {
  const { db, sessionId } = await openDb(t);
  const clock = new VirtualClock(1_790_000_010);
  const hub = new StreamHub({ clock, scheduler: new VirtualScheduler(clock) });
  t.after(() => hub.close());
  const service = new SessionsService({ db, hub, clock, appVersion: 'test' });
  // The first goes at once, the other 49 wait for it: the app is quit meanwhile.
  const pending = Promise.allSettled(Array.from({ length: 50 }, (_, i) => service.recorder.markers.add(sessionId, { label: `review ${i}`, source: 'keyboard', time: 1_790_000_001 })));
  await service.close();
  await db.close();
  const results = await pending;
  assert.deepEqual(
    results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason)),
    [],
    'none refused as the database closed',
  );
});
