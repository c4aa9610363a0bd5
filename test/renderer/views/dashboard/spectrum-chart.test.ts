// The spectrum's y axis: a fixed dynamic range below its peak, not down to its deepest bin.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SPECTRUM_DECADES, spectrumFloor } from '../../../../src/renderer/src/views/dashboard/charts/spectrum-chart';

describe('spectrumFloor', () => {
  test('whole decades, SPECTRUM_DECADES below the peak, whatever a notch or a low-pass leaves far below', () => {
    assert.equal(SPECTRUM_DECADES, 6);
    // EEGMAT Subject00_1's mean spectrum: peak ~20 µV²/Hz at 10 Hz, 1e-8 in its 50-Hz notch.
    assert.equal(spectrumFloor([9.5, 20.3, 0.3, 1e-8, 1e-3]), 1e-5);
    assert.equal(spectrumFloor([0.5]), 1e-7);
    assert.equal(spectrumFloor([1000]), 1e-3);
  });

  test('nothing to scale by (no bins, all zero or not finite): undefined, chart.js ranges by itself', () => {
    assert.equal(spectrumFloor([]), undefined);
    assert.equal(spectrumFloor([0, 0]), undefined);
    assert.equal(spectrumFloor([NaN, Infinity]), undefined);
  });
});
