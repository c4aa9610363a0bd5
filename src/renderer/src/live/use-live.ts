// Re-renders a panel when the live store changes, at most `maxHz` times a second: the store
// changes tens of times a second, a panel needs a few updates to look live. A hidden page (another
// tab in front, the window minimised) renders nothing: the store keeps taking the core's pushes,
// and each panel renders once, with the latest, when the page is shown again. In the soak
// (bench/soak.bench.ts --hidden) that took a hidden dashboard's main thread from 16 % to 7 % busy
// and its renderer from 15 % to 11 % of a core (the rest is the model's worker, which must run).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { LiveStore } from './live-store';

/** What a RenderGate needs from the page (a test passes fakes). */
export interface RenderGateEnv {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
  /** Whether the page is hidden (document.hidden). */
  hidden(): boolean;
}

/**
 * Turns a stream of changes into renders: at most maxHz a second, none while the page is hidden,
 * one at once when it is shown again if anything changed meanwhile. A change of `urgent()` (the connection
 * to the core) renders at once: every panel's gate then renders in the same frame, so the page
 * never shows, for up to a throttle's wait, the notice "no contact with the core" beside a pill
 * saying Connected, or live-looking figures beside a disabled Record.
 */
export class RenderGate {
  private timer: unknown = null;
  private last = -Infinity;
  /** A change arrived while hidden: render once when shown. */
  private stale = false;
  private urgentSeen: unknown;

  constructor(
    private readonly render: () => void,
    private readonly maxHz: number,
    private readonly env: RenderGateEnv,
    private readonly urgent: () => unknown = () => undefined,
  ) {
    this.urgentSeen = urgent();
  }

  changed(): void {
    const u = this.urgent();
    const urgent = u !== this.urgentSeen;
    this.urgentSeen = u;
    // (A render pending on the throttle would show the same: renderNow drops it, so none comes twice.)
    if (this.timer !== null && !urgent) return;
    if (this.env.hidden()) {
      this.stale = true;
      return;
    }
    if (urgent) return this.renderNow();
    const wait = Math.max(0, 1000 / this.maxHz - (this.env.now() - this.last));
    this.timer = this.env.setTimeout(() => {
      this.timer = null;
      // Hidden since it was scheduled: the render waits for the page to be shown.
      if (this.env.hidden()) {
        this.stale = true;
        return;
      }
      this.last = this.env.now();
      this.render();
    }, wait);
  }

  /** The page's visibility changed (visibilitychange). */
  visibilityChanged(): void {
    if (this.env.hidden() || !this.stale) return;
    this.stale = false;
    // At once, as for a connection change: the page shown again has every panel's latest in one
    // render (on their throttles, the log came back a task before the windows).
    this.renderNow();
  }

  /**
   * Renders now, not on a timer: the store (or the one visibility listener) tells every gate in
   * one go, so the panels' renders are batched into one; a 0-ms timer each would be a task each,
   * with frames drawn between them on a busy page.
   */
  private renderNow(): void {
    if (this.timer !== null) this.env.clearTimeout(this.timer);
    this.timer = null;
    this.last = this.env.now();
    this.render();
  }

  dispose(): void {
    if (this.timer !== null) this.env.clearTimeout(this.timer);
    this.timer = null;
  }
}

const PAGE: RenderGateEnv = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
  hidden: () => document.hidden,
};

/** The mounted panels' gates, told of visibility changes by one listener (not one each). */
const gates = new Set<RenderGate>();
let listening = false;

function addGate(gate: RenderGate): void {
  gates.add(gate);
  if (listening) return;
  listening = true;
  document.addEventListener('visibilitychange', () => {
    for (const g of gates) g.visibilityChanged();
  });
}

export function useLive(store: LiveStore, maxHz = 4): number {
  const [version, setVersion] = useState(store.version);
  useEffect(() => {
    const gate = new RenderGate(() => setVersion(store.version), maxHz, PAGE, () => store.connection);
    addGate(gate);
    const unsubscribe = store.subscribe(() => gate.changed());
    gate.changed();
    return () => {
      unsubscribe();
      gates.delete(gate);
      gate.dispose();
    };
  }, [store, maxHz]);
  return version;
}

/**
 * State changed by pushes that can come a thousand a second (markers from a stimulus script): each
 * update applies at once to the value kept, and the component renders it through a RenderGate, at
 * most maxHz times a second (a render per marker took the record bar's page ~1 s of main thread per
 * 10 000 markers, beside the traces' frames).
 */
export function useGatedState<T>(initial: T, maxHz = 4): [T, (update: (value: T) => T, now?: boolean) => void] {
  const latest = useRef(initial);
  const [value, setValue] = useState(initial);
  const gate = useRef<RenderGate | null>(null);
  gate.current ??= new RenderGate(() => setValue(latest.current), maxHz, PAGE);
  useEffect(() => {
    const g = gate.current!;
    addGate(g);
    return () => {
      gates.delete(g);
      g.dispose();
    };
  }, []);
  // `now`: rendered at once, as a plain state would be (a reset as a recording starts).
  const update = useCallback((fn: (value: T) => T, now = false) => {
    latest.current = fn(latest.current);
    if (now) setValue(latest.current);
    else gate.current!.changed();
  }, []);
  return [value, update];
}
