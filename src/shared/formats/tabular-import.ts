// Shared by the text formats that hold one sample per row (BrainFlow CSV, OpenBCI GUI raw text):
// numbers out of delimited lines, columns into streams, gaps found from the sample counter and
// the host time stamps, the marker column into annotations.
import { modalityOfKind } from './channel-kind';
import type { Fail } from './format-error';
import type { ImportedAnnotation, ImportedChannel, ImportedSegment, ImportedStream } from './recording.types';
import type { Modality } from '../stream.types';
import { TIME_UNITS, timeUnitName, unixTimeProblem } from '../event-time';

/** Reads one field as a number; BrainFlow's %lf prints NaN and infinities as 'nan', '-nan', 'inf'. */
export function fieldNumber(text: string): number {
  const v = Number(text);
  if (!Number.isNaN(v) && text.trim() !== '') return v;
  const t = text.trim().toLowerCase();
  if (t === 'nan' || t === '-nan' || t === '+nan') return NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  return NaN;
}

/** Decimal places decimalGrid looks for: BrainFlow's %lf writes 6; more is float noise, not a step a writer chose. */
const GRID_MAX_DECIMALS = 6;
/** Counts beyond this are no use to the database's integer encoding (sample-codec.ts stores them as float32). */
const GRID_MAX_COUNT = 2 ** 29;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * The step a text column's numbers were written to, as a channel's resolution and offset
 * (value = count × resolution + offset): a column written with 2 decimals (OpenBCI's 61379.36)
 * lies on the grid 0.01, one of integers that are all multiples of 5 (MIT-BIH in µV) on 5, one
 * of counts × 1 µV + 0.5 on 1 with offset 0.5. The database stores a channel with a resolution
 * as integer counts (1–3 bytes a sample instead of 4 for float32), and checks every sample, so
 * the numbers stay exactly as the file wrote them. Null when the numbers need more than
 * GRID_MAX_DECIMALS decimals, or the counts would not fit the encoding. Reads every `stride`th
 * value of `values` from `start`, `count` of them; NaN and infinities (missing values) are skipped.
 */
export function decimalGrid(values: ArrayLike<number>, start: number, stride: number, count: number): { resolution: number; offset: number } | null {
  let d = 0;
  let first = NaN;
  for (; d <= GRID_MAX_DECIMALS; d++) {
    const scale = 10 ** d;
    let ok = true;
    for (let i = 0, j = start; i < count; i++, j += stride) {
      const x = values[j] * scale;
      if (!Number.isFinite(x)) continue;
      // A number written with d decimals, times 10^d, is an integer to within its double's rounding.
      if (Math.abs(x - Math.round(x)) > Math.abs(x) * 2 ** -50 + 1e-9) {
        ok = false;
        break;
      }
      if (Number.isNaN(first)) first = Math.round(x);
    }
    if (ok) break;
  }
  if (d > GRID_MAX_DECIMALS || Number.isNaN(first)) return null;
  const scale = 10 ** d;
  // The common step of the counts: the gcd of their distances from the first.
  let g = 0;
  let lo = first;
  let hi = first;
  for (let i = 0, j = start; i < count; i++, j += stride) {
    const x = values[j] * scale;
    if (!Number.isFinite(x)) continue;
    const k = Math.round(x);
    if (g !== 1) g = gcd(g, Math.abs(k - first));
    if (k < lo) lo = k;
    if (k > hi) hi = k;
  }
  if (g === 0) g = 1; // one value throughout: the grid of its decimals
  const rest = ((first % g) + g) % g;
  if (Math.max(Math.abs(lo - rest), Math.abs(hi - rest)) / g > GRID_MAX_COUNT) return null;
  return { resolution: g / scale, offset: rest / scale };
}

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);

/**
 * Half the gap between float32 numbers at the float32 x, on the smaller side: every number this
 * close rounds to x (at a power of two, the gap below is half the gap above).
 */
function float32HalfStep(x: number): number {
  f32[0] = x;
  const e = (f32Bits[0] >>> 23) & 0xff;
  if (e <= 1) return 2 ** -150;
  return 2 ** (e - 151) / ((f32Bits[0] & 0x7fffff) === 0 ? 2 : 1);
}

