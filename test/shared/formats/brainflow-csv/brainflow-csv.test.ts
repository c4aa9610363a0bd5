import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FormatError } from '../../../../src/shared/formats/format-error';
import { BRAINFLOW_BOARDS, parseBrainFlowCsv } from '../../../../src/shared/formats/brainflow-csv';
import { parseOpenBciGui } from '../../../../src/shared/formats/openbci/openbci-gui';
import { dataPath, NEED_DATA } from '../../../fixtures/shared-data';

const BOARDS = dataPath('device-frames', 'brainflow-boards.json');
const GUI = dataPath('openbci-gui', 'OpenBCI_GUI-v6-blinks-jawClench-alpha.txt');

test('the board table holds exactly BrainFlow\'s descriptions (brainflow-boards.json)', { skip: NEED_DATA }, () => {
  const json = JSON.parse(readFileSync(BOARDS, 'utf8')) as { boards: Record<string, Record<string, unknown>> };
  assert.deepEqual(JSON.parse(JSON.stringify(BRAINFLOW_BOARDS)), json.boards);
});

test('a Cyton file in BrainFlow\'s layout (made from the OpenBCI GUI recording) reads back value for value', { skip: NEED_DATA }, () => {
  const gui = parseOpenBciGui(readFileSync(GUI, 'latin1'), 'gui.txt');
  const exg = gui.streams[0].segments[0];
  const acc = gui.streams[1].segments[0];
  const n = 2000;
  const t0 = 1557936053.329;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array(24).fill(0);
    row[0] = i % 256;
    for (let c = 0; c < 8; c++) row[1 + c] = exg.data[c * exg.count + i];
    for (let k = 0; k < 3; k++) row[9 + k] = acc.data[k * acc.count + i];
    row[22] = t0 + i / 250;
    row[23] = i === 500 ? 7 : 0;
    lines.push(row.map((v) => v.toFixed(6)).join('\t'));
  }
  const r = parseBrainFlowCsv(lines.join('\n') + '\n', 'cyton.csv'); // 24 columns: recognised as Cyton
  assert.equal(r.format, 'brainflow-csv');
  assert.equal(r.info.board, 'Cyton');
  assert.ok(Math.abs(r.startTime! - t0) < 1e-6, `startTime ${r.startTime} vs ${t0}`);
  const eeg = r.streams.find((s) => s.modality === 'eeg')!;
  assert.deepEqual(eeg.channels.map((c) => c.label), ['Fp1', 'Fp2', 'C3', 'C4', 'P7', 'P8', 'O1', 'O2']);
  assert.equal(eeg.rateHz, 250);
  const seg = eeg.segments[0];
  assert.equal(seg.count, n);
  for (let c = 0; c < 8; c++) for (let i = 0; i < n; i += 97) assert.ok(Math.abs(seg.data[c * n + i] - exg.data[c * exg.count + i]) < 1e-6, `channel ${c} sample ${i}: ${seg.data[c * n + i]} vs ${exg.data[c * exg.count + i]}`);
  const other = r.streams.find((s) => s.modality === 'other')!;
  assert.deepEqual(other.channels.slice(0, 3).map((c) => [c.label, c.kind, c.unit]), [['Accel 1', 'accel', 'g'], ['Accel 2', 'accel', 'g'], ['Accel 3', 'accel', 'g']]);
  assert.deepEqual(r.annotations.map((a) => [a.onset, a.label, a.source]), [[2, '7', 'brainflow:marker']]);
});

