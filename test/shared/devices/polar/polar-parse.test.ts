// Polar PMD and Heart Rate decoding on the SDK's own test vectors and on literal H10 frames.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  describePmdStatus,
  parseHeartRateMeasurement,
  parsePmdControlPointNotification,
  parsePmdControlPointResponse,
  parsePmdEcgFrame,
  parsePmdFeatures,
  parsePmdFrameHeader,
  parsePmdSettings,
  pmdSampleTiming,
  pmdTimeUnixS,
} from '../../../../src/shared/devices/polar/polar-parse';
import { encodePmdGetSettings, encodePmdStartEcg, encodePmdStop } from '../../../../src/shared/devices/polar/polar-commands';
import { PmdResponseStatus } from '../../../../src/shared/devices/polar/polar.types';
import { DeviceError } from '../../../../src/shared/devices/device-error';
import { hex, loadFrames, NEED_FRAMES } from '../../../fixtures/device-frames';

const h10 = JSON.parse(readFileSync(resolve('test/fixtures/polar/h10-ecg.json'), 'utf8'));

describe('PMD commands', () => {
  test('start ECG at 130 Hz, 14 bits is the documented byte string', () => {
    assert.deepEqual(encodePmdStartEcg(), hex('02 00 00 01 82 00 01 01 0E 00'));
    assert.deepEqual(encodePmdStartEcg(), hex(h10.startEcgHex));
  });
  test('stop and get-settings', () => {
    assert.deepEqual(encodePmdStop(), hex('03 00'));
    assert.deepEqual(encodePmdGetSettings(), hex('01 00'));
  });
});

describe('parsePmdEcgFrame on literal H10 frames', () => {
  test('73 samples of 24-bit µV with the last-sample timestamp', () => {
    const f = h10.frames[0];
    const r = parsePmdEcgFrame(hex(f.hex), { sampleRateHz: 130 });
    assert.equal(r.sampleCount, 73);
    assert.deepEqual(Array.from(r.samplesUv), f.samplesUv);
    assert.equal(r.timestampNs, BigInt(f.timestampNs));
    // First frame: nominal spacing 1e9/130 ns.
    assert.ok(Math.abs(r.sampleIntervalNs - 1e9 / 130) < 1e-6, `sample interval ${r.sampleIntervalNs} ns, expected 1e9 / 130`);
    assert.equal(r.firstSampleNs, BigInt(f.timestampNs) - BigInt(Math.round((72 * 1e9) / 130)));
    assert.equal(r.missingBefore, 0);
  });
  test('the next frame spaces its samples by the measured interval', () => {
    const [a, b] = h10.frames;
    const r = parsePmdEcgFrame(hex(b.hex), { sampleRateHz: 130, previousTimestampNs: BigInt(a.timestampNs) });
    const span = Number(BigInt(b.timestampNs) - BigInt(a.timestampNs));
    assert.ok(Math.abs(r.sampleIntervalNs - span / 73) < 1e-6, `sample interval ${r.sampleIntervalNs} ns, expected ${span / 73}`);
    assert.deepEqual(Array.from(r.samplesUv), b.samplesUv);
  });
  test('a frame that comes far too late reports the samples lost before it', () => {
    const [a, b] = h10.frames;
    const later = BigInt(b.timestampNs) + BigInt(Math.round((146 * 1e9) / 130)); // two frames lost
    const t = pmdSampleTiming(later, 73, { sampleRateHz: 130, previousTimestampNs: BigInt(a.timestampNs) });
    assert.equal(t.missingBefore, 146);
    assert.ok(Math.abs(t.sampleIntervalNs - 1e9 / 130) < 1e-6, `sample interval ${t.sampleIntervalNs} ns, expected 1e9 / 130`);
  });
  test('a PMD time is read on the Unix epoch: 0 ns is 2000-01-01T00:00:00Z', () => {
    assert.equal(new Date(pmdTimeUnixS(0n) * 1000).toISOString(), '2000-01-01T00:00:00.000Z');
    assert.equal(new Date(pmdTimeUnixS(599_616_000_123_000_000n) * 1000).toISOString(), '2019-01-01T00:00:00.123Z');
  });
  test('a timestamp that does not advance is flagged', () => {
    const t = pmdSampleTiming(1000n, 10, { sampleRateHz: 130, previousTimestampNs: 2000n });
    assert.equal(t.timestampBackwards, true);
  });
});

