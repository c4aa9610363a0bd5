// A recorded session read as replay feeds it (session-feed.ts): a page of recorder batches at a
// time, the next read while this one is consumed, nothing read past where the reader stopped.
// Three minutes written as the recorder writes them (720 batches of 0.25 s: four pages of 200).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { openDatabase } from '../../../src/main/db/open-database';
import { readSessionFeed, sessionFeedEvents } from '../../../src/main/train/session-feed';
import { countingPages, tempDir } from '../db/db-test-util';
import { writeLongSession } from '../sessions/long-session-util';

test('sessionFeedEvents reads a page at a time as it is consumed, and no further than where it was stopped', async (t) => {
  const path = join(tempDir(t, 'hm-session-feed-'), 'recordings.sqlite');
  const o = openDatabase(path);
  const { sessionId } = writeLongSession(o.writable!, { seconds: 180 });
  o.db.close();
  const client = await DbClient.open({ path });
  t.after(() => client.close());
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
