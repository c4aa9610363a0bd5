import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventMarks } from '../../../src/renderer/src/live/event-marks';

test('markers and self-reports are kept in time order, a re-pushed stored one once', () => {
  const ev = new EventMarks(35);
  ev.addMarker({ time: 105, duration: 0, label: 'stim B', sessionId: 1, id: 3 });
  ev.addMarker({ time: 100, duration: 4, label: 'T1', sessionId: 1, id: 1 });
  ev.addSelfReport({ time: 103, valence: 7, arousal: 3, dominance: 5, sessionId: 1, id: 1 });
  // A replay passes T1 again after a seek back: the same row, not a second event.
  ev.addMarker({ time: 100, duration: 4, label: 'T1', sessionId: 1, id: 1 });
  ev.addSelfReport({ time: 103, valence: 7, arousal: 3, dominance: 5, sessionId: 1, id: 1 });
  // Same time, another label: a second event.
  ev.addMarker({ time: 100, duration: 0, label: 'T2', sessionId: 1, id: 2 });
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

test('two markers with the same label and time are two events: unstored ones, and rows of two sessions', () => {
  const ev = new EventMarks(35);
  const t = 1.8e9 + 0.25;
  // Nothing records: each push (id null) is a marker of its own.
  ev.addMarker({ time: t, duration: 0, label: 'stim', sessionId: null, id: null });
  ev.addMarker({ time: t, duration: 0, label: 'stim', sessionId: null, id: null });
  // Stored: the same id in another session is another row.
  ev.addMarker({ time: t, duration: 0, label: 'stim', sessionId: 1, id: 7 });
  ev.addMarker({ time: t, duration: 0, label: 'stim', sessionId: 2, id: 7 });
  ev.addMarker({ time: t, duration: 0, label: 'stim', sessionId: 2, id: 8 });
  // A marker and a self-report may share a row id (two tables).
  ev.addSelfReport({ time: t, valence: 1, arousal: 1, dominance: 1, sessionId: 2, id: 8 });
  assert.equal(ev.marks.length, 6);
});

test('a stimulus script marking every frame with a millisecond clock: every marker is in view (the flood bench held ~half)', () => {
  const ev = new EventMarks(35);
  // The dashboard bench's flood: bursts of ~17 markers every 50 ms, labels 'stim 0' … 'stim 7' in
  // turn, each stamped Date.now()/1000 (a burst falls in one or two milliseconds).
  const t0 = 1_800_000_000;
  let sent = 0;
  for (let burst = 0; burst < 60; burst++) {
    const ms = t0 * 1000 + burst * 50;
    for (let k = 0; k < 17; k++) ev.addMarker({ time: (ms + (k < 12 ? 0 : 1)) / 1000, duration: 0, label: `stim ${sent++ % 8}`, sessionId: null, id: null });
  }
  assert.equal(ev.marks.length, sent, 'none taken for a repeat');
  ev.prune(t0 + 3);
  assert.equal(ev.marks.length, sent, 'all still within the kept span');
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

/** The rule, written out plainly: a stored event (kind, session, id) once; an unstored one each time. */
class ReferenceMarks {
  marks: { time: number; duration: number; label: string; key: string | null }[] = [];
  constructor(private readonly keepSeconds: number) {}
  add(e: { time: number; duration: number; label: string; key: string | null }): void {
    if (!Number.isFinite(e.time)) return;
    if (e.key !== null && this.marks.some((x) => x.key === e.key)) return;
    let i = this.marks.length;
    while (i > 0 && this.marks[i - 1].time > e.time) i--;
    this.marks.splice(i, 0, e);
  }
  prune(now: number): void {
    this.marks = this.marks.filter((e) => e.time + e.duration >= now - this.keepSeconds);
  }
}

test('a mark pruned away (or cleared) is accepted again when re-pushed, once', () => {
  const ev = new EventMarks(35);
  ev.addMarker({ time: 10, duration: 0, label: 'T1', sessionId: 1, id: 1 });
  ev.addMarker({ time: 50, duration: 0, label: 'T2', sessionId: 1, id: 2 });
  ev.prune(60); // cutoff 25: T1 goes
  assert.deepEqual(ev.marks.map((m) => m.label), ['T2'], 'T1 pruned');
  // A replay seeks back over T1: it was forgotten with its mark, so it shows again, once.
  ev.addMarker({ time: 10, duration: 0, label: 'T1', sessionId: 1, id: 1 });
  ev.addMarker({ time: 10, duration: 0, label: 'T1', sessionId: 1, id: 1 });
  ev.addMarker({ time: 50, duration: 0, label: 'T2', sessionId: 1, id: 2 });
  assert.deepEqual(ev.marks.map((m) => [m.time, m.label]), [[10, 'T1'], [50, 'T2']], 'T1 back once, before T2; T2 still refused');
  ev.clear();
  ev.addMarker({ time: 50, duration: 0, label: 'T2', sessionId: 1, id: 2 });
  ev.addMarker({ time: 50, duration: 0, label: 'T2', sessionId: 1, id: 2 });
  assert.deepEqual(ev.marks.map((m) => m.label), ['T2'], 'after a clear T2 is new again, once');
});

test('under a random mix of floods, replayed repeats, late arrivals, prunes and clears the marks are exactly those of the plain rule', () => {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const ev = new EventMarks(5);
  const ref = new ReferenceMarks(5);
  const labels = ['a', 'b', 'c'];
  let now = 1.8e9;
  let nextId = 1;
  const recent: { time: number; duration: number; label: string; sessionId: number | null; id: number | null }[] = [];
  for (let step = 0; step < 4000; step++) {
    const r = rand();
    if (r < 0.55) {
      now += rand() * 0.01;
      // Stored (in one of two sessions) or not; times on a millisecond clock, so many coincide.
      const stored = rand() < 0.6;
      const e = { time: Math.round((now - rand() * 0.5) * 1000) / 1000, duration: rand() < 0.1 ? rand() * 3 : 0, label: labels[Math.floor(rand() * 3)], sessionId: stored ? 1 + Math.floor(rand() * 2) : null, id: stored ? nextId++ : null };
      recent.push(e);
      if (recent.length > 50) recent.shift();
      ev.addMarker(e);
      ref.add({ ...e, key: e.id === null ? null : `${e.sessionId} ${e.id}` });
    } else if (r < 0.85 && recent.length) {
      // A repeat of a recent push (a replay passing it again, or a second unstored marker).
      const e = recent[Math.floor(rand() * recent.length)];
      ev.addMarker(e);
      ref.add({ ...e, key: e.id === null ? null : `${e.sessionId} ${e.id}` });
    } else if (r < 0.995) {
      ev.prune(now);
      ref.prune(now);
    } else {
      ev.clear();
      ref.marks = [];
    }
    assert.deepEqual(
      ev.marks.map((m) => [m.time, m.label]),
      ref.marks.map((m) => [m.time, m.label]),
      `step ${step}: the index and the plain rule agree`,
    );
  }
});

test('a flood of 150 000 marks in the kept span prunes without overflowing the stack', () => {
  const ev = new EventMarks(1000);
  const t0 = 1.8e9;
  for (let i = 0; i < 150_000; i++) ev.addMarker({ time: t0 + i / 1000, duration: 0, label: 'stim', sessionId: 1, id: i + 1 });
  ev.addMarker({ time: t0 - 2000, duration: 0, label: 'old', sessionId: 1, id: 0 });
  assert.equal(ev.marks.length, 150_001, 'all held');
  const marks = ev.marks;
  ev.prune(t0 + 150); // cutoff t0 - 850: only 'old' goes
  assert.equal(ev.marks.length, 150_000, 'the old one dropped, the flood kept');
  assert.equal(ev.marks, marks, 'the same array (the charts hold it)');
  assert.equal(ev.marks[0].label, 'stim', 'oldest first');
  ev.addMarker({ time: t0 + 0.001, duration: 0, label: 'stim', sessionId: 1, id: 2 });
  assert.equal(ev.marks.length, 150_000, 'a flood mark re-pushed is still refused after the prune');
});
