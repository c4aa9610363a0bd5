// The bridge object the preload exposes as window.heartmind. Built from the IPC schema so its
// types follow the schema: `invoke` takes a channel and that channel's request type and answers
// with that channel's response type (in an Envelope: contextBridge drops an error's kind and
// stack, so failures travel as data and the renderer rebuilds them).
//
// This file imports no Electron (so the renderer's tsconfig can see its types without Node's);
// index.ts hands it ipcRenderer.
import type { Channel, ResponseOf } from '../shared/ipc-schema';
import type { Envelope } from '../shared/ipc/wire-error';
import { ELECTRON_PORT_REQUEST, type RequestArgs } from '../shared/ipc/transport-protocol';
import { ELECTRON_PICK_PATH, type PickPathRequest } from '../shared/ipc/pick-path';

/** The parts of ipcRenderer the bridge uses. */
export interface BridgeIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
}

export function createBridgeApi(ipc: BridgeIpc, info: { platform: string; versions: Record<string, string | undefined> }) {
  return {
    /** Calls a core handler. Resolves with its envelope (never rejects for a handler's failure). */
    invoke<C extends Channel>(channel: C, ...args: RequestArgs<C>): Promise<Envelope<ResponseOf<C>>> {
      return ipc.invoke(channel, args[0]) as Promise<Envelope<ResponseOf<C>>>;
    },
    /**
     * Asks main for a push port. It arrives as a window 'message' event whose data is
     * MAIN_WORLD_PORT_MESSAGE with the MessagePort in `ports` (ports cannot cross contextBridge).
     */
    requestPushPort(): void {
      ipc.send(ELECTRON_PORT_REQUEST);
    },
    /** Shows a native file or folder dialog; resolves with the chosen path, or null if cancelled. */
    pickPath(req: PickPathRequest): Promise<Envelope<string | null>> {
      return ipc.invoke(ELECTRON_PICK_PATH, req) as Promise<Envelope<string | null>>;
    },
    platform: info.platform,
    versions: { electron: info.versions.electron, chrome: info.versions.chrome },
  };
}

export type BridgeApi = ReturnType<typeof createBridgeApi>;
