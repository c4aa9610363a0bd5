// The models view: installed models with their cards, the active one and whether it fits the
// connected devices, the inference backend and per-window latency, and the live estimates with
// their trend. With no trained model installed it says so and shows nothing else: no predictions
// are ever invented.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ViewProps } from '../../shell/views';
import { appErrors } from '../../shell/app-errors';
import type { ModelSummary } from '../../../../shared/ipc/models.schema';
import type { BackendPreference } from '../../inference/inference.types';
import { THREAD_PREFERENCES } from '../../inference/wasm-threads';
import { median, type InferenceState } from '../../inference/inference-service';
import { TaskEstimates } from './estimates';
import { useInference } from './use-inference';
import { loadingText } from './model-text';
import { detectWebGpu, type WebGpuStatus } from '../../platform/webgpu';
import { PathInput } from '../../shell/path-input';
import { Segmented } from '../../shell/segmented';
import { messageOf } from '../../shell/error-message';
import { focusLost, returnFocus } from '../../shell/focus-return';
import { offlineText } from '../../live/offline';
import { useLive } from '../../live/use-live';
import { plural } from '../../../../shared/plural';
import { isListedActive } from '../../../../shared/model/model-list';
import './models.css';

export function BackendLine({ state }: { state: InferenceState }) {
  const l = state.loaded;
  // While a model loads there is no backend yet; the body says "loading …" (said here too, it showed twice).
  if (!l) return null;
  const med = median(state.latencies);
  return (
    <span class="model-status">
      <span class="badge" data-testid="model-backend" title={l.detail}>
        {l.backend === 'webgpu' ? 'WebGPU' : `WASM · ${l.threads} thread${l.threads === 1 ? '' : 's'}`}
      </span>
      <span class="muted" data-testid="model-latency">
        {state.latencies.length ? `${state.latencies[state.latencies.length - 1].toFixed(0)} ms/window (median ${med.toFixed(0)})` : 'no window yet'}
      </span>
      {state.dropped > 0 && <span class="muted">{plural(state.dropped, 'window')} skipped to keep up</span>}
    </span>
  );
}

/**
 * Whether the model fits the devices streaming now, from the core's own check (the one that refuses
 * a select): "fits · EEG + ECG", or what is missing and what is connected instead.
 */
function FitLine({ m }: { m: ModelSummary }) {
  const f = m.fit;
  if (!f) return null;
  if (f.awaitingDevices) {
    // Nothing it reads is connected: not a misfit, and it can be chosen ahead.
    return (
      <div class="muted model-fit" data-testid={`fit-${m.id}`} title={f.notes.join('\n') || undefined}>
        {f.problems.join('; ')}: it can be chosen now and runs once a device that fits it streams
      </div>
    );
  }
  return f.ok ? (
    <div class="muted model-fit" data-testid={`fit-${m.id}`} title={f.notes.join('\n') || undefined}>
      fits the connected devices · {f.fed.map((x) => x.toUpperCase()).join(' + ')}
    </div>
  ) : (
    <div class="model-problems model-fit" data-testid={`fit-${m.id}`}>
      {f.refusal}: {f.problems.join('; ')}
    </div>
  );
}

/**
 * The latest window the model could not read (NaN, a channel missing, a length it was not trained
 * on), until a later window is answered. The estimate on screen is then an older window's: said here,
 * and the estimate is dimmed (estimatesCurrent) — with every window skipped (the signal settings cut
 * 4-s windows for a 5-s model) it stayed on show as if current.
 */
export function SkippedNote({ state }: { state: InferenceState }) {
  const s = state.skipped;
  if (!s) return null;
  return (
    <div class="muted" data-testid="window-skipped">
      window #{s.seq} skipped: {s.message}
      {state.last ? ` (the estimate shown is from window #${state.last.seq})` : ''}
    </div>
  );
}

/** Whether the estimate on screen is the latest window's: not while the core is away or windows are skipped. */
export function estimatesCurrent(state: InferenceState, offline: string | null): boolean {
  return !state.last || (!offline && !state.skipped);
}

/** A window whose run failed: that window's problem, gone with the next answer (the model still runs). */
export function WindowError({ state }: { state: InferenceState }) {
  const w = state.windowError;
  if (!w) return null;
  return (
    <div class="model-problems model-window-error" data-testid="window-error">
      window #{w.seq} could not be run: {w.message} (the model goes on with the next)
    </div>
  );
}

