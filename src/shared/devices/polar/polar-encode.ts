// The strap's side of PMD and the Heart Rate Service: frames and replies as an H10 sends them.
// Used by the BLE emulator (tests, benchmarks, the no-hardware demo) and the fuzzer. Pure.
import { PMD_CP_RESPONSE_CODE, PmdMeasurementType } from './polar.types';

/** An ECG frame type 0: 3-byte signed LE µV samples; `timestampNs` is the last sample's time. */
export function encodePmdEcgFrame(timestampNs: bigint, samplesUv: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(10 + samplesUv.length * 3);
  out[0] = PmdMeasurementType.ECG;
  let t = timestampNs;
  for (let i = 1; i <= 8; i++) {
    out[i] = Number(t & 0xffn);
    t >>= 8n;
  }
  out[9] = 0;
  for (let k = 0; k < samplesUv.length; k++) {
    const v = Math.max(-0x800000, Math.min(0x7fffff, Math.round(samplesUv[k]))) & 0xffffff;
    out[10 + 3 * k] = v & 0xff;
    out[11 + 3 * k] = (v >> 8) & 0xff;
    out[12 + 3 * k] = v >> 16;
  }
  return out;
}

export function encodePmdResponse(opCode: number, measurementType: number, status: number, parameters: ArrayLike<number> = []): Uint8Array {
  if (status !== 0) return Uint8Array.of(PMD_CP_RESPONSE_CODE, opCode, measurementType, status);
  return Uint8Array.of(PMD_CP_RESPONSE_CODE, opCode, measurementType, status, 0, ...Array.from(parameters));
}

/** Heart Rate Measurement with u8 HR, contact detected, and RR values in 1/1024 s. */
export function encodeHeartRateMeasurement(bpm: number, rrMs: number[] = []): Uint8Array {
  const flags = 0x06 | (rrMs.length ? 0x10 : 0) | (bpm > 255 ? 0x01 : 0);
  const out: number[] = [flags];
  if (bpm > 255) out.push(bpm & 0xff, bpm >> 8);
  else out.push(Math.round(bpm));
  for (const ms of rrMs) {
    const r = Math.round((ms * 1024) / 1000);
    out.push(r & 0xff, (r >> 8) & 0xff);
  }
  return Uint8Array.from(out);
}
