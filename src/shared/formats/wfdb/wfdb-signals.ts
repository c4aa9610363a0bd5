// WFDB signal files (signal(5)): samples of all signals in one file are interleaved frame by
// frame (a frame holds samplesPerFrame samples of each signal, in header order). Decoded
// straight into per-signal typed arrays: no per-sample allocation, no intermediate copy.
import { failFor, quote, type Fail } from '../format-error';
import type { WfdbHeader, WfdbSignal, WfdbSignals, WfdbSignalSpec } from './wfdb.types';
import { WFDB_SUPPORTED_FORMATS } from './wfdb.types';

/** WFDB's "invalid sample" value per format (WFDB_INVALID_SAMPLE scaled to the format's width). */
const INVALID_SAMPLE: Record<number, number> = {
  16: -32768,
  61: -32768,
  160: -32768,
  80: -128,
  212: -2048,
  24: -8388608,
  32: -2147483648,
};

export type BytesByFileName = Map<string, Uint8Array> | Record<string, Uint8Array>;

function lookup(files: BytesByFileName, name: string): Uint8Array | undefined {
  const get = (k: string) => (files instanceof Map ? files.get(k) : Object.prototype.hasOwnProperty.call(files, k) ? files[k] : undefined);
  const direct = get(name);
  if (direct) return direct;
  // The header may name the file with a directory ('data/100.dat'); the caller may key by base name.
  const base = name.split(/[\\/]/).pop() ?? name;
  return get(base);
}

/** Samples a byte count can hold in a format. */
function samplesIn(format: number, bytes: number): number {
  switch (format) {
    case 8:
    case 80:
      return bytes;
    case 16:
    case 61:
    case 160:
      return Math.floor(bytes / 2);
    case 24:
      return Math.floor(bytes / 3);
    case 32:
      return Math.floor(bytes / 4);
    case 212:
      return Math.floor(bytes / 3) * 2 + (bytes % 3 >= 2 ? 1 : 0);
    default:
      return 0;
  }
}

interface FileGroup {
  fileName: string;
  format: number;
  byteOffset: number;
  /** Indices into header.signals, in file order. */
  members: number[];
  frameSize: number;
  bytes: Uint8Array;
}

/**
 * Decodes every signal of a single-segment record. `files` maps the signal file names the
 * header uses ('100.dat', 's0010_re.xyz') to their bytes. `recordName` names the record in errors.
 */
export function decodeWfdbSignals(header: WfdbHeader, files: BytesByFileName, recordName = `${header.recordName}.hea`): WfdbSignals {
  const fail: Fail = failFor(recordName);
  const groups = new Map<string, FileGroup>();
  header.signals.forEach((s, i) => {
    if (!(WFDB_SUPPORTED_FORMATS as readonly number[]).includes(s.format)) {
      fail('unsupported', `signal ${i + 1} (${quote(s.description)}) uses WFDB format ${s.format}; supported: ${WFDB_SUPPORTED_FORMATS.join(', ')}`);
    }
    let g = groups.get(s.fileName);
    if (!g) {
      if (s.fileName === '~' || s.fileName === '-') fail('unsupported', `signal ${i + 1} has no signal file (${quote(s.fileName)})`);
      const bytes = lookup(files, s.fileName);
      if (!bytes) fail('missing-file', `signal file ${quote(s.fileName)} was not supplied (it must sit beside the header)`);
      g = { fileName: s.fileName, format: s.format, byteOffset: s.byteOffset, members: [], frameSize: 0, bytes };
      groups.set(s.fileName, g);
    } else if (g.format !== s.format) {
      fail('bad-header', `signals in ${quote(s.fileName)} mix formats ${g.format} and ${s.format}`);
    }
    g.members.push(i);
    g.frameSize += s.samplesPerFrame;
  });

  // Frames every file can supply. A file shorter than the header says (a recording cut short) is
  // read up to its last complete frame, with a warning; one without a single frame is refused.
  let frames = header.samplesPerSignal ?? Infinity;
  const short: [string, number][] = []; // signal files holding fewer frames than the header says
  for (const g of groups.values()) {
    const avail = g.bytes.length - g.byteOffset;
    if (avail < 0) fail('truncated', `${quote(g.fileName)} is ${g.bytes.length} bytes, shorter than its byte offset ${g.byteOffset}`);
    const have = Math.floor(samplesIn(g.format, avail) / g.frameSize);
    if (header.samplesPerSignal !== null && have < header.samplesPerSignal) {
      if (have === 0) fail('truncated', `header says ${header.samplesPerSignal} samples per signal (${wfdbSeconds(header.samplesPerSignal, header.frequencyHz)}) but ${quote(g.fileName)} holds only 0`);
      short.push([g.fileName, have]);
    }
    frames = Math.min(frames, have);
  }
  if (!Number.isFinite(frames)) frames = 0; // a record with no signals
  const cut = short.length > 0;
  // Every signal stops at the shortest file, so the record keeps its frames aligned.
  const total = header.samplesPerSignal ?? 0;
  const warnings = short.map(
    ([name, have]) =>
      `${name} cut short (was the recording interrupted?): the header says ${total} samples per signal (${wfdbSeconds(total, header.frequencyHz)}) ` +
      `but the file holds ${have} (${wfdbSeconds(have, header.frequencyHz)}): imported ${frames} samples per signal, every signal of the record; the header's checksums cover the whole record and are not checked`,
  );

  const out: WfdbSignal[] = header.signals.map((spec) => {
    const n = frames * spec.samplesPerFrame;
    const wide = spec.format === 24 || spec.format === 32;
    return {
      spec,
      rateHz: header.frequencyHz * spec.samplesPerFrame,
      digital: new Int32Array(n),
      physical: wide ? new Float64Array(n) : new Float32Array(n),
      checksumOk: null,
    };
  });

  for (const g of groups.values()) decodeGroup(g, frames, out, header.signals);

  for (const s of out) {
    const { spec, digital, physical } = s;
    const invalid = INVALID_SAMPLE[spec.format];
    const inv = 1 / spec.adcGain;
    let sum = 0;
    for (let i = 0; i < digital.length; i++) {
      const d = digital[i];
      sum = (sum + d) | 0;
      physical[i] = d === invalid ? NaN : (d - spec.baseline) * inv;
    }
    if (spec.checksum !== null && !cut) s.checksumOk = ((sum << 16) >> 16) === ((spec.checksum << 16) >> 16);
  }
  return { frames, signals: out, warnings };
}

