// The shell: header with the connection state, navigation built from the view registry, the
// error banner, and the current view inside an error boundary. Keyboard: Tab through the
// navigation, Alt+1…9 jumps to a view, "Skip to content" is the first stop. Changing view (a
// shortcut, a navigation link, Back) puts the focus on the new view's main region and says the
// view's name: left on the link or the page body, a keyboard user's next Tab would start from
// the navigation again and a screen-reader user would not hear that anything changed.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ComponentType } from 'preact';
import type { HeartMindClient } from '../transport/client';
import type { LiveStore } from '../live/live-store';
import { useLive } from '../live/use-live';
import { detectWebGpu, type WebGpuStatus } from '../platform/webgpu';
import { appErrors } from './app-errors';
import { buildWatch, STALE_BUILD_TEXT } from './build-check';
import { ErrorBanner } from './error-banner';
import { ErrorBoundary } from './error-boundary';
import { returnFocus } from './focus-return';
import { VIEWS, type ViewEntry, type ViewProps } from './views';
import { offlineText } from '../live/offline';

function currentViewId(): string {
  const id = location.hash.replace(/^#\/?/, '');
  return VIEWS.some((v) => v.id === id) ? id : VIEWS[0].id;
}

/**
 * A view's module, fetched on first use. In serve mode it comes from the core's web server: opened
 * while the core is away, it fails; it is fetched again when the connection comes back (or on
 * Retry), and once it loads the banner's line about that failure goes (it is no longer true).
 */
function LazyView({ entry, props, onRecovered }: { entry: ViewEntry; props: ViewProps; onRecovered: () => void }) {
  const [View, setView] = useState<ComponentType<ViewProps> | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const stale = useStaleBuild();
  const where = `view: ${entry.title}`;
  // A retry (the button or the connection coming back) removes the failure notice and its Retry
  // button, and the focus falls to the page body: it goes to the view once it loads, or to the new
  // Retry button if it fails again.
  const retrying = useRef(false);
  const retryButton = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => {
    if (!retrying.current || (!View && !failed)) return;
    retrying.current = false;
    if (View) onRecovered();
    else returnFocus(retryButton.current);
  }, [View, failed]);
  useEffect(() => {
    if (attempt > 0) retrying.current = true;
    let live = true;
    setView(null);
    setFailed(null);
    entry
      .load()
      .then((m) => {
        if (!live) return;
        setView(() => m.default);
        appErrors.dismissWhere(where);
      })
      .catch((err) => {
        appErrors.report(err, where);
        if (live) setFailed((err as Error).message);
        // Its file may be gone because the core serves a newer build: then only a reload helps.
        if (props.client.transport === 'websocket') void buildWatch.check();
      });
    return () => {
      live = false;
    };
  }, [entry, attempt]);
  useEffect(() => {
    if (!failed) return;
    // Left (or retried) after its load failed: the banner's line about that goes, since the view
    // is fetched afresh when opened again (the line outlived a core that was only away). A render
    // error its boundary reported from the same place stays.
    return () => appErrors.dismissReport(where, failed);
  }, [failed]);
  useEffect(() => {
    if (!failed) return;
    // Only a connection coming back retries (the listener is called at once with the state now: a
    // view that failed while connected would otherwise be fetched again and again).
    let was = props.client.state;
    return props.client.onConnection((s) => {
      if (s === 'open' && was !== 'open') setAttempt((n) => n + 1);
      was = s;
    });
  }, [failed, props.client]);
  if (failed && stale)
    return (
      <p class="panel-failed" role="alert" data-testid="view-failed">
        The {entry.title} view could not load: this page is older than the HeartMind the core now serves.{' '}
        <button type="button" class="btn btn-small" ref={retryButton} onClick={() => location.reload()}>
          Reload the page
        </button>
      </p>
    );
  if (failed)
    return (
      <p class="panel-failed" role="alert" data-testid="view-failed">
        The {entry.title} view could not load: {failed}{' '}
        <button type="button" class="btn btn-small" ref={retryButton} onClick={() => setAttempt((n) => n + 1)}>
          Retry
        </button>
      </p>
    );
  if (!View) return <p class="muted loading">Loading {entry.title}…</p>;
  return <View {...props} />;
}

