import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { importXdf, parseXdf, robustLinearFit, syncXdfStream } from '../../../../src/shared/formats/xdf';
import { parseXdfDatetime } from '../../../../src/shared/formats/xdf/xdf-import';
import { parseXml } from '../../../../src/shared/formats/xdf/xml-lite';
import { buildXdf } from './xdf-builder';
import { NEED_DATA, readData } from '../../../fixtures/shared-data';
import { throwsFormat } from '../throws-format';

/** The chunks of a file the builder wrote (4-byte lengths): where each starts and ends, and its tag. */
function chunks(b: Uint8Array): { start: number; end: number; tag: number }[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: { start: number; end: number; tag: number }[] = [];
  for (let p = 4; p < b.length; ) {
    assert.equal(b[p], 4, `the chunk at byte ${p} gives its length in 4 bytes (NumLengthBytes 4)`);
    const end = p + 5 + dv.getUint32(p + 1, true);
    out.push({ start: p, end, tag: dv.getUint16(p + 5, true) });
    p = end;
  }
  return out;
}

/** `b` with the first `from` (ASCII) replaced by `to` of the same length. */
function replaceAscii(b: Uint8Array, from: string, to: string): Uint8Array {
  assert.equal(from.length, to.length);
  const text = new TextDecoder('latin1').decode(b);
  const at = text.indexOf(from);
  assert.ok(at >= 0, `${from} not found`);
  const out = b.slice();
  for (let i = 0; i < to.length; i++) out[at + i] = to.charCodeAt(i);
  return out;
}

