import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_CLOCK_REACH_S, EVENT_TIME_MARGIN_S, UNIX_TIME_MAX_S, clockEventSpan, describeSeconds, eventTimeProblem, markerDurationProblem, sessionEventSpan, unixTimeProblem } from '../../src/shared/event-time';

test('describeSeconds: a length of time in words', () => {
  assert.deepEqual(
    [40, 300, 5.5 * 3600, 3 * 86_400, 1.7e12, 1e300].map(describeSeconds),
    ['40 s', '5 min', '5.5 h', '3 days', '53870 years', '3.2e+292 years'],
  );
});

test('eventTimeProblem: inside the span is fine; outside says how far and hints at milliseconds or a time from the start', () => {
  const start = 1_790_000_000;
  const span = sessionEventSpan(7, start, start + 600, EVENT_TIME_MARGIN_S);
  assert.deepEqual([span.lo, span.hi], [start - 300, start + 900]);
  assert.match(span.where, /^session 7 \(2026-\d\d-\d\d \d\d:\d\d:\d\d UTC to 2026-\d\d-\d\d \d\d:\d\d:\d\d UTC\) and the 5 min allowed either side$/);
  for (const t of [start - 300, start, start + 900]) assert.equal(eventTimeProblem('marker time', t, span.lo, span.hi, span.where, start), null, `${t} lies inside ${span.where}`);
  assert.equal(
    eventTimeProblem('marker time', (start + 12.5) * 1000, span.lo, span.hi, span.where, start),
    `marker time 1790000012500 lies 56665 years after ${span.where}; milliseconds? marker time is in seconds: 1790000012.5 would fit`,
  );
  assert.equal(
    eventTimeProblem('self-report time', 42, span.lo, span.hi, span.where, start),
    `self-report time 42 lies 56.7 years before ${span.where}; seconds from the session's start? self-report time is host-clock (Unix) seconds: 1790000042 would fit`,
  );
  assert.match(eventTimeProblem('marker time', start + 1000, span.lo, span.hi, span.where, start)!, /lies 100 s after .*; times are host-clock seconds \(Unix time/);
  assert.match(eventTimeProblem('marker time', -1e300, span.lo, span.hi, span.where)!, /^marker time -1e\+300 lies 3\.2e\+292 years before/);
  assert.match(eventTimeProblem('marker time', NaN, span.lo, span.hi, span.where)!, /must be a finite number/);
});

test('markerDurationProblem: 0 to 7 days of seconds', () => {
  for (const d of [0, 1.5, 7 * 86_400]) assert.equal(markerDurationProblem(d), null, `a marker may last ${d} s`);
  assert.match(markerDurationProblem(-1)!, /≥ 0/);
  assert.match(markerDurationProblem(Infinity)!, /≥ 0/);
  assert.match(markerDurationProblem('2')!, /a number/);
  assert.equal(markerDurationProblem(1e308), 'marker duration 1e+308 s is longer than 7 days (the most a marker may span)');
  assert.match(markerDurationProblem(2_000_000)!, /milliseconds\? durations are seconds: 2000 would fit$/);
});

test('clockEventSpan: a day either side of the host clock, described for messages', () => {
  const now = 1_790_000_000;
  const span = clockEventSpan(now);
  assert.deepEqual([span.lo, span.hi], [now - EVENT_CLOCK_REACH_S, now + EVENT_CLOCK_REACH_S]);
  assert.match(span.where, /^the host clock \(now 2026-\d\d-\d\d \d\d:\d\d:\d\d UTC\) and the 24 h allowed either side$/);
});

test('unixTimeProblem: 1970 up to 2200 in the given unit; another unit that fits is named', () => {
  for (const t of [0, 1_700_000_000, UNIX_TIME_MAX_S - 1]) assert.equal(unixTimeProblem(t), null, `${t} s is a Unix time in range`);
  assert.equal(unixTimeProblem(1_700_000_000_000, 1000), null);
  assert.match(unixTimeProblem(UNIX_TIME_MAX_S)!, /^7258118400 is not a unix time in seconds from 1970 to 2200$/);
  assert.match(unixTimeProblem(1_700_000_000_000_000_000)!, /it looks like nanoseconds \(2023-11-14\)$/);
  assert.match(unixTimeProblem(NaN)!, /not a unix time/);
  assert.match(unixTimeProblem(-1, 1e6)!, /in microseconds/);
});
