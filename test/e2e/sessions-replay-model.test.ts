// A replay started from the Sessions view, on a page opened there (a reload, serve mode's bookmark),
// runs the active model and stores its answers with the session, as from a page that visited Live or
// Models first: the page's model started only with those views, so this replay stored nothing and
// the session's Predictions detail said none were stored (Chromium, serve mode, a real EEGMAT file).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { installModel, untrainedModelFields, useModel } from './support/inference-fixture';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';
import { CBRAMOD_EEG_CHANNELS, anyChannels, labelledChannels } from '../../src/shared/model/config';
import type { Prediction, SessionSummary } from '../../src/shared/session.types';
import { EEGMAT_DIR, noEegmat } from '../shared/model/eegmat-windows';

const skip = servedPageMissing() || noEegmat;
const ctx = { transport: 'local' as const, clientId: 'test' };

describe('a replay from the Sessions view feeds the active model (Chromium, serve mode)', { skip }, () => {
  let app: ServedPage;
  let page: Page;

  const call = async <T>(channel: string, req: unknown): Promise<T> => {
    const r = await app.serve.core.handlers.dispatch(channel, req, ctx);
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as T;
  };

  before(async () => {
    app = await openServedPage({ route: '#/sessions', demo: false });
    page = app.page;
  });

  after(async () => {
    await app?.close();
  });

  test('Replay in the library, the page never on Live or Models: predictions are stored with the session', async () => {
    const input = { rateHz: 200, windowSeconds: 5, eeg: labelledChannels(CBRAMOD_EEG_CHANNELS), ecg: anyChannels(1, 12) };
    await installModel(app.serve, untrainedModelFields('e2e-sessions-replay', input, { provenance: 'test/e2e/sessions-replay-model.test.ts' }), 5);
    await useModel(app.serve, 'e2e-sessions-replay');
    const session = await call<SessionSummary>('hm:sessions:import', { path: join(EEGMAT_DIR, 'Subject03_2.edf') });
    const row = page.locator(`[data-testid="session-row"][data-session-id="${session.id}"]`);
    await row.locator('[data-testid="open-replay"]').click();
    await page.waitForSelector('[data-testid="replay-panel"][data-state="playing"]', { timeout: 10_000 });
    assert.match(page.url(), /#\/sessions$/, 'the page stayed on the Sessions view');
    let stored: Prediction[] = [];
    const t0 = Date.now();
    // The model loads in the page first (WASM); then an answer a second, stored about once a second.
    while (stored.length === 0 && Date.now() - t0 < 90_000) {
      await new Promise((res) => setTimeout(res, 500));
      stored = await call<Prediction[]>('hm:sessions:predictions', { sessionId: session.id });
    }
    assert.ok(stored.length > 0, 'the replayed session has predictions stored (none before: the page ran no model)');
    assert.equal(stored[0].modelId, 'e2e-sessions-replay');
    await page.click('[data-testid="replay-close"]');
    await page.waitForSelector('[data-testid="replay-panel"]', { state: 'detached', timeout: 10_000 });
    assert.deepEqual(app.problems, [], app.problems.join('\n'));
  });
});