describe('parseXdf', () => {
  test('minimal.xdf: the values pyxdf\'s own test asserts (int16 stream, string stream, header, footer)', { skip: NEED_DATA }, () => {
    const f = parseXdf(readData('xdf/minimal.xdf'), 'minimal.xdf');
    assert.equal(f.header.version, '1.0');
    assert.equal(f.streams.length, 2);
    const [c, s] = f.streams;
    assert.deepEqual([c.id, c.info.name, c.info.type, c.info.channelCount, c.info.nominalSrate, c.info.channelFormat], [0, 'SendDataC', 'EEG', 3, 10, 'int16']);
    const rows = [[192, 255, 238], [12, 22, 32], [13, 23, 33], [14, 24, 34], [15, 25, 35], [12, 22, 32], [13, 23, 33], [14, 24, 34], [15, 25, 35]];
    const n = c.timestamps.length;
    assert.equal(n, 9);
    for (let k = 0; k < 9; k++) for (let ch = 0; ch < 3; ch++) assert.equal(c.data![ch * n + k], rows[k][ch], `sample ${k}, channel ${ch}`);
    [...c.timestamps].forEach((t, k) => assert.ok(Math.abs(t - (5.1 + k * 0.1)) < 1e-9, `timestamp ${k} is ${t}, expected ${5.1 + k * 0.1}`));
    assert.deepEqual(c.clockOffsets, [{ time: 6.1, value: -0.1 }, { time: 7.1, value: -0.1 }]);
    assert.equal(c.footer.sample_count, '9');
    assert.deepEqual(s.strings!.slice(1, 5).map((r) => r[0]), ['Hello', 'World', 'from', 'LSL']);
    assert.match(s.strings![0][0], /^<\?xml version="1.0"\?><info><writer>LabRecorder xdfwriter/);
  });

  test('clock_resets.xdf: a marker stream and an 8-channel float32 stream at 100 Hz', { skip: NEED_DATA }, () => {
    const f = parseXdf(readData('xdf/clock_resets.xdf'), 'clock_resets.xdf');
    assert.deepEqual(f.streams.map((s) => [s.info.name, s.info.type, s.info.channelCount, s.info.nominalSrate, s.timestamps.length]), [
      ['MyMarkerStream', 'Markers', 1, 0, 175],
      ['BioSemi', 'EEG', 8, 100, 27815],
    ]);
    assert.equal(String(f.streams[1].timestamps.length), f.streams[1].footer.sample_count);
    assert.deepEqual(f.warnings, []);
  });

  test('time stamps left out are the previous one plus 1/srate; every channel format', () => {
    const bytes = buildXdf([
      { id: 1, format: 'int8', channels: 2, srate: 4, samples: [{ t: 10, v: [-1, 2] }, { v: [3, -4] }, { v: [5, 6] }] },
      { id: 2, format: 'int32', channels: 1, srate: 0, samples: [{ t: 1, v: [-2147483648] }] },
      { id: 3, format: 'int64', channels: 1, srate: 0, samples: [{ t: 1, v: [-(2 ** 40) - 3] }] },
      { id: 4, format: 'double64', channels: 1, srate: 0, samples: [{ t: 1, v: [Math.PI] }] },
      { id: 5, format: 'int16', channels: 1, srate: 0, samples: [{ t: 1, v: [-300] }] },
    ]);
    const f = parseXdf(bytes, 'x.xdf');
    assert.deepEqual([...f.streams[0].timestamps], [10, 10.25, 10.5]);
    assert.deepEqual([...f.streams[0].data!], [-1, 3, 5, 2, -4, 6]);
    assert.deepEqual([f.streams[1].data![0], f.streams[2].data![0], f.streams[3].data![0], f.streams[4].data![0]], [-2147483648, -(2 ** 40) - 3, Math.PI, -300]);
  });

  test('a file cut short keeps its complete chunks, with a warning', { skip: NEED_DATA }, () => {
    const whole = readData('xdf/clock_resets.xdf');
    const f = parseXdf(whole.subarray(0, whole.length >> 1), 'cut.xdf');
    assert.match(f.warnings.join(), /cut short/);
    assert.ok(f.streams[1].timestamps.length > 10000 && f.streams[1].timestamps.length < 27815, `${f.streams[1].timestamps.length} timestamps kept, expected between 10000 and 27815`);
  });

  test('a corrupt chunk is skipped to the next boundary chunk', { skip: NEED_DATA }, () => {
    const b = readData('xdf/clock_resets.xdf').slice();
    b[5000] = 0x07; // some chunk's length byte → invalid somewhere after the headers
    const f = parseXdf(b, 'c.xdf');
    assert.ok(f.streams.length === 2, `${f.streams.length} streams, expected 2`);
  });

  test('not XDF, no streams, bad stream header: one FormatError', () => {
    throwsFormat(() => parseXdf(new Uint8Array(0), 'e.xdf'), 'empty', 'e.xdf');
    throwsFormat(() => parseXdf(Uint8Array.from([1, 2, 3, 4, 5]), 'n.xdf'), 'not-this-format', 'n.xdf');
    throwsFormat(() => parseXdf(Uint8Array.from([0x58, 0x44, 0x46, 0x3a]), 'h.xdf'), 'bad-data', 'h.xdf', /no stream header/);
    const bad = buildXdf([{ id: 1, format: 'float32', channels: 0, srate: 10, samples: [] }]);
    throwsFormat(() => parseXdf(bad, 'b.xdf'), 'bad-header', 'b.xdf', /channel_count/);
    const fmt = buildXdf([{ id: 1, format: 'complex128' as 'float32', channels: 1, srate: 10, samples: [] }]);
    throwsFormat(() => parseXdf(fmt, 'f.xdf'), 'bad-header', 'f.xdf', /no stream can be read: stream 1 \(S1\): channel_format "complex128" is not an XDF channel format/);
  });

  test('a corrupt chunk whose length is intact costs that chunk only, with no boundary chunk to resume at', () => {
    const eeg = { id: 1, format: 'float32' as const, channels: 2, srate: 10, samples: Array.from({ length: 30 }, (_, k) => ({ t: 100 + k / 10, v: [k, -k] })) };
    const markers = { id: 2, format: 'string' as const, channels: 1, srate: 0, samples: Array.from({ length: 30 }, (_, k) => ({ t: 100 + k / 10, v: [`m${k}`] })) };
    const bytes = buildXdf([eeg, markers], { chunkSamples: 10 }); // samples chunks: eeg, markers, eeg, markers, eeg, markers
    const second = chunks(bytes).filter((c) => c.tag === 3)[2];
    bytes[second.start + 16] = 7; // its first sample's time-stamp byte count (valid: 0 or 8)
    const f = parseXdf(bytes, 'c.xdf');
    assert.deepEqual([...f.streams[0].timestamps], [...eeg.samples.slice(0, 10), ...eeg.samples.slice(20)].map((s) => s.t));
    assert.deepEqual([...f.streams[0].data!.subarray(0, 20)], [...Array.from({ length: 10 }, (_, k) => k), ...Array.from({ length: 10 }, (_, k) => 20 + k)]);
    assert.equal(f.streams[1].strings!.length, 30);
    assert.deepEqual(f.warnings, [`stream 1 (S1): corrupt samples chunk at byte ${second.start}: sample 1 of 10: invalid time-stamp byte count 7; skipped; reading goes on at the next chunk (byte ${second.end})`]);
  });

  test('clock_resets.xdf damaged inside one chunk: only that chunk\'s 46 samples are lost', { skip: NEED_DATA }, () => {
    const b = readData('xdf/clock_resets.xdf').slice();
    b.fill(0xff, 590000, 590064); // the sample count of the chunk at byte 589988, and its first samples
    const f = parseXdf(b, 'd.xdf');
    assert.deepEqual(f.streams.map((s) => s.timestamps.length), [175, 27815 - 46]);
    assert.match(f.warnings.join('\n'), /stream 2 \(BioSemi\): corrupt samples chunk at byte 589988: .*reading goes on at the next chunk/);
  });

  test('a chunk length corrupted past the end of the file resumes at the next boundary chunk', { skip: NEED_DATA }, () => {
    const b = readData('xdf/clock_resets.xdf').slice();
    assert.equal(b[589988], 4); // a 4-byte chunk length
    new DataView(b.buffer).setUint32(589989, 0x7ffffff0, true);
    const f = parseXdf(b, 'l.xdf');
    assert.match(f.warnings[0], /^corrupt chunk at byte 589988 \(its length, 2147483632 bytes, runs past the end of the file\); skipped to the boundary at byte \d+$/);
    assert.ok(f.streams[1].timestamps.length > 27000, `${f.streams[1].timestamps.length} samples`);
    assert.ok(f.streams[0].timestamps.length >= 170, `${f.streams[0].timestamps.length} timestamps, expected at least 170`);
  });

  test('a channel_count that does not fit the data: one warning that says so, the other streams whole', () => {
    const eeg = { id: 1, format: 'float32' as const, channels: 2, srate: 10, samples: Array.from({ length: 30 }, (_, k) => ({ t: 1 + k / 10, v: [k, k] })) };
    const markers = { id: 2, format: 'string' as const, channels: 1, srate: 0, samples: Array.from({ length: 30 }, (_, k) => ({ t: 1 + k / 10, v: [`m${k}`] })) };
    const bytes = replaceAscii(buildXdf([eeg, markers], { chunkSamples: 10 }), '<channel_count>2<', '<channel_count>3<');
    const f = parseXdf(bytes, 'n.xdf');
    assert.equal(f.streams[0].timestamps.length, 0);
    assert.equal(f.streams[1].strings!.length, 30);
    assert.equal(f.warnings.length, 1, f.warnings.join('\n'));
    assert.match(f.warnings[0], /^stream 1 \(S1\): none of its 3 sample chunks could be read \(first: chunk at byte \d+: .+\); do the channel_count \(3\) and channel_format \(float32\) of its header match the data\?$/);
  });

  test('channel_format "float64" is not XDF (the spec says double64): that stream is left out with the formats listed', () => {
    const bad = { id: 1, format: 'float64' as 'double64', channels: 1, srate: 10, samples: [{ t: 1, v: [1] }] };
    const good = { id: 2, format: 'float32' as const, channels: 1, srate: 10, samples: [{ t: 1, v: [2] }] };
    const listed = /channel_format "float64" is not an XDF channel format \(did you mean "double64"\?\); XDF defines float32, double64, string, int8, int16, int32, int64/;
    const f = parseXdf(buildXdf([bad, good]), 'f.xdf');
    assert.deepEqual(f.streams.map((s) => s.info.name), ['S2']);
    assert.equal(f.warnings.length, 1);
    assert.match(f.warnings[0], /^stream 1 \(S1\) left out: /);
    assert.match(f.warnings[0], listed);
    assert.match(f.warnings[0], /\(its 1 data chunk ignored\)$/);
    throwsFormat(() => parseXdf(buildXdf([bad]), 'f.xdf'), 'bad-header', 'f.xdf', listed);
  });

  test('a sample count that cannot fit its chunk is caught before allocating', () => {
    const bytes = buildXdf([{ id: 1, format: 'double64', channels: 64, srate: 10, samples: [{ t: 1, v: new Array(64).fill(0) }] }], { lieCount: 0xffffffff });
    const f = parseXdf(bytes, 'l.xdf');
    assert.match(f.warnings.join(), /cannot fit/);
    assert.equal(f.streams[0].timestamps.length, 0);
  });
});

