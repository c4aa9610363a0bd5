// Cyton decoding: literal packets from the protocol document, the real OpenBCI GUI recording
// re-encoded as packets and decoded back, Daisy pairing, counter gaps, garbage and resync.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CytonFramer, CytonStreamDecoder, parseCytonPacket, parseCytonResetReply } from '../../../../src/shared/devices/cyton/cyton-parse';
import { cytonCountsFromUv, encodeCytonPacket } from '../../../../src/shared/devices/cyton/cyton-encode';
import { cytonUvPerCount, CYTON_PACKET_BYTES, type CytonRun } from '../../../../src/shared/devices/cyton/cyton.types';
import { DeviceError } from '../../../../src/shared/devices/device-error';
import { hex } from '../../../fixtures/device-frames';
import { NEED_GUI, readGuiExg } from '../../../fixtures/cyton/openbci-gui';
import { mulberry32 } from '../../../../src/shared/seeded-random';

const fx = JSON.parse(readFileSync(resolve('test/fixtures/cyton/packets.json'), 'utf8'));
const S = cytonUvPerCount(24);
const scales8 = new Array(8).fill(S);
const scales16 = new Array(16).fill(S);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Feeds `bytes` in random-sized pieces (as a serial port delivers them) and joins the runs. */
function decodeInPieces(dec: CytonStreamDecoder, bytes: Uint8Array, seed = 1): CytonRun[] {
  const rnd = mulberry32(seed);
  const runs: CytonRun[] = [];
  for (let o = 0; o < bytes.length; ) {
    const n = 1 + Math.floor(rnd() * 100);
    runs.push(...dec.push(bytes.subarray(o, o + n)));
    o += n;
  }
  return runs;
}

/** Channel c of all runs, in order. */
function channel(runs: CytonRun[], c: number): number[] {
  return runs.flatMap((r) => Array.from(r.data.subarray(c * r.count, (c + 1) * r.count)));
}

describe('literal packets (DEVICES.md §3)', () => {
  test('µV per count at gain 24 is 4.5/24/(2^23−1)·1e6 ≈ 0.02235', () => {
    assert.ok(Math.abs(S - fx.uvPerCountGain24) < 1e-15, `scale ${S} µV/count, expected the fixture's ${fx.uvPerCountGain24}`);
    assert.ok(Math.abs(S - 0.02235) < 1e-5, `scale ${S} µV/count, expected 0.02235`);
  });
  for (const p of fx.packets) {
    test(p.name, () => {
      const r = parseCytonPacket(hex(p.hex));
      assert.equal(r.sampleNumber, p.sampleNumber);
      assert.equal(r.footer, p.footer);
      assert.deepEqual(Array.from(r.counts), p.counts);
      if (p.accelCounts) assert.deepEqual(r.accelCounts, p.accelCounts);
      if (p.boardTimeMs) assert.equal(r.boardTimeMs, p.boardTimeMs);
      if (p.aux) assert.deepEqual(Array.from(r.aux), p.aux);
      // The encoder writes the same bytes back.
      assert.deepEqual(encodeCytonPacket(p.sampleNumber, p.counts, { footer: p.footer, accelCounts: p.accelCounts, boardTimeMs: p.boardTimeMs }).subarray(0, 26), hex(p.hex).subarray(0, 26));
    });
  }
  test('a wrong footer, a wrong length or a missing start byte are DeviceErrors', () => {
    const b = hex(fx.packets[0].hex);
    const wrong = b.slice();
    wrong[32] = 0xc7;
    assert.throws(() => parseCytonPacket(wrong), /wrong footer 0xC7/);
    assert.throws(() => parseCytonPacket(b.subarray(0, 32)), DeviceError);
    const nostart = b.slice();
    nostart[0] = 0xa1;
    assert.throws(() => parseCytonPacket(nostart), /A0/);
  });
  test('reset replies: 8 ch, Daisy, board off', () => {
    assert.deepEqual(parseCytonResetReply(fx.resetReply8), { ready: true, daisy: false, firmware: 'v3.1.2' });
    assert.deepEqual(parseCytonResetReply(fx.resetReply16), { ready: true, daisy: true, firmware: 'v3.1.2' });
    const off = parseCytonResetReply(fx.resetReplyBoardOff);
    assert.match(off.failure ?? '', /^Failure: Communications timeout/);
    assert.equal(parseCytonResetReply('OpenBCI V3 8-16 channel\nOn Board').ready, false);
  });
});

