// Counter-based random numbers for parameter initialisation: Threefry-2x32 with 20 rounds (Salmon et
// al., SC'11; the generator JAX uses). Only 32-bit integer adds, rotations and xors are involved, so
// a (seed, stream, index) triple gives the same bits on every machine and engine, and uniform floats
// are built from those bits exactly (no Math.log/Math.cos, whose last bit may vary by platform).

const ROT = [13, 15, 26, 6, 17, 29, 16, 24];
const PARITY = 0x1bd11bda;

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

/** Threefry-2x32-20 of counter (c0, c1) under key (k0, k1); returns two uint32 words. */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number): [number, number] {
  k0 >>>= 0;
  k1 >>>= 0;
  const ks = [k0, k1, (k0 ^ k1 ^ PARITY) >>> 0];
  let x0 = ((c0 >>> 0) + ks[0]) >>> 0;
  let x1 = ((c1 >>> 0) + ks[1]) >>> 0;
  for (let block = 0; block < 5; block++) {
    for (let i = 0; i < 4; i++) {
      const r = ROT[(block % 2) * 4 + i];
      x0 = (x0 + x1) >>> 0;
      x1 = rotl(x1, r) ^ x0;
    }
    const s = block + 1;
    x0 = (x0 + ks[s % 3]) >>> 0;
    x1 = (x1 + ks[(s + 1) % 3] + s) >>> 0;
  }
  return [x0, x1];
}

/** FNV-1a hash of a string: turns a parameter name into a stream id. */
export function streamId(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Fills `out` with U(-bound, bound) float32 values for element indices 0..n-1 of stream `stream`
 * under `seed`. The uniform in [0, 1) takes the top 24 bits of the first word, which float32 holds
 * exactly; the scaling is done in float64 and rounded once.
 */
export function fillUniform(out: Float32Array, seed: number, stream: number, bound: number): void {
  for (let i = 0; i < out.length; i++) {
    const [w] = threefry2x32(seed >>> 0, stream, i, 0);
    const u = (w >>> 8) / 16777216; // [0, 1), 24 bits
    out[i] = (2 * u - 1) * bound;
  }
}
