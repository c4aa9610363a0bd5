// Schema 70: where in a recording each stream was announced and where it ended, as positions in the
// session's chunk/gap sequence (and the end's host time). Live, a device added mid-recording has
// no stream before it comes (its modality reads 'no-device', not 'gap'), and one removed for good
// ends its streams (the pipeline flushes them and its windows after read 'no-device'); a replay that
// announced every stream at the start and never ended one made other windows. NULL: not known
// (sessions recorded before this version, imported files): those replay as before.
import type { WritableDb } from '../db.types';

export function updateToSchemaVersion0070(db: WritableDb): void {
  db.exec(`
    -- The stream was announced before the chunk or gap with this seq (0: when the recording started).
    ALTER TABLE streams ADD COLUMN opened_seq INTEGER;
    -- The stream ended (its device removed, or re-announced without it) before the chunk or gap
    -- with this seq, at host time ended_time.
    ALTER TABLE streams ADD COLUMN ended_seq INTEGER;
    ALTER TABLE streams ADD COLUMN ended_time REAL;
  `);
}
