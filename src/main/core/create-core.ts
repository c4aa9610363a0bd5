// The composition root: one core per process (Electron main or `heartmind serve`). It creates the
// hub, the request-handler registry and the push bus, keeps the recent log, then starts every
// area listed in modules.ts. Transports (Electron IPC, the WebSocket server) attach afterwards
// through `handlers` and `subscribePushes`; the core itself knows nothing about them.
import type { Hub } from '../hub/hub.types';
import type { PushMessage } from '../../shared/ipc-schema';
import type { LogEntry, LogLevel } from '../../shared/log.types';
import type { HostClock } from '../../shared/stream.types';
import { HandlerRegistry, areaDownMessage } from './handler-registry';
import { wasLogged } from './logged-error';
import { PushBus } from './push-bus';
import type { Core, CoreContext, CoreModuleEntry, CoreRuntime } from './core.types';

const MAX_LOG_ENTRIES = 500;

export interface CreateCoreOptions {
  runtime: CoreRuntime;
  dataDir: string;
  /** Builds the hub; the core subscribes to its log and statuses. */
  createHub(deps: { clock: HostClock; log: (level: LogLevel, source: string, message: string) => void }): Hub;
  modules: CoreModuleEntry[];
  clock: HostClock;
  /** Where log lines also go (serve mode prints warnings and errors to stderr). */
  onLog?(entry: LogEntry): void;
  /** Subscribed to the pushes before any area starts (subscribePushes on the core misses those of the start). */
  onPush?(msg: PushMessage): void;
}

export async function createCore(opts: CreateCoreOptions): Promise<Core> {
  const clock = opts.clock;
  const handlers = new HandlerRegistry();
  const logs: LogEntry[] = [];
  const stopFns: (() => void | Promise<void>)[] = [];
  // A transport that throws must not take the hub's callbacks down with it; it is logged instead.
  let bus: PushBus;

  const log = (level: LogLevel, source: string, message: string) => {
    const entry: LogEntry = { time: clock.now(), level, source, message };
    logs.push(entry);
    if (logs.length > MAX_LOG_ENTRIES) logs.splice(0, logs.length - MAX_LOG_ENTRIES);
    opts.onLog?.(entry);
    bus?.publish({ type: 'pipeline:log', entry });
  };
  bus = new PushBus((err) => opts.onLog?.({ time: clock.now(), level: 'error', source: 'core', message: `a push subscriber failed: ${(err as Error).message}` }));
  if (opts.onPush) bus.subscribe(opts.onPush);
  // A failed request is said once: here, as a warning, unless its area said it already in its own
  // line (markLogged: a device's change to 'error' with its problem), which this would repeat.
  handlers.onFailure((channel, err) => log(wasLogged(err) ? 'debug' : 'warn', 'core', `${channel} failed: ${(err as Error)?.message ?? String(err)}`));

  const hub = opts.createHub({ clock, log });

  const ctx: CoreContext = {
    runtime: opts.runtime,
    hub,
    clock,
    dataDir: opts.dataDir,
    handlers,
    handle: (channel, handler, o) => handlers.handle(channel, handler, o),
    push: (msg: PushMessage) => bus.publish(msg),
    log,
    onStop: (fn) => void stopFns.push(fn),
    recentLogs: () => logs.slice(),
  };

  for (const entry of opts.modules) {
    try {
      const mod = await entry.load();
      await mod.start(ctx);
    } catch (err) {
      // One area failing (a missing native module, a corrupt database) leaves the others running;
      // its requests answer with the same reason.
      const reason = (err as Error)?.message ?? String(err);
      handlers.markAreaDown(entry.name, reason);
      log('error', 'core', areaDownMessage(entry.name, reason));
    }
  }

  let stopping: Promise<void> | null = null;
  return {
    ctx,
    hub,
    handlers,
    subscribePushes: (s) => bus.subscribe(s),
    recentLogs: () => logs.slice(),
    stop() {
      stopping ??= (async () => {
        for (const fn of stopFns.reverse()) {
          try {
            await fn();
          } catch (err) {
            log('error', 'core', `shutdown step failed: ${(err as Error)?.message ?? String(err)}`);
          }
        }
        for (const s of hub.sources()) {
          try {
            await hub.removeSource(s.deviceId);
          } catch (err) {
            log('warn', 'core', `could not stop ${s.deviceId}: ${(err as Error)?.message ?? String(err)}`);
          }
        }
      })();
      return stopping;
    },
  };
}