function ConnectionPill({ live }: { live: LiveStore }) {
  useLive(live, 2);
  // After a loss the page is trying again, not connecting for the first time.
  const label = { open: 'Connected', connecting: live.lostAt === null ? 'Connecting…' : 'Reconnecting…', closed: 'Disconnected' }[live.connection];
  const where = live.runtime === 'electron' ? 'desktop core' : live.runtime === 'serve' ? 'serve mode' : '';
  return (
    <span class={`pill pill-${live.connection}`} role="status" data-testid="connection" data-state={live.connection} title={live.connection === 'open' && where ? `${label} · ${where}` : label}>
      <span class="dot" aria-hidden="true" /> {label}
      {/* Dropped on a narrow window (app.css), where the title still says it. */}
      {live.connection === 'open' && where && <span class="muted pill-where"> · {where}</span>}
    </span>
  );
}

export function App({ client, live }: ViewProps) {
  const [viewId, setViewId] = useState(currentViewId);
  const [gpu, setGpu] = useState<WebGpuStatus | null>(null);
  const [announced, setAnnounced] = useState('');
  const mainRef = useRef<HTMLElement>(null);
  // Bumped on every view change the user asked for (not on the first render: the page opening
  // keeps the browser's own focus order); the effect below acts on it once the view is rendered.
  const [arrivals, setArrivals] = useState(0);

  useEffect(() => {
    const onHash = () => {
      setViewId(currentViewId());
      setArrivals((n) => n + 1);
    };
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      // The key's place, not its character: on a Mac Option+1 types '¡', on AZERTY the key types
      // '&'; both are Digit1. Not the keypad: Alt+keypad digits type a character on Windows.
      const n = Number(/^Digit([1-9])$/.exec(e.code)?.[1]);
      if (n >= 1 && n <= VIEWS.length) {
        e.preventDefault();
        const hash = `#/${VIEWS[n - 1].id}`;
        // The view already shown: no hashchange comes, but the user still asked to land on it.
        if (location.hash === hash) setArrivals((k) => k + 1);
        else location.hash = hash;
      }
    };
    window.addEventListener('hashchange', onHash);
    window.addEventListener('keydown', onKey);
    void detectWebGpu().then(setGpu);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  const entry = VIEWS.find((v) => v.id === viewId) ?? VIEWS[0];
  // Layout effects, here and for the landing below: the new view's name and the focus on it are in
  // place before the next key is handled. As effects they waited for the next frame, and a Tab
  // pressed at once (keys queue while a loaded machine draws the view) moved from the old focus,
  // then the landing pulled the focus back to the view's top under the key after it.
  useLayoutEffect(() => {
    document.title = `${entry.title} · HeartMind`;
  }, [entry]);
  // Focuses the view's main region and says its name; `always` false: only if the focus was lost
  // (a view that loaded late does not take the focus from a field the user went on to).
  const landOnView = (always: boolean) => {
    if (always) mainRef.current?.focus();
    else returnFocus(mainRef.current);
    if (document.activeElement !== mainRef.current) return;
    // Text that changes each time, or saying the same view twice would be silent.
    setAnnounced((was) => `${entry.title} view${was.endsWith('\u00a0') ? '' : '\u00a0'}`);
  };
  useLayoutEffect(() => {
    if (arrivals > 0) landOnView(true);
  }, [arrivals]);
  return (
    <div class="app">
      <a class="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="topbar">
        <div class="brand">
          <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
            <path d="M16 28 4 16a7 7 0 0 1 12-8 7 7 0 0 1 12 8Z" fill="none" stroke="currentColor" stroke-width="2.2" />
            <path d="M7 16h5l2-4 3 8 2-4h6" fill="none" stroke="currentColor" stroke-width="2" />
          </svg>
          <span>HeartMind</span>
        </div>
        <ConnectionPill live={live} />
        <span class="topbar-spacer" />
        {gpu && (
          <span class={`pill ${gpu.available ? 'pill-open' : 'pill-muted'}`} title={gpu.detail} data-testid="webgpu">
            {gpu.available ? 'WebGPU' : 'WASM'}
            <span class="sr-only">: {gpu.detail}</span>
          </span>
        )}
      </header>
      <nav class="sidebar" aria-label="Views">
        <ul>
          {VIEWS.map((v, i) => (
            <li key={v.id}>
              <a
                href={`#/${v.id}`}
                class="nav-item"
                aria-current={v.id === entry.id ? 'page' : undefined}
                title={`${v.title} (Alt+${i + 1})`}
                onClick={(e) => {
                  // The view already shown: no hashchange comes; land on it all the same.
                  if (v.id !== entry.id || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
                  e.preventDefault();
                  setArrivals((n) => n + 1);
                }}
              >
                <span class="nav-icon" aria-hidden="true">{v.icon}</span>
                <span class="nav-label">{v.title}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="content">
        <ErrorBanner />
        {/* Always mounted: App itself does not re-render when the connection changes, the notice does. */}
        <DisconnectedNotice live={live} />
        <StaleBuildNotice client={client} />
        <p class="sr-only" role="status" aria-live="polite" data-testid="view-announcer">
          {announced}
        </p>
        <main id="main" ref={mainRef} tabIndex={-1} aria-label={entry.title}>
          {/* Keyed by view: a view that failed does not take the next one down with it. */}
          <ErrorBoundary key={entry.id} where={`view: ${entry.title}`}>
            <LazyView entry={entry} props={{ client, live }} onRecovered={() => landOnView(false)} />
          </ErrorBoundary>
        </main>
      </div>
    </div>
  );
}

function DisconnectedNotice({ live }: { live: LiveStore }) {
  useLive(live, 2);
  if (live.connection === 'open') return null;
  const lost = offlineText(live);
  return (
    <p class="notice" role="status" data-testid="disconnected">
      {live.connection === 'closed'
        ? 'The connection to the core is closed.'
        : lost
          ? `HeartMind: ${lost}. Reconnecting on its own; until then the page shows the last the core sent.`
          : 'Connecting to the HeartMind core… (it reconnects on its own)'}
    </p>
  );
}

/** Whether the core was found serving a newer build than this page's (build-check.ts). */
function useStaleBuild(): boolean {
  const [stale, setStale] = useState(buildWatch.stale);
  useEffect(() => {
    setStale(buildWatch.stale); // it may have changed before this subscribed
    return buildWatch.subscribe(() => setStale(buildWatch.stale));
  }, []);
  return stale;
}

/**
 * Serve mode: when the connection comes back after a loss, asks whether the core now serves a
 * newer build (it was rebuilt or updated and started again) and, if so, says to reload. Electron
 * loads the page with its own core from the app's files: the two cannot part.
 */
function StaleBuildNotice({ client }: { client: HeartMindClient }) {
  const stale = useStaleBuild();
  useEffect(() => {
    if (client.transport !== 'websocket') return;
    let wasOpen = false;
    let lost = false;
    return client.onConnection((s) => {
      if (s === 'open') {
        if (lost) void buildWatch.check();
        wasOpen = true;
        lost = false;
      } else if (wasOpen) lost = true;
    });
  }, [client]);
  if (!stale) return null;
  return (
    <p class="notice" role="alert" data-testid="stale-build">
      {STALE_BUILD_TEXT}{' '}
      <button type="button" class="btn btn-small" onClick={() => location.reload()}>
        Reload
      </button>
    </p>
  );
}
