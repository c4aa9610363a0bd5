// Schema 30: what happened during a session besides samples: markers, SAM self-reports, model
// predictions and the conditioning (filter) settings in force.
import type { WritableDb } from '../db.types';

export function updateToSchemaVersion0030(db: WritableDb): void {
  db.exec(`
    CREATE TABLE markers (
      id INTEGER PRIMARY KEY,
      session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      time REAL NOT NULL,
      duration REAL NOT NULL DEFAULT 0 CHECK (duration >= 0),
      label TEXT NOT NULL,
      source TEXT NOT NULL
    ) STRICT;
    CREATE INDEX markers_session_time ON markers (session_id, time);

    CREATE TABLE self_reports (
      id INTEGER PRIMARY KEY,
      session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      time REAL NOT NULL,
      valence INTEGER NOT NULL CHECK (valence BETWEEN 1 AND 9),
      arousal INTEGER NOT NULL CHECK (arousal BETWEEN 1 AND 9),
      dominance INTEGER NOT NULL CHECK (dominance BETWEEN 1 AND 9),
      text TEXT NOT NULL DEFAULT ''
    ) STRICT;
    CREATE INDEX self_reports_session_time ON self_reports (session_id, time);

    CREATE TABLE predictions (
      id INTEGER PRIMARY KEY,
      session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      model_id TEXT NOT NULL,
      window_time REAL NOT NULL,
      -- JSON object of named outputs ({"valence": 0.71, "arousal": 0.42, …}).
      outputs TEXT NOT NULL
    ) STRICT;
    CREATE INDEX predictions_session_model_time ON predictions (session_id, model_id, window_time);

    CREATE TABLE filter_settings (
      id INTEGER PRIMARY KEY,
      session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      time REAL NOT NULL,
      -- JSON: the pipeline's settings as it reports them.
      settings TEXT NOT NULL
    ) STRICT;
    CREATE INDEX filter_settings_session_time ON filter_settings (session_id, time);
  `);
}