/** Fewer distinct values than this do not show a grid. */
const COUNT_GRID_MIN_DISTINCT = 64;
/** The grid's step must be this many float32 steps of the largest value or more: a finer one fits any column. */
const COUNT_GRID_MIN_STEPS = 64;
/** The first values, whose smallest distinct step rules out most columns with no grid before the whole is sorted. */
const COUNT_GRID_PROBE = 4096;
/** More values than 1 in 256 whose float32 the grid does not give back bit for bit: no grid. */
const COUNT_GRID_MAX_INEXACT = 1 / 256;

/**
 * The step of a text column whose numbers are the float32s of counts of a step that is no decimal:
 * our CSV export of an EDF channel (count × 0.00159497… µV + 7.094…, EEGMAT) writes each value
 * as the shortest text of its float32, which no decimal step holds (decimalGrid finds none, or one
 * of 10^-5 µV, a hundred times finer than the counts, and the database took 3-4 bytes a sample
 * where the session took 2). The distinct values, in order, are walked to their counts; the step
 * and offset are then those that put every count's value inside its float32's rounding interval
 * with the most room (found by a ternary search: the room is a concave function of the step),
 * else a least-squares fit. Kept only where every value lies that close to its grid point, but
 * for at most 1 in 256 (as the database checks each sample, and keeps one that does not come
 * back bit for bit as it is). Values stay as written: a column written to fewer digits than its
 * float32s (an older export's 5 decimals) lies further from the grid and gets none. Null where
 * no such grid fits, or none as coarse as `coarserThan` (a column's decimal step: a grid no
 * coarser saves nothing). Reads as decimalGrid does. Its cost is a few passes over the values: the
 * first 4096 give a step, by which the rest are counted, not sorted.
 */
export function countGrid(values: ArrayLike<number>, start: number, stride: number, count: number, coarserThan = 0): { resolution: number; offset: number } | null {
  let big = 0;
  for (let i = 0, j = start; i < count; i++, j += stride) if (Math.abs(values[j]) > big && Number.isFinite(values[j])) big = Math.abs(values[j]);
  const floor = Math.max(COUNT_GRID_MIN_STEPS * 2 * float32HalfStep(big), coarserThan);
  // The first values: a column of floats without a grid (or on a grid no coarser than asked for)
  // has steps finer than the floor among them already; else they give the step to count the rest by.
  const probe = distinctFloat32s(values, start, stride, Math.min(count, COUNT_GRID_PROBE));
  if (!(minStep(probe) >= floor)) return null;
  const walked = probe.length >= COUNT_GRID_MIN_DISTINCT ? walkCounts(probe) : null;
  // Each value's count by that step, the distinct values in the order of their counts (no sort of
  // the whole column); where two values share a count the step was not sharp enough: sorted after all.
  const byCount = walked && count > COUNT_GRID_PROBE ? bucketByCount(values, start, stride, count, walked.res, walked.off) : null;
  let fitted = byCount ? fitCountGrid(byCount.u, byCount.k, floor) : null;
  let grid = fitted && checkCountGrid(values, start, stride, count, fitted.res, fitted.off);
  if (!grid) {
    const u = count > COUNT_GRID_PROBE ? distinctFloat32s(values, start, stride, count) : probe;
    const w = u.length >= COUNT_GRID_MIN_DISTINCT && minStep(u) >= floor ? walkCounts(u) : null;
    fitted = w ? fitCountGrid(u, w.k, floor) : null;
    grid = fitted && checkCountGrid(values, start, stride, count, fitted.res, fitted.off);
  }
  return grid || null;
}

/** The distinct float32s of the first `n` values (finite ones), in order. */
function distinctFloat32s(values: ArrayLike<number>, start: number, stride: number, n: number): Float64Array {
  const all = new Float64Array(n);
  let m = 0;
  for (let i = 0, j = start; i < n; i++, j += stride) if (Number.isFinite(values[j])) all[m++] = Math.fround(values[j]);
  const u = all.subarray(0, m).sort();
  let d = 0;
  for (let i = 0; i < m; i++) if (i === 0 || u[i] !== u[d - 1]) u[d++] = u[i];
  return u.subarray(0, d);
}