describe('the real OpenBCI GUI recording re-encoded as Cyton packets', { skip: NEED_GUI }, () => {
  const gui = NEED_GUI ? null : readGuiExg();
  const encode = () => {
    const counts = new Int32Array(8);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < gui!.rows; i++) {
      for (let c = 0; c < 8; c++) counts[c] = cytonCountsFromUv([gui!.uv[c][i]])[0];
      parts.push(encodeCytonPacket(gui!.sampleIndex[i], counts));
    }
    return concat(parts);
  };
  test('22 490 packets decode back to the recorded µV (within half a count)', () => {
    const bytes = encode();
    assert.equal(bytes.length, gui!.rows * CYTON_PACKET_BYTES);
    const dec = new CytonStreamDecoder({ daisy: false, uvPerCount: scales8 });
    const runs = decodeInPieces(dec, bytes);
    assert.equal(runs.reduce((n, r) => n + r.count, 0), gui!.rows);
    assert.ok(runs.every((r) => r.missingBefore === 0), 'no run misses samples before it');
    assert.equal(dec.stats.lostPackets, 0);
    assert.equal(dec.stats.skippedBytes, 0);
    let worst = 0;
    for (let c = 0; c < 8; c++) {
      const got = channel(runs, c);
      for (let i = 0; i < gui!.rows; i++) worst = Math.max(worst, Math.abs(got[i] - gui!.uv[c][i]));
    }
    // Half a count (0.0112 µV) plus float32 rounding at 65 mV.
    assert.ok(worst <= S / 2 + 0.005, `worst ${worst} µV`);
    assert.equal(runs[0].firstSample, 0);
  });
  test('packets lost on the radio: the counter splits the run and counts what is missing', () => {
    const all = encode();
    const lose = new Set([100, 101, 102, 5000]);
    const kept: Uint8Array[] = [];
    for (let i = 0; i < 6000; i++) if (!lose.has(i)) kept.push(all.subarray(i * 33, i * 33 + 33));
    const dec = new CytonStreamDecoder({ daisy: false, uvPerCount: scales8 });
    const runs = decodeInPieces(dec, concat(kept), 7);
    const gaps = runs.filter((r) => r.missingBefore > 0).map((r) => [r.firstSample, r.missingBefore]);
    assert.deepEqual(gaps, [[103, 3], [5001, 1]]);
    assert.equal(dec.stats.lostPackets, 4);
    // Every delivered sample sits at its own index: nothing shifted across the holes.
    for (const r of runs) for (let k = 0; k < r.count; k += 97) assert.ok(Math.abs(r.data[k] - gui!.uv[0][r.firstSample + k]) < 0.02, `sample ${k}: ${r.data[k]} µV vs the GUI's ${gui!.uv[0][r.firstSample + k]}`);
  });
  test('garbage, shifted bytes and wrong footers: resynchronised, no garbage samples', () => {
    const all = encode();
    const rnd = mulberry32(42);
    const parts: Uint8Array[] = [];
    const corruptedIdx = new Set<number>();
    for (let i = 0; i < 3000; i++) {
      const p = all.slice(i * 33, i * 33 + 33);
      const r = rnd();
      if (r < 0.02) parts.push(Uint8Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256))); // noise
      if (r > 0.98) {
        p[32] = 0x55; // wrong footer
        corruptedIdx.add(i);
      }
      if (r > 0.49 && r < 0.5) {
        parts.push(p.subarray(0, 1 + Math.floor(rnd() * 31))); // truncated packet
        corruptedIdx.add(i);
        continue;
      }
      parts.push(p);
    }
    const dec = new CytonStreamDecoder({ daisy: false, uvPerCount: scales8 });
    const runs = decodeInPieces(dec, concat(parts), 3);
    const delivered = runs.reduce((n, r) => n + r.count, 0);
    assert.ok(dec.stats.skippedBytes > 0, `skippedBytes ${dec.stats.skippedBytes}, expected > 0`);
    assert.ok(delivered >= 3000 - corruptedIdx.size * 2 - 60, `delivered ${delivered}`);
    // Each delivered sample equals the recording at its index: nothing invented, nothing shifted.
    for (const r of runs)
      for (let k = 0; k < r.count; k++)
        for (let c = 0; c < 8; c++) assert.ok(Math.abs(r.data[c * r.count + k] - gui!.uv[c][r.firstSample + k]) < 0.02, `run@${r.firstSample}+${k} ch${c}`);
  });
});

