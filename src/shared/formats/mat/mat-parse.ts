// MATLAB v5 / v6 / v7 .mat reader (the format MATLAB writes with save -v7 and scipy.io.savemat
// writes), no MATLAB needed. Layout: MathWorks "MAT-File Format" (matfile_format.pdf): a 128-byte
// header, then one data element per variable, each an 8-byte tag (type, byte count) followed by
// its bytes; a tag whose upper 16 bits are non-zero is a "small data element" (≤ 4 bytes packed
// in the tag). v7 wraps each variable in an miCOMPRESSED element (a zlib stream, inflated with
// fflate: maintained, pure JS, runs in every runtime src/shared targets).
//
// Untrusted input: every count is checked against the bytes actually present before anything is
// allocated, decompression is capped at the size the element declares (and deflate's 1032:1
// limit), nesting is bounded, and any inconsistency is a FormatError naming the variable path.
import { Unzlib, unzlibSync } from 'fflate';
import { failFor, quote, type FormatErrorCode } from '../format-error';
import { decodeLatin1, decodeUtf8 } from '../text';
import type { MatCell, MatChar, MatFile, MatNumeric, MatNumericArray, MatNumericClass, MatParseOptions, MatSparse, MatStruct, MatValue, MatVariable } from './mat.types';

/** Size of the fixed file header, bytes. */
export const MAT_HEADER_BYTES = 128;
/** Deflate cannot expand data more than about 1032:1 (RFC 1951 maximum); with slack for tiny streams. */
const MAX_INFLATE_RATIO = 1032;
const INFLATE_SLACK_BYTES = 1 << 16;
const DEFAULT_MAX_INFLATED_BYTES = 4 * 2 ** 30;
/** Deeper nesting than this is refused (a crafted file could otherwise exhaust the stack). */
const MAX_DEPTH = 64;

// Data types of elements (miINT8 …) from the format document.
const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15, UTF8: 16, UTF16: 17, UTF32: 18 } as const;
const MI_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8, 16: 1, 17: 2, 18: 4 };
const MI_NAME: Record<number, string> = { 1: 'miINT8', 2: 'miUINT8', 3: 'miINT16', 4: 'miUINT16', 5: 'miINT32', 6: 'miUINT32', 7: 'miSINGLE', 9: 'miDOUBLE', 12: 'miINT64', 13: 'miUINT64', 14: 'miMATRIX', 15: 'miCOMPRESSED', 16: 'miUTF8', 17: 'miUTF16', 18: 'miUTF32' };

