// BrainFlow board descriptions (rows of the data array and their roles) for the boards HeartMind
// supports, so a BrainFlow file can be read without the native library. Facts from
// brainflow-dev/brainflow@9097190cc70ff039172b7c56bfc44bf1c8f3be25:src/board_controller/brainflow_boards.cpp
// (MIT, Copyright (c) 2018 Andrey Parfenov), as captured in ../shared/data/device-frames/brainflow-boards.json;
// board ids from src/utils/inc/brainflow_constants.h at the same commit. The device layer gets the same
// descriptions live from get_board_descr; tests check this table against that JSON.
import { BoardIds, BrainFlowPreset, type BoardDescription } from '../../devices/brainflow/brainflow.types';

export type BrainFlowPresetName = 'default' | 'auxiliary' | 'ancillary';

export const BRAINFLOW_PRESET_NAMES: Record<BrainFlowPreset, BrainFlowPresetName> = {
  [BrainFlowPreset.DEFAULT_PRESET]: 'default',
  [BrainFlowPreset.AUXILIARY_PRESET]: 'auxiliary',
  [BrainFlowPreset.ANCILLARY_PRESET]: 'ancillary',
};

/** Board id → preset → description, exactly as BrainFlow builds them. */
export const BRAINFLOW_BOARDS: Readonly<Record<number, Readonly<Partial<Record<BrainFlowPresetName, Readonly<BoardDescription>>>>>> = {
  [BoardIds.SYNTHETIC_BOARD]: {
    auxiliary: { accel_channels: [2, 3, 4], battery_channel: 1, eda_channels: [8], gyro_channels: [5, 6, 7], marker_channel: 19, name: 'SyntheticAux', num_rows: 20, other_channels: [14, 15, 16, 17], package_num_channel: 0, ppg_channels: [9, 10], resistance_channels: [12, 13], sampling_rate: 250, temperature_channels: [11], timestamp_channel: 18 },
    default: { accel_channels: [17, 18, 19], battery_channel: 29, ecg_channels: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], eda_channels: [23], eeg_channels: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], eeg_names: 'Fz,C3,Cz,C4,Pz,PO7,Oz,PO8,F5,F7,F3,F1,F2,F4,F6,F8', emg_channels: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], eog_channels: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], gyro_channels: [20, 21, 22], marker_channel: 31, name: 'Synthetic', num_rows: 32, package_num_channel: 0, ppg_channels: [24, 25], resistance_channels: [27, 28], sampling_rate: 250, temperature_channels: [26], timestamp_channel: 30 },
  },
  [BoardIds.CYTON_BOARD]: {
    default: { accel_channels: [9, 10, 11], analog_channels: [19, 20, 21], ecg_channels: [1, 2, 3, 4, 5, 6, 7, 8], eeg_channels: [1, 2, 3, 4, 5, 6, 7, 8], eeg_names: 'Fp1,Fp2,C3,C4,P7,P8,O1,O2', emg_channels: [1, 2, 3, 4, 5, 6, 7, 8], eog_channels: [1, 2, 3, 4, 5, 6, 7, 8], marker_channel: 23, name: 'Cyton', num_rows: 24, other_channels: [12, 13, 14, 15, 16, 17, 18], package_num_channel: 0, sampling_rate: 250, timestamp_channel: 22 },
  },
  [BoardIds.GANGLION_BOARD]: {
    default: { accel_channels: [5, 6, 7], ecg_channels: [1, 2, 3, 4], eeg_channels: [1, 2, 3, 4], emg_channels: [1, 2, 3, 4], eog_channels: [1, 2, 3, 4], marker_channel: 14, name: 'Ganglion', num_rows: 15, package_num_channel: 0, resistance_channels: [8, 9, 10, 11, 12], sampling_rate: 200, timestamp_channel: 13 },
  },
  [BoardIds.CYTON_DAISY_BOARD]: {
    default: { accel_channels: [17, 18, 19], analog_channels: [27, 28, 29], ecg_channels: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], eeg_channels: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], eeg_names: 'Fp1,Fp2,C3,C4,P7,P8,O1,O2,F7,F8,F3,F4,T7,T8,P3,P4', emg_channels: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], eog_channels: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], marker_channel: 31, name: 'CytonDaisy', num_rows: 32, other_channels: [20, 21, 22, 23, 24, 25, 26], package_num_channel: 0, sampling_rate: 125, timestamp_channel: 30 },
  },
  [BoardIds.MUSE_S_BLED_BOARD]: {
    ancillary: { marker_channel: 5, name: 'MuseSBLEDAnc', num_rows: 6, optical_channels: [1, 2, 3], package_num_channel: 0, ppg_channels: [1, 2, 3], sampling_rate: 64, timestamp_channel: 4 },
    auxiliary: { accel_channels: [1, 2, 3], gyro_channels: [4, 5, 6], marker_channel: 8, name: 'MuseSBLEDAux', num_rows: 9, package_num_channel: 0, sampling_rate: 52, timestamp_channel: 7 },
    default: { eeg_channels: [1, 2, 3, 4], eeg_names: 'TP9,AF7,AF8,TP10', marker_channel: 7, name: 'MuseSBLED', num_rows: 8, other_channels: [5], package_num_channel: 0, sampling_rate: 256, timestamp_channel: 6 },
  },
  [BoardIds.MUSE_2_BLED_BOARD]: {
    ancillary: { marker_channel: 5, name: 'Muse2BLEDAnc', num_rows: 6, optical_channels: [1, 2, 3], package_num_channel: 0, ppg_channels: [1, 2, 3], sampling_rate: 64, timestamp_channel: 4 },
    auxiliary: { accel_channels: [1, 2, 3], gyro_channels: [4, 5, 6], marker_channel: 8, name: 'Muse2BLEDAux', num_rows: 9, package_num_channel: 0, sampling_rate: 52, timestamp_channel: 7 },
    default: { eeg_channels: [1, 2, 3, 4], eeg_names: 'TP9,AF7,AF8,TP10', marker_channel: 7, name: 'Muse2BLED', num_rows: 8, other_channels: [5], package_num_channel: 0, sampling_rate: 256, timestamp_channel: 6 },
  },
  [BoardIds.MUSE_2_BOARD]: {
    ancillary: { marker_channel: 5, name: 'Muse2Anc', num_rows: 6, optical_channels: [1, 2, 3], package_num_channel: 0, ppg_channels: [1, 2, 3], sampling_rate: 64, timestamp_channel: 4 },
    auxiliary: { accel_channels: [1, 2, 3], gyro_channels: [4, 5, 6], marker_channel: 8, name: 'Muse2Aux', num_rows: 9, package_num_channel: 0, sampling_rate: 52, timestamp_channel: 7 },
    default: { eeg_channels: [1, 2, 3, 4], eeg_names: 'TP9,AF7,AF8,TP10', marker_channel: 7, name: 'Muse2', num_rows: 8, other_channels: [5], package_num_channel: 0, sampling_rate: 256, timestamp_channel: 6 },
  },
  [BoardIds.MUSE_S_BOARD]: {
    ancillary: { marker_channel: 5, name: 'MuseSAnc', num_rows: 6, optical_channels: [1, 2, 3], package_num_channel: 0, ppg_channels: [1, 2, 3], sampling_rate: 64, timestamp_channel: 4 },
    auxiliary: { accel_channels: [1, 2, 3], gyro_channels: [4, 5, 6], marker_channel: 8, name: 'MuseSAux', num_rows: 9, package_num_channel: 0, sampling_rate: 52, timestamp_channel: 7 },
    default: { eeg_channels: [1, 2, 3, 4], eeg_names: 'TP9,AF7,AF8,TP10', marker_channel: 7, name: 'MuseS', num_rows: 8, other_channels: [5], package_num_channel: 0, sampling_rate: 256, timestamp_channel: 6 },
  },
};

