// A live trace panel (EEG or ECG): the chart is drawn by the frame loop, straight from the
// store's ring buffers; Preact only renders the toolbar (stream, scale, per-channel gain).
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Modality } from '../../../../shared/stream.types';
import type { LiveStore } from '../../live/live-store';
import { useLive } from '../../live/use-live';
import { THEME } from './charts/chart-setup';
import { TraceChart, type ScaleMode } from './charts/trace-chart';
import type { FrameLoop } from './frame-loop';
import { streamDeviceName, traceInfoText, traceScaleText } from './dashboard-text';
import { MODEL_RATE_HZ } from '../../../../shared/window.types';

const SCALES: { value: string; label: string }[] = [
  { value: 'auto', label: 'Auto, per channel' },
  { value: 'auto-uniform', label: 'Auto, uniform' },
  ...[10, 20, 50, 100, 200, 500, 1000, 2000].map((uv) => ({ value: String(uv), label: `±${uv} µV` })),
];

const GAIN_STEPS = [0.25, 0.5, 1, 2, 4, 8];

interface Props {
  live: LiveStore;
  loop: FrameLoop;
  modality: Exclude<Modality, 'other'>;
  title: string;
  seconds: number;
  /** Height of the chart in px per channel (plus a minimum). */
  rowHeight: number;
  minHeight: number;
}

export function TracePanel({ live, loop, modality, title, seconds, rowHeight, minHeight }: Props) {
  useLive(live, 2);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const chartRef = useRef<TraceChart | null>(null);
  const [streamId, setStreamId] = useState<string | null>(null);
  const [scale, setScale] = useState('auto');
  const [showGains, setShowGains] = useState(false);
  const [, setGainTick] = useState(0);
  const sectionRef = useRef<HTMLElement>(null);
  /**
   * Whether any of the panel is in the viewport. Scrolled out of it (reading the log, the windows
   * or the quality below), the traces are not drawn: each frame would cost its script and the
   * canvas's raster for nothing. In view again, the next frame draws the current span.
   */
  const onScreen = useRef(true);

  useEffect(() => {
    const el = sectionRef.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => {
      for (const e of entries) onScreen.current = e.isIntersecting;
    });
    io.observe(el);
    return () => io.disconnect();
  }, []);

  const streams = live.streamsOf(modality);
  const chosen = streams.find((s) => s.id === streamId) ?? streams.find((s) => live.traces.has(s.id)) ?? streams[0];
  const chosenId = chosen?.id ?? null;
  const buffer = chosenId ? live.traces.get(chosenId) ?? null : null;
  const channels = buffer?.channels ?? chosen?.channels.map((c) => c.label) ?? [];

  // A layout effect, like the time window's below: the chart exists before its span is set.
  useLayoutEffect(() => {
    const chart = new TraceChart(canvasRef.current!, {
      colors: modality === 'ecg' ? [THEME.ecg] : THEME.eeg,
      markers: modality === 'ecg',
      ariaLabel: `${title}: live traces`,
    });
    chartRef.current = chart;
    return () => {
      chartRef.current = null;
      chart.destroy();
    };
  }, [modality, title]);

  // In the same frame as the time-window choice, so the canvas's name and axis never lag the check.
  useLayoutEffect(() => chartRef.current?.setSeconds(seconds), [seconds]);
  useEffect(() => chartRef.current?.setScaleMode(scale === 'auto' || scale === 'auto-uniform' ? (scale as ScaleMode) : Number(scale)), [scale]);

  useEffect(() => {
    // Read the store on every frame: a device that restarts gets a new buffer.
    return loop.add((edge, now) => {
      const chart = chartRef.current;
      if (!chart || !chosenId || !onScreen.current) return false;
      chart.setBuffer(live.traces.get(chosenId) ?? null);
      if (modality === 'ecg') chart.setMarkers(live.rPeaks.get(chosenId) ?? []);
      chart.setEvents(live.events.marks);
      return chart.draw(edge, now);
    });
  }, [loop, live, chosenId, modality]);

  const height = Math.max(minHeight, channels.length * rowHeight + 40);
  const info = chosen ? traceInfoText({ ...chosen, deviceName: streamDeviceName(live.devices, chosen) }, channels.length, buffer?.rateHz ?? MODEL_RATE_HZ, live.settings) : 'no stream';
  const scales = chartRef.current?.channelScales() ?? [];
  const gains = channels.map((_, c) => chartRef.current?.gain(c) ?? 1);
  // The µV a row spans, said while it is not the choice's own words (auto, or a gain changed).
  const scaleNow = scale.startsWith('auto') || gains.some((g) => g !== 1) ? traceScaleText(scales, gains) : '';

  return (
    <section ref={sectionRef} class={`panel trace-panel trace-${modality}`} aria-label={title} data-testid={`trace-${modality}`} data-stream={chosenId ?? ''}>
      <header class="panel-header">
        <h2>{title}</h2>
        <span class="muted small">{info}</span>
        <span class="panel-tools">
          {streams.length > 1 && (
            <label>
              <span class="sr-only">Stream</span>
              <select value={chosenId ?? ''} onChange={(e) => setStreamId((e.target as HTMLSelectElement).value)}>
                {streams.map((s) => (
                  <option key={s.id} value={s.id}>
                    {streamDeviceName(live.devices, s)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {scaleNow && (
            <span class="muted small" title="The µV half a channel's row spans" data-testid={`scale-now-${modality}`}>
              {scaleNow}
            </span>
          )}
          <label>
            <span class="sr-only">{title} scale</span>
            <select value={scale} onChange={(e) => setScale((e.target as HTMLSelectElement).value)} data-testid={`scale-${modality}`}>
              {SCALES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          {/* Named with the panel's title: EEG and ECG each have one. */}
          <button type="button" class="btn btn-small" aria-expanded={showGains} aria-label={`${title} channels`} onClick={() => setShowGains(!showGains)}>
            Channels
          </button>
        </span>
      </header>
      {showGains && (
        <ul class="gain-list" aria-label={`${title}: per-channel gain`}>
          {channels.map((label, c) => {
            const g = chartRef.current?.gain(c) ?? 1;
            const step = (dir: 1 | -1) => {
              const i = GAIN_STEPS.indexOf(g);
              const next = GAIN_STEPS[Math.max(0, Math.min(GAIN_STEPS.length - 1, (i < 0 ? 2 : i) + dir))];
              chartRef.current?.setGain(c, next);
              setGainTick((t) => t + 1);
            };
            return (
              <li key={label}>
                <span class="gain-label">{label}</span>
                <button type="button" class="btn-icon" aria-label={`${label}: smaller`} onClick={() => step(-1)}>
                  −
                </button>
                <span class="gain-value" aria-label={`${label} gain`}>×{g}</span>
                <button type="button" class="btn-icon" aria-label={`${label}: larger`} onClick={() => step(1)}>
                  +
                </button>
                {Number.isFinite(scales[c]) && <span class="muted small">±{Math.round(scales[c] / g)} µV</span>}
              </li>
            );
          })}
        </ul>
      )}
      <div class="chart-box" style={{ height: `${height}px` }}>
        <canvas ref={canvasRef} />
        {!buffer && <p class="chart-empty muted">{chosen ? 'Waiting for samples…' : `No ${modality.toUpperCase()} device is streaming.`}</p>}
      </div>
    </section>
  );
}
