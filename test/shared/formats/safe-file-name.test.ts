import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeFileName } from '../../../src/shared/formats/safe-file-name';

test('safeFileName keeps letters (any script), digits, . _ -; the rest become one _', () => {
  assert.equal(safeFileName('Session 2025-04-05 10:30'), 'Session_2025-04-05_10_30');
  assert.equal(safeFileName('Sitzung Über/Ärger: 1'), 'Sitzung_Über_Ärger_1');
  assert.equal(safeFileName('U\u0308ber'), 'Über', 'NFC: a decomposed Ü is one letter');
  assert.equal(safeFileName('../.hidden name_'), 'hidden_name', 'no leading dots (no hidden file, no ..), no trailing _');
  assert.equal(safeFileName('a'.repeat(300)).length, 100);
  assert.equal(safeFileName('///'), '');
});