/**
 * Remove's confirmation: it takes the focus as it appears (a layout effect, as the sessions library's
 * Delete does), Escape or "Keep it" closes it, and the model's folder goes only on the second press.
 */
function ConfirmRemove({ m, folder, active, onConfirm, onCancel }: { m: ModelSummary; folder: string; active: boolean; onConfirm(): void; onCancel(): void }) {
  const keepRef = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => keepRef.current?.focus(), []);
  return (
    <div class="model-confirm" role="alertdialog" aria-label={`Confirm removing ${m.name}`} onKeyDown={(e) => e.key === 'Escape' && onCancel()} data-testid={`confirm-remove-${m.id}`}>
      <p>
        Remove <strong>{m.name}</strong> {m.version}? Its folder <code>{folder}</code> is deleted for good{active ? ', and live estimates stop' : ''}. Predictions it
        made stay with the sessions that stored them.
      </p>
      <button type="button" class="btn btn-small" ref={keepRef} onClick={onCancel}>
        Keep it
      </button>
      <button type="button" class="btn btn-small btn-stop" onClick={onConfirm} data-testid={`confirm-remove-yes-${m.id}`}>
        Remove
      </button>
    </div>
  );
}

function ModelItem({ m, active, userDir, onSelect, onStop, onCard, onRemove }: { m: ModelSummary; active: boolean; userDir: string | null; onSelect(): void; onStop(): void; onCard(): void; onRemove(): void }) {
  const usable = m.problems.length === 0;
  const [confirming, setConfirming] = useState(false);
  const removeRef = useRef<HTMLButtonElement>(null);
  // The confirmation closed by Keep it or Escape: the focus (inside it, now gone) goes back to Remove.
  const wasConfirming = useRef(false);
  useLayoutEffect(() => {
    if (confirming) wasConfirming.current = true;
    else if (wasConfirming.current) {
      wasConfirming.current = false;
      returnFocus(removeRef.current);
    }
  }, [confirming]);
  // Use is offered only where the core would accept it (the fit comes again whenever devices change).
  const fits = usable && (m.fit?.ok !== false || m.fit.awaitingDevices === true);
  return (
    <div class={`model-item ${active ? 'active' : ''} ${usable ? '' : 'unusable'}`} data-testid={`model-${m.id}`} data-model={m.id}>
      <h3>
        {m.name} <span class="muted">{m.version}</span> {m.source === 'user' && <span class="badge">yours</span>} {active && <span class="badge">active</span>}
      </h3>
      <div class="muted">{m.tasks.map((t) => `${t.name} (${t.classes.join('/')})`).join(', ')}</div>
      {m.trainedOn && (
        <div class="muted model-trained-on" title={m.trainedOn}>
          trained on {m.trainedOn}
        </div>
      )}
      {!usable && (
        <ul class="model-problems">
          {m.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {usable && <FitLine m={m} />}
      <div class="panel-tools model-item-actions">
        <button
          type="button"
          class="btn btn-small"
          disabled={!fits || active}
          onClick={onSelect}
          title={usable && !fits ? `${m.fit?.refusal} (see above)` : undefined}
          // Every model has a Use and a Card: its name says which one (a screen reader's list of buttons).
          aria-label={`Use ${m.name}`}
          data-testid={`select-${m.id}`}
          data-action="use"
        >
          Use
        </button>
        {active && (
          // The way back to no model: live estimates (and the predictions stored with a recording) stop.
          <button type="button" class="btn btn-small" onClick={onStop} aria-label={`Stop using ${m.name}`} data-testid={`stop-${m.id}`} data-action="stop">
            Stop
          </button>
        )}
        <button type="button" class="btn btn-small" disabled={!usable} onClick={onCard} aria-label={`Card of ${m.name}`} data-testid={`card-${m.id}`}>
          Card
        </button>
        {/* Models you added (exported runs pile up) go from here; the shipped ones cannot be removed. */}
        {m.source === 'user' && (
          <button type="button" class="btn btn-small" ref={removeRef} onClick={() => setConfirming(true)} disabled={confirming} aria-label={`Remove ${m.name}`} data-testid={`remove-${m.id}`}>
            Remove
          </button>
        )}
      </div>
      {confirming && (
        <ConfirmRemove
          m={m}
          folder={userDir ? `${userDir}/${m.id}` : m.id}
          active={active}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            onRemove();
          }}
        />
      )}
    </div>
  );
}

/**
 * Install, by path on the machine the core runs on: a model folder (card.json and the ONNX file it
 * names, as export-model writes it or a colleague shares it), or an ONNX file and its card.json, as
 * `heartmind models install FOLDER` or `ONNX CARD` (the same code, checks and words in the core).
 */
function InstallForm({ client, activeId }: { client: ViewProps['client']; activeId: string | null }) {
  const [from, setFrom] = useState<'folder' | 'files'>('folder');
  const [folder, setFolder] = useState('');
  const [onnxPath, setOnnx] = useState('');
  const [cardPath, setCard] = useState('');
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const ready = from === 'folder' ? folder.trim() !== '' : onnxPath.trim() !== '' && cardPath.trim() !== '';
  const install = (e: Event) => {
    e.preventDefault();
    setMsg(null);
    client
      .invoke('hm:models:install', from === 'folder' ? { path: folder.trim() } : { path: onnxPath.trim(), cardPath: cardPath.trim() })
      .then((m) => {
        const what = m.replaced !== undefined ? `installed '${m.id}' ${m.version}, replacing the model of that id you had (${m.replaced || 'no version'})` : `installed '${m.id}'`;
        setMsg({ ok: m.problems.length === 0, text: m.problems.length ? `${what}, but: ${m.problems.join('; ')}` : `${what}${m.id === activeId ? ' (the active model: it runs the new files)' : ': it runs live once you choose it with Use'}` });
      })
      .catch((err: unknown) => setMsg({ ok: false, text: messageOf(err) }));
  };
  return (
    <details class="model-install">
      <summary>Install a model…</summary>
      <form onSubmit={install} class="model-install-form">
        <Segmented<'folder' | 'files'>
          label="Install from"
          value={from}
          onChange={(v) => {
            setFrom(v);
            setMsg(null);
          }}
          options={[
            { value: 'folder', label: 'A model folder', testid: 'install-from-folder' },
            { value: 'files', label: 'An ONNX file and its card', testid: 'install-from-files' },
          ]}
        />
        {from === 'folder' ? (
          <label>
            Model folder (card.json and its .onnx file){' '}
            <PathInput value={folder} onValue={setFolder} placeholder="/path/to/my-model" pick={{ mode: 'open-folder', title: 'The model folder (card.json and its .onnx file)' }} data-testid="install-folder" />
          </label>
        ) : (
          <>
            <label>
              ONNX file <PathInput value={onnxPath} onValue={setOnnx} placeholder="/path/to/model.onnx" pick={{ mode: 'open-file', title: 'The model (ONNX)', filters: [{ name: 'ONNX model', extensions: ['onnx'] }] }} data-testid="install-onnx" />
            </label>
            <label>
              card.json <PathInput value={cardPath} onValue={setCard} placeholder="/path/to/card.json" pick={{ mode: 'open-file', title: 'The model card (card.json)', filters: [{ name: 'Model card', extensions: ['json'] }] }} data-testid="install-card" />
            </label>
          </>
        )}
        <button type="submit" class="btn btn-small" disabled={!ready} data-testid="install-submit">
          Install
        </button>
        {msg && (
          <div class={msg.ok ? 'muted' : 'model-problems'} data-testid="install-result">
            {msg.text}
          </div>
        )}
      </form>
    </details>
  );
}

export default function ModelsView({ client, live }: ViewProps) {
  const { service, state } = useInference(client);
  useLive(live, 2);
  // Without the core no window comes: the answer on screen is the last one (as on the dashboard).
  const offline = offlineText(live);
  const [cardText, setCardText] = useState<string | null>(null);
  const [cardOpened, setCardOpened] = useState(0);
  const cardHeading = useRef<HTMLHeadingElement>(null);
  /** The Card button that opened the card: Close and Escape give the focus back to it (it fell to the page body). */
  const cardOpener = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    if (cardText !== null) return;
    const el = cardOpener.current;
    cardOpener.current = null;
    returnFocus(el);
  }, [cardText]);
  // The card opens under the grid, mostly below the fold (and the list on a narrow window): brought
  // into view and focused, or Card seemed to do nothing. In a layout effect, as the card appears: in
  // an effect, a frame later, a key typed at once still went to Card (Escape did not close the card).
  useLayoutEffect(() => {
    cardHeading.current?.scrollIntoView({ block: 'start' });
    cardHeading.current?.focus({ preventScroll: true });
  }, [cardOpened]);
  const [selectError, setSelectError] = useState<string | null>(null);
  // WebGPU cannot be chosen where the page has no adapter (the answer is cached: no second probe).
  const [gpu, setGpu] = useState<WebGpuStatus | null>(null);
  useEffect(() => void detectWebGpu().then(setGpu), []);
  const r = state.readiness;
  const usable = state.models.filter((m) => m.problems.length === 0);

  const listRef = useRef<HTMLDivElement>(null);
  /**
   * Where the focus goes once a Use or Stop has taken effect: the button pressed is disabled (Use) or
   * removed (Stop) as the model changes, and Chromium dropped the focus to the page body, so a
   * keyboard or screen-reader user was left nowhere and heard nothing. The model's other button
   * (Stop after Use, Use after Stop) takes it, and its name says what is now the case.
   */
  const focusAfterSelect = useRef<{ model: string; action: 'use' | 'stop' } | null>(null);
  useLayoutEffect(() => {
    const to = focusAfterSelect.current;
    if (!to) return;
    const el = listRef.current?.querySelector<HTMLElement>(`[data-model="${CSS.escape(to.model)}"] [data-action="${to.action}"]`);
    if (!el || el.matches(':disabled')) return;
    focusAfterSelect.current = null;
    // The Use just disabled still holds the focus here: Chromium drops it at its next rendering update.
    const a = document.activeElement;
    if (focusLost() || (a instanceof HTMLElement && a.matches(':disabled'))) el.focus();
  }, [r?.activeId]);

  const select = (id: string | null) => {
    setSelectError(null);
    const from = r?.activeId ?? null;
    focusAfterSelect.current = id !== null ? { model: id, action: 'stop' } : from !== null ? { model: from, action: 'use' } : null;
    service.select(id).catch((e: unknown) => {
      focusAfterSelect.current = null;
      setSelectError(messageOf(e));
    });
  };
  const installedHeading = useRef<HTMLHeadingElement>(null);
  const remove = (id: string) => {
    setSelectError(null);
    // The model's buttons go with it: the focus goes to the list's heading, not to the page body.
    installedHeading.current?.focus();
    client.invoke('hm:models:remove', { id }).catch((e: unknown) => setSelectError(`could not remove '${id}': ${messageOf(e)}`));
  };
  const showCard = (id: string) => {
    const opener = !focusLost() && document.activeElement instanceof HTMLElement ? document.activeElement : null;
    client
      .invoke('hm:models:card', { id })
      .then((c) => {
        cardOpener.current = opener;
        setCardText(c.text);
        setCardOpened((n) => n + 1);
      })
      .catch((e) => appErrors.report(e, 'model card'));
  };

  return (
    <div class="models-view">
      <div class="dashboard-toolbar">
        <h1>Models</h1>
        <BackendLine state={state} />
        <div class="toolbar-group">
          <Segmented
            label="Inference backend"
            value={state.prefer}
            onChange={(p) => service.setPreference(p)}
            options={(['auto', 'webgpu', 'wasm'] as BackendPreference[]).map((p) => ({
              value: p,
              label: p === 'auto' ? 'Auto' : p === 'webgpu' ? 'WebGPU' : 'WASM',
              testid: `backend-${p}`,
              disabled: p === 'webgpu' && gpu?.available === false && state.prefer !== 'webgpu',
              title: p === 'webgpu' && gpu ? gpu.detail : undefined,
            }))}
          />
          <Segmented
            label="WASM threads"
            title="Threads for the WASM backend. Auto leaves one core to the page and the live pipeline; changing it restarts the model."
            value={state.threads}
            onChange={(t) => service.setThreads(t)}
            options={THREAD_PREFERENCES.map((t) => ({ value: t, label: t === 'auto' ? 'Auto threads' : t === 1 ? '1 thread' : `${t} threads`, testid: `threads-${t}` }))}
          />
        </div>
      </div>

      {usable.length === 0 ? (
        <div class="model-empty panel" data-testid="no-model">
          <strong>No trained model is installed.</strong> HeartMind shows no estimates until one is: a model is trained in Training (or with
          <code> heartmind train</code>) and appears here, or you drop a folder holding <code>model.onnx</code> and its <code>card.json</code> into{' '}
          <code>{state.userDir ?? 'the models folder'}</code>.
          {state.models.length > 0 && <div class="muted">The models below were found but cannot be used.</div>}
        </div>
      ) : null}

      <div class="models-grid">
        <div class="panel">
          <div class="panel-header">
            <h2 ref={installedHeading} tabIndex={-1}>
              Installed
            </h2>
          </div>
          <div class="model-list" ref={listRef}>
            {state.models.map((m, i) => (
              <ModelItem
                // A folder of yours under a shipped model's id is listed after it under the same id:
                // keyed apart, and only the first (the one that runs) marked active.
                key={`${m.source}:${m.id}`}
                m={m}
                active={isListedActive(state.models, i, r?.activeId ?? null)}
                userDir={state.userDir}
                onSelect={() => select(m.id)}
                onStop={() => select(null)}
                onCard={() => showCard(m.id)}
                onRemove={() => remove(m.id)}
              />
            ))}
            {state.models.length === 0 && <div class="muted">none</div>}
          </div>
          {selectError && (
            // Said as it appears: the press that caused it changed nothing on screen otherwise.
            <div class="model-problems" role="alert" data-testid="select-error">
              {selectError}
            </div>
          )}
          <InstallForm client={client} activeId={r?.activeId ?? null} />
        </div>

        <div class="panel">
          <div class="panel-header">
            <h2 data-testid="estimates-title">{state.card ? state.card.name : 'Live estimates'}</h2>
          </div>
          {r && !r.activeId && usable.length > 0 && (
            // A model the user added never starts by itself (an untrained one's estimates would be shown and recorded).
            <p class="muted" data-testid="no-model-selected">
              No model is selected: a model runs live once you choose it with Use.
            </p>
          )}
          {r && r.activeId && !r.ok && (
            // Nothing it reads connected is a wait, not a misfit: said as such, not in the refusal's red.
            <div data-testid={r.awaitingDevices ? 'model-waiting' : 'model-refused'}>
              <strong>The model {r.refusal}:</strong>
              <ul class={r.awaitingDevices ? 'model-waits' : 'model-problems'}>
                {r.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          )}
          {r?.notes.length ? (
            <ul class="model-notes">
              {r.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
          {state.error && <div class="model-problems" data-testid="model-error">{state.error}</div>}
          <SkippedNote state={state} />
          <WindowError state={state} />
          {state.loading && !state.loaded && (
            <p class="muted" data-testid="model-loading">
              {loadingText(state)}
            </p>
          )}
          {/* The model stays loaded while its devices are away (a seek, a reconnect), but its last answer
              is not shown under the refusal as if it were current (the Estimates panel does the same). */}
          {state.loaded && !(r?.activeId && !r.ok) && offline && state.last && (
            <p class="stale-hint small" data-testid="estimates-stale">
              last estimate: {offline}
            </p>
          )}
          {state.loaded && !(r?.activeId && !r.ok) && (
            <div class={estimatesCurrent(state, offline) ? '' : 'stale'} data-stale={estimatesCurrent(state, offline) ? undefined : 'true'} data-testid="estimates-box">
              <TaskEstimates state={state} showTrend />
            </div>
          )}
          {state.card && state.card.limitations.length > 0 && (
            // Headed: under the notes and a refusal, the card's limitations read as more of the same list.
            <div class="model-limitations" data-testid="model-limitations">
              <h3>Limitations (from its card)</h3>
              <ul class="model-notes">
                {state.card.limitations.map((l) => (
                  <li key={l}>{l}</li>
                ))}
              </ul>
            </div>
          )}
        </div>
      </div>

      {cardText && (
        <div class="panel" data-testid="model-card" onKeyDown={(e) => e.key === 'Escape' && setCardText(null)}>
          <div class="panel-header">
            <h2 ref={cardHeading} tabIndex={-1}>
              Model card
            </h2>
            <div class="panel-tools">
              <button type="button" class="btn btn-small" onClick={() => setCardText(null)}>
                Close
              </button>
            </div>
          </div>
          <div class="model-card-text">{cardText}</div>
        </div>
      )}
    </div>
  );
}
