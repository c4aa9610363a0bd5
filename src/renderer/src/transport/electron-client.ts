// Electron transport: requests through the preload bridge (window.heartmind.invoke), pushes on a
// MessagePort that main creates (MessageChannelMain) and the preload passes to this page. Typed
// arrays arrive as binary structured clones, never as JSON.
import type { Channel, ResponseOf } from '../../../shared/ipc-schema';
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
    port.onmessage = (e: MessageEvent) => router.dispatch(e.data);
    port.onmessageerror = () => router.error(new Error('transport: a push could not be deserialised'));
    port.start();
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
