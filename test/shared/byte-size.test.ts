import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes } from '../../src/shared/byte-size';

test('formatBytes: decimal units, three figures, rounded before the unit is chosen', () => {
  assert.equal(formatBytes(0), '0 B', 'nothing');
  assert.equal(formatBytes(226), '226 B', 'a small session (the CLI said 0.0 MB)');
  assert.equal(formatBytes(1000), '1.0 kB', 'a kilobyte');
  assert.equal(formatBytes(43_776), '43.8 kB', 'one decimal under 100');
  assert.equal(formatBytes(999_499), '999 kB', 'no decimal from 100 on');
  assert.equal(formatBytes(999_700), '1.0 MB', 'rounds up into the next unit, not "1000 kB"');
  assert.equal(formatBytes(226e9), '226 GB', 'a big library');
  assert.equal(formatBytes(3e15), '3000 TB', 'TB is the last unit');
  assert.equal(formatBytes(NaN), '–', 'no number');
});
