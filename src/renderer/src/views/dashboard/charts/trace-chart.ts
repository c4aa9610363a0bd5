// Stacked live traces (EEG channels, ECG leads), drawn straight onto a 2D canvas: each redraw
// reads the visible span out of the TraceBuffer ring, min-max decimates it (MinMaxCache) and
// strokes one path per trace colour. No per-sample virtual-DOM work, no point objects, no chart
// library on the frame path: chart.js drew the same lines, but resolving its options, updating its
// elements and scales per frame cost more than the lines themselves (about 55 % of the frame's
// script). Channel names are DOM labels beside the canvas (drawn once, not on every frame: text is
// the dearest thing a software canvas draws).
//
// The time axis and its grid never move (x is seconds before the edge), so they live on a chart.js
// canvas underneath, drawn only when the span or the size changes; the traces use that chart's
// plot area, so lines and grid agree.
//
// Events (markers, self-reports) are a dashed line through every channel with the label at the
// top, and a marker with a duration a shaded band; the canvas's accessible name lists the labels in
// view.
//
// Channel i sits at y = n-1-i (top to bottom in montage order); a sample v draws at
// y + v / (2 · scaleUv_i), so a channel's slot is ±scaleUv µV tall.
import type { Chart as ChartType } from 'chart.js';
import { rPeakLead } from '../../../../../shared/pipeline/montage';
import { emptySpan, type TraceBuffer } from '../../../live/trace-buffer';
import type { EventMark } from '../../../live/event-marks';
import { MinMaxCache } from '../../../live/min-max-cache';
import { createChart, THEME } from './chart-setup';
import { traceTickLabel, traceTickStep } from './trace-axis';

export type ScaleMode = 'auto' | 'auto-uniform' | number;

export interface TraceChartOptions {
  colors: string[];
  /** Show markers (R peaks) from `setMarkers`. */
  markers?: boolean;
  ariaLabel: string;
}

/** Each channel's auto scale is re-measured this often (spread over the frames, see rescale). */
const AUTO_RESCALE_MS = 1000;
const LABEL_GUTTER_PX = 44;
/** Half-width of an R-peak marker (a triangle on the peak), CSS px. */
const MARKER_PX = 4;
/** An event's label: at most this many characters (a long PsychoPy label must not cover the plot). */
const EVENT_LABEL_CHARS = 24;

