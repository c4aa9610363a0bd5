// The marker segments a session's predictions are split by, at their edges: markers at the same
// time, a duration that outlasts the next marker, a session without markers, many labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markerSegments, predictionReportLines, predictionSegmentLines, summarizePredictions } from '../../../src/shared/model/prediction-summary';

const row = (windowTime: number, p1 = 0.6) => ({ modelId: 'm', windowTime, outputs: { 'task:0': 1 - p1, 'task:1': p1, 'fed:eeg': 1 } });

test('markerSegments: a marker runs to the next, or to its own end; two at one time open one segment; before the first is unlabelled', () => {
  const segs = markerSegments(
    [
      { time: 20, duration: 0, label: 'b' },
      { time: 10, duration: 0, label: 'a' },
      { time: 20, duration: 0, label: 'c' },
      { time: 30, duration: 50, label: 'd' },
      { time: 40, duration: 5, label: 'e' },
    ],
    0,
    60,
  );
  assert.deepEqual(
    segs.map((s) => [s.label, s.start, s.end]),
    [
      [null, 0, 10],
      ['a', 10, 20],
      ['c', 20, 30],
      ['d', 30, 40],
      ['e', 40, 45],
      [null, 45, 60],
    ],
    'b and c at 20: the later-listed one opens the segment; d ends at e; after e\'s 5 s, no marker',
  );
  assert.deepEqual(
    markerSegments([{ time: 5, duration: 0, label: 'x' }], 5, 3).map((s) => [s.label, s.start, s.end]),
    [],
    'a marker at or after the end opens nothing',
  );
});

test('without markers there is no breakdown and the text is the summary it was', () => {
  const rows = [row(0), row(1), row(2)];
  const [plain] = summarizePredictions(rows);
  const [withNone] = summarizePredictions(rows, { markers: [], endTime: 10 });
  assert.equal(withNone.segments, undefined, 'no segments field');
  assert.equal(predictionSegmentLines(withNone), null, 'no segment lines');
  assert.deepEqual(predictionReportLines(withNone), predictionReportLines(plain), 'the same lines');
});

test('a window ending exactly on a marker belongs before it; one starting on it, after it; the default 5-s window without recorded settings', () => {
  const [s] = summarizePredictions([row(0), row(5), row(2)], { markers: [{ time: 5, duration: 0, label: 'go' }], endTime: 10 });
  assert.deepEqual(
    s.segments!.segments.map((g) => [g.label, g.windows, g.edges]),
    [
      [null, 1, 1],
      ['go', 1, 1],
    ],
    '[0,5] before, [5,10] after, [2,7] across',
  );
  assert.deepEqual(s.segments!.windowS, [5], 'the pipeline default');
  // The stretch before the first marker starts with the session, not at its first window (the warm-up before it).
  const [withStart] = summarizePredictions([row(2)], { markers: [{ time: 8, duration: 0, label: 'go' }], startTime: 0.5, endTime: 10 });
  assert.deepEqual(withStart.segments!.segments.map((g) => [g.label, g.start, g.end]), [[null, 0.5, 8], ['go', 8, 10]]);
  assert.equal(predictionSegmentLines(withStart)!.labels[0].line, '(no marker) 1 segment, 7.5 s: 1 window', 'its length from the session start');
});

test('many labels: the text lists the first ones in order and says how many more; every segment stays in the summary', () => {
  const markers = Array.from({ length: 30 }, (_, i) => ({ time: 10 * i, duration: 0, label: `trial ${i}` }));
  const rows = Array.from({ length: 300 }, (_, i) => row(i));
  const [s] = summarizePredictions(rows, { markers, endTime: 300, settings: [{ time: 0, settings: { window: { lengthSec: 2, hopSec: 1 } } }] });
  assert.equal(s.segments!.segments.length, 30, 'every segment');
  const lines = predictionSegmentLines(s, [], 20)!;
  assert.equal(lines.labels.length, 21, '20 labels and a line for the rest');
  assert.equal(lines.labels[0].line, '"trial 0" 1 segment, 10 s: 9 windows, 1 more across their edges');
  assert.equal(lines.labels[20].line, '… 10 more labels');
  // A window [t, t+2] with t = 9 crosses the marker at 10: 29 boundaries, 1 window across each.
  assert.equal(s.segments!.spanning, 29);
});

test('a label that is long or holds line breaks is said on one line, cut', () => {
  const label = `stimulus\nblock ${'x'.repeat(100)}`;
  const [s] = summarizePredictions([row(0)], { markers: [{ time: 0, duration: 0, label }], endTime: 10 });
  const line = predictionSegmentLines(s)!.labels[0].line;
  assert.match(line, /^"stimulus block x+…" 1 segment, 10 s: 1 window$/, line);
  assert.equal(line.indexOf('"', 1), 61, 'cut to 60 characters');
});
