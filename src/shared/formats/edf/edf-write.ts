// EDF+ and BDF+ writer: an ImportedRecording (a session export builds one) to bytes that
// independent readers open (MNE-Python, EDFbrowser, pyEDFlib). Markers go into an
// 'EDF Annotations' / 'BDF Annotations' signal as TALs. The file is EDF+C: samples a stream lacks
// (its end short of the last record's end, a gap, even one that empties whole records) are written
// as 0 and marked by a SKIP_ANNOTATION, which our reader cuts out again (edf-import.ts). Many
// readers (MNE-Python 1.3 and still upstream, mne-python#13429; EEGLAB) ignore EDF+D record start
// times and would read the records after a gap too early, so whole empty records are left out
// (EDF+D) only when asked, or when zero-filling them would make an absurd file (zeroFillAllowed).
// Markers outside the data get zero-filled records too (MNE drops annotations outside the data);
// those more than EVENT_SESSION_REACH_S away are left out with a warning.
import { failFor, type Fail } from '../format-error';
import type { ImportedRecording, ImportedSegment, ImportedStream } from '../recording.types';
import { asciiText, encodeAscii, encodeUtf8, parseDecimal } from '../text';
import { EDF_HEADER_BYTES, EDF_SIGNAL_HEADER_BYTES, SKIP_ANNOTATION } from './edf.types';
import { EVENT_SESSION_REACH_S } from '../../event-time';
import { annotationInRange } from '../import-util';

export interface EdfWriteOptions {
  /** 'edf' (16-bit) or 'bdf' (24-bit). */
  format: 'edf' | 'bdf';
  /** Data record length; by default the shortest of 1, 0.5, 2, 0.25, … s that holds a whole number of samples at every rate. */
  recordDurationS?: number;
  /** Only this span, seconds from the recording zero: [from, to). */
  range?: [number, number];
  /** EDF+ fields (spaces become '_'): patient code/sex/birthdate/name, recording admin code/technician/equipment. */
  patient?: { code?: string; sex?: 'M' | 'F'; birthdate?: string; name?: string };
  recording?: { adminCode?: string; technician?: string; equipment?: string };
  /** Name used in error messages. */
  fileName?: string;
  /**
   * Leave records that hold no sample of any stream out (EDF+D: each record carries its start
   * time) instead of writing them as zeros marked SKIP_ANNOTATION. Smaller files, but only for
   * readers that honour EDF+D record times. Without empty records the file is EDF+C either way.
   */
  discontinuous?: boolean;
  /**
   * For edfPieces: about how many sample values each piece of records holds, and how many values
   * its scans of the data (ranges, missing values) go through between two pauses. Default: all.
   */
  stepValues?: number;
}

export interface EdfWriteResult {
  bytes: Uint8Array;
  /** What the file could not hold exactly (streams without a regular rate, clipped values, EDF+D fallback …). */
  warnings: string[];
}

/** Zero-filled empty records are always written up to this many bytes (a short session with a long gap)… */
export const EDF_FILL_FREE_BYTES = 64 * 2 ** 20;
/** …beyond that, while they add at most this many times the bytes of the records that hold data… */
export const EDF_FILL_MAX_RATIO = 3;
/** …and never more than this many bytes. */
export const EDF_FILL_MAX_BYTES = 2 ** 30;

/**
 * Whether whole records without data may be written as zeros (EDF+C) rather than left out (EDF+D):
 * the padding stays within max(EDF_FILL_FREE_BYTES, EDF_FILL_MAX_RATIO × the data records' bytes)
 * and within EDF_FILL_MAX_BYTES. A clock jump that maps a segment days away must not turn a
 * megabyte session into gigabytes of zeros.
 */
export function zeroFillAllowed(fillBytes: number, dataBytes: number): boolean {
  return fillBytes <= Math.max(EDF_FILL_FREE_BYTES, EDF_FILL_MAX_RATIO * dataBytes) && fillBytes <= EDF_FILL_MAX_BYTES;
}

/**
 * How far outside the written data an annotation may lie: EVENT_SESSION_REACH_S, the reach the
 * database stores an event at (zero-filled records are added for it where they fit, see
 * zeroFillAllowed; else it stays in the first or last record); further ones are left out with a
 * warning. An event a year away from its data is a clock mistake, and a far one (a time in
 * milliseconds read as seconds: 50 000 years) makes onsets that readers cannot turn into dates
 * (MNE-Python: "OverflowError: date value out of range").
 */
function annotationInReach(a: { onset: number; duration: number }, t0: number, t1: number): boolean {
  const end = a.onset + Math.max(0, a.duration);
  return Number.isFinite(a.onset) && Number.isFinite(a.duration) && a.onset >= t0 - EVENT_SESSION_REACH_S && end <= t1 + EVENT_SESSION_REACH_S;
}

const RECORD_CANDIDATES_S = [1, 0.5, 2, 0.25, 0.2, 4, 5, 0.1, 10, 0.05, 0.04, 0.02, 0.01];
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Shortest decimal text of at most `width` characters that is ≤ v (dir -1) or ≥ v (dir +1). */
export function edfNumber(v: number, dir: -1 | 1, width = 8): string | null {
  for (let d = width; d >= 0; d--) {
    const p = 10 ** d;
    let x = (dir < 0 ? Math.floor(v * p) : Math.ceil(v * p)) / p;
    if (Object.is(x, -0)) x = 0;
    // if v is already exact at this precision, keep it (floor/ceil of v·p can step past by an ulp)
    const exact = Number(v.toFixed(d));
    if (exact === v) x = v;
    let s = x.toFixed(d);
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
    if (s === '-0') s = '0';
    if (s.length <= width) return s;
  }
  return null;
}

