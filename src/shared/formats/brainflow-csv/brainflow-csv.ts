// BrainFlow's DataFilter.write_file format: no header, one line per sample, the board's rows as
// tab-separated '%lf' columns (BrainFlow src/data_handler/data_handler.cpp). Which column is what
// comes from the board description, so the caller names the board (or we recognise it from the
// column count when only one known board has that many rows).
import type { BoardDescription } from '../../devices/brainflow/brainflow.types';
import { electrodePosition } from '../channel-kind';
import { FormatError, failFor, type Fail } from '../format-error';
import type { ChannelKind, ImportedChannel, ImportedRecording } from '../recording.types';
import { buildTabular, readNumericRows, type TabularStreamPlan } from '../tabular-import';
import { decodeLatin1, withoutByteOrderMark } from '../text';
import { BRAINFLOW_BOARDS, brainflowBoardDescription, type BrainFlowPresetName } from './brainflow-boards';

/** Package counter modulus (BrainFlow boards count packages in one byte). */
const PACKAGE_MODULUS = 256;

export interface BrainFlowCsvOptions {
  /** BrainFlow board id (BoardIds); omitted: recognised from the column count when unambiguous. */
  boardId?: number;
  preset?: BrainFlowPresetName;
  /** A description from get_board_descr, for boards not in our table. */
  description?: BoardDescription;
}

/** Roles of a description's rows beyond EEG, with their kind and unit. */
const ROLE_ROWS: [keyof BoardDescription, ChannelKind, string, string][] = [
  ['ecg_channels', 'ecg', 'uV', 'ECG'],
  ['emg_channels', 'emg', 'uV', 'EMG'],
  ['eog_channels', 'eog', 'uV', 'EOG'],
  ['accel_channels', 'accel', 'g', 'Accel'],
  ['gyro_channels', 'gyro', 'deg/s', 'Gyro'],
  ['ppg_channels', 'ppg', '', 'PPG'],
  ['optical_channels', 'ppg', '', 'Optical'],
  ['eda_channels', 'eda', 'uS', 'EDA'],
  ['temperature_channels', 'temp', 'degC', 'Temperature'],
  ['resistance_channels', 'misc', 'Ohm', 'Resistance'],
  ['analog_channels', 'misc', '', 'Analog'],
  ['other_channels', 'misc', '', 'Other'],
];

function pickBoard(width: number, opts: BrainFlowCsvOptions, fileName: string, fail: Fail): { descr: BoardDescription; boardId?: number } {
  if (opts.description) return { descr: opts.description, boardId: opts.boardId };
  if (opts.boardId !== undefined) {
    const d = brainflowBoardDescription(opts.boardId, opts.preset ?? 'default');
    if (!d) fail('unsupported', `BrainFlow board ${opts.boardId} (${opts.preset ?? 'default'} preset) is not in HeartMind's board table; pass its description`);
    return { descr: d, boardId: opts.boardId };
  }
  const matches: [number, BrainFlowPresetName, BoardDescription][] = [];
  for (const [id, presets] of Object.entries(BRAINFLOW_BOARDS)) {
    for (const [p, d] of Object.entries(presets)) if (d && d.num_rows === width) matches.push([Number(id), p as BrainFlowPresetName, d]);
  }
  // Boards that share a layout (Muse 2 and Muse S, BLED or not) read the same: take the first.
  const layouts = new Set(matches.map(([, , d]) => JSON.stringify({ ...d, name: '' })));
  if (matches.length === 0) fail('bad-data', `lines have ${width} columns, which matches no known BrainFlow board; name the board`);
  if (layouts.size > 1) {
    const boards = matches.map((m) => m[2].name);
    throw new FormatError('ambiguous-board', fileName, `lines have ${width} columns, which fits several BrainFlow boards (${boards.join(', ')}); name the board`, boards);
  }
  return { descr: matches[0][2], boardId: matches[0][0] };
}

