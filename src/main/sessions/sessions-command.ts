// `heartmind sessions <verb>`: the session library from a terminal: list, show, rename, tag,
// notes, delete, import, export, predict. Works on the profile's database directly through the DB worker
// (no devices are started).
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { CliUsageError, numberFlag, parseFlags, signalExitCode, stopBetweenSteps, unknownName, type CliCommand, type CliIo } from '../core/cli-command';
import { defaultDataDir, prepareDataDir } from '../core/data-dir';
import { DbClient, databasePathFor } from '../db/db-client';
import { DbError, FILE_KINDS } from '../db/db-error';
import { electronNativeBinding } from '../core/native-binding';
import { APP_VERSION } from '../core/start-core';
import { INTERRUPTED_SESSION_TEXT, type ExportFormat, type SessionStream, type SessionSummary } from '../../shared/session.types';
import { describeHostTime } from '../../shared/event-time';
import { parseInteger } from '../../shared/formats/text';
import { importRecordingFile } from './import-recording';
import { filesReadWith } from '../formats/read-recording-files';
import { clockDuration } from '../../shared/clock-duration';
import { plural } from '../../shared/plural';
import { formatBytes } from '../../shared/byte-size';
import { fitColumns, oneLine } from '../../shared/display-width';
import { GAP_REASON_TEXT } from '../../shared/stream.types';
import { predictionReportLines, summarizePredictions } from '../../shared/model/prediction-summary';
import { predictionsExportText } from '../../shared/formats/csv/predictions-csv';

/** `show` lists this many of each kind of event; the rest are counted (they were left out without a word). */
const SHOWN_EVENTS = 20;

/** The first SHOWN_EVENTS lines of a list, then how many more there are and where to find them. */
function firstOf<T>(items: readonly T[], noun: string, line: (item: T) => string): string[] {
  const lines = items.slice(0, SHOWN_EVENTS).map(line);
  if (items.length > SHOWN_EVENTS) lines.push(`    … ${plural(items.length - SHOWN_EVENTS, `more ${noun}`)} (--json lists them all)`);
  return lines;
}

export const command: CliCommand = {
  usage: [
    'usage: heartmind sessions <verb> [arguments] [--data-dir DIR] [--json]',
    '',
    '  list [--search TEXT] [--subject ID] [--tag T]   sessions, newest first (with duration and size on disk)',
    '  show ID                                       streams, channels, markers, self-reports, gaps, predictions',
    '  rename ID NAME',
    '  tag ID TAG...                                 replace the tags (none: clear them)',
    "  notes ID TEXT                                 ('' clears them)",
    "  subject ID SUBJECT                            ('' clears it)",
    '  delete ID --yes                               delete for good (asks for --yes)',
    '  import FILE... [--name N] [--subject ID] [--tag T]... [--board B]   EDF/EDF+/BDF, WFDB .hea, XDF, OpenBCI GUI, BrainFlow/HeartMind CSV',
    '                                                (several files: a session each; --name is for one file);',
    '                                                --board: the BrainFlow board that wrote a BrainFlow CSV (CytonDaisy, Synthetic …)',
    '  export ID FILE [--format edf|bdf|csv] [--from S] [--to S] [--discontinuous]   whole session, or seconds from its start;',
    '                                                --discontinuous: EDF+D/BDF+D, gaps left out (default: zeros marked BAD_ACQ_SKIP)',
    '                                                the model predictions stored with it go to <base>-predictions.csv beside it',
    '  predict ID [--model MODEL_ID]                 run a model over every window of the session and store its predictions',
    '                                                (default: the model chosen in Models); replaces that model\'s earlier ones',
    '',
    '  --data-dir DIR  profile folder holding recordings.sqlite (default $HEARTMIND_DATA_DIR, else the per-user app-data folder)',
    '  --json          machine-readable output',
    '',
    'examples:',
    '  heartmind sessions list --subject S01',
    '  heartmind sessions import ../shared/data/edf-eegmat/*.edf --tag eegmat',
    '  heartmind sessions show 3',
    '  heartmind sessions export 3 rest.edf --from 60 --to 120  # seconds 60 to 120 of session 3',
    '  heartmind sessions predict 3 --model heartmind-eegmat-arithmetic',
  ].join('\n'),
  run,
};

