// What each real device's model string (DeviceStatus.model, StreamInfo.deviceModel, set by the
// drivers in src/main/devices/drivers) is called in words: one table, read by the Devices view's
// rows and the dashboard's device cards, so a device is called one thing everywhere. Pure.
import { brainflowBoardName } from './brainflow/brainflow-board-names';
import { BoardIds } from './brainflow/brainflow.types';
import { DEVICE_CATALOG } from './device-catalog';
import type { DeviceConfig, DeviceKind } from './devices.types';

const catalogLabel = (kind: DeviceKind): string => DEVICE_CATALOG.find((e) => e.kind === kind)?.label ?? kind;

/**
 * Models a driver reports before its first connection, when the configuration alone does not say
 * which variant it is: a Muse tells 2, S and 2016 apart only by its name and services, a Cyton set
 * to find its Daisy only by its reset reply. Shown as the family, never as a guessed variant.
 */
export const UNDETECTED_MODELS = {
  muse: 'muse',
  cyton: 'cyton-auto',
} as const;

const MODEL_NAMES: Record<string, string> = {
  'polar-h10': catalogLabel('polar-h10'),
  // A strap without Polar's ECG service (the catalog's "Any Bluetooth heart-rate strap" is the kind,
  // not this device): its own name, from its advertisement, says which one.
  'hr-strap': 'Heart-rate strap',
  'muse-2': brainflowBoardName(BoardIds.MUSE_2_BOARD),
  'muse-s': brainflowBoardName(BoardIds.MUSE_S_BOARD),
  'muse-2016': brainflowBoardName(BoardIds.MUSE_2016_BOARD),
  [UNDETECTED_MODELS.muse]: 'Muse (2, S or 2016: known once connected)',
  cyton: brainflowBoardName(BoardIds.CYTON_BOARD),
  'cyton-daisy': brainflowBoardName(BoardIds.CYTON_DAISY_BOARD),
  [UNDETECTED_MODELS.cyton]: 'OpenBCI Cyton (with or without Daisy: known once connected)',
  'serial-text': catalogLabel('serial-text'),
};

/**
 * A real device's model in words ('Muse S', 'OpenBCI Cyton + Daisy', 'Synthetic board' for
 * 'brainflow:-1'); undefined for a model no driver here sets (the simulator's, a replay's).
 */
export function deviceModelName(model: string): string | undefined {
  const board = /^brainflow:(-?\d+)$/.exec(model);
  if (board) return brainflowBoardName(Number(board[1]));
  return Object.hasOwn(MODEL_NAMES, model) ? MODEL_NAMES[model] : undefined;
}

/** Whether a model names the variant the driver found, not only the family (see UNDETECTED_MODELS). */
export function isDetectedModel(model: string): boolean {
  return model !== UNDETECTED_MODELS.muse && model !== UNDETECTED_MODELS.cyton;
}

/**
 * The model a configuration alone tells (what a driver reports until it has connected): the variant
 * where the user or a scan chose it, the family where only the device can say (a Muse, a Cyton whose
 * Daisy is to be found).
 */
export function configuredModel(c: DeviceConfig): string {
  switch (c.kind) {
    case 'polar-h10':
    case 'hr-strap':
    case 'serial-text':
      return c.kind;
    case 'muse':
      return UNDETECTED_MODELS.muse;
    case 'cyton':
      return c.daisy === true ? 'cyton-daisy' : c.daisy === false ? 'cyton' : UNDETECTED_MODELS.cyton;
    case 'brainflow':
      return `brainflow:${c.boardId}`;
  }
}
