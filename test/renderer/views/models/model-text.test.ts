import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fedText, loadingText, refusedText } from '../../../../src/renderer/src/views/models/model-text';
import type { ModelSummary } from '../../../../src/shared/ipc/models.schema';

const models = [{ id: 'eegmat', name: 'HeartMind EEGMAT', version: '1.0.0' } as ModelSummary];

describe('loadingText', () => {
  test('names the model loading', () => {
    assert.equal(loadingText({ loading: 'eegmat', models, readiness: { activeId: 'eegmat', ok: true, refusal: '', problems: [], notes: [], fed: ['eeg'] } }), 'loading HeartMind EEGMAT 1.0.0…');
    assert.equal(loadingText({ loading: null, models, readiness: null }), null);
  });

  test('under a refusal it says the model runs once the devices fit (a bare "loading …" read as about to run)', () => {
    const refused = { activeId: 'eegmat', ok: false, refusal: 'does not fit the connected devices', problems: ['EEG: missing Fp1'], notes: [], fed: [] };
    assert.equal(loadingText({ loading: 'eegmat', models, readiness: refused }), 'loading HeartMind EEGMAT 1.0.0… (it runs once the connected devices fit it)');
  });

  test('refused for its window length, it waits for the signal settings, not for the devices', () => {
    const refusal = (refusal: string) => ({ activeId: 'eegmat', ok: false, refusal, problems: ['window length: …'], notes: [], fed: [] });
    assert.equal(loadingText({ loading: 'eegmat', models, readiness: refusal('does not fit the signal settings') }), 'loading HeartMind EEGMAT 1.0.0… (it runs once the signal settings fit it)');
    assert.equal(
      loadingText({ loading: 'eegmat', models, readiness: refusal('does not fit the connected devices or the signal settings') }),
      'loading HeartMind EEGMAT 1.0.0… (it runs once the connected devices and the signal settings fit it)',
    );
  });

  test('waiting for its devices (nothing it reads connected), it runs once one streams: not once "the connected devices fit it"', () => {
    const waiting = { activeId: 'eegmat', ok: false, refusal: 'is waiting for its devices', problems: ['no EEG or ECG device connected'], notes: [], fed: [], awaitingDevices: true as const };
    assert.equal(loadingText({ loading: 'eegmat', models, readiness: waiting }), 'loading HeartMind EEGMAT 1.0.0… (it runs once a device it reads streams)');
    const settingsToo = { ...waiting, refusal: 'does not fit the signal settings, and is waiting for its devices', awaitingDevices: undefined };
    assert.equal(loadingText({ loading: 'eegmat', models, readiness: settingsToo }), 'loading HeartMind EEGMAT 1.0.0… (it runs once the signal settings fit it and a device it reads streams)');
    assert.equal(loadingText({ loading: 'eegmat', models, readiness: { ...waiting, refusal: 'cannot be used' } }), 'loading HeartMind EEGMAT 1.0.0…', 'no waiting mends a damaged folder');
  });
});

describe('fedText', () => {
  test("names the modalities fed, and for one withheld for its quality the flags that made it so, not only 'signal quality too poor'", () => {
    assert.equal(fedText({ fed: ['eeg', 'ecg'], absent: {} }), 'fed by EEG + ECG');
    assert.equal(fedText({ fed: ['eeg'], absent: { ecg: 'no-device' } }), 'fed by EEG · no ECG (no device connected): answered without it');
    assert.equal(fedText({ fed: ['eeg'], absent: { ecg: 'bad-quality' }, unusable: { ecg: { 'no-qrs': 1 } } }), 'fed by EEG · no ECG (its one channel shows no QRS): answered without it');
    assert.equal(fedText({ fed: ['ecg'], absent: { eeg: 'bad-quality' }, unusable: { eeg: { flat: 17, railed: 2 } } }), 'fed by ECG · no EEG (every channel unusable: 17 flat, 2 railed): answered without it');
    // A page or worker without the counts (or a channel with no cause): the reason's words.
    assert.equal(fedText({ fed: ['eeg'], absent: { ecg: 'bad-quality' } }), 'fed by EEG · no ECG (signal quality too poor on every channel): answered without it');
  });
});

describe('refusedText', () => {
  test("names the model as the panel heads its answers, and says a model waiting for its devices runs once one streams", () => {
    const misfit = { activeId: 'eegmat', ok: false, refusal: 'does not fit the connected devices', problems: ['EEG: missing Fp1 (connected: TP9, AF7)'], notes: [], fed: [] };
    assert.equal(refusedText({ models, readiness: misfit }), 'HeartMind EEGMAT 1.0.0 does not fit the connected devices: EEG: missing Fp1 (connected: TP9, AF7)');
    const waiting = { ...misfit, refusal: 'is waiting for its devices', problems: ['no EEG or ECG device connected'], awaitingDevices: true as const };
    assert.equal(refusedText({ models, readiness: waiting }), 'HeartMind EEGMAT 1.0.0 runs once a device that fits it streams: no EEG or ECG device connected');
    assert.equal(refusedText({ models: [], readiness: { ...misfit, activeId: 'gone', refusal: 'is no longer installed', problems: ["model 'gone' is no longer installed"] } }), "gone is no longer installed: model 'gone' is no longer installed", 'not listed: its id');
    assert.equal(refusedText({ models, readiness: { ...misfit, ok: true, refusal: '', problems: [] } }), null, 'it runs');
  });
});
