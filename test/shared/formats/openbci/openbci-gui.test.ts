import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FormatError } from '../../../../src/shared/formats/format-error';
import { parseOpenBciGui } from '../../../../src/shared/formats/openbci/openbci-gui';
import { GUI_FILE, NEED_GUI } from '../../../fixtures/cyton/openbci-gui';

test('OpenBCI GUI v6 Cyton file: 8 EXG channels at 250 Hz, 22490 samples, values and time as written', { skip: NEED_GUI }, () => {
  const text = readFileSync(GUI_FILE, 'latin1');
  const r = parseOpenBciGui(text, 'gui.txt');
  assert.equal(r.format, 'openbci-gui');
  assert.equal(r.startTime, 1557936053.329);
  assert.equal(r.info.board, 'OpenBCI_GUI$BoardCytonSerial');
  const [exg, other] = r.streams;
  assert.deepEqual([exg.name, exg.modality, exg.rateHz, exg.channels.length, exg.channels[0].label, exg.channels[0].unit], ['EXG', 'eeg', 250, 8, 'EXG Channel 0', 'uV']);
  assert.deepEqual(exg.segments.map((s) => [s.start, s.count]), [[0, 22490]]);
  const seg = exg.segments[0];
  // first and last data lines of the file
  assert.deepEqual([0, 1, 7].map((c) => seg.data[c * seg.count]), [61379.36, 49492.89, 1740.11]);
  assert.deepEqual([0, 7].map((c) => seg.data[c * seg.count + seg.count - 1]), [58705.56, -6470.99]);
  assert.deepEqual(other.channels.slice(0, 3).map((c) => [c.label, c.unit, c.kind]), [['Accel Channel 0', 'g', 'accel'], ['Accel Channel 1', 'g', 'accel'], ['Accel Channel 2', 'g', 'accel']]);
  assert.equal(other.segments[0].data[0], 0.04);
  assert.deepEqual(r.annotations, []);
  assert.deepEqual(r.warnings, []);
});

test('a file cut off inside its last line: that line is left out, with a warning', { skip: NEED_GUI }, () => {
  const cut = readFileSync(GUI_FILE).subarray(0, 20000); // as `head -c 20000` leaves it: line 126 holds 5 of 25 fields
  const r = parseOpenBciGui(cut, 'cut.txt');
  assert.equal(r.streams[0].segments[0].count, 125);
  assert.deepEqual(r.warnings, ['the last line (data line 126) has 5 of 25 columns (file cut short?); it is left out']);
});

test('lost samples (counter jumps) and a long pause split the stream at the right times; markers kept', () => {
  const head = '%OpenBCI Raw EXG Data\n%Number of channels = 2\n%Sample Rate = 250 Hz\n%Board = OpenBCI_GUI$BoardCytonSerial\nSample Index, EXG Channel 0, EXG Channel 1, Timestamp, Marker Channel, Timestamp (Formatted)\n';
  const rows: string[] = [];
  const add = (idx: number, v: number, tMs: number, marker = 0) => rows.push(`${idx % 256}, ${v}, ${-v}, ${tMs}, ${marker}, 12:00:00.000`);
  for (let i = 0; i < 10; i++) add(i, i, 1e12 + i * 4);
  for (let i = 13; i < 20; i++) add(i, i, 1e12 + i * 4, i === 15 ? 3 : 0); // 3 samples lost
  for (let i = 20; i < 25; i++) add(i, i, 1e12 + 5000 + i * 4); // 5 s pause
  const r = parseOpenBciGui(head + rows.join('\n'), 'gaps.txt');
  assert.deepEqual(r.streams[0].segments.map((s) => [s.start, s.count]), [[0, 10], [13 / 250, 7], [5 + 20 * 0.004, 5]]);
  assert.deepEqual(r.annotations.map((a) => [a.onset, a.label]), [[15 / 250, '3']]);
  assert.match(r.warnings.join(), /3 samples lost/);
});

test('bad OpenBCI files give one FormatError', () => {
  const bad = (text: string, code: string, re: RegExp) =>
    assert.throws(() => parseOpenBciGui(text, 'b.txt'), (e: unknown) => e instanceof FormatError && e.code === code && re.test(e.message) && e.fileName === 'b.txt');
  bad('', 'empty', /empty/);
  bad('hello', 'not-this-format', /OpenBCI/);
  bad('%OpenBCI Raw EXG Data\n%Sample Rate = 250 Hz\n', 'bad-header', /channels/);
  bad('%OpenBCI Raw EXG Data\n%Number of channels = 1\n%Sample Rate = 250 Hz\nSample Index, EXG Channel 0\n0, 1\n1, x\n2, 3\n', 'bad-number', /line 2/);
  bad('%OpenBCI Raw EXG Data\n%Number of channels = 2\n%Sample Rate = 250 Hz\nSample Index, EXG Channel 0\n0, 1\n', 'bad-header', /2 channels/);
});

test('OpenBCI time stamps in µs or ns (the GUI writes ms or s) are refused naming the line and the unit they look like', () => {
  const head = '%OpenBCI Raw EXG Data\n%Number of channels = 1\n%Sample Rate = 250 Hz\nSample Index, EXG Channel 0, Timestamp\n';
  const file = (scale: number) => head + Array.from({ length: 20 }, (_, i) => `${i}, ${i}, ${((1.7e9 + i / 250) * scale).toFixed(0)}`).join('\n');
  for (const [scale, unit] of [[1e6, 'microseconds'], [1e9, 'nanoseconds']] as const) {
    assert.throws(
      () => parseOpenBciGui(file(scale), 't.txt'),
      (e: unknown) => e instanceof FormatError && e.code === 'bad-number' && e.message === `t.txt: data line 1, Timestamp column (column 3): ${1.7e9 * scale} is not a unix time in milliseconds from 1970 to 2200; it looks like ${unit} (2023-11-14)`,
    );
  }
  assert.equal(parseOpenBciGui(file(1e3), 't.txt').startTime, 1.7e9);
  assert.equal(parseOpenBciGui(file(1), 't.txt').startTime, 1.7e9);
});
