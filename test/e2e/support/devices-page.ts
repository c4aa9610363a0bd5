// What the Devices view e2e tests share: an emulated Cyton dongle on a pseudo-terminal (cyton-pty.ts)
// and Chromium on #/devices of a core without the demo devices (open-page.ts), set up and closed
// together, and the selector of a remembered device's row.
import type { Page } from 'playwright-core';
import { NEED_SOCAT } from '../../fixtures/pty';
import { plugEmulatedCyton, type CytonOnPty } from './cyton-pty';
import { openServedPage, servedPageMissing, type ServedPage } from './open-page';

/** Why the Devices view cannot be driven here (no Chromium, no built renderer, no socat), or false. */
export function devicesPageMissing(): string | false {
  return servedPageMissing() || NEED_SOCAT;
}

/** The row of a remembered device on the Devices view. */
export const pairedRow = (deviceId: string): string => `[data-testid="paired-${deviceId}"]`;

export interface DevicesPage {
  app: ServedPage;
  page: Page;
  dongle: CytonOnPty;
  /** Closes the browser and the core, then the dongle. */
  close(): Promise<void>;
}

/**
 * A Cyton emulator plugged on a pty named `ptyName`, then a fresh core (no demo devices) with
 * Chromium on its Devices view. A failed step closes what the steps before it opened.
 */
export async function openDevicesWithCyton(ptyName: string): Promise<DevicesPage> {
  const dongle = await plugEmulatedCyton(ptyName);
  let app: ServedPage;
  try {
    app = await openServedPage({ demo: false, route: '#/devices', viewport: { width: 1300, height: 1000 } });
  } catch (err) {
    await dongle.close();
    throw err;
  }
  return {
    app,
    page: app.page,
    dongle,
    async close() {
      await app.close();
      await dongle.close();
    },
  };
}
