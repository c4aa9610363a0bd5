import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventMarks } from '../../../src/renderer/src/live/event-marks';

test('markers and self-reports are kept in time order, a re-pushed one once', () => {
  const ev = new EventMarks(35);
  ev.addMarker({ time: 105, duration: 0, label: 'stim B' });
  ev.addMarker({ time: 100, duration: 4, label: 'T1' });
  ev.addSelfReport({ time: 103, valence: 7, arousal: 3, dominance: 5 });
  // A replay passes T1 again after a seek back: the same event, not a second one.
  ev.addMarker({ time: 100, duration: 4, label: 'T1' });
  // Same time, another label: a second event.
  ev.addMarker({ time: 100, duration: 0, label: 'T2' });
  ev.addMarker({ time: NaN, duration: 0, label: 'broken' });
  assert.deepEqual(
    ev.marks.map((m) => [m.time, m.label, m.kind]),
    [
      [100, 'T1', 'marker'],
      [100, 'T2', 'marker'],
      [103, 'SAM V7 A3 D5', 'self-report'],
      [105, 'stim B', 'marker'],
    ],
  );
});

test('prune forgets what ended before the kept span; a long band stays while it shows', () => {
  const ev = new EventMarks(35);
  ev.addMarker({ time: 10, duration: 0, label: 'old' });
  ev.addMarker({ time: 20, duration: 30, label: 'block' });
  ev.addMarker({ time: 60, duration: 0, label: 'new' });
  const v = ev.version;
  ev.prune(80); // cutoff 45: 'old' ended at 10, 'block' at 50
  assert.deepEqual(ev.marks.map((m) => m.label), ['block', 'new']);
  assert.ok(ev.version > v, 'a prune that drops something is a change');
  const v2 = ev.version;
  ev.prune(80);
  assert.equal(ev.version, v2, 'nothing dropped, no change');
  ev.prune(90); // cutoff 55
  assert.deepEqual(ev.marks.map((m) => m.label), ['new']);
});
