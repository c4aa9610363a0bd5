// The host clock and the timers that drive simulated devices, both injectable: live code uses the
// system clock and real timers; tests use a VirtualClock and a VirtualScheduler and run an hour
// of streaming in a second, deterministically.
import type { HostClock } from '../../shared/stream.types';

/**
 * How far the wall clock may run ahead of the host clock before the host clock follows it (s): the
 * machine was suspended. Below it the two only differ by NTP's slewing, which the host clock ignores.
 */
export const SUSPEND_STEP_S = 2;

/**
 * Unix seconds, monotonic within the process (performance.now, never stepped back by NTP). The
 * monotonic clock stands still while a laptop sleeps, so after a night's suspend it would be hours
 * behind the wall clock: the markers stimulus software stamps with time.time() would land hours
 * off, and session dates with them. When the wall clock is found more than SUSPEND_STEP_S ahead,
 * the host clock steps forward to it (never back): the devices' clock models see the jump and mark
 * it as a gap, as they do any time jump. `wallS` / `monoS` are injectable for tests.
 */
export function createSystemClock(src: { wallS?: () => number; monoS?: () => number } = {}): HostClock {
  const wallS = src.wallS ?? (() => Date.now() / 1000);
  const monoS = src.monoS ?? (() => performance.now() / 1000);
  let origin = src.wallS ? wallS() - monoS() : performance.timeOrigin / 1000;
  return {
    now: () => {
      const t = origin + monoS();
      const ahead = wallS() - t;
      if (ahead <= SUSPEND_STEP_S) return t;
      origin += ahead;
      return t + ahead;
    },
  };
}

/** A clock that moves only when told to (tests, accelerated simulation). */
export class VirtualClock implements HostClock {
  private t: number;
  constructor(start = 1_700_000_000) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  /** Moves to `t` (never backwards). */
  set(t: number): void {
    if (t > this.t) this.t = t;
  }
}

/** Timers in host seconds. Callbacks must not throw; if one does, the scheduler reports it and goes on. */
export interface Scheduler {
  /** Calls fn every periodSec (first call after one period); returns a cancel function. */
  every(periodSec: number, fn: () => void): () => void;
  /** Calls fn once after delaySec; returns a cancel function. */
  after(delaySec: number, fn: () => void): () => void;
}

type ErrorSink = (err: unknown) => void;
const defaultOnError: ErrorSink = (err) => console.error('timer callback failed:', err);

/**
 * Real timers. `every` keeps to its period on average (each next wake-up is planned from the
 * schedule, not from when the callback ran) and skips missed ticks after a long stall (a
 * suspended laptop) instead of firing a burst. Timers do not keep the process alive on their own
 * when `unref` is set.
 */
export class RealScheduler implements Scheduler {
  constructor(
    private readonly clock: HostClock = createSystemClock(),
    private readonly onError: ErrorSink = defaultOnError,
    private readonly unref = false,
  ) {}

  every(periodSec: number, fn: () => void): () => void {
    let next = this.clock.now() + periodSec;
    let handle: ReturnType<typeof setTimeout> | null = null;
    let cancelled = false;
    const arm = () => {
      const delay = Math.max(0, (next - this.clock.now()) * 1000);
      handle = setTimeout(fire, delay);
      if (this.unref) handle.unref?.();
    };
    const fire = () => {
      if (cancelled) return;
      try {
        fn();
      } catch (err) {
        this.onError(err);
      }
      next += periodSec;
      const now = this.clock.now();
      if (next < now) next = now + periodSec; // fell behind: skip, don't burst
      if (!cancelled) arm();
    };
    arm();
    return () => {
      cancelled = true;
      if (handle) clearTimeout(handle);
    };
  }

  after(delaySec: number, fn: () => void): () => void {
    const h = setTimeout(() => {
      try {
        fn();
      } catch (err) {
        this.onError(err);
      }
    }, Math.max(0, delaySec * 1000));
    if (this.unref) h.unref?.();
    return () => clearTimeout(h);
  }
}

interface VTimer {
  at: number;
  period: number; // 0: one-shot
  fn: () => void;
  seq: number;
  cancelled: boolean;
}

/**
 * Timers on a VirtualClock. advance(dt) fires every due timer in time order (ties in creation
 * order), moving the clock to each timer's time before calling it: deterministic, and as fast as
 * the callbacks allow.
 */
export class VirtualScheduler implements Scheduler {
  private timers: VTimer[] = [];
  private seq = 0;
  readonly errors: unknown[] = [];

  constructor(readonly clock: VirtualClock) {}

  every(periodSec: number, fn: () => void): () => void {
    if (!(periodSec > 0)) throw new RangeError('period must be positive');
    return this.add(this.clock.now() + periodSec, periodSec, fn);
  }

  after(delaySec: number, fn: () => void): () => void {
    return this.add(this.clock.now() + Math.max(0, delaySec), 0, fn);
  }

  private add(at: number, period: number, fn: () => void): () => void {
    const t: VTimer = { at, period, fn, seq: this.seq++, cancelled: false };
    this.timers.push(t);
    return () => {
      t.cancelled = true;
    };
  }

  /** Runs every timer due up to now + dt, then sets the clock to now + dt. */
  advance(dt: number): void {
    this.runUntil(this.clock.now() + dt);
  }

  runUntil(end: number): void {
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      let next: VTimer | undefined;
      for (const t of this.timers) if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      if (!next) break;
      this.clock.set(next.at);
      if (next.period > 0) next.at += next.period;
      else next.cancelled = true;
      try {
        next.fn();
      } catch (err) {
        this.errors.push(err);
      }
    }
    this.clock.set(end);
  }

  /** Timers still armed. */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}
