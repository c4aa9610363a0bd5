// Record / stop, marker and self-report controls. Shown on the Sessions view and as a panel on
// the live dashboard. Shortcuts (outside form fields and the SAM panel, whose keys are its own):
// M puts a marker, S opens the SAM panel.
// While recording, the bar counts the session's markers and self-reports and names the last
// marker, whoever sent it (M key, stimulus software over UDP/WebSocket, requests), so a researcher
// sees the triggers arrive. While a replay is open, Record waits for it to close (a recording
// takes live devices) and M marks the replayed session at the playhead.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Marker, RecordingStatus } from '../../../../shared/session.types';
import type { HeartMindClient } from '../../transport/client';
import { clockTimeS } from '../../../../shared/clock-time';
import { messageOf } from '../../shell/error-message';
import { eventTimeText, formatBytes, formatDuration, nextSessionName, plural } from './format';
import { isShortcutKey } from '../../shell/shortcuts';
import { useFocusThroughBusy } from '../../shell/focus-return';
import { useCalmText } from '../../shell/calm-status';
import { useGatedState } from '../../live/use-live';
import { SamPanel } from './sam-panel';
import { useReplayStatus } from './replay-panel';
import './sessions.css';
import { usePushedStatus } from './use-pushed-status';

export function useRecordingStatus(client: HeartMindClient): RecordingStatus | null {
  return usePushedStatus<RecordingStatus>(client, 'sessions:recording', 'hm:sessions:record-status');
}


/** The markers and self-reports of the session being recorded: those stored before this page looked, and each one pushed since. */
function useRecordingEvents(client: HeartMindClient, sessionId: number | null): { markers: number; reports: number; last: Marker | null } {
  const [events, setEvents] = useGatedState<{ markers: number; reports: number; last: Marker | null }>({ markers: 0, reports: 0, last: null });
  const seen = useRef({ markers: new Set<number>(), reports: new Set<number>() });
  useEffect(() => {
    seen.current = { markers: new Set(), reports: new Set() };
    setEvents(() => ({ markers: 0, reports: 0, last: null }), true);
    if (sessionId === null) return;
    let live = true;
    const addMarkers = (list: Marker[]) => {
      const fresh = list.filter((m) => !seen.current.markers.has(m.id));
      if (fresh.length === 0) return;
      for (const m of fresh) seen.current.markers.add(m.id);
      const newest = fresh.reduce((a, b) => (b.time >= a.time ? b : a));
      setEvents((e) => ({ ...e, markers: seen.current.markers.size, last: e.last && e.last.time > newest.time ? e.last : newest }));
    };
    const addReports = (ids: number[]) => {
      for (const id of ids) seen.current.reports.add(id);
      setEvents((e) => ({ ...e, reports: seen.current.reports.size }));
    };
    const offs = [
      client.on('sessions:marker', (m) => {
        if (m.marker.sessionId === sessionId && m.marker.id !== null) addMarkers([m.marker as Marker]);
      }),
      client.on('sessions:self-report', (m) => {
        if (m.report.sessionId === sessionId) addReports([m.report.id]);
      }),
    ];
    client
      .invoke('hm:sessions:timeline', { sessionId })
      .then((t) => {
        if (!live) return;
        addMarkers(t.markers);
        addReports(t.selfReports.map((r) => r.id));
      })
      .catch(() => {}); // the pushes still count; the bar has no place for this error
    return () => {
      live = false;
      offs.forEach((off) => off());
    };
  }, [client, sessionId]);
  return events;
}

/** How many of something came, and the last of them. */
type Tally<T> = { count: number; last: T | null };

/**
 * Markers from stimulus software (UDP, WebSocket, requests) that came while nothing recorded: the
 * core shows them on the live traces and stores none. Counted here, with the last one, so a trigger
 * test before Record is seen to arrive, and so is a script left sending after Stop (the Sessions view
 * said nothing of them). Also while a replay is open (`reviewing`: its session id), where they are
 * neither stored nor on the traces (those show the replayed past), and the bar said nothing at all.
 * Counted afresh when a recording starts and when a replay opens or closes.
 */