describe('parsePmdEcgFrame on polar-ble-sdk test vectors', { skip: NEED_FRAMES }, () => {
  const pmd = NEED_FRAMES ? [] : loadFrames('polar').pmd;
  const byName = (n: string) => pmd.find((v: { name: string }) => v.name === n);
  test('type 0 (H10): -32766, 32770 µV at ts 2000000000', () => {
    const v = byName('pmd_ecg_frame_type0_raw');
    const r = parsePmdEcgFrame(hex(v.hex), { sampleRateHz: v.parserInputs.sampleRate, previousTimestampNs: BigInt(v.parserInputs.previousTimeStamp_ns) });
    assert.equal(r.measurementType, v.expected.measurementType);
    assert.equal(r.timestampNs, BigInt(v.expected.timeStamp_ns));
    assert.equal(r.frameType, 0);
    assert.equal(r.compressed, false);
    assert.deepEqual(Array.from(r.samplesUv), v.expected.samples_microVolts);
  });
  test('type 1: µV and contact bits', () => {
    const v = byName('pmd_ecg_frame_type1_raw');
    const r = parsePmdEcgFrame(hex(v.hex), { sampleRateHz: 0 });
    v.expected.samples.forEach((s: { microVolts: number; overSampling: boolean; skinContactBit: number; contactImpedance: number }, i: number) => {
      assert.equal(r.samplesUv[i], s.microVolts, `sample ${i} µV`);
      assert.equal(r.extras![i].overSampling, s.overSampling, `sample ${i} overSampling`);
      assert.equal(r.extras![i].skinContactBit, s.skinContactBit, `sample ${i} skinContactBit`);
      assert.equal(r.extras![i].contactImpedance, s.contactImpedance, `sample ${i} contactImpedance`);
    });
  });
  test('type 2: µV and tags', () => {
    const v = byName('pmd_ecg_frame_type2_raw');
    const r = parsePmdEcgFrame(hex(v.hex), { sampleRateHz: 0 });
    v.expected.samples.forEach((s: { microVolts: number; ecgDataTag: number; paceDataTag: number }, i: number) => {
      assert.equal(r.samplesUv[i], s.microVolts, `sample ${i} µV`);
      assert.equal(r.extras![i].ecgDataTag, s.ecgDataTag, `sample ${i} ecgDataTag`);
      assert.equal(r.extras![i].paceDataTag, s.paceDataTag, `sample ${i} paceDataTag`);
    });
  });
  test('type 3: data0, data1, status', () => {
    const v = byName('pmd_ecg_frame_type3_raw');
    const r = parsePmdEcgFrame(hex(v.hex), { sampleRateHz: 0 });
    v.expected.samples.forEach((s: { data0: number; data1: number; status: number }, i: number) => {
      assert.equal(r.samplesUv[i], s.data0, `sample ${i} data0`);
      assert.equal(r.extras![i].data1, s.data1, `sample ${i} data1`);
      assert.equal(r.extras![i].status, s.status, `sample ${i} status`);
    });
  });
  test('headers: big timestamps need BigInt, compression bit, measurement types', () => {
    for (const n of ['pmd_data_header_ecg_type3_big_timestamp', 'pmd_data_header_acc_compressed_type3', 'pmd_data_header_gyro_compressed_type0']) {
      const v = byName(n);
      const h = parsePmdFrameHeader(hex(v.hex));
      assert.equal(h.measurementType, v.expected.measurementType, n);
      assert.equal(h.timestampNs, BigInt(v.expected.timeStamp_ns), n);
      assert.equal(h.frameType, v.expected.frameType, n);
      assert.equal(h.compressed, v.expected.compressed, n);
    }
    const seq = byName('pmd_data_previous_timestamp_sequence').sequence;
    assert.equal(parsePmdFrameHeader(hex(seq[1].hex)).timestampNs, 1152921504606846975n);
  });
  test('a PPG frame with an unknown frame type is refused, as the SDK refuses it', () => {
    const v = byName('pmd_data_unsupported_frame');
    assert.throws(() => parsePmdEcgFrame(hex(v.hex), { sampleRateHz: 0 }), DeviceError);
    const h = parsePmdFrameHeader(hex(v.hex));
    assert.equal(h.measurementType, 1);
    assert.equal(h.frameType, 127);
  });
  test('control-point responses: success with parameters, error without', () => {
    const ok = byName('pmd_cp_response_get_settings_acc_success');
    const r = parsePmdControlPointResponse(hex(ok.hex));
    assert.equal(r.opCode, 1);
    assert.equal(r.measurementType, 2);
    assert.equal(r.status, 0);
    assert.equal(r.statusName, 'SUCCESS');
    assert.equal(r.more, false);
    assert.deepEqual(r.parameters, hex(ok.expected.parametersHex));
    const err = byName('pmd_cp_response_get_settings_mag_error');
    const e = parsePmdControlPointResponse(hex(err.hex));
    assert.equal(e.status, 7);
    assert.equal(e.statusName, err.expected.statusName);
    assert.equal(e.parameters.length, 0);
  });
  test('settings blocks', () => {
    const a = parsePmdSettings(hex(byName('pmd_settings_parameters_with_range').hex));
    assert.deepEqual(a.sampleRate, [52]);
    assert.deepEqual(a.resolution, [16]);
    assert.deepEqual(a.range, [245, 500, 1000, 2000]);
    assert.deepEqual(a.channels, [3]);
    const b = byName('pmd_settings_parameters_range_milliunit');
    const s = parsePmdSettings(hex(b.hex));
    assert.deepEqual(s.rangeMilliunit, b.expected.RANGE_MILLIUNIT_signed_kotlin);
    assert.deepEqual(s.resolution, b.expected.RESOLUTION);
    // The same bytes one short must fail (Swift testPmdSettingThrows).
    assert.throws(() => parsePmdSettings(hex(b.hex).subarray(0, hex(b.hex).length - 1)), DeviceError);
  });
});

