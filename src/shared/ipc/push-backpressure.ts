// How much a page may fall behind on pushes, one policy for both transports. Serve mode reads
// the backlog from the WebSocket's bufferedAmount. A MessagePort has no such count, so on the
// Electron port the page acknowledges how many port messages it has handled (PortAck, every
// PORT_ACK_EVERY) and main's PushLedger counts the bytes posted but not yet acknowledged.
// Without it a frozen page (a long GC, a debugger pause) lets the port's queue grow without bound
// and replays minutes of stale frames when it wakes.
import { isTypedArray } from './frame-codec';

/** Above this many bytes queued for a page, superseded pushes (trace samples) are skipped. */
export const CLIENT_SOFT_LIMIT_BYTES = 4 * 1024 * 1024;
/** Above this, the page is too far behind: serve drops its socket (it reconnects and resyncs); the Electron port withholds pushes until it has resynced. */
export const CLIENT_HARD_LIMIT_BYTES = 64 * 1024 * 1024;

/** send it; skip it (droppable, page behind); overflow: the page is past the hard limit. */
export type PushVerdict = 'send' | 'skip' | 'overflow';

export function pushVerdict(backlogBytes: number, droppable: boolean): PushVerdict {
  if (backlogBytes > CLIENT_HARD_LIMIT_BYTES) return 'overflow';
  if (droppable && backlogBytes > CLIENT_SOFT_LIMIT_BYTES) return 'skip';
  return 'send';
}

/**
 * The port also limits how late the page is, since bytes alone allow minutes of lag: the demo
 * pushes ~120 KiB/s, ~90 of it windows, so 64 MiB is ~12 min of windows to replay on waking.
 * Lag: how long ago main posted the message whose handling the page should have acknowledged.
 * (In serve mode a frozen page stops answering pings and is dropped after 15–30 s: a 30-s busy
 * loop in Chromium was dropped, reconnected and resynced.)
 */
export const PORT_SOFT_LAG_MS = 2_000;
export const PORT_HARD_LAG_MS = 10_000;

/** The page acknowledges after this many port messages (and at once after a resync request). */
export const PORT_ACK_EVERY = 16;
/** Page → main on the push port: `ack` port messages handled since the port opened. */
export interface PortAck {
  ack: number;
}
/** Main → page on the push port, in place of a push: "you missed pushes; fetch a snapshot". */
export const PORT_RESYNC = 'hm:transport:resync';

