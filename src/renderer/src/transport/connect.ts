// Picks the transport: the preload's bridge when it is there (Electron), else a WebSocket to the
// origin that served this page (serve mode).
import type { HeartMindClient } from './client';
import { createElectronClient } from './electron-client';
import { createWebSocketClient } from './websocket-client';

export function connectToCore(): HeartMindClient {
  return window.heartmind ? createElectronClient(window.heartmind) : createWebSocketClient();
}
