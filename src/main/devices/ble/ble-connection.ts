// What every BLE driver does around its own protocol: connect, report a drop it did not ask for,
// disconnect quietly when set-up fails, report a notification that does not decode instead of
// throwing from the radio's callback, and on close send a last command without waiting forever.
import { DeviceError } from '../../../shared/devices/device-error';
import type { DriverContext } from '../device-driver.types';
import type { BleCentral, BleLink } from './ble.types';

/** Each attempt scans and connects over the air: back off further than a serial port. */
export const BLE_RECONNECT = { initialDelayMs: 500, maxDelayMs: 5_000 } as const;
export const BLE_CONNECT_TIMEOUT_MS = 10_000;

export interface BleConnection {
  readonly link: BleLink;
  /** For a set-up that failed: disconnect (not reported as a drop), then reject with `e`. */
  fail(e: unknown): Promise<never>;
  /**
   * Ends the session: drops from now on are ours; `goodbye` (a stop command) is awaited for at
   * most `waitMs` and its failure ignored (the device may already be gone); then disconnect.
   */
  close(goodbye?: { send(): Promise<void>; waitMs: number }): Promise<void>;
}

export async function connectBle(central: BleCentral, id: string, deviceName: string, ctx: DriverContext, timeoutMs = BLE_CONNECT_TIMEOUT_MS): Promise<BleConnection> {
  const link = await central.connect(id, timeoutMs);
  let closing = false;
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
    async close(goodbye) {
      closing = true;
      if (goodbye) await Promise.race([goodbye.send(), new Promise((r) => setTimeout(r, goodbye.waitMs))]).catch(() => undefined);
      await link.disconnect();
    },
  };
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
