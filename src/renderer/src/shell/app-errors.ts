// Errors the page shows in its banner instead of going blank: uncaught exceptions, rejected
// promises, panels that failed to render, charts that threw, transport problems.

export interface AppError {
  id: number;
  /** Where it happened: 'panel: Devices', 'transport', 'uncaught'... */
  where: string;
  message: string;
  detail?: string;
  count: number;
  lastAt: number;
}

const MAX_ERRORS = 20;

class AppErrors {
  list: AppError[] = [];
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  report(err: unknown, where: string): void {
    const message = err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err);
    const detail = err instanceof Error ? err.stack : undefined;
    const same = this.list.find((e) => e.where === where && e.message === message);
    if (same) {
      same.count++;
      same.lastAt = Date.now();
    } else {
      this.list = [...this.list, { id: this.nextId++, where, message, detail, count: 1, lastAt: Date.now() }].slice(-MAX_ERRORS);
    }
    console.error(`[${where}]`, err);
    this.notify();
  }

  dismiss(id: number): void {
    this.list = this.list.filter((e) => e.id !== id);
    this.notify();
  }

  /** Drops what was reported from `where` (it has recovered: what it said is no longer true). */
  dismissWhere(where: string): void {
    if (!this.list.some((e) => e.where === where)) return;
    this.list = this.list.filter((e) => e.where !== where);
    this.notify();
  }

  /** Drops the report from `where` with this message, leaving that place's others (a render error) standing. */
  dismissReport(where: string, message: string): void {
    if (!this.list.some((e) => e.where === where && e.message === message)) return;
    this.list = this.list.filter((e) => e.where !== where || e.message !== message);
    this.notify();
  }

  clear(): void {
    this.list = [];
    this.notify();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}

export const appErrors = new AppErrors();

/** Routes what would otherwise be lost (or blank the page) into the banner. */
export function installGlobalErrorHandlers(): void {
  window.addEventListener('error', (e) => appErrors.report(e.error ?? e.message, 'uncaught'));
  window.addEventListener('unhandledrejection', (e) => appErrors.report(e.reason, 'unhandled promise'));
}
