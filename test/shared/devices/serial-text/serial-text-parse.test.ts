// Generic text devices: separators, units, a banner, malformed lines, timestamps, over-long lines.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LineAssembler, SerialTextDecoder, TEXT_MISMATCH_LINES, isNotText, parseTextLine, splitTextLine, validateSerialTextConfig } from '../../../../src/shared/devices/serial-text/serial-text-parse';
import type { SerialTextConfig } from '../../../../src/shared/devices/serial-text/serial-text.types';
import { asciiBytes } from '../../../../src/shared/devices/bytes';
import { DeviceError } from '../../../../src/shared/devices/device-error';

const ecg: SerialTextConfig = { channels: ['ECG'], rateHz: 250, unit: 'mV', modality: 'ecg' };
const eeg2: SerialTextConfig = { channels: ['Fp1', 'Fp2'], rateHz: 200, unit: 'uV', modality: 'eeg' };

describe('splitting and parsing lines', () => {
  test('commas, semicolons, tabs and runs of spaces', () => {
    assert.deepEqual(splitTextLine('1, 2,3'), ['1', '2', '3']);
    assert.deepEqual(splitTextLine('1;2'), ['1', '2']);
    assert.deepEqual(splitTextLine('1\t 2   3'), ['1', '2', '3']);
    assert.deepEqual(splitTextLine('  '), []);
  });
  test('units: mV ECG arrives in µV; other streams keep their unit', () => {
    const r = parseTextLine('1.25', ecg);
    assert.equal(r.kind, 'sample');
    assert.equal(r.kind === 'sample' && r.values[0], 1250);
    const o = parseTextLine('3.5', { ...ecg, modality: 'other', unit: 'g' });
    assert.equal(o.kind === 'sample' && o.values[0], 3.5);
  });
  test('scale and a device time column in ms', () => {
    const cfg: SerialTextConfig = { ...eeg2, scale: 0.5, timeColumn: 0, timeUnitS: 0.001 };
    const r = parseTextLine('1500,10,-4', cfg);
    assert.deepEqual(r.kind === 'sample' && [r.time, ...r.values], [1.5, 5, -2]);
  });
  test('strict numbers: no NaN, Infinity, hex or trailing junk', () => {
    for (const bad of ['NaN,1', 'Infinity,2', '0x10,1', '1.2.3,4', '5abc,1', '1e999,1', '1,2,3', '1e300,1']) assert.equal(parseTextLine(bad, eeg2).kind, 'invalid', bad);
    // Found by the fuzzer: finite as a double, Infinity once scaled to µV and stored as float32.
    assert.equal(parseTextLine('31e46', ecg).kind, 'invalid');
    assert.equal(parseTextLine('# comment', eeg2).kind, 'blank');
    assert.equal(parseTextLine('-1.5e-3,+.5', eeg2).kind, 'sample');
  });
  test('configs that cannot work are refused up front', () => {
    assert.throws(() => validateSerialTextConfig({ ...ecg, channels: [] }), DeviceError);
    assert.throws(() => validateSerialTextConfig({ ...ecg, rateHz: 0 }), /rate/);
    assert.throws(() => validateSerialTextConfig({ ...ecg, unit: 'counts' }), /uV, mV or V/);
    assert.throws(() => validateSerialTextConfig({ ...ecg, timeColumn: 3 }), /time column/);
  });
});

