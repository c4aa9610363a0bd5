// The shared byte writer: grows past its first buffer without losing bytes, writes little-endian,
// LEB128 varints up to 2^53, and refuses a u16 that does not fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteWriter } from '../../src/shared/byte-writer';

test('grows, writes little-endian and varints, patches a length, refuses a bad u16', () => {
  const w = new ByteWriter(1); // 64 bytes at least: the writes below double it twice
  w.u32(0);
  for (let i = 0; i < 40; i++) w.u16(i);
  w.f64(Math.PI);
  w.f32s([1.5, -2]);
  w.varint(300);
  w.varint(2 ** 53 - 1);
  w.bytes(Uint8Array.of(7, 8, 9));
  w.setU32(0, w.pos);
  const out = w.result();
  assert.equal(out.length, w.pos);
  const v = new DataView(out.buffer);
  assert.equal(v.getUint32(0, true), out.length);
  for (let i = 0; i < 40; i++) assert.equal(v.getUint16(4 + 2 * i, true), i, `uint16 ${i}`);
  assert.equal(v.getFloat64(84, true), Math.PI);
  assert.deepEqual([v.getFloat32(92, true), v.getFloat32(96, true)], [1.5, -2]);
  assert.deepEqual([...out.subarray(100, 102)], [0xac, 0x02]); // 300 = 0b10_0101100
  assert.deepEqual([...out.subarray(102, 110)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.deepEqual([...out.subarray(110)], [7, 8, 9]);
  assert.throws(() => w.u16(0x10000), /65536 does not fit a u16 field/);
  assert.throws(() => w.u16(1.5), RangeError);
});
