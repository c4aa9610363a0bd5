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

/** Today's rule, written out plainly: the fast index must keep exactly this behaviour. */
class ReferenceMarks {
  marks: { time: number; duration: number; label: string; kind: string }[] = [];
  constructor(private readonly keepSeconds: number) {}
  add(e: { time: number; duration: number; label: string; kind: string }): void {
    if (!Number.isFinite(e.time)) return;
    if (this.marks.some((x) => x.kind === e.kind && x.label === e.label && Math.abs(x.time - e.time) < 1e-6)) return;
    let i = this.marks.length;
    while (i > 0 && this.marks[i - 1].time > e.time) i--;
    this.marks.splice(i, 0, e);
  }
  prune(now: number): void {
    this.marks = this.marks.filter((e) => e.time + e.duration >= now - this.keepSeconds);
  }
}

test('a re-pushed mark is refused within a microsecond, also across a millisecond boundary; one 2 µs away is another event', () => {
  const ev = new EventMarks(35);
  const t = 1.8e9 + 0.001; // host times are epoch seconds: 1e-6 is a few float steps here
  ev.addMarker({ time: t - 4e-7, duration: 0, label: 'edge' });
  ev.addMarker({ time: t + 4e-7, duration: 0, label: 'edge' }); // 0.8 µs later, in the next millisecond
  ev.addMarker({ time: t + 2.4e-6, duration: 0, label: 'edge' });
  ev.addSelfReport({ time: t - 4e-7, valence: 1, arousal: 2, dominance: 3 });
  ev.addMarker({ time: t - 4e-7, duration: 0, label: 'SAM V1 A2 D3' }); // same label, another kind
  assert.deepEqual(
    ev.marks.map((m) => [m.time - 1.8e9, m.label, m.kind]),
    [
      [t - 4e-7 - 1.8e9, 'edge', 'marker'],
      [t - 4e-7 - 1.8e9, 'SAM V1 A2 D3', 'self-report'],
      [t - 4e-7 - 1.8e9, 'SAM V1 A2 D3', 'marker'],
      [t + 2.4e-6 - 1.8e9, 'edge', 'marker'],
    ],
    'the 0.8 µs repeat refused; the 2.4 µs one and the other kind kept, in time order',
  );
});

test('a mark pruned away (or cleared) is accepted again when re-pushed, once', () => {
  const ev = new EventMarks(35);
  ev.addMarker({ time: 10, duration: 0, label: 'T1' });
  ev.addMarker({ time: 50, duration: 0, label: 'T2' });
  ev.prune(60); // cutoff 25: T1 goes
  assert.deepEqual(ev.marks.map((m) => m.label), ['T2'], 'T1 pruned');
  // A replay seeks back over T1: it was forgotten with its mark, so it shows again, once.
  ev.addMarker({ time: 10, duration: 0, label: 'T1' });
  ev.addMarker({ time: 10, duration: 0, label: 'T1' });
  ev.addMarker({ time: 50, duration: 0, label: 'T2' });
  assert.deepEqual(ev.marks.map((m) => [m.time, m.label]), [[10, 'T1'], [50, 'T2']], 'T1 back once, before T2; T2 still refused');
  ev.clear();
  ev.addMarker({ time: 50, duration: 0, label: 'T2' });
  ev.addMarker({ time: 50, duration: 0, label: 'T2' });
  assert.deepEqual(ev.marks.map((m) => m.label), ['T2'], 'after a clear T2 is new again, once');
});

test('under a random mix of floods, repeats, late arrivals, prunes and clears the marks are exactly those of the plain rule', () => {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const ev = new EventMarks(5);
  const ref = new ReferenceMarks(5);
  const labels = ['a', 'b', 'c'];
  let now = 1.8e9;
  const recent: { time: number; duration: number; label: string; kind: 'marker' | 'self-report' }[] = [];
  for (let step = 0; step < 4000; step++) {
    const r = rand();
    if (r < 0.55) {
      now += rand() * 0.01;
      const e = { time: now - rand() * 0.5, duration: rand() < 0.1 ? rand() * 3 : 0, label: labels[Math.floor(rand() * 3)], kind: 'marker' as const };
      recent.push(e);
      if (recent.length > 50) recent.shift();
      ev.addMarker(e);
      ref.add(e);
    } else if (r < 0.85 && recent.length) {
      // A repeat, exact or jittered by under or over a microsecond.
      const o = recent[Math.floor(rand() * recent.length)];
      const e = { ...o, time: o.time + (rand() - 0.5) * 3e-6 };
      ev.addMarker(e);
      ref.add(e);
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
      `step ${step}: the fast index and the plain rule agree`,
    );
  }
});

test('a flood of 150 000 marks in the kept span prunes without overflowing the stack', () => {
  const ev = new EventMarks(1000);
  const t0 = 1.8e9;
  for (let i = 0; i < 150_000; i++) ev.addMarker({ time: t0 + i / 1000, duration: 0, label: 'stim' });
  ev.addMarker({ time: t0 - 2000, duration: 0, label: 'old' });
  assert.equal(ev.marks.length, 150_001, 'all held');
  const marks = ev.marks;
  ev.prune(t0 + 150); // cutoff t0 - 850: only 'old' goes
  assert.equal(ev.marks.length, 150_000, 'the old one dropped, the flood kept');
  assert.equal(ev.marks, marks, 'the same array (the charts hold it)');
  assert.equal(ev.marks[0].label, 'stim', 'oldest first');
  ev.addMarker({ time: t0 + 0.001, duration: 0, label: 'stim' });
  assert.equal(ev.marks.length, 150_000, 'a flood mark re-pushed is still refused after the prune');
});
