import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeFrame,
  encodeFrame,
  FRAME_ARRAY_ENTRY_BYTES,
  FRAME_HEADER_BYTES,
  FrameCodecError,
  FrameKind,
} from '../../../src/shared/ipc/frame-codec';
import type { PushMessage } from '../../../src/shared/ipc-schema';
import { mulberry32 } from '../../../src/shared/seeded-random';

function syncWindowPush(): PushMessage {
  const eeg = new Float32Array(4 * 1000).map((_, i) => Math.sin(i / 7) * 40);
  const ecg = new Float32Array(1000).map((_, i) => (i % 200 === 0 ? 1200 : -30 + i / 100));
  return {
    type: 'pipeline:window',
    window: {
      seq: 41,
      startTime: 1_700_000_123.25,
      rateHz: 200,
      samples: 1000,
      eeg: {
        modality: 'eeg',
        present: true,
        channels: ['TP9', 'AF7', 'AF8', 'TP10'],
        data: eeg,
        quality: ['TP9', 'AF7', 'AF8', 'TP10'].map((label, i) => ({ label, score: 1 - i / 10, flags: i === 3 ? ['line-noise'] : [], rmsUv: 12.5, lineNoiseRatio: 0.01 })),
        streamIds: ['sim-eeg-1/eeg'],
      },
      ecg: { modality: 'ecg', present: false, absentReason: 'no-device', channels: ['ECG'], data: ecg, quality: [], streamIds: [] },
    },
  };
}

function expectCode(code: string) {
  return (err: unknown) => err instanceof FrameCodecError && err.code === code && err.message.includes(code);
}

describe('encodeFrame / decodeFrame', () => {
  test('round-trips a window push, samples bit for bit, as aligned views over the frame', () => {
    const msg = syncWindowPush();
    const buf = encodeFrame(FrameKind.Push, msg);
    const { kind, value } = decodeFrame(buf);
    assert.equal(kind, FrameKind.Push);
    assert.deepEqual(value, msg);
    const w = (value as Extract<PushMessage, { type: 'pipeline:window' }>).window;
    assert.ok(w.eeg.data instanceof Float32Array, 'the EEG data arrives as a Float32Array');
    assert.equal(w.eeg.data.buffer, buf, 'a view, not a copy');
    assert.equal(w.eeg.data.byteOffset % 8, 0);
    // JSON would have cost ~12 characters per sample; the frame costs 4 bytes plus a small header.
    assert.ok(buf.byteLength < 5000 * 4 + 2000, `frame is ${buf.byteLength} bytes`);
  });

  test('keeps NaN and ±Infinity, which JSON would turn into null', () => {
    const msg = { type: 'pipeline:heart', features: { streamId: 's', time: 3, heartRateBpm: NaN, rrMs: [Infinity, -Infinity, 800], rmssdMs: NaN, rPeakTimes: [] } };
    const { value } = decodeFrame(encodeFrame(FrameKind.Push, msg));
    assert.deepEqual(value, msg);
  });

  test('carries every element type, empty arrays, and subarray views without their neighbours', () => {
    const big = new Float64Array(100).map((_, i) => i);
    const msg = {
      i8: Int8Array.of(-128, 127),
      u8: Uint8Array.of(0, 255, 7),
      u8c: Uint8ClampedArray.of(1, 2),
      i16: Int16Array.of(-32768, 5),
      u16: Uint16Array.of(65535),
      i32: Int32Array.of(-(2 ** 31), 2 ** 31 - 1),
      u32: Uint32Array.of(2 ** 32 - 1),
      f32: Float32Array.of(Math.PI, NaN, -0),
      f64: big.subarray(10, 13),
      empty: new Float32Array(0),
      nested: [{ deep: [Float32Array.of(1.5)] }],
    };
    const buf = encodeFrame(FrameKind.Response, msg);
    const { kind, value } = decodeFrame(buf);
    assert.equal(kind, FrameKind.Response);
    assert.deepEqual(value, msg);
    assert.deepEqual([...(value as typeof msg).f64], [10, 11, 12]);
    assert.ok(Object.is((value as typeof msg).f32[2], -0), '-0 survives the round trip');
  });

  test('decodes from a Node Buffer at an odd offset (copies only what is misaligned)', () => {
    const msg = { a: Float64Array.of(1, 2, 3), b: 'x' };
    const frame = new Uint8Array(encodeFrame(FrameKind.Request, msg));
    const host = new Uint8Array(frame.length + 3);
    host.set(frame, 3);
    const { value } = decodeFrame(Buffer.from(host.buffer, 3, frame.length));
    assert.deepEqual(value, msg);
  });

  test('undefined becomes null, and a plain string or number is a valid message', () => {
    assert.equal(decodeFrame(encodeFrame(FrameKind.Push, undefined)).value, null);
    assert.equal(decodeFrame(encodeFrame(FrameKind.Push, 'hi')).value, 'hi');
    assert.equal(decodeFrame(encodeFrame(FrameKind.Push, 42)).value, 42);
  });

  test('refuses what it cannot carry faithfully, naming it', () => {
    assert.throws(() => encodeFrame(FrameKind.Push, { when: new Date(0) }), expectCode('unsupported-value'));
    assert.throws(() => encodeFrame(FrameKind.Push, { m: new Map() }), expectCode('unsupported-value'));
    assert.throws(() => encodeFrame(FrameKind.Push, { n: 1n }), expectCode('unsupported-value'));
    assert.throws(() => encodeFrame(FrameKind.Push, { b: new ArrayBuffer(4) }), expectCode('unsupported-value'));
    assert.throws(() => encodeFrame(FrameKind.Push, { x: { $ta: 0 } }), expectCode('unsupported-value'));
    assert.throws(() => encodeFrame(9 as FrameKind, {}), expectCode('bad-kind'));
  });
});

