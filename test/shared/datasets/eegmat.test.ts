// EEGMAT loader on the real recordings in ../shared/data/edf-eegmat: file-level labels, the
// live pipeline's windows (5 s, non-overlapping, 19-channel 10-20 montage), channel mapping
// checked against the EDF's own channels, and the baseline run end to end on real windows.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { eegmatWindows, parseEegmatFileName, type EegmatWindow } from '../../../src/shared/datasets/eegmat';
import { recordingWindows } from '../../../src/shared/datasets/recording-windows';
import { DatasetError, DatasetErrorCode } from '../../../src/shared/datasets/datasets.types';
import { importEdf } from '../../../src/shared/formats/edf';
import { TEN_TWENTY_19 } from '../../../src/shared/pipeline';
import { electrodeKey } from '../../../src/shared/channel-label';
import { baselineFeatureMatrix, baselineWindowFromSync, evaluateBaseline, heartRateFeatures, rrIntervalsInSpan } from '../../../src/shared/train/baseline';
import { leaveOneSubjectOut } from '../../../src/shared/eval';
import { DEFAULT_WINDOWING, sourceWindows } from '../../../src/shared/datasets/build-windows';
import { EEGMAT_TASK, eegmatSource } from '../../../src/shared/datasets/eegmat-dataset';

const DATA = resolve('..', 'shared', 'data');
const DIR = resolve(DATA, 'edf-eegmat');
const have = existsSync(DIR);
const notEegmat = (pattern: RegExp) => (e: unknown) => e instanceof DatasetError && e.code === DatasetErrorCode.NotEegmat && pattern.test(e.message);

describe('parseEegmatFileName', () => {
  test('subject and task from the name; label = suffix − 1', () => {
    assert.deepEqual(parseEegmatFileName('Subject07_1.edf'), { subject: 'Subject07', task: 'rest', label: 0 });
    assert.deepEqual(parseEegmatFileName('/data/eegmat/subject35_2.EDF'), { subject: 'Subject35', task: 'arithmetic', label: 1 });
    assert.throws(() => parseEegmatFileName('Subject07_3.edf'), notEegmat(/not an EEGMAT file name/));
    assert.throws(() => parseEegmatFileName('S001R04.edf'), notEegmat(/SubjectNN_1\.edf/));
  });
});

