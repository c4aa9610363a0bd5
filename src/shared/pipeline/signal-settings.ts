// The part of the pipeline configuration a user changes from the dashboard (Signal settings):
// the mains frequency and its notch, the EEG and ECG pass-bands, and how windows are cut. The core
// keeps them across restarts; everything else in PipelineConfig stays at its defaults.
import type { DeviceStatus } from '../device.types';
import { MODEL_RATE_HZ } from '../window.types';
import { MAX_BRIDGE_SEC, PipelineConfigError, resolvePipelineConfig, type PipelineConfigPatch } from './pipeline-config';
import type { PipelineConfig } from './pipeline.types';

export interface SignalSettings {
  /** Mains frequency of the country the lab is in (Hz): the notch and the line-noise quality check. */
  mainsHz: 50 | 60;
  /** Notch the mains frequency out of EEG and ECG. */
  notch: boolean;
  /** EEG pass-band (Hz): high-pass and low-pass edges; a high-pass of 0 is none (DC-coupled). */
  eegBandHz: [number, number];
  /** ECG pass-band (Hz). */
  ecgBandHz: [number, number];
  /** Window length and hop (s): whole seconds (the models read 1-s patches). */
  windowSec: number;
  hopSec: number;
  /**
   * Packet losses up to this long (ms of missing samples) are bridged by linear interpolation
   * instead of restarting the stream (PipelineConfig.bridgeMaxSec); 0 = off.
   */
  bridgeMs: number;
}

export const MAX_WINDOW_SEC = 60;

export function signalSettingsOf(c: PipelineConfig): SignalSettings {
  const band = (m: 'eeg' | 'ecg'): [number, number] => [c.filters[m].highpassHz ?? 0, c.filters[m].lowpassHz ?? MODEL_RATE_HZ / 2];
  return {
    mainsHz: c.quality.mainsHz === 60 ? 60 : 50,
    notch: c.filters.eeg.notchHz.length > 0,
    eegBandHz: band('eeg'),
    ecgBandHz: band('ecg'),
    windowSec: c.window.lengthSec,
    hopSec: c.window.hopSec,
    bridgeMs: Math.round(c.bridgeMaxSec * 1000),
  };
}

export function signalSettingsPatch(s: SignalSettings): PipelineConfigPatch {
  const notchHz = s.notch ? [s.mainsHz] : [];
  return {
    filters: {
      eeg: { highpassHz: s.eegBandHz[0] || null, lowpassHz: s.eegBandHz[1], notchHz },
      ecg: { highpassHz: s.ecgBandHz[0] || null, lowpassHz: s.ecgBandHz[1], notchHz },
    },
    quality: { mainsHz: s.mainsHz },
    window: { lengthSec: s.windowSec, hopSec: s.hopSec },
    bridgeMaxSec: s.bridgeMs / 1000,
  };
}

/**
 * Checks settings that came from outside (a page, a settings file) against `base`, the config in
 * force; returns them typed or throws PipelineConfigError naming the first bad field.
 */
export function checkSignalSettings(v: unknown, base: PipelineConfig): SignalSettings {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new PipelineConfigError('signal settings must be an object');
  const o = v as Record<string, unknown>;
  if (o.mainsHz !== 50 && o.mainsHz !== 60) throw new PipelineConfigError('mainsHz must be 50 or 60');
  if (typeof o.notch !== 'boolean') throw new PipelineConfigError('notch must be true or false');
  // The pass-band and window checks speak the Signal settings panel's words (it shows the message
  // as it is: "EEG high-pass (40 Hz) must be below its low-pass (10 Hz)", not the configuration's
  // "filters.eeg: highpassHz must be below lowpassHz"), with the key for whoever edits the file.
  const nyquist = MODEL_RATE_HZ / 2;
  const band = (key: 'eegBandHz' | 'ecgBandHz', name: string): [number, number] => {
    const b = o[key];
    if (!Array.isArray(b) || b.length !== 2 || !b.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new PipelineConfigError(`${key} must be [high-pass Hz, low-pass Hz]`);
    const [high, low] = b as [number, number];
    if (!(high >= 0 && high < nyquist)) throw new PipelineConfigError(`${name} high-pass ${high} Hz must be 0 (none) or above, below ${nyquist} Hz (${key})`);
    if (!(low > 0 && low < nyquist)) throw new PipelineConfigError(`${name} low-pass ${low} Hz must be above 0 and below ${nyquist} Hz (${key})`);
    if (high > 0 && !(high < low)) throw new PipelineConfigError(`${name} high-pass (${high} Hz) must be below its low-pass (${low} Hz) (${key})`);
    return [high, low];
  };
  const seconds = (key: 'windowSec' | 'hopSec', name: string, min: number): number => {
    const x = o[key];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > MAX_WINDOW_SEC) throw new PipelineConfigError(`${name} must be a whole number of seconds from ${min} to ${MAX_WINDOW_SEC} (${key})`);
    return x;
  };
  const s: SignalSettings = {
    mainsHz: o.mainsHz,
    notch: o.notch,
    eegBandHz: band('eegBandHz', 'EEG'),
    ecgBandHz: band('ecgBandHz', 'ECG'),
    windowSec: seconds('windowSec', 'Window', 1),
    hopSec: seconds('hopSec', 'Hop', 1),
    bridgeMs: bridgeMs(o.bridgeMs, base),
  };
  // Windows further apart than they are long leave the data between them in none: no prediction,
  // no quality report covers it (a hop typed for a window, 7 for 5). Whatever the window, a hop up
  // to its length covers every sample.
  if (s.hopSec > s.windowSec) throw new PipelineConfigError(`Hop (${s.hopSec} s) must not be longer than the window (${s.windowSec} s): the ${s.hopSec - s.windowSec} s between windows would be in none (hopSec, windowSec)`);
  // Whatever else the pipeline checks is named in its own words.
  resolvePipelineConfig(signalSettingsPatch(s), base);
  return s;
}

/** The loss bridging setting: whole ms from 0 to MAX_BRIDGE_SEC; a settings file from before it existed keeps what is in force. */
function bridgeMs(x: unknown, base: PipelineConfig): number {
  if (x === undefined) return Math.round(base.bridgeMaxSec * 1000);
  const max = MAX_BRIDGE_SEC * 1000;
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > max) throw new PipelineConfigError(`Bridge losses up to must be a whole number of ms from 0 (off) to ${max} (bridgeMs)`);
  return x;
}

/** Why the settings cannot change now, or null: a replay runs under the settings it was recorded with. */
export function settingsLockedBy(devices: readonly DeviceStatus[]): string | null {
  const replay = devices.find((d) => d.transport === 'replay');
  return replay ? `${replay.name} runs under the settings it was recorded with; close the replay to change them` : null;
}
