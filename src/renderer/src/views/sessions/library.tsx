// The session library: search (name, subject, notes, tag), filter by tag, and per session:
// open for replay, its stored model predictions (and Run model… over it, run-model.tsx), rename,
// subject, tags, notes, export, delete (with confirmation). Disk usage per session and of the whole
// database.
import { Fragment, type ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { INTERRUPTED_SESSION_TEXT, type DbInfo, type ExportFormat, type FilterSettingsEntry, type Prediction, type SessionSummary } from '../../../../shared/session.types';
import type { SegmentMarker } from '../../../../shared/model/prediction-summary';
import type { HeartMindClient } from '../../transport/client';
import { messageOf } from '../../shell/error-message';
import { PathInput } from '../../shell/path-input';
import { focusLost, returnFocus, useFocusThroughBusy } from '../../shell/focus-return';
import type { PickPathRequest } from '../../../../shared/ipc/pick-path';
import type { ModelSummary } from '../../../../shared/ipc/models.schema';
import { brainflowBoardNames } from '../../../../shared/formats/brainflow-csv/brainflow-boards';
import type { FormatErrorCode } from '../../../../shared/formats/format-error';
import { sessionFileBase } from '../../../../shared/formats/safe-file-name';
import { predictionsExportText } from '../../../../shared/formats/csv/predictions-csv';
import { RemoteError } from '../../../../shared/ipc/wire-error';
import { useRecordingStatus } from './record-bar';
import { RunModel } from './run-model';
import { formatBytes, formatDate, formatDuration, NO_PREDICTIONS_TEXT, plural, predictionLines } from './format';

const IMPORT_PICK: PickPathRequest = {
  mode: 'open-file',
  title: 'Import a recording',
  filters: [
    { name: 'Recordings (EDF, BDF, WFDB, XDF, OpenBCI, BrainFlow, CSV)', extensions: ['edf', 'bdf', 'hea', 'xdf', 'txt', 'csv'] },
    { name: 'All files', extensions: ['*'] },
  ],
};
const EXPORT_FILTERS: Record<ExportFormat, { name: string; extensions: string[] }> = {
  edf: { name: 'EDF+', extensions: ['edf'] },
  bdf: { name: 'BDF', extensions: ['bdf'] },
  csv: { name: 'CSV', extensions: ['csv'] },
};

function useLibrary(client: HeartMindClient, text: string, tag: string) {
  const [sessions, setSessions] = useState<SessionSummary[] | null>(null);
  const [tags, setTags] = useState<{ tag: string; sessions: number }[]>([]);
  const [info, setInfo] = useState<DbInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      Promise.all([client.invoke('hm:sessions:list', { text: text || undefined, tag: tag || undefined }), client.invoke('hm:sessions:tags'), client.invoke('hm:sessions:db-info')])
        .then(([s, t, i]) => {
          if (!live) return;
          setSessions(s);
          setTags(t);
          setInfo(i);
          setError(null);
        })
        .catch((err) => live && setError(messageOf(err)));
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, text, tag, version]);
  useEffect(() => {
    const refresh = () => setVersion((v) => v + 1);
    // sessions:library comes when a session is added, changed, deleted, starts or stops recording;
    // a marker or self-report stored in a session changes its row's counts (and, while it records,
    // its length): the recording's, and the replayed session's that M marks at the playhead (its row
    // kept the count it had while the timeline above it showed the new marker). A marker only shown
    // (nothing records) is stored in none. A burst is read once, 120 ms after its last (above).
    const offs = [
      client.on('sessions:library', refresh),
      client.on('sessions:marker', (m) => m.marker.sessionId !== null && refresh()),
      client.on('sessions:self-report', refresh),
    ];
    return () => offs.forEach((off) => off());
  }, [client]);
  return { sessions, tags, info, error, refresh: () => setVersion((v) => v + 1) };
}

/**
 * A row's form takes the focus when it opens (as Delete's confirmation does), so Escape and Tab act
 * in it. In a layout effect, as the form appears: a plain effect waits for the next frame, and a key
 * typed at once (Enter, then Tab) went to the page behind it.
 */
function useFocusFirstField() {
  const ref = useRef<HTMLFormElement>(null);
  useLayoutEffect(() => ref.current?.querySelector<HTMLElement>('input, select, textarea')?.focus(), []);
  return ref;
}

