// The numbered migrations, applied in order at start (numbers step by 10, Signal's convention).
// PRAGMA user_version holds the schema version; each migration runs in its own transaction
// together with the version bump, so a crash mid-upgrade leaves the previous version intact.
import { DbError } from '../db-error';
import type { WritableDb } from '../db.types';
import { updateToSchemaVersion0010 } from './0010-create-sessions';
import { updateToSchemaVersion0020 } from './0020-create-streams';
import { updateToSchemaVersion0030 } from './0030-create-events';
import { updateToSchemaVersion0040 } from './0040-add-channel-details';
import { updateToSchemaVersion0050 } from './0050-create-pipeline-snapshots';
import { updateToSchemaVersion0060 } from './0060-imported-gap-reason';
import { updateToSchemaVersion0070 } from './0070-stream-open-end';
import { updateToSchemaVersion0080 } from './0080-stream-placement';
import { updateToSchemaVersion0090 } from './0090-session-ids-not-reused';
import { updateToSchemaVersion0100 } from './0100-imported-rails-symmetric';

export interface Migration {
  version: number;
  name: string;
  up(db: WritableDb): void;
  /**
   * Adds only what a reader can do without (a cache that is recomputed where it is missing, what
   * only writing uses, or a correction a reader goes on without, reading the data as it was stored):
   * a read-only database (a copy on a read-only share) that lacks only such migrations still opens.
   */
  readersDoWithout?: boolean;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 10, name: 'create-sessions', up: updateToSchemaVersion0010 },
  { version: 20, name: 'create-streams', up: updateToSchemaVersion0020 },
  { version: 30, name: 'create-events', up: updateToSchemaVersion0030 },
  { version: 40, name: 'add-channel-details', up: updateToSchemaVersion0040 },
  { version: 50, name: 'create-pipeline-snapshots', up: updateToSchemaVersion0050 },
  { version: 60, name: 'imported-gap-reason', up: updateToSchemaVersion0060 },
  { version: 70, name: 'stream-open-end', up: updateToSchemaVersion0070 },
  { version: 80, name: 'stream-placement', up: updateToSchemaVersion0080, readersDoWithout: true },
  { version: 90, name: 'session-ids-not-reused', up: updateToSchemaVersion0090, readersDoWithout: true },
  { version: 100, name: 'imported-rails-symmetric', up: updateToSchemaVersion0100, readersDoWithout: true },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export function schemaVersion(db: { pragma(s: string, o: { simple: true }): unknown }): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/** Whether a database at schema `version` can be read without migrating (only migrations readers do without are missing). */
export function readableWithoutUpgrade(version: number): boolean {
  return MIGRATIONS.every((m) => m.version <= version || m.readersDoWithout === true);
}

/**
 * Brings the schema up to `target` (default: latest). Refuses a database from a newer version
 * before touching it. Returns the migrations applied.
 */
export function migrate(db: WritableDb, target = LATEST_SCHEMA_VERSION): Migration[] {
  const current = schemaVersion(db);
  if (current > LATEST_SCHEMA_VERSION) {
    throw new DbError(
      'NewerSchema',
      `schema version ${current} is newer than this HeartMind knows (${LATEST_SCHEMA_VERSION})`,
    );
  }
  const applied: Migration[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m);
  }
  return applied;
}
