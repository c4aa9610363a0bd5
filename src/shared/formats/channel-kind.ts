// What a channel label says about the channel: its kind (EEG, ECG, trigger …), its electrode
// position, and how to bring its unit to µV. Used by every importer so that the same label
// is read the same way whatever file it came in.
import { labelElectrode } from '../channel-label';
import type { Modality } from '../stream.types';
import type { ChannelKind } from './recording.types';

// 10-10 / 10-20 electrode names (plus the old T3/T4/T5/T6 and mastoid/ear references).
const ELECTRODE_RE = /^(fp|af|f|ft|fc|t|c|tp|cp|p|po|o|i|a|m|n)(z|\d{1,2})$/i;

/**
 * Canonical spelling of an electrode: 'FP1' → 'Fp1', 'fc5' → 'FC5', 'CZ' → 'Cz', 'Fpz.' → 'Fpz'.
 * The label's electrode part is the montage's (labelElectrode: type prefix, reference and padding
 * dots dropped), so a channel positioned here is the channel the montage finds by that name.
 */
export function electrodePosition(label: string): string | undefined {
  const m = ELECTRODE_RE.exec(labelElectrode(label));
  if (!m) return undefined;
  const head = m[1].toLowerCase();
  const tail = m[2].toLowerCase();
  const name = head === 'fp' ? 'Fp' : head.toUpperCase();
  if ((name === 'A' || name === 'M') && tail === 'z') return undefined; // no Az/Mz
  if (name === 'N' && tail !== 'z') return undefined; // only Nz (nasion)
  return name + tail;
}

const ECG_LEAD_RE = /^(i|ii|iii|avr|avl|avf|v[1-9]|v[xyz]|ml(i{1,3}|[a-z0-9]*)|d[1-3]|lead\s*[i1-3]+)$/i;

/**
 * Kind of a channel from its label (and unit, type hint). `hint` is a stream- or file-level
 * type ('EEG', 'ECG' from XDF, 'ecg' for a WFDB ECG database) used when the label is silent.
 */
export function guessChannelKind(label: string, unit = '', hint = ''): ChannelKind {
  const l = label.trim();
  const low = l.toLowerCase();
  if (/\b(ecg|ekg)\b|^ecg|^ekg/i.test(l) || ECG_LEAD_RE.test(l)) return 'ecg';
  if (/\beog\b|^eog|^heog|^veog/i.test(l)) return 'eog';
  if (/\bemg\b|^emg|chin/i.test(l)) return 'emg';
  if (/status|trig|^sti\b|^stim|marker/i.test(low)) return low.includes('marker') ? 'marker' : 'stim';
  if (/resp|thorax|abdomen|airflow/i.test(low)) return 'resp';
  if (/ppg|pleth|optical/i.test(low)) return 'ppg';
  if (/\beda\b|gsr|skin ?cond/i.test(low)) return 'eda';
  if (/temp/i.test(low)) return 'temp';
  if (/acc(el)?/i.test(low)) return 'accel';
  if (/gyro/i.test(low)) return 'gyro';
  if (/timestamp|^time$/i.test(low)) return 'time';
  if (/battery/i.test(low)) return 'battery';
  if (/^eeg/i.test(l) || electrodePosition(l)) return 'eeg';
  const bipolar = /^([^\s-]+)\s*-\s*([^\s-]+)$/.exec(l); // 'Fp1-F7' (CHB-MIT, TUH bipolar montages)
  if (bipolar && electrodePosition(bipolar[1]) && electrodePosition(bipolar[2])) return 'eeg';
  const h = hint.toLowerCase();
  if (h === 'eeg' || h === 'ecg' || h === 'emg' || h === 'eog' || h === 'ppg' || h === 'eda') return h;
  if (/^(accel|acc)$/.test(h)) return 'accel';
  if (/^(marker|markers)$/.test(h)) return 'marker';
  void unit;
  return 'misc';
}

export function modalityOfKind(kind: ChannelKind): Modality {
  return kind === 'eeg' ? 'eeg' : kind === 'ecg' ? 'ecg' : 'other';
}

/** Factor that brings a voltage unit to µV, or null when the unit is not a voltage. */
export function microvoltFactor(unit: string): number | null {
  const u = unit.trim();
  if (/^(uv|µv|μv|microv(olts?)?)$/i.test(u)) return 1;
  if (u === 'mV' || /^millivolts?$/i.test(u) || u === 'mv') return 1e3;
  if (u === 'V' || /^volts?$/i.test(u) || u === 'v') return 1e6;
  if (u === 'nV' || u === 'nv') return 1e-3;
  return null;
}

/** Kinds whose voltages the app always carries in µV (stream.types: EXG streams are in 'uV'). */
export function isExg(kind: ChannelKind): boolean {
  return kind === 'eeg' || kind === 'ecg' || kind === 'eog' || kind === 'emg';
}
