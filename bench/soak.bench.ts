// Long-running stability: serve mode with the built-in demo (headset + strap), recording on, the
// shipped model running live in real Chromium on the dashboard, for --minutes. Every --every
// seconds it samples the core (this process, which also drives Chromium: CPU, RSS, heap,
// event-loop lag), the page (its
// renderer process's CPU and RSS from /proc, its JS heap, DOM nodes and listeners from CDP
// Performance.getMetrics), windows and predictions made against what the clock says is due, and
// the database file's growth. It prints the samples, then the slopes (least squares over the
// second half of the run, after start-up has settled). Prints figures; asserts nothing.
//
// Reading the slopes: the core's RSS grows with the database until SQLite's page cache is full
// (16 MB a connection, better-sqlite3's build), which the demo's ~20 kB/s takes about 15 minutes
// to reach; its heap does not grow. A run shorter than that shows the cache filling, not a leak.
// With --hidden the page is hidden for the second half (another tab in front), as a user who
// switches away: it should then cost only the inference worker and the pushes it decodes.
//
//   node --import tsx bench/soak.bench.ts [--minutes 10] [--every 10]
import { existsSync, statSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { CDPSession } from 'playwright-core';
import { benchFlags, header, loadAverages, POSITIVE, table } from './bench-util';
import { pageBenchMissing, withServeAndChromium } from './page-bench';
import { processCpuS, rendererPids, rssMiB } from '../test/e2e/support/proc';
import { collectPageProblems } from '../test/e2e/support/chromium';

const flags = benchFlags(import.meta.url, 'Soak: serve mode + demo devices + recording + the shipped model live in Chromium; CPU, memory and output over time.', {
  minutes: { type: 'number', rule: POSITIVE, default: 10, help: 'minutes of streaming' },
  every: { type: 'number', rule: POSITIVE, default: 10, help: 'seconds between samples' },
  hidden: { type: 'boolean', help: 'run the second half with the page hidden (another tab in front)' },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pageMetrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/** Least-squares slope of y against x (per unit of x). */
function slope(x: number[], y: number[]): number {
  const n = x.length;
  if (n < 2) return NaN;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return sxy / sxx;
}

async function main() {
  header(`Soak: serve + demo + recording + shipped model live in Chromium, ${flags.minutes} min`);
  const missing = pageBenchMissing();
  if (missing) return console.log(`skipped: ${missing}`);
  delete process.env.HEARTMIND_MODELS_DIR; // the shipped models/
  await withServeAndChromium({ demo: true }, async (serve, browser) => {
    const ctx = { transport: 'local' as const, clientId: 'soak' };
    const dispatch = async (ch: string, req: unknown) => {
      const r = await serve.core.handlers.dispatch(ch as never, req as never, ctx);
      if (!r.ok) throw new Error(`${ch}: ${r.error.message}`);
      return r.value as never;
    };
    let windows = 0;
    let values = 0;
    let predictions = 0;
    serve.core.hub.subscribe({ window: () => void windows++, rawChunk: (c, info) => void (values += c.count * info.channels.length) });
    serve.core.subscribePushes((m) => {
      if (m.type === 'models:prediction') predictions++;
    });
    const lag = monitorEventLoopDelay({ resolution: 10 });

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems = collectPageProblems(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(new URL('#/live', serve.server.url).href);
    await page.waitForFunction(() => (window.__heartmindArrivals?.windows.length ?? 0) > 0, undefined, { timeout: 60_000 });
    const rec = (await dispatch('hm:sessions:record-start', { name: 'soak' })) as { sessionId: number };
    const dbPath = ((await dispatch('hm:sessions:db-info', undefined)) as { path: string }).path;
    const dbBytes = () => ['', '-wal'].reduce((s, x) => s + (existsSync(dbPath + x) ? statSync(dbPath + x).size : 0), 0);

    // This process launched the browser: its renderers are among our descendants (this page's is the only one).
    const pids = rendererPids(process.pid);
    const sampleRenderer = () => pids.reduce((a, pid) => ({ cpuS: a.cpuS + processCpuS(pid), rssMB: a.rssMB + rssMiB(pid) }), { cpuS: 0, rssMB: 0 });
    const t0 = performance.now();
    const w0 = windows;
    const v0 = values;
    const db0 = dbBytes();
    let lastCore = process.cpuUsage();
    let lastRend = sampleRenderer();
    let lastTask = (await pageMetrics(cdp)).TaskDuration;
    const framesDrawn = () => page.evaluate(() => window.__heartmindFrames?.drawn ?? 0);
    let lastFrames = await framesDrawn();
    let lastT = t0;
    const rows: Record<string, string | number>[] = [];
    const series = { t: [] as number[], rss: [] as number[], heap: [] as number[], rRss: [] as number[], jsHeap: [] as number[], nodes: [] as number[], db: [] as number[], values: [] as number[] };
    const total = flags.minutes * 60_000;
    let hiddenFrom = NaN;
    lag.enable();
    while (performance.now() - t0 < total) {
      await sleep(flags.every * 1000);
      if (flags.hidden && Number.isNaN(hiddenFrom) && performance.now() - t0 >= total / 2) {
        // Another tab in front, as a user switching tabs: headless Chromium then slows the page's
        // frames to one a second but keeps it 'visible', so the page is also told it is hidden,
        // as a browser with a window tells a background tab.
        const other = await context.newPage();
        await other.goto('about:blank');
        await other.bringToFront();
        await page.evaluate(`Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
          Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
          document.dispatchEvent(new Event('visibilitychange'));`);
        hiddenFrom = (performance.now() - t0) / 1000;
        console.log(`page hidden from ${Math.round(hiddenFrom)} s`);
      }
      const now = performance.now();
      const dt = (now - lastT) / 1000;
      const core = process.cpuUsage(lastCore);
      lastCore = process.cpuUsage();
      const mem = process.memoryUsage();
      const rend = sampleRenderer();
      const m = await pageMetrics(cdp);
      const frames = await framesDrawn();
      const tS = (now - t0) / 1000;
      const row = {
        t: Math.round(tS),
        'core CPU %': ((core.user + core.system) / 1e4 / dt),
        'core RSS MB': mem.rss / 2 ** 20,
        'core heap MB': mem.heapUsed / 2 ** 20,
        'ext+buf MB': (mem.external + mem.arrayBuffers) / 2 ** 20,
        'lag p99 ms': lag.percentile(99) / 1e6,
        'lag max ms': lag.max / 1e6,
        'page CPU %': (100 * (rend.cpuS - lastRend.cpuS)) / dt,
        'page main %': (100 * (m.TaskDuration - lastTask)) / dt,
        'frames/s': (frames - lastFrames) / dt,
        'page RSS MB': rend.rssMB,
        'JS heap MB': m.JSHeapUsedSize / 2 ** 20,
        nodes: m.Nodes,
        listeners: m.JSEventListeners,
        'windows/due': (windows - w0) / tS,
        predictions,
        'DB kB/s': (dbBytes() - db0) / 1024 / tS,
      };
      lag.reset();
      lastRend = rend;
      lastTask = m.TaskDuration;
      lastFrames = frames;
      lastT = now;
      rows.push(row);
      series.t.push(tS / 3600);
      series.rss.push(row['core RSS MB']);
      series.heap.push(row['core heap MB']);
      series.rRss.push(row['page RSS MB']);
      series.jsHeap.push(row['JS heap MB']);
      series.nodes.push(row.nodes);
      series.db.push(dbBytes());
      series.values.push(values);
      console.log(Object.entries(row).map(([k, v]) => `${k} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : v}`).join(' · '));
    }
    lag.disable();
    const elapsed = (performance.now() - t0) / 1000;
    const stop = (await dispatch('hm:sessions:record-stop', undefined)) as { committedSamples: number };
    const half = Math.floor(rows.length / 2);
    const tail = <T,>(xs: T[]) => xs.slice(half);
    const mean = (k: string, from = 0, to = rows.length) => rows.slice(from, to).reduce((s, r) => s + (r[k] as number), 0) / Math.max(1, to - from);
    const firstHidden = rows.findIndex((r) => (r.t as number) > hiddenFrom + flags.every);
    const hiddenRow = Number.isNaN(hiddenFrom) || firstHidden < 0 ? rows.length : firstHidden;
    console.log('');
    table([
      { what: 'core CPU % of one core (mean)', value: mean('core CPU %') },
      { what: 'page renderer CPU % of one core (mean, all its threads)', value: mean('page CPU %', 0, hiddenRow) },
      { what: 'page main thread busy % (mean)', value: mean('page main %', 0, hiddenRow) },
      ...(Number.isNaN(hiddenFrom) ? [] : [{ what: `page renderer CPU % while hidden (from ${Math.round(hiddenFrom)} s)`, value: mean('page CPU %', hiddenRow) }, { what: 'page main thread busy % while hidden', value: mean('page main %', hiddenRow) }]),
      { what: 'core RSS slope MB/h (second half)', value: slope(tail(series.t), tail(series.rss)) },
      { what: 'core heap slope MB/h (second half)', value: slope(tail(series.t), tail(series.heap)) },
      { what: 'page RSS slope MB/h (second half)', value: slope(tail(series.t), tail(series.rRss)) },
      { what: 'page JS heap slope MB/h (second half)', value: slope(tail(series.t), tail(series.jsHeap)) },
      { what: 'page DOM nodes slope /h (second half)', value: slope(tail(series.t), tail(series.nodes)) },
      { what: 'windows made / windows due (hop 1 s)', value: (windows - w0) / elapsed },
      { what: 'predictions stored / windows made', value: predictions / Math.max(1, windows - w0) },
      { what: 'values in per second (all channels)', value: (values - v0) / elapsed },
      { what: 'DB growth, bytes per value (whole run)', value: (dbBytes() - db0) / Math.max(1, stop.committedSamples) },
      { what: 'DB growth, bytes per value (second half)', value: slope(tail(series.t), tail(series.db)) / slope(tail(series.t), tail(series.values)) },
      { what: 'event-loop lag p99 ms (worst sample)', value: Math.max(...rows.map((r) => r['lag p99 ms'] as number)) },
    ]);
    console.log(`\nsession ${rec.sessionId}: ${stop.committedSamples} values committed; dropped pushes ${serve.server.droppedPushes()}; page problems: ${problems.length ? problems.join(' | ') : 'none'}`);
    console.log(`machine load average after the run: ${loadAverages()}`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