test('board chosen by id; ambiguous or wrong column counts are refused', () => {
  const line = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? 1 : i === 30 ? 1.7e9 : 0).toFixed(6)).join('\t');
  const synth = parseBrainFlowCsv(`${line(32)}\n${line(32)}\n`, 's.csv', { boardId: -1 });
  assert.equal(synth.streams[0].channels[0].label, 'Fz');
  assert.equal(synth.streams[0].channels.length, 16);
  const row = (i: number) => Array.from({ length: 32 }, (_, c) => (c === 0 ? i : c === 30 ? 1.7e9 + i / 250 : 0).toFixed(6)).join('\t');
  const cut = parseBrainFlowCsv(`${row(0)}\n${row(1)}\n${row(2).slice(0, 40)}`, 'cut.csv', { boardId: -1 }); // cut off inside line 3
  assert.deepEqual([cut.streams[0].segments[0].count, cut.warnings], [2, ['the last line (line 3) has 5 of 32 columns (file cut short?); it is left out']]);
  const fails = (text: string, opts: object, code: string, re: RegExp) =>
    assert.throws(() => parseBrainFlowCsv(text, 'x.csv', opts), (e: unknown) => e instanceof FormatError && e.code === code && re.test(e.message));
  fails(`${line(32)}\n`, {}, 'ambiguous-board', /several BrainFlow boards \(CytonDaisy, Synthetic\); name the board$/);
  assert.throws(() => parseBrainFlowCsv(`${line(32)}\n`, 'x.csv'), (e: unknown) => e instanceof FormatError && e.boards.join() === 'CytonDaisy,Synthetic');
  fails(`${line(7)}\n`, {}, 'bad-data', /no known BrainFlow board/);
  fails(`${line(24)}\n`, { boardId: 2 }, 'bad-data', /CytonDaisy writes 32/);
  fails(`${line(24)}\n${line(23)}\n${line(24)}\n`, { boardId: 0 }, 'bad-data', /line 2 has 23 columns/);
  fails('', {}, 'empty', /empty/);
  fails(`${line(24)}\n`, { boardId: 999 }, 'unsupported', /999/);
});

test('time stamps that are no unix seconds (ns, µs, ms, 1e300, relative ms) are refused naming the line, the column and the unit they look like', () => {
  // The QA file: a Cyton row (24 columns, timestamp in column 23) with time stamps in nanoseconds.
  const cyton = (time: (i: number) => number, n = 50) =>
    Array.from({ length: n }, (_, i) => [String(i), ...Array(21).fill('0.0'), time(i).toFixed(6), '0.0'].join('\t')).join('\n') + '\n';
  const fails = (text: string, message: string) =>
    assert.throws(() => parseBrainFlowCsv(text, 'c.csv', { boardId: 0 }), (e: unknown) => e instanceof FormatError && e.code === 'bad-number' && e.message === `c.csv: ${message}`);
  for (const [scale, unit] of [[1e9, 'nanoseconds'], [1e6, 'microseconds'], [1e3, 'milliseconds']] as const) {
    fails(cyton((i) => (1.7e9 + i / 250) * scale), `line 1, timestamp column (column 23): ${1.7e9 * scale} is not a unix time in seconds from 1970 to 2200; it looks like ${unit} (2023-11-14)`);
  }
  fails(cyton((i) => (i === 7 ? 1e300 : 1.7e9 + i / 250)), 'line 8, timestamp column (column 23): 1e+300 is not a unix time in seconds from 1970 to 2200');
  // Milliseconds from the start: plausible dates (1970), but every step would be a 4-s gap.
  fails(cyton((i) => 1 + i * 4), 'timestamp column (column 23): time stamps advance by 4 seconds per sample (median), which at 250 Hz would make every sample a gap; they look like milliseconds');
  // Unix seconds read as before; a zero time stamp column is no clock, and is left alone.
  const ok = parseBrainFlowCsv(cyton((i) => 1.7e9 + i / 250), 'c.csv', { boardId: 0 });
  assert.deepEqual([ok.startTime, ok.streams[0].segments.map((g) => g.count)], [1.7e9, [50]]);
  const noClock = parseBrainFlowCsv(cyton(() => 0), 'c.csv', { boardId: 0 });
  assert.deepEqual([noClock.startTime, noClock.streams[0].segments.map((g) => g.count)], [null, [50]]);
});

/** A BrainFlow file as DataFilter.write_file writes it: each row's values with 6 decimals, tab-separated. */
function brainflowText(rows: number[][]): string {
  return rows.map((r) => r.map((v) => v.toFixed(6)).join('\t')).join('\n') + '\n';
}