function useUnstoredMarkers(client: HeartMindClient, idle: boolean, reviewing: number | null): Tally<{ label: string; source: string; time: number }> {
  const [seen, setSeen] = useGatedState<Tally<{ label: string; source: string; time: number }>>({ count: 0, last: null });
  useEffect(() => {
    setSeen(() => ({ count: 0, last: null }), true);
    if (!idle) return;
    return client.on('sessions:marker', ({ marker: m }) => {
      if (m.sessionId !== null || m.source === 'keyboard') return; // (this bar says its own M)
      setSeen((x) => ({ count: x.count + 1, last: { label: m.label, source: m.source, time: m.time } }));
    });
  }, [client, idle, reviewing]);
  return seen;
}

/**
 * Markers of stimulus software the core refused (a time in milliseconds, binary data): how many,
 * and why the last one was. The sender's reply said so, which a UDP script seldom reads, and the
 * Sessions view nothing: a whole run's triggers could be refused while the bar counted 0 markers.
 */
function useRefusedMarkers(client: HeartMindClient, recordingSessionId: number | null): Tally<{ source: string; error: string }> {
  const [refused, setRefused] = useState<Tally<{ source: string; error: string }>>({ count: 0, last: null });
  useEffect(() => client.on('sessions:marker-refused', ({ source, error, count }) => setRefused((r) => ({ count: r.count + count, last: { source, error } }))), [client]);
  // Counted afresh from each Record (those of a recording stay in view after its Stop).
  useEffect(() => {
    if (recordingSessionId !== null) setRefused({ count: 0, last: null });
  }, [recordingSessionId]);
  return refused;
}

/**
 * The core's host time now, ticking while `active`. The page may run on another machine whose
 * clock is not the core's, so it is this page's clock plus the offset seen at the core's last
 * commit (`lastCommitTime`, pushed within a commit interval of it).
 */
function useCoreNowS(status: RecordingStatus | null, active: boolean): number {
  const offset = useRef(0);
  const lastCommit = status?.lastCommitTime ?? null;
  useEffect(() => {
    if (lastCommit !== null) offset.current = lastCommit - Date.now() / 1000;
  }, [lastCommit]);
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now() / 1000), 500);
    return () => clearInterval(t);
  }, [active]);
  return now + offset.current;
}

/** Whether the core is in reach: without it every button here could only fail. */
function useConnected(client: HeartMindClient): boolean {
  const [open, setOpen] = useState(client.state === 'open');
  useEffect(() => client.onConnection((s) => setOpen(s === 'open')), [client]);
  return open;
}

const NO_CORE = 'No contact with the core: this works again when it is back';
/** Why Self-report waits (its button disabled, the S key): a self-report is stored in the session recording. */
export const SAM_NEEDS_RECORDING = 'Self-report (S) is stored in the session being recorded: press Record first';

