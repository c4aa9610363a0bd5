// Checkpoint files: exact round trip, and every kind of damage refused with a message.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, decodeCheckpoint, encodeCheckpoint } from '../../../src/shared/train/checkpoint';
import { TrainError } from '../../../src/shared/train/train.types';

const ck = {
  kind: 'pretrain',
  meta: { step: 12, config: { lr: 5e-4, name: 'ünïcode' } },
  groups: {
    params: { 'a.weight': { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 1e-30, -0, 7]) }, b: { shape: [1], data: Float32Array.from([Math.PI]) } },
    'adam.m.enc': { 'a.weight': { shape: [2, 3], data: new Float32Array(6).fill(0.25) } },
  },
};

describe('checkpoint', () => {
  test('CRC-32 is the standard one', () => {
    assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  });

  test('round trip keeps every value, shape, group and the meta', () => {
    const back = decodeCheckpoint(encodeCheckpoint(ck), 'x.hmck');
    assert.deepEqual(back.meta, ck.meta);
    assert.equal(back.kind, 'pretrain');
    assert.deepEqual(Object.keys(back.groups), Object.keys(ck.groups));
    assert.deepEqual(back.groups.params['a.weight'], ck.groups.params['a.weight']);
    assert.deepEqual(back.groups.params.b.data, ck.groups.params.b.data);
    assert.deepEqual(back.groups['adam.m.enc']['a.weight'].data, ck.groups['adam.m.enc']['a.weight'].data);
  });

  test('a truncated, flipped or foreign file is refused with the reason', () => {
    const bytes = encodeCheckpoint(ck);
    const bad = (b: Uint8Array, re: RegExp) => assert.throws(() => decodeCheckpoint(b, 'step-12.hmck'), (e: TrainError) => e.code === 'corrupt-checkpoint' && /step-12\.hmck/.test(e.message) && re.test(e.message));
    bad(bytes.subarray(0, bytes.length - 10), /CRC-32|data block/);
    for (const at of [9, 40, bytes.length - 20]) {
      const flipped = bytes.slice();
      flipped[at] ^= 0x10;
      bad(flipped, /CRC-32/);
    }
    bad(new TextEncoder().encode('PK\u0003\u0004 this is a zip, not ours'), /signature/);
    bad(new Uint8Array(3), /only 3 bytes/);
  });

  test('a NaN parameter is never written', () => {
    assert.throws(() => encodeCheckpoint({ kind: 'x', meta: {}, groups: { p: { w: { shape: [2], data: Float32Array.from([1, NaN]) } } } }), (e: TrainError) => e.code === 'nan-loss');
  });
});
