// The page set-up the serve-mode e2e tests share: the real core (serve-fixture), headless Chromium
// (chromium.ts), one page on a route with its problems collected, ready once the page's WebSocket to
// the core is open. A step that fails closes what the steps before it opened, so a failed `before`
// leaves no browser or core running.
import type { Browser, Page, ViewportSize } from 'playwright-core';
import { chromiumMissing, collectPageProblems, launchChromium } from './chromium';
import { rendererMissing, startServeFixture, type ServeFixture } from './serve-fixture';

/** Why a served page cannot be opened here (no Chromium, no built renderer), or false when it can. */
export function servedPageMissing(): string | false {
  return chromiumMissing() || rendererMissing();
}

export interface PageOptions {
  /** The hash route to open, e.g. '#/devices' (default: the app's start, the Live dashboard). */
  route?: string;
  viewport?: ViewportSize;
  /** Called with the new page before it loads: for listeners that must see the load itself. */
  beforeLoad?: (page: Page) => void;
}

export interface OpenedPage {
  browser: Browser;
  page: Page;
  /** Console errors, uncaught exceptions and CSP violations of `page` (collectPageProblems). */
  problems: string[];
}

const CONNECTION_OPEN = '[data-testid="connection"][data-state="open"]';

/** Chromium with one page of `serve` on `opts.route`, once the page's WebSocket to the core is open (up to 15 s). */
export async function openPage(serve: ServeFixture, opts: PageOptions = {}): Promise<OpenedPage> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1440, height: 1000 } });
    const problems = collectPageProblems(page);
    opts.beforeLoad?.(page);
    await page.goto(new URL(opts.route ?? '', serve.url).href);
    await page.waitForSelector(CONNECTION_OPEN, { timeout: 15_000 });
    return { browser, page, problems };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

export interface ServedPage extends OpenedPage {
  serve: ServeFixture;
  /** Closes the browser, then the core (and its data folder). */
  close(): Promise<void>;
}

/** A fresh core (startServeFixture's options) and Chromium on one of its pages (openPage's options). */
export async function openServedPage(opts: PageOptions & Parameters<typeof startServeFixture>[0] = {}): Promise<ServedPage> {
  const serve = await startServeFixture({ demo: opts.demo, builtinModels: opts.builtinModels, prepare: opts.prepare });
  try {
    const opened = await openPage(serve, opts);
    return {
      ...opened,
      serve,
      async close() {
        await opened.browser.close();
        await serve.close();
      },
    };
  } catch (err) {
    await serve.close();
    throw err;
  }
}