export function RecordBar({ client, compact = false }: { client: HeartMindClient; compact?: boolean }) {
  const status = useRecordingStatus(client);
  const connected = useConnected(client);
  const replay = useReplayStatus(client);
  const recording = status?.state === 'recording';
  const events = useRecordingEvents(client, recording ? (status?.sessionId ?? null) : null);
  /** The session open for replay (review), when nothing records: M marks it at the playhead. */
  const reviewing = !recording && replay !== null && replay.state !== 'closed' && replay.sessionId !== null ? replay : null;
  const unstored = useUnstoredMarkers(client, status !== null && !recording, reviewing?.sessionId ?? null);
  const refused = useRefusedMarkers(client, recording ? (status?.sessionId ?? null) : null);
  // Away from the core the duration stops at the last figure it sent, rather than counting on as if live.
  const now = useCoreNowS(status, recording && connected);
  const [name, setName] = useState('');
  const [subject, setSubject] = useState('');
  const [tags, setTags] = useState('');
  const [markerLabel, setMarkerLabel] = useState('marker');
  const [message, setMessage] = useState<{ text: string; error?: boolean } | null>(null);
  const [sam, setSam] = useState(false);
  const [busy, setBusy] = useState(false);
  // Record and Stop are one button (the same element, relabelled): disabled while the request
  // runs, it would drop the focus, and Enter on Record could not be followed by Enter on Stop.
  const holdFocus = useFocusThroughBusy(busy);

  const say = (text: string, error = false) => setMessage({ text, error });

  const start = async () => {
    holdFocus();
    setBusy(true);
    try {
      const tagList = tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      const s = await client.invoke('hm:sessions:record-start', { name: name.trim() || undefined, subjectId: subject.trim() || undefined, tags: tagList });
      // The next run of the same condition gets the next name; subject and tags stay as typed.
      setName((typed) => nextSessionName(typed));
      say(`Recording “${s.name}”`);
    } catch (err) {
      say(messageOf(err), true);
    } finally {
      setBusy(false);
    }
  };
  const stop = async () => {
    holdFocus();
    setBusy(true);
    try {
      const s = await client.invoke('hm:sessions:record-stop');
      // The library's figure (samples plus the rows' overhead), so the two never disagree; the
      // recorder's count of sample bytes, labelled as such, only if the library cannot answer.
      const size =
        s.sessionId === null
          ? `${formatBytes(s.committedBytes)} of samples`
          : await client.invoke('hm:sessions:get', { sessionId: s.sessionId }).then(
              (d) => formatBytes(d.diskBytes),
              () => `${formatBytes(s.committedBytes)} of samples`,
            );
      say(`Saved “${s.name}” (${size})`);
    } catch (err) {
      say(messageOf(err), true);
    } finally {
      setBusy(false);
    }
  };
  const mark = async () => {
    const label = markerLabel.trim() || 'marker';
    try {
      if (reviewing && reviewing.startTime !== null) {
        const at = reviewing.position ?? reviewing.startTime;
        await client.invoke('hm:sessions:marker', { label, source: 'keyboard', sessionId: reviewing.sessionId!, time: at });
        // In the words of the timeline's tooltip and `sessions show` (it said the whole second, rounded).
        say(`Marker “${label}” added to the replayed session at ${eventTimeText(at - reviewing.startTime)}`);
        return;
      }
      const r = await client.invoke('hm:sessions:marker', { label, source: 'keyboard' });
      say(r.marker ? `Marker “${label}” at ${clockTimeS(r.time)}` : `Marker “${label}” shown (not recording, so not stored)`);
    } catch (err) {
      say(messageOf(err), true);
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isShortcutKey(e)) return;
      if (e.key === 'm' || e.key === 'M') {
        e.preventDefault();
        void mark();
      } else if (e.key === 's' || e.key === 'S') {
        e.preventDefault();
        // Not a silent key while nothing records: said why, as the button's tooltip does.
        if (recording) setSam(true);
        else say(SAM_NEEDS_RECORDING);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [markerLabel, recording, reviewing]);

  const failed = status?.state === 'failed' && status.error;
  // Lines that change with each marker of a flood (a script at 1000/s, or stuck on one mistake): on
  // screen as they come, spoken through the calm regions below (a line per change queued hundreds).
  // During a replay they carry the time they came, and the replay plays a past session: stored at the
  // playhead, a trigger script left running would write into a finished recording.
  const unstoredText = unstored.last
    ? `${plural(unstored.count, 'marker')} from stimulus software ${reviewing ? 'during the replay: not stored in the replayed session (they carry the time they came; M marks it at the playhead)' : 'while not recording: shown on the live traces, not stored'} (last: “${unstored.last.label}”, ${unstored.last.source}, ${clockTimeS(unstored.last.time)})`
    : '';
  const refusedText = refused.last ? `${plural(refused.count, 'marker')} from stimulus software refused${recording ? ' in this recording' : ''}; the last, from ${refused.last.source}: ${refused.last.error}` : '';
  const unstoredSaid = useCalmText(unstoredText);
  const refusedSaid = useCalmText(refusedText);
  return (
    <section class={`panel record-bar${recording ? ' is-recording' : ''}`} aria-label="Recording" data-testid="record-bar">
      <div class="record-row">
        {recording ? (
          <button type="button" class="btn btn-stop record-button" onClick={() => void stop()} disabled={busy || !connected} title={connected ? undefined : NO_CORE} data-testid="record-stop">
            <span class="rec-dot" aria-hidden="true" /> Stop
          </button>
        ) : (
          <button
            type="button"
            class="btn btn-start record-button"
            onClick={() => void start()}
            disabled={busy || !connected || status?.state === 'stopping' || reviewing !== null}
            title={!connected ? NO_CORE : reviewing ? 'Close the replay to record: a recording takes the live devices' : undefined}
            data-testid="record-start"
          >
            <span class="rec-dot idle" aria-hidden="true" /> Record
          </button>
        )}
        {recording && status ? (
          // No live region: its duration and counts change several times a second, and as a
          // role="status" a screen reader read the whole line again each time (49 times in 10 s)
          // for as long as the recording ran. Start, stop, the M key's markers and refusals are said below.
          <span class="record-status" data-testid="record-status">
            <strong>{status.name}</strong> · {formatDuration(now - (status.startTime ?? now))} · {status.committedSamples.toLocaleString()} values · {formatBytes(status.committedBytes)} of samples ·{' '}
            <span data-testid="record-events">
              {plural(events.markers, 'marker')}
              {events.reports > 0 && ` · ${plural(events.reports, 'self-report')}`}
              {events.last && (
                <span class="muted">
                  {' '}
                  (last: “{events.last.label}”, {events.last.source}, {clockTimeS(events.last.time)})
                </span>
              )}
            </span>
          </span>
        ) : (
          !compact && (
            <span class="record-fields">
              <input aria-label="Session name" placeholder="Session name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
              <input aria-label="Subject id" placeholder="Subject" value={subject} onInput={(e) => setSubject((e.target as HTMLInputElement).value)} />
              <input aria-label="Tags, comma separated" placeholder="tags, comma separated" value={tags} onInput={(e) => setTags((e.target as HTMLInputElement).value)} />
            </span>
          )
        )}
        <span class="record-spacer" />
        {/* One piece when the row wraps (a narrow window): the marker's label stays beside its button. */}
        <span class="record-marks">
          {/* Enter in the label puts the marker, as the button does: a label typed ahead of the event is
              marked as it happens (Enter did nothing, and M typed an 'm' into the label). */}
          <input
            class="marker-input"
            aria-label="Marker label"
            title="The next marker's label: Enter (or M outside this field) puts it"
            value={markerLabel}
            onInput={(e) => setMarkerLabel((e.target as HTMLInputElement).value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter' || e.isComposing || !connected) return;
              e.preventDefault();
              void mark();
            }}
          />
          <button type="button" class="btn" onClick={() => void mark()} disabled={!connected} title={connected ? 'Put a marker now (M)' : NO_CORE} data-testid="marker-button">
            Marker <kbd>M</kbd>
          </button>
          <button type="button" class="btn" onClick={() => setSam(true)} disabled={!recording || !connected} title={!connected ? NO_CORE : recording ? 'Self-assessment (S)' : SAM_NEEDS_RECORDING} data-testid="sam-open">
            Self-report <kbd>S</kbd>
          </button>
        </span>
      </div>
      {failed && (
        <p class="form-error" role="alert" data-testid="record-error">
          Recording stopped: {status!.error!.message}
        </p>
      )}
      {!connected && status !== null && (
        <p class="muted small" role="status" data-testid="record-offline">
          {recording
            ? 'No contact with the core: these are its last figures. A recording goes on in the core as long as it runs; this bar catches up when it is back.'
            : 'No contact with the core: recording and markers wait until it is back.'}
        </p>
      )}
      {reviewing && !message && (
        <p class="muted small" data-testid="record-replay-note">
          A replay is open: close it to record. M marks the replayed session at the playhead.
        </p>
      )}
      {unstored.last && (
        <p class="muted small" data-testid="record-unstored">
          {unstoredText}
        </p>
      )}
      {refused.last && (
        <p class="form-error" data-testid="record-refused">
          {refusedText}
        </p>
      )}
      {/* Always present: a region added with its text is often not read at all. */}
      <p class="sr-only" role="status" data-testid="record-unstored-said">
        {unstoredSaid}
      </p>
      <p class="sr-only" role="status" data-testid="record-refused-said">
        {refusedSaid}
      </p>
      {message && !failed && (
        <p class={message.error ? 'form-error' : 'muted small'} role={message.error ? 'alert' : 'status'} data-testid="record-message">
          {message.text}
        </p>
      )}
      {/* The session recording as the panel opens, from this bar's pushed status: the report goes
          there even if Stop comes before Save. Left to the panel, it asked the core, and an answer
          slower than the experimenter's Stop (a loaded machine) said nothing records. */}
      {sam && <SamPanel client={client} sessionId={recording ? (status?.sessionId ?? undefined) : undefined} onClose={() => setSam(false)} onSaved={(t) => say(t)} />}
    </section>
  );
}

/** The dashboard panel (registered in dashboard-panels.ts). */
export default function RecordPanel({ client }: { client: HeartMindClient }) {
  return <RecordBar client={client} compact />;
}
