// Electron transport: requests through the preload bridge (window.heartmind.invoke), pushes on a
// MessagePort that main creates (MessageChannelMain) and the preload passes to this page. Typed
// arrays arrive as binary structured clones, never as JSON. The page acknowledges the pushes it
// has handled on the same port, so main can hold back when it falls behind; when it fell too far
// behind, main asks it to resync (src/shared/ipc/push-backpressure.ts).
import type { Channel, ResponseOf } from '../../../shared/ipc-schema';
import { isPortResync, PortAcker } from '../../../shared/ipc/push-backpressure';
import { MAIN_WORLD_PORT_MESSAGE, type RequestArgs } from '../../../shared/ipc/transport-protocol';
import { unwrapEnvelope } from '../../../shared/ipc/wire-error';
import type { HeartMindApi } from '../../../preload/index.d';
import { assembleClient, ConnectionTracker, PushRouter, type HeartMindClient } from './client';

export function createElectronClient(bridge: HeartMindApi): HeartMindClient {
  const router = new PushRouter();
  const conn = new ConnectionTracker();
  let port: MessagePort | null = null;

  const onWindowMessage = (event: MessageEvent) => {
    // Only the preload, posting to our own window, sends this (and only with a port attached).
    if (event.source !== window || event.data !== MAIN_WORLD_PORT_MESSAGE || event.ports.length !== 1) return;
    port?.close();
    port = event.ports[0];
    listenOnPushPort(port, router, conn);
    conn.set('open');
  };
  window.addEventListener('message', onWindowMessage);
  bridge.requestPushPort();

  return assembleClient(router, conn, {
    transport: 'electron',
    async invoke<C extends Channel>(channel: C, ...args: RequestArgs<C>): Promise<ResponseOf<C>> {
      return unwrapEnvelope(channel, await bridge.invoke(channel, ...args));
    },
    close() {
      window.removeEventListener('message', onWindowMessage);
      port?.close();
      port = null;
      conn.set('closed');
    },
  });
}

/**
 * Dispatches the port's pushes and acknowledges them. A resync request means main withheld
 * pushes: a new 'open' makes every view fetch its state again, as after a serve-mode reconnect.
 */
export function listenOnPushPort(port: MessagePort, router: PushRouter, conn: ConnectionTracker): void {
  const acker = new PortAcker((ack) => port.postMessage(ack));
  port.onmessage = (e: MessageEvent) => {
    if (isPortResync(e.data)) {
      acker.handledOne(true); // at once: main sends nothing more until it hears this
      conn.set('open');
      return;
    }
    router.dispatch(e.data);
    acker.handledOne();
  };
  port.onmessageerror = () => {
    router.error(new Error('transport: a push could not be deserialised'));
    acker.handledOne(); // it still took its place on the port
  };
  port.start();
}