export function parseBrainFlowCsv(input: Uint8Array | string, fileName: string, opts: BrainFlowCsvOptions = {}): ImportedRecording {
  const fail: Fail = failFor(fileName);
  const text = withoutByteOrderMark(typeof input === 'string' ? input : decodeLatin1(input));
  if (text.trim() === '') fail('empty', 'the file is empty');
  const lines = text.split(/\r?\n/);
  const first = lines.find((l) => l.trim() !== '')!;
  const delimiter = first.includes('\t') ? /\t/ : /,/;
  const width = first.split(delimiter).length;
  const { descr, boardId } = pickBoard(width, opts, fileName, fail);
  if (width !== descr.num_rows) fail('bad-data', `lines have ${width} columns but BrainFlow's ${descr.name} writes ${descr.num_rows}`);
  if (!(descr.sampling_rate > 0)) fail('bad-header', `board ${descr.name} has no sampling rate`);
  const { values, rows, warnings, lineOf } = readNumericRows(lines, 0, delimiter, width, fail);
  if (rows === 0) fail('empty', 'no data lines');

  const used = new Set<number>([descr.package_num_channel, descr.timestamp_channel, descr.marker_channel].filter((r): r is number => r !== undefined));
  const names = (descr.eeg_names ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const eegRows = descr.eeg_channels ?? [];
  const eeg: TabularStreamPlan = { name: 'EEG', modality: 'eeg', columns: [], channels: [] };
  eegRows.forEach((row, i) => {
    const label = names.length === eegRows.length ? names[i] : `EEG ${i + 1}`;
    const ch: ImportedChannel = { label, unit: 'uV', resolution: 0, offset: 0, kind: 'eeg' };
    const pos = electrodePosition(label);
    if (pos) ch.position = pos;
    eeg.columns.push(row);
    eeg.channels.push(ch);
    used.add(row);
  });
  // BrainFlow lists the same ExG rows as ecg/emg/eog for general-purpose amplifiers: those stay EEG.
  const ecg: TabularStreamPlan = { name: 'ECG', modality: 'ecg', columns: [], channels: [] };
  const other: TabularStreamPlan = { name: 'Other', modality: 'other', columns: [], channels: [] };
  for (const [key, kind, unit, label] of ROLE_ROWS) {
    const rowsOf = (descr[key] as number[] | undefined) ?? [];
    rowsOf.forEach((row, i) => {
      if (used.has(row)) return;
      used.add(row);
      const target = kind === 'ecg' ? ecg : other;
      target.columns.push(row);
      target.channels.push({ label: rowsOf.length > 1 ? `${label} ${i + 1}` : label, unit, resolution: 0, offset: 0, kind });
    });
  }
  if (descr.battery_channel !== undefined && !used.has(descr.battery_channel)) {
    other.columns.push(descr.battery_channel);
    other.channels.push({ label: 'Battery', unit: '%', resolution: 0, offset: 0, kind: 'battery' });
  }

  const result = buildTabular(values, rows, width, {
    rateHz: descr.sampling_rate,
    streams: [eeg, ecg, other],
    timeColumn: descr.timestamp_channel,
    timeUnitsPerSecond: 1,
    timeColumnName: 'timestamp',
    counterColumn: descr.package_num_channel,
    counterModulus: PACKAGE_MODULUS,
    markerColumn: descr.marker_channel,
    markerSource: 'brainflow:marker',
    lineOf,
  }, fail);
  for (const s of result.streams) s.meta = { board: descr.name, ...(boardId !== undefined ? { boardId: String(boardId) } : {}) };
  return {
    fileName,
    format: 'brainflow-csv',
    startTime: result.startTime,
    subject: {},
    info: { board: descr.name, samplingRateHz: String(descr.sampling_rate) },
    streams: result.streams,
    annotations: result.annotations,
    warnings: [...warnings, ...result.warnings],
  };
}
