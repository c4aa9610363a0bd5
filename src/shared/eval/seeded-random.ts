// Moved to src/shared/seeded-random.ts (one generator for code, tests and benchmarks). This
// re-export keeps src/shared/train/batches.ts compiling until its import is pointed there.
export { seededRandom, shuffled } from '../seeded-random';