/**
 * A row's form (Edit, Export): it takes the focus as it opens, Escape or Cancel closes it, and a
 * problem stays under it with what was typed, to be corrected.
 */
function RowForm(props: { onSubmit(): void; onCancel(): void; submit: ComponentChildren; error: string | null; testid: string; errorTestid?: string; children: ComponentChildren }) {
  const formRef = useFocusFirstField();
  return (
    <form
      class="session-editor"
      ref={formRef}
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
      onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}
      data-testid={props.testid}
    >
      {props.children}
      <div class="editor-actions">
        <button type="button" class="btn" onClick={props.onCancel}>
          Cancel
        </button>
        {props.submit}
      </div>
      {props.error && (
        <p class="form-error wide" role="alert" data-testid={props.errorTestid}>
          {props.error}
        </p>
      )}
    </form>
  );
}

function ConfirmDelete({ session, replaying, onConfirm, onCancel }: { session: SessionSummary; replaying: boolean; onConfirm(): void; onCancel(): void }) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => cancelRef.current?.focus(), []); // as the dialog appears (see useFocusFirstField)
  return (
    <div class="confirm" role="alertdialog" aria-label="Confirm delete" onKeyDown={(e) => e.key === 'Escape' && onCancel()} data-testid="confirm-delete">
      <p>
        Delete <strong>{session.name}</strong> ({formatDuration(session.endTime - session.startTime)}, {formatBytes(session.diskBytes)})? Its samples, markers and self-reports
        are removed for good.{replaying && ' Its replay closes, and the live devices come back.'}
      </p>
      <button type="button" class="btn" ref={cancelRef} onClick={onCancel}>
        Keep it
      </button>
      <button type="button" class="btn btn-stop" onClick={onConfirm} data-testid="confirm-delete-yes">
        Delete
      </button>
    </div>
  );
}

