// Latency from a sample entering the hub to its window (and its trace block) reaching the page:
// serve mode, in this process, with real Chromium as the page. Prints figures; asserts nothing.
//
//   entry   = wall time the hub received the raw chunk whose processing emitted the window/block
//             (the hub calls rawChunk, then conditioned/window, in the same tick)
//   arrival = wall time the page's LiveStore got it (window.__heartmindArrivals)
// Node and Chromium both read the system clock (performance.timeOrigin + now()); their offset is
// measured by round trips and removed.
//
//   node --import tsx bench/latency.bench.ts [--seconds 40]
import { benchFlags, header, loadAverages, percentile, POSITIVE, table } from './bench-util';
import { pageBenchMissing, withServeAndChromium } from './page-bench';

const { seconds: SECONDS } = benchFlags(import.meta.url, 'Latency from a chunk entering the hub to its window on the page (serve mode, real Chromium; goal p99 < 50 ms).', {
  seconds: { type: 'number', rule: POSITIVE, default: 40, help: 'seconds of streaming measured' },
});
const wall = () => performance.timeOrigin + performance.now();

async function main() {
  header('Latency: sample enters the hub → reaches the page (serve mode, Chromium)');
  const missing = pageBenchMissing();
  if (missing) return console.log(`skipped: ${missing}`);
  await withServeAndChromium({}, async (serve, browser) => {
    const hub = serve.core.hub;

    let lastEntry = NaN;
    const windowEntry = new Map<number, number>();
    const windowEnd = new Map<number, number>();
    const blockEntry = new Map<string, number>();
    const windowPublished = new Map<number, number>();
    hub.subscribe({
      rawChunk: () => {
        lastEntry = wall();
      },
      conditioned: (b) => blockEntry.set(`${b.streamId}@${b.startTime.toFixed(6)}`, lastEntry),
      window: (w) => {
        windowEntry.set(w.seq, lastEntry);
        windowEnd.set(w.seq, (w.startTime + w.samples / w.rateHz) * 1000);
      },
    });
    serve.core.subscribePushes((m) => {
      if (m.type === 'pipeline:window') windowPublished.set(m.window.seq, wall());
    });

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(serve.server.url);
    await page.waitForFunction(() => (window.__heartmindArrivals?.windows.length ?? 0) > 0, undefined, { timeout: 30_000 });

    // Clock offset page − node, from the round trip with the smallest delay.
    let best = { rtt: Infinity, offset: 0 };
    for (let i = 0; i < 30; i++) {
      const t0 = wall();
      const tp = await page.evaluate(() => performance.timeOrigin + performance.now());
      const t1 = wall();
      if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: tp - (t0 + t1) / 2 };
    }
    const row = (what: string, xs: number[]) => {
      const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
      return { what, n: s.length, 'p50 ms': percentile(s, 50), 'p95 ms': percentile(s, 95), 'p99 ms': percentile(s, 99), 'max ms': s[s.length - 1] ?? NaN };
    };
    /** Collects for `seconds` and returns the table rows for what arrived meanwhile. */
    const collect = async (label: string, seconds: number) => {
      await page.evaluate(() => {
        window.__heartmindArrivals!.windows.length = 0;
        window.__heartmindArrivals!.blocks.length = 0;
      });
      await page.waitForTimeout(seconds * 1000);
      const arrivals = await page.evaluate(() => window.__heartmindArrivals!);
      const win: number[] = [];
      const core: number[] = [];
      const transit: number[] = [];
      const beyondEnd: number[] = [];
      for (const a of arrivals.windows) {
        const entry = windowEntry.get(a.seq);
        if (entry === undefined || Number.isNaN(entry)) continue;
        const t = a.t - best.offset;
        win.push(t - entry);
        core.push((windowPublished.get(a.seq) ?? NaN) - entry);
        transit.push(t - (windowPublished.get(a.seq) ?? NaN));
        beyondEnd.push(t - windowEnd.get(a.seq)!);
      }
      const blocks: number[] = [];
      for (const a of arrivals.blocks) {
        const entry = blockEntry.get(`${a.streamId}@${a.startTime.toFixed(6)}`);
        if (entry !== undefined && !Number.isNaN(entry)) blocks.push(a.t - best.offset - entry);
      }
      return [
        row(`${label}: window, chunk enters hub → page`, win),
        row('  of which in the core (hub → push bus)', core),
        row('  of which push bus → page (socket + page)', transit),
        row(`${label}: trace block, chunk enters hub → page`, blocks),
        row(`${label}: window, its end (host clock) → page`, beyondEnd),
      ];
    };

    console.log(`collecting for ${SECONDS} s on the live dashboard (clock offset page−node ${best.offset.toFixed(2)} ms ± ${(best.rtt / 2).toFixed(2)} ms)…`);
    const rows = await collect('dashboard', SECONDS);
    // The same page on a view that draws no traces: what the transport costs without the charts
    // competing for the page's main thread.
    const other = await page.$$eval('nav a.nav-item', (as) => as.map((a) => a.getAttribute('href')).find((h) => h && h !== '#/live'));
    if (other) {
      await page.evaluate((h) => (location.hash = h), other);
      console.log(`…and ${Math.round(SECONDS / 2)} s on ${other} (no traces drawn)`);
      rows.push(...(await collect('no traces', Math.round(SECONDS / 2))));
    }
    table(rows);
    console.log(`\nmachine load average after the run: ${loadAverages()}`);
    console.log(`goal: p99 < 50 ms beyond the window's own length; dropped pushes: ${serve.server.droppedPushes()}`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
