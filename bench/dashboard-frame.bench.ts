// Dashboard frame time in Chromium with a 32-channel cap at 250 Hz plus the ECG strap, both
// streaming through the real core (serve mode, in this process). The page times the script work
// of every animation frame that redraws the traces (window.__heartmindFrames: copying the
// visible span into chart points + chart.js update and draw). Goal < 8 ms per frame.
// Prints figures; asserts nothing.
//
//   node --import tsx bench/dashboard-frame.bench.ts [--seconds 10] [--width 1600 --height 1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { header, percentile, table } from './bench-util';
import { startServe } from '../src/main/serve/serve-command';
import { chromiumMissing, launchChromium } from '../test/e2e/support/chromium';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    width: { type: 'string', default: '1600' },
    height: { type: 'string', default: '1000' },
  },
});
const SECONDS = Number(values.seconds);

async function main() {
  header('Dashboard frame time (Chromium, 32 EEG ch @ 250 Hz + ECG)');
  const missing = chromiumMissing();
  if (missing) return console.log(`skipped: ${missing}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'hm-bench-'));
  const serve = await startServe({ port: 0, dataDir, rendererDir: resolve('out', 'renderer'), demo: { eegPreset: '32ch' }, onLog: () => {} });
  const browser = await launchChromium();
  const rows: Record<string, string | number>[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: Number(values.width), height: Number(values.height) } });
    await page.goto(serve.server.url);
    const eeg = serve.core.hub.streams().find((s) => s.modality === 'eeg');
    console.log(`EEG stream: ${eeg?.channels.length} ch @ ${eeg?.nominalRateHz} Hz; viewport ${values.width}×${values.height}, devicePixelRatio 1, software rendering (--disable-gpu)`);
    await page.waitForFunction(() => (window.__heartmindFrames?.drawn ?? 0) > 30, undefined, { timeout: 30_000 });

    for (const seconds of [10, 30]) {
      await page.click(`[data-testid="window-${seconds}"]`);
      await page.waitForTimeout(1500); // let the first frames at the new size settle
      const startCount = await page.evaluate(() => window.__heartmindFrames!.drawn);
      const t0 = Date.now();
      await page.waitForTimeout(SECONDS * 1000);
      const stats = await page.evaluate(() => ({ drawn: window.__heartmindFrames!.drawn, frameMs: window.__heartmindFrames!.frameMs.slice() }));
      const n = stats.drawn - startCount;
      const ms = stats.frameMs.slice(-n).sort((a, b) => a - b);
      const wallS = (Date.now() - t0) / 1000;
      rows.push({
        'time window': `${seconds} s`,
        'samples in view': `${Math.round(((eeg?.channels.length ?? 0) + 1) * seconds * 200)}`,
        frames: ms.length,
        'fps': ms.length / wallS,
        'p50 ms': percentile(ms, 50),
        'p95 ms': percentile(ms, 95),
        'p99 ms': percentile(ms, 99),
        'max ms': ms[ms.length - 1] ?? NaN,
        '> 8 ms': `${((100 * ms.filter((x) => x > 8).length) / Math.max(1, ms.length)).toFixed(1)} %`,
      });
    }
  } finally {
    await browser.close();
    await serve.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  table(rows);
  console.log('\nframe = script work of one animation frame that redrew the traces (EEG + ECG + markers); goal < 8 ms');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
