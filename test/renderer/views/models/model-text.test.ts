import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadingText } from '../../../../src/renderer/src/views/models/model-text';
import type { ModelSummary } from '../../../../src/shared/ipc/models.schema';

const models = [{ id: 'eegmat', name: 'HeartMind EEGMAT', version: '1.0.0' } as ModelSummary];

describe('loadingText', () => {
  test('names the model loading', () => {
    assert.equal(loadingText({ loading: 'eegmat', models, readiness: { activeId: 'eegmat', ok: true, problems: [], notes: [], fed: ['eeg'] } }), 'loading HeartMind EEGMAT 1.0.0…');
    assert.equal(loadingText({ loading: null, models, readiness: null }), null);
  });

  test('under a refusal it says the model runs once the devices fit (a bare "loading …" read as about to run)', () => {
    const refused = { activeId: 'eegmat', ok: false, problems: ['EEG: missing Fp1'], notes: [], fed: [] };
    assert.equal(loadingText({ loading: 'eegmat', models, readiness: refused }), 'loading HeartMind EEGMAT 1.0.0… (it runs once the connected devices fit it)');
  });
});
