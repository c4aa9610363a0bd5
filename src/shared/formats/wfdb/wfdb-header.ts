// WFDB header (.hea) parser, after the header(5) manual page:
//   record line:  name[/nseg] nsig [fs[/counterfreq[(basecounter)]] [nsamp [basetime [basedate]]]]
//   signal lines: file format[xspf][:skew][+offset] gain[(baseline)][/units] adcres adczero initval checksum blocksize description
// Lines starting with '#' are comments (patient data in most PhysioNet databases).
import { failFor, quote, type Fail } from '../format-error';
import { parseDecimal, parseInteger, withoutByteOrderMark } from '../text';
import type { WfdbHeader, WfdbSignalSpec } from './wfdb.types';

/** WFDB's default sampling frequency and gain when a header leaves them out. */
export const WFDB_DEFAULT_FREQUENCY_HZ = 250;
export const WFDB_DEFAULT_GAIN_PER_UNIT = 200;
/** A header has at most this many signals (bounds allocation on lying headers). */
const MAX_SIGNALS = 4096;

export function parseWfdbHeader(text: string, fileName = 'header'): WfdbHeader {
  const fail: Fail = failFor(fileName);
  const lines = withoutByteOrderMark(text).split(/\r?\n|\r/);
  const comments: string[] = [];
  const body: string[] = [];
  for (const raw of lines) {
    const t = raw.trim();
    if (t === '') continue;
    if (t.startsWith('#')) {
      comments.push(t.replace(/^#\s?/, ''));
      continue;
    }
    // A '#' after fields starts a comment too.
    const hash = raw.indexOf('#');
    body.push(hash >= 0 ? raw.slice(0, hash) : raw);
  }
  if (body.length === 0) fail('bad-header', 'no record line (the header holds only comments or is empty)');

  const rec = body[0].trim().split(/\s+/);
  const [nameField, nsigField, fsField, nsampField, baseTime, baseDate] = rec;
  const nameMatch = /^([^/\s]+)(?:\/(\d+))?$/.exec(nameField);
  if (!nameMatch) fail('bad-header', `record line does not start with a record name: ${quote(body[0])}`);
  const segments = nameMatch[2] ? Number(nameMatch[2]) : 1;
  if (nsigField === undefined) fail('bad-header', 'record line gives no number of signals');
  const nsig = parseInteger(nsigField);
  if (nsig === null || nsig < 0 || nsig > MAX_SIGNALS) fail('bad-number', `bad number of signals ${quote(nsigField)}`);

  let frequencyHz = WFDB_DEFAULT_FREQUENCY_HZ;
  let counterFrequencyHz: number | null = null;
  let baseCounter: number | null = null;
  if (fsField !== undefined) {
    const m = /^([^/()]+)(?:\/([^()]+)(?:\(([^)]*)\))?)?$/.exec(fsField);
    const fs = m ? parseDecimal(m[1]) : null;
    if (!m || fs === null || !(fs > 0)) fail('bad-number', `bad sampling frequency ${quote(fsField)}`);
    frequencyHz = fs;
    if (m[2] !== undefined) {
      counterFrequencyHz = parseDecimal(m[2]);
      if (counterFrequencyHz === null || !(counterFrequencyHz > 0)) fail('bad-number', `bad counter frequency ${quote(fsField)}`);
      if (m[3] !== undefined) {
        baseCounter = parseDecimal(m[3]);
        if (baseCounter === null) fail('bad-number', `bad base counter ${quote(fsField)}`);
      }
    }
  }
  let samplesPerSignal: number | null = null;
  if (nsampField !== undefined) {
    const n = parseInteger(nsampField);
    if (n === null || n < 0) fail('bad-number', `bad number of samples ${quote(nsampField)}`);
    samplesPerSignal = n === 0 ? null : n; // 0 = "unknown" in WFDB
  }
  if (baseTime !== undefined && !/^\d{1,2}:\d{1,2}(:\d{1,2}(\.\d+)?)?$|^\d{1,2}(\.\d+)?$/.test(baseTime)) {
    fail('bad-header', `bad base time ${quote(baseTime)}`);
  }
  if (baseDate !== undefined && !/^\d{1,2}\/\d{1,2}\/\d{1,4}$/.test(baseDate)) {
    fail('bad-header', `bad base date ${quote(baseDate)}`);
  }

  if (segments > 1) {
    fail('unsupported', `multi-segment record (${segments} segments): open the segment records one at a time`);
  }
  if (body.length - 1 < nsig) {
    fail('truncated', `record line says ${nsig} signals but the header has ${body.length - 1} signal lines`);
  }
  const signals: WfdbSignalSpec[] = [];
  for (let i = 0; i < nsig; i++) signals.push(parseSignalLine(body[1 + i], i, fail));

  return {
    recordName: nameMatch[1],
    segments,
    frequencyHz,
    counterFrequencyHz,
    baseCounter,
    samplesPerSignal,
    baseTime: baseTime ?? null,
    baseDate: baseDate ?? null,
    signals,
    comments,
  };
}

function parseSignalLine(line: string, index: number, fail: Fail): WfdbSignalSpec {
  const where = `signal ${index + 1}`;
  // Keep token positions so the description keeps its inner spaces ('ECG 1').
  const tokens = [...line.matchAll(/\S+/g)];
  if (tokens.length < 2) fail('bad-header', `${where}: needs at least a file name and a format: ${quote(line)}`);
  const fileName = tokens[0][0];
  const fmt = /^(\d+)(?:x(\d+))?(?::(-?\d+))?(?:\+(\d+))?$/.exec(tokens[1][0]);
  if (!fmt) fail('bad-header', `${where}: bad format field ${quote(tokens[1][0])}`);
  const format = Number(fmt[1]);
  const samplesPerFrame = fmt[2] !== undefined ? Number(fmt[2]) : 1;
  if (!(samplesPerFrame >= 1 && samplesPerFrame <= 65536)) fail('bad-number', `${where}: bad samples per frame ${quote(tokens[1][0])}`);
  const skew = fmt[3] !== undefined ? Number(fmt[3]) : 0;
  const byteOffset = fmt[4] !== undefined ? Number(fmt[4]) : 0;
  if (!Number.isSafeInteger(byteOffset)) fail('bad-number', `${where}: bad byte offset ${quote(tokens[1][0])}`);

  let adcGain = WFDB_DEFAULT_GAIN_PER_UNIT;
  let uncalibrated = true;
  let baseline: number | null = null;
  let units = 'mV';
  if (tokens.length > 2) {
    const g = /^([^()/]+)(?:\(([^)]*)\))?(?:\/(.+))?$/.exec(tokens[2][0]);
    const gain = g ? parseDecimal(g[1]) : null;
    if (!g || gain === null || gain < 0) fail('bad-number', `${where}: bad gain field ${quote(tokens[2][0])}`);
    if (gain > 0) {
      adcGain = gain;
      uncalibrated = false;
    }
    if (g[2] !== undefined) {
      baseline = parseInteger(g[2]);
      if (baseline === null) fail('bad-number', `${where}: bad baseline in ${quote(tokens[2][0])}`);
    }
    if (g[3] !== undefined) units = g[3];
  }
  const intField = (k: number, name: string): number | null => {
    if (tokens.length <= k) return null;
    const v = parseInteger(tokens[k][0]);
    if (v === null) fail('bad-number', `${where}: bad ${name} ${quote(tokens[k][0])}`);
    return v;
  };
  const adcResolution = intField(3, 'ADC resolution') ?? 0;
  const adcZero = intField(4, 'ADC zero') ?? 0;
  const initialValue = intField(5, 'initial value');
  const checksum = intField(6, 'checksum');
  const blockSize = intField(7, 'block size') ?? 0;
  const description = tokens.length > 8 ? line.slice(tokens[8].index).trim() : '';
  return {
    fileName,
    format,
    samplesPerFrame,
    skew,
    byteOffset,
    adcGain,
    uncalibrated,
    baseline: baseline ?? adcZero,
    units,
    adcResolution,
    adcZero,
    initialValue,
    checksum,
    blockSize,
    description,
  };
}

/**
 * Unix seconds of the record's base date and time, read as UTC; null without a base date.
 * (WFDB stores wall-clock time without a zone.)
 */
export function wfdbStartTime(header: WfdbHeader): number | null {
  if (!header.baseDate) return null;
  const [d, mo, y] = header.baseDate.split('/').map(Number);
  let seconds = 0;
  if (header.baseTime) {
    const parts = header.baseTime.split(':').map(Number);
    // 'HH:MM:SS', 'MM:SS' or 'SS' (header(5): fields from the right)
    for (const p of parts) seconds = seconds * 60 + p;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const date = new Date(Date.UTC(2000, mo - 1, d));
  date.setUTCFullYear(y); // Date.UTC would read years below 100 as 19xx
  return date.getTime() / 1000 + seconds;
}