describe('eegmatWindows on real recordings', { skip: !have && 'needs ../shared/data/edf-eegmat' }, () => {
  const files = ['Subject00_1.edf', 'Subject00_2.edf', 'Subject01_1.edf', 'Subject01_2.edf'];
  const read = (f: string) => readFileSync(resolve(DIR, f));
  const loaded = have ? files.map((f) => eegmatWindows(read(f), f)) : [];
  const all: EegmatWindow[] = loaded.flatMap((l) => l.windows);

  test('windows per file, labels, subjects, montage', () => {
    // 182 s rest and 62 s arithmetic: 5 s windows from the end of the 1 s warm-up (1, 6, … s).
    assert.deepEqual(loaded.map((l) => l.windows.length), [36, 12, 36, 12]);
    assert.deepEqual(loaded[1].windows.map((w) => w.window.startTime - loaded[1].zero), [1, 6, 11, 16, 21, 26, 31, 36, 41, 46, 51, 56], 'the first window where the warm-up ends');
    assert.ok(loaded.every((l) => l.problems.length === 0 && l.dropped.length === 0), 'every recording loads with no problems and nothing dropped');
    assert.deepEqual([...new Set(all.map((w) => `${w.subject}:${w.task}:${w.label}`))], ['Subject00:rest:0', 'Subject00:arithmetic:1', 'Subject01:rest:0', 'Subject01:arithmetic:1']);
    for (const { window: w } of all) {
      assert.equal(w.samples, 1000, `window ${w.seq} at ${w.startTime}: sample count`);
      assert.equal(w.rateHz, 200, `window ${w.seq} at ${w.startTime}: rate`);
      assert.deepEqual(w.eeg.channels, [...TEN_TWENTY_19], `window ${w.seq} at ${w.startTime}: the 19 10-20 channels`);
      assert.equal(w.ecg.channels.length, 1, `window ${w.seq} at ${w.startTime}: one ECG channel`);
      assert.ok(w.eeg.data.every(Number.isFinite), 'every EEG value of the window is finite');
    }
    const starts = loaded[0].windows.map((w) => w.window.startTime);
    starts.slice(1).forEach((t, i) => assert.equal(t - starts[i], 5, 'non-overlapping, consecutive'));
  });

  test("the windows the training dataset builder cuts from the file (one way to cut EEGMAT): same starts, same samples", async () => {
    const f = files[1];
    const built = await sourceWindows(eegmatSource(importEdf(read(f), f)), EEGMAT_TASK, { kind: 'file' }, DEFAULT_WINDOWING);
    const mine = loaded[1];
    assert.deepEqual(
      mine.windows.map((w) => w.window.startTime - mine.zero),
      built.windows.map((w) => w.start),
      'window starts in the file',
    );
    mine.windows.forEach((w, i) => {
      assert.deepEqual(w.window.eeg.data, built.windows[i].eeg, `window ${i}: EEG samples`);
      assert.deepEqual(w.window.ecg.data, built.windows[i].ecg, `window ${i}: ECG samples`);
      assert.equal(built.windows[i].label, w.label, `window ${i}: label`);
    });
  });

  test('each montage row carries the EDF channel of that electrode', () => {
    const rec = importEdf(read('Subject00_1.edf'), 'Subject00_1.edf');
    const eeg = rec.streams.find((s) => s.modality === 'eeg')!;
    const seg = eeg.segments[0];
    const t0 = loaded[0].zero;
    // Raw EDF samples at a window's 200 Hz times (nearest 500 Hz sample), per EDF channel.
    const rawOf = (w: EegmatWindow['window']) => eeg.channels.map((_, c) => Float64Array.from({ length: w.samples }, (_, i) => seg.data[c * seg.count + Math.round((w.startTime - t0 + i / 200) * eeg.rateHz)]));
    const corr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      const n = a.length;
      let ma = 0;
      let mb = 0;
      for (let i = 0; i < n; i++) {
        ma += a[i] / n;
        mb += b[i] / n;
      }
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let i = 0; i < n; i++) {
        ab += (a[i] - ma) * (b[i] - mb);
        aa += (a[i] - ma) ** 2;
        bb += (b[i] - mb) ** 2;
      }
      return ab / Math.sqrt(aa * bb);
    };
    // Over every window of the file: in one window a neighbour can match a row better (Fz and F4
    // correlate at 0.96 in this recording: Fz's own channel is the best match in 23 of 36 windows,
    // F4's in 29), over the file each row's own channel is the best match in most windows, and
    // matches it closely on average.
    const bestCount = new Map<string, number>();
    const ownSum = new Map<string, number>();
    const windows = loaded[0].windows;
    for (const { window: w } of windows) {
      const raw = rawOf(w);
      w.eeg.channels.forEach((label, row) => {
        const x = w.eeg.data.subarray(row * w.samples, (row + 1) * w.samples);
        const scores = raw.map((r) => corr(x, r));
        const own = eeg.channels.findIndex((c) => electrodeKey(c.label) === electrodeKey(label));
        if (scores.indexOf(Math.max(...scores)) === own) bestCount.set(label, (bestCount.get(label) ?? 0) + 1);
        ownSum.set(label, (ownSum.get(label) ?? 0) + scores[own]);
      });
    }
    for (const label of TEN_TWENTY_19) {
      const best = bestCount.get(label) ?? 0;
      const mean = (ownSum.get(label) ?? 0) / windows.length;
      assert.ok(best > windows.length / 2, `row ${label}: its EDF channel is the best match in ${best} of ${windows.length} windows`);
      assert.ok(mean > 0.9, `row ${label}: mean correlation ${mean.toFixed(3)} with its EDF channel`);
    }
  });

  test('R peaks of the continuous ECG match an independent count; per-window heart rate matches too', () => {
    // Counted independently with scipy (5–20 Hz zero-phase band-pass, find_peaks ≥ 0.3 s apart):
    // beats per file and median-RR heart rate (bpm). The pipeline skips its 1 s warm-up.
    const scipy = [
      { beats: 228, hr: 75.8 },
      { beats: 100, hr: 100.3 },
      { beats: 269, hr: 89.3 },
      { beats: 123, hr: 125.0 },
    ];
    loaded.forEach((l, k) => {
      assert.ok(Math.abs(l.rPeakTimes.length - scipy[k].beats) <= 3, `${files[k]}: ${l.rPeakTimes.length} R peaks, scipy ${scipy[k].beats}`);
      const hrs = l.windows.map((w) => heartRateFeatures(baselineWindowFromSync(w.window, { rPeakTimes: l.rPeakTimes }).rrMs!).meanHrBpm).sort((a, b) => a - b);
      const median = hrs[hrs.length >> 1];
      assert.ok(Math.abs(median - scipy[k].hr) <= 4, `${files[k]}: median window HR ${median.toFixed(1)}, scipy ${scipy[k].hr}`);
    });
  });

  test('heart figures over normal-to-normal intervals: movement artefacts on Subject01_2 no longer inflate RMSSD', () => {
    // Subject01_2's lead (arithmetic, ~125 bpm) has false beats on movement: 0.12–0.3 s intervals
    // beside normal ones. Range-only (250–2500 ms), RMSSD was 73 ms; over NN intervals 13.5 ms, a
    // figure of a young adult at 125 bpm. Subject00_1's clean lead keeps every interval.
    const whole = (k: number) => {
      const t = loaded[k].rPeakTimes;
      const raw = Array.from({ length: t.length - 1 }, (_, i) => (t[i + 1] - t[i]) * 1000);
      const rangeOnly = heartRateFeatures(raw.map((v) => (v >= 250 && v <= 2500 ? v : NaN)));
      return { rangeOnly, nn: heartRateFeatures(rrIntervalsInSpan(t, -Infinity, Infinity)) };
    };
    const s12 = whole(3);
    assert.ok(s12.rangeOnly.rmssdMs > 60, `${files[3]} range-only RMSSD ${s12.rangeOnly.rmssdMs.toFixed(1)} ms`);
    assert.ok(s12.nn.rmssdMs > 8 && s12.nn.rmssdMs < 25, `${files[3]} NN RMSSD ${s12.nn.rmssdMs.toFixed(1)} ms`);
    assert.ok(s12.nn.sdnnMs < s12.rangeOnly.sdnnMs * 0.7, `${files[3]} SDNN ${s12.nn.sdnnMs.toFixed(1)} vs ${s12.rangeOnly.sdnnMs.toFixed(1)} ms range-only`);
    assert.ok(Math.abs(s12.nn.meanHrBpm - 125.0) < 3, `${files[3]} mean HR ${s12.nn.meanHrBpm.toFixed(1)} bpm, scipy's median-RR rate 125`);
    const s01 = whole(0);
    assert.deepEqual(s01.nn, s01.rangeOnly, `${files[0]}: a clean lead's figures are unchanged`);
  });

  test('the baseline runs subject-wise on real windows', () => {
    const inputs = loaded.flatMap((l) => l.windows.map((w) => baselineWindowFromSync(w.window, { rPeakTimes: l.rPeakTimes })));
    const X = baselineFeatureMatrix(inputs, 'fused', [...TEN_TWENTY_19]);
    const y = all.map((w) => w.label);
    const subjects = all.map((w) => w.subject);
    const ev = evaluateBaseline(X, y, subjects, leaveOneSubjectOut(subjects, { labels: y }), { classWeight: 'balanced' });
    assert.deepEqual(ev.table.rows.map((r) => [r.fold, r.n, r.positives]), [['Subject00', 48, 12], ['Subject01', 48, 12]]);
    for (const r of ev.table.rows) for (const v of Object.values(r.metrics)) assert.ok(v !== null && Number.isFinite(v), `every fold's metric is finite, got ${v}`);
  });

  test('files that are not EEGMAT recordings', { skip: !existsSync(resolve(DATA, 'edf-eegmmidb')) && 'needs ../shared/data/edf-eegmmidb' }, () => {
    // An EEG-only EDF under an EEGMAT name: no ECG lead.
    const eegOnly = readFileSync(resolve(DATA, 'edf-eegmmidb', 'S001R04.edf'));
    assert.throws(() => eegmatWindows(eegOnly, 'Subject99_1.edf'), notEegmat(/no ECG channel/));
    assert.throws(() => eegmatWindows(read('Subject00_2.edf'), 'rest.edf'), notEegmat(/not an EEGMAT file name/));
    // Not an EDF at all: the EDF reader's FormatError names the file.
    assert.throws(() => eegmatWindows(new Uint8Array(300), 'Subject01_1.edf'), /Subject01_1\.edf/);
    assert.throws(() => recordingWindows({ fileName: 'x', format: 'csv', startTime: null, subject: {}, info: {}, streams: [], annotations: [], warnings: [] }), (e: unknown) => e instanceof DatasetError && e.code === DatasetErrorCode.NoSignals);
  });
});
