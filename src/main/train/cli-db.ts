// The CLI's access to recorded sessions: the recordings database of the app's data folder, opened
// (through its own DB worker, read-only use) only when a job's datasets name sessions, and once per
// command: the checks before the run folder is made and the run itself share it.
import { resolve } from 'node:path';
import { defaultDataDir } from '../core/data-dir';
import { DbClient, databasePathFor } from '../db/db-client';
import type { JobSpec } from '../../shared/train/job.types';
import { sessionIdsOf, type SessionFeed } from './dataset-loader';
import type { SessionLabels } from '../../shared/train/label-classes';
import { readJobSessions, readSessionLabels } from './session-feed';

export class DatabaseSession {
  private client: DbClient | null = null;
  private readonly dataDir: string;

  /** `dataDir`: the app data folder (--data-dir), default the app's own. */
  constructor(dataDir?: string) {
    this.dataDir = dataDir ? resolve(dataDir) : defaultDataDir();
  }

  private async open(): Promise<DbClient> {
    this.client ??= await DbClient.open({ path: databasePathFor(this.dataDir) });
    return this.client;
  }

  async feedsFor(spec: JobSpec): Promise<Map<number, SessionFeed>> {
    if (sessionIdsOf([spec.dataset, spec.corpora.eeg, spec.corpora.ecg]).length === 0) return new Map();
    return readJobSessions(await this.open(), spec);
  }

  /** What session `id` holds to label windows with (checkJobInputs, before a run folder is made). */
  async labelsOf(id: number): Promise<SessionLabels> {
    return readSessionLabels(await this.open(), id);
  }

  async close(): Promise<void> {
    await this.client?.close();
    this.client = null;
  }
}
