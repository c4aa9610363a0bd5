// Schema 80: a recorded stream's placement on the shared clock, cached. Where an export puts a
// recorded stream's samples (and `heartmind sessions show` its first and last sample) comes from
// the pipeline's clock model re-fed every chunk of each continuous run (export-session.ts,
// placeRuns): about a second per recorded hour, spent again on every `show` and export. The first
// one stores the result (each run's chunk and sample counts and its first sample's host time, with
// the stream's counts and times it was computed from and the placement code's version); later ones
// read it and place the samples to the same bit. NULL: not computed yet (every older session, a
// stream still being recorded): placed from the chunks as before.
import type { WritableDb } from '../db.types';

export function updateToSchemaVersion0080(db: WritableDb): void {
  db.exec(`
    -- JSON: { key, runs: [[chunks, samples, firstSampleHostTime], ...] } (export-session.ts).
    ALTER TABLE streams ADD COLUMN placement TEXT;
  `);
}