function sessionId(v: string | undefined): number {
  const id = v === undefined ? null : parseInteger(v);
  if (id === null || id <= 0) throw new CliUsageError(`a session id (a positive number) is needed, got '${v ?? ''}'`);
  return id;
}

/**
 * A stored time as 'YYYY-MM-DD HH:MM' (UTC; minutes are enough in a list), or the raw seconds where
 * they are no date (describeHostTime's rule): one bad session must not break listing the library.
 */
function dateText(unixS: number): string {
  return describeHostTime(unixS).replace(/:\d\d UTC$/, '');
}

/** m:ss (h:mm:ss from an hour on), or the raw seconds where the span is no sensible number (times out of range, NaN). */
function durationText(s: number): string {
  if (!(Number.isFinite(s) && Math.abs(s) < Number.MAX_SAFE_INTEGER)) return `${s} s`;
  return `${s < 0 ? '-' : ''}${clockDuration(Math.abs(s))}`;
}

/**
 * A stream as `show` and `import` list it: modality, rate, channels, samples. The labels are
 * counted and comma-separated: a file's labels hold spaces ('EEG Fp1', 'EXG Channel 0'), and joined
 * with spaces 'ECG ECG' could not be told from two channels.
 */
function streamLine(st: SessionStream): string {
  const ch = st.info.channels;
  return `  ${st.info.id}: ${st.info.modality}, ${st.info.nominalRateHz} Hz, ${plural(ch.length, 'channel')}: ${ch.map((c) => oneLine(c.label)).join(', ')} (${st.sampleCount} samples)`;
}

/**
 * The columns of `list` (and of the line `show` begins with), named as the Sessions view's table names
 * them: a bare table left the researcher guessing which figure was the length and which the size.
 * Widths in terminal columns (a CJK or emoji name takes two a character; padEnd counted one).
 */
const COLUMNS = [
  // title, width, alignment, and whether a wider value is cut (names are; figures never lose digits)
  ['id', 4, 'right', false],
  ['name', 28, 'left', true],
  ['subject', 8, 'left', true],
  ['started (UTC)', 16, 'left', false],
  ['length', 7, 'right', false],
  ['on disk', 9, 'right', false],
  // The widest state ('interrupted'), so the tags stay in their column.
  ['state', 11, 'left', false],
] as const;

/** One line of the table: each cell fitted to its column, the tags last; trailing blanks trimmed. */
function tableLine(cells: readonly string[], tags: string): string {
  return [...COLUMNS.map(([, width, align, cut], i) => fitColumns(cells[i], width, align, cut)), tags].join('  ').trimEnd();
}

const LIST_HEADER = tableLine(
  COLUMNS.map(([title]) => title),
  'tags',
);

/** A session's line in `list` (under LIST_HEADER), and the first line of `show`, `import`, `rename`…; the size as the Sessions view shows it. */
function row(s: SessionSummary): string {
  const state = s.state === 'complete' ? '' : s.state;
  return tableLine([String(s.id), s.name, s.subjectId || '-', dateText(s.startTime), durationText(s.endTime - s.startTime), formatBytes(s.diskBytes), state], oneLine(s.tags.join(',')));
}

const VERBS = ['list', 'show', 'rename', 'tag', 'notes', 'subject', 'delete', 'import', 'export', 'predict'] as const;
type Verb = (typeof VERBS)[number];

