import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decimalGrid } from '../../../src/shared/formats/tabular-import';

const grid = (xs: number[]) => decimalGrid(Float64Array.from(xs), 0, 1, xs.length);

test('decimalGrid: the step a text column was written to, as resolution and offset', () => {
  assert.deepEqual(grid([61379.36, 60973.47, -16597.06, 0.04]), { resolution: 0.01, offset: 0 }); // OpenBCI GUI's two decimals
  assert.deepEqual(grid([-145, -65, 5, 0, 1200]), { resolution: 5, offset: 0 }); // MIT-BIH in µV: 5 µV a count
  assert.deepEqual(grid([2.5, 0.5, -3.5, 7.5]), { resolution: 1, offset: 0.5 }); // counts × 1 + 0.5
  assert.deepEqual(grid([0.04, 0.042, NaN, 0.238, Infinity]), { resolution: 0.002, offset: 0 }); // missing values skipped
  assert.deepEqual(grid([7, 7, 7]), { resolution: 1, offset: 0 }); // one value throughout
  assert.deepEqual(grid([-3.64794, -4.23649, 1.291543]), { resolution: 1e-6, offset: 0 });
  // more decimals than a writer chooses (float noise, 1/3), counts past the database's integer encoding, no number at all
  assert.equal(grid([0.1, 1 / 3]), null);
  assert.equal(grid([0.333333343]), null);
  assert.equal(grid([0, 1, 1e9 + 0.5]), null);
  assert.equal(grid([NaN, NaN]), null);
  assert.equal(grid([]), null);
});

test('decimalGrid reads one column of row-major values (start, stride, count)', () => {
  const rows = Float64Array.from([1, 0.25, 100, 2, 0.5, 200, 3, 0.75, 300]);
  assert.deepEqual(decimalGrid(rows, 1, 3, 3), { resolution: 0.25, offset: 0 });
  assert.deepEqual(decimalGrid(rows, 2, 3, 3), { resolution: 100, offset: 0 });
  assert.deepEqual(decimalGrid(rows, 2, 3, 2), { resolution: 100, offset: 0 });
});
