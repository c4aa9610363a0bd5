// The binary form of a pipeline snapshot (Pipeline.snapshot / Pipeline.restore).
//
// A snapshot is what a recording stores every few seconds so that a replay can seek by restoring
// it and feeding only the chunks after it, instead of a pre-roll that leaves the clock model, the
// filters and the segment bookkeeping close to, but not exactly, where they were live. Float64
// state is written as float64 (bit-exact); sample values the pipeline holds are float32 values
// widened to float64 (chunks carry Float32Array), so they are written as float32 when every one of
// them survives the round trip, else as float64.
//
// Layout (little-endian):
//   0   4  magic 'HMPS'
//   4   2  version (PIPELINE_SNAPSHOT_VERSION)
//   6   2  stream count
//   8   4  total length in bytes (checksum included)
//   12  4  configuration hash (configHash)
//   16  8  f64 frontier (host s)          24  8  f64 windowsFromK (grid index)
//   32  8  f64 windower nextStartK        40  8  f64 windower frontierK
//   48  …  per stream:
//          u16 id length, u16 × id (UTF-16 code units) | u32 layout hash | u16 channels | u8 flags
//          f64 × 15 conditioner scalars | hold (f32|f64 × channels)
//          f64 × 13 clock scalars | u16 buckets, f64 × buckets (x), f64 × buckets (z)
//          | u16 time-base starts, u16 × that (version 3 on; before it, one time base)
//          u8 recent residuals, f64 × that
//          f64 resampler count, f64 floor | samples (f32|f64 × channels × (count − floor))
//          [u32 n, f64 × n filter state] | [f64 nextK, u16 segments, f64 × 3 × segments
//          | u16 bridges, f64 × 2 × bridges (version 2 on; version 1, before bridging, has none)]
//   end−4  u32 FNV-1a checksum of everything before it
//
// Decoding trusts nothing: every length is bounds-checked and the checksum verified before any
// value is used; a problem throws PipelineSnapshotError with a code naming it.
import type {
  ClockModelState,
  ConditionerState,
  PipelineConfig,
  PipelineSnapshotErrorCode,
  PipelineState,
  WindowerStreamState,
} from './pipeline.types';
import type { StreamInfo } from '../stream.types';
import { ByteWriter } from '../byte-writer';
import { CodedError } from '../coded-error';

export const PIPELINE_SNAPSHOT_MAGIC = 0x53504d48; // 'HMPS' read as a little-endian u32
export const PIPELINE_SNAPSHOT_VERSION = 3;
/**
 * Versions this code reads: 2 is 3 without the clock model's time-base starts (written before a
 * reconnect started one), 1 is 2 without bridged stretches (written before bridging existed).
 */
const READABLE_VERSIONS = [1, 2, 3];
const HEADER_BYTES = 48;
const LENGTH_OFFSET = 8;
const CHECKSUM_BYTES = 4;

export class PipelineSnapshotError extends CodedError<PipelineSnapshotErrorCode> {
  override readonly name = 'PipelineSnapshotError';
}

const FLAG_SEG_ACTIVE = 1;
const FLAG_FILTER_PRIMED = 2;
const FLAG_CLOCK_ANCHORED = 4;
const FLAG_DRIFT_ESTIMATED = 8;
const FLAG_HAS_FILTER = 16;
const FLAG_HAS_WINDOWER = 32;
const FLAG_HOLD_F64 = 64;
const FLAG_SAMPLES_F64 = 128;

