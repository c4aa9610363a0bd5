// The breaks a file records (EDF+D record times, an XDF stream resuming minutes later) become the
// session's gap rows, as a live recording's pauses do: the library and the replay timeline show
// them, replay hands them to the hub (filters restart, no window bridges one), and export keeps
// them marked. Before, an imported session recorded no gaps at all.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DbClient } from '../../../src/main/db/db-client';
import { StreamHub } from '../../../src/main/hub/hub';
import { ReplaySource } from '../../../src/main/replay/replay-source';
import { VirtualClock, VirtualScheduler } from '../../../src/main/sources';
import { gapsOf, toSessionImport, transferablesOf } from '../../../src/main/sessions/import-recording';
import { importRecording } from '../../../src/shared/formats/import-recording';
import { readRecordingFiles } from '../../../src/main/formats/read-recording-files';
import type { ImportedStream } from '../../../src/shared/formats/recording.types';
import type { Gap } from '../../../src/shared/stream.types';
import type { SyncWindow } from '../../../src/shared/window.types';
import { MODEL_RATE_HZ } from '../../../src/shared/window.types';
import { mneMissing, PYTHON, readWithMne } from '../../shared/formats/mne-reference';
import { dataPath, NEED_DATA, readData } from '../../fixtures/shared-data';
import { tempDir } from '../db/db-test-util';

const ctx = { appVersion: 'test', now: 1_800_000_000 };

/**
 * A real EDF+C (EEGMAT Subject02_2: 62 records of 1 s, 20 EEG + ECG at 500 Hz) made EDF+D: the
 * time-keeping TAL of each record from `at` on moves `by` seconds later, as a recorder that paused
 * writes it. The samples stay the file's own.
 */
function edfPlusD(breaks: { at: number; by: number }[]): Uint8Array {
  const bytes = readData('edf-eegmat', 'Subject02_2.edf');
  const header = 5888;
  const talOffset = 21 * 500 * 2;
  const talBytes = 57 * 2;
  const recordBytes = talOffset + talBytes;
  bytes.set(Buffer.from('EDF+D'), 192);
  for (let r = 0; r < 62; r++) {
    const at = header + r * recordBytes + talOffset;
    const tal = Buffer.from(bytes.subarray(at, at + talBytes)).toString('latin1');
    const m = /^\+(\d+)\x14\x14\x00+$/.exec(tal);
    assert.ok(m, `record ${r}: only its time-keeping TAL (${JSON.stringify(tal.slice(0, 20))})`);
    const onset = Number(m[1]) + breaks.filter((b) => r >= b.at).reduce((a, b) => a + b.by, 0);
    const out = new Uint8Array(talBytes);
    out.set(Buffer.from(`+${onset}\x14\x14`, 'latin1'));
    bytes.set(out, at);
  }
  return bytes;
}

/**
 * The file's record onsets as an independent reader sees them: MNE-Python gives the layout (data
 * offset, samples per signal, the annotation signal), and the first TAL of each record is its onset.
 */
