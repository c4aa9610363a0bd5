// The one message schema between the core (Electron main or `heartmind serve`) and the renderer.
//
// Requests: a channel name ('hm:<area>:<verb>') maps to its request and response types. Electron
// carries them over ipcRenderer.invoke through the preload; serve mode over the WebSocket. Each
// area of the app declares its channels in src/shared/ipc/<area>.schema.ts; this file joins them.
//
// Pushes: the core streams PushMessages to the renderer. Electron sends them over a MessagePort
// (typed arrays transferred, never copied into JSON); serve mode sends the same objects as binary
// WebSocket frames (src/shared/ipc/frame-codec.ts).
import type { PipelineRequests, PipelinePush } from './ipc/pipeline.schema';
import type { SessionRequests, SessionPush } from './ipc/sessions.schema';
import type { DeviceRequests, DevicePush } from './ipc/devices.schema';
import type { ModelRequests, ModelPush } from './ipc/models.schema';
import type { TrainingRequests, TrainingPush } from './ipc/training.schema';

export type RequestMap = PipelineRequests & SessionRequests & DeviceRequests & ModelRequests & TrainingRequests;
export type Channel = keyof RequestMap & `hm:${string}`;
export type RequestOf<C extends Channel> = RequestMap[C] extends { req: infer R } ? R : never;
export type ResponseOf<C extends Channel> = RequestMap[C] extends { res: infer R } ? R : never;

export type PushMessage = PipelinePush | SessionPush | DevicePush | ModelPush | TrainingPush;
export type PushType = PushMessage['type'];

/** Every channel starts with this; the core rejects anything else. */
export const CHANNEL_PREFIX = 'hm:';

/** An error as it crosses a process boundary; rebuilt on the other side with the channel as prefix. */
export interface WireError {
  name: string;
  message: string;
  /** Machine-readable kind, e.g. a DbErrorKind or DeviceProblemCode. */
  kind: string;
  stack?: string;
}
