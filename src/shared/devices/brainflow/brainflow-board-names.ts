// Readable names of BrainFlow boards, from the board id: the one place the Devices view's board
// list, device names and BrainFlow's error messages take them from. BrainFlow's enum keys
// ("SYNTHETIC_BOARD", "PLAYBACK_FILE_BOARD") are identifiers, not names a person reads. Pure.
import { BoardIds } from './brainflow.types';

/** Boards users meet most, spelled as their makers do (the rest are derived from the enum key). */
const BOARD_NAMES: Partial<Record<number, string>> = {
  [BoardIds.PLAYBACK_FILE_BOARD]: 'Playback file',
  [BoardIds.STREAMING_BOARD]: 'Streaming board',
  [BoardIds.SYNTHETIC_BOARD]: 'Synthetic board',
  [BoardIds.CYTON_BOARD]: 'OpenBCI Cyton',
  [BoardIds.GANGLION_BOARD]: 'OpenBCI Ganglion (BLED112)',
  [BoardIds.CYTON_DAISY_BOARD]: 'OpenBCI Cyton + Daisy',
  [BoardIds.GALEA_BOARD]: 'OpenBCI Galea',
  [BoardIds.GANGLION_WIFI_BOARD]: 'OpenBCI Ganglion WiFi',
  [BoardIds.CYTON_WIFI_BOARD]: 'OpenBCI Cyton WiFi',
  [BoardIds.CYTON_DAISY_WIFI_BOARD]: 'OpenBCI Cyton + Daisy WiFi',
  [BoardIds.GANGLION_NATIVE_BOARD]: 'OpenBCI Ganglion (native BLE)',
  [BoardIds.BRAINBIT_BOARD]: 'BrainBit',
  [BoardIds.BRAINBIT_BLED_BOARD]: 'BrainBit (BLED112)',
  [BoardIds.UNICORN_BOARD]: 'g.tec Unicorn',
  [BoardIds.CALLIBRI_EEG_BOARD]: 'Callibri EEG',
  [BoardIds.CALLIBRI_EMG_BOARD]: 'Callibri EMG',
  [BoardIds.CALLIBRI_ECG_BOARD]: 'Callibri ECG',
  [BoardIds.NOTION_1_BOARD]: 'Neurosity Notion 1',
  [BoardIds.NOTION_2_BOARD]: 'Neurosity Notion 2',
  [BoardIds.CROWN_BOARD]: 'Neurosity Crown',
  [BoardIds.GFORCE_PRO_BOARD]: 'gForce Pro',
  [BoardIds.GFORCE_DUAL_BOARD]: 'gForce Dual',
  [BoardIds.FREEEEG32_BOARD]: 'FreeEEG32',
  [BoardIds.FREEEEG128_BOARD]: 'FreeEEG128',
  [BoardIds.MUSE_2_BOARD]: 'Muse 2',
  [BoardIds.MUSE_S_BOARD]: 'Muse S',
  [BoardIds.MUSE_2016_BOARD]: 'Muse 2016',
  [BoardIds.MUSE_2_BLED_BOARD]: 'Muse 2 (BLED112)',
  [BoardIds.MUSE_S_BLED_BOARD]: 'Muse S (BLED112)',
  [BoardIds.MUSE_2016_BLED_BOARD]: 'Muse 2016 (BLED112)',
  [BoardIds.MUSE_S_ATHENA_BOARD]: 'Muse S Athena',
  [BoardIds.EMOTIBIT_BOARD]: 'EmotiBit',
  [BoardIds.PIEEG_BOARD]: 'PiEEG',
  [BoardIds.ENOPHONE_BOARD]: 'Enophone',
  [BoardIds.BRAINALIVE_BOARD]: 'BrainAlive',
  [BoardIds.SHIMMER3_BOARD]: 'Shimmer3',
};

/** Words of an enum key that stay in capitals (acronyms). */
const ACRONYMS = new Set(['ANT', 'EE', 'EEG', 'ECG', 'EMG', 'IMU', 'NTL', 'BLED', 'AAVAA']);

/** "ANT_NEURO_EE_410_BOARD" → "ANT Neuro EE 410"; "EXPLORE_4_CHAN_BOARD" → "Explore 4 Chan". */
function fromEnumKey(key: string): string {
  return key
    .replace(/_BOARD(?=_|$)/, '')
    .split('_')
    .filter(Boolean)
    .map((w) => (ACRONYMS.has(w) || /\d/.test(w) ? w : w[0] + w.slice(1).toLowerCase()))
    .join(' ');
}

/** The board's name as a person reads it ("Synthetic board", "OpenBCI Cyton"); "board 999" for an id BrainFlow does not list. */
export function brainflowBoardName(boardId: number): string {
  const known = BOARD_NAMES[boardId];
  if (known) return known;
  const key = BoardIds[boardId];
  return key ? fromEnumKey(key) : `board ${boardId}`;
}

/** The last part of a path, on any OS (shared code has no node:path). */
function fileName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/**
 * A BrainFlow device's default name from its board and where it is (port, address or file):
 * "BrainFlow Synthetic board", "BrainFlow OpenBCI Cyton (/dev/ttyUSB0)", "BrainFlow playback file
 * (session.csv)" — a playback board is named by its file; the folder is noise in a row (the
 * device id keeps the whole path).
 */
export function brainflowDeviceName(boardId: number, where = ''): string {
  if (boardId === BoardIds.PLAYBACK_FILE_BOARD) return `BrainFlow playback file${where ? ` (${fileName(where)})` : ''}`;
  return `BrainFlow ${brainflowBoardName(boardId)}${where ? ` (${where})` : ''}`;
}
