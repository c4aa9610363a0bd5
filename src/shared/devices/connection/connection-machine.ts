// Pure reconnect state machine (see connection.types.ts). `stepConnection` never throws and never
// reads a clock; every decision is a function of the state, the event and the policy, so scripted
// event sequences test it completely.
import { DEFAULT_RECONNECT_POLICY, type ConnEffect, type ConnError, type ConnEvent, type ConnState, type ReconnectPolicy } from './connection.types';

export function initialConnState(seed = 0x9e3779b9): ConnState {
  return {
    state: 'idle',
    attempt: 0,
    failures: 0,
    everStreamed: false,
    waitingForDevice: false,
    lastDataAt: NaN,
    stallFrom: NaN,
    quietUntil: NaN,
    gap: null,
    connectingSince: NaN,
    seed: mix32(seed) || 1,
  };
}

/** murmur3's finaliser: nearby seeds (1, 2, device ids hashed) give unrelated jitter. */
function mix32(x: number): number {
  x >>>= 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A seed from a device id, so each device jitters differently but repeatably. */
export function seedFromId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** xorshift32: a repeatable jitter source (returns [r in [0,1), next seed]). */
function nextRandom(seed: number): [number, number] {
  let x = seed >>> 0;
  x = (x ^ (x << 13)) >>> 0;
  x = (x ^ (x >>> 17)) >>> 0;
  x = (x ^ (x << 5)) >>> 0;
  return [x / 0x100000000, x];
}

/** Backoff delay for the n-th consecutive failure (n ≥ 1), with jitter from `r` in [0, 1). */
export function backoffDelayMs(n: number, policy: ReconnectPolicy, r: number): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, n - 1));
  return Math.max(0, Math.round(base * (1 + policy.jitter * (2 * r - 1))));
}

export interface StepResult {
  state: ConnState;
  effects: ConnEffect[];
}

const waiting = (s: ConnState) => (s.state === 'connecting' || s.state === 'reconnecting') && !Number.isFinite(s.connectingSince);
const inFlight = (s: ConnState) => (s.state === 'connecting' || s.state === 'reconnecting') && Number.isFinite(s.connectingSince);

