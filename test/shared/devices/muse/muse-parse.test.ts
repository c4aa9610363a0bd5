// Muse decoding on muse-js's own test vectors, channel alignment by sequence, and bad input.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MuseControlAssembler,
  decodeUnsigned12BitData,
  decodeUnsigned24BitData,
  parseMuseAccelerometer,
  parseMuseControlNotification,
  parseMuseEegPacket,
  parseMuseGyroscope,
  parseMusePpgPacket,
  parseMuseTelemetry,
} from '../../../../src/shared/devices/muse/muse-parse';
import { SequenceAligner } from '../../../../src/shared/devices/muse/muse-align';
import { encodeMuseCommand, musePreset, museStartSequence } from '../../../../src/shared/devices/muse/muse-commands';
import { MUSE_EEG_UV_PER_LSB } from '../../../../src/shared/devices/muse/muse.types';
import { DeviceError } from '../../../../src/shared/devices/device-error';
import { hex, loadFrames, NEED_FRAMES } from '../../../fixtures/device-frames';

const muse = NEED_FRAMES ? null : loadFrames('muse');
const frame = (n: string) => muse.dataFrames.find((f: { name: string }) => f.name === n);
const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} ≉ ${b}`);

describe('Muse data frames (muse-js muse-parse.spec.ts)', { skip: NEED_FRAMES }, () => {
  test('decodeUnsigned12BitData', () => {
    const f = frame('eeg_12bit_unsigned_decode');
    assert.deepEqual(Array.from(decodeUnsigned12BitData(hex(f.hex))), f.expected.values);
  });
  test('decodeUnsigned24BitData', () => {
    const f = frame('ppg_24bit_unsigned_decode');
    assert.deepEqual(Array.from(decodeUnsigned24BitData(hex(f.hex))), f.expected.values);
  });
  test('a full EEG notification: sequence 1, µV samples', () => {
    const f = frame('eeg_notification_electrode3_tp10');
    const p = parseMuseEegPacket(hex(f.hex));
    assert.equal(p.sequence, f.expected.index);
    assert.deepEqual(Array.from(p.samplesUv), f.expected.samples_uV);
  });
  test('telemetry', () => {
    const f = frame('telemetry');
    const t = parseMuseTelemetry(hex(f.hex));
    assert.equal(t.sequenceId, f.expected.sequenceId);
    close(t.batteryLevel, f.expected.batteryLevel);
    close(t.fuelGaugeVoltage, f.expected.fuelGaugeVoltage);
    assert.equal(t.temperature, f.expected.temperature);
  });
  test('accelerometer and gyroscope', () => {
    for (const [name, parse, key] of [['accelerometer', parseMuseAccelerometer, 'samples_g'], ['gyroscope', parseMuseGyroscope, 'samples_dps']] as const) {
      const f = frame(name);
      const r = parse(hex(f.hex));
      assert.equal(r.sequenceId, f.expected.sequenceId, `${name}: sequence id`);
      r.samples.forEach((s, i) => {
        close(s.x, f.expected[key][i].x, 1e-9);
        close(s.y, f.expected[key][i].y, 1e-9);
        close(s.z, f.expected[key][i].z, 1e-9);
      });
    }
  });
});

describe('Muse commands and control replies', { skip: NEED_FRAMES }, () => {
  test('command encodings', () => {
    for (const c of muse.commands) assert.deepEqual(encodeMuseCommand(c.command), hex(c.hex), c.name);
  });
  test('presets and start sequence', () => {
    assert.equal(musePreset({ aux: false, ppg: false }), 'p21');
    assert.equal(musePreset({ aux: true, ppg: false }), 'p20');
    assert.equal(musePreset({ aux: true, ppg: true }), 'p50');
    assert.deepEqual(museStartSequence('p21'), ['h', 'v1', 'p21', 's', 'd']);
  });
  test('JSON replies joined across notifications, two in one', () => {
    const v = muse.controlResponses.find((c: { name: string }) => c.name === 'control_json_stream');
    const a = new MuseControlAssembler();
    const got = v.inputStrings.flatMap((s: string) => a.push(s).replies);
    assert.deepEqual(got, v.expected);
  });
  test('raw control notifications: only the counted bytes are text', () => {
    const v = muse.controlResponses.find((c: { name: string }) => c.name === 'control_notifications_device_info');
    const a = new MuseControlAssembler();
    const got = v.sequence.flatMap((h: string) => a.push(parseMuseControlNotification(hex(h))).replies);
    assert.deepEqual(got, [v.expected]);
  });
});

describe('SequenceAligner', () => {
  const packet = (base: number) => Float32Array.from({ length: 12 }, (_, i) => base + i / 100);
  test('joins five electrodes arriving in any order into one block (zipSamples)', () => {
    const a = new SequenceAligner(5, 12);
    const order = [2, 1, 4, 0, 3];
    const blocks = order.flatMap((e) => a.push(e, 100, packet(e)));
    assert.equal(blocks.length, 1);
    assert.equal(blocks[0].sequence, 100);
    for (let e = 0; e < 5; e++) close(blocks[0].data[e * 12], e, 1e-6);
  });
  test('unwraps 0xFFFF → 0 as one step', () => {
    const a = new SequenceAligner(1, 12);
    const b1 = a.push(0, 0xffff, packet(1));
    const b2 = a.push(0, 0x0000, packet(2));
    assert.equal(b2[0].sequence - b1[0].sequence, 1);
    assert.equal(b2[0].missingBefore, 0);
  });
  test('out-of-order packets behind the emitted sequence are late, not spliced in', () => {
    const a = new SequenceAligner(1, 12);
    a.push(0, 0x14, packet(1));
    assert.deepEqual(a.push(0, 0x10, packet(2)), []);
    assert.equal(a.stats.late, 1);
  });
  test('a lost packet on every channel shows as missingBefore', () => {
    const a = new SequenceAligner(2, 12);
    a.push(0, 5, packet(0));
    a.push(1, 5, packet(1));
    a.push(0, 7, packet(0));
    const b = a.push(1, 7, packet(1));
    assert.equal(b[0].missingBefore, 1);
  });
  test('one electrode never delivering: the incomplete sequence is dropped after the wait', () => {
    const a = new SequenceAligner(2, 12, 4);
    const out = [];
    out.push(...a.push(0, 10, packet(0))); // channel 1 for 10 never comes
    for (let s = 11; s <= 15; s++) {
      out.push(...a.push(0, s, packet(0)));
      out.push(...a.push(1, s, packet(1)));
    }
    assert.equal(a.stats.incomplete, 1);
    assert.deepEqual(out.map((b) => b.sequence), [11, 12, 13, 14, 15]);
    assert.equal(out[0].missingBefore, 0); // 10 was never emitted, nothing before 11 was
  });
  test('muse-js timing: consecutive sequences are 12 samples = 46.875 ms apart', () => {
    const a = new SequenceAligner(1, 12);
    const s1 = a.push(0, 0x0f, packet(0))[0].sequence;
    const s2 = a.push(0, 0x10, packet(0))[0].sequence;
    close(((s2 - s1) * 12 * 1000) / 256, 46.875);
  });
});

describe('bad input', () => {
  test('wrong lengths and lying control headers are DeviceErrors', () => {
    assert.throws(() => parseMuseEegPacket(new Uint8Array(19)), DeviceError);
    assert.throws(() => parseMusePpgPacket(new Uint8Array(21)), DeviceError);
    assert.throws(() => parseMuseAccelerometer(new Uint8Array(5)), /accelerometer/);
    assert.throws(() => parseMuseControlNotification(hex('10 41 42')), /says 16 bytes/);
  });
  test('control text that is not JSON is reported, not passed on', () => {
    const a = new MuseControlAssembler();
    const r = a.push('{"rc":0,,}{"ok":1}');
    assert.equal(r.errors.length, 1);
    assert.deepEqual(r.replies, [{ ok: 1 }]);
  });
  test('EEG scale: raw 2048 is 0 µV, one count is 0.48828125 µV', () => {
    const b = new Uint8Array(20);
    b.set([0x80, 0x08, 0x01], 2); // 0x800, 0x801
    const p = parseMuseEegPacket(b);
    assert.equal(p.samplesUv[0], 0);
    assert.equal(p.samplesUv[1], MUSE_EEG_UV_PER_LSB);
  });
});
