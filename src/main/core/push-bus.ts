// Pushes from the core to every connected page (Electron windows, serve-mode browsers).
// Areas publish PushMessages here; each transport subscribes once and delivers in its own way.
import type { PushMessage, PushType } from '../../shared/ipc-schema';

export type PushSubscriber = (msg: PushMessage) => void;

/**
 * Pushes a slow client may lose without harm: the next one supersedes it (trace samples, spectra).
 * Everything else (windows, statuses, logs, predictions) is always delivered or the client is
 * disconnected. Areas add their high-rate, superseded types here.
 */
export const DROPPABLE_PUSHES: ReadonlySet<PushType> = new Set<PushType>(['pipeline:conditioned', 'pipeline:eeg', 'pipeline:quality']);

export class PushBus {
  private readonly subscribers = new Set<PushSubscriber>();
  private failures = 0;

  constructor(private readonly onSubscriberError: (err: unknown) => void = () => {}) {}

  publish(msg: PushMessage): void {
    for (const s of this.subscribers) {
      try {
        s(msg);
      } catch (err) {
        // One broken transport must not stop the others (or the hub that called us).
        this.failures++;
        this.onSubscriberError(err);
      }
    }
  }

  subscribe(subscriber: PushSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  get failureCount(): number {
    return this.failures;
  }
}
