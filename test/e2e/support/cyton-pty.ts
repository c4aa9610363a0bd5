// An emulated Cyton dongle behind a socat pseudo-terminal, for the e2e tests that connect a real
// serial device from the Devices view: the app opens `pty.app`; `pty.unplug()`/`plug()` and
// `emu.open()` again pull and replug the dongle.
import { CytonEmulator } from '../../../src/main/devices/emulator/cyton-emulator';
import { PtyPair } from '../../fixtures/pty';

export interface CytonOnPty {
  pty: PtyPair;
  emu: CytonEmulator;
  /** Closes the emulator and kills socat. */
  close(): Promise<void>;
}

/** Plugs a pty named `name` and opens a Cyton emulator on it, streaming a 1-s ramp on every channel. */
export async function plugEmulatedCyton(name: string): Promise<CytonOnPty> {
  const pty = new PtyPair(name);
  await pty.plug();
  const emu = new CytonEmulator({ path: pty.device, countsAt: (i, out) => out.fill((i % 250) * 100) });
  await emu.open().catch(async (err) => {
    await pty.unplug();
    throw err;
  });
  return {
    pty,
    emu,
    close: async () => {
      await emu.close();
      await pty.unplug();
    },
  };
}
