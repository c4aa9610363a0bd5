// XDF chunk reader. Bounded like every parser here: a chunk's declared length, a sample count or a
// channel count is checked against the bytes present before anything is allocated. Like pyxdf,
// it survives damage: a corrupt chunk is skipped to the next Boundary chunk, and a file cut short
// (a recorder killed mid-write) keeps every complete chunk, each with a warning.
import { failFor, quote, type Fail } from '../format-error';
import { decodeUtf8 } from '../text';
import { child, childText, parseXml, type XmlElement } from './xml-lite';
import { XDF_CHANNEL_FORMATS, type XdfChannelFormat, type XdfClockOffset, type XdfFile, type XdfStream, type XdfStreamInfo } from './xdf.types';

const BOUNDARY = [0x43, 0xa5, 0x46, 0xdc, 0xcb, 0xf5, 0x41, 0x0f, 0xb3, 0x0e, 0xd5, 0x46, 0x73, 0x83, 0xcb, 0xe4];
const VALUE_BYTES: Record<XdfChannelFormat, number> = { float32: 4, double64: 8, string: 0, int8: 1, int16: 2, int32: 4, int64: 8 };
/** Upper bound on channels per stream (LSL has no limit; this is far above any real device). */
const MAX_CHANNELS = 65_536;

class ChunkError extends Error {}

interface Accumulator {
  info: XdfStreamInfo;
  id: number;
  /** Numeric: sample-major chunks of values. */
  chunks: (Float32Array | Float64Array)[];
  strings: string[][];
  stamps: Float64Array[];
  samples: number;
  lastTimestamp: number;
  tdiff: number;
  clockOffsets: XdfClockOffset[];
  footer: Record<string, string>;
}

function flatten(el: XmlElement | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of el?.children ?? []) if (c.children.length === 0) out[c.tag] = c.text.trim();
  return out;
}

function parseStreamInfo(xml: XmlElement, id: number, fail: Fail): XdfStreamInfo {
  const where = `stream ${id}`;
  const count = Number(childText(xml, 'channel_count'));
  if (!Number.isInteger(count) || count < 1 || count > MAX_CHANNELS) fail('bad-header', `${where}: bad channel_count ${quote(childText(xml, 'channel_count') ?? '')}`);
  const srate = Number(childText(xml, 'nominal_srate') ?? '0');
  if (!Number.isFinite(srate) || srate < 0) fail('bad-header', `${where}: bad nominal_srate ${quote(childText(xml, 'nominal_srate') ?? '')}`);
  const fmt = childText(xml, 'channel_format') ?? '';
  if (!(XDF_CHANNEL_FORMATS as readonly string[]).includes(fmt)) fail('unsupported', `${where}: channel_format ${quote(fmt)}`);
  const channels = (child(xml, 'desc', 'channels')?.children ?? [])
    .filter((c) => c.tag === 'channel')
    .map((c) => ({ label: childText(c, 'label') || childText(c, 'name') || undefined, unit: childText(c, 'unit') || undefined, type: childText(c, 'type') || undefined }));
  return {
    name: childText(xml, 'name') ?? `stream ${id}`,
    type: childText(xml, 'type') ?? '',
    channelCount: count,
    nominalSrate: srate,
    channelFormat: fmt as XdfChannelFormat,
    sourceId: childText(xml, 'source_id') || undefined,
    hostname: childText(xml, 'hostname') || undefined,
    createdAt: childText(xml, 'created_at') || undefined,
    uid: childText(xml, 'uid') || undefined,
    channels,
  };
}

