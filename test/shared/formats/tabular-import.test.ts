import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countGrid, decimalGrid } from '../../../src/shared/formats/tabular-import';

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

/** Deterministic pseudo-random numbers in [0, 1) (a linear congruential generator). */
function randoms(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/**
 * A column as our CSV export writes an EDF channel: float32s of counts × a step that is no
 * decimal + an offset (EEGMAT Subject00_1 Fp1's own), read back from their shortest texts; an
 * EEG-like walk of counts, and two clipped outliers at the digital range's ends.
 */
function edfColumn(n: number, res: number, off: number): { values: Float64Array; counts: Int32Array } {
  const rnd = randoms(3);
  const counts = new Int32Array(n);
  let k = -4448;
  for (let i = 0; i < n; i++) {
    k = Math.max(-20000, Math.min(20000, k + Math.round((rnd() - 0.5) * 400)));
    counts[i] = k;
  }
  counts[10] = -32768;
  counts[n - 10] = 32767;
  const values = Float64Array.from(counts, (c) => {
    const f = Math.fround(c * res + off);
    for (let p = 6; p <= 9; p++) if (Math.fround(Number(f.toPrecision(p))) === f) return Number(f.toPrecision(p));
    return f;
  });
  return { values, counts };
}

test('countGrid: the step that is no decimal of float32 counts written as their shortest texts (an EDF channel exported to CSV)', () => {
  const [res, off] = [0.001594970321202411, 7.094187485160603];
  const { values, counts } = edfColumn(20000, res, off);
  // decimalGrid finds only a step 100 times finer than the counts, or none
  const decimal = decimalGrid(values, 0, 1, values.length);
  assert.ok(decimal === null || decimal.resolution < res / 50, `decimalGrid gave ${JSON.stringify(decimal)}`);
  const g = countGrid(values, 0, 1, values.length);
  assert.ok(g !== null, 'a grid');
  assert.ok(Math.abs(g.resolution / res - 1) < 1e-9, `step ${g.resolution}, was ${res}`);
  // every value comes back bit for bit as float32 from its count, as the database checks; the
  // counts are the original's, shifted so that count 0 lies nearest 0
  const shift = Math.round(off / res);
  let inexact = 0;
  values.forEach((v, i) => {
    const c = Math.round((v - g.offset) / g.resolution);
    assert.equal(c, counts[i] + shift, `value ${i}: count`);
    if (Math.fround(c * g.resolution + g.offset) !== Math.fround(v)) inexact++;
  });
  assert.ok(inexact <= values.length / 256, `${inexact} values off their float32s`);
  assert.ok(Math.abs(g.offset) <= g.resolution / 2, `offset ${g.offset}`);
});

test('countGrid: none where the values are not float32s of one coarse step', () => {
  const [res, off] = [0.001594970321202411, 7.094187485160603];
  const { values } = edfColumn(20000, res, off);
  // an older export's 5 decimals: the values lie up to 5e-6 off their grid points; kept as written
  const fixed = values.map((v) => Number(v.toFixed(5)));
  assert.equal(countGrid(fixed, 0, 1, fixed.length), null, '5 decimals');
  // float data (a filtered signal): no step
  const rnd = randoms(9);
  const floats = Float64Array.from({ length: 20000 }, () => Math.fround((rnd() - 0.5) * 100));
  assert.equal(countGrid(floats, 0, 1, floats.length), null, 'floats');
  // too few distinct values to show one
  assert.equal(countGrid(values, 0, 1, 40), null, '40 values');
  // none as coarse as asked for (twice a decimal step the column also lies on)
  assert.equal(countGrid(values, 0, 1, values.length, 2 * 0.00159), null, 'coarser than 0.00318');
  assert.ok(countGrid(values, 0, 1, values.length, 0.00159) !== null, 'coarser than 0.00159');
  assert.equal(countGrid(Float64Array.from([NaN, NaN]), 0, 1, 2), null, 'no number');
  // a step no coarser than float32's own at the largest value: any column would fit it
  const fine = Float64Array.from({ length: 1000 }, (_, i) => 1e6 + i * 0.0625);
  assert.equal(countGrid(fine, 0, 1, fine.length), null, 'float32 steps');
});

test('countGrid reads one column of row-major values and skips missing ones', () => {
  const { values } = edfColumn(5000, 0.0131223468375677, -0.2);
  const rows = new Float64Array(values.length * 2);
  values.forEach((v, i) => {
    rows[2 * i] = i % 97 === 0 ? NaN : v;
    rows[2 * i + 1] = i;
  });
  const g = countGrid(rows, 0, 2, values.length);
  assert.ok(g !== null && Math.abs(g.resolution / 0.0131223468375677 - 1) < 1e-9, `grid ${JSON.stringify(g)}`);
});
