import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentedTabStop, segmentedTarget } from '../../../src/renderer/src/shell/segmented-keys';

describe('segmentedTarget', () => {
  const all = [true, true, true, true];
  test('Right and Down move on, Left and Up back, wrapping at both ends', () => {
    assert.equal(segmentedTarget('ArrowRight', 1, all), 2, 'Right');
    assert.equal(segmentedTarget('ArrowDown', 1, all), 2, 'Down');
    assert.equal(segmentedTarget('ArrowLeft', 1, all), 0, 'Left');
    assert.equal(segmentedTarget('ArrowUp', 1, all), 0, 'Up');
    assert.equal(segmentedTarget('ArrowRight', 3, all), 0, 'Right from the last wraps to the first');
    assert.equal(segmentedTarget('ArrowLeft', 0, all), 3, 'Left from the first wraps to the last');
  });

  test('Home and End go to the first and last enabled option', () => {
    assert.equal(segmentedTarget('Home', 2, all), 0, 'Home');
    assert.equal(segmentedTarget('End', 1, all), 3, 'End');
    assert.equal(segmentedTarget('Home', 2, [false, true, true, false]), 1, 'Home skips a disabled first');
    assert.equal(segmentedTarget('End', 1, [false, true, true, false]), 2, 'End skips a disabled last');
  });

  test('disabled options are skipped, wrapping included', () => {
    const webgpuOff = [true, false, true];
    assert.equal(segmentedTarget('ArrowRight', 0, webgpuOff), 2, 'Auto → WASM over a disabled WebGPU');
    assert.equal(segmentedTarget('ArrowLeft', 2, webgpuOff), 0, 'WASM → Auto');
    assert.equal(segmentedTarget('ArrowRight', 2, webgpuOff), 0, 'WASM wraps to Auto');
    assert.equal(segmentedTarget('ArrowRight', 0, [true, false, false]), 0, 'the only enabled option stays');
  });

  test('other keys, and a group with nothing enabled, are not handled', () => {
    assert.equal(segmentedTarget('Enter', 0, all), null, 'Enter');
    assert.equal(segmentedTarget(' ', 0, all), null, 'Space (the button clicks itself)');
    assert.equal(segmentedTarget('[', 0, all), null, 'a shortcut key');
    assert.equal(segmentedTarget('ArrowRight', 0, [false, false]), null, 'all disabled');
  });
});

describe('segmentedTabStop', () => {
  test('the checked option, else the first enabled one', () => {
    assert.equal(segmentedTabStop(2, [true, true, true]), 2, 'checked');
    assert.equal(segmentedTabStop(-1, [true, true, true]), 0, 'none checked');
    assert.equal(segmentedTabStop(1, [false, false, true]), 2, 'checked but disabled');
    assert.equal(segmentedTabStop(1, [false, false]), 0, 'all disabled');
  });
});