function recordOnsetsByMne(path: string): { onsets: number[]; recordS: number } {
  const script = `
import sys, json, re, numpy as np, mne
raw = mne.io.read_raw_edf(sys.argv[1], preload=False, verbose='error')
ex = raw._raw_extras[0]
n = np.asarray(ex['n_samps'], int); tal = int(ex['tal_idx'][0]); b = int(ex['dtype_byte'])
rec = int(n.sum()) * b; before = int(n[:tal].sum()) * b
data = open(sys.argv[1], 'rb').read()
onsets = []
for r in range(int(ex['n_records'])):
    at = int(ex['data_offset']) + r * rec + before
    onsets.append(float(re.match(rb'([+-][0-9.]+)\\x14\\x14', data[at:at + int(n[tal]) * b]).group(1)))
print(json.dumps({'onsets': onsets, 'recordS': float(ex['record_length'][0])}))
`;
  const r = spawnSync(PYTHON, ['-c', script, path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`MNE failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { onsets: number[]; recordS: number };
}

describe('gaps of imported recordings', { skip: NEED_DATA || mneMissing() }, () => {
  test('EDF+D: each break between records is a gap of every stream, where MNE-Python reads the record times; replay never bridges one; EDF+ export marks each', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'Subject02_2-paused.edf');
    writeFileSync(path, edfPlusD([{ at: 20, by: 30 }, { at: 40, by: 7.5 }]));
    const { onsets, recordS } = recordOnsetsByMne(path);
    const breaks: { from: number; to: number }[] = [];
    for (let r = 1; r < onsets.length; r++) if (onsets[r] > onsets[r - 1] + recordS) breaks.push({ from: onsets[r - 1] + recordS, to: onsets[r] });
    assert.deepEqual(breaks, [{ from: 20, to: 50 }, { from: 70, to: 77.5 }]);

    const db = await DbClient.open({ path: join(dir, 'recordings.sqlite') });
    t.after(() => db.close());
    const rec = importRecording(await readRecordingFiles(path));
    assert.equal(rec.format, 'edf+d');
    const imp = toSessionImport(rec, {}, { ...ctx, sourcePath: path });
    const summary = await db.callTransferring('importSession', transferablesOf(imp), imp);
    const zero = rec.startTime!;
    const streams = (await db.api.getSession(summary.id)).streams;
    assert.ok(streams.length >= 1 && streams.every((s) => s.info.nominalRateHz === 500), 'the 500-Hz streams');

    // The library's and the replay timeline's gaps: every break, in every stream, at the file's times.
    const timeline = await db.api.getTimeline(summary.id);
    const expected = breaks.flatMap((b) => streams.map((s) => ({ streamKey: s.info.id, startTime: zero + b.from, endTime: zero + b.to, missingSamples: Math.round((b.to - b.from) * 500), reason: 'file' })));
    const got = timeline.gaps.map((g) => ({ streamKey: g.streamKey, startTime: g.startTime, endTime: g.endTime, missingSamples: g.missingSamples, reason: g.reason }));
    const order = (a: { startTime: number; streamKey: string }, b: { startTime: number; streamKey: string }) => a.startTime - b.startTime || a.streamKey.localeCompare(b.streamKey);
    assert.deepEqual(got.sort(order), expected.sort(order));
    assert.deepEqual(await db.api.listGaps(summary.id), timeline.gaps);

    // Replay through a fresh hub: each stored gap comes back once (the source's gap, not a second
    // one the hub finds in the chunk times), and no window with EEG holds samples from both sides.
    const clock = new VirtualClock(1_800_000_000);
    const hub = new StreamHub({ clock, scheduler: new VirtualScheduler(clock) });
    const hubGaps: Gap[] = [];
    const windows: SyncWindow[] = [];
    hub.subscribe({ gap: (g) => hubGaps.push(g), window: (w) => windows.push(w) });
    const replay = new ReplaySource({ db, sessionId: summary.id, speed: 'max', hub });
    await hub.addSource(replay);
    replay.play();
    await replay.whenEnded();
    await hub.close();
    assert.deepEqual(
      hubGaps.map((g) => [g.startTime, g.endTime, g.reason]).sort((a, b) => (a[0] as number) - (b[0] as number)),
      expected.map((g) => [g.startTime, g.endTime, g.reason]),
    );
    const withEeg = windows.filter((w) => w.eeg.present);
    assert.ok(withEeg.length > 10, `${withEeg.length} windows with EEG`);
    for (const w of withEeg) {
      const end = w.startTime + w.samples / MODEL_RATE_HZ;
      for (const b of breaks) assert.ok(end <= zero + b.from + 1e-6 || w.startTime >= zero + b.to - 1e-6, `window at ${(w.startTime - zero).toFixed(2)} s spans the break ${b.from}–${b.to} s`);
    }
    assert.ok(breaks.every((b) => withEeg.some((w) => w.startTime >= zero + b.to)), 'windows resume after each break');

    // EDF+ export (the default, EDF+C): each break zero-filled under a BAD_ACQ_SKIP, where the gap rows say.
    const out = await db.api.exportSession({ sessionId: summary.id, format: 'edf', path: join(dir, 'out.edf') });
    const [view] = readWithMne([out.files[0]]);
    const skips = view.annotations.filter(([, , l]) => l === 'BAD_ACQ_SKIP').map(([o, d]) => [o.toFixed(4), d.toFixed(4)]);
    // And the padding of the last 1-s record after the last sample (at 77.5 + 22 s = 99.5 s), as for a live session.
    const last = onsets[onsets.length - 1] + recordS;
    const pad = (zero - view.measDate!) + last;
    assert.deepEqual(skips, [...breaks.map((b) => [(zero + b.from - view.measDate!).toFixed(4), (b.to - b.from).toFixed(4)]), [pad.toFixed(4), (Math.ceil(pad) - pad).toFixed(4)]]);
  });

  test('XDF with a 283-s break (clock_resets.xdf): one gap in the BioSemi stream, none in the marker stream', async (t) => {
    const db = await DbClient.open({ path: join(tempDir(t), 'recordings.sqlite') });
    t.after(() => db.close());
    const path = dataPath('xdf', 'clock_resets.xdf');
    const rec = importRecording(await readRecordingFiles(path));
    const biosemi = rec.streams.find((s) => s.rateHz === 100)!;
    // The file's BioSemi stream: 12876 samples at 100 Hz, then the next chunk 283 s after the last.
    assert.deepEqual(biosemi.segments.map((g) => g.count), [12876, 14939]);
    const [a, b] = biosemi.segments;
    const from = a.start + a.count / 100;
    assert.ok(b.start - from > 283 && b.start - from < 284, `a break of ${b.start - from} s`);

    const imp = toSessionImport(rec, {}, { ...ctx, sourcePath: path });
    const summary = await db.callTransferring('importSession', transferablesOf(imp), imp);
    const zero = rec.startTime ?? ctx.now;
    const gaps = (await db.api.getTimeline(summary.id)).gaps;
    assert.equal(gaps.length, 1);
    assert.equal(gaps[0].modality, 'eeg');
    assert.ok(Math.abs(gaps[0].startTime - (zero + from)) < 1e-6 && Math.abs(gaps[0].endTime - (zero + b.start)) < 1e-6, JSON.stringify(gaps[0]));
    assert.equal(gaps[0].missingSamples, Math.round((b.start - from) * 100));
    assert.equal(gaps[0].reason, 'file');
  });
});

describe('gapsOf', () => {
  const stream = (rateHz: number, segments: [number, number][]): ImportedStream => ({
    name: 'EEG',
    modality: 'eeg',
    rateHz,
    channels: [],
    segments: segments.map(([start, count]) => ({ start, count, data: new Float32Array(0) })),
  });

  test('a break between segments, at the chunk that starts the next; segments that follow on within half a sample are none', () => {
    // 4 Hz: chunks of 1 sample (0.1 s); 8 samples from 0, 4 from 5 s, 4 more from 6.1 s (0.1 s late: under half a sample).
    assert.deepEqual(gapsOf(stream(4, [[0, 8], [5, 4], [6.1, 4]]), 2, 100), [{ stream: 2, beforeChunk: 8, startTime: 102, endTime: 105, missingSamples: 12 }]);
    // 100 Hz: chunks of 10; the break comes before chunk ceil(25 / 10) = 3.
    assert.deepEqual(gapsOf(stream(100, [[0, 25], [1, 10]]), 0, 0), [{ stream: 0, beforeChunk: 3, startTime: 0.25, endTime: 1, missingSamples: 75 }]);
  });

  test('irregular streams (markers, rate 0) have no gaps; empty segments are skipped', () => {
    assert.deepEqual(gapsOf(stream(0, [[0, 3], [50, 2]]), 0, 0), []);
    assert.deepEqual(gapsOf(stream(10, [[0, 10], [1, 0], [1, 10]]), 0, 0), []);
  });
});
