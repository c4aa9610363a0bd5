// Muse 2016 / Muse 2 / Muse S over BLE, the protocol muse-js, muse-lsl and BrainFlow speak
// (../shared/DEVICES.md §2). Characteristic UUIDs are `273eXXXX-4c4d-454d-96be-f03bac821358`.

export const MUSE_SERVICE_UUID = 'fe8d';
export function museCharacteristicUuid(short: number): string {
  return `273e${short.toString(16).padStart(4, '0')}4c4d454d96bef03bac821358`;
}
export const MUSE_CONTROL_UUID = museCharacteristicUuid(0x0001);
/** TP9, AF7, AF8, TP10, then AUX (right) on 0x0007. */
export const MUSE_EEG_UUIDS = [0x0003, 0x0004, 0x0005, 0x0006, 0x0007].map(museCharacteristicUuid);
export const MUSE_EEG_LABELS = ['TP9', 'AF7', 'AF8', 'TP10', 'AUX'] as const;
export const MUSE_GYRO_UUID = museCharacteristicUuid(0x0009);
export const MUSE_ACCEL_UUID = museCharacteristicUuid(0x000a);
export const MUSE_TELEMETRY_UUID = museCharacteristicUuid(0x000b);
/** PPG ambient, infrared, red (Muse 2 and S with presets p50/p51). */
export const MUSE_PPG_UUIDS = [0x000f, 0x0010, 0x0011].map(museCharacteristicUuid);
export const MUSE_PPG_LABELS = ['PPG ambient', 'PPG infrared', 'PPG red'] as const;

export const MUSE_EEG_RATE_HZ = 256;
export const MUSE_EEG_SAMPLES_PER_PACKET = 12;
/** µV per count; counts are offset by 0x800 (muse-js, muse-lsl and BrainFlow agree). */
export const MUSE_EEG_UV_PER_LSB = 0.48828125;
export const MUSE_EEG_OFFSET = 0x800;
export const MUSE_PPG_RATE_HZ = 64;
export const MUSE_PPG_SAMPLES_PER_PACKET = 6;
export const MUSE_IMU_RATE_HZ = 52;
export const MUSE_ACCEL_G_PER_LSB = 0.0000610352;
export const MUSE_GYRO_DPS_PER_LSB = 0.0074768;
/** Sequence numbers are u16 and wrap. */
export const MUSE_SEQUENCE_MODULUS = 0x10000;
/** A user report (muse-lsl#184) says the stream drops after 10–15 min unless `k` is sent; every 60 s. */
export const MUSE_KEEPALIVE_INTERVAL_MS = 60_000;

export type MusePreset = 'p20' | 'p21' | 'p50' | 'p51';

export interface MuseEegPacket {
  sequence: number;
  samplesUv: Float32Array;
}

export interface MusePpgPacket {
  sequence: number;
  samples: Uint32Array;
}

export interface MuseTelemetry {
  sequenceId: number;
  batteryLevel: number;
  fuelGaugeVoltage: number;
  temperature: number;
}

export interface MuseImuPacket {
  sequenceId: number;
  samples: { x: number; y: number; z: number }[];
}

/** Replies on the control characteristic (`v1`, `s` …) joined into JSON objects. */
export type MuseControlReply = Record<string, unknown>;