/** The description of one board preset, or undefined when the table does not know the board. */
export function brainflowBoardDescription(boardId: number, preset: BrainFlowPresetName = 'default'): Readonly<BoardDescription> | undefined {
  return BRAINFLOW_BOARDS[boardId]?.[preset];
}

/**
 * The BrainFlow board names an import can be told (`heartmind sessions import --board NAME`, the
 * import form's Board choice): BrainFlow's own, one per board and preset ('Cyton', 'CytonDaisy',
 * 'Synthetic', 'MuseSAux' …), sorted.
 */
export function brainflowBoardNames(): string[] {
  return Object.values(BRAINFLOW_BOARDS)
    .flatMap((presets) => Object.values(presets).map((d) => d!.name))
    .sort((a, b) => a.localeCompare(b));
}

/** The board and preset named as brainflowBoardNames() lists them (any case), as the BrainFlow reader's options; undefined for another name. */
export function brainflowBoardOptions(name: string): { boardId: number; preset: BrainFlowPresetName } | undefined {
  const want = name.trim().toLowerCase();
  for (const [id, presets] of Object.entries(BRAINFLOW_BOARDS)) {
    for (const [preset, d] of Object.entries(presets)) if (d?.name.toLowerCase() === want) return { boardId: Number(id), preset: preset as BrainFlowPresetName };
  }
  return undefined;
}