describe('XDF clock synchronisation (pyxdf algorithm)', () => {
  test('minimal.xdf: offsets of -0.1 s move every stamp by -0.1 s', { skip: NEED_DATA }, () => {
    const f = parseXdf(readData('xdf/minimal.xdf'), 'minimal.xdf');
    const y = syncXdfStream(f.streams[0]);
    [...y.timestamps].forEach((t, k) => assert.ok(Math.abs(t - (5.0 + k * 0.1)) < 1e-9, `timestamp ${k} is ${t}, expected ${5.0 + k * 0.1}`));
    assert.ok(Math.abs(y.effectiveSrate - 10) < 1e-9, `effective rate ${y.effectiveSrate}, expected 10`);
  });

  test('the robust fit follows the drift and ignores an outlying offset measurement', () => {
    const t = Array.from({ length: 50 }, (_, i) => 1000 + 5 * i);
    const v = t.map((x) => -3.2 + 2e-5 * (x - 1000) + (x === 1100 ? 0.05 : 0) + 1e-6 * Math.sin(x));
    const [a, b] = robustLinearFit(t, v, 0.0001);
    assert.ok(Math.abs(b - 2e-5) < 1e-8, `slope ${b}`);
    assert.ok(Math.abs(a + b * 1000 - -3.2) < 1e-5, `intercept ${a}`);
  });

  test('clock_resets.xdf: one reset per stream, found and mapped onto one monotonic timeline', { skip: NEED_DATA }, () => {
    const f = parseXdf(readData('xdf/clock_resets.xdf'), 'clock_resets.xdf');
    const [markers, eeg] = f.streams.map((s) => syncXdfStream(s, { dejitter: false }));
    assert.equal(markers.clockResets, 1);
    assert.equal(eeg.clockResets, 1);
    // the raw EEG clock restarts (653288.5 → 100.6) at sample 12876: two segments
    assert.deepEqual(eeg.segments, [[0, 12876], [12876, 27815]]);
    for (let i = 1; i < eeg.timestamps.length; i++) assert.ok(eeg.timestamps[i] > eeg.timestamps[i - 1], `EEG time runs back at ${i}`);
    for (let i = 1; i < markers.timestamps.length; i++) assert.ok(markers.timestamps[i] > markers.timestamps[i - 1], `marker time runs back at ${i}`);
    // before the reset the offset is about -652340.284 s, after it about +1121.166 s
    assert.ok(Math.abs(eeg.timestamps[0] - f.streams[1].timestamps[0] - -652340.284) < 0.01, `the first EEG sample's offset is ${eeg.timestamps[0] - f.streams[1].timestamps[0]} s, expected -652340.284`);
    assert.ok(Math.abs(eeg.timestamps[12876] - f.streams[1].timestamps[12876] - 1121.166) < 0.01, `EEG sample 12876's offset is ${eeg.timestamps[12876] - f.streams[1].timestamps[12876]} s, expected 1121.166`);
    // the markers fall inside the EEG's time span
    assert.ok(markers.timestamps[0] > eeg.timestamps[0] && markers.timestamps.at(-1)! < eeg.timestamps.at(-1)!, 'the markers lie within the EEG');
  });

  test('dejittering: a regular stream with jittered stamps gets a straight line; a long pause splits it', () => {
    const samples = Array.from({ length: 400 }, (_, k) => ({ t: 100 + k / 50 + (k % 2 ? 0.004 : -0.004) + (k >= 200 ? 30 : 0), v: [k] }));
    const f = parseXdf(buildXdf([{ id: 7, format: 'float32', channels: 1, srate: 50, samples }]), 'j.xdf');
    const y = syncXdfStream(f.streams[0]);
    assert.deepEqual(y.segments, [[0, 200], [200, 400]]);
    for (let k = 1; k < 200; k++) assert.ok(Math.abs(y.timestamps[k] - y.timestamps[k - 1] - 0.02) < 1e-5, `step ${k} is ${y.timestamps[k] - y.timestamps[k - 1]} s, expected 0.02`);
    const spacing = y.timestamps[1] - y.timestamps[0];
    for (let k = 2; k < 200; k++) assert.ok(Math.abs(y.timestamps[k] - y.timestamps[k - 1] - spacing) < 1e-12, `step ${k} is ${y.timestamps[k] - y.timestamps[k - 1]} s, expected the first step ${spacing}`); // a straight line
    assert.ok(Math.abs(y.effectiveSrate - 50) < 0.01, `effective rate ${y.effectiveSrate}, expected 50`);
  });
});