/** Nearest decimal text of at most `width` characters, the shortest that is v within float noise. */
function edfNearest(v: number, width = 8): string | null {
  let best: string | null = null;
  for (let d = 0; d <= width; d++) {
    let s = v.toFixed(d);
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
    if (s === '-0') s = '0';
    if (s.length > width) break;
    best = s;
    if (Math.abs(Number(s) - v) <= 1e-9 * Math.abs(v)) break;
  }
  return best;
}

/** Header fields of one signal's scale: physical = digital × gain + offset. */
interface EdfScale {
  physMin: string;
  physMax: string;
  digMin: number;
  digMax: number;
}

/**
 * The scale that gives a quantised channel (physical = count × resolution + offset) its own
 * integers back: the file's digital range when its physical range maps onto whole counts (an EDF
 * imported and written again), else the counts the data spans. Null when the channel is not
 * quantised, a sample is off its grid, the counts do not fit the format, or the 8-character
 * physical fields cannot state the scale closely enough for every count to round back to itself.
 */
function quantisedScale(
  resolution: number,
  offset: number,
  physicalRange: [number, number] | undefined,
  countRange: [number, number] | null,
  digLo: number,
  digHi: number,
): EdfScale | null {
  if (!(resolution > 0) || !Number.isFinite(offset) || countRange === null) return null;
  const [cLo, cHi] = countRange;
  let range: [number, number] | null = null;
  if (physicalRange) {
    const a = (Math.min(...physicalRange) - offset) / resolution;
    const b = (Math.max(...physicalRange) - offset) / resolution;
    const [dA, dB] = [Math.round(a), Math.round(b)];
    if (Math.abs(a - dA) < 1e-3 && Math.abs(b - dB) < 1e-3 && dA < dB && dA <= cLo && cHi <= dB) range = [dA, dB];
  }
  if (!range) range = cLo < cHi ? [cLo, cHi] : cHi < digHi ? [cLo, cHi + 1] : [cLo - 1, cHi];
  const [digMin, digMax] = range;
  if (digMin < digLo || digMax > digHi) return null;
  const physMin = edfNearest(digMin * resolution + offset);
  const physMax = edfNearest(digMax * resolution + offset);
  if (physMin === null || physMax === null) return null;
  // The reader's scale comes from the text: every count in the range must still round to itself.
  const gain = (Number(physMax) - Number(physMin)) / (digMax - digMin);
  const off = Number(physMin) - digMin * gain;
  for (const c of [digMin, digMax]) if (!(Math.abs((c * resolution + offset - off) / gain - c) < 0.25)) return null;
  return { physMin, physMax, digMin, digMax };
}

/** EDF's label field: 16 characters. */
const EDF_LABEL_CHARS = 16;

/**
 * Labels longer than EDF's 16 characters, and what each is written as: cut to 16, or where the cut
 * would match another signal's label, its start and end around '~' ('Digital~ 0 (D11)'), then a
 * number. Cutting alone wrote OpenBCI's 'Digital Channel 0 (D11)' … '4 (D18)' as five 'Digital
 * Channel ', which MNE-Python renamed 'Digital Channel-0' … '-4' (and our reader kept alike). Labels
 * that are the same in full stay the same.
 */
export function edfLabels(labels: readonly string[]): Map<string, string> {
  const n = EDF_LABEL_CHARS;
  const long = [...new Set(labels.filter((l) => l.length > n))];
  const out = new Map<string, string>();
  // readers drop the field's trailing spaces: compare labels as they read them
  const taken = new Set(labels.filter((l) => l.length <= n).map((l) => l.trimEnd()));
  const cuts = long.map((l) => l.slice(0, n).trimEnd());
  long.forEach((l, i) => {
    const cut = cuts[i];
    let short = cut;
    if (taken.has(cut) || cuts.some((c, j) => j !== i && c === cut)) {
      const tail = n >> 1;
      short = `${l.slice(0, n - tail - 1).trimEnd()}~${l.slice(-tail)}`;
      for (let k = 2; taken.has(short); k++) short = `${short.slice(0, n - String(k).length - 1)}~${k}`;
    }
    taken.add(short);
    out.set(l, short);
  });
  return out;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text.slice(0, width) : text + ' '.repeat(width - text.length);
}

function plusField(s: string | undefined): string {
  const t = asciiText(s ?? '').trim().replace(/\s+/g, '_');
  return t === '' ? 'X' : t.replace(/[^\x21-\x7e]/g, '?');
}

/**
 * Subfields joined by spaces within `width` characters: the longest of those from `fixed` on is
 * shortened until they fit, so every subfield stays (a plain cut at 80 could drop the last ones,
 * or leave the name's half, and a reader would no longer see an EDF+ field).
 */
function fitSubfields(parts: string[], fixed: number, width: number): string {
  const out = [...parts];
  let excess = out.join(' ').length - width;
  while (excess > 0) {
    let k = fixed;
    for (let i = fixed; i < out.length; i++) if (out[i].length > out[k].length) k = i;
    if (out[k].length <= 1) break;
    const cut = Math.min(excess, out[k].length - 1, Math.max(1, out[k].length - Math.max(...out.slice(fixed).map((x, i) => (i + fixed === k ? 0 : x.length)))));
    out[k] = out[k].slice(0, out[k].length - cut);
    excess -= cut;
  }
  return out.join(' ');
}

function dateParts(unix: number) {
  const d = new Date(unix * 1000);
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
}
const two = (n: number) => String(n).padStart(2, '0');

/**
 * TAL text: no control separators inside, and on one line. EDF+ forbids only bytes 0, 20 and 21,
 * but MNE-Python's TAL pattern does not cross a line break: a marker or self-report text of two
 * lines vanished from the file as MNE read it.
 */
function talText(s: string): string {
  return s.replace(/[\x00\x14\x15]/g, ' ').replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
}

