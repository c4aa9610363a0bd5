// Stacked live traces (EEG channels, ECG leads) on one chart.js line chart, drawn imperatively:
// each animation frame copies the visible span of a TraceBuffer into point objects that were
// allocated once, and calls chart.update('none'). No per-sample virtual-DOM work, no animation;
// chart.js's decimation thins long spans, its fast path draws one min/max column per pixel.
//
// Channel i sits at y = n-1-i (top to bottom in montage order); a sample v draws at
// y + v / (2 · scaleUv_i), so a channel's slot is ±scaleUv µV tall.
import type { Chart as ChartType, ChartDataset } from 'chart.js';
import type { TraceBuffer } from '../../../live/trace-buffer';
import { setupCharts, THEME } from './chart-setup';

export type ScaleMode = 'auto' | 'auto-uniform' | number;

type Pt = { x: number; y: number };

export interface TraceChartOptions {
  colors: string[];
  /** Show markers (R peaks) from `setMarkers`. */
  markers?: boolean;
  ariaLabel: string;
}

const AUTO_RESCALE_MS = 1000;

export class TraceChart {
  private readonly chart: ChartType<'line', Pt[]>;
  private buffer: TraceBuffer | null = null;
  /** Point objects allocated once per channel; `points[c]` is the prefix chart.js draws. */
  private pool: Pt[][] = [];
  private points: Pt[][] = [];
  private labels: string[] = [];
  private seconds = 10;
  private mode: ScaleMode = 'auto';
  private gains: number[] = [];
  private scales: number[] = [];
  private lastRescale = 0;
  private markerTimes: number[] = [];
  private readonly markerPoints: Pt[] = [];
  private lastEdge = NaN;
  private lastBufferEnd = NaN;