/** The flags each verb takes, besides --data-dir and --json (the usage text lists them on the verb's line). */
export const VERB_FLAGS: Record<Verb, readonly string[]> = {
  list: ['search', 'subject', 'tag'],
  show: [],
  rename: [],
  tag: [],
  notes: [],
  subject: [],
  delete: ['yes'],
  import: ['name', 'subject', 'tag', 'board'],
  export: ['format', 'from', 'to', 'discontinuous'],
  predict: ['model'],
};

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
    search: { type: 'string' },
    subject: { type: 'string' },
    tag: { type: 'string', multiple: true },
    name: { type: 'string' },
    format: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    yes: { type: 'boolean' },
    discontinuous: { type: 'boolean' },
    board: { type: 'string' },
    model: { type: 'string' },
  });
  const [verb, ...args] = positionals;
  if (!verb) throw new CliUsageError(`which verb? (${VERBS.join(', ')})`);
  // Arguments are checked before the database is opened.
  if (!(VERBS as readonly string[]).includes(verb)) throw new CliUsageError(unknownName('verb', verb, VERBS));
  if (!['list', 'import'].includes(verb)) sessionId(args[0]);
  if (verb === 'delete' && !values.yes) throw new CliUsageError(`deleting session ${args[0]} removes its data for good: add --yes`);
  if (verb === 'import' && !args[0]) throw new CliUsageError('import needs a file');
  // A missing text was taken as '': `notes 3` wiped the notes and `subject 3` the subject without a
  // word, `rename 3` failed inside the database ('updateSession: a session name cannot be empty').
  // Clearing is said with an empty word ('').
  if ((verb === 'rename' || verb === 'notes' || verb === 'subject') && args.length < 2)
    throw new CliUsageError(verb === 'rename' ? 'rename needs the new name' : `${verb} needs the ${verb === 'notes' ? 'text' : 'subject id'} ('' clears ${verb === 'notes' ? 'them' : 'it'})`);
  if (verb === 'rename' && !args.slice(1).join(' ').trim()) throw new CliUsageError('a session name cannot be empty');
  // A word too many was dropped without a word: `delete 3 4 --yes` deleted 3 only, `import *.edf`
  // imported the first file only (import now takes them all; rename, notes, subject and tag take the rest as their text).
  const most = { list: 0, show: 1, delete: 1, export: 2, predict: 1 }[verb as 'list' | 'show' | 'delete' | 'export' | 'predict'];
  if (most !== undefined && args.length > most) throw new CliUsageError(`unexpected argument '${args[most]}'${verb === 'delete' || verb === 'show' || verb === 'predict' ? ` (${verb} takes one session id)` : ''}`);
  if (verb === 'predict' && values.model !== undefined && !values.model.trim()) throw new CliUsageError('--model needs a model id (heartmind models list shows them)');
  if (verb === 'import' && args.length > 1 && values.name !== undefined) throw new CliUsageError(`--name names one session: import the ${args.length} files one at a time to name each`);
  // A flag of another verb was dropped without a word: `list --name rest` listed every session,
  // `export 3 out.edf --subject S1` exported unchanged, and `tag 3 --tag pilot` cleared the tags.
  for (const flag of Object.keys(values)) {
    if (flag === 'data-dir' || flag === 'json' || VERB_FLAGS[verb as Verb].includes(flag)) continue;
    const takers = VERBS.filter((v) => VERB_FLAGS[v].includes(flag));
    throw new CliUsageError(`--${flag} is not a flag of ${verb}${takers.length ? ` (it is for ${takers.join(' and ')}${flag === 'board' ? ', a BrainFlow CSV file' : ''})` : ''}${verb === 'tag' && flag === 'tag' ? `: sessions tag ID TAG... gives the tags as words` : ''}`);
  }
  if (verb === 'export' && !args[1]) throw new CliUsageError('export needs a file to write');
  // The library filters by one tag; a second was dropped without a word (import takes several).
  if (verb === 'list' && (values.tag?.length ?? 0) > 1) throw new CliUsageError(`list filters by one --tag at a time (got ${values.tag!.join(', ')})`);
  // --from/--to: seconds from the session's start.
  const from = numberFlag(values.from, 'from', { expect: 'seconds from the session start' });
  const to = numberFlag(values.to, 'to', { expect: 'seconds from the session start' });
  const dataDir = values['data-dir'] ?? defaultDataDir();
  // Only import makes a library. A mistyped --data-dir made an empty one there and listed 'no
  // sessions', as if the recordings were gone; the path said shows the typo.
  const fileInTheWay = existsSync(dataDir) && !statSync(dataDir).isDirectory(); // said below, as record says it
  if (verb !== 'import' && !fileInTheWay && !existsSync(databasePathFor(dataDir))) {
    const none = `no session library in ${resolve(dataDir)} (no recordings.sqlite there)`;
    if (verb !== 'list') throw new Error(`${none}: record or import first, or give --data-dir`);
    io.out(values.json ? '[]' : `no sessions: ${none}`);
    return 0;
  }
  // In words, as record and serve say it (a file given as the folder was 'open: EEXIST: … mkdir').
  const problem = prepareDataDir(dataDir);
  if (problem) throw new Error(problem);
  const db = await DbClient.open({ path: databasePathFor(dataDir), nativeBinding: electronNativeBinding('better-sqlite3') });
  const out = (value: unknown, text: () => string) => io.out(values.json ? JSON.stringify(value, null, 2) : text());
  try {
    switch (verb) {
      case 'list': {
        const list = await db.api.listSessions({ text: values.search, subjectId: values.subject, tag: values.tag?.[0] });
        out(list, () => (list.length ? [LIST_HEADER, ...list.map(row)].join('\n') : 'no sessions'));
        return 0;
      }
      case 'show': {
        const detail = await db.api.getSession(sessionId(args[0]));
        // A stream's first and last sample on the shared clock, where an export puts them; the
        // stored firstTime/lastTime are its first and last chunk's arrival (a Polar strap's first
        // 0.55-s packet arrives half a second after its first sample), kept as firstArrival/lastArrival.
        const spans = new Map((await db.api.sampleSpans(detail.id)).map((x) => [x.streamId, x]));
        const streams = detail.streams.map((st) => ({ ...st, firstTime: spans.get(st.id)?.firstTime ?? st.firstTime, lastTime: spans.get(st.id)?.lastTime ?? st.lastTime, firstArrival: st.firstTime, lastArrival: st.lastTime }));
        const s = { ...detail, streams };
        const timeline = await db.api.getTimeline(s.id);
        // Which modalities fed the model's answers, and why one did not (no device, a gap, …); per
        // task what it answered, the classes named from the installed model's card; the same per
        // marker segment (windows of the length the recorded settings cut).
        const predictions = summarizePredictions(await db.api.listPredictions(s.id), { markers: timeline.markers, startTime: s.startTime, endTime: s.endTime, settings: s.filterSettings });
        // (the models area loaded only here: the other verbs do not need it)
        const { installedModelTasks } = await import('../model/models.core');
        const modelTasks = await installedModelTasks(predictions.map((p) => p.modelId), dataDir);
        const at = (t: number | null) => (t === null ? '?' : `${(t - s.startTime).toFixed(3)} s`);
        out({ ...s, timeline, predictions }, () =>
          [
            row(s),
            s.state === 'interrupted' ? `interrupted: ${INTERRUPTED_SESSION_TEXT}` : '',
            // Notes keep their lines (an import's notes are a line each plus its warnings; the view's field is a textarea), indented under 'notes: ' so that none reads as a stream or event line.
            s.notes ? `notes: ${s.notes.split(/\r\n|[\n\r\u2028\u2029]/).map(oneLine).join('\n       ')}` : '',
            ...s.streams.map((st) => `${streamLine(st)}, ${at(st.firstTime)} to ${at(st.lastTime)}`),
            `  ${plural(timeline.markers.length, 'marker')}, ${plural(timeline.selfReports.length, 'self-report')}, ${plural(timeline.gaps.length, 'gap')}`,
            // One line an event, as the list shows names: a line break in a label or a rating's text is a space (--json keeps it).
            ...firstOf(timeline.markers, 'marker', (m) => `    ${(m.time - s.startTime).toFixed(3).padStart(9)} s  ${oneLine(m.label)} (${m.source})${m.duration > 0 ? ` for ${Number(m.duration.toFixed(3))} s` : ''}`),
            // The ratings themselves (they were only counted: a study's SAM answers were not to be seen without --json).
            ...firstOf(timeline.selfReports, 'self-report', (r) => `    ${(r.time - s.startTime).toFixed(3).padStart(9)} s  SAM valence ${r.valence}, arousal ${r.arousal}, dominance ${r.dominance}${r.text ? `: ${oneLine(r.text)}` : ''}`),
            // Gaps under the markers, each with its reason (an imported file's breaks are not a paused device).
            ...firstOf(timeline.gaps, 'gap', (g) => `    ${(g.startTime - s.startTime).toFixed(3).padStart(9)} s  gap of ${(g.endTime - g.startTime).toFixed(3)} s in ${g.streamKey}: ${GAP_REASON_TEXT[g.reason] ?? g.reason}`),
            ...predictions.flatMap((p) => predictionReportLines(p, modelTasks.find((m) => m.id === p.modelId)?.tasks).map((l) => `  ${l}`)),
          ]
            .filter(Boolean)
            .join('\n'),
        );
        return 0;
      }
      case 'rename':
      case 'notes':
      case 'subject': {
        const id = sessionId(args[0]);
        const text = args.slice(1).join(' ');
        const s = await db.api.updateSession(id, verb === 'rename' ? { name: text } : verb === 'notes' ? { notes: text } : { subjectId: text });
        out(s, () => row(s));
        return 0;
      }
      case 'tag': {
        const s = await db.api.updateSession(sessionId(args[0]), { tags: args.slice(1) });
        out(s, () => row(s));
        return 0;
      }
      case 'delete': {
        const id = sessionId(args[0]);
        const r = await db.api.deleteSession(id);
        out(r, () => `deleted session ${id} (${formatBytes(r.freedBytes)} ${r.returnedToDisk ? 'given back to the disk' : 'free inside the database for new recordings'})`);
        return 0;
      }
      case 'import': {
        // Several files (`import data/*.edf`): a session each, in turn; one that fails is said and the others still come in.
        const imported: unknown[] = [];
        const failed: string[] = [];
        const notTried: string[] = [];
        let stopped = false;
        // Ctrl+C or SIGTERM: the file being imported is finished (each comes in whole, in one
        // transaction, or not at all), the rest are not tried, and what came in is said; a second
        // stops at once. It ended the process without a word of which of the files had come in.
        let current = '';
        const stop = stopBetweenSteps(
          (sig) => {
            stopped = true;
            io.err(`heartmind sessions: ${sig}: stopping${current ? ` once ${basename(current)} is imported` : ''} (${sig} again stops at once)`);
          },
          (sig) => io.err(`heartmind sessions: ${sig} again: stopped at once${current ? `, while importing ${basename(current)} (a file comes in whole or not at all)` : ''}`),
        );
        try {
          // A record's or an export's other files come in with it, not as sessions (or refusals) of their own.
          const readWith = args.length > 1 ? await filesReadWith(args) : new Map<string, string>();
          for (const file of args) {
            if (readWith.has(file)) continue;
            if (stopped) {
              notTried.push(basename(file));
              continue;
            }
            const companions = args.filter((f) => readWith.get(f) === file).map((f) => basename(f));
            current = file;
            let s;
            try {
              // The session's source file as a path that still names it from elsewhere (`../data/x.edf` was stored as typed).
              s = await importRecordingFile(db, { path: resolve(file), name: values.name, subjectId: values.subject, tags: values.tag, board: values.board }, { appVersion: APP_VERSION, now: Date.now() / 1000 });
            } catch (err) {
              if (args.length === 1) throw err;
              // A problem of the database itself (full, locked, read-only): said about this file, and
              // the files after it are not read (each would be read in full to meet the same refusal).
              const ofDatabase = err instanceof DbError && FILE_KINDS.has(err.kind);
              io.err(`heartmind sessions: ${ofDatabase ? `${basename(file)}: ` : ''}${(err as Error)?.message ?? String(err)}`);
              failed.push(basename(file));
              if (ofDatabase) stopped = true;
              continue;
            }
            // What came in, as `show` lists it (streams with rates and channels, the file's breaks), so
            // the researcher sees at once whether the file was read as meant; then what the reader left
            // out or repaired (a cut-off last line, lost samples).
            const { streams } = await db.api.getSession(s.id);
            const gaps = (await db.api.getTimeline(s.id)).gaps.length;
            imported.push(s);
            if (!values.json)
              io.out(
                [
                  `imported as session ${s.id}: ${s.sampleCount.toLocaleString('en')} values, ${plural(s.markerCount, 'marker')}${s.selfReportCount ? `, ${plural(s.selfReportCount, 'self-report')}` : ''}${gaps ? `, ${plural(gaps, 'gap')}` : ''}`,
                  row(s),
                  ...streams.map(streamLine),
                  ...s.warnings.map((w) => `warning: ${w}`),
                  ...(companions.length ? [`  read with it: ${companions.join(', ')}`] : []),
                ].join('\n'),
              );
          }
          // One file: its session, as before; several: the list of those imported (failures are on stderr).
          if (values.json) io.out(JSON.stringify(args.length === 1 ? imported[0] : imported, null, 2));
          const signal = stop.received;
          if (args.length > 1 || signal) {
            const line = `${signal ? `stopped (${signal}): ` : ''}${plural(imported.length, 'session')} imported from ${plural(args.length, 'file')}${failed.length ? `; not imported: ${failed.join(', ')}` : ''}${notTried.length ? `; not tried after that: ${notTried.join(', ')}` : ''}`;
            if (failed.length || signal) io.err(line);
            else if (!values.json) io.out(line);
          }
          if (signal) return signalExitCode(signal);
          return failed.length ? 1 : 0;
        } finally {
          stop.dispose();
        }
      }
      case 'export': {
        const id = sessionId(args[0]);
        const format = (values.format ?? (/\.(edf|bdf|csv)$/i.exec(args[1])?.[1].toLowerCase() || 'edf')) as ExportFormat;
        if (!['edf', 'bdf', 'csv'].includes(format)) throw new CliUsageError(`--format must be edf, bdf or csv`);
        const s = await db.api.getSummary(id);
        const at = (t: number | undefined) => (t === undefined ? undefined : s.startTime + t);
        const { exportModelTasks } = await import('./export-model-tasks');
        const modelTasks = await exportModelTasks(db, id, dataDir);
        const r = await db.api.exportSession({ sessionId: id, format, path: args[1], fromTime: at(from), toTime: at(to), discontinuous: values.discontinuous, modelTasks });
        out(r, () => [`wrote ${r.files.join(', ')}: ${r.samples.toLocaleString('en')} values, ${plural(r.annotations, 'annotation')}, ${predictionsExportText(r)}, ${formatBytes(r.bytes)}`, ...r.warnings.map((w) => `warning: ${w}`)].join('\n'));
        return 0;
      }
      case 'predict':
        return await (await import('./predict-command')).runPredict(db, { sessionId: sessionId(args[0]), modelId: values.model, dataDir, json: values.json === true }, io);
      default:
        throw new CliUsageError(unknownName('verb', verb, VERBS));
    }
  } catch (err) {
    // The database says 'no session 9'; a missing session is the user's id, said with the data
    // folder it is missing from and how to list the ids there.
    if (err instanceof DbError && err.kind === 'NotFound' && verb !== 'list' && verb !== 'import') throw new Error(`no session ${sessionId(args[0])} in ${resolve(dataDir)} (heartmind sessions list shows the ids)`, { cause: err });
    throw err;
  } finally {
    await db.close();
  }
}