describe('SerialTextDecoder', () => {
  test('a boot banner is skipped; samples flow in runs with line-count times', () => {
    const d = new SerialTextDecoder(eeg2);
    const runs = [...d.push(asciiBytes('ESP32 ready\r\nFp1,Fp2\r\n1,2\r\n3,')), ...d.push(asciiBytes('4\r\n5,6\r\n'))];
    assert.equal(d.stats.headerLines, 2);
    const all = runs.flatMap((r) => Array.from({ length: r.count }, (_, k) => [r.data[k], r.data[r.count + k]]));
    assert.deepEqual(all, [[1, 2], [3, 4], [5, 6]]);
    assert.equal(runs[0].deviceTime, 0);
    assert.equal(runs[1].deviceTime, 1 / 200);
  });
  test('a malformed line after data began is a lost sample: the run splits and time skips it', () => {
    const d = new SerialTextDecoder(eeg2);
    const runs = d.push(asciiBytes('1,2\n3,4\n3,\xff\n5,6\n'));
    assert.equal(runs.length, 2);
    assert.equal(runs[1].missingBefore, 1);
    assert.equal(runs[1].deviceTime, 3 / 200);
    assert.equal(d.stats.badLines, 1);
    assert.match(d.lastError ?? '', /not a number|columns/);
  });
  test('two columns to a one-channel config: after a few data lines the mismatch is named, not taken for a banner', () => {
    const d = new SerialTextDecoder(ecg);
    // A banner line (words) and a header do not count; bare numbers in the wrong count do.
    const bytes = asciiBytes('ESP32 ready\r\nECG,RESP\r\n0.512,0.031\r\n0.515,0.030\r\n0.519,0.029\r\n0.522,');
    assert.deepEqual(d.push(bytes), []);
    assert.equal(d.stats.mismatchedLines, 3);
    assert.equal(d.columnMismatch, undefined, 'three lines are not yet enough');
    assert.deepEqual(d.push(asciiBytes('0.028\r\n0.525,0.027\r\n')), []);
    assert.equal(d.stats.mismatchedLines, TEXT_MISMATCH_LINES);
    assert.equal(d.stats.headerLines, 7);
    assert.equal(d.stats.samples, 0);
    assert.equal(d.columnMismatch, 'lines have 2 columns, expected 1 (channel ECG): set 2 channels to match the device');
  });
  test('the mismatch message counts a time column and names varying widths', () => {
    const timed = new SerialTextDecoder({ ...eeg2, timeColumn: 0 });
    timed.push(asciiBytes('1,2\n2,3\n3,4\n4,5\n5,6\n'));
    assert.equal(timed.columnMismatch, 'lines have 2 columns, expected 3 (channels Fp1, Fp2 + time column): set 1 channel besides the time column to match the device');
    const ragged = new SerialTextDecoder(eeg2);
    ragged.push(asciiBytes('1\n1,2,3\n1,2,3,4\n1\n1,2,3\n'));
    assert.equal(ragged.columnMismatch, 'lines have 1 to 4 columns, expected 2 (channels Fp1, Fp2): set the channels to match what the device prints');
  });
  test('a banner of words, or a few numeric banner lines before matching data, is no mismatch', () => {
    const d = new SerialTextDecoder(eeg2);
    const runs = d.push(asciiBytes('HeartMind sketch\nv 1 2\n2024 11 26 10 30\n250\n1,2\n3,4\n'));
    assert.equal(d.columnMismatch, undefined);
    assert.equal(d.stats.mismatchedLines, 2);
    assert.equal(runs[0].count, 2);
    // Once data flows, wrong lines are lost samples (reported as such), never a mismatch.
    for (let i = 0; i < 10; i++) d.push(asciiBytes('1,2,3\n'));
    assert.equal(d.columnMismatch, undefined);
    assert.equal(d.stats.badLines, 10);
  });
  test('an endless line without newline is dropped, not buffered forever', () => {
    const l = new LineAssembler();
    l.push(new Uint8Array(5000).fill(0x31));
    assert.equal(l.overlong, 1);
    assert.deepEqual(l.push(asciiBytes('\n7\n')), ['', '7']);
  });

  test('from a line end: the piece before the first newline (a line cut by the port opening) is no sample, even where it reads as numbers', () => {
    const d = new SerialTextDecoder(eeg2, { fromLineEnd: true });
    // "0.7174,158\r\n" cut by the opening: "4,158" would be a sample of 4 and 158.
    assert.deepEqual(d.push(asciiBytes('4,1')), []);
    const runs = d.push(asciiBytes('58\r\n0.5,159\r\n0.6,16'));
    assert.deepEqual(runs.map((r) => [r.deviceTime, r.count, Array.from(r.data)]), [[0, 1, [0.5, 159]]]);
    assert.deepEqual(Array.from(d.push(asciiBytes('0\r\n'))[0].data), [Math.fround(0.6), 160]);
    assert.equal(d.stats.samples, 2);
    // Bytes that never end a line are over-long, as without the option.
    const l = new LineAssembler(true);
    l.push(new Uint8Array(5000).fill(0x31));
    assert.equal(l.overlong, 1);
    assert.deepEqual(l.push(asciiBytes('2\n7\n')), ['2', '7']);
    // Without the option (a whole stream, as tests and files give), the first line is a line.
    assert.deepEqual(Array.from(new SerialTextDecoder(eeg2).push(asciiBytes('4,158\n'))[0].data), [4, 158]);
  });

  test('bytes that are not text before any sample are counted (a wrong baud rate), a UTF-8 banner is not', () => {
    assert.equal(isNotText('HeartMind ECG v1.2 (µV)'), false);
    assert.equal(isNotText('\u00f8\u00ff\u0000\u00e0x\u00fe\u0080'), true);
    const d = new SerialTextDecoder(ecg);
    // "Board ready: µV" in UTF-8 (two bytes for µ), then line noise as 9600 baud reads at 115200.
    const banner = Uint8Array.from([...asciiBytes('Board ready: '), 0xc2, 0xb5, ...asciiBytes('V\r\n')]);
    const noise = Uint8Array.from([0xf8, 0x00, 0x80, 0xfe, 0xff, 0xe0, 0x78, 0x00, 0x0a, 0x80, 0x80, 0xf8, 0x0a]);
    assert.deepEqual(d.push(banner), []);
    assert.equal(d.stats.notTextBytes, 0);
    assert.deepEqual(d.push(noise), []);
    assert.equal(d.stats.notTextBytes, 13, 'both lines, newlines included');
    assert.equal(d.notTextPreview, 'F8 00 80 FE FF E0 78 00');
    assert.equal(d.columnMismatch, undefined);
    // Once text comes (the baud rate set right), samples flow.
    assert.equal(d.push(asciiBytes('0.5\n0.6\n'))[0]?.count, 2);
  });
});