function minStep(u: Float64Array): number {
  let s = Infinity;
  for (let i = 1; i < u.length; i++) s = Math.min(s, u[i] - u[i - 1]);
  return s;
}

/**
 * Counts of distinct values in order, outward from the middle one, where values lie densest (a
 * clipped outlier at either end may lie hundreds of counts beyond the next): each step between
 * two values a whole number of grid steps, the running slope sharpening as the counts span more;
 * then the least-squares step and offset. Null where two values fall on one count.
 */
function walkCounts(u: Float64Array): { k: Float64Array; res: number; off: number } | null {
  const n = u.length;
  const c0 = n >> 1;
  const u0 = u[c0];
  const k = new Float64Array(n);
  let step = minStep(u);
  for (let i = c0 + 1; i < n; i++) {
    const d = Math.round((u[i] - u[i - 1]) / step);
    if (d < 1) return null;
    k[i] = k[i - 1] + d;
    step = (u[i] - u0) / k[i];
  }
  for (let i = c0 - 1; i >= 0; i--) {
    const d = Math.round((u[i + 1] - u[i]) / step);
    if (d < 1) return null;
    k[i] = k[i + 1] - d;
    step = (u[n - 1] - u[i]) / (k[n - 1] - k[i]);
  }
  const ls = leastSquares(u, k);
  return ls && { k, ...ls };
}

/** The line value = k × res + off through (k, u), values taken relative to the middle one so the sums stay exact enough. */
function leastSquares(u: Float64Array, k: Float64Array): { res: number; off: number } | null {
  const n = u.length;
  const u0 = u[n >> 1];
  let [sk, sv, skk, skv] = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const v = u[i] - u0;
    sk += k[i];
    sv += v;
    skk += k[i] * k[i];
    skv += k[i] * v;
  }
  const den = n * skk - sk * sk;
  if (!(den > 0)) return null;
  const res = (n * skv - sk * sv) / den;
  return { res, off: u0 + (sv - res * sk) / n };
}

/** The most counts bucketByCount spans (a 16-bit channel's 65 536 many times over). */
const COUNT_GRID_BUCKETS_MAX = 2 ** 21;

/**
 * Every value's count by a step and offset, and the distinct values in the order of their counts;
 * null where the counts span too many, or two distinct values fall on one count.
 */
function bucketByCount(values: ArrayLike<number>, start: number, stride: number, count: number, res: number, off: number): { u: Float64Array; k: Float64Array } | null {
  let [kMin, kMax] = [Infinity, -Infinity];
  for (let i = 0, j = start; i < count; i++, j += stride) {
    const v = values[j];
    if (!Number.isFinite(v)) continue;
    const c = Math.round((Math.fround(v) - off) / res);
    if (c < kMin) kMin = c;
    if (c > kMax) kMax = c;
  }
  if (!(kMax - kMin < COUNT_GRID_BUCKETS_MAX)) return null;
  const at = new Float64Array(kMax - kMin + 1).fill(NaN);
  let n = 0;
  for (let i = 0, j = start; i < count; i++, j += stride) {
    const v = values[j];
    if (!Number.isFinite(v)) continue;
    const f = Math.fround(v);
    const b = Math.round((f - off) / res) - kMin;
    if (Number.isNaN(at[b])) {
      at[b] = f;
      n++;
    } else if (at[b] !== f) return null;
  }
  const [u, k] = [new Float64Array(n), new Float64Array(n)];
  for (let b = 0, m = 0; b < at.length; b++) {
    if (Number.isNaN(at[b])) continue;
    u[m] = at[b];
    k[m++] = b + kMin;
  }
  return { u, k };
}

/**
 * The step and offset that put every count's value (u[i] at count k[i], k ascending) inside its
 * float32's rounding interval with the most room, else the least-squares ones: the room a step
 * leaves is the width of the offsets all intervals allow (negative: none does), a concave function
 * of the step, found by a ternary search. Only intervals on the convex hulls of the lower and upper
 * ends can bound it (one pass each); all in residuals from the least-squares line, which are small.
 */
