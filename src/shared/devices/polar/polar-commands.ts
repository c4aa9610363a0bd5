// Control-point commands for PMD: `[op code][type byte][settings…]`, each setting
// `[setting type][count = 1][value LE]` (DEVICES.md §1, polar-ble-sdk PmdControlPointCommand/PmdSetting).
import { PmdMeasurementType, PmdOpCode, PmdSettingType, POLAR_H10_ECG_RATE_HZ, POLAR_H10_ECG_RESOLUTION_BITS } from './polar.types';

/** Start ECG streaming; defaults give the H10's `02 00 00 01 82 00 01 01 0E 00`. */
export function encodePmdStartEcg(rateHz = POLAR_H10_ECG_RATE_HZ, resolutionBits = POLAR_H10_ECG_RESOLUTION_BITS): Uint8Array {
  return Uint8Array.of(
    PmdOpCode.REQUEST_MEASUREMENT_START,
    PmdMeasurementType.ECG,
    PmdSettingType.SAMPLE_RATE, 1, rateHz & 0xff, rateHz >> 8,
    PmdSettingType.RESOLUTION, 1, resolutionBits & 0xff, resolutionBits >> 8,
  );
}

export function encodePmdStop(type: PmdMeasurementType = PmdMeasurementType.ECG): Uint8Array {
  return Uint8Array.of(PmdOpCode.STOP_MEASUREMENT, type);
}

export function encodePmdGetSettings(type: PmdMeasurementType = PmdMeasurementType.ECG): Uint8Array {
  return Uint8Array.of(PmdOpCode.GET_MEASUREMENT_SETTINGS, type);
}
