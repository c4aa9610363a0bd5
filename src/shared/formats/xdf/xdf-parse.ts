// XDF chunk reader. Bounded like every parser here: a chunk's declared length, a sample count or a
// channel count is checked against the bytes present before anything is allocated. Like pyxdf,
// it survives damage, and loses no more than the damage: a chunk whose content is corrupt but whose
// length is intact is skipped on its own (reading goes on at the next chunk); where the length
// itself is lost, reading resumes at the next Boundary chunk; a file cut short (a recorder killed
// mid-write) keeps every complete chunk. A stream whose header cannot be used (a channel_format
// XDF does not define) is left out and the others kept. Each of these is a warning.
import { failFor, quote, type Fail } from '../format-error';
import { decodeUtf8 } from '../text';
import { child, childText, parseXml, type XmlElement } from './xml-lite';
import { XDF_CHANNEL_FORMATS, type XdfChannelFormat, type XdfClockOffset, type XdfFile, type XdfStream, type XdfStreamInfo } from './xdf.types';

const BOUNDARY = [0x43, 0xa5, 0x46, 0xdc, 0xcb, 0xf5, 0x41, 0x0f, 0xb3, 0x0e, 0xd5, 0x46, 0x73, 0x83, 0xcb, 0xe4];
const VALUE_BYTES: Record<XdfChannelFormat, number> = { float32: 4, double64: 8, string: 0, int8: 1, int16: 2, int32: 4, int64: 8 };
/** Upper bound on channels per stream (LSL has no limit; this is far above any real device). */
const MAX_CHANNELS = 65_536;

/** Detailed warnings per stream for its corrupt sample chunks; the rest are counted in one line. */
const DETAILED_CHUNK_WARNINGS = 3;

class ChunkError extends Error {}

/** A stream header that cannot be used: the stream is left out. */
class StreamHeaderError extends Error {}

/** A stream whose header cannot be used, and how many of its data chunks were passed over. */
interface SkippedStream {
  name: string;
  problem: string;
  chunks: number;
}

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
  /** Sample chunks read, and those skipped as corrupt. */
  goodChunks: number;
  badChunks: number;
  /** The first corrupt sample chunk's problem, and where its warnings sit in the list. */
  firstProblem: string;
  warningAt: number[];
}

function flatten(el: XmlElement | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of el?.children ?? []) if (c.children.length === 0) out[c.tag] = c.text.trim();
  return out;
}

/** Close misspellings of the XDF formats, answered with the name the specification uses. */
function formatHint(fmt: string): string {
  const lower = fmt.trim().toLowerCase();
  const meant = (XDF_CHANNEL_FORMATS as readonly string[]).includes(lower) ? lower : /^(float64|double|f64)$/.test(lower) ? 'double64' : /^(float|single|f32)$/.test(lower) ? 'float32' : null;
  return meant && meant !== fmt ? ` (did you mean "${meant}"?)` : '';
}

