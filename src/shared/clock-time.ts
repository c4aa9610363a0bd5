// Host times (seconds since the epoch) as local wall-clock time, the one way the app writes them:
// the renderer's views and the main process's own lines ("no data since 14:03:07").
// Hand-formatted: toLocaleTimeString is slow, and the log panel formats one per row.

const two = (n: number) => (n < 10 ? '0' : '') + n;

/** HH:MM:SS local time. */
export function clockTimeS(hostTimeS: number): string {
  const d = new Date(hostTimeS * 1000);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** HH:MM:SS.mmm local time (the log, where events a few ms apart must stay apart). */
export function clockTime(hostTimeS: number): string {
  const ms = new Date(hostTimeS * 1000).getMilliseconds();
  return `${clockTimeS(hostTimeS)}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}`;
}