describe('Cyton + Daisy interleaving', () => {
  test('odd (board) + even (Daisy) packets make one 16-channel sample at half the packet rate', () => {
    const parts: Uint8Array[] = [];
    const n = 300; // 16-ch samples, crosses the 255 → 0 wrap
    for (let i = 0; i < n; i++) {
      const main = Array.from({ length: 8 }, (_, c) => i * 100 + c);
      const daisy = Array.from({ length: 8 }, (_, c) => -(i * 100 + c + 8));
      parts.push(encodeCytonPacket((2 * i + 1) & 0xff, main), encodeCytonPacket((2 * i + 2) & 0xff, daisy));
    }
    const dec = new CytonStreamDecoder({ daisy: true, uvPerCount: scales16 });
    const runs = decodeInPieces(dec, concat(parts));
    assert.equal(runs.reduce((k, r) => k + r.count, 0), n);
    assert.ok(runs.every((r) => r.missingBefore === 0), 'no run misses samples before it');
    for (let c = 0; c < 16; c++) {
      const got = channel(runs, c);
      for (let i = 0; i < n; i += 37) {
        const counts = c < 8 ? i * 100 + c : -(i * 100 + c);
        assert.ok(Math.abs(got[i] - Math.fround(counts * S)) < 1e-4, `sample ${i} ch ${c}`);
      }
    }
  });
  test('a Daisy half without its partner is dropped and the gap counted', () => {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 20; i++) {
      if (i !== 5) parts.push(encodeCytonPacket((2 * i + 1) & 0xff, new Array(8).fill(i)));
      parts.push(encodeCytonPacket((2 * i + 2) & 0xff, new Array(8).fill(-i)));
    }
    const dec = new CytonStreamDecoder({ daisy: true, uvPerCount: scales16 });
    const runs = decodeInPieces(dec, concat(parts));
    assert.equal(runs.reduce((k, r) => k + r.count, 0), 19);
    assert.equal(dec.stats.unpaired, 1);
    assert.deepEqual(runs.filter((r) => r.missingBefore).map((r) => [r.firstSample, r.missingBefore]), [[6, 1]]);
  });
});

describe('framer', () => {
  test('a stray A0 inside the data does not start a packet when the real start follows', () => {
    const counts = [0xa0a0a0, 0, 0, 0, 0, 0, 0, 0xa0c0c0 - 0x1000000];
    const bytes = concat([encodeCytonPacket(1, counts), encodeCytonPacket(2, counts), encodeCytonPacket(3, counts)]);
    const f = new CytonFramer();
    const got: number[] = [];
    f.push(new Uint8Array([0x13, 0x37]), () => undefined);
    f.push(bytes, (p) => got.push(p[1]));
    assert.deepEqual(got, [1, 2, 3]);
    assert.equal(f.skippedBytes, 2);
  });
  test('pure noise yields no packets', () => {
    const rnd = mulberry32(9);
    const noise = Uint8Array.from({ length: 200_000 }, () => Math.floor(rnd() * 256));
    const dec = new CytonStreamDecoder({ daisy: false, uvPerCount: scales8 });
    const runs = decodeInPieces(dec, noise);
    // A false packet needs A0, a valid footer and another A0 exactly 33 bytes on: about 1 in 2.4 M.
    assert.ok(runs.reduce((n, r) => n + r.count, 0) <= 1, `${runs.reduce((n, r) => n + r.count, 0)} samples decoded from noise, expected at most 1`);
  });
});
