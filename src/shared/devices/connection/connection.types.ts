// The connection life of one device as a pure state machine: events in, new state and effects out.
// The transport layer performs the effects (open a link, close it, set a timer) and feeds back
// what happened. Times are host seconds carried by the events, so no clock is read here.
import type { DeviceProblemCode, DeviceState } from '../../device.types';

export interface ReconnectPolicy {
  /** Delay before the first retry after a drop, ms. */
  initialDelayMs: number;
  /** Backoff cap, ms. */
  maxDelayMs: number;
  /** Growth per failed attempt. */
  factor: number;
  /** ± fraction of random spread so two devices that dropped together do not retry in lockstep. */
  jitter: number;
  /** Quick connect attempts at start (a device never seen streaming) before giving up, or waiting. */
  startAttempts: number;
  /**
   * After the quick start attempts, keep trying every `waitRetryMs` instead of giving up: a
   * remembered device the user plugs in or switches on after starting HeartMind connects when it
   * appears. The device manager sets it for remembered devices at start (REMEMBERED_START_POLICY);
   * a Connect the user presses fails with its reason instead.
   */
  waitForDevice: boolean;
  /** The slow cadence of that waiting, ms (cheap for serial: a missing port fails at once). */
  waitRetryMs: number;
  /** Retries after a drop before giving up; Infinity keeps trying (headset left in another room). */
  reconnectAttempts: number;
  /** No data for this long while streaming counts as a drop, ms. */
  stallTimeoutMs: number;
  /** A connect attempt that has not finished after this long is abandoned, ms. */
  connectTimeoutMs: number;
}

export const DEFAULT_RECONNECT_POLICY: Readonly<ReconnectPolicy> = Object.freeze({
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.2,
  startAttempts: 3,
  waitForDevice: false,
  waitRetryMs: 12_000,
  reconnectAttempts: Infinity,
  stallTimeoutMs: 3_000,
  connectTimeoutMs: 15_000,
});

/** How remembered devices are reconnected when HeartMind starts: the quick attempts, then waiting for the device. */
export const REMEMBERED_START_POLICY: Readonly<Partial<ReconnectPolicy>> = Object.freeze({ waitForDevice: true });

export interface ConnError {
  code: DeviceProblemCode;
  message: string;
  /** Whether trying again could help. */
  retryable: boolean;
  /**
   * The port was opened and is known to be another device's (held by another program, another
   * device's output on it): once the device has streamed, retried at the waiting cadence
   * (`waitRetryMs`), not on the quick backoff, so that device is not reopened (each open raises
   * DTR) and a driver's commands not written to it every couple of seconds. (Another adapter on the
   * path is not opened at all: that retry stays quick.)
   */
  othersPort?: boolean;
}

export type ConnEvent =
  | { type: 'start'; now: number }
  | { type: 'connected'; now: number; attempt: number }
  | { type: 'connect-failed'; now: number; attempt: number; error: ConnError }
  | { type: 'data'; now: number }
  /** The device will send nothing until `until`, by design: no stall before then (+ the stall timeout). */
  | { type: 'quiet'; now: number; until: number }
  | { type: 'dropped'; now: number; error: ConnError }
  /** Periodic: lets the machine notice stalls and connect timeouts. */
  | { type: 'tick'; now: number }
  | { type: 'retry-due'; now: number }
  | { type: 'stop'; now: number };

export type ConnEffect =
  /** Start connect attempt number `attempt`; report back with that number. */
  | { type: 'open'; attempt: number }
  /** Tear the link down (or abandon an attempt in flight). */
  | { type: 'close' }
  | { type: 'schedule-retry'; delayMs: number }
  | { type: 'cancel-retry' }
  /** Data stopped: the stream has a hole from `lastDataAt` until data resumes. */
  | { type: 'gap-open'; lastDataAt: number; reason: GapCause }
  /** Data resumed: mark the gap from `lastDataAt` to `resumedAt`; parsers and clocks start afresh. */
  | { type: 'gap-close'; lastDataAt: number; resumedAt: number; reason: GapCause }
  | { type: 'status'; state: DeviceState; problem?: ConnError };

/** Why a stream has a hole: the device dropped, or the user stopped and restarted it. */
export type GapCause = 'device-dropped' | 'paused';

export interface ConnState {
  state: DeviceState;
  /** Attempt number of the connect in flight (or the last one). */
  attempt: number;
  /** Failed attempts in a row (drives the backoff). */
  failures: number;
  /** Has this device streamed since start? Decides which attempt limit applies. */
  everStreamed: boolean;
  /** The quick start attempts failed; retrying every waitRetryMs until the device appears. */
  waitingForDevice: boolean;
  /** Host time of the last data, or NaN. */
  lastDataAt: number;
  /** Silence is measured from here (last data, or the moment the link came up). */
  stallFrom: number;
  /**
   * The device said it sends nothing until this host time (a playback file's recorded pause):
   * silence counts from here instead, until data comes. NaN: none said.
   */
  quietUntil: number;
  /** Data stopped (drop or stop) and none has come since; the cause of the hole. */
  gap: GapCause | null;
  /** When the current connect attempt began. */
  connectingSince: number;
  /** xorshift32 state for the jitter, so runs are repeatable. */
  seed: number;
  problem?: ConnError;
}
