// Exports of a time range, read by MNE-Python: a range that ends inside a gap, one that starts in
// one, one without a marker, and one whose end cuts a record: each holds the range's samples at
// their times (a record's tail past the range is zeros under BAD_ACQ_SKIP, not the session's
// samples after it), the markers of the range and no others, and the start of its first sample.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importEdf, parseEdfHeader, writeEdf } from '../../../../src/shared/formats/edf';
import type { ImportedRecording } from '../../../../src/shared/formats/recording.types';
import { mneMissing, readWithMne } from '../mne-reference';
import { NEED_DATA, readData } from '../../../fixtures/shared-data';

const RATE = 100;
const START = 1700000000.25; // a start with a fraction of a second, as every live session has

/** 2 EEG channels at 100 Hz: samples from 0 to 10 s and from 20 to 30 s (a gap between), markers throughout. */
function session(): ImportedRecording {
  const seg = (start: number) => {
    const count = 10 * RATE;
    const data = new Float32Array(2 * count);
    // distinct values: sample i of channel c is its own time in ms (+ c), so a misplaced sample shows
    for (let c = 0; c < 2; c++) for (let i = 0; i < count; i++) data[c * count + i] = (start + i / RATE) * 10 + c;
    return { start, count, data };
  };
  return {
    fileName: 's.hm', format: 'csv', startTime: START, subject: {}, info: {}, warnings: [],
    streams: [{ name: 'EEG', modality: 'eeg', rateHz: RATE, channels: ['Fp1', 'Fp2'].map((label) => ({ label, unit: 'uV', resolution: 0, offset: 0, kind: 'eeg' as const })), segments: [seg(0), seg(20)] }],
    annotations: [
      { onset: 2.5, duration: 0, label: 'early', source: 'marker' },
      { onset: 9, duration: 2, label: 'into the gap', source: 'marker' },
      { onset: 15, duration: 0, label: 'in the gap', source: 'marker' },
      { onset: 25.505, duration: 0, label: 'late', source: 'marker' },
    ],
  };
}

/** The session's samples in [from, to): [time from the zero, Fp1]. */
function expected(from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  for (const g of session().streams[0].segments) for (let i = 0; i < g.count; i++) {
    const t = g.start + i / RATE;
    if (t >= from - 1e-9 && t < to - 1e-9) out.push([t, g.data[i]]);
  }
  return out;
}

const RANGES: { what: string; range: [number, number]; markers: string[] }[] = [
  { what: 'ends inside the gap', range: [5.004, 15.5], markers: ['into the gap', 'in the gap'] },
  { what: 'starts inside the gap', range: [12.3, 24.005], markers: ['in the gap'] },
  { what: 'holds no marker', range: [21, 25], markers: [] },
  { what: 'ends inside a record with samples after it', range: [20, 26.37], markers: ['late'] },
];

