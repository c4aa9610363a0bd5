// `heartmind sessions show` gives each stream's first and last sample on the shared clock, where an
// export places them. It gave the first and last chunk's arrival: the simulated strap sends
// Polar-like 73-sample packets at 130 Hz (0.56 s), so its first sample read about half a second
// late next to the exported file's. Checked against the CSV export (every sample's time written)
// and the EDF+ export (on its record grid, within half a sample) of the same session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DbClient, databasePathFor } from '../../../src/main/db/db-client';
import { openDatabase } from '../../../src/main/db/open-database';
import { readStreamChunkTimes, type BlockCursor } from '../../../src/main/db/server';
import { command as sessions } from '../../../src/main/sessions/sessions-command';
import { importEdf } from '../../../src/shared/formats/edf';
import { tempDir } from '../db/db-test-util';
import { recordSimSession } from '../recorder/record-util';

function io() {
  const out: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: () => {} }, out };
}

interface ShownStream {
  id: number;
  info: { id: string; modality: string; nominalRateHz: number };
  sampleCount: number;
  firstTime: number;
  lastTime: number;
  firstArrival: number;
  lastArrival: number;
}

/** A CSV stream file's first and last data rows: [time_s, unix_time_s]. */
function csvEnds(path: string): [number, number][] {
  const rows = readFileSync(path, 'utf8').trim().split('\n');
  assert.match(rows[0], /^time_s,unix_time_s,/, `${path}: header ${rows[0]}`);
  return [rows[1], rows[rows.length - 1]].map((r) => r.split(',').slice(0, 2).map(Number) as [number, number]);
}

test('sessions show: each stream\'s first and last sample where the export puts them (it gave the first packet\'s arrival: the strap\'s ECG read 0.5 s late)', async (t) => {
  const dir = tempDir(t);
  const db = await DbClient.open({ path: databasePathFor(dir) });
  await recordSimSession(db, 'sample times', 6);
  await db.close();

  const show = io();
  assert.equal(await sessions.run(['show', '1', '--json', '--data-dir', dir], show.io), 0);
  const shown = JSON.parse(show.out.join('\n')) as { startTime: number; streams: ShownStream[] };
  const ecg = shown.streams.find((s) => s.info.modality === 'ecg');
  const eeg = shown.streams.find((s) => s.info.modality === 'eeg');
  assert.ok(ecg && eeg, `an ECG and an EEG stream: ${shown.streams.map((s) => s.info.id).join(', ')}`);
  // The arrival is kept, under its own name: a packet's last sample arrives with it, its first 72 samples earlier.
  const packetS = 72 / 130;
  assert.ok(Math.abs(ecg.firstArrival - ecg.firstTime - packetS) < 0.05, `the first ECG packet arrived ${ecg.firstArrival - ecg.firstTime} s after its first sample (a packet is ${packetS} s)`);
  assert.ok(Math.abs(ecg.lastArrival - ecg.lastTime) < 0.05, `the last ECG sample arrived with its packet: ${ecg.lastArrival - ecg.lastTime} s`);

  const csv = io();
  assert.equal(await sessions.run(['export', '1', join(dir, 'all.csv'), '--data-dir', dir], csv.io), 0);
  for (const [st, name] of [[ecg, 'ecg'], [eeg, 'eeg']] as const) {
    const [[firstRel, firstUnix], [lastRel]] = csvEnds(join(dir, `all-${name}.csv`));
    // time_s and unix_time_s are written to the microsecond.
    assert.ok(Math.abs(shown.startTime + firstRel - st.firstTime) < 2e-6, `${name}: show's first sample ${st.firstTime - shown.startTime} s, the CSV's ${firstRel} s`);
    assert.ok(Math.abs(firstUnix - st.firstTime) < 2e-6, `${name}: unix_time_s ${firstUnix}, show ${st.firstTime}`);
    assert.ok(Math.abs(shown.startTime + lastRel - st.lastTime) < 2e-6, `${name}: show's last sample ${st.lastTime - shown.startTime} s, the CSV's ${lastRel} s`);
  }

  const edf = io();
  assert.equal(await sessions.run(['export', '1', join(dir, 'all.edf'), '--data-dir', dir], edf.io), 0);
  const back = importEdf(readFileSync(join(dir, 'all.edf')), 'all.edf');
  const ecgBack = back.streams.find((s) => s.rateHz === 130);
  assert.ok(ecgBack, `the ECG stream in the EDF: ${back.streams.map((s) => `${s.name} ${s.rateHz} Hz`).join(', ')}`);
  const edfFirst = back.startTime! + ecgBack.segments[0].start;
  assert.ok(Math.abs(edfFirst - ecg.firstTime) <= 0.5 / 130 + 1e-6, `the EDF's first ECG sample at ${edfFirst - shown.startTime} s, show's ${ecg.firstTime - shown.startTime} s`);

  // The times are read in pages of blocks: pages of 2 give what one page gives, in the same order.
  const { db: raw } = openDatabase(databasePathFor(dir), { readonly: true });
  try {
    const whole = readStreamChunkTimes(raw, ecg.id, null, 1e6);
    assert.equal(whole.next, null, 'one page holds them all');
    const paged = [];
    let pages = 0;
    for (let after: BlockCursor | null = null; ; pages++) {
      const page = readStreamChunkTimes(raw, ecg.id, after, 2);
      paged.push(...page.chunks);
      if (!page.next) break;
      after = page.next;
    }
    assert.ok(pages > 2, `${pages} pages`);
    assert.deepEqual(paged, whole.chunks, 'the same chunks, in the same order, page by page');
  } finally {
    raw.close();
  }

  // In words: each stream's span from the session's start.
  const text = io();
  assert.equal(await sessions.run(['show', '1', '--data-dir', dir], text.io), 0);
  const line = text.out.join('\n').split('\n').find((l) => l.includes(`${ecg.info.id}:`));
  assert.equal(line?.endsWith(`, ${(ecg.firstTime - shown.startTime).toFixed(3)} s to ${(ecg.lastTime - shown.startTime).toFixed(3)} s`), true, `the ECG line: ${line}`);
});
