// The live dashboard: traces (EEG, ECG with R peaks), heart and EEG summaries, band power and
// spectrum, signal quality, devices, the window stream and the log. Panels other areas add to
// the dashboard (e.g. live emotion estimates) are listed in dashboard-panels.ts.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ViewProps } from '../../shell/views';
import { appErrors } from '../../shell/app-errors';
import { ErrorBoundary } from '../../shell/error-boundary';
import { isShortcutKey } from '../../shell/shortcuts';
import { Segmented } from '../../shell/segmented';
import { FrameLoop } from './frame-loop';
import { TracePanel } from './trace-panel';
import { SignalSettingsPanel } from './signal-settings-panel';
import { BandPanel, DevicePanel, LogPanel, QualityPanel, SpectrumPanel, Tiles, WindowStream } from './panels';
import { DASHBOARD_PANELS, type DashboardPanelEntry, type DashboardPanelProps } from './dashboard-panels';
import type { ComponentType } from 'preact';

const TIME_WINDOWS_S = [2, 5, 10, 20, 30];

function ExtraPanel({ load, props, title }: { load: () => Promise<{ default: ComponentType<DashboardPanelProps> }>; props: DashboardPanelProps; title: string }) {
  const [Panel, setPanel] = useState<ComponentType<DashboardPanelProps> | null>(null);
  useEffect(() => {
    load()
      .then((m) => setPanel(() => m.default))
      .catch((err) => appErrors.report(err, `panel: ${title}`));
  }, [load]);
  return Panel ? <Panel {...props} /> : null;
}

export default function DashboardView({ client, live }: ViewProps) {
  const loop = useMemo(() => new FrameLoop(() => live.playout.edge(), (err) => appErrors.report(err, 'live traces')), [live]);
  const [seconds, setSeconds] = useState(() => Number(localStorage.getItem('hm.traceSeconds')) || 10);
  // Kept as it is chosen, not in an effect after the paint: a choice the screen shows is already the next start's.
  // The ref lets the [ and ] keys step from the latest choice even before the listener below is re-registered.
  const chosen = useRef(seconds);
  const choose = useCallback((s: number) => {
    chosen.current = s;
    localStorage.setItem('hm.traceSeconds', String(s));
    setSeconds(s);
  }, []);

  useEffect(() => {
    loop.start();
    return () => loop.stop();
  }, [loop]);
  useEffect(() => {
    // '[' and ']' shrink and grow the time window (when focus is not in a form field).
    const onKey = (e: KeyboardEvent) => {
      if (!isShortcutKey(e)) return;
      const i = TIME_WINDOWS_S.indexOf(chosen.current);
      if (e.key === '[' && i > 0) choose(TIME_WINDOWS_S[i - 1]);
      if (e.key === ']' && i < TIME_WINDOWS_S.length - 1) choose(TIME_WINDOWS_S[i + 1]);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [choose]);

  const panelProps: DashboardPanelProps = { client, live };
  const extraPanels = (column: DashboardPanelEntry['column']) =>
    DASHBOARD_PANELS.filter((p) => p.column === column).map((p) => (
      <ErrorBoundary key={p.id} where={`panel: ${p.title}`}>
        <ExtraPanel load={p.load} props={panelProps} title={p.title} />
      </ErrorBoundary>
    ));
  return (
    <div class="dashboard">
      <div class="dashboard-toolbar">
        <h1>Live</h1>
        <Segmented label="Time window (keys [ and ])" value={seconds} onChange={choose} options={TIME_WINDOWS_S.map((s) => ({ value: s, label: `${s} s`, testid: `window-${s}` }))} />
      </div>
      <ErrorBoundary where="panel: Summary">
        <Tiles live={live} loop={loop} />
      </ErrorBoundary>
      {extraPanels('top')}
      <div class="dashboard-grid">
        <div class="col-main">
          <ErrorBoundary where="panel: EEG">
            <TracePanel live={live} loop={loop} modality="eeg" title="EEG" seconds={seconds} rowHeight={22} minHeight={180} />
          </ErrorBoundary>
          <ErrorBoundary where="panel: ECG">
            <TracePanel live={live} loop={loop} modality="ecg" title="ECG" seconds={seconds} rowHeight={120} minHeight={150} />
          </ErrorBoundary>
          <div class="row-2">
            <ErrorBoundary where="panel: Band power">
              <BandPanel live={live} />
            </ErrorBoundary>
            <ErrorBoundary where="panel: Spectrum">
              <SpectrumPanel live={live} />
            </ErrorBoundary>
          </div>
          {extraPanels('main')}
        </div>
        <div class="col-side">
          {extraPanels('side')}
          <ErrorBoundary where="panel: Devices">
            <DevicePanel live={live} client={client} />
          </ErrorBoundary>
          <ErrorBoundary where="panel: Windows">
            <WindowStream live={live} />
          </ErrorBoundary>
          <ErrorBoundary where="panel: Signal settings">
            <SignalSettingsPanel live={live} client={client} />
          </ErrorBoundary>
          <ErrorBoundary where="panel: Signal quality">
            <QualityPanel live={live} />
          </ErrorBoundary>
        </div>
      </div>
      <ErrorBoundary where="panel: Log">
        <LogPanel live={live} />
      </ErrorBoundary>
    </div>
  );
}