/** FNV-1a over 32-bit words of a string's UTF-16 code units, or over bytes. */
function fnv1a(units: ArrayLike<number>, h = 0x811c9dc5): number {
  for (let i = 0; i < units.length; i++) {
    h ^= units[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function stringUnits(s: string): number[] {
  const out = new Array<number>(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** JSON with object keys sorted at every depth: equal configurations give equal text. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v as object)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Hash of a configuration: a snapshot restores only under the configuration it was taken with. */
export function configHash(cfg: PipelineConfig): number {
  // Bridging off hashes as a configuration from before bridging existed (which had no such field),
  // so the snapshots stored with those recordings still restore.
  return fnv1a(stringUnits(canonicalJson(cfg.bridgeMaxSec === 0 ? { ...cfg, bridgeMaxSec: undefined } : cfg)));
}

/**
 * Hash of what the pipeline reads from a StreamInfo besides its id and device (modality, rate,
 * latency, channel labels, units, resolutions and ranges): a replayed stream, renamed, matches the
 * live one it was recorded from.
 */
export function layoutHash(info: StreamInfo): number {
  let h = layoutHashes.get(info);
  if (h === undefined) {
    const layout = [info.modality, info.nominalRateHz, info.latencySec ?? 0, info.channels.map((c) => [c.label, c.unit, c.resolution, c.rangeUv ?? null])];
    h = fnv1a(stringUnits(canonicalJson(layout)));
    layoutHashes.set(info, h);
  }
  return h;
}
/** The pipeline keeps its StreamInfo objects unchanged while they are announced. */
const layoutHashes = new WeakMap<StreamInfo, number>();

const allFloat32 = (a: Float64Array): boolean => {
  for (let i = 0; i < a.length; i++) if (Math.fround(a[i]) !== a[i]) return false;
  return true;
};

/** The snapshot's writer: the shared byte writer plus its strings, value arrays and checksum. */
class Writer extends ByteWriter {
  /** Values as float32 (when `narrow`) or float64. */
  values(a: Float64Array, narrow: boolean): void {
    if (narrow) this.f32s(a);
    else this.f64s(a);
  }
  string(s: string): void {
    this.u16(s.length);
    for (let i = 0; i < s.length; i++) this.u16(s.charCodeAt(i));
  }
  finish(): Uint8Array {
    this.setU32(LENGTH_OFFSET, this.pos + CHECKSUM_BYTES);
    this.u32(fnv1a(this.written()));
    return this.result();
  }
}

class Reader {
  private readonly view: DataView;
  pos = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly end: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new PipelineSnapshotError('corrupt', `pipeline snapshot: ${what} runs past the end (byte ${this.pos} of ${this.end})`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  f64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  f64s(n: number, what: string): Float64Array {
    this.need(8 * n, what);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.view.getFloat64(this.pos + 8 * i, true);
    this.pos += 8 * n;
    return out;
  }
  values(n: number, wide: boolean, what: string): Float64Array {
    if (wide) return this.f64s(n, what);
    this.need(4 * n, what);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.view.getFloat32(this.pos + 4 * i, true);
    this.pos += 4 * n;
    return out;
  }
  string(what: string): string {
    const n = this.u16(what);
    this.need(2 * n, what);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.view.getUint16(this.pos + 2 * i, true));
    this.pos += 2 * n;
    return s;
  }
}

/** A whole number (counts, grid indexes) or ±Infinity where the state allows it. */
function checkIndex(v: number, what: string, infinite = false): number {
  if (Number.isInteger(v) || (infinite && (v === Infinity || v === -Infinity))) return v;
  throw new PipelineSnapshotError('corrupt', `pipeline snapshot: ${what} is ${v}, not a whole number`);
}

export function encodePipelineSnapshot(state: PipelineState): Uint8Array {
  const w = new Writer();
  w.u32(PIPELINE_SNAPSHOT_MAGIC);
  w.u16(PIPELINE_SNAPSHOT_VERSION);
  w.u16(state.streams.length);
  w.u32(0); // total length, filled in by finish()
  w.u32(state.configHash);
  w.f64(state.frontier);
  w.f64(state.windowsFromK);
  w.f64(state.windower.nextStartK);
  w.f64(state.windower.frontierK);
  for (const s of state.streams) {
    const c = s.conditioner;
    const holdNarrow = allFloat32(c.hold);
    const samplesNarrow = allFloat32(c.resampler.samples);
    w.string(s.id);
    w.u32(s.layoutHash);
    w.u16(s.channels);
    w.u8(
      (c.segActive ? FLAG_SEG_ACTIVE : 0) |
        (c.filterPrimed ? FLAG_FILTER_PRIMED : 0) |
        (c.clock.anchored ? FLAG_CLOCK_ANCHORED : 0) |
        (c.clock.driftEstimated ? FLAG_DRIFT_ESTIMATED : 0) |
        (c.filter ? FLAG_HAS_FILTER : 0) |
        (s.windower ? FLAG_HAS_WINDOWER : 0) |
        (holdNarrow ? 0 : FLAG_HOLD_F64) |
        (samplesNarrow ? 0 : FLAG_SAMPLES_F64),
    );
    w.f64s([c.period, c.sumDd, c.sumDj, c.d0Sum, c.d0W, c.d0, c.segIndex, c.lastStart, c.lastCount, c.lastDevEnd, c.lastHost, c.nextK, c.lastK, c.nSegments, c.nGaps]);
    w.values(c.hold, holdNarrow);
    const k = c.clock;
    w.f64s([k.xRef, k.yRef, k.a, k.c, k.xA, k.curBucket, k.curX, k.curZ, k.lastX, k.nObs, k.nResets, k.recentN, k.sinceDriftFit]);
    w.u16(k.bx.length);
    w.f64s(k.bx);
    w.f64s(k.bz);
    w.u16(k.segStarts.length);
    for (const i of k.segStarts) w.u16(i);
    w.u8(k.recent.length);
    w.f64s(k.recent);
    w.f64(c.resampler.count);
    w.f64(c.resampler.floor);
    w.values(c.resampler.samples, samplesNarrow);
    if (c.filter) {
      w.u32(c.filter.length);
      w.f64s(c.filter);
    }
    if (s.windower) {
      w.f64(s.windower.nextK);
      w.u16(s.windower.segments.length);
      for (const g of s.windower.segments) w.f64s([g.k0, g.kEnd, g.warmEnd]);
      w.u16(s.windower.bridges.length);
      for (const b of s.windower.bridges) w.f64s([b.from, b.to]);
    }
  }
  return w.finish();
}

/** The fixed header alone (cheap; no checksum check): what a store needs to index a snapshot. */
export function decodePipelineSnapshotHeader(bytes: Uint8Array): { version: number; streams: number; length: number; configHash: number; frontier: number; windowsFromK: number } {
  if (!(bytes instanceof Uint8Array)) throw new PipelineSnapshotError('bad-magic', 'pipeline snapshot: not a byte array');
  if (bytes.length < HEADER_BYTES + CHECKSUM_BYTES) throw new PipelineSnapshotError('truncated', `pipeline snapshot: ${bytes.length} bytes, shorter than its ${HEADER_BYTES + CHECKSUM_BYTES}-byte frame`);
  const r = new Reader(bytes, bytes.length);
  if (r.u32('magic') !== PIPELINE_SNAPSHOT_MAGIC) throw new PipelineSnapshotError('bad-magic', 'pipeline snapshot: not a HeartMind pipeline snapshot (bad magic)');
  const version = r.u16('version');
  if (!READABLE_VERSIONS.includes(version)) throw new PipelineSnapshotError('unsupported-version', `pipeline snapshot: version ${version}; this HeartMind reads versions ${READABLE_VERSIONS.join(', ')}`);
  const streams = r.u16('stream count');
  const length = r.u32('length');
  if (bytes.length < length) throw new PipelineSnapshotError('truncated', `pipeline snapshot: ${bytes.length} of its ${length} bytes (truncated)`);
  if (bytes.length > length) throw new PipelineSnapshotError('corrupt', `pipeline snapshot: ${bytes.length - length} bytes beyond its declared ${length}`);
  const hash = r.u32('configuration hash');
  return { version, streams, length, configHash: hash, frontier: r.f64('frontier'), windowsFromK: r.f64('windowsFromK') };
}

export function decodePipelineSnapshot(bytes: Uint8Array): PipelineState {
  const head = decodePipelineSnapshotHeader(bytes);
  const end = bytes.length - CHECKSUM_BYTES;
  const stored = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(end, true);
  if (fnv1a(bytes.subarray(0, end)) !== stored) {
    throw new PipelineSnapshotError('corrupt', 'pipeline snapshot: checksum mismatch (damaged)');
  }
  const r = new Reader(bytes, end);
  r.pos = 32;
  const windower = { nextStartK: r.f64('nextStartK'), frontierK: r.f64('frontierK') };
  checkIndex(head.windowsFromK, 'windowsFromK', true);
  const streams: PipelineState['streams'] = [];
  for (let i = 0; i < head.streams; i++) {
    const id = r.string(`stream ${i} id`);
    const layout = r.u32(`${id}: layout hash`);
    const C = r.u16(`${id}: channels`);
    if (C === 0) throw new PipelineSnapshotError('corrupt', `pipeline snapshot: stream ${id} has no channels`);
    const flags = r.u8(`${id}: flags`);
    const sc = r.f64s(15, `${id}: conditioner`);
    const hold = r.values(C, (flags & FLAG_HOLD_F64) !== 0, `${id}: hold`);
    const ks = r.f64s(13, `${id}: clock`);
    const nb = r.u16(`${id}: clock buckets`);
    const bx = r.f64s(nb, `${id}: clock buckets`);
    const bz = r.f64s(nb, `${id}: clock buckets`);
    const segStarts: number[] = [];
    const ns = head.version >= 3 ? r.u16(`${id}: clock time bases`) : 0;
    for (let j = 0; j < ns; j++) {
      const v = r.u16(`${id}: clock time base`);
      if (v <= (j > 0 ? segStarts[j - 1] : 0) || v > nb) throw new PipelineSnapshotError('corrupt', `pipeline snapshot: stream ${id} clock time base starts at bucket ${v} (of ${nb})`);
      segStarts.push(v);
    }
    const nr = r.u8(`${id}: clock residuals`);
    const recent = r.f64s(nr, `${id}: clock residuals`);
    const count = checkIndex(r.f64(`${id}: resampler`), `${id}: resampler count`);
    const floor = checkIndex(r.f64(`${id}: resampler`), `${id}: resampler floor`);
    if (floor < 0 || count < floor) throw new PipelineSnapshotError('corrupt', `pipeline snapshot: stream ${id} resampler floor ${floor} outside 0…${count}`);
    const samples = r.values(C * (count - floor), (flags & FLAG_SAMPLES_F64) !== 0, `${id}: resampler samples`);
    let filter: Float64Array | null = null;
    if (flags & FLAG_HAS_FILTER) filter = r.f64s(r.u32(`${id}: filter`), `${id}: filter state`);
    let win: WindowerStreamState | null = null;
    if (flags & FLAG_HAS_WINDOWER) {
      const nextK = checkIndex(r.f64(`${id}: windower`), `${id}: windower nextK`, true);
      const n = r.u16(`${id}: windower segments`);
      const segments: WindowerStreamState['segments'] = [];
      for (let j = 0; j < n; j++) {
        const [k0, kEnd, warmEnd] = r.f64s(3, `${id}: windower segment`);
        segments.push({ k0: checkIndex(k0, `${id}: segment start`), kEnd: checkIndex(kEnd, `${id}: segment end`, true), warmEnd: checkIndex(warmEnd, `${id}: warm-up end`) });
      }
      const bridges: WindowerStreamState['bridges'] = [];
      const nb = head.version >= 2 ? r.u16(`${id}: windower bridges`) : 0;
      for (let j = 0; j < nb; j++) {
        const [from, to] = r.f64s(2, `${id}: windower bridge`);
        if (!(Number.isFinite(from) && Number.isFinite(to) && from <= to)) throw new PipelineSnapshotError('corrupt', `pipeline snapshot: stream ${id} has a bridged stretch ${from}…${to}`);
        bridges.push({ from, to });
      }
      win = { nextK, segments, bridges };
    }
    const clock: ClockModelState = {
      xRef: ks[0],
      yRef: ks[1],
      a: ks[2],
      c: ks[3],
      xA: ks[4],
      curBucket: ks[5],
      curX: ks[6],
      curZ: ks[7],
      lastX: ks[8],
      nObs: checkIndex(ks[9], `${id}: observations`),
      nResets: checkIndex(ks[10], `${id}: resets`),
      recentN: checkIndex(ks[11], `${id}: residual count`),
      sinceDriftFit: checkIndex(ks[12], `${id}: drift refit counter`),
      anchored: (flags & FLAG_CLOCK_ANCHORED) !== 0,
      driftEstimated: (flags & FLAG_DRIFT_ESTIMATED) !== 0,
      bx,
      bz,
      segStarts,
      recent,
    };
    const conditioner: ConditionerState = {
      period: sc[0],
      sumDd: sc[1],
      sumDj: sc[2],
      d0Sum: sc[3],
      d0W: sc[4],
      d0: sc[5],
      segIndex: checkIndex(sc[6], `${id}: segment index`),
      lastStart: sc[7],
      lastCount: checkIndex(sc[8], `${id}: last count`),
      lastDevEnd: sc[9],
      lastHost: sc[10],
      nextK: checkIndex(sc[11], `${id}: next grid index`),
      lastK: checkIndex(sc[12], `${id}: last grid index`, true),
      nSegments: checkIndex(sc[13], `${id}: segments`),
      nGaps: checkIndex(sc[14], `${id}: gaps`),
      segActive: (flags & FLAG_SEG_ACTIVE) !== 0,
      filterPrimed: (flags & FLAG_FILTER_PRIMED) !== 0,
      hold,
      clock,
      resampler: { count, floor, samples },
      filter,
    };
    streams.push({ id, layoutHash: layout, channels: C, conditioner, windower: win });
  }
  if (r.pos !== end) throw new PipelineSnapshotError('corrupt', `pipeline snapshot: ${end - r.pos} bytes left over after ${head.streams} streams`);
  return { configHash: head.configHash, frontier: head.frontier, windowsFromK: head.windowsFromK, windower, streams };
}
