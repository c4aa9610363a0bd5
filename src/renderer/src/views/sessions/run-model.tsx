// Run model… in a session's Predictions detail: runs an installed model over every window of the
// recorded session in the core (as `heartmind sessions predict` does), for a session recorded
// without a model or a better model installed since. The models it does not fit are offered
// disabled, with why; while it runs, windows answered of about how many, the time left and Stop
// (what was stored is kept); at its end, what it did (the detail above reads its rows again).
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { PredictJobStatus, PredictModelChoice } from '../../../../shared/ipc/sessions.schema';
import type { SessionSummary } from '../../../../shared/session.types';
import type { HeartMindClient } from '../../transport/client';
import { messageOf } from '../../shell/error-message';
import { focusLost } from '../../shell/focus-return';
import { usePushedStatus } from './use-pushed-status';
import { formatDuration, plural } from './format';

const ACTIVE: readonly PredictJobStatus['state'][] = ['loading', 'running', 'stopping'];

/** The run's status as the core pushes it (also asked for on each (re)connection). */
export function usePredictStatus(client: HeartMindClient): PredictJobStatus | null {
  return usePushedStatus<PredictJobStatus>(client, 'sessions:predict', 'hm:sessions:predict-status');
}

/** What a finished run did, in a line. */
export function predictOutcomeText(s: PredictJobStatus): string {
  const r = s.result;
  if (s.state === 'failed') return `${s.modelId} stopped with an error: ${s.error ?? 'unknown'}. The predictions stored before are kept.`;
  if (!r) return '';
  if (r.stopped && r.windows === 0) return `Stopped before ${r.modelId} answered a window: the predictions stored are unchanged.`;
  const skipped = Object.values(r.skipped).reduce((n, k) => n + k, 0);
  const what = `${plural(r.stored, 'window')} of ${r.windowSec} s every ${r.hopSec} s answered by ${r.modelId} and stored in ${formatDuration(s.elapsedS)}`;
  const extra = [skipped ? `${plural(skipped, 'window')} the model could not read (${Object.keys(r.skipped).join('; ')})` : '', r.removed ? `${plural(r.removed, 'older prediction')} at other window times removed` : ''].filter(Boolean);
  return `${r.stopped ? `Stopped after ${plural(r.windows, 'window')}: ` : 'Done: '}${what}${extra.length ? `; ${extra.join('; ')}` : ''}.${r.stopped ? ' The rows after that point are the ones stored before.' : ''}`;
}