function SessionEditor({ client, session, onDone }: { client: HeartMindClient; session: SessionSummary; onDone(msg?: string): void }) {
  const [name, setName] = useState(session.name);
  const [subject, setSubject] = useState(session.subjectId);
  const [tags, setTags] = useState(session.tags.join(', '));
  const [notes, setNotes] = useState(session.notes);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    // Said here, in the form's words: spaces pass the field's `required`, and the database's refusal
    // read 'updateSession: a session name cannot be empty'.
    if (!name.trim()) {
      setError('A session name cannot be empty (nor only spaces)');
      return;
    }
    try {
      await client.invoke('hm:sessions:update', {
        sessionId: session.id,
        name,
        subjectId: subject,
        notes,
        tags: tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      });
      onDone('Saved');
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <RowForm
      onSubmit={() => void save()}
      onCancel={() => onDone()}
      error={error}
      testid="session-editor"
      submit={
        <button type="submit" class="btn btn-start" data-testid="edit-save">
          Save
        </button>
      }
    >
      <label>
        Name <input value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} required maxLength={500} data-testid="edit-name" />
      </label>
      <label>
        Subject <input value={subject} onInput={(e) => setSubject((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Tags <input value={tags} placeholder="comma separated" onInput={(e) => setTags((e.target as HTMLInputElement).value)} data-testid="edit-tags" />
      </label>
      <label class="wide">
        Notes <textarea rows={3} value={notes} onInput={(e) => setNotes((e.target as HTMLTextAreaElement).value)} />
      </label>
    </RowForm>
  );
}

/** Seconds from the session's start typed in the export form: undefined when empty, NaN when not a number. */
function rangeSeconds(text: string): number | undefined {
  const t = text.trim().replace(',', '.');
  return t === '' ? undefined : /^[-+]?(\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : NaN;
}

function ExportForm({ client, session, onDone }: { client: HeartMindClient; session: SessionSummary; onDone(msg?: string, error?: boolean): void }) {
  const [format, setFormat] = useState<ExportFormat>('edf');
  /** The session's name as a file name, with the chosen format's extension: the name the core gives an export into a folder. */
  const fileName = `${sessionFileBase(session.name, session.id)}.${format}`;
  const [path, setPath] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  /** EDF+D/BDF+D: gaps left out rather than zero-filled and marked (only readers that honour record times place the data right). */
  const [discontinuous, setDiscontinuous] = useState(false);
  const [busy, setBusy] = useState(false);
  // A refused export keeps the form: Export, disabled while it ran, gets the focus back.
  const holdFocus = useFocusThroughBusy(busy);
  /** A problem stays in the form with what was typed, so it can be corrected. */
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    const fromRel = rangeSeconds(from);
    const toRel = rangeSeconds(to);
    if (Number.isNaN(fromRel) || Number.isNaN(toRel)) {
      setError(`${Number.isNaN(fromRel) ? `From “${from.trim()}”` : `To “${to.trim()}”`} is not a number of seconds from the session's start`);
      return;
    }
    if (fromRel !== undefined && toRel !== undefined && !(toRel > fromRel)) {
      setError(`To (${toRel} s) must be after From (${fromRel} s)`);
      return;
    }
    holdFocus();
    setBusy(true);
    setError(null);
    try {
      const fromS = fromRel === undefined ? undefined : session.startTime + fromRel;
      const toS = toRel === undefined ? undefined : session.startTime + toRel;
      const r = await client.invoke('hm:sessions:export', { sessionId: session.id, format, path: path.trim(), fromTime: fromS, toTime: toS, discontinuous: format !== 'csv' && discontinuous });
      onDone(
        `Exported ${plural(r.samples, 'value')}, ${plural(r.annotations, 'annotation')}, ${predictionsExportText(r)} to ${r.files.join(', ')} (${formatBytes(r.bytes)})${r.warnings.map((w) => `. Warning: ${w}`).join('')}`,
      );
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <RowForm
      onSubmit={() => void run()}
      onCancel={() => onDone()}
      error={error}
      testid="export-form"
      errorTestid="export-error"
      submit={
        <button type="submit" class="btn btn-start" disabled={busy} data-testid="export-submit">
          {busy ? 'Exporting…' : 'Export'}
        </button>
      }
    >
      <label>
        Format
        <select value={format} onChange={(e) => setFormat((e.target as HTMLSelectElement).value as ExportFormat)}>
          <option value="edf">EDF+ (16-bit)</option>
          <option value="bdf">BDF (24-bit)</option>
          <option value="csv">CSV</option>
        </select>
      </label>
      <label class="wide">
        File{' '}
        <PathInput
          value={path}
          onValue={setPath}
          required
          placeholder={`/path/to/${fileName}`}
          pick={{ mode: 'save-file', title: `Export “${session.name}”`, defaultPath: fileName, filters: [EXPORT_FILTERS[format]] }}
        />
      </label>
      <label>
        From (s) <input inputMode="decimal" value={from} data-testid="export-from" placeholder="0" onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        To (s) <input inputMode="decimal" value={to} data-testid="export-to" placeholder={String(Math.round(session.endTime - session.startTime))} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
      </label>
      {format !== 'csv' && (
        <label class="small muted wide check" title="Default: gaps are written as zeros marked BAD_ACQ_SKIP, so every reader places the data after a gap at its time">
          <input type="checkbox" checked={discontinuous} onChange={(e) => setDiscontinuous((e.target as HTMLInputElement).checked)} data-testid="export-discontinuous" /> Leave gaps out
          ({format.toUpperCase()}+D: smaller, but only for readers that honour record start times)
        </label>
      )}
    </RowForm>
  );
}

/**
 * The length of the session being recorded, from its commits as they are pushed: the list is read
 * again only when the library changes or the session gets a marker or self-report, so its length
 * stood at what it was then (a 9-s recording read 0:05). Its own component: only this cell follows
 * the pushes, not the whole table.
 */
function RecordingLength({ client, session }: { client: HeartMindClient; session: SessionSummary }) {
  const status = useRecordingStatus(client);
  const last = status?.sessionId === session.id ? status.lastCommitTime : null;
  return <>{formatDuration(Math.max(session.endTime, last ?? -Infinity) - session.startTime)}</>;
}

type StoredPrediction = Omit<Prediction, 'id' | 'sessionId'>;

/** Adds rows by model and window, as the database keeps them: a row for a window already held replaces it. */
function mergePredictions(rows: Map<string, StoredPrediction>, added: readonly StoredPrediction[]): Map<string, StoredPrediction> {
  for (const p of added) rows.set(`${p.modelId}\u0000${p.windowTime}`, p);
  return rows;
}

/**
 * A session's stored model predictions, one line per model: which modalities fed its windows and
 * why one was absent (no device, a gap, the stream still starting, which flags made the quality too
 * poor), and under it a line per task: what the model answered over the session, then the same per
 * marker label (the session's markers and recorded settings read with the predictions; a marker
 * stored while it is open is added). Read when the detail opens, not
 * for every row of the list (a long session holds a row per window), and again on each
 * (re)connection; while it is open, the rows the core stores in the session (a recording or a
 * replay with a model running: `sessions:predictions`, about once a second) are added as they come,
 * without reading the rest again.
 */
function PredictionsDetail({ client, session, recording }: { client: HeartMindClient; session: SessionSummary; recording: boolean }) {
  const [lines, setLines] = useState<ReturnType<typeof predictionLines> | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Counts the ends of runs of a model over this session (Run model): each reads the rows again (a rerun removes a model's rows at other window times). */
  const [runsEnded, setRunsEnded] = useState(0);
  useEffect(
    () =>
      client.on('sessions:predict', ({ status }) => {
        if (status.sessionId === session.id && ['done', 'stopped', 'failed'].includes(status.state)) setRunsEnded((n) => n + 1);
      }),
    [client, session.id],
  );
  // Where the last segment ends (a recording's end moves on; the rows are not read again for it).
  const endTime = useRef(session.endTime);
  endTime.current = session.endTime;
  useEffect(() => {
    let live = true;
    // null while a read is under way: rows pushed meanwhile wait in `pending` and go on top of it.
    let rows: Map<string, StoredPrediction> | null = null;
    let pending: StoredPrediction[] = [];
    let reads = 0; // only the latest read counts (a reconnection starts another)
    // The installed models' tasks name the classes; without them (the list failed) they go by index.
    let models: ModelSummary[] = [];
    // The session's markers and recorded settings split the windows by marker segment (none: no breakdown).
    // By id: a replay pushes the stored markers again as its playhead passes them.
    const markers = new Map<number, SegmentMarker>();
    let settings: FilterSettingsEntry[] = [];
    const show = () => setLines(predictionLines([...rows!.values()].sort((a, b) => a.windowTime - b.windowTime), models, { markers: [...markers.values()], settings, startTime: session.startTime, endTime: endTime.current }));
    const offPush = client.on('sessions:predictions', (m) => {
      if (m.sessionId !== session.id) return;
      if (!rows) return void pending.push(...m.predictions);
      mergePredictions(rows, m.predictions);
      show();
    });
    // A marker stored in the session while it is open (a recording) opens a segment.
    const offMarker = client.on('sessions:marker', (m) => {
      if (m.marker.sessionId !== session.id || m.marker.id === null) return;
      markers.set(m.marker.id, m.marker);
      if (rows) show();
    });
    const offConn = client.onConnection((state) => {
      if (state !== 'open') return;
      rows = null;
      pending = [];
      const read = ++reads;
      Promise.all([
        client.invoke('hm:sessions:predictions', { sessionId: session.id }),
        client.invoke('hm:models:list').catch(() => null),
        client.invoke('hm:sessions:timeline', { sessionId: session.id }),
        client.invoke('hm:sessions:get', { sessionId: session.id }),
      ])
        .then(([p, list, timeline, detail]) => {
          if (!live || read !== reads) return;
          models = list?.models ?? [];
          for (const m of timeline.markers) markers.set(m.id, m);
          settings = detail.filterSettings;
          rows = mergePredictions(new Map(), p);
          mergePredictions(rows, pending);
          pending = [];
          setError(null);
          show();
        })
        .catch((err) => live && read === reads && setError(messageOf(err)));
    });
    return () => {
      live = false;
      offPush();
      offMarker();
      offConn();
    };
  }, [client, session.id, runsEnded]);
  return (
    <div class="predictions-detail" id={`predictions-${session.id}`} role="region" aria-label={`Predictions of ${session.name}`} aria-busy={lines === null && error === null} data-testid="session-predictions">
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : lines === null ? (
        <p class="muted small">Loading predictions…</p>
      ) : lines.length === 0 ? (
        <p class="muted small">{NO_PREDICTIONS_TEXT}</p>
      ) : (
        <ul class="prediction-lines small">
          {lines.flatMap((l) => [
            <li key={l.model}>Predictions by {l.model}</li>,
            ...l.tasks.map((t) => (
              <li key={`${l.model}\u0000${t}`} class="prediction-task" data-testid="prediction-task">
                {t}
              </li>
            )),
            ...(l.segments
              ? [
                  <li key={`${l.model}\u0000segments`} class="prediction-task" data-testid="prediction-segments">
                    {l.segments.head}
                    <ul class="prediction-segments">
                      {l.segments.labels.map((g) => (
                        <li key={g.line} data-testid="prediction-segment">
                          {g.line}
                          {g.tasks.length > 0 && (
                            <ul>
                              {g.tasks.map((t) => (
                                <li key={t}>{t}</li>
                              ))}
                            </ul>
                          )}
                        </li>
                      ))}
                    </ul>
                  </li>,
                ]
              : []),
          ])}
        </ul>
      )}
      <RunModel client={client} session={session} recording={recording} />
    </div>
  );
}

type Mode = { kind: 'edit' | 'export' | 'delete' | 'predictions'; id: number } | null;

/**
 * After a delete: the row now at the deleted one's place (the next session), else the last row (the
 * previous one), else the search field (the list is empty). In the row, its Delete button (where the
 * focus was, so several sessions can be deleted in turn; each asks first) or, while it is disabled
 * (the session records), the row's first button that works.
 */
function focusAfterDelete(table: HTMLTableElement | null, index: number, search: HTMLInputElement | null): void {
  const rows = table ? [...table.querySelectorAll<HTMLTableRowElement>('tr[data-testid="session-row"]')] : [];
  const row = rows[Math.min(index, rows.length - 1)];
  const buttons = row ? [...row.querySelectorAll<HTMLButtonElement>('.row-actions button')].filter((b) => !b.disabled) : [];
  const target = buttons.find((b) => b.dataset.testid === 'delete-session') ?? buttons[0] ?? search;
  target?.focus();
}

export function Library({ client, replaySessionId, recordingSessionId }: { client: HeartMindClient; replaySessionId: number | null; recordingSessionId: number | null }) {
  const [text, setText] = useState('');
  const [tag, setTag] = useState('');
  const [mode, setMode] = useState<Mode>(null);
  /** The row's Edit, Export or Delete button that opened the form: the focus goes back to it when the form closes. */
  const opener = useRef<HTMLElement | null>(null);
  const openForm = (e: Event, m: NonNullable<Mode>) => {
    opener.current = e.currentTarget as HTMLElement;
    setMode(m);
  };
  // A layout effect: the focus is back before the next frame, not a moment later.
  useLayoutEffect(() => {
    if (mode !== null) return;
    const el = opener.current;
    opener.current = null;
    returnFocus(el); // when the focus went down with the form (Cancel, Escape, Keep it, Save)
  }, [mode]);
  /** The last outcome; `replaying`: the session a "Replaying …" message names. */
  const [message, setMessage] = useState<{ text: string; error?: boolean; replaying?: number } | null>(null);
  const [importPath, setImportPath] = useState('');
  const [importing, setImporting] = useState(false);
  /** The BrainFlow board of a CSV ('' = recognise it from the column count). */
  const [board, setBoard] = useState('');
  /** The last import asked for a board (a BrainFlow file whose columns fit several). */
  const [boardAsked, setBoardAsked] = useState(false);
  const { sessions, tags, info, error, refresh } = useLibrary(client, text, tag);
  const searchRef = useRef<HTMLInputElement>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  /** A session just deleted and the row it held: the focus goes to the row that takes its place once the list no longer shows it. */
  const deleted = useRef<{ id: number; index: number } | null>(null);
  useLayoutEffect(() => {
    const d = deleted.current;
    if (!d || !sessions || sessions.some((s) => s.id === d.id)) return;
    deleted.current = null;
    // Its row went with the list's refresh, and the focus (on its Delete button) fell to the page body.
    if (focusLost()) focusAfterDelete(tableRef.current, d.index, searchRef.current);
  }, [sessions]);
  // "Replaying …" goes when that replay closes (it would otherwise name a replay that is gone).
  useEffect(() => {
    if (message?.replaying !== undefined && message.replaying !== replaySessionId) setMessage(null);
  }, [replaySessionId]);

  const done = (msg?: string, isError = false) => {
    setMode(null);
    if (msg) setMessage({ text: msg, error: isError });
    refresh();
  };
  const open = async (s: SessionSummary) => {
    try {
      await client.invoke('hm:sessions:replay-open', { sessionId: s.id, speed: 1, play: true });
      setMessage({ text: `Replaying “${s.name}”`, replaying: s.id });
    } catch (err) {
      setMessage({ text: messageOf(err), error: true });
    }
  };
  const del = async (s: SessionSummary) => {
    try {
      const r = await client.invoke('hm:sessions:delete', { sessionId: s.id });
      deleted.current = { id: s.id, index: sessions?.findIndex((x) => x.id === s.id) ?? 0 };
      // SQLite keeps the file's size and reuses the pages for what is recorded next.
      done(`Deleted “${s.name}”: ${formatBytes(r.freedBytes)} ${r.returnedToDisk ? 'given back to the disk' : 'in the database is free for new recordings (this database file predates giving space back, so it keeps its size)'}`);
    } catch (err) {
      done(messageOf(err), true);
    }
  };
  // (a path pasted with quotes, "Copy as path" on Windows, is a .csv file too: the core drops them)
  const showBoard = boardAsked || /\.csv["']?$/i.test(importPath.trim());
  const doImport = async () => {
    setImporting(true);
    try {
      const s = await client.invoke('hm:sessions:import', { path: importPath.trim(), ...(showBoard && board ? { board } : {}) });
      setImportPath('');
      setBoardAsked(false);
      done(`Imported “${s.name}”: ${plural(s.sampleCount, 'value')}, ${plural(s.markerCount, 'marker')}${s.selfReportCount ? `, ${plural(s.selfReportCount, 'self-report')}` : ''}${s.warnings.map((w) => `. Warning: ${w}`).join('')}`);
    } catch (err) {
      // The core's FormatError code arrives as the RemoteError's kind: a BrainFlow file that fits several boards.
      if (err instanceof RemoteError && err.kind === ('ambiguous-board' satisfies FormatErrorCode)) setBoardAsked(true);
      setMessage({ text: messageOf(err), error: true });
    } finally {
      setImporting(false);
    }
  };

  return (
    <section class="panel library" aria-label="Session library" data-testid="library">
      <div class="panel-header">
        <h2>Sessions</h2>
        <input type="search" ref={searchRef} class="library-search" aria-label="Search name, subject, notes or tag" placeholder="Search name, subject, notes, tag…" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} data-testid="library-search" />
        <select aria-label="Filter by tag" value={tag} onChange={(e) => setTag((e.target as HTMLSelectElement).value)}>
          <option value="">All tags</option>
          {tags.map((t) => (
            <option key={t.tag} value={t.tag}>
              {t.tag} ({t.sessions})
            </option>
          ))}
        </select>
        <form
          class="import-form panel-tools"
          onSubmit={(e) => {
            e.preventDefault();
            void doImport();
          }}
        >
          <PathInput
            aria-label="File to import (EDF, BDF, WFDB .hea, XDF, OpenBCI, BrainFlow, CSV)"
            placeholder="Import file: /path/to/recording.edf"
            value={importPath}
            onValue={(v) => {
              setImportPath(v);
              setBoardAsked(false);
            }}
            pick={IMPORT_PICK}
            data-testid="import-path"
          />
          {showBoard && (
            <select aria-label="BrainFlow board that wrote the file" title="For BrainFlow CSV files: the board that wrote the file" value={board} onChange={(e) => setBoard((e.target as HTMLSelectElement).value)} data-testid="import-board">
              <option value="">Board: from the columns</option>
              {brainflowBoardNames().map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          )}
          <button type="submit" class="btn" disabled={importing || !importPath.trim()} data-testid="import-button">
            {importing ? 'Importing…' : 'Import'}
          </button>
        </form>
      </div>
      {message && (
        <p class={message.error ? 'form-error' : 'muted small'} role={message.error ? 'alert' : 'status'} data-testid="library-message">
          {message.text}
        </p>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {sessions === null ? (
        <p class="muted">Loading…</p>
      ) : sessions.length === 0 ? (
        <p class="muted" data-testid="library-empty">
          {text || tag ? 'No session matches.' : 'No sessions yet: press Record, or import a file.'}
        </p>
      ) : (
        <table class="session-table" ref={tableRef} data-testid="session-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Subject</th>
              <th scope="col">Started</th>
              {/* A figure's header sits over it (right-aligned, on one line, as the figures are). */}
              <th scope="col" class="num">
                Length
              </th>
              <th scope="col">Tags</th>
              <th scope="col" class="num">
                Markers
              </th>
              <th scope="col" class="num">
                On disk
              </th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <Fragment key={s.id}>
                <tr class={s.id === replaySessionId ? 'row-active' : ''} data-testid="session-row" data-session-id={s.id}>
                  <td>
                    <strong>{s.name}</strong>
                    {s.state !== 'complete' && (
                      // What "interrupted" means (a kill, a crash, a disk error), on hover and for a screen reader.
                      <span class={`badge state-${s.state}`} title={s.state === 'interrupted' ? `Interrupted: ${INTERRUPTED_SESSION_TEXT}` : undefined} data-testid="session-state">
                        {s.state}
                        {s.state === 'interrupted' && <span class="sr-only">: {INTERRUPTED_SESSION_TEXT}</span>}
                      </span>
                    )}
                    {s.origin === 'imported' && <span class="badge">imported</span>}
                  </td>
                  <td>{s.subjectId || <span class="muted">–</span>}</td>
                  <td>{formatDate(s.startTime)}</td>
                  <td class="num" data-testid="session-length">
                    {s.id === recordingSessionId ? <RecordingLength client={client} session={s} /> : formatDuration(s.endTime - s.startTime)}
                  </td>
                  <td>
                    {s.tags.map((t) => (
                      <button key={t} type="button" class="tag" onClick={() => setTag(t)} title={`Show sessions tagged ${t}`} aria-label={`Show sessions tagged ${t}`}>
                        {t}
                      </button>
                    ))}
                  </td>
                  <td class="num" data-testid="session-markers">
                    {s.markerCount}
                    {s.selfReportCount > 0 && <span class="muted"> · {s.selfReportCount} SAM</span>}
                  </td>
                  <td class="num" data-testid="session-size">
                    {formatBytes(s.diskBytes)}
                  </td>
                  <td class="row-actions">
                    <button
                      type="button"
                      class="btn btn-small"
                      onClick={() => void open(s)}
                      disabled={s.state === 'recording' || recordingSessionId !== null}
                      title={recordingSessionId !== null ? 'Stop the recording to replay: a replay takes the pipeline from the live devices' : undefined}
                      // Every row has these buttons: the session's name says which one (a screen reader's list of buttons).
                      aria-label={`Replay ${s.name}`}
                      data-testid="open-replay"
                    >
                      Replay
                    </button>
                    <button
                      type="button"
                      class="btn btn-small"
                      // A disclosure: pressed again, it closes the detail.
                      onClick={(e) => (mode?.kind === 'predictions' && mode.id === s.id ? setMode(null) : openForm(e, { kind: 'predictions', id: s.id }))}
                      aria-expanded={mode?.kind === 'predictions' && mode.id === s.id}
                      aria-controls={mode?.kind === 'predictions' && mode.id === s.id ? `predictions-${s.id}` : undefined}
                      aria-label={`Predictions of ${s.name}`}
                      data-testid="show-predictions"
                    >
                      Predictions
                    </button>
                    <button type="button" class="btn btn-small" onClick={(e) => openForm(e, { kind: 'edit', id: s.id })} aria-label={`Edit ${s.name}`} data-testid="edit-session">
                      Edit
                    </button>
                    <button type="button" class="btn btn-small" onClick={(e) => openForm(e, { kind: 'export', id: s.id })} aria-label={`Export ${s.name}`}>
                      Export
                    </button>
                    <button type="button" class="btn btn-small btn-stop" onClick={(e) => openForm(e, { kind: 'delete', id: s.id })} disabled={s.state === 'recording'} aria-label={`Delete ${s.name}`} data-testid="delete-session">
                      Delete
                    </button>
                  </td>
                </tr>
                {mode?.id === s.id && (
                  <tr class="row-form">
                    <td colSpan={8}>
                      {mode.kind === 'edit' && <SessionEditor client={client} session={s} onDone={done} />}
                      {mode.kind === 'export' && <ExportForm client={client} session={s} onDone={done} />}
                      {mode.kind === 'predictions' && <PredictionsDetail client={client} session={s} recording={s.state === 'recording' || s.id === recordingSessionId} />}
                      {mode.kind === 'delete' && <ConfirmDelete session={s} replaying={s.id === replaySessionId} onCancel={() => setMode(null)} onConfirm={() => void del(s)} />}
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
      {info && (
        <p class="muted small db-info" data-testid="db-info">
          Database {info.path} · {formatBytes(info.sizeBytes)} · schema {info.schemaVersion}
          {info.readonly ? ' · read-only' : ''}
        </p>
      )}
    </section>
  );
}