export function stepConnection(s: ConnState, e: ConnEvent, policy: ReconnectPolicy = DEFAULT_RECONNECT_POLICY): StepResult {
  const fx: ConnEffect[] = [];
  const next: ConnState = { ...s };

  const status = (problem?: ConnError) => {
    next.problem = problem;
    fx.push(problem ? { type: 'status', state: next.state, problem } : { type: 'status', state: next.state });
  };
  const open = (now: number) => {
    next.attempt = s.attempt + 1;
    next.connectingSince = now;
    fx.push({ type: 'open', attempt: next.attempt });
  };
  /** A failure (failed connect, drop, stall, timeout): retry with backoff, or give up. */
  const fail = (error: ConnError) => {
    next.failures = s.failures + 1;
    next.connectingSince = NaN;
    const limit = next.everStreamed ? policy.reconnectAttempts : policy.startAttempts;
    if (!error.retryable) {
      next.state = 'error';
      status(error);
      return;
    }
    if (next.failures >= limit && !next.everStreamed && policy.waitForDevice && Number.isFinite(policy.waitRetryMs)) {
      // Not there yet (dongle unplugged, headset off): wait for it at a slow cadence rather than
      // stay in error until someone presses Connect.
      const [r, seed] = nextRandom(s.seed);
      next.seed = seed;
      next.state = 'connecting';
      next.waitingForDevice = true;
      fx.push({ type: 'schedule-retry', delayMs: Math.max(0, Math.round(policy.waitRetryMs * (1 + policy.jitter * (2 * r - 1)))) });
      const every = policy.waitRetryMs / 1000;
      status({ ...error, message: `${error.message} — waiting for it: trying every ${every < 10 ? every.toFixed(1) : every.toFixed(0)} s until you disconnect it` });
      return;
    }
    if (next.failures >= limit) {
      next.state = 'error';
      status({ ...error, retryable: false, message: `${error.message} (gave up after ${next.failures} attempt${next.failures === 1 ? '' : 's'})` });
      return;
    }
    const [r, seed] = nextRandom(s.seed);
    next.seed = seed;
    next.state = next.everStreamed ? 'reconnecting' : 'connecting';
    const backoff = backoffDelayMs(next.failures, policy, r);
    // Only when reconnecting: a Connect pressed on such a port gets its quick attempts and its reason.
    const waiting = error.othersPort && next.everStreamed && Number.isFinite(policy.waitRetryMs) ? Math.round(policy.waitRetryMs * (1 + policy.jitter * (2 * r - 1))) : 0;
    fx.push({ type: 'schedule-retry', delayMs: Math.max(backoff, waiting) });
    status(error);
  };
  const drop = (error: ConnError) => {
    fx.push({ type: 'close' });
    if (!s.gap && s.everStreamed) {
      next.gap = 'device-dropped';
      fx.push({ type: 'gap-open', lastDataAt: s.lastDataAt, reason: 'device-dropped' });
    }
    fail(error);
  };

  switch (e.type) {
    case 'start': {
      if (s.state !== 'idle' && s.state !== 'stopped' && s.state !== 'error') break;
      // A restart keeps the hole open (and its start), so the first new data closes it.
      next.failures = 0;
      next.everStreamed = false;
      next.waitingForDevice = false;
      next.state = 'connecting';
      open(e.now);
      status();
      break;
    }
    case 'connected': {
      if (e.attempt !== s.attempt || !inFlight(s)) {
        // A late answer to an attempt we abandoned, or to a device the user stopped: hang up.
        fx.push({ type: 'close' });
        break;
      }
      next.state = 'streaming';
      next.connectingSince = NaN;
      next.stallFrom = e.now;
      next.quietUntil = NaN;
      status(s.problem);
      break;
    }
    case 'connect-failed': {
      if (e.attempt !== s.attempt || !inFlight(s)) break;
      fx.push({ type: 'close' });
      fail(e.error);
      break;
    }
    case 'data': {
      if (s.state !== 'streaming') break;
      if (s.gap) {
        fx.push({ type: 'gap-close', lastDataAt: s.lastDataAt, resumedAt: e.now, reason: s.gap });
        next.gap = null;
      }
      next.everStreamed = true;
      next.waitingForDevice = false;
      next.failures = 0;
      next.lastDataAt = e.now;
      next.stallFrom = e.now;
      next.quietUntil = NaN;
      if (s.problem) status();
      break;
    }
    case 'quiet': {
      if (s.state === 'streaming' && e.until > e.now) next.quietUntil = Number.isFinite(s.quietUntil) ? Math.max(s.quietUntil, e.until) : e.until;
      break;
    }
    case 'dropped': {
      if (s.state !== 'streaming') break;
      drop(e.error);
      break;
    }
    case 'tick': {
      const silentFrom = Number.isFinite(s.quietUntil) ? Math.max(s.stallFrom, s.quietUntil) : s.stallFrom;
      if (s.state === 'streaming' && Number.isFinite(silentFrom) && (e.now - silentFrom) * 1000 > policy.stallTimeoutMs) {
        drop({ code: 'stalled', message: `no data for ${(e.now - s.stallFrom).toFixed(1)} s`, retryable: true });
      } else if (inFlight(s) && (e.now - s.connectingSince) * 1000 > policy.connectTimeoutMs) {
        fx.push({ type: 'close' });
        fail({ code: 'disconnected', message: `no connection after ${(policy.connectTimeoutMs / 1000).toFixed(0)} s`, retryable: true });
      }
      break;
    }
    case 'retry-due': {
      if (waiting(s)) open(e.now);
      break;
    }
    case 'stop': {
      if (s.state === 'stopped' || s.state === 'idle') {
        if (s.state === 'idle') {
          next.state = 'stopped';
          status();
        }
        break;
      }
      fx.push({ type: 'cancel-retry' });
      if (s.state !== 'error') fx.push({ type: 'close' });
      if (!s.gap && s.everStreamed && Number.isFinite(s.lastDataAt)) next.gap = 'paused';
      next.state = 'stopped';
      next.connectingSince = NaN;
      next.waitingForDevice = false;
      status();
      break;
    }
  }
  return { state: next, effects: fx };
}
