// The CLI's access to recorded sessions: the recordings database of the app's data folder, opened
// (through its own DB worker, read-only use) only when a job's datasets name sessions.
import { defaultDataDir } from '../core/data-dir';
import { DbClient, databasePathFor } from '../db/db-client';
import type { JobSpec } from '../../shared/train/job.types';
import { sessionIdsOf, type SessionFeed } from './dataset-loader';
import { readSessionFeed } from './session-feed';

export class DatabaseSession {
  private client: DbClient | null = null;

  constructor(private readonly dataDir = defaultDataDir()) {}

  async feedsFor(spec: JobSpec): Promise<Map<number, SessionFeed>> {
    const ids = sessionIdsOf([spec.dataset, spec.corpora.eeg, spec.corpora.ecg]);
    const out = new Map<number, SessionFeed>();
    if (ids.length === 0) return out;
    this.client ??= await DbClient.open({ path: databasePathFor(this.dataDir) });
    for (const id of ids) out.set(id, await readSessionFeed(this.client, id));
    return out;
  }

  async close(): Promise<void> {
    await this.client?.close();
    this.client = null;
  }
}
