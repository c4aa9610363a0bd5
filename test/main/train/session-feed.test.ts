// A recorded session read as replay feeds it (session-feed.ts): a page of recorder batches at a
// time, the next read while this one is consumed, nothing read past where the reader stopped
// (three minutes written as the recorder writes them: 720 batches of 0.25 s, four pages of 200);
// read whole for a dataset, its samples packed in a few buffers that a worker's start moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { previewInWorker } from '../../../src/main/train/dataset-preview';
import { feedTransferables, readSessionFeed, sessionFeedEvents } from '../../../src/main/train/session-feed';
import { TASK_MENTAL_ARITHMETIC } from '../../../src/shared/model/config';
import type { DatasetSpec } from '../../../src/shared/train/job.types';
import { countingPages } from '../db/db-test-util';
import { LONG_SESSION_T0, longSessionClient } from '../sessions/long-session-util';

test('sessionFeedEvents reads a page at a time as it is consumed, and no further than where it was stopped', async (t) => {
  const { client, sessionId } = await longSessionClient(t, 'hm-session-feed-', { seconds: 180 });
  const { db, pages } = countingPages(client);
  const detail = await db.api.getSession(sessionId);

  // Read whole: every stored sample, once.
  const whole = await readSessionFeed(db, sessionId);
  const total = pages();
  assert.equal(total, 4, 'four pages of 200 batches read for 720 batches');
  const samples = new Map<string, number>();
  for (const e of whole.events) if (e.kind === 'chunk') samples.set(e.chunk.streamId, (samples.get(e.chunk.streamId) ?? 0) + e.chunk.count);
  assert.deepEqual(Object.fromEntries(samples), Object.fromEntries(detail.streams.map((s) => [s.info.id, s.sampleCount])), 'every stored sample once, across the page boundaries');

  // Consumed as it goes: a chunk of the first page is in hand with at most that page and the next one read.
  const before = pages();
  const seen: number[] = [];
  for await (const e of sessionFeedEvents(db, sessionId, detail.streams)) {
    if (e.kind !== 'chunk') continue;
    seen.push(pages() - before);
    // Stopped in the second page: the third is read ahead at most, the fourth never.
    if (e.chunk.hostTime - detail.startTime > 60) break;
  }
  assert.ok(seen[0] <= 2, `the first chunk came with ${seen[0]} pages read`);
  assert.equal(pages() - before, 3, 'stopped in the second page: the third read ahead, the fourth not read');
});

test('a session read whole holds its samples in a few packed buffers, which a preview moves to its thread rather than copies', async (t) => {
  const { client: db, sessionId } = await longSessionClient(t, 'hm-session-feed-move-', { seconds: 60, eegChannels: 8 });
  await db.api.addMarker(sessionId, { time: LONG_SESSION_T0 + 1, label: 'rest', source: 'api' });
  const detail = await db.api.getSession(sessionId);
  const paged: number[] = [];
  for await (const e of sessionFeedEvents(db, sessionId, detail.streams)) if (e.kind === 'chunk') paged.push(...e.chunk.data);

  const feed = await readSessionFeed(db, sessionId);
  const chunks = feed.events.flatMap((e) => (e.kind === 'chunk' ? [e.chunk] : []));
  assert.deepEqual(chunks.flatMap((c) => [...c.data]), paged, 'the same samples as read page by page');
  const values = paged.length;
  const buffers = feedTransferables([feed]);
  assert.ok(chunks.length > 800 && buffers.length === 1, `${chunks.length} chunks, ${values} values in ${buffers.length} buffers`);

  const spec: DatasetSpec = { name: 'moved', sources: [{ kind: 'session', id: sessionId }], task: TASK_MENTAL_ARITHMETIC, labels: { kind: 'annotations', classes: { rest: 'rest' } }, windowing: { windowSec: 5, hopSec: 5, eegMontage: 'auto', ecgMontage: 'device', mainsHz: 50, modalities: ['eeg'], require: 'any' } };
  const p = await previewInWorker(spec, [feed]);
  assert.ok(p.windows >= 3, `${p.windows} windows built in the thread`);
  assert.ok(chunks.every((c) => c.data.length === 0), "the starter's arrays are left empty: moved, not copied");
});