// Array classes (mxCELL_CLASS …).
const MX_NUMERIC: Record<number, MatNumericClass> = { 6: 'double', 7: 'single', 8: 'int8', 9: 'uint8', 10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64' };
const MX = { CELL: 1, STRUCT: 2, OBJECT: 3, CHAR: 4, SPARSE: 5, FUNCTION: 16, OPAQUE: 17 } as const;
const MX_OTHER_NAME: Record<number, string> = { 16: 'function_handle', 17: 'opaque (MCOS object: string, table, datetime, …)' };
// Array flags (upper bits of the first flags word).
const FLAG_COMPLEX = 0x0800;
const FLAG_GLOBAL = 0x0400;
const FLAG_LOGICAL = 0x0200;

/** A region of bytes being read: the whole file, or one inflated variable (which we own). */
interface Region {
  bytes: Uint8Array;
  view: DataView;
  le: boolean;
  /** True when `bytes` was allocated by us (inflated), so typed arrays may view it without copying. */
  owned: boolean;
  fail: (code: FormatErrorCode, detail: string) => never;
}

interface Tag {
  type: number;
  /** Byte count of the data. */
  size: number;
  /** Offset of the data. */
  data: number;
  /** Offset of the next element (data padded to 8 bytes). */
  next: number;
}

/**
 * Parses a MATLAB v5-format .mat file (v5, v6, v7 incl. compressed). v7.3 (HDF5) and v4 files
 * are refused with a message saying so. `fileName` only labels error messages.
 */
export function parseMat(bytes: Uint8Array, fileName = 'file.mat', opts: MatParseOptions = {}): MatFile {
  const fail: Region['fail'] = failFor(fileName);
  if (bytes.length === 0) fail('empty', 'the file is empty');
  if (bytes.length < MAT_HEADER_BYTES) fail('not-this-format', `${bytes.length} bytes is too short for a MAT-file header (${MAT_HEADER_BYTES} bytes)`);
  const text = decodeLatin1(bytes, 0, 116).replace(/[\0 ]+$/, '');
  if (text.startsWith('MATLAB 7.3')) {
    fail('unsupported', 'this is a MATLAB v7.3 file (HDF5 inside); re-save it in MATLAB with save(..., \'-v7\') to read it here');
  }
  const endian = decodeLatin1(bytes, 126, 128);
  if (endian !== 'IM' && endian !== 'MI') {
    fail('not-this-format', `not a MATLAB v5 MAT-file (endian indicator ${quote(endian)}, expected "IM" or "MI"; MATLAB v4 files have no such header)`);
  }
  const le = endian === 'IM';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(124, le);
  if (version !== 0x0100) fail('unsupported', `MAT-file header version 0x${version.toString(16)} (only 0x0100, MATLAB v5–v7, is known)`);
  const file: Region = { bytes, view, le, owned: false, fail };
  const wanted = opts.variables ? new Set(opts.variables) : null;
  const maxInflated = opts.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES;
  const variables = new Map<string, MatVariable>();

  let pos = MAT_HEADER_BYTES;
  while (pos < bytes.length) {
    if (bytes.length - pos < 8) {
      // Some writers pad the file end; anything but zeros there is damage.
      if (bytes.subarray(pos).every((b) => b === 0)) break;
      fail('truncated', `${bytes.length - pos} stray bytes at offset ${pos} where a data element tag should start`);
    }
    const type = view.getUint32(pos, le);
    const size = view.getUint32(pos + 4, le);
    const data = pos + 8;
    if (size > bytes.length - data) fail('truncated', `the element at offset ${pos} declares ${size} bytes but only ${bytes.length - data} remain`);
    let variable: MatVariable | null;
    if (type === MI.COMPRESSED) {
      variable = readCompressedVariable(file, data, size, pos, wanted, maxInflated);
      pos = data + size; // compressed elements carry no padding
    } else if (type === MI.MATRIX) {
      variable = readVariable(file, { type, size, data, next: data + size }, wanted);
      pos = Math.min(bytes.length, data + pad8(size));
    } else {
      fail('bad-data', `expected a variable (miMATRIX or miCOMPRESSED) at offset ${pos}, found ${miName(type)}`);
    }
    // The subsystem data block (MCOS object store) is a variable with an empty name: not user data.
    if (variable && variable.name !== '') {
      if (variables.has(variable.name)) fail('bad-data', `variable ${quote(variable.name)} appears twice`);
      variables.set(variable.name, variable);
    }
  }
  return { header: { text, version, littleEndian: le }, variables };
}

function pad8(n: number): number {
  return n + ((8 - (n % 8)) % 8);
}

function miName(type: number): string {
  return MI_NAME[type] ?? `unknown element type ${type}`;
}

/** Inflates one miCOMPRESSED element into a buffer sized by the tag it contains, then reads it. */
function readCompressedVariable(file: Region, data: number, size: number, at: number, wanted: Set<string> | null, maxInflated: number): MatVariable | null {
  const fail: Region['fail'] = file.fail;
  const stream = file.bytes.subarray(data, data + size);
  // 1. Inflate just the start: the inner element's tag (type, declared size) and, when filtering, its name.
  const head = peekInflated(stream, wanted ? 4096 : 8, file, at);
  if (head.length < 8) fail('truncated', `compressed element at offset ${at} inflates to fewer than 8 bytes`);
  const hv = new DataView(head.buffer, head.byteOffset, head.length);
  const innerType = hv.getUint32(0, file.le);
  const innerSize = hv.getUint32(4, file.le);
  if (innerType !== MI.MATRIX) fail('bad-data', `compressed element at offset ${at} holds ${miName(innerType)}, expected miMATRIX`);
  const total = 8 + innerSize;
  // 2. Bound the allocation by the bytes present (and the caller's cap) before making it.
  if (total > size * MAX_INFLATE_RATIO + INFLATE_SLACK_BYTES) {
    fail('too-large', `compressed element at offset ${at} claims to inflate to ${total} bytes, impossible from ${size} compressed bytes`);
  }
  if (total > maxInflated) fail('too-large', `compressed element at offset ${at} inflates to ${total} bytes, over the ${maxInflated}-byte limit`);
  // Skipping an unwanted variable needs its name, which sits right after the flags and dims; to
  // avoid inflating a huge variable only to drop it, peek at the first bytes when filtering.
  if (wanted) {
    const name = peekName(head, file);
    if (name !== null && !wanted.has(name)) return null;
  }
  // 3. Inflate into a buffer one byte longer than declared: a filled last byte means the stream
  // holds more than its tag says (fflate drops writes past the end of a fixed buffer).
  const out = new Uint8Array(total + 1);
  let got: Uint8Array;
  try {
    got = unzlibSync(stream, { out });
  } catch (e) {
    fail('bad-data', `compressed element at offset ${at} is damaged (${(e as Error).message})`);
  }
  if (got.length < total) fail('truncated', `compressed element at offset ${at} inflates to ${got.length} bytes, its tag declares ${total}`);
  if (got.length > total) fail('bad-data', `compressed element at offset ${at} inflates to more than the ${total} bytes its tag declares`);
  const inner = out.subarray(0, total);
  // fflate does not check the zlib stream's Adler-32 (its last 4 bytes, big-endian): damage inside
  // a stored (uncompressed) block, which is what noisy float data often deflates to, would read as
  // changed values without a word. zlib and scipy refuse such a file; so do we.
  if (size >= 4) {
    const want = new DataView(stream.buffer, stream.byteOffset + size - 4, 4).getUint32(0, false);
    if (adler32(inner) !== want) fail('bad-data', `compressed element at offset ${at} is damaged: its data do not match the stream's checksum (Adler-32)`);
  }
  const region: Region = { bytes: inner, view: new DataView(inner.buffer, inner.byteOffset, total), le: file.le, owned: true, fail };
  return readVariable(region, { type: MI.MATRIX, size: innerSize, data: 8, next: total }, wanted);
}

/** Adler-32 (RFC 1950) of `bytes`: sums reduced every 5552 bytes, the most that cannot overflow 2^53 here. */
function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(bytes.length, i + 5552);
    for (; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Inflates the start of a zlib stream: up to `max` bytes (fewer if the stream is shorter). */
function peekInflated(stream: Uint8Array, max: number, file: Region, at: number): Uint8Array {
  const out = new Uint8Array(max);
  let got = 0;
  try {
    const u = new Unzlib((chunk) => {
      const n = Math.min(chunk.length, max - got);
      out.set(chunk.subarray(0, n), got);
      got += n;
    });
    // Small input pieces: each push can expand at most ~1032× its size.
    for (let off = 0; off < stream.length && got < max; off += 1024) u.push(stream.subarray(off, Math.min(stream.length, off + 1024)), false);
  } catch (e) {
    file.fail('bad-data', `compressed element at offset ${at} is not a valid zlib stream (${(e as Error).message})`);
  }
  return out.subarray(0, got);
}

/** The variable name from the first inflated bytes of a variable, or null if they do not reach it. */
function peekName(head: Uint8Array, file: Region): string | null {
  return peekVariableHead(head, file.le)?.name ?? null;
}

/** What the first bytes of a variable tell: its name, array class (mxSTRUCT_CLASS = 2 …) and a struct's field names. */
export interface MatVariableHead {
  name: string;
  mxClass: number;
  /** A struct's field names; null for other classes. */
  fields: string[] | null;
}

/**
 * The name, class and (a struct's) field names of the variable whose miMATRIX element starts
 * `head` (its tag first; the element may run on past `head`), or null where `head` does not reach
 * them or they are not laid out as a variable's: the full read (parseMat) says what is wrong then.
 * For a look at a large file's variables without reading the whole of it.
 */
export function peekVariableHead(head: Uint8Array, le: boolean): MatVariableHead | null {
  const r: Region = { bytes: head, view: new DataView(head.buffer, head.byteOffset, head.length), le, owned: true, fail: failFor('') };
  try {
    if (head.length < 8 || r.view.getUint32(0, le) !== MI.MATRIX) return null;
    const flags = readTag(r, 8, head.length, '');
    const dims = readTag(r, flags.next, head.length, '');
    const nameTag = readTag(r, dims.next, head.length, '');
    const name = decodeLatin1(head, nameTag.data, nameTag.data + nameTag.size).replace(/\0+$/, '');
    const mxClass = r.view.getUint32(flags.data, le) & 0xff;
    if (mxClass !== MX.STRUCT) return { name, mxClass, fields: null };
    const lenTag = readTag(r, nameTag.next, head.length, '');
    const width = r.view.getInt32(lenTag.data, le);
    const namesTag = readTag(r, lenTag.next, head.length, '');
    if (width <= 0) return null;
    const fields: string[] = [];
    for (let a = namesTag.data; a + width <= namesTag.data + namesTag.size; a += width) fields.push(decodeLatin1(head, a, a + width).replace(/\0+$/, ''));
    return { name, mxClass, fields };
  } catch {
    return null;
  }
}

/** Reads the tag at `pos`, checking the data fits before `end`. */
function readTag(r: Region, pos: number, end: number, path: string): Tag {
  if (end - pos < 8) r.fail('truncated', `${path || 'element'}: a tag at offset ${pos} runs past the end of its parent`);
  const w = r.view.getUint32(pos, r.le);
  if (w >>> 16 !== 0) {
    // Small data element: 2 bytes count, 2 bytes type, up to 4 data bytes, all in 8 bytes.
    const size = w >>> 16;
    const type = w & 0xffff;
    if (size > 4) r.fail('bad-data', `${path || 'element'}: small data element at offset ${pos} claims ${size} bytes (at most 4)`);
    return { type, size, data: pos + 4, next: pos + 8 };
  }
  const size = r.view.getUint32(pos + 4, r.le);
  const data = pos + 8;
  if (size > end - data) r.fail('truncated', `${path || 'element'}: ${miName(w)} at offset ${pos} declares ${size} bytes, only ${end - data} remain in its parent`);
  return { type: w, size, data, next: Math.min(end, data + pad8(size)) };
}

function readVariable(r: Region, tag: Tag, wanted: Set<string> | null): MatVariable | null {
  const parsed = readMatrix(r, tag, '', 0, wanted);
  if (!parsed) return null;
  return { name: parsed.name, global: parsed.global, value: parsed.value };
}

interface Parsed {
  name: string;
  global: boolean;
  value: MatValue;
}

/**
 * Reads one miMATRIX element. `path` names it in errors (e.g. DREAMER.Data{2}.EEG). With
 * `wanted` set (top level only), returns null for a variable not asked for.
 */
function readMatrix(r: Region, tag: Tag, path: string, depth: number, wanted: Set<string> | null = null): Parsed | null {
  if (tag.type !== MI.MATRIX) r.fail('bad-data', `${path}: expected miMATRIX, found ${miName(tag.type)}`);
  if (depth > MAX_DEPTH) r.fail('unsupported', `${path}: nested deeper than ${MAX_DEPTH} levels`);
  const end = tag.data + tag.size;
  // An empty miMATRIX (0 bytes) is MATLAB's way of writing [] inside a cell or struct.
  if (tag.size === 0) return { name: '', global: false, value: { kind: 'numeric', class: 'double', dims: [0, 0], real: new Float64Array(0) } };

  const flagsTag = readTag(r, tag.data, end, path);
  if (flagsTag.type !== MI.UINT32 || flagsTag.size !== 8) r.fail('bad-data', `${path}: array flags must be 8 bytes of miUINT32, found ${flagsTag.size} bytes of ${miName(flagsTag.type)}`);
  const flags = r.view.getUint32(flagsTag.data, r.le);
  const mxClass = flags & 0xff;
  const complex = (flags & FLAG_COMPLEX) !== 0;
  const global = (flags & FLAG_GLOBAL) !== 0;
  const logical = (flags & FLAG_LOGICAL) !== 0;

  const dimsTag = readTag(r, flagsTag.next, end, path);
  if (dimsTag.type !== MI.INT32 || dimsTag.size % 4 !== 0 || dimsTag.size < 8) r.fail('bad-data', `${path}: dimensions must be at least two miINT32 values, found ${dimsTag.size} bytes of ${miName(dimsTag.type)}`);
  const dims: number[] = [];
  for (let p = dimsTag.data; p < dimsTag.data + dimsTag.size; p += 4) {
    const d = r.view.getInt32(p, r.le);
    if (d < 0) r.fail('bad-data', `${path}: negative dimension ${d}`);
    dims.push(d);
  }
  const numel = dims.reduce((a, b) => a * b, 1);

  const nameTag = readTag(r, dimsTag.next, end, path);
  if (nameTag.type !== MI.INT8 && nameTag.type !== MI.UINT8) r.fail('bad-data', `${path}: array name must be miINT8, found ${miName(nameTag.type)}`);
  const name = decodeLatin1(r.bytes, nameTag.data, nameTag.data + nameTag.size).replace(/\0+$/, '');
  if (wanted && !wanted.has(name)) return null;
  const here = path || name;
  let p = nameTag.next;

  const numericClass = MX_NUMERIC[mxClass];
  let value: MatValue;
  if (numericClass !== undefined) {
    const realTag = readTag(r, p, end, here);
    const real = readNumbers(r, realTag, numericClass, numel, `${here} (real part)`);
    let imag: MatNumericArray | undefined;
    if (complex) imag = readNumbers(r, readTag(r, realTag.next, end, here), numericClass, numel, `${here} (imaginary part)`);
    if (logical) {
      if (imag) r.fail('bad-data', `${here}: a logical array cannot be complex`);
      value = { kind: 'logical', dims, data: toUint8(real) };
    } else {
      value = imag ? { kind: 'numeric', class: numericClass, dims, real, imag } : { kind: 'numeric', class: numericClass, dims, real };
    }
  } else if (mxClass === MX.CHAR) {
    value = readChar(r, readTag(r, p, end, here), dims, numel, here);
  } else if (mxClass === MX.CELL) {
    value = readCell(r, p, end, dims, numel, here, depth);
  } else if (mxClass === MX.STRUCT || mxClass === MX.OBJECT) {
    let className: string | undefined;
    if (mxClass === MX.OBJECT) {
      const cn = readTag(r, p, end, here);
      className = decodeLatin1(r.bytes, cn.data, cn.data + cn.size).replace(/\0+$/, '');
      p = cn.next;
    }
    value = readStruct(r, p, end, dims, numel, here, depth, className);
  } else if (mxClass === MX.SPARSE) {
    value = readSparse(r, p, end, dims, complex, logical, here);
  } else if (MX_OTHER_NAME[mxClass]) {
    value = { kind: 'unsupported', dims, matlabClass: MX_OTHER_NAME[mxClass] };
  } else {
    r.fail('bad-data', `${here}: unknown array class ${mxClass}`);
  }
  return { name, global, value };
}

// -------------------------------------------------------------------------------------------------
// Numbers

/** Reads `count` numbers stored as `tag.type` into an array of MATLAB class `cls` (MATLAB stores doubles in narrower types when they fit). */
function readNumbers(r: Region, tag: Tag, cls: MatNumericClass, count: number, path: string): MatNumericArray {
  const width = MI_SIZE[tag.type];
  if (width === undefined || tag.type === MI.UTF8 || tag.type === MI.UTF16 || tag.type === MI.UTF32) r.fail('bad-data', `${path}: numbers stored as ${miName(tag.type)}`);
  if (tag.size !== count * width) r.fail('bad-data', `${path}: ${tag.size} bytes of ${miName(tag.type)} for ${count} elements (expected ${count * width})`);
  const stored = storedArray(r, tag.type, tag.data, count);
  if (sameClass(tag.type, cls)) return stored;
  const out = newArray(cls, count);
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
    for (let i = 0; i < count; i++) out[i] = BigInt(Math.trunc(Number(stored[i])));
  } else if (stored instanceof BigInt64Array || stored instanceof BigUint64Array) {
    for (let i = 0; i < count; i++) out[i] = Number(stored[i]);
  } else {
    out.set(stored);
  }
  return out;
}

function sameClass(type: number, cls: MatNumericClass): boolean {
  const natural: Record<MatNumericClass, number> = { double: MI.DOUBLE, single: MI.SINGLE, int8: MI.INT8, uint8: MI.UINT8, int16: MI.INT16, uint16: MI.UINT16, int32: MI.INT32, uint32: MI.UINT32, int64: MI.INT64, uint64: MI.UINT64 };
  return natural[cls] === type;
}

function newArray(cls: MatNumericClass, n: number): MatNumericArray {
  switch (cls) {
    case 'double': return new Float64Array(n);
    case 'single': return new Float32Array(n);
    case 'int8': return new Int8Array(n);
    case 'uint8': return new Uint8Array(n);
    case 'int16': return new Int16Array(n);
    case 'uint16': return new Uint16Array(n);
    case 'int32': return new Int32Array(n);
    case 'uint32': return new Uint32Array(n);
    case 'int64': return new BigInt64Array(n);
    case 'uint64': return new BigUint64Array(n);
  }
}

const CTOR: Record<number, { new (b: ArrayBuffer, o: number, n: number): MatNumericArray; new (n: number): MatNumericArray }> = {
  [MI.INT8]: Int8Array, [MI.UINT8]: Uint8Array, [MI.INT16]: Int16Array, [MI.UINT16]: Uint16Array, [MI.INT32]: Int32Array,
  [MI.UINT32]: Uint32Array, [MI.SINGLE]: Float32Array, [MI.DOUBLE]: Float64Array, [MI.INT64]: BigInt64Array, [MI.UINT64]: BigUint64Array,
  [MI.UTF8]: Uint8Array, [MI.UTF16]: Uint16Array, [MI.UTF32]: Uint32Array,
};

/** The stored values as a typed array of the stored type: a view into inflated data when aligned and little-endian, else a copy. */
function storedArray(r: Region, type: number, at: number, count: number): MatNumericArray {
  const Ctor = CTOR[type];
  const width = MI_SIZE[type];
  const abs = r.bytes.byteOffset + at;
  if (r.le || width === 1) {
    if (r.owned && abs % width === 0) return new Ctor(r.bytes.buffer as ArrayBuffer, abs, count);
    return new Ctor((r.bytes.buffer as ArrayBuffer).slice(abs, abs + count * width), 0, count);
  }
  // Big-endian file: read element by element through the DataView.
  const out = new Ctor(count);
  const v = r.view;
  for (let i = 0, p = at; i < count; i++, p += width) {
    switch (type) {
      case MI.INT16: out[i] = v.getInt16(p, false); break;
      case MI.UINT16: case MI.UTF16: out[i] = v.getUint16(p, false); break;
      case MI.INT32: out[i] = v.getInt32(p, false); break;
      case MI.UINT32: case MI.UTF32: out[i] = v.getUint32(p, false); break;
      case MI.SINGLE: out[i] = v.getFloat32(p, false); break;
      case MI.DOUBLE: out[i] = v.getFloat64(p, false); break;
      case MI.INT64: (out as BigInt64Array)[i] = v.getBigInt64(p, false); break;
      case MI.UINT64: (out as BigUint64Array)[i] = v.getBigUint64(p, false); break;
    }
  }
  return out;
}

function toUint8(a: MatNumericArray): Uint8Array {
  if (a instanceof Uint8Array) return a;
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ? 1 : 0;
  return out;
}

// -------------------------------------------------------------------------------------------------
// Char, cell, struct, sparse

function readChar(r: Region, tag: Tag, dims: number[], numel: number, path: string): MatChar {
  let units: number[];
  if (tag.type === MI.UTF8) {
    const s = decodeUtf8(r.bytes, tag.data, tag.data + tag.size);
    units = Array.from(s, (ch) => ch.codePointAt(0)!);
  } else if (tag.type === MI.UTF16 || tag.type === MI.UINT16 || tag.type === MI.UINT8 || tag.type === MI.INT8 || tag.type === MI.UTF32 || tag.type === MI.UINT32) {
    const w = MI_SIZE[tag.type];
    if (tag.size % w !== 0) r.fail('bad-data', `${path}: ${tag.size} bytes is not a whole number of ${miName(tag.type)} characters`);
    const a = storedArray(r, tag.type, tag.data, tag.size / w);
    units = Array.from(a as ArrayLike<number>, (u) => (u < 0 ? u + 256 : u));
  } else {
    r.fail('bad-data', `${path}: characters stored as ${miName(tag.type)}`);
  }
  if (units.length !== numel) r.fail('bad-data', `${path}: ${units.length} characters for a ${dims.join('×')} char array`);
  const nRows = dims[0];
  const perRow = nRows === 0 ? 0 : numel / nRows;
  const rows: string[] = [];
  for (let i = 0; i < nRows; i++) {
    let s = '';
    for (let j = 0; j < perRow; j++) s += String.fromCodePoint(units[i + j * nRows]);
    rows.push(s);
  }
  return { kind: 'char', dims, rows };
}

function readCell(r: Region, start: number, end: number, dims: number[], numel: number, path: string, depth: number): MatCell {
  // Each cell is at least an 8-byte tag: refuse counts the bytes cannot hold before allocating.
  if (numel > (end - start) / 8) r.fail('truncated', `${path}: ${dims.join('×')} cell array needs more bytes than its element holds`);
  const cells: MatValue[] = [];
  let p = start;
  for (let i = 0; i < numel; i++) {
    const t = readTag(r, p, end, path);
    cells.push(readMatrix(r, t, `${path}{${i + 1}}`, depth + 1)!.value);
    p = t.next;
  }
  return { kind: 'cell', dims, cells };
}

function readStruct(r: Region, start: number, end: number, dims: number[], numel: number, path: string, depth: number, className?: string): MatStruct {
  const lenTag = readTag(r, start, end, path);
  if (lenTag.type !== MI.INT32 || lenTag.size !== 4) r.fail('bad-data', `${path}: struct field-name length must be one miINT32`);
  const nameLen = r.view.getInt32(lenTag.data, r.le);
  const namesTag = readTag(r, lenTag.next, end, path);
  if (namesTag.type !== MI.INT8 && namesTag.type !== MI.UINT8) r.fail('bad-data', `${path}: struct field names must be miINT8, found ${miName(namesTag.type)}`);
  if (nameLen <= 0 ? namesTag.size !== 0 : namesTag.size % nameLen !== 0) r.fail('bad-data', `${path}: ${namesTag.size} bytes of field names is not a multiple of the name length ${nameLen}`);
  const nFields = nameLen <= 0 ? 0 : namesTag.size / nameLen;
  const fieldNames: string[] = [];
  for (let f = 0; f < nFields; f++) {
    const a = namesTag.data + f * nameLen;
    let b = a;
    while (b < a + nameLen && r.bytes[b] !== 0) b++;
    fieldNames.push(decodeLatin1(r.bytes, a, b));
  }
  if (new Set(fieldNames).size !== fieldNames.length) r.fail('bad-data', `${path}: repeated struct field name`);
  let p = namesTag.next;
  if (numel * nFields > (end - p) / 8) r.fail('truncated', `${path}: ${dims.join('×')} struct with ${nFields} fields needs more bytes than its element holds`);
  const elements: Map<string, MatValue>[] = [];
  for (let i = 0; i < numel; i++) {
    const el = new Map<string, MatValue>();
    const at = numel === 1 ? '' : `(${i + 1})`;
    for (const fname of fieldNames) {
      const t = readTag(r, p, end, path);
      el.set(fname, readMatrix(r, t, `${path}${at}.${fname}`, depth + 1)!.value);
      p = t.next;
    }
    elements.push(el);
  }
  return className === undefined ? { kind: 'struct', dims, fieldNames, elements } : { kind: 'struct', dims, fieldNames, elements, className };
}

function readSparse(r: Region, start: number, end: number, dims: number[], complex: boolean, logical: boolean, path: string): MatSparse {
  if (dims.length !== 2) r.fail('bad-data', `${path}: a sparse array must be 2-D, has dims ${dims.join('×')}`);
  const [rows, cols] = dims;
  const irTag = readTag(r, start, end, path);
  const jcTag = readTag(r, irTag.next, end, path);
  if (irTag.type !== MI.INT32 || jcTag.type !== MI.INT32 || irTag.size % 4 !== 0) r.fail('bad-data', `${path}: sparse row/column indices must be miINT32`);
  if (jcTag.size !== 4 * (cols + 1)) r.fail('bad-data', `${path}: sparse column index has ${jcTag.size / 4} entries, expected ${cols + 1}`);
  const ir = storedArray(r, MI.INT32, irTag.data, irTag.size / 4) as Int32Array;
  const jc = storedArray(r, MI.INT32, jcTag.data, cols + 1) as Int32Array;
  const nnz = jc[cols];
  if (jc[0] !== 0 || nnz > ir.length) r.fail('bad-data', `${path}: sparse column index does not fit its ${ir.length} row indices`);
  for (let j = 0; j < cols; j++) if (jc[j + 1] < jc[j]) r.fail('bad-data', `${path}: sparse column index decreases at column ${j + 1}`);
  for (let k = 0; k < nnz; k++) if (ir[k] < 0 || ir[k] >= rows) r.fail('bad-data', `${path}: sparse row index ${ir[k]} outside 0..${rows - 1}`);
  const readValues = (t: Tag, what: string): Float64Array => {
    const w = MI_SIZE[t.type];
    if (w === undefined || t.size % w !== 0 || t.size / w < nnz) r.fail('bad-data', `${path}: sparse ${what} holds ${t.size} bytes of ${miName(t.type)} for ${nnz} non-zeros`);
    return readNumbers(r, { ...t, size: nnz * w }, 'double', nnz, `${path} (${what})`) as Float64Array;
  };
  const prTag = readTag(r, jcTag.next, end, path);
  const real = readValues(prTag, 'values');
  const imag = complex ? readValues(readTag(r, prTag.next, end, path), 'imaginary values') : undefined;
  return imag
    ? { kind: 'sparse', dims, rowIndices: ir.slice(0, nnz), colStarts: jc, real, imag, logical }
    : { kind: 'sparse', dims, rowIndices: ir.slice(0, nnz), colStarts: jc, real, logical };
}