function fitCountGrid(u: Float64Array, k: Float64Array, floor: number): { res: number; off: number } | null {
  const ls = leastSquares(u, k);
  if (!ls) return null;
  let { res, off } = ls;
  const n = u.length;
  const u0 = u[n >> 1];
  const lower: number[] = [];
  const upper: number[] = [];
  const [yLo, yHi] = [new Float64Array(n), new Float64Array(n)];
  for (let i = 0; i < n; i++) {
    const y = u[i] - u0 - k[i] * res - (off - u0);
    const h = float32HalfStep(u[i]);
    yLo[i] = y - h;
    yHi[i] = y + h;
  }
  const cross = (ys: Float64Array, o: number, a: number, b: number) => (k[a] - k[o]) * (ys[b] - ys[o]) - (ys[a] - ys[o]) * (k[b] - k[o]);
  for (let i = 0; i < n; i++) {
    while (lower.length > 1 && cross(yLo, lower[lower.length - 2], lower[lower.length - 1], i) >= 0) lower.pop();
    lower.push(i);
    while (upper.length > 1 && cross(yHi, upper[upper.length - 2], upper[upper.length - 1], i) <= 0) upper.pop();
    upper.push(i);
  }
  const room = (d: number): [number, number] => {
    let lo = -Infinity;
    let hi = Infinity;
    for (const i of lower) lo = Math.max(lo, yLo[i] - k[i] * d);
    for (const i of upper) hi = Math.min(hi, yHi[i] - k[i] * d);
    return [hi - lo, (hi + lo) / 2];
  };
  let [a, b] = [-res * 1e-6, res * 1e-6];
  for (let it = 0; it < 200 && b - a > res * 1e-18; it++) {
    const m1 = a + (b - a) / 3;
    const m2 = b - (b - a) / 3;
    if (room(m1)[0] < room(m2)[0]) a = m1;
    else b = m2;
  }
  const [width, mid] = room((a + b) / 2);
  if (width >= 0) [res, off] = [res + (a + b) / 2, off + mid];
  if (!(res >= floor)) return null;
  // The value of count 0 nearest 0, so counts centre on the data as a device's do.
  return { res, off: off - Math.round(off / res) * res };
}

/** The grid, where it gives back every value's float32 bit for bit but for at most 1 in 256, and its counts fit. */
function checkCountGrid(values: ArrayLike<number>, start: number, stride: number, count: number, res: number, off: number): { resolution: number; offset: number } | null {
  let inexact = 0;
  let finite = 0;
  for (let i = 0, j = start; i < count; i++, j += stride) {
    const v = values[j];
    if (!Number.isFinite(v)) continue;
    finite++;
    const c = Math.round((v - off) / res);
    if (Math.abs(c) > GRID_MAX_COUNT) return null;
    if (Math.fround(c * res + off) !== Math.fround(v)) inexact++;
  }
  return inexact <= finite * COUNT_GRID_MAX_INEXACT ? { resolution: res, offset: off } : null;
}

/**
 * Numbers of delimited data lines into a row-major Float64Array. `width` columns are read from
 * each line (extra trailing columns are allowed when `allowExtra`); a short line, or a field that
 * is not a number in a numeric column, fails with the line number. A short LAST line is a file cut
 * short (a crash, a copy stopped early): it is dropped, with a warning for the import's warnings.
 * Lines are numbered as in the file, as an editor shows them (an OpenBCI file's data start on line
 * 6: 'data line 996' sent the reader five lines short of line 1001), and `lineOf` gives each row's.
 */