test('Ganglion (15 rows): its package number counts BLE packets of two samples (1, 1, 2, 2 … 100, 100, 1), not lost samples; a pause in the time stamps is the gap', () => {
  // BrainFlow's ganglion decompress(): both samples of a packet carry the packet's number (1–100 for 18-bit deltas).
  const t0 = 1700000000;
  const rows: number[][] = [];
  for (let i = 0; i < 600; i++) {
    const t = t0 + i / 200 + (i >= 400 ? 3 : 0); // a 3-s pause after 2 s
    const row = new Array(15).fill(0);
    row[0] = (Math.floor(i / 2) % 100) + 1;
    for (let c = 0; c < 4; c++) row[1 + c] = (i % 50) * 0.5 + c;
    row[13] = t;
    row[14] = i === 100 ? 3 : 0;
    rows.push(row);
  }
  const r = parseBrainFlowCsv(brainflowText(rows), 'ganglion.csv', { boardId: 1 });
  assert.equal(r.info.board, 'Ganglion');
  const eeg = r.streams.find((s) => s.modality === 'eeg')!;
  assert.deepEqual([eeg.rateHz, eeg.channels.map((c) => c.label)], [200, ['EEG 1', 'EEG 2', 'EEG 3', 'EEG 4']]);
  assert.deepEqual(eeg.segments.map((g) => [Number(g.start.toFixed(6)), g.count]), [[0, 400], [5, 200]]);
  assert.deepEqual(r.warnings, ['1 gap(s) in the recording']);
  assert.deepEqual(r.annotations.map((a) => [a.onset, a.label]), [[0.5, '3']]);
  // 15 columns are the Ganglion's alone: recognised without naming the board
  assert.equal(parseBrainFlowCsv(brainflowText(rows), 'ganglion.csv').info.board, 'Ganglion');
});

test('Cyton+Daisy (32 rows, 125 Hz, --board CytonDaisy): 16 EEG channels by their names; its package number steps by 2, and a jump is lost samples', () => {
  const t0 = 1700000000;
  const rows: number[][] = [];
  let pkg = 1;
  for (let i = 0; i < 300; i++) {
    if (i === 200) pkg = (pkg + 2 * 5) % 256; // 5 samples lost over the radio
    const row = new Array(32).fill(0);
    row[0] = pkg;
    pkg = (pkg + 2) % 256;
    for (let c = 0; c < 16; c++) row[1 + c] = c * 10 + i * 0.25;
    row[30] = t0 + (i + (i >= 200 ? 5 : 0)) / 125;
    rows.push(row);
  }
  const r = parseBrainFlowCsv(brainflowText(rows), 'daisy.csv', { boardId: 2 });
  const eeg = r.streams.find((s) => s.modality === 'eeg')!;
  assert.deepEqual([eeg.rateHz, eeg.channels.map((c) => c.label).join(' ')], [125, 'Fp1 Fp2 C3 C4 P7 P8 O1 O2 F7 F8 F3 F4 T7 T8 P3 P4']);
  assert.deepEqual(eeg.segments.map((g) => [g.start, g.count]), [[0, 200], [205 / 125, 100]]);
  assert.match(r.warnings.join(), /5 samples lost in transmission/);
  assert.equal(eeg.segments[1].data[15 * 100 + 99], 150 + 299 * 0.25);
});

test('Cyton+Daisy: a dropout of 0.8 or 1.5 s (the counter turns every 128 samples, 1.024 s) is a gap of exactly the samples lost', () => {
  for (const lost of [100, 188]) {
    const t0 = 1700000000;
    const rows: number[][] = [];
    for (let i = 0; i < 400; i++) {
      const n = i + (i >= 200 ? lost : 0);
      const row = new Array(32).fill(0);
      row[0] = (1 + 2 * n) % 256;
      row[1] = i;
      row[30] = t0 + n / 125 + (i % 4) * 0.003; // stamped late by up to 9 ms
      rows.push(row);
    }
    const r = parseBrainFlowCsv(brainflowText(rows), 'daisy.csv', { boardId: 2 });
    const eeg = r.streams.find((s) => s.modality === 'eeg')!;
    // 0.8 s (a jump of 101 of the 128 a turn counts) used to be no loss: bridged, the rest 0.8 s early
    assert.deepEqual(eeg.segments.map((g) => [g.start, g.count]), [[0, 200], [(200 + lost) / 125, 200]], `${lost} lost`);
    assert.deepEqual(r.warnings, [`${lost} samples lost in transmission (sample counter jumps); gaps kept in place`, '1 gap(s) in the recording'], `${lost} lost`);
  }
});