describe('importXdf', () => {
  test('clock_resets.xdf: EEG stream with per-sample times, markers as annotations on the same zero', { skip: NEED_DATA }, () => {
    const r = importXdf(readData('xdf/clock_resets.xdf'), 'clock_resets.xdf');
    assert.equal(r.format, 'xdf');
    assert.equal(r.streams.length, 1);
    const eeg = r.streams[0];
    assert.deepEqual([eeg.name, eeg.type, eeg.modality, eeg.rateHz, eeg.channels.length], ['BioSemi', 'EEG', 'eeg', 100, 8]);
    assert.deepEqual(eeg.segments.map((s) => s.count), [12876, 14939]);
    assert.equal(eeg.segments[0].start, 0);
    assert.equal(eeg.channels[0].unit, 'uV');
    assert.equal(r.annotations.length, 175);
    assert.deepEqual(r.annotations.slice(0, 3).map((a) => a.label), ['XXX', 'Test', 'Blah']);
    assert.ok(r.annotations.every((a) => a.onset > 0 && a.onset < eeg.segments[1].times!.at(-1)!), 'every annotation lies within the EEG');
    assert.match(r.warnings.join(), /clock reset/);
    // data values are those of the file
    const raw = parseXdf(readData('xdf/clock_resets.xdf'), 'x').streams[1];
    assert.equal(eeg.segments[1].data[0], raw.data![12876]);
  });

  test('LabRecorder\'s header datetime dates the recording (it was undated: the import time stood in); a bad one is a warning', () => {
    const streams = [{ id: 1, format: 'float32' as const, channels: 1, srate: 10, samples: [{ t: 100, v: [1] }, { t: 100.1, v: [2] }] }];
    const dated = importXdf(buildXdf(streams, { headerXml: '<datetime>2019-05-15T16:00:53+0200</datetime>' }), 'd.xdf');
    assert.equal(dated.startTime, Date.UTC(2019, 4, 15, 14, 0, 53) / 1000);
    assert.deepEqual(dated.warnings, []);
    const bad = importXdf(buildXdf(streams, { headerXml: '<datetime>yesterday</datetime>' }), 'b.xdf');
    assert.equal(bad.startTime, null);
    assert.deepEqual(bad.warnings, ['the file header\'s datetime "yesterday" is not a date and time; the recording is undated']);
    assert.equal(importXdf(buildXdf(streams), 'n.xdf').startTime, null);
    const utc = Date.UTC(2019, 4, 15, 14, 0, 53) / 1000;
    for (const [text, t] of [
      ['2019-05-15T14:00:53Z', utc],
      ['2019-05-15T14:00:53', utc],
      ['2019-05-15T09:00:53-05:00', utc],
      ['2019-05-15 14:00:53.25+0000', utc + 0.25],
      ['2019-06-31T00:00:00Z', null],
      ['2019-05-15T25:00:00Z', null],
      ['1900-01-01T00:00:00Z', null],
    ] as const) assert.equal(parseXdfDatetime(text), t, text);
  });

  test('channel labels and units from <desc>, mV converted to µV', () => {
    const bytes = buildXdf([{ id: 1, format: 'float32', channels: 2, srate: 250, type: 'ECG', desc: [['ECG1', 'millivolts'], ['ECG2', 'mV']], samples: [{ t: 1, v: [1.5, -2] }, { v: [0, 1] }] }]);
    const r = importXdf(bytes, 'e.xdf');
    const s = r.streams[0];
    assert.deepEqual([s.modality, s.channels.map((c) => [c.label, c.unit, c.fileUnit])], ['ecg', [['ECG1', 'uV', 'millivolts'], ['ECG2', 'uV', 'mV']]]);
    assert.deepEqual([...s.segments[0].data], [1500, 0, -2000, 1000]);
  });
});

