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
import { decodeLatin1, parseDecimal, parseInteger } from '../text';

/** The GUI's sample index is the board's one-byte packet counter. */
const SAMPLE_INDEX_MODULUS = 256;

export function parseOpenBciGui(input: Uint8Array | string, fileName: string): ImportedRecording {
  const fail: Fail = failFor(fileName);
  const text = typeof input === 'string' ? input : decodeLatin1(input);
  if (text.trim() === '') fail('empty', 'the file is empty');
  const lines = text.split(/\r?\n/);
  if (!/^%OpenBCI Raw (EXG|EEG) Data/i.test(lines[0].trim())) fail('not-this-format', `not an OpenBCI GUI raw file (first line ${quote(lines[0])})`);

  const header: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length && lines[i].startsWith('%'); i++) {
    const m = /^%\s*([^=]+?)\s*=\s*(.*)$/.exec(lines[i]);
    if (m) header[m[1].toLowerCase()] = m[2].trim();
  }
  const nch = parseInteger(header['number of channels'] ?? '');
  if (nch === null || nch < 1 || nch > 64) fail('bad-header', `bad or missing "%Number of channels" (${quote(header['number of channels'] ?? '')})`);
  const rateText = (header['sample rate'] ?? '').replace(/\s*hz$/i, '');
  const rateHz = parseDecimal(rateText);
  if (rateHz === null || !(rateHz > 0)) fail('bad-header', `bad or missing "%Sample Rate" (${quote(header['sample rate'] ?? '')})`);
  const board = (header.board ?? '').replace(/^OpenBCI_GUI\$/, '');

  // Column names: v5/v6 write them; v4 does not.
  let names: string[];
  const hasNames = i < lines.length && /^\s*Sample Index/i.test(lines[i]);
  if (hasNames) {
    names = lines[i].split(/\s*,\s*/).map((s) => s.trim());
    i++;
  } else {
    names = ['Sample Index', ...Array.from({ length: nch }, (_, k) => `EXG Channel ${k}`), 'Accel Channel 0', 'Accel Channel 1', 'Accel Channel 2'];
  }
  const firstData = lines.slice(i).find((l) => l.trim() !== '');
  if (!firstData) fail('empty', 'no data lines');
  const width = firstData.split(',').length;
  if (!hasNames) while (names.length < width) names.push(names.length === width - 1 ? 'Timestamp' : 'Timestamp (Formatted)');
  if (width < names.length) fail('bad-data', `data lines have ${width} columns but the column line names ${names.length}`);

  // Columns that hold text (formatted times) are not parsed as numbers.
  const textColumns = new Set<number>();
  firstData.split(',').forEach((f, c) => {
    if (/[:\-/]\d|\d[:/]/.test(f.trim()) && !/^[+-]?\d*\.?\d+(e[+-]?\d+)?$/i.test(f.trim())) textColumns.add(c);
  });
  const { values, rows, warnings } = readNumericRows(lines, i, /,/, width, fail, { textColumns });
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
