// The one seeded pseudo-random source for code, tests and benchmarks that must repeat exactly given
// a seed (subject splits, batch order, fuzz cases, synthetic signals). Mulberry32 (Tommy
// Ettinger's 32-bit generator): tiny, fast, passes the statistical tests that matter for shuffling
// and fuzzing, and gives the same sequence in every JS engine. Not cryptographic.
//
// Elsewhere on purpose: src/shared/model/prng.ts (counter-based Threefry, so a weight's value does
// not depend on draw order), src/main/sources/sim-random.ts (sfc32 with Gaussian draws, the
// simulators' hot path) and the reconnect jitter in src/shared/devices/connection (a pure state
// machine that keeps its generator state as a number in its state).

/** Mulberry32 started from the raw 32-bit state `seed`: uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Uniform numbers in [0, 1), the same sequence for the same seed; the seed is mixed first so that
 * seeds 0 and 1 do not start alike (splits and batch order use it).
 */
export function seededRandom(seed: number): () => number {
  return mulberry32(Math.trunc(seed) ^ 0x9e3779b9);
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
