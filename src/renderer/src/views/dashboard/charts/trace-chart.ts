// Stacked live traces (EEG channels, ECG leads) on one chart.js line chart, drawn imperatively:
// each redraw reads the visible span straight out of the TraceBuffer ring, decimates it into
// point objects allocated once, and calls chart.update('none'). No per-sample virtual-DOM work,
// no animation, no parsing. Channel names are DOM labels beside the canvas (drawn once, not on
// every frame: text is the dearest thing a software canvas draws).
//
// One dataset per trace colour, not per channel: chart.js resolves every dataset's options on
// every update, which with 32 channels was about a third of its update time. A colour's channels
// follow one another in its dataset, each cut from the next by a point with no value (chart.js
// breaks a line there, spanGaps being off). The x range is not fixed by scale bounds (chart.js
// would then binary-search each dataset as if sorted by x, which a run of channels is not) but by
// a valueless anchor point at each end of every dataset: -seconds first, 0 last. chart.js's own
// decimation is off for the same reason (it buckets one x-sorted series); the points are already
// min-max decimated per channel below.
//
// The time axis and its grid never move (x is seconds before the edge), so they live on a second
// chart.js canvas underneath, drawn only when the span or the size changes; the traces' own chart
// shows no scales and skips chart.js's layout pass (tick generation, label measuring, box fitting)
// on the frames where only the data changed. Its plot area is kept equal to the axis chart's.
//
// Channel i sits at y = n-1-i (top to bottom in montage order); a sample v draws at
// y + v / (2 · scaleUv_i), so a channel's slot is ±scaleUv µV tall.
import type { Chart as ChartType, ChartDataset } from 'chart.js';
import { emptySpan, type TraceBuffer } from '../../../live/trace-buffer';
import { MinMaxCache } from '../../../live/min-max-cache';
import { createChart, THEME } from './chart-setup';

export type ScaleMode = 'auto' | 'auto-uniform' | number;

type Pt = { x: number; y: number };

export interface TraceChartOptions {
  colors: string[];
  /** Show markers (R peaks) from `setMarkers`. */
  markers?: boolean;
  ariaLabel: string;
}

/** Each channel's auto scale is re-measured this often (spread over the frames, see rescale). */
const AUTO_RESCALE_MS = 1000;
const LABEL_GUTTER_PX = 44;

export class TraceChart {
  private readonly chart: ChartType<'line', Pt[]>;
  /** Time axis and grid, under the traces (see the top of the file). */
  private readonly axis: ChartType<'line', Pt[]>;
  /** The axis chart's canvas, ours to remove (chart.js forgets it on destroy). */
  private readonly axisCanvas: HTMLCanvasElement;
  /** Whether the traces' chart must run chart.js's layout on its next update. */
  private layoutDirty = true;
  private padKey = '';
  private readonly labelBox: HTMLDivElement;
  private buffer: TraceBuffer | null = null;
  /** Point objects allocated once per channel (the last one cuts the line after the channel). */
  private pool: Pt[][] = [];
  /** One dataset's points per trace colour (see the top of the file). */
  private groups: Pt[][] = [];
  /** Each group's end anchors, [x = -seconds, x = 0], both without a value. */
  private anchors: [Pt, Pt][] = [];
  private labels: string[] = [];
  private seconds = 10;
  private mode: ScaleMode = 'auto';
  private gains: number[] = [];
  private scales: number[] = [];
  /** Auto scale: every channel is re-measured at once on the next frame (settings changed). */
  private rescaleAll = true;
  /** Auto scale: robust amplitude (µV) per channel, last measured. */
  private amps: number[] = [];
  private rescaleEpoch = 0;
  private rescaled = 0;
  private rescaleCursor = 0;
  private markerTimes: number[] = [];
  private readonly markerPoints: Pt[] = [];
  private lastEdge = NaN;
  private labelsAt = '';
  private readonly span = emptySpan();
  /** Each channel's min-max buckets, kept between frames (for this buffer and bucket size). */
  private caches: MinMaxCache[] = [];
  private cachesFor: TraceBuffer | null = null;

