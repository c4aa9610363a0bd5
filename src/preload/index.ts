// The typed contextBridge API; nothing else lives here. Runs sandboxed (sandbox: true), so only
// 'electron' and the bundled shared code are available.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridgeApi } from './api';
import { ELECTRON_PORT_DELIVERY, MAIN_WORLD_PORT_MESSAGE } from '../shared/ipc/transport-protocol';

const api = createBridgeApi(ipcRenderer, { platform: process.platform, versions: process.versions });

// Main hands the push port to this isolated world; pass it on to the page itself. Posting to our
// own window keeps it inside this page: the port never reaches another origin.
ipcRenderer.on(ELECTRON_PORT_DELIVERY, (event) => {
  const target = window.location.origin === 'null' ? '*' : window.location.origin;
  window.postMessage(MAIN_WORLD_PORT_MESSAGE, target, event.ports);
});

contextBridge.exposeInMainWorld('heartmind', api);

