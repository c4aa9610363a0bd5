// The data that flows from a device (or a replayed session) into the hub.
// Pure types: every runtime (Node core, renderer, workers) speaks in these.

/** What body signal a stream carries; decides which half of the fused model it feeds. */
export type Modality = 'eeg' | 'ecg' | 'other';

export interface ChannelInfo {
  /** Electrode or lead label as the device names it: 'Fp1', 'TP9', 'ECG', 'MLII'. */
  label: string;
  /** Physical unit of the samples. EXG streams are always delivered in 'uV'. */
  unit: string;
  /**
   * Size of one device count in `unit` (Muse 0.48828125 µV, Cyton ≈0.02235 µV at gain 24).
   * Lets the recorder store exact integers. 0 means the source is not quantised (float data).
   */
  resolution: number;
  /**
   * Full-scale input range, ± this many `unit` (the amplifier's rails: Muse ≈ 1000 µV, Polar H10
   * 20 000 µV). Samples at the rails are saturated; the quality check uses it. Omit if unknown.
   */
  rangeUv?: number;
}

export interface StreamInfo {
  /** Unique while the app runs, e.g. 'sim-eeg-1/eeg'. */
  id: string;
  deviceId: string;
  /** User-visible name ("Muse-1A2B", "Simulated headset"). */
  deviceName: string;
  /** Machine-readable model: 'sim-eeg', 'sim-ecg', 'muse-2', 'polar-h10', 'cyton', 'brainflow:-1', 'replay'. */
  deviceModel: string;
  modality: Modality;
  nominalRateHz: number;
  channels: ChannelInfo[];
  /**
   * Known fixed delay (s) from a chunk's last sample to its arrival at the host, beyond the
   * jitter: radio connection interval, device-side buffering. The clock model subtracts it, so
   * two devices with different radios still line up. Omit (0) if unknown.
   */
  latencySec?: number;
}

/**
 * A packet of samples as the device delivered it.
 * Layout is planar: channel c occupies data[c * count, (c + 1) * count).
 */
export interface SampleChunk {
  streamId: string;
  /** Device-clock time of the first sample, in seconds (the device's own clock and epoch). */
  deviceTime: number;
  /** Host-clock time at which the chunk arrived, in seconds (see HostClock). */
  hostTime: number;
  /** Samples per channel. */
  count: number;
  data: Float32Array;
}

/** A stretch of a stream with no data, on the stream's device clock and on the host clock. */
export interface Gap {
  streamId: string;
  /** Host time (s) where data stops and starts again. */
  startTime: number;
  endTime: number;
  /** Samples missing at the nominal rate. */
  missingSamples: number;
  reason: GapReason;
}

/**
 * Why a stream has no data for a while. 'file': a break the recording file itself holds (EDF+D
 * records that do not follow on, an XDF or WFDB stream resuming later): an imported session's,
 * never seen live, so neither a paused device nor a dropped one. 'time-base': the clock model
 * started a new time base where the transport delay floor stepped and stayed (pipeline/clock-model.ts
 * 6.): the mapping moved at once, so a stretch of host time was held (delay rose) or of signal
 * skipped (delay dropped); the segment goes on.
 */
export type GapReason = 'packet-loss' | 'device-dropped' | 'time-jump' | 'paused' | 'file' | 'time-base';

/** A gap's reason in words (the replay timeline, `heartmind sessions show`). */
export const GAP_REASON_TEXT: Record<GapReason, string> = {
  'packet-loss': 'packets lost',
  'device-dropped': 'device dropped out',
  'time-jump': 'device clock jumped',
  paused: 'device paused',
  file: 'break in the file',
  'time-base': 'time base moved (transport delay stepped)',
};

/**
 * The one host clock every device is mapped onto: seconds, monotonic, Unix epoch.
 * Injected everywhere time is read, so tests can run hours of simulated drift in seconds.
 */
export interface HostClock {
  now(): number;
}
