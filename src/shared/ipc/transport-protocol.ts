// How requests and pushes are framed on the two transports. Both carry the same objects: the
// request/response types of ipc-schema.ts and its PushMessages.
//
// Electron: requests go through ipcRenderer.invoke(channel, req) and answer with an Envelope;
// pushes arrive on a MessagePort (MessageChannelMain) that main hands to the preload, which passes
// it on to the page. Serve mode: one WebSocket at WS_PATH; every message is a binary frame
// (frame-codec.ts) of kind Request, Response or Push.
import type { Channel, RequestOf } from '../ipc-schema';
import type { Envelope } from './wire-error';

/** The WebSocket endpoint of serve mode, on the same origin as the page. */
export const WS_PATH = '/ws';

/** Request frame body (FrameKind.Request). `id` is unique per connection and echoed back. */
export interface RequestFrameBody {
  id: number;
  channel: string;
  req: unknown;
}

/** Response frame body (FrameKind.Response). */
export interface ResponseFrameBody {
  id: number;
  answer: Envelope<unknown>;
}

/** Renderer → main (ipcRenderer.send): "give this page a push port". */
export const ELECTRON_PORT_REQUEST = 'hm:transport:port-request';
/** Main → preload (webContents.postMessage, with the port in `ports`). */
export const ELECTRON_PORT_DELIVERY = 'hm:transport:port';
/** Preload → page (window.postMessage, with the port): the message's `data`. */
export const MAIN_WORLD_PORT_MESSAGE = 'heartmind:push-port';

/** The arguments after the channel: none for a channel whose request is void, else its request. */
export type RequestArgs<C extends Channel> = [RequestOf<C>] extends [void] ? [] : [req: RequestOf<C>];
