// Resampler accuracy: sines in, sines out (amplitude and phase), aliases suppressed, DC exact,
// segment edges handled, chunking irrelevant.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { designResampleKernel, Resampler } from '../../../src/shared/dsp/resampler';

const OUT = 200;

/** Resamples sin(2πft + φ) given at rate `inRate` onto positions u_k = k·step + u0; returns max error. */
function sineError(inRate: number, f: number, opts: { drift?: number; seconds?: number; chunk?: number } = {}) {
  const { drift = 0, seconds = 4, chunk = 37 } = opts;
  const kernel = designResampleKernel(inRate, OUT);
  const rs = new Resampler(1, kernel, 256);
  const n = Math.round(seconds * inRate);
  const x = new Float64Array(n);
  const phi = 0.7;
  for (let i = 0; i < n; i++) x[i] = Math.sin((2 * Math.PI * f * i) / inRate + phi);
  const step = (inRate / OUT) * (1 + drift);
  const u0 = 0.3137;
  const out = new Float64Array(1);
  let k = 0;
  let maxErr = 0;
  let produced = 0;
  for (let at = 0; at < n; at += chunk) {
    const c = Math.min(chunk, n - at);
    const keep = Math.floor(u0 + k * step) - kernel.halfWidth + 1;
    rs.append(x, c, 0, at, keep);
    for (;;) {
      const u = u0 + k * step;
      if (u > rs.readyUpTo) break;
      rs.evaluate(u, out, 0, 1);
      // Skip the first and last half-kernels: they see the segment edge.
      if (u >= kernel.halfWidth) {
        const expect = Math.sin((2 * Math.PI * f * u) / inRate + phi);
        maxErr = Math.max(maxErr, Math.abs(out[0] - expect));
        produced++;
      }
      k++;
    }
  }
  return { maxErr, produced, kernel };
}

describe('Resampler: sine in, sine out', () => {
  const rates = [128, 130, 160, 250, 256, 360, 500, 1000, 200];
  for (const r of rates) {
    for (const f of [1, 10, 30]) {
      test(`${r} Hz → 200 Hz, ${f} Hz tone within 0.1 %`, () => {
        const { maxErr, produced } = sineError(r, f, { drift: 37e-6 });
        assert.ok(produced > 500, `produced ${produced}`);
        assert.ok(maxErr < 1e-3, `max error ${maxErr}`);
      });
    }
  }
  test('a 60 Hz tone (inside the 75 Hz EEG band) passes from 1 kHz within 1 %', () => {
    const { maxErr } = sineError(1000, 60);
    assert.ok(maxErr < 0.01, `max error ${maxErr}`);
  });
  test('a 40 Hz tone (top of the ECG band) passes from 130 Hz (Polar H10) within 1 %', () => {
    const { maxErr } = sineError(130, 40);
    assert.ok(maxErr < 0.01, `max error ${maxErr}`);
  });
});

describe('Resampler: anti-aliasing', () => {
  for (const [r, f] of [
    [1000, 130],
    [1000, 170],
    [500, 150],
    [256, 126],
  ]) {
    // Tones that would fold into the 0–85 Hz band; 100–115 Hz inputs fold to 85–100 Hz (transition
    // band), above the 75 Hz EEG low-pass.
    test(`${f} Hz in ${r} Hz input (would alias to ${200 - f} Hz) is suppressed below −60 dB`, () => {
      const kernel = designResampleKernel(r, OUT);
      const rs = new Resampler(1, kernel);
      const n = 4 * r;
      const x = Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * f * i) / r));
      rs.append(x, n, 0, 0, 0);
      const out = new Float64Array(1);
      let peak = 0;
      for (let k = 0; ; k++) {
        const u = kernel.halfWidth + (k * r) / OUT;
        if (u > rs.readyUpTo) break;
        rs.evaluate(u, out, 0, 1);
        peak = Math.max(peak, Math.abs(out[0]));
      }
      assert.ok(peak < 1e-3, `alias amplitude ${peak}`);
    });
  }
});

describe('Resampler: edges and bookkeeping', () => {
  test('DC is exact everywhere, including the segment edges', () => {
    const kernel = designResampleKernel(130, OUT);
    const rs = new Resampler(2, kernel);
    const data = new Float64Array(2 * 50);
    data.fill(-1234.5, 0, 50);
    data.fill(77, 50, 100);
    rs.append(data, 50, 50, 0, 0);
    const out = new Float64Array(2);
    for (const u of [0, 0.5, 10.25, 49, 49.9]) {
      rs.evaluate(u, out, 0, 1);
      assert.ok(Math.abs(out[0] + 1234.5) < 1e-9 && Math.abs(out[1] - 77) < 1e-9, `u=${u}: ${out}`);
    }
  });

  test('chunking and buffer compaction do not change a single bit', () => {
    const kernel = designResampleKernel(500, OUT);
    const n = 5000;
    const x = Float64Array.from({ length: 3 * n }, (_, i) => Math.sin(i * 0.0371) * 100 + (i % 13));
    const run = (chunk: number, cap: number) => {
      const rs = new Resampler(3, kernel, cap);
      const out: number[] = [];
      const o = new Float64Array(3);
      let k = 0;
      const step = 2.5 * (1 - 21e-6);
      for (let at = 0; at < n; at += chunk) {
        const c = Math.min(chunk, n - at);
        rs.append(x, c, n, at, Math.floor(k * step) - kernel.halfWidth + 1);
        while (k * step <= rs.readyUpTo) {
          rs.evaluate(k * step, o, 0, 1);
          out.push(o[0], o[1], o[2]);
          k++;
        }
      }
      return out;
    };
    const a = run(5000, 8192);
    const b = run(25, 64);
    const c = run(7, 300);
    assert.deepEqual(b, a);
    assert.deepEqual(c, a);
  });

  test('reset() starts a new segment that never reads the old one', () => {
    const kernel = designResampleKernel(250, OUT);
    const rs = new Resampler(1, kernel);
    rs.append(new Float64Array(100).fill(1000), 100, 0, 0, 0);
    rs.reset();
    assert.equal(rs.count, 0);
    rs.append(new Float64Array(100).fill(-5), 100, 0, 0, 0);
    const out = new Float64Array(1);
    rs.evaluate(0, out, 0, 1);
    assert.ok(Math.abs(out[0] + 5) < 1e-9, `expected: Math.abs(out[0] + 5) < 1e-9`);
  });
});
