// The live dashboard's words, pure so they are tested under plain Node (test/renderer/views/dashboard/).
import type { DeviceStatus } from '../../../../shared/device.types';
import { brainflowBoardName } from '../../../../shared/devices/brainflow/brainflow-board-names';
import { absentReasonText } from '../../../../shared/model/window-input';
import type { LiveStore, ModalitySummary } from '../../live/live-store';

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
 * Why figures from this stream are not current: its device is not streaming or has stalled (the
 * features and quality reports stop with its data, and a tile or quality chip would otherwise keep
 * its last figure as if live). Null when they are current. The one test of staleness: every panel
 * that keeps a device's last figures marks them with class `stale` and shows this text.
 */
export function staleText(live: Pick<LiveStore, 'streams' | 'devices'>, streamId: string | undefined): string | null {
  const deviceId = streamId === undefined ? undefined : live.streams.get(streamId)?.deviceId;
  const d = deviceId === undefined ? undefined : live.devices.get(deviceId);
  if (!d) return null;
  if (d.state !== 'streaming') return `last figure: ${d.name} is ${d.state}`;
  return d.problem?.code === 'stalled' ? `last figure: no data from ${d.name}` : null;
}

/**
 * A device card's subtitle: its model and transport. A BrainFlow device's model is its board id
 * ('brainflow:-3', see brainflow-driver.ts), which says nothing to a person: it is named as the
 * Devices view's board list names it ('Playback file · BrainFlow', 'OpenBCI Cyton · BrainFlow').
 */
export function deviceModelText(status: Pick<DeviceStatus, 'model' | 'transport'>): string {
  const board = /^brainflow:(-?\d+)$/.exec(status.model);
  if (board) return `${brainflowBoardName(Number(board[1]))} · BrainFlow`;
  return `${status.model} · ${status.transport}`;
}
