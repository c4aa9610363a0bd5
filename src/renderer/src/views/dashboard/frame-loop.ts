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

  constructor(
    private readonly edge: () => number,
    private readonly onError: (err: unknown) => void,
  ) {
    window.__heartmindFrames = this.stats;
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
    this.costEma = this.costEma === 0 ? cost : this.costEma * 0.8 + cost * 0.2;
    this.stats.drawn++;
    this.stats.frameMs.push(cost);
    if (this.stats.frameMs.length > KEEP) this.stats.frameMs.splice(0, this.stats.frameMs.length - KEEP);
  };
}