function parseStreamInfo(xml: XmlElement, id: number): XdfStreamInfo {
  const bad = (problem: string): never => {
    throw new StreamHeaderError(problem);
  };
  const count = Number(childText(xml, 'channel_count'));
  if (!Number.isInteger(count) || count < 1 || count > MAX_CHANNELS) bad(`bad channel_count ${quote(childText(xml, 'channel_count') ?? '')} (1 to ${MAX_CHANNELS})`);
  const srate = Number(childText(xml, 'nominal_srate') ?? '0');
  if (!Number.isFinite(srate) || srate < 0) bad(`bad nominal_srate ${quote(childText(xml, 'nominal_srate') ?? '')}`);
  const fmt = childText(xml, 'channel_format') ?? '';
  if (!(XDF_CHANNEL_FORMATS as readonly string[]).includes(fmt)) {
    // Every format XDF defines is read, so anything else is a header the writer got wrong.
    bad(`channel_format ${quote(fmt)} is not an XDF channel format${formatHint(fmt)}; XDF defines ${XDF_CHANNEL_FORMATS.join(', ')}`);
  }
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
    if (count > (end - p) / minPerSample) throw new ChunkError(`${count} samples of ${nch} × ${fmt} cannot fit in ${end - p} bytes`);
    const stamps = new Float64Array(count);
    const values = fmt === 'string' ? null : fmt === 'float32' || fmt === 'int8' || fmt === 'int16' ? new Float32Array(count * nch) : new Float64Array(count * nch);
    const strings: string[][] = [];
    const lastBefore = a.lastTimestamp;
    let k = 0;
    try {
      for (; k < count; k++) {
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
          if (p + vb * nch > end) throw new ChunkError(`values cut off (${nch} × ${fmt} need ${vb * nch} bytes, ${end - p} left)`);
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
      // Writers fill a chunk with its samples exactly; bytes left over mean the samples were
      // read with the wrong shape (a header whose channel_count or channel_format lies).
      if (p !== end) throw new ChunkError(`${end - p} bytes left after the last sample`);
    } catch (e) {
      // The chunk is dropped whole; the next chunk's omitted stamps continue from the last kept one.
      a.lastTimestamp = lastBefore;
      if (e instanceof ChunkError) throw new ChunkError(k < count ? `sample ${k + 1} of ${count}: ${e.message}` : e.message);
      throw e;
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

  const skipped = new Map<number, SkippedStream>();
  /** Chunks of streams whose header never came (lost to damage): counted, one warning per stream. */
  const orphans = new Map<number, number>();

  /**
   * Whether a chunk plausibly starts at p (or the file ends there): a valid length, a tag XDF
   * defines and, for a stream's chunk, the id of a stream already seen (or a new stream header).
   * Sample bytes pass this by chance about once in 2 million tries for tags 1, 2 and 5 (a length
   * byte of 1, 4 or 8: 3/256, times 3 of 65536 tags), far more rarely for tags 3, 4 and 6, which
   * must also name a known stream.
   */
  const chunkStartsAt = (p: number): boolean => {
    if (p === n) return true;
    try {
      const [length, q] = varlen(p, n);
      if (length < 2 || q + length > n) return false;
      const tag = dv.getUint16(q, true);
      if (tag < 1 || tag > 6) return false;
      if (tag === 1 || tag === 2 || tag === 5) return true;
      if (length < 6) return false;
      const id = dv.getUint32(q + 2, true);
      return acc.has(id) || skipped.has(id);
    } catch (e) {
      if (!(e instanceof ChunkError)) throw e;
      return false;
    }
  };

  const streamLabel = (id: number): string => {
    const name = acc.get(id)?.info.name ?? skipped.get(id)?.name;
    return name ? `stream ${id} (${name})` : `stream ${id}`;
  };
  const CHUNK_KIND: Record<number, string> = { 1: 'file header', 2: 'stream header', 3: 'samples', 4: 'clock offset', 5: 'boundary', 6: 'stream footer' };

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
      // A recorder killed mid-write leaves its last chunk short; a length corrupted to a huge value
      // in the middle of the file has boundaries after it, and reading resumes at the next one.
      const next = scanToBoundary(q);
      if (next < n) {
        warnings.push(`corrupt chunk at byte ${chunkStart} (its length, ${length} bytes, runs past the end of the file); skipped to the boundary at byte ${next}`);
        p = next;
        continue;
      }
      warnings.push(`file ends inside a chunk at byte ${chunkStart} (${end - n} bytes missing; recording cut short?); that chunk is ignored`);
      break;
    }
    const tag = dv.getUint16(q, true);
    const body = q + 2;
    p = end;
    let what = `corrupt ${CHUNK_KIND[tag] ?? `(tag ${tag})`} chunk at byte ${chunkStart}`;
    let sampleStream: Accumulator | undefined;
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
        what = `${streamLabel(id)}: ${what}`;
        if (tag === 2) {
          if (a || skipped.has(id)) {
            warnings.push(`${streamLabel(id)}: second stream header ignored`);
            continue;
          }
          const xml = parseXml(decodeUtf8(bytes, body + 4, end));
          let info: XdfStreamInfo;
          try {
            if (!xml) throw new StreamHeaderError('header XML is not well-formed');
            info = parseStreamInfo(xml, id);
          } catch (e) {
            if (!(e instanceof StreamHeaderError)) throw e;
            skipped.set(id, { name: (xml && childText(xml, 'name')) || '', problem: e.message, chunks: 0 });
            continue;
          }
          acc.set(id, { info, id, chunks: [], strings: [], stamps: [], samples: 0, lastTimestamp: 0, tdiff: info.nominalSrate > 0 ? 1 / info.nominalSrate : 0, clockOffsets: [], footer: {}, goodChunks: 0, badChunks: 0, firstProblem: '', warningAt: [] });
          order.push(id);
        } else if (!a) {
          const s = skipped.get(id);
          if (s) s.chunks++;
          else orphans.set(id, (orphans.get(id) ?? 0) + 1);
        } else if (tag === 3) {
          sampleStream = a;
          readSamples(a, body + 4, end);
          a.goodChunks++;
        } else if (tag === 4) {
          if (end - body < 20) throw new ChunkError('clock offset cut off');
          a.clockOffsets.push({ time: dv.getFloat64(body + 4, true), value: dv.getFloat64(body + 12, true) });
        } else {
          const xml = parseXml(decodeUtf8(bytes, body + 4, end));
          if (xml) a.footer = flatten(xml);
          else warnings.push(`${streamLabel(id)}: footer XML is not well-formed; ignored`);
        }
      }
      // 5 (Boundary) and unknown tags carry nothing we need.
    } catch (e) {
      if (!(e instanceof ChunkError)) throw e;
      // The chunk's length was whole (it fits the file): when a chunk starts where it says it
      // ends, only this chunk is lost. Otherwise the length is suspect too: resume at the next
      // boundary after the chunk's start, which a wrong length cannot make us jump over.
      let resume: string;
      if (chunkStartsAt(end)) {
        resume = end < n ? `skipped; reading goes on at the next chunk (byte ${end})` : 'skipped (the last chunk)';
      } else {
        p = scanToBoundary(body);
        resume = p < n ? `skipped to the boundary at byte ${p}` : 'no later boundary, rest of file ignored';
      }
      if (sampleStream) {
        if (sampleStream.badChunks++ === 0) sampleStream.firstProblem = `chunk at byte ${chunkStart}: ${e.message}`;
        if (sampleStream.badChunks > DETAILED_CHUNK_WARNINGS) continue;
        sampleStream.warningAt.push(warnings.length);
      }
      warnings.push(`${what}: ${e.message}; ${resume}`);
    }
  }

  // A stream none of whose sample chunks reads has a header that does not describe its data: one
  // warning says so (with the first problem) in place of its chunk-by-chunk ones.
  const replaced = new Set<number>();
  const summaries: string[] = [];
  for (const a of acc.values()) {
    // A numeric stream the recorder subscribed to that sent nothing (an amplifier switched off, an
    // outlet that never pushed): importXdf leaves it out (an empty 130-Hz stream forced 10-s EDF
    // records on an export and a channel of zeros), and says so here.
    if (a.badChunks === 0 && a.samples === 0 && a.info.channelFormat !== 'string') summaries.push(`${streamLabel(a.id)}: no samples in the file (it sent none while recording); left out`);
    if (a.badChunks === 0) continue;
    if (a.goodChunks === 0) {
      for (const i of a.warningAt) replaced.add(i);
      summaries.push(
        `${streamLabel(a.id)}: none of its ${a.badChunks} sample chunk${a.badChunks === 1 ? '' : 's'} could be read (first: ${a.firstProblem}); do the channel_count (${a.info.channelCount}) and channel_format (${a.info.channelFormat}) of its header match the data?`,
      );
    } else if (a.badChunks > DETAILED_CHUNK_WARNINGS) {
      summaries.push(`${streamLabel(a.id)}: ${a.badChunks} of ${a.badChunks + a.goodChunks} sample chunks corrupt and left out (the first ${DETAILED_CHUNK_WARNINGS} are listed above)`);
    }
  }
  if (replaced.size > 0) {
    const kept = warnings.filter((_, i) => !replaced.has(i));
    warnings.length = 0;
    warnings.push(...kept);
  }
  warnings.push(...summaries);
  for (const [id, s] of skipped) warnings.push(`${streamLabel(id)} left out: ${s.problem}${s.chunks > 0 ? ` (its ${s.chunks} data chunk${s.chunks === 1 ? '' : 's'} ignored)` : ''}`);
  for (const [id, k] of orphans) warnings.push(`stream ${id}: ${k} chunk${k === 1 ? '' : 's'} of a stream whose header is missing (lost to damage?); ignored`);

  if (!sawHeader) warnings.push('no file header chunk');
  if (order.length === 0) {
    if (skipped.size > 0) fail('bad-header', `no stream can be read: ${[...skipped].map(([id, s]) => `${streamLabel(id)}: ${s.problem}`).join('; ')}`);
    fail('bad-data', 'no stream header found: nothing to import');
  }

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
