// OpenBCI GUI raw text ('OpenBCI-RAW-<name>.txt', GUI v4–v6):
//   %OpenBCI Raw EXG Data          ('EEG' in older versions)
//   %Number of channels = 8
//   %Sample Rate = 250 Hz
//   %Board = OpenBCI_GUI$BoardCytonSerial
//   Sample Index, EXG Channel 0, …, Accel Channel 0, …, Timestamp, Marker Channel, Timestamp (Formatted)
//   0, 61379.36, …
// v4 files have no column-name line: index, the EXG channels, 3 accel/aux, then time columns.
import { failFor, quote, type Fail } from '../format-error';
import type { ImportedChannel, ImportedRecording } from '../recording.types';
import { buildTabular, readNumericRows, type TabularStreamPlan } from '../tabular-import';
import { decodeLatin1, parseDecimal, parseInteger, withoutByteOrderMark } from '../text';

/** The GUI's sample index is the board's one-byte packet counter. */
const SAMPLE_INDEX_MODULUS = 256;

export function parseOpenBciGui(input: Uint8Array | string, fileName: string): ImportedRecording {
  const fail: Fail = failFor(fileName);
  const text = withoutByteOrderMark(typeof input === 'string' ? input : decodeLatin1(input));
  if (text.trim() === '') fail('empty', 'the file is empty');
  const lines = text.split(/\r?\n/);
  if (!/^%OpenBCI Raw (EXG|EEG) Data/i.test(lines[0].trim())) fail('not-this-format', `not an OpenBCI GUI raw file (first line ${quote(lines[0])})`);

  const header: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length && lines[i].startsWith('%'); i++) {
    const m = /^%\s*([^=]+?)\s*=\s*(.*)$/.exec(lines[i]);
    if (m) header[m[1].toLowerCase()] = m[2].trim();
  }
  const rateText = (header['sample rate'] ?? '').replace(/\s*hz$/i, '');
  const rateHz = parseDecimal(rateText);
  if (rateHz === null || !(rateHz > 0)) fail('bad-header', `bad or missing "%Sample Rate" (${quote(header['sample rate'] ?? '')})`);
  const board = (header.board ?? '').replace(/^OpenBCI_GUI\$/, '');

  // Column names: v5/v6 write them; v4 and older do not.
  const hasNames = i < lines.length && /^\s*Sample Index/i.test(lines[i]);
  const named = hasNames ? lines[i++].split(/\s*,\s*/).map((s) => s.trim()) : null;
  const firstData = lines.slice(i).find((l) => l.trim() !== '');
  if (!firstData) fail('empty', 'no data lines');
  const fields = firstData.split(',').map((f) => f.trim());
  const width = fields.length;

  // Columns that hold text (formatted times) are not parsed as numbers.
  const textColumns = new Set<number>();
  fields.forEach((f, c) => {
    if (/[:\-/]\d|\d[:/]/.test(f) && !/^[+-]?\d*\.?\d+(e[+-]?\d+)?$/i.test(f)) textColumns.add(c);
  });
  // Time columns at the end of a line without names: the formatted time (text) and the unix time
  // (ms in v4, some write s), in either order.
  let trailing = 0;
  while (trailing < width - 1 && (textColumns.has(width - 1 - trailing) || Number(fields[width - 1 - trailing]) > 1e9)) trailing++;
  const nchText = header['number of channels'];
  let nch: number | null;
  if (nchText !== undefined) {
    nch = parseInteger(nchText);
    if (nch === null || nch < 1 || nch > 64) fail('bad-header', `bad "%Number of channels" (${quote(nchText)})`);
  } else {
    // GUI v1–v3 (the Processing GUI) wrote no channel count: a Ganglion, Cyton or Cyton+Daisy
    // (4, 8 or 16 channels), with or without the 3 accelerometer columns, fits the line's width.
    const rest = width - 1 - (named ? 0 : trailing);
    nch = named ? named.filter((n) => /^(exg|eeg) channel/i.test(n)).length : ([4, 8, 16].find((n) => rest - n === 3) ?? [4, 8, 16].find((n) => rest === n) ?? null);
    if (!nch) {
      fail('bad-header', `no "%Number of channels" line, and data lines of ${width} columns (the sample index, ${rest} values${trailing ? `, ${trailing} time column(s)` : ''}) fit no OpenBCI board (4, 8 or 16 channels, with or without 3 accelerometer columns)`);
    }
  }
  let names: string[];
  if (named) names = named;
  else {
    const aux = Math.max(0, width - 1 - nch - trailing);
    names = ['Sample Index', ...Array.from({ length: nch }, (_, k) => `EXG Channel ${k}`), ...Array.from({ length: aux }, (_, k) => (k < 3 ? `Accel Channel ${k}` : `Other ${k - 2}`))];
    while (names.length < width) names.push(textColumns.has(names.length) ? 'Timestamp (Formatted)' : 'Timestamp');
  }
  if (width < names.length) fail('bad-data', `data lines have ${width} columns but the column line names ${names.length}`);
  // v5/v6 name several columns 'Other' (the board's raw aux bytes): numbered, so each channel has
  // its own label (an EDF export marks a channel's missing spans by label; a CSV's columns by name).
  const repeats = new Map<string, number>();
  for (const n of names) repeats.set(n, (repeats.get(n) ?? 0) + 1);
  const seen = new Map<string, number>();
  names = names.map((n) => {
    if ((repeats.get(n) ?? 0) < 2 || /^timestamp/i.test(n)) return n;
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return `${n} ${k}`;
  });
  const { values, rows, warnings, lineOf } = readNumericRows(lines, i, /,/, width, fail, { textColumns });
  if (rows === 0) fail('empty', 'no data lines');

  const exg: TabularStreamPlan = { name: 'EXG', modality: 'eeg', columns: [], channels: [] };
  const other: TabularStreamPlan = { name: 'Other', modality: 'other', columns: [], channels: [] };
  let timeColumn: number | undefined;
  let markerColumn: number | undefined;
  let counterColumn: number | undefined;
  names.forEach((name, c) => {
    if (textColumns.has(c)) return;
    const ch = (label: string, unit: string, kind: ImportedChannel['kind']): ImportedChannel => ({ label, unit, resolution: 0, offset: 0, kind });
    if (/^sample index$/i.test(name)) counterColumn = c;
    else if (/^(exg|eeg) channel/i.test(name)) {
      exg.columns.push(c);
      exg.channels.push(ch(name, 'uV', 'eeg'));
    } else if (/^accel/i.test(name)) {
      other.columns.push(c);
      other.channels.push(ch(name, 'g', 'accel'));
    } else if (/^timestamp$/i.test(name)) timeColumn = c;
    else if (/^marker/i.test(name)) markerColumn = c;
    else if (/^(digital|analog|other)/i.test(name)) {
      other.columns.push(c);
      other.channels.push(ch(name, '', 'misc'));
    }
    // 'Not Used' and unnamed columns are dropped.
  });
  if (exg.columns.length !== nch) fail('bad-header', `header says ${nch} channels but the columns hold ${exg.columns.length} EXG channels`);

  // The GUI writes host time in ms (v5, v6) or s (some v4 exports).
  const t0 = timeColumn !== undefined ? values[timeColumn] : NaN;
  const timeUnitsPerSecond = t0 > 1e11 ? 1000 : 1;
  const result = buildTabular(values, rows, width, {
    rateHz,
    streams: [exg, other],
    timeColumn,
    timeUnitsPerSecond,
    timeColumnName: timeColumn !== undefined ? names[timeColumn] : undefined,
    counterColumn,
    counterModulus: SAMPLE_INDEX_MODULUS,
    markerColumn,
    markerSource: 'openbci:marker',
    lineOf,
  }, fail);
  for (const s of result.streams) if (board) s.meta = { board };
  const info: Record<string, string> = {};
  for (const [k, v] of Object.entries(header)) info[k] = v;
  return {
    fileName,
    format: 'openbci-gui',
    startTime: result.startTime,
    subject: {},
    info,
    streams: result.streams,
    annotations: result.annotations,
    warnings: [...warnings, ...result.warnings],
  };
}