/**
 * Seconds as a TAL onset/duration: plain decimal digits (EDF+ allows no exponent), a sign for
 * onsets, up to 7 decimals. toFixed writes exponent notation from 1e21 on, and stripping its
 * "trailing zeros" turned 1e+300 into 1e+3: there the double's exact integer digits are written.
 */
export function talNumber(v: number, signed: boolean): string {
  if (!Number.isFinite(v)) throw new RangeError(`TAL number ${v} is not finite`);
  let s = Math.abs(v) < 1e21 ? v.toFixed(7).replace(/0+$/, '').replace(/\.$/, '') : BigInt(v).toString();
  if (s === '-0') s = '0';
  return signed && !s.startsWith('-') ? `+${s}` : s;
}

interface OutSignal {
  label: string;
  transducer: string;
  unit: string;
  physMin: string;
  physMax: string;
  digMin: number;
  digMax: number;
  prefilter: string;
  samplesPerRecord: number;
  gain: number;
  offset: number;
  /** Factor from the channel's unit to the written one (1, or a power of 1000: Pa → kPa is 1e-3). */
  scale: number;
  /** Written as its low 16 bits (a BioSemi Status line in EDF: its trigger codes), else undefined. */
  mask?: number;
  stream: ImportedStream;
  channel: number;
}

/** The trigger bits of BioSemi's Status (as the BDF import reads its triggers); bits 16-23 are the system's status. */
const TRIGGER_BITS = 0xffff;

/** A trigger line's range over its trigger bits alone (scanChannel's, for the values written as `v & TRIGGER_BITS`). */
function triggerRange(s: ImportedStream, c: number): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const g of s.segments) {
    const d = g.data.subarray(c * g.count, (c + 1) * g.count);
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i])) continue;
      const v = d[i] & TRIGGER_BITS;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return { lo, hi };
}

/** SI prefixes by power of ten (µ written 'u', as EDF+ does). */
const SI_PREFIXES: Record<string, number> = { p: -12, n: -9, u: -6, µ: -6, μ: -6, m: -3, '': 0, k: 3, M: 6, G: 9 };
/** The prefix written for a power of ten: the first of SI_PREFIXES with it ('u' for µ). */
const SI_WRITE = new Map<number, string>();
for (const [prefix, power] of Object.entries(SI_PREFIXES)) if (!SI_WRITE.has(power)) SI_WRITE.set(power, prefix);
/** Units that take an SI prefix (the longest match wins: 'Pa' before 'a', 'mol' before 'm'). */
const SI_BASES = ['Ohm', 'mol', 'bar', 'Hz', 'Pa', 'V', 'A', 'S', 'W', 'N', 'J', 'g', 'm', 's', 'K', 'l', 'L'];

/** A unit as SI prefix (power of ten) and base ('kPa' → [3, 'Pa'], 'mV' → [-3, 'V']), or null. */
function siUnit(unit: string): [number, string] | null {
  const u = unit.trim();
  for (const base of SI_BASES) {
    if (!u.endsWith(base)) continue;
    const p = SI_PREFIXES[u.slice(0, u.length - base.length)];
    if (p !== undefined) return [p, base];
  }
  return null;
}

/**
 * Range fields over the data's own range [lo, hi], in the channel's unit or, where its values do
 * not fit 8 characters (3e8 Pa) or the 8 characters cannot resolve them (2e-6 S written 0.000002
 * to 0.000003: a tenth of the digital range used), in the same unit with another SI prefix (kPa,
 * uS). Null when no unit holds them.
 */
function dataRangeFields(lo: number, hi: number, unit: string): { pmin: string; pmax: string; unit: string; scale: number } | null {
  const at = (scale: number, u: string) => {
    const pmin = edfNumber(lo * scale, -1);
    const pmax = edfNumber(hi * scale, 1);
    if (pmin === null || pmax === null) return null;
    // the written range may be at most 4 times the data's (2 of 16 bits lost to rounding the text)
    const precise = Number(pmax) - Number(pmin) <= 4 * (hi - lo) * scale;
    return { pmin, pmax, unit: u, scale, precise };
  };
  const own = at(1, unit);
  if (own?.precise) return own;
  const si = siUnit(unit);
  if (si) {
    const [p, base] = si;
    // The engineering prefix first (values from 1 to 1000: 2e-6 S → uS, 3e8 Pa → MPa), then its neighbours.
    const eng = p + 3 * Math.floor(Math.log10(Math.max(Math.abs(lo), Math.abs(hi))) / 3);
    for (const power of [eng, eng - 3, eng + 3, eng - 6, eng + 6]) {
      const prefix = SI_WRITE.get(power);
      if (prefix === undefined || power === p) continue;
      const fit = at(10 ** (p - power), prefix + base);
      if (fit?.precise) return fit;
    }
  }
  return own;
}

/** The written records as time spans, consecutive ones merged: [start, end) s. */
function recordRuns(records: number[], t0: number, dur: number): [number, number][] {
  const runs: [number, number][] = [];
  for (const k of records) {
    const last = runs[runs.length - 1];
    if (last && k === Math.round((last[1] - t0) / dur)) last[1] = t0 + (k + 1) * dur;
    else runs.push([t0 + k * dur, t0 + (k + 1) * dur]);
  }
  return runs;
}

/** Spans (sorted, disjoint) that lie in every list: their intersection. */
function intersectSpans(lists: [number, number][][]): [number, number][] {
  let acc = lists[0] ?? [];
  for (const l of lists.slice(1)) {
    const out: [number, number][] = [];
    for (let i = 0, j = 0; i < acc.length && j < l.length; ) {
      const a = Math.max(acc[i][0], l[j][0]);
      const b = Math.min(acc[i][1], l[j][1]);
      if (b > a) out.push([a, b]);
      if (acc[i][1] < l[j][1]) i++;
      else j++;
    }
    acc = out;
  }
  return acc;
}

