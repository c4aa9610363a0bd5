// The dashboard's smaller panels. They re-render from the live store a few times a second.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { DeviceStatus } from '../../../../shared/device.types';
import type { DeviceControls, DeviceSettingValue } from '../../../../shared/ipc/pipeline.schema';
import type { LogEntry, LogLevel } from '../../../../shared/log.types';
import { EEG_BANDS, type EegFeatures } from '../../../../shared/features.types';
import { plural } from '../../../../shared/plural';
import { absentReasonText } from '../../../../shared/model/window-input';
import type { Modality as StreamModality, StreamInfo } from '../../../../shared/stream.types';
import type { HeartMindClient } from '../../transport/client';
import { wallNowS, type LiveStore, type ModalitySummary } from '../../live/live-store';
import { useLive } from '../../live/use-live';
import { appErrors } from '../../shell/app-errors';
import { focusLost, useFocusThroughBusy } from '../../shell/focus-return';
import { clockTime } from '../../../../shared/clock-time';
import { BandChart } from './charts/band-chart';
import { QUALITY_FLAG_TEXT, absentText, deviceCardAction, deviceModelText, heartHelpText, heartHintText, heartWithheldText, modalityCellText, presenceStripTitle, qualityTileText, qualityTileLabel, staleText, streamDeviceName, windowArrivalText, windowStartText } from './dashboard-text';
import { DEFAULT_PIPELINE_CONFIG } from '../../../../shared/pipeline/pipeline-config';
import { DeviceClocks, clocksCurrent, clocksOf, type StreamClock } from './device-clocks';
import { problemClass, problemText, stateText } from '../devices/device-text';
import { offlineText } from '../../live/offline';
import { SpectrumChart } from './charts/spectrum-chart';
import type { FrameLoop } from './frame-loop';

const fmt = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

const streaming = (live: LiveStore, m: StreamModality) => [...live.streams.values()].some((s) => s.modality === m);

/** What an EEG feature panel says before it has anything to draw (as the traces do). */
function eegWaitText(live: LiveStore): string {
  return streaming(live, 'eeg') ? 'Waiting for the first seconds of EEG…' : 'No EEG device is streaming.';
}


function Tile({ label, value, unit, hint, help, testId, stale }: { label: string; value: string; unit?: string; hint?: string; help?: string; testId?: string; stale?: boolean }) {
  return (
    <div class={`tile${stale ? ' stale' : ''}`} data-testid={testId} data-stale={stale ? 'true' : undefined} title={help ?? hint}>
      <div class="tile-label">{label}</div>
      <div class="tile-value">
        {value}
        {unit && <span class="tile-unit"> {unit}</span>}
      </div>
      {hint && <div class="tile-hint muted">{hint}</div>}
    </div>
  );
}

