// Polar Measurement Data (PMD) and the standard Heart Rate Service, as Polar's own SDK defines them
// (polar-ble-sdk, see ../shared/DEVICES.md §1). Numbers mirror the firmware, so they are explicit.

export const PMD_SERVICE_UUID = 'fb005c8002e7f3871cad8acd2d8df0c8';
export const PMD_CONTROL_POINT_UUID = 'fb005c8102e7f3871cad8acd2d8df0c8';
export const PMD_DATA_UUID = 'fb005c8202e7f3871cad8acd2d8df0c8';
export const HEART_RATE_SERVICE_UUID = '180d';
export const HEART_RATE_MEASUREMENT_UUID = '2a37';
export const BATTERY_SERVICE_UUID = '180f';
export const BATTERY_LEVEL_UUID = '2a19';

/** H10 ECG: 130 Hz (±2 % crystal tolerance), 14-bit resolution, µV. */
export const POLAR_H10_ECG_RATE_HZ = 130;
export const POLAR_H10_ECG_RESOLUTION_BITS = 14;
/** The H10's ECG input range, ±20 000 µV; a sample beyond it cannot be a body signal. */
export const POLAR_H10_ECG_RANGE_UV = 20_000;
/** PMD timestamps count ns from 2000-01-01T00:00:00Z; this many seconds after the Unix epoch. */
export const PMD_EPOCH_UNIX_S = 946_684_800;

export enum PmdMeasurementType {
  ECG = 0,
  PPG = 1,
  ACC = 2,
  PPI = 3,
  GYRO = 5,
  MAGNETOMETER = 6,
}

export enum PmdOpCode {
  GET_MEASUREMENT_SETTINGS = 1,
  REQUEST_MEASUREMENT_START = 2,
  STOP_MEASUREMENT = 3,
}

/** First byte of a control-point notification that answers a command. */
export const PMD_CP_RESPONSE_CODE = 0xf0;
/** First byte of a control-point notification the device sends on its own: measurement stopped. */
export const PMD_CP_MEASUREMENT_STOPPED = 0x01;

export enum PmdResponseStatus {
  SUCCESS = 0,
  ERROR_INVALID_OP_CODE = 1,
  ERROR_INVALID_MEASUREMENT_TYPE = 2,
  ERROR_NOT_SUPPORTED = 3,
  ERROR_INVALID_LENGTH = 4,
  ERROR_INVALID_PARAMETER = 5,
  ERROR_ALREADY_IN_STATE = 6,
  ERROR_INVALID_RESOLUTION = 7,
  ERROR_INVALID_SAMPLE_RATE = 8,
  ERROR_INVALID_RANGE = 9,
  ERROR_INVALID_MTU = 10,
  ERROR_INVALID_NUMBER_OF_CHANNELS = 11,
  ERROR_INVALID_STATE = 12,
  ERROR_DEVICE_IN_CHARGER = 13,
  ERROR_DISK_FULL = 14,
}

export enum PmdSettingType {
  SAMPLE_RATE = 0,
  RESOLUTION = 1,
  RANGE = 2,
  RANGE_MILLIUNIT = 3,
  CHANNELS = 4,
  FACTOR = 5,
  SECURITY = 6,
}

export interface PmdControlPointResponse {
  opCode: number;
  measurementType: number;
  status: PmdResponseStatus | number;
  /** e.g. 'ERROR_DEVICE_IN_CHARGER'; 'UNKNOWN_STATUS_<n>' for codes the SDK does not know. */
  statusName: string;
  /** More response packets follow (only with status SUCCESS). */
  more: boolean;
  /** Bytes after the 5-byte header (a settings block for GET_MEASUREMENT_SETTINGS). */
  parameters: Uint8Array;
}

/** A control-point notification: the answer to a command, or the device stopping streams. */
export type PmdControlPointNotification =
  | ({ kind: 'response' } & PmdControlPointResponse)
  | { kind: 'measurement-stopped'; measurementTypes: number[] };

export interface PmdSettings {
  sampleRate?: number[];
  resolution?: number[];
  range?: number[];
  rangeMilliunit?: number[];
  channels?: number[];
  factor?: number[];
  security?: Uint8Array[];
}

/** The feature map read from the control point: which measurements the device offers. */
export interface PmdFeatures {
  ecg: boolean;
  ppg: boolean;
  acc: boolean;
  ppi: boolean;
  gyro: boolean;
  magnetometer: boolean;
}

export interface PmdFrameHeader {
  measurementType: number;
  /** Timestamp of the frame's last sample, ns since 2000-01-01 UTC (device clock). */
  timestampNs: bigint;
  /** Frame type without the compression bit. */
  frameType: number;
  compressed: boolean;
}

/** What a PMD parser needs besides the bytes: the previous frame's timestamp and the rate. */
export interface PmdFrameContext {
  /** Timestamp of the previous frame of the same measurement and frame type (0n or absent: none). */
  previousTimestampNs?: bigint;
  /** Selected sample rate, Hz (from the start request or settings). */
  sampleRateHz: number;
}

export interface PmdEcgFrame extends PmdFrameHeader {
  sampleCount: number;
  /** ECG in µV (frame types 0–2). For type 3 (two raw data fields) this is data0. */
  samplesUv: Float32Array;
  /** Device time of the first sample, ns since 2000 (last-sample timestamp minus (n−1) intervals). */
  firstSampleNs: bigint;
  /** Spacing between samples, ns, as the SDK derives it. */
  sampleIntervalNs: number;
  /**
   * Samples missing between the previous frame and this one, judged from the timestamps at the
   * nominal rate (0 when contiguous or when there is no previous frame).
   */
  missingBefore: number;
  /** The timestamp did not advance past the previous frame's. */
  timestampBackwards: boolean;
  /** Per-sample extras of the non-H10 frame types, kept for completeness (undefined for type 0). */
  extras?: PmdEcgSampleExtras[];
}

export interface PmdEcgSampleExtras {
  overSampling?: boolean;
  skinContactBit?: number;
  contactImpedance?: number;
  ecgDataTag?: number;
  paceDataTag?: number;
  data1?: number;
  status?: number;
}

/** Heart Rate Measurement characteristic 0x2A37. */
export interface HeartRateMeasurement {
  heartRateBpm: number;
  sensorContactSupported: boolean;
  sensorContact: boolean;
  /** Energy expended, kJ, when present. */
  energyKj?: number;
  /** RR intervals as sent, 1/1024 s, oldest first. */
  rrRaw: number[];
  /** RR intervals in ms (rounded as Polar's SDK does), oldest first. */
  rrMs: number[];
}
