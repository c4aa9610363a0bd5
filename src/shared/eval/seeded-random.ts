// Small seeded pseudo-random source for splits and anything else that must repeat exactly given a
// seed. Mulberry32 (Tommy Ettinger's 32-bit generator): tiny, fast, passes the statistical tests
// that matter for shuffling, and gives the same sequence in every JS engine. Not cryptographic.

/** Returns a function yielding uniform numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let a = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0; // mix so that seeds 0 and 1 do not start alike
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle into a new array, driven by `random`. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
