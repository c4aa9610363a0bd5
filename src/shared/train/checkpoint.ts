// The checkpoint file of a training run (.hmck): named float32 tensors in groups (parameters,
// optimiser moments) plus a JSON header with the step, the configuration and anything the loop
// needs to resume. One binary file, written atomically by the run store; a CRC-32 over every byte
// catches a file cut short by a crash or damaged on disk, so a bad checkpoint is refused with a
// message instead of resuming from garbage.
//
//   "HMCKPT01" | u32 header length | header JSON (UTF-8) | pad to 4 | float32 data | u32 CRC-32
import { decodeUtf8, encodeUtf8 } from '../formats/text';
import type { HostTensor } from '../model/model.types';
import { TrainError, TrainErrorCode } from './train.types';

export const CHECKPOINT_MAGIC = 'HMCKPT01';
export const CHECKPOINT_FORMAT = 'heartmind-checkpoint/1';
export const CHECKPOINT_EXT = '.hmck';

export type TensorGroups = Record<string, Record<string, HostTensor>>;

export interface Checkpoint<M = Record<string, unknown>> {
  /** What the run was doing: 'pretrain', 'finetune'… */
  kind: string;
  /** Free-form JSON: step, epoch, config, best metric… */
  meta: M;
  groups: TensorGroups;
}

interface TensorEntry {
  group: string;
  name: string;
  shape: number[];
  /** Offset in float32 elements from the start of the data block. */
  offset: number;
}

interface Header {
  format: typeof CHECKPOINT_FORMAT;
  kind: string;
  meta: unknown;
  tensors: TensorEntry[];
  /** float32 elements in the data block. */
  elements: number;
}

let CRC_TABLE: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3, the zip/PNG polynomial). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Serialises a checkpoint. Tensor data must be finite (a NaN parameter is never written). */
export function encodeCheckpoint(ck: Checkpoint<unknown>): Uint8Array {
  const tensors: TensorEntry[] = [];
  let elements = 0;
  for (const [group, r] of Object.entries(ck.groups)) {
    for (const [name, t] of Object.entries(r)) {
      const n = t.shape.reduce((a, b) => a * b, 1);
      if (n !== t.data.length) throw new TrainError(TrainErrorCode.BadConfig, `checkpoint tensor ${group}/${name}: shape [${t.shape}] holds ${n} values, data has ${t.data.length}`);
      for (let i = 0; i < t.data.length; i++) {
        if (!Number.isFinite(t.data[i])) throw new TrainError(TrainErrorCode.NanLoss, `checkpoint tensor ${group}/${name} holds ${t.data[i]} at ${i}: not written`);
      }
      tensors.push({ group, name, shape: [...t.shape], offset: elements });
      elements += n;
    }
  }
  const header: Header = { format: CHECKPOINT_FORMAT, kind: ck.kind, meta: ck.meta, tensors, elements };
  const json = encodeUtf8(JSON.stringify(header));
  const headStart = 12;
  const dataStart = Math.ceil((headStart + json.length) / 4) * 4;
  const total = dataStart + elements * 4 + 4;
  const out = new Uint8Array(total);
  for (let i = 0; i < 8; i++) out[i] = CHECKPOINT_MAGIC.charCodeAt(i);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, json.length, true);
  out.set(json, headStart);
  const data = new Float32Array(out.buffer, dataStart, elements);
  for (const e of tensors) {
    const src = ck.groups[e.group][e.name].data;
    if (littleEndian) data.set(src, e.offset);
    else for (let i = 0; i < src.length; i++) dv.setFloat32(dataStart + (e.offset + i) * 4, src[i], true);
  }
  dv.setUint32(total - 4, crc32(out.subarray(0, total - 4)), true);
  return out;
}

function corrupt(name: string, why: string): TrainError {
  return new TrainError(TrainErrorCode.CorruptCheckpoint, `${name} is not a usable checkpoint: ${why}`);
}

/** Reads a checkpoint; throws TrainError(CorruptCheckpoint) naming the file and the problem. */
export function decodeCheckpoint<M = Record<string, unknown>>(bytes: Uint8Array, name = 'checkpoint'): Checkpoint<M> {
  if (bytes.length < 16) throw corrupt(name, `only ${bytes.length} bytes`);
  for (let i = 0; i < 8; i++) if (bytes[i] !== CHECKPOINT_MAGIC.charCodeAt(i)) throw corrupt(name, 'it does not start with the HeartMind checkpoint signature');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = dv.getUint32(bytes.length - 4, true);
  const actual = crc32(bytes.subarray(0, bytes.length - 4));
  if (stored !== actual) throw corrupt(name, 'its CRC-32 does not match (the file was cut short or damaged)');
  const jsonLen = dv.getUint32(8, true);
  if (12 + jsonLen > bytes.length - 4) throw corrupt(name, 'the header runs past the end of the file');
  let header: Header;
  try {
    header = JSON.parse(decodeUtf8(bytes, 12, 12 + jsonLen)) as Header;
  } catch (e) {
    throw corrupt(name, `the header is not JSON (${(e as Error).message})`);
  }
  if (header.format !== CHECKPOINT_FORMAT || !Array.isArray(header.tensors)) throw corrupt(name, `unknown format '${String(header.format)}'`);
  const dataStart = Math.ceil((12 + jsonLen) / 4) * 4;
  if (dataStart + header.elements * 4 + 4 !== bytes.length) throw corrupt(name, `the data block holds ${(bytes.length - 4 - dataStart) / 4} values, the header says ${header.elements}`);
  const groups: TensorGroups = {};
  for (const e of header.tensors) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    if (!(e.offset >= 0 && e.offset + n <= header.elements)) throw corrupt(name, `tensor ${e.group}/${e.name} lies outside the data block`);
    const at = dataStart + e.offset * 4;
    let data: Float32Array;
    if (littleEndian) data = new Float32Array(bytes.slice(at, at + n * 4).buffer);
    else {
      data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = dv.getFloat32(at + i * 4, true);
    }
    (groups[e.group] ??= {})[e.name] = { shape: e.shape, data };
  }
  return { kind: header.kind, meta: header.meta as M, groups };
}