/** Frames at the record's frame rate as seconds, for a message ('1805.556 s'). */
function wfdbSeconds(frames: number, frequencyHz: number): string {
  return `${Number((frames / frequencyHz).toFixed(3))} s`;
}

function decodeGroup(g: FileGroup, frames: number, out: WfdbSignal[], specs: WfdbSignalSpec[]): void {
  const b = g.bytes;
  const base = g.byteOffset;
  const dst = g.members.map((i) => out[i].digital);
  const spf = g.members.map((i) => specs[i].samplesPerFrame);
  const m = g.members.length;
  const singleRate = spf.every((x) => x === 1);

  if (g.format === 16 && singleRate) {
    // The common case (PTB, LUDB, most modern databases): straight little-endian int16.
    let p = base;
    for (let f = 0; f < frames; f++) {
      for (let s = 0; s < m; s++, p += 2) dst[s][f] = ((b[p] | (b[p + 1] << 8)) << 16) >> 16;
    }
    return;
  }
  if (g.format === 212 && singleRate) {
    // Two 12-bit samples in three bytes: s0 = b0 + low nibble of b1, s1 = b2 + high nibble of b1.
    let k = 0; // index in the interleaved sample sequence
    for (let f = 0; f < frames; f++) {
      for (let s = 0; s < m; s++, k++) {
        const p = base + (k >> 1) * 3;
        const v = (k & 1) === 0 ? b[p] | ((b[p + 1] & 0x0f) << 8) : b[p + 2] | ((b[p + 1] & 0xf0) << 4);
        dst[s][f] = (v << 20) >> 20;
      }
    }
    return;
  }

  // General path: any supported format, any samples per frame.
  const read = sampleReader(g.format, b, base);
  const prev = g.members.map((i) => specs[i].initialValue ?? 0); // format 8 keeps running sums
  let k = 0;
  for (let f = 0; f < frames; f++) {
    for (let s = 0; s < m; s++) {
      const d = dst[s];
      const n = spf[s];
      for (let j = 0; j < n; j++, k++) {
        let v = read(k);
        if (g.format === 8) {
          v = prev[s] + v;
          prev[s] = v;
        }
        d[f * n + j] = v;
      }
    }
  }
}

/** Reads sample k of the interleaved sequence. */
function sampleReader(format: number, b: Uint8Array, base: number): (k: number) => number {
  switch (format) {
    case 8:
      return (k) => (b[base + k] << 24) >> 24; // first differences, signed
    case 80:
      return (k) => b[base + k] - 128;
    case 16:
      return (k) => ((b[base + 2 * k] | (b[base + 2 * k + 1] << 8)) << 16) >> 16;
    case 61:
      return (k) => (((b[base + 2 * k] << 8) | b[base + 2 * k + 1]) << 16) >> 16;
    case 160:
      return (k) => (b[base + 2 * k] | (b[base + 2 * k + 1] << 8)) - 32768;
    case 24:
      return (k) => {
        const p = base + 3 * k;
        return ((b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) << 8) >> 8;
      };
    case 32:
      return (k) => {
        const p = base + 4 * k;
        return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
      };
    case 212:
      return (k) => {
        const p = base + (k >> 1) * 3;
        const v = (k & 1) === 0 ? b[p] | ((b[p + 1] & 0x0f) << 8) : b[p + 2] | ((b[p + 1] & 0xf0) << 4);
        return (v << 20) >> 20;
      };
    default:
      throw new Error(`unreachable: format ${format}`);
  }
}
