// Whether the core now serves another build of this page than the one running here. In serve mode
// the page's files come from the core's web server, and a build names every file by a hash of its
// content. A core rebuilt and started again while a page stays open (an update, `npm run serve`
// after a change) serves new files and no longer the old ones: the page reconnects by itself, but
// a view it had not opened yet can never load (its file is gone: 404, and Retry cannot help), and
// the views it has run the old code against the new core. Only a reload helps, so the page says
// so. The build's identity is the entry script index.html names: the entry names the chunks it
// loads, so any change to any of them gives it a new name. Pure but for `runningEntry` (tested
// under Node).

/** The `src` of the first module script in an HTML text (the build's entry), or null. */
export function entryScriptOf(html: string): string | null {
  for (const tag of html.matchAll(/<script\b([^>]*)>/gi)) {
    const attrs = tag[1];
    if (!/(?:^|\s)type\s*=\s*["']?module["'\s>]/i.test(`${attrs} `)) continue;
    const src = /(?:^|\s)src\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i.exec(attrs);
    if (src) return src[1] ?? src[2] ?? src[3];
  }
  return null;
}

/** This page's entry, as its own index.html named it. */
export function runningEntry(): string | null {
  return document.querySelector('script[type="module"][src]')?.getAttribute('src') ?? null;
}

/** The index.html the core serves now (never a cached copy). */
async function fetchServedPage(): Promise<string> {
  const res = await fetch(location.href.split('#')[0], { cache: 'no-store' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.text();
}

/** Whether the page is an older build than the core serves; views and the shell read it. */
export class BuildWatch {
  /** True once the core was found serving another build (only a reload clears it). */
  stale = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly running: () => string | null = runningEntry,
    private readonly served: () => Promise<string> = fetchServedPage,
  ) {}

  /**
   * Asks the core which build it serves. Called when the connection comes back and when a view's
   * file fails to load. A page whose index.html cannot be read, or names no entry, is left alone:
   * nothing says it is out of date.
   */
  async check(): Promise<boolean> {
    if (this.stale) return true;
    const mine = this.running();
    if (!mine) return false;
    let theirs: string | null;
    try {
      theirs = entryScriptOf(await this.served());
    } catch {
      return false; // the core is away again: the connection notice says so
    }
    if (!theirs || theirs === mine || this.stale) return this.stale;
    this.stale = true;
    for (const l of this.listeners) l();
    return true;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const buildWatch = new BuildWatch();

/** What the page says once it is out of date. */
export const STALE_BUILD_TEXT =
  'HeartMind was rebuilt or updated since this page opened: the core now serves a newer version of it. Reload the page to use it (until then, views not opened yet cannot load).';
