// The live dashboard in real Chromium against the real core in serve mode (in this process, on a
// free port): the page connects, traces move, windows arrive, a device switched off makes its
// modality absent and switched on present again, an injected fault shows its named problem, and
// signal settings apply (or name what is wrong).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openServedPage, servedPageMissing, type ServedPage } from './support/open-page';

const skip = servedPageMissing();

describe('live dashboard (Chromium, serve mode)', { skip }, () => {
  let app: ServedPage;
  let page: Page;

  before(async () => {
    app = await openServedPage();
    page = app.page;
  });

  after(() => app?.close());

  /** Device ids by modality, from the core itself (not hard-coded). */
  function deviceOf(modality: 'eeg' | 'ecg'): string {
    const s = app.serve.core.hub.streams().find((x) => x.modality === modality);
    assert.ok(s, `a ${modality} stream is running`);
    return s.deviceId;
  }

  async function latestSeq(): Promise<number> {
    return page.$$eval('tr[data-seq]', (rows) => Math.max(-1, ...rows.map((r) => Number(r.getAttribute('data-seq')))));
  }

  /** Waits for a window newer than `afterSeq` whose `modality` column is `state`. */
  async function waitForWindow(modality: 'eeg' | 'ecg', state: 'present' | 'absent', afterSeq: number, timeout = 12_000): Promise<number> {
    const handle = await page.waitForFunction(
      ([m, st, seq]) => {
        const rows = Array.from(document.querySelectorAll('tr[data-seq]'));
        const hit = rows.find((r) => Number(r.getAttribute('data-seq')) > Number(seq) && r.getAttribute(`data-${m}`) === st);
        return hit ? Number(hit.getAttribute('data-seq')) : false;
      },
      [modality, state, afterSeq] as const,
      { timeout, polling: 100 },
    );
    return (await handle.jsonValue()) as number;
  }

  test('connects to the core over the WebSocket and shows both demo devices', async () => {
    await page.waitForSelector('[data-testid="connection"][data-state="open"]', { timeout: 10_000 });
    await page.waitForSelector(`[data-testid="device-${deviceOf('eeg')}"][data-state="streaming"]`, { timeout: 10_000 });
    await page.waitForSelector(`[data-testid="device-${deviceOf('ecg')}"][data-state="streaming"]`, { timeout: 10_000 });
  });

  test('EEG and ECG traces move', async () => {
    await page.waitForFunction(() => (window.__heartmindFrames?.drawn ?? 0) > 10, undefined, { timeout: 10_000 });
    const snap = () => page.$eval('[data-testid="trace-eeg"] canvas', (c) => (c as HTMLCanvasElement).toDataURL());
    const ecgSnap = () => page.$eval('[data-testid="trace-ecg"] canvas', (c) => (c as HTMLCanvasElement).toDataURL());
    const [a, ea] = [await snap(), await ecgSnap()];
    // Each changes within moments (a frame or two; on a loaded machine the page may draw none for a while).
    let [b, eb] = [a, ea];
    for (const deadline = Date.now() + 5_000; (b === a || eb === ea) && Date.now() < deadline; ) {
      await page.waitForTimeout(200);
      [b, eb] = [await snap(), await ecgSnap()];
    }
    assert.notEqual(a, b, 'the EEG canvas changed within 5 s');
    assert.notEqual(ea, eb, 'the ECG canvas changed within 5 s');
    const frames = await page.evaluate(() => window.__heartmindFrames!.frameMs.length);
    assert.ok(frames > 10, `${frames} frames drawn`);
    // Each panel says the µV a row spans under its automatic scale (no amplitude axis said it).
    for (const m of ['eeg', 'ecg']) {
      await page.waitForFunction((sel) => /^±\d+(\.\d)?(–\d+(\.\d)?)? µV$/.test(document.querySelector(sel)?.textContent ?? ''), `[data-testid="scale-now-${m}"]`, { timeout: 5_000 });
    }
    // A fixed scale at gain ×1 is the choice's own words: no second figure.
    await page.selectOption('[data-testid="scale-eeg"]', '100');
    await page.waitForSelector('[data-testid="scale-now-eeg"]', { state: 'detached', timeout: 5_000 });
    await page.selectOption('[data-testid="scale-eeg"]', 'auto');
    await page.waitForSelector('[data-testid="scale-now-eeg"]', { timeout: 5_000 });
  });

  test('a marker shows on the EEG and ECG traces', async () => {
    await page.fill('[aria-label="Marker label"]', 'eyes closed');
    await page.click('[data-testid="marker-button"]');
    for (const m of ['eeg', 'ecg']) {
      await page.waitForFunction((sel) => (document.querySelector(sel)?.getAttribute('aria-label') ?? '').includes('events in view: eyes closed'), `[data-testid="trace-${m}"] canvas`, { timeout: 5_000 });
    }
  });

  test('synchronised windows arrive with both modalities present', async () => {
    const first = await waitForWindow('eeg', 'present', -1, 15_000);
    await waitForWindow('ecg', 'present', -1, 10_000);
    const next = await page.waitForFunction((s) => {
      const seqs = Array.from(document.querySelectorAll('tr[data-seq]')).map((r) => Number(r.getAttribute('data-seq')));
      return Math.max(...seqs) > s;
    }, first, { timeout: 5_000 });
    assert.ok(await next.jsonValue(), 'a newer window arrived');
    // A present modality's pill says its channels and mean quality score in words ('q 100%' was a letter to guess).
    const pills = await page.$$eval('tr[data-seq] .mod-present', (els) => els.map((e) => e.textContent ?? ''));
    assert.ok(pills.length >= 2 && pills.every((t) => /^✓ \d+\u00a0ch · quality\u00a0\d+\u00a0%$/.test(t)), `the windows' pills: ${JSON.stringify(pills)}`);
    // The quality chips' scores have their unit said (a bare '100' read as well as µV).
    assert.equal(await page.textContent('[data-testid="quality"] [data-testid="quality-unit"]'), 'score per channel, %');
  });

  test('switching the chest strap off makes ECG absent; on again, present', async () => {
    const id = deviceOf('ecg');
    const card = `[data-testid="device-${id}"]`;
    const before = await latestSeq();
    await page.click(`${card} [data-testid="device-toggle"]`);
    await page.waitForSelector(`${card}[data-state="stopped"]`, { timeout: 5_000 });
    const absentAt = await waitForWindow('ecg', 'absent', before);
    assert.equal(await page.getAttribute(`[data-testid="device-${deviceOf('eeg')}"]`, 'data-state'), 'streaming', 'the headset keeps streaming');
    const reason = await page.$eval(`tr[data-seq="${absentAt}"] td:nth-child(4)`, (td) => td.textContent ?? '');
    assert.match(reason, /^✕ (no device connected|a gap in its stream)$/, 'the window says why ECG is absent, in words');
    // The strap's last heart rate is not left on show as if it were current, and the tile says why.
    await page.waitForFunction(() => document.querySelector('[data-testid="tile-hr"]')?.textContent?.includes('no ECG device streaming'), undefined, { timeout: 5_000 });
    const title = await page.$eval(`tr[data-seq="${absentAt}"] td:nth-child(4) .mod`, (e) => e.getAttribute('title') ?? '');
    assert.match(title, /^ECG absent: (no device connected|a gap in its stream)$/, 'the reason in words');
    await page.click(`${card} [data-testid="device-toggle"]`);
    await page.waitForSelector(`${card}[data-state="streaming"]`, { timeout: 5_000 });
    await waitForWindow('ecg', 'present', absentAt, 15_000);
  });

  test("each device card shows its stream's clock alignment: 'estimating…' until the drift is known, then offset, drift ± error, fit, jitter", async () => {
    const eegId = deviceOf('eeg');
    const eegLine = `[data-testid="device-${eegId}"] [data-testid="device-clock"]`;
    // The headset has streamed for a while: converged. Demo headset: its crystal runs +30 ppm fast.
    await page.waitForSelector(`${eegLine}[data-converged="true"]`, { timeout: 20_000 });
    const text = (await page.textContent(eegLine)) ?? '';
    // The demo headset counts from its power-on: its offset is said as the host time of its device time 0.
    const m = /^EEG clock: device time 0 at (\d\d:\d\d:\d\d\.\d{3}) · runs ([\d.]+) ± ([\d.]+) ppm (fast|slow) · fit [\d.]+ ms · jitter [\d.]+ ms$/.exec(text);
    assert.ok(m, `headset clock line: '${text}'`);
    const [shown, sd, way] = [Number(m[2]), Number(m[3]), m[4]];
    const core = app.serve.core.hub.clockStates!().find((c) => c.streamId.startsWith(`${eegId}/`))!.clock;
    assert.equal(way, 'fast', `the +30 ppm headset: '${text}'`);
    assert.ok(Math.abs(shown - 30) < 3 * sd + 1, `shown ${shown} ± ${sd} ppm, configured 30`);
    // What the page shows is the core's estimate (pushed every 2 s; the drift moves little in that time).
    assert.ok(Math.abs(shown + core.driftPpm) < Math.max(1, sd), `shown ${shown} ppm fast, core ${core.driftPpm.toFixed(2)}`);
    assert.match((await page.getAttribute(`[data-testid="device-${eegId}"] .device-clocks`, 'aria-label')) ?? '', /clock alignment$/);
    assert.match((await page.getAttribute(`[data-testid="device-${eegId}"] .device-clocks`, 'title')) ?? '', /offset: host time − device time/);

    // The strap restarted: its stream and clock model start afresh, and its card says so honestly.
    const card = `[data-testid="device-${deviceOf('ecg')}"]`;
    await page.click(`${card} [data-testid="device-toggle"]`);
    await page.waitForSelector(`${card}[data-state="stopped"]`, { timeout: 5_000 });
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 0, `${card} [data-testid="device-clock"]`, { timeout: 5_000 });
    await page.click(`${card} [data-testid="device-toggle"]`);
    await page.waitForFunction(
      (sel) => /^ECG clock: estimating(…| drift…)/.test(document.querySelector(sel)?.textContent ?? ''),
      `${card} [data-testid="device-clock"][data-converged="false"]`,
      { timeout: 8_000, polling: 50 },
    );
    // 10 s of its data on, the drift is estimated (loosely at first: the ± says how loosely).
    await page.waitForSelector(`${card} [data-testid="device-clock"][data-converged="true"]`, { timeout: 25_000 });
    // The simulated strap's Polar clock is on the Unix epoch, as a real H10's driver hands it on: the
    // line says the clock's own error (a second or two), not an epoch (it said 'counts from 2000-01-01
    // UTC (Polar's epoch)', which no real strap shows).
    assert.match((await page.textContent(`${card} [data-testid="device-clock"]`)) ?? '', /^ECG clock: offset [+−]((\d{1,3}\.\d ms)|([0-3]\.\d{3} s)) · runs (at the host rate \(± [\d.]+ ppm\)|[\d.]+ ± [\d.]+ ppm (fast|slow))/);
  });

  test('with every device off each panel says so instead of showing its last figures; on again, all comes back', async () => {
    const cards = [deviceOf('eeg'), deviceOf('ecg')].map((id) => `[data-testid="device-${id}"]`);
    for (const card of cards) {
      await page.click(`${card} [data-testid="device-toggle"]`);
      await page.waitForSelector(`${card}[data-state="stopped"]`, { timeout: 5_000 });
    }
    for (const panel of ['band-power', 'spectrum']) {
      await page.waitForFunction((p) => document.querySelector(`[data-testid="${p}"] .chart-empty`)?.textContent === 'No EEG device is streaming.', panel, { timeout: 5_000 });
    }
    await page.waitForFunction(() => /no device streaming: no new windows/.test(document.querySelector('[data-testid="windows"] .panel-header')?.textContent ?? ''), undefined, { timeout: 5_000 });
    // (Each panel renders on its own throttle: the quality panel may say so a moment after the others.)
    const qualitySays = await page
      .waitForFunction(() => document.querySelector('[data-testid="quality-empty"]')?.textContent === 'No device is streaming.', undefined, { timeout: 5_000 })
      .then(() => true, () => false);
    assert.ok(qualitySays, `the quality panel says no device streams: ${JSON.stringify(await page.textContent('[data-testid="quality"]'))}`);
    const before = await latestSeq();
    for (const card of cards) {
      await page.click(`${card} [data-testid="device-toggle"]`);
      await page.waitForSelector(`${card}[data-state="streaming"]`, { timeout: 5_000 });
    }
    await waitForWindow('eeg', 'present', before, 15_000);
    await page.waitForFunction(() => !document.querySelector('[data-testid="spectrum"] .chart-empty'), undefined, { timeout: 8_000 });
  });

  test('a stalled strap: the heart tiles and its signal quality keep their last figures marked as not current, then go live again', async () => {
    const card = `[data-testid="device-${deviceOf('ecg')}"]`;
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="tile-hr"] .tile-value')?.textContent ?? ''), undefined, { timeout: 15_000 });
    // Live, its figures are over normal-to-normal intervals, and it says so (with any it left out); its tooltip the rule.
    assert.match(await page.$eval('[data-testid="tile-hr"] .tile-hint', (e) => e.textContent ?? ''), /^\d+ normal RR intervals?(, \d+ left out)?$/);
    assert.match((await page.getAttribute('[data-testid="tile-hr"]', 'title')) ?? '', /^Heart rate over the last 8 normal RR intervals, .* left out as not normal /);
    await page.selectOption(`${card} [data-testid="fault-select"]`, 'stall');
    await page.click(`${card} [data-testid="fault-inject"]`);
    await page.waitForSelector('[data-testid="tile-hr"][data-stale="true"]', { timeout: 6_000 });
    const hint = await page.$eval('[data-testid="tile-hr"] .tile-hint', (e) => e.textContent ?? '');
    assert.match(hint, /^last figure: no data from Simulated chest strap$/);
    // The strap's signal quality is its last report too: dimmed and said so, the same way.
    const ecgStream = app.serve.core.hub.streams().find((s) => s.modality === 'ecg')!.id;
    const quality = `[data-testid="quality"] .quality-stream[data-stream="${ecgStream}"]`;
    await page.waitForSelector(`${quality}[data-stale="true"]`, { timeout: 3_000 });
    assert.equal(await page.$eval(`${quality} .stale-hint`, (e) => e.textContent ?? ''), 'last figure: no data from Simulated chest strap');
    await page.waitForSelector('[data-testid="tile-hr"]:not([data-stale])', { timeout: 10_000 });
    await page.waitForSelector(`${quality}:not([data-stale])`, { timeout: 5_000 });
  });

  test('a 3-lead strap: the R-peak markers sit on lead II, the lead the peaks are found on (not on lead I above it)', async () => {
    const card = `[data-testid="device-${deviceOf('ecg')}"]`;
    const panel = '[data-testid="trace-ecg"]';
    await page.selectOption(`${card} [data-testid="setting-preset"]`, '3-lead');
    try {
      await page.waitForFunction((sel) => Array.from(document.querySelectorAll(`${sel} .trace-labels span`)).map((e) => e.textContent).join(' ') === 'I II III', panel, { timeout: 10_000 });
      // Where the peak-coloured pixels (THEME.peak, #ffd166) of the traces' canvas are, in page px,
      // against the rows the channel labels sit on.
      const where = () =>
        page.$eval(panel, (el) => {
          const canvas = el.querySelector('.chart-box > canvas:first-child') as HTMLCanvasElement;
          const box = canvas.getBoundingClientRect();
          const scale = canvas.height / box.height;
          const img = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          const ys: number[] = [];
          for (let i = 0; i < img.length; i += 4) {
            if (Math.abs(img[i] - 255) < 8 && Math.abs(img[i + 1] - 209) < 8 && Math.abs(img[i + 2] - 102) < 8 && img[i + 3] > 200) ys.push(box.top + Math.floor(i / 4 / canvas.width) / scale);
          }
          const rows = Array.from(el.querySelectorAll('.trace-labels span')).map((s) => {
            const r = s.getBoundingClientRect();
            return (r.top + r.bottom) / 2;
          });
          ys.sort((a, b) => a - b);
          return { rows, median: ys.length ? ys[Math.floor(ys.length / 2)] : NaN, n: ys.length };
        });
      let w = await where();
      const t0 = Date.now();
      while (w.n < 30 && Date.now() - t0 < 10_000) {
        await page.waitForTimeout(300);
        w = await where();
      }
      assert.ok(w.n >= 30, `R-peak markers drawn (${w.n} px)`);
      const nearest = w.rows.map((y) => Math.abs(y - w.median)).reduce((best, d, i, all) => (d < all[best] ? i : best), 0);
      assert.equal(nearest, 1, `the markers (median y ${w.median.toFixed(0)}) are on lead II's row (rows at ${w.rows.map((y) => y.toFixed(0)).join(', ')})`);
    } finally {
      await page.selectOption(`${card} [data-testid="setting-preset"]`, 'polar-h10');
      await page.waitForFunction((sel) => Array.from(document.querySelectorAll(`${sel} .trace-labels span`)).map((e) => e.textContent).join(' ') === 'ECG', panel, { timeout: 10_000 });
    }
  });

  test('an injected fault shows as a named device problem', async () => {
    const id = deviceOf('eeg');
    const card = `[data-testid="device-${id}"]`;
    const options = await page.$$eval(`${card} [data-testid="fault-select"] option`, (os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.ok(options.length > 0, 'the simulated headset offers faults');
    const fault = options.find((o) => /non-finite|nan/i.test(o)) ?? options[0];
    await page.selectOption(`${card} [data-testid="fault-select"]`, fault);
    await page.click(`${card} [data-testid="fault-inject"]`);
    const problem = await page.waitForSelector(`${card}[data-problem]:not([data-problem=""])`, { timeout: 8_000 });
    const code = await problem.getAttribute('data-problem');
    assert.match(String(code), /^[a-z-]+$/);
    const text = await page.$eval(`${card} [data-testid="device-problem"]`, (e) => e.textContent ?? '');
    assert.ok(text.includes(String(code)), `the panel names the problem: ${text}`);
    // …and a warning in the log panel, from that device.
    await page.waitForFunction((dev) => Array.from(document.querySelectorAll('.log-list li.log-warn, .log-list li.log-error')).some((li) => li.textContent?.includes(`device:${dev}`)), id, { timeout: 5_000 });
  });

  test('signal settings: a crossed pass-band is refused by name; 60 Hz mains and 4-s windows apply', async () => {
    const panel = '[data-testid="signal-settings"]';
    await page.fill(`${panel} [data-testid="signal-eegLow"]`, '40');
    await page.fill(`${panel} [data-testid="signal-eegHigh"]`, '10');
    await page.click(`${panel} [data-testid="signal-apply"]`);
    const error = await page.waitForSelector(`${panel} [data-testid="signal-error"]`, { timeout: 5_000 });
    assert.match((await error.textContent()) ?? '', /EEG high-pass \(40 Hz\) must be below its low-pass \(10 Hz\)/);
    await page.fill(`${panel} [data-testid="signal-eegLow"]`, '1');
    await page.fill(`${panel} [data-testid="signal-eegHigh"]`, '45');
    await page.fill(`${panel} [data-testid="signal-windowSec"]`, '4');
    await page.fill(`${panel} [data-testid="signal-bridgeMs"]`, '60');
    await page.click(`${panel} [data-testid="signal-mains-60"]`);
    await page.click(`${panel} [data-testid="signal-apply"]`);
    await page.waitForFunction(() => /mains 60 Hz notched · windows 4 s \/ 1 s/.test(document.querySelector('[data-testid="signal-settings"] .panel-header')?.textContent ?? ''), undefined, { timeout: 5_000 });
    await page.waitForFunction(() => (document.querySelector('[data-testid="windows"] .panel-header')?.textContent ?? '').includes('4 s every 1 s'), undefined, { timeout: 5_000 });
    const cfg = app.serve.core.hub.pipelineConfig!();
    assert.deepEqual([cfg.quality.mainsHz, cfg.filters.eeg.notchHz, cfg.filters.eeg.highpassHz, cfg.filters.eeg.lowpassHz, cfg.window.lengthSec, cfg.bridgeMaxSec], [60, [60], 1, 45, 4, 0.06]);
    assert.equal(await page.$(`${panel} [data-testid="signal-error"]`), null, 'the error is gone');
    // Windows keep flowing under the new settings.
    await waitForWindow('eeg', 'present', await latestSeq(), 15_000);
  });

  test('a headset losing 5 % of its packets: EEG stays present, and its signal quality says how much was bridged', async () => {
    const id = deviceOf('eeg');
    const card = `[data-testid="device-${id}"]`;
    const eegStream = app.serve.core.hub.streams().find((s) => s.modality === 'eeg')!.id;
    await page.selectOption(`${card} [data-testid="setting-lossPercent"]`, '5');
    const line = await page.waitForSelector(`[data-testid="quality"] .quality-stream[data-stream="${eegStream}"] [data-testid="quality-bridged"]`, { timeout: 10_000 });
    assert.match((await line.textContent()) ?? '', /^\d+ ms of lost packets bridged by interpolation$/);
    await waitForWindow('eeg', 'present', await latestSeq(), 10_000);
    await page.selectOption(`${card} [data-testid="setting-lossPercent"]`, '0'); // the demo's own setting
  });

  test('hum at the other mains frequency than the one set: line noise flagged at its frequency, and the panel says to change the setting', async () => {
    const id = deviceOf('eeg');
    const card = `[data-testid="device-${id}"]`;
    const eegStream = app.serve.core.hub.streams().find((s) => s.modality === 'eeg')!.id;
    const set = app.serve.core.hub.pipelineConfig!().quality.mainsHz;
    const other = set === 50 ? 60 : 50;
    await page.selectOption(`${card} [data-testid="setting-mainsHz"]`, String(other));
    await page.selectOption(`${card} [data-testid="setting-lineNoiseUv"]`, '40');
    try {
      const line = await page.waitForSelector(`[data-testid="quality"] .quality-stream[data-stream="${eegStream}"] [data-testid="quality-mains"]`, { timeout: 10_000 });
      assert.equal(await line.textContent(), `Line noise at ${other} Hz, but the mains is set to ${set} Hz: set it to ${other} Hz in Signal settings`);
      const chips = await page.$$eval(`[data-testid="quality"] .quality-stream[data-stream="${eegStream}"] .quality-chip[data-flags~="line-noise"]`, (es) => es.map((e) => e.getAttribute('title') ?? ''));
      assert.ok(chips.length > 0, 'channels flagged line noise');
      for (const title of chips) assert.match(title, new RegExp(`line noise at ${other} Hz \\d`));
    } finally {
      await page.selectOption(`${card} [data-testid="setting-lineNoiseUv"]`, '2');
      await page.selectOption(`${card} [data-testid="setting-mainsHz"]`, String(set));
    }
    await page.waitForSelector('[data-testid="quality-mains"]', { state: 'detached', timeout: 10_000 });
  });

  test('leaving the dashboard for every other view and coming back breaks nothing', async () => {
    // Leaving unmounts the charts (their destroy runs); each view must then open by itself.
    for (const id of ['models', 'sessions', 'training', 'devices', 'live']) {
      await page.click(`nav a[href="#/${id}"]`);
      await page.waitForSelector(`nav a[href="#/${id}"][aria-current="page"]`, { timeout: 5_000 });
      await page.waitForSelector('main > *', { timeout: 10_000 });
      assert.equal(await page.$('.panel-failed'), null, `view ${id} opened without failing`);
      assert.deepEqual(app.problems, [], `no page errors after opening ${id}`);
      if (id === 'devices') {
        // Nothing paired, the demo streaming: 'Your devices' does not just say 'No devices yet'.
        await page.waitForFunction(() => /the built-in demo/.test(document.querySelector('[data-testid="paired-empty"]')?.textContent ?? ''), undefined, { timeout: 5_000 });
        assert.equal(
          await page.textContent('[data-testid="paired-empty"]'),
          'No devices of your own yet. Scan for Bluetooth devices or open a serial port below. The Simulated headset and Simulated chest strap on the Live dashboard are the built-in demo, not listed here.',
        );
      }
    }
    // Back on the dashboard, the traces draw again.
    const drawn = await page.evaluate(() => window.__heartmindFrames?.drawn ?? 0);
    await page.waitForFunction((n) => (window.__heartmindFrames?.drawn ?? 0) > n + 10, drawn, { timeout: 10_000 });
  });

  test('a narrow window (420 px): the nav is all in view without scrolling sideways; at 1440 px it is the side column', async () => {
    const layout = () =>
      page.evaluate(`(() => {
        const nav = document.querySelector('nav.sidebar');
        const links = [...nav.querySelectorAll('a')].map((a) => a.getBoundingClientRect());
        return { navScroll: nav.scrollWidth - nav.clientWidth, pageScroll: document.documentElement.scrollWidth - innerWidth,
          inView: links.every((r) => r.left >= 0 && r.right <= innerWidth), navWidth: nav.getBoundingClientRect().width, width: innerWidth };
      })()`) as Promise<{ navScroll: number; pageScroll: number; inView: boolean; navWidth: number; width: number }>;
    try {
      await page.setViewportSize({ width: 420, height: 900 });
      const narrow = await layout();
      assert.equal(narrow.navScroll, 0, 'the nav does not scroll sideways');
      assert.equal(narrow.pageScroll, 0, 'nor does the page');
      assert.ok(narrow.inView, 'every view link is on screen');
      assert.equal(narrow.navWidth, narrow.width, 'the nav is a strip across the top');
    } finally {
      await page.setViewportSize({ width: 1440, height: 1000 });
    }
    const wide = await layout();
    assert.ok(wide.navWidth < 300, `at 1440 px the nav is a side column (${wide.navWidth} px)`);
    assert.equal(wide.pageScroll, 0);
  });

  test('no errors, no CSP violations, no error banner', async () => {
    assert.equal(await page.$('[data-testid="error-banner"]'), null, 'no error banner');
    assert.deepEqual(app.problems, [], 'no page errors');
  });
});