describe('Heart Rate Measurement 0x2A37 on polar-ble-sdk vectors', { skip: NEED_FRAMES }, () => {
  const vectors = NEED_FRAMES ? [] : loadFrames('polar').heartRateMeasurement;
  for (const v of vectors.filter((x: { hex?: string }) => x.hex)) {
    test(v.name, () => {
      const r = parseHeartRateMeasurement(hex(v.hex));
      const x = v.expected;
      if (x.hr !== undefined) assert.equal(r.heartRateBpm, x.hr);
      if (x.sensorContact !== undefined) assert.equal(r.sensorContact, x.sensorContact);
      if (x.sensorContact_swift !== undefined) assert.equal(r.sensorContact, x.sensorContact_swift);
      if (x.sensorContactSupported !== undefined) assert.equal(r.sensorContactSupported, x.sensorContactSupported);
      if (x.energy !== undefined) assert.equal(r.energyKj ?? 0, x.energy);
      if (x.rrCount !== undefined) assert.equal(r.rrRaw.length, x.rrCount);
      if (x.rrs_1_1024s) assert.deepEqual(r.rrRaw, x.rrs_1_1024s);
      if (x.rrsMs) assert.deepEqual(r.rrMs, x.rrsMs);
    });
  }
  test('a sequence delivers every notification as it comes (no cached values)', () => {
    const seq = vectors.find((x: { name: string }) => x.name === 'hr_no_cached_values_swift').sequence;
    assert.equal(parseHeartRateMeasurement(hex(seq[1].hex)).heartRateBpm, 102);
  });
});

describe('control point, features and bad input', () => {
  test('start OK and in-charger replies', () => {
    const ok = parsePmdControlPointNotification(hex(h10.startOkResponseHex));
    assert.equal(ok.kind, 'response');
    const bad = parsePmdControlPointResponse(hex(h10.startInChargerResponseHex));
    assert.equal(bad.status, PmdResponseStatus.ERROR_DEVICE_IN_CHARGER);
    assert.match(describePmdStatus(bad.status), /charger.*ERROR_DEVICE_IN_CHARGER = 13/);
  });
  test('the device stopping ECG on its own', () => {
    const n = parsePmdControlPointNotification(hex(h10.stoppedByDeviceHex));
    assert.deepEqual(n, { kind: 'measurement-stopped', measurementTypes: [0] });
  });
  test('feature map', () => {
    const f = parsePmdFeatures(hex(h10.featuresEcgAccHex));
    assert.equal(f.ecg, true);
    assert.equal(f.acc, true);
    assert.equal(f.ppg, false);
  });
  test('truncated, partial-sample, compressed and foreign frames are DeviceErrors naming the problem', () => {
    const f = hex(h10.frames[0].hex);
    assert.throws(() => parsePmdEcgFrame(f.subarray(0, 9), { sampleRateHz: 130 }), /too short \(9 bytes, header needs 10\)/);
    assert.throws(() => parseHeartRateMeasurement(hex('01')), /heart-rate measurement too short \(1 byte\)/);
    assert.throws(() => parsePmdEcgFrame(f.subarray(0, f.length - 1), { sampleRateHz: 130 }), /not a whole number/);
    const c = f.slice();
    c[9] = 0x80;
    assert.throws(() => parsePmdEcgFrame(c, { sampleRateHz: 130 }), /compressed/);
    const acc = f.slice();
    acc[0] = 2;
    assert.throws(() => parsePmdEcgFrame(acc, { sampleRateHz: 130 }), /not an ECG frame/);
    assert.throws(() => parseHeartRateMeasurement(hex('10 48 01')), /RR/);
    assert.throws(() => parseHeartRateMeasurement(hex('01 48')), /truncated/);
    assert.throws(() => parsePmdControlPointResponse(hex('F1 02 00 00')), /F0/);
  });
});