export function parsePortAck(data: unknown): number | null {
  const n = data && typeof data === 'object' ? (data as Partial<PortAck>).ack : undefined;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/**
 * Roughly the bytes a push takes as a structured clone: typed arrays by their view's length
 * (views are compacted before posting), strings by length, 8 per other leaf, a little per key.
 * Only the order of magnitude matters against the limits.
 */
export function estimatePushBytes(value: unknown, depth = 0): number {
  if (value === null || value === undefined) return 1;
  if (typeof value === 'string') return 8 + value.length;
  if (typeof value !== 'object') return 8;
  if (depth > 32) return 8;
  if (isTypedArray(value)) return 16 + value.byteLength;
  let n = 16;
  if (Array.isArray(value)) {
    for (const v of value) n += estimatePushBytes(v, depth + 1);
    return n;
  }
  for (const key of Object.keys(value)) n += 8 + key.length + estimatePushBytes((value as Record<string, unknown>)[key], depth + 1);
  return n;
}

export interface PushLedgerOptions {
  /** Posts one message on the port (a push, or the resync request). */
  post(msg: unknown): void;
  droppable(type: string): boolean;
  /** Called once each time the page goes past a hard limit. */
  onOverflow?(backlogBytes: number, lagMs: number): void;
  /** Milliseconds, monotonic enough (tests pass their own). */
  now?(): number;
}

/**
 * Main's half of the Electron port's flow control. Every posted message is numbered by its
 * place on the port (ports are ordered and lossless); the page's ack says how many it has
 * handled. Trace samples are skipped past the soft byte or lag limit; past the hard byte or lag
 * limit main posts one PORT_RESYNC and then nothing until the page has
 * acknowledged it: the page refetches the state, and pushes resume.
 */
export class PushLedger {
  private posted = 0;
  private acked = 0;
  /** Sizes of the posted, unacknowledged messages, oldest first (from index `head`). */
  private sizes: number[] = [];
  /** When each of them was posted (now()). */
  private postedAt: number[] = [];
  private head = 0;
  private backlog = 0;
  /** Port position of the resync request the page has yet to acknowledge; -1 when none. */
  private resyncAt = -1;
  private skippedCount = 0;

  constructor(private readonly opts: PushLedgerOptions) {}

  /** Bytes posted that the page has not acknowledged. */
  get backlogBytes(): number {
    return this.backlog;
  }

  /** Pushes not posted (skipped or withheld while a resync was pending) since the start. */
  get skipped(): number {
    return this.skippedCount;
  }

  /**
   * How late the page is: the age of the message whose handling completes the page's next ack
   * (the PORT_ACK_EVERY-th unacknowledged one), 0 while fewer are unacknowledged. A page that
   * keeps up never gets here whatever the push rate; a slow one does however few bytes it lags.
   */
  lagMs(now = this.now()): number {
    const i = this.head + PORT_ACK_EVERY - 1;
    return i < this.postedAt.length ? Math.max(0, now - this.postedAt[i]) : 0;
  }

  get awaitingResync(): boolean {
    return this.resyncAt >= 0;
  }

  offer(msg: { type: string }): PushVerdict | 'withheld' {
    if (this.resyncAt >= 0) {
      this.skippedCount++;
      return 'withheld';
    }
    const now = this.now();
    const lag = this.lagMs(now);
    const droppable = this.opts.droppable(msg.type);
    let verdict = pushVerdict(this.backlog, droppable);
    if (lag > PORT_HARD_LAG_MS) verdict = 'overflow';
    else if (verdict === 'send' && droppable && lag > PORT_SOFT_LAG_MS) verdict = 'skip';
    if (verdict === 'skip') this.skippedCount++;
    else if (verdict === 'overflow') {
      this.skippedCount++;
      this.opts.onOverflow?.(this.backlog, lag);
      this.record({ type: PORT_RESYNC });
      this.resyncAt = this.posted;
    } else this.record(msg);
    return verdict;
  }

  /** Takes the page's ack (anything else is ignored: a confused page must not unblock itself). */
  ack(data: unknown): void {
    const n = parsePortAck(data);
    if (n === null || n <= this.acked || n > this.posted) return;
    for (; this.acked < n; this.acked++) this.backlog -= this.sizes[this.head++];
    if (this.head > 1024 && this.head * 2 > this.sizes.length) {
      this.sizes = this.sizes.slice(this.head);
      this.postedAt = this.postedAt.slice(this.head);
      this.head = 0;
    }
    if (this.resyncAt >= 0 && this.acked >= this.resyncAt) this.resyncAt = -1;
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  private record(msg: unknown): void {
    const size = estimatePushBytes(msg);
    this.opts.post(msg);
    this.posted++;
    this.sizes.push(size);
    this.postedAt.push(this.now());
    this.backlog += size;
  }
}

/**
 * The page's half: counts the port messages it has handled and acknowledges them every
 * PORT_ACK_EVERY and at once after a resync request (which unblocks main). Acks come from the
 * message handler itself, so a page that stops handling messages stops acknowledging them.
 */
export class PortAcker {
  private handled = 0;
  private lastAck = 0;

  constructor(private readonly post: (ack: PortAck) => void) {}

  /** After handling one port message; `now`: acknowledge at once. */
  handledOne(now = false): void {
    this.handled++;
    if (now || this.handled - this.lastAck >= PORT_ACK_EVERY) {
      this.lastAck = this.handled;
      this.post({ ack: this.handled });
    }
  }
}

export function isPortResync(data: unknown): boolean {
  return !!data && typeof data === 'object' && (data as { type?: unknown }).type === PORT_RESYNC;
}
