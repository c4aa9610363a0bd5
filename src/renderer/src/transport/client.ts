// The renderer's one way to talk to the core, whichever transport carries it: Electron's bridge
// (window.heartmind + a MessagePort) or serve mode's WebSocket. Views use `invoke` for requests
// and `on` for pushes, and never know which transport is underneath.
import type { Channel, PushMessage, PushType, ResponseOf } from '../../../shared/ipc-schema';
import type { RequestArgs } from '../../../shared/ipc/transport-protocol';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export type PushOf<T extends PushType> = Extract<PushMessage, { type: T }>;

export interface HeartMindClient {
  readonly transport: 'electron' | 'websocket';
  invoke<C extends Channel>(channel: C, ...args: RequestArgs<C>): Promise<ResponseOf<C>>;
  /** Subscribes to one push type; returns the unsubscribe function. */
  on<T extends PushType>(type: T, listener: (msg: PushOf<T>) => void): () => void;
  /** Connection changes; called at once with the current state. A new 'open' means: resync (ask for a snapshot). */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Transport-level problems (a frame that does not decode, a listener that threw). */
  onError(listener: (err: Error) => void): () => void;
  readonly state: ConnectionState;
  close(): void;
}

/** Routes pushes to per-type listeners; shared by both transports. */
export class PushRouter {
  private readonly byType = new Map<string, Set<(msg: PushMessage) => void>>();
  private readonly errorListeners = new Set<(err: Error) => void>();

  on<T extends PushType>(type: T, listener: (msg: PushOf<T>) => void): () => void {
    let set = this.byType.get(type);
    if (!set) this.byType.set(type, (set = new Set()));
    const l = listener as (msg: PushMessage) => void;
    set.add(l);
    return () => set!.delete(l);
  }

  onError(listener: (err: Error) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  error(err: Error): void {
    if (this.errorListeners.size === 0) console.error(err);
    for (const l of this.errorListeners) l(err);
  }

  dispatch(msg: unknown): void {
    if (!msg || typeof msg !== 'object' || typeof (msg as PushMessage).type !== 'string') {
      this.error(new Error(`transport: a push without a type was ignored`));
      return;
    }
    const set = this.byType.get((msg as PushMessage).type);
    if (!set) return;
    for (const l of set) {
      try {
        l(msg as PushMessage);
      } catch (err) {
        // A broken panel must not starve the others of data.
        this.error(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }
}

/** Connection state with listeners; shared by both transports. */
export class ConnectionTracker {
  private current: ConnectionState = 'connecting';
  private readonly listeners = new Set<(s: ConnectionState) => void>();

  get state(): ConnectionState {
    return this.current;
  }

  set(state: ConnectionState): void {
    if (state === this.current && state !== 'open') return;
    this.current = state;
    for (const l of this.listeners) l(state);
  }

  on(listener: (s: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    listener(this.current);
    return () => this.listeners.delete(listener);
  }
}

/**
 * A client from a transport's own parts (`invoke`, `close`) and the push routing and connection
 * state both transports delegate the same way.
 */
export function assembleClient(router: PushRouter, conn: ConnectionTracker, own: Pick<HeartMindClient, 'transport' | 'invoke' | 'close'>): HeartMindClient {
  return {
    transport: own.transport,
    invoke: own.invoke,
    close: own.close,
    on: (type, listener) => router.on(type, listener),
    onConnection: (l) => conn.on(l),
    onError: (l) => router.onError(l),
    get state() {
      return conn.state;
    },
  };
}
