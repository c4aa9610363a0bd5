// What the composition root hands every area of the core (pipeline, sessions, devices, models,
// training). An area is a CoreModule: one `start(ctx)` that registers its request handlers and
// publishes its pushes through ctx, listed once in modules.ts.
import type { Hub } from '../hub/hub.types';
import type { Channel } from '../../shared/ipc-schema';
import type { PushMessage } from '../../shared/ipc-schema';
import type { LogEntry, LogLevel } from '../../shared/log.types';
import type { HostClock } from '../../shared/stream.types';
import type { Handler, HandlerRegistry, RequestValidator } from './handler-registry';

export type CoreRuntime = 'electron' | 'serve';

export interface CoreContext {
  readonly runtime: CoreRuntime;
  readonly hub: Hub;
  readonly clock: HostClock;
  /** Per-user folder for databases, models, settings (Electron's userData, or serve's --data-dir). */
  readonly dataDir: string;
  /** Registers a request handler ('hm:<area>:<verb>'); both transports serve it. */
  handle<C extends Channel>(channel: C, handler: Handler<C>, opts?: { validate?: RequestValidator }): () => void;
  /** Sends a push to every connected page. */
  push(msg: PushMessage): void;
  /** A line in the log panel (and stderr in serve mode for warn/error). */
  log(level: LogLevel, source: string, message: string): void;
  /** Runs at shutdown, in reverse order of registration. */
  onStop(fn: () => void | Promise<void>): void;
  /** Recent log lines, oldest first (a page that opens late still sees them). */
  recentLogs(): LogEntry[];
  readonly handlers: HandlerRegistry;
}

/** An area of the core. `start` may be async; a failure is logged and the other areas still start. */
export interface CoreModule {
  start(ctx: CoreContext): void | Promise<void>;
}

export interface CoreModuleEntry {
  name: string;
  /** Lazy, so `heartmind serve` never loads what a module it does not use imports. */
  load: () => Promise<CoreModule>;
}

export interface Core {
  readonly ctx: CoreContext;
  readonly hub: Hub;
  readonly handlers: HandlerRegistry;
  subscribePushes(subscriber: (msg: PushMessage) => void): () => void;
  /** Recent log lines, oldest first. */
  recentLogs(): LogEntry[];
  stop(): Promise<void>;
}
