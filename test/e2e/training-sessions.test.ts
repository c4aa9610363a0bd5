// The Training view's list of recorded sessions says what each holds (EEG / ECG channels and rates,
// length; from the list request itself, no request per session) and which one Start would refuse with the form's signals: an ECG-only record picked for a fused run
// was refused only at Start. Real files imported through the core (an EEGMAT EDF: 19 EEG + A2-A1 + ECG; a
// LUDB WFDB record: 12 ECG leads), in Chromium against the core in serve mode.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { SessionSummary } from '../../src/shared/session.types';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';

const DATA = resolve('..', 'shared', 'data');
const skip = servedPageMissing() || (!existsSync(join(DATA, 'edf-eegmat')) && 'needs ../shared/data/edf-eegmat') || (!existsSync(join(DATA, 'wfdb-ludb')) && 'needs ../shared/data/wfdb-ludb');

describe('Training view: recorded sessions (Chromium, serve mode)', { skip }, () => {
  let app: ServedPage;
  let page: Page;
  const call = async <T,>(channel: string, req: unknown): Promise<T> => {
    const r = await app.serve.core.handlers.dispatch(channel, req, { transport: 'local', clientId: 'test' });
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as T;
  };

  before(async () => {
    app = await openServedPage({ demo: false, route: '#/training', viewport: { width: 1280, height: 1000 } });
    page = app.page;
  });

  after(() => app?.close());

  test('each session says its EEG / ECG channels and length; an ECG-only one is flagged for a fused run, not for an ECG-only one', async () => {
    const cap = await call<SessionSummary>('hm:sessions:import', { path: join(DATA, 'edf-eegmat', 'Subject00_1.edf') });
    const strap = await call<SessionSummary>('hm:sessions:import', { path: join(DATA, 'wfdb-ludb', '1.hea') });
    // The requests the page makes, by channel (serve mode's socket dispatches through the core's handlers).
    const asked: string[] = [];
    const handlers = app.serve.core.handlers;
    const dispatch = handlers.dispatch.bind(handlers);
    handlers.dispatch = (channel, req, ctx) => {
      if (ctx.transport === 'serve') asked.push(String(channel));
      return dispatch(channel, req, ctx);
    };
    await page.reload();
    await page.waitForSelector('[data-testid="new-run"]', { timeout: 15_000 });
    await page.click('[data-testid="mode-custom"]');
    const row = (id: number) => `[data-testid="session-${id}"]`;
    await page.waitForFunction((sel) => / Hz · /.test(document.querySelector(sel)?.textContent ?? ''), row(strap.id), { timeout: 10_000, polling: 100 });
    assert.match(await page.innerText(row(cap.id)), /\(EEG 20 ch 500 Hz · ECG 1 ch 500 Hz · 3:02, /, 'EEGMAT: its 19 10-20 channels and A2-A1, and its ECG lead, at 500 Hz');
    assert.match(await page.innerText(row(strap.id)), /\(ECG 12 ch 500 Hz · 0:10, /, 'LUDB: 12 leads at 500 Hz, 10 s');
    // One list request says it all: the view asked for no session's detail (it asked one per session).
    assert.ok(asked.includes('hm:sessions:list'), `the list was asked: ${asked.join(', ')}`);
    assert.deepEqual(asked.filter((c) => c === 'hm:sessions:get'), [], 'no hm:sessions:get');
    assert.equal(await page.locator(`${row(cap.id)} [data-testid="session-problem"]`).count(), 0, 'EEG and ECG: nothing to say');
    assert.equal(
      await page.innerText(`${row(strap.id)} [data-testid="session-problem"]`),
      'This session holds no EEG (it holds ECG only), and a window of EEG + ECG needs each: train on ECG only, or leave it out',
    );
    // The model's signals chosen as ECG only: the record is what it needs.
    await page.selectOption('[data-testid="modalities"]', 'ecg');
    await page.waitForFunction((sel) => !document.querySelector(`${sel} [data-testid="session-problem"]`), row(strap.id), { timeout: 5_000, polling: 100 });
  });
});
