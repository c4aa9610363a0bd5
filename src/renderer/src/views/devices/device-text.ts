// The words of the Devices view's rows: its state, what a device streams, and the last hole a drop
// left. (A status's problem comes without the device's name: the row shows it as it is.) Pure
// (tested under Node).
import type { DeviceProblem, DeviceStatus } from '../../../../shared/device.types';
import { describeConfig } from '../../../../shared/devices/device-catalog';
import { configuredModel, deviceModelName, isDetectedModel } from '../../../../shared/devices/device-models';
import type { PairedDevice } from '../../../../shared/devices/devices.types';
import type { Gap, StreamInfo } from '../../../../shared/stream.types';

const STATE_TEXT: Record<DeviceStatus['state'], string> = {
  idle: 'not connected',
  connecting: 'connecting…',
  streaming: 'streaming',
  reconnecting: 'reconnecting…',
  stopped: 'disconnected',
  error: 'error',
};

/**
 * "Your devices" with none remembered. The built-in demo's simulated devices stream on the Live
 * dashboard without being listed here (they are the core's own, not paired): "No devices yet" over
 * a dashboard showing two streaming read as if they had been lost, so they are named as the demo.
 */
export function pairedEmptyText(demoNames: readonly string[]): string {
  const add = 'Scan for Bluetooth devices or open a serial port below.';
  if (demoNames.length === 0) return `No devices yet. ${add}`;
  const names = demoNames.length === 1 ? demoNames[0] : `${demoNames.slice(0, -1).join(', ')} and ${demoNames[demoNames.length - 1]}`;
  return `No devices of your own yet. ${add} The ${names} on the Live dashboard ${demoNames.length === 1 ? 'is' : 'are'} the built-in demo, not listed here.`;
}

/**
 * The class of a device's problem line: a note (level 'info': a short packet loss, bridged or
 * marked, the data going on) is shown as one, not in the warning's orange — as the log says it.
 */
export function problemClass(problem: Pick<DeviceProblem, 'level'>): string {
  return problem.level === 'info' ? 'device-problem device-note' : 'device-problem';
}

/**
 * A device's problem in words: the pipeline's problems (a stall, lost packets, a bad frame) name
 * their stream by its id ('sim-eeg-1/eeg: no data since 14:03:07'), which the row and the card showed
 * as it was; a stream of the device's is said by its modality ('EEG: no data since 14:03:07'), and by
 * its own channels and rate too when the device has two of that modality.
 */
export function problemText(problem: Pick<DeviceProblem, 'message'>, streams: readonly Pick<StreamInfo, 'id' | 'modality' | 'channels' | 'nominalRateHz'>[]): string {
  const s = streams.find((x) => problem.message.startsWith(`${x.id}: `));
  if (!s) return problem.message;
  const twin = streams.some((x) => x !== s && x.modality === s.modality);
  const name = twin ? describeStreams([s]) : (MODALITY_TEXT[s.modality] ?? s.modality);
  return `${name}: ${problem.message.slice(s.id.length + 2)}`;
}

/**
 * A device's state badge, in the same words on its Devices row and its Live dashboard card (the
 * card once said 'stopped', 'idle' and 'connecting' where the row said 'disconnected', 'not
 * connected' and 'waiting for the device'). A remembered device not there at start is "waiting for
 * the device", not forever "connecting…". The core's own devices (the simulated demo ones, a
 * replay) are started and stopped, not connected: theirs read 'not started' and 'stopped'.
 */
export function stateText(status: Pick<DeviceStatus, 'state' | 'waitingForDevice'> & { transport?: DeviceStatus['transport'] } | undefined): string {
  if (status?.waitingForDevice && status.state === 'connecting') return 'waiting for the device';
  const state = status?.state ?? 'idle';
  if (status?.transport === 'sim' || status?.transport === 'replay') {
    if (state === 'idle') return 'not started';
    if (state === 'stopped') return 'stopped';
  }
  return STATE_TEXT[state];
}

/**
 * The row's subtitle: which model the device is, then where it connects ("Muse S · Bluetooth
 * 00:55:DA:B0:1E:7F", "OpenBCI Cyton + Daisy · serial /dev/ttyUSB0"). The model is the one its
 * driver found: on this run's connection, else on the last one remembered ("… when last
 * connected"), else the family the settings tell. A BrainFlow device's place already names its
 * board ("BrainFlow Synthetic board"), which is its model.
 */
export function modelLine(device: Pick<PairedDevice, 'config' | 'model'>, status?: Pick<DeviceStatus, 'model' | 'settings'>): string {
  let where = describeConfig(device.config);
  // A serial adapter that came back under another name is found there (its /dev/serial/by-id
  // name); its configured path may be another adapter's now, so the row says where it really is.
  const port = status?.settings?.port;
  const path = device.config.kind === 'brainflow' ? device.config.params?.serial_port : 'path' in device.config ? device.config.path : undefined;
  if (path && typeof port === 'string' && port !== path) where += `, now at ${port}`;
  if (device.config.kind === 'brainflow') return where;
  let model = status?.model ?? configuredModel(device.config);
  let remembered = false;
  if (!isDetectedModel(model) && device.model && isDetectedModel(device.model)) {
    model = device.model;
    remembered = true;
  }
  const name = deviceModelName(model) ?? model;
  return `${name}${remembered ? ' when last connected' : ''} · ${where}`;
}

const MODALITY_TEXT: Record<StreamInfo['modality'], string> = { eeg: 'EEG', ecg: 'ECG', other: 'other' };

/** "EEG 8 ch · 250 Hz + ECG 1 ch · 250 Hz": what the device delivers. */
export function describeStreams(streams: readonly Pick<StreamInfo, 'modality' | 'channels' | 'nominalRateHz'>[]): string {
  return streams.map((s) => `${MODALITY_TEXT[s.modality] ?? s.modality} ${s.channels.length} ch · ${Number(s.nominalRateHz.toFixed(2))} Hz`).join(' + ');
}

/** The latest hole a drop left in this device's streams (one gap per stream: the longest). */
export function lastDrop(gaps: Gap[], streamIds: Set<string>): Gap | null {
  let best: Gap | null = null;
  for (const g of gaps) {
    if (g.reason !== 'device-dropped' || !streamIds.has(g.streamId)) continue;
    if (!best || g.endTime > best.endTime + 0.5 || (Math.abs(g.endTime - best.endTime) <= 0.5 && g.endTime - g.startTime > best.endTime - best.startTime)) best = g;
  }
  return best;
}

/**
 * What a Connect did when the row alone would not show it: a press on a device already streaming
 * with these settings changes nothing, and must say so rather than look ignored. A plain connect
 * needs no words (its row turns streaming).
 */
export function connectNote(d: Pick<PairedDevice, 'name' | 'connectOutcome'>): string | null {
  switch (d.connectOutcome) {
    case 'already-streaming':
      return `${d.name} is already streaming with these settings; nothing changed.`;
    case 'restarted':
      return `${d.name} restarted with the new settings.`;
    case 'still-connecting':
      return `${d.name} is not streaming yet: tried again now, and it keeps trying until you disconnect it.`;
    default:
      return null;
  }
}
