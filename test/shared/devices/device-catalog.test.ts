import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeConfig } from '../../../src/shared/devices/device-catalog';

describe('describeConfig', () => {
  test('BrainFlow boards are described in words (the row said "BrainFlow board -3")', () => {
    assert.equal(describeConfig({ kind: 'brainflow', boardId: -1 }), 'BrainFlow Synthetic board');
    assert.equal(describeConfig({ kind: 'brainflow', boardId: 0, params: { serial_port: '/dev/ttyUSB0' } }), 'BrainFlow OpenBCI Cyton on /dev/ttyUSB0');
    assert.equal(describeConfig({ kind: 'brainflow', boardId: 38, params: { mac_address: '00:55:DA:B0:12:34' } }), 'BrainFlow Muse 2 at 00:55:DA:B0:12:34');
    assert.equal(describeConfig({ kind: 'brainflow', boardId: -3, params: { file: '/data/session.csv', master_board: 0 } }), 'BrainFlow playback of /data/session.csv, recorded with OpenBCI Cyton');
  });

  test('serial and Bluetooth devices by their port or id', () => {
    assert.equal(describeConfig({ kind: 'cyton', path: '/dev/ttyUSB0' }), 'serial /dev/ttyUSB0');
    assert.equal(describeConfig({ kind: 'muse', id: 'aa:bb' }), 'Bluetooth aa:bb');
  });
});
