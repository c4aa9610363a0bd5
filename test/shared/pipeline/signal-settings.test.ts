// Signal settings ↔ pipeline configuration: the round trip, the checks (each naming its field), and
// the replay lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PIPELINE_CONFIG, PipelineConfigError, checkSignalSettings, resolvePipelineConfig, settingsLockedBy, signalSettingsOf, signalSettingsPatch, type SignalSettings } from '../../../src/shared/pipeline';
import type { DeviceStatus } from '../../../src/shared/device.types';

test('settings survive the round trip through a configuration; the rest of the configuration is untouched', () => {
  const s: SignalSettings = { mainsHz: 60, notch: false, eegBandHz: [1, 40], ecgBandHz: [0.67, 35], windowSec: 10, hopSec: 3, bridgeMs: 50 };
  const cfg = resolvePipelineConfig(signalSettingsPatch(s));
  assert.deepEqual(signalSettingsOf(cfg), s);
  assert.deepEqual([cfg.filters.eeg.notchHz, cfg.filters.ecg.notchHz, cfg.quality.mainsHz], [[], [], 60]);
  assert.deepEqual(cfg.filters.other, DEFAULT_PIPELINE_CONFIG.filters.other);
  assert.deepEqual(cfg.features, DEFAULT_PIPELINE_CONFIG.features);
  assert.equal(cfg.window.eegMontage, 'auto');
  assert.equal(cfg.bridgeMaxSec, 0.05);
  assert.deepEqual(signalSettingsOf(DEFAULT_PIPELINE_CONFIG), { mainsHz: 50, notch: true, eegBandHz: [0.3, 75], ecgBandHz: [0.5, 40], windowSec: 5, hopSec: 1, bridgeMs: 100 });
});

test('bad settings are refused with the field named', () => {
  const ok = signalSettingsOf(DEFAULT_PIPELINE_CONFIG);
  const cases: [unknown, RegExp][] = [
    [null, /must be an object/],
    [{ ...ok, mainsHz: 55 }, /mainsHz must be 50 or 60/],
    [{ ...ok, notch: 'yes' }, /notch must be true or false/],
    [{ ...ok, eegBandHz: [1] }, /eegBandHz must be \[high-pass Hz, low-pass Hz\]/],
    [{ ...ok, ecgBandHz: [0.5, NaN] }, /ecgBandHz must be/],
    // In the Signal settings panel's words, with the key for the settings file.
    [{ ...ok, eegBandHz: [30, 10] }, /^EEG high-pass \(30 Hz\) must be below its low-pass \(10 Hz\) \(eegBandHz\)$/],
    [{ ...ok, ecgBandHz: [0.5, 120] }, /^ECG low-pass 120 Hz must be above 0 and below 100 Hz \(ecgBandHz\)$/],
    [{ ...ok, ecgBandHz: [0.5, 0] }, /^ECG low-pass 0 Hz must be above 0/],
    [{ ...ok, eegBandHz: [-1, 40] }, /^EEG high-pass -1 Hz must be 0 \(none\) or above, below 100 Hz \(eegBandHz\)$/],
    [{ ...ok, eegBandHz: [100, 40] }, /^EEG high-pass 100 Hz must be/],
    [{ ...ok, windowSec: 2.5 }, /^Window must be a whole number of seconds from 1 to 60 \(windowSec\)$/],
    [{ ...ok, hopSec: 0 }, /^Hop must be a whole number/],
    // Windows every 7 s, 5 s long: 2 s of every 7 in no window.
    [{ ...ok, windowSec: 5, hopSec: 7 }, /^Hop \(7 s\) must not be longer than the window \(5 s\): the 2 s between windows would be in none \(hopSec, windowSec\)$/],
    [{ ...ok, bridgeMs: 2.5 }, /^Bridge losses up to must be a whole number of ms from 0 \(off\) to 500 \(bridgeMs\)$/],
    [{ ...ok, bridgeMs: 501 }, /bridgeMs/],
  ];
  for (const [v, msg] of cases) assert.throws(() => checkSignalSettings(v, DEFAULT_PIPELINE_CONFIG), (e: Error) => e instanceof PipelineConfigError && msg.test(e.message), JSON.stringify(v));
  assert.deepEqual(checkSignalSettings({ ...ok, windowSec: 30 }, DEFAULT_PIPELINE_CONFIG), { ...ok, windowSec: 30 });
  // A hop as long as the window (windows end to end) covers every sample: allowed.
  assert.deepEqual(checkSignalSettings({ ...ok, windowSec: 5, hopSec: 5 }, DEFAULT_PIPELINE_CONFIG), { ...ok, windowSec: 5, hopSec: 5 });
  // A settings file from before loss bridging existed keeps the bridging in force; 0 turns it off.
  const { bridgeMs: _, ...older } = ok;
  assert.equal(checkSignalSettings(older, resolvePipelineConfig({ bridgeMaxSec: 0.04 })).bridgeMs, 40);
  assert.equal(resolvePipelineConfig(signalSettingsPatch({ ...ok, bridgeMs: 0 })).bridgeMaxSec, 0);
  // A high-pass of 0 is none (DC-coupled), and reads back as 0.
  const dc = { ...ok, ecgBandHz: [0, 40] };
  assert.equal(resolvePipelineConfig(signalSettingsPatch(checkSignalSettings(dc, DEFAULT_PIPELINE_CONFIG))).filters.ecg.highpassHz, null);
  assert.deepEqual(signalSettingsOf(resolvePipelineConfig(signalSettingsPatch(dc as SignalSettings))), dc);
});

test('an open replay locks the settings, naming itself', () => {
  const dev = (transport: DeviceStatus['transport'], name: string): DeviceStatus => ({ deviceId: name, name, model: 'm', transport, state: 'idle', streamIds: [] });
  assert.equal(settingsLockedBy([dev('sim', 'Simulated headset'), dev('ble', 'Polar H10')]), null);
  assert.match(settingsLockedBy([dev('sim', 'Simulated headset'), dev('replay', 'Replay: pilot 3')]) ?? '', /^Replay: pilot 3 runs under the settings it was recorded with; close the replay to change them$/);
});
