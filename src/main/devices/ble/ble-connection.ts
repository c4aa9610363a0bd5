// What every BLE driver does around its own protocol: connect, report a drop it did not ask for,
// disconnect quietly when set-up fails, report a notification that does not decode instead of
// throwing from the radio's callback, and on close send a last command without waiting forever.
import { DeviceError } from '../../../shared/devices/device-error';
import type { DriverContext } from '../device-driver.types';
import type { BleCentral, BleLink } from './ble.types';

/** Each attempt scans and connects over the air: back off further than a serial port. */
export const BLE_RECONNECT = { initialDelayMs: 500, maxDelayMs: 5_000 } as const;
export const BLE_CONNECT_TIMEOUT_MS = 10_000;
const ABORTED = Symbol('aborted');

export interface BleConnection {
  readonly link: BleLink;
  /** For a set-up that failed: disconnect (not reported as a drop), then reject with `e`. */
  fail(e: unknown): Promise<never>;
  /**
   * One set-up step (a subscribe, a read, a start command and its answer): its result, or, once the
   * connect is cancelled (ctx.signal: a stop, a connect timeout), a disconnect and a rejection with
   * the signal's reason at once, whatever the radio does with the step. Nothing is sent after it.
   */
  step<T>(p: Promise<T>): Promise<T>;
  /**
   * Ends the session: drops from now on are ours; `goodbye` (a stop command) is awaited for at
   * most `waitMs` and its failure ignored (the device may already be gone); then disconnect.
   */
  close(goodbye?: { send(): Promise<void>; waitMs: number }): Promise<void>;
}

export async function connectBle(central: BleCentral, id: string, deviceName: string, ctx: DriverContext, timeoutMs = BLE_CONNECT_TIMEOUT_MS): Promise<BleConnection> {
  const { signal } = ctx;
  signal.throwIfAborted();
  const connecting = central.connect(id, timeoutMs, signal);
  // Cancelled while connecting: rejected at once; a link the central makes anyway is closed as it
  // comes (a central that does not heed the signal, or a radio that completed regardless).
  const link = await raceAbort(connecting, signal).catch((e: unknown) => {
    if (signal.aborted) void connecting.then((l) => l.disconnect()).catch(() => undefined);
    throw e;
  });
  let closing = false;
  const hangUp = async (): Promise<never> => {
    closing = true;
    await link.disconnect().catch(() => undefined);
    throw signal.reason;
  };
  link.onDisconnect((reason) => {
    if (!closing) ctx.dropped(new DeviceError('disconnected', `${deviceName}: Bluetooth link lost (${reason})`));
  });
  return {
    link,
    async fail(e) {
      closing = true;
      await link.disconnect();
      throw e;
    },
    async step<T>(p: Promise<T>): Promise<T> {
      try {
        return await raceAbort(p, signal);
      } catch (e) {
        if (signal.aborted) await hangUp();
        throw e;
      }
    },
    async close(goodbye) {
      closing = true;
      if (goodbye) await Promise.race([goodbye.send(), new Promise((r) => setTimeout(r, goodbye.waitMs))]).catch(() => undefined);
      await link.disconnect();
    },
  };
}

/** `p`, or `signal`'s reason as soon as it is aborted (`p`'s later rejection is then ignored). */
async function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort!: () => void;
  const aborted = new Promise<typeof ABORTED>((resolve) => {
    onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  if (signal.aborted) onAbort();
  try {
    const r = await Promise.race([p, aborted]);
    if (r !== ABORTED) return r as T;
    p.catch(() => undefined);
    throw signal.reason;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Decodes one notification; bytes that do not parse become a 'bad-frame' problem and `undefined`. */
export function decodeOrReport<T>(ctx: DriverContext, decode: () => T): T | undefined {
  try {
    return decode();
  } catch (e) {
    ctx.problem('bad-frame', (e as Error).message);
    return undefined;
  }
}
