// Schema 90: a deleted session's number is never given to a new one. `sessions.id` is an INTEGER
// PRIMARY KEY without AUTOINCREMENT, so SQLite numbered a new session max(id) + 1: delete the
// newest session and the next recording or import took its number, and whatever still named it
// (a training run's dataset, a script calling `heartmind sessions export 4`, a note in a lab book)
// now meant another recording. AUTOINCREMENT would need the table rebuilt, which its seven
// ON DELETE CASCADE children make unsafe inside a migration's transaction (foreign keys cannot be
// switched off there), so the highest number ever deleted is kept beside it, and createSession
// numbers a new session above both. A reader does without it (nothing is numbered read-only).
import type { WritableDb } from '../db.types';

export function updateToSchemaVersion0090(db: WritableDb): void {
  db.exec(`
    CREATE TABLE session_id_floor (id INTEGER NOT NULL) STRICT;
    INSERT INTO session_id_floor (id) SELECT coalesce(max(id), 0) FROM sessions;
    CREATE TRIGGER session_id_floor_on_delete AFTER DELETE ON sessions
    BEGIN
      UPDATE session_id_floor SET id = max(id, OLD.id);
    END;
  `);
}