export function readNumericRows(
  lines: string[],
  firstLine: number,
  delimiter: RegExp,
  width: number,
  fail: Fail,
  opts: { allowExtra?: boolean; textColumns?: Set<number> } = {},
): { values: Float64Array; rows: number; warnings: string[]; lineOf: Int32Array } {
  let rows = 0;
  const warnings: string[] = [];
  const keep: string[] = [];
  const at: number[] = [];
  for (let i = firstLine; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    keep.push(lines[i]);
    at.push(i + 1);
  }
  const lineOf = Int32Array.from(at);
  const values = new Float64Array(keep.length * width);
  for (let r = 0; r < keep.length; r++) {
    const f = keep[r].split(delimiter);
    if (f.length < width || (!opts.allowExtra && f.length > width)) {
      if (r === keep.length - 1 && f.length < width) {
        warnings.push(`the last line (line ${lineOf[r]}) has ${f.length} of ${width} columns (file cut short?); it is left out`);
        break;
      }
      fail('bad-data', `line ${lineOf[r]} has ${f.length} columns; expected ${width}`);
    }
    const o = r * width;
    for (let c = 0; c < width; c++) {
      if (opts.textColumns?.has(c)) continue;
      const v = fieldNumber(f[c]);
      if (Number.isNaN(v) && !/nan/i.test(f[c])) fail('bad-number', `line ${lineOf[r]}, column ${c + 1}: ${JSON.stringify(f[c].trim().slice(0, 20))} is not a number`);
      values[o + c] = v;
    }
    rows = r + 1;
  }
  return { values: rows * width === values.length ? values : values.subarray(0, rows * width), rows, warnings, lineOf };
}

export interface TabularStreamPlan {
  name: string;
  modality?: Modality;
  columns: number[];
  channels: ImportedChannel[];
}

export interface TabularPlan {
  rateHz: number;
  streams: TabularStreamPlan[];
  /** Host time column, and its units per second (1 for s, 1000 for ms). */
  timeColumn?: number;
  timeUnitsPerSecond?: number;
  /** The time column as the file's readers know it ('timestamp'), for error messages. */
  timeColumnName?: string;
  /** Sample counter column and its modulus (Cyton: 256). */
  counterColumn?: number;
  counterModulus?: number;
  markerColumn?: number;
  markerSource: string;
  /** Each row's line in the file (readNumericRows), for messages; else rows count from line 1. */
  lineOf?: Int32Array;
}

/** Row r's line in the file, as messages name it (TabularPlan.lineOf). */
function lineOfRow(plan: TabularPlan, r: number): number {
  return plan.lineOf?.[r] ?? r + 1;
}

export interface TabularResult {
  streams: ImportedStream[];
  annotations: ImportedAnnotation[];
  startTime: number | null;
  warnings: string[];
}

/** A break in time longer than this (or this many sample periods) is a gap. */
const GAP_SECONDS = 1;
const GAP_PERIODS = 50;

/**
 * How far a break's host time may lie from a whole number of counter turns (in turns: a Cyton's is
 * 1.024 s) and still be taken as that many: beyond, the samples lost are a guess and a warning says so.
 */
const AMBIGUOUS_TURNS = 0.25;
/** How long the stamps are read either side of a break at first: a stalled host's backlog must drain in it. */
const ENVELOPE_SECONDS = 20;
/** How many times the look after a break is doubled while the stamps are still catching up. */
const ENVELOPE_DOUBLINGS = 3;
/** The stretch at the end of the look after a break whose stamps show whether they still catch up. */
const ENVELOPE_TAIL_SECONDS = 1;
/**
 * How far the lowest stamp (less its rows' time) may fall from the second-last stretch to the last
 * and the stamps still count as caught up: a board 0.5 % fast falls 5 ms in a second, a backlog
 * read 1.4 times as fast as it was made 290 ms.
 */
const ENVELOPE_TAIL_FALL_SECONDS = 0.05;

/**
 * Seconds from row r-1 to row r by the host clock, read from the rows [lo, hi) on either side:
 * each stamp is the sample's time plus a delay (the host reads the board in batches, and a stall
 * leaves a backlog stamped late), so the smallest stamp less its rows' time at the nominal rate
 * is the steadiest guess of each side's clock. Where that still falls from the second-last second
 * of the look after the break to the last, the stamps are catching up with a backlog: the look is
 * doubled (to 160 s); `settled` is false where they had not caught up by its end (or the rows').
 */
