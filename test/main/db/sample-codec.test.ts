import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSampleBlock, decodeSampleBlockTimes, encodeSampleBlock, peekSampleBlock, SampleCodecError, type StoredChunk } from '../../../src/main/db/sample-codec';
import { mulberry32 } from '../../../src/shared/seeded-random';


/** Chunks of a quantised EEG-like signal (random walk + sine) at `res` µV per count. */
function eegChunks(n: number, channels: number, perChunk: number, res: number, seed = 1): StoredChunk[] {
  const r = mulberry32(seed);
  const chunks: StoredChunk[] = [];
  const level = new Float64Array(channels);
  let t = 0;
  for (let k = 0; k < n; k++) {
    const data = new Float32Array(channels * perChunk);
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < perChunk; i++) {
        level[c] += (r() - 0.5) * 4;
        const uv = 20 * Math.sin(2 * Math.PI * 10 * (t + i) / 256 + c) + level[c];
        data[c * perChunk + i] = res > 0 ? Math.round(uv / res) * res : uv;
      }
    }
    chunks.push({ seq: k * 3 + 7, deviceTime: 1000 + t / 256, hostTime: 1.7e9 + 0.123456789 + t / 256 + r() * 1e-3, count: perChunk, data });
    t += perChunk;
  }
  return chunks;
}

function assertSameChunks(actual: StoredChunk[], expected: StoredChunk[]): void {
  assert.equal(actual.length, expected.length);
  for (let k = 0; k < expected.length; k++) {
    assert.equal(actual[k].seq, expected[k].seq, `chunk ${k} seq`);
    assert.equal(actual[k].count, expected[k].count, `chunk ${k} count`);
    assert.ok(Object.is(actual[k].deviceTime, expected[k].deviceTime), `deviceTime ${actual[k].deviceTime} vs ${expected[k].deviceTime}`);
    assert.ok(Object.is(actual[k].hostTime, expected[k].hostTime), `hostTime ${actual[k].hostTime} vs ${expected[k].hostTime}`);
    // Bit for bit: compare the raw bytes, so -0 and NaN payloads count too.
    assert.deepEqual(new Uint8Array(actual[k].data.buffer, actual[k].data.byteOffset, actual[k].data.byteLength), new Uint8Array(expected[k].data.buffer), `chunk ${k} data, byte for byte`);
  }
}

