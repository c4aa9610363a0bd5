// Schema 40: what a channel is beyond label/unit/resolution, so an imported EDF/BDF/WFDB file
// exports back with its own scale and header fields: the channel's kind (eeg, eog, stim …), the
// physical range the file declared, its transducer and prefiltering text.
import type { WritableDb } from '../db.types';

export function updateToSchemaVersion0040(db: WritableDb): void {
  db.exec(`
    ALTER TABLE channels ADD COLUMN kind TEXT NOT NULL DEFAULT '';
    ALTER TABLE channels ADD COLUMN physical_min REAL;
    ALTER TABLE channels ADD COLUMN physical_max REAL;
    ALTER TABLE channels ADD COLUMN transducer TEXT NOT NULL DEFAULT '';
    ALTER TABLE channels ADD COLUMN prefilter TEXT NOT NULL DEFAULT '';
  `);
  // Channels recorded before this version: their kind follows their stream's modality.
  db.exec(`
    UPDATE channels SET kind = (
      SELECT CASE st.modality WHEN 'eeg' THEN 'eeg' WHEN 'ecg' THEN 'ecg' ELSE 'misc' END FROM streams st WHERE st.id = channels.stream_id
    )
  `);
}
