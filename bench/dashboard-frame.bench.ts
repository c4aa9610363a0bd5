// Dashboard frame time in Chromium with a 32-channel cap at 250 Hz plus the ECG strap, both
// streaming through the real core (serve mode, in this process). The page times the script work
// of every animation frame that redraws the traces (window.__heartmindFrames: reading the
// visible span, decimating it and stroking it onto the canvas). Goal < 8 ms per frame.
// Prints figures; asserts nothing.
//
//   node --import tsx bench/dashboard-frame.bench.ts [--seconds 10] [--width 1600 --height 1000]
import { benchFlags, COUNT, header, loadAverages, percentile, POSITIVE, table } from './bench-util';
import { pageBenchMissing, withServeAndChromium } from './page-bench';
import { mainThreadCpuS, rendererPids } from '../test/e2e/support/proc';

const values = benchFlags(import.meta.url, 'Script time per dashboard trace frame in Chromium, 32 ch @ 250 Hz + ECG (goal < 8 ms).', {
  seconds: { type: 'number', rule: POSITIVE, default: 10, help: 'seconds of frames timed' },
  width: { type: 'number', rule: COUNT, default: 1600, help: 'window width in pixels' },
  height: { type: 'number', rule: COUNT, default: 1000, help: 'window height in pixels' },
});
const SECONDS = values.seconds;

async function main() {
  header('Dashboard frame time (Chromium, 32 EEG ch @ 250 Hz + ECG)');
  const missing = pageBenchMissing();
  if (missing) return console.log(`skipped: ${missing}`);
  const rows: Record<string, string | number>[] = [];
  await withServeAndChromium({ demo: { eegPreset: '32ch' } }, async (serve, browser) => {
    const page = await browser.newPage({ viewport: { width: values.width, height: values.height } });
    await page.goto(serve.server.url);
    const eeg = serve.core.hub.streams().find((s) => s.modality === 'eeg');
    console.log(`EEG stream: ${eeg?.channels.length} ch @ ${eeg?.nominalRateHz} Hz; viewport ${values.width}×${values.height}, devicePixelRatio 1, software rendering (--disable-gpu)`);
    await page.waitForFunction(() => (window.__heartmindFrames?.drawn ?? 0) > 30, undefined, { timeout: 30_000 });

    // The first row is the page's first seconds (its code being compiled, the demo's model loading
    // into the inference worker beside the drawing); the next two are the steady state.
    for (const [label, seconds] of [['first seconds, 10 s', 10], ['10 s', 10], ['30 s', 30]] as const) {
      await page.click(`[data-testid="window-${seconds}"]`);
      await page.waitForTimeout(1500); // let the first frames at the new size settle
      const startCount = await page.evaluate(() => window.__heartmindFrames!.drawn);
      const pids = process.platform === 'linux' ? rendererPids(process.pid) : [];
      const cpu0 = pids.map(mainThreadCpuS);
      const t0 = Date.now();
      await page.waitForTimeout(SECONDS * 1000);
      // The page's renderer is the one that worked: the largest main-thread CPU over the run.
      const cpuS = Math.max(0, ...pids.map((p, i) => mainThreadCpuS(p) - cpu0[i]).filter(Number.isFinite));
      const stats = await page.evaluate(() => ({ drawn: window.__heartmindFrames!.drawn, frameMs: window.__heartmindFrames!.frameMs.slice() }));
      const n = stats.drawn - startCount;
      const ms = stats.frameMs.slice(-n).sort((a, b) => a - b);
      const wallS = (Date.now() - t0) / 1000;
      rows.push({
        'time window': label,
        'samples in view': `${Math.round(((eeg?.channels.length ?? 0) + 1) * seconds * 200)}`,
        frames: ms.length,
        'fps': ms.length / wallS,
        'p10 ms': percentile(ms, 10),
        'p50 ms': percentile(ms, 50),
        'p95 ms': percentile(ms, 95),
        'p99 ms': percentile(ms, 99),
        'max ms': ms[ms.length - 1] ?? NaN,
        '> 8 ms': `${((100 * ms.filter((x) => x > 8).length) / Math.max(1, ms.length)).toFixed(1)} %`,
        'main-thread CPU %': pids.length ? (100 * cpuS) / wallS : NaN,
        'CPU ms/frame': pids.length && ms.length ? (1000 * cpuS) / ms.length : NaN,
      });
    }
  });
  table(rows);
  console.log(`\nmachine load average during the run: ${loadAverages()} on ${process.platform}`);
  console.log('CPU ms/frame = the page renderer main thread\'s CPU time (all its work: frames, messages, panels) ÷ frames drawn.');
  console.log('On a busy machine the wall-clock columns include time the renderer waited for a core; p10 is then the better');
  console.log('estimate of the work itself. A frame is drawn only when the traces move by a pixel (30 s span: ~every 25 ms).');
  console.log('frame = script work of one animation frame that redrew the traces (EEG + ECG + markers); goal < 8 ms');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