  constructor(
    canvas: HTMLCanvasElement,
    private readonly opts: TraceChartOptions,
  ) {
    this.labelBox = document.createElement('div');
    this.labelBox.className = 'trace-labels';
    this.labelBox.setAttribute('aria-hidden', 'true');
    canvas.parentElement?.appendChild(this.labelBox);
    const axisCanvas = document.createElement('canvas');
    axisCanvas.className = 'trace-axis';
    canvas.parentElement?.appendChild(axisCanvas);
    this.axisCanvas = axisCanvas;
    this.axis = createChart<'line', Pt[]>(axisCanvas, `${opts.ariaLabel}: time axis`, 'points', {
      type: 'line',
      data: { datasets: [] },
      options: {
        events: [],
        layout: { padding: { left: LABEL_GUTTER_PX, right: 6, top: 4 } },
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: {
          x: {
            type: 'linear',
            min: -this.seconds,
            max: 0,
            ticks: { callback: (v) => `${Number(v) === 0 ? '0' : Number(v).toFixed(Math.abs(Number(v)) < 1 ? 1 : 0)} s`, maxTicksLimit: 11, color: THEME.muted, maxRotation: 0 },
            grid: { color: THEME.grid },
          },
          y: { type: 'linear', display: false, min: -0.5, max: 0.5 },
        },
      },
      plugins: [{ id: 'hm-trace-area', afterLayout: (c) => this.alignPlotArea(c.chartArea, c.width, c.height) }],
    });
    // The traces' canvas carries the chart's name; the axis is decoration for screen readers.
    axisCanvas.setAttribute('aria-hidden', 'true');
    this.chart = createChart<'line', Pt[]>(canvas, opts.ariaLabel, 'live', {
      type: 'line',
      data: { datasets: [] },
      options: {
        spanGaps: false,
        // Off: it assumes one x-sorted series per dataset; the points come decimated (see draw).
        plugins: { decimation: { enabled: false } },
        elements: { point: { radius: 0 }, line: { borderWidth: 1, tension: 0 } },
        layout: { padding: this.plotPadding() },
        scales: {
          // Nothing drawn (the axis canvas shows it, the labels are DOM). The range is the axis
          // chart's, set by each dataset's end anchors, not by min/max (see the top of the file).
          x: { type: 'linear', display: false },
          y: { type: 'linear', display: false, min: -0.5, max: 0.5 },
        },
      },
      plugins: [
        {
          id: 'hm-layout-once',
          // Cancelling beforeLayout is chart.js's documented way to keep the last layout.
          beforeLayout: () => (this.layoutDirty ? undefined : false),
          afterLayout: () => {
            this.layoutDirty = false;
          },
          resize: () => {
            this.layoutDirty = true;
          },
        },
      ],
    });
  }

  /** The traces' padding that puts their plot area where the axis chart put its own. */
  private plotPadding(): { left: number; right: number; top: number; bottom: number } {
    const a = this.axis.chartArea;
    if (!a) return { left: LABEL_GUTTER_PX, right: 6, top: 4, bottom: 24 };
    return { left: a.left, right: this.axis.width - a.right, top: a.top, bottom: this.axis.height - a.bottom };
  }

