// Counts in words for log lines, progress and the CLI ('1 window', '2 windows'; training's read
// '1 windows' / '1 recordings' on a one-recording dataset). Plain digits, no locale grouping, so
// log.txt reads the same on every machine (the renderer's sessions/format.ts plural() groups).

/** '1 window', '0 windows', '12 windows'; `many` for a noun whose plural is not noun + 's'. */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : many}`;
}
