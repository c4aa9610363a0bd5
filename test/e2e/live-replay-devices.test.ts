// The Live dashboard's device cards while a session replays (Chromium, serve mode, demo devices):
// the demo devices parked for the replay show stopped with no Start (the core refuses to start a
// live device into a replay) and say why; the replay's card has no toggle. Closed, the replay's
// card goes (the core's 'pipeline:device-removed') and the demo devices stream again. A paired
// Cyton (emulated, on a pty) parked for the replay: its Devices row says stopped (not the
// 'streaming' of the last paired-list push) and offers no Connect, then streams again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';
import { plugEmulatedCyton, type CytonOnPty } from './support/cyton-pty';
import { NEED_SOCAT } from '../fixtures/pty';
import type { Envelope } from '../../src/shared/ipc/wire-error';

const skip = servedPageMissing() || NEED_SOCAT;

describe('Live dashboard device cards during a replay (Chromium, serve mode)', { skip }, () => {
  let app: ServedPage;
  let page: Page;
  let dongle: CytonOnPty;
  const dir = mkdtempSync(join(tmpdir(), 'hm-e2e-replay-cards-'));
  const call = async (channel: string, req?: unknown) => {
    const env = (await app.serve.core.handlers.dispatch(channel, req, { transport: 'local', clientId: 'test' })) as Envelope<unknown>;
    if (!env.ok) throw new Error(`${channel}: ${env.error.message}`);
    return env.value as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  before(async () => {
    dongle = await plugEmulatedCyton('e2e-replay-cards');
    app = await openServedPage({ demo: true });
    page = app.page;
  });

  after(async () => {
    await app?.close();
    await dongle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('parked demo devices: stopped, no Start, the reason said; the replay closed: its card goes, they stream', async () => {
    await page.waitForSelector('[data-testid="device-sim-eeg-1"][data-state="streaming"]', { timeout: 10_000 });
    const cyton = `cyton:${dongle.pty.app}`;
    await call('hm:devices:connect', { config: { kind: 'cyton', path: dongle.pty.app } });
    const csv = join(dir, 'synthetic.csv');
    // 60 s of BrainFlow's synthetic board (32 rows at 250 Hz): the replay at 1× is still running while checked.
    writeFileSync(csv, Array.from({ length: 15_000 }, (_, i) => Array.from({ length: 32 }, (_, c) => (c === 0 ? i % 256 : c === 30 ? 1.7e9 + i / 250 : Math.sin(i / 10 + c))).join('\t')).join('\n') + '\n');
    const session = await call('hm:sessions:import', { path: csv, board: 'Synthetic' });
    await call('hm:sessions:replay-open', { sessionId: session.id, speed: 1 });
    const replayCard = `[data-testid="device-replay-${session.id}"]`;
    await page.waitForSelector(replayCard, { timeout: 10_000 });
    for (const id of ['sim-eeg-1', 'sim-ecg-1']) {
      const card = `[data-testid="device-${id}"]`;
      await page.waitForSelector(`${card}[data-state="stopped"]`, { timeout: 10_000 });
      assert.equal(await page.$(`${card} [data-testid="device-toggle"]`), null, `${id}: no Start that the core would refuse`);
      assert.equal(await page.textContent(`${card} [data-testid="device-waits"]`), 'Live devices wait while a session replays: close the replay in Sessions.');
    }
    assert.equal(await page.$(`${replayCard} [data-testid="device-toggle"]`), null, 'the replay is closed in Sessions, not here');
    assert.equal(await page.$(`[data-testid="device-${cyton}"]`), null, 'the parked Cyton has no card (it left the core\'s list)');

    await page.goto(`${app.serve.url}#/devices`);
    const row = `[data-testid="paired-${cyton}"]`;
    await page.waitForSelector(`${row}[data-state="stopped"]`, { timeout: 10_000 });
    assert.equal(await page.$(`${row} [data-testid="paired-toggle"]`), null, 'no Connect that the core would refuse');
    assert.equal(await page.textContent(`${row} [data-testid="paired-waits"]`), 'Live devices wait while a session replays: close the replay in Sessions to connect it.');
    await page.goto(`${app.serve.url}#/`);

    await call('hm:sessions:replay-close');
    await page.waitForFunction((sel) => !document.querySelector(sel), replayCard, { timeout: 10_000 });
    await page.waitForSelector('[data-testid="device-sim-eeg-1"][data-state="streaming"] [data-testid="device-toggle"]', { timeout: 10_000 });
    assert.equal(await page.$('[data-testid="device-waits"]'), null, 'nothing waits any more');
    await page.waitForSelector(`[data-testid="device-${cyton}"][data-state="streaming"]`, { timeout: 15_000 });
    assert.deepEqual(app.problems, [], 'no page errors');
  });
});
