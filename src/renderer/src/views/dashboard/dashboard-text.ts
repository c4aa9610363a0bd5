// The live dashboard's words, pure so they are tested under plain Node (test/renderer/views/dashboard/).
import { absentReasonText } from '../../../../shared/model/window-input';
import type { ModalitySummary } from '../../live/live-store';

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
