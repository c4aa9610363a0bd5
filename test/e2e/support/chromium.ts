// Real Chromium for the E2E tests and the browser benchmarks: Debian's /usr/bin/chromium driven
// by playwright-core (never a downloaded browser), headless, a fresh empty profile, and the flags
// that keep it from reaching for the network (GUIDE.md).
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
// The page's diagnostics globals (window.__heartmindFrames, window.__heartmindArrivals), typed.
export type { FrameStats } from '../../../src/renderer/src/views/dashboard/frame-loop';
export type { ArrivalLog } from '../../../src/renderer/src/live/live-store';

export const CHROMIUM_PATH = process.env.HEARTMIND_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** Why Chromium tests cannot run here, or false when they can. */
export function chromiumMissing(): string | false {
  return existsSync(CHROMIUM_PATH) ? false : `needs Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  // playwright's launch() gives every browser a new, empty temporary profile (--user-data-dir).
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_FLAGS, ...extraArgs] });
}

/** Everything the page complains about: console errors, uncaught exceptions, CSP violations. */
export function collectPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  return problems;
}
