// A time range of a session exports its samples where the whole session's export puts them. The
// clock model that maps a recorded stream's device clock onto the shared clock was fed only the
// chunks read for the range (with 10-s margins), so it fitted another line than over the whole run:
// 10 s from the middle of a 5-minute session put the simulated strap's ECG (a 350-ppm clock error)
// 2.9 ms off the same samples in the whole session's export. Now every chunk's place comes from the
// whole run (chunkPlaces); the range reads only its own samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DbClient, databasePathFor } from '../../../src/main/db/db-client';
import { tempDir } from '../db/db-test-util';
import { recordSimSession } from '../recorder/record-util';

/** A CSV stream file's rows: unix_time_s and the first channel. */
function rows(path: string): [number, number][] {
  return readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => {
    const f = l.split(',');
    return [Number(f[1]), Number(f[2])];
  });
}

test('a range exports each sample at the time and with the value the whole session\'s export gives it (the strap\'s ECG was 2.9 ms off)', async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: databasePathFor(dir) });
  t.after(() => db.close());
  const id = await recordSimSession(db, 'long', 300);
  const { startTime } = await db.api.getSummary(id);
  await db.api.exportSession({ sessionId: id, format: 'csv', path: join(dir, 'full.csv') });
  await db.api.exportSession({ sessionId: id, format: 'csv', path: join(dir, 'range.csv'), fromTime: startTime + 150, toTime: startTime + 160 });
  for (const stream of ['ecg', 'eeg']) {
    const full = rows(join(dir, `full-${stream}.csv`));
    const range = rows(join(dir, `range-${stream}.csv`));
    assert.ok(range.length > 1000, `${stream}: ${range.length} rows in the range`);
    const i = full.findIndex(([t]) => t >= range[0][0] - 5e-4);
    for (let k = 0; k < range.length; k++) {
      const [t, v] = range[k];
      const [ft, fv] = full[i + k];
      // unix_time_s is written to the microsecond
      if (!(Math.abs(t - ft) < 2e-6 && v === fv)) assert.fail(`${stream} row ${k}: ${t} (${v}) in the range, ${ft} (${fv}) in the whole export: ${((t - ft) * 1e3).toFixed(3)} ms apart`);
    }
  }
});
