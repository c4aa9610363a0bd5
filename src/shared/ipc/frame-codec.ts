// The binary frame every serve-mode WebSocket message travels in (pushes, requests, responses).
//
// A message is any JSON-shaped value that may also hold typed arrays and non-finite numbers (a
// heart rate is NaN until enough beats). JSON alone would turn a Float32Array of 32 000 samples
// into 300 kB of text and NaN into null; this codec keeps the small, irregular part as JSON and
// moves every typed array into an aligned binary payload, so the receiver gets typed-array views
// over the frame's own buffer without parsing or copying a sample.
//
// Layout (little-endian):
//   0   4  magic 'HMF1'
//   4   1  version (FRAME_VERSION)
//   5   1  kind (FrameKind)
//   6   2  typed-array count n
//   8   4  JSON byte length
//   12  4  payload byte length
//   16  12·n array table: u8 element type, 3 bytes zero, u32 payload offset, u32 element count
//   ..     JSON (UTF-8); typed arrays appear as {"$ta":i}, non-finite numbers as {"$num":"NaN"}
//   ..     zero padding to a multiple of 8, then the payload; each array starts 8-aligned.
//
// Decoding trusts nothing: every length and offset is bounds-checked, and any problem throws a
// FrameCodecError whose code and message name it.
import { CodedError } from '../coded-error';

export const FRAME_MAGIC = 0x3146_4d48; // 'HMF1' read as a little-endian u32
export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 16;
export const FRAME_ARRAY_ENTRY_BYTES = 12;
/** Refuse frames larger than this (a window of 64 ch × 10 s × 200 Hz is 0.5 MB). */
export const FRAME_MAX_BYTES = 64 * 1024 * 1024;
const ALIGN_BYTES = 8;

export enum FrameKind {
  Push = 1,
  Request = 2,
  Response = 3,
  /** One part of a large Response (response-parts.ts). */
  ResponsePart = 4,
  /** A window as what is new since the previous one (window-delta.ts). */
  WindowDelta = 5,
}

export type FrameCodecErrorCode =
  | 'too-short' // fewer bytes than the header or the lengths it declares
  | 'too-large' // over FRAME_MAX_BYTES
  | 'bad-magic' // not a HeartMind frame at all
  | 'bad-version' // a frame from a newer or older codec
  | 'bad-kind'
  | 'bad-array-table' // unknown element type, misaligned or out-of-bounds array
  | 'bad-json' // the JSON part does not parse
  | 'bad-reference' // JSON refers to an array or number marker that does not exist
  | 'bad-part' // a response part that does not fit the parts before it
  | 'unsupported-value'; // the sender tried to encode something the codec cannot carry

export class FrameCodecError extends CodedError<FrameCodecErrorCode> {
  override readonly name = 'FrameCodecError';
  constructor(code: FrameCodecErrorCode, detail: string) {
    super(code, `frame-codec: ${code}: ${detail}`);
  }
}

export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

type TypedArrayCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => TypedArray;

// Element type codes are part of the wire format: never renumber.
const ELEMENT_TYPES: readonly (readonly [code: number, ctor: TypedArrayCtor & { BYTES_PER_ELEMENT: number }])[] = [
  [1, Int8Array],
  [2, Uint8Array],
  [3, Uint8ClampedArray],
  [4, Int16Array],
  [5, Uint16Array],
  [6, Int32Array],
  [7, Uint32Array],
  [8, Float32Array],
  [9, Float64Array],
];
const CTOR_BY_CODE = new Map(ELEMENT_TYPES.map(([code, ctor]) => [code, ctor]));

function codeOf(a: TypedArray): number {
  for (const [code, ctor] of ELEMENT_TYPES) if (a.constructor === ctor) return code;
  throw new FrameCodecError('unsupported-value', `typed array ${a.constructor.name} is not carried`);
}

export function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && !isBigIntArray(v);
}

function isBigIntArray(v: ArrayBufferView): boolean {
  return (
    (typeof BigInt64Array !== 'undefined' && v instanceof BigInt64Array) ||
    (typeof BigUint64Array !== 'undefined' && v instanceof BigUint64Array)
  );
}