/** `spans` less `cut` (both sorted and disjoint), pieces shorter than `minS` dropped. */
function subtractSpans(spans: [number, number][], cut: [number, number][], minS: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [a, b] of spans) {
    let at = a;
    for (const [c, d] of cut) {
      if (d <= at || c >= b) continue;
      if (c - at >= minS) out.push([at, c]);
      at = Math.max(at, d);
    }
    if (b - at >= minS) out.push([at, b]);
  }
  return out;
}

/**
 * A regular stream without its samples at or after `to`, the end of a range [from, to). The last
 * record of a range runs past `to` (records are whole); the session's samples there, which the
 * user did not ask for, filled it unmarked (and uncounted in the export's report): cut, the
 * record's tail is a stream's end like any other, zeros under SKIP_ANNOTATION. (The start needs
 * no cut: the file starts at the range's first sample, and each stream's samples go to the
 * nearest slot of its grid, where a stream's sample just before `from` may fill the first slot.)
 */
function cutAfter(s: ImportedStream, to: number): ImportedStream {
  const nch = s.channels.length;
  const segments: ImportedSegment[] = [];
  for (const g of s.segments) {
    const n = Math.min(g.count, Math.ceil((to - g.start) * s.rateHz - 1e-6));
    if (n <= 0) continue;
    if (n === g.count) {
      segments.push(g);
      continue;
    }
    const data = g.data instanceof Float64Array ? new Float64Array(n * nch) : new Float32Array(n * nch);
    for (let c = 0; c < nch; c++) data.set(g.data.subarray(c * g.count, c * g.count + n), c * n);
    segments.push({ start: g.start, count: n, data });
  }
  return { ...s, segments };
}

/** Index of the written record nearest to record number k (records ascending). */
function nearestRecord(records: number[], k: number): number {
  let lo = 0;
  let hi = records.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (records[mid] < k) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && records[lo] !== k && Math.abs(records[lo - 1] - k) < Math.abs(records[lo] - k) ? lo - 1 : lo;
}

/** Where a stream has no samples inside the spans (pieces under half a sample are grid noise). */
function missingSpans(s: ImportedStream, spans: [number, number][]): [number, number][] {
  const covered = s.segments.filter((g) => g.count > 0).map((g) => [g.start, g.start + g.count / s.rateHz] as const).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  const add = (a: number, b: number) => b - a >= 0.5 / s.rateHz && out.push([a, b]);
  for (const [a, b] of spans) {
    let at = a;
    for (const [c, d] of covered) {
      if (d <= at || c >= b) continue;
      if (c > at) add(at, c);
      at = Math.max(at, d);
    }
    if (at < b) add(at, b);
  }
  return out;
}

/** At most this many spans of non-finite samples are marked (a channel NaN every other sample must not make a TAL per sample). */
const NON_FINITE_RUNS_MAX = 10_000;

/**
 * Spans of non-finite samples inside [t0, t1) (a WFDB invalid sample, an empty CSV field), written
 * as the zero code: each marked SKIP_ANNOTATION with its channel's label, so MNE-Python sees a bad
 * span rather than a flat line at 0, and our reader makes them NaN again. A label that another
 * signal shares, or with a comma (the reader splits the list there), cannot name it: left unmarked.
 */
function* nonFiniteRuns(
  signals: OutSignal[],
  t0: number,
  t1: number,
  warnings: string[],
  pause: (values: number) => boolean,
): Generator<undefined, { onset: number; duration: number; label: string; source: string }[]> {
  const out: { onset: number; duration: number; label: string; source: string }[] = [];
  for (const sig of signals) {
    if (pause(sig.stream.segments.reduce((n, g) => n + g.count, 0))) yield undefined;
    const { stream: s, channel: c, label } = sig;
    let runs = 0;
    for (const g of s.segments) {
      const d = g.data.subarray(c * g.count, (c + 1) * g.count);
      for (let i = 0; i < d.length; i++) {
        if (Number.isFinite(d[i])) continue;
        let j = i + 1;
        while (j < d.length && !Number.isFinite(d[j])) j++;
        const a = Math.max(t0, g.start + i / s.rateHz);
        const b = Math.min(t1, g.start + j / s.rateHz);
        if (b > a) {
          runs++;
          if (out.length < NON_FINITE_RUNS_MAX) out.push({ onset: a, duration: b - a, label: `${SKIP_ANNOTATION} ${label}`, source: 'edf+' });
        }
        i = j;
      }
    }
    if (runs > 0 && (label.includes(',') || signals.some((x) => x !== sig && x.label === label))) {
      // unmarked after all: drop what was pushed for it
      for (let k = out.length - 1; k >= 0 && out[k].label === `${SKIP_ANNOTATION} ${label}`; k--) out.pop();
      warnings.push(`${s.name}/${label}: ${runs} span(s) of missing values written as 0 and not marked ${SKIP_ANNOTATION} (the label repeats or holds a comma)`);
    }
  }
  if (out.length >= NON_FINITE_RUNS_MAX) warnings.push(`only the first ${NON_FINITE_RUNS_MAX} spans of missing values are marked ${SKIP_ANNOTATION}`);
  return out;
}

/**
 * A channel's data range, its non-finite values, and whether every finite value sits on its
 * resolution's grid (a quantised channel: count × resolution + offset). A function of its own so
 * that the engine optimises this loop over every sample at once (inside the writer's generator
 * the first channels of an hour's export ran interpreted, some 140 ms each).
 */
function scanChannel(s: ImportedStream, c: number): { lo: number; hi: number; nonFinite: number; onGrid: boolean } {
  const ch = s.channels[c];
  let lo = Infinity;
  let hi = -Infinity;
  let nonFinite = 0;
  const res = ch.resolution;
  let onGrid = res > 0 && Number.isFinite(ch.offset);
  for (const g of s.segments) {
    const d = g.data.subarray(c * g.count, (c + 1) * g.count);
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      if (!Number.isFinite(v)) nonFinite++;
      else {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        if (onGrid) {
          const x = (v - ch.offset) / res;
          if (Math.abs(x - Math.round(x)) > 0.01) onGrid = false;
        }
      }
    }
  }
  return { lo, hi, nonFinite, onGrid };
}