export function parseXdf(bytes: Uint8Array, fileName: string): XdfFile {
  const fail: Fail = failFor(fileName);
  if (bytes.length === 0) fail('empty', 'the file is empty');
  if (bytes.length < 4 || bytes[0] !== 0x58 || bytes[1] !== 0x44 || bytes[2] !== 0x46 || bytes[3] !== 0x3a) {
    fail('not-this-format', 'not an XDF file (it does not start with "XDF:")');
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  const warnings: string[] = [];
  const acc = new Map<number, Accumulator>();
  const order: number[] = [];
  let header: Record<string, string> = {};
  let sawHeader = false;

  /** Variable-length integer at p: [1|4|8][value]. Returns [value, next p]. */
  const varlen = (p: number, end: number): [number, number] => {
    if (p >= end) throw new ChunkError('length byte missing');
    const nb = bytes[p];
    if (nb === 1) {
      if (p + 2 > end) throw new ChunkError('length cut off');
      return [bytes[p + 1], p + 2];
    }
    if (nb === 4) {
      if (p + 5 > end) throw new ChunkError('length cut off');
      return [dv.getUint32(p + 1, true), p + 5];
    }
    if (nb === 8) {
      if (p + 9 > end) throw new ChunkError('length cut off');
      const lo = dv.getUint32(p + 1, true);
      const hi = dv.getUint32(p + 5, true);
      if (hi >= 0x200000) throw new ChunkError('length beyond 2^53');
      return [hi * 2 ** 32 + lo, p + 9];
    }
    throw new ChunkError(`invalid length-byte count ${nb}`);
  };

  const readSamples = (a: Accumulator, p: number, end: number) => {
    const [count, q] = varlen(p, end);
    p = q;
    const nch = a.info.channelCount;
    const fmt = a.info.channelFormat;
    const vb = VALUE_BYTES[fmt];
    const minPerSample = 1 + (fmt === 'string' ? 2 * nch : vb * nch);
    if (count > (end - p) / minPerSample) throw new ChunkError(`${count} samples cannot fit in ${end - p} bytes`);
    const stamps = new Float64Array(count);
    const values = fmt === 'string' ? null : fmt === 'float32' || fmt === 'int8' || fmt === 'int16' ? new Float32Array(count * nch) : new Float64Array(count * nch);
    const strings: string[][] = [];
    for (let k = 0; k < count; k++) {
      if (p >= end) throw new ChunkError('sample cut off');
      const flag = bytes[p++];
      if (flag === 8) {
        if (p + 8 > end) throw new ChunkError('time stamp cut off');
        stamps[k] = dv.getFloat64(p, true);
        p += 8;
      } else if (flag === 0) {
        stamps[k] = a.lastTimestamp + a.tdiff;
      } else throw new ChunkError(`invalid time-stamp byte count ${flag}`);
      a.lastTimestamp = stamps[k];
      if (values) {
        if (p + vb * nch > end) throw new ChunkError('sample values cut off');
        const o = k * nch;
        switch (fmt) {
          case 'float32':
            for (let c = 0; c < nch; c++, p += 4) values[o + c] = dv.getFloat32(p, true);
            break;
          case 'double64':
            for (let c = 0; c < nch; c++, p += 8) values[o + c] = dv.getFloat64(p, true);
            break;
          case 'int8':
            for (let c = 0; c < nch; c++, p += 1) values[o + c] = dv.getInt8(p);
            break;
          case 'int16':
            for (let c = 0; c < nch; c++, p += 2) values[o + c] = dv.getInt16(p, true);
            break;
          case 'int32':
            for (let c = 0; c < nch; c++, p += 4) values[o + c] = dv.getInt32(p, true);
            break;
          case 'int64':
            // beyond ±2^53 the nearest double is kept
            for (let c = 0; c < nch; c++, p += 8) values[o + c] = dv.getInt32(p + 4, true) * 2 ** 32 + dv.getUint32(p, true);
            break;
        }
      } else {
        const row: string[] = [];
        for (let c = 0; c < nch; c++) {
          const [len, q2] = varlen(p, end);
          if (q2 + len > end) throw new ChunkError('string value cut off');
          row.push(decodeUtf8(bytes, q2, q2 + len));
          p = q2 + len;
        }
        strings.push(row);
      }
    }
    a.stamps.push(stamps);
    a.samples += count;
    if (values) a.chunks.push(values);
    else for (const r of strings) a.strings.push(r);
  };

  const scanToBoundary = (from: number): number => {
    for (let i = from; i + BOUNDARY.length <= n; i++) {
      if (bytes[i] !== BOUNDARY[0]) continue;
      let ok = true;
      for (let j = 1; j < BOUNDARY.length && ok; j++) ok = bytes[i + j] === BOUNDARY[j];
      if (ok) return i + BOUNDARY.length;
    }
    return n;
  };

  let p = 4;
  while (p < n) {
    const chunkStart = p;
    let length: number;
    let q: number;
    try {
      [length, q] = varlen(p, n);
      if (length < 2) throw new ChunkError(`chunk length ${length}`);
    } catch (e) {
      if (!(e instanceof ChunkError)) throw e;
      const next = scanToBoundary(p);
      warnings.push(`corrupt chunk at byte ${chunkStart} (${e.message}); ${next < n ? `skipped to the boundary at byte ${next}` : 'no later boundary, rest of file ignored'}`);
      p = next;
      continue;
    }
    const end = q + length;
    if (end > n) {
      warnings.push(`file ends inside a chunk at byte ${chunkStart} (${end - n} bytes missing; recording cut short?); that chunk is ignored`);
      break;
    }
    const tag = dv.getUint16(q, true);
    const body = q + 2;
    p = end;
    try {
      if (tag === 1) {
        const xml = parseXml(decodeUtf8(bytes, body, end));
        if (!xml) throw new ChunkError('file header XML is not well-formed');
        header = flatten(xml);
        sawHeader = true;
      } else if (tag === 2 || tag === 3 || tag === 4 || tag === 6) {
        if (end - body < 4) throw new ChunkError('stream id cut off');
        const id = dv.getUint32(body, true);
        const a = acc.get(id);
        if (tag === 2) {
          const xml = parseXml(decodeUtf8(bytes, body + 4, end));
          if (!xml) fail('bad-header', `stream ${id}: header XML is not well-formed`);
          if (a) {
            warnings.push(`stream ${id}: second stream header ignored`);
            continue;
          }
          const info = parseStreamInfo(xml, id, fail);
          acc.set(id, { info, id, chunks: [], strings: [], stamps: [], samples: 0, lastTimestamp: 0, tdiff: info.nominalSrate > 0 ? 1 / info.nominalSrate : 0, clockOffsets: [], footer: {} });
          order.push(id);
        } else if (!a) {
          warnings.push(`chunk at byte ${chunkStart} belongs to stream ${id}, which has no header; ignored`);
        } else if (tag === 3) {
          readSamples(a, body + 4, end);
        } else if (tag === 4) {
          if (end - body < 20) throw new ChunkError('clock offset cut off');
          a.clockOffsets.push({ time: dv.getFloat64(body + 4, true), value: dv.getFloat64(body + 12, true) });
        } else {
          const xml = parseXml(decodeUtf8(bytes, body + 4, end));
          if (xml) a.footer = flatten(xml);
          else warnings.push(`stream ${id}: footer XML is not well-formed; ignored`);
        }
      }
      // 5 (Boundary) and unknown tags carry nothing we need.
    } catch (e) {
      if (!(e instanceof ChunkError)) throw e;
      const next = scanToBoundary(end);
      warnings.push(`corrupt chunk (tag ${tag}) at byte ${chunkStart}: ${e.message}; ${next < n ? `skipped to the boundary at byte ${next}` : 'rest of file ignored'}`);
      p = next;
    }
  }

  if (!sawHeader) warnings.push('no file header chunk');
  if (order.length === 0) fail('bad-data', 'no stream header found: nothing to import');

  const streams: XdfStream[] = order.map((id) => {
    const a = acc.get(id)!;
    const nch = a.info.channelCount;
    const timestamps = new Float64Array(a.samples);
    let o = 0;
    for (const s of a.stamps) {
      timestamps.set(s, o);
      o += s.length;
    }
    let data: Float32Array | Float64Array | null = null;
    if (a.info.channelFormat !== 'string') {
      const wide = a.chunks.some((c) => c instanceof Float64Array) || a.info.channelFormat === 'double64' || a.info.channelFormat === 'int32' || a.info.channelFormat === 'int64';
      data = wide ? new Float64Array(a.samples * nch) : new Float32Array(a.samples * nch);
      // sample-major chunks → planar
      let k0 = 0;
      for (const chunk of a.chunks) {
        const m = chunk.length / nch;
        for (let k = 0; k < m; k++) for (let c = 0; c < nch; c++) data[c * a.samples + k0 + k] = chunk[k * nch + c];
        k0 += m;
      }
    }
    return { id, info: a.info, timestamps, data, strings: data ? null : a.strings, clockOffsets: a.clockOffsets, footer: a.footer };
  });
  return { header, streams, warnings };
}