const TA_KEY = '$ta';
const NUM_KEY = '$num';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

const pad = (n: number) => (n + ALIGN_BYTES - 1) & ~(ALIGN_BYTES - 1);

/** Encodes one message into a fresh ArrayBuffer (exactly the frame's length). */
export function encodeFrame(kind: FrameKind, value: unknown): ArrayBuffer {
  if (!(kind in FrameKind)) throw new FrameCodecError('bad-kind', `cannot encode kind ${String(kind)}`);
  const arrays: TypedArray[] = [];
  const json = JSON.stringify(value === undefined ? null : value, function (this: unknown, key: string, v: unknown) {
    // `this[key]` is the value before toJSON, so Dates and other class instances are caught too.
    const raw = (this as Record<string, unknown>)[key];
    if (typeof v === 'number') return Number.isFinite(v) ? v : { [NUM_KEY]: String(v) };
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'bigint') throw new FrameCodecError('unsupported-value', `bigint at "${key}"`);
      if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && Object.getPrototypeOf(raw) !== Object.prototype) {
        throw new FrameCodecError('unsupported-value', `${(raw as object).constructor?.name ?? 'object'} at "${key}"`);
      }
      return v;
    }
    if (isTypedArray(v)) {
      arrays.push(v);
      return { [TA_KEY]: arrays.length - 1 };
    }
    if (Array.isArray(v)) return v;
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      throw new FrameCodecError('unsupported-value', `${(v as object).constructor?.name ?? 'object'} at "${key}" (plain objects, arrays and typed arrays only)`);
    }
    if (Object.prototype.hasOwnProperty.call(v, TA_KEY) || Object.prototype.hasOwnProperty.call(v, NUM_KEY)) {
      throw new FrameCodecError('unsupported-value', `an object at "${key}" uses the reserved key ${TA_KEY} or ${NUM_KEY}`);
    }
    return v;
  });
  if (arrays.length > 0xffff) throw new FrameCodecError('unsupported-value', `${arrays.length} typed arrays (max 65535)`);
  const jsonBytes = encoder.encode(json);
  const tableEnd = FRAME_HEADER_BYTES + arrays.length * FRAME_ARRAY_ENTRY_BYTES;
  const payloadStart = pad(tableEnd + jsonBytes.length);
  const offsets: number[] = [];
  let payloadBytes = 0;
  for (const a of arrays) {
    offsets.push(payloadBytes);
    payloadBytes = pad(payloadBytes + a.byteLength);
  }
  const total = payloadStart + payloadBytes;
  if (total > FRAME_MAX_BYTES) throw new FrameCodecError('too-large', `${total} bytes (max ${FRAME_MAX_BYTES})`);

  const buf = new ArrayBuffer(total);
  const view = new DataView(buf);
  const bytes = new Uint8Array(buf);
  view.setUint32(0, FRAME_MAGIC, true);
  view.setUint8(4, FRAME_VERSION);
  view.setUint8(5, kind);
  view.setUint16(6, arrays.length, true);
  view.setUint32(8, jsonBytes.length, true);
  view.setUint32(12, payloadBytes, true);
  arrays.forEach((a, i) => {
    const at = FRAME_HEADER_BYTES + i * FRAME_ARRAY_ENTRY_BYTES;
    view.setUint8(at, codeOf(a));
    view.setUint32(at + 4, offsets[i], true);
    view.setUint32(at + 8, a.length, true);
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), payloadStart + offsets[i]);
  });
  bytes.set(jsonBytes, tableEnd);
  return buf;
}

export interface DecodedFrame {
  kind: FrameKind;
  value: unknown;
}

/**
 * Decodes one frame. Typed arrays in the result are views over `input`'s memory when it is
 * suitably aligned (the usual case for a WebSocket ArrayBuffer), copies otherwise.
 */