export function writeEdf(rec: ImportedRecording, opts: EdfWriteOptions): EdfWriteResult {
  const steps = edfPieces(rec, opts);
  const pieces: Uint8Array[] = [];
  for (;;) {
    const r = steps.next();
    if (!r.done) {
      if (r.value) pieces.push(r.value);
      continue;
    }
    if (pieces.length === 1) return { bytes: pieces[0], warnings: r.value.warnings };
    const bytes = new Uint8Array(r.value.size);
    let at = 0;
    for (const piece of pieces) {
      bytes.set(piece, at);
      at += piece.length;
    }
    return { bytes, warnings: r.value.warnings };
  }
}

/**
 * writeEdf in steps, for a writer that must not hold its thread for the whole file (the DB worker
 * exporting a session): yields the file's bytes in pieces (the header, then runs of records of
 * about opts.stepValues values) in order, and `undefined` where it only pauses (its scans of the
 * data before the header). Returns the file's size, the warnings and where the file starts
 * (`startS`: its first record's start, seconds from the recording's zero: 0 s on the file's time axis,
 * which its annotations' onsets and a sidecar's times are on).
 */
export function* edfPieces(rec: ImportedRecording, opts: EdfWriteOptions): Generator<Uint8Array | undefined, { size: number; warnings: string[]; startS: number }> {
  const stepValues = opts.stepValues ?? Infinity;
  /** Counts values scanned: true when a pause is due. */
  let scanned = 0;
  const pause = (values: number): boolean => {
    scanned += values;
    if (scanned < stepValues) return false;
    scanned = 0;
    return true;
  };
  const fileName = opts.fileName ?? `${rec.fileName}.${opts.format}`;
  const fail: Fail = failFor(fileName);
  const warnings: string[] = [];
  const bdf = opts.format === 'bdf';
  const bps = bdf ? 3 : 2;
  const [digLo, digHi] = bdf ? [-8388608, 8388607] : [-32768, 32767];

  const streams = rec.streams
    .filter((s) => {
      if (s.rateHz > 0) return true;
      warnings.push(`stream ${s.name}: irregular samples cannot be stored in EDF/BDF; left out`);
      return false;
    })
    .map((s) => (opts.range ? cutAfter(s, opts.range[1]) : s));
  if (streams.length === 0) fail('cannot-write', 'no stream with a regular sampling rate to write');

  // Record duration: whole samples per record at every rate.
  const rates = [...new Set(streams.map((s) => s.rateHz))];
  const fits = (d: number) => rates.every((r) => Math.abs(r * d - Math.round(r * d)) < 1e-9 && Math.round(r * d) >= 1);
  const dur = opts.recordDurationS ?? RECORD_CANDIDATES_S.find(fits);
  if (dur === undefined || !fits(dur)) fail('cannot-write', `no data-record length holds a whole number of samples at ${rates.join(', ')} Hz`);
  const durText = edfNumber(dur, 1);
  if (durText === null || parseDecimal(durText) !== dur) fail('cannot-write', `record length ${dur} s does not fit the 8-character field`);

  // Time span covered.
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const s of streams) for (const g of s.segments) {
    if (g.count === 0) continue;
    t0 = Math.min(t0, g.start);
    t1 = Math.max(t1, g.start + g.count / s.rateHz);
  }
  if (opts.range) {
    const [from, to] = opts.range;
    if (from > t0) {
      // The file starts at the first sample in the range, not at `from` itself: a start between
      // two samples shifted every sample of the file by up to half a sample against its time.
      t0 = Infinity;
      for (const s of streams) for (const g of s.segments) {
        const k = Math.max(0, Math.ceil((from - g.start) * s.rateHz - 1e-6));
        if (k < g.count) t0 = Math.min(t0, g.start + k / s.rateHz);
      }
    }
    t1 = Math.min(t1, to);
  }
  if (!(t1 > t0)) fail('cannot-write', 'no samples in the span to write');
  let nRecords = Math.ceil((t1 - t0) / dur - 1e-9);
  const inRange = rec.annotations.filter((a) => !opts.range || annotationInRange(a, ...opts.range));
  // Annotations far outside the data (a clock mistake: milliseconds sent as seconds put a marker
  // 50 000 years away, where MNE-Python's dates overflow) are left out, not written as garbage.
  const anns = inRange.filter((a) => annotationInReach(a, t0, t1));
  if (anns.length < inRange.length) {
    const a = inRange.find((x) => !annotationInReach(x, t0, t1))!;
    warnings.push(
      `${inRange.length - anns.length} annotation(s) more than ${EVENT_SESSION_REACH_S / 86_400} days outside the data left out ` +
        `(the first: "${a.label.slice(0, 60)}" at ${a.onset} s${a.duration > 0 ? ` lasting ${a.duration} s` : ''} from the recording's start)`,
    );
  }

  // Which records hold any data. The others are written as zeros marked SKIP_ANNOTATION (EDF+C),
  // or left out (EDF+D) when asked or when the zeros would be too many (zeroFillAllowed).
  const recordsWithData = () => {
    const has = new Uint8Array(nRecords);
    for (const s of streams) for (const g of s.segments) {
      if (g.count === 0) continue;
      const a = Math.max(0, Math.floor((g.start - t0) / dur + 1e-9));
      const b = Math.min(nRecords, Math.ceil((g.start + g.count / s.rateHz - t0) / dur - 1e-9));
      has.fill(1, a, Math.max(a, b));
    }
    return has;
  };
  let hasData = recordsWithData();
  let withData = 0;
  for (let k = 0; k < nRecords; k++) withData += hasData[k];
  // Markers before the first or after the last sample get zero-filled records of their own (whole
  // records, so the sample grid stays): readers that crop annotations to the data (MNE) keep them.
  let before = 0;
  let after = 0;
  for (const a of anns) {
    if (!Number.isFinite(a.onset) || (opts.range && a.onset < opts.range[0])) continue;
    if (a.onset < t0) before = Math.max(before, Math.ceil((t0 - a.onset) / dur - 1e-9));
    else after = Math.max(after, Math.floor((a.onset - t0) / dur + 1e-9) + 1 - nRecords);
  }
  const dataBytesPerRecord = streams.reduce((a, s) => a + Math.round(s.rateHz * dur) * s.channels.length, 0) * bps;
  const fillOk = (n: number) => zeroFillAllowed(n * dataBytesPerRecord, withData * dataBytesPerRecord);
  const mb = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`);
  const empty = nRecords - withData;
  let leaveOut = opts.discontinuous === true;
  if (!leaveOut && before + after > 0) {
    if (fillOk(empty + before + after)) {
      t0 -= before * dur;
      nRecords += before + after;
      hasData = recordsWithData();
    } else {
      warnings.push(
        `annotations up to ${((before + after) * dur).toFixed(1)} s outside the data stay in its first or last record ` +
          `(zero-filled records for them would add ${mb((before + after) * dataBytesPerRecord)}): readers that crop annotations to the data (MNE-Python) leave them out`,
      );
    }
  }
  if (empty > 0 && !leaveOut && !fillOk(empty)) {
    leaveOut = true;
    warnings.push(
      `${(empty * dur).toFixed(1)} s without samples would add ${mb(empty * dataBytesPerRecord)} of zero-filled records to ${mb(withData * dataBytesPerRecord)} of data: ` +
        `written as ${bdf ? 'BDF' : 'EDF'}+D (empty records left out), which readers that ignore record start times (MNE-Python 1.3, EEGLAB) read as continuous`,
    );
  }
  const records: number[] = [];
  for (let k = 0; k < nRecords; k++) if (hasData[k] || !leaveOut) records.push(k);
  const continuous = records.length === nRecords;

  // Signals, with physical ranges that the 8-character fields can hold.
  const signals: OutSignal[] = [];
  for (const s of streams) {
    const spr = Math.round(s.rateHz * dur);
    const streamValues = s.segments.reduce((n, g) => n + g.count, 0);
    for (const [c, ch] of s.channels.entries()) {
      if (pause(streamValues)) yield undefined;
      const scan = scanChannel(s, c);
      let { lo, hi } = scan;
      const { nonFinite, onGrid } = scan;
      const res = ch.resolution;
      if (nonFinite > 0) warnings.push(`${s.name}/${ch.label}: ${nonFinite} non-finite values written as 0`);
      // A BioSemi Status line (24-bit integers, kept whole from a BDF) in 16-bit EDF: its trigger
      // codes. Over its whole range it was written as 1835008.00002 and the like, and every reader
      // (MNE's find_events, our own import) took the system bits for trigger codes.
      const mask = !bdf && ch.kind === 'stim' && onGrid && res === 1 && ch.offset === 0 && lo >= 0 && hi > digHi && hi < 2 ** 24 ? TRIGGER_BITS : undefined;
      if (mask !== undefined) {
        ({ lo, hi } = triggerRange(s, c));
        warnings.push(`${s.name}/${ch.label}: written as its trigger codes (bits 0-15): EDF's 16 bits do not hold the status bits 16-23 (a BDF export keeps them)`);
      }
      if (!(hi >= lo)) {
        lo = 0;
        hi = 0;
      }
      // A quantised channel keeps its own integers (an imported EDF its digital range too).
      const counts: [number, number] | null = onGrid ? [Math.round((lo - ch.offset) / res), Math.round((hi - ch.offset) / res)] : null;
      // (a masked line's declared range is its 24 bits': not the codes written)
      const declared = mask === undefined ? ch.physicalRange : undefined;
      const exact = quantisedScale(res, ch.offset, declared, counts, digLo, digHi);
      // Otherwise the full digital range over the file's declared range, when the data lies in it
      // and it is exact in 8 characters, else over the data's own range.
      let pmin: string | null = exact?.physMin ?? null;
      let pmax: string | null = exact?.physMax ?? null;
      const digMin = exact?.digMin ?? digLo;
      const digMax = exact?.digMax ?? digHi;
      // (float32 data may sit a hair outside its range: half a count of slack)
      const slack = declared ? (declared[1] - declared[0]) / (digHi - digLo) / 2 : 0;
      if (!exact && declared && declared[0] - slack <= lo && declared[1] + slack >= hi && declared[1] > declared[0]) {
        const a = edfNumber(declared[0], -1);
        const b = edfNumber(declared[1], 1);
        if (a && b && Math.abs(Number(a) - declared[0]) <= 1e-9 * Math.abs(declared[0]) && Math.abs(Number(b) - declared[1]) <= 1e-9 * Math.abs(declared[1])) [pmin, pmax] = [a, b];
      }
      let unit = ch.unit;
      let scale = 1;
      if (pmin === null || pmax === null) {
        if (hi === lo) {
          lo -= 1;
          hi += 1;
        }
        const fit = dataRangeFields(lo, hi, unit);
        if (fit === null) {
          // One channel the format cannot hold does not cost the whole export.
          warnings.push(
            `${s.name}/${ch.label}: values from ${lo} to ${hi}${unit ? ` ${unit}` : ''} cannot be stated in EDF's 8-character range fields` +
              `${siUnit(unit) ? '' : ' (and its unit takes no SI prefix)'}; left out (a CSV export keeps it)`,
          );
          continue;
        }
        ({ pmin, pmax, unit, scale } = fit);
        if (scale !== 1) warnings.push(`${s.name}/${ch.label}: written in ${unit} (not ${ch.unit}), the unit in which EDF's 8-character range fields hold its values`);
      }
      const pa = Number(pmin);
      const pb = Number(pmax);
      const gain = (pb - pa) / (digMax - digMin);
      signals.push({
        label: asciiText(ch.label),
        transducer: ch.transducer ?? '',
        unit,
        scale,
        ...(mask !== undefined ? { mask } : {}),
        physMin: pmin,
        physMax: pmax,
        digMin,
        digMax,
        prefilter: ch.prefilter ?? '',
        samplesPerRecord: spr,
        gain,
        offset: pa - digMin * gain,
        stream: s,
        channel: c,
      });
    }
  }

  if (signals.length === 0) fail('cannot-write', 'no channel whose values EDF can hold');
  // An imported file's signals in its own order (ImportedChannel.fileIndex) rather than stream by
  // stream, where every channel has a place and no two share one; a recording's stay by stream.
  const places = signals.map((x) => x.stream.channels[x.channel].fileIndex);
  if (places.every((f) => f !== undefined && Number.isFinite(f)) && new Set(places).size === places.length) {
    signals.sort((a, b) => a.stream.channels[a.channel].fileIndex! - b.stream.channels[b.channel].fileIndex!);
  }
  for (const [full, short] of edfLabels(signals.map((x) => x.label))) {
    warnings.push(`label "${full}" written as "${short}" (EDF labels hold 16 characters)`);
    for (const x of signals) if (x.label === full) x.label = short;
  }

  // Annotation TALs per written record.
  // The file's start second and the fraction after it, from the start's own fraction plus t0: the
  // sum as a unix time keeps only ~0.2 µs (a range's first sample 10.00625 s in was written +0.0062499).
  const startUnix = rec.startTime !== null ? rec.startTime + t0 : null;
  const afterSecond = rec.startTime !== null ? rec.startTime - Math.floor(rec.startTime) + t0 : 0;
  const headerSecond = rec.startTime !== null ? Math.floor(rec.startTime) + Math.floor(afterSecond) : 0;
  const frac = afterSecond - Math.floor(afterSecond);
  const recordOnset = (k: number) => frac + k * dur; // seconds after the header's start time
  const perRecord: string[][] = records.map(() => []);
  const runs = recordRuns(records, t0, dur);
  const missing = streams.map((s) => missingSpans(s, runs));
  // Where no stream has samples (a gap in the whole recording) one plain SKIP_ANNOTATION covers
  // all of them; pieces under half a sample of the slowest stream are left to the streams' own.
  const halfSlowest = 0.5 / Math.min(...rates);
  const common = streams.length > 1 ? intersectSpans(missing).filter(([a, b]) => b - a >= halfSlowest) : [];
  for (const [a, b] of common) anns.push({ onset: a, duration: b - a, label: SKIP_ANNOTATION, source: 'edf+' });
  streams.forEach((s, si) => {
    const spans = subtractSpans(missing[si], common, 0.5 / s.rateHz);
    if (spans.length === 0) return;
    const own = signals.filter((x) => x.stream === s).map((x) => x.label);
    // A reader finds the stream by its labels: they must name no other stream's channel.
    if (streams.length > 1 && signals.some((x) => x.stream !== s && own.includes(x.label))) {
      warnings.push(`${s.name}: ${spans.length} span(s) without samples written as 0 and not marked ${SKIP_ANNOTATION} (its channel labels repeat in another stream)`);
      return;
    }
    const names = streams.length > 1 ? ` ${own.join(',')}` : '';
    for (const [a, b] of spans) anns.push({ onset: a, duration: b - a, label: SKIP_ANNOTATION + names, source: 'edf+' });
  });
  anns.push(...(yield* nonFiniteRuns(signals, t0, t1, warnings, pause)));
  let multiLine = 0;
  for (const a of anns) {
    if (/[\r\n\u2028\u2029]/.test(a.label)) multiLine++;
    // the record holding the onset, or the nearest written one
    const j = nearestRecord(records, Math.floor((a.onset - t0) / dur));
    const onset = a.onset - t0 + frac;
    const dur2 = a.duration > 0 ? `\x15${talNumber(a.duration, false)}` : '';
    perRecord[j].push(`${talNumber(onset, true)}${dur2}\x14${talText(a.label)}\x14\x00`);
  }
  if (multiLine > 0) warnings.push(`${multiLine} annotation text(s) of several lines written on one line (EDF+ readers such as MNE-Python do not read a TAL across a line break)`);
  const talBytes = records.map((k, j) => encodeUtf8(`${talNumber(recordOnset(k), true)}\x14\x14\x00` + perRecord[j].join('')));
  const annSamples = Math.max(1, Math.ceil(Math.max(...talBytes.map((b) => b.length), 1) / bps));

  // Header.
  const ns = signals.length + 1;
  const headerBytes = EDF_HEADER_BYTES + ns * EDF_SIGNAL_HEADER_BYTES;
  const recordBytes = (signals.reduce((a, s) => a + s.samplesPerRecord, 0) + annSamples) * bps;
  const out = new Uint8Array(headerBytes);
  let p = 0;
  const put = (text: string, width: number) => {
    // header fields are ASCII: units and names in their ASCII spelling ('°C' → 'degC'), not '?C'
    out.set(encodeAscii(pad(asciiText(text), width)), p);
    p += width;
  };
  const dt = startUnix !== null ? dateParts(headerSecond) : null;
  const pat = opts.patient ?? {};
  const patientSex = pat.sex ?? (rec.subject.sex && /^[MF]/i.test(rec.subject.sex) ? (rec.subject.sex[0].toUpperCase() as 'M' | 'F') : undefined);
  const patient = fitSubfields([plusField(pat.code ?? rec.subject.code), plusField(patientSex), plusField(pat.birthdate ?? rec.subject.birthdate), plusField(pat.name ?? rec.subject.name)], 0, 80);
  const r = opts.recording ?? {};
  const startdate = dt ? `${two(dt.d)}-${MONTHS[dt.mo - 1]}-${dt.y}` : 'X';
  const recording = fitSubfields(['Startdate', startdate, plusField(r.adminCode), plusField(r.technician), plusField(r.equipment ?? 'HeartMind')], 2, 80);
  if (bdf) {
    out[0] = 0xff;
    out.set(encodeAscii('BIOSEMI'), 1);
    p = 8;
  } else put('0', 8);
  put(patient, 80);
  put(recording, 80);
  // EDF's two-digit year covers 1985-2084; outside it the EDF+ Startdate field carries the year.
  put(dt ? `${two(dt.d)}.${two(dt.mo)}.${two(dt.y % 100)}` : '01.01.85', 8);
  put(dt ? `${two(dt.h)}.${two(dt.mi)}.${two(dt.s)}` : '00.00.00', 8);
  put(String(headerBytes), 8);
  put(`${bdf ? 'BDF' : 'EDF'}+${continuous ? 'C' : 'D'}`, 44);
  put(String(records.length), 8);
  put(durText, 8);
  put(String(ns), 4);
  const annLabel = bdf ? 'BDF Annotations' : 'EDF Annotations';
  const cols: [(s: OutSignal) => string, string, number][] = [
    [(s) => s.label, annLabel, 16],
    [(s) => s.transducer, '', 80],
    [(s) => s.unit, '', 8],
    [(s) => s.physMin, '-1', 8],
    [(s) => s.physMax, '1', 8],
    [(s) => String(s.digMin), String(digLo), 8],
    [(s) => String(s.digMax), String(digHi), 8],
    [(s) => s.prefilter, '', 80],
    [(s) => String(s.samplesPerRecord), String(annSamples), 8],
    [() => '', '', 32],
  ];
  for (const [get, ann, width] of cols) {
    for (const s of signals) put(get(s), width);
    put(ann, width);
  }
  yield out;

  // Data records. Padding is the count nearest 0 (the edge of the digital range when 0 lies outside
  // the physical range); a record without data is a copy of the data signals' padding.
  const zeroCode = (sig: OutSignal) => Math.min(digHi, Math.max(digLo, Math.round(-sig.offset / sig.gain)));
  /** A digital value as EDF's 16-bit or BDF's 24-bit little-endian two's complement. */
  const writeCode = (buf: Uint8Array, q: number, d: number) => {
    buf[q] = d & 0xff;
    buf[q + 1] = (d >> 8) & 0xff;
    if (bdf) buf[q + 2] = (d >> 16) & 0xff;
  };
  const dataBytes = recordBytes - annSamples * bps;
  let emptyRecord: Uint8Array | null = null;
  if (records.length > withData) {
    emptyRecord = new Uint8Array(dataBytes);
    let q = 0;
    for (const sig of signals) {
      const d = zeroCode(sig);
      for (let i = 0; i < sig.samplesPerRecord; i++, q += bps) writeCode(emptyRecord, q, d);
    }
  }
  let clipped = 0;
  // Runs of records of about stepValues values each (at least one record).
  const perPiece = Math.max(1, Math.min(records.length, Math.floor(stepValues / (recordBytes / bps))));
  for (let first = 0; first < records.length; first += perPiece) {
    const piece = new Uint8Array(Math.min(perPiece, records.length - first) * recordBytes);
    for (let j = first; j < first + perPiece && j < records.length; j++) {
      const k = records[j];
      let q = (j - first) * recordBytes;
      if (emptyRecord && !hasData[k]) {
        piece.set(emptyRecord, q);
        piece.set(talBytes[j], q + dataBytes);
        continue;
      }
      const recStart = t0 + k * dur;
      for (const sig of signals) {
        const { stream, channel, samplesPerRecord: n, gain, offset } = sig;
        const rate = stream.rateHz;
        const pad = zeroCode(sig);
        // The segment holding the record's first sample, then sample by sample; look again only
        // where a segment ends inside the record.
        let seg = -1;
        let idx0 = 0;
        for (let i = 0; i < n; i++) {
          let v = NaN; // stays NaN where no segment holds the sample (seg < 0)
          const g0 = seg >= 0 ? stream.segments[seg] : undefined;
          if (g0 && idx0 + i >= 0 && idx0 + i < g0.count) v = g0.data[channel * g0.count + idx0 + i];
          else {
            const t = recStart + i / rate;
            seg = -1;
            for (let m = 0; m < stream.segments.length; m++) {
              const g = stream.segments[m];
              const idx = Math.round((t - g.start) * rate);
              if (idx >= 0 && idx < g.count) {
                v = g.data[channel * g.count + idx];
                seg = m;
                idx0 = idx - i;
                break;
              }
            }
          }
          // A missing sample and a non-finite one are both written as the zero code (physical 0,
          // or the nearest code where 0 lies outside the range: not counted as clipped).
          if (sig.mask !== undefined && Number.isFinite(v)) v &= sig.mask;
          let d = seg < 0 || !Number.isFinite(v) ? pad : Math.round((v * sig.scale - offset) / gain);
          if (d < digLo || d > digHi) {
            clipped++;
            d = d < digLo ? digLo : digHi;
          }
          writeCode(piece, q, d);
          q += bps;
        }
      }
      piece.set(talBytes[j], q); // the rest of the annotation signal stays 0
    }
    yield piece;
  }
  if (clipped > 0) warnings.push(`${clipped} samples outside the written range were clipped`);
  return { size: headerBytes + records.length * recordBytes, warnings, startS: t0 };
}
