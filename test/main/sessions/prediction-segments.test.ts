// What the model said during each part of a study: a session's stored predictions split by marker
// segment (a marker to the next, or to its own end when it has a duration), a window counted in the
// segment that holds it whole, the window length read from the session's recorded settings.
// `sessions show` prints it per label; --json holds every segment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { predictionRow } from '../../../src/main/model/models.core';
import { command as sessions } from '../../../src/main/sessions/sessions-command';
import { databasePathFor } from '../../../src/main/db/db-client';
import { openDatabase } from '../../../src/main/db/open-database';
import { addFilterSettings, addMarker, addPredictions, createSession } from '../../../src/main/db/server';
import { tempDir } from '../db/db-test-util';
import { sampleCard } from '../../shared/model/sample-card';

const T = 1.7e9;

test('sessions show: the predictions by marker segment, per label, from a session with markers and 4-s windows', async (t) => {
  const dir = tempDir(t);
  const o = openDatabase(databasePathFor(dir));
  const id = createSession(o.writable!, { name: 'block design', startTime: T, endTime: T + 60, appVersion: 't', origin: 'recorded', state: 'complete' });
  // 4-s windows (the default is 5: the length is read from the settings recorded).
  addFilterSettings(o.writable!, id, T, { window: { lengthSec: 4, hopSec: 1 } });
  addMarker(o.writable!, id, { time: T + 10, label: 'rest', source: 'udp' });
  addMarker(o.writable!, id, { time: T + 30, label: 'arithmetic', source: 'udp' });
  // A block with a duration: from T+55 to the end no marker covers.
  addMarker(o.writable!, id, { time: T + 45, duration: 10, label: 'rest', source: 'udp' });
  const rows = [];
  for (let s = 0; s <= 55; s++) {
    const arithmetic = s >= 30 && s < 45;
    // The strap dropped during the second rest block.
    const gap = s >= 45 && s < 55;
    rows.push(
      predictionRow({
        modelId: 'eegmat-test',
        windowTime: T + s,
        seq: s,
        probabilities: { arithmetic: arithmetic ? [0.2, 0.8] : [0.7, 0.3] },
        fed: gap ? ['eeg'] : ['eeg', 'ecg'],
        absent: gap ? { ecg: 'gap' } : undefined,
        backend: 'wasm',
        latencyMs: 5,
        reads: ['eeg', 'ecg'],
      }),
    );
  }
  addPredictions(o.writable!, id, rows);
  o.db.close();
  mkdirSync(join(dir, 'models', 'eegmat-test'), { recursive: true });
  writeFileSync(join(dir, 'models', 'eegmat-test', 'card.json'), JSON.stringify(sampleCard()));

  const out: string[] = [];
  assert.equal(await sessions.run(['show', String(id), '--data-dir', dir], { out: (l) => out.push(l), err: () => {} }), 0);
  const text = out.join('\n');
  // Windows [t, t+4] at t = 0…55: 7 whole before the first marker (0…6), 17 in the first rest
  // block (10…26), 12 in arithmetic (30…41), 7 in the second rest block (45…51), 1 after it
  // (55, the last segment runs to the session's end); 3 across each of the 4 boundaries.
  const expected = [
    "  predictions by 'eegmat-test' 56 windows: EEG fed 56; ECG fed 46, absent 10 (gap 10)",
    '    arithmetic: answered rest in 41 of 56 windows (73 %), arithmetic in 15 (27 %); mean P(arithmetic) 0.43',
    '    by marker segment (4-s windows, each counted in the segment that holds it whole; 12 span a marker and count in none):',
    '      (no marker) 2 segments, 15 s: 8 windows, 6 more across their edges',
    '        arithmetic: answered rest in 8 of 8 windows (100 %); mean P(arithmetic) 0.30',
    '      "rest" 2 segments, 30 s: 24 windows, 12 more across their edges; ECG fed 17, absent 7 (gap 7)',
    '        arithmetic: answered rest in 24 of 24 windows (100 %); mean P(arithmetic) 0.30',
    '      "arithmetic" 1 segment, 15 s: 12 windows, 6 more across their edges',
    '        arithmetic: answered arithmetic in 12 of 12 windows (100 %); mean P(arithmetic) 0.80',
  ].join('\n');
  assert.ok(text.endsWith(expected), `sessions show ends with the breakdown:\n${text}`);

  const json: string[] = [];
  await sessions.run(['show', String(id), '--data-dir', dir, '--json'], { out: (l) => json.push(l), err: () => {} });
  const seg = JSON.parse(json.join('\n')).predictions[0].segments;
  assert.deepEqual(seg.windowS, [4], 'the window length recorded');
  assert.equal(seg.spanning, 12);
  assert.deepEqual(
    seg.segments.map((g: { label: string | null; start: number; end: number; windows: number; edges: number }) => [g.label, g.start - T, g.end - T, g.windows, g.edges]),
    [
      [null, 0, 10, 7, 3],
      ['rest', 10, 30, 17, 6],
      ['arithmetic', 30, 45, 12, 6],
      ['rest', 45, 55, 7, 6],
      [null, 55, 60, 1, 3],
    ],
    'each segment in --json, in time order',
  );
  assert.deepEqual(seg.segments[3].modalities.ecg.reasons, { gap: 7 }, 'per segment, why a modality was absent');
  assert.deepEqual(seg.segments[2].tasks.arithmetic.top, [0, 12], 'per segment, the answers');
});
