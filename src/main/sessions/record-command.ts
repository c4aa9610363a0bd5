// `heartmind record`: records the devices the core runs (the simulated headset and strap, or the
// paired real ones with --no-demo) into the profile's database until a duration has passed or
// Ctrl+C / SIGTERM arrives. The same request handlers the dashboard's Record button uses.
import { resolve } from 'node:path';
import { CliUsageError, numberFlag, outputUntilGone, parseFlags, signalExitCode, type CliCommand, type CliIo, type EndSignal } from '../core/cli-command';
import { defaultDataDir } from '../core/data-dir';
import { databasePathFor } from '../db/db-client';
import { startCore } from '../core/start-core';
import { CORE_MODULES } from '../core/modules';
import { startSessionsArea } from './sessions.core';
import { areaDownMessage, type RequestContext } from '../core/handler-registry';
import type { RecordingStatus } from '../../shared/session.types';
import type { PushMessage } from '../../shared/ipc-schema';
import type { Core, CoreModuleEntry } from '../core/core.types';
import { plural } from '../../shared/plural';
import { formatBytes } from '../../shared/byte-size';
import { addMarkerOriginFlags } from '../markers/marker-server';
import type { LogEntry } from '../../shared/log.types';
import type { DeviceStatus } from '../../shared/device.types';

const CTX: RequestContext = { transport: 'local', clientId: 'cli' };
/** How the core logs the sessions area's failed start (areaDownMessage). */
const SESSIONS_DOWN = areaDownMessage('sessions', '');
/** A marker's label as a line shows it (labels may be 1000 characters). */
const LABEL_SHOWN_CHARS = 80;
/** A recording with no samples yet this long after its start is said to have none (a paired device takes a few seconds to connect). */
const NO_SAMPLES_WARN_MS = 5000;
const shownLabel = (label: string) => JSON.stringify(label.length > LABEL_SHOWN_CHARS ? `${label.slice(0, LABEL_SHOWN_CHARS - 1)}…` : label);

/**
 * What `record` prints on stderr for a core log entry, or null: warnings and errors, except the ones
 * the command reports as its own error (the sessions area down, said once; a refused record
 * request; the recorder's line for a recording that failed, whose message the command's last line
 * gives: a full disk printed its three sentences twice); and a device whose trouble was said streaming again, or the output read as if it stayed
 * away until the end ("streaming → reconnecting", then nothing). `troubled`: the log sources
 * (`device:<id>`) with a warning said and no return to streaming since; updated here.
 */
export function logLineShown(e: Pick<LogEntry, 'level' | 'source' | 'message'>, troubled: Set<string>): string | null {
  const line = `${e.level}: [${e.source}] ${e.message}`;
  if (e.level === 'info' && e.message.endsWith('→ streaming') && troubled.delete(e.source)) return line;
  if (e.level !== 'warn' && e.level !== 'error') return null;
  if (e.source === 'core' && (e.message.startsWith(SESSIONS_DOWN) || e.message.startsWith('hm:sessions:record-'))) return null;
  if (e.source === 'sessions' && e.level === 'error' && /^recording session \d+ stopped: /.test(e.message)) return null;
  if (e.source.startsWith('device:')) troubled.add(e.source);
  return line;
}

/**
 * `record`'s second line: the devices it records and how each stands as it starts ('Simulated
 * headset (streaming), Lab strap (connecting)'). The recording takes a device's streams whenever
 * they come, so one not streaming yet is still said.
 */
export function recordedDevicesText(devices: readonly Pick<DeviceStatus, 'name' | 'state'>[]): string {
  if (devices.length === 0) return 'none (pair and switch on a device in the app first, or leave out --no-demo for the simulated ones)';
  return devices.map((d) => `${d.name} (${d.state})`).join(', ');
}

export const command: CliCommand = {
  usage: [
    'usage: heartmind record [--duration S] [--name N] [--subject ID] [--tag T]... [--notes TEXT] [--marker-origin O]... [--no-demo] [--data-dir DIR] [--json]',
    '',
    'Records the running devices into the profile database; stops after --duration seconds, or on Ctrl+C.',
    'Data is committed four times a second: killing the process loses at most the last second.',
    '',
    '  --duration S    stop after S seconds (default: until Ctrl+C, SIGTERM or the terminal closing)',
    '  --name N        session name (default: "Session <date> <time>")',
    '  --subject ID    subject id',
    '  --tag T         a tag (repeatable)',
    '  --notes TEXT    notes',
    '  --marker-origin O  a web page origin allowed to send markers over the WebSocket (repeatable; adds to',
    '                  $HEARTMIND_MARKER_ORIGINS), e.g. https://run.pavlovia.org for PsychoJS on Pavlovia',
    '  --no-demo       do not start the simulated headset and strap (record paired devices)',
    '  --data-dir DIR  profile folder holding recordings.sqlite (default $HEARTMIND_DATA_DIR, else the per-user app-data folder)',
    '  --json          one JSON status line per second (for scripts), with how many markers and self-reports are stored;',
    '                  the last one the summary, with elapsedS and stoppedBy (duration, SIGINT, SIGTERM …)',
    '',
    'Markers: send UDP datagrams or WebSocket messages to port 7420 (HEARTMIND_MARKER_PORT) while it records;',
    'the endpoint is named at the start, and each marker stored is printed as it arrives. The WebSocket takes',
    'programs (PsychoPy, Python) and pages on this computer; a page served from elsewhere needs --marker-origin.',
    '',
    'examples:',
    '  heartmind record --duration 300 --name rest --subject S01 --tag pilot',
    '  heartmind record --duration 60 --json > status.jsonl     # a JSON line a second, the last one the summary',
  ].join('\n'),
  run,
};

