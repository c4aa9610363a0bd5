// Checks a DeviceConfig that arrives from a page or from the profile file: anything malformed is
// named and refused before a driver sees it. Pure.
import type { DeviceConfig } from './devices.types';
import { DEFAULT_BRAINFLOW_PARAMS } from './brainflow/brainflow.types';

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isIntArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0);

/** Returns the problem in words, or null when the config is usable. */
export function checkDeviceConfig(c: unknown): string | null {
  if (!c || typeof c !== 'object') return 'device config must be an object';
  const o = c as Record<string, unknown>;
  if (o.name !== undefined && (!isStr(o.name) || o.name.length > 200)) return 'name must be text (at most 200 characters)';
  switch (o.kind) {
    case 'polar-h10':
    case 'hr-strap':
    case 'muse':
      if (!isStr(o.id) || !o.id) return `${o.kind}: a Bluetooth id is needed`;
      if (o.kind === 'muse' && ((o.aux !== undefined && typeof o.aux !== 'boolean') || (o.ppg !== undefined && typeof o.ppg !== 'boolean'))) return 'muse: aux and ppg are true/false';
      return null;
    case 'cyton':
      if (!isStr(o.path) || !o.path) return 'cyton: a serial port path is needed';
      if (o.daisy !== undefined && typeof o.daisy !== 'boolean' && o.daisy !== 'auto') return "cyton: daisy is true, false or 'auto'";
      if (o.gains !== undefined && !(Array.isArray(o.gains) && o.gains.every((g) => [1, 2, 4, 6, 8, 12, 24].includes(g as number)))) return 'cyton: gains must be ADS1299 gains (1, 2, 4, 6, 8, 12, 24)';
      return null;
    case 'serial-text': {
      if (!isStr(o.path) || !o.path) return 'serial-text: a serial port path is needed';
      if (!Array.isArray(o.channels) || o.channels.length === 0 || o.channels.length > 256 || !o.channels.every(isStr)) return 'serial-text: 1–256 channel labels are needed';
      if (!isNum(o.rateHz) || o.rateHz <= 0 || o.rateHz > 100_000) return 'serial-text: rateHz must be a positive number up to 100 000';
      if (!isStr(o.unit)) return 'serial-text: unit is needed';
      if (o.modality !== 'eeg' && o.modality !== 'ecg' && o.modality !== 'other') return "serial-text: modality is 'eeg', 'ecg' or 'other'";
      if (o.baudRate !== undefined && !(Number.isInteger(o.baudRate) && (o.baudRate as number) > 0)) return 'serial-text: baudRate must be a positive integer';
      if (o.scale !== undefined && !isNum(o.scale)) return 'serial-text: scale must be a number';
      if (o.timeColumn !== undefined && !(Number.isInteger(o.timeColumn) && (o.timeColumn as number) >= 0)) return 'serial-text: timeColumn must be a column index';
      return null;
    }
    case 'brainflow': {
      if (!Number.isInteger(o.boardId)) return 'brainflow: boardId must be an integer (BrainFlow BoardIds)';
      if (o.libraryPath !== undefined && !isStr(o.libraryPath)) return 'brainflow: libraryPath must be text';
      if (o.eegRows !== undefined && !isIntArray(o.eegRows)) return 'brainflow: eegRows must be row numbers';
      if (o.ecgRows !== undefined && !isIntArray(o.ecgRows)) return 'brainflow: ecgRows must be row numbers';
      if (o.params !== undefined) {
        if (!o.params || typeof o.params !== 'object') return 'brainflow: params must be an object';
        for (const [k, v] of Object.entries(o.params)) {
          if (!(k in DEFAULT_BRAINFLOW_PARAMS)) return `brainflow: unknown param ${k}`;
          if (typeof v !== typeof DEFAULT_BRAINFLOW_PARAMS[k as keyof typeof DEFAULT_BRAINFLOW_PARAMS]) return `brainflow: param ${k} has the wrong type`;
        }
      }
      return null;
    }
    default:
      return `unknown device kind ${JSON.stringify(o.kind)}`;
  }
}
