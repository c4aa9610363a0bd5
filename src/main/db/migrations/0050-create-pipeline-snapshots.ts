// Schema 50: pipeline snapshots. Every few seconds of a recording the recorder stores the live
// pipeline's state (clock models, filter states, resampler history, segment and window
// bookkeeping; src/shared/pipeline/pipeline-snapshot.ts) with the seq of the chunk or gap it
// follows. A replay seeking restores the newest one before its target and re-feeds only the chunks
// after it: the windows then equal the live ones bit for bit. Sessions recorded before this
// version have none and seek with a pre-roll.
import type { WritableDb } from '../db.types';

export function updateToSchemaVersion0050(db: WritableDb): void {
  db.exec(`
    CREATE TABLE pipeline_snapshots (
      id INTEGER PRIMARY KEY,
      session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      -- Taken after the chunk or gap with this seq, before the next one (-1: before the first).
      after_seq INTEGER NOT NULL CHECK (after_seq >= -1),
      -- The pipeline's host-time frontier then (s; -Inf before any chunk).
      host_time REAL NOT NULL,
      -- Windows starting at or after this host time (s) come out as they did live (-Inf: all).
      windows_from REAL NOT NULL,
      -- Snapshot format version (PIPELINE_SNAPSHOT_VERSION), so an old one is skipped, not misread.
      version INTEGER NOT NULL,
      byte_count INTEGER NOT NULL,
      data BLOB NOT NULL,
      UNIQUE (session_id, after_seq)
    ) STRICT;
    CREATE INDEX pipeline_snapshots_session_windows ON pipeline_snapshots (session_id, windows_from);
  `);
}
