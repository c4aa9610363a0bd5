// OpenBCI Cyton (and Cyton + Daisy) over the USB dongle: ../shared/DEVICES.md §3 (OpenBCI docs and
// BrainFlow's cyton.cpp / cyton_daisy.cpp).

export const CYTON_BAUD_RATE = 115_200;
export const CYTON_PACKET_BYTES = 33;
export const CYTON_START_BYTE = 0xa0;
/** Footers 0xC0–0xC6 are valid (BrainFlow accepts the same range). */
export const CYTON_FOOTER_MIN = 0xc0;
export const CYTON_FOOTER_MAX = 0xc6;
export const CYTON_CHANNELS = 8;
export const CYTON_DAISY_CHANNELS = 16;
export const CYTON_SAMPLE_RATE_HZ = 250;
/** With the Daisy, two packets (odd = board, even = Daisy) make one 16-channel sample. */
export const CYTON_DAISY_SAMPLE_RATE_HZ = 125;
export const CYTON_DEFAULT_GAIN = 24;
/** ADS1299 reference voltage, V. */
export const CYTON_VREF_V = 4.5;
export const CYTON_ACCEL_G_PER_LSB = 0.002 / 16;
export const CYTON_LABELS_8 = ['Fp1', 'Fp2', 'C3', 'C4', 'P7', 'P8', 'O1', 'O2'] as const;
export const CYTON_LABELS_16 = [...CYTON_LABELS_8, 'F7', 'F8', 'F3', 'F4', 'T7', 'T8', 'P3', 'P4'] as const;
/** The end of the board's reply to a soft reset or a settings command: ready. */
export const CYTON_READY_MARKER = '$$$';

/** µV per count at a PGA gain: 4.5 V / gain / (2^23 − 1) × 1e6 (≈0.02235 at gain 24). */
export function cytonUvPerCount(gain = CYTON_DEFAULT_GAIN): number {
  return (CYTON_VREF_V / gain / (2 ** 23 - 1)) * 1e6;
}

export enum CytonFooter {
  STANDARD_ACCEL = 0xc0,
  STANDARD_RAW_AUX = 0xc1,
  USER_DEFINED = 0xc2,
  TIMESTAMP_ACCEL_SET = 0xc3,
  TIMESTAMP_ACCEL = 0xc4,
  TIMESTAMP_RAW_AUX_SET = 0xc5,
  TIMESTAMP_RAW_AUX = 0xc6,
}

export interface CytonPacket {
  sampleNumber: number;
  footer: number;
  /** Eight signed 24-bit channel values, counts. */
  counts: Int32Array;
  /** Accelerometer counts (footer 0xC0 only); all zero on the packets between accelerometer updates. */
  accelCounts?: [number, number, number];
  /** Board milliseconds (footers 0xC3–0xC6). */
  boardTimeMs?: number;
  /** The six aux bytes as sent. */
  aux: Uint8Array;
}

/** What the stream decoder needs: how many channels and the µV per count of each. */
export interface CytonDecodeContext {
  daisy: boolean;
  /** µV per count per channel (8 or 16 entries). */
  uvPerCount: ArrayLike<number>;
}

/** A run of contiguous samples out of the decoder (never spans lost packets). */
export interface CytonRun {
  /** Index of the run's first sample at the output rate, counted from the first sample decoded. */
  firstSample: number;
  /** Samples (at the output rate) lost just before this run; 0 for a continuation. */
  missingBefore: number;
  count: number;
  /** Planar µV, channels × count. */
  data: Float32Array;
}

export interface CytonDecodeStats {
  packets: number;
  /** Bytes thrown away while looking for a packet start (garbage, text, shifted data). */
  skippedBytes: number;
  /** Candidate packets rejected for a wrong footer. */
  badFooters: number;
  /** Packets the counter says never arrived. */
  lostPackets: number;
  /** A Daisy half without its partner (dropped). */
  unpaired: number;
}

export interface CytonResetReply {
  /** The text ended with `$$$`. */
  ready: boolean;
  /** The board reported a Daisy ADS1299. */
  daisy: boolean;
  firmware?: string;
  /** The dongle answered but the board did not ("Failure: …"): board off or out of range. */
  failure?: string;
}