describe('time-range exports read by MNE-Python', { skip: mneMissing() }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hm-range-'));
  const files = RANGES.flatMap((r) =>
    (['edf', 'bdf'] as const).map((format) => {
      const bytes = writeEdf(session(), { format, range: r.range }).bytes;
      const file = path.join(dir, `r${r.range.join('-')}.${format}`);
      writeFileSync(file, bytes);
      return { ...r, format, bytes, file };
    }),
  );
  const views = readWithMne(files.map((f) => f.file));
  rmSync(dir, { recursive: true, force: true });

  files.forEach((f, k) => {
    test(`${f.format.toUpperCase()}, a range that ${f.what} (${f.range.join(' to ')} s)`, () => {
      const v = views[k];
      const want = expected(...f.range);
      const skips = v.annotations.filter(([, , t]) => t.startsWith('BAD_ACQ_SKIP'));
      const inSkip = (t: number) => skips.some(([o, d]) => t >= o - 1e-9 && t < o + d - 1e-9);
      // The file starts at the range's first sample, or whole records before it where a marker of
      // the range comes first (zero-filled records of its own: MNE drops annotations outside the data).
      const lead = skips.find(([o]) => o === 0)?.[1] ?? 0;
      const first = want[0][0] - lead;
      assert.ok(lead === 0 || f.markers.includes('in the gap'), `${lead} s of zeros before the first sample`);
      // MNE 1.3 keeps the start to the second; the first record's TAL holds the rest (our reader reads it)
      assert.equal(v.measDate, Math.floor(START + first));
      const back = importEdf(f.bytes, path.basename(f.file));
      assert.ok(Math.abs(back.startTime! + back.streams[0].segments[0].start - (START + want[0][0])) < 1e-6, 'our reader: the first sample at its time');
      // MNE's times run from the file's start
      const got: [number, number][] = [];
      for (let i = 0; i < v.nTimes; i++) if (!inSkip(i / RATE)) got.push([first + i / RATE, v.data[i] * 1e6]);
      const gain = parseEdfHeader(f.bytes, 'x').signals[0].gain;
      assert.equal(got.length, want.length, 'the range\'s samples, no more (a record\'s tail past the range held the session\'s next samples)');
      got.forEach(([t, x], i) => {
        assert.ok(Math.abs(t - want[i][0]) < 1e-6, `sample ${i} at ${t} s, not ${want[i][0]}`);
        assert.ok(Math.abs(x - want[i][1]) <= gain / 2 + 1e-9, `sample ${i}: ${x} µV, not ${want[i][1]}`);
      });
      // everything outside the samples is marked bad: the file's length is samples plus skipped spans
      assert.equal(skips.reduce((n, [, d]) => n + Math.round(d * RATE), 0), v.nTimes - want.length);
      const markers = v.annotations.filter(([, , t]) => !t.startsWith('BAD_ACQ_SKIP'));
      assert.deepEqual(markers.map(([, , t]) => t), f.markers);
      const onsets = new Map(session().annotations.map((a) => [a.label, a]));
      for (const [o, d, t] of markers) {
        assert.ok(Math.abs(o - (onsets.get(t)!.onset - first)) < 1e-6, `${t} at ${o} s after the file's start`);
        assert.ok(Math.abs(d - onsets.get(t)!.duration) < 1e-6, `${t} lasts ${d} s in MNE, ${onsets.get(t)?.duration} s in the session`);
      }
      // our reader cuts the skipped spans out again: the range's samples, each at its time
      const ours = back.streams[0].segments.flatMap((g) => Array.from({ length: g.count }, (_, i) => [back.startTime! - START + g.start + i / RATE, g.data[i]]));
      assert.equal(ours.length, want.length);
      ours.forEach(([t], i) => assert.ok(Math.abs(t - want[i][0]) < 1e-6, `sample ${i} at ${t} s, MNE says ${want[i][0]}`));
    });
  });
});

// A real recording's range, as a researcher cuts one: eegmmidb S001R04 (160 Hz, 1-s records, T0/T1/T2
// blocks of 4.1-4.2 s back to back). Each range starts inside a record; its edges fall on block
// boundaries. Independent expectations: the blocks as PhysioNet lists them (S001R04.edf.event).
const S001R04_RANGES: { what: string; range: [number, number]; first: number; blocks: [number, number, string][] }[] = [
  // 8.3 s is sample 1328; the T2 block 4.2-8.3 s ends where the range begins, T0 at 16.6 s starts where it ends
  { what: 'starts at a block and ends at the next but one', range: [8.3, 16.6], first: 8.3, blocks: [[8.3, 4.2, 'T0'], [12.5, 4.1, 'T1']] },
  // between two samples (the first is 1601 / 160 = 10.00625 s), inside the T0 block of 8.3-12.5 s; T1 at 20.8 s starts where it ends
  { what: 'starts between two samples inside a block', range: [10.0031, 20.8], first: 10.00625, blocks: [[8.3, 4.2, 'T0'], [12.5, 4.1, 'T1'], [16.6, 4.2, 'T0']] },
];

