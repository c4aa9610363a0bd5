// `heartmind serve`: the same core as the desktop app, in plain Node, with the dashboard served at
// a local URL (a lab server, a CI box, a machine without a display).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { outputUntilGone, parseFlags, portValue, signalExitCode, CliUsageError, type CliCommand, type CliIo } from '../core/cli-command';
import { defaultDataDir } from '../core/data-dir';
import { startCore, type DemoSetup } from '../core/start-core';
import type { LogEntry } from '../../shared/log.types';
import { addMarkerOriginFlags } from '../markers/marker-server';
import { ServeError } from './serve-error';
import { checkListen, SERVE_DEFAULT_HOST, SERVE_DEFAULT_PORT, startServeServer, type ServeServer } from './serve-server';
import type { Core } from '../core/core.types';

/** SIGPIPE: cli.ts saw the output's reader go (`heartmind serve | tee log` ended), as `record` and `train` hear it. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE'] as const;

export const command: CliCommand = {
  usage: [
    'usage: heartmind serve [--port N] [--host ADDR] [--no-demo] [--data-dir DIR] [--renderer DIR] [--marker-origin O]... [--quiet]',
    '',
    'Runs the HeartMind core in Node and serves the live dashboard; open the printed URL in a browser.',
    '',
    `  --port N        TCP port (default ${SERVE_DEFAULT_PORT}, or $HEARTMIND_PORT; 0 picks a free one)`,
    `  --host ADDR     interface to listen on (default ${SERVE_DEFAULT_HOST}; 0.0.0.0 exposes it to the network)`,
    '  --no-demo       do not start the simulated headset and chest strap',
    '  --data-dir DIR  the data folder: recordings, models, training runs, settings',
    '                  (default $HEARTMIND_DATA_DIR, else the per-user app-data folder)',
    '  --renderer DIR  the built dashboard (default: out/renderer next to this program)',
    '  --marker-origin O  a web page origin allowed to send markers over the WebSocket (repeatable; adds to',
    '                  $HEARTMIND_MARKER_ORIGINS), e.g. https://run.pavlovia.org for PsychoJS on Pavlovia',
    '  --quiet         print only warnings and errors',
    '',
    'Stops cleanly (a recording in progress is closed) on Ctrl+C (SIGINT), SIGTERM, SIGHUP (the terminal',
    'closed), or when its output\'s reader goes (`| tee log` ended). To keep it running after you log out,',
    'start it under systemd, tmux or setsid',
    '(nohup does not help: Node restores SIGHUP\'s default).',
    '',
    'examples:',
    '  heartmind serve                                          # simulated devices, http://127.0.0.1:5180/',
    '  heartmind serve --no-demo --port 8080 --data-dir /srv/heartmind',
  ].join('\n'),
  run,
};

/** Serve mode as a function: tests and benchmarks start it in-process. */
export interface ServeHandle {
  core: Core;
  server: ServeServer;
  stop(): Promise<void>;
}

export interface ServeOptions {
  port?: number;
  host?: string;
  /** Start the demo devices (default true), or which presets to start them with. */
  demo?: boolean | DemoSetup;
  dataDir?: string;
  rendererDir?: string;
  onLog?(entry: LogEntry): void;
}

export function defaultRendererDir(): string {
  // out/main/cli.js (or a chunk under out/main/chunks/) → out/renderer
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'renderer');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const sibling = join(dir, '..', 'renderer');
    if (existsSync(join(sibling, 'index.html'))) return resolve(sibling);
    dir = dirname(dir);
  }
  return resolve('out', 'renderer');
}

export async function startServe(opts: ServeOptions = {}): Promise<ServeHandle> {
  const rendererDir = opts.rendererDir ?? defaultRendererDir();
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new ServeError('no-renderer', `no built dashboard in ${rendererDir}: run \`npm run build\` first (or pass --renderer)`);
  }
  // The port and --host first: nothing starts (devices, database, marker endpoint) for a server that cannot listen.
  await checkListen(opts.host ?? SERVE_DEFAULT_HOST, opts.port ?? SERVE_DEFAULT_PORT);
  const core = await startCore({ runtime: 'serve', dataDir: opts.dataDir ?? defaultDataDir(), demo: opts.demo ?? true, onLog: opts.onLog });
  let server: ServeServer;
  try {
    server = await startServeServer({
      host: opts.host,
      port: opts.port,
      rendererDir,
      handlers: core.handlers,
      subscribePushes: (s) => core.subscribePushes(s),
      log: core.ctx.log,
    });
  } catch (err) {
    await core.stop();
    throw err;
  }
  let stopping: Promise<void> | null = null;
  return {
    core,
    server,
    stop: () =>
      (stopping ??= (async () => {
        await server.close();
        await core.stop();
      })()),
  };
}