describe('decodeFrame on garbage', () => {
  const good = () => new Uint8Array(encodeFrame(FrameKind.Push, { samples: Float32Array.of(1, 2, 3, 4), label: 'Fp1' }));

  test('empty, short, text and random bytes are refused with a named reason', () => {
    assert.throws(() => decodeFrame(new ArrayBuffer(0)), expectCode('too-short'));
    assert.throws(() => decodeFrame(new TextEncoder().encode('{"type":"pipeline:log"}')), expectCode('bad-magic'));
    assert.throws(() => decodeFrame(good().subarray(0, 10)), expectCode('too-short'));
  });

  test('wrong version and kind', () => {
    const v = good();
    v[4] = 99;
    assert.throws(() => decodeFrame(v), /bad-version: frame version 99/);
    const k = good();
    k[5] = 0;
    assert.throws(() => decodeFrame(k), expectCode('bad-kind'));
  });

  test('truncated payload, lying lengths, unknown element type, misaligned or overrunning arrays', () => {
    const f = good();
    assert.throws(() => decodeFrame(f.subarray(0, f.length - 4)), expectCode('too-short'));
    const extra = new Uint8Array(f.length + 8);
    extra.set(f);
    assert.throws(() => decodeFrame(extra), expectCode('bad-array-table'));
    const t = good();
    t[FRAME_HEADER_BYTES] = 200;
    assert.throws(() => decodeFrame(t), /unknown element type 200/);
    const m = good();
    new DataView(m.buffer).setUint32(FRAME_HEADER_BYTES + 4, 4, true);
    assert.throws(() => decodeFrame(m), /not 8-aligned/);
    const o = good();
    new DataView(o.buffer).setUint32(FRAME_HEADER_BYTES + 8, 1_000_000, true);
    assert.throws(() => decodeFrame(o), /overrun/);
  });

  test('broken JSON and dangling references', () => {
    const j = good();
    j[FRAME_HEADER_BYTES + FRAME_ARRAY_ENTRY_BYTES] = 0x7b + 1; // '{' → '|'
    assert.throws(() => decodeFrame(j), expectCode('bad-json'));
    const frame = new Uint8Array(encodeFrame(FrameKind.Push, { a: Float32Array.of(1) }));
    const text = new TextDecoder().decode(frame);
    const at = text.indexOf('{"$ta":0}');
    frame[at + 7] = '5'.charCodeAt(0);
    assert.throws(() => decodeFrame(frame), /typed array reference 5/);
  });

  test('a thousand random frames never crash the decoder with anything but a FrameCodecError', () => {
    const rand = mulberry32(12345);
    const base = good();
    for (let n = 0; n < 1000; n++) {
      const f = n % 2 ? base.slice() : new Uint8Array(Math.floor(rand() * 80));
      for (let i = 0; i < 1 + rand() * 4; i++) if (f.length) f[Math.floor(rand() * f.length)] = Math.floor(rand() * 256);
      if (n % 2 === 0 && f.length >= 4) f.set([0x48, 0x4d, 0x46, 0x31]);
      try {
        decodeFrame(f);
      } catch (err) {
        assert.ok(err instanceof FrameCodecError, `frame ${n}: ${String(err)}`);
      }
    }
  });
});
