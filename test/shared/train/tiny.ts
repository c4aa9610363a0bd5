// Tiny encoders and synthetic signals for training-loop tests: the CBraMod wiring at a size that
// trains in milliseconds (d_model 40, one layer). The architecture itself is tested in
// test/shared/model; these tests exercise the loops, schedules, checkpoints and determinism.
import { QUICK_ENCODER } from '../../../src/shared/train/recipes';
import type { EncoderConfig } from '../../../src/shared/model/model.types';
import type { SignalItem } from '../../../src/shared/train/batches';
import { mulberry32 } from '../../fixtures/seeded-random';

/** The app's wiring-size encoder (the Training view's quick try). */
export const TINY_ENCODER: EncoderConfig = QUICK_ENCODER;

/** Blocks of `channels` × `seconds` at 200 Hz in µV: sines of random frequency (in freqHz) and phase plus noise. */
export function sineItems(n: number, channels: number, seconds: number, seed: number, amplitudeUv = 50, freqHz: [number, number] = [2, 22]): SignalItem[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const L = seconds * 200;
    const data = new Float32Array(channels * L);
    for (let c = 0; c < channels; c++) {
      const f = freqHz[0] + r() * (freqHz[1] - freqHz[0]);
      const ph = r() * 6.28;
      for (let i = 0; i < L; i++) data[c * L + i] = amplitudeUv * Math.sin((2 * Math.PI * f * i) / 200 + ph) + 5 * (r() - 0.5);
    }
    return { data, channels };
  });
}
