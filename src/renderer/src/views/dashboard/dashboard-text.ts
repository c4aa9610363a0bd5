// The live dashboard's words, pure so they are tested under plain Node (test/renderer/views/dashboard/).
import type { DeviceStatus } from '../../../../shared/device.types';
import { brainflowBoardName } from '../../../../shared/devices/brainflow/brainflow-board-names';
import { BoardIds } from '../../../../shared/devices/brainflow/brainflow.types';
import { DEVICE_CATALOG } from '../../../../shared/devices/device-catalog';
import type { DeviceKind } from '../../../../shared/devices/devices.types';
import { absentReasonText } from '../../../../shared/model/window-input';
import type { LiveStore, ModalitySummary } from '../../live/live-store';
import { offlineText } from '../../live/offline';

const fmt = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

/**
 * A modality's cell in the synchronised-windows table: its channels and quality, or why it is
 * absent in words ('no device connected', not the code 'no-device'), the same words as its tooltip
 * and the model's skip messages.
 */
export function modalityCellText(m: ModalitySummary): string {
  if (!m.present) return `✕ ${m.absentReason ? absentReasonText(m.absentReason) : 'absent'}`;
  return `✓ ${m.channels} ch · q ${fmt(m.quality * 100)}%`;
}

/**
 * Why figures from this stream are not current: the core is out of reach (offlineText), or its
 * device is not streaming or has stalled (the features and quality reports stop with its data, and a
 * tile or quality chip would otherwise keep its last figure as if live). Null when they are current.
 * The one test of staleness: every panel that keeps a device's last figures marks them with class
 * `stale` and shows this text.
 */
export function staleText(live: Pick<LiveStore, 'streams' | 'devices' | 'connection' | 'lostAt'>, streamId: string | undefined): string | null {
  const offline = offlineText(live);
  if (offline) return `last figure: ${offline}`;
  const deviceId = streamId === undefined ? undefined : live.streams.get(streamId)?.deviceId;
  const d = deviceId === undefined ? undefined : live.devices.get(deviceId);
  if (!d) return null;
  if (d.state !== 'streaming') return `last figure: ${d.name} is ${d.state}`;
  return d.problem?.code === 'stalled' ? `last figure: no data from ${d.name}` : null;
}

/**
 * What each model string a source sets (src/main/devices/drivers/*-driver.ts, the simulator presets
 * in src/main/sources/sim-eeg.ts and sim-ecg.ts, the replay source) is called in words. Where the
 * Devices view already names the device (its catalog, BrainFlow's board list), the same words are
 * taken from there, so a device is called one thing everywhere.
 */
const MODEL_NAMES: Record<string, string> = {
  'polar-h10': catalogLabel('polar-h10'),
  // A strap without Polar's ECG service: the catalog's "Any Bluetooth heart-rate strap" is the kind, not this device.
  'hr-strap': 'Heart-rate strap',
  'muse-2': brainflowBoardName(BoardIds.MUSE_2_BOARD),
  'muse-s': brainflowBoardName(BoardIds.MUSE_S_BOARD),
  'muse-2016': brainflowBoardName(BoardIds.MUSE_2016_BOARD),
  cyton: brainflowBoardName(BoardIds.CYTON_BOARD),
  'cyton-daisy': brainflowBoardName(BoardIds.CYTON_DAISY_BOARD),
  'serial-text': catalogLabel('serial-text'),
  // The simulator presets, as their setting labels name them (less the rate, which the streams show).
  'sim-muse': 'Muse-like, 4 channels',
  'sim-cap-19': '10-20 cap, 19 channels',
  'sim-cap-32': '10-10 cap, 32 channels',
  'sim-cap-64': '10-10 cap, 64 channels',
  'sim-polar-h10': 'Polar H10-like, 1 lead',
  'sim-ecg-3lead': '3-lead ECG',
  replay: 'Recorded session',
};

/** The transport in the Devices view's words (its panels are "Bluetooth", "Serial port", "BrainFlow"). */
const TRANSPORT_TEXT: Record<DeviceStatus['transport'], string> = {
  sim: 'simulated',
  ble: 'Bluetooth',
  serial: 'serial port',
  brainflow: 'BrainFlow',
  replay: 'replay',
};

function catalogLabel(kind: DeviceKind): string {
  return DEVICE_CATALOG.find((e) => e.kind === kind)?.label ?? kind;
}

/**
 * A device card's subtitle: its model and transport in words ('OpenBCI Cyton · serial port',
 * '10-20 cap, 19 channels · simulated'), not the machine strings the sources set ('cyton · serial').
 * A BrainFlow device's model is its board id ('brainflow:-3', see brainflow-driver.ts): it is named
 * as the Devices view's board list names it ('Playback file · BrainFlow'). A model or transport not
 * known here is shown as it is: a raw name says more than none.
 */
export function deviceModelText(status: Pick<DeviceStatus, 'model' | 'transport'>): string {
  const board = /^brainflow:(-?\d+)$/.exec(status.model);
  const model = board ? brainflowBoardName(Number(board[1])) : (Object.hasOwn(MODEL_NAMES, status.model) ? MODEL_NAMES[status.model] : status.model);
  return `${model} · ${Object.hasOwn(TRANSPORT_TEXT, status.transport) ? TRANSPORT_TEXT[status.transport] : status.transport}`;
}
