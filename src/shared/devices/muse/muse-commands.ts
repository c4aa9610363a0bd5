// Muse control commands: `[n][ASCII][0x0A]` with n = length + 1 (muse-js encodeCommand).
import { asciiBytes } from '../bytes';
import type { MusePreset } from './muse.types';

export function encodeMuseCommand(cmd: string): Uint8Array {
  const text = asciiBytes(cmd);
  const out = new Uint8Array(text.length + 2);
  out[0] = text.length + 1;
  out.set(text, 1);
  out[text.length + 1] = 0x0a;
  return out;
}

export const MUSE_CMD = {
  halt: 'h',
  resume: 'd',
  status: 's',
  deviceInfo: 'v1',
  keepAlive: 'k',
} as const;

/** p21: 4 EEG + IMU; p20 adds AUX; p50/p51 are p20/p21 plus PPG (Muse 2 and S). */
export function musePreset(opts: { aux: boolean; ppg: boolean }): MusePreset {
  return opts.ppg ? (opts.aux ? 'p50' : 'p51') : opts.aux ? 'p20' : 'p21';
}

/**
 * The start sequence: halt, preset, status, resume — what muse-js sends. `v1` first asks for the
 * device info (firmware, hardware) that BrainFlow also requests in prepare.
 */
export function museStartSequence(preset: MusePreset): string[] {
  return [MUSE_CMD.halt, MUSE_CMD.deviceInfo, preset, MUSE_CMD.status, MUSE_CMD.resume];
}
