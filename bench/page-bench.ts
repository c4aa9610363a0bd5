// For the benchmarks that drive the real page (latency, soak, dashboard-frame): serve mode with
// real Chromium, set up and torn down one way. (The page's renderer processes are read from /proc by
// test/e2e/support/proc.ts, which E2E tests that watch the page's memory share.)
// (Its own module, not bench-util.ts, so that the other benchmarks do not load Playwright.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { startServe, type ServeHandle, type ServeOptions } from '../src/main/serve/serve-command';
import { chromiumMissing, launchChromium } from '../test/e2e/support/chromium';
import { rendererMissing } from '../test/e2e/support/serve-fixture';

/** Why a page benchmark cannot run here (no Chromium, no built renderer), or false. */
export function pageBenchMissing(): string | false {
  return chromiumMissing() || rendererMissing();
}

/**
 * Serve mode (this process, a fresh data folder, the built renderer) and a launched Chromium for
 * `fn`; both are closed and the folder removed however `fn` ends.
 */
export async function withServeAndChromium<T>(opts: Pick<ServeOptions, 'demo'>, fn: (serve: ServeHandle, browser: Browser) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hm-bench-'));
  let serve: ServeHandle | undefined;
  let browser: Browser | undefined;
  try {
    serve = await startServe({ port: 0, dataDir, rendererDir: resolve('out', 'renderer'), onLog: () => {}, ...opts });
    browser = await launchChromium();
    return await fn(serve, browser);
  } finally {
    await browser?.close();
    await serve?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
