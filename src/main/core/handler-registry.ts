// The ONE table of request handlers. Electron IPC and serve mode's WebSocket both dispatch here,
// so a handler is written once and both transports get it.
//
// Every call goes through `dispatch`, the validating wrapper: the channel must be a string with
// the 'hm:' prefix and registered, the request passes the channel's validator if it has one, and
// whatever happens the caller gets an Envelope (a failure as a WireError, never a thrown error
// that a transport would flatten). Transports add their own sender check before calling it
// (Electron: our own top frame; serve mode: our own origin).
import { CodedError } from '../../shared/coded-error';
import { CHANNEL_PREFIX, type Channel, type RequestOf, type ResponseOf } from '../../shared/ipc-schema';
import { toWireError, type Envelope } from '../../shared/ipc/wire-error';

export interface RequestContext {
  transport: 'electron' | 'serve' | 'local';
  /** Which page asked: 'electron:<webContentsId>' or 'ws:<n>'. */
  clientId: string;
}

export type Handler<C extends Channel> = (req: RequestOf<C>, ctx: RequestContext) => ResponseOf<C> | Promise<ResponseOf<C>>;

/** Returns a problem in words, or null when the request is acceptable. */
export type RequestValidator = (req: unknown) => string | null;

/** An error whose `code` travels as the WireError kind. */
export class RequestError extends CodedError<'bad-channel' | 'bad-request' | 'forbidden-sender' | 'not-found' | 'unavailable'> {
  override readonly name = 'RequestError';
}

interface Entry {
  handler: (req: unknown, ctx: RequestContext) => unknown;
  validate?: RequestValidator;
}

/**
 * What a request to an area that did not start gets, and what the core logs when it fails: the
 * area in words and why ("Sessions not available: the data folder … is a file, not a folder…").
 */
export function areaDownMessage(area: string, reason: string): string {
  return `${area[0].toUpperCase()}${area.slice(1)} not available: ${reason}`;
}

export class HandlerRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Areas ('sessions', 'models'…) whose start failed, with the reason. */
  private readonly downAreas = new Map<string, string>();
  private readonly addedListeners = new Set<(channel: string) => void>();
  private readonly failureListeners = new Set<(channel: string, err: unknown) => void>();

  /** Registers the handler of one channel; returns a function that removes it. */
  handle<C extends Channel>(channel: C, handler: Handler<C>, opts: { validate?: RequestValidator } = {}): () => void {
    if (typeof channel !== 'string' || !channel.startsWith(CHANNEL_PREFIX)) {
      throw new RequestError('bad-channel', `channel ${JSON.stringify(channel)} must start with '${CHANNEL_PREFIX}'`);
    }
    if (this.entries.has(channel)) throw new RequestError('bad-channel', `channel ${channel} already has a handler`);
    const entry: Entry = { handler: handler as Entry['handler'], validate: opts.validate };
    this.entries.set(channel, entry);
    for (const l of this.addedListeners) l(channel);
    return () => {
      if (this.entries.get(channel) === entry) this.entries.delete(channel);
    };
  }

  has(channel: string): boolean {
    return this.entries.has(channel);
  }

  /** The area (the 'sessions' of 'hm:sessions:list') did not start: its channels answer with `reason`, not "no handler". */
  markAreaDown(area: string, reason: string): void {
    this.downAreas.set(area, reason);
  }

  /** Why an area did not start (the error it gave), or undefined when it runs or never existed. */
  areaProblem(area: string): string | undefined {
    return this.downAreas.get(area);
  }

  /** Why the area a channel belongs to is not running (areaDownMessage), or null when it is. */
  unavailable(channel: string): string | null {
    if (this.entries.has(channel)) return null;
    const area = channel.split(':')[1] ?? '';
    const reason = this.downAreas.get(area);
    return reason === undefined ? null : areaDownMessage(area, reason);
  }

  channels(): string[] {
    return [...this.entries.keys()];
  }

  /** Called for every channel registered now and later (the Electron transport adds an ipcMain handler per channel). */
  onChannelAdded(listener: (channel: string) => void): () => void {
    this.addedListeners.add(listener);
    for (const c of this.entries.keys()) listener(c);
    return () => this.addedListeners.delete(listener);
  }

  /** Called when a handler throws (the core logs it). */
  onFailure(listener: (channel: string, err: unknown) => void): () => void {
    this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  /** Validates and runs one request. Never throws: failures come back as an envelope. */
  async dispatch(channel: unknown, req: unknown, ctx: RequestContext): Promise<Envelope<unknown>> {
    if (typeof channel !== 'string' || !channel.startsWith(CHANNEL_PREFIX)) {
      return { ok: false, error: toWireError(new RequestError('bad-channel', `channel ${safe(channel)} is not a HeartMind channel`)) };
    }
    const entry = this.entries.get(channel);
    if (!entry) {
      const down = this.unavailable(channel);
      return { ok: false, error: toWireError(down ? new RequestError('unavailable', down) : new RequestError('bad-channel', `no handler for ${channel}`)) };
    }
    if (entry.validate) {
      let problem: string | null;
      try {
        problem = entry.validate(req);
      } catch (err) {
        problem = (err as Error).message ?? String(err);
      }
      if (problem !== null) return { ok: false, error: toWireError(new RequestError('bad-request', problem)) };
    }
    try {
      const value = await entry.handler(req, ctx);
      return { ok: true, value };
    } catch (err) {
      for (const l of this.failureListeners) {
        try {
          l(channel, err);
        } catch {
          // a failing logger must not turn into a failing request
        }
      }
      return { ok: false, error: toWireError(err) };
    }
  }
}

function safe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v.slice(0, 80)) : typeof v;
}

/**
 * Small validators for handlers' requests (values from a page are untrusted). They return a
 * problem in words or null, and compose with `allOf`.
 */
export const check = {
  object(req: unknown): string | null {
    return req !== null && typeof req === 'object' && !Array.isArray(req) ? null : 'request must be an object';
  },
  string(key: string, opts: { maxLength?: number } = {}): RequestValidator {
    return (req) => {
      const v = (req as Record<string, unknown> | null)?.[key];
      if (typeof v !== 'string' || v.length === 0) return `${key} must be a non-empty string`;
      if (opts.maxLength !== undefined && v.length > opts.maxLength) return `${key} is longer than ${opts.maxLength}`;
      return null;
    };
  },
  allOf(...validators: RequestValidator[]): RequestValidator {
    return (req) => {
      for (const v of validators) {
        const p = v(req);
        if (p !== null) return p;
      }
      return null;
    };
  },
};
