// Electron's half of the two transports. Requests: every channel in the core's handler registry
// gets an ipcMain handler through ValidatedIpcMain. Pushes: each page asks for a port; main
// creates a MessageChannelMain, keeps one end, and hands the other to the page (via the
// preload). Messages are structured clones: typed arrays travel as raw bytes, never as JSON
// (Electron copies them either way: MessagePortMain transfers only ports, electron#34905).
// Flow control: the page acknowledges what it has handled over the same port, and a PushLedger
// skips trace samples for a page that falls behind and, past the hard limit, asks it to resync
// (src/shared/ipc/push-backpressure.ts; serve mode applies the same limits to its sockets).
import { MessageChannelMain, type MessagePortMain, type WebContents } from 'electron';
import type { Core } from '../core/core.types';
import { compactTypedArrayViews } from '../../shared/ipc/compact-views';
import { PushLedger } from '../../shared/ipc/push-backpressure';
import { ELECTRON_PORT_DELIVERY, ELECTRON_PORT_REQUEST } from '../../shared/ipc/transport-protocol';
import { DROPPABLE_PUSHES } from '../core/push-bus';
import type { PushType } from '../../shared/ipc-schema';
import { ValidatedIpcMain, type SenderPolicy } from './validated-ipc-main';
import { attachFileDialog } from './file-dialog';

export function attachElectronTransport(core: Core, policy: SenderPolicy): () => void {
  const ipc = new ValidatedIpcMain(policy);
  const ports = new Map<number, { port: MessagePortMain; unsubscribe: () => void }>();
  const watched = new Set<number>();

  const stopChannels = core.handlers.onChannelAdded((channel) => {
    ipc.handle(channel, (event, req) => core.handlers.dispatch(channel, req, { transport: 'electron', clientId: `electron:${event.sender.id}` }));
  });

  const closePort = (id: number) => {
    const p = ports.get(id);
    if (!p) return;
    ports.delete(id);
    p.unsubscribe();
    p.port.close();
  };

  const givePort = (contents: WebContents) => {
    closePort(contents.id); // a reloaded page asks again: the old port is dead
    const { port1, port2 } = new MessageChannelMain();
    const ledger = new PushLedger({
      post: (msg) => port1.postMessage(compactTypedArrayViews(msg)),
      droppable: (type) => DROPPABLE_PUSHES.has(type as PushType),
      onOverflow: (bytes, lagMs) =>
        core.ctx.log('warn', 'transport', `electron:${contents.id} is ${(lagMs / 1000).toFixed(0)} s and ${(bytes / 2 ** 20).toFixed(0)} MiB behind on pushes; asking it to resync`),
    });
    const unsubscribe = core.subscribePushes((msg) => void ledger.offer(msg));
    ports.set(contents.id, { port: port1, unsubscribe });
    port1.on('message', (event) => ledger.ack(event.data));
    port1.on('close', () => closePort(contents.id));
    port1.start();
    contents.postMessage(ELECTRON_PORT_DELIVERY, null, [port2]);
    if (!watched.has(contents.id)) {
      watched.add(contents.id);
      const id = contents.id;
      contents.once('destroyed', () => {
        watched.delete(id);
        closePort(id);
      });
    }
  };

  ipc.on(ELECTRON_PORT_REQUEST, (event) => givePort(event.sender));
  const stopDialogs = attachFileDialog(ipc);

  return () => {
    stopChannels();
    stopDialogs();
    for (const channel of core.handlers.channels()) ipc.removeHandler(channel);
    for (const id of [...ports.keys()]) closePort(id);
  };
}
