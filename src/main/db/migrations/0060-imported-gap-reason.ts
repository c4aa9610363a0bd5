// Schema 60: an imported file's breaks (EDF+D records that do not follow on, an XDF or WFDB stream
// resuming later) were stored as gaps with reason 'paused' before the reason 'file' existed; no
// device was paused. An imported session's gaps all come from its file, so they are relabelled;
// recorded sessions' gaps keep their reasons.
import type { WritableDb } from '../db.types';

export function updateToSchemaVersion0060(db: WritableDb): void {
  db.exec(`
    UPDATE gaps SET reason = 'file'
    WHERE reason = 'paused' AND session_id IN (SELECT id FROM sessions WHERE origin = 'imported');
  `);
}
