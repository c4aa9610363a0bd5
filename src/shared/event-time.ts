// Range checks for the times and durations of markers and self-reports. A time is host-clock
// seconds (Unix time, Python's time.time()). A stimulus program that sends milliseconds
// (time.time()*1000, JavaScript's Date.now()), seconds since its own start, or garbage would
// otherwise put the event millennia away from its recording, where it breaks every file it is
// exported to (MNE-Python: "OverflowError: date value out of range"). So a time is refused, with
// the reason and a hint, where it lies far from where it can belong:
//   - the marker endpoint (UDP / WebSocket): within EVENT_CLOCK_REACH_S of the host clock;
//   - a request, or the endpoint's marker once it reaches its session: within
//     EVENT_TIME_MARGIN_S of the session's span (start to end, or to now while it records);
//   - the database, the last line of defence for every writer (imports too): within
//     EVENT_SESSION_REACH_S of the session's span.
// And any time stamp a recording carries (file readers, the database's chunk check) must be a Unix
// time from 1970 to 2200 (unixTimeProblem).

/** How far outside its session's span a marker or self-report may lie: transport latency, a stimulus PC's clock a little off. */
export const EVENT_TIME_MARGIN_S = 300;
/** How far from the host clock a marker sent to the endpoint may be stamped (before its session is known). */
export const EVENT_CLOCK_REACH_S = 86_400;
/** How far outside its session's span the database stores an event at all (an imported file's annotations included). */
export const EVENT_SESSION_REACH_S = 366 * 86_400;
/** The longest marker duration: longer than any recording (a 48-hour Holter recording included). */
export const MAX_MARKER_DURATION_S = 7 * 86_400;

/** A length of time in words: "40 s", "12 min", "5.5 h", "3 days", "54 000 years". */
export function describeSeconds(s: number): string {
  const num = (v: number) => (v >= 1e6 ? v.toPrecision(2) : v >= 100 ? String(Math.round(v)) : String(Number(v.toFixed(1))));
  if (s < 120) return `${num(s)} s`;
  if (s < 7200) return `${num(s / 60)} min`;
  if (s < 2 * 86_400) return `${num(s / 3600)} h`;
  if (s < 2 * 365.25 * 86_400) return `${num(s / 86_400)} days`;
  return `${num(s / (365.25 * 86_400))} years`;
}

/** A host time as UTC text (for the messages: where a time was expected). */
export function describeHostTime(t: number): string {
  const d = new Date(t * 1000);
  return Number.isNaN(d.getTime()) ? String(t) : `${d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`;
}

/**
 * Why `time` cannot be the time of an event expected within [lo, hi] (host seconds), or null.
 * `what` names the value ("marker time"), `where` the expected span ("session 3 (…)"); `zero`,
 * when given, is the session start, for the hint that a time counted from it was sent.
 */
export function eventTimeProblem(what: string, time: number, lo: number, hi: number, where: string, zero?: number): string | null {
  if (typeof time !== 'number' || !Number.isFinite(time)) return `${what} must be a finite number of host-clock seconds (Unix time)`;
  if (time >= lo && time <= hi) return null;
  const off = time < lo ? `${describeSeconds(lo - time)} before` : `${describeSeconds(time - hi)} after`;
  let hint = "times are host-clock seconds (Unix time, e.g. Python's time.time())";
  const ms = time / 1000;
  if (ms >= lo && ms <= hi) hint = `milliseconds? ${what} is in seconds: ${String(ms)} would fit`;
  else if (zero !== undefined && zero + time >= lo && zero + time <= hi) hint = `seconds from the session's start? ${what} is host-clock (Unix) seconds: ${String(zero + time)} would fit`;
  return `${what} ${String(time)} lies ${off} ${where}; ${hint}`;
}

/** Why `duration` cannot be a marker's duration (seconds), or null. */
export function markerDurationProblem(duration: unknown): string | null {
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0) return 'marker duration must be a number of seconds ≥ 0';
  if (duration <= MAX_MARKER_DURATION_S) return null;
  const hint = duration / 1000 <= MAX_MARKER_DURATION_S ? `; milliseconds? durations are seconds: ${String(duration / 1000)} would fit` : '';
  return `marker duration ${String(duration)} s is longer than ${describeSeconds(MAX_MARKER_DURATION_S)} (the most a marker may span)${hint}`;
}

/** The span [lo, hi] an event may lie in before its session is known: EVENT_CLOCK_REACH_S either side of the host clock's `now`. */
export function clockEventSpan(now: number): { lo: number; hi: number; where: string } {
  return {
    lo: now - EVENT_CLOCK_REACH_S,
    hi: now + EVENT_CLOCK_REACH_S,
    where: `the host clock (now ${describeHostTime(now)}) and the ${describeSeconds(EVENT_CLOCK_REACH_S)} allowed either side`,
  };
}

/** The span [lo, hi] an event of a session may lie in, with its description for messages. */
export function sessionEventSpan(sessionId: number, start: number, end: number, margin: number): { lo: number; hi: number; where: string } {
  const hi = Math.max(start, end);
  return {
    lo: start - margin,
    hi: hi + margin,
    where: `session ${sessionId} (${describeHostTime(start)} to ${describeHostTime(hi)}) and the ${describeSeconds(margin)} allowed either side`,
  };
}

/**
 * Unix times a recording can carry, in seconds: 1970 up to (not including) 2200-01-01 UTC. A time
 * stamp outside is a unit mistake (ms, µs, ns written where seconds belong) or garbage; taken as
 * seconds it would put the session tens of thousands of years away, and beyond ~1e16 s adding a
 * second to a time no longer changes it (float64), which stalls anything that steps through time.
 */
export const UNIX_TIME_MIN_S = 0;
export const UNIX_TIME_MAX_S = 7_258_118_400;
/** A unit is suggested only when the value, read in it, lands from 1990 on (a plausible recording date). */
const UNIX_TIME_GUESS_MIN_S = 631_152_000;
/** Time units a time stamp may be written in, with how many of each make one second. */
export const TIME_UNITS: readonly (readonly [name: string, perSecond: number])[] = [
  ['seconds', 1],
  ['milliseconds', 1e3],
  ['microseconds', 1e6],
  ['nanoseconds', 1e9],
];
/** The name of the unit `perSecond` of which make one second ("milliseconds"). */
export const timeUnitName = (perSecond: number): string =>
  TIME_UNITS.find(([, f]) => f === perSecond)?.[0] ?? `units of 1/${perSecond} s`;

/**
 * Why `value` (a time stamp in 1/`unitsPerSecond` s) cannot be a unix time, or null when it can.
 * Where the value reads as a date from 1990 to 2200 in another unit, the message names that unit
 * ("it looks like nanoseconds (2023-11-14)"): we refuse rather than convert, since the format
 * defines the unit and a file that breaks it may be wrong in other ways too.
 */
export function unixTimeProblem(value: number, unitsPerSecond = 1): string | null {
  const s = value / unitsPerSecond;
  if (s >= UNIX_TIME_MIN_S && s < UNIX_TIME_MAX_S) return null;
  const like = TIME_UNITS.find(([, f]) => f !== unitsPerSecond && value / f >= UNIX_TIME_GUESS_MIN_S && value / f < UNIX_TIME_MAX_S);
  const guess = like ? `; it looks like ${like[0]} (${new Date((value / like[1]) * 1000).toISOString().slice(0, 10)})` : '';
  return `${value} is not a unix time in ${timeUnitName(unitsPerSecond)} from 1970 to 2200${guess}`;
}