/**
 * The core's areas as `record` has them. The sessions area first (after the pipeline, which only
 * starts the simulated devices), markers through the endpoint alone (no page, no keys), and a
 * library it cannot write refused there: the areas after it (paired devices connecting, models,
 * training) are then not started, nor after a signal during the start (`stopping()`). A read-only
 * library had the marker endpoint open and its line printed before the refusal, which was said twice.
 */
export function recordModules(stopping: () => boolean): CoreModuleEntry[] {
  let refused = false;
  const sessions: CoreModuleEntry = {
    name: 'sessions',
    load: async () => ({
      async start(ctx) {
        try {
          await startSessionsArea(ctx, { endpointOnly: true, mustWrite: true });
        } catch (err) {
          refused = true;
          throw err;
        }
      },
    }),
  };
  const rest = CORE_MODULES.filter((m) => m.name !== 'sessions').map((m) => ({ name: m.name, load: async () => (refused || stopping() ? { start() {} } : m.load()) }));
  return [sessions, ...rest];
}

async function request<T>(core: Core, channel: string, req?: unknown): Promise<T> {
  const env = await core.handlers.dispatch(channel, req, CTX);
  if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.kind });
  return env.value as T;
}

async function run(argv: string[], cliIo: CliIo): Promise<number> {
  const output = outputUntilGone(cliIo);
  const io = output.io;
  const { values, positionals } = parseFlags(argv, {
    duration: { type: 'string' },
    name: { type: 'string' },
    subject: { type: 'string' },
    tag: { type: 'string', multiple: true },
    notes: { type: 'string' },
    'marker-origin': { type: 'string', multiple: true },
    'no-demo': { type: 'boolean' },
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new CliUsageError(`unexpected argument '${positionals[0]}'`);
  const duration = numberFlag(values.duration, 'duration', { above: 0, expect: 'a positive number of seconds' }) ?? Infinity;
  const badOrigin = addMarkerOriginFlags(values['marker-origin'] ?? []);
  if (badOrigin) throw new CliUsageError(`--marker-origin: ${badOrigin}`);

  const dataDir = values['data-dir'] ?? defaultDataDir();
  // The core's pushes from its start: a marker or self-report stored while the record request was
  // on its way (its session not yet known here) is said once the session is (it was left out of the
  // lines and the counts), and a marker that reaches the endpoint while this command records nothing
  // (it listens from the core's start, a moment before the recording starts, and until the core
  // stops) is answered stored: false, which a fire-and-forget UDP script never reads: said here, or
  // the first triggers of a script started beside this command were lost without a word.
  let phase: 'before' | 'recording' | 'after' = 'before';
  let onEvent: ((msg: PushMessage) => void) | null = null;
  const early: PushMessage[] = [];
  const onPush = (msg: PushMessage) => {
    if (msg.type === 'sessions:marker' && msg.marker.sessionId === null && phase !== 'recording') {
      io.err(`warning: marker ${shownLabel(msg.marker.label)} (${msg.marker.source}) came ${phase === 'before' ? 'before the recording started' : 'after the recording stopped'}: not stored`);
    } else if (onEvent) onEvent(msg);
    else if (msg.type === 'sessions:marker' || msg.type === 'sessions:self-report') early.push(msg);
  };
  /** What stopped the recording, once something has: a signal's name; 'duration' when --duration ran out. */
  let stoppedBy: EndSignal | 'duration' | null = null;
  let wake: (() => void) | null = null;
  // Listened for from before the core starts (up to seconds): a Ctrl+C then killed the command with
  // no word; now the start is finished, stopped, and said ("nothing recorded").
  const onSignal = (sig: EndSignal) => {
    output.signalled(sig);
    if (!values.json) io.err(`heartmind record: ${sig}, stopping…`);
    stoppedBy ??= sig;
    wake?.();
  };
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE'] as const).map((sig) => [sig, () => onSignal(sig)] as const);
  for (const [sig, handler] of handlers) process.on(sig, handler);
  // Warnings and errors go to stderr (logLineShown).
  const troubled = new Set<string>();
  let core: Core;
  try {
    core = await startCore({
      runtime: 'serve',
      modules: recordModules(() => stoppedBy !== null),
      dataDir,
      demo: !values['no-demo'],
      onPush,
      onLog: (e) => {
        // Where stimulus software sends its markers (the port may be HEARTMIND_MARKER_PORT's): it was
        // said only in the usage text, which names the default. Tagged with its source as serve says
        // it, and as this command's warnings are ('[markers] udp://…').
        if (e.source === 'markers' && e.level === 'info' && !values.json) io.out(`[${e.source}] ${e.message}`);
        const line = logLineShown(e, troubled);
        if (line) io.err(line);
      },
    });
  } catch (err) {
    for (const [sig, handler] of handlers) process.off(sig, handler);
    throw err;
  }
  const libraryProblem = core.handlers.areaProblem('sessions');
  try {
    if (libraryProblem !== undefined) {
      io.err(`heartmind record: cannot record: ${libraryProblem}`);
      return 1;
    }
    // Only a signal has stopped it this early ('duration' is set after the recording).
    const beforeStart = stoppedBy as EndSignal | null;
    if (beforeStart !== null) {
      io.err(`heartmind record: stopped before the recording started (${beforeStart}): nothing recorded`);
      return signalExitCode(beforeStart);
    }
    const started = await request<RecordingStatus>(core, 'hm:sessions:record-start', {
      name: values.name,
      subjectId: values.subject,
      tags: values.tag ?? [],
      notes: values.notes,
    }).catch((cause: Error) => {
      throw new Error(`cannot record: ${cause.message}`, { cause });
    });
    phase = 'recording';
    if (!values.json) {
      // Where it goes: the default data folder is the platform's app-data one, which nothing else here names.
      io.out(`recording session ${started.sessionId} "${started.name}"${Number.isFinite(duration) ? ` for ${duration} s` : ' (Ctrl+C to stop)'} into ${databasePathFor(resolve(dataDir))}`);
      // What it records: the start line named only the session, so a strap still connecting (or
      // the demo left on by a forgotten --no-demo) was found out when the session was opened.
      io.out(`devices: ${recordedDevicesText(core.hub.devices())}`);
    }
    // The markers and self-reports stored in this recording, each said as it arrives: a researcher
    // running PsychoPy beside it saw nothing of its triggers until the session was opened.
    const events = { markers: 0, selfReports: 0 };
    const at = (time: number) => `+${(time - started.startTime!).toFixed(2)} s`;
    onEvent = (msg) => {
      if (msg.type === 'sessions:marker' && msg.marker.sessionId === started.sessionId) {
        events.markers++;
        if (!values.json) io.out(`marker ${shownLabel(msg.marker.label)} (${msg.marker.source}) at ${at(msg.marker.time)}`);
      } else if (msg.type === 'sessions:self-report' && msg.report.sessionId === started.sessionId) {
        events.selfReports++;
        const r = msg.report;
        if (!values.json) io.out(`self-report V${r.valence} A${r.arousal} D${r.dominance}${r.text ? ` ${shownLabel(r.text)}` : ''} at ${at(r.time)}`);
      }
    };
    for (const msg of early.splice(0)) onEvent(msg);
    const t0 = Date.now();
    let status = started;
    let warnedNoSamples = false;
    while (!stoppedBy && (Date.now() - t0) / 1000 < duration) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, Math.min(1000, Math.max(0, duration * 1000 - (Date.now() - t0))));
      });
      status = await request<RecordingStatus>(core, 'hm:sessions:record-status');
      if (values.json) io.out(JSON.stringify({ elapsedS: (Date.now() - t0) / 1000, ...status, ...events }));
      // Nothing streaming (--no-demo with no paired device on, a headset switched off): said while
      // it can still be fixed. It recorded an empty session and said so only at the end ("0 values").
      if (!warnedNoSamples && status.state === 'recording' && status.committedSamples === 0 && Date.now() - t0 >= NO_SAMPLES_WARN_MS) {
        warnedNoSamples = true;
        io.err(`warning: no samples after ${NO_SAMPLES_WARN_MS / 1000} s: no device is streaming${values['no-demo'] ? ' (--no-demo: pair and switch on a device in the app first, or leave out --no-demo for the simulated ones)' : ''}; markers and self-reports are still recorded`);
      }
      if (status.state === 'failed') break;
    }
    stoppedBy ??= 'duration';
    if (status.state !== 'failed') status = await request<RecordingStatus>(core, 'hm:sessions:record-stop');
    const elapsedS = (Date.now() - t0) / 1000;
    phase = 'after';
    if (status.state === 'failed') {
      io.err(`heartmind record: the recording stopped: ${status.error?.message}`);
      return 1;
    }
    // The last line, the summary, says how long it recorded and what stopped it, as a script reading it needs (it said neither).
    if (values.json) io.out(JSON.stringify({ elapsedS, ...status, ...events, stoppedBy }));
    else {
      io.out(
        `saved session ${status.sessionId}: ${status.committedSamples.toLocaleString('en')} values, ${formatBytes(status.committedBytes)} of samples, ` +
          `${plural(events.markers, 'marker')}, ${plural(events.selfReports, 'self-report')}`,
      );
    }
    return 0;
  } finally {
    for (const [sig, handler] of handlers) process.off(sig, handler);
    await core.stop();
  }
}
