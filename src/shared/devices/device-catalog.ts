// The devices HeartMind supports, for the Devices view and the docs, and how a scan result is
// recognised. Pure.
import type { DeviceConfig, DeviceKind, ScannedDevice } from './devices.types';
import { HEART_RATE_SERVICE_UUID, PMD_SERVICE_UUID } from './polar/polar.types';
import { MUSE_SERVICE_UUID } from './muse/muse.types';
import { brainflowBoardName } from './brainflow/brainflow-board-names';
import { BoardIds } from './brainflow/brainflow.types';

export interface CatalogEntry {
  kind: DeviceKind;
  label: string;
  transport: 'ble' | 'serial' | 'brainflow';
  modalities: string;
  note: string;
}

export const DEVICE_CATALOG: CatalogEntry[] = [
  { kind: 'polar-h10', label: 'Polar H10 chest strap', transport: 'ble', modalities: 'ECG 130 Hz, heart rate, RR', note: 'Raw ECG through Polar Measurement Data; wet the electrodes.' },
  { kind: 'hr-strap', label: 'Any Bluetooth heart-rate strap', transport: 'ble', modalities: 'heart rate, RR', note: 'Standard Heart Rate Service (0x180D).' },
  { kind: 'muse', label: 'Muse 2 / Muse S / Muse 2016', transport: 'ble', modalities: 'EEG TP9 AF7 AF8 TP10 (+AUX) 256 Hz, PPG (2/S)', note: 'Keep-alive sent every minute.' },
  { kind: 'cyton', label: 'OpenBCI Cyton / Cyton + Daisy', transport: 'serial', modalities: 'EEG/ExG 8 ch 250 Hz or 16 ch 125 Hz', note: 'USB dongle, 115200 baud; Daisy found automatically.' },
  { kind: 'serial-text', label: 'Text-mode serial device', transport: 'serial', modalities: 'any: CSV or whitespace numbers per line', note: 'Arduino/ESP32 sketches, lab amplifiers with a text mode.' },
  { kind: 'brainflow', label: 'Any BrainFlow board', transport: 'brainflow', modalities: 'as the board describes (EEG, ECG rows)', note: 'Uses your BrainFlow installation (pip/conda/system).' },
];

/** What a BLE advertisement is, from its name and services. */
export function recogniseAdvertisement(name: string, serviceUuids: string[]): ScannedDevice['kind'] {
  const uuids = serviceUuids.map((u) => u.toLowerCase().replace(/-/g, ''));
  if (/^Polar H10\b/i.test(name) || uuids.includes(PMD_SERVICE_UUID)) return 'polar-h10';
  if (/^Muse/i.test(name) || uuids.includes(MUSE_SERVICE_UUID)) return 'muse';
  if (uuids.includes(HEART_RATE_SERVICE_UUID) || /^Polar /i.test(name)) return 'hr-strap';
  return null;
}

/** A one-line description of where a configured device is (for lists and logs). */
export function describeConfig(c: DeviceConfig): string {
  switch (c.kind) {
    case 'polar-h10':
    case 'hr-strap':
    case 'muse':
      return `Bluetooth ${c.id}`;
    case 'cyton':
    case 'serial-text':
      return `serial ${c.path}`;
    case 'brainflow': {
      // The board in words, as the Devices view's board list names it: "-3" told a user nothing.
      const p = c.params ?? {};
      if (c.boardId === BoardIds.PLAYBACK_FILE_BOARD)
        return `BrainFlow playback of ${p.file ?? '(no file)'}${p.master_board !== undefined && p.master_board !== BoardIds.NO_BOARD ? `, recorded with ${brainflowBoardName(Number(p.master_board))}` : ''}`;
      const where = p.serial_port ? ` on ${p.serial_port}` : p.mac_address ? ` at ${p.mac_address}` : p.ip_address ? ` at ${p.ip_address}` : '';
      return `BrainFlow ${brainflowBoardName(c.boardId)}${where}`;
    }
  }
}
