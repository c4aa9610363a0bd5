// Which rows of a BrainFlow data array become which HeartMind stream, from the board description.
// Pure, so it is tested on BrainFlow's own descriptions (../shared/data/device-frames/brainflow-boards.json).
import { DeviceError } from '../device-error';
import type { BoardDescription } from './brainflow.types';

export interface BrainFlowStreamRows {
  rows: number[];
  labels: string[];
}

export interface BrainFlowRoleMap {
  eeg: BrainFlowStreamRows | null;
  ecg: BrainFlowStreamRows | null;
  timestampRow?: number;
  packageRow?: number;
  batteryRow?: number;
  rateHz: number;
  numRows: number;
  boardName: string;
}

export interface BrainFlowRoleOptions {
  /** Rows to stream as EEG instead of the description's eeg_channels. */
  eegRows?: number[];
  /**
   * Rows to stream as ECG. By default only rows that are ECG and not EEG: BrainFlow lists the same
   * ExG rows under eeg, emg, ecg and eog for general-purpose amplifiers (Cyton, Synthetic), and the
   * user says which electrodes sit on the chest.
   */
  ecgRows?: number[];
}

export function brainflowRoles(descr: BoardDescription, opts: BrainFlowRoleOptions = {}): BrainFlowRoleMap {
  if (!descr || typeof descr.num_rows !== 'number' || typeof descr.sampling_rate !== 'number')
    throw new DeviceError('bad-frame', 'BrainFlow board description lacks num_rows or sampling_rate');
  const numRows = descr.num_rows;
  const check = (rows: number[], what: string) => {
    for (const r of rows) if (!Number.isInteger(r) || r < 0 || r >= numRows) throw new DeviceError('invalid-config', `${what} row ${r} is outside 0..${numRows - 1}, the rows of BrainFlow's ${descr.name} board`);
  };
  const ecgRows = opts.ecgRows ?? (descr.ecg_channels ?? []).filter((r) => !(descr.eeg_channels ?? []).includes(r));
  const eegRows = (opts.eegRows ?? descr.eeg_channels ?? []).filter((r) => !ecgRows.includes(r));
  check(eegRows, 'EEG');
  check(ecgRows, 'ECG');
  const names = (descr.eeg_names ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const eegAll = descr.eeg_channels ?? [];
  const eegLabels = eegRows.map((r, i) => {
    const k = eegAll.indexOf(r);
    return k >= 0 && names.length === eegAll.length ? names[k] : `EEG ${i + 1}`;
  });
  const ecgLabels = ecgRows.map((_, i) => (ecgRows.length === 1 ? 'ECG' : `ECG ${i + 1}`));
  return {
    eeg: eegRows.length ? { rows: eegRows, labels: eegLabels } : null,
    ecg: ecgRows.length ? { rows: ecgRows, labels: ecgLabels } : null,
    ...(descr.timestamp_channel !== undefined ? { timestampRow: descr.timestamp_channel } : {}),
    ...(descr.package_num_channel !== undefined ? { packageRow: descr.package_num_channel } : {}),
    ...(descr.battery_channel !== undefined ? { batteryRow: descr.battery_channel } : {}),
    rateHz: descr.sampling_rate,
    numRows,
    boardName: descr.name,
  };
}
