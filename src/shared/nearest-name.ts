// The name a typo most likely meant, for "did you mean …?": a CLI flag ('--durations' → duration),
// a montage's channel ('Cx' → Cz). Pure.

/**
 * The name in `known` that `typed` most likely meant: a prefix either way (both at least 3
 * characters), or within `maxEdits` edits (insertions, deletions, substitutions); null when none is
 * that close. Of names equally close, the first. `key` is what is compared (electrode names: case-blind).
 */
export function nearestName(typed: string, known: readonly string[], opts: NearOptions = {}): string | null {
  return nearestNames(typed, known, opts)[0] ?? null;
}

/** Every name in `known` as close to `typed` as the nearest (nearestName), in their order: 'Cx' → C3, C4, Cz. */
export function nearestNames(typed: string, known: readonly string[], opts: NearOptions = {}): string[] {
  const maxEdits = opts.maxEdits ?? 2;
  const key = opts.key ?? ((s: string) => s);
  const t = key(typed);
  let best: string[] = [];
  let bestCost = Infinity;
  for (const name of known) {
    const k = key(name);
    const prefix = Math.min(k.length, t.length) >= 3 && (k.startsWith(t) || t.startsWith(k));
    const cost = prefix ? 1 : editDistance(t, k);
    if (cost < bestCost) [best, bestCost] = [[name], cost];
    else if (cost === bestCost && !best.includes(name)) best.push(name);
  }
  return bestCost <= maxEdits ? best : [];
}

export interface NearOptions {
  /** The most edits a name may be away (default 2). */
  maxEdits?: number;
  /** What is compared (default the name itself). */
  key?: (s: string) => string;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