export function Tiles({ live, loop }: { live: LiveStore; loop: FrameLoop }) {
  useLive(live, 2);
  const heart = [...live.heart.values()].sort((a, b) => b.time - a.time)[0];
  const eeg = [...live.eeg.values()].sort((a, b) => b.time - a.time)[0];
  const alphaIndex = EEG_BANDS.findIndex((b) => b.name === 'alpha');
  // A share of what: of the bands' whole span, which each channel's bar in the band chart adds up to
  // (the tile may cut the hint short; its tooltip has it all).
  const alphaOf = `${EEG_BANDS[alphaIndex].lowHz}–${EEG_BANDS[alphaIndex].highHz} Hz of ${EEG_BANDS[0].lowHz}–${EEG_BANDS[EEG_BANDS.length - 1].highHz} Hz power, mean over channels`;
  const alphaShare = eeg?.bandPower.length
    ? (100 * eeg.bandPower.reduce((acc, row) => acc + row[alphaIndex] / Math.max(1e-12, row.reduce((a, v) => a + v, 0)), 0)) / eeg.bandPower.length
    : NaN;
  const reports = [...live.quality.values()].filter((r) => live.streams.has(r.streamId));
  const qualityStale = reports.map((r) => staleText(live, r.streamId)).find((t) => t !== null) ?? null;
  const quality = qualityTileText(reports.map((r) => ({ label: qualityTileLabel(live, r.streamId), report: r })), live.streams.size > 0);
  const lastWin = live.windows[live.windows.length - 1];
  const frames = loop.stats.frameMs.slice(-120).sort((a, b) => a - b);
  const p95 = frames.length ? frames[Math.floor(frames.length * 0.95)] : NaN;
  const heartStale = staleText(live, heart?.streamId);
  // The ECG's lead without a QRS (or flat, railed): its "beats" are noise, so no figure, and why.
  const heartStreamId = heart?.streamId ?? [...live.streams.values()].find((s) => s.modality === 'ecg')?.id;
  const withheld = heartWithheldText(heartStreamId === undefined ? undefined : live.quality.get(heartStreamId));
  const eegStale = staleText(live, eeg?.streamId);
  const heartHelp = heart ? heartHelpText(heart, DEFAULT_PIPELINE_CONFIG.features.hrvSpanSec) : undefined;
  const offline = offlineText(live);
  return (
    <section class="tiles" aria-label="Summary">
      <Tile label="Heart rate" value={withheld ? '–' : fmt(heart?.heartRateBpm ?? NaN)} unit="bpm" testId="tile-hr" stale={!!heartStale} hint={heartStale ?? withheld ?? (heart ? heartHintText(heart) : streaming(live, 'ecg') ? 'waiting for beats' : 'no ECG device streaming')} help={heart && !heartStale && !withheld ? heartHelp : undefined} />
      <Tile label="HRV (RMSSD)" value={withheld ? '–' : fmt(heart?.rmssdMs ?? NaN)} unit="ms" testId="tile-hrv" stale={!!heartStale} hint={heartStale ?? withheld ?? 'short-term variability'} help={heart && !heartStale && !withheld ? heartHelp : undefined} />
      <Tile label="Alpha share" value={fmt(alphaShare, 0)} unit="%" stale={!!eegStale} hint={eegStale ?? alphaOf} />
      <Tile label="Signal quality" value={fmt(quality.value, 0)} unit="%" testId="tile-quality" stale={!!qualityStale} hint={qualityStale ?? quality.hint} help={qualityStale ? undefined : quality.help} />
      <Tile label="Windows" value={lastWin ? String(lastWin.seq) : '–'} stale={!!offline} hint={offline ? `last figure: ${offline}` : lastWin ? `${lastWin.lengthS} s, every ${live.windowing?.hopS ?? '?'} s` : 'waiting'} testId="tile-windows" />
      <Tile label="Frame time" value={fmt(p95, 1)} unit="ms" hint="p95 of the last 120 frames" testId="tile-frame" />
    </section>
  );
}

/** A chart of the newest EEG features: redrawn when they arrive (1/s), not on every store change. */
interface EegChart {
  update(f: EegFeatures | undefined): void;
  destroy(): void;
}

/** A panel holding one EEG feature chart (band power, spectrum), with the wait text until features come. */
function EegChartPanel({ live, title, subtitle, testId, makeChart }: { live: LiveStore; title: string; subtitle: string; testId: string; makeChart: (canvas: HTMLCanvasElement) => EegChart }) {
  useLive(live, 2);
  const ref = useRef<HTMLCanvasElement>(null);
  const chart = useRef<EegChart | null>(null);
  useEffect(() => {
    chart.current = makeChart(ref.current!);
    return () => chart.current?.destroy();
  }, []);
  const eeg = [...live.eeg.values()].sort((a, b) => b.time - a.time)[0];
  // Redrawn when new features arrive (1/s), not on every store change (windows, quality, logs).
  useEffect(() => chart.current?.update(eeg), [eeg]);
  return (
    <section class="panel" aria-label={title} data-testid={testId}>
      <header class="panel-header">
        <h2>{title}</h2>
        <span class="muted small">{subtitle}</span>
      </header>
      <div class="chart-box chart-medium">
        <canvas ref={ref} />
        {!eeg && <p class="chart-empty muted">{eegWaitText(live)}</p>}
      </div>
    </section>
  );
}