describe('time-range exports of a real recording (S001R04) read by MNE-Python', { skip: NEED_DATA || mneMissing() }, () => {
  const rec = NEED_DATA ? null : importEdf(readData('edf-eegmmidb', 'S001R04.edf'), 'S001R04.edf');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hm-range-real-'));
  const files = NEED_DATA
    ? []
    : S001R04_RANGES.flatMap((r) =>
        (['edf', 'bdf'] as const).map((format) => {
          const file = path.join(dir, `s${r.range.join('-')}.${format}`);
          const bytes = writeEdf(rec!, { format, range: r.range }).bytes;
          writeFileSync(file, bytes);
          return { ...r, format, file, bytes };
        }),
      );
  const views = files.length ? readWithMne(files.map((f) => f.file)) : [];
  rmSync(dir, { recursive: true, force: true });

  files.forEach((f, k) => {
    test(`${f.format.toUpperCase()}, a range that ${f.what} (${f.range.join(' to ')} s): the samples, and the blocks of the range only`, () => {
      const v = views[k];
      const eeg = rec!.streams[0];
      const i0 = Math.round(f.first * 160);
      const n = Math.round((f.range[1] - f.first) * 160);
      // MNE's annotations: the range's blocks, times from the first sample; one that began before
      // it is cut to its part in the range; the last record's tail past the range is a bad span.
      const blocks = v.annotations.filter(([, , t]) => !t.startsWith('BAD_ACQ_SKIP'));
      const want = f.blocks.map(([o, d, t]) => [Math.max(0, o - f.first), o + d - Math.max(o, f.first), t] as const);
      assert.deepEqual(blocks.map(([, , t]) => t), want.map(([, , t]) => t), 'the blocks (T2 of 4.2-8.3 s ends where the first range begins: not in it)');
      blocks.forEach(([o, d, t], i) => {
        assert.ok(Math.abs(o - want[i][0]) < 1e-6 && Math.abs(d - want[i][1]) < 1e-6, `${t}: ${o} s lasting ${d} s, not ${want[i][0]} lasting ${want[i][1]}`);
      });
      const skips = v.annotations.filter(([, , t]) => t.startsWith('BAD_ACQ_SKIP'));
      assert.deepEqual(skips.map(([o, d]) => [Math.round(o * 160), Math.round((o + d) * 160)]), [[n, v.nTimes]], 'the tail past the range is skipped');
      // our reader: the first sample at its time, to far below a microsecond (the fraction after the
      // file's start second was taken from the sum as a unix time: +0.0062499 for 10.00625 s)
      const back = importEdf(f.bytes, path.basename(f.file));
      const at = back.startTime! - rec!.startTime! + back.streams[0].segments[0].start;
      assert.ok(Math.abs(at - f.first) < 1e-9, `the first sample at ${at} s, not ${f.first}`);
      assert.deepEqual(back.annotations.filter((a) => !a.label.startsWith('BAD')).map((a) => [Math.round((back.startTime! - rec!.startTime! + a.onset) * 1e9) / 1e9, a.duration, a.label]), f.blocks, 'our reader: the blocks at their times');
      // every sample of the range, the same count as the file's, from the first sample on
      for (let c = 0; c < eeg.channels.length; c++) {
        const m = v.chNames.indexOf(eeg.channels[c].label);
        const ch = eeg.channels[c];
        for (let i = 0; i < n; i++) {
          const ours = Math.round((eeg.segments[0].data[c * eeg.segments[0].count + i0 + i] - ch.offset) / ch.resolution);
          const theirs = Math.round((v.data[m * v.nTimes + i] * 1e6 - ch.offset) / ch.resolution);
          if (ours !== theirs) assert.fail(`${ch.label}[${i}]: count ${theirs} in the file, ${ours} in the recording`);
        }
      }
    });
  });
});
