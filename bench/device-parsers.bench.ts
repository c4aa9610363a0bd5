// Throughput of the device parsers on realistic frames: frames/s and MB/s, and the multiple of
// one device's real data rate each reaches. No peer runs in-process (the vendors' parsers are
// Kotlin, Swift and C++), so the real-time multiple is the reference.
// Run: node --import tsx bench/device-parsers.bench.ts [--ms 800]
import { benchFlags, header, median, POSITIVE, table, timeIt } from './bench-util';
import { parseHeartRateMeasurement, parsePmdEcgFrame } from '../src/shared/devices/polar/polar-parse';
import { encodeHeartRateMeasurement, encodePmdEcgFrame } from '../src/shared/devices/polar/polar-encode';
import { parseMuseEegPacket } from '../src/shared/devices/muse/muse-parse';
import { encodeMuseEegPacket } from '../src/shared/devices/muse/muse-encode';
import { SequenceAligner } from '../src/shared/devices/muse/muse-align';
import { CytonStreamDecoder } from '../src/shared/devices/cyton/cyton-parse';
import { encodeCytonPacket } from '../src/shared/devices/cyton/cyton-encode';
import { cytonUvPerCount } from '../src/shared/devices/cyton/cyton.types';
import { SerialTextDecoder } from '../src/shared/devices/serial-text/serial-text-parse';
import { asciiBytes } from '../src/shared/devices/bytes';

const { ms: minMs } = benchFlags(import.meta.url, 'Device parser throughput: frames/s, MB/s and the multiple of one device’s real rate.', {
  ms: { type: 'number', rule: POSITIVE, default: 800, help: 'milliseconds each parser is timed for' },
});
header('Device parser throughput');

interface Case {
  name: string;
  /** Frames handled per call. */
  frames: number;
  bytes: number;
  /** Frames per second the real device sends. */
  deviceFramesPerSec: number;
  fn: () => void;
}

const N = 1000;
const pmd = Array.from({ length: N }, (_, k) => encodePmdEcgFrame(599_616_000_000_000_000n + BigInt(Math.round(((k + 1) * 73 * 1e9) / 130)), Array.from({ length: 73 }, (_, i) => 1000 * Math.sin((k * 73 + i) / 9))));
const hr = Array.from({ length: N }, (_, k) => encodeHeartRateMeasurement(60 + (k % 40), [800 + k, 810]));
const muse = Array.from({ length: N }, (_, k) => encodeMuseEegPacket(k & 0xffff, Array.from({ length: 12 }, (_, i) => 40 * Math.sin((k * 12 + i) / 4))));
const cytonStream = new Uint8Array(N * 33);
for (let k = 0; k < N; k++) cytonStream.set(encodeCytonPacket(k & 0xff, Array.from({ length: 8 }, (_, c) => 50_000 * Math.sin(k / 9 + c))), k * 33);
const daisyStream = new Uint8Array(N * 33);
for (let k = 0; k < N; k++) daisyStream.set(encodeCytonPacket((k + 1) & 0xff, Array.from({ length: 8 }, (_, c) => 50_000 * Math.sin(k / 9 + c))), k * 33);
const textBytes = asciiBytes(Array.from({ length: N }, (_, k) => `${(k % 500) / 10},${-(k % 300) / 7},${k * 0.01}`).join('\r\n') + '\r\n');
const S = cytonUvPerCount(24);

const cases: Case[] = [
  {
    name: 'Polar PMD ECG frame (73 samples)',
    frames: N,
    bytes: pmd.reduce((n, f) => n + f.length, 0),
    deviceFramesPerSec: 130 / 73,
    fn: () => {
      let prev = 0n;
      for (const f of pmd) prev = parsePmdEcgFrame(f, { sampleRateHz: 130, previousTimestampNs: prev }).timestampNs;
    },
  },
  {
    name: 'Heart Rate Measurement 0x2A37',
    frames: N,
    bytes: hr.reduce((n, f) => n + f.length, 0),
    deviceFramesPerSec: 1,
    fn: () => {
      for (const f of hr) parseHeartRateMeasurement(f);
    },
  },
  {
    name: 'Muse EEG packet + 4-electrode alignment',
    frames: N,
    bytes: N * 20,
    deviceFramesPerSec: (256 / 12) * 4,
    fn: () => {
      const a = new SequenceAligner(4, 12);
      for (let k = 0; k < N; k++) {
        const p = parseMuseEegPacket(muse[k]);
        a.push(k % 4, k >> 2, p.samplesUv);
      }
    },
  },
  {
    name: 'Cyton byte stream (8 ch), 256-byte reads',
    frames: N,
    bytes: cytonStream.length,
    deviceFramesPerSec: 250,
    fn: () => {
      const d = new CytonStreamDecoder({ daisy: false, uvPerCount: new Array(8).fill(S) });
      for (let o = 0; o < cytonStream.length; o += 256) d.push(cytonStream.subarray(o, o + 256));
    },
  },
  {
    name: 'Cyton + Daisy byte stream (16 ch)',
    frames: N,
    bytes: daisyStream.length,
    deviceFramesPerSec: 250,
    fn: () => {
      const d = new CytonStreamDecoder({ daisy: true, uvPerCount: new Array(16).fill(S) });
      for (let o = 0; o < daisyStream.length; o += 256) d.push(daisyStream.subarray(o, o + 256));
    },
  },
  {
    name: 'Serial text lines (3 channels)',
    frames: N,
    bytes: textBytes.length,
    deviceFramesPerSec: 250,
    fn: () => {
      const d = new SerialTextDecoder({ channels: ['a', 'b', 'c'], rateHz: 250, unit: 'mV', modality: 'ecg' });
      for (let o = 0; o < textBytes.length; o += 256) d.push(textBytes.subarray(o, o + 256));
    },
  },
];

const rows = [];
for (const c of cases) {
  const ms = median(await timeIt(c.fn, { minMs }));
  const fps = (c.frames / ms) * 1000;
  rows.push({
    parser: c.name,
    'frames/s': Math.round(fps),
    'MB/s': (c.bytes / ms / 1000).toFixed(1),
    'µs/frame': ((ms * 1000) / c.frames).toFixed(2),
    '× real time': Math.round(fps / c.deviceFramesPerSec),
  });
}
table(rows);
console.log('\n× real time: frames parsed per second over frames the device sends per second (one device, one core).');