export function BandPanel({ live }: { live: LiveStore }) {
  return <EegChartPanel live={live} title="Band power" subtitle="δ θ α β γ share per channel" testId="band-power" makeChart={(c) => new BandChart(c)} />;
}

export function SpectrumPanel({ live }: { live: LiveStore }) {
  return <EegChartPanel live={live} title="Spectrum" subtitle="EEG, mean of channels" testId="spectrum" makeChart={(c) => new SpectrumChart(c)} />;
}

export function QualityPanel({ live }: { live: LiveStore }) {
  useLive(live, 2);
  const reports = [...live.quality.values()].filter((r) => live.streams.has(r.streamId));
  return (
    <section class="panel" aria-label="Signal quality" data-testid="quality">
      <header class="panel-header">
        <h2>Signal quality</h2>
        {/* The chips' unit, said once (as Band power's subtitle does): a bare '100' beside a channel's
            name read as well as its amplitude in µV, and a '%' in each chip wrapped in the narrow ones. */}
        <span class="muted small" data-testid="quality-unit">score per channel, %</span>
      </header>
      {reports.length === 0 && <p class="muted" data-testid="quality-empty">{live.streams.size === 0 ? 'No device is streaming.' : 'Waiting for the first second of data…'}</p>}
      {reports.map((r) => {
        const s = live.streams.get(r.streamId);
        // A stalled device's last report stays, dimmed and said to be old, as the tiles do.
        const stale = staleText(live, r.streamId);
        // Short packet losses the pipeline interpolated over in the span this report judges (the
        // same for every channel of a stream): the signal goes on, but that much of it is a line.
        const bridgedMs = Math.max(0, ...r.channels.map((c) => c.bridgedMs ?? 0));
        // Hum at the other mains frequency than the one set: the notch misses it, the setting is wrong here.
        const humHz = r.channels.find((c) => c.lineNoiseHz)?.lineNoiseHz;
        return (
          <div key={r.streamId} class={`quality-stream${stale ? ' stale' : ''}`} data-stream={r.streamId} data-stale={stale ? 'true' : undefined}>
            <h3 class="small">{s ? `${streamDeviceName(live.devices, s)} · ${s.modality.toUpperCase()}` : r.streamId}</h3>
            {stale && <p class="stale-hint small">{stale}</p>}
            {bridgedMs > 0 && (
              <p class="muted small" data-testid="quality-bridged">
                {fmt(bridgedMs, 0)} ms of lost packets bridged by interpolation
              </p>
            )}
            {humHz && (
              <p class="small" data-testid="quality-mains">
                Line noise at {humHz} Hz, but the mains is set to {humHz === 60 ? 50 : 60} Hz: set it to {humHz} Hz in Signal settings
              </p>
            )}
            <ul class="quality-grid">
              {r.channels.map((c) => {
                const level = c.score >= 0.75 ? 'good' : c.score >= 0.4 ? 'fair' : 'bad';
                const flags = c.flags.map((f) => QUALITY_FLAG_TEXT[f] ?? f).join(', ');
                return (
                  <li
                    key={c.label}
                    class={`quality-chip q-${level}`}
                    data-flags={c.flags.join(' ')}
                    title={`${c.label}: ${Math.round(c.score * 100)} %, RMS ${fmt(c.rmsUv, 1)} µV, line noise${c.lineNoiseHz ? ` at ${c.lineNoiseHz} Hz` : ''} ${fmt(c.lineNoiseRatio * 100, 1)} %${c.qrsRatio !== undefined ? `, QRS ratio ${fmt(c.qrsRatio, 1)}` : ''}${c.bridgedMs ? `, ${fmt(c.bridgedMs, 0)} ms bridged` : ''}${flags ? ` — ${flags}` : ''}`}
                    aria-label={`${c.label} quality ${Math.round(c.score * 100)} percent${flags ? `: ${flags}` : ''}`}
                  >
                    <span class="q-label">{c.label}</span>
                    <span class="q-score">{Math.round(c.score * 100)}</span>
                    {c.flags.length > 0 && <span class="q-flags">{c.flags.map((f) => QUALITY_FLAG_TEXT[f] ?? f).join(' · ')}</span>}
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </section>
  );
}

const ACTION_TEXT = { stop: 'Stop', start: 'Start', dismiss: 'Dismiss' } as const;

function DeviceCard({ status, controls, client, offline, clocks, replaying, streams, onDismissed }: { status: DeviceStatus; controls?: DeviceControls; client: HeartMindClient; offline: boolean; clocks: StreamClock[]; replaying: boolean; streams: StreamInfo[]; onDismissed: () => void }) {
  const [busy, setBusy] = useState(false);
  // Without the core a control can only fail: the card keeps the last state it sent, dimmed.
  const off = busy || offline;
  const [fault, setFault] = useState(controls?.faults[0]?.id ?? '');
  const running = status.state === 'streaming' || status.state === 'connecting' || status.state === 'reconnecting';
  // The core's own devices (the demo ones: they have controls) start and stop through the pipeline;
  // a paired device is disconnected as its Devices row does (connected there again: its settings
  // live there), and a replay is closed in Sessions: no toggle for either that could only fail.
  const kept = controls !== undefined;
  // While a session replays the core starts no live device (it would stream into the replay):
  // a stopped one has no Start, and says why.
  const waits = replaying && !running && status.transport !== 'replay';
  const action = deviceCardAction(status, kept, replaying);
  const holdFocus = useFocusThroughBusy(busy);
  const act = async (what: string, fn: () => Promise<unknown>) => {
    holdFocus();
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      appErrors.report(err, `device ${status.name}: ${what}`);
    } finally {
      setBusy(false);
    }
  };
  const id = status.deviceId;
  return (
    <li class={`device device-${status.state}`} data-testid={`device-${id}`} data-state={status.state} data-problem={status.problem?.code ?? ''}>
      <div class="device-head">
        <span class={`state-dot s-${status.state}`} aria-hidden="true" />
        <div class="device-name">
          {/* Wrapped in the side column, never cut (app.css). */}
          <strong>{status.name}</strong>
          <span class="muted small" data-testid="device-model">{deviceModelText(status)}</span>
        </div>
        <span class="badge" data-testid="device-state">{stateText(status)}</span>
        {action && (
          <button
            type="button"
            class={`btn ${action === 'stop' ? 'btn-stop' : action === 'start' ? 'btn-start' : 'btn-small'}`}
            disabled={off}
            aria-label={`${ACTION_TEXT[action]} ${status.name}`}
            title={action === 'dismiss' ? 'Take it off the dashboard: its connect gave up. Connect it again in Devices.' : undefined}
            onClick={() =>
              act(action, async () => {
                if (kept && action !== 'dismiss') await client.invoke(action === 'stop' ? 'hm:pipeline:device-stop' : 'hm:pipeline:device-start', { deviceId: id });
                else {
                  await client.invoke('hm:devices:disconnect', { deviceId: id });
                  if (action === 'dismiss') onDismissed();
                }
              })
            }
            data-testid={action === 'dismiss' ? 'device-dismiss' : 'device-toggle'}
          >
            {ACTION_TEXT[action]}
          </button>
        )}
      </div>
      {status.problem && (
        <p class={problemClass(status.problem)} role="status" data-testid="device-problem" data-level={status.problem.level ?? 'warn'}>
          <span class="problem-code">{status.problem.code}</span> {problemText(status.problem, streams)}
        </p>
      )}
      {waits && (
        <p class="muted small" data-testid="device-waits">
          Live devices wait while a session replays: close the replay in Sessions.
        </p>
      )}
      {/* Each stream's device clock → host clock mapping: visible evidence that the devices' clocks are
          tracked; only while it streams (a device reconnecting kept its last figures as if current). */}
      {clocksCurrent(status.state, offline) && <DeviceClocks name={status.name} clocks={clocks} />}
      {controls && controls.settings.length > 0 && (
        // Grouped under the device's name: both simulated devices have a "Mains", a "Clock drift"…
        <div class="device-settings" role="group" aria-label={`${status.name} settings`}>
          {controls.settings.map((s) => (
            <label key={s.key}>
              <span>{s.label}</span>
              <select
                value={String(status.settings?.[s.key] ?? '')}
                disabled={off}
                data-testid={`setting-${s.key}`}
                onChange={(e) => {
                  const raw = (e.target as HTMLSelectElement).value;
                  const opt = s.options.find((o) => String(o.value) === raw);
                  const value: DeviceSettingValue = opt ? opt.value : raw;
                  void act(`set ${s.label}`, () => client.invoke('hm:pipeline:device-configure', { deviceId: id, settings: { [s.key]: value } }));
                }}
              >
                {s.options.map((o) => (
                  <option key={String(o.value)} value={String(o.value)}>
                    {o.label}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
      )}
      {controls && controls.faults.length > 0 && (
        <div class="device-faults" role="group" aria-label={`${status.name} faults`}>
          <label>
            <span>Inject fault</span>
            <select value={fault} onChange={(e) => setFault((e.target as HTMLSelectElement).value)} data-testid="fault-select">
              {controls.faults.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="btn btn-small" disabled={off || !running || !fault} aria-label={`Inject fault into ${status.name}`} onClick={() => act('inject fault', () => client.invoke('hm:pipeline:device-fault', { deviceId: id, fault }))} data-testid="fault-inject">
            Inject
          </button>
        </div>
      )}
    </li>
  );
}

export function DevicePanel({ live, client }: { live: LiveStore; client: HeartMindClient }) {
  useLive(live, 4);
  const devices = [...live.devices.values()];
  const replaying = devices.some((d) => d.transport === 'replay');
  const offline = offlineText(live);
  // A dismissed card goes with its button: the focus goes to the panel's heading, not the page body.
  const heading = useRef<HTMLHeadingElement>(null);
  return (
    <section class={`panel${offline ? ' stale' : ''}`} aria-label="Devices" data-testid="devices" data-stale={offline ? 'true' : undefined}>
      <header class="panel-header">
        <h2 ref={heading} tabIndex={-1}>Devices</h2>
        <span class={offline ? 'stale-hint small' : 'muted small'}>{offline ? `last known states: ${offline}` : `${devices.filter((d) => d.state === 'streaming').length} streaming`}</span>
      </header>
      {/* Started without the demo (serve --no-demo), the dashboard is empty: say where devices are connected. */}
      {devices.length === 0 && (
        <p class="muted" data-testid="devices-empty">
          No devices yet: connect a headset or chest strap in <a href="#/devices">Devices</a>.
        </p>
      )}
      <ul class="device-list">
        {devices.map((d) => (
          <DeviceCard key={d.deviceId} status={d} controls={live.controls.get(d.deviceId)} client={client} offline={!!offline} clocks={clocksOf(live, d.deviceId)} replaying={replaying} streams={[...live.streams.values()].filter((s) => s.deviceId === d.deviceId)} onDismissed={() => focusLost() && heading.current?.focus()} />
        ))}
      </ul>
    </section>
  );
}

function Modality({ m, name }: { m: ModalitySummary; name: string }) {
  if (!m.present) {
    return (
      <span class="mod mod-absent" data-present="false" data-reason={m.absentReason ?? ''} title={`${name} absent: ${m.absentReason ? absentReasonText(m.absentReason) : 'reason unknown'}${m.absentReason === 'bad-quality' && absentText(m) !== absentReasonText('bad-quality') ? ` (${absentText(m)})` : ''}`}>
        {modalityCellText(m)}
      </span>
    );
  }
  return (
    <span class={`mod mod-present ${m.quality < 0.5 ? 'mod-poor' : ''}`} data-present="true" title={`${name}: ${plural(m.channels, 'channel')}${m.badChannels.length ? `, poor: ${m.badChannels.join(', ')}` : ''}`}>
      {modalityCellText(m)}
    </span>
  );
}

export function WindowStream({ live }: { live: LiveStore }) {
  useLive(live, 4);
  const recent = live.windows.slice(-8).reverse();
  const strip = live.windows.slice(-60);
  const offline = offlineText(live);
  return (
    <section class="panel" aria-label="Synchronised windows" data-testid="windows" data-stale={offline ? 'true' : undefined}>
      <header class="panel-header">
        <h2>Windows</h2>
        <span class="muted small">
          {live.windowing ? `${live.windowing.lengthS} s every ${live.windowing.hopS} s @ ${live.windowing.rateHz} Hz` : ''}
          {offline ? '' : windowArrivalText(live)}
        </span>
        {offline && <span class="stale-hint small">{offline}: no new windows</span>}
      </header>
      <div class="presence-strip" aria-hidden="true" title={presenceStripTitle(strip)} data-testid="presence-strip">
        {strip.map((w) => (
          <span key={w.seq} class="presence-cell">
            <i class={w.eeg.present ? 'p-eeg' : 'p-none'} />
            <i class={w.ecg.present ? 'p-ecg' : 'p-none'} />
          </span>
        ))}
      </div>
      <table class="window-table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Start</th>
            <th scope="col">EEG</th>
            <th scope="col">ECG</th>
          </tr>
        </thead>
        <tbody>
          {recent.map((w) => (
            <tr key={w.seq} data-seq={w.seq} data-eeg={w.eeg.present ? 'present' : 'absent'} data-ecg={w.ecg.present ? 'present' : 'absent'}>
              <td>{w.seq}</td>
              <td class="mono">{windowStartText(w.startTime, live.windowing?.hopS)}</td>
              <td>
                <Modality m={w.eeg} name="EEG" />
              </td>
              <td>
                <Modality m={w.ecg} name="ECG" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {recent.length === 0 && <p class="muted">Waiting for the first window…</p>}
    </section>
  );
}

const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * A key per log entry that stays with it as the list scrolls: the store holds each entry as one
 * object from its push until it falls off the end. Keyed by position instead, once the list was
 * full (300 lines, which a long session reaches) every new line changed every key, and all 300
 * rows were thrown away and built again for each one.
 */
const logKeys = new WeakMap<LogEntry, number>();
let lastLogKey = 0;
function logKey(e: LogEntry): number {
  let k = logKeys.get(e);
  if (k === undefined) logKeys.set(e, (k = ++lastLogKey));
  return k;
}

export function LogPanel({ live }: { live: LiveStore }) {
  useLive(live, 4);
  const [min, setMin] = useState<LogLevel>('info');
  const listRef = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  const entries = live.logs.filter((e) => LEVELS.indexOf(e.level) >= LEVELS.indexOf(min)).slice(-300);
  useEffect(() => {
    const el = listRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  });
  return (
    <section class="panel log-panel" aria-label="Log" data-testid="log">
      <header class="panel-header">
        <h2>Log</h2>
        <label class="panel-tools">
          <span class="sr-only">Minimum level</span>
          <select value={min} onChange={(e) => setMin((e.target as HTMLSelectElement).value as LogLevel)}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l} and above
              </option>
            ))}
          </select>
        </label>
      </header>
      <ol
        class="log-list mono"
        ref={listRef}
        tabIndex={0}
        aria-live="off"
        onScroll={(e) => {
          const el = e.currentTarget as HTMLElement;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {entries.map((e) => (
          <li key={logKey(e)} class={`log-${e.level}`}>
            <span class="log-time">{clockTime(e.time)}</span> <span class="log-level">{e.level}</span> <span class="log-source">{e.source}</span> {e.message}
          </li>
        ))}
        {entries.length === 0 && <li class="muted">Nothing logged yet (at {clockTime(wallNowS())}).</li>}
      </ol>
    </section>
  );
}
