import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectNote, describeStreams, lastDrop, modelLine, pairedEmptyText, problemClass, problemText, stateText } from '../../../../src/renderer/src/views/devices/device-text';
import type { Gap, StreamInfo } from '../../../../src/shared/stream.types';

describe('Devices view row text', () => {
  test('state badge: a remembered device not there at start is waiting for the device, not forever connecting', () => {
    assert.equal(stateText({ state: 'connecting', waitingForDevice: true }), 'waiting for the device');
    assert.equal(stateText({ state: 'connecting' }), 'connecting…');
    assert.equal(stateText({ state: 'streaming' }), 'streaming');
    assert.equal(stateText(undefined), 'not connected');
  });

  test("state badge: the Live card's words are the Devices row's; the core's own devices are started and stopped, not connected", () => {
    // A paired device (the card and the row both show it): one word per state.
    assert.equal(stateText({ state: 'stopped', transport: 'serial' }), 'disconnected');
    assert.equal(stateText({ state: 'idle', transport: 'ble' }), 'not connected');
    assert.equal(stateText({ state: 'reconnecting', transport: 'brainflow' }), 'reconnecting…');
    assert.equal(stateText({ state: 'connecting', waitingForDevice: true, transport: 'serial' }), 'waiting for the device');
    // The demo devices and a replay have a Start and a Stop, no Connect.
    assert.equal(stateText({ state: 'stopped', transport: 'sim' }), 'stopped');
    assert.equal(stateText({ state: 'idle', transport: 'sim' }), 'not started');
    assert.equal(stateText({ state: 'stopped', transport: 'replay' }), 'stopped');
    assert.equal(stateText({ state: 'streaming', transport: 'sim' }), 'streaming');
  });

  test('no device remembered: what to do; the demo devices streaming on the Live dashboard are named as the demo, not left unexplained', () => {
    assert.equal(pairedEmptyText([]), 'No devices yet. Scan for Bluetooth devices or open a serial port below.');
    assert.equal(
      pairedEmptyText(['Simulated headset', 'Simulated chest strap']),
      'No devices of your own yet. Scan for Bluetooth devices or open a serial port below. The Simulated headset and Simulated chest strap on the Live dashboard are the built-in demo, not listed here.',
    );
    assert.equal(pairedEmptyText(['Simulated headset']), 'No devices of your own yet. Scan for Bluetooth devices or open a serial port below. The Simulated headset on the Live dashboard is the built-in demo, not listed here.');
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

  test('the model line: what the driver found, else what it found last time, else the family; then where it connects', () => {
    const muse = { config: { kind: 'muse' as const, id: '00:55:DA:B0:1E:7F' } };
    assert.equal(modelLine(muse), 'Muse (2, S or 2016: known once connected) · Bluetooth 00:55:DA:B0:1E:7F');
    assert.equal(modelLine(muse, { model: 'muse' }), 'Muse (2, S or 2016: known once connected) · Bluetooth 00:55:DA:B0:1E:7F');
    assert.equal(modelLine({ ...muse, model: 'muse-s' }), 'Muse S when last connected · Bluetooth 00:55:DA:B0:1E:7F');
    assert.equal(modelLine({ ...muse, model: 'muse-s' }, { model: 'muse' }), 'Muse S when last connected · Bluetooth 00:55:DA:B0:1E:7F');
    // This run's detection wins over the remembered one (another headset on the same id is not possible, a re-flashed one is).
    assert.equal(modelLine({ ...muse, model: 'muse-s' }, { model: 'muse-2' }), 'Muse 2 · Bluetooth 00:55:DA:B0:1E:7F');
    const cyton = { config: { kind: 'cyton' as const, path: '/dev/ttyUSB0' } };
    assert.equal(modelLine(cyton), 'OpenBCI Cyton (with or without Daisy: known once connected) · serial /dev/ttyUSB0');
    assert.equal(modelLine(cyton, { model: 'cyton-daisy' }), 'OpenBCI Cyton + Daisy · serial /dev/ttyUSB0');
    assert.equal(modelLine({ config: { ...cyton.config, daisy: false } }), 'OpenBCI Cyton · serial /dev/ttyUSB0');
    // Found through its /dev/serial/by-id name under another name: the row says where it is now.
    assert.equal(modelLine(cyton, { model: 'cyton', settings: { port: '/dev/ttyUSB1' } }), 'OpenBCI Cyton · serial /dev/ttyUSB0, now at /dev/ttyUSB1');
    assert.equal(modelLine(cyton, { model: 'cyton', settings: { port: '/dev/ttyUSB0' } }), 'OpenBCI Cyton · serial /dev/ttyUSB0');
    assert.equal(modelLine({ config: { kind: 'polar-h10', id: 'a0:9e' } }), 'Polar H10 chest strap · Bluetooth a0:9e');
    assert.equal(modelLine({ config: { kind: 'polar-h10', id: 'a0:9e' } }, { model: 'hr-strap' }), 'Heart-rate strap · Bluetooth a0:9e');
    assert.equal(modelLine({ config: { kind: 'serial-text', path: '/dev/ttyACM0', channels: ['ECG'], rateHz: 250, unit: 'mV', modality: 'ecg' } }), 'Text-mode serial device · serial /dev/ttyACM0');
    // A BrainFlow device's place names its board already (not "Synthetic board · BrainFlow Synthetic board").
    assert.equal(modelLine({ config: { kind: 'brainflow', boardId: -1 } }, { model: 'brainflow:-1' }), 'BrainFlow Synthetic board');
    assert.equal(modelLine({ config: { kind: 'brainflow', boardId: 2, params: { serial_port: '/dev/ttyUSB1' } } }), 'BrainFlow OpenBCI Cyton + Daisy on /dev/ttyUSB1');
    // A BrainFlow board on a serial adapter is found by its stable name too, and said so.
    assert.equal(modelLine({ config: { kind: 'brainflow', boardId: 0, params: { serial_port: '/dev/ttyUSB0' } } }, { model: 'brainflow:0', settings: { port: '/dev/ttyUSB1' } }), 'BrainFlow OpenBCI Cyton on /dev/ttyUSB0, now at /dev/ttyUSB1');
  });

  test("a problem's line: a note (a short packet loss) is shown as one, anything else as a warning", () => {
    assert.equal(problemClass({ level: 'info' }), 'device-problem device-note');
    assert.equal(problemClass({}), 'device-problem');
  });
  test('a problem names its stream by modality, not by the stream id the pipeline gives', () => {
    const stream = (id: string, modality: StreamInfo['modality'], channels: number, rate: number) => ({ id, modality, channels: Array.from({ length: channels }, (_, i) => ({ label: `C${i}`, unit: 'uV', resolution: 0 })), nominalRateHz: rate });
    const headset = [stream('sim-eeg-1/eeg', 'eeg', 19, 500)];
    assert.equal(problemText({ message: 'sim-eeg-1/eeg: no data since 14:03:07' }, headset), 'EEG: no data since 14:03:07');
    // A device with two streams of one modality says which by its channels and rate.
    const two = [stream('bf/eeg', 'eeg', 8, 250), stream('bf/eeg-aux', 'eeg', 3, 50), stream('bf/ecg', 'ecg', 1, 250)];
    assert.equal(problemText({ message: 'bf/eeg-aux: 12 samples lost' }, two), 'EEG 3 ch · 50 Hz: 12 samples lost');
    assert.equal(problemText({ message: 'bf/ecg: 12 samples lost' }, two), 'ECG: 12 samples lost');
    // A device's own problem (no stream id), or one of a stream no longer announced, stays as it is.
    assert.equal(problemText({ message: 'unplugged: waiting for /dev/ttyUSB0' }, headset), 'unplugged: waiting for /dev/ttyUSB0');
    assert.equal(problemText({ message: 'sim-eeg-1/eeg: no data since 14:03:07' }, []), 'sim-eeg-1/eeg: no data since 14:03:07');
    // Only a whole id followed by ': ' is a stream's (an id that is a prefix of another is not).
    assert.equal(problemText({ message: 'bf/eeg-aux: x' }, [stream('bf/eeg', 'eeg', 8, 250)]), 'bf/eeg-aux: x');
  });
});
