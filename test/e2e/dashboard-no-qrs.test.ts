// A researcher replays EEGMAT Subject02_1, whose ECG lead carries noise and no QRS: the dashboard's
// heart tiles show no figure and say why (they showed 136 bpm and an RMSSD of 231 ms from the
// detector's false beats), its quality chip names the lead 'no QRS' with score 0. Then Subject00_1,
// a good lead: a heart rate again. Chromium on the served renderer (npx electron-vite build first).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';
import type { SessionSummary } from '../../src/shared/session.types';
import { EEGMAT_DIR, noEegmat } from '../shared/model/eegmat-windows';

const skip = servedPageMissing() || noEegmat;

describe('dashboard on a replayed ECG lead without a QRS (Chromium, serve mode)', { skip }, () => {
  let app: ServedPage;
  let page: Page;

  const call = async <T>(channel: string, req: unknown): Promise<T> => {
    const r = await app.serve.core.handlers.dispatch(channel, req, { transport: 'local', clientId: 'test' });
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as T;
  };
  const tileText = (id: string, part: 'value' | 'hint') => page.$eval(`[data-testid="${id}"] .tile-${part}`, (e) => e.textContent ?? '');

  before(async () => {
    app = await openServedPage({ demo: false });
    page = app.page;
  });

  after(() => app?.close());

  test('Subject02_1: no heart rate or HRV, the reason instead, and the ECG chip flagged no QRS', async () => {
    const session = await call<SessionSummary>('hm:sessions:import', { path: join(EEGMAT_DIR, 'Subject02_1.edf') });
    await call('hm:sessions:replay-open', { sessionId: session.id, speed: 1, play: true });
    await page.waitForFunction(() => /shows no QRS/.test(document.querySelector('[data-testid="tile-hr"] .tile-hint')?.textContent ?? ''), undefined, { timeout: 30_000 });
    assert.equal((await tileText('tile-hr', 'value')).trim(), '– bpm');
    assert.equal((await tileText('tile-hrv', 'value')).trim(), '– ms');
    assert.match(await tileText('tile-hrv', 'hint'), /^ECG ECG shows no QRS \(noise: a dead or loose electrode\?\): no heart figures from it$/);
    // The quality panel renders on its own clock (twice a second, like the tiles): its chip may come
    // up to half a second after the tiles' hint, from the same report.
    const flagged = '[data-testid="quality"] .quality-chip[data-flags~="no-qrs"]';
    const chipShown = await page.waitForSelector(flagged, { timeout: 5000 }).then(() => true, () => false);
    assert.ok(chipShown, `the ECG chip is flagged no QRS (the quality panel reads: ${JSON.stringify(await page.textContent('[data-testid="quality"]'))})`);
    const chip = await page.$eval(flagged, (e) => ({ text: e.textContent ?? '', title: e.getAttribute('title') ?? '' }));
    assert.match(chip.text, /ECG.*0.*no QRS/, chip.text);
    assert.match(chip.title, /QRS ratio \d+(\.\d)?/, chip.title);
    // Its windows leave ECG out and the Windows table says for what: the flag, not only 'signal quality too poor'.
    const absent = '[data-testid="windows"] tr[data-ecg="absent"] td:nth-child(4) .mod[data-reason="bad-quality"]';
    const cellShown = await page.waitForSelector(absent, { timeout: 10_000 }).then(() => true, () => false);
    assert.ok(cellShown, `a window without ECG for its quality (the table reads: ${JSON.stringify(await page.textContent('[data-testid="windows"]'))})`);
    assert.equal(await page.$eval(absent, (e) => e.textContent ?? ''), '✕ ECG ECG shows no QRS');
    assert.equal(await page.$eval(absent, (e) => e.getAttribute('title') ?? ''), 'ECG absent: signal quality too poor on every channel (ECG ECG shows no QRS)');
    await call('hm:sessions:replay-close', {});
  });

  test('Subject00_1, a good lead: the heart rate is back', async () => {
    const session = await call<SessionSummary>('hm:sessions:import', { path: join(EEGMAT_DIR, 'Subject00_1.edf') });
    await call('hm:sessions:replay-open', { sessionId: session.id, speed: 1, play: true });
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="tile-hr"] .tile-value')?.textContent ?? ''), undefined, { timeout: 30_000 });
    assert.doesNotMatch(await tileText('tile-hr', 'hint'), /no QRS/);
    // The quality panel renders on its own clock (see above): it follows the tiles within half a second.
    const cleared = await page.waitForSelector('[data-testid="quality"] .quality-chip[data-flags~="no-qrs"]', { state: 'detached', timeout: 5000 }).then(() => true, () => false);
    assert.ok(cleared, `no chip says no QRS (the quality panel reads: ${JSON.stringify(await page.textContent('[data-testid="quality"]'))})`);
    await call('hm:sessions:replay-close', {});
  });
});
