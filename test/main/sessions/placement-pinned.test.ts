// The placement of a recorded session's samples on the shared clock (export-session's placeRuns:
// the pipeline's clock model re-fed every chunk of each run), pinned to the bit over a long session
// with drift, transport jitter, dropouts and a device clock reset. The ClockModel's refit was made
// faster (only the lowest residuals ordered per drift-search step, not all of them: 1.7× less CPU
// over a recorded hour); the times it places must not move, and a placement cached by schema 80
// must stay valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDatabase } from '../../../src/main/db/open-database';
import { getSession } from '../../../src/main/db/server';
import { placeRuns } from '../../../src/main/sessions/export-session';
import { tempDir } from '../db/db-test-util';
import { chunkTimes, drain, PINNED, PINNED_SECONDS, writeLongSession } from './long-session-util';

test('the placement of a recorded session with drift, jitter, dropouts and a clock reset is the one recorded sessions always had, to the bit', (t) => {
  const o = openDatabase(join(tempDir(t, 'hm-placement-'), 'recordings.sqlite'));
  const db = o.writable!;
  t.after(() => db.close());
  const { sessionId } = writeLongSession(db, { seconds: PINNED_SECONDS });
  const s = getSession(db, sessionId);
  for (const st of s.streams) {
    const runs = drain(placeRuns(st, chunkTimes(db, st.id), s.startTime));
    assert.deepEqual(
      runs.map((r) => [r.chunks.length, r.count, r.start]),
      PINNED[st.info.id],
      `${st.info.id}: the runs and their starts (a changed placement needs PLACEMENT_VERSION bumped, see PINNED)`,
    );
  }
});
