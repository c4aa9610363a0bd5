import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectNote, describeStreams, lastDrop, stateText } from '../../../../src/renderer/src/views/devices/device-text';
import type { Gap, StreamInfo } from '../../../../src/shared/stream.types';

describe('Devices view row text', () => {
  test('state badge: a remembered device not there at start is waiting for the device, not forever connecting', () => {
    assert.equal(stateText({ state: 'connecting', waitingForDevice: true }), 'waiting for the device');
    assert.equal(stateText({ state: 'connecting' }), 'connecting…');
    assert.equal(stateText({ state: 'streaming' }), 'streaming');
    assert.equal(stateText(undefined), 'not connected');
  });

  test("what a Connect did: already streaming is said, a plain connect needs no words", () => {
    assert.equal(connectNote({ name: 'Lab Cyton', connectOutcome: 'already-streaming' }), 'Lab Cyton is already streaming with these settings; nothing changed.');
    assert.equal(connectNote({ name: 'Lab Cyton', connectOutcome: 'restarted' }), 'Lab Cyton restarted with the new settings.');
    assert.match(connectNote({ name: 'Lab Cyton', connectOutcome: 'still-connecting' }) ?? '', /^Lab Cyton is not streaming yet: tried again now/);
    assert.equal(connectNote({ name: 'Lab Cyton', connectOutcome: 'connected' }), null);
    assert.equal(connectNote({ name: 'Lab Cyton' }), null);
  });

  test('streams in words', () => {
    const s = (modality: StreamInfo['modality'], n: number, rate: number): StreamInfo => ({ id: `d/${modality}`, deviceId: 'd', deviceName: 'd', deviceModel: 'x', modality, nominalRateHz: rate, channels: Array.from({ length: n }, (_, i) => ({ label: `c${i}`, unit: 'uV', resolution: 0 })) });
    assert.equal(describeStreams([s('eeg', 8, 250), s('ecg', 1, 130.0001)]), 'EEG 8 ch · 250 Hz + ECG 1 ch · 130 Hz');
  });

  test('the last drop: the latest, and of one drop the longest stream hole; other reasons and devices ignored', () => {
    const g = (streamId: string, startTime: number, endTime: number, reason: Gap['reason'] = 'device-dropped'): Gap => ({ streamId, startTime, endTime, missingSamples: 0, reason });
    const ids = new Set(['a/eeg', 'a/ecg']);
    assert.equal(lastDrop([], ids), null);
    const gaps = [g('a/eeg', 10, 14), g('a/eeg', 100, 103), g('a/ecg', 99.8, 103.1), g('a/eeg', 200, 201, 'packet-loss'), g('b/eeg', 300, 305)];
    assert.deepEqual(lastDrop(gaps, ids), g('a/ecg', 99.8, 103.1));
  });
});
