// Defaults and validation of PipelineConfig. The defaults follow ../shared/MODEL.md (EEG band-pass
// 0.3–75 Hz, notch at mains, 200 Hz) and common ECG practice (0.5–40 Hz, the Polar H10's own
// 0.7–40 Hz bandwidth being the narrowest input we expect).
import { MODEL_RATE_HZ } from '../window.types';
import { CLOCK_MODEL_DEFAULTS } from './clock-model';
import { RESAMPLE_DEFAULTS } from '../dsp/resampler';
import type { FilterConfig, PipelineConfig } from './pipeline.types';

export const DEFAULT_MAINS_HZ = 50;

export const DEFAULT_PIPELINE_CONFIG: PipelineConfig = {
  filters: {
    eeg: { highpassHz: 0.3, lowpassHz: 75, order: 2, notchHz: [DEFAULT_MAINS_HZ], notchQ: 30 },
    ecg: { highpassHz: 0.5, lowpassHz: 40, order: 2, notchHz: [DEFAULT_MAINS_HZ], notchQ: 30 },
    other: { highpassHz: null, lowpassHz: null, order: 2, notchHz: [], notchQ: 30 },
  },
  window: { lengthSec: 5, hopSec: 1, allowanceSec: 2, eegMontage: 'auto', ecgMontage: 'device' },
  quality: {
    mainsHz: DEFAULT_MAINS_HZ,
    flatRmsUv: { eeg: 0.5, ecg: 2 },
    maxRmsUv: { eeg: 150, ecg: 3000 },
    maxAbsUv: { eeg: 1000, ecg: 10000 },
    railedFraction: 0.05,
    lineNoiseRatio: 0.5,
  },
  features: { enabled: true, eegSpanSec: 4, eegNperseg: 256, hrvSpanSec: 60, everySec: 1 },
  clock: { ...CLOCK_MODEL_DEFAULTS },
  resampler: { ...RESAMPLE_DEFAULTS },
  warmUpSec: 1,
  bridgeMaxSec: 0.1,
  gapToleranceSamples: 1.5,
  rateTolerance: 0.03,
  maxPacketLossSec: 1,
  clockJumpToleranceSec: 0.05,
  clockResetBackwardsSec: 1,
  maxDelaySec: 2,
};

/**
 * Longest packet loss that may be bridged (s): beyond a few packets an interpolated line stands for
 * real signal a model would learn from; a lost second is a gap.
 */
export const MAX_BRIDGE_SEC = 0.5;

/**
 * A configuration as a recording stored it: one stored before bridging existed had none (its
 * windows were cut without), so a missing `bridgeMaxSec` reads as 0, not the default — a replay
 * or a dataset built from it gives the windows it gave live.
 */
export function recordedPipelineConfig(stored: PipelineConfigPatch, base: PipelineConfig = DEFAULT_PIPELINE_CONFIG): PipelineConfig {
  return resolvePipelineConfig({ ...stored, bridgeMaxSec: stored.bridgeMaxSec ?? 0 }, base);
}

/**
 * A session's recorded settings entries in time order, each resolved (recordedPipelineConfig); an
 * entry that cannot be read is left out, so the settings before it stay in force, as replay does.
 */
export function recordedConfigs(entries: readonly { time: number; settings: PipelineConfigPatch }[]): { time: number; config: PipelineConfig }[] {
  const out: { time: number; config: PipelineConfig }[] = [];
  for (const e of [...entries].sort((a, b) => a.time - b.time)) {
    try {
      out.push({ time: e.time, config: recordedPipelineConfig(e.settings) });
    } catch {
      // not usable: the settings in force stay
    }
  }
  return out;
}

/** A partial configuration: any field at any depth may be left out (arrays are replaced whole). */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
export type PipelineConfigPatch = DeepPartial<PipelineConfig>;

export class PipelineConfigError extends Error {
  override name = 'PipelineConfigError';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Float32Array);
}

function merge<T>(base: T, patch: unknown): T {
  if (!isPlainObject(patch) || !isPlainObject(base)) return (patch === undefined ? base : patch) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) out[k] = merge((base as Record<string, unknown>)[k], v);
  return out as T;
}

const isWhole = (x: number) => Math.abs(x - Math.round(x)) < 1e-9;

/** Defaults overlaid with `patch`, validated; throws PipelineConfigError naming the bad field. */
export function resolvePipelineConfig(patch: PipelineConfigPatch = {}, base: PipelineConfig = DEFAULT_PIPELINE_CONFIG): PipelineConfig {
  const c = merge(base, patch);
  const w = c.window;
  if (!(w.lengthSec > 0) || !isWhole(w.lengthSec * MODEL_RATE_HZ)) throw new PipelineConfigError(`window.lengthSec ${w.lengthSec} must be a positive whole number of 1/${MODEL_RATE_HZ} s`);
  if (!(w.hopSec > 0) || !isWhole(w.hopSec * MODEL_RATE_HZ)) throw new PipelineConfigError(`window.hopSec ${w.hopSec} must be a positive whole number of 1/${MODEL_RATE_HZ} s`);
  if (!(w.allowanceSec >= 0)) throw new PipelineConfigError('window.allowanceSec must be ≥ 0');
  for (const [m, f] of Object.entries(c.filters) as [string, FilterConfig][]) {
    const nyq = MODEL_RATE_HZ / 2;
    if (f.highpassHz !== null && !(f.highpassHz > 0 && f.highpassHz < nyq)) throw new PipelineConfigError(`filters.${m}.highpassHz must be in (0, ${nyq})`);
    if (f.lowpassHz !== null && !(f.lowpassHz > 0 && f.lowpassHz < nyq)) throw new PipelineConfigError(`filters.${m}.lowpassHz must be in (0, ${nyq})`);
    if (f.highpassHz !== null && f.lowpassHz !== null && !(f.highpassHz < f.lowpassHz)) throw new PipelineConfigError(`filters.${m}: highpassHz must be below lowpassHz`);
    for (const n of f.notchHz) if (!(n > 0 && n < nyq)) throw new PipelineConfigError(`filters.${m}.notchHz ${n} must be in (0, ${nyq})`);
  }
  if (!(c.warmUpSec >= 0)) throw new PipelineConfigError('warmUpSec must be ≥ 0');
  if (!(c.bridgeMaxSec >= 0 && c.bridgeMaxSec <= MAX_BRIDGE_SEC)) throw new PipelineConfigError(`bridgeMaxSec must be from 0 (off) to ${MAX_BRIDGE_SEC} s`);
  const nps = c.features.eegNperseg;
  if (!(nps >= 16 && (nps & (nps - 1)) === 0)) throw new PipelineConfigError('features.eegNperseg must be a power of two ≥ 16');
  return c;
}
