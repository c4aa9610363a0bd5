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

/** The span [lo, hi] an event of a session may lie in, with its description for messages. */
export function sessionEventSpan(sessionId: number, start: number, end: number, margin: number): { lo: number; hi: number; where: string } {
  const hi = Math.max(start, end);
  return {
    lo: start - margin,
    hi: hi + margin,
    where: `session ${sessionId} (${describeHostTime(start)} to ${describeHostTime(hi)}, ${describeSeconds(margin)} either side allowed)`,
  };
}
