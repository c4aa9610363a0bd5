// One requestAnimationFrame loop for every live chart: each frame asks each drawer to draw the
// span ending at the playout edge, and times the whole frame's work. The timings are what
// bench/dashboard-frame.bench.ts reads (window.__heartmindFrames), and what the status line shows.

export type Drawer = (edgeTime: number, nowMs: number) => boolean;

export interface FrameStats {
  /** ms of script work per drawn frame, most recent last (bounded). */
  frameMs: number[];
  drawn: number;
  skipped: number;
  errors: number;
}

const KEEP = 2000;
/**
 * Drawing may take at most this share of the main thread: when frames get dear (a slow or busy
 * machine) the loop draws less often instead of starving everything else, above all the handling
 * of incoming samples and windows (whose latency is what the page promises).
 *
 * The share counts the whole frame, not only our script: after the callbacks, Chromium paints,
 * and commits each changed canvas (a copy of its bitmap; without a GPU also its rasterisation) on
 * the main thread, in the same task. Counting the script alone let cheaper frames come more often
 * and the main thread stayed just as busy.
 */
const MAX_DRAW_SHARE = 1 / 3;

declare global {
  interface Window {
    /** Frame timings of the live dashboard (read by the frame-time benchmark). */
    __heartmindFrames?: FrameStats;
  }
}

export class FrameLoop {
  readonly stats: FrameStats = { frameMs: [], drawn: 0, skipped: 0, errors: 0 };
  private readonly drawers = new Set<Drawer>();
  private raf = 0;
  private running = false;
  private costEma = 0;
  private lastDraw = -Infinity;
  /** Start of the drawn frame whose end the channel below is waiting for (NaN: none). */
  private frameStart = NaN;
  /**
   * A message posted during the frame's callbacks is delivered in a task after the frame's own
   * (callbacks, paint, commit): its arrival marks the end of the frame's main-thread work.
   */
  private readonly frameEnd = new MessageChannel();

  constructor(
    private readonly edge: () => number,
    private readonly onError: (err: unknown) => void,
  ) {
    window.__heartmindFrames = this.stats;
    this.frameEnd.port1.onmessage = () => {
      if (Number.isNaN(this.frameStart)) return;
      const cost = performance.now() - this.frameStart;
      this.frameStart = NaN;
      this.costEma = this.costEma === 0 ? cost : this.costEma * 0.8 + cost * 0.2;
    };
  }

  add(drawer: Drawer): () => void {
    this.drawers.add(drawer);
    return () => this.drawers.delete(drawer);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.raf = requestAnimationFrame(this.frame);
  }

  stop(): void {
    this.running = false;
    cancelAnimationFrame(this.raf);
  }

  private readonly frame = (now: number) => {
    if (!this.running) return;
    this.raf = requestAnimationFrame(this.frame);
    if (now - this.lastDraw < this.costEma * (1 / MAX_DRAW_SHARE - 1)) {
      this.stats.skipped++;
      return;
    }
    const t0 = performance.now();
    const edge = this.edge();
    let drew = false;
    for (const d of this.drawers) {
      try {
        drew = d(edge, now) || drew;
      } catch (err) {
        // A chart that throws is reported, not allowed to stop the others or the loop.
        this.stats.errors++;
        if (this.stats.errors <= 3 || this.stats.errors % 100 === 0) this.onError(err);
      }
    }
    if (!drew) {
      this.stats.skipped++;
      return;
    }
    const cost = performance.now() - t0;
    this.lastDraw = now;
    // The share is paced on the whole frame (see MAX_DRAW_SHARE), measured when it ends.
    this.frameStart = t0;
    this.frameEnd.port2.postMessage(null);
    this.stats.drawn++;
    this.stats.frameMs.push(cost);
    if (this.stats.frameMs.length > KEEP) this.stats.frameMs.splice(0, this.stats.frameMs.length - KEEP);
  };
}