function hostSeconds(stamp: (r: number) => number, rate: number, lo: number, r: number, hi: number): { seconds: number; settled: boolean } {
  const reach = Math.max(1, Math.round(ENVELOPE_SECONDS * rate));
  const tail = Math.max(1, Math.round(ENVELOPE_TAIL_SECONDS * rate));
  let before = Infinity;
  for (let j = Math.max(lo, r - reach); j < r; j++) before = Math.min(before, stamp(j) + (r - 1 - j) / rate);
  for (let k = 0; ; k++) {
    const end = Math.min(hi, r + reach * 2 ** k);
    let [lowest, head, last] = [Infinity, Infinity, Infinity];
    for (let j = r; j < end; j++) {
      const v = stamp(j) - (j - r) / rate;
      lowest = Math.min(lowest, v);
      if (j >= end - tail) last = Math.min(last, v);
      else if (j >= end - 2 * tail) head = Math.min(head, v);
    }
    // (a look shorter than two stretches, the file's end close by, cannot tell)
    const catching = end - r >= 2 * tail && head - last > ENVELOPE_TAIL_FALL_SECONDS;
    if (!catching || end >= hi || k === ENVELOPE_DOUBLINGS) return { seconds: lowest - before, settled: !catching };
  }
}

/** The unit whose size makes `step` (time units per sample) one sample period at `rateHz`, within a factor of 2. */
function unitOfStep(step: number, rateHz: number): string | undefined {
  return TIME_UNITS.find(([, f]) => f > 1 && step * rateHz >= f / 2 && step * rateHz <= f * 2)?.[0];
}

