// A size on disk in words, one format for the app's views and the CLI: `heartmind sessions list`
// printed '0.0 MB' for a session the Sessions view showed as '226 B'.

/** Decimal units as a file manager shows them: '226 B', '1.5 kB', '12.3 MB', '250 GB'; '–' where the size is no number. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  // On the rounded figure: 999,700 B is '1.0 MB', not '1000 kB'.
  while (Math.round(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}