async function run(argv: string[], cliIo: CliIo): Promise<number> {
  const output = outputUntilGone(cliIo);
  const io = output.io;
  const { values, positionals } = parseFlags(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    'no-demo': { type: 'boolean' },
    'data-dir': { type: 'string' },
    renderer: { type: 'string' },
    'marker-origin': { type: 'string', multiple: true },
    quiet: { type: 'boolean' },
  });
  if (positionals.length) throw new CliUsageError(`unexpected argument '${positionals[0]}'`);
  const badOrigin = addMarkerOriginFlags(values['marker-origin'] ?? []);
  if (badOrigin) throw new CliUsageError(`--marker-origin: ${badOrigin}`);
  // An empty HEARTMIND_PORT counts as unset; a bad one is named as such, not as --port.
  const env = process.env.HEARTMIND_PORT?.trim() || undefined;
  const port = portValue(values.port, 'port') ?? portValue(env, 'HEARTMIND_PORT') ?? SERVE_DEFAULT_PORT;
  const quiet = values.quiet === true;
  const onLog = (e: LogEntry) => {
    if (e.level === 'error' || e.level === 'warn') io.err(`${e.level}: [${e.source}] ${e.message}`);
    else if (!quiet && e.level === 'info') io.out(`[${e.source}] ${e.message}`);
  };

  // SIGHUP (the terminal closed: an ssh session ended) and SIGPIPE: without a listener Node would
  // end at once, cutting a recording as a crash would; stop as on Ctrl+C instead, printing nothing
  // more. A second Ctrl+C or SIGTERM exits at once; a SIGHUP or SIGPIPE after the first signal
  // does not: they come of the output going, several for one cause (each failed write, the
  // signal itself), and exiting on the second cut the recording the first was closing. Listened
  // for from before the start (seconds: the core, the database): a Ctrl+C then ended it silently.
  let handle: ServeHandle | null = null;
  let stoppedBy: (typeof STOP_SIGNALS)[number] | null = null;
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((r) => (resolveExit = r));
  const handlers = STOP_SIGNALS.map((s) => [s, () => onSignal(s)] as const);
  const listen = (on: boolean) => {
    for (const [s, handler] of handlers) {
      if (on) process.on(s, handler);
      else process.off(s, handler);
    }
  };
  const stop = (h: ServeHandle) =>
    h.stop().then(
      () => {
        listen(false);
        io.out('heartmind serve: stopped');
        resolveExit(0);
      },
      (err) => {
        io.err(`heartmind serve: shutdown failed: ${(err as Error).message}`);
        resolveExit(1);
      },
    );
  function onSignal(sig: (typeof STOP_SIGNALS)[number]): void {
    output.signalled(sig);
    if (stoppedBy) {
      if (sig === 'SIGHUP' || sig === 'SIGPIPE') return;
      io.err(`heartmind serve: ${sig} again, exiting now`);
      process.exit(signalExitCode(sig));
    }
    stoppedBy = sig;
    io.out(`\nheartmind serve: ${sig}, stopping…`);
    if (handle) void stop(handle);
  }
  listen(true);

  try {
    handle = await startServe({
      port,
      host: values.host,
      demo: values['no-demo'] !== true,
      dataDir: values['data-dir'],
      rendererDir: values.renderer ? resolve(values.renderer) : undefined,
      onLog,
    });
  } catch (err) {
    listen(false);
    if (err instanceof ServeError) {
      io.err(`heartmind serve: ${err.message}`);
      return 1;
    }
    throw err;
  }
  if (stoppedBy) {
    // A signal while it started: stopped once started, the dashboard never served.
    const sig: (typeof STOP_SIGNALS)[number] = stoppedBy;
    try {
      await handle.stop();
    } finally {
      listen(false);
    }
    io.err(`heartmind serve: stopped before it served the dashboard (${sig})`);
    return signalExitCode(sig);
  }

  io.out(`HeartMind is serving the live dashboard at ${handle.server.url}  (Ctrl+C to stop)`);
  return exited;
}