  private alignPlotArea(area: { left: number; right: number; top: number; bottom: number } | undefined, width: number, height: number): void {
    if (!area) return;
    const key = `${area.left}:${area.right}:${area.top}:${area.bottom}:${width}:${height}`;
    if (key === this.padKey) return;
    this.padKey = key;
    // Called from the axis chart's constructor too, before this.chart exists.
    if (!this.chart) return;
    this.chart.options.layout!.padding = this.plotPadding();
    this.layoutDirty = true;
    this.lastEdge = NaN;
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
      this.amps = labels.map(() => NaN);
      this.rescaleAll = true;
      this.labelBox.replaceChildren(
        ...labels.map((l) => {
          const el = document.createElement('span');
          el.textContent = l;
          return el;
        }),
      );
      this.labelsAt = '';
    }
    this.allocate();
  }

  setSeconds(seconds: number): void {
    this.seconds = seconds;
    this.lastEdge = NaN;
    this.axis.options.scales!.x!.min = -seconds;
    this.axis.update('none');
    this.layoutDirty = true;
    this.rescaleAll = true;
    this.allocate();
  }

  setScaleMode(mode: ScaleMode): void {
    this.mode = mode;
    this.rescaleAll = true;
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
    // Two spare points, and the one without a value that ends the channel's run in its group.
    const perChannel = buf ? Math.ceil(this.seconds * buf.rateHz) + 3 : 0;
    this.pool = this.labels.map(() => Array.from({ length: perChannel }, () => ({ x: NaN, y: NaN })));
    const colours = Math.min(this.opts.colors.length, Math.max(1, n));
    this.anchors = Array.from({ length: colours }, () => [
      { x: -this.seconds, y: NaN },
      { x: 0, y: NaN },
    ]);
    this.groups = this.anchors.map((a) => [...a]);
    this.markerPoints.length = 0; // the R peaks drawn belong to the traces just cleared
    const datasets: ChartDataset<'line', Pt[]>[] = this.groups.map((pts, g) => ({
      data: pts,
      borderColor: this.opts.colors[g],
      borderWidth: 1,
      pointRadius: 0,
      indexAxis: 'x' as const,
      // Samples are already clipped to their slot and the visible span: skip chart.js's per-dataset clip.
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
    this.layoutDirty = true;
    this.chart.update('none');
  }

  private rescale(now: number): void {
    const buf = this.buffer;
    if (!buf) return;
    if (typeof this.mode === 'number') {
      this.scales.fill(this.mode);
      return;
    }
    // Measuring a channel sorts its visible samples (6000 at 30 s): all 32 at once would make one
    // frame of ~10 ms every second. So all are measured at once only after a settings change;
    // otherwise a few per frame, round robin, each once per AUTO_RESCALE_MS.
    const n = buf.channels.length;
    if (n === 0) return;
    let due: number;
    if (this.rescaleAll) {
      this.rescaleAll = false;
      this.rescaleEpoch = now;
      this.rescaled = 0;
      this.rescaleCursor = 0;
      due = n;
    } else {
      const target = Math.floor(((now - this.rescaleEpoch) * n) / AUTO_RESCALE_MS);
      // After a long pause (a hidden tab) catch up one round, not every missed one.
      this.rescaled = Math.max(this.rescaled, target - n);
      due = target - this.rescaled;
      if (due <= 0) return;
    }
    this.rescaled += due;
    for (let i = 0; i < due; i++) {
      const c = this.rescaleCursor;
      this.amps[c] = buf.amplitude(c, this.seconds);
      this.rescaleCursor = (c + 1) % n;
    }
    if (this.mode === 'auto-uniform') {
      const sorted = this.amps.filter((a) => Number.isFinite(a) && a > 0).sort((a, b) => a - b);
      const median = sorted.length ? sorted[Math.floor(sorted.length / 2)] : 50;
      this.scales.fill(niceScale(median * 1.6));
    } else {
      this.amps.forEach((a, c) => {
        this.scales[c] = Number.isFinite(a) && a > 0 ? niceScale(a * 1.6) : this.scales[c] || 50;
      });
    }
  }

  /** Keeps the DOM channel labels on their rows (only when the plot area moved). */
  private placeLabels(): void {
    const area = this.chart.chartArea;
    const n = this.labels.length;
    if (!area || n === 0) return;
    const key = `${area.top}:${area.bottom}:${n}`;
    if (key === this.labelsAt) return;
    this.labelsAt = key;
    const row = (area.bottom - area.top) / n;
    const kids = this.labelBox.children;
    for (let i = 0; i < kids.length; i++) (kids[i] as HTMLElement).style.top = `${area.top + row * (i + 0.5)}px`;
  }

  /**
   * Draws the span ending at host time `edge`. Returns false when nothing would move.
   */
  draw(edge: number, nowMs: number): boolean {
    const buf = this.buffer;
    if (!buf || !Number.isFinite(edge)) return false;
    // Redraw only when the traces would move by a pixel or more (a 30 s span moves a pixel every
    // ~25 ms, not every frame) or something else changed (settings set lastEdge to NaN).
    const area = this.chart.chartArea;
    const plotPx = Math.max(50, area ? area.right - area.left : 800);
    if (Math.abs(edge - this.lastEdge) < this.seconds / plotPx) return false;
    this.lastEdge = edge;
    this.rescale(nowMs);
    const n = this.labels.length;
    const t0 = edge - this.seconds;
    // Decimate while copying: the min and max of each bucket of about `bucketPx` pixels, so spikes
    // survive and chart.js never gets more than 2 points per bucket per trace (MinMaxCache: the
    // buckets are fixed in sample time and remembered, so a frame measures only the new samples).
    const bucketPx = n > 8 ? 4 : 1.5;
    const perBucket = ((this.seconds * bucketPx) / plotPx) * buf.rateHz;
    const bucket = Math.round(perBucket);
    if (perBucket >= 2.5 && (this.cachesFor !== buf || this.caches.length !== n || this.caches[0].size !== bucket)) {
      this.caches = this.labels.map(() => new MinMaxCache(bucket, buf.capacity));
      this.cachesFor = buf;
    }
    const dt = 1 / buf.rateHz;
    const colours = this.groups.length;
    const used = this.groups.map(() => 1); // after each group's leading anchor
    for (let c = 0; c < n; c++) {
      const pts = this.groups[c % colours];
      const pool = this.pool[c];
      const base = n - 1 - c;
      const k = this.gains[c] / (2 * this.scales[c]);
      const s = buf.span(c, t0, edge, this.span);
      let at = used[c % colours];
      let taken = 0;
      const put = (k0: number, v: number) => {
        // The pool's last point is kept for the cut below.
        if (taken >= pool.length - 1) return;
        const p = pool[taken++];
        p.x = s.time0 + k0 * dt - edge;
        const y = v * k; // clipped to the channel's own slot: one wild channel cannot cover its neighbours
        p.y = v !== v ? NaN : base + (y > 0.5 ? 0.5 : y < -0.5 ? -0.5 : y);
        pts[at++] = p;
      };
      if (perBucket < 2.5) {
        const { data, capacity, count } = s;
        let pos = s.base + s.first;
        const end = s.base + capacity;
        for (let i = 0; i < count; i++) {
          put(i, data[pos]);
          if (++pos === end) pos = s.base;
        }
      } else {
        this.caches[c].emit(s, put);
      }
      pts[at++] = pool[pool.length - 1]; // no value: the line stops before the next channel
      used[c % colours] = at;
    }
    this.groups.forEach((pts, g) => {
      const a = this.anchors[g][1];
      pts[used[g]] = a;
      if (pts.length !== used[g] + 1) pts.length = used[g] + 1;
    });
    if (this.opts.markers) {
      this.markerPoints.length = 0;
      const k = this.gains[0] / (2 * this.scales[0]);
      for (const t of this.markerTimes) {
        if (t < t0 || t > edge) continue;
        const v = buf.valueAt(0, t);
        if (!Number.isFinite(v)) continue; // no trace there (before the page connected, or a gap)
        // The marker sits on the peak itself (clipped to the lead's slot like the trace).
        this.markerPoints.push({ x: t - edge, y: n - 1 + Math.max(-0.5, Math.min(0.5, v * k)) });
      }
    }
    this.chart.update('none');
    this.placeLabels();
    return true;
  }

  destroy(): void {
    this.chart.destroy();
    this.axis.destroy();
    this.axisCanvas.remove();
    this.labelBox.remove();
  }
}

/** Rounds a µV scale up to 1, 2 or 5 × 10^k, so the numbers shown stay readable. */
export function niceScale(uv: number): number {
  if (!(uv > 0)) return 50;
  const p = 10 ** Math.floor(Math.log10(uv));
  const m = uv / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}