describe('encodeSampleBlock / decodeSampleBlock', () => {
  test('round-trips quantised EEG exactly and stores it in under 2 bytes per sample', () => {
    const res = 0.48828125; // Muse
    const chunks = eegChunks(20, 4, 12, res);
    const blob = encodeSampleBlock(chunks, [res, res, res, res]);
    assertSameChunks(decodeSampleBlock(blob, [res, res, res, res]), chunks);
    const samples = 20 * 4 * 12;
    assert.ok(blob.length / samples < 2, `${(blob.length / samples).toFixed(2)} bytes/sample`);
  });

  test('round-trips a resolution that is not a power of two (Cyton, 0.0223517 µV)', () => {
    const res = 4.5 / 24 / (2 ** 23 - 1) * 1e6;
    const chunks = eegChunks(10, 8, 25, res, 2);
    const blob = encodeSampleBlock(chunks, new Array(8).fill(res));
    assertSameChunks(decodeSampleBlock(blob, new Array(8).fill(res)), chunks);
    assert.ok(blob.length / (10 * 8 * 25) < 3.2, `${(blob.length / 2000).toFixed(2)} bytes/sample`);
  });

  test('an offset grid (EDF physical = digital × gain + offset) is stored as integers, exactly', () => {
    // EDF: physical -200 … 200 µV over digital -32768 … 32767 (gain 400/65535, offset ≈ 0.00305 µV).
    const gain = (200 - -200) / (32767 - -32768);
    const off = -200 - -32768 * gain;
    assert.ok(off !== 0, 'the EDF grid has a nonzero offset');
    const chunk: StoredChunk = { seq: 0, deviceTime: 0, hostTime: 0, count: 500, data: new Float32Array(500) };
    const r = mulberry32(11);
    let d = 0;
    for (let i = 0; i < 500; i++) {
      d = Math.max(-32768, Math.min(32767, d + Math.round((r() - 0.5) * 60)));
      chunk.data[i] = d * gain + off;
    }
    const blob = encodeSampleBlock([chunk], [gain], [off]);
    assertSameChunks(decodeSampleBlock(blob, [gain], [off]), [chunk]);
    assert.ok(blob.length < 500 * 2, `${blob.length} bytes for 500 samples`);
    // Without the offset the values are off the grid and cost float32.
    assert.ok(encodeSampleBlock([chunk], [gain]).length > 500 * 4, 'without the offset, 500 samples cost more than float32 (4 bytes each)');
  });

  test('float channels (resolution 0) are stored as exact float32', () => {
    const chunks = eegChunks(5, 2, 10, 0, 3);
    const blob = encodeSampleBlock(chunks, [0, 0]);
    assertSameChunks(decodeSampleBlock(blob, [0, 0]), chunks);
  });

  test('off-grid samples, -0, NaN and huge values survive as exceptions or float32', () => {
    const res = 0.5;
    const chunks = eegChunks(4, 3, 64, res, 4);
    chunks[0].data[3] = -0;
    chunks[1].data[64 + 5] = 0.123; // off the 0.5 grid
    chunks[2].data[128 + 7] = NaN;
    chunks[3].data[9] = 3e38;
    const blob = encodeSampleBlock(chunks, [res, res, res]);
    assertSameChunks(decodeSampleBlock(blob, [res, res, res]), chunks);
    // A channel that is entirely off-grid falls back to float32 without loss.
    const noisy = eegChunks(2, 1, 50, 0, 5);
    assertSameChunks(decodeSampleBlock(encodeSampleBlock(noisy, [0.5]), [0.5]), noisy);
  });

  test('mixed channel modes in one block, random shapes', () => {
    const r = mulberry32(42);
    for (let trial = 0; trial < 200; trial++) {
      const channels = 1 + Math.floor(r() * 6);
      const res = Array.from({ length: channels }, () => (r() < 0.3 ? 0 : [0.48828125, 0.1, 1, 1e-3][Math.floor(r() * 4)]));
      const chunks: StoredChunk[] = [];
      let seq = Math.floor(r() * 1e6);
      for (let k = 0; k < 1 + Math.floor(r() * 5); k++) {
        const count = Math.floor(r() * 40);
        const data = new Float32Array(count * channels);
        for (let c = 0; c < channels; c++) {
          for (let i = 0; i < count; i++) {
            const v = (r() - 0.5) * 10 ** Math.floor(r() * 6);
            data[c * count + i] = res[c] > 0 && r() < 0.97 ? Math.round(v / res[c]) * res[c] : v;
          }
        }
        seq += Math.floor(r() * 4);
        chunks.push({ seq, count, data, deviceTime: r() * 1e5, hostTime: 1.7e9 + r() });
      }
      assertSameChunks(decodeSampleBlock(encodeSampleBlock(chunks, res), res), chunks);
    }
  });

  test('peek reads the header only', () => {
    const chunks = eegChunks(3, 2, 5, 1);
    assert.deepEqual(peekSampleBlock(encodeSampleBlock(chunks, [1, 1])), { firstSeq: 7, chunkCount: 3, channelCount: 2 });
  });

  test('the chunks\' times alone (no sample decoded), exactly as decodeSampleBlock gives them', () => {
    const chunks = eegChunks(9, 3, 7, 0.5);
    const blob = encodeSampleBlock(chunks, [0.5, 0.5, 0.5]);
    const times = decodeSampleBlockTimes(blob);
    assert.deepEqual(times, chunks.map(({ seq, count, deviceTime, hostTime }) => ({ seq, count, deviceTime, hostTime })), 'seq, count and both times of every chunk');
    assert.throws(() => decodeSampleBlockTimes(blob.subarray(0, 12)), SampleCodecError, 'a block cut inside its chunk headers');
  });

  test('damaged blocks raise SampleCodecError, never garbage or a hang', () => {
    const res = [0.48828125, 0.48828125];
    const blob = encodeSampleBlock(eegChunks(6, 2, 16, res[0]), res);
    assert.throws(() => decodeSampleBlock(blob.subarray(0, blob.length - 3), res), SampleCodecError);
    assert.throws(() => decodeSampleBlock(blob, [1]), /2 channels/);
    const wrongVersion = blob.slice();
    wrongVersion[0] = 99;
    assert.throws(() => decodeSampleBlock(wrongVersion, res), /version 99/);
    const r = mulberry32(9);
    for (let i = 0; i < 2000; i++) {
      const m = blob.slice(0, Math.floor(r() * blob.length));
      for (let j = 0; j < 3; j++) m[Math.floor(r() * m.length)] = Math.floor(r() * 256);
      try {
        decodeSampleBlock(m, res);
      } catch (err) {
        assert.ok(err instanceof SampleCodecError, String(err));
      }
    }
  });

  test('rejects chunks whose size does not match the channel count', () => {
    assert.throws(() => encodeSampleBlock([{ seq: 0, count: 3, deviceTime: 0, hostTime: 0, data: new Float32Array(5) }], [1, 1]), SampleCodecError);
  });
});
