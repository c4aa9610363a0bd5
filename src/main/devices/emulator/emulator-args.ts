// The command line of run-emulator.ts, checked: a typo'd flag or a rate that is not a number was
// taken silently (`--rate abc` printed "emulating text on …" and then wrote nothing at all).
import { parseFlags } from '../../core/cli-command';

export const EMULATOR_USAGE =
  'usage: run-emulator.ts cyton|text <serial path> [--daisy] [--recording file] [--rate Hz] [--channels n] [--clock-ppm N] [--reopen]';

export interface EmulatorArgs {
  kind: 'cyton' | 'text';
  path: string;
  /** Cyton: 16 channels at 125 Hz. */
  daisy: boolean;
  /** Cyton: an OpenBCI GUI recording to play. */
  recording?: string;
  /** Text: lines per second. */
  rateHz: number;
  /** Text: numbers per line. */
  channels: number;
  clockPpm: number;
  reopen: boolean;
}

const OPTIONS = {
  daisy: { type: 'boolean' },
  recording: { type: 'string' },
  rate: { type: 'string' },
  channels: { type: 'string' },
  'clock-ppm': { type: 'string' },
  reopen: { type: 'boolean' },
} as const;

/** The arguments after the script's name; throws an Error saying what is wrong (the usage for a missing kind or path). */
export function parseEmulatorArgs(argv: string[]): EmulatorArgs {
  // The CLI's own flag parsing: `--clock-ppm -300` is the flag's value; a typo is named with the flag meant.
  let parsed: ReturnType<typeof parseFlags<typeof OPTIONS>>;
  try {
    parsed = parseFlags(argv, OPTIONS);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${EMULATOR_USAGE}`);
  }
  const { values: v, positionals } = parsed;
  const [kind, path, extra] = positionals;
  if (!path || (kind !== 'cyton' && kind !== 'text')) throw new Error(EMULATOR_USAGE);
  if (extra !== undefined) throw new Error(`unexpected argument '${extra}'\n${EMULATOR_USAGE}`);
  const onlyFor = (flag: string, k: 'cyton' | 'text', why: string) => {
    if (kind !== k) throw new Error(`--${flag} is for the ${k} emulator (${why})`);
  };
  if (v.daisy) onlyFor('daisy', 'cyton', 'a text device prints the channels --channels says');
  if (v.recording !== undefined) onlyFor('recording', 'cyton', 'the text emulator prints sine waves');
  if (v.rate !== undefined) onlyFor('rate', 'text', 'a Cyton sends at 250 Hz, 125 Hz with --daisy');
  if (v.channels !== undefined) onlyFor('channels', 'text', 'a Cyton has 8 channels, 16 with --daisy');
  const clockPpm = Number(v['clock-ppm'] ?? 0);
  if (v['clock-ppm']?.trim() === '' || !Number.isFinite(clockPpm) || Math.abs(clockPpm) > 100_000)
    throw new Error(`--clock-ppm: "${v['clock-ppm']}" is not a crystal error in ppm (a number, such as 50 or -120)`);
  const rateHz = Number(v.rate ?? 250);
  if (v.rate?.trim() === '' || !(rateHz > 0 && rateHz <= 100_000)) throw new Error(`--rate: "${v.rate}" is not a rate in Hz (a number above 0, up to 100000, such as 250)`);
  const channels = Number(v.channels ?? 1);
  if (!Number.isInteger(channels) || channels < 1 || channels > 256) throw new Error(`--channels: "${v.channels}" is not a channel count (a whole number from 1 to 256)`);
  return { kind, path, daisy: v.daisy === true, ...(v.recording !== undefined ? { recording: v.recording } : {}), rateHz, channels, clockPpm, reopen: v.reopen === true };
}