test('xml-lite: entities, CDATA, comments, self-closing; malformed and too deep → null', () => {
  const x = parseXml('<?xml version="1.0"?><!-- c --><info><name>a &amp; b &#x41;</name><desc/><t><![CDATA[<x>]]></t></info>')!;
  assert.equal(x.children[0].text, 'a & b A');
  assert.equal(x.children[2].text, '<x>');
  assert.equal(parseXml('<a><b></a>'), null);
  assert.equal(parseXml('<a>'), null);
  assert.equal(parseXml('<a>'.repeat(100) + '</a>'.repeat(100)), null);
});

test('a stream that sent no samples (an amplifier switched off while LabRecorder ran) is left out with a warning; the other streams and the markers stay', () => {
  const eeg = { id: 1, format: 'float32' as const, channels: 2, srate: 100, samples: Array.from({ length: 300 }, (_, i) => ({ t: 1000 + i / 100, v: [i, -i] })) };
  const ecg = { id: 2, format: 'float32' as const, channels: 1, srate: 130, type: 'ECG', samples: [] };
  const markers = { id: 3, format: 'string' as const, channels: 1, srate: 0, type: 'Markers', samples: [{ t: 1001, v: ['go'] }] };
  const r = importXdf(buildXdf([eeg, ecg, markers]), 'x.xdf');
  assert.deepEqual(r.streams.map((s) => [s.name, s.segments.map((g) => g.count)]), [['S1', [300]]]);
  assert.deepEqual(r.warnings, ['stream 2 (S2): no samples in the file (it sent none while recording); left out']);
  assert.deepEqual(r.annotations.map((a) => [Number(a.onset.toFixed(6)), a.label]), [[1, 'go']]);
  // An empty marker stream is no news (no events were sent): no warning.
  assert.deepEqual(importXdf(buildXdf([eeg, { ...markers, samples: [] }]), 'x.xdf').warnings, []);
  // A file whose only numeric stream is empty: nothing to import, and the warning says why.
  assert.deepEqual(importXdf(buildXdf([ecg]), 'x.xdf').streams, []);
});