export function RunModel({ client, session, recording }: { client: HeartMindClient; session: SessionSummary; recording: boolean }) {
  const status = usePredictStatus(client);
  const [choices, setChoices] = useState<PredictModelChoice[] | null>(null);
  const [open, setOpen] = useState(false);
  const [modelId, setModelId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const selectRef = useRef<HTMLSelectElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const mine = status?.sessionId === session.id;
  const active = status !== null && ACTIVE.includes(status.state);
  const other = active && !mine;
  // The button pressed goes with the form (Run) or the progress (Stop, at the end): the keyboard
  // focus goes to what takes its place (Stop, then Run model…), not to the page body.
  const showing = mine && active ? 'progress' : open ? 'form' : 'closed';
  const shown = useRef(showing);
  useLayoutEffect(() => {
    const changed = shown.current !== showing;
    shown.current = showing;
    if (!changed || !focusLost()) return;
    if (showing === 'progress') stopRef.current?.focus();
    else if (showing === 'closed') openRef.current?.focus();
  }, [showing]);

  useEffect(() => {
    if (!open) return;
    let live = true;
    client
      .invoke('hm:sessions:predict-models', { sessionId: session.id })
      .then((c) => {
        if (!live) return;
        setChoices(c);
        // The model chosen in Models if it fits, else the first that fits.
        const fits = c.filter((m) => m.refusal === null);
        setModelId((fits.find((m) => m.active) ?? fits[0])?.id ?? '');
        setError(null);
      })
      .catch((err) => live && setError(messageOf(err)));
    return () => {
      live = false;
    };
  }, [client, session.id, open]);
  useEffect(() => {
    if (open && choices) selectRef.current?.focus();
  }, [open, choices]);

  const start = async () => {
    setAsking(true);
    setError(null);
    try {
      await client.invoke('hm:sessions:predict-start', { sessionId: session.id, modelId });
      setOpen(false);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setAsking(false);
    }
  };
  const stop = () => void client.invoke('hm:sessions:predict-stop').catch((err) => setError(messageOf(err)));

  if (mine && active) {
    const expected = Math.max(status.expectedWindows, status.windows);
    return (
      <div class="run-model" data-testid="run-model-progress">
        <progress max={expected || 1} value={status.answered} aria-label={`Windows of ${session.name} answered by ${status.modelId}`} />
        <span class="small" role="status">
          {status.state === 'loading'
            ? `Loading ${status.modelId}…`
            : status.state === 'stopping'
              ? `Stopping after this window (${plural(status.answered, 'window')} answered, kept)…`
              : `${status.modelId}: ${status.answered.toLocaleString()} of about ${plural(expected, 'window')} answered${status.etaS === null ? '' : `, about ${formatDuration(Math.ceil(status.etaS))} left`}`}
        </span>
        <button type="button" ref={stopRef} class="btn btn-small btn-stop" onClick={stop} disabled={status.state === 'stopping'} data-testid="run-model-stop">
          Stop
        </button>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
    );
  }
  const refused = choices?.filter((m) => m.refusal !== null) ?? [];
  const why = recording ? 'The session is being recorded: run a model over it once the recording has stopped' : other ? `A model is running over session ${status.sessionId}: one run at a time` : undefined;
  return (
    <div class="run-model" data-testid="run-model">
      {mine && status && !active && (
        <p class={status.state === 'failed' ? 'form-error' : 'small'} role={status.state === 'failed' ? 'alert' : 'status'} data-testid="run-model-outcome">
          {predictOutcomeText(status)}
        </p>
      )}
      {!open ? (
        <button type="button" ref={openRef} class="btn btn-small" onClick={() => setOpen(true)} disabled={why !== undefined} title={why ?? 'Run an installed model over every window of this session and store its predictions'} data-testid="run-model-open">
          Run model…
        </button>
      ) : (
        <form
          class="run-model-form"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
          onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), setOpen(false))}
        >
          {choices === null && !error ? (
            <span class="muted small">Reading the installed models…</span>
          ) : (
            <>
              <label class="small">
                Model{' '}
                <select ref={selectRef} value={modelId} onChange={(e) => setModelId((e.target as HTMLSelectElement).value)} data-testid="run-model-select">
                  {!choices?.some((m) => m.refusal === null) && <option value="">No installed model fits this session</option>}
                  {choices?.map((m) => (
                    <option key={m.id} value={m.id} disabled={m.refusal !== null}>
                      {m.name === m.id ? m.id : `${m.name} (${m.id})`}
                      {m.active ? ' · chosen in Models' : ''}
                      {m.refusal !== null ? ' · does not fit' : ''}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" class="btn btn-small btn-start" disabled={!modelId || asking || why !== undefined} title={why} data-testid="run-model-start">
                Run over every window
              </button>
              <button type="button" class="btn btn-small" onClick={() => setOpen(false)}>
                Cancel
              </button>
              {refused.length > 0 && (
                <ul class="muted small run-model-refused" data-testid="run-model-refused">
                  {refused.map((m) => (
                    <li key={m.id}>{m.refusal}</li>
                  ))}
                </ul>
              )}
            </>
          )}
        </form>
      )}
      {error && (
        <p class="form-error" role="alert" data-testid="run-model-error">
          {error}
        </p>
      )}
    </div>
  );
}
