// Errors and results as they cross from the core to the renderer (Electron IPC or WebSocket).
//
// A thrown error cannot cross a process boundary whole: Electron keeps only its message, and
// contextBridge drops own properties. So every request answers with an Envelope, and a failure
// travels as a WireError {name, message, kind, stack} that the caller rebuilds into a RemoteError
// whose message starts with the channel (the Signal Desktop pattern, STYLE.md).
import type { WireError } from '../ipc-schema';

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** Kinds the transport itself produces; areas add their own (a DbErrorKind, a DeviceProblemCode...). */
export type TransportErrorKind =
  | 'bad-channel' // not 'hm:'-prefixed or not registered
  | 'forbidden-sender' // a frame or origin that is not our own renderer
  | 'bad-request' // the request failed the channel's validation
  | 'disconnected' // the core went away before answering
  | 'timeout'
  | 'internal'; // an error without a kind of its own

/**
 * The error a caller sees when the core's handler failed. `kind` is the machine-readable reason
 * (the thrower's `code`, or a TransportErrorKind); the message is prefixed with the channel.
 */
export class RemoteError extends Error {
  constructor(
    readonly channel: string,
    readonly kind: string,
    message: string,
    name = 'RemoteError',
    remoteStack?: string,
  ) {
    super(`${channel}: ${message}`);
    this.name = name;
    if (remoteStack) this.stack = `${this.name}: ${this.message}\n    --- in the core ---\n${remoteStack.split('\n').slice(1).join('\n')}`;
  }
}

/** Turns anything thrown into a WireError. An error's string `code` becomes its kind. */
export function toWireError(err: unknown, fallbackKind: string = 'internal'): WireError {
  if (err instanceof RemoteError) return { name: err.name, message: err.message, kind: err.kind, stack: err.stack };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const kind = (err as { kind?: unknown }).kind;
    return {
      name: err.name,
      message: err.message,
      kind: typeof kind === 'string' ? kind : typeof code === 'string' ? code : fallbackKind,
      stack: err.stack,
    };
  }
  return { name: 'Error', message: typeof err === 'string' ? err : safeString(err), kind: fallbackKind };
}

export function fromWireError(channel: string, wire: WireError): RemoteError {
  return new RemoteError(channel, wire.kind, wire.message, wire.name, wire.stack);
}

/** Unwraps an envelope: its value, or throws the rebuilt error. */
export function unwrapEnvelope<T>(channel: string, envelope: Envelope<T>): T {
  if (envelope && envelope.ok === true) return envelope.value;
  if (envelope && envelope.ok === false && envelope.error) throw fromWireError(channel, envelope.error);
  throw new RemoteError(channel, 'internal', `malformed answer ${safeString(envelope)}`);
}

function safeString(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 200 ? s.slice(0, 200) + '…' : s;
  } catch {
    return String(v);
  }
}
