// Runs a device emulator on a serial path, as its own process (benchmarks measure the app without
// the emulator's CPU; developers try the serial path without a board):
//   node --import tsx src/main/devices/emulator/run-emulator.ts cyton <path> [--daisy] [--recording OpenBCI-RAW.txt]
//   node --import tsx src/main/devices/emulator/run-emulator.ts text <path> [--rate 250] [--channels 2] [--reopen]
// --clock-ppm N (either kind) runs the device's crystal N ppm fast (negative: slow), to watch the
// hub's clock model find it (the device panel's drift) when two emulators run side by side.
// With --reopen the emulator waits for the path to (re)appear and reattaches after a loss, like a
// board that stays powered while its dongle is unplugged and plugged back, or an Arduino that
// keeps printing while the app closes and reopens its port.
// Make the path with socat: socat -d -d pty,raw,echo=0,link=/tmp/cyton-app pty,raw,echo=0,link=/tmp/cyton-dev
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseOpenBciGui } from '../../../shared/formats/openbci/openbci-gui';
import { cytonCountsFromUv } from '../../../shared/devices/cyton/cyton-encode';
import { CytonEmulator } from './cyton-emulator';
import { TextEmulator } from './text-emulator';
import { parseEmulatorArgs, type EmulatorArgs } from './emulator-args';

async function main(): Promise<void> {
  let args: EmulatorArgs;
  try {
    args = parseEmulatorArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const { kind, path, clockPpm, reopen } = args;
  // With --reopen the emulated device outlives its link: it waits for the path and reattaches.
  const onLost = () => {
    if (reopen) void attach();
  };
  let emu: CytonEmulator | TextEmulator;
  if (kind === 'cyton') {
    const daisy = args.daisy;
    const nCh = daisy ? 16 : 8;
    let countsAt = (i: number, out: Int32Array) => {
      for (let c = 0; c < nCh; c++) out[c] = Math.round(44739 * Math.sin((2 * Math.PI * (c + 1) * i) / 250));
    };
    const rec = args.recording;
    if (rec) {
      const r = parseOpenBciGui(readFileSync(rec), basename(rec));
      const exg = r.streams.find((s) => s.modality === 'eeg');
      const seg = exg?.segments[0];
      if (!seg) throw new Error(`${rec}: no EXG samples`);
      const chans = exg.channels.length;
      countsAt = (i, out) => {
        const k = i % seg.count;
        for (let c = 0; c < nCh; c++) out[c] = cytonCountsFromUv([seg.data[(c % chans) * seg.count + k]])[0];
      };
    }
    emu = new CytonEmulator({ path, daisy, countsAt, onLost, clockPpm });
  } else {
    const rate = args.rateHz;
    const n = args.channels;
    emu = new TextEmulator({ path, rateHz: rate, onLost, clockPpm, lineAt: (i) => Array.from({ length: n }, (_, c) => (Math.sin((2 * Math.PI * (c + 1) * i) / rate) * 1000).toFixed(2)).join(',') });
  }
  const device = emu;
  async function attach(): Promise<void> {
    for (;;) {
      try {
        await device.open();
        console.log(`emulating ${kind} on ${path}`);
        return;
      } catch (e) {
        if (!reopen) throw e;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
  await attach();
  const stop = async () => {
    await device.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
