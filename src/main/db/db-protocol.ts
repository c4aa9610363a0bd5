// Messages between DbClient (any thread) and the DB worker (worker.node.ts).
import type { WireError } from '../../shared/ipc-schema';
import type { LogEntry } from '../../shared/log.types';
import type { DbInfo } from '../../shared/session.types';
import type { DbOpenOptions } from './db.types';

export interface WorkerInit {
  path: string;
  options: DbOpenOptions;
}

export type WorkerRequest = { type: 'call'; id: number; method: string; args: unknown[] } | { type: 'close' };

export type WorkerReply =
  | { type: 'ready'; info: DbInfo }
  | { type: 'failed'; error: WireError }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: WireError }
  | { type: 'log'; entry: LogEntry }
  | { type: 'closed' };