export function decodeFrame(input: ArrayBuffer | ArrayBufferView): DecodedFrame {
  const bytes =
    input instanceof ArrayBuffer
      ? new Uint8Array(input)
      : ArrayBuffer.isView(input)
        ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
        : null;
  if (!bytes) throw new FrameCodecError('unsupported-value', `expected bytes, got ${typeof input}`);
  if (bytes.length < FRAME_HEADER_BYTES) throw new FrameCodecError('too-short', `${bytes.length} bytes, a header needs ${FRAME_HEADER_BYTES}`);
  if (bytes.length > FRAME_MAX_BYTES) throw new FrameCodecError('too-large', `${bytes.length} bytes (max ${FRAME_MAX_BYTES})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  if (magic !== FRAME_MAGIC) throw new FrameCodecError('bad-magic', `expected 0x${FRAME_MAGIC.toString(16)}, got 0x${magic.toString(16).padStart(8, '0')}`);
  const version = view.getUint8(4);
  if (version !== FRAME_VERSION) throw new FrameCodecError('bad-version', `frame version ${version}, this build reads ${FRAME_VERSION}`);
  const kind = view.getUint8(5);
  if (!(kind in FrameKind)) throw new FrameCodecError('bad-kind', `unknown frame kind ${kind}`);
  const count = view.getUint16(6, true);
  const jsonLength = view.getUint32(8, true);
  const payloadBytes = view.getUint32(12, true);
  const tableEnd = FRAME_HEADER_BYTES + count * FRAME_ARRAY_ENTRY_BYTES;
  const payloadStart = pad(tableEnd + jsonLength);
  if (payloadStart + payloadBytes !== bytes.length) {
    throw new FrameCodecError(
      payloadStart + payloadBytes > bytes.length ? 'too-short' : 'bad-array-table',
      `header declares ${payloadStart + payloadBytes} bytes, frame has ${bytes.length}`,
    );
  }

  const arrays: TypedArray[] = [];
  for (let i = 0; i < count; i++) {
    const at = FRAME_HEADER_BYTES + i * FRAME_ARRAY_ENTRY_BYTES;
    const code = view.getUint8(at);
    const ctor = CTOR_BY_CODE.get(code);
    if (!ctor) throw new FrameCodecError('bad-array-table', `array ${i}: unknown element type ${code}`);
    const offset = view.getUint32(at + 4, true);
    const length = view.getUint32(at + 8, true);
    const byteLength = length * ctor.BYTES_PER_ELEMENT;
    if (offset % ALIGN_BYTES !== 0) throw new FrameCodecError('bad-array-table', `array ${i}: offset ${offset} is not ${ALIGN_BYTES}-aligned`);
    if (offset + byteLength > payloadBytes) {
      throw new FrameCodecError('bad-array-table', `array ${i}: ${byteLength} bytes at ${offset} overrun the ${payloadBytes}-byte payload`);
    }
    const start = bytes.byteOffset + payloadStart + offset;
    arrays.push(
      start % ctor.BYTES_PER_ELEMENT === 0
        ? new ctor(bytes.buffer, start, length)
        : new ctor(bytes.slice(payloadStart + offset, payloadStart + offset + byteLength).buffer, 0, length),
    );
  }

  let text: string;
  try {
    text = decoder.decode(bytes.subarray(tableEnd, tableEnd + jsonLength));
  } catch {
    throw new FrameCodecError('bad-json', 'the JSON part is not valid UTF-8');
  }
  let value: unknown;
  const used = new Set<number>();
  try {
    value = JSON.parse(text, (_key, v: unknown) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
      const o = v as Record<string, unknown>;
      if (TA_KEY in o) {
        const i = o[TA_KEY];
        if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= arrays.length) {
          throw new FrameCodecError('bad-reference', `typed array reference ${JSON.stringify(i)} (frame has ${arrays.length})`);
        }
        used.add(i);
        return arrays[i];
      }
      if (NUM_KEY in o) {
        const s = o[NUM_KEY];
        if (s === 'NaN') return NaN;
        if (s === 'Infinity') return Infinity;
        if (s === '-Infinity') return -Infinity;
        throw new FrameCodecError('bad-reference', `number marker ${JSON.stringify(s)}`);
      }
      return v;
    });
  } catch (err) {
    if (err instanceof FrameCodecError) throw err;
    throw new FrameCodecError('bad-json', (err as Error).message);
  }
  if (used.size !== arrays.length) throw new FrameCodecError('bad-reference', `${arrays.length - used.size} typed arrays are never referenced`);
  return { kind: kind as FrameKind, value };
}
