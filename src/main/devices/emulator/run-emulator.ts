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

const [kind, path, ...rest] = process.argv.slice(2);
const flag = (k: string) => rest.includes(`--${k}`);
const opt = (k: string) => {
  const i = rest.indexOf(`--${k}`);
  return i >= 0 ? rest[i + 1] : undefined;
};

async function main(): Promise<void> {
  if (!path || (kind !== 'cyton' && kind !== 'text')) {
    console.error('usage: run-emulator.ts cyton|text <serial path> [--daisy] [--recording file] [--rate Hz] [--channels n] [--clock-ppm N] [--reopen]');
    process.exit(2);
  }
  const clockPpm = Number(opt('clock-ppm') ?? 0);
  if (!Number.isFinite(clockPpm) || Math.abs(clockPpm) > 100_000) {
    console.error(`--clock-ppm: "${opt('clock-ppm')}" is not a crystal error in ppm (a number, such as 50 or -120)`);
    process.exit(2);
  }
  const reopen = flag('reopen');
  // With --reopen the emulated device outlives its link: it waits for the path and reattaches.
  const onLost = () => {
    if (reopen) void attach();
  };
  let emu: CytonEmulator | TextEmulator;
  if (kind === 'cyton') {
    const daisy = flag('daisy');
    const nCh = daisy ? 16 : 8;
    let countsAt = (i: number, out: Int32Array) => {
      for (let c = 0; c < nCh; c++) out[c] = Math.round(44739 * Math.sin((2 * Math.PI * (c + 1) * i) / 250));
    };
    const rec = opt('recording');
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
    const rate = Number(opt('rate') ?? 250);
    const n = Number(opt('channels') ?? 1);
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
