// The live dashboard's words, pure so they are tested under plain Node (test/renderer/views/dashboard/).
import type { DeviceStatus } from '../../../../shared/device.types';
import { deviceModelName } from '../../../../shared/devices/device-models';
import { absentReasonText } from '../../../../shared/model/window-input';
import type { LiveStore, ModalitySummary } from '../../live/live-store';
import { offlineText } from '../../live/offline';
import type { SignalSettings } from '../../../../shared/pipeline/signal-settings';
import type { StreamInfo } from '../../../../shared/stream.types';

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
 * What the simulator presets (src/main/sources/sim-eeg.ts, sim-ecg.ts) and the replay source call
 * their model, in words; real devices' models are named by deviceModelName (the Devices view's own
 * table), so a device is called one thing everywhere.
 */
const MODEL_NAMES: Record<string, string> = {
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

/**
 * A device card's subtitle: its model and transport in words ('OpenBCI Cyton · serial port',
 * '10-20 cap, 19 channels · simulated'), not the machine strings the sources set ('cyton · serial').
 * A BrainFlow device's model is its board id ('brainflow:-3', see brainflow-driver.ts): it is named
 * as the Devices view's board list names it ('Playback file · BrainFlow'). A model or transport not
 * known here is shown as it is: a raw name says more than none.
 */
export function deviceModelText(status: Pick<DeviceStatus, 'model' | 'transport'>): string {
  const model = deviceModelName(status.model) ?? (Object.hasOwn(MODEL_NAMES, status.model) ? MODEL_NAMES[status.model] : status.model);
  return `${model} · ${Object.hasOwn(TRANSPORT_TEXT, status.transport) ? TRANSPORT_TEXT[status.transport] : status.transport}`;
}

const hz = (v: number) => `${Number(v.toFixed(2))}`;

/**
 * A trace panel's subtitle: the device, its channels and its own rate, then what the traces are:
 * the pipeline's conditioned signal, resampled to the model rate and filtered by the signal settings
 * in force ("Simulated headset · 19 ch · 500 Hz → 200 Hz · 0.3–75 Hz, notch 50 Hz"). It said "200 Hz"
 * alone, read as the headset's rate, and not which filters the trace has been through.
 */
export function traceInfoText(
  stream: Pick<StreamInfo, 'deviceName' | 'nominalRateHz' | 'modality'>,
  channels: number,
  shownRateHz: number,
  settings: Pick<SignalSettings, 'eegBandHz' | 'ecgBandHz' | 'notch' | 'mainsHz'> | null,
): string {
  const rate = Math.abs(stream.nominalRateHz - shownRateHz) < 1e-6 ? `${hz(shownRateHz)} Hz` : `${hz(stream.nominalRateHz)} Hz → ${hz(shownRateHz)} Hz`;
  let filters = '';
  if (settings && stream.modality !== 'other') {
    const [lo, hi] = stream.modality === 'eeg' ? settings.eegBandHz : settings.ecgBandHz;
    filters = ` · ${lo > 0 ? `${hz(lo)}–${hz(hi)} Hz` : `low-pass ${hz(hi)} Hz`}${settings.notch ? `, notch ${settings.mainsHz} Hz` : ''}`;
  }
  return `${stream.deviceName} · ${channels} ch · ${rate}${filters}`;
}
