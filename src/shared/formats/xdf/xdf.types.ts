// XDF (Extensible Data Format, Lab Streaming Layer recordings), after the XDF 1.0 specification
// (github.com/sccn/xdf/wiki/Specifications): 'XDF:' then chunks
//   [NumLengthBytes 1|4|8][Length][Tag u16][Content]
// Tags: 1 FileHeader, 2 StreamHeader, 3 Samples, 4 ClockOffset, 5 Boundary, 6 StreamFooter.

export const XDF_CHANNEL_FORMATS = ['float32', 'double64', 'string', 'int8', 'int16', 'int32', 'int64'] as const;
export type XdfChannelFormat = (typeof XDF_CHANNEL_FORMATS)[number];

export interface XdfChannel {
  label?: string;
  unit?: string;
  type?: string;
}

export interface XdfStreamInfo {
  name: string;
  type: string;
  channelCount: number;
  /** 0 for irregular streams (markers). */
  nominalSrate: number;
  channelFormat: XdfChannelFormat;
  sourceId?: string;
  hostname?: string;
  createdAt?: string;
  uid?: string;
  /** From <desc><channels><channel>…, when the stream declares them. */
  channels: XdfChannel[];
}

export interface XdfClockOffset {
  /** Collection time, in the stream's clock (s). */
  time: number;
  /** Value to add to the stream's time stamps to map them onto the recording computer's clock (s). */
  value: number;
}

export interface XdfStream {
  id: number;
  info: XdfStreamInfo;
  /** Raw time stamps as written (s, the stream's clock), one per sample. */
  timestamps: Float64Array;
  /**
   * Numeric samples, planar [channels × samples] (Float32Array for float32/int8/int16, Float64Array
   * for double64/int32/int64); null for string streams.
   */
  data: Float32Array | Float64Array | null;
  /** String samples, sample-major (strings[k][ch]); null for numeric streams. */
  strings: string[][] | null;
  clockOffsets: XdfClockOffset[];
  /** StreamFooter fields (first_timestamp, last_timestamp, sample_count), as text. */
  footer: Record<string, string>;
}

export interface XdfFile {
  /** FileHeader fields (version, datetime …), as text. */
  header: Record<string, string>;
  streams: XdfStream[];
  /** Damage that was skipped over (a file cut short, a corrupt chunk before a boundary). */
  warnings: string[];
}

export interface XdfSyncOptions {
  /** Apply the ClockOffset chunks (pyxdf synchronize_clocks). */
  synchronizeClocks: boolean;
  /** Detect clock resets in the offsets and fit each stretch on its own (pyxdf handle_clock_resets). */
  handleClockResets: boolean;
  /** Replace the time stamps of regular streams by a linear fit per segment (pyxdf dejitter_timestamps). */
  dejitter: boolean;
  jitterBreakThresholdSeconds: number;
  jitterBreakThresholdSamples: number;
  clockResetThresholdSeconds: number;
  clockResetThresholdStds: number;
  clockResetThresholdOffsetSeconds: number;
  clockResetThresholdOffsetStds: number;
  winsorThreshold: number;
}

/** pyxdf's load_xdf defaults. */
export const XDF_SYNC_DEFAULTS: XdfSyncOptions = {
  synchronizeClocks: true,
  handleClockResets: true,
  dejitter: true,
  jitterBreakThresholdSeconds: 1,
  jitterBreakThresholdSamples: 500,
  clockResetThresholdSeconds: 5,
  clockResetThresholdStds: 5,
  clockResetThresholdOffsetSeconds: 1,
  clockResetThresholdOffsetStds: 10,
  winsorThreshold: 0.0001,
};

export interface XdfSyncedStream {
  /** Time stamps after clock synchronisation and dejittering (s, the recording computer's clock). */
  timestamps: Float64Array;
  /** Sample index ranges [from, to) without a break (one range for irregular streams). */
  segments: [number, number][];
  /** Samples per second measured over the segments (0 for irregular streams). */
  effectiveSrate: number;
  /** Clock resets found in the stream's offsets (each splits the offset fit). */
  clockResets: number;
}
