import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { modalityCellText } from '../../../../src/renderer/src/views/dashboard/dashboard-text';
import { ABSENT_REASON_TEXT } from '../../../../src/shared/model/window-input';
import type { AbsentReason } from '../../../../src/shared/window.types';

describe('live dashboard text', () => {
  test('windows table: an absent modality says why in words, not as a code', () => {
    const absent = (absentReason?: AbsentReason) => ({ present: false, absentReason, channels: 0, quality: NaN, badChannels: [] });
    assert.equal(modalityCellText(absent('no-device')), '✕ no device connected');
    assert.equal(modalityCellText(absent('gap')), '✕ a gap in its stream');
    for (const reason of Object.keys(ABSENT_REASON_TEXT) as AbsentReason[]) {
      assert.equal(modalityCellText(absent(reason)), `✕ ${ABSENT_REASON_TEXT[reason]}`, `${reason} is said in words`);
    }
    assert.equal(modalityCellText(absent()), '✕ absent');
    assert.equal(modalityCellText({ present: true, channels: 4, quality: 0.934, badChannels: [] }), '✓ 4 ch · q 93%');
  });
});