  constructor(
    canvas: HTMLCanvasElement,
    private readonly opts: TraceChartOptions,
  ) {
    const Chart = setupCharts();
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', opts.ariaLabel);
    this.chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        events: [],
        spanGaps: false,
        elements: { point: { radius: 0 }, line: { borderWidth: 1, tension: 0 } },
        layout: { padding: { right: 6, top: 4 } },
        plugins: {
          legend: { display: false },
          tooltip: { enabled: false },
          decimation: { enabled: true, algorithm: 'lttb' },
        },
        scales: {
          x: {
            type: 'linear',
            min: -this.seconds,
            max: 0,
            ticks: { callback: (v) => `${Number(v) === 0 ? '0' : Number(v).toFixed(Math.abs(Number(v)) < 1 ? 1 : 0)} s`, maxTicksLimit: 11, color: THEME.muted },
            grid: { color: THEME.grid },
          },
          y: {
            type: 'linear',
            min: -0.5,
            max: 0.5,
            afterBuildTicks: (axis) => {
              axis.ticks = this.labels.map((_, i) => ({ value: i }));
            },
            ticks: { autoSkip: false, callback: (v) => this.labels[this.labels.length - 1 - Number(v)] ?? '', color: THEME.text, font: { size: 10 } },
            grid: { color: THEME.grid },
          },
        },
      },
    });
  }

  /** Shows this buffer (or nothing). Rebuilds the datasets when the channel set changes. */
  setBuffer(buffer: TraceBuffer | null): void {
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.lastEdge = NaN;
    const labels = buffer?.channels ?? [];
    const sameChannels = labels.length === this.labels.length && labels.every((l, i) => l === this.labels[i]);
    this.labels = labels.slice();
    if (!sameChannels) {
      this.gains = labels.map(() => 1);
      this.scales = labels.map(() => 50);
      this.lastRescale = 0;
    }
    this.allocate();
  }

  setSeconds(seconds: number): void {
    this.seconds = seconds;
    this.chart.options.scales!.x!.min = -seconds;
    this.lastRescale = 0;
    this.allocate();
  }

  setScaleMode(mode: ScaleMode): void {
    this.mode = mode;
    this.lastRescale = 0;
    this.lastEdge = NaN;
  }

  /** Multiplies one channel's amplitude on screen (per-channel scaling). */
  setGain(channel: number, gain: number): void {
    if (channel >= 0 && channel < this.gains.length) this.gains[channel] = gain;
    this.lastEdge = NaN;
  }

  gain(channel: number): number {
    return this.gains[channel] ?? 1;
  }

  /** Host times to mark (R peaks). */
  setMarkers(times: number[]): void {
    this.markerTimes = times;
  }

  /** Current µV half-height of each channel's slot (after auto-scaling). */
  channelScales(): number[] {
    return this.scales.slice();
  }

  private allocate(): void {
    const buf = this.buffer;
    const n = this.labels.length;
    const perChannel = buf ? Math.ceil(this.seconds * buf.rateHz) + 2 : 0;
    this.pool = this.labels.map(() => Array.from({ length: perChannel }, () => ({ x: 0, y: NaN })));
    this.points = this.labels.map(() => []);
    const datasets: ChartDataset<'line', Pt[]>[] = this.points.map((pts, i) => ({
      data: pts,
      borderColor: this.opts.colors[i % this.opts.colors.length],
      borderWidth: 1,
      pointRadius: 0,
      indexAxis: 'x' as const,
      // Samples are already clipped to their slot and the visible span: skip chart.js's per-dataset clip (save/clip/restore).
      clip: false as const,
    }));
    if (this.opts.markers) {
      datasets.push({
        data: this.markerPoints,
        showLine: false,
        pointRadius: 4,
        pointStyle: 'triangle',
        pointBackgroundColor: THEME.peak,
        pointBorderColor: THEME.peak,
        borderWidth: 0,
      });
    }
    this.chart.data.datasets = datasets;
    const y = this.chart.options.scales!.y!;
    y.min = -0.5;
    y.max = Math.max(0.5, n - 0.5);
    this.chart.update('none');
  }

  private rescale(now: number, edge: number): void {
    const buf = this.buffer;
    if (!buf) return;
    if (typeof this.mode === 'number') {
      this.scales.fill(this.mode);
      return;
    }
    if (now - this.lastRescale < AUTO_RESCALE_MS) return;
    this.lastRescale = now;
    const span = Math.min(this.seconds, buf.endTime - edge + this.seconds);
    const amps = buf.channels.map((_, c) => buf.amplitude(c, span));
    const finite = amps.filter((a) => Number.isFinite(a) && a > 0);
    if (this.mode === 'auto-uniform') {
      const sorted = finite.sort((a, b) => a - b);
      const median = sorted.length ? sorted[Math.floor(sorted.length / 2)] : 50;
      this.scales.fill(niceScale(median * 1.6));
    } else {
      amps.forEach((a, c) => {
        this.scales[c] = Number.isFinite(a) && a > 0 ? niceScale(a * 1.6) : this.scales[c] || 50;
      });
    }
  }

  /**
   * Draws the span ending at host time `edge`. Returns false when nothing changed (no redraw).
   */
  draw(edge: number, nowMs: number): boolean {
    const buf = this.buffer;
    if (!buf || !Number.isFinite(edge)) return false;
    if (edge === this.lastEdge && buf.endTime === this.lastBufferEnd) return false;
    this.lastEdge = edge;
    this.lastBufferEnd = buf.endTime;
    this.rescale(nowMs, edge);
    const n = this.labels.length;
    const t0 = edge - this.seconds;
    // Decimate while copying: min and max of each bucket of `bucketPx` pixels, in time order, so
    // peaks survive and a frame never feeds chart.js more than ~2 points per bucket per trace.
    // NaN (a gap) is kept as a point of its own, so chart.js breaks the line there.
    const area = this.chart.chartArea;
    const plotPx = Math.max(50, area ? area.right - area.left : 800);
    const bucketPx = n > 8 ? 3 : 1.5;
    const bucketSec = (this.seconds * bucketPx) / plotPx;
    const raw = bucketSec * buf.rateHz < 2.5;
    for (let c = 0; c < n; c++) {
      const pts = this.points[c];
      const pool = this.pool[c];
      const base = n - 1 - c;
      const k = this.gains[c] / (2 * this.scales[c]);
      let used = 0;
      const put = (t: number, v: number) => {
        const p = pool[used];
        if (!p) return;
        p.x = t - edge;
        // Clip to the channel's own slot so one wild channel cannot paint over its neighbours.
        const y = v * k;
        p.y = base + (y > 0.5 ? 0.5 : y < -0.5 ? -0.5 : y);
        pts[used++] = p;
      };
      if (raw) {
        buf.forEachInRange(c, t0, edge, put);
      } else {
        let bucket = -1;
        let minV = 0, minT = 0, maxV = 0, maxT = 0, nanT = NaN, any = false;
        const flush = () => {
          if (!Number.isNaN(nanT) && (!any || nanT < minT)) put(nanT, NaN);
          if (any) {
            if (minT <= maxT) {
              put(minT, minV);
              if (maxT !== minT) put(maxT, maxV);
            } else {
              put(maxT, maxV);
              put(minT, minV);
            }
          }
          if (!Number.isNaN(nanT) && any && nanT >= minT) put(nanT, NaN);
        };
        buf.forEachInRange(c, t0, edge, (t, v) => {
          const b = Math.floor((t - t0) / bucketSec);
          if (b !== bucket) {
            if (bucket >= 0) flush();
            bucket = b;
            any = false;
            nanT = NaN;
          }
          if (v !== v) {
            if (Number.isNaN(nanT)) nanT = t;
          } else if (!any) {
            any = true;
            minV = maxV = v;
            minT = maxT = t;
          } else if (v < minV) {
            minV = v;
            minT = t;
          } else if (v > maxV) {
            maxV = v;
            maxT = t;
          }
        });
        if (bucket >= 0) flush();
      }
      if (pts.length !== used) pts.length = used;
    }
    if (this.opts.markers) {
      this.markerPoints.length = 0;
      for (const t of this.markerTimes) {
        if (t < t0 || t > edge) continue;
        const v = buf.valueAt(0, t);
        const k = this.gains[0] / (2 * this.scales[0]);
        // The marker sits on the peak itself (clipped to the lead's slot like the trace).
        this.markerPoints.push({ x: t - edge, y: n - 1 + (Number.isFinite(v) ? Math.max(-0.5, Math.min(0.5, v * k)) : 0.4) });
      }
    }
    this.chart.update('none');
    return true;
  }

  resize(): void {
    this.chart.resize();
  }

  destroy(): void {
    this.chart.destroy();
  }
}

/** Rounds a µV scale up to 1, 2 or 5 × 10^k, so the numbers shown stay readable. */
export function niceScale(uv: number): number {
  if (!(uv > 0)) return 50;
  const p = 10 ** Math.floor(Math.log10(uv));
  const m = uv / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}