export function buildTabular(values: Float64Array, rows: number, width: number, plan: TabularPlan, fail: Fail): TabularResult {
  const warnings: string[] = [];
  const rate = plan.rateHz;
  const tcol = plan.timeColumn;
  const perSecond = plan.timeUnitsPerSecond ?? 1;
  const time = (r: number) => values[r * width + (tcol as number)] / perSecond;
  // A first time stamp of 0 (or none) means the writer kept no clock: the column is not used.
  const startTime = tcol !== undefined && rows > 0 && Number.isFinite(time(0)) && time(0) > 0 ? time(0) : null;
  if (tcol !== undefined && startTime !== null) checkTimeColumn(values, rows, width, tcol, plan, fail);

  // Counter step: the most common difference in the first rows (Cyton +1, Daisy +2 …).
  let step = 1;
  const mod = plan.counterModulus ?? 0;
  let ccol = plan.counterColumn;
  if (ccol !== undefined && mod > 0 && rows > 2) {
    const counts = new Map<number, number>();
    const n = Math.min(rows, 200) - 1;
    for (let r = 1; r <= n; r++) {
      const d = (((values[r * width + ccol] - values[(r - 1) * width + ccol]) % mod) + mod) % mod;
      counts.set(d, (counts.get(d) ?? 0) + 1);
    }
    step = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0] || 1;
    // A counter that repeats counts packets, not samples: a Ganglion's BLE packet carries two
    // samples under one number (1, 1, 2, 2 … 100, 100, 1), so every repeat read as a loss of -1
    // samples and cut the stream into segments of two. Gaps then come from the time stamps alone.
    if ((counts.get(0) ?? 0) >= n / 4) ccol = undefined;
  }

  // Segments: [fromRow, toRow, start seconds from the recording zero]. Within a segment a row's time
  // is its count at the nominal rate; a break starts the next segment after the row before it, on
  // the same axis. Placed at its own time stamp instead, it landed before the end of the one before
  // wherever the device ran faster than its nominal rate (a Cyton at 250.4 Hz has counted 0.4 s more
  // than the host clock after 10 minutes): the two overlapped, and the database, which orders chunks
  // by time, interleaved their samples.
  const timed = tcol !== undefined && startTime !== null;
  // the difference in the file's own units first, then scaled: ms stamps near 1.5e12 keep their precision
  const pause = (r: number) => (values[r * width + (tcol as number)] - values[(r - 1) * width + (tcol as number)]) / perSecond;
  const counted = ccol !== undefined && mod > 0;
  const cycle = counted ? mod / step : 0; // samples in one turn of the counter (Cyton 256)
  // The counter's jump at row r in samples (1: follows on), or 0 where it says nothing (a repeat, a
  // step that is no multiple of the board's).
  const counterStep = (r: number) => (((values[r * width + (ccol as number)] - values[(r - 1) * width + (ccol as number)]) % mod) + mod) % mod;
  const jump = (r: number) => {
    const d = counterStep(r);
    return d > 0 && d % step === 0 ? d / step : 0;
  };
  // Rows where the samples may not follow on: the counter jumps, or the host time pauses (with a
  // counter, for half a turn of it: a whole turn lost leaves the counter looking continuous).
  // Host time that goes back (a clock set back) is noted, and bounds the look at the stamps.
  // Without a counter, a pause in the host time over a second (or 50 samples) is a gap of that length.
  const gapAt = Math.max(GAP_SECONDS, GAP_PERIODS / rate);
  const pauseAt = counted && timed ? (0.5 * cycle) / rate : gapAt;
  const breaks: [number, number, boolean][] = []; // [row, its index in bounds, host time usable there]
  const bounds: number[] = [0];
  let back: { line: number; by: number } | null = null;
  for (let r = 1; r < rows; r++) {
    const dt = timed ? pause(r) : 0;
    if (dt < -GAP_SECONDS) {
      // The host clock was set back (a time sync): the samples still follow on, as the counter says.
      back ??= { line: lineOfRow(plan, r), by: -dt };
      if (counted && jump(r) > 1) breaks.push([r, bounds.length, false]);
      bounds.push(r);
    } else if ((counted && jump(r) > 1) || dt > pauseAt) {
      breaks.push([r, bounds.length, true]);
      bounds.push(r);
    }
  }
  bounds.push(rows);
  const segs: [number, number, number][] = [];
  let from = 0;
  let segStart = 0;
  let lost = 0;
  const unsure: string[] = [];
  const stalls: { line: number; s: number }[] = [];
  for (const [r, at, hostOk] of breaks) {
    let missing: number;
    // A counter that repeats a value across a pause in the stamps has lost a turn less one (a Cyton's
    // 255, 511 …): a row written twice does not wait half a turn.
    const repeat = counted && timed && hostOk && counterStep(r) === 0;
    if (!counted || (jump(r) === 0 && !repeat)) {
      // no counter (or one that says nothing here: a step no multiple of the board's): the host time's pause alone
      if (pause(r) > gapAt) {
        segs.push([from, r, segStart]);
        segStart = segStart + (r - 1 - from) / rate + pause(r);
        from = r;
      }
      continue;
    }
    const m0 = repeat ? cycle - 1 : jump(r) - 1; // the counter's count of lost samples, modulo a turn of it
    if (!timed || !hostOk) {
      // no host time (or a clock set back there): the counter alone, and only a jump under half a
      // turn (beyond, it cannot tell)
      if (m0 === 0 || m0 + 1 >= cycle / 2) continue;
      missing = m0;
    } else {
      // The host time across the break, on the lower envelope of the stamps either side (a stamp is
      // the sample's time plus a delay that a stalled host only lengthens), gives the turns of the
      // counter lost with the samples: those that put the count nearest the time.
      const host = hostSeconds(time, rate, bounds[at - 1], r, bounds[at + 1]);
      const passed = host.seconds * rate - 1;
      const turns = (passed - m0) / cycle;
      // (stamps still catching up say only "at most": the counter's own count, the least the rows prove)
      const k = host.settled ? Math.max(0, Math.round(turns)) : 0;
      missing = m0 + k * cycle;
      const line = lineOfRow(plan, r);
      if (Math.abs(turns - k) > AMBIGUOUS_TURNS || !host.settled) {
        const said = host.settled ? `${Number((passed / rate).toFixed(3))} s` : `${Number((passed / rate).toFixed(3))} s at most (they were still catching up with a backlog where they were read to)`;
        unsure.push(`line ${line}: the counter says ${m0} samples lost (or ${cycle} more per turn of it), the time stamps ${said}; taken as ${missing} (${Number((missing / rate).toFixed(3))} s)`);
      } else if (missing === 0) stalls.push({ line, s: pause(r) });
      if (missing === 0) continue;
    }
    lost += missing;
    segs.push([from, r, segStart]);
    segStart = segStart + (r - from + missing) / rate;
    from = r;
  }
  segs.push([from, rows, segStart]);
  if (back) warnings.push(`the time stamps go back by ${Number(back.by.toFixed(3))} s at line ${back.line} (the computer's clock set back?): the samples there are taken as following on`);
  if (lost > 0) warnings.push(`${lost} samples lost in transmission (sample counter jumps); gaps kept in place`);
  if (unsure.length > 0) {
    warnings.push(
      `${unsure.length} break(s) where the sample counter and the time stamps disagree, so the samples lost are a guess: ${unsure.slice(0, 3).join('; ')}` +
        (unsure.length > 3 ? `; and ${unsure.length - 3} more` : ''),
    );
  }
  if (stalls.length > 0) {
    const longest = stalls.reduce((a, s) => (s.s > a.s ? s : a));
    warnings.push(`the time stamps pause ${stalls.length} time(s) where the sample counter runs on and they catch up after (longest ${Number(longest.s.toFixed(3))} s, line ${longest.line}): the computer stalled, no samples lost`);
  }
  if (segs.length > 1) warnings.push(`${segs.length - 1} gap(s) in the recording`);

  const streams: ImportedStream[] = plan.streams
    .filter((s) => s.columns.length > 0)
    .map((s) => {
      const nch = s.columns.length;
      const segments: ImportedSegment[] = segs.map(([a, b, start]) => {
        const count = b - a;
        const data = new Float64Array(count * nch);
        s.columns.forEach((col, c) => {
          for (let i = 0; i < count; i++) data[c * count + i] = values[(a + i) * width + col];
        });
        return { start, count, data };
      });
      const modality = s.modality ?? modalityOfKind(s.channels[0].kind);
      // The text's decimal grid where the reader knows no finer one: stored as integers, exactly.
      const channels = s.channels.map((ch, c) => (ch.resolution > 0 ? ch : { ...ch, ...decimalGrid(values, s.columns[c], width, rows) }));
      return { name: s.name, modality, rateHz: rate, channels, segments: segments.filter((g) => g.count > 0) };
    });

  const annotations: ImportedAnnotation[] = [];
  const mcol = plan.markerColumn;
  if (mcol !== undefined) {
    for (const [a, b, start] of segs) {
      for (let r = a; r < b; r++) {
        const v = values[r * width + mcol];
        if (v !== 0 && Number.isFinite(v)) annotations.push({ onset: start + (r - a) / rate, duration: 0, label: String(v), source: plan.markerSource });
      }
    }
  }
  return { streams, annotations, startTime, warnings };
}

