// Large responses in parts (serve mode). One WebSocket carries both answers and pushes, so a large
// answer (a 40 MB model file) sent as one message would hold every push behind it: windows late,
// trace samples skipped for the backed-up page. The server instead cuts an encoded Response frame
// into parts of RESPONSE_PART_BYTES, sending each once the one before has left, so pushes go out
// in between; the page puts the parts back together and decodes the whole frame as usual.
import { decodeFrame, encodeFrame, FRAME_MAX_BYTES, FrameCodecError, FrameKind, type DecodedFrame } from './frame-codec';

/** Responses up to this size go as one frame; larger ones in parts of this size. */
export const RESPONSE_PART_BYTES = 1024 * 1024;

/** ResponsePart frame body: bytes [index · part, …) of the encoded Response frame for request `id`. */
export interface ResponsePartBody {
  id: number;
  index: number;
  count: number;
  /** Length of the whole encoded Response frame. */
  total: number;
  bytes: Uint8Array;
}

export function responsePartCount(frame: ArrayBuffer, partBytes = RESPONSE_PART_BYTES): number {
  return Math.ceil(frame.byteLength / partBytes);
}

/** Part `index` of the encoded Response `frame`, as a ResponsePart frame. */
export function encodeResponsePart(id: number, frame: ArrayBuffer, index: number, partBytes = RESPONSE_PART_BYTES): ArrayBuffer {
  const start = index * partBytes;
  const bytes = new Uint8Array(frame, start, Math.min(partBytes, frame.byteLength - start));
  return encodeFrame(FrameKind.ResponsePart, { id, index, count: responsePartCount(frame, partBytes), total: frame.byteLength, bytes } satisfies ResponsePartBody);
}

/** Puts parts back together, per request id; parts of one response arrive in order. */
export class ResponseAssembler {
  private readonly open = new Map<number, { buf: Uint8Array; filled: number; next: number; count: number }>();

  /** The decoded Response frame once its last part is in, else null. Throws FrameCodecError('bad-part') on a part that does not fit. */
  add(value: unknown): DecodedFrame | null {
    const p = value as ResponsePartBody;
    const ok =
      p !== null &&
      typeof p === 'object' &&
      [p.id, p.index, p.count, p.total].every(Number.isSafeInteger) &&
      p.bytes instanceof Uint8Array &&
      p.count > 0 &&
      p.index >= 0 &&
      p.index < p.count;
    if (!ok) throw new FrameCodecError('bad-part', 'a response part without id, index, count, total and bytes');
    let a = this.open.get(p.id);
    if (!a) {
      if (p.index !== 0 || p.total <= 0) throw new FrameCodecError('bad-part', `response ${p.id} starts at part ${p.index}`);
      if (p.total > FRAME_MAX_BYTES) throw new FrameCodecError('too-large', `response ${p.id} announces ${p.total} bytes (at most ${FRAME_MAX_BYTES})`);
      a = { buf: new Uint8Array(p.total), filled: 0, next: 0, count: p.count };
      this.open.set(p.id, a);
    }
    if (p.index !== a.next || p.count !== a.count || p.total !== a.buf.length || a.filled + p.bytes.length > a.buf.length) {
      this.open.delete(p.id);
      throw new FrameCodecError('bad-part', `response ${p.id}: part ${p.index} of ${p.count} (${p.bytes.length} bytes) does not follow part ${a.next - 1}`);
    }
    a.buf.set(p.bytes, a.filled);
    a.filled += p.bytes.length;
    a.next++;
    if (a.next < a.count) return null;
    this.open.delete(p.id);
    if (a.filled !== a.buf.length) throw new FrameCodecError('bad-part', `response ${p.id}: ${a.filled} of ${a.buf.length} bytes arrived`);
    const frame = decodeFrame(a.buf);
    if (frame.kind !== FrameKind.Response) throw new FrameCodecError('bad-part', `response ${p.id}: the parts make a frame of kind ${frame.kind}`);
    return frame;
  }

  /** Forgets every response under way (the connection closed). */
  clear(): void {
    this.open.clear();
  }
}
