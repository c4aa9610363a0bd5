// Schema 10: sessions and their tags. Times are host-clock Unix seconds (REAL).
import type { WritableDb } from '../db.types';

/** 'HMD1': marks the file as a HeartMind recordings database (PRAGMA application_id). */
export const HEARTMIND_APPLICATION_ID = 0x484d4431;

export function updateToSchemaVersion0010(db: WritableDb): void {
  db.pragma(`application_id = ${HEARTMIND_APPLICATION_ID}`);
  db.exec(`
    CREATE TABLE sessions (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      subject_id TEXT NOT NULL DEFAULT '',
      start_time REAL NOT NULL,
      -- NULL while recording, and for a recording the app did not live to stop.
      end_time REAL,
      state TEXT NOT NULL CHECK (state IN ('recording', 'complete', 'interrupted')),
      origin TEXT NOT NULL CHECK (origin IN ('recorded', 'imported')),
      source_file TEXT,
      notes TEXT NOT NULL DEFAULT '',
      app_version TEXT NOT NULL,
      created_at REAL NOT NULL
    ) STRICT;
    CREATE INDEX sessions_start_time ON sessions (start_time);

    CREATE TABLE session_tags (
      session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      tag TEXT NOT NULL COLLATE NOCASE,
      PRIMARY KEY (session_id, tag)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX session_tags_tag ON session_tags (tag);
  `);
}
