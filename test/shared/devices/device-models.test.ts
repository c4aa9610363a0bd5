import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { configuredModel, deviceModelName, isDetectedModel } from '../../../src/shared/devices/device-models';

describe('device models in words', () => {
  test('each model a driver sets has a name; a family before detection says so; others are not named here', () => {
    assert.equal(deviceModelName('muse-2'), 'Muse 2');
    assert.equal(deviceModelName('muse-s'), 'Muse S');
    assert.equal(deviceModelName('muse-2016'), 'Muse 2016');
    assert.equal(deviceModelName('muse'), 'Muse (2, S or 2016: known once connected)');
    assert.equal(deviceModelName('cyton'), 'OpenBCI Cyton');
    assert.equal(deviceModelName('cyton-daisy'), 'OpenBCI Cyton + Daisy');
    assert.equal(deviceModelName('cyton-auto'), 'OpenBCI Cyton (with or without Daisy: known once connected)');
    assert.equal(deviceModelName('polar-h10'), 'Polar H10 chest strap');
    assert.equal(deviceModelName('hr-strap'), 'Heart-rate strap');
    assert.equal(deviceModelName('serial-text'), 'Text-mode serial device');
    assert.equal(deviceModelName('brainflow:-3'), 'Playback file');
    assert.equal(deviceModelName('brainflow:9999'), 'board 9999');
    assert.equal(deviceModelName('sim-cap-19'), undefined);
    assert.equal(deviceModelName('toString'), undefined, 'not an Object.prototype key');
  });

  test('what a configuration alone tells: the chosen variant, or the family', () => {
    assert.equal(configuredModel({ kind: 'muse', id: 'x' }), 'muse');
    assert.equal(configuredModel({ kind: 'cyton', path: 'p' }), 'cyton-auto');
    assert.equal(configuredModel({ kind: 'cyton', path: 'p', daisy: 'auto' }), 'cyton-auto');
    assert.equal(configuredModel({ kind: 'cyton', path: 'p', daisy: true }), 'cyton-daisy');
    assert.equal(configuredModel({ kind: 'cyton', path: 'p', daisy: false }), 'cyton');
    assert.equal(configuredModel({ kind: 'hr-strap', id: 'x' }), 'hr-strap');
    assert.equal(configuredModel({ kind: 'brainflow', boardId: 38 }), 'brainflow:38');
    assert.equal(isDetectedModel('muse'), false);
    assert.equal(isDetectedModel('cyton-auto'), false);
    assert.equal(isDetectedModel('muse-s'), true);
  });
});
