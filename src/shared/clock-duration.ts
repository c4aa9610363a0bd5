// A span of time as a clock reads it, one format for the app's views and the CLI.

/** 'm:ss' under an hour, 'h:mm:ss' from an hour on (a 2-hour recording is '2:00:00', not '120:00'). */
export function clockDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
