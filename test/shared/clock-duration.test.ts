import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockDuration } from '../../src/shared/clock-duration';

test('a span reads m:ss under an hour and h:mm:ss from an hour on', () => {
  assert.equal(clockDuration(0), '0:00', 'nothing');
  assert.equal(clockDuration(65.4), '1:05', 'rounded to the second');
  assert.equal(clockDuration(3599.4), '59:59', 'just under an hour');
  assert.equal(clockDuration(3599.6), '1:00:00', 'rounds up to the hour');
  assert.equal(clockDuration(2 * 3600 + 5 * 60 + 7), '2:05:07', 'a two-hour recording');
});
