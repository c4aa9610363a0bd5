// Schema 20: what was recorded. Devices → streams → channels, sample data in blocks (one BLOB per
// run of consecutive chunks of one stream, see sample-codec.ts), and gaps. Every chunk and gap of a
// session carries a global sequence number (arrival order), which replay follows exactly.
import type { WritableDb } from '../db.types';

export function updateToSchemaVersion0020(db: WritableDb): void {
  db.exec(`
    CREATE TABLE devices (
      id INTEGER PRIMARY KEY,
      session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      device_key TEXT NOT NULL,
      name TEXT NOT NULL,
      model TEXT NOT NULL,
      serial TEXT NOT NULL DEFAULT '',
      transport TEXT NOT NULL DEFAULT '',
      UNIQUE (session_id, device_key)
    ) STRICT;

    CREATE TABLE streams (
      id INTEGER PRIMARY KEY,
      session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
      stream_key TEXT NOT NULL,
      modality TEXT NOT NULL CHECK (modality IN ('eeg', 'ecg', 'other')),
      nominal_rate_hz REAL NOT NULL,
      -- JSON ClockModelInfo: the device→host clock model in force.
      clock_model TEXT,
      -- The StreamInfo exactly as the source announced it (JSON), so fields the pipeline reads
      -- (latencySec, rangeUv, and any added later) replay as they were live.
      info_json TEXT NOT NULL,
      sample_count INTEGER NOT NULL DEFAULT 0,
      block_count INTEGER NOT NULL DEFAULT 0,
      byte_count INTEGER NOT NULL DEFAULT 0,
      first_time REAL,
      last_time REAL
    ) STRICT;
    CREATE INDEX streams_session ON streams (session_id);
    CREATE INDEX streams_device ON streams (device_id);

    CREATE TABLE channels (
      stream_id INTEGER NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
      idx INTEGER NOT NULL,
      label TEXT NOT NULL,
      unit TEXT NOT NULL,
      -- value = count × resolution + value_offset; resolution 0 = float data. The sample codec
      -- stores integer counts. The offset is 0 for live devices, the file's for imported EDF/WFDB.
      resolution REAL NOT NULL,
      value_offset REAL NOT NULL DEFAULT 0,
      montage_position TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (stream_id, idx)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE sample_blocks (
      id INTEGER PRIMARY KEY,
      -- Denormalised so replay can walk a session in seq order and seek by time with one index.
      session_id INTEGER NOT NULL,
      stream_id INTEGER NOT NULL REFERENCES streams (id) ON DELETE CASCADE,
      seq_start INTEGER NOT NULL,
      seq_end INTEGER NOT NULL,
      host_start REAL NOT NULL,
      host_end REAL NOT NULL,
      sample_count INTEGER NOT NULL,
      data BLOB NOT NULL
    ) STRICT;
    CREATE INDEX sample_blocks_session_seq ON sample_blocks (session_id, seq_start);
    CREATE INDEX sample_blocks_session_time ON sample_blocks (session_id, host_end);
    CREATE INDEX sample_blocks_stream_time ON sample_blocks (stream_id, host_start);

    CREATE TABLE gaps (
      id INTEGER PRIMARY KEY,
      session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
      stream_id INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      start_time REAL NOT NULL,
      end_time REAL NOT NULL,
      missing_samples INTEGER NOT NULL,
      reason TEXT NOT NULL,
      -- 1: the source reported it (replay hands it to the hub again); 0: the hub found it itself.
      from_source INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX gaps_session_seq ON gaps (session_id, seq);
  `);
}
