// Device time stays continuous across reconnects: counters restart, absolute clocks continue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceTimeline } from '../../../src/shared/devices/device-timeline';

test('a counter clock that restarts at 0 is placed after the hole, never backwards', () => {
  const t = new DeviceTimeline('counter');
  assert.equal(t.map(0, 100.1, 0.1), 0);
  assert.equal(t.map(0.1, 100.2, 0.1), 0.1);
  t.newSession();
  // Reconnected 5 s of host time later; the counter starts again at 0.
  const first = t.map(0, 105.2 + 0.1, 0.1);
  assert.ok(Math.abs(first - (0.2 + 5)) < 1e-9, `first ${first}`);
  assert.ok(Math.abs(t.map(0.1, 105.4, 0.1) - 5.3) < 1e-9, `maps to ${t.map(0.1, 105.4, 0.1)}, expected 5.3`);
});

test('an absolute clock that kept running is left alone', () => {
  const t = new DeviceTimeline('absolute');
  t.map(1000, 50, 1);
  t.newSession();
  assert.equal(t.map(1010, 60, 1), 1010);
});

test('an absolute clock that was reset is moved after the last sample', () => {
  const t = new DeviceTimeline('absolute');
  t.map(1000, 50, 1);
  t.newSession();
  const v = t.map(3, 55, 1);
  assert.ok(v >= 1001, `${v}`);
});
