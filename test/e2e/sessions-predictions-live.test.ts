// The library follows the session being recorded (real Chromium, serve mode): its row's length
// grows with the commits, and its Predictions detail, open while the session records with a model
// running, counts each window's answer as the core stores it (it was read once, when opened, and
// stayed at what it said then), the answers of the last windows that arrive after Stop included;
// none of this reads the session's predictions again (the page asks once per opening). Markers
// that stimulus software sends while nothing records are counted in the record bar as not stored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Page } from 'playwright-core';
import { NO_PREDICTIONS_TEXT } from '../../src/renderer/src/views/sessions/format';
import type { RequestContext } from '../../src/main/core/handler-registry';
import type { Envelope } from '../../src/shared/ipc/wire-error';
import type { PredictionReport } from '../../src/shared/ipc/models.schema';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';

const skip = servedPageMissing();
const ctx: RequestContext = { transport: 'local', clientId: 'e2e-models' };

describe('Sessions view: the library and the record bar follow the core (Chromium, serve mode)', { skip }, () => {
  let app: ServedPage;
  let page: Page;
  /** The page's requests for a session's predictions (frames it sent naming the channel). */
  let predictionReads = 0;

  /** What the page's model loop sends about once a second, sent here as the core gets it. */
  const sendPredictions = async (reports: PredictionReport[]) => {
    const env = (await app.serve.core.handlers.dispatch('hm:models:predictions', { reports }, ctx)) as Envelope<{ stored: number }>;
    assert.ok(env.ok, `hm:models:predictions answered ${JSON.stringify(env)}`);
    return env.value.stored;
  };
  const report = (windowTime: number, seq: number, ecg: 'fed' | 'gap' | 'no-qrs'): PredictionReport => ({
    modelId: 'fused',
    windowTime,
    seq,
    probabilities: { arousal: ecg === 'no-qrs' ? [0.8, 0.2] : [0.4, 0.6] },
    fed: ecg === 'fed' ? ['eeg', 'ecg'] : ['eeg'],
    absent: ecg === 'gap' ? { ecg: 'gap' } : ecg === 'no-qrs' ? { ecg: 'bad-quality' } : undefined,
    // The strap's lead without a QRS, as the page's worker counts it (prepareWindow).
    unusable: ecg === 'no-qrs' ? { ecg: { 'no-qrs': 1 } } : undefined,
    backend: 'wasm',
    latencyMs: 9,
  });

  before(async () => {
    process.env.HEARTMIND_MARKER_PORT = '0';
    app = await openServedPage({
      route: '#/sessions',
      viewport: { width: 1400, height: 1000 },
      beforeLoad: (p) => p.on('websocket', (ws) => ws.on('framesent', (f) => (typeof f.payload === 'string' ? f.payload : f.payload.toString('latin1')).includes('hm:sessions:predictions') && predictionReads++)),
    });
    page = app.page;
  });

  after(async () => {
    delete process.env.HEARTMIND_MARKER_PORT;
    await app?.close();
  });

  test('the detail of the session being recorded counts the answers as they are stored, and those after Stop', async () => {
    await page.waitForSelector('[data-testid="library-empty"]', { timeout: 15_000 });
    await page.fill('input[aria-label="Session name"]', 'live model run');
    await page.click('[data-testid="record-start"]');
    await page.waitForSelector('[data-testid="record-status"]', { timeout: 10_000 });
    const status = (await app.serve.core.handlers.dispatch('hm:sessions:record-status', undefined, ctx)) as Envelope<{ startTime: number | null }>;
    assert.ok(status.ok && status.value.startTime !== null, 'recording');
    const t0 = status.value.startTime!;

    const row = page.locator('[data-testid="session-row"]:has-text("live model run")');
    await row.locator('[data-testid="show-predictions"]').click({ timeout: 10_000 });
    const detail = page.locator('[data-testid="session-predictions"][aria-label="Predictions of live model run"]');
    await detail.locator(`text=${NO_PREDICTIONS_TEXT}`).waitFor({ timeout: 5_000 });
    assert.equal(predictionReads, 1, 'read once when opened');

    const lines = () => detail.locator('li').allInnerTexts();
    const waitForLine = async (line: string) => {
      await page.waitForFunction((l) => Array.from(document.querySelectorAll('[data-testid="session-predictions"] li')).some((li) => li.textContent === l), line, { timeout: 5_000 }).catch(async () => {
        assert.fail(`the detail never said ${JSON.stringify(line)}; it says ${JSON.stringify(await lines())}`);
      });
    };
    assert.equal(await sendPredictions([report(t0 + 0.25, 0, 'fed'), report(t0 + 0.5, 1, 'gap')]), 2);
    await waitForLine("Predictions by 'fused' 2 windows: EEG fed 2; ECG fed 1, absent 1 (gap 1)");
    // Under it, what the model answered (its classes by index: 'fused' is not installed here).
    await waitForLine('arousal: answered class 1 in 2 of 2 windows (100 %); mean P(class 1) 0.60');
    assert.equal(await sendPredictions([report(t0 + 0.75, 2, 'fed')]), 1);
    await waitForLine("Predictions by 'fused' 3 windows: EEG fed 3; ECG fed 2, absent 1 (gap 1)");

    await page.waitForTimeout(1500); // (the last window, at +1 s, began before the Stop)
    await page.click('[data-testid="record-stop"]');
    await page.waitForSelector('text=/Saved “live model run”/', { timeout: 10_000 });
    // The page sends the last windows' answers after the model ran, within a second or so of Stop.
    assert.equal(await sendPredictions([report(t0 + 1, 3, 'no-qrs')]), 1, 'stored in the session just stopped');
    // The ECG withheld for its quality: which flag, in the Windows panel's words, stored with the answer.
    await waitForLine("Predictions by 'fused' 4 windows: EEG fed 4; ECG fed 2, absent 2 (gap 1, bad-quality 1 [in 1: its one channel shows no QRS])");
    await waitForLine('arousal: answered class 1 in 3 of 4 windows (75 %), class 0 in 1 (25 %); mean P(class 1) 0.50');
    assert.equal(predictionReads, 1, 'the answers came with the pushes: the page read the predictions only when the detail opened');

    // What the detail shows is what is stored: opened again, it reads the same.
    const button = row.locator('[data-testid="show-predictions"]');
    const shown = await lines();
    await button.click();
    await detail.waitFor({ state: 'detached', timeout: 5_000 });
    await button.click();
    await detail.locator('li').first().waitFor({ timeout: 5_000 });
    assert.deepEqual(await lines(), shown, 'read from the database, the same lines');
    assert.equal(predictionReads, 2);
    assert.deepEqual(app.problems, [], 'no page errors');
  });

  test("the row of the session being recorded shows its length as it grows, with no marker to refresh the list", async () => {
    await page.fill('input[aria-label="Session name"]', 'growing run');
    await page.click('[data-testid="record-start"]');
    await page.waitForSelector('[data-testid="record-status"]', { timeout: 10_000 });
    const length = page.locator('[data-testid="session-row"]:has-text("growing run") [data-testid="session-length"]');
    await length.waitFor({ timeout: 10_000 });
    const seconds = async () => {
      const [m, s] = (await length.innerText()).trim().split(':').map(Number);
      return m * 60 + s;
    };
    // (was: the length read when the row was listed, until a marker or Stop refreshed the list)
    const first = await seconds();
    let later = first;
    for (const deadline = Date.now() + 10_000; later - first < 3 && Date.now() < deadline; later = await seconds()) await page.waitForTimeout(250);
    assert.ok(later - first >= 3, `the length grows as the session records: ${first} s, still ${later} s 10 s later`);
    await page.click('[data-testid="record-stop"]');
    await page.waitForSelector('text=/Saved “growing run”/', { timeout: 10_000 });
    assert.deepEqual(app.problems, [], 'no page errors');
  });

  test('markers from stimulus software while nothing records are counted in the record bar as shown, not stored, and those refused are said with why (it said nothing of either)', async () => {
    const port = Number(app.serve.logs.map((e) => /udp:\/\/127\.0\.0\.1:(\d+)/.exec(e.message)).find(Boolean)?.[1]);
    assert.ok(port > 0, 'the marker endpoint logs its port');
    const sock = createSocket('udp4');
    const send = (label: string) =>
      new Promise<string>((resolve) => {
        sock.once('message', (m) => resolve(m.toString()));
        sock.send(label, port, '127.0.0.1');
      });
    try {
      assert.match(await send('trigger test 1'), /"stored":false/);
      const line = page.locator('[data-testid="record-unstored"]');
      await page.waitForSelector('[data-testid="record-unstored"]:has-text("1 marker from stimulus software while not recording")', { timeout: 5_000 });
      assert.match(await send('trigger test 2'), /"stored":false/);
      await page.waitForSelector('[data-testid="record-unstored"]:has-text("2 markers")', { timeout: 5_000 });
      assert.match(await line.innerText(), /^2 markers from stimulus software while not recording: shown on the live traces, not stored \(last: “trigger test 2”, udp, \d\d:\d\d:\d\d\)$/);
      // Recording: the bar counts the session's own markers instead.
      await page.fill('input[aria-label="Session name"]', 'after the trigger test');
      await page.click('[data-testid="record-start"]');
      await line.waitFor({ state: 'detached', timeout: 10_000 });
      assert.match(await send('trigger 3'), /"stored":true/);
      await page.waitForSelector('[data-testid="record-events"]:has-text("1 marker")', { timeout: 5_000 });
      // A trigger the core refuses (a time in milliseconds, Python's time.time()*1000) is said with
      // why: only its sender was told, in a reply a UDP script does not read.
      const ms = Date.now();
      assert.match(await send(JSON.stringify({ label: 'in ms', time: ms })), /"ok":false/);
      const refused = page.locator('[data-testid="record-refused"]');
      await refused.waitFor({ timeout: 5_000 });
      assert.match(await refused.innerText(), /^1 marker from stimulus software refused in this recording; the last, from udp: "time" .*milliseconds\?/);
      // A script stuck on it at full speed: every one counted (the core pushes them 4 a second, as one).
      for (let i = 0; i < 30; i++) await send(JSON.stringify({ label: `in ms ${i}`, time: ms + i }));
      await page.waitForSelector('[data-testid="record-refused"]:has-text("31 markers from stimulus software refused")', { timeout: 5_000 });
      await page.click('[data-testid="record-stop"]');
      await page.waitForSelector('text=/Saved “after the trigger test”/', { timeout: 10_000 });
      assert.equal(await line.count(), 0, 'not carried over from before the recording');
      assert.match(await refused.innerText(), /^31 markers from stimulus software refused;/, 'still in view after Stop');
    } finally {
      sock.close();
    }
    assert.deepEqual(app.problems, [], 'no page errors');
  });
});