/**
 * Every time stamp of a used time column must be a unix time (1970–2200) in the column's unit, and
 * the stamps must advance at about the sampling rate: a median step that would itself be a gap
 * means the unit is wrong (relative milliseconds in a seconds column), and would invent a gap
 * between every two samples. Fails naming the line, the column and the unit the values look like.
 */
function checkTimeColumn(values: Float64Array, rows: number, width: number, tcol: number, plan: TabularPlan, fail: Fail): void {
  const perSecond = plan.timeUnitsPerSecond ?? 1;
  const column = `${plan.timeColumnName ?? 'time'} column (column ${tcol + 1})`;
  for (let r = 0; r < rows; r++) {
    const v = values[r * width + tcol];
    const problem = unixTimeProblem(v, perSecond);
    if (problem !== null) fail('bad-number', `line ${lineOfRow(plan, r)}, ${column}: ${problem}`);
  }
  const steps: number[] = [];
  for (let r = 1; r < Math.min(rows, 2001); r++) steps.push(values[r * width + tcol] - values[(r - 1) * width + tcol]);
  if (steps.length === 0) return;
  steps.sort((a, b) => a - b);
  const step = steps[steps.length >> 1];
  if (step / perSecond > Math.max(GAP_SECONDS, GAP_PERIODS / plan.rateHz)) {
    const like = unitOfStep(step, plan.rateHz);
    fail(
      'bad-number',
      `${column}: time stamps advance by ${step} ${timeUnitName(perSecond)} per sample (median), which at ${plan.rateHz} Hz would make every sample a gap` +
        (like ? `; they look like ${like}` : ''),
    );
  }
}