interface PlotArea {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The accessible name lists this many events in view, then how many more. */
export const EVENTS_NAMED = 12;

/** Where the events in view go: duration bands, one dashed line per pixel column, labels that do not cover each other. */
export interface EventLayout {
  bands: { x0: number; x1: number; kind: EventMark['kind'] }[];
  /** x of each line, by kind, at most one per pixel column. */
  lines: Record<EventMark['kind'], number[]>;
  labels: { x: number; width: number; text: string; kind: EventMark['kind'] }[];
  /** For the canvas's accessible name: the first EVENTS_NAMED in view, then how many more. */
  named: string;
}

/**
 * Lays out the events between t0 and edge (oldest first). Each line and label used to be stroked
 * and measured one by one: a stimulus script marking every frame, or a burst (5000 markers in view),
 * took ~90 ms a frame, and the page drew two frames a second; the labels lay on top of one another,
 * unreadable, and the accessible name listed all 5000.
 */
export function layoutEvents(events: readonly EventMark[], t0: number, edge: number, area: PlotArea, pxPerS: number, measure: (text: string) => number): EventLayout {
  const out: EventLayout = { bands: [], lines: { marker: [], 'self-report': [] }, labels: [], named: '' };
  const shown: string[] = [];
  let inView = 0;
  /** Labels go left to right; one that would cover the last one drawn is left out (its line stays). */
  let freeFrom = -Infinity;
  for (const e of events) {
    if (e.time > edge || e.time + e.duration < t0) continue;
    inView++;
    if (shown.length < EVENTS_NAMED) shown.push(e.label);
    const x = area.right + (e.time - edge) * pxPerS;
    if (e.duration > 0) out.bands.push({ x0: Math.max(area.left, x), x1: area.right + (Math.min(edge, e.time + e.duration) - edge) * pxPerS, kind: e.kind });
    if (e.time < t0) continue; // the band runs on past the left edge; its line and label are out of view
    const xs = out.lines[e.kind];
    if (xs.length === 0 || Math.round(xs[xs.length - 1]) !== Math.round(x)) xs.push(x);
    const text = e.label.length > EVENT_LABEL_CHARS ? `${e.label.slice(0, EVENT_LABEL_CHARS - 1)}…` : e.label;
    if (x + 3 < freeFrom) continue;
    const width = measure(text);
    // Right of the line, or left of it where the label would run past the plot's right edge.
    const lx = x + 3 + width > area.right ? x - 3 - width : x + 3;
    if (lx - 2 < freeFrom) continue;
    out.labels.push({ x: lx, width, text, kind: e.kind });
    freeFrom = lx + width + 4;
  }
  out.named = shown.join(', ') + (inView > shown.length ? ` and ${inView - shown.length} more` : '');
  return out;
}

export class TraceChart {
  private readonly ctx: CanvasRenderingContext2D;
  /** Time axis and grid, under the traces (see the top of the file). */
  private readonly axis: ChartType<'line'>;
  /** The axis chart's canvas, ours to remove (chart.js forgets it on destroy). */
  private readonly axisCanvas: HTMLCanvasElement;
  /** Where the axis chart put its plot area (CSS px): the traces are drawn inside it. */
  private area: PlotArea | null = null;
  private readonly labelBox: HTMLDivElement;
  private buffer: TraceBuffer | null = null;
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
  /** The lead the R peaks were detected on (its row carries their markers). */
  private markerLead = 0;
  private events: readonly EventMark[] = [];
  /** The event labels the accessible name lists (set only when they change). */
  private eventsNamed = '';
  private lastEdge = NaN;
  private labelsAt = '';
  private readonly span = emptySpan();
  /** Each channel's min-max buckets, kept between frames (for this buffer and bucket size). */
  private caches: MinMaxCache[] = [];
  private cachesFor: TraceBuffer | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly opts: TraceChartOptions,
  ) {
    canvas.setAttribute('role', 'img');
    this.nameCanvas();
    canvas.style.display = 'block';
    canvas.style.width = '100%';
    canvas.style.height = '100%';
    this.ctx = canvas.getContext('2d')!;
    this.labelBox = document.createElement('div');
    this.labelBox.className = 'trace-labels';
    this.labelBox.setAttribute('aria-hidden', 'true');
    canvas.parentElement?.appendChild(this.labelBox);
    const axisCanvas = document.createElement('canvas');
    axisCanvas.className = 'trace-axis';
    canvas.parentElement?.appendChild(axisCanvas);
    this.axisCanvas = axisCanvas;
    this.axis = createChart<'line'>(axisCanvas, `${opts.ariaLabel}: time axis`, 'points', {
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
            ticks: { stepSize: traceTickStep(this.seconds), callback: (v) => traceTickLabel(Number(v), traceTickStep(this.seconds)), color: THEME.muted, maxRotation: 0 },
            grid: { color: THEME.grid },
          },
          y: { type: 'linear', display: false, min: -0.5, max: 0.5 },
        },
      },
      plugins: [{ id: 'hm-trace-area', afterLayout: (c) => this.setArea(c.chartArea) }],
    });
    // The traces' canvas carries the chart's name; the axis is decoration for screen readers.
    axisCanvas.setAttribute('aria-hidden', 'true');
  }

  /** The axis chart laid out (created, resized, span changed): draw the traces in its plot area. */
  private setArea(a: PlotArea | undefined): void {
    if (!a) return;
    this.area = { left: a.left, top: a.top, right: a.right, bottom: a.bottom };
    this.lastEdge = NaN;
  }

  /** Shows this buffer (or nothing): the traces drawn so far go with the one they came from. */
  setBuffer(buffer: TraceBuffer | null): void {
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.lastEdge = NaN;
    this.clear();
    const labels = buffer?.channels ?? [];
    const sameChannels = labels.length === this.labels.length && labels.every((l, i) => l === this.labels[i]);
    this.labels = labels.slice();
    this.markerLead = rPeakLead(labels);
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
  }

  setSeconds(seconds: number): void {
    this.seconds = seconds;
    this.lastEdge = NaN;
    this.nameCanvas();
    const x = this.axis.options.scales!.x!;
    x.min = -seconds;
    if (x.ticks) (x.ticks as { stepSize?: number }).stepSize = traceTickStep(seconds);
    this.axis.update('none');
    this.rescaleAll = true;
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

  /** Events to mark (markers and self-reports, oldest first, host times). */
  setEvents(events: readonly EventMark[]): void {
    this.events = events;
  }

  /** Current µV half-height of each channel's slot (after auto-scaling). */
  channelScales(): number[] {
    return this.scales.slice();
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
  private placeLabels(area: PlotArea): void {
    const n = this.labels.length;
    if (n === 0) return;
    const key = `${area.top}:${area.bottom}:${n}`;
    if (key === this.labelsAt) return;
    this.labelsAt = key;
    const row = (area.bottom - area.top) / n;
    const kids = this.labelBox.children;
    for (let i = 0; i < kids.length; i++) (kids[i] as HTMLElement).style.top = `${area.top + row * (i + 0.5)}px`;
  }

  /**
   * Matches the canvas's backing store to its box and the screen's pixel ratio; true when it had
   * to (which also blanks it). The box is read from the axis chart, which chart.js keeps sized to
   * the same container, so no frame forces a layout to measure it.
   */
  private fitCanvas(): boolean {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(this.axis.width * dpr);
    const h = Math.round(this.axis.height * dpr);
    if (w === this.canvas.width && h === this.canvas.height) return false;
    this.canvas.width = w;
    this.canvas.height = h;
    return true;
  }

  private clear(): void {
    this.ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /**
   * Draws the span ending at host time `edge`. Returns false when nothing would move.
   */
  draw(edge: number, nowMs: number): boolean {
    const buf = this.buffer;
    const area = this.area;
    if (!buf || !area || !Number.isFinite(edge)) return false;
    const resized = this.fitCanvas();
    // Redraw only when the traces would move by a pixel or more (a 30 s span moves a pixel every
    // ~25 ms, not every frame) or something else changed (settings set lastEdge to NaN).
    const plotPx = Math.max(50, area.right - area.left);
    if (!resized && Math.abs(edge - this.lastEdge) < this.seconds / plotPx) return false;
    this.lastEdge = edge;
    this.rescale(nowMs);
    const n = this.labels.length;
    const t0 = edge - this.seconds;
    // Decimate while drawing: the min and max of each bucket of about `bucketPx` pixels, so spikes
    // survive and no trace gets more than 2 points per bucket (MinMaxCache: the buckets are fixed
    // in sample time and remembered, so a frame measures only the new samples).
    const bucketPx = n > 8 ? 4 : 1.5;
    const perBucket = ((this.seconds * bucketPx) / plotPx) * buf.rateHz;
    const bucket = Math.round(perBucket);
    if (perBucket >= 2.5 && (this.cachesFor !== buf || this.caches.length !== n || this.caches[0].size !== bucket)) {
      this.caches = this.labels.map(() => new MinMaxCache(bucket, buf.capacity));
      this.cachesFor = buf;
    }
    const ctx = this.ctx;
    const dpr = this.canvas.width / Math.max(1, this.axis.width);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.axis.width, this.axis.height);
    ctx.lineWidth = 1;
    const dt = 1 / buf.rateHz;
    const pxPerS = (area.right - area.left) / this.seconds;
    const rowPx = (area.bottom - area.top) / Math.max(1, n);
    // One path per colour: a colour's channels are drawn in one stroke (the pen lifts between
    // channels and at gaps, where the samples have no value).
    const colours = Math.min(this.opts.colors.length, Math.max(1, n));
    for (let g = 0; g < colours; g++) {
      ctx.beginPath();
      for (let c = g; c < n; c += colours) {
        const s = buf.span(c, t0, edge, this.span);
        const k = this.gains[c] / (2 * this.scales[c]);
        // Slot centre of channel c (row c from the top), and where sample k0 of the span lands.
        const yMid = area.top + (c + 0.5) * rowPx;
        const x0 = area.right + (s.time0 - edge) * pxPerS;
        const xStep = dt * pxPerS;
        let pen = false;
        const put = (k0: number, v: number) => {
          if (v !== v) {
            pen = false;
            return;
          }
          const y = v * k; // clipped to the channel's own slot: one wild channel cannot cover its neighbours
          const py = yMid - (y > 0.5 ? 0.5 : y < -0.5 ? -0.5 : y) * rowPx;
          const px = x0 + k0 * xStep;
          if (pen) ctx.lineTo(px, py);
          else {
            ctx.moveTo(px, py);
            pen = true;
          }
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
      }
      ctx.strokeStyle = this.opts.colors[g];
      ctx.stroke();
    }
    if (this.opts.markers && n > 0) {
      // R peaks: a triangle on the peak itself, on the lead they were detected on (lead II of a
      // 3-lead strap, not lead I above it), clipped to that lead's slot like the trace.
      const lead = Math.min(this.markerLead, n - 1);
      const k = this.gains[lead] / (2 * this.scales[lead]);
      ctx.beginPath();
      for (const t of this.markerTimes) {
        if (t < t0 || t > edge) continue;
        const v = buf.valueAt(lead, t);
        if (!Number.isFinite(v)) continue; // no trace there (before the page connected, or a gap)
        const px = area.right + (t - edge) * pxPerS;
        const py = area.top + (lead + 0.5 - Math.max(-0.5, Math.min(0.5, v * k))) * rowPx;
        ctx.moveTo(px, py - MARKER_PX);
        ctx.lineTo(px + MARKER_PX, py + MARKER_PX * 0.7);
        ctx.lineTo(px - MARKER_PX, py + MARKER_PX * 0.7);
        ctx.closePath();
      }
      ctx.fillStyle = THEME.peak;
      ctx.fill();
    }
    this.drawEvents(area, t0, edge, pxPerS);
    this.placeLabels(area);
    return true;
  }

  private drawEvents(area: PlotArea, t0: number, edge: number, pxPerS: number): void {
    const ctx = this.ctx;
    ctx.font = '11px system-ui, sans-serif';
    const layout = layoutEvents(this.events, t0, edge, area, pxPerS, (text) => ctx.measureText(text).width);
    const colour = (kind: EventMark['kind']) => (kind === 'marker' ? THEME.marker : THEME.selfReport);
    ctx.globalAlpha = 0.12;
    for (const b of layout.bands) {
      ctx.fillStyle = colour(b.kind);
      ctx.fillRect(b.x0, area.top, b.x1 - b.x0, area.bottom - area.top);
    }
    ctx.globalAlpha = 1;
    ctx.setLineDash([4, 3]);
    for (const kind of ['marker', 'self-report'] as const) {
      if (layout.lines[kind].length === 0) continue;
      ctx.strokeStyle = colour(kind);
      ctx.beginPath();
      for (const x of layout.lines[kind]) {
        ctx.moveTo(x, area.top);
        ctx.lineTo(x, area.bottom);
      }
      ctx.stroke();
    }
    ctx.setLineDash([]);
    // On a dark plate, so the label reads over the traces it crosses.
    for (const l of layout.labels) {
      ctx.fillStyle = THEME.plate;
      ctx.fillRect(l.x - 2, area.top + 1, l.width + 4, 13);
      ctx.fillStyle = colour(l.kind);
      ctx.fillText(l.text, l.x, area.top + 11);
    }
    if (layout.named !== this.eventsNamed) {
      this.eventsNamed = layout.named;
      this.nameCanvas();
    }
  }

  /** The canvas's accessible name: what it shows, over how long (the time window), and the events in view. */
  private nameCanvas(): void {
    const base = `${this.opts.ariaLabel}, last ${this.seconds} s`;
    this.canvas.setAttribute('aria-label', this.eventsNamed ? `${base}; events in view: ${this.eventsNamed}` : base);
  }

  destroy(): void {
    this.axis.destroy();
    this.axisCanvas.remove();
    this.labelBox.remove();
    this.clear();
  }
}

/** Rounds a µV scale up to 1, 2 or 5 × 10^k, so the numbers shown stay readable. */
export function niceScale(uv: number): number {
  if (!(uv > 0)) return 50;
  const p = 10 ** Math.floor(Math.log10(uv));
  const m = uv / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}
